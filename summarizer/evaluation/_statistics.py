"""A model's figures over a dataset: sums of article scores, bootstrap intervals, paired differences.

This module owns the aggregation of `ArticleScore`s into a `RunAggregate` (micro P/R/F1 per
field, the macro F1, attribute accuracies, provenance totals and cost), the percentile
bootstrap over articles (deterministic for a seed), and `paired_differences`, which compares
two models on the articles both were run on by resampling the same articles for both.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from summarizer.contract import EVENT_ROLES
from summarizer.evaluation._article_score import ATTRIBUTES, FIELDS, ArticleScore, AttributeScore, Totals
from summarizer.evaluation._matching import prf

DEFAULT_RESAMPLES = 1000
DEFAULT_SEED = 20240601
DEFAULT_CONFIDENCE = 0.95


def _micro_counts(scores: Sequence[ArticleScore], name: str) -> tuple[int, int, int]:
    """TP, FP and FN of one field, summed over articles."""
    tp = sum(s.fields[name].tp for s in scores)
    fp = sum(s.fields[name].fp for s in scores)
    fn = sum(s.fields[name].fn for s in scores)
    return tp, fp, fn


def micro_prf(scores: Sequence[ArticleScore], name: str) -> tuple[float, float, float]:
    return prf(*_micro_counts(scores, name))


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


def _resamples(n: int, resamples: int, seed: int) -> Iterator[list[int]]:
    """`resamples` draws of n article indices with replacement, the same for a given seed."""
    rng = random.Random(seed)
    for _ in range(resamples):
        yield [rng.randrange(n) for _ in range(n)]


def _interval(values: list[float], confidence: float) -> tuple[float, float]:
    """The central `confidence` interval of bootstrap values (sorted in place)."""
    values.sort()
    alpha = (1 - confidence) / 2
    return percentile(values, alpha), percentile(values, 1 - alpha)


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
    values = [statistic([scores[i] for i in idx]) for idx in _resamples(n, resamples, seed)]
    return _interval(values, confidence)


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
class RunAggregate(Totals):
    """A model's figures over a dataset."""

    model: str
    articles: int
    failures: int
    macro_f1: float
    macro_f1_ci: tuple[float, float]
    macro_f1_articles: float
    fields: dict[str, FieldAggregate]
    attributes: dict[str, AttributeScore]
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
    roles: dict[str, FieldAggregate] = field(default_factory=dict)  # over role-annotated articles
    role_articles: int = 0

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
            "roles": {name: fa.to_dict() for name, fa in self.roles.items()},
            "role_articles": self.role_articles,
            **self.totals_dict(),
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
        tp, fp, fn = _micro_counts(scores, name)
        p, r, f = prf(tp, fp, fn)
        ci = bootstrap_ci(scores, _field_stat(name), resamples=resamples, seed=seed, confidence=confidence)
        per_article = sum(s.field_f1(name) for s in scores) / n if n else math.nan
        fields[name] = FieldAggregate(tp, fp, fn, p, r, f, ci, per_article)
    roles = _role_aggregates(scores, resamples=resamples, seed=seed, confidence=confidence)
    attributes = {name: AttributeScore() for name in ATTRIBUTES}
    for s in scores:
        for name, a in s.attributes.items():
            if name in attributes:
                attributes[name].correct += a.correct
                attributes[name].total += a.total
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
        spans_total=sum(s.spans_total for s in scores),
        spans_exact=sum(s.spans_exact for s in scores),
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
        roles=roles,
        role_articles=sum(1 for s in scores if s.roles),
    )


def _role_counts(scores: Sequence[ArticleScore], role: str) -> tuple[int, int, int]:
    tp = fp = fn = 0
    for s in scores:
        fs = s.roles.get(role)
        if fs is None:
            continue
        tp, fp, fn = tp + fs.tp, fp + fs.fp, fn + fs.fn
    return tp, fp, fn


def _role_aggregates(
    scores: Sequence[ArticleScore], *, resamples: int, seed: int, confidence: float
) -> dict[str, FieldAggregate]:
    """Micro P/R/F1 of each event role over the role-annotated articles (a failed article's
    gold fillers are all missed), with bootstrap intervals over those articles."""
    annotated = [s for s in scores if s.roles]
    if not annotated:
        return {}
    out = {}
    for role in EVENT_ROLES:
        tp, fp, fn = _role_counts(annotated, role)
        p, r, f = prf(tp, fp, fn)

        def stat(sample: Sequence[ArticleScore], role: str = role) -> float:
            return prf(*_role_counts(sample, role))[2]

        ci = bootstrap_ci(annotated, stat, resamples=resamples, seed=seed, confidence=confidence)
        per_article = sum(s.roles[role].f1 for s in annotated) / len(annotated)
        out[role] = FieldAggregate(tp, fp, fn, p, r, f, ci, per_article)
    return out


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
    a = [p[0] for p in pairs]
    b = [p[1] for p in pairs]
    for metric, stat in metrics.items():
        point = stat(b) - stat(a) if n else math.nan
        if n:
            values = [stat([b[i] for i in idx]) - stat([a[i] for i in idx]) for idx in _resamples(n, resamples, seed)]
            ci = _interval(values, confidence)
        else:
            ci = (math.nan, math.nan)
        out[metric] = Difference(metric, baseline_model, model, n, point, ci)
    return out
