"""Keeping an evaluation's results: the documents (predictions) and the `--json` figures.
(Every run is also recorded in the run log, `summarizer.runlog`, by the CLI.)
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from summarizer.errors import InputError
from summarizer.evaluation._runner import EvalResult, ModelRun
from summarizer.evaluation._statistics import RunAggregate
from summarizer.files import write_file

__all__ = [
    "Guard",
    "result_to_json",
    "run_to_json",
    "safe_name",
    "save_predictions",
    "unique_name",
    "write_json",
]

_UNSAFE = re.compile(r"[^\w.\-]+", re.UNICODE)


def safe_name(name: str) -> str:
    """A file name from a model name or an article id: "/" becomes "_", as does anything else
    that is not a letter, digit, ".", "-" or "_"; never "", "." or ".."."""
    cleaned = _UNSAFE.sub("_", name.replace("/", "_")).strip()
    if cleaned in ("", ".", "..") or cleaned.startswith("."):
        cleaned = "_" + cleaned
    return cleaned[:200]


def save_predictions(result: EvalResult, directory: Path | str, *, guard: Guard | None = None) -> list[Path]:
    """Write every document to DIR/<model with / replaced by _>/<article id>.json (through the
    guarded writer, `summarizer.files`: never one of `guard`'s inputs or protected files).
    Failed articles have no document and get no file."""
    root = Path(directory)
    written: list[Path] = []
    folders: set[str] = set()
    for run in result.runs:
        folder = root / unique_name(run.model, folders, lossy_ok=True)
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise InputError(f"{folder}: cannot create the directory: {exc.strerror}") from exc
        names: set[str] = set()
        for r in run.results:
            if r.document is None:
                continue
            path = folder / f"{unique_name(r.article_id, names)}.json"
            _write_text(path, json.dumps(r.document, indent=2, ensure_ascii=False) + "\n", guard)
            written.append(path)
    return written


def unique_name(name: str, taken: set[str], *, lossy_ok: bool = False) -> str:
    """A file name for `name` that no other name in `taken` maps to (compared case-folded, for
    case-insensitive file systems): `safe_name(name)` when that is `name` itself, else with a
    hash of `name` added, so "a/b", "a_b", "a b" and two long ids sharing a prefix stay apart.
    `lossy_ok` (model names: "/" is always in them) adds the hash only on a collision.
    The name is added to `taken`."""
    safe = safe_name(name)
    digest = hashlib.sha256(name.encode("utf-8", errors="surrogatepass")).hexdigest()
    if (safe != name and not lossy_ok) or safe.casefold() in taken:
        safe = f"{safe[:180]}-{digest[:12]}"
    if safe.casefold() in taken:  # pragma: no cover - a 48-bit hash collision
        safe = f"{safe_name(name)[:120]}-{digest}"
    taken.add(safe.casefold())
    return safe


def _clean(value: Any) -> Any:
    """JSON has no NaN or infinity: they become null."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_clean(v) for v in value]
    return value


def run_to_json(run: ModelRun) -> dict[str, Any]:
    """One model's figures in the `--json` shape."""
    agg = run.aggregate.to_dict()
    out: dict[str, Any] = {
        "model": run.model,
        "prompt_version": run.prompt_version,
        "schema_hash": run.schema_hash,
        "macro_f1": agg.pop("macro_f1"),
        "macro_f1_ci": agg.pop("macro_f1_ci"),
        "fields": agg.pop("fields"),
        "attributes": agg.pop("attributes"),
    }
    agg.pop("model")
    out.update(agg)
    out["splits"] = {name: split_to_json(a) for name, a in run.splits.items()}
    out["articles"] = [r.score.to_dict() for r in run.results]
    return out


def split_to_json(agg: RunAggregate) -> dict[str, Any]:
    """A split's figures in the `--json` shape: the scores, without the run's tokens and costs."""
    full = agg.to_dict()
    keep = ("articles_scored", "failures", "macro_f1", "macro_f1_ci", "fields", "roles", "role_articles")
    out = {k: full[k] for k in keep}
    out["attributes"] = full["attributes"]
    out["attribution"] = full["attribution"]
    out["faithfulness"] = full["faithfulness"]
    out["grounding_rate"] = full["grounding_rate"]
    return out


def result_to_json(result: EvalResult) -> dict[str, Any]:
    """The `--json` document: {"dataset": ..., "runs": [...], "comparisons": [...]}."""
    return _clean(
        {
            "run_id": result.run_id,
            "started": result.started,
            "dataset": {
                "name": result.dataset.name,
                "path": str(result.dataset.path),
                "sha256": result.dataset.sha256,
                "articles": len(result.dataset),
            },
            "offline": result.offline,
            "bootstrap": {"resamples": result.resamples, "seed": result.seed, "confidence": 0.95},
            "averaging": "per-field precision/recall/F1 are micro (TP, FP, FN summed over "
            "articles); f1_articles is the mean of per-article F1; macro_f1 is the mean of the "
            "four fields' F1",
            "runs": [run_to_json(run) for run in result.runs],
            "comparisons": [c.to_dict() for c in result.comparisons],
        }
    )


@dataclass(frozen=True)
class Guard:
    """What an eval's output files must never be: its inputs (the dataset) and protected
    files (the run log). Passed to `summarizer.files.write_file`."""

    inputs: Sequence[str | os.PathLike[str]] = ()
    protected: Sequence[str | os.PathLike[str]] = ()


def _write_text(path: Path, text: str, guard: Guard | None = None, failure: str = "cannot write") -> None:
    g = guard or Guard()
    write_file(path, text, inputs=g.inputs, protected=g.protected, make_parents=True, failure=failure)


def write_json(result: EvalResult, path: Path | str, *, guard: Guard | None = None) -> Path:
    p = Path(path)
    _write_text(p, json.dumps(result_to_json(result), indent=2, ensure_ascii=False) + "\n", guard)
    return p
