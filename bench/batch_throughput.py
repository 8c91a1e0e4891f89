"""Benchmark: `summarizer batch` throughput (articles per minute) at concurrency 1, 2 and 4.

Usage:
    python bench/batch_throughput.py [--model local/gemma-3-270m] [--articles 4] [--levels 1,2,4]
                                     [--base-url URL] [--timeout-per-article 600]
    python bench/batch_throughput.py --model local/qwen2.5-coder-1.5b --articles 8 \
        --runtime llama-server:1,4 --runtime llama-cpp-python:1     # both runtimes, one run

``--runtime NAME:LEVELS`` (repeatable) runs the managed local server of that runtime
(SUMMARIZER_RUNTIME) at those concurrency levels, one runtime after the other over the same
articles; each line carries the load average when it was measured and the server's peak
resident memory (VmHWM).

Runs the real batch code (worker threads, transport, the real pipeline) on the N shortest
articles of evals/datasets/articles, once per concurrency level, into a fresh out file with
the response cache off, and prints articles per minute for each level.

The server: with --base-url, any OpenAI-compatible server already running the model. Without
it the bench starts the project's managed local server (`summarizer.local`): llama.cpp's
llama-server with SUMMARIZER_LOCAL_SLOTS parallel slots (default 4), or with
SUMMARIZER_RUNTIME=llama-cpp-python the old server, which has ONE slot (requests from
concurrent articles queue in it).

The machine is shared: before measuring, the bench lists any other llama server process and
its CPU use over one second, and says so in the output when the machine is busy.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from summarizer import batch  # noqa: E402
from summarizer.config import Settings  # noqa: E402

ARTICLES = ROOT / "evals" / "datasets" / "articles"


def _cpu_ticks(pid: int) -> int | None:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return int(fields[11]) + int(fields[12])  # utime + stime
    except (OSError, IndexError, ValueError):
        return None


def other_llama_servers(own: set[int]) -> list[tuple[int, float, str]]:
    """(pid, CPU % over one second, command) of every llama server process not started by us."""
    found: dict[int, str] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) in own or int(entry.name) == os.getpid():
            continue
        try:
            cmd = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace").strip()
        except OSError:
            continue
        if any(k in cmd for k in ("llama_cpp.server", "summarizer.local._llama_server", "llama-server", "vllm")):
            found[int(entry.name)] = cmd
    before = {pid: _cpu_ticks(pid) for pid in found}
    time.sleep(1.0)
    hz = os.sysconf("SC_CLK_TCK")
    out = []
    for pid, cmd in found.items():
        a, b = before[pid], _cpu_ticks(pid)
        cpu = 100.0 * (b - a) / hz if a is not None and b is not None else 0.0
        out.append((pid, cpu, cmd))
    return out


def _children() -> set[int]:
    """Processes whose parent is this one (the server we started)."""
    kids = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            if ppid == os.getpid():
                kids.add(int(entry.name))
    return kids


def peak_rss_mib(pid: int) -> float | None:
    """VmHWM (peak resident set) of a process, MiB."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except (OSError, ValueError, IndexError):
        return None
    return None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", default="local/gemma-3-270m")
    parser.add_argument("--articles", type=int, default=4)
    parser.add_argument("--levels", default="1,2,4")
    parser.add_argument("--base-url", default=None, help="a running server for the model (parallel slots)")
    parser.add_argument("--timeout-per-article", type=float, default=600.0)
    parser.add_argument(
        "--runtime",
        action="append",
        default=[],
        help="NAME:LEVELS, e.g. llama-server:1,4 (repeatable; managed server of that runtime)",
    )
    args = parser.parse_args()
    default = [(os.environ.get("SUMMARIZER_RUNTIME", ""), [int(x) for x in args.levels.split(",")])]
    plans = [
        (r.partition(":")[0], [int(x) for x in (r.partition(":")[2] or args.levels).split(",")]) for r in args.runtime
    ] or default
    summary = []
    for runtime, levels in plans:
        if runtime:
            os.environ["SUMMARIZER_RUNTIME"] = runtime
        print(f"\n== runtime {runtime or 'default'}: concurrency {levels}", flush=True)
        summary += [(runtime or "default", *r) for r in measure(args, levels)]
    print("\nruntime           concurrency  articles/min  speed-up  load(1m)  server peak RSS")
    for runtime, level, per_min, base, load, rss in summary:
        print(
            f"{runtime:17} {level:>11}  {per_min:>12.2f}  {per_min / base if base else 0:>7.2f}x  {load:>8.2f}"
            f"  {f'{rss:.0f} MiB' if rss else '-'}"
        )


def measure(args: argparse.Namespace, levels: list[int]) -> list[tuple[int, float, float, float, float | None]]:
    files = sorted((p for p in ARTICLES.glob("*.txt")), key=lambda p: p.stat().st_size)[: args.articles]
    chars = sum(len(p.read_text(encoding="utf-8")) for p in files)
    print(f"model {args.model}; {len(files)} articles ({chars:,} characters): {', '.join(p.stem for p in files)}")

    others = other_llama_servers(set())
    busy = [(pid, cpu, cmd) for pid, cpu, cmd in others if cpu > 5.0]
    for pid, cpu, cmd in others:
        print(f"other llama server: pid {pid}, {cpu:.0f}% CPU: {cmd[:140]}")
    load1 = os.getloadavg()[0]
    print(f"load average (1 min) {load1:.2f} on {os.cpu_count()} CPUs")
    if busy:
        print("WARNING: another llama server is busy: the figures below are depressed by it")

    settings = Settings(timeout_s=args.timeout_per_article)
    own: set[int] = set()
    server_note = ""
    server_pid: int | None = None
    with tempfile.TemporaryDirectory() as tmp:
        from contextlib import ExitStack

        with ExitStack() as stack:
            if args.base_url:
                base_url = args.base_url
                server_note = f"server at {base_url}"
            else:
                from summarizer.local import local_server, server_slots

                started = time.monotonic()
                base_url = stack.enter_context(local_server(args.model))
                own.update(_children())
                from summarizer.local._process import live_servers

                server_pid = live_servers()[0].pid
                settings.local_slots = server_slots(base_url)
                server_note = (
                    f"managed {os.environ.get('SUMMARIZER_RUNTIME') or 'default'} server at {base_url} "
                    f"({settings.local_slots} slot(s); started in {time.monotonic() - started:.1f} s)"
                )
            print(server_note)
            settings.local_base_url = base_url
            settings.base_url = base_url if not args.model.startswith("local/") else None
            # warm-up: load the weights into the page cache and the prompt prefix into the KV cache
            batch.run_batch(
                [files[0]],
                Path(tmp) / "warmup.jsonl",
                batch.BatchOptions(model=args.model, concurrency=1, cache_dir=None),
                settings,
            )
            results = []
            for level in levels:
                out = Path(tmp) / f"c{level}.jsonl"
                report = batch.run_batch(
                    files,
                    out,
                    batch.BatchOptions(
                        model=args.model,
                        concurrency=level,
                        cache_dir=None,
                        timeout_per_article=args.timeout_per_article,
                    ),
                    settings,
                )
                per_min = (report.ok + report.failed) / report.elapsed_s * 60
                load = os.getloadavg()[0]
                rss = peak_rss_mib(server_pid) if server_pid else None
                results.append((level, report, per_min, load, rss))
                print(
                    f"concurrency {level}: {report.ok} ok, {report.failed} failed in {report.elapsed_s:.1f} s "
                    f"-> {per_min:.2f} articles/min ({report.tokens:,} tokens, "
                    f"{report.tokens / report.elapsed_s:.0f} tokens/s; load {load:.2f}; "
                    f"server peak RSS {f'{rss:.0f} MiB' if rss else '-'})",
                    flush=True,
                )
                for f in report.failures:
                    print(f"    {f.id}: {f.type}: {f.message[:160]}")
    after = [(pid, cpu) for pid, cpu, _ in other_llama_servers(own) if cpu > 5.0]
    if after:
        busy = busy or [(pid, cpu, "") for pid, cpu in after]
        print(
            "other llama servers busy right after the run: "
            + ", ".join(f"pid {pid} {cpu:.0f}% CPU" for pid, cpu in after)
        )
    base = results[0][2] if results else 0.0
    if busy:
        print("(measured while another llama server was busy on this 2-core machine)")
    return [(level, per_min, base, load, rss) for level, _report, per_min, load, rss in results]


if __name__ == "__main__":
    main()
