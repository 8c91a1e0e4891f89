"""Benchmark: the README's Quickstart command 1 on a fresh clone with empty caches, timed per phase.

    python bench/first_run.py                 # clone HEAD of this checkout into a temp dir and run it
    python bench/first_run.py --model local/gemma-3-270m   # the same with the smallest model (quicker)
    python bench/first_run.py --keep          # leave the temp dir (venv, caches) for inspection

The command is read from the README (the first line of the Quickstart block) and run phase by
phase (the parts joined by ``&&``) in a fresh ``git clone`` of this checkout's HEAD, with an
empty pip cache (PIP_CACHE_DIR) and an empty summarizer cache (SUMMARIZER_CACHE_DIR: weights
and the built runtime); the package index configuration of the machine (pip.conf) applies.
Every output line is echoed with the seconds since the start; at the end, the wall time of
each phase and the total, with the load average before and after (the machine is shared).
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def quickstart_command(readme: Path) -> str:
    text = readme.read_text(encoding="utf-8")
    block = re.search(r"## Quickstart\s+```bash\n(.*?)\n", text, re.DOTALL)
    if not block:
        raise SystemExit("no Quickstart block in the README")
    return block.group(1).strip()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", default=None, help="replace the Quickstart's model (e.g. local/gemma-3-270m)")
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    command = quickstart_command(ROOT / "README.md")
    if args.model:
        command = re.sub(r"local/[\w.\-]+", args.model, command)
        if "summarize -m " not in command:
            command = command.replace("summarizer summarize ", f"summarizer summarize -m {args.model} ")
    tmp = Path(tempfile.mkdtemp(prefix="first-run-"))
    env = dict(os.environ)
    env["PIP_CACHE_DIR"] = str(tmp / "pip-cache")
    env["SUMMARIZER_CACHE_DIR"] = str(tmp / "summarizer-cache")
    for var in ("VIRTUAL_ENV", "PYTHONPATH", "SUMMARIZER_RUNTIME"):
        env.pop(var, None)
    clone = tmp / "summarizer"
    subprocess.run(["git", "clone", "--quiet", str(ROOT), str(clone)], check=True)
    head = subprocess.run(["git", "-C", str(clone), "log", "-1", "--format=%h %s"], capture_output=True, text=True)
    print(f"fresh clone of {head.stdout.strip()} in {clone}")
    print(f"command: {command}")
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}; {os.cpu_count()} CPUs", flush=True)
    started = time.monotonic()
    phases: list[tuple[str, float, int]] = []
    code = 0
    for part in command.split(" && "):
        t0 = time.monotonic()
        proc = subprocess.Popen(
            ["bash", "-c", part],
            cwd=clone,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            errors="replace",
        )
        assert proc.stdout is not None
        for line in proc.stdout:
            for piece in line.rstrip("\n").split("\r"):
                if piece.strip():
                    print(f"[{time.monotonic() - started:7.1f} s] {piece[:200]}", flush=True)
        code = proc.wait()
        phases.append((part, time.monotonic() - t0, code))
        if code != 0:
            break
    total = time.monotonic() - started
    print(f"\nload average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    for part, seconds, rc in phases:
        print(f"{seconds:8.1f} s  {'ok ' if rc == 0 else f'rc {rc}'}  {part[:110]}")
    print(f"{total:8.1f} s  total ({total / 60:.1f} min) to the first brief" + ("" if code == 0 else " (FAILED)"))
    if args.keep:
        print(f"kept {tmp}")
    else:
        shutil.rmtree(tmp, ignore_errors=True)
    return code


if __name__ == "__main__":
    sys.exit(main())
