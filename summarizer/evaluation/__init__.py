"""Evaluation: gold datasets, matching predictions to gold, scoring, bootstrap statistics,
running models over a dataset, storing the results and the HTML report.

  _dataset        the gold format and `load_dataset`
  _matching       matching predicted items to gold items; precision, recall, F1
  _article_score  one article's scores; _scoring scores a document against its gold
  _statistics     sums over articles, bootstrap intervals, paired differences
  _runner         `run_eval`: every model over every article, and the result types
from summarizer.evaluation._store import result_to_json, run_to_json, save_predictions, write_json
"""

from summarizer.evaluation._article_score import FIELDS, ArticleScore
from summarizer.evaluation._dataset import Dataset, load_dataset
from summarizer.evaluation._matching import max_weight_matching, prf
from summarizer.evaluation._outcomes import ItemOutcome, item_outcomes
from summarizer.evaluation._report import render_report, write_report
from summarizer.evaluation._runner import (
    ArticleResult,
    EvalResult,
    ModelRun,
    StoredModel,
    StoredOutcome,
    rebuild_result,
    run_eval,
    with_record,
)
from summarizer.evaluation._scoring import item_label, score_article, span_is_exact
from summarizer.evaluation._statistics import Difference, RunAggregate, aggregate, bootstrap_ci, paired_differences
from summarizer.evaluation._store import Guard, result_to_json, run_to_json, save_predictions, write_json

__all__ = [
    "Guard",
    "FIELDS",
    "ArticleResult",
    "ArticleScore",
    "Dataset",
    "Difference",
    "EvalResult",
    "ItemOutcome",
    "ModelRun",
    "RunAggregate",
    "aggregate",
    "bootstrap_ci",
    "item_label",
    "item_outcomes",
    "load_dataset",
    "max_weight_matching",
    "paired_differences",
    "prf",
    "StoredModel",
    "StoredOutcome",
    "rebuild_result",
    "render_report",
    "result_to_json",
    "run_eval",
    "run_to_json",
    "score_article",
    "span_is_exact",
    "save_predictions",
    "with_record",
    "write_json",
    "write_report",
]
