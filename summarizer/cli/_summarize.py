"""`summarizer summarize`: one article (file, URL or stdin) into a brief: JSON, Markdown or tables."""

from __future__ import annotations

import sys
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, TypeVar

import typer

from summarizer.cli._cache import NO_CACHE_HELP, live_cache, report_hits
from summarizer.cli._common import MODEL_HELP, fail, interrupted, run_log_of, settings_of
from summarizer.cli._record import start_recording
from summarizer.config import DEFAULT_MAX_CHARS, Settings, default_model
from summarizer.errors import (
    EXIT_INTERNAL,
    EXIT_INTERRUPTED,
    EXIT_OK,
    CassetteMissError,
    ExtractionError,
    SummarizerError,
)
from summarizer.files import check_target, write_file

if TYPE_CHECKING:
    from summarizer.contract import SummaryDocument
    from summarizer.inputs import Article

T = TypeVar("T")


class Format(StrEnum):
    json = "json"
    markdown = "markdown"
    md = "md"  # = markdown
    table = "table"


def summarize(
    ctx: typer.Context,
    source: Annotated[str, typer.Argument(help="Article: a file path, an http(s) URL, or - for stdin.")],
    model: Annotated[str | None, typer.Option("--model", "-m", help=MODEL_HELP, show_default=False)] = None,
    fmt: Annotated[
        Format,
        typer.Option("--format", "-f", metavar="FORMAT", help="json (the contract), markdown (or md), or table."),
    ] = Format.json,
    out: Annotated[Path | None, typer.Option("--out", "-o", help="Write here instead of stdout (- is stdout).")] = None,
    published: Annotated[
        str | None, typer.Option("--published", help="Publication date YYYY-MM-DD (resolves 'on Tuesday').")
    ] = None,
    max_chars: Annotated[
        int, typer.Option("--max-chars", envvar="SUMMARIZER_MAX_CHARS", help="Refuse longer articles.")
    ] = DEFAULT_MAX_CHARS,
    context_tokens: Annotated[
        int | None,
        typer.Option("--context-tokens", help="Override the model's context budget (longer articles are split)."),
    ] = None,
    allow_private: Annotated[
        bool, typer.Option("--allow-private", help="Allow URLs on loopback/private addresses.")
    ] = False,
    no_cache: Annotated[bool, typer.Option("--no-cache", help=NO_CACHE_HELP)] = False,
) -> None:
    """Summarize one article into a source-grounded brief."""
    from summarizer.extraction import summarize as run
    from summarizer.inputs import check_date, check_max_chars, read_article

    settings = settings_of(ctx)
    model = model or default_model()
    settings.context_tokens = context_tokens
    if out is not None and str(out) == "-":
        out = None
    recorder = start_recording(
        settings,
        "summarize",
        [model],
        source=_source_label(source),
        format=fmt.value,
        out=out,
        max_chars=max_chars,
        allow_private=allow_private,
    )
    article: Article | None = None
    inputs = [source] if source != "-" and not source.startswith(("http://", "https://")) else []
    try:
        if out is not None:  # before any work: a target that cannot be written is refused now
            check_target(out, inputs=inputs, protected=[run_log_of(settings)])
        check_max_chars(max_chars)
        if published is not None:  # it reaches the prompt and the cassette's file name
            settings.published = check_date(published, "--published")
        article = read = read_article(
            source, max_chars=max_chars, allow_private=allow_private, offline=settings.offline
        )
        for warning in read.warnings:
            typer.echo(f"summarizer: warning: {warning}", err=True)
        cache = live_cache(settings, no_cache)
        try:
            doc = _with_spinner(lambda: run(read, model, settings), f"{model} reading {read.id}", settings.offline)
        except ExtractionError:
            if cache is not None:
                cache.evict_last()  # answers that made no valid document: a rerun asks again
            raise
        except CassetteMissError as exc:
            hint = _recorded_elsewhere(read, model, settings)
            if hint is None:
                raise
            raise CassetteMissError(exc.message, hint=hint) from exc
        report_hits(cache)
    except SummarizerError as exc:
        if article is not None:
            recorder.add_document(
                model,
                article.id,
                error_type=type(exc).__name__,
                error=exc.one_line(),
                exit_code=exc.exit_code,
                article_sha256=article.sha256,
            )
        recorder.finish(exc.exit_code)
        fail(exc)
    except KeyboardInterrupt:
        recorder.finish(EXIT_INTERRUPTED)
        interrupted()
    except Exception:  # a bug: main() makes it one line; the run log keeps its exit code
        recorder.finish(EXIT_INTERNAL)
        raise
    assert article is not None
    recorder.add_document(model, article.id, document=doc.model_dump(mode="json"))
    try:
        _write(doc, fmt, out, inputs, run_log_of(settings))
    except SummarizerError as exc:
        recorder.finish(exc.exit_code)
        fail(exc)
    recorder.finish(EXIT_OK)


def _recorded_elsewhere(article: Article, model: str, settings: Settings) -> str | None:
    """A replay that found no cassette under the article's date, when the same article is
    recorded under another one: the hint names the --published that replays it."""
    from summarizer.extraction import load
    from summarizer.models import cassette_miss_hint, resolve

    published = article.published or settings.published
    spec, prompt = resolve(model, settings), load(settings.prompt_version)
    return cassette_miss_hint(settings.cassettes(), spec.name, prompt.version, article.sha256, published)


def _source_label(source: str) -> str:
    """The article's source as the run log keeps it: a URL without its secrets."""
    if source.startswith(("http://", "https://")):
        from summarizer.models import redact_url

        return redact_url(source)
    return source


def _write(doc: SummaryDocument, fmt: Format, out: Path | None, inputs: list[str], run_log: Path) -> None:
    """The document on stdout or in --out (the guarded writer: never an input or the run log;
    atomic), in --format."""
    from summarizer import render

    if fmt is Format.table and out is None:
        from rich.console import Console

        render.print_tables(doc, Console())
        return
    text = render.to_json(doc) + "\n" if fmt is Format.json else render.to_markdown(doc)  # markdown, md
    if fmt is Format.table:  # tables to a file: plain text rendering
        text = render.tables_text(doc)
    if out is None:
        sys.stdout.write(text)
        return
    write_file(out, text, inputs=inputs, protected=[run_log], failure="cannot write the output")
    typer.echo(f"summarizer: wrote {out}", err=True)


def _with_spinner(fn: Callable[[], T], label: str, quiet: bool) -> T:
    if quiet or not sys.stderr.isatty():
        return fn()
    from rich.console import Console
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    with Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        TimeElapsedColumn(),
        console=Console(stderr=True),
        transient=True,
    ) as progress:
        progress.add_task(label, total=None)
        return fn()
