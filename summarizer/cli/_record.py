"""Recording a command's run in the run log (`summarizer.runlog`): the one place the CLI starts
a recorder. A log that cannot be written is one warning line on stderr; the run goes on."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import typer

if TYPE_CHECKING:
    from summarizer.config import Settings
    from summarizer.runlog import Recorder


def start_recording(settings: Settings, command: str, models: Sequence[str], **options: Any) -> Recorder:
    """A recorder of this run (inactive under --no-log or when the log cannot be opened)."""
    from summarizer.runlog import start_run

    return start_run(
        settings,
        command,
        models,
        options=options,
        warn=lambda message: typer.echo(f"summarizer: warning: {message}", err=True),
    )
