"""Quality cannot silently drop: the offline eval, replayed from the cassettes of the real local
models, must score at least the recorded baseline less its bootstrap noise (evals/baseline.py):
on the founding articles everywhere, on the full `dev` split where the full gold is built.
`validation` is printed, never guarded: no rule is tuned against it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.clihelp import load_script

ROOT = Path(__file__).resolve().parents[2]
baseline_mod = load_script("evals/baseline.py")


def _check(model: str, part: str, got: dict[str, Any], want: dict[str, Any]) -> None:
    assert got["failures"] <= want["failures"], (model, part)
    floor = want["macro_f1"] - want["macro_f1_se"] - 1e-9
    assert got["macro_f1"] >= floor, (model, part, "macro_f1", got["macro_f1"], want["macro_f1"])
    for name, f1 in want["f1"].items():
        assert got["f1"][name] >= f1 - want["f1_se"][name] - 1e-9, (model, part, name, got["f1"][name], f1)
    assert got["grounding_rate"] is None or got["grounding_rate"] == 1.0


def test_offline_eval_meets_the_recorded_baseline() -> None:
    baseline = json.loads((ROOT / "evals" / "baseline.json").read_text())
    assert set(baseline) == set(baseline_mod.MODELS)
    figures = baseline_mod.current(list(baseline), full=False)
    for model, want in baseline.items():
        _check(model, "founding", figures[model]["founding"], want["founding"])
        if "founding_lower" in want:  # the same articles without letter case (issue 19)
            _check(model, "founding_lower", figures[model]["founding_lower"], want["founding_lower"])


@pytest.mark.skipif(not baseline_mod.FULL.exists(), reason="the full gold is not built (python evals/external.py)")
def test_dev_split_meets_the_recorded_baseline(capsys: pytest.CaptureFixture[str]) -> None:
    baseline = json.loads((ROOT / "evals" / "baseline.json").read_text())
    models = [m for m in baseline if "dev" in baseline[m]]
    if not models:
        pytest.skip("no dev figures in the baseline yet")
    ids = {m: [i for part in ("dev", "validation") for i in baseline[m].get(part, {}).get("ids", [])] for m in models}
    figures = baseline_mod.current(models, full=True, ids=ids)
    for model in models:
        _check(model, "dev", figures[model]["dev"], baseline[model]["dev"])
        if "validation" in figures[model]:
            with capsys.disabled():
                v = figures[model]["validation"]
                print(f"\nvalidation (not guarded) {model}: macro F1 {v['macro_f1']:.3f} over {v['articles']} articles")
