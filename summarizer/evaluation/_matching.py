"""Matching predicted items to gold items, one field of one article at a time (CONTRACT.md §2).

This module owns the reading of untrusted item dicts, the edge of each field (may this
prediction match this gold item, and how closely), and the one-to-one assignment over those
edges (`match_field`, solved exactly by `max_weight_matching`, the Kuhn-Munkres algorithm).

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
  maximum-weight bipartite assignment (Kuhn-Munkres algorithm), not greedily.
- Precision = TP / (TP + FP), recall = TP / (TP + FN). A field with no gold and no prediction
  scores 1.0 on all three (a correct abstention); a field with predictions but no gold scores 0.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from summarizer.text import names_match
from summarizer.text import normalize_name as normalize

_QMAX = 3  # the largest tie-break quality an edge can carry


# --------------------------------------------------------------------------------------------
# Small helpers over untrusted dicts.
# --------------------------------------------------------------------------------------------


def items_of(container: Mapping[str, Any] | None, key: str) -> list[Mapping[str, Any]]:
    """The dict items of the list at `container[key]`; anything else is left out."""
    if not container:
        return []
    value = container.get(key)
    if not isinstance(value, list):
        return []
    return [item for item in value if isinstance(item, Mapping)]


def text_or_none(value: Any) -> str | None:
    """A non-blank string, else None."""
    return value if isinstance(value, str) and value.strip() else None


def int_or_none(value: Any) -> int | None:
    """An int (or a whole float), else None; booleans are not numbers."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return None


def names_of(item: Mapping[str, Any]) -> list[str]:
    """The non-blank name and aliases of an actor or a location."""
    names = [text_or_none(item.get("name"))]
    aliases = item.get("aliases")
    if isinstance(aliases, list):
        names.extend(text_or_none(a) for a in aliases)
    return [n for n in names if n]


def same_value(a: Any, b: Any) -> bool:
    """Attribute equality for sides, countries, `affected`, `claimed_by`: null == null, else
    names_match, or two names of the same country (a common name and GeoNames'
    name, "Ruritania" and "Kingdom of Ruritania")."""
    sa, sb = text_or_none(a), text_or_none(b)
    if sa is None or sb is None:
        return sa is None and sb is None
    if names_match(sa, sb):
        return True
    ca = _country_code(sa)
    return ca is not None and ca == _country_code(sb)


def actor_names(value: Any, actors: Sequence[Mapping[str, Any]] = ()) -> list[str]:
    """The names a party is known by in its document: the name and aliases of the actor that
    `value` names (its name or an alias, after normalisation), else `value` alone; [] for no
    value. "Strelsau" names the actor "Ruritania" (alias "Strelsau"), so both are its names."""
    text = text_or_none(value)
    if text is None:
        return []
    key = normalize(text)
    for actor in actors:
        names = names_of(actor)
        if any(normalize(n) == key for n in names):
            return names
    return [text]


def same_party(
    a: Any, b: Any, pred_actors: Sequence[Mapping[str, Any]] = (), gold_actors: Sequence[Mapping[str, Any]] = ()
) -> bool:
    """`affected` and `claimed_by`: `same_value` over the names each document knows the party
    by (its actor's name and aliases), as actors are matched: null == null."""
    na, nb = actor_names(a, pred_actors), actor_names(b, gold_actors)
    if not na or not nb:
        return not na and not nb
    return any(same_value(x, y) for x in na for y in nb)


def filler_names(fillers: Any) -> list[str]:
    """The names of a role's fillers: objects with a `name` (a prediction) or strings (gold)."""
    raw = fillers if isinstance(fillers, list) else []
    names = [f.get("name") if isinstance(f, Mapping) else f for f in raw]
    return [n.strip() for n in names if isinstance(n, str) and n.strip()]


def same_fillers(
    pred: Sequence[str],
    gold: Sequence[str],
    pred_actors: Sequence[Mapping[str, Any]] = (),
    gold_actors: Sequence[Mapping[str, Any]] = (),
) -> bool:
    """One role of a matched event: the same participants, one to one, each compared as a party
    (`same_party`: by every name its document's actors give it)."""
    if len(pred) != len(gold):
        return False
    weights = [[int(same_party(p, g, pred_actors, gold_actors)) for p in pred] for g in gold]
    return len(max_weight_matching(weights)) == len(gold)


@lru_cache(maxsize=4096)
def _country_code(name: str) -> str | None:
    from summarizer.nlp import find_country

    place = find_country(name)
    return place.country_code if place is not None else None


def same_kind(a: Any, b: Any) -> bool:
    """Enum equality (kinds, types), ignoring case and surrounding white space."""
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

    Kuhn-Munkres algorithm (shortest augmenting paths with potentials), O(n^2 m), exact on
    integers. Rows and columns may differ in number.
    """
    n = len(weights)
    m = len(weights[0]) if n else 0
    if n == 0 or m == 0:
        return []
    transposed = n > m
    w = [list(col) for col in zip(*weights, strict=True)] if transposed else [list(row) for row in weights]
    top = max(max(row) for row in w)
    if top <= 0:
        return []
    assigned = _min_cost_assignment([[top - max(x, 0) for x in row] for row in w])
    pairs: list[tuple[int, int]] = []
    for j, row in enumerate(assigned):
        if row is not None and w[row][j] > 0:
            pairs.append((j, row) if transposed else (row, j))
    return sorted(pairs)


def _min_cost_assignment(cost: list[list[int]]) -> list[int | None]:
    """For each column of `cost` (n rows <= m columns), the row assigned to it (or None) in a
    minimum-cost assignment of every row."""
    n, m = len(cost), len(cost[0])
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
    return [p[j] - 1 if p[j] else None for j in range(1, m + 1)]


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
    pnames, gnames = names_of(pred), names_of(gold)
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
    count = int_or_none(item.get("count"))
    if count is not None:
        return float(count), float(count)
    low, high = int_or_none(item.get("low")), int_or_none(item.get("high"))
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
    if not same_kind(pred.get("kind"), gold.get("kind")):
        return None
    if not numbers_compatible(pred, gold):
        return None
    q = 0
    if all(int_or_none(pred.get(k)) == int_or_none(gold.get(k)) for k in ("count", "low", "high")):
        q += 2
    if same_value(pred.get("affected"), gold.get("affected")):
        q += 1
    return q


def event_edge_for(
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
        exact = {j for j, g in enumerate(gold_locations) if normalize(name) in {normalize(n) for n in names_of(g)}}
        if exact:
            return exact
        return {j for j, g in enumerate(gold_locations) if any(names_match(name, n) for n in names_of(g))}

    def edge(pred: Mapping[str, Any], gold: Mapping[str, Any]) -> int | None:
        if not same_kind(pred.get("type"), gold.get("type")):
            return None
        ids = pred.get("location_ids")
        pred_idx = [
            id_to_index[x] for x in (ids if isinstance(ids, list) else []) if isinstance(x, str) and x in id_to_index
        ]
        gnames = [n for n in (gold.get("locations") or []) if isinstance(n, str) and n.strip()]
        q = 1 if text_or_none(pred.get("date")) and pred.get("date") == gold.get("date") else 0
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
            elif any(names_match(name, n) for i in pred_idx for n in names_of(pred_locations[i])):
                return q
        return None

    return edge
