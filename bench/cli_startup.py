"""Benchmark: wall time of `summarizer --help` (median of N runs; target < 0.3 s).

Usage: python bench/cli_startup.py [--runs N]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=11)
    args = parser.parse_args()
    exe = shutil.which("summarizer") or str(Path(sys.executable).parent / "summarizer")
    times = []
    for _ in range(args.runs + 1):
        start = time.perf_counter()
        subprocess.run([exe, "--help"], check=True, stdout=subprocess.DEVNULL)
        times.append(time.perf_counter() - start)
    times = times[1:]  # the first run warms the file cache
    median = statistics.median(times)
    print(
        f"summarizer --help: median {median * 1000:.0f} ms, min {min(times) * 1000:.0f} ms, "
        f"max {max(times) * 1000:.0f} ms over {len(times)} runs (target < 300 ms)"
    )
    sys.exit(0 if median < 0.3 else 1)


if __name__ == "__main__":
    main()
