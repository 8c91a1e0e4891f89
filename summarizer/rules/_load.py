"""Reading the rule files: every `*.toml` beside this module, parsed once (cached) into `Rule`s.

A rule file holds a list of ``[[rule]]`` tables. The fields every rule has:

  id               unique over all files ("event.cue.ground")
  category         what the rule is for, which says which code applies it ("event_cue", "habit")
  words | pattern  literal words or phrases (matched whole, case-insensitively), or one regex
  example          a sentence the rule must fire on
  counter_example  a sentence it must not fire on
  source           where it came from ("guide", "ACLED codebook", "dataset article 003", ...)

and, optionally, ``ignore_case`` (default true; a regex only), ``fitted = true`` with
``article`` (a rule written for one dataset sentence, for the ablation to judge), ``note``,
``since`` (the first prompt version that asks with it, "brief-v9": a rule that changes what the
model is asked is off for older prompts, so their recorded requests still replay; `newer_than`)
and ``until`` (the last prompt version that asks with it: a rule of a prompt tried and not
adopted is off for later prompts of its family, and still on for that prompt's recordings).
Any other field is the rule's data for the code that applies it (``types`` of an event cue,
``country`` of a nationality, ``kind`` and ``side`` of a known group ...), kept in ``data``.

Switching rules off (the ablation, `bench/rule_ablation.py`): ``with disabled(ids): ...`` (or
``SUMMARIZER_RULES_OFF=id,topic,category`` for a whole process) makes `category`, `regex`,
`words` and `union` leave those rules out, for the code that consults them at use time: the
tables code builds from rules are functions made with `table` (built once per set of rules
switched off, cached), not constants built at import. Code whose output goes into a request to
the model runs under ``asking()``; ``disabled(ids, after_model=True)`` switches the rules off
only outside it, so every request stays as recorded and a replayed answer still matches (the
ablation then measures only what the rules do after the model answered). With nothing switched
off, every table is what it was before: the same rules, in the same order.
"""

from __future__ import annotations

import os
import re
import sys
import tomllib
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from functools import cache, cached_property, wraps
from pathlib import Path
from typing import Any, TypeVar

_HERE = Path(__file__).resolve().parent
REQUIRED = ("id", "category", "example", "counter_example", "source")
# a prompt version: its family and number ("brief-v9": "brief", 9)
_GENERATION = re.compile(r"^(?P<family>[A-Za-z_-]+?)-?v(?P<n>\d+)$")
_KNOWN = {*REQUIRED, "words", "pattern", "ignore_case", "fitted", "article", "note", "dropped", "since", "until"}


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
    # why the rule no longer applies after the model (`bench/rule_ablation.py` found it does not
    # help validation); it still shapes what the model is asked until the next recording
    dropped: str | None = None
    # the first prompt version that asks with the rule ("brief-v9"); None: every version
    since: str | None = None
    # the last prompt version that asks with it (a rule of a prompt tried and not adopted: later
    # prompts of the family do not inherit it, while that prompt's recordings still replay)
    until: str | None = None
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
    for bound in ("since", "until"):
        if bound in raw and not _GENERATION.match(str(raw[bound])):
            raise RuleError(f"{topic}: rule {raw['id']!r} has {bound} {raw[bound]!r}, not a prompt version")
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
        dropped=raw.get("dropped"),
        since=raw.get("since"),
        until=raw.get("until"),
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
    """The rule called `rule_id` (switched off or not: its data)."""
    return _by_id()[rule_id]


def category(name: str) -> tuple[Rule, ...]:
    """The rules of one category that are on, in written order."""
    gone = off()
    _note(name)
    return tuple(r for r in all_rules() if r.category == name and r.id not in gone)


# A regex that never fires: what a rule switched off, or a union of no rules, matches.
NEVER = re.compile(r"(?!)")


def regex(rule_id: str) -> re.Pattern[str]:
    """The compiled regex of one rule; one that never fires when the rule is off."""
    _note(rule_id)
    return NEVER if rule_id in off() else rule(rule_id).regex


def words(*rule_ids: str) -> frozenset[str]:
    """The casefolded words of some rules that are on, as one set (for lookups of whole names)."""
    gone = off()
    for rid in rule_ids:
        _note(rid)
    return frozenset(w.casefold() for rid in rule_ids if rid not in gone for w in rule(rid).words)


def union(rules: Iterable[Rule]) -> re.Pattern[str]:
    """One regex that fires where any of `rules` fires (each keeps its own case flag); never,
    when `rules` is empty (every one switched off)."""
    parts = [f"(?{'i' if r.ignore_case or r.pattern is None else ''}:{r.regex.pattern})" for r in rules]
    return re.compile("|".join(parts)) if parts else NEVER


# --- switching rules off --------------------------------------------------------------------


def expand(names: Iterable[str]) -> frozenset[str]:
    """The rule ids that `names` name: each a rule id, a topic (a file's stem: "events") or a
    category ("not_fact"). An unknown name is an error (a typo would switch nothing off)."""
    out: set[str] = set()
    for name in (n.strip() for n in names):
        if not name:
            continue
        found = [r.id for r in all_rules() if name in (r.id, r.topic, r.category)]
        if not found:
            raise RuleError(f"no rule, topic or category is called {name!r}")
        out.update(found)
    return frozenset(out)


@dataclass(frozen=True)
class _Switch:
    everywhere: frozenset[str] = frozenset()  # off for every use
    after_model: frozenset[str] = frozenset()  # off only outside `asking()`


_SWITCH: ContextVar[_Switch | None] = ContextVar("rules_switch", default=None)  # None: `_ENV`
_ASKING: ContextVar[bool] = ContextVar("rules_asking", default=False)


@cache
def _env() -> _Switch:
    """The rules switched off for the whole process: ``SUMMARIZER_RULES_OFF`` (comma-separated),
    and the dropped rules (a `dropped` reason in their file) after the model: a rule that shapes
    a request keeps doing so, so the recorded requests still replay."""
    gone = frozenset(r.id for r in dropped())
    return _Switch(everywhere=expand(os.environ.get("SUMMARIZER_RULES_OFF", "").split(",")), after_model=gone)


def off() -> frozenset[str]:
    """The ids of the rules switched off for the code running now."""
    switch = _SWITCH.get() or _env()
    if not switch.after_model or _ASKING.get():
        return switch.everywhere
    return switch.everywhere | switch.after_model


@contextmanager
def disabled(names: Iterable[str], *, after_model: bool = False) -> Iterator[frozenset[str]]:
    """Switch rules off (ids, topics or categories; see `expand`) for the code run inside;
    `after_model`: only for the code that runs after the model answered (outside `asking()`),
    so the requests to the model do not change. Yields the ids switched off."""
    ids = expand(names)
    now = _SWITCH.get() or _env()
    if after_model:
        token = _SWITCH.set(_Switch(now.everywhere, now.after_model | ids))
    else:
        token = _SWITCH.set(_Switch(now.everywhere | ids, now.after_model))
    try:
        yield ids
    finally:
        _SWITCH.reset(token)


@contextmanager
def everything_on() -> Iterator[None]:
    """Every rule on, the dropped ones included, for the code run inside (a rule's own test)."""
    token = _SWITCH.set(_Switch())
    try:
        yield
    finally:
        _SWITCH.reset(token)


def newer_than(version: str) -> frozenset[str]:
    """The ids of the rules a prompt `version` does not know: their `since` is a later version
    of the same family ("brief-v9" for "brief-v8"), or their `until` an earlier one ("brief-v11"
    for "brief-v12": a rule of a prompt not adopted). A version of no family ("naive-v1" for a
    "brief-v9" rule) knows none of the rules that have a `since` or an `until`."""
    mine = _GENERATION.match(version)
    out = set()
    for r in all_rules():
        for bound, later in ((r.since, True), (r.until, False)):
            if bound is None:
                continue
            theirs = _GENERATION.match(bound)
            if mine is None or theirs is None or mine["family"] != theirs["family"]:
                out.add(r.id)  # another family knows none of them
                continue
            ahead = int(theirs["n"]) - int(mine["n"])  # >0: the bound is a later version than this one
            if (later and ahead > 0) or (not later and ahead < 0):
                out.add(r.id)
    return frozenset(out)


def dropped() -> tuple[Rule, ...]:
    """The rules dropped after the model (`dropped` in their file), with their reasons."""
    return tuple(r for r in all_rules() if r.dropped)


@contextmanager
def asking() -> Iterator[None]:
    """Mark the code inside as building a request to the model (what is asked, and the options
    offered): rules switched off with ``after_model=True`` stay on for it."""
    token = _ASKING.set(True)
    try:
        yield
    finally:
        _ASKING.reset(token)


T = TypeVar("T")


def table(build: Callable[[], T]) -> Callable[[], T]:
    """A table code builds from rules, as a function to call where it is used: ``build()`` run
    under the rules switched off at that moment, once per set of the rules it reads that are off
    (cached: a table that reads none of the rules off is the one built with nothing off). With
    nothing off it is built once, as a constant at import would be."""
    built: dict[frozenset[str], T] = {}
    reads: list[frozenset[str]] = []  # the ids of the rules it reads, once built
    _TABLES.append(built)
    name = f"{build.__module__}.{build.__qualname__}"

    @wraps(build)
    def current() -> T:
        gone = off()
        if _TRACE is not None:
            _TRACE.used.add((name, _ASKING.get()))
        key = gone & reads[0] if reads and gone else gone
        value = built.get(key, _MISSING)
        if value is _MISSING:
            if len(built) > 8:  # an ablation switches many sets off in turn: keep the all-on one
                for k in [k for k in built if k]:
                    del built[k]
            seen: set[str] = set()
            outer = _BUILDING.set((name, seen))
            try:
                value = build()
            finally:
                _BUILDING.reset(outer)
            if not reads:
                reads.append(_ids_of(seen))
            built[gone & reads[0]] = value
        building = _BUILDING.get()
        if building is not None and reads:  # a table built from this one reads its rules too
            building[1].update(reads[0])
        return value  # type: ignore[return-value]

    return current


_MISSING: Any = object()


def _ids_of(keys: Iterable[str]) -> frozenset[str]:
    """The rule ids that rule ids and category names stand for."""
    wanted = set(keys)
    return frozenset(r.id for r in all_rules() if r.id in wanted or r.category in wanted)


# --- which rules each table reads, and where tables are used (for the ablation's report) ------

# The table being built, and what it has read so far.
_BUILDING: ContextVar[tuple[str, set[str]] | None] = ContextVar("rules_building", default=None)


@dataclass
class Trace:
    """What `trace()` saw: the rule ids or categories each table read when built (``static``:
    read outside any table, by a constant made at import), and each (table, asked) use."""

    reads: dict[str, set[str]] = field(default_factory=dict)
    used: set[tuple[str, bool]] = field(default_factory=set)

    def uses(self, rule_id: str) -> set[str]:
        """Where a rule is used: "before" (in a request to the model), "after" (after the model
        answered), "static" (in a constant made at import: not switched off at all)."""
        r = rule(rule_id)
        out: set[str] = set()
        for name, keys in self.reads.items():
            if rule_id in keys or r.category in keys:
                if name == "static":
                    out.add("static")
                out.update("before" if asked else "after" for used, asked in self.used if used == name)
        return out


_TRACE: Trace | None = None
_TABLES: list[dict[frozenset[str], Any]] = []  # every table's cache, emptied when a trace starts
_STATIC: set[str] = set()  # what code read outside any table (constants made at import)


def _note(key: str) -> None:
    building = _BUILDING.get()
    if building is not None:
        building[1].add(key)
        if _TRACE is not None:
            _TRACE.reads.setdefault(building[0], set()).add(key)
        return
    # read outside a table: by a constant of the package's code (not a test's or a bench's)
    caller = sys._getframe(2).f_globals.get("__name__", "")
    if caller.startswith("summarizer.") and not caller.startswith(__name__.rpartition(".")[0]):
        _STATIC.add(key)


def trace() -> Trace:
    """Record from now on which rules each table reads and where tables are used (every table
    is built again on its next use, so its reads are seen); what constants made at import read
    comes under "static"."""
    global _TRACE
    _TRACE = Trace(reads={"static": set(_STATIC)})
    for built in _TABLES:
        built.clear()
    return _TRACE


def end_trace() -> None:
    """Stop recording (`trace`)."""
    global _TRACE
    _TRACE = None
