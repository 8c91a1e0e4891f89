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
    parser.add_argument("--prompt", default=None, help="prompt version (default: the current one)")
    parser.add_argument("--runtime", action="append", default=[], help="llama-server or llama-cpp-python (repeatable)")
    args = parser.parse_args()
    paths = [Path(p) for p in args.paths] or sorted(DATASET.glob("*.txt"))[: args.articles]
    means = []
    for runtime in args.runtime or [None]:
        if runtime:
            os.environ["SUMMARIZER_RUNTIME"] = runtime
            print(f"\n== runtime {runtime}", flush=True)
        result = run(args, paths)
        if result is None:
            return 1
        means.append((runtime or "default", *result))
    if len(means) > 1:
        print("\nruntime            model s/article  wall s/article  load(1m)")
        for runtime, mean_s, wall_s, load in means:
            print(f"{runtime:18} {mean_s:15.1f}  {wall_s:14.1f}  {load:8.2f}")
    return 0


def run(args: argparse.Namespace, paths: list[Path]) -> tuple[float, float, float] | None:
    from summarizer import read_article, summarize
    from summarizer.config import Settings
    from summarizer.models import resolve

    settings = Settings() if args.prompt is None else Settings(prompt_version=args.prompt)
    spec = resolve(args.model, settings)
    rows = []
    with ExitStack() as stack:
        if args.base_url:
            settings = replace(settings, local_base_url=args.base_url, base_url=args.base_url)
        elif spec.local:
            from summarizer.local import local_server, server_slots

            url = stack.enter_context(local_server(spec.name))
            settings = replace(settings, local_base_url=url, local_slots=server_slots(url))
        for path in paths:
            article = read_article(str(path))
            words = len(article.text.split())
            started = time.perf_counter()
            doc = summarize(article, args.model, settings)
            wall = time.perf_counter() - started
            p = doc.provenance
            rows.append((path.name, words, p.latency_s, wall, p.calls, p.prompt_tokens, p.completion_tokens))
            print(
                f"{path.name:32} {words:6d} words  model {p.latency_s:7.1f} s  wall {wall:7.1f} s  "
                f"calls {p.calls}  tokens in {p.prompt_tokens:6d} out {p.completion_tokens:5d}",
                flush=True,
            )
    if not rows:
        return None
    mean_s = statistics.mean(r[2] for r in rows)
    wall_s = statistics.mean(r[3] for r in rows)
    per_700 = statistics.mean(r[2] / r[1] * 700 for r in rows if r[1])
    out_tokens = statistics.mean(r[6] for r in rows)
    load = os.getloadavg()[0]
    print(
        f"\n{args.model} ({doc.provenance.prompt_version}): {len(rows)} articles, model seconds per article "
        f"mean {mean_s:.1f} s (wall {wall_s:.1f} s); scaled to 700 words {per_700:.1f} s; "
        f"completion tokens per article {out_tokens:.0f}; load {load:.2f}"
    )
    return mean_s, wall_s, load


if __name__ == "__main__":
    raise SystemExit(main())
