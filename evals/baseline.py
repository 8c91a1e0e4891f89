"""The recorded quality baseline: offline eval figures that the test suite defends.

    python evals/baseline.py            # print the current figures next to the baseline
    python evals/baseline.py --write    # accept the current figures as the new baseline

Three datasets (and one variant), each replayed from the recorded answers of the real local models:
- `founding`: the 27 founding articles (`evals/datasets/articles.jsonl`, all `dev`), whose texts
  and cassettes are committed: `tests/evaluation/test_baseline.py` guards it everywhere (CI);
- `dev` and `validation`: the splits of the full gold (`evals/external/all.jsonl`, built by
  `python evals/external.py`; its corpus texts and their cassettes stay out of commits). The
  test guards `dev` where the full gold is present and only prints `validation`: a rule is never
  tuned against it.
- `founding_lower`: the founding articles lower-cased (`evals/lowercase.py`: the text without
  letter case, as MUC-4's; issue 19), for the models recorded on it (committed cassettes, keyed
  by the lower-cased text): guarded like `founding`, and the test prints its distance to it.

A figure may fall by at most its bootstrap standard error (the 95% interval's width / 3.92)
before the test fails: a change within the noise of the sample is no regression.
Run with --write only after a deliberate change, and say so in the commit.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import tempfile
from pathlib import Path
from typing import Any

from summarizer.config import Settings
from summarizer.evaluation import load_dataset, run_eval, select
from summarizer.evaluation._dataset import record_article
from summarizer.models import recorded_articles

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
DATASET = HERE / "datasets" / "articles.jsonl"
FULL = HERE / "external" / "all.jsonl"
FULL_CASSETTES = HERE / "external" / "cassettes"
BASELINE = HERE / "baseline.json"
MODELS = ["local/qwen2.5-coder-1.5b", "local/qwen2.5-coder-0.5b", "local/gemma-3-270m"]


def _figures(agg: Any, prompt_version: str) -> dict[str, Any]:
    d = agg.to_dict()
    lo, hi = d["macro_f1_ci"]
    return {
        "prompt_version": prompt_version,
        "articles": d["articles_scored"],
        "macro_f1": d["macro_f1"],
        "macro_f1_se": (hi - lo) / 3.92,
        "f1": {name: f["f1"] for name, f in d["fields"].items()},
        "f1_se": {name: (f["f1_ci"][1] - f["f1_ci"][0]) / 3.92 for name, f in d["fields"].items()},
        "roles_f1": {name: f["f1"] for name, f in d.get("roles", {}).items()},
        "attributes": {name: a["accuracy"] for name, a in d["attributes"].items()},
        "grounding_rate": d.get("grounding_rate"),
        "failures": d.get("failures"),
    }


def _lower_cased(source: Path, out: Path) -> Path:
    """`source` with every text lower-cased, as `evals/lowercase.py` writes it."""
    spec = importlib.util.spec_from_file_location("evals_lowercase", HERE / "lowercase.py")
    assert spec and spec.loader
    lowercase = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(lowercase)
    lines = [json.loads(line) for line in source.read_text(encoding="utf-8").splitlines() if line.strip()]
    out.write_text("".join(json.dumps(lowercase.recased(r, upper=False), ensure_ascii=False) + "\n" for r in lines))
    return out


def current(
    models: list[str] | None = None, *, full: bool | None = None, ids: dict[str, list[str]] | None = None
) -> dict[str, Any]:
    """Figures of an offline eval of `models`: {model: {"founding": ..., "dev": ..., "validation": ...}}
    (dev and validation only where the full gold has been built), over the articles recorded for
    each model, or over `ids[model]` (the baseline's own articles, so a test compares like with like)."""
    models = models or MODELS
    out: dict[str, Any] = {m: {} for m in models}
    settings = Settings(offline=True, cassette_dir=ROOT / "cassettes")
    for run in run_eval(load_dataset(DATASET), models, settings, resamples=200).runs:
        out[run.model]["founding"] = _figures(run.aggregate, run.prompt_version)
    with tempfile.TemporaryDirectory() as tmp:  # the founding articles lower-cased (issue 19: text without case)
        lower = load_dataset(_lower_cased(DATASET, Path(tmp) / "founding_lower.jsonl"))
        wanted = list(map(record_article, lower.records))
        prompt = settings.prompt_version
        recorded = [m for m in models if len(recorded_articles(settings.cassettes(), m, prompt, wanted)) == len(wanted)]
        if recorded:
            for run in run_eval(lower, recorded, settings, resamples=200).runs:
                out[run.model]["founding_lower"] = _figures(run.aggregate, run.prompt_version)
    if full is None:
        full = FULL.exists() and FULL_CASSETTES.exists()
    if full:
        settings = Settings(offline=True, cassette_dir=FULL_CASSETTES)
        data = load_dataset(FULL)
        for model in models:
            recorded = (ids or {}).get(model) or [
                a.id
                for a in recorded_articles(
                    settings.cassettes(), model, settings.prompt_version, map(record_article, data.records)
                )
            ]
            if not recorded:
                continue
            part = select(data, ids=recorded)
            for run in run_eval(part, [model], settings, resamples=200).runs:
                for split, agg in run.splits.items():
                    out[model][split] = _figures(agg, run.prompt_version)
                    split_ids = {r["id"] for r in part.records if r.get("split") == split}
                    out[model][split]["ids"] = [r["id"] for r in part.records if r["id"] in split_ids]
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--write", action="store_true")
    parser.add_argument("--model", action="append", help="only these models (default: the baseline's)")
    args = parser.parse_args()
    baseline = json.loads(BASELINE.read_text()) if BASELINE.exists() else {}
    models = args.model or list(baseline) or MODELS
    figures = current(models)
    for model, parts in figures.items():
        for part, f in parts.items():
            was = baseline.get(model, {}).get(part, {}).get("macro_f1")
            was_s = f" (baseline {was:.3f})" if isinstance(was, float) else ""
            fields = " / ".join(f"{v:.3f}" for v in f["f1"].values())
            print(
                f"{model:28} {part:10} {f['articles']:3} articles  macro F1 {f['macro_f1']:.3f}{was_s}  fields {fields}"
            )
    if args.write:
        merged = {m: {**baseline.get(m, {}), **figures.get(m, {})} for m in set(baseline) | set(figures)}
        BASELINE.write_text(json.dumps(merged, indent=1, sort_keys=True) + "\n")
        print(f"wrote {BASELINE}")


if __name__ == "__main__":
    main()
