"""What every CLI module shares: the ONE helper that turns a SummarizerError into one line on
stderr and its exit code (`fail`), Ctrl-C (`interrupted`), and the global settings the root
command put in the typer context (`settings_of`). Exit codes come from `summarizer.errors`."""

from __future__ import annotations

from pathlib import Path
from typing import NoReturn

import typer

from summarizer.config import DEFAULT_MODEL, Settings
from summarizer.errors import EXIT_INTERRUPTED, SummarizerError

MODEL_HELP = (
    "provider/model, e.g. local/qwen2.5-coder-1.5b, openai/gpt-4o-mini (default: $SUMMARIZER_MODEL, "
    f"else the config file's model, else {DEFAULT_MODEL})."
)


def fail(exc: SummarizerError) -> NoReturn:
    """Print the error as one line on stderr (anything key-like redacted) and exit with its
    exit code."""
    from summarizer.models import scrub_secrets

    typer.echo(f"summarizer: error: {scrub_secrets(exc.one_line())}", err=True)
    raise typer.Exit(exc.exit_code) from None


def interrupted(message: str = "summarizer: interrupted") -> NoReturn:
    """Ctrl-C: one line on stderr, exit 130."""
    typer.echo(message, err=True)
    raise typer.Exit(EXIT_INTERRUPTED) from None


def run_log_of(settings: Settings) -> Path:
    """The run log this command records in (or would): protected from every --out."""
    from summarizer.config import run_log_path

    return run_log_path(settings.log_db)


def settings_of(ctx: typer.Context | None) -> Settings:
    """The Settings of the global options (--offline, --record, --base-url ...), or defaults."""
    obj = ctx.find_root().obj if ctx is not None else None
    return obj if isinstance(obj, Settings) else Settings()
