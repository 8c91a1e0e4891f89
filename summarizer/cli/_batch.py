"""`summarizer batch`: summarize many articles into one JSONL file, resumably.

The main CLI registers `batch_command`; global options (--offline, --record, --base-url,
--cassettes, --prompt, --timeout) reach it as a `Settings` in the root context's `obj`.
A rich progress bar goes to stderr when it is a terminal (otherwise one line per failure),
then a summary: articles ok/failed/skipped, tokens, cost, the failures.

Exit codes (summarizer.errors): 0 every article has a document; 1 some articles failed or
the --max-cost budget stopped the batch (all other results are kept); 2 bad input (no
inputs, an unreadable JSONL line, the out file busy); 3 a configuration or provider error
(unknown model, no price for --max-cost, the server kept failing); 130 interrupted.
Heavy imports happen when the command runs, so `summarizer --help` stays fast.
"""

from __future__ import annotations

import math
import sys
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from summarizer.cli._common import MODEL_HELP, fail, interrupted, settings_of
from summarizer.cli._record import start_recording
from summarizer.config import DEFAULT_MAX_CHARS, Settings, default_model
from summarizer.errors import EXIT_INTERRUPTED, EXIT_PARTIAL, InputError, SummarizerError

if TYPE_CHECKING:
    from summarizer.batch import BatchReport, Observer, Outcome
    from summarizer.runlog import Recorder


class OpenAIBatch(StrEnum):
    submit = "submit"
    status = "status"
    collect = "collect"


def batch_command(
    ctx: typer.Context,
    inputs: Annotated[
        list[str] | None,
        typer.Argument(
            help='Article files, directories (recursive: .txt .md .html) and JSONL files of {"id", "text"}.',
            show_default=False,
        ),
    ] = None,
    out: Annotated[
        Path,
        typer.Option(
            "--out",
            "-o",
            help="JSONL output: one document or error record per article; rerunning with the same file resumes.",
        ),
    ] = ...,  # type: ignore[assignment]
    model: Annotated[str | None, typer.Option("--model", "-m", help=MODEL_HELP, show_default=False)] = None,
    concurrency: Annotated[
        int | None,
        typer.Option(
            "--concurrency",
            "-j",
            min=1,
            metavar="N",
            help="Articles in flight at once (default 4; 1 for a managed local server).",
            show_default=False,
        ),
    ] = None,
    timeout_per_article: Annotated[
        float | None,
        typer.Option(
            "--timeout-per-article", help="Seconds before an article is given up (an error record).", show_default=False
        ),
    ] = None,
    no_cache: Annotated[bool, typer.Option("--no-cache", help="Do not read or write the response cache.")] = False,
    cache_dir: Annotated[
        Path | None,
        typer.Option(
            "--cache-dir",
            envvar="SUMMARIZER_RESPONSE_CACHE",
            help="Response cache directory (default <cache>/responses).",
            show_default=False,
        ),
    ] = None,
    max_cost: Annotated[
        float | None,
        typer.Option(
            "--max-cost", help="Budget in USD: no new article is started once it would be exceeded.", show_default=False
        ),
    ] = None,
    max_chars: Annotated[
        int, typer.Option("--max-chars", envvar="SUMMARIZER_MAX_CHARS", help="Longer articles become error records.")
    ] = DEFAULT_MAX_CHARS,
    openai_batch: Annotated[
        OpenAIBatch | None,
        typer.Option(
            "--openai-batch",
            metavar="STEP",
            help="OpenAI Batch API for large offline jobs (STEP: submit, status or collect): submit a round "
            "of requests, show its status, collect its answers (then submit the next round).",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Summarize many articles into one JSONL file (resumable, concurrent, cached)."""
    from summarizer import batch
    from summarizer.inputs import check_max_chars

    settings = settings_of(ctx)
    try:
        if str(out) == "-":
            raise InputError("--out -: a batch writes a file it can resume from, not stdout", hint="name a .jsonl file")
        check_max_chars(max_chars)
        if max_cost is not None and not (math.isfinite(max_cost) and max_cost >= 0):
            raise InputError(f"--max-cost must be a number of USD of 0 or more, not {max_cost:g}")
        if timeout_per_article is not None and not (math.isfinite(timeout_per_article) and timeout_per_article > 0):
            raise InputError(f"--timeout-per-article must be a positive number of seconds, not {timeout_per_article:g}")
    except SummarizerError as exc:
        fail(exc)
    cache = None if no_cache else (cache_dir or batch.default_cache_dir())
    options = batch.BatchOptions(
        model=model or default_model(),
        concurrency=concurrency,
        timeout_per_article=timeout_per_article,
        cache_dir=cache,
        max_cost=max_cost,
        max_chars=max_chars,
    )
    if openai_batch is not None:  # not recorded in the run log
        try:
            _openai_batch(openai_batch, inputs or [], out, options, settings)
        except SummarizerError as exc:
            fail(exc)
        except KeyboardInterrupt:
            interrupted()
        return
    recorder = start_recording(
        settings,
        "batch",
        [options.model],
        inputs=inputs or [],
        out=out,
        concurrency=concurrency,
        timeout_per_article=timeout_per_article,
        cache_dir=cache,
        max_cost=max_cost,
        max_chars=max_chars,
    )
    try:
        report = _run(inputs or [], out, options, settings, recorder)
    except SummarizerError as exc:
        recorder.finish(exc.exit_code)
        fail(exc)
    except KeyboardInterrupt:
        recorder.finish(EXIT_INTERRUPTED)
        interrupted()
    _print_summary(report)
    recorder.finish(report.exit_code)
    if report.exit_code:
        raise typer.Exit(report.exit_code)


def _recorded(recorder: Recorder, observer: Observer) -> Observer:
    """`observer`, after each finished article's line is recorded in the run log."""

    def observe(report: BatchReport, outcome: Outcome | None) -> None:
        record = outcome.record if outcome is not None else None
        if outcome is not None and record is not None:
            error = record.get("error")
            if isinstance(error, dict):
                recorder.add_document(
                    report.model,
                    outcome.id,
                    error_type=error.get("type"),
                    error=error.get("message"),
                    exit_code=error.get("exit_code"),
                    article_sha256=record.get("article_sha256"),
                )
            else:
                recorder.add_document(report.model, outcome.id, document=record)
        observer(report, outcome)

    return observe


def _run(inputs: list[str], out: Path, options: Any, settings: Settings, recorder: Recorder) -> BatchReport:
    from summarizer import batch

    if not sys.stderr.isatty():

        def log_failures(report: BatchReport, outcome: Outcome | None) -> None:
            if outcome is not None and not outcome.ok:
                typer.echo(f"summarizer: {outcome.id}: {outcome.error_type}: {outcome.message}", err=True)

        return batch.run_batch(inputs, out, options, settings, observer=_recorded(recorder, log_failures))

    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    console = Console(stderr=True)
    progress = Progress(
        TextColumn("{task.description}", markup=False),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("[green]{task.fields[ok]} ok[/] [red]{task.fields[failed]} failed[/] {task.fields[tokens]:,} tok"),
        TimeElapsedColumn(),
        TextColumn("ETA"),
        TimeRemainingColumn(),
        console=console,
        transient=False,
    )
    task: list[Any] = []

    def update(report: BatchReport, outcome: Outcome | None) -> None:
        if not task:
            task.append(progress.add_task(f"{report.model}", total=report.to_do, ok=0, failed=0, tokens=0))
        if outcome is not None and not outcome.ok:
            from rich.markup import escape

            progress.console.print(
                f"[red]failed[/] {escape(f'{outcome.id}: {outcome.error_type}: {outcome.message}')}",
                markup=True,
                highlight=False,
            )
        progress.update(
            task[0], completed=report.ok + report.failed, ok=report.ok, failed=report.failed, tokens=report.tokens
        )

    with progress:
        return batch.run_batch(inputs, out, options, settings, observer=_recorded(recorder, update))


def _print_summary(report: BatchReport) -> None:
    echo = lambda text: typer.echo(text, err=True)  # noqa: E731
    for note in report.notes:
        echo(f"summarizer: note: {note}")
    cost = "unknown (no price for this model)" if report.cost_usd is None else f"{report.cost_usd:.4f} USD"
    head = (
        f"summarizer: batch {report.model} -> {report.out}: {report.ok} ok, {report.failed} failed, "
        f"{report.skipped} skipped (done before)"
    )
    if report.not_started:
        head += f", {report.not_started} not started"
    echo(head + f" of {report.total} in {report.elapsed_s:.1f} s (concurrency {report.concurrency})")
    echo(
        f"  tokens: {report.tokens:,} (prompt {report.prompt_tokens:,}, completion {report.completion_tokens:,}); "
        f"from cache/cassettes: {report.cached_tokens:,} ({report.cache_hits} cached answers); cost {cost}"
    )
    if report.retried:
        echo(f"  retried {report.retried} article(s) that had failed before")
    if report.stopped:
        echo(f"  {report.stopped}; rerun the same command to continue")
    if report.failures:
        echo("  failures:")
        for f in report.failures:
            echo(f"    {f.id}: {f.type} (exit {f.exit_code}): {f.message}")


def _openai_batch(mode: OpenAIBatch, inputs: list[str], out: Path, options: Any, settings: Settings) -> None:
    from summarizer import batch

    if mode is OpenAIBatch.submit:
        sub = batch.openai_batch_submit(inputs, out, options, settings)
        for note in sub.notes:
            typer.echo(f"summarizer: note: {note}", err=True)
        if sub.batch_id is None:
            typer.echo(
                f"summarizer: nothing to submit: {sub.complete} article(s) can be collected, {sub.skipped} done before",
                err=True,
            )
        else:
            typer.echo(
                f"summarizer: submitted batch {sub.batch_id}: {sub.requests} request(s) for "
                f"{sub.articles} article(s) (round {sub.round}); state in {sub.state}",
                err=True,
            )
        return
    if mode is OpenAIBatch.status:
        st = batch.openai_batch_status(out, options, settings)
        typer.echo(f"{st['id']}: {st['status']} ({st['completed']}/{st['total']} done, {st['failed']} failed)")
        return
    col = batch.openai_batch_collect(out, options, settings)
    for note in col.notes:
        typer.echo(f"summarizer: note: {note}", err=True)
    typer.echo(
        f"summarizer: collected {col.answers} answer(s) ({col.errors} failed request(s)); "
        f"{col.ok} document(s) and {col.failed} error record(s) written to {out}; "
        f"{col.pending} article(s) need another round"
        + (": run `summarizer batch --openai-batch submit` again" if col.pending else ""),
        err=True,
    )
    if col.failed:
        raise typer.Exit(EXIT_PARTIAL)
