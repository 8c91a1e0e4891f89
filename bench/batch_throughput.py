"""Benchmark: `summarizer batch` throughput (articles per minute) at concurrency 1, 2 and 4.

Usage:
    python bench/batch_throughput.py [--model local/gemma-3-270m] [--articles 4] [--levels 1,2,4]
                                     [--base-url URL] [--timeout-per-article 600]

Runs the real batch code (worker threads, transport, the real pipeline) on the N shortest
articles of evals/datasets/articles, once per concurrency level, into a fresh out file with
the response cache off, and prints articles per minute for each level.

The server: with --base-url, any OpenAI-compatible server already running the model. To
measure parallel slots, that is llama.cpp's `llama-server -m MODEL.gguf --parallel 4
--ctx-size 32768` (each slot gets ctx-size/parallel tokens) or vLLM. Without --base-url
the bench starts the project's managed local server (`summarizer.local`, built on
llama-cpp-python), which has ONE slot: requests from concurrent articles queue in it, so
the figures then measure the overhead of concurrency rather than a speed-up.

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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", default="local/gemma-3-270m")
    parser.add_argument("--articles", type=int, default=4)
    parser.add_argument("--levels", default="1,2,4")
    parser.add_argument("--base-url", default=None, help="a running server for the model (parallel slots)")
    parser.add_argument("--timeout-per-article", type=float, default=600.0)
    args = parser.parse_args()
    levels = [int(x) for x in args.levels.split(",")]
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
    with tempfile.TemporaryDirectory() as tmp:
        from contextlib import ExitStack

        with ExitStack() as stack:
            if args.base_url:
                base_url = args.base_url
                server_note = f"server at {base_url}"
            else:
                from summarizer.local import local_server

                started = time.monotonic()
                base_url = stack.enter_context(local_server(args.model))
                own.update(_children())
                server_note = (f"managed llama-cpp-python server at {base_url} (one slot; started in "
                               f"{time.monotonic() - started:.1f} s)")
            print(server_note)
            settings.local_base_url = base_url
            settings.base_url = base_url if not args.model.startswith("local/") else None
            # warm-up: load the weights into the page cache and the prompt prefix into the KV cache
            batch.run_batch([files[0]], Path(tmp) / "warmup.jsonl",
                            batch.BatchOptions(model=args.model, concurrency=1, cache_dir=None), settings)
            results = []
            for level in levels:
                out = Path(tmp) / f"c{level}.jsonl"
                report = batch.run_batch(files, out, batch.BatchOptions(
                    model=args.model, concurrency=level, cache_dir=None,
                    timeout_per_article=args.timeout_per_article), settings)
                per_min = (report.ok + report.failed) / report.elapsed_s * 60
                results.append((level, report, per_min))
                print(f"concurrency {level}: {report.ok} ok, {report.failed} failed in {report.elapsed_s:.1f} s "
                      f"-> {per_min:.2f} articles/min ({report.tokens:,} tokens, "
                      f"{report.tokens / report.elapsed_s:.0f} tokens/s)", flush=True)
                for f in report.failures:
                    print(f"    {f.id}: {f.type}: {f.message[:160]}")
    after = [(pid, cpu) for pid, cpu, _ in other_llama_servers(own) if cpu > 5.0]
    if after:
        busy = busy or [(pid, cpu, "") for pid, cpu in after]
        print("other llama servers busy right after the run: "
              + ", ".join(f"pid {pid} {cpu:.0f}% CPU" for pid, cpu in after))
    base = results[0][2] if results else 0.0
    print("\nconcurrency  articles/min  speed-up")
    for level, _report, per_min in results:
        print(f"{level:>11}  {per_min:>12.2f}  {per_min / base if base else 0:>7.2f}x")
    if busy:
        print("(measured while another llama server was busy on this 2-core machine)")


if __name__ == "__main__":
    main()
