"""The recorded quality baseline: offline eval figures that the test suite defends.

    python evals/baseline.py            # print the current figures next to the baseline
    python evals/baseline.py --write    # accept the current figures as the new baseline

Run with --write only after a deliberate change (new prompt, new cassettes), and say so in
the commit: tests/test_baseline.py fails when a change lowers any figure below it.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from summarizer.config import Settings
from summarizer.evaluation import load_dataset, run_eval

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
DATASET = HERE / "datasets" / "articles.jsonl"
BASELINE = HERE / "baseline.json"
MODELS = ["local/qwen2.5-coder-1.5b", "local/qwen2.5-coder-0.5b", "local/gemma-3-270m"]


def current(models: list[str] | None = None) -> dict[str, Any]:
    """Figures of an offline eval of `models` over the project's dataset."""
    settings = Settings(offline=True, cassette_dir=ROOT / "cassettes")
    result = run_eval(load_dataset(DATASET), models or MODELS, settings, resamples=200)
    out: dict[str, Any] = {}
    for run in result.runs:
        agg = run.aggregate.to_dict()
        out[run.model] = {
            "prompt_version": run.prompt_version,
            "macro_f1": agg["macro_f1"],
            "f1": {name: field["f1"] for name, field in agg["fields"].items()},
            "grounding_rate": agg.get("grounding_rate"),
            "failures": agg.get("failures"),
        }
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--write", action="store_true")
    args = parser.parse_args()
    baseline = json.loads(BASELINE.read_text()) if BASELINE.exists() else {}
    models = list(baseline) or MODELS
    figures = current(models)
    print(json.dumps({"baseline": baseline, "current": figures}, indent=1))
    if args.write:
        BASELINE.write_text(json.dumps(figures, indent=1, sort_keys=True) + "\n")
        print(f"wrote {BASELINE}")


if __name__ == "__main__":
    main()
