"""The article text of the HTML report, written once with every model's outcomes marked.

Each mark is a range of the text with one class `k<model><field><outcome>`: model index,
field letter (a actors, l locations, e events, c casualties) and outcome letter (h hit, w hit
with a wrong attribute, f false positive, m missed gold, o optional match), e.g. `k0ah`. The page's CSS styles only the
classes of the model selected in the article's tabs, so the text is not repeated per model.

Where a mark comes from:
- a predicted item (hit, false positive, optional match): its own spans (actor and location
  mentions, event and casualty evidence) that are exactly the text at their offsets;
- a missed gold item, which has no spans of its own: the spans of the predictions of any
  model that matched the same gold item, and for actors and locations every whole-word
  occurrence of its name or aliases. A missed item found nowhere is only listed, not marked.

Event marks are written as the outer layer and name, place and casualty marks inside them,
so a sentence-long event never cuts a name in two. Every piece of text is escaped.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from summarizer.evaluation._matching import items_of, names_of
from summarizer.evaluation._outcomes import ItemOutcome
from summarizer.evaluation._scoring import span_is_exact

FIELD_LETTER = {"actors": "a", "locations": "l", "events": "e", "casualties": "c"}
# in the order of the CSS rules: where marks of one field overlap, the later outcome shows
OUTCOME_LETTER = {"optional": "o", "missed": "m", "false_positive": "f", "hit": "h", "wrong": "w"}
_SPAN_KEY = {"actors": "mentions", "locations": "mentions", "events": "evidence", "casualties": "evidence"}

__all__ = ["FIELD_LETTER", "OUTCOME_LETTER", "Mark", "ModelOutcomes", "article_marks", "render_marked"]


@dataclass(frozen=True)
class Mark:
    start: int
    end: int
    cls: str
    outer: bool  # events: the outer layer
    model: int


@dataclass(frozen=True)
class ModelOutcomes:
    """One model on one article: its document (None on failure) and its items' outcomes."""

    document: Mapping[str, Any] | None
    outcomes: Mapping[str, Sequence[ItemOutcome]]


def _item_spans(field_name: str, item: Mapping[str, Any], text: str) -> list[tuple[int, int]]:
    spans = item.get(_SPAN_KEY[field_name])
    if not isinstance(spans, list):
        return []
    out = []
    for span in spans:
        if isinstance(span, Mapping) and span_is_exact(span, text) and span["start"] < span["end"]:
            out.append((int(span["start"]), int(span["end"])))
    return out


def _occurrences(names: Iterable[str], text: str) -> set[tuple[int, int]]:
    """Whole-word occurrences of the names, case-sensitive; case-insensitive when there are none."""
    for flags in (0, re.IGNORECASE):
        found = set()
        for name in names:
            for m in re.finditer(rf"(?<!\w){re.escape(name)}(?!\w)", text, flags):
                found.add((m.start(), m.end()))
        if found:
            return found
    return set()


def _gold_places(
    text: str, gold: Mapping[str, Any], models: Sequence[ModelOutcomes]
) -> dict[tuple[str, int], set[tuple[int, int]]]:
    """Where each gold item is in the text: the spans of any model's predictions matched to
    it, and for actors and locations the occurrences of its names."""
    places: dict[tuple[str, int], set[tuple[int, int]]] = {}
    for model in models:
        for field_name, rows in model.outcomes.items():
            preds = items_of(model.document, field_name)
            for row in rows:
                if row.gold is None or row.predicted is None or row.predicted >= len(preds):
                    continue
                spans = _item_spans(field_name, preds[row.predicted], text)
                places.setdefault((field_name, row.gold), set()).update(spans)
    for field_name in ("actors", "locations"):
        for j, item in enumerate(items_of(gold, field_name)):
            places.setdefault((field_name, j), set()).update(_occurrences((n.strip() for n in names_of(item)), text))
    return places


def article_marks(text: str, gold: Mapping[str, Any] | None, models: Sequence[ModelOutcomes]) -> list[Mark]:
    """Every model's marks on one article's text (model k is the k-th of `models`)."""
    places = _gold_places(text, gold or {}, models)
    marks: set[Mark] = set()
    for k, model in enumerate(models):
        for field_name, rows in model.outcomes.items():
            preds = items_of(model.document, field_name)
            prefix = f"k{k}{FIELD_LETTER[field_name]}"
            outer = field_name == "events"
            for row in rows:
                cls = prefix + OUTCOME_LETTER[row.outcome]
                if row.predicted is not None and row.predicted < len(preds):
                    spans: Iterable[tuple[int, int]] = _item_spans(field_name, preds[row.predicted], text)
                elif row.gold is not None:
                    spans = places.get((field_name, row.gold), ())
                else:
                    spans = ()
                marks.update(Mark(s, e, cls, outer, k) for s, e in spans)
    return sorted(marks, key=lambda m: (m.start, m.end, m.cls))


def _esc(text: str) -> str:
    return html.escape(text, quote=False)


Classes = frozenset[tuple[int, str]]  # (model, class) of the marks over a run of text


def _joins(inner: Sequence[Classes]) -> list[str]:
    """Per run of name marks, the classes `k<model>L` / `k<model>R` when the model's marks
    go on from the run before / into the run after: the chip is one chip cut in pieces (by
    another model's marks), and CSS drops the borders between the pieces."""
    out = []
    for r, marks in enumerate(inner):
        flags = []
        for k in sorted({model for model, _ in marks}):
            mine = {c for c in marks if c[0] == k}
            if r > 0 and {c for c in inner[r - 1] if c[0] == k} == mine:
                flags.append(f"k{k}L")
            if r + 1 < len(inner) and {c for c in inner[r + 1] if c[0] == k} == mine:
                flags.append(f"k{k}R")
        out.append(" ".join(flags))
    return out


def render_marked(text: str, marks: Sequence[Mark]) -> str:
    """The text as HTML: outer (event) spans, name spans inside them, every piece escaped.
    Overlapping marks are handled by cutting the text at every mark boundary."""
    bounds = sorted({0, len(text)} | {m.start for m in marks} | {m.end for m in marks})
    starts: dict[int, list[Mark]] = {}
    ends: dict[int, list[Mark]] = {}
    for m in marks:
        starts.setdefault(m.start, []).append(m)
        ends.setdefault(m.end, []).append(m)
    active: dict[Mark, None] = {}
    runs: list[tuple[Classes, Classes, str]] = []  # (outer classes, inner classes, text)
    for a, b in zip(bounds, bounds[1:], strict=False):
        for m in ends.get(a, ()):
            active.pop(m, None)
        for m in starts.get(a, ()):
            active[m] = None
        outer = frozenset((m.model, m.cls) for m in active if m.outer)
        inner = frozenset((m.model, m.cls) for m in active if not m.outer)
        if runs and runs[-1][0] == outer and runs[-1][1] == inner:
            runs[-1] = (outer, inner, runs[-1][2] + text[a:b])
        else:
            runs.append((outer, inner, text[a:b]))
    joins = _joins([r[1] for r in runs])
    parts: list[str] = []
    i = 0
    while i < len(runs):
        outer = runs[i][0]
        inner_parts = []
        while i < len(runs) and runs[i][0] == outer:
            inner, piece = runs[i][1], _esc(runs[i][2])
            if inner:
                classes = " ".join(sorted(c for _, c in inner) + ([joins[i]] if joins[i] else []))
                piece = f'<span class="{classes}">{piece}</span>'
            inner_parts.append(piece)
            i += 1
        body = "".join(inner_parts)
        parts.append(f'<span class="{" ".join(sorted(c for _, c in outer))}">{body}</span>' if outer else body)
    return "".join(parts)
