"""`summarizer export RUN`: a run's items as csv, jsonl or geojson, from the run log
(`summarizer.runlog.export_rows`): its events and casualty figures, one row each (the default),
or its actors, or its places (`--what`); of one model of an eval run (`--model`)."""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from summarizer.cli._common import fail, run_log_of, settings_of
from summarizer.errors import InputError, SummarizerError
from summarizer.files import check_target, open_for_writing


class ExportFormat(StrEnum):
    csv = "csv"
    jsonl = "jsonl"
    geojson = "geojson"


class ExportWhat(StrEnum):
    events = "events"
    figures = "figures"
    actors = "actors"
    places = "places"


def _say_unplaced(rows: list[dict[str, object]]) -> None:
    """Name the places that have no point (geometry null): none the gazetteer has and none the
    text ties them to (an area across countries, a name misread as a place), never a guess."""
    unplaced = [str(r["name"]) for r in rows if r.get("lat") is None or r.get("lon") is None]
    if unplaced:
        names = ", ".join(sorted(set(unplaced)))
        typer.echo(
            f"summarizer: {len(unplaced)} of {len(rows)} places have no point (neither the gazetteer nor "
            f"the text places them): {names}",
            err=True,
        )


def export_command(
    ctx: typer.Context,
    run: Annotated[str, typer.Argument(metavar="RUN", help="A run id (or a unique prefix of it, or `last`).")],
    fmt: Annotated[ExportFormat, typer.Option("--format", "-f", help="csv, jsonl or geojson.")] = ExportFormat.csv,
    out: Annotated[str, typer.Option("--out", "-o", metavar="FILE", help="Write here; - is stdout.")] = "-",
    model: Annotated[
        str | None,
        typer.Option(
            "--model", "-m", metavar="PROVIDER/MODEL", help="Only this model's rows (an eval run has several)."
        ),
    ] = None,
    what: Annotated[
        list[ExportWhat] | None,
        typer.Option(
            "--what",
            "-w",
            metavar="WHAT",
            help="events, figures (casualty figures), actors or places; repeat for events and figures "
            "(the default: both, one row each). Actors and places go on their own; actors not as geojson.",
        ),
    ] = None,
) -> None:
    """A run's events and casualty figures (one row each, with article, date and whether it is the
    publication date standing in, places with coordinates and precision, actors and the evidence
    quote), or its actors (side and its basis), or its places (point and precision)."""
    from summarizer import runlog

    settings = settings_of(ctx)
    kinds = [w.value for w in what] if what else list(runlog.DEFAULT_EXPORT)
    try:
        runlog.export_columns(kinds, fmt.value)  # a mix that cannot be one table is refused first
        if out != "-":  # refused before the run log is read
            check_target(Path(out), protected=[run_log_of(settings)])
        with runlog.RunLog.open(settings.log_db) as log:
            info = log.run(run)
            if model is not None and model not in info.models:
                raise InputError(
                    f"run {info.run_id} has no model {model!r}", hint=f"its models: {', '.join(info.models)}"
                )
            rows = runlog.export_rows(log, info.run_id, model=model, what=kinds)
        if out == "-":
            count = runlog.write_export(rows, fmt.value, sys.stdout, what=kinds)
        else:
            path = Path(out)
            with open_for_writing(path, protected=[run_log_of(settings)]) as fh:
                count = runlog.write_export(rows, fmt.value, fh, what=kinds)
            typer.echo(f"summarizer: wrote {count} rows of run {info.run_id} to {path}", err=True)
        if kinds == ["places"]:
            _say_unplaced(rows)
    except SummarizerError as exc:
        fail(exc)
