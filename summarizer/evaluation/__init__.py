"""Evaluation: gold datasets, matching predictions to gold, scoring, bootstrap statistics,
running models over a dataset, storing the results and the HTML report."""

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
from summarizer.evaluation._scoring import FIELDS

__all__ = [
    "FIELDS",
    "ArticleResult",
    "Dataset",
    "EvalResult",
    "ModelRun",
    "append_run_log",
    "load_dataset",
    "previous_runs",
    "render_report",
    "run_eval",
    "save_predictions",
    "with_record",
    "write_json",
    "write_report",
]
