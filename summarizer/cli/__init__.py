"""The `summarizer` command line: the only typer code of the package, a thin layer over the library.

Commands parse options, call library functions, and turn a SummarizerError into a one-line
message and its exit code (`_common.fail`; the codes are defined in `summarizer.errors`).
Heavy imports happen inside commands so that `summarizer --help` stays fast
(bench/cli_startup.py). One module per command group:

  _summarize  summarize          _batch  batch          _eval  eval (_eval_muc4: its muc4: datasets)
  _local      models list|pull, serve                   _cache  cache info|clear, the live cache
  _group      the root group: global options after the command, one-line usage errors
  _runs       runs list|show|diff, report               _export  export
  _record     recording a run in the run log (summarizer.runlog)
  _common     the shared helpers
"""

from __future__ import annotations

import contextlib
import errno
import math
import os
import sys
import warnings
from pathlib import Path
from typing import Annotated, Any

import typer

from summarizer.cli._batch import batch_command
from summarizer.cli._cache import cache_app
from summarizer.cli._common import fail
from summarizer.cli._eval import eval_command
from summarizer.cli._export import export_command
from summarizer.cli._group import HELP_OPTION_NAMES, SummarizerGroup
from summarizer.cli._local import models_app, serve
from summarizer.cli._runs import report_command, runs_app
from summarizer.cli._summarize import Format, summarize
from summarizer.config import DEFAULT_MODEL, Settings, debug, user_config
from summarizer.errors import EXIT_INTERNAL, InputError, SummarizerError, SummarizerWarning

__all__ = ["DEFAULT_MODEL", "Format", "app", "main"]

app = typer.Typer(
    cls=SummarizerGroup,  # global options after the command too; one-line usage errors
    context_settings={"help_option_names": HELP_OPTION_NAMES},
    name="summarizer",
    help="Source-grounded structured briefs (actors, events, locations, casualty figures) of news "
    "reporting on armed conflict, from any OpenAI-compatible LLM or an embedded local model.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _print_version(value: bool) -> None:
    if value:
        from summarizer import __version__

        typer.echo(f"summarizer {__version__}")
        raise typer.Exit(0)


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
    record_missing: Annotated[
        bool,
        typer.Option(
            "--record-missing",
            help="Replay what cassettes/ holds; call the model and record only what is missing (never deletes).",
        ),
    ] = False,
    prompt: Annotated[
        str | None,
        typer.Option(
            "--prompt",
            help="Prompt version, a file in prompts/ (default: the config file's prompt, else brief-v13).",
            show_default=False,
        ),
    ] = None,
    timeout: Annotated[float, typer.Option("--timeout", help="Seconds for one model call.")] = 600.0,
    version: Annotated[
        bool,
        typer.Option("--version", callback=_print_version, is_eager=True, help="Print the version and exit."),
    ] = False,
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
    modes = [
        name for name, on in (("--offline", offline), ("--record", record), ("--record-missing", record_missing)) if on
    ]
    if len(modes) > 1:
        fail(InputError(f"{' and '.join(modes)} exclude each other"))
    if not (math.isfinite(timeout) and timeout > 0):
        fail(InputError(f"--timeout must be a positive number of seconds, not {timeout:g}"))
    try:
        default_prompt = user_config().prompt  # a malformed config file fails here, for every command
    except SummarizerError as exc:
        fail(exc)
    settings = Settings(
        offline=offline,
        record=record or record_missing,
        record_missing=record_missing,
        base_url=base_url,
        cassette_dir=cassettes,
        timeout_s=timeout,
    )
    settings.prompt_version = prompt or default_prompt or settings.prompt_version  # option > config > built-in
    settings.log_db, settings.no_log = log_db, no_log
    ctx.obj = settings


app.command()(summarize)
app.add_typer(models_app, name="models", help="List and install the embedded local models.")
app.command("serve", help="Keep a local model server running for many runs.")(serve)
app.command("eval", help="Score models against a gold dataset; compare them side by side.")(eval_command)
app.command("batch", help="Summarize many articles into one JSONL file (resumable).")(batch_command)
app.add_typer(cache_app, name="cache", help="Show or empty the response cache.")
app.add_typer(runs_app, name="runs", help="The run log: list runs, show one, compare two.")
app.command("report", help="Rebuild the HTML report of an eval run from the run log.")(report_command)
app.command("export", help="A run's events and casualty figures, actors or places as csv, jsonl or geojson.")(
    export_command
)


def main() -> None:
    """Run the command (bad usage is one line and exit 2: `SummarizerGroup`); stdout that cannot
    be written (closed, a full disk, `/dev/full`) is one line and exit 2; an unexpected exception
    is one line and exit 70. A library warning (SummarizerWarning) is one `summarizer: warning:` line."""
    warnings.showwarning = _show_warning
    sys.stdout = _Stdout(sys.stdout)  # type: ignore[assignment]  # None: started with stdout closed (`>&-`)
    try:
        try:
            app()
        finally:
            sys.stdout.flush()  # what is buffered is written now, while a failure can be reported
    except OSError as exc:
        if not _stdout_failed(exc):
            _internal_error(exc)
        _stdout_error(exc)
    except Exception as exc:  # a bug: still one line, unless asked for the traceback
        _internal_error(exc)


def _internal_error(exc: BaseException) -> None:
    if debug():
        raise exc
    from summarizer.models import scrub_secrets

    text = scrub_secrets(" ".join(f"{type(exc).__name__}: {exc}".split()))
    typer.echo(f"summarizer: internal error: {text} (set SUMMARIZER_DEBUG=1 for the traceback)", err=True)
    sys.exit(EXIT_INTERNAL)


# The errors of a write to stdout that are the user's or the system's, not a bug.
_OUTPUT_ERRNOS = frozenset({errno.ENOSPC, errno.EBADF, errno.EIO, errno.EDQUOT, errno.EFBIG})


class _Stdout:
    """stdout, remembering the OSError of a failed write (`failed`): only such a failure is the
    user's or the system's (a closed stdout, a full disk); `None` is a stdout closed at start."""

    def __init__(self, inner: Any) -> None:
        self._inner = inner
        self.failed: OSError | None = None

    def write(self, text: str) -> int:
        try:
            if self._inner is None:
                raise OSError(errno.EBADF, "stdout is closed")
            return int(self._inner.write(text))
        except OSError as exc:
            self.failed = exc
            raise

    def flush(self) -> None:
        try:
            if self._inner is not None:
                self._inner.flush()
        except OSError as exc:
            self.failed = exc
            raise

    def isatty(self) -> bool:
        return self._inner is not None and bool(self._inner.isatty())

    def writable(self) -> bool:
        return True

    def __getattr__(self, name: str) -> Any:
        if self._inner is None:
            raise AttributeError(name)
        return getattr(self._inner, name)


def _stdout_failed(exc: OSError) -> bool:
    """Whether `exc` is a write to stdout failing for an output errno."""
    out = sys.stdout
    return isinstance(out, _Stdout) and out.failed is not None and exc.errno in _OUTPUT_ERRNOS


def _stdout_error(exc: OSError) -> None:
    """One line, exit 2; stdout is pointed at /dev/null so that nothing fails again on exit."""
    with contextlib.suppress(OSError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 1)
        os.close(devnull)
    sys.stdout = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115 - for the rest of the process
    error = InputError(f"cannot write to stdout: {exc.strerror or exc}")
    typer.echo(f"summarizer: error: {error.one_line()}", err=True)
    sys.exit(error.exit_code)


def _show_warning(message: Warning | str, category: type[Warning], *_: Any, **__: Any) -> None:
    """A warning as one line on stderr (a warning that quotes a traceback: its first and last lines)."""
    lines = [ln.strip() for ln in str(message).splitlines() if ln.strip()] or [category.__name__]
    text = lines[0] if issubclass(category, SummarizerWarning) or len(lines) == 1 else f"{lines[0]} {lines[-1]}"
    from summarizer.models import scrub_secrets

    with contextlib.suppress(OSError, ValueError):
        sys.stderr.write(f"summarizer: warning: {scrub_secrets(text)}\n")
