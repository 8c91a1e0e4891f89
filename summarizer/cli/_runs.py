"""`summarizer runs list|show|diff` and `summarizer report RUN`: reading the run log
(`summarizer.runlog`). A RUN is a run id, a unique prefix of it, or `last`; an unknown one is
an InputError (exit 2). Output is plain text on stdout (`runs show --json` for the record)."""

from __future__ import annotations

import json
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
    """The latest runs: id, start, command, mode, documents, failures, models, macro F1."""
    try:
        with _open(ctx) as log:
            runs = log.runs(limit=limit, command=command)
            where = log.path
    except SummarizerError as exc:
        fail(exc)
    if not runs:
        typer.echo(f"summarizer: no runs in {where}", err=True)
        return
    typer.echo(
        f"{'RUN':<12}  {'STARTED (UTC)':<19}  {'COMMAND':<9}  {'MODE':<7}  {'DOCS':>5}  {'FAILED':>6}  "
        f"{'STATUS':<10}  MODELS"
    )
    for r in runs:
        f1 = f"  macro F1 {r.best_macro_f1:.3f}" if r.best_macro_f1 is not None else ""
        typer.echo(
            f"{r.run_id:<12}  {r.started[:19].replace('T', ' '):<19}  {r.command:<9}  {r.mode:<7}  {r.documents:>5}  "
            f"{r.failures:>6}  {r.status:<10}  {', '.join(r.models)} ({r.prompt_version}){f1}"
        )


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
    typer.echo(f"{len(diff.documents)} documents differ, {diff.unchanged} unchanged")


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
    out: Annotated[str, typer.Option("--out", "-o", metavar="FILE.html", help="Write here; - is stdout.")] = "-",
) -> None:
    """Rebuild the HTML report of an eval run from its stored documents and gold."""
    protected = [run_log_of(settings_of(ctx))]
    try:
        if out != "-":  # refused before the run log is read
            check_target(Path(out), protected=protected)
        with _open(ctx) as log:
            html = render_html(eval_result_of(log, run))
        if out == "-":
            sys.stdout.write(html)
            return
        write_file(Path(out), html, protected=protected)
    except SummarizerError as exc:
        fail(exc)
    typer.echo(f"summarizer: wrote {out}", err=True)
