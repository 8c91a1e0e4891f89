"""`summarizer eval --dataset muc4:SPLIT`: MUC-4 scored with CEAF-REE (`summarizer.evaluation._muc4`).

`eval_command` hands a `muc4:` dataset (or --predictions) to `eval_muc4`: each model summarizes
the split's documents through the pipeline (cassettes, --offline, the response cache apply as in
any eval) and its event roles are scored as MUC-4 role fillers; with --predictions FILE, a
prediction file in GRIT's format is scored instead and no model runs. Per-role and micro
P/R/F1 are printed as a table (stdout; stderr when --json -), --json writes them, and
--save-predictions DIR writes DIR/<model>.json in GRIT's format, both through the guarded
writer (`summarizer.files`: never the split, the predictions file or the run log; a target that
must not be written is refused before any model is called). --min-f1 applies to the micro F1.
Not recorded in the run log, and --report is not available.

Exit codes as `summarizer eval`: 0; 1 under --min-f1; a SummarizerError's code (bad split,
missing data, bad predictions: 2); after everything is printed and written, the code of the
first document failure that was not the model's own fault.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from summarizer.cli._cache import live_cache, report_hits
from summarizer.cli._common import fail, interrupted, run_log_of
from summarizer.errors import EXIT_PARTIAL, InputError, SummarizerError
from summarizer.files import check_target, write_file

if TYPE_CHECKING:
    from rich.console import Console

    from summarizer.config import Settings
    from summarizer.evaluation import DocumentFailure, Muc4Document, Muc4Run, Muc4Score


def eval_muc4(
    settings: Settings,
    dataset: str,
    models: list[str],
    *,
    predictions: Path | None,
    ids: list[str],
    limit: int | None,
    json_out: Path | None,
    save_predictions: Path | None,
    report: Path | None,
    min_f1: float | None,
    no_cache: bool,
) -> None:
    """Run (or read) and score MUC-4 predictions; exits like `eval_command`."""
    from rich.console import Console

    from summarizer import evaluation

    try:
        if report is not None:
            raise InputError("--report is not available with a muc4: dataset (use --json)")
        if not evaluation.is_muc4(dataset):
            raise InputError("--predictions, --id and --limit need --dataset muc4:train, muc4:dev or muc4:test")
        if predictions is not None and save_predictions is not None:
            raise InputError("--save-predictions writes a model's predictions: not with --predictions")
        path = evaluation.muc4_file(dataset)
        # The guarded writer's inputs and protected files: the split, the predictions, the run log.
        inputs = [path, *([predictions] if predictions is not None else [])]
        protected = [run_log_of(settings)]
        if json_out is not None and not _is_stdout(json_out):  # refused before any model is called
            check_target(json_out, inputs=inputs, protected=protected)
        if save_predictions is not None and save_predictions.exists() and not save_predictions.is_dir():
            raise InputError(
                f"--save-predictions {save_predictions}: not a folder",
                hint="--save-predictions names a folder (made when missing)",
            )
        documents = evaluation.pick(
            evaluation.load_muc4(path),
            ids,
            limit,
            key=lambda d: d.docid,
            where=path,
            noun="document",
            hint="MUC-4 ids look like TST3-MUC4-0001",
        )
    except SummarizerError as exc:
        fail(exc)
    console = Console(stderr=_is_stdout(json_out))
    scored: list[tuple[str, Muc4Score]] = []
    code = 0
    try:
        if predictions is not None:
            scored.append(
                (str(predictions), evaluation.score_muc4(evaluation.read_grit_predictions(predictions), documents))
            )
        else:
            cache = live_cache(settings, no_cache)
            for model in dict.fromkeys(models):
                run = _run(model, documents, settings)
                scored.append((model, run.score))
                code = code or _problems(run)
                if save_predictions is not None:
                    out = save_predictions / f"{model.replace('/', '_')}.json"
                    grit = evaluation.to_grit_predictions(run.predictions, documents)
                    text = json.dumps(grit, indent=1, ensure_ascii=False) + "\n"
                    write_file(out, text, inputs=inputs, protected=protected, make_parents=True)
                    typer.echo(f"summarizer: wrote {out}", err=True)
            report_hits(cache, " (their latency is not the model's)")
    except SummarizerError as exc:
        fail(exc)
    except KeyboardInterrupt:
        interrupted()
    console.print(
        f"[bold]{dataset}[/bold]: {len(documents)} documents · CEAF-REE as GRIT's eval.py · {path}",
        highlight=False,
    )
    for name, score in scored:
        _print_score(console, Path(name).name if predictions is not None else name, score)
    if json_out is not None:
        _write_json(json_out, dataset, path, scored, from_file=predictions is not None, guard=(inputs, protected))
    if not code and min_f1 is not None:
        for name, score in scored:
            if not score.micro.f1 >= min_f1:
                typer.echo(f"summarizer: micro F1 {score.micro.f1:.4f} of {name} is below --min-f1 {min_f1}", err=True)
                code = EXIT_PARTIAL
    if code:
        raise typer.Exit(code)


def _run(model: str, documents: list[Muc4Document], settings: Settings) -> Muc4Run:
    """`run_muc4`, with one dim progress line per document on stderr when it is a terminal."""
    from rich.console import Console
    from rich.text import Text

    from summarizer import evaluation

    err = Console(stderr=True)
    done = [0]

    def progress(docid: str, fillers: dict[str, list[list[str]]], failure: DocumentFailure | None) -> None:
        done[0] += 1
        if sys.stderr.isatty():
            status = f"failed ({failure.error_type})" if failure else f"{sum(map(len, fillers.values()))} fillers"
            err.print(Text(f"[{done[0]}/{len(documents)}] {model} {docid}: {status}", style="dim"), highlight=False)

    return evaluation.run_muc4(model, documents, settings, progress=progress)


def _problems(run: Muc4Run) -> int:
    """One line on stderr and the exit code when documents failed for a reason not the model's."""
    problems = run.run_problems()
    if not problems:
        return 0
    docid, first = problems[0]
    typer.echo(
        f"summarizer: error: {run.model}: {len(problems)} of {run.score.documents} documents failed for a "
        f"reason other than the model's output; first: {docid}: {first.error_type}: {first.error}",
        err=True,
    )
    return int(first.exit_code or EXIT_PARTIAL)


def _print_score(console: Console, name: str, score: Muc4Score) -> None:
    from rich.table import Table

    micro = score.micro
    table = Table(
        title=f"{name} — micro P {micro.precision * 100:.2f} R {micro.recall * 100:.2f} F1 {micro.f1 * 100:.2f}",
        title_justify="left",
    )
    table.add_column("role", no_wrap=True)
    for col in ("P", "R", "F1", "matched/pred/gold"):
        table.add_column(col, justify="right", no_wrap=True)
    for role, s in [*score.roles.items(), ("micro", micro)]:
        table.add_row(
            role,
            f"{s.precision * 100:.2f}",
            f"{s.recall * 100:.2f}",
            f"{s.f1 * 100:.2f}",
            f"{s.matched}/{s.predicted}/{s.gold}",
            style="bold" if role == "micro" else None,
        )
    console.print(table)
    if score.missing:
        console.print(f"[yellow]{len(score.missing)} documents have no prediction (scored as none)[/yellow]")


def _write_json(
    json_out: Path,
    dataset: str,
    path: Path,
    scored: list[tuple[str, Muc4Score]],
    *,
    from_file: bool,
    guard: tuple[list[Path], list[Path]],
) -> None:
    """--json: the dataset, and per model (or predictions file) the per-role and micro figures,
    through the guarded writer (`summarizer.files`; `guard`: the inputs and the run log)."""
    figures = {
        "dataset": dataset,
        "path": str(path),
        "runs": [{("predictions" if from_file else "model"): name, **score.to_dict()} for name, score in scored],
    }
    text = json.dumps(figures, indent=2, ensure_ascii=False) + "\n"
    if _is_stdout(json_out):
        sys.stdout.write(text)
        return
    try:
        write_file(json_out, text, inputs=guard[0], protected=guard[1], make_parents=True)
    except SummarizerError as exc:
        fail(exc)
    typer.echo(f"summarizer: wrote {json_out}", err=True)


def _is_stdout(path: Path | None) -> bool:
    return path is not None and str(path) == "-"
