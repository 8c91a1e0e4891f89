"""Per-call overhead of the local model server: wall time vs llama.cpp's own timings.

    python bench/local_overhead.py --model local/qwen2.5-coder-1.5b \
        --article ../shared/articles/000_8e4072f24d340fe0.txt --runs 3

Starts the managed server (summarizer.local, the same code path as the CLI), makes
real schema-constrained calls through openai + instructor (Mode.JSON with
``response_format={"type": "json_object", "schema": ...}`` in extra_body: llama-cpp-python
decodes under a grammar built from the schema), and prints per call: wall time, llama.cpp's
prompt-eval and eval time (parsed from the server log: ``llama_perf_context_print``),
overhead, prompt and generation tokens/s; then model load time and the server's peak RSS.

Every call shares the system prompt + article prefix (as the pipeline's calls do); the first
call evaluates it, later ones reuse the KV cache. ``--cold`` makes each prompt different at
its start so every call evaluates the whole prompt.

``--server stock`` runs llama-cpp-python's own server with the flags from LOCAL_LLM.md (the
"before"); ``--server-arg`` appends flags to our server for A/B tests, e.g.
``--server-arg=--stock_sampling`` or ``--server-arg=--logits_all --server-arg=true``.

Other processes using the CPU distort the figures badly (llama.cpp's threads wait for each
other); the "busy" column shows how much CPU others used during each call.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import sys
import time
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, Field

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from summarizer.local import get_model, require_installed  # noqa: E402
from summarizer.local._server import ManagedServer, physical_cores, server_command  # noqa: E402


class Actor(BaseModel):
    name: str = Field(description="as written in the article")
    kind: Literal["person", "armed_forces", "armed_group", "government", "organization", "other"]
    side: str | None = Field(description="Russia, Ukraine, another country, or null")


class Location(BaseModel):
    name: str
    kind: Literal["settlement", "region", "country", "facility", "other"]
    country: str | None


class Event(BaseModel):
    type: Literal["battle", "explosion_remote_violence", "violence_against_civilians", "strategic_development", "other"]
    description: str
    location: str | None


class Casualty(BaseModel):
    kind: Literal["killed", "wounded", "captured", "missing", "casualties"]
    count: int | None
    raw: str = Field(description="the figure as written")
    affected: str | None


class Brief(BaseModel):
    summary: str = Field(description="2 neutral sentences")
    actors: list[Actor] = Field(max_length=8)
    locations: list[Location] = Field(max_length=8)
    events: list[Event] = Field(max_length=6)
    casualties: list[Casualty] = Field(max_length=6)


SYSTEM = (
    "You extract facts from one news article about an armed conflict. Use only the article. "
    "Names exactly as written.\n\nARTICLE:\n{article}"
)
TASKS = [
    "Extract the brief: actors, locations, events and casualty figures.",
    "Extract the brief again, carefully: every actor, place, event and figure.",
    "Extract the brief of this article: who, where, what happened, how many.",
]

_PERF = re.compile(r"llama_perf_context_print:\s+(prompt eval|eval) time =\s+([\d.]+) ms /\s+(\d+)")


class LogReader:
    """Reads the llama.cpp timings the server printed for the last request."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.offset = path.stat().st_size if path.exists() else 0

    def take(self, wait_s: float = 2.0) -> dict[str, float]:
        deadline = time.monotonic() + wait_s
        out: dict[str, float] = {}
        while True:
            with self.path.open("rb") as f:
                f.seek(self.offset)
                text = f.read().decode("utf-8", "replace")
            for kind, ms, n in _PERF.findall(text):
                key = "prompt" if kind == "prompt eval" else "eval"
                out[f"{key}_ms"] = float(ms)
                out[f"{key}_n"] = float(n)
            if "eval_ms" in out or time.monotonic() > deadline:
                self.offset += len(text.encode("utf-8"))
                return out
            time.sleep(0.05)


def _cpu_jiffies() -> tuple[int, int]:
    with open("/proc/stat", encoding="ascii") as f:
        fields = [int(x) for x in f.readline().split()[1:]]
    idle = fields[3] + fields[4]
    return sum(fields[:8]), idle


def _proc_jiffies(pid: int) -> int:
    with open(f"/proc/{pid}/stat", encoding="ascii") as f:
        parts = f.read().rsplit(")", 1)[1].split()
    return int(parts[11]) + int(parts[12])


def _peak_rss_mb(pid: int) -> float:
    with open(f"/proc/{pid}/status", encoding="ascii") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def wait_idle(max_wait_s: float, *, window_s: float = 3.0, limit_pct: float = 10.0) -> float:
    """Wait until other processes use under ``limit_pct`` of the CPU for ``window_s``;
    returns the seconds waited (gives up after ``max_wait_s``)."""
    started = time.monotonic()
    while time.monotonic() - started < max_wait_s:
        tot0, idle0 = _cpu_jiffies()
        time.sleep(window_s)
        tot1, idle1 = _cpu_jiffies()
        if 100.0 * ((tot1 - tot0) - (idle1 - idle0)) / max(1, tot1 - tot0) < limit_pct:
            break
    return time.monotonic() - started


def _stock_command(name: str, path: Path, n_ctx: int) -> Any:
    def command(port: int) -> list[str]:
        return [
            sys.executable,
            "-m",
            "llama_cpp.server",
            "--model",
            str(path),
            "--model_alias",
            name,
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--n_ctx",
            str(n_ctx),
            "--n_threads",
            str(physical_cores()),
            "--chat_format",
            get_model(name).chat_format or "gemma",
        ]

    return command


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--model", default="local/qwen2.5-coder-1.5b")
    ap.add_argument(
        "--article", type=Path, default=Path(__file__).resolve().parents[2] / "shared/articles/000_8e4072f24d340fe0.txt"
    )
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--max-tokens", type=int, default=1024)
    ap.add_argument("--n-ctx", type=int, default=None)
    ap.add_argument("--cold", action="store_true", help="no prefix reuse between calls")
    ap.add_argument("--server", choices=["ours", "stock"], default="ours")
    ap.add_argument("--server-arg", action="append", default=[])
    ap.add_argument(
        "--wait-idle",
        type=float,
        default=0.0,
        metavar="S",
        help="before each call, wait up to S seconds for the CPU to be idle",
    )
    args = ap.parse_args()

    import instructor
    import openai

    model = get_model(args.model)
    path = require_installed(args.model)
    n_ctx = args.n_ctx or model.n_ctx
    article = args.article.read_text(encoding="utf-8")
    extra = list(args.server_arg)
    if args.server == "stock":
        command = _stock_command(args.model, path, n_ctx)
        env = {k: v for k, v in os.environ.items() if k != "OMP_WAIT_POLICY"}
    else:

        def command(port: int) -> list[str]:
            return server_command(args.model, path, port, n_ctx) + extra

        env = None
    server = ManagedServer(args.model, n_ctx=n_ctx, command=command, env=env)
    print(
        f"# {args.model} ({path.name}), server={args.server} {' '.join(extra)}, "
        f"n_ctx={n_ctx}, threads={physical_cores()}, article={args.article.name} "
        f"({len(article)} chars), runs={args.runs}{' cold' if args.cold else ''}"
    )
    t0 = time.perf_counter()
    server.start()
    assert server.pid is not None and server.log_path is not None
    load_s = time.perf_counter() - t0
    schema = Brief.model_json_schema()
    client = instructor.from_openai(
        openai.OpenAI(base_url=server.base_url, api_key="local", max_retries=0, timeout=900),
        mode=instructor.Mode.JSON,
    )
    header = (
        f"{'call':>4} {'wall s':>7} {'llama s':>8} {'ovh %':>6} {'prompt':>7} "
        f"{'p tok/s':>8} {'gen':>5} {'g tok/s':>8} {'sample s':>8} {'busy %':>6}  items"
    )
    print(header)
    rows: list[tuple[float, float]] = []
    ncpu = os.cpu_count() or 1
    try:
        reader = LogReader(server.log_path)
        for i in range(args.runs):
            system = SYSTEM.format(article=article)
            if args.cold:
                system = f"[request {i} at {time.time():.6f}]\n" + system
            messages: list[Any] = [
                {"role": "system", "content": system},
                {"role": "user", "content": TASKS[i % len(TASKS)]},
            ]
            if args.wait_idle:
                waited = wait_idle(args.wait_idle)
                if waited > 3.5:
                    print(f"     (waited {waited:.0f} s for an idle CPU)", flush=True)
            tot0, idle0 = _cpu_jiffies()
            srv0, me0 = _proc_jiffies(server.pid), _proc_jiffies(os.getpid())
            t = time.perf_counter()
            brief, completion = client.chat.completions.create_with_completion(
                model=args.model,
                messages=messages,
                response_model=Brief,
                max_retries=0,
                temperature=0,
                max_tokens=args.max_tokens,
                extra_body={"response_format": {"type": "json_object", "schema": schema}},
            )
            wall = time.perf_counter() - t
            tot1, idle1 = _cpu_jiffies()
            srv1, me1 = _proc_jiffies(server.pid), _proc_jiffies(os.getpid())
            busy = (tot1 - tot0) - (idle1 - idle0) - (srv1 - srv0) - (me1 - me0)
            busy_pct = 100.0 * busy / max(1, tot1 - tot0)
            perf = reader.take()
            timings = getattr(completion, "timings", None) or {}
            p_ms, e_ms = perf.get("prompt_ms", 0.0), perf.get("eval_ms", 0.0)
            p_n, e_n = perf.get("prompt_n", 0.0), perf.get("eval_n", 0.0)
            llama_s = (p_ms + e_ms) / 1000
            ovh = 100.0 * (wall - llama_s) / llama_s if llama_s else float("nan")
            rows.append((wall, llama_s))
            items = f"{len(brief.actors)}a {len(brief.locations)}l {len(brief.events)}e {len(brief.casualties)}c"
            sample_s = timings.get("sampling_ms", float("nan")) / 1000 if isinstance(timings, dict) else float("nan")
            print(
                f"{i + 1:>4} {wall:>7.2f} {llama_s:>8.2f} {ovh:>6.1f} {int(p_n):>7} "
                f"{(p_n / p_ms * 1000 if p_ms else float('nan')):>8.1f} {int(e_n):>5} "
                f"{(e_n / e_ms * 1000 if e_ms else float('nan')):>8.1f} {sample_s:>8.2f} "
                f"{busy_pct:>6.1f}  {items}",
                flush=True,
            )
        rss = _peak_rss_mb(server.pid)
    finally:
        server.stop()
    walls, llamas = [r[0] for r in rows], [r[1] for r in rows]
    total_ovh = 100.0 * (sum(walls) - sum(llamas)) / sum(llamas)
    print(f"model load (spawn -> healthy): {load_s:.2f} s; server peak RSS: {rss:,.0f} MB; cpus: {ncpu}")
    print(
        f"total: wall {sum(walls):.2f} s vs llama.cpp {sum(llamas):.2f} s -> overhead "
        f"{total_ovh:.1f}% (median per call "
        f"{statistics.median(100 * (w - s) / s for w, s in rows):.1f}%); target <= 10%"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
