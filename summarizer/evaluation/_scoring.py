"""Scoring predicted summary documents against gold, by the rules of shared/CONTRACT.md §2.

Pure functions, no I/O. The unit is one article: `score_article(document, gold_record)` turns a
predicted document (the contract's document as a dict, or None when the model failed) and a
gold record into per-field true/false positives and misses, attribute accuracy on matched
pairs, the grounding rate of the document's spans and the provenance figures (validity on the
first try, retries, tokens, latency). `aggregate()` sums a model's article scores into a run,
with 95% bootstrap intervals over articles, and `paired_differences()` compares two models on
the same articles.

The rules, as implemented:
- Actors and locations match when any name of the prediction (its name or an alias) matches
  any name of the gold item under `names.names_match` (normalised equality, or every token of
  the shorter name is in the longer one and the shorter is not only generic words).
- A casualty matches when the kinds are equal and the numbers are compatible: equal counts, a
  count inside the other's [low, high] (a missing bound is open: "at least 8" is [8, inf)), or
  overlapping ranges. An item with no number at all is compatible only with another such item.
- An event matches when the types are equal and the prediction's locations and the gold
  event's locations share a location that the location matching of the same article paired
  (or both events have no location).
- Matching is one-to-one per field, and maximal: among all one-to-one assignments it takes the
  one with the most matches to required gold items, then the most matches to optional items
  (a prediction that matches an optional item is neither a hit nor a false positive), then the
  closest names (exact name before alias before token subset). It is solved exactly as a
  maximum-weight bipartite assignment (Hungarian algorithm), not greedily.
- Precision = TP / (TP + FP), recall = TP / (TP + FN). A field with no gold and no prediction
  scores 1.0 on all three (a correct abstention); a field with predictions but no gold scores 0.
- Attribute accuracy is counted on the hits (pairs with required gold items): actor kind and
  side, location kind, casualty affected and claimed_by. Sides and names are compared with
  `names_match`; null against null is correct, null against a value is wrong.
"""

from __future__ import annotations

import hashlib
import math
import random
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from summarizer.text import names_match, sentences, unsupported
from summarizer.text import normalize_name as normalize

FIELDS: tuple[str, ...] = ("actors", "locations", "events", "casualties")
ATTRIBUTES: tuple[str, ...] = (
    "actor_kind",
    "actor_side",
    "location_kind",
    "location_country",
    "casualty_affected",
    "casualty_claimed_by",
)
# The headline attribution score pools these: who suffered a figure, who claims it, whose side
# an actor is on, which country a place is in.
ATTRIBUTION: tuple[str, ...] = ("casualty_affected", "casualty_claimed_by", "actor_side", "location_country")

DEFAULT_RESAMPLES = 1000
DEFAULT_SEED = 20240601
DEFAULT_CONFIDENCE = 0.95

_QMAX = 3  # the largest tie-break quality an edge can carry


# --------------------------------------------------------------------------------------------
# Small helpers over untrusted dicts.
# --------------------------------------------------------------------------------------------


def _items(container: Mapping[str, Any] | None, key: str) -> list[Mapping[str, Any]]:
    if not container:
        return []
    value = container.get(key)
    if not isinstance(value, list):
        return []
    return [item for item in value if isinstance(item, Mapping)]


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) and value.strip() else None


def _int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return None


def _names(item: Mapping[str, Any]) -> list[str]:
    names = [_str(item.get("name"))]
    aliases = item.get("aliases")
    if isinstance(aliases, list):
        names.extend(_str(a) for a in aliases)
    return [n for n in names if n]


def same_value(a: Any, b: Any) -> bool:
    """Attribute equality for sides, `affected`, `claimed_by`: null == null, else names_match."""
    sa, sb = _str(a), _str(b)
    if sa is None or sb is None:
        return sa is None and sb is None
    return names_match(sa, sb)


def _same_kind(a: Any, b: Any) -> bool:
    return isinstance(a, str) and isinstance(b, str) and a.strip().lower() == b.strip().lower()


# --------------------------------------------------------------------------------------------
# Precision, recall, F1.
# --------------------------------------------------------------------------------------------


def prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    """Precision, recall and F1, with the edge cases fixed: nothing expected and nothing
    predicted is a perfect abstention (1, 1, 1); predictions with no gold score 0."""
    if tp + fp + fn == 0:
        return 1.0, 1.0, 1.0
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


# --------------------------------------------------------------------------------------------
# One-to-one matching: a maximum-weight assignment.
# --------------------------------------------------------------------------------------------


def max_weight_matching(weights: Sequence[Sequence[int]]) -> list[tuple[int, int]]:
    """The pairs (row, column) of a maximum-weight one-to-one matching; weight <= 0 = no edge.

    Hungarian algorithm (shortest augmenting paths with potentials), O(n^2 m), exact on
    integers. Rows and columns may differ in number.
    """
    n = len(weights)
    m = len(weights[0]) if n else 0
    if n == 0 or m == 0:
        return []
    transposed = n > m
    w = [list(col) for col in zip(*weights, strict=True)] if transposed else [list(row) for row in weights]
    if transposed:
        n, m = m, n
    top = max(max(row) for row in w)
    if top <= 0:
        return []
    cost = [[top - max(x, 0) for x in row] for row in w]
    inf = math.inf
    u = [0.0] * (n + 1)
    v = [0.0] * (m + 1)
    p = [0] * (m + 1)  # p[j] = row (1-based) assigned to column j
    way = [0] * (m + 1)
    for i in range(1, n + 1):
        p[0] = i
        j0 = 0
        minv = [inf] * (m + 1)
        used = [False] * (m + 1)
        while True:
            used[j0] = True
            i0 = p[j0]
            delta = inf
            j1 = 0
            for j in range(1, m + 1):
                if not used[j]:
                    cur = cost[i0 - 1][j - 1] - u[i0] - v[j]
                    if cur < minv[j]:
                        minv[j] = cur
                        way[j] = j0
                    if minv[j] < delta:
                        delta = minv[j]
                        j1 = j
            for j in range(m + 1):
                if used[j]:
                    u[p[j]] += delta
                    v[j] -= delta
                else:
                    minv[j] -= delta
            j0 = j1
            if p[j0] == 0:
                break
        while True:
            j1 = way[j0]
            p[j0] = p[j1]
            j0 = j1
            if j0 == 0:
                break
    pairs: list[tuple[int, int]] = []
    for j in range(1, m + 1):
        if p[j] and w[p[j] - 1][j - 1] > 0:
            r, c = p[j] - 1, j - 1
            pairs.append((c, r) if transposed else (r, c))
    return sorted(pairs)


# An edge function says whether prediction i may match gold j, and how closely (0.._QMAX).
EdgeFn = Callable[[Mapping[str, Any], Mapping[str, Any]], int | None]


@dataclass
class FieldScore:
    """One field of one article: counts, the pairs behind them, and readable labels."""

    tp: int = 0
    fp: int = 0
    fn: int = 0
    hits: list[tuple[int, int]] = field(default_factory=list)  # (pred index, gold index)
    optional_hits: list[tuple[int, int]] = field(default_factory=list)
    false_positives: list[int] = field(default_factory=list)  # pred indices
    misses: list[int] = field(default_factory=list)  # gold indices (required only)
    false_positive_labels: list[str] = field(default_factory=list)
    miss_labels: list[str] = field(default_factory=list)
    gold_total: int = 0  # required gold items
    gold_optional: int = 0
    predicted: int = 0

    @property
    def precision(self) -> float:
        return prf(self.tp, self.fp, self.fn)[0]

    @property
    def recall(self) -> float:
        return prf(self.tp, self.fp, self.fn)[1]

    @property
    def f1(self) -> float:
        return prf(self.tp, self.fp, self.fn)[2]

    def to_dict(self) -> dict[str, Any]:
        return {
            "tp": self.tp,
            "fp": self.fp,
            "fn": self.fn,
            "precision": self.precision,
            "recall": self.recall,
            "f1": self.f1,
            "predicted": self.predicted,
            "gold": self.gold_total,
            "gold_optional": self.gold_optional,
            "optional_matched": len(self.optional_hits),
            "misses": list(self.miss_labels),
            "false_positives": list(self.false_positive_labels),
        }


def match_field(
    predicted: Sequence[Mapping[str, Any]],
    gold: Sequence[Mapping[str, Any]],
    edge: EdgeFn,
) -> FieldScore:
    """One-to-one matching of one field: most required hits, then most optional matches,
    then the closest pairs."""
    k = min(len(predicted), len(gold))
    opt_base = k * _QMAX + 1
    req_base = k * (opt_base + _QMAX) + 1
    weights: list[list[int]] = []
    for p in predicted:
        row = []
        for g in gold:
            q = edge(p, g)
            if q is None:
                row.append(0)
            else:
                base = opt_base if bool(g.get("optional")) else req_base
                row.append(base + max(0, min(q, _QMAX)))
        weights.append(row)
    pairs = max_weight_matching(weights)
    score = FieldScore(predicted=len(predicted))
    matched_pred = {i for i, _ in pairs}
    matched_gold = {j for _, j in pairs}
    for i, j in pairs:
        (score.optional_hits if bool(gold[j].get("optional")) else score.hits).append((i, j))
    score.false_positives = [i for i in range(len(predicted)) if i not in matched_pred]
    score.misses = [j for j, g in enumerate(gold) if j not in matched_gold and not bool(g.get("optional"))]
    score.tp = len(score.hits)
    score.fp = len(score.false_positives)
    score.fn = len(score.misses)
    score.gold_optional = sum(1 for g in gold if bool(g.get("optional")))
    score.gold_total = len(gold) - score.gold_optional
    return score


# --------------------------------------------------------------------------------------------
# Edges per field.
# --------------------------------------------------------------------------------------------


def name_edge(pred: Mapping[str, Any], gold: Mapping[str, Any]) -> int | None:
    """Actors and locations: any name or alias of either side matches (names_match).
    Quality: 3 same main name, 2 some name equal after normalisation, 1 main names match."""
    pnames, gnames = _names(pred), _names(gold)
    if not pnames or not gnames:
        return None
    if not any(names_match(a, b) for a in pnames for b in gnames):
        return None
    if normalize(pnames[0]) == normalize(gnames[0]):
        return 3
    pn = {normalize(x) for x in pnames}
    if pn & {normalize(x) for x in gnames}:
        return 2
    return 1 if names_match(pnames[0], gnames[0]) else 0


def _interval(item: Mapping[str, Any]) -> tuple[float, float] | None:
    """The numbers of a casualty as a closed interval; missing bounds are open; None = no
    number at all."""
    count = _int(item.get("count"))
    if count is not None:
        return float(count), float(count)
    low, high = _int(item.get("low")), _int(item.get("high"))
    if low is None and high is None:
        return None
    lo = float(low) if low is not None else -math.inf
    hi = float(high) if high is not None else math.inf
    return lo, hi


def numbers_compatible(a: Mapping[str, Any], b: Mapping[str, Any]) -> bool:
    """Equal counts, a count inside the other's [low, high], or overlapping ranges. An item
    without any number is compatible only with another item without any number."""
    ia, ib = _interval(a), _interval(b)
    if ia is None or ib is None:
        return ia is None and ib is None
    return max(ia[0], ib[0]) <= min(ia[1], ib[1])


def casualty_edge(pred: Mapping[str, Any], gold: Mapping[str, Any]) -> int | None:
    """Same kind and compatible numbers. Quality: +2 identical numbers, +1 same `affected`."""
    if not _same_kind(pred.get("kind"), gold.get("kind")):
        return None
    if not numbers_compatible(pred, gold):
        return None
    q = 0
    if all(_int(pred.get(k)) == _int(gold.get(k)) for k in ("count", "low", "high")):
        q += 2
    if same_value(pred.get("affected"), gold.get("affected")):
        q += 1
    return q


def _event_edge_factory(
    pred_locations: Sequence[Mapping[str, Any]],
    gold_locations: Sequence[Mapping[str, Any]],
    location_pairs: Sequence[tuple[int, int]],
) -> EdgeFn:
    """Events: same type, and a shared matched location (or no location on either side).

    A predicted event names its places by `location_ids` (ids of predicted locations); a gold
    event by the names in `locations` (names of gold locations). The link between them is the
    location matching of the same article. A gold event's place that is not among the gold
    locations (an annotation slip) is compared by name with the predicted location instead.
    """
    id_to_index: dict[str, int] = {}
    for i, loc in enumerate(pred_locations):
        lid = loc.get("id")
        if isinstance(lid, str):
            id_to_index.setdefault(lid, i)
    pred_to_gold: dict[int, set[int]] = {}
    for i, j in location_pairs:
        pred_to_gold.setdefault(i, set()).add(j)

    def resolve_gold(name: str) -> set[int]:
        exact = {j for j, g in enumerate(gold_locations) if normalize(name) in {normalize(n) for n in _names(g)}}
        if exact:
            return exact
        return {j for j, g in enumerate(gold_locations) if any(names_match(name, n) for n in _names(g))}

    def edge(pred: Mapping[str, Any], gold: Mapping[str, Any]) -> int | None:
        if not _same_kind(pred.get("type"), gold.get("type")):
            return None
        ids = pred.get("location_ids")
        pred_idx = [
            id_to_index[x] for x in (ids if isinstance(ids, list) else []) if isinstance(x, str) and x in id_to_index
        ]
        gnames = [n for n in (gold.get("locations") or []) if isinstance(n, str) and n.strip()]
        q = 1 if _str(pred.get("date")) and pred.get("date") == gold.get("date") else 0
        if not pred_idx and not gnames:
            return q
        if not pred_idx or not gnames:
            return None
        matched_gold = set().union(*(pred_to_gold.get(i, set()) for i in pred_idx))
        for name in gnames:
            targets = resolve_gold(name)
            if targets:
                if targets & matched_gold:
                    return q
            elif any(names_match(name, n) for i in pred_idx for n in _names(pred_locations[i])):
                return q
        return None

    return edge


# --------------------------------------------------------------------------------------------
# Labels (for reports: what was missed, what was made up).
# --------------------------------------------------------------------------------------------


def _numbers_label(item: Mapping[str, Any]) -> str:
    count, low, high = _int(item.get("count")), _int(item.get("low")), _int(item.get("high"))
    if count is not None:
        return str(count)
    if low is not None and high is not None:
        return f"{low}-{high}"
    if low is not None:
        return f">={low}"
    if high is not None:
        return f"<={high}"
    return "?"


def item_label(
    field_name: str,
    item: Mapping[str, Any],
    locations: Sequence[Mapping[str, Any]] = (),
) -> str:
    """A one-line description of a gold or predicted item."""
    if field_name == "actors":
        return f"{item.get('name')} ({item.get('kind')}, side: {item.get('side')})"
    if field_name == "locations":
        return f"{item.get('name')} ({item.get('kind')})"
    if field_name == "events":
        places: list[str] = [str(x) for x in (item.get("locations") or []) if isinstance(x, str)]
        ids = item.get("location_ids")
        if isinstance(ids, list):
            by_id = {loc.get("id"): loc.get("name") for loc in locations}
            places += [str(by_id.get(x, x)) for x in ids]
        where = ", ".join(places) or "no place"
        desc = _str(item.get("description"))
        text = f"{item.get('type')} @ {where}"
        if item.get("date"):
            text += f" on {item.get('date')}"
        return f"{text}: {desc}" if desc else text
    if field_name == "casualties":
        text = f"{item.get('kind')} {_numbers_label(item)}"
        raw = _str(item.get("raw"))
        if raw:
            text += f' ("{raw}")'
        return f"{text}, affected: {item.get('affected')}, claimed by: {item.get('claimed_by')}"
    return str(dict(item))


# --------------------------------------------------------------------------------------------
# One article.
# --------------------------------------------------------------------------------------------


@dataclass
class AttributeScore:
    correct: int = 0
    total: int = 0

    @property
    def accuracy(self) -> float | None:
        return self.correct / self.total if self.total else None

    def add(self, ok: bool) -> None:
        self.total += 1
        self.correct += int(ok)

    def to_dict(self) -> dict[str, Any]:
        return {"correct": self.correct, "total": self.total, "accuracy": self.accuracy}


@dataclass
class ArticleScore:
    """Everything scored for one model on one article."""

    article_id: str
    model: str = ""
    failed: bool = False
    error: str | None = None
    error_type: str | None = None
    fields: dict[str, FieldScore] = field(default_factory=dict)
    attributes: dict[str, AttributeScore] = field(default_factory=dict)
    spans_total: int = 0
    spans_exact: int = 0
    first_try_valid: bool = False
    calls: int = 0
    retries: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    latency_s: float = 0.0
    text_matches: bool | None = None  # the document's article.sha256 is that of the gold text
    faithful: int = 0  # summary sentences and event descriptions with only the article's names and numbers
    faithful_total: int = 0

    @property
    def attribution(self) -> AttributeScore:
        return pooled(self.attributes, ATTRIBUTION)

    @property
    def faithfulness(self) -> float | None:
        return self.faithful / self.faithful_total if self.faithful_total else None

    @property
    def grounding_rate(self) -> float | None:
        return self.spans_exact / self.spans_total if self.spans_total else None

    def field_f1(self, name: str) -> float:
        """The article's F1 in one field; a failed article scores 0 in every field."""
        return 0.0 if self.failed else self.fields[name].f1

    @property
    def macro_f1(self) -> float:
        return sum(self.field_f1(f) for f in FIELDS) / len(FIELDS)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.article_id,
            "failed": self.failed,
            "error": self.error,
            "error_type": self.error_type,
            "macro_f1": self.macro_f1,
            "fields": {name: fs.to_dict() for name, fs in self.fields.items()},
            "attributes": {name: a.to_dict() for name, a in self.attributes.items()},
            "attribution": self.attribution.to_dict(),
            "faithfulness": {"faithful": self.faithful, "total": self.faithful_total, "rate": self.faithfulness},
            "grounding_rate": self.grounding_rate,
            "spans_total": self.spans_total,
            "spans_exact": self.spans_exact,
            "first_try_valid": self.first_try_valid,
            "calls": self.calls,
            "retries": self.retries,
            "prompt_tokens": self.prompt_tokens,
            "completion_tokens": self.completion_tokens,
            "latency_s": self.latency_s,
            "text_matches": self.text_matches,
        }


def pooled(attributes: Mapping[str, AttributeScore], names: Sequence[str]) -> AttributeScore:
    """One accuracy over several attributes: their correct and total answers added up."""
    out = AttributeScore()
    for name in names:
        if name in attributes:
            out.correct += attributes[name].correct
            out.total += attributes[name].total
    return out


def faithfulness(document: Mapping[str, Any], text: str) -> tuple[int, int]:
    """(faithful, total) over the document's summary sentences and event descriptions: a unit
    is faithful when every name and number in it occurs in the article (`text.unsupported`)."""
    units = []
    summary = document.get("summary")
    if isinstance(summary, str) and summary.strip():
        units += [summary[s:e] for s, e in sentences(summary)]
    units += [str(e.get("description")) for e in _items(document, "events") if e.get("description")]
    return sum(1 for u in units if not unsupported(u, text)), len(units)


def document_spans(document: Mapping[str, Any] | None) -> list[tuple[str, Mapping[str, Any]]]:
    """Every span of a document, with its field: actor and location mentions, event and
    casualty evidence."""
    out: list[tuple[str, Mapping[str, Any]]] = []
    for name, key in (
        ("actors", "mentions"),
        ("locations", "mentions"),
        ("events", "evidence"),
        ("casualties", "evidence"),
    ):
        for item in _items(document, name):
            spans = item.get(key)
            if isinstance(spans, list):
                out.extend((name, s) for s in spans if isinstance(s, Mapping))
    return out


def span_is_exact(span: Mapping[str, Any], text: str) -> bool:
    """`span.text == text[start:end]` with valid bounds."""
    start, end, value = _int(span.get("start")), _int(span.get("end")), span.get("text")
    if start is None or end is None or not isinstance(value, str):
        return False
    if not 0 <= start <= end <= len(text):
        return False
    return text[start:end] == value


def _gold_items(record: Mapping[str, Any], name: str) -> list[Mapping[str, Any]]:
    return _items(record.get("gold") if isinstance(record.get("gold"), Mapping) else None, name)


def score_article(
    document: Mapping[str, Any] | None,
    record: Mapping[str, Any],
    *,
    model: str = "",
    error: str | None = None,
    error_type: str | None = None,
) -> ArticleScore:
    """Score one predicted document against one gold record (contract §2).

    `document` None means the model failed on this article: every required gold item is
    missed, and the score is marked failed with `error`.
    """
    article_id = str(record.get("id", ""))
    raw_text = record.get("text")
    text = raw_text if isinstance(raw_text, str) else ""
    score = ArticleScore(article_id=article_id, model=model)
    score.attributes = {name: AttributeScore() for name in ATTRIBUTES}
    doc: Mapping[str, Any] | None = document
    if doc is None:
        score.failed = True
        score.error = error or "no document"
        score.error_type = error_type
    gold = {name: _gold_items(record, name) for name in FIELDS}
    pred = {name: _items(doc, name) for name in FIELDS}

    score.fields["actors"] = match_field(pred["actors"], gold["actors"], name_edge)
    score.fields["locations"] = match_field(pred["locations"], gold["locations"], name_edge)
    event_edge = _event_edge_factory(
        pred["locations"],
        gold["locations"],
        score.fields["locations"].hits + score.fields["locations"].optional_hits,
    )
    score.fields["events"] = match_field(pred["events"], gold["events"], event_edge)
    score.fields["casualties"] = match_field(pred["casualties"], gold["casualties"], casualty_edge)

    for name in FIELDS:
        fs = score.fields[name]
        fs.miss_labels = [item_label(name, gold[name][j]) for j in fs.misses]
        fs.false_positive_labels = [item_label(name, pred[name][i], pred["locations"]) for i in fs.false_positives]

    attrs = score.attributes
    for i, j in score.fields["actors"].hits:
        p, g = pred["actors"][i], gold["actors"][j]
        attrs["actor_kind"].add(_same_kind(p.get("kind"), g.get("kind")))
        attrs["actor_side"].add(same_value(p.get("side"), g.get("side")))
    for i, j in score.fields["locations"].hits:
        p, g = pred["locations"][i], gold["locations"][j]
        attrs["location_kind"].add(_same_kind(p.get("kind"), g.get("kind")))
        if "country" in g:
            attrs["location_country"].add(same_value(p.get("country"), g.get("country")))
    for i, j in score.fields["casualties"].hits:
        p, g = pred["casualties"][i], gold["casualties"][j]
        attrs["casualty_affected"].add(same_value(p.get("affected"), g.get("affected")))
        attrs["casualty_claimed_by"].add(same_value(p.get("claimed_by"), g.get("claimed_by")))

    if doc is not None:
        score.faithful, score.faithful_total = faithfulness(doc, text)
        spans = document_spans(doc)
        score.spans_total = len(spans)
        score.spans_exact = sum(1 for _, s in spans if span_is_exact(s, text))
        article = doc.get("article")
        if isinstance(article, Mapping) and isinstance(article.get("sha256"), str):
            score.text_matches = article["sha256"] == hashlib.sha256(text.encode("utf-8")).hexdigest()
        prov = doc.get("provenance")
        prov = prov if isinstance(prov, Mapping) else {}
        score.calls = _int(prov.get("calls")) or 0
        score.retries = _int(prov.get("retries")) or 0
        score.prompt_tokens = _int(prov.get("prompt_tokens")) or 0
        score.completion_tokens = _int(prov.get("completion_tokens")) or 0
        latency = prov.get("latency_s")
        score.latency_s = float(latency) if isinstance(latency, int | float) else 0.0
        ftv = prov.get("first_try_valid")
        score.first_try_valid = ftv if isinstance(ftv, bool) else score.retries == 0
    return score


# --------------------------------------------------------------------------------------------
# Aggregation over articles, bootstrap intervals, paired differences.
# --------------------------------------------------------------------------------------------


def micro_prf(scores: Sequence[ArticleScore], name: str) -> tuple[float, float, float]:
    tp = sum(s.fields[name].tp for s in scores)
    fp = sum(s.fields[name].fp for s in scores)
    fn = sum(s.fields[name].fn for s in scores)
    return prf(tp, fp, fn)


def micro_f1(scores: Sequence[ArticleScore], name: str) -> float:
    return micro_prf(scores, name)[2]


def macro_f1(scores: Sequence[ArticleScore]) -> float:
    """The headline: the mean over the four fields of each field's micro F1."""
    return sum(micro_f1(scores, f) for f in FIELDS) / len(FIELDS)


def percentile(sorted_values: Sequence[float], q: float) -> float:
    """Linear-interpolated percentile (q in [0, 1]) of already sorted values."""
    if not sorted_values:
        return math.nan
    pos = q * (len(sorted_values) - 1)
    lo = math.floor(pos)
    hi = min(lo + 1, len(sorted_values) - 1)
    frac = pos - lo
    return sorted_values[lo] * (1 - frac) + sorted_values[hi] * frac


Statistic = Callable[[Sequence[ArticleScore]], float]


def bootstrap_ci(
    scores: Sequence[ArticleScore],
    statistic: Statistic,
    *,
    resamples: int = DEFAULT_RESAMPLES,
    seed: int = DEFAULT_SEED,
    confidence: float = DEFAULT_CONFIDENCE,
) -> tuple[float, float]:
    """Percentile bootstrap interval of `statistic` over articles (resampled with
    replacement). Deterministic for a given seed."""
    n = len(scores)
    if n == 0:
        return (math.nan, math.nan)
    rng = random.Random(seed)
    values = sorted(statistic([scores[rng.randrange(n)] for _ in range(n)]) for _ in range(resamples))
    alpha = (1 - confidence) / 2
    return percentile(values, alpha), percentile(values, 1 - alpha)


def cost_usd(
    model: str,
    prompt_tokens: int,
    completion_tokens: int,
    price_per_mtok: tuple[float, float] | None = None,
) -> float | None:
    """Cost in USD: from `price_per_mtok` (input, output per 1M tokens) when given, else from
    the price table; 0 for local models, None when the price is unknown."""
    from summarizer.models import cost_usd as cost
    from summarizer.models import model_price

    price = price_per_mtok if price_per_mtok is not None else model_price(model)
    return cost(price, prompt_tokens, completion_tokens)


@dataclass
class FieldAggregate:
    tp: int
    fp: int
    fn: int
    precision: float
    recall: float
    f1: float
    f1_ci: tuple[float, float]
    f1_articles: float  # macro over articles: the mean of per-article F1

    def to_dict(self) -> dict[str, Any]:
        return {
            "precision": self.precision,
            "recall": self.recall,
            "f1": self.f1,
            "f1_ci": list(self.f1_ci),
            "f1_articles": self.f1_articles,
            "tp": self.tp,
            "fp": self.fp,
            "fn": self.fn,
        }


@dataclass
class RunAggregate:
    """A model's figures over a dataset."""

    model: str
    articles: int
    failures: int
    macro_f1: float
    macro_f1_ci: tuple[float, float]
    macro_f1_articles: float
    fields: dict[str, FieldAggregate]
    attributes: dict[str, AttributeScore]
    grounding_rate: float | None
    spans_total: int
    spans_exact: int
    first_try_valid: float | None
    calls: int
    retries: int
    prompt_tokens: int
    completion_tokens: int
    latency_s: float
    latency_mean_s: float | None
    cost_usd: float | None
    faithful: int = 0
    faithful_total: int = 0

    @property
    def attribution(self) -> AttributeScore:
        """Accuracy of who suffered a figure, who claims it, actor sides and place countries, pooled."""
        return pooled(self.attributes, ATTRIBUTION)

    @property
    def faithfulness(self) -> float | None:
        """Share of summary sentences and event descriptions with only the article's names and numbers."""
        return self.faithful / self.faithful_total if self.faithful_total else None

    @property
    def completion_tokens_mean(self) -> float | None:
        scored = self.articles - self.failures
        return self.completion_tokens / scored if scored > 0 else None

    def to_dict(self) -> dict[str, Any]:
        return {
            "model": self.model,
            "articles_scored": self.articles,
            "failures": self.failures,
            "macro_f1": self.macro_f1,
            "macro_f1_ci": list(self.macro_f1_ci),
            "macro_f1_articles": self.macro_f1_articles,
            "fields": {name: fa.to_dict() for name, fa in self.fields.items()},
            "attributes": {name: a.to_dict() for name, a in self.attributes.items()},
            "attribution": self.attribution.to_dict(),
            "faithfulness": {"faithful": self.faithful, "total": self.faithful_total, "rate": self.faithfulness},
            "grounding_rate": self.grounding_rate,
            "spans_total": self.spans_total,
            "spans_exact": self.spans_exact,
            "first_try_valid": self.first_try_valid,
            "calls": self.calls,
            "retries": self.retries,
            "prompt_tokens": self.prompt_tokens,
            "completion_tokens": self.completion_tokens,
            "completion_tokens_mean": self.completion_tokens_mean,
            "latency_s": self.latency_s,
            "latency_mean_s": self.latency_mean_s,
            "cost_usd": self.cost_usd,
        }


def _field_stat(name: str) -> Statistic:
    return lambda sample: micro_f1(sample, name)


def aggregate(
    scores: Sequence[ArticleScore],
    *,
    model: str = "",
    resamples: int = DEFAULT_RESAMPLES,
    seed: int = DEFAULT_SEED,
    confidence: float = DEFAULT_CONFIDENCE,
    price_per_mtok: tuple[float, float] | None = None,
) -> RunAggregate:
    """Sum a model's article scores: micro P/R/F1 per field (counts summed over articles),
    the macro F1 (mean of the four fields' micro F1), the same as means over articles, and
    bootstrap intervals over articles. `price_per_mtok` overrides the price table."""
    n = len(scores)
    fields: dict[str, FieldAggregate] = {}
    for name in FIELDS:
        tp = sum(s.fields[name].tp for s in scores)
        fp = sum(s.fields[name].fp for s in scores)
        fn = sum(s.fields[name].fn for s in scores)
        p, r, f = prf(tp, fp, fn)
        ci = bootstrap_ci(scores, _field_stat(name), resamples=resamples, seed=seed, confidence=confidence)
        per_article = sum(s.field_f1(name) for s in scores) / n if n else math.nan
        fields[name] = FieldAggregate(tp, fp, fn, p, r, f, ci, per_article)
    attributes = {name: AttributeScore() for name in ATTRIBUTES}
    for s in scores:
        for name, a in s.attributes.items():
            if name in attributes:
                attributes[name].correct += a.correct
                attributes[name].total += a.total
    spans_total = sum(s.spans_total for s in scores)
    spans_exact = sum(s.spans_exact for s in scores)
    prompt_tokens = sum(s.prompt_tokens for s in scores)
    completion_tokens = sum(s.completion_tokens for s in scores)
    latency = sum(s.latency_s for s in scores)
    return RunAggregate(
        model=model,
        articles=n,
        failures=sum(1 for s in scores if s.failed),
        macro_f1=macro_f1(scores),
        macro_f1_ci=bootstrap_ci(scores, macro_f1, resamples=resamples, seed=seed, confidence=confidence),
        macro_f1_articles=sum(s.macro_f1 for s in scores) / n if n else math.nan,
        fields=fields,
        attributes=attributes,
        grounding_rate=spans_exact / spans_total if spans_total else None,
        spans_total=spans_total,
        spans_exact=spans_exact,
        first_try_valid=sum(1 for s in scores if s.first_try_valid) / n if n else None,
        calls=sum(s.calls for s in scores),
        retries=sum(s.retries for s in scores),
        prompt_tokens=prompt_tokens,
        completion_tokens=completion_tokens,
        latency_s=latency,
        latency_mean_s=latency / n if n else None,
        cost_usd=cost_usd(model, prompt_tokens, completion_tokens, price_per_mtok),
        faithful=sum(s.faithful for s in scores),
        faithful_total=sum(s.faithful_total for s in scores),
    )


@dataclass
class Difference:
    """`model` minus `baseline` on one metric, over the articles both were run on."""

    metric: str
    baseline: str
    model: str
    articles: int
    diff: float
    ci: tuple[float, float]

    def to_dict(self) -> dict[str, Any]:
        return {"diff": self.diff, "ci": list(self.ci)}


def paired_differences(
    baseline: Sequence[ArticleScore],
    other: Sequence[ArticleScore],
    *,
    baseline_model: str = "",
    model: str = "",
    resamples: int = DEFAULT_RESAMPLES,
    seed: int = DEFAULT_SEED,
    confidence: float = DEFAULT_CONFIDENCE,
) -> dict[str, Difference]:
    """The paired difference (other - baseline) of macro F1 and of each field's F1, with
    bootstrap intervals from resampling the same articles for both models.

    Articles are paired by id; those run for only one model are left out.
    """
    by_id = {s.article_id: s for s in baseline}
    pairs = [(by_id[s.article_id], s) for s in other if s.article_id in by_id]
    n = len(pairs)
    metrics: dict[str, Statistic] = {"macro_f1": macro_f1}
    metrics.update({name: _field_stat(name) for name in FIELDS})
    out: dict[str, Difference] = {}
    alpha = (1 - confidence) / 2
    for metric, stat in metrics.items():
        a = [p[0] for p in pairs]
        b = [p[1] for p in pairs]
        point = stat(b) - stat(a) if n else math.nan
        if n:
            rng = random.Random(seed)
            values = []
            for _ in range(resamples):
                idx = [rng.randrange(n) for _ in range(n)]
                values.append(stat([b[i] for i in idx]) - stat([a[i] for i in idx]))
            values.sort()
            ci = (percentile(values, alpha), percentile(values, 1 - alpha))
        else:
            ci = (math.nan, math.nan)
        out[metric] = Difference(metric, baseline_model, model, n, point, ci)
    return out
