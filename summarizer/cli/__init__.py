"""The `summarizer` command line: the only typer code of the package, a thin layer over the library.

Commands parse options, call library functions, and turn a SummarizerError into a one-line
message and its exit code (`_common.fail`; the codes are defined in `summarizer.errors`).
Heavy imports happen inside commands so that `summarizer --help` stays fast
(bench/cli_startup.py). One module per command group:

  _summarize  summarize          _batch  batch          _eval  eval
  _local      models list|pull, serve                   _common  the shared helpers
  _runs       runs list|show|diff, report               _export  export
  _record     recording a run in the run log (summarizer.runlog)
"""

from __future__ import annotations

import math
import sys
from pathlib import Path
from typing import Annotated

import typer

from summarizer.cli._batch import batch_command
from summarizer.cli._common import fail
from summarizer.cli._eval import eval_command
from summarizer.cli._export import export_command
from summarizer.cli._local import models_app, serve
from summarizer.cli._runs import report_command, runs_app
from summarizer.cli._summarize import Format, summarize
from summarizer.config import DEFAULT_MODEL, Settings, debug
from summarizer.errors import EXIT_INTERNAL, EXIT_INTERRUPTED, InputError

__all__ = ["DEFAULT_MODEL", "Format", "app", "main"]

app = typer.Typer(
    name="summarizer",
    help="Source-grounded structured briefs (actors, events, locations, casualty figures) of news "
    "reporting on armed conflict, from any OpenAI-compatible LLM or an embedded local model.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


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
    log_db: Annotated[
        Path | None,
        typer.Option(
            "--log-db",
            metavar="FILE",
            help="The run log database (default $SUMMARIZER_LOG_DB, else runs.sqlite in the user data folder).",
        ),
    ] = None,
    no_log: Annotated[bool, typer.Option("--no-log", help="Do not record this run in the run log.")] = False,
) -> None:
    if offline and record:
        fail(InputError("--offline and --record exclude each other"))
    if not (math.isfinite(timeout) and timeout > 0):
        fail(InputError(f"--timeout must be a positive number of seconds, not {timeout:g}"))
    settings = Settings(offline=offline, record=record, base_url=base_url, cassette_dir=cassettes, timeout_s=timeout)
    settings.log_db, settings.no_log = log_db, no_log
    if prompt:
        settings.prompt_version = prompt
    ctx.obj = settings


app.command()(summarize)
app.add_typer(models_app, name="models", help="List and install the embedded local models.")
app.command("serve", help="Keep a local model server running for many runs.")(serve)
app.command("eval", help="Score models against a gold dataset; compare them side by side.")(eval_command)
app.command("batch", help="Summarize many articles into one JSONL file (resumable).")(batch_command)
app.add_typer(runs_app, name="runs", help="The run log: list runs, show one, compare two.")
app.command("report", help="Rebuild the HTML report of an eval run from the run log.")(report_command)
app.command("export", help="A run's events and casualty figures as csv, jsonl or geojson.")(export_command)


def main() -> None:
    """Run the command. Bad usage (an unknown option, a value of the wrong type) is one line
    and exit 2, like every other error; an unexpected exception is one line and exit 70."""
    import importlib

    # typer carries its own copy of click: its exceptions live where typer.BadParameter does
    click_exceptions = importlib.import_module(typer.BadParameter.__module__)
    usage_error = click_exceptions.UsageError
    no_args_help = getattr(click_exceptions, "NoArgsIsHelpError", ())
    try:
        code = app(standalone_mode=False)
    except no_args_help as exc:  # `summarizer` alone: the help
        exc.show()
        sys.exit(exc.exit_code)
    except click_exceptions.ClickException as exc:  # bad usage: one line, like every other error
        hint = ""
        if isinstance(exc, usage_error) and getattr(exc, "ctx", None) is not None:
            hint = f" (hint: {exc.ctx.command_path} --help)"
        typer.echo(f"summarizer: error: {' '.join(exc.format_message().split())}{hint}", err=True)
        sys.exit(exc.exit_code)
    except typer.Abort:
        typer.echo("summarizer: interrupted", err=True)
        sys.exit(EXIT_INTERRUPTED)
    except Exception as exc:  # a bug: still one line, unless asked for the traceback
        if debug():
            raise
        from summarizer.models import scrub_secrets

        text = scrub_secrets(" ".join(f"{type(exc).__name__}: {exc}".split()))
        typer.echo(f"summarizer: internal error: {text} (set SUMMARIZER_DEBUG=1 for the traceback)", err=True)
        sys.exit(EXIT_INTERNAL)
    sys.exit(code if isinstance(code, int) else 0)
