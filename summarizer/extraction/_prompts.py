"""Versioned prompt files (prompts/*.toml): loaded from the package (an installed wheel
force-includes them as summarizer/prompts) or from the source checkout's prompts/."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from summarizer.errors import ConfigError


def _prompt_dirs() -> list[Path]:
    pkg = Path(__file__).resolve().parent.parent  # the summarizer package
    return [pkg / "prompts", pkg.parent / "prompts"]  # installed wheel; source checkout


@dataclass(frozen=True)
class Prompt:
    version: str
    system: str
    article: str
    tasks: dict[str, str]
    # "extract": the model writes the items (brief-v1..v3); "classify": brief-v4 on; "single": one
    # call for the whole brief, no code rules (naive-v1, the floor the rules are measured against)
    pipeline: str = "extract"
    # the keys of the classify pipeline's answers: "words" (the item's own words, brief-v4/v5) or
    # "numbers" (the item's number, brief-v6 on: fewer tokens written)
    answer_keys: str = "words"
    # the sentences the events pass asks about: "listed" again in the task, or "marked" in the
    # article itself ([#3]) so that they are read once (brief-v6 on)
    event_sentences: str = "listed"
    # the answer of a sentence that reports no event: "not_an_event" (brief-v4..v6, v8) or "none" (brief-v7: one token)
    no_event: str = "not_an_event"
    # the figures pass's list: "each" figure with its sentence, or "marked" (brief-v7): the figures'
    # sentences marked in the article like the event sentences, and named by their mark
    figure_listing: str = "each"
    # where a not-an-incident cue (a hypothesis, a negation, an accusation, a habit) takes an event
    # sentence out: anywhere in the "sentence" (up to brief-v7), or only in the event word's own
    # "clause" (brief-v8 on: "called for an inquiry into an airstrike that killed 40" is proposed)
    event_gate: str = "sentence"
    # how a local model's answers are written: as the schema's grammar lets it ("spaced": a space
    # after ':' and ',' when the model takes one), or "compact" (brief-v11: a grammar with no
    # whitespace, so every decoding step writes a key or an answer; issue 22)
    answer_format: str = "spaced"
    # the order of each event sentence's allowed answers: its "types" first, the no-event answer
    # last (up to brief-v11), or "none_first" (brief-v12: a small model leans to the first option
    # it is offered, and it called 81% of the dev sentences it was asked about events)
    event_answer_order: str = "types"
    # the most casualty figures (and sentences that carry them) asked about in one part of an
    # article: 12 up to brief-v12; a day's roundup of attacks gives 30 or 40 (brief-v13: 40)
    figure_limit: int = 12

    @property
    def calls_per_article(self) -> int:
        """Model calls for a one-part article: one per pass of the prompt."""
        return len(self.tasks)

    @property
    def schema_args(self) -> tuple[str, str, str, str]:
        """What the answer shapes depend on: the arguments of `schema_hash`."""
        return self.pipeline, self.answer_keys, self.no_event, self.event_answer_order

    def header(self, schema_hash: str) -> str:
        """First line of the system message: ties every request to prompt and schema."""
        return f"[summarizer prompt={self.version} schema={schema_hash}]"


def available() -> list[str]:
    found: set[str] = set()
    for d in _prompt_dirs():
        if d.is_dir():
            found.update(p.stem for p in d.glob("*.toml"))
    return sorted(found)


PIPELINES = ("extract", "classify", "single")
_VERSION = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")


@lru_cache(maxsize=8)
def load(version: str) -> Prompt:
    """The prompt `version`; a name that is not a version, a file that is not TOML or not a
    prompt (no `system`, `article` or passes with a `task`) is a ConfigError (exit 3)."""
    if not _VERSION.fullmatch(version):  # a name, never a path ("../x")
        raise ConfigError(
            f"unknown prompt version {version!r}: a version is a name of letters, digits, '.', '-' and '_'",
            hint=f"available: {', '.join(available())}",
        )
    for d in _prompt_dirs():
        path = d / f"{version}.toml"
        if path.is_file():
            try:
                data = tomllib.loads(path.read_text(encoding="utf-8"))
            except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
                raise ConfigError(f"prompt file {path} is not valid TOML: {exc}") from None
            if data.get("version") != version:
                raise ConfigError(f"prompt file {path} declares version {data.get('version')!r}")
            try:
                tasks = {str(name): str(spec["task"]) for name, spec in data["passes"].items()}
                system, article = data["system"], data["article"]
            except (KeyError, TypeError, AttributeError):
                tasks, system, article = {}, None, None
            pipeline = data.get("pipeline", "extract")
            texts_ok = isinstance(system, str) and isinstance(article, str) and isinstance(pipeline, str)
            if not tasks or not texts_ok:
                raise ConfigError(
                    f"prompt file {path} is not a prompt: it needs `system`, `article` and [passes.*] with a `task`"
                )
            if pipeline not in PIPELINES:
                raise ConfigError(f"prompt file {path}: unknown pipeline {pipeline!r} (one of {', '.join(PIPELINES)})")
            keys, marked = data.get("answer_keys", "words"), data.get("event_sentences", "listed")
            no_event, figure_listing = data.get("no_event", "not_an_event"), data.get("figure_listing", "each")
            gate = data.get("event_gate", "sentence")
            answer_format = data.get("answer_format", "spaced")
            order = data.get("event_answer_order", "types")
            figure_limit = data.get("figure_limit", 12)
            if not isinstance(figure_limit, int) or isinstance(figure_limit, bool) or not 1 <= figure_limit <= 200:
                raise ConfigError(f"prompt file {path}: figure_limit is a whole number from 1 to 200")
            if (
                keys not in ("words", "numbers")
                or marked not in ("listed", "marked")
                or no_event not in ("not_an_event", "none")
                or figure_listing not in ("each", "marked")
                or gate not in ("sentence", "clause")
                or answer_format not in ("spaced", "compact")
                or order not in ("types", "none_first")
            ):
                raise ConfigError(
                    f"prompt file {path}: answer_keys is words or numbers, event_sentences is listed or marked, "
                    "no_event is not_an_event or none, figure_listing is each or marked, "
                    "event_gate is sentence or clause, answer_format is spaced or compact, "
                    "event_answer_order is types or none_first"
                )
            return Prompt(
                version,
                system,
                article,
                tasks,
                pipeline,
                keys,
                marked,
                no_event,
                figure_listing,
                gate,
                answer_format,
                order,
                figure_limit,
            )
    raise ConfigError(f"unknown prompt version {version!r}", hint=f"available: {', '.join(available())}")
