"""The floor every code rule must beat (issue 18, item 4): the same model asked once per article
for the whole brief under a schema grammar (prompt naive-v1: no candidates from code, no code
rules, bounded output), scored on the same splits as the pipeline (the default prompt), side by side.

    python bench/naive_baseline.py                       # offline, both prompts replayed
    python bench/naive_baseline.py --split validation    # one split only
    python bench/naive_baseline.py --no-offline          # naive-v1 live (the pipeline still replayed)

It runs `summarizer eval --prompt naive-v1` and the default prompt as library calls
(`evaluation.run_eval`) over the dataset: by default the full gold `evals/external/all.jsonl`
with its cassettes `evals/external/cassettes` when it has been built (`python evals/external.py`),
else the founding articles `evals/datasets/articles.jsonl` with `cassettes/`. Both prompts are
scored on the same articles: those whose pipeline answers are recorded (and, offline, naive-v1's
too); the others are counted, with the command that records them. For each split it prints
macro F1, each field's F1 and the attributes for naive-v1 and the pipeline, and naive-v1 minus
the pipeline (paired over the same articles, 95% bootstrap interval for the F1s).
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import replace
from pathlib import Path

from summarizer.config import DEFAULT_PROMPT, Settings
from summarizer.evaluation import FIELDS, Dataset, ModelRun, RunAggregate, load_dataset, paired_differences, run_eval
from summarizer.evaluation._dataset import record_article
from summarizer.extraction import load
from summarizer.models import recorded_articles, resolve

ROOT = Path(__file__).resolve().parent.parent
FULL = ROOT / "evals" / "external" / "all.jsonl"
FULL_CASSETTES = ROOT / "evals" / "external" / "cassettes"
FOUNDING = ROOT / "evals" / "datasets" / "articles.jsonl"
FOUNDING_CASSETTES = ROOT / "cassettes"
NAIVE, PIPELINE = "naive-v1", DEFAULT_PROMPT
MODEL = "local/qwen2.5-coder-1.5b"
ATTRIBUTES = {
    "actor_side": "actor side",
    "location_country": "location country",
    "casualty_affected": "casualty affected",
    "casualty_claimed_by": "casualty claimed by",
}


def _recorded(dataset: Dataset, model: str, prompt: str, folder: Path) -> set[str]:
    """Ids of the articles whose answers for `prompt` are recorded in `folder`."""
    name, version = resolve(model, Settings(offline=True)).name, load(prompt).version
    return {a.id for a in recorded_articles(folder, name, version, map(record_article, dataset.records))}


def _only(dataset: Dataset, ids: set[str]) -> Dataset:
    return replace(dataset, records=tuple(r for r in dataset.records if r["id"] in ids))


def _num(value: float | None, digits: int = 3) -> str:
    return "–" if value is None else f"{value:.{digits}f}"


def _signed(value: float | None) -> str:
    return "–" if value is None else f"{value:+.3f}"


def _attribute(agg: RunAggregate, name: str) -> str:
    score = agg.attributes.get(name)
    if score is None or score.accuracy is None:
        return "–"
    return f"{score.accuracy:.2f} ({score.correct}/{score.total})"


def print_split(split: str, ids: set[str], naive: ModelRun, pipeline: ModelRun, resamples: int) -> None:
    """One split (its articles `ids`): the figures of both prompts and their paired difference,
    as a Markdown table."""
    a = naive.splits.get(split) or naive.aggregate
    b = pipeline.splits.get(split) or pipeline.aggregate
    diffs = paired_differences(
        [r.score for r in pipeline.results if r.article_id in ids],
        [r.score for r in naive.results if r.article_id in ids],
        baseline_model=PIPELINE,
        model=NAIVE,
        resamples=resamples,
    )
    print(f"\n### {naive.model} · {split} · {a.articles} article{'' if a.articles == 1 else 's'}\n")
    print(f"| metric | {NAIVE} (one call, no rules) | {PIPELINE} (pipeline) | {NAIVE} − {PIPELINE} [95% CI] |")
    print("|---|---|---|---|")
    for metric in ("macro_f1", *FIELDS):
        d = diffs[metric]
        va = a.macro_f1 if metric == "macro_f1" else a.fields[metric].f1
        vb = b.macro_f1 if metric == "macro_f1" else b.fields[metric].f1
        label = "**macro F1**" if metric == "macro_f1" else f"{metric} F1"
        print(f"| {label} | {_num(va)} | {_num(vb)} | {_signed(d.diff)} [{_signed(d.ci[0])}, {_signed(d.ci[1])}] |")
    for name, label in ATTRIBUTES.items():
        sa, sb = a.attributes.get(name), b.attributes.get(name)
        gap = None if not sa or not sb or sa.accuracy is None or sb.accuracy is None else sa.accuracy - sb.accuracy
        print(f"| {label} | {_attribute(a, name)} | {_attribute(b, name)} | {_signed(gap)} |")
    print(f"| failures (no valid answer) | {a.failures}/{a.articles} | {b.failures}/{b.articles} | |")
    print(
        f"| completion tokens per article | {_num(a.completion_tokens_mean, 0)} "
        f"| {_num(b.completion_tokens_mean, 0)} | |"
    )


def record_command(prompt: str, model: str, dataset: Path, cassettes: Path) -> str:
    """The command that records `prompt`'s missing answers (needs the model; run from the project)."""
    return (
        f"summarizer --record-missing --cassettes {_shown(cassettes)} --prompt {prompt} "
        f"eval --dataset {_shown(dataset)} -m {model}"
    )


def _shown(path: Path) -> str:
    return str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument(
        "--dataset", type=Path, help="a gold JSONL (default: the full gold if built, else the founding)"
    )
    parser.add_argument("--model", "-m", default=MODEL)
    parser.add_argument("--split", choices=("dev", "validation"), help="only this split (default: each)")
    parser.add_argument("--offline", action=argparse.BooleanOptionalAction, default=True, help="replay naive-v1 too")
    parser.add_argument("--cassettes", type=Path, help="the cassette folder (default: the dataset's)")
    parser.add_argument("--resamples", type=int, default=1000, help="bootstrap resamples (default 1000)")
    args = parser.parse_args(argv)
    path = args.dataset or (FULL if FULL.exists() else FOUNDING)
    folder = args.cassettes or (FULL_CASSETTES if path.resolve() == FULL.resolve() else FOUNDING_CASSETTES)
    dataset = load_dataset(path)
    if args.split:
        dataset = _only(dataset, {r["id"] for r in dataset.records if r.get("split") == args.split})
        if not dataset.records:
            print(f"{_shown(path)}: no article in split {args.split}", file=sys.stderr)
            return 2
    every = {r["id"] for r in dataset.records}
    print(f"{_shown(path)}: {len(every)} articles; {args.model}; cassettes {_shown(folder)}")
    ids, unrecorded = set(every), []
    for prompt in (PIPELINE, NAIVE) if args.offline else (PIPELINE,):  # live, naive-v1 asks the model
        recorded = _recorded(dataset, args.model, prompt, folder)
        ids &= recorded
        if len(recorded) < len(every):
            unrecorded.append(prompt)
            print(f"  {prompt}: {len(every - recorded)} of {len(every)} articles not recorded, left out")
    commands = [f"  {record_command(p, args.model, path, folder)}" for p in unrecorded]
    if not ids:
        print("nothing to compare: no article has both prompts recorded. Record them with:", *commands, sep="\n")
        return 1
    subset = _only(dataset, ids)
    base = Settings(offline=True, cassette_dir=folder)
    pipeline = run_eval(subset, [args.model], replace(base, prompt_version=PIPELINE), resamples=args.resamples)
    settings = replace(base, offline=args.offline, prompt_version=NAIVE)
    naive = run_eval(subset, [args.model], settings, resamples=args.resamples)
    for split in list(naive.runs[0].splits) or ["all"]:
        in_split = {r["id"] for r in subset.records if split in ("all", r.get("split"))}
        print_split(split, in_split, naive.runs[0], pipeline.runs[0], args.resamples)
    if commands:
        print(f"\n{len(every) - len(ids)} articles left out (not recorded). To record them:", *commands, sep="\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
