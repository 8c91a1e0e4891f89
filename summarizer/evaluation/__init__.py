"""Evaluation: gold datasets, matching predictions to gold, scoring, bootstrap statistics,
running models over a dataset, storing the results and the HTML report."""

from summarizer.evaluation._article_score import FIELDS, ArticleScore
from summarizer.evaluation._matching import max_weight_matching, prf
from summarizer.evaluation._report import render_report, write_report
from summarizer.evaluation._runner import (
    ArticleResult,
    Dataset,
    EvalResult,
    ModelRun,
    append_run_log,
    load_dataset,
    previous_runs,
    run_eval,
    save_predictions,
    with_record,
    write_json,
)
from summarizer.evaluation._scoring import item_label, score_article, span_is_exact
from summarizer.evaluation._statistics import Difference, RunAggregate, aggregate, bootstrap_ci, paired_differences

__all__ = [
    "FIELDS",
    "ArticleResult",
    "ArticleScore",
    "Dataset",
    "Difference",
    "EvalResult",
    "ModelRun",
    "RunAggregate",
    "aggregate",
    "append_run_log",
    "bootstrap_ci",
    "item_label",
    "load_dataset",
    "max_weight_matching",
    "paired_differences",
    "prf",
    "previous_runs",
    "render_report",
    "run_eval",
    "score_article",
    "span_is_exact",
    "save_predictions",
    "with_record",
    "write_json",
    "write_report",
]
