"""What became of each item: the per-item outcomes behind an article's score, for reports.

`item_outcomes(document, record, score)` reads the matching that `score_article` stored in
each `FieldScore` (pairs of predicted and gold indices) back onto the items themselves: every
predicted item is a hit, a hit with a wrong attribute (`wrong`: matched, but its side, kind,
country, admin1, affected or claimed_by is not the gold's; still a true positive of the field's
F1, counted wrong in that attribute's accuracy), a false positive, or a match of an optional
gold item (not scored); every required gold item that nothing matched is missed.
`outcome_lines` writes one model's outcomes as Markdown lines, for the terminal and notes. The indices are those of
`items_of(document, field)` and `items_of(gold, field)`, the lists the scorer matched.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from summarizer.evaluation._article_score import FIELDS, ArticleScore
from summarizer.evaluation._format import ATTR_LABELS
from summarizer.evaluation._matching import items_of
from summarizer.evaluation._scoring import attribute_checks, item_label

Outcome = Literal["hit", "wrong", "false_positive", "missed", "optional"]
OUTCOMES: tuple[Outcome, ...] = ("hit", "wrong", "false_positive", "missed", "optional")

__all__ = ["OUTCOMES", "ItemOutcome", "Outcome", "item_outcomes", "outcome_lines"]


@dataclass(frozen=True)
class ItemOutcome:
    """One predicted or gold item of one field, and what the matching made of it."""

    field: str  # actors | locations | events | casualties
    outcome: Outcome
    predicted: int | None  # index among the document's items of the field (None: a missed gold item)
    gold: int | None  # index among the gold items of the field (None: a false positive)
    label: str  # the predicted item's label (the gold item's when missed)
    gold_label: str | None  # the matched or missed gold item's label
    wrong: tuple[tuple[str, Any, Any], ...] = ()  # (attribute, predicted, gold) of each wrong attribute

    def wrong_text(self) -> str:
        """The wrong attributes in words: "actor side: Borduria, gold Ruritania"."""
        return "; ".join(f"{ATTR_LABELS.get(a, a)}: {p}, gold {g}" for a, p, g in self.wrong)


def item_outcomes(
    document: Mapping[str, Any] | None, record: Mapping[str, Any], score: ArticleScore
) -> dict[str, list[ItemOutcome]]:
    """Per field: the predicted items in order (hit, false positive or optional), then the
    missed gold items. A failed article (`document` None) has only missed items."""
    gold_doc = record.get("gold") if isinstance(record.get("gold"), Mapping) else None
    locations = items_of(document, "locations")
    pred_actors, gold_actors = items_of(document, "actors"), items_of(gold_doc, "actors")
    out: dict[str, list[ItemOutcome]] = {}
    for name in FIELDS:
        fs = score.fields.get(name)
        pred, gold = items_of(document, name), items_of(gold_doc, name)
        rows: list[ItemOutcome] = []
        if fs is None:
            out[name] = rows
            continue
        hit = dict(fs.hits)
        optional = dict(fs.optional_hits)
        for i, item in enumerate(pred):
            label = item_label(name, item, locations)
            if i in hit:
                checks = attribute_checks(name, item, gold[hit[i]], pred_actors, gold_actors)
                wrong = tuple((a, p, g) for a, ok, p, g in checks if not ok)
                outcome: Outcome = "wrong" if wrong else "hit"
                rows.append(ItemOutcome(name, outcome, i, hit[i], label, item_label(name, gold[hit[i]]), wrong))
            elif i in optional:
                j = optional[i]
                rows.append(ItemOutcome(name, "optional", i, j, label, item_label(name, gold[j])))
            else:
                rows.append(ItemOutcome(name, "false_positive", i, None, label, None))
        for j in fs.misses:
            gold_label = item_label(name, gold[j])
            rows.append(ItemOutcome(name, "missed", None, j, gold_label, gold_label))
        out[name] = rows
    return out


_MARK = {"hit": "✓", "wrong": "!", "false_positive": "✗", "missed": "○", "optional": "~"}
_WORD = {
    "hit": "hit",
    "wrong": "wrong attribute",
    "false_positive": "false positive",
    "missed": "missed gold",
    "optional": "optional",
}


def outcome_lines(outcomes: Mapping[str, list[ItemOutcome]]) -> list[str]:
    """One model's outcomes on one article as Markdown lines, per field: each item with its
    outcome in words (a wrong attribute with the gold value), then the wrong attributes counted."""
    lines: list[str] = []
    for name, rows in outcomes.items():
        if not rows:
            continue
        lines.append(f"**{name}**")
        for row in rows:
            text = f"- {_MARK[row.outcome]} {row.label} — {_WORD[row.outcome]}"
            if row.wrong:
                text += f": {row.wrong_text()}"
            lines.append(text)
        counts: dict[str, int] = {}
        for row in rows:
            for attr, _p, _g in row.wrong:
                counts[attr] = counts.get(attr, 0) + 1
        if counts:
            lines.append("- wrong attributes: " + ", ".join(f"{ATTR_LABELS.get(a, a)} {n}" for a, n in counts.items()))
    return lines
