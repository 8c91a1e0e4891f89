"""Evaluation: gold datasets, matching predictions to gold, scoring, bootstrap statistics,
running models over a dataset, storing the results and the HTML report.

  _dataset        the gold format and `load_dataset`
  _matching       matching predicted items to gold items; precision, recall, F1
  _article_score  one article's scores; _scoring scores a document against its gold
  _statistics     sums over articles, bootstrap intervals, paired differences
  _runner         `run_eval`: every model over every article, and the result types
  _muc4           MUC-4: its data, GRIT's predictions, our roles as role fillers, CEAF-REE, `run_muc4`
from summarizer.evaluation._store import result_to_json, run_to_json, save_predictions, write_json
"""

from summarizer.evaluation._article_score import FIELDS, ArticleScore
from summarizer.evaluation._dataset import Dataset, load_dataset, pick, select
from summarizer.evaluation._matching import max_weight_matching, prf
from summarizer.evaluation._muc4 import (
    MUC4_ROLES,
    DocumentFailure,
    Muc4Document,
    Muc4Run,
    Muc4Score,
    RoleScore,
    document_to_muc4,
    grit_docid,
    is_muc4,
    load_muc4,
    muc4_file,
    read_grit_predictions,
    run_muc4,
    score_muc4,
    to_grit_predictions,
)
from summarizer.evaluation._outcomes import ItemOutcome, item_outcomes, outcome_lines
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
    "DocumentFailure",
    "EvalResult",
    "ItemOutcome",
    "ModelRun",
    "MUC4_ROLES",
    "Muc4Document",
    "Muc4Run",
    "Muc4Score",
    "RoleScore",
    "RunAggregate",
    "aggregate",
    "bootstrap_ci",
    "document_to_muc4",
    "grit_docid",
    "is_muc4",
    "item_label",
    "item_outcomes",
    "outcome_lines",
    "load_dataset",
    "pick",
    "select",
    "load_muc4",
    "muc4_file",
    "max_weight_matching",
    "paired_differences",
    "prf",
    "StoredModel",
    "StoredOutcome",
    "read_grit_predictions",
    "rebuild_result",
    "render_report",
    "result_to_json",
    "run_eval",
    "run_muc4",
    "run_to_json",
    "score_article",
    "score_muc4",
    "span_is_exact",
    "to_grit_predictions",
    "save_predictions",
    "with_record",
    "write_json",
    "write_report",
]
