"""Speculative decoding on this machine (issue 22, item 3): does llama-server's
`--spec-type` (a draft model, or n-grams of the context) make the pipeline's answers faster?

Starts the managed runtime's `llama-server` once per variant (one slot, the same threads and
sizes as the managed server) and sends each the same recorded requests (a cassette of the
default model: its passes' chat requests, grammar included), then prints per variant the
prompt and generation seconds from the server's own `timings`, generation tokens per second,
drafted/accepted tokens, wall seconds, and the ratio of wall seconds to the plain server's.
Variants run one after another in one run; compare them only within it.

    python bench/speculative.py                                  # 002's brief-v6 cassette
    python bench/speculative.py --cassette cassettes/local_qwen2.5-coder-1.5b/brief-v6/X.json
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CASSETTE = ROOT / "cassettes" / "local_qwen2.5-coder-1.5b" / "brief-v6" / "569bf77e69d58c36.json"  # 002, 751 words


def variants(draft: Path | None) -> dict[str, list[str]]:
    out = {
        "plain": [],
        "ngram-simple (n=3, m=8)": [
            "--spec-type",
            "ngram-simple",
            "--spec-ngram-simple-size-n",
            "3",
            "--spec-ngram-simple-size-m",
            "8",
        ],
    }
    if draft is not None:
        out["draft 0.5b (n-max 6)"] = [
            "--spec-type",
            "draft-simple",
            "--model-draft",
            str(draft),
            "--spec-draft-n-max",
            "6",
        ]
    return out


def requests_of(cassette: Path) -> list[dict[str, object]]:
    data = json.loads(cassette.read_text(encoding="utf-8"))
    out = []
    for it in data["interactions"]:
        body = it["request"]["body"]
        if body and "chat/completions" in it["request"]["uri"]:
            req = json.loads(body)
            req.pop("stream", None)
            out.append(req)
    return out


def main() -> int:
    import httpx

    from summarizer.local import installed_path
    from summarizer.local._runtime import server_binary

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cassette", type=Path, default=CASSETTE)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--port", type=int, default=18181)
    args = parser.parse_args()
    target = installed_path("local/qwen2.5-coder-1.5b")
    draft = installed_path("local/qwen2.5-coder-0.5b")
    if target is None:
        print("pull local/qwen2.5-coder-1.5b first (summarizer models pull)", file=sys.stderr)
        return 2
    requests = requests_of(args.cassette)
    print(f"{len(requests)} requests of {args.cassette.name}; load {os.getloadavg()[0]:.2f}", flush=True)
    rows = []
    for name, extra in variants(draft).items():
        argv = [
            str(server_binary()),
            "--model",
            str(target),
            "--host",
            "127.0.0.1",
            "--port",
            str(args.port),
            "--ctx-size",
            "8192",
            "--parallel",
            "1",
            "--threads",
            str(args.threads),
            "--threads-batch",
            str(args.threads),
            "--batch-size",
            "512",
            "--ubatch-size",
            "512",
            "--no-webui",
            "--no-jinja",
            "--chat-template",
            "chatml",
            *extra,
        ]
        proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            url = f"http://127.0.0.1:{args.port}"
            for _ in range(120):
                try:
                    if httpx.get(url + "/health", timeout=2).status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                time.sleep(0.5)
            prompt_s = gen_s = wall = 0.0
            gen_n = drafted = accepted = 0
            for req in requests:
                started = time.perf_counter()
                reply = httpx.post(url + "/v1/chat/completions", json=req, timeout=900).json()
                wall += time.perf_counter() - started
                t = reply.get("timings", {})
                prompt_s += t.get("prompt_ms", 0) / 1000
                gen_s += t.get("predicted_ms", 0) / 1000
                gen_n += t.get("predicted_n", 0)
                drafted += t.get("draft_n", 0) or 0
                accepted += t.get("draft_n_accepted", 0) or 0
        finally:
            proc.terminate()
            proc.wait(timeout=30)
        rows.append((name, prompt_s, gen_s, gen_n, drafted, accepted, wall))
        print(
            f"{name:26} prompt {prompt_s:6.1f} s  generation {gen_s:6.1f} s"
            f" ({gen_n / gen_s if gen_s else 0:.1f} tokens/s)"
            f"  drafted {drafted} accepted {accepted}  wall {wall:6.1f} s  ratio to plain {wall / rows[0][6]:.2f}x",
            flush=True,
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
