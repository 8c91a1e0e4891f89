"""The `summarizer` command line: a thin typer layer over the library.

Commands parse options, call library functions, and turn SummarizerError into a one-line
message and an exit code (see summarizer.errors). Heavy imports happen inside commands so
that `summarizer --help` stays fast.
"""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer

from .cli_common import exit_for, settings_of
from .errors import SummarizerError
from .settings import DEFAULT_MODEL, Settings

app = typer.Typer(
    name="summarizer",
    help="Source-grounded structured briefs (actors, events, locations, casualty figures) of news "
    "reporting on armed conflict, from any OpenAI-compatible LLM or an embedded local model.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def fail(exc: SummarizerError) -> NoReturn:
    raise exit_for(exc)


class Format(StrEnum):
    json = "json"
    markdown = "markdown"
    table = "table"


@app.callback()
def main_options(
    ctx: typer.Context,
    offline: Annotated[
        bool, typer.Option("--offline", help="Replay every model call from cassettes/; never touch the network.")
    ] = False,
    record: Annotated[
        bool, typer.Option("--record", help="Call the model for real and (re-)record the cassettes.")
    ] = False,
    base_url: Annotated[
        str | None,
        typer.Option(
            "--base-url",
            envvar="SUMMARIZER_BASE_URL",
            help="Any OpenAI-compatible server (vLLM, Ollama, llama.cpp ...).",
        ),
    ] = None,
    cassettes: Annotated[
        Path | None,
        typer.Option("--cassettes", envvar="SUMMARIZER_CASSETTES", help="Cassette directory (default ./cassettes)."),
    ] = None,
    prompt: Annotated[str | None, typer.Option("--prompt", help="Prompt version (a file in prompts/).")] = None,
    timeout: Annotated[float, typer.Option("--timeout", help="Seconds for one model call.")] = 600.0,
) -> None:
    if offline and record:
        fail(SummarizerError("--offline and --record exclude each other"))
    settings = Settings(offline=offline, record=record, base_url=base_url, cassette_dir=cassettes, timeout_s=timeout)
    if prompt:
        settings.prompt_version = prompt
    ctx.obj = settings


_settings = settings_of


def _read(source: str, max_chars: int, allow_private: bool) -> Any:
    from . import articles, fetch

    if source == "-":
        from .errors import InputError

        limit = max(articles.MAX_FILE_BYTES, max_chars * 4 + 1024)
        data = sys.stdin.buffer.read(limit + 1)
        if len(data) > limit:
            raise InputError(
                f"stdin: over {limit:,} bytes, over the limit of {max_chars:,} characters",
                hint="raise it with --max-chars",
            )
        return articles.read_stdin(data, max_chars=max_chars)
    if fetch.is_url(source):
        return fetch.fetch_url(source, allow_private=allow_private, max_chars=max_chars)
    return articles.read_file(source, max_chars=max_chars)


@app.command()
def summarize(
    ctx: typer.Context,
    source: Annotated[str, typer.Argument(help="Article: a file path, an http(s) URL, or - for stdin.")],
    model: Annotated[
        str, typer.Option("--model", "-m", help="provider/model, e.g. local/qwen2.5-coder-1.5b, openai/gpt-4o-mini.")
    ] = DEFAULT_MODEL,
    fmt: Annotated[
        Format, typer.Option("--format", "-f", help="json (the contract), markdown, or table.")
    ] = Format.json,
    out: Annotated[Path | None, typer.Option("--out", "-o", help="Write here instead of stdout.")] = None,
    published: Annotated[
        str | None, typer.Option("--published", help="Publication date YYYY-MM-DD (resolves 'on Tuesday').")
    ] = None,
    max_chars: Annotated[
        int, typer.Option("--max-chars", envvar="SUMMARIZER_MAX_CHARS", help="Refuse longer articles.")
    ] = 200_000,
    context_tokens: Annotated[
        int | None,
        typer.Option("--context-tokens", help="Override the model's context budget (longer articles are split)."),
    ] = None,
    allow_private: Annotated[
        bool, typer.Option("--allow-private", help="Allow URLs on loopback/private addresses.")
    ] = False,
) -> None:
    """Summarize one article into a source-grounded brief."""
    from . import render
    from .pipeline import summarize as run

    settings = _settings(ctx)
    settings.context_tokens = context_tokens
    settings.published = published
    try:
        article = _read(source, max_chars, allow_private)
        for warning in article.warnings:
            typer.echo(f"summarizer: warning: {warning}", err=True)
        doc = _with_spinner(lambda: run(article, model, settings), f"{model} reading {article.id}", settings.offline)
    except SummarizerError as exc:
        fail(exc)
    except KeyboardInterrupt:
        typer.echo("summarizer: interrupted", err=True)
        raise typer.Exit(130) from None
    if fmt is Format.table and out is None:
        from rich.console import Console

        render.print_tables(doc, Console())
        return
    text = render.to_json(doc) + "\n" if fmt is Format.json else render.to_markdown(doc)
    if fmt is Format.table:  # tables to a file: plain text rendering
        from io import StringIO

        from rich.console import Console

        buf = StringIO()
        render.print_tables(doc, Console(file=buf, width=120))
        text = buf.getvalue()
    if out is None:
        sys.stdout.write(text)
    else:
        try:
            out.write_text(text, encoding="utf-8")
        except OSError as exc:
            from .errors import InputError

            fail(InputError(f"{out}: cannot write the output: {exc.strerror or exc}"))
        typer.echo(f"summarizer: wrote {out}", err=True)


def _with_spinner(fn: Any, label: str, quiet: bool) -> Any:
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


def _register_optional() -> None:
    """Commands that live in their own CLI modules."""
    try:
        from .cli_local import models_app, serve
    except ImportError:  # pragma: no cover - during development only
        pass
    else:
        app.add_typer(models_app, name="models", help="List and install the embedded local models.")
        app.command("serve", help="Keep a local model server running for many runs.")(serve)
    try:
        from .cli_eval import eval_command
    except ImportError:  # pragma: no cover
        pass
    else:
        app.command("eval", help="Score models against a gold dataset; compare them side by side.")(eval_command)
    try:
        from .cli_batch import batch_command
    except ImportError:  # pragma: no cover
        pass
    else:
        app.command("batch", help="Summarize many articles into one JSONL file (resumable).")(batch_command)


_register_optional()


def main() -> None:
    import os

    try:
        app()
    except Exception as exc:  # a bug: still one line, unless asked for the traceback
        if os.environ.get("SUMMARIZER_DEBUG"):
            raise
        typer.echo(
            f"summarizer: internal error: {type(exc).__name__}: {exc} (set SUMMARIZER_DEBUG=1 for the traceback)",
            err=True,
        )
        sys.exit(70)
