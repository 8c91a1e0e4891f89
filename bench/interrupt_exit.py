"""Check: Ctrl-C on `summarizer batch` ends with exit 130, however busy the workers are.

Usage:
    python bench/interrupt_exit.py [--runs 10] [--articles 12]

Runs the real batch (worker threads, the whole pipeline with spaCy) against the tests' fake
OpenAI-compatible server on copies of a long article of the dataset, sends SIGINT after a random
4-7 s, and prints the exit code of each run. A worker still inside spaCy's native code when the
interpreter exits used to abort the process ("libblis: Aborting.", exit -6 / 134) in about 3
runs of 10; the runner now lets its cancelled workers stop first.
"""

from __future__ import annotations

import argparse
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.batch.test_batch import MODEL, answer  # noqa: E402
from tests.fakeserver import FakeModelServer  # noqa: E402

ARTICLE = ROOT / "evals" / "datasets" / "articles" / "001_0f1bb87850801b8c.txt"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--articles", type=int, default=12)
    args = parser.parse_args()
    text = ARTICLE.read_text(encoding="utf-8")
    codes: list[int] = []
    aborted = 0
    for _ in range(args.runs):
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp)
            (folder / "in").mkdir()
            for k in range(args.articles):
                (folder / "in" / f"a{k:02d}.txt").write_text(f"{text}\n\nVariant {k}.", encoding="utf-8")
            env = {
                **os.environ,
                "NO_COLOR": "1",
                "SUMMARIZER_RESPONSE_CACHE": str(folder / "cache"),
                "SUMMARIZER_LOG_DB": str(folder / "log.sqlite"),
            }
            with FakeModelServer(answer) as server:
                batch = ["batch", str(folder / "in"), "--out", str(folder / "out.jsonl"), "-m", MODEL, "-j", "3"]
                proc = subprocess.Popen(
                    [sys.executable, "-m", "tests.batch_runner", server.base_url, "--", *batch],
                    cwd=ROOT,
                    env=env,
                    stdout=subprocess.PIPE,
                    stderr=subprocess.PIPE,
                )
                time.sleep(4 + random.random() * 3)
                proc.send_signal(signal.SIGINT)
                _, err = proc.communicate(timeout=120)
            codes.append(proc.returncode)
            aborted += b"libblis" in err
    tally = ", ".join(f"{code}: {n}" for code, n in sorted(Counter(codes).items()))
    print(f"batch interrupted {args.runs} times: exit codes {tally}; 'libblis: Aborting.' {aborted} times")
    return 0 if set(codes) == {130} else 1


if __name__ == "__main__":
    sys.exit(main())
