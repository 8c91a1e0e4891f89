"""What every CLI module shares: turning a SummarizerError into one line and an exit code, and
the global settings the root command put in the typer context."""

from __future__ import annotations

import typer

from .errors import SummarizerError
from .settings import Settings


def exit_for(exc: SummarizerError) -> typer.Exit:
    """Print the error as one line on stderr; the Exit to raise carries its exit code."""
    typer.echo(f"summarizer: error: {exc.one_line()}", err=True)
    return typer.Exit(exc.exit_code)


def settings_of(ctx: typer.Context | None) -> Settings:
    """The Settings of the global options (--offline, --record, --base-url ...), or defaults."""
    obj = ctx.find_root().obj if ctx is not None else None
    return obj if isinstance(obj, Settings) else Settings()
