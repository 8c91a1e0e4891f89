"""Batch summarization: many articles into one JSONL file, concurrently, resumably, cached;
and the OpenAI Batch API for large offline jobs.

  _log     the result log (append, fsync, lock, repair) and the resume plan
  _cache   the response cache (also of live summarize and eval: `LiveCache`) and the per-article
           transport (tokens, deadline, budget, capture)
  _budget  --max-cost across threads: each model call reserves its estimated cost first
  _report  the options and the report: counts, tokens, cost, failures, the exit code
  _run     run_batch: options checked, inputs read, the resume plan, one server for the batch
  _runner  the runner: worker threads, budget (--max-cost), per-article timeouts
  _openai  the OpenAI Batch API: submit, status, collect

Inputs (files, folders, JSONL feeds) are read by `summarizer.inputs.collect_inputs`.
"""

from summarizer.batch._budget import Budget
from summarizer.batch._cache import BatchTransport, LiveCache, ResponseCache, default_cache_dir, request_key
from summarizer.batch._log import ResultLog, check_out, error_record, record_key
from summarizer.batch._openai import (
    CollectResult,
    SubmitResult,
    openai_batch_collect,
    openai_batch_status,
    openai_batch_submit,
)
from summarizer.batch._report import BatchOptions, BatchReport, Failure, Observer, Outcome
from summarizer.batch._run import run_batch
from summarizer.batch._runner import estimate_cost
from summarizer.inputs import ARTICLE_SUFFIXES, BatchItem, collect_inputs

__all__ = [
    "ARTICLE_SUFFIXES",
    "BatchItem",
    "BatchOptions",
    "BatchReport",
    "BatchTransport",
    "Budget",
    "CollectResult",
    "Failure",
    "LiveCache",
    "Observer",
    "Outcome",
    "ResponseCache",
    "ResultLog",
    "SubmitResult",
    "check_out",
    "collect_inputs",
    "default_cache_dir",
    "error_record",
    "estimate_cost",
    "openai_batch_collect",
    "openai_batch_status",
    "openai_batch_submit",
    "record_key",
    "request_key",
    "run_batch",
]
