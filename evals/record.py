"""Record what a dataset split lacks, for one model, in parallel parts against one served model.

    python evals/record.py -m local/qwen2.5-coder-1.5b --split validation            # the full gold
    python evals/record.py -m local/qwen2.5-coder-1.5b --split dev --parts 4
    python evals/record.py -m local/gemma-3-270m --dataset muc4:test                   # MUC-4
    python evals/record.py -m local/qwen2.5-coder-1.5b --split dev --prompt brief-v9  # another prompt

A fresh checkout has none of the many-wars or MUC-4 recordings (they hold corpus texts, kept out
of commits): after `python evals/external.py --from-snapshots DIR` and `python
evals/muc4_fetch.py --from SNAPSHOT`, this puts them back. It starts `summarizer serve` for the
model (its slots decode the parts together; its threads are the machine's cores unless
`SUMMARIZER_LOCAL_THREADS` says: one thread left the second core of this two-core machine idle,
and validation took 20 minutes against 13 with two) unless one is already serving it, splits the
split's articles into `--parts` parts of about equal text (longest first, dealt in turn), runs
one `summarizer --record-missing eval --id ...` per part at once, and stops the server it
started. Articles already recorded are replayed, not asked again; a founding article of the full
gold is first copied from its committed answer (`cassettes/`), so it replays as committed rather
than being asked a second time. Each part's output goes to
`<out>/record-<model>-<part>.log`; the script prints one line per part with its exit code, and
exits non-zero when one failed.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import IO

from summarizer.errors import SummarizerError

HERE = Path(__file__).resolve().parent
FULL = HERE / "external" / "all.jsonl"
CASSETTES = HERE / "external" / "cassettes"
COMMITTED = HERE.parent / "cassettes"  # the founding articles' answers, committed


def articles(dataset: str, split: str | None) -> list[tuple[str, int]]:
    """(id, text length) of the articles to record: a split of a JSONL dataset, or a MUC-4 split."""
    if dataset.startswith("muc4:"):
        from summarizer.evaluation._muc4 import load_muc4, muc4_file

        return [(d.docid, len(d.text)) for d in load_muc4(muc4_file(dataset))]
    from summarizer.evaluation import load_dataset, select

    part = select(load_dataset(dataset), split=split)  # as `eval --split` reads it
    return [(r["id"], len(r["text"])) for r in part.records]


def _served(model: str) -> str | None:
    """The address of a `summarizer serve` already serving `model` here, or None."""
    if not model.startswith("local/"):
        return None
    from summarizer.local import find_running

    try:
        state = find_running(model)
    except SummarizerError:  # not a model this machine knows: `serve` will say so
        return None
    return state.base_url if state is not None else None


def copy_committed(dataset: str, split: str | None, model: str, prompt: str | None, into: Path) -> int:
    """Copy into `into` the committed answers (`cassettes/`) of the split's articles that `into`
    lacks, so the founding articles of the full gold are replayed as committed rather than asked
    again (each with its `.meta.json`); the number of articles copied."""
    if dataset.startswith("muc4:") or into.resolve() == COMMITTED.resolve():
        return 0
    from summarizer.config import Settings
    from summarizer.evaluation import load_dataset, select
    from summarizer.evaluation._dataset import record_article
    from summarizer.models import cassette_path

    version = prompt or Settings().prompt_version
    copied = 0
    for record in select(load_dataset(dataset), split=split).records:
        article = record_article(record)
        have = cassette_path(COMMITTED, model, version, article.sha256, article.published)
        want = cassette_path(into, model, version, article.sha256, article.published)
        if have.exists() and not want.exists():
            want.parent.mkdir(parents=True, exist_ok=True)
            for src, dst in ((have, want), (have.with_suffix(".meta.json"), want.with_suffix(".meta.json"))):
                if src.exists():
                    shutil.copyfile(src, dst)
            copied += 1
    return copied


def deal(items: list[tuple[str, int]], parts: int) -> list[list[str]]:
    """The ids dealt into `parts` parts, longest first, so each part has about as much text."""
    out: list[list[str]] = [[] for _ in range(parts)]
    for i, (ident, _n) in enumerate(sorted(items, key=lambda x: -x[1])):
        out[i % parts].append(ident)
    return [p for p in out if p]


def part_command(exe: Path, args: argparse.Namespace, ids: list[str]) -> list[str]:
    """The `summarizer` command that records one part: its ids, under the prompt asked for."""
    cmd = [str(exe), "--record-missing", "--no-log", "--cassettes", str(args.cassettes)]
    cmd += ["--prompt", args.prompt] if args.prompt else []
    cmd += ["eval", "--dataset", args.dataset, "-m", args.model]
    cmd += ["--split", args.split] if args.split else []
    return cmd + [x for ident in ids for x in ("--id", ident)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-m", "--model", required=True)
    parser.add_argument("--dataset", default=str(FULL), help="a JSONL dataset or muc4:SPLIT (default: the full gold)")
    parser.add_argument("--split", help="the split of a JSONL dataset (dev, validation)")
    parser.add_argument("--parts", type=int, default=4, help="processes at once (default 4: the server's slots)")
    parser.add_argument("--cassettes", type=Path, default=CASSETTES)
    parser.add_argument("--prompt", help="the prompt version to record (default: the default prompt)")
    parser.add_argument("--out", type=Path, default=Path("out"), help="where the parts' logs go (default out/)")
    args = parser.parse_args(argv)
    exe = Path(sys.executable).with_name("summarizer")
    try:
        copied = copy_committed(args.dataset, args.split, args.model, args.prompt, args.cassettes)
        if copied:
            print(f"record: {copied} articles' committed answers copied from {COMMITTED}")
        parts = deal(articles(args.dataset, args.split), max(1, args.parts))
    except SummarizerError as exc:  # no such file, no such split: one line, as the CLI says it
        print(f"record: {exc.one_line()}", file=sys.stderr)
        return 2
    if not parts:
        print("record: nothing to record", file=sys.stderr)
        return 2
    args.out.mkdir(parents=True, exist_ok=True)
    server = None
    running = _served(args.model)
    if running:  # another `summarizer serve` has it: the parts use that one, which stays up after
        print(f"record: using the server already serving {args.model} at {running}")
    elif args.model.startswith("local/"):
        server = subprocess.Popen([exe, "serve", "-m", args.model], stdout=subprocess.PIPE, text=True)
        assert server.stdout is not None
        # `serve` prints its address on stdout once the model answers (its progress goes to
        # stderr); it exits at once when the model cannot be served here (the evals then say why)
        if not server.stdout.readline().startswith("http"):
            server.wait()
            server = None
    slug = args.model.replace("/", "_")
    started = time.perf_counter()
    procs: list[tuple[int, int, subprocess.Popen[bytes], IO[str]]] = []
    failed = 0
    try:  # the server it started stops with it, whatever happens to the parts (Ctrl-C included)
        for n, ids in enumerate(parts, 1):
            cmd = part_command(exe, args, ids)
            log = (args.out / f"record-{slug}-{n}.log").open("w", encoding="utf-8")
            procs.append((n, len(ids), subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT), log))
        for n, count, proc, log in procs:
            code = proc.wait()
            log.close()
            failed += code != 0
            print(f"part {n}: {count} articles, exit {code} ({args.out / f'record-{slug}-{n}.log'})")
    finally:
        if server is not None:
            server.terminate()
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()
    total = sum(c for _n, c, _p, _l in procs)
    print(f"{total} articles in {time.perf_counter() - started:.0f} s, {failed} part(s) failed")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
