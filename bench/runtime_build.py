"""Benchmark: building the embedded runtime (llama-server) from the pinned source, timed.

    python bench/runtime_build.py              # summarizer's build (llama_build.cmake), wall and CPU seconds
    python bench/runtime_build.py --compare    # then llama.cpp's plain build of the same source, same run
    python bench/runtime_build.py --jobs 1     # on one core

Each build runs the exact configure and compile commands of ``summarizer models pull``
(``summarizer.local._runtime.build_command``) in a temporary folder, from the pinned sdist
(fetched once with pip, sha256-checked, patched as for the real build); nothing in the user's
cache is touched. ``--compare`` drops only the ``CMAKE_PROJECT_llama.cpp_INCLUDE`` option, so
the difference between the two lines is what ``llama_build.cmake`` saves. Prints, per build,
the wall seconds of configure and compile and the CPU seconds of all compiler processes, with
the load average before and after (the machine is shared: compare lines of one run only).
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from summarizer.local import _runtime as runtime  # noqa: E402


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _timed_build(source: Path, build: Path, jobs: int, *, tuned: bool) -> dict[str, float]:
    configure, compile_ = runtime.build_command(runtime._cmake(), source, build, jobs)
    if not tuned:
        configure = [arg for arg in configure if not arg.startswith("-DCMAKE_PROJECT_llama.cpp_INCLUDE=")]
    figures: dict[str, float] = {"load_before": os.getloadavg()[0]}
    cpu = _children_cpu()
    log = build.parent / f"{build.name}.log"
    for step, argv in (("configure_s", configure), ("compile_s", compile_)):
        started = time.monotonic()
        with log.open("a") as out:
            code = subprocess.run(argv, stdout=out, stderr=subprocess.STDOUT, check=False).returncode  # noqa: S603
        figures[step] = time.monotonic() - started
        if code != 0:
            raise SystemExit(f"{step[:-2]} failed (exit {code}): {log.read_text(errors='replace')[-2000:]}")
    figures["cpu_s"] = _children_cpu() - cpu
    figures["load_after"] = os.getloadavg()[0]
    runtime.check_version(build / "bin" / runtime.BINARY)
    return figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--compare", action="store_true", help="also build without llama_build.cmake")
    parser.add_argument("--jobs", type=int, default=runtime._jobs())
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="runtime-build-"))
    try:
        started = time.monotonic()
        sdist = runtime._download_sdist(work, print)
        source = runtime._extract(sdist, work / "src")
        runtime._patch_source(source)
        print(f"source fetched, checked and extracted in {time.monotonic() - started:.0f} s", flush=True)
        builds = [("summarizer (llama_build.cmake)", True)]
        if args.compare:
            builds.append(("llama.cpp defaults", False))
        for label, tuned in builds:
            print(f"building: {label} on {args.jobs} job(s) ...", flush=True)
            f = _timed_build(source, work / ("tuned" if tuned else "plain"), args.jobs, tuned=tuned)
            print(
                f"{label}: configure {f['configure_s']:.0f} s, compile {f['compile_s']:.0f} s wall, "
                f"{f['cpu_s']:.0f} CPU-s (load {f['load_before']:.2f} -> {f['load_after']:.2f})",
                flush=True,
            )
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
