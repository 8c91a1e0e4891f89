"""Model seconds per article for a model, live (not replayed): the figure behind "a brief takes
minutes". Runs `summarize` on each article through the real model (the managed local server for
`local/` models), and prints, per article, its words, the model's wall time (provenance
latency: every call, retries included), calls and tokens, then the mean, and the mean scaled to
a 700-word article.

    python bench/model_seconds.py                                   # default model, 4 dataset articles
    python bench/model_seconds.py --model local/qwen2.5-coder-1.5b --articles 8
    python bench/model_seconds.py --base-url http://127.0.0.1:8080/v1 evals/datasets/articles/000_8e4072f24d340fe0.txt
    python bench/model_seconds.py --runtime llama-cpp-python --runtime llama-server   # old vs new, one run

With ``--runtime`` (repeatable) each runtime's managed server (SUMMARIZER_RUNTIME) runs the
same articles in turn, and the last lines compare them; the load average is printed with
each mean.

The floor (issue 22). Right before each article, the bench measures llama.cpp's own speed on
this machine, in this run: one `/completion` of the article (its tokens read with no cache, 64
tokens generated), read from the server's `timings` (prompt and generation tokens per second).
The article's floor is its own tokens read once (`/tokenize`) plus the completion tokens the
pipeline wrote, at those speeds; the bench prints the measured model seconds, their ratio to the
floor, the prompt tokens the server actually processed (`timings.prompt_n`, the rest came from
its cache) against the article's tokens, and the completion tokens per 700 words; the mean ratio
gets a line of its own (`ratio to floor 1.65x`). Model seconds add up the calls' own times; with
a server of several slots an article's later passes run at once and their times overlap, so
``--sequential`` sends them one at a time, as on a one-slot server. With ``--prompt`` repeated, the prompts run in
turn article by article, so that they meet the same load. Before the first article each
prompt's instructions (its system message, the same for every article) are sent once: a server
reads them once, not once per article, and the bench prints what that costs.

    python bench/model_seconds.py --prompt brief-v6 --prompt brief-v7 --articles 3

The server is started once and kept for the run (`summarizer serve` style), so model load time
is not counted. Nothing is cached: the response cache is not used by `summarize`. On a shared
machine, compare figures only within one run (the machine's load changes them).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from contextlib import ExitStack
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DATASET = ROOT / "evals" / "datasets" / "articles"


def main() -> int:
    from summarizer.config import DEFAULT_MODEL

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("paths", nargs="*", help="articles (default: the first --articles of the dataset)")
    parser.add_argument("--model", default=DEFAULT_MODEL)
    parser.add_argument("--articles", type=int, default=4)
    parser.add_argument("--base-url", default=None, help="a running server to use instead of a managed one")
    parser.add_argument("--prompt", action="append", default=[], help="prompt version (repeatable)")
    parser.add_argument("--runtime", action="append", default=[], help="llama-server or llama-cpp-python (repeatable)")
    parser.add_argument(
        "--sequential",
        action="store_true",
        help="an article's passes one at a time (model seconds then add up calls that never overlap)",
    )
    args = parser.parse_args()
    paths = [Path(p) for p in args.paths] or sorted(DATASET.glob("*.txt"))[: args.articles]
    means = []
    for runtime in args.runtime or [None]:
        if runtime:
            os.environ["SUMMARIZER_RUNTIME"] = runtime
            print(f"\n== {runtime}", flush=True)
        results = run(args, paths, args.prompt or [None])
        if results is None:
            return 1
        for prompt, result in results.items():
            means.append((" ".join(x for x in (runtime, prompt) if x) or "default", *result))
    if len(means) > 1:
        print("\nrun                          model s/article  wall s/article  ratio to floor  out/700 words  load(1m)")
        for label, mean_s, wall_s, ratio, out700, load in means:
            print(f"{label:28} {mean_s:15.1f}  {wall_s:14.1f}  {ratio:14.2f}x  {out700:13.0f}  {load:8.2f}")
    return 0


def _root(base_url: str) -> str:
    return base_url[: -len("/v1")] if base_url.endswith("/v1") else base_url


def llama_speed(base_url: str, text: str, n_predict: int = 200) -> tuple[float, float] | None:
    """llama.cpp's own prompt and generation speed (tokens per second) on this machine now:
    `/completion` of `text` with no prompt cache, `n_predict` tokens generated, from the
    server's `timings`; None when the server is not llama.cpp."""
    import httpx

    body = {"prompt": text, "n_predict": n_predict, "cache_prompt": False, "temperature": 0.0, "ignore_eos": True}
    try:
        reply = httpx.post(_root(base_url) + "/completion", json=body, timeout=900).json()
        timings = reply["timings"]
        return float(timings["prompt_per_second"]), float(timings["predicted_per_second"])
    except (httpx.HTTPError, KeyError, TypeError, ValueError):
        return None


def token_len(base_url: str, text: str) -> int | None:
    """The article's tokens by the server's own tokenizer (`/tokenize`)."""
    import httpx

    try:
        return len(httpx.post(_root(base_url) + "/tokenize", json={"content": text}, timeout=60).json()["tokens"])
    except (httpx.HTTPError, KeyError, TypeError, ValueError):
        return None


def warm_up(base_url: str, model: str, version: str | None) -> tuple[int, float] | None:
    """Send the prompt's instructions (its system message, the same for every article) once,
    as a server that has run one article holds them in its cache: the bench measures what each
    article costs after the first. Returns (tokens processed, seconds), or None for prompts
    whose system message is not shared (brief-v5 and earlier still send it, cached or not)."""
    import httpx

    from summarizer.config import DEFAULT_PROMPT
    from summarizer.extraction._passes import system_message
    from summarizer.extraction._prompts import load

    system = system_message(load(version or DEFAULT_PROMPT))
    body = {
        "model": model,
        "messages": [{"role": "system", "content": system}, {"role": "user", "content": "<article>"}],
        "max_tokens": 1,
        "temperature": 0.0,
    }
    try:
        started = time.perf_counter()
        reply = httpx.post(base_url.rstrip("/") + "/chat/completions", json=body, timeout=900).json()
        return int(reply["timings"]["prompt_n"]), time.perf_counter() - started
    except (httpx.HTTPError, KeyError, TypeError, ValueError):
        return None


_Row = tuple[str, int, float, float, int, float]


def run(
    args: argparse.Namespace, paths: list[Path], prompts: list[str | None]
) -> dict[str | None, tuple[float, float, float, float, float]] | None:
    """Every article under every prompt, the prompts in turn article by article (so that they
    meet the same load); each article's floor from llama.cpp's speed measured right before it."""
    from summarizer import read_article, summarize
    from summarizer.config import Settings
    from summarizer.models import resolve

    settings = {p: Settings() if p is None else Settings(prompt_version=p) for p in prompts}
    spec = resolve(args.model, settings[prompts[0]])
    rows: dict[str | None, list[_Row]] = {p: [] for p in prompts}
    loads: dict[str | None, list[float]] = {p: [] for p in prompts}
    with ExitStack() as stack:
        if args.base_url:
            base = args.base_url
            settings = {p: replace(s, local_base_url=base, base_url=base) for p, s in settings.items()}
            url = args.base_url
        elif spec.local:
            from summarizer.local import local_server, server_slots

            url = stack.enter_context(local_server(spec.name))
            slots = 1 if args.sequential else server_slots(url)
            settings = {p: replace(s, local_base_url=url, local_slots=slots) for p, s in settings.items()}
        else:
            url = settings[prompts[0]].base_url or ""
        for prompt in prompts:
            warm = warm_up(url, args.model, prompt)
            if warm:
                name = prompt or "default"
                print(f"{name}: its instructions, read once per server: {warm[0]} tokens, {warm[1]:.1f} s")
        for path in paths:
            article = read_article(str(path))
            words = len(article.text.split())
            tokens = token_len(url, article.text)
            speed = llama_speed(url, article.text, n_predict=64)
            if speed:
                print(
                    f"\n{path.name}: llama.cpp now reads {speed[0]:.1f} and writes {speed[1]:.1f} tokens/s "
                    "(/completion of the article, no cache, 64 tokens)",
                    flush=True,
                )
            for prompt in prompts:
                started = time.perf_counter()
                doc = summarize(article, args.model, settings[prompt])
                wall = time.perf_counter() - started
                p = doc.provenance
                floor = tokens / speed[0] + p.completion_tokens / speed[1] if speed and tokens else None
                ratio = p.latency_s / floor if floor else float("nan")
                rows[prompt].append((path.name, words, p.latency_s, wall, p.completion_tokens, ratio))
                loads[prompt].append(os.getloadavg()[0])
                processed = p.prompt_tokens_processed
                print(
                    f"  {p.prompt_version:9} {words:5d} words {tokens or 0:5d} tokens  model {p.latency_s:6.1f} s  "
                    f"floor {floor or 0:5.1f} s  ratio {ratio:4.2f}x  calls {p.calls}  prompt {p.prompt_tokens:5d} "
                    f"(processed {processed if processed is not None else '?'}"
                    + (f", {processed / tokens:.2f}x the article" if processed is not None and tokens else "")
                    + f")  out {p.completion_tokens:4d} ({p.completion_tokens / words * 700:.0f}/700 words)",
                    flush=True,
                )
    results = {}
    for prompt, done in rows.items():
        if not done:
            return None
        mean_s = statistics.mean(r[2] for r in done)
        wall_s = statistics.mean(r[3] for r in done)
        per_700 = statistics.mean(r[2] / r[1] * 700 for r in done if r[1])
        out_700 = statistics.mean(r[4] / r[1] * 700 for r in done if r[1])
        ratio = statistics.mean(r[5] for r in done)
        load = statistics.mean(loads[prompt])
        print(
            f"\n{args.model} ({prompt or 'default prompt'}): {len(done)} articles, model seconds per article "
            f"mean {mean_s:.1f} s (wall {wall_s:.1f} s); scaled to 700 words {per_700:.1f} s; "
            f"completion tokens per 700 words {out_700:.0f}; load {load:.2f}"
        )
        print(f"ratio to floor {ratio:.2f}x")
        results[prompt] = (mean_s, wall_s, ratio, out_700, load)
    return results


if __name__ == "__main__":
    raise SystemExit(main())
