"""`summarizer runs list|show|diff` and `summarizer report RUN`: reading the run log
(`summarizer.runlog`). A RUN is a run id, a unique prefix of it, or `last`; an unknown one is
an InputError (exit 2). Output is plain text on stdout (`runs show --json` for the record)."""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from summarizer.cli._common import fail, run_log_of, settings_of
from summarizer.errors import InputError, SummarizerError
from summarizer.files import check_target, write_file

if TYPE_CHECKING:
    from summarizer.evaluation import EvalResult
    from summarizer.runlog import RunDiff, RunInfo, RunLog

runs_app = typer.Typer(no_args_is_help=True, add_completion=False)

RUN_HELP = "A run id (or a unique prefix of it, or `last`)."


def _open(ctx: typer.Context) -> RunLog:
    from summarizer.runlog import RunLog

    return RunLog.open(settings_of(ctx).log_db)


def _f(value: float | None, digits: int = 3) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


def _delta(pair: tuple[float | None, float | None]) -> str:
    a, b = pair
    if a is None or b is None:
        return f"{_f(a)} -> {_f(b)}"
    return f"{a:.3f} -> {b:.3f} ({b - a:+.3f})"


@runs_app.command("list")
def list_runs(
    ctx: typer.Context,
    limit: Annotated[int, typer.Option("--limit", "-n", min=1, max=1_000_000, help="Show the latest N runs.")] = 20,
    command: Annotated[str | None, typer.Option("--command", help="Only runs of summarize, batch or eval.")] = None,
) -> None:
    """The latest runs, one line each: id, start, command, mode, documents, failures, status,
    models (an eval's with each model's macro F1)."""
    from summarizer.evaluation._format import short_names

    try:
        with _open(ctx) as log:
            runs = log.runs(limit=limit, command=command)
            scores = {r.run_id: {s.model: s.macro_f1 for s in log.scores(r.run_id)} for r in runs}
            where = log.path
    except SummarizerError as exc:
        fail(exc)
    if not runs:
        typer.echo(f"summarizer: no runs in {where}", err=True)
        return
    every = list(dict.fromkeys(m for r in runs for m in r.models))
    short = short_names(every) if len(every) > 1 else {m: m.split("/", 1)[-1] for m in every}
    head = f"{'RUN':<12} {'STARTED':<11} {'COMMAND':<9} {'MODE':<7} {'DOCS':>4} {'FAIL':>4} {'STATUS':<7} "
    room = max(20, shutil.get_terminal_size((100, 24)).columns - len(head))  # the models' column
    typer.echo(head + "MODELS")
    for r in runs:
        f1 = scores.get(r.run_id, {})
        parts = [short[m] + (f" {f1[m]:.3f}" if f1.get(m) is not None else "") for m in r.models]
        lines = _packed(parts, room)
        typer.echo(
            f"{r.run_id:<12} {r.started[5:16].replace('T', ' '):<11} {r.command:<9} {r.mode:<7} {r.documents:>4} "
            f"{r.failures:>4} {r.status:<7} {lines[0]}"
        )
        for line in lines[1:]:  # more models than the line holds: under the first, not wrapped
            typer.echo(" " * len(head) + line)
    named = [f"  {short[m]} = {m}" for m in every if short[m] != m]
    if named:
        typer.echo("models (an eval's with its macro F1):")
        typer.echo("\n".join(named))


def _packed(parts: list[str], room: int) -> list[str]:
    """`parts` joined by ", " into lines of at most `room` characters (a longer part alone)."""
    lines = [""]
    for part in parts:
        joined = f"{lines[-1]}, {part}" if lines[-1] else part
        if len(joined) + 1 <= room or not lines[-1]:
            lines[-1] = joined
        else:
            lines[-1] += ","
            lines.append(part)
    return lines


def _info_lines(r: RunInfo) -> list[str]:
    return [
        f"run {r.run_id}: {r.command}, {r.mode}, {r.status}",
        f"  started {r.started}, ended {r.ended or '-'}",
        f"  models {', '.join(r.models)}; prompt {r.prompt_version}; schema {r.schema_hash or '-'}",
        f"  summarizer {r.package_version or '-'}; git {r.git_commit or '-'}",
        f"  documents {r.documents}, failures {r.failures}"
        + (f"; dataset {r.dataset_sha256[:16]}" if r.dataset_sha256 else ""),
        f"  settings {json.dumps(r.settings, sort_keys=True, ensure_ascii=False)}",
    ]


@runs_app.command("show")
def show_run(
    ctx: typer.Context,
    run: Annotated[str, typer.Argument(metavar="RUN", help=RUN_HELP)],
    as_json: Annotated[bool, typer.Option("--json", help="The run, its scores and documents as JSON.")] = False,
) -> None:
    """One run: what ran and how, its scores (eval) and every document with its item counts."""
    from dataclasses import asdict

    try:
        with _open(ctx) as log:
            info = log.run(run)
            docs = log.documents(info.run_id)
            scores = log.scores(info.run_id)
    except SummarizerError as exc:
        fail(exc)
    if as_json:
        out: dict[str, Any] = asdict(info)
        out["scores"] = [asdict(s) for s in scores]
        out["documents"] = [
            {k: v for k, v in asdict(d).items() if k not in ("document", "score")} | {"items": _counts(d.document)}
            for d in docs
        ]
        typer.echo(json.dumps(out, indent=2, ensure_ascii=False))
        return
    for line in _info_lines(info):
        typer.echo(line)
    for s in scores:
        typer.echo(
            f"  {s.model}: macro F1 {_f(s.macro_f1)}, attribution {_f(s.attribution)}, "
            f"{s.failures} of {s.articles} articles failed (prompt {s.prompt_version}, schema {s.schema_hash})"
        )
    for d in docs:
        if d.ok:
            doc = d.document
            counts = ", ".join(f"{n} {f}" for f, n in _counts(doc).items())
            f1 = f"; macro F1 {d.macro_f1:.3f}" if d.macro_f1 is not None else ""
            typer.echo(f"  {d.model} {d.article_id}: {counts}{f1}")
        else:
            typer.echo(f"  {d.model} {d.article_id}: failed: {d.error_type}: {d.error}")


def _counts(document: dict[str, Any] | None) -> dict[str, int]:
    return {f: len((document or {}).get(f) or []) for f in ("actors", "locations", "events", "casualties")}


def _print_diff(diff: RunDiff) -> None:
    for label, r in (("A", diff.a), ("B", diff.b)):
        typer.echo(f"{label} = run {r.run_id} ({r.command}, {r.mode}, {r.started}, prompt {r.prompt_version})")
    for s in diff.scores:
        typer.echo(f"{s.model}: macro F1 {_delta(s.macro_f1)}, attribution {_delta(s.attribution)}")
        for name, pair in s.fields.items():
            typer.echo(f"  {name} F1 {_delta(pair)}")
    for d in diff.documents:
        f1 = f" (macro F1 {_delta(d.macro_f1)})" if d.macro_f1 != (None, None) else ""
        typer.echo(f"{d.model} {d.article_id}: {d.state}{f1}")
        for name in ("actors", "locations", "events", "casualties"):
            for label in d.removed.get(name, []):
                typer.echo(f"  - {name}: {label}")
            for label in d.added.get(name, []):
                typer.echo(f"  + {name}: {label}")
    for label, only in (("A", diff.only_in_a), ("B", diff.only_in_b)):
        for model, count in only.items():
            typer.echo(f"{model}: only in {label} ({_count(count, 'document')}, not compared)")
    differ = "document differs" if len(diff.documents) == 1 else "documents differ"
    typer.echo(f"{len(diff.documents)} {differ}, {diff.unchanged} unchanged")


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


@runs_app.command("diff")
def diff_command(
    ctx: typer.Context,
    run_a: Annotated[str, typer.Argument(metavar="RUN_A", help=RUN_HELP)],
    run_b: Annotated[str, typer.Argument(metavar="RUN_B", help=RUN_HELP)],
) -> None:
    """What changed from RUN_A to RUN_B: scores (eval runs) and, per article, the items only one has."""
    from summarizer.runlog import diff_runs

    try:
        with _open(ctx) as log:
            diff = diff_runs(log, run_a, run_b)
    except SummarizerError as exc:
        fail(exc)
    _print_diff(diff)


def eval_result_of(log: RunLog, run: str) -> EvalResult:
    """The EvalResult of a stored eval run: its documents scored again against its stored gold."""
    from summarizer import evaluation

    info = log.run(run)
    if info.command != "eval":
        raise InputError(f"run {info.run_id} is a {info.command} run: only eval runs have a report")
    stored = log.dataset(info.dataset_sha256) if info.dataset_sha256 else None
    scores = log.scores(info.run_id)
    if stored is None or not scores:
        raise InputError(f"run {info.run_id} did not finish: it has no scores to report")
    name, path, records = stored
    dataset = evaluation.Dataset(name, Path(path), info.dataset_sha256 or "", tuple(records))
    docs = log.documents(info.run_id)
    models = [
        evaluation.StoredModel(
            s.model,
            [
                evaluation.StoredOutcome(
                    d.article_id, d.document, d.error_type, d.error, d.exit_code, d.latency_s or 0.0
                )
                for d in docs
                if d.model == s.model
            ],
            s.prompt_version or "",
            s.schema_hash or "",
            s.price,
        )
        for s in scores
    ]
    stored_bootstrap = scores[0].figures.get("bootstrap") or {}
    bootstrap = {k: v for k, v in stored_bootstrap.items() if k in ("resamples", "seed") and isinstance(v, int)}
    return evaluation.rebuild_result(
        dataset, models, run_id=info.run_id, started=info.started, offline=info.offline, **bootstrap
    )


def render_html(result: EvalResult) -> str:
    """The eval report's HTML: the one call of the report builder (`evaluation.render_report`)."""
    from summarizer import evaluation

    return evaluation.render_report(result)


def report_command(
    ctx: typer.Context,
    run: Annotated[str, typer.Argument(metavar="RUN", help=RUN_HELP)],
    out: Annotated[
        str | None,
        typer.Option(
            "--out",
            "-o",
            metavar="FILE.html",
            help="Write here (default report-<run id>.html in this folder); - is stdout.",
            show_default=False,
        ),
    ] = None,
    open_it: Annotated[bool, typer.Option("--open", help="Open the written report in the web browser.")] = False,
) -> None:
    """Rebuild the HTML report of an eval run from its stored documents and gold, into a file."""
    protected = [run_log_of(settings_of(ctx))]
    try:
        if out == "-" and open_it:
            raise InputError("--open opens a written report: give --out FILE.html, not -")
        if out is not None and out != "-":  # refused before the run log is read
            check_target(Path(out), protected=protected)
        with _open(ctx) as log:
            result = eval_result_of(log, run)
            html = render_html(result)
        if out == "-":
            sys.stdout.write(html)
            return
        target = Path(out) if out is not None else Path(f"report-{result.run_id}.html")
        if out is None:
            check_target(target, protected=protected)
        write_file(target, html, protected=protected)
    except SummarizerError as exc:
        fail(exc)
    typer.echo(f"summarizer: wrote {target}", err=True)
    if open_it:
        import webbrowser

        if not webbrowser.open(target.resolve().as_uri()):
            typer.echo(f"summarizer: warning: no web browser to open {target} with", err=True)
