"""`summarizer eval`: score models against a gold dataset and compare them side by side.

The main CLI registers `eval_command` as a command; global options (--offline, --base-url,
--cassettes, --prompt, --record) reach it as a `Settings` in the root context's `obj`.
Tables go to stdout, progress and messages to stderr. The run is recorded in the run log
(`summarizer.runlog`: each article as it is scored, then the figures, the gold and the exit
code), and each model is compared with its latest earlier comparable run there.

Exit codes: 0 done; 1 when --min-f1 is given and a model's macro F1 is below it; otherwise
a SummarizerError's code: bad dataset or output path (2), unknown/misconfigured model (3),
and, after every result has been printed and written, the code of the first article failure
that was not the model's own fault (a provider error 3, a missing cassette 4). An article on
which the model produced no valid document (ExtractionError) is scored as a failure, not an
error of the run.
"""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from summarizer.cli._cache import NO_CACHE_HELP, live_cache, report_hits
from summarizer.cli._common import fail, interrupted, run_log_of, settings_of
from summarizer.cli._record import start_recording
from summarizer.config import DEFAULT_MODEL, default_model
from summarizer.errors import EXIT_INTERRUPTED, EXIT_PARTIAL, InputError, SummarizerError
from summarizer.files import check_target

if TYPE_CHECKING:  # the heavy imports happen when the command runs
    from rich.console import Console
    from rich.table import Table

    from summarizer.batch import LiveCache
    from summarizer.config import Settings
    from summarizer.evaluation import Dataset, EvalResult, Guard, ModelRun
    from summarizer.runlog import Recorder

DEFAULT_DATASET = Path("evals/datasets/articles.jsonl")


def _resolve_dataset(path: Path) -> Path:
    """The default dataset is looked for in the working directory, then in the project's checkout
    (it is not in the wheel); when it is in neither, an InputError says where it is expected."""
    if path != DEFAULT_DATASET or path.exists():
        return path
    project = Path(__file__).resolve().parent.parent.parent / DEFAULT_DATASET
    if project.exists():
        return project
    raise InputError(
        f"the default dataset {DEFAULT_DATASET} is not here ({Path.cwd() / DEFAULT_DATASET}) "
        f"nor in the project's checkout ({project}); it is part of the repository, not of the installed package",
        hint="run eval from a checkout of the project, or give --dataset FILE (JSONL in the contract's gold format)",
    )


def print_run(console: Console, run: ModelRun) -> None:
    """One model: per-field P/R/F1 with the F1 interval, then everything else."""
    from rich.table import Table

    from summarizer.evaluation import _format as fmt

    a = run.aggregate
    table = Table(
        title=f"{run.model} — macro F1 {fmt.num(a.macro_f1)} {fmt.ci(a.macro_f1_ci)} · attribution "
        f"{fmt.pct(a.attribution.accuracy)} · faithfulness {fmt.pct(a.faithfulness)}",
        title_justify="left",
    )
    table.add_column("field", no_wrap=True)
    for col in ("P", "R", "F1", "F1 95% CI", "TP/FP/FN", "art. F1"):
        table.add_column(col, justify="right", no_wrap=True)
    from summarizer.evaluation import FIELDS

    for name in FIELDS:
        fa = a.fields[name]
        table.add_row(
            name,
            fmt.num(fa.precision),
            fmt.num(fa.recall),
            fmt.num(fa.f1),
            fmt.ci(fa.f1_ci),
            f"{fa.tp}/{fa.fp}/{fa.fn}",
            fmt.num(fa.f1_articles),
        )
    console.print(table)
    other = Table(show_header=False, box=None, padding=(0, 2))
    other.add_column("metric", style="dim")
    other.add_column("value")
    other.add_row(
        "attribution (pooled)", f"{fmt.pct(a.attribution.accuracy)} ({a.attribution.correct}/{a.attribution.total})"
    )
    for key, label in fmt.ATTR_LABELS.items():
        attr = a.attributes[key]
        other.add_row(label, f"{fmt.pct(attr.accuracy)} ({attr.correct}/{attr.total})")
    other.add_row(
        "faithfulness",
        f"{fmt.pct(a.faithfulness)} ({a.faithful}/{a.faithful_total} summary sentences and descriptions)",
    )
    other.add_row("grounding (exact spans)", f"{fmt.pct(a.grounding_rate)} ({a.spans_exact}/{a.spans_total})")
    other.add_row("first-try valid", fmt.pct(a.first_try_valid))
    other.add_row("retries", str(a.retries))
    other.add_row(
        "tokens in / out",
        f"{a.prompt_tokens:,} / {a.completion_tokens:,} ({fmt.num(a.completion_tokens_mean, 0)} out per article)",
    )
    other.add_row("latency total / mean", f"{a.latency_s:.1f} s / {fmt.num(a.latency_mean_s, 1)} s")
    other.add_row("cost", fmt.cost(a.cost_usd))
    other.add_row("failures", f"{a.failures} of {a.articles} articles")
    for role, fa in a.roles.items():
        other.add_row(f"role {role}", f"F1 {fmt.num(fa.f1)} {fmt.ci(fa.f1_ci)} (TP/FP/FN {fa.tp}/{fa.fp}/{fa.fn})")
    for name, sa in run.splits.items():
        other.add_row(f"split {name}", fmt.split_line(sa))
    console.print(other)
    console.print()


def print_comparison(console: Console, result: EvalResult) -> None:
    """Side by side: F1 with intervals per model, and each model's paired difference from the
    first one with its interval. Models are named by their short names (the part that tells
    them apart, listed first); when the one table is wider than the console, the differences
    go in a second table."""
    from rich.measure import Measurement

    from summarizer.evaluation import _format as fmt

    runs = result.runs
    if len(runs) < 2:
        return
    short = fmt.short_names([run.model for run in runs])
    if any(short[m] != m for m in short):
        console.print(
            "[dim]Models: " + ", ".join(f"{short[run.model]} = {run.model}" for run in runs) + "[/dim]",
            highlight=False,
        )
    title = f"Comparison (Δ = model − {short[runs[0].model]}, paired over articles)"
    wide = console.options.update(max_width=10_000)

    def fits(table: Table) -> bool:
        return Measurement.get(console, wide, table).maximum <= console.width

    tables = [_comparison_table(result, short, title, figures=True, differences=True)]
    for sep in (" ", "\n"):  # too wide: two tables, the interval beside the figure, else under it
        if all(fits(t) for t in tables):
            break
        tables = [
            _comparison_table(result, short, "Comparison", figures=True, differences=False, sep=sep),
            _comparison_table(result, short, title, figures=False, differences=True, sep=sep),
        ]
    for t in tables:
        console.print(t)
    console.print(
        "[dim]Per-field F1 is micro (counts summed over articles); macro F1 is the mean of the "
        "four fields. Intervals: 95% bootstrap over articles. A Δ interval containing 0 is no "
        "clear difference.[/dim]"
    )


def _comparison_table(
    result: EvalResult, short: dict[str, str], title: str, *, figures: bool, differences: bool, sep: str = " "
) -> Table:
    """The comparison's figures per model and/or the differences from the first model; `sep`
    goes between a figure and its interval."""
    from rich.table import Table

    from summarizer.evaluation import FIELDS
    from summarizer.evaluation import _format as fmt

    runs = result.runs if figures else []
    comparisons = result.comparisons if differences else []
    table = Table(title=title, title_justify="left")
    table.add_column("metric", no_wrap=True)
    for run in runs:
        table.add_column(short[run.model], justify="right", no_wrap=True)
    for comp in comparisons:
        table.add_column(f"Δ {short.get(comp.model, comp.model)}", justify="right", no_wrap=True)
    for metric in ("macro_f1", *FIELDS):
        row = ["macro F1" if metric == "macro_f1" else f"{metric} F1"]
        for run in runs:
            agg = run.aggregate
            if metric == "macro_f1":
                row.append(f"{fmt.num(agg.macro_f1)}{sep}{fmt.ci(agg.macro_f1_ci)}")
            else:
                fa = agg.fields[metric]
                row.append(f"{fmt.num(fa.f1)}{sep}{fmt.ci(fa.f1_ci)}")
        for comp in comparisons:
            d = comp.differences[metric]
            row.append(f"{d.diff:+.3f}{sep}{fmt.ci(d.ci)}")
        table.add_row(*row)
    if not runs:
        return table
    blanks = [""] * len(comparisons)
    extra = [
        ("attribution", lambda a: fmt.pct(a.attribution.accuracy)),
        ("faithfulness", lambda a: fmt.pct(a.faithfulness)),
        ("grounding", lambda a: fmt.pct(a.grounding_rate)),
        ("first-try valid", lambda a: fmt.pct(a.first_try_valid)),
        ("retries", lambda a: str(a.retries)),
        ("tokens in / out", lambda a: f"{a.prompt_tokens:,} / {a.completion_tokens:,}"),
        ("tokens out/article", lambda a: fmt.num(a.completion_tokens_mean, 0)),
        ("latency mean", lambda a: f"{fmt.num(a.latency_mean_s, 1)} s"),
        ("cost", lambda a: fmt.cost(a.cost_usd)),
        ("failures", lambda a: f"{a.failures}/{a.articles}"),
    ]
    for label, fn in extra:
        table.add_row(label, *[fn(run.aggregate) for run in runs], *blanks)
    return table


def eval_command(
    ctx: typer.Context,
    dataset: Annotated[
        Path,
        typer.Option(
            "--dataset",
            "-d",
            metavar="FILE",
            help="Gold dataset, JSONL in the contract's format; or muc4:train|dev|test (MUC-4, CEAF-REE).",
        ),
    ] = DEFAULT_DATASET,
    model: Annotated[
        list[str] | None,
        typer.Option(
            "--model",
            "-m",
            metavar="PROVIDER/MODEL",
            help="provider/model to evaluate; repeat for several (default: $SUMMARIZER_MODEL, "
            f"else the config file's model, else {DEFAULT_MODEL}).",
        ),
    ] = None,
    record: Annotated[
        bool, typer.Option("--record", help="Call the models for real and (re-)record cassettes.")
    ] = False,
    save_predictions: Annotated[
        Path | None,
        typer.Option("--save-predictions", metavar="DIR", help="Write DIR/<model>/<article id>.json."),
    ] = None,
    json_out: Annotated[
        Path | None,
        typer.Option("--json", metavar="FILE", help="Write the figures as JSON to this file (- is stdout)."),
    ] = None,
    report: Annotated[
        Path | None,
        typer.Option("--report", metavar="FILE.html", help="Write a self-contained HTML report (- is stdout)."),
    ] = None,
    min_f1: Annotated[
        float | None,
        typer.Option("--min-f1", help="Exit 1 when a model's macro F1 is below this."),
    ] = None,
    no_cache: Annotated[bool, typer.Option("--no-cache", help=NO_CACHE_HELP)] = False,
    predictions: Annotated[
        Path | None,
        typer.Option(
            "--predictions",
            metavar="FILE",
            help="With --dataset muc4:SPLIT: score this prediction file (GRIT's format); no model runs.",
        ),
    ] = None,
    limit: Annotated[
        int | None,
        typer.Option("--limit", min=1, metavar="N", help="The first N articles (after --split and --id) only."),
    ] = None,
    split: Annotated[
        str | None,
        typer.Option("--split", metavar="NAME", help="Only the articles of this split (dev, validation)."),
    ] = None,
    sample_id: Annotated[
        list[str] | None,
        typer.Option("--id", metavar="ID", help="Only this article (repeatable)."),
    ] = None,
) -> None:
    """Score models against a gold dataset; compare them side by side."""
    from rich.console import Console

    from summarizer import evaluation

    settings = settings_of(ctx)
    if min_f1 is not None and not 0.0 <= min_f1 <= 1.0:  # NaN included: a macro F1 is from 0 to 1
        fail(InputError(f"--min-f1 must be between 0 and 1, not {min_f1:g}"))
    if record and (settings.offline or settings.record_missing):
        other = "--offline" if settings.offline else "--record-missing"
        fail(InputError(f"{other} and --record exclude each other"))
    settings = evaluation.with_record(settings, record)
    models = list(model) if model else [default_model()]
    if predictions is not None or str(dataset).startswith("muc4:"):  # MUC-4: CEAF-REE
        from summarizer.cli._eval_muc4 import eval_muc4

        return eval_muc4(
            settings,
            str(dataset),
            models,
            predictions=predictions,
            ids=list(sample_id or ()),
            limit=limit,
            json_out=json_out,
            save_predictions=save_predictions,
            report=report,
            min_f1=min_f1,
            no_cache=no_cache,
        )
    to_stdout = [name for name, path in (("--json", json_out), ("--report", report)) if _is_stdout(path)]
    if len(to_stdout) > 1 or _is_stdout(save_predictions):
        fail(InputError("only one of --json and --report can be - (stdout); --save-predictions needs a folder"))
    try:
        resolved = _resolve_dataset(dataset)
    except SummarizerError as exc:
        fail(exc)
    guard = evaluation.Guard(inputs=[dataset, resolved], protected=[run_log_of(settings)])
    try:  # before any model is called: a target that must not be written is refused now
        for path in (json_out, report):
            if path is not None and not _is_stdout(path):
                check_target(path, inputs=guard.inputs, protected=guard.protected)
        if save_predictions is not None and save_predictions.exists() and not save_predictions.is_dir():
            raise InputError(  # a file (the gold set, the run log), a FIFO, a device: never written into
                f"--save-predictions {save_predictions}: not a folder",
                hint="--save-predictions names a folder (made when missing)",
            )
    except SummarizerError as exc:
        fail(exc)
    console = Console(stderr=bool(to_stdout))  # the tables go to stderr when stdout carries JSON or HTML
    recorder = start_recording(
        settings,
        "eval",
        list(dict.fromkeys(models)),
        dataset=dataset,
        save_predictions=save_predictions,
        json=json_out,
        report=report,
        min_f1=min_f1,
    )
    try:
        data = evaluation.load_dataset(resolved)
        data = evaluation.select(data, split=split, ids=sample_id or (), limit=limit)
        recorder.add_dataset(data.name, str(data.path), data.sha256, data.records)
        cache = live_cache(settings, no_cache)
        result = _run_with_progress(data, models, settings, cache, recorder)
    except SummarizerError as exc:
        recorder.finish(exc.exit_code)
        fail(exc)
    except KeyboardInterrupt:
        recorder.finish(EXIT_INTERRUPTED)
        interrupted()
    _print_result(console, result)
    report_hits(cache, " (their latency is not the model's)")
    _record_scores(recorder, result)
    _compare_with_earlier(console, result, settings)
    try:
        _write_outputs(result, save_predictions, json_out, report, guard)
    except SummarizerError as exc:
        recorder.finish(exc.exit_code)
        fail(exc)
    code = _exit_code(result, min_f1)
    recorder.finish(code)
    if code:
        raise typer.Exit(code)


def _run_with_progress(
    data: Dataset, models: list[str], settings: Settings, cache: LiveCache | None, recorder: Recorder
) -> EvalResult:
    """`run_eval`, each article recorded in the run log as it is done, with one progress line
    per article on stderr when it is a terminal; the cached answers of an article that made no
    valid document are dropped (a rerun asks again)."""
    from rich.console import Console
    from rich.text import Text

    from summarizer import evaluation

    err = Console(stderr=True)
    total = len(data) * len(dict.fromkeys(models))
    done = [0]
    texts = {r["id"]: r["text"] for r in data.records}

    def progress(model_name: str, article_id: str, result: evaluation.ArticleResult) -> None:
        done[0] += 1
        if cache is not None and result.model_failure:
            cache.evict_last()
        recorder.add_document(
            model_name,
            article_id,
            document=result.document,
            error_type=result.score.error_type,
            error=result.score.error,
            exit_code=result.error_exit_code,
            latency_s=result.wall_s,
            score=result.score.to_dict(),
            article_sha256=hashlib.sha256(texts[article_id].encode()).hexdigest(),
        )
        if sys.stderr.isatty():
            status = f"failed ({result.score.error_type})" if result.failed else f"macro F1 {result.score.macro_f1:.2f}"
            line = f"[{done[0]}/{total}] {model_name} {article_id}: {status}"
            err.print(Text(line, style="dim"), highlight=False)

    return evaluation.run_eval(
        data, models, settings, progress=progress, run_id=recorder.run_id, started=recorder.started
    )


def _print_result(console: Console, result: EvalResult) -> None:
    """The run's header line, one table per model and the comparison."""
    from rich.markup import escape

    data = result.dataset
    console.print(
        f"[bold]{escape(data.name)}[/bold]: {len(data)} articles · "
        f"{'offline replay' if result.offline else 'live'} · run {result.run_id}",
        highlight=False,
    )
    console.print(
        "[dim]Per field: P/R/F1 micro (counts summed over articles); art. F1 = mean of "
        "per-article F1; macro F1 = mean of the four fields' F1.[/dim]"
    )
    for run in result.runs:
        print_run(console, run)
    print_comparison(console, result)


def _is_stdout(path: Path | None) -> bool:
    return path is not None and str(path) == "-"


def _write_outputs(
    result: EvalResult,
    save_predictions: Path | None,
    json_out: Path | None,
    report: Path | None,
    guard: Guard,
) -> None:
    """--save-predictions, --json and --report (either of the last two may be - : stdout)."""
    import json

    from summarizer import evaluation

    if _is_stdout(json_out):
        sys.stdout.write(json.dumps(evaluation.result_to_json(result), indent=2, ensure_ascii=False) + "\n")
        json_out = None
    if _is_stdout(report):
        sys.stdout.write(evaluation.render_report(result))
        report = None

    if save_predictions is not None:
        written = evaluation.save_predictions(result, save_predictions, guard=guard)
        typer.echo(f"summarizer: wrote {len(written)} documents under {save_predictions}", err=True)
    if json_out is not None:
        evaluation.write_json(result, json_out, guard=guard)
        typer.echo(f"summarizer: wrote {json_out}", err=True)
    if report is not None:
        evaluation.write_report(result, report, guard=guard)
        typer.echo(f"summarizer: wrote {report}", err=True)


def _record_scores(recorder: Recorder, result: EvalResult) -> None:
    """Each model's figures into the run log (what `runs diff` and `report` read back)."""
    from summarizer import evaluation

    for run in result.runs:
        figures = evaluation.run_to_json(run)
        figures.pop("articles", None)  # per article: with each document
        figures["bootstrap"] = {"resamples": result.resamples, "seed": result.seed}  # to rebuild the report
        recorder.add_scores(
            run.model,
            prompt_version=run.prompt_version,
            schema_hash=run.schema_hash,
            articles=run.aggregate.articles,
            failures=run.aggregate.failures,
            macro_f1=run.aggregate.macro_f1,
            attribution=run.aggregate.attribution.accuracy,
            price=run.price_per_mtok,
            figures=figures,
        )


def _compare_with_earlier(console: Console, result: EvalResult, settings: Settings) -> None:
    """Each model against its latest earlier comparable run in the run log: live with live, a
    replay with replays of the same prompt and schema; never a run where every article failed."""
    from summarizer.runlog import RunLog, now

    try:
        log = RunLog.open(settings.log_db)
    except SummarizerError:
        return  # no log yet: nothing to compare with
    with log:
        for run in result.runs:
            found = log.previous_eval(
                run.model,
                dataset_sha256=result.dataset.sha256,
                offline=result.offline,
                started=now(),
                run_id=result.run_id,
                prompt_version=run.prompt_version,
                schema_hash=run.schema_hash,
            )
            if found is None or found[1].macro_f1 is None:
                continue
            prev, score = found
            before = found[1].macro_f1
            console.print(
                f"{run.model}: macro F1 {run.aggregate.macro_f1:.3f} against {before:.3f} in "
                f"{'replay' if prev.offline else 'live run'} {prev.run_id} of {prev.started} "
                f"(prompt {score.prompt_version}, schema {score.schema_hash}): "
                f"{run.aggregate.macro_f1 - before:+.3f}",
                highlight=False,
            )


def _exit_code(result: EvalResult, min_f1: float | None) -> int:
    """The first article failure that was not the model's own, else 1 below --min-f1, else 0;
    each reason is one line on stderr."""
    exit_code = 0
    for run in result.runs:
        problems = run.run_problems()
        if problems:
            first = problems[0]
            typer.echo(
                f"summarizer: error: {run.model}: {len(problems)} of {len(run.results)} articles "
                f"failed for a reason other than the model's output; first: "
                f"{first.article_id}: {first.score.error_type}: {first.score.error}",
                err=True,
            )
            exit_code = exit_code or (first.error_exit_code or EXIT_PARTIAL)
    if exit_code:
        return exit_code
    if min_f1 is not None:
        below = [run for run in result.runs if not run.aggregate.macro_f1 >= min_f1]
        for run in below:
            typer.echo(
                f"summarizer: macro F1 {run.aggregate.macro_f1:.3f} of {run.model} is below --min-f1 {min_f1}",
                err=True,
            )
        if below:
            return EXIT_PARTIAL
    return 0
