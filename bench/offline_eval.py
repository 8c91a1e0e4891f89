"""Benchmark: the offline eval of the three embedded models over the project's dataset, replayed
from cassettes (target: under 30 s wall). Prints the time and the macro F1 of each model.

Usage: python bench/offline_eval.py [--runs N]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

from summarizer.config import Settings
from summarizer.evaluation import load_dataset, run_eval

ROOT = Path(__file__).resolve().parent.parent
MODELS = ["local/qwen2.5-coder-1.5b", "local/qwen2.5-coder-0.5b", "local/gemma-3-270m"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    dataset = load_dataset(ROOT / "evals" / "datasets" / "articles.jsonl")
    settings = Settings(offline=True, cassette_dir=ROOT / "cassettes")
    times = []
    result = None
    for _ in range(args.runs):
        start = time.perf_counter()
        result = run_eval(dataset, MODELS, settings)
        times.append(time.perf_counter() - start)
    assert result is not None
    median = statistics.median(times)
    print(
        f"offline eval, {len(MODELS)} models x {len(dataset)} articles: median {median:.2f} s "
        f"(min {min(times):.2f}, max {max(times):.2f}) over {args.runs} runs (target < 30 s)"
    )
    for run in result.runs:
        print(f"  {run.model}: macro F1 {run.aggregate.macro_f1:.3f}")
    sys.exit(0 if median < 30 else 1)


if __name__ == "__main__":
    main()
