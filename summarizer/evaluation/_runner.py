"""Running an evaluation: every model over every article of a gold dataset, scored.

- `run_eval(dataset, models, settings)` summarizes every article with every model through
  `summarize` (the pipeline), scores each document with `scoring.score_article`, and sums the
  scores per model with bootstrap intervals; with two or more models it adds the paired
  differences of every model against the first. An article that fails is recorded as a
  failure and the run goes on.
- `rebuild_result(dataset, outcomes, ...)` makes the same result again from stored documents
  (the run log's), scored the same way, for `summarizer report RUN`.
- The result types (`ArticleResult`, `ModelRun`, `Comparison`, `EvalResult`) live here; the
  dataset is read by `_dataset`, the results are kept by `_store`.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any

from summarizer import models as providers
from summarizer.config import Settings
from summarizer.errors import ConfigError, ExtractionError, InternalError, SummarizerError
from summarizer.evaluation._dataset import Dataset, record_article
from summarizer.evaluation._scoring import (
    DEFAULT_RESAMPLES,
    DEFAULT_SEED,
    FIELDS,
    ArticleScore,
    Difference,
    RunAggregate,
    aggregate,
    paired_differences,
    score_article,
)
from summarizer.extraction import check_model, schema_hash, summarize
from summarizer.inputs import Article

__all__ = [
    "ArticleResult",
    "Comparison",
    "EvalResult",
    "ModelRun",
    "Progress",
    "StoredModel",
    "StoredOutcome",
    "rebuild_result",
    "run_eval",
    "split_aggregates",
    "with_record",
]


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
    price_per_mtok: tuple[float, float] | None = None  # USD per million tokens in / out, when known
    # the same figures per split of the dataset (records' `split`: dev, validation), when it has splits
    splits: dict[str, RunAggregate] = field(default_factory=dict)

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
    run_id: str | None = None,
    started: str | None = None,
) -> EvalResult:
    """Summarize and score every article of `dataset` with every model (`run_id`: the run's
    id, else a new one; `started`: when the run started as the run log has it, else now).

    Every model is checked first (`extraction.check_model`: it resolves, its key is present,
    its weights are installed or its server answers; offline, every article is recorded), so a
    model that cannot run raises before anything runs. After that nothing stops the run: an article
    that fails is scored as a failure (all its gold missed) and the next one is tried. When a
    model fails with a configuration error mid-run (weights not installed, say), its remaining
    articles are marked failed with the same error instead of being tried again. An
    unexpected exception (a bug) is recorded as an `InternalError` failure, not raised.
    """
    settings = settings or Settings()
    models = list(dict.fromkeys(models))  # the same model twice would only be run twice
    if not models:
        raise ConfigError("no model to evaluate")
    articles = [record_article(record) for record in dataset.records]
    for model in models:  # before the first article: every model can run (else one line, nothing scored)
        check_model(model, settings, articles)
    started = started or datetime.now(UTC).isoformat(timespec="seconds")
    runs = [_run_model(dataset, model, settings, resamples=resamples, seed=seed, progress=progress) for model in models]
    return EvalResult(
        dataset=dataset,
        runs=runs,
        comparisons=_compare(runs, resamples=resamples, seed=seed),
        run_id=run_id or uuid.uuid4().hex[:12],
        started=started,
        offline=settings.offline,
        resamples=resamples,
        seed=seed,
        records={r["id"]: r for r in dataset.records},
    )


def _run_model(
    dataset: Dataset,
    model: str,
    settings: Settings,
    *,
    resamples: int,
    seed: int,
    progress: Progress | None,
) -> ModelRun:
    """One model over every article; after a ConfigError the remaining articles fail with it."""
    results: list[ArticleResult] = []
    prompt_version = settings.prompt_version
    doc_hash = schema_hash()
    fatal: SummarizerError | None = None
    for record in dataset.records:
        article = record_article(record)
        t0 = time.perf_counter()
        document, error = _summarize(article, model, settings, fatal)
        if isinstance(error, ConfigError):
            fatal = error
        result = _scored(record, model, document, *_error_fields(error), wall=time.perf_counter() - t0)
        if document is not None:
            prov = document.get("provenance") or {}
            prompt_version = str(prov.get("prompt_version") or prompt_version)
            doc_hash = str(prov.get("schema_hash") or doc_hash)
        results.append(result)
        if progress is not None:
            progress(model, article.id, result)
    price = _price(model, settings)
    agg = aggregate([r.score for r in results], model=model, resamples=resamples, seed=seed, price_per_mtok=price)
    splits = split_aggregates(dataset, results, model=model, resamples=resamples, seed=seed, price_per_mtok=price)
    return ModelRun(model, prompt_version, doc_hash, results, agg, price, splits)


def split_aggregates(
    dataset: Dataset,
    results: Sequence[ArticleResult],
    *,
    model: str,
    resamples: int,
    seed: int,
    price_per_mtok: tuple[float, float] | None = None,
) -> dict[str, RunAggregate]:
    """A model's figures on each split of the dataset (the records' `split` field, in order of
    first appearance); empty when no record has a split."""
    split_of = {r["id"]: r.get("split") for r in dataset.records if isinstance(r.get("split"), str)}
    groups: dict[str, list[ArticleScore]] = {}
    for result in results:
        name = split_of.get(result.article_id)
        if name:
            groups.setdefault(name, []).append(result.score)
    return {
        name: aggregate(scores, model=model, resamples=resamples, seed=seed, price_per_mtok=price_per_mtok)
        for name, scores in groups.items()
    }


def _summarize(
    article: Article, model: str, settings: Settings, fatal: SummarizerError | None
) -> tuple[dict[str, Any] | None, SummarizerError | None]:
    """The document, or the error (`fatal` without trying, when the model is misconfigured)."""
    if fatal is not None:
        return None, fatal
    try:
        return summarize(article, model, settings).model_dump(mode="json"), None
    except SummarizerError as exc:
        return None, exc
    except Exception as exc:  # a bug must not lose the other articles' results
        return None, InternalError.from_exception(exc)


def _error_fields(error: SummarizerError | None) -> tuple[str | None, str | None, int | None]:
    """(type, one-line message with secrets scrubbed, exit code) of an article's error."""
    if error is None:
        return None, None, None
    return type(error).__name__, providers.scrub_secrets(error.one_line()), error.exit_code


def _scored(
    record: dict[str, Any],
    model: str,
    document: dict[str, Any] | None,
    error_type: str | None,
    error: str | None,
    exit_code: int | None,
    *,
    wall: float,
) -> ArticleResult:
    """The article's result: its document scored, or a failure with all its gold missed."""
    if document is not None:
        score = score_article(document, record, model=model)
        return ArticleResult(record["id"], document, score, None, wall)
    score = score_article(None, record, model=model, error=error or "failed", error_type=error_type or "Error")
    score.latency_s = wall
    return ArticleResult(record["id"], None, score, exit_code, wall)


@dataclass(frozen=True)
class StoredOutcome:
    """One model's stored outcome on one article (from the run log): the document, or the
    error it failed with; `wall_s` the seconds it took."""

    article_id: str
    document: dict[str, Any] | None
    error_type: str | None = None
    error: str | None = None
    exit_code: int | None = None
    wall_s: float = 0.0


@dataclass(frozen=True)
class StoredModel:
    """One model of a stored run: its outcomes, prompt version, schema hash and price."""

    model: str
    outcomes: Sequence[StoredOutcome]
    prompt_version: str
    schema_hash: str
    price_per_mtok: tuple[float, float] | None = None


def rebuild_result(
    dataset: Dataset,
    models: Sequence[StoredModel],
    *,
    run_id: str,
    started: str,
    offline: bool,
    resamples: int = DEFAULT_RESAMPLES,
    seed: int = DEFAULT_SEED,
) -> EvalResult:
    """The EvalResult of a stored run, scored again exactly as `run_eval` scored it (same
    scorer, bootstrap resamples and seed). An article with no stored outcome (the run was
    interrupted) counts as a failure."""
    runs = []
    for stored in models:
        by_id: Mapping[str, StoredOutcome] = {o.article_id: o for o in stored.outcomes}
        results = []
        for record in dataset.records:
            o = by_id.get(record["id"]) or StoredOutcome(record["id"], None, "NotRecorded", "not in the run log")
            results.append(_scored(record, stored.model, o.document, o.error_type, o.error, o.exit_code, wall=o.wall_s))
        agg = aggregate(
            [r.score for r in results],
            model=stored.model,
            resamples=resamples,
            seed=seed,
            price_per_mtok=stored.price_per_mtok,
        )
        splits = split_aggregates(
            dataset, results, model=stored.model, resamples=resamples, seed=seed, price_per_mtok=stored.price_per_mtok
        )
        runs.append(
            ModelRun(
                stored.model, stored.prompt_version, stored.schema_hash, results, agg, stored.price_per_mtok, splits
            )
        )
    return EvalResult(
        dataset=dataset,
        runs=runs,
        comparisons=_compare(runs, resamples=resamples, seed=seed),
        run_id=run_id,
        started=started,
        offline=offline,
        resamples=resamples,
        seed=seed,
        records={r["id"]: r for r in dataset.records},
    )


def _compare(runs: list[ModelRun], *, resamples: int, seed: int) -> list[Comparison]:
    """Every model after the first against the first, paired over the same articles."""
    if len(runs) < 2:
        return []
    base = runs[0]
    return [
        Comparison(
            base.model,
            other.model,
            paired_differences(
                base.scores,
                other.scores,
                baseline_model=base.model,
                model=other.model,
                resamples=resamples,
                seed=seed,
            ),
        )
        for other in runs[1:]
    ]


def with_record(settings: Settings | None, record: bool) -> Settings:
    """The run's settings, with --record applied."""
    base = settings or Settings()
    return replace(base, record=True) if record else base
