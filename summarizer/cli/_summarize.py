"""`summarizer summarize`: one article (file, URL or stdin) into a brief: JSON, Markdown or tables."""

from __future__ import annotations

import sys
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import Annotated, TypeVar

import typer

from summarizer.cli._cache import NO_CACHE_HELP, live_cache, report_hits
from summarizer.cli._common import MODEL_HELP, fail, interrupted, settings_of
from summarizer.config import DEFAULT_MAX_CHARS, default_model
from summarizer.errors import ExtractionError, InputError, SummarizerError

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
        Format, typer.Option("--format", "-f", help="json (the contract), markdown (or md), or table.")
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
    from summarizer import render
    from summarizer.extraction import summarize as run
    from summarizer.inputs import check_date, check_max_chars, read_article

    settings = settings_of(ctx)
    model = model or default_model()
    settings.context_tokens = context_tokens
    if out is not None and str(out) == "-":
        out = None
    try:
        check_max_chars(max_chars)
        if published is not None:  # it reaches the prompt and the cassette's file name
            settings.published = check_date(published, "--published")
        article = read_article(source, max_chars=max_chars, allow_private=allow_private)
        for warning in article.warnings:
            typer.echo(f"summarizer: warning: {warning}", err=True)
        cache = live_cache(settings, no_cache)
        try:
            doc = _with_spinner(
                lambda: run(article, model, settings), f"{model} reading {article.id}", settings.offline
            )
        except ExtractionError:
            if cache is not None:
                cache.evict_last()  # answers that made no valid document: a rerun asks again
            raise
        report_hits(cache)
    except SummarizerError as exc:
        fail(exc)
    except KeyboardInterrupt:
        interrupted()
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
    try:
        out.write_text(text, encoding="utf-8")
    except OSError as exc:
        fail(InputError(f"{out}: cannot write the output: {exc.strerror or exc}"))
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
