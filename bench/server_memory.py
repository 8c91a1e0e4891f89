"""Benchmark: peak memory of the managed local server per slot count.

    python bench/server_memory.py                                  # default model, 1/2/4 slots + old runtime
    python bench/server_memory.py --model local/gemma-3-270m --slots 1,2,4,8 --no-old

For each slot count, starts the managed llama-server (SUMMARIZER_LOCAL_SLOTS=N), sends N
chat completions at once (the first 2,000 characters of an article of the dataset as the
prompt, 16 output tokens, the grammar of a JSON object) so every slot holds a prompt (the KV
buffer of every slot is allocated at load: memory is there before any request), and prints the server's peak resident
memory (VmHWM from /proc) after load and after the requests, with the wall time of the
requests and the load average. With the old runtime (SUMMARIZER_RUNTIME=llama-cpp-python,
one slot) as a last line unless --no-old.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

ARTICLE = ROOT / "evals" / "datasets" / "articles" / "000_8e4072f24d340fe0.txt"


def vm_hwm_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def one(runtime: str, slots: int, model: str) -> tuple[float, float, float, float]:
    from summarizer.local import ManagedServer
    from summarizer.models import httpx

    os.environ["SUMMARIZER_RUNTIME"] = runtime
    os.environ["SUMMARIZER_LOCAL_SLOTS"] = str(slots)
    text = ARTICLE.read_text(encoding="utf-8")[:2000]
    with ManagedServer(model) as server:
        assert server.pid is not None
        loaded = vm_hwm_mib(server.pid)
        body = {
            "model": model,
            "max_tokens": 16,
            "temperature": 0,
            "response_format": {
                "type": "json_object",
                "schema": {"type": "object", "properties": {"places": {"type": "array", "items": {"type": "string"}}}},
            },
        }

        def call(i: int) -> None:
            messages = [{"role": "user", "content": f"({i}) List the places named in this article.\n\n{text}"}]
            r = httpx.post(f"{server.base_url}/chat/completions", json={**body, "messages": messages}, timeout=900)
            r.raise_for_status()

        started = time.monotonic()
        with ThreadPoolExecutor(max_workers=slots) as pool:
            list(pool.map(call, range(slots)))
        wall = time.monotonic() - started
        return loaded, vm_hwm_mib(server.pid), wall, os.getloadavg()[0]


def main() -> int:
    from summarizer.config import DEFAULT_MODEL

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", default=DEFAULT_MODEL)
    parser.add_argument("--slots", default="1,2,4")
    parser.add_argument("--no-old", action="store_true", help="skip the llama-cpp-python runtime")
    args = parser.parse_args()
    runs = [("llama-server", int(n)) for n in args.slots.split(",")]
    if not args.no_old:
        runs.append(("llama-cpp-python", 1))
    rows = []
    for runtime, slots in runs:
        loaded, peak, wall, load = one(runtime, slots, args.model)
        rows.append((runtime, slots, loaded, peak, wall, load))
        print(
            f"{runtime} {slots} slot(s): VmHWM {loaded:.0f} MiB after load, {peak:.0f} MiB after "
            f"{slots} request(s) at once ({wall:.1f} s; load {load:.2f})",
            flush=True,
        )
    print(f"\n{args.model}\nruntime           slots  peak RSS after load  after N requests  load(1m)")
    for runtime, slots, loaded, peak, _wall, load in rows:
        print(f"{runtime:17} {slots:5}  {loaded:15.0f} MiB  {peak:12.0f} MiB  {load:8.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
