"""What is scored: the fields and attributes, and the score of one model on one article.

This module owns the record types the scorer fills (`ArticleScore`, `AttributeScore`) and the
totals an article score and a run's aggregate share (`Totals`: attribute accuracies pooled
into attribution, faithfulness, grounding, provenance), so that `_scoring` (one article) and
`_statistics` (a run) read and write them the same way.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from summarizer.evaluation._matching import FieldScore

FIELDS: tuple[str, ...] = ("actors", "locations", "events", "casualties")
ATTRIBUTES: tuple[str, ...] = (
    "actor_kind",
    "actor_side",
    "actor_side_stated",
    "actor_side_inferred",
    "location_kind",
    "location_country",
    "location_admin1",
    "casualty_affected",
    "casualty_claimed_by",
    "casualty_event",
    "event_roles",
)
# The headline attribution score pools these: who suffered a figure, who claims it, whose side
# an actor is on, which country a place is in.
ATTRIBUTION: tuple[str, ...] = ("casualty_affected", "casualty_claimed_by", "actor_side", "location_country")


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


def pooled(attributes: Mapping[str, AttributeScore], names: Sequence[str]) -> AttributeScore:
    """One accuracy over several attributes: their correct and total answers added up."""
    out = AttributeScore()
    for name in names:
        if name in attributes:
            out.correct += attributes[name].correct
            out.total += attributes[name].total
    return out


class Totals:
    """The figures an article's score and a run's aggregate both carry (a mixin of the two
    dataclasses, which declare the fields)."""

    attributes: dict[str, AttributeScore]
    faithful: int
    faithful_total: int
    spans_total: int
    spans_exact: int
    first_try_valid: Any
    calls: int
    retries: int
    prompt_tokens: int
    completion_tokens: int

    @property
    def attribution(self) -> AttributeScore:
        """Accuracy of who suffered a figure, who claims it, actor sides and place countries, pooled."""
        return pooled(self.attributes, ATTRIBUTION)

    @property
    def faithfulness(self) -> float | None:
        """Share of summary sentences and event descriptions with only the article's names and numbers."""
        return self.faithful / self.faithful_total if self.faithful_total else None

    @property
    def grounding_rate(self) -> float | None:
        """Share of the document's spans that are exactly the article's text at their offsets."""
        return self.spans_exact / self.spans_total if self.spans_total else None

    def totals_dict(self) -> dict[str, Any]:
        """The shared part of `to_dict`, in the order of the JSON."""
        return {
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
        }


@dataclass
class ArticleScore(Totals):
    """Everything scored for one model on one article."""

    article_id: str
    model: str = ""
    failed: bool = False
    error: str | None = None
    error_type: str | None = None
    fields: dict[str, FieldScore] = field(default_factory=dict)
    attributes: dict[str, AttributeScore] = field(default_factory=dict)
    roles: dict[str, FieldScore] = field(default_factory=dict)  # scored only where the gold has roles
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
            "roles": {name: fs.to_dict() for name, fs in self.roles.items()},
            **self.totals_dict(),
            "latency_s": self.latency_s,
            "text_matches": self.text_matches,
        }
