"""Evaluation: run models over a gold dataset, score them, keep the results.

- `load_dataset(path)` reads any JSONL file in the gold format of shared/CONTRACT.md §2 and
  validates every line; a bad line is an InputError that names the file, the line and the field.
- `run_eval(dataset, models, settings)` summarizes every article with every model through
  `summarize` (the pipeline), scores each document with `scoring.score_article`, and sums the
  scores per model with bootstrap intervals; with two or more models it adds the paired
  differences of every model against the first. An article that fails is recorded as a
  failure and the run goes on.
- `save_predictions`, `write_json` and `append_run_log` keep the results: the documents, the
  machine-readable figures, and one line per model and article in a run log that later runs
  can be compared with (`$SUMMARIZER_DATA_DIR/runs.jsonl` by default).
"""

from __future__ import annotations

import hashlib
import json
import math
import re
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from summarizer import models as providers
from summarizer.config import Settings, data_dir
from summarizer.contract import ActorKind, CasualtyKind, EventType, LocationKind
from summarizer.errors import ConfigError, ExtractionError, InputError, InternalError, SummarizerError
from summarizer.evaluation._scoring import (
    DEFAULT_RESAMPLES,
    DEFAULT_SEED,
    FIELDS,
    ArticleScore,
    Difference,
    RunAggregate,
    aggregate,
    paired_differences,
    prf,
    score_article,
)
from summarizer.extraction import schema_hash, summarize
from summarizer.inputs import Article, guess_title

__all__ = [
    "ArticleResult",
    "Comparison",
    "Dataset",
    "EvalResult",
    "ModelRun",
    "append_run_log",
    "default_runs_log",
    "load_dataset",
    "previous_runs",
    "result_to_json",
    "run_eval",
    "safe_name",
    "save_predictions",
    "unique_name",
    "write_json",
]

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


# --------------------------------------------------------------------------------------------
# The gold format (contract §2). Extra keys are allowed everywhere: the format may be extended.
# --------------------------------------------------------------------------------------------


class _Gold(BaseModel):
    model_config = ConfigDict(extra="allow")


class GoldActor(_Gold):
    name: str = Field(min_length=1)
    aliases: list[str] = []
    kind: ActorKind
    side: str | None = None
    optional: bool = False


class GoldLocation(_Gold):
    name: str = Field(min_length=1)
    aliases: list[str] = []
    kind: LocationKind
    country: str | None = None
    optional: bool = False


class GoldEvent(_Gold):
    type: EventType
    locations: list[str] = []
    date: str | None = None
    optional: bool = False


class GoldCasualty(_Gold):
    kind: CasualtyKind
    count: int | None = Field(default=None, ge=0)
    low: int | None = Field(default=None, ge=0)
    high: int | None = Field(default=None, ge=0)
    affected: str | None = None
    claimed_by: str | None = None
    optional: bool = False

    @model_validator(mode="after")
    def _range(self) -> GoldCasualty:
        if self.low is not None and self.high is not None and self.low > self.high:
            raise ValueError(f"low ({self.low}) is above high ({self.high})")
        return self


class GoldAnnotations(_Gold):
    actors: list[GoldActor] = []
    locations: list[GoldLocation] = []
    events: list[GoldEvent] = []
    casualties: list[GoldCasualty] = []


class GoldRecord(_Gold):
    id: str = Field(min_length=1)
    text: str = Field(min_length=1)
    published: str | None = None
    source: str | None = None
    gold: GoldAnnotations

    @field_validator("text")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("the article text is blank (only whitespace)")
        return value

    @field_validator("published")
    @classmethod
    def _date(cls, value: str | None) -> str | None:
        if value is not None and not _DATE.match(value):
            raise ValueError("must be YYYY-MM-DD or null")
        if value is not None:
            try:
                datetime.strptime(value, "%Y-%m-%d")
            except ValueError:
                raise ValueError("must be a calendar date YYYY-MM-DD or null") from None
        return value


@dataclass(frozen=True)
class Dataset:
    """A validated gold dataset: records as plain dicts in the contract's shape."""

    name: str
    path: Path
    sha256: str
    records: tuple[dict[str, Any], ...]

    def __len__(self) -> int:
        return len(self.records)


def _format_error(exc: ValidationError) -> str:
    parts = []
    for err in exc.errors()[:3]:
        where = ".".join(str(x) for x in err.get("loc", ())) or "record"
        parts.append(f"{where}: {err.get('msg', 'invalid')}")
    more = len(exc.errors()) - 3
    if more > 0:
        parts.append(f"and {more} more")
    return "; ".join(parts)


def load_dataset(path: Path | str) -> Dataset:
    """Read and validate a gold dataset (JSONL, one record per line; blank lines skipped)."""
    p = Path(path)
    if not p.exists():
        raise InputError(f"{p}: no such dataset file")
    if not p.is_file():
        raise InputError(f"{p}: not a regular file")
    try:
        data = p.read_bytes()
    except OSError as exc:
        raise InputError(f"{p}: cannot read: {exc.strerror}") from exc
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        content = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        bad_line = data[: exc.start].count(b"\n") + 1
        raise InputError(f"{p}:{bad_line}: not valid UTF-8") from exc
    records: list[dict[str, Any]] = []
    seen: dict[str, int] = {}
    # split on "\n" only: article texts are JSON strings, so their own newlines are escaped
    for number, line in enumerate(content.split("\n"), start=1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InputError(
                f"{p}:{number}: not valid JSON ({exc.msg} at column {exc.colno})",
                hint="the dataset is JSON Lines: one JSON object per line",
            ) from exc
        if not isinstance(obj, dict):
            raise InputError(f"{p}:{number}: expected a JSON object, got {type(obj).__name__}")
        try:
            rec = GoldRecord.model_validate(obj)
        except ValidationError as exc:
            ident = obj.get("id") if isinstance(obj.get("id"), str) else None
            label = f" (id {ident!r})" if ident else ""
            raise InputError(
                f"{p}:{number}{label}: not a gold record: {_format_error(exc)}",
                hint="see the gold format in CONTRACT.md, section 2",
            ) from exc
        if rec.id in seen:
            raise InputError(
                f"{p}:{number}: duplicate id {rec.id!r} (first on line {seen[rec.id]})"
            )
        seen[rec.id] = number
        records.append(rec.model_dump())
    if not records:
        raise InputError(f"{p}: no records in the dataset")
    return Dataset(
        name=p.stem, path=p, sha256=hashlib.sha256(data).hexdigest(), records=tuple(records)
    )


def record_article(record: dict[str, Any]) -> Article:
    """The Article the pipeline summarizes for a gold record: its text exactly as stored."""
    text = record["text"]
    title = record.get("title") if isinstance(record.get("title"), str) else guess_title(text)
    return Article(
        id=record["id"],
        text=text,
        title=title,
        published=record.get("published"),
        source=record.get("source"),
        origin="dataset",
    )


# --------------------------------------------------------------------------------------------
# Running.
# --------------------------------------------------------------------------------------------


@dataclass
class ArticleResult:
    """One model on one article: the document (None on failure) and its score."""

    article_id: str
    document: dict[str, Any] | None
    score: ArticleScore
    error_exit_code: int | None = None  # the SummarizerError's exit code, on failure
    wall_s: float = 0.0

    @property
    def failed(self) -> bool:
        return self.document is None

    @property
    def model_failure(self) -> bool:
        """Failed because the model's output could not be made a valid document."""
        return self.failed and self.score.error_type == ExtractionError.__name__


@dataclass
class ModelRun:
    model: str
    prompt_version: str
    schema_hash: str
    results: list[ArticleResult]
    aggregate: RunAggregate

    @property
    def scores(self) -> list[ArticleScore]:
        return [r.score for r in self.results]

    def run_problems(self) -> list[ArticleResult]:
        """Failures that are not the model's: provider, configuration, cassette, input."""
        return [r for r in self.results if r.failed and not r.model_failure]


@dataclass
class Comparison:
    """Every metric of `model` minus `baseline`, paired over the same articles."""

    baseline: str
    model: str
    differences: dict[str, Difference]

    def to_dict(self) -> dict[str, Any]:
        macro = self.differences["macro_f1"]
        return {
            "baseline": self.baseline,
            "model": self.model,
            "articles": macro.articles,
            "macro_f1": macro.to_dict(),
            "fields": {name: self.differences[name].to_dict() for name in FIELDS},
        }


@dataclass
class EvalResult:
    dataset: Dataset
    runs: list[ModelRun]
    comparisons: list[Comparison]
    run_id: str
    started: str  # ISO 8601, UTC
    offline: bool = False
    resamples: int = DEFAULT_RESAMPLES
    seed: int = DEFAULT_SEED
    records: dict[str, dict[str, Any]] = field(default_factory=dict)

    def run(self, model: str) -> ModelRun:
        for r in self.runs:
            if r.model == model:
                return r
        raise KeyError(model)


Progress = Callable[[str, str, ArticleResult], None]


def _price(model: str, settings: Settings) -> tuple[float, float] | None:
    try:
        spec = providers.resolve(model, settings)
    except SummarizerError:
        return None
    if spec.local:
        return (0.0, 0.0)
    return spec.price_per_mtok


def run_eval(
    dataset: Dataset,
    models: Sequence[str],
    settings: Settings | None = None,
    *,
    resamples: int = DEFAULT_RESAMPLES,
    seed: int = DEFAULT_SEED,
    progress: Progress | None = None,
) -> EvalResult:
    """Summarize and score every article of `dataset` with every model.

    Every model name is resolved first, so a misconfigured model (unknown provider, missing
    key) raises ConfigError before anything runs. After that nothing stops the run: an article
    that fails is scored as a failure (all its gold missed) and the next one is tried. When a
    model fails with a configuration error mid-run (weights not installed, say), its remaining
    articles are marked failed with the same error instead of being tried again. An
    unexpected exception (a bug) is recorded as an `InternalError` failure, not raised.
    """
    settings = settings or Settings()
    models = list(dict.fromkeys(models))  # the same model twice would only be run twice
    if not models:
        raise ConfigError("no model to evaluate")
    for model in models:
        providers.resolve(model, settings)
    started = datetime.now(UTC).isoformat(timespec="seconds")
    runs: list[ModelRun] = []
    for model in models:
        results: list[ArticleResult] = []
        prompt_version = settings.prompt_version
        doc_hash = schema_hash()
        fatal: SummarizerError | None = None
        for record in dataset.records:
            article = record_article(record)
            t0 = time.perf_counter()
            document: dict[str, Any] | None = None
            error: SummarizerError | None = fatal
            if error is None:
                try:
                    document = summarize(article, model, settings).model_dump(mode="json")
                except ConfigError as exc:
                    error = fatal = exc
                except SummarizerError as exc:
                    error = exc
                except Exception as exc:  # a bug must not lose the other articles' results
                    error = InternalError.from_exception(exc)
            wall = time.perf_counter() - t0
            if document is not None:
                score = score_article(document, record, model=model)
                prov = document.get("provenance") or {}
                prompt_version = str(prov.get("prompt_version") or prompt_version)
                doc_hash = str(prov.get("schema_hash") or doc_hash)
                result = ArticleResult(article.id, document, score, None, wall)
            else:
                assert error is not None
                score = score_article(
                    None, record, model=model, error=providers.scrub_secrets(error.one_line()),
                    error_type=type(error).__name__,
                )
                score.latency_s = wall
                result = ArticleResult(article.id, None, score, error.exit_code, wall)
            results.append(result)
            if progress is not None:
                progress(model, article.id, result)
        agg = aggregate(
            [r.score for r in results], model=model, resamples=resamples, seed=seed,
            price_per_mtok=_price(model, settings),
        )
        runs.append(ModelRun(model, prompt_version, doc_hash, results, agg))
    comparisons: list[Comparison] = []
    if len(runs) > 1:
        base = runs[0]
        for other in runs[1:]:
            diffs = paired_differences(
                base.scores, other.scores, baseline_model=base.model, model=other.model,
                resamples=resamples, seed=seed,
            )
            comparisons.append(Comparison(base.model, other.model, diffs))
    return EvalResult(
        dataset=dataset,
        runs=runs,
        comparisons=comparisons,
        run_id=uuid.uuid4().hex[:12],
        started=started,
        offline=settings.offline,
        resamples=resamples,
        seed=seed,
        records={r["id"]: r for r in dataset.records},
    )


# --------------------------------------------------------------------------------------------
# Keeping the results.
# --------------------------------------------------------------------------------------------

_UNSAFE = re.compile(r"[^\w.\-]+", re.UNICODE)


def safe_name(name: str) -> str:
    """A file name from a model name or an article id: "/" becomes "_", as does anything else
    that is not a letter, digit, ".", "-" or "_"; never "", "." or ".."."""
    cleaned = _UNSAFE.sub("_", name.replace("/", "_")).strip()
    if cleaned in ("", ".", "..") or cleaned.startswith("."):
        cleaned = "_" + cleaned
    return cleaned[:200]


def save_predictions(result: EvalResult, directory: Path | str) -> list[Path]:
    """Write every document to DIR/<model with / replaced by _>/<article id>.json. Failed
    articles have no document and get no file."""
    root = Path(directory)
    written: list[Path] = []
    folders: set[str] = set()
    for run in result.runs:
        folder = root / unique_name(run.model, folders, lossy_ok=True)
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise InputError(f"{folder}: cannot create the directory: {exc.strerror}") from exc
        names: set[str] = set()
        for r in run.results:
            if r.document is None:
                continue
            path = folder / f"{unique_name(r.article_id, names)}.json"
            _write_text(path, json.dumps(r.document, indent=2, ensure_ascii=False) + "\n")
            written.append(path)
    return written


def unique_name(name: str, taken: set[str], *, lossy_ok: bool = False) -> str:
    """A file name for `name` that no other name in `taken` maps to (compared case-folded, for
    case-insensitive file systems): `safe_name(name)` when that is `name` itself, else with a
    hash of `name` added, so "a/b", "a_b", "a b" and two long ids sharing a prefix stay apart.
    `lossy_ok` (model names: "/" is always in them) adds the hash only on a collision.
    The name is added to `taken`."""
    safe = safe_name(name)
    digest = hashlib.sha256(name.encode("utf-8", errors="surrogatepass")).hexdigest()
    if (safe != name and not lossy_ok) or safe.casefold() in taken:
        safe = f"{safe[:180]}-{digest[:12]}"
    if safe.casefold() in taken:  # pragma: no cover - a 48-bit hash collision
        safe = f"{safe_name(name)[:120]}-{digest}"
    taken.add(safe.casefold())
    return safe


def _clean(value: Any) -> Any:
    """JSON has no NaN or infinity: they become null."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_clean(v) for v in value]
    return value


def run_to_json(run: ModelRun) -> dict[str, Any]:
    """One model's figures in the `--json` shape."""
    agg = run.aggregate.to_dict()
    out: dict[str, Any] = {
        "model": run.model,
        "prompt_version": run.prompt_version,
        "schema_hash": run.schema_hash,
        "macro_f1": agg.pop("macro_f1"),
        "macro_f1_ci": agg.pop("macro_f1_ci"),
        "fields": agg.pop("fields"),
        "attributes": agg.pop("attributes"),
    }
    agg.pop("model")
    out.update(agg)
    out["articles"] = [r.score.to_dict() for r in run.results]
    return out


def result_to_json(result: EvalResult) -> dict[str, Any]:
    """The `--json` document: {"dataset": ..., "runs": [...], "comparisons": [...]}."""
    return _clean(
        {
            "run_id": result.run_id,
            "started": result.started,
            "dataset": {
                "name": result.dataset.name,
                "path": str(result.dataset.path),
                "sha256": result.dataset.sha256,
                "articles": len(result.dataset),
            },
            "offline": result.offline,
            "bootstrap": {"resamples": result.resamples, "seed": result.seed, "confidence": 0.95},
            "averaging": "per-field precision/recall/F1 are micro (TP, FP, FN summed over "
            "articles); f1_articles is the mean of per-article F1; macro_f1 is the mean of the "
            "four fields' F1",
            "runs": [run_to_json(run) for run in result.runs],
            "comparisons": [c.to_dict() for c in result.comparisons],
        }
    )


def _write_text(path: Path, text: str) -> None:
    try:
        if path.parent and not path.parent.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise InputError(f"{path}: cannot write: {exc.strerror}") from exc


def write_json(result: EvalResult, path: Path | str) -> Path:
    p = Path(path)
    _write_text(p, json.dumps(result_to_json(result), indent=2, ensure_ascii=False) + "\n")
    return p


def default_runs_log() -> Path:
    """`$SUMMARIZER_DATA_DIR/runs.jsonl`, else `$XDG_DATA_HOME/summarizer/runs.jsonl`, else
    `~/.local/share/summarizer/runs.jsonl`."""
    return data_dir() / "runs.jsonl"


def run_log_lines(result: EvalResult) -> list[dict[str, Any]]:
    """One record per model and article: when, what (model, prompt, schema, dataset, article)
    and how well."""
    lines = []
    for run in result.runs:
        for r in run.results:
            s = r.score
            doc = r.document or {}
            prov = doc.get("provenance") or {}
            record = result.records.get(r.article_id, {})
            text = record.get("text", "")
            lines.append(
                _clean(
                    {
                        "timestamp": result.started,
                        "run_id": result.run_id,
                        "model": run.model,
                        "prompt_version": prov.get("prompt_version") or run.prompt_version,
                        "schema_hash": prov.get("schema_hash") or run.schema_hash,
                        "dataset": result.dataset.name,
                        "dataset_sha256": result.dataset.sha256,
                        "article_id": r.article_id,
                        "article_sha256": hashlib.sha256(text.encode("utf-8")).hexdigest(),
                        "offline": result.offline,
                        "failed": s.failed,
                        "error": s.error,
                        "error_type": s.error_type,
                        "scores": {
                            "macro_f1": s.macro_f1,
                            "fields": {
                                name: {
                                    "tp": fs.tp, "fp": fs.fp, "fn": fs.fn, "f1": fs.f1,
                                }
                                for name, fs in s.fields.items()
                            },
                            "attributes": {n: a.to_dict() for n, a in s.attributes.items()},
                            "grounding_rate": s.grounding_rate,
                            "first_try_valid": s.first_try_valid,
                            "retries": s.retries,
                            "prompt_tokens": s.prompt_tokens,
                            "completion_tokens": s.completion_tokens,
                            "latency_s": s.latency_s,
                        },
                    }
                )
            )
    return lines


def append_run_log(result: EvalResult, path: Path | str | None = None) -> Path:
    """Append one JSON line per model and article to the run log; returns its path."""
    p = Path(path) if path is not None else default_runs_log()
    try:
        p.parent.mkdir(parents=True, exist_ok=True)
        with p.open("a", encoding="utf-8") as fh:
            for line in run_log_lines(result):
                fh.write(json.dumps(line, ensure_ascii=False, sort_keys=True) + "\n")
    except OSError as exc:
        raise InputError(f"{p}: cannot append to the run log: {exc.strerror}") from exc
    return p


@dataclass(frozen=True)
class PreviousRun:
    """An earlier run of a model on the same dataset (same file bytes), from the run log."""

    run_id: str
    timestamp: str
    model: str
    prompt_version: str | None
    schema_hash: str | None
    articles: int
    failures: int
    macro_f1: float


def previous_runs(result: EvalResult, path: Path | str | None = None) -> dict[str, PreviousRun]:
    """For each model of `result`, its latest earlier run on the same dataset in the run log
    (read it before appending the current run). Malformed log lines are skipped."""
    p = Path(path) if path is not None else default_runs_log()
    models = {run.model for run in result.runs}
    groups: dict[tuple[str, str], list[dict[str, Any]]] = {}
    try:
        lines = p.read_text(encoding="utf-8").split("\n")  # JSONL: "\n" only
    except (OSError, UnicodeDecodeError):
        return {}
    for line in lines:
        try:
            rec = json.loads(line)
        except json.JSONDecodeError:
            continue
        if not isinstance(rec, dict) or rec.get("dataset_sha256") != result.dataset.sha256:
            continue
        model, run_id = rec.get("model"), rec.get("run_id")
        if model not in models or not isinstance(run_id, str) or run_id == result.run_id:
            continue
        groups.setdefault((str(model), run_id), []).append(rec)
    latest: dict[str, PreviousRun] = {}
    for (model, run_id), recs in groups.items():
        try:
            counts = {
                name: [
                    sum(int(r["scores"]["fields"][name][k]) for r in recs)
                    for k in ("tp", "fp", "fn")
                ]
                for name in FIELDS
            }
        except (KeyError, TypeError, ValueError):
            continue
        f1s = [prf(*counts[name])[2] for name in FIELDS]
        prev = PreviousRun(
            run_id=run_id,
            timestamp=str(recs[0].get("timestamp", "")),
            model=model,
            prompt_version=recs[0].get("prompt_version"),
            schema_hash=recs[0].get("schema_hash"),
            articles=len(recs),
            failures=sum(1 for r in recs if r.get("failed")),
            macro_f1=sum(f1s) / len(f1s),
        )
        if model not in latest or prev.timestamp >= latest[model].timestamp:
            latest[model] = prev
    return latest


def with_record(settings: Settings | None, record: bool) -> Settings:
    """The run's settings, with --record applied."""
    base = settings or Settings()
    return replace(base, record=True) if record else base
