"""Comparing two runs: the scores that changed (eval runs) and, article by article, the items
that one run's document has and the other's has not.

Documents are paired by model and article text (sha256); when each run has a single model
(one model against another on the same articles) by article text alone; a model only one run
has (a three-model eval against a one-model run) is counted, not listed article by article. Items are compared
by a label of what they say (an actor's name, kind and side; a place's name, kind and
country; an event's type, date, places and description; a figure's kind, number, who
suffered it and who claims it), so an item that changed shows as one removed and one added.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

from summarizer.render import _figure as figure  # the one casualty-figure text (64, 2,000–5,000, ≥2,000)
from summarizer.runlog._items import item_rows
from summarizer.runlog._read import RunInfo, RunLog, StoredDocument

__all__ = ["DocumentDiff", "RunDiff", "ScoreDiff", "diff_runs", "item_label"]

FIELDS = ("actors", "locations", "events", "casualties")


def item_label(table: str, row: Mapping[str, Any]) -> str:
    """What an item of an item table says, in one line; what it leaves open is said in words
    ("no side", "no country", "≥2,000"), never as "?" or "None"."""
    if table == "actors":
        side = f"side {row['side']}" if row["side"] else "no side"
        return f"{row['name']} ({row['kind']}, {side})"
    if table == "locations":
        return f"{row['name']} ({row['kind']}, {row['country'] or 'no country'})"
    if table == "events":
        where = f" at {row['places']}" if row["places"] else ""
        return f"{row['type']} {row['date'] or 'undated'}{where}: {row['description']}"
    raw = f" ({row['raw']})" if row.get("raw") else ""
    of = f" of {row['affected']}" if row["affected"] else ""
    by = f", claimed by {row['claimed_by']}" if row["claimed_by"] else ", claimed by no one named"
    number = figure(SimpleNamespace(count=row["count"], low=row["low"], high=row["high"]))
    return f"{row['kind']} {number}{raw}{of}{by}"


def _labels(document: Mapping[str, Any] | None) -> dict[str, Counter[str]]:
    rows = item_rows(document) if document is not None else {}
    return {name: Counter(item_label(name, r) for r in rows.get(name, [])) for name in FIELDS}


@dataclass
class DocumentDiff:
    """One article (and model) in either run."""

    model: str
    article_id: str
    state: str  # "changed", "only in A", "only in B", "failed in A", "failed in B", "failed in both"
    macro_f1: tuple[float | None, float | None] = (None, None)
    added: dict[str, list[str]] = field(default_factory=dict)  # in B, not in A
    removed: dict[str, list[str]] = field(default_factory=dict)  # in A, not in B


@dataclass
class ScoreDiff:
    """One model's figures in both eval runs."""

    model: str
    macro_f1: tuple[float | None, float | None]
    attribution: tuple[float | None, float | None]
    fields: dict[str, tuple[float | None, float | None]]


@dataclass
class RunDiff:
    a: RunInfo
    b: RunInfo
    scores: list[ScoreDiff]
    documents: list[DocumentDiff]  # those that differ
    unchanged: int  # documents paired with the same items
    only_in_a: dict[str, int] = field(default_factory=dict)  # model -> documents: a model B did not run
    only_in_b: dict[str, int] = field(default_factory=dict)


def _field_f1(figures: Mapping[str, Any], name: str) -> float | None:
    try:
        value = figures["fields"][name]["f1"]
    except (KeyError, TypeError):
        return None
    return float(value) if isinstance(value, int | float) else None


def _scores(log: RunLog, a: RunInfo, b: RunInfo) -> list[ScoreDiff]:
    sa = {s.model: s for s in log.scores(a.run_id)}
    sb = {s.model: s for s in log.scores(b.run_id)}
    return [
        ScoreDiff(
            model,
            (sa[model].macro_f1, sb[model].macro_f1),
            (sa[model].attribution, sb[model].attribution),
            {name: (_field_f1(sa[model].figures, name), _field_f1(sb[model].figures, name)) for name in FIELDS},
        )
        for model in sa
        if model in sb
    ]


def _pair(docs: list[StoredDocument], by_model: bool) -> dict[tuple[str, str], StoredDocument]:
    out: dict[tuple[str, str], StoredDocument] = {}
    for d in docs:
        out[(d.model if by_model else "", d.article_sha256 or d.article_id)] = d  # a rerun: the last one
    return out


def _compare(key: tuple[str, str], da: StoredDocument | None, db: StoredDocument | None) -> DocumentDiff | None:
    some = da or db
    assert some is not None
    model = some.model if key[0] or da is None or db is None or da.model == db.model else f"{da.model} / {db.model}"
    diff = DocumentDiff(model, some.article_id, "changed")
    diff.macro_f1 = (da.macro_f1 if da else None, db.macro_f1 if db else None)
    if da is None or db is None:
        diff.state = "only in B" if da is None else "only in A"
        return diff
    if not (da.ok and db.ok):
        if not da.ok and not db.ok:
            return None if da.error_type == db.error_type else DocumentDiff(model, some.article_id, "failed in both")
        diff.state = "failed in A" if not da.ok else "failed in B"
        return diff
    la, lb = _labels(da.document), _labels(db.document)
    for name in FIELDS:
        added = sorted((lb[name] - la[name]).elements())
        removed = sorted((la[name] - lb[name]).elements())
        if added:
            diff.added[name] = added
        if removed:
            diff.removed[name] = removed
    if diff.added or diff.removed or diff.macro_f1[0] != diff.macro_f1[1]:
        return diff
    return None


def diff_runs(log: RunLog, ref_a: str, ref_b: str) -> RunDiff:
    """What changed from run A to run B (each named as `RunLog.run` accepts)."""
    a, b = log.run(ref_a), log.run(ref_b)
    docs_a, docs_b = log.documents(a.run_id), log.documents(b.run_id)
    models_a, models_b = Counter(d.model for d in docs_a), Counter(d.model for d in docs_b)
    by_model = not (len(models_a) == 1 and len(models_b) == 1)
    only_a: dict[str, int] = {}
    only_b: dict[str, int] = {}
    if by_model and set(models_a) & set(models_b):  # a model only one run has is one line, not one per article
        only_a = {m: n for m, n in models_a.items() if m not in models_b}
        only_b = {m: n for m, n in models_b.items() if m not in models_a}
        docs_a = [d for d in docs_a if d.model in models_b]
        docs_b = [d for d in docs_b if d.model in models_a]
    pa, pb = _pair(docs_a, by_model), _pair(docs_b, by_model)
    changed: list[DocumentDiff] = []
    unchanged = 0
    for key in list(pa) + [k for k in pb if k not in pa]:
        diff = _compare(key, pa.get(key), pb.get(key))
        if diff is None:
            unchanged += 1
        else:
            changed.append(diff)
    return RunDiff(a, b, _scores(log, a, b), changed, unchanged, only_a, only_b)
