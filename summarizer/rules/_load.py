"""Reading the rule files: every `*.toml` beside this module, parsed once (cached) into `Rule`s.

A rule file holds a list of ``[[rule]]`` tables. The fields every rule has:

  id               unique over all files ("event.cue.ground")
  category         what the rule is for, which says which code applies it ("event_cue", "habit")
  words | pattern  literal words or phrases (matched whole, case-insensitively), or one regex
  example          a sentence the rule must fire on
  counter_example  a sentence it must not fire on
  source           where it came from ("guide", "ACLED codebook", "dataset article 003", ...)

and, optionally, ``ignore_case`` (default true; a regex only), ``fitted = true`` with
``article`` (a rule written for one dataset sentence, for the ablation to judge) and ``note``.
Any other field is the rule's data for the code that applies it (``types`` of an event cue,
``country`` of a nationality, ``kind`` and ``side`` of a known group ...), kept in ``data``.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache, cached_property
from pathlib import Path
from typing import Any

_HERE = Path(__file__).resolve().parent
REQUIRED = ("id", "category", "example", "counter_example", "source")
_KNOWN = {*REQUIRED, "words", "pattern", "ignore_case", "fitted", "article", "note"}


class RuleError(ValueError):
    """A rule file that does not parse, or a rule that lacks a field."""


@dataclass(frozen=True)
class Rule:
    """One rule of a rule file; `regex` is what code and the rule test both match with."""

    id: str
    topic: str  # the file's stem ("events")
    category: str
    example: str
    counter_example: str
    source: str
    words: tuple[str, ...] = ()
    pattern: str | None = None
    ignore_case: bool = True
    fitted: bool = False
    article: str | None = None
    note: str | None = None
    data: Mapping[str, Any] = field(default_factory=dict)

    @cached_property
    def regex(self) -> re.Pattern[str]:
        """The rule as one compiled regex: its pattern as written, or its words as whole words,
        case-insensitively."""
        if self.pattern is not None:
            return re.compile(self.pattern, re.IGNORECASE if self.ignore_case else 0)
        alternatives = "|".join(re.escape(w) for w in sorted(self.words, key=len, reverse=True))
        return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE)

    def fires(self, sentence: str) -> bool:
        return self.regex.search(sentence) is not None


def _rule(topic: str, raw: Mapping[str, Any]) -> Rule:
    missing = [k for k in REQUIRED if not isinstance(raw.get(k), str) or not raw[k]]
    if missing:
        raise RuleError(f"{topic}: rule {raw.get('id', '?')!r} lacks {', '.join(missing)}")
    if ("words" in raw) == ("pattern" in raw):
        raise RuleError(f"{topic}: rule {raw['id']!r} needs exactly one of words and pattern")
    if raw.get("fitted") and not raw.get("article"):
        raise RuleError(f"{topic}: fitted rule {raw['id']!r} names no dataset article")
    return Rule(
        id=raw["id"],
        topic=topic,
        category=raw["category"],
        example=raw["example"],
        counter_example=raw["counter_example"],
        source=raw["source"],
        words=tuple(raw.get("words", ())),
        pattern=raw.get("pattern"),
        ignore_case=bool(raw.get("ignore_case", True)),
        fitted=bool(raw.get("fitted", False)),
        article=raw.get("article"),
        note=raw.get("note"),
        data={k: v for k, v in raw.items() if k not in _KNOWN},
    )


def files() -> list[Path]:
    """The rule files, by name."""
    return sorted(_HERE.glob("*.toml"))


@cache
def all_rules() -> tuple[Rule, ...]:
    """Every rule of every file, in file order then written order; ids are unique."""
    out: list[Rule] = []
    for path in files():
        try:
            parsed = tomllib.loads(path.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as exc:
            raise RuleError(f"{path.name}: {exc}") from exc
        out.extend(_rule(path.stem, raw) for raw in parsed.get("rule", []))
    seen: set[str] = set()
    for r in out:
        if r.id in seen:
            raise RuleError(f"rule id {r.id!r} is defined twice")
        seen.add(r.id)
    return tuple(out)


@cache
def _by_id() -> dict[str, Rule]:
    return {r.id: r for r in all_rules()}


def rule(rule_id: str) -> Rule:
    """The rule called `rule_id`."""
    return _by_id()[rule_id]


def category(name: str) -> tuple[Rule, ...]:
    """The rules of one category, in written order."""
    return tuple(r for r in all_rules() if r.category == name)


def regex(rule_id: str) -> re.Pattern[str]:
    """The compiled regex of one rule."""
    return rule(rule_id).regex


def words(*rule_ids: str) -> frozenset[str]:
    """The casefolded words of some rules, as one set (for lookups of whole names)."""
    return frozenset(w.casefold() for rid in rule_ids for w in rule(rid).words)


def union(rules: Iterable[Rule]) -> re.Pattern[str]:
    """One regex that fires where any of `rules` fires (each keeps its own case flag)."""
    parts = [f"(?{'i' if r.ignore_case or r.pattern is None else ''}:{r.regex.pattern})" for r in rules]
    return re.compile("|".join(parts))
