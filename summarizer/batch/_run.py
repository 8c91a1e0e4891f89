"""`run_batch`: many articles into one JSONL file, resuming what an earlier run did.

The output file holds one line per article: the summary document (``SummaryDocument``
dumped as JSON), or an error record::

    {"id", "error": {"type", "message", "exit_code"}, "model", "prompt_version", "article_sha256", "input"}

This module owns a batch's set-up and ending: the options checked, the inputs read
(`summarizer.inputs.collect_inputs`), the result log opened and the resume plan applied
(`_log`), the concurrency chosen, one model server for the whole batch, and what was really
spent. The articles themselves are run by `_runner`.

Scaling out: point ``--base-url`` at a server with parallel slots (llama.cpp's
``llama-server --parallel N``, vLLM) and set ``--concurrency N``; for a ``local/`` model
``--base-url`` names the server that runs it (otherwise one managed ``llama-server`` is started
for the whole batch, with ``config.local_slots()`` parallel slots, and the default concurrency
fills them; the old llama-cpp-python runtime has a single slot, so concurrency there only queues).
For large offline jobs with OpenAI, see `_openai` (the Batch API).
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator, Sequence
from dataclasses import replace
from pathlib import Path

from summarizer.batch._budget import Budget
from summarizer.batch._log import ResultLog, check_out, plan_resume
from summarizer.batch._report import (
    DEFAULT_CONCURRENCY,
    BatchOptions,
    BatchReport,
    Observer,
)
from summarizer.batch._runner import Runner
from summarizer.config import Settings, local_slots, run_log_path
from summarizer.errors import ConfigError, InputError
from summarizer.extraction import load as load_prompt
from summarizer.inputs import collect_inputs
from summarizer.models import ModelSpec, price_for, resolve

__all__ = ["run_batch"]


@contextlib.contextmanager
def _local_endpoint(spec: ModelSpec, settings: Settings) -> Iterator[Settings]:
    """For a local/ model run live: one server for the whole batch (the one at --base-url,
    a running `summarizer serve`, or one started now), not one per article."""
    if not spec.local or settings.offline or settings.local_base_url:
        yield settings
    elif settings.base_url:
        yield replace(settings, local_base_url=settings.base_url)
    else:
        from summarizer.local import local_server, server_slots

        with local_server(spec.name) as base_url:
            yield replace(settings, local_base_url=base_url, local_slots=server_slots(base_url))


def _check_options(options: BatchOptions, spec: ModelSpec) -> None:
    if options.max_cost is not None and price_for(spec) is None:
        raise ConfigError(
            f"--max-cost: no price is known for {spec.name}, so the budget cannot be enforced",
            hint="drop --max-cost, or use a model from the price table",
        )
    if options.concurrency is not None and options.concurrency < 1:
        raise InputError("--concurrency must be at least 1")
    if options.timeout_per_article is not None and options.timeout_per_article <= 0:
        raise InputError("--timeout-per-article must be positive")


def _concurrency(report: BatchReport, options: BatchOptions, spec: ModelSpec, settings: Settings) -> None:
    """1 under --offline/--record (cassettes are not thread-safe), else the option, else the
    slots of the managed local server (``config.local_slots``) and 4 otherwise."""
    serial = settings.offline or settings.record
    concurrency = options.concurrency or (
        local_slots() if spec.local and not settings.base_url else DEFAULT_CONCURRENCY
    )
    report.concurrency = 1 if serial else concurrency
    if serial and concurrency > 1:
        report.notes.append("--offline/--record: articles run one at a time (cassettes are not thread-safe)")


def run_batch(
    inputs: Sequence[str | Path],
    out: Path,
    options: BatchOptions,
    settings: Settings | None = None,
    *,
    observer: Observer | None = None,
) -> BatchReport:
    """Summarize every input article into `out` (JSONL), resuming what an earlier run did.

    Raises InputError (no inputs, unreadable JSONL line, out file busy) and ConfigError
    (unknown model, a budget that cannot be enforced) before anything is written; every
    other failure is an error record in the file and a Failure in the report.
    """
    started = time.monotonic()
    settings = settings or Settings()
    check_out(out, inputs, [run_log_path(settings.log_db)])
    spec = resolve(options.model, settings)
    prompt = load_prompt(settings.prompt_version)
    _check_options(options, spec)
    inputs_ = collect_inputs(inputs, max_chars=options.max_chars)
    report = BatchReport(out=out, model=spec.name, prompt_version=prompt.version, total=len(inputs_.items))
    report.notes.extend(inputs_.notes)
    report.cost_usd = None if price_for(spec) is None else 0.0
    _concurrency(report, options, spec, settings)
    cache_dir = None if settings.offline or settings.record else options.cache_dir
    price = price_for(spec)
    budget = Budget(options.max_cost, price) if options.max_cost is not None and price is not None else None
    log = ResultLog(out)
    lines = log.open()
    try:
        if log.repaired_bytes:
            report.notes.append(f"cut a torn last line ({log.repaired_bytes} bytes) from {out}")
        plan = plan_resume(inputs_.items, lines, spec.name, prompt.version)
        report.notes.extend(n.replace("{out}", str(out)) for n in plan.notes)
        if plan.rewrite:
            log.rewrite(plan.keep)
        report.skipped = plan.done
        report.retried = plan.retried
        report.to_do = len(plan.to_do)
        runner = Runner(spec, replace(options, cache_dir=cache_dir), settings, log, report, observer, budget)
        runner.notify(None)
        if plan.to_do:
            needs_model = any(i.article is not None for i in plan.to_do)
            with _local_endpoint(spec, settings) if needs_model else contextlib.nullcontext(settings) as live:
                # the articles in flight share the server's slots: each gets its share for its passes
                runner.settings = replace(live, local_slots=max(1, live.local_slots // report.concurrency))
                runner.run(plan.to_do)
    finally:
        log.close()
        report.elapsed_s = time.monotonic() - started
        if budget is not None:  # what was really spent, calls of unfinished articles included
            report.cost_usd = budget.spent
            if report.stopped is not None and report.stopped.startswith("budget"):
                report.stopped = f"budget: --max-cost {budget.max_cost:g} USD reached (spent {budget.spent:.4f} USD)"
    return report
