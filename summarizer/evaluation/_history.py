"""Comparing with earlier runs: for each model, its latest earlier run on the same dataset
(same file bytes), read back from the run log that `_store.append_run_log` writes.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from summarizer.evaluation._matching import prf
from summarizer.evaluation._runner import EvalResult
from summarizer.evaluation._scoring import FIELDS
from summarizer.evaluation._store import default_runs_log

__all__ = ["PreviousRun", "previous_runs"]


@dataclass(frozen=True)
class PreviousRun:
    """An earlier run of a model on the same dataset (same file bytes), from the run log."""

    run_id: str
    timestamp: str
    model: str
    prompt_version: str | None
    schema_hash: str | None
    articles: int
    failures: int
    macro_f1: float


def previous_runs(result: EvalResult, path: Path | str | None = None) -> dict[str, PreviousRun]:
    """For each model of `result`, its latest earlier run on the same dataset in the run log
    (read it before appending the current run). Malformed log lines are skipped."""
    p = Path(path) if path is not None else default_runs_log()
    models = {run.model for run in result.runs}
    groups: dict[tuple[str, str], list[dict[str, Any]]] = {}
    try:
        lines = p.read_text(encoding="utf-8").split("\n")  # JSONL: "\n" only
    except (OSError, UnicodeDecodeError):
        return {}
    for line in lines:
        try:
            rec = json.loads(line)
        except json.JSONDecodeError:
            continue
        if not isinstance(rec, dict) or rec.get("dataset_sha256") != result.dataset.sha256:
            continue
        model, run_id = rec.get("model"), rec.get("run_id")
        if model not in models or not isinstance(run_id, str) or run_id == result.run_id:
            continue
        groups.setdefault((str(model), run_id), []).append(rec)
    latest: dict[str, PreviousRun] = {}
    for (model, run_id), recs in groups.items():
        try:
            counts = {
                name: [
                    sum(int(r["scores"]["fields"][name][k]) for r in recs)
                    for k in ("tp", "fp", "fn")
                ]
                for name in FIELDS
            }
        except (KeyError, TypeError, ValueError):
            continue
        f1s = [prf(*counts[name])[2] for name in FIELDS]
        prev = PreviousRun(
            run_id=run_id,
            timestamp=str(recs[0].get("timestamp", "")),
            model=model,
            prompt_version=recs[0].get("prompt_version"),
            schema_hash=recs[0].get("schema_hash"),
            articles=len(recs),
            failures=sum(1 for r in recs if r.get("failed")),
            macro_f1=sum(f1s) / len(f1s),
        )
        if model not in latest or prev.timestamp >= latest[model].timestamp:
            latest[model] = prev
    return latest
