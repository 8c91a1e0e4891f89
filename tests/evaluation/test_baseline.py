"""Quality cannot silently drop: the offline eval over the project's dataset, replayed from
the cassettes of the real local models, must score at least the recorded baseline."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
_spec = importlib.util.spec_from_file_location("evals_baseline", ROOT / "evals" / "baseline.py")
assert _spec and _spec.loader
baseline_mod = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(baseline_mod)

TOLERANCE = 1e-9


def test_offline_eval_meets_the_recorded_baseline() -> None:
    baseline = json.loads((ROOT / "evals" / "baseline.json").read_text())
    assert set(baseline) == set(baseline_mod.MODELS)
    figures = baseline_mod.current(list(baseline))
    for model, want in baseline.items():
        got = figures[model]
        assert got["failures"] <= want["failures"], model
        assert got["macro_f1"] >= want["macro_f1"] - TOLERANCE, (model, got["macro_f1"], want["macro_f1"])
        for name, f1 in want["f1"].items():
            assert got["f1"][name] >= f1 - TOLERANCE, (model, name, got["f1"][name], f1)
        assert got["grounding_rate"] is None or got["grounding_rate"] == 1.0
