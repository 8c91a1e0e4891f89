"""Write a gold dataset with its texts lower-cased (or in capitals): the issue's test of text
without letter case (MUC-4's texts, transcripts, all-capital wires).

    python evals/lowercase.py evals/datasets/articles.jsonl evals/external/articles_lower.jsonl
    python evals/lowercase.py evals/external/all.jsonl evals/external/all_lower.jsonl --split dev
    python evals/lowercase.py IN.jsonl OUT.jsonl --upper        # all capitals instead
    summarizer eval --dataset evals/external/articles_lower.jsonl -m local/qwen2.5-coder-1.5b

Every record is kept as it is but for its text (`str.lower()`, or `str.upper()`), and its
`title` when it has one; the gold is the same: the scorer compares names without case
(`names_match`), and every span of a document is the lower-cased article's own text, so a
lower-case name that is otherwise right counts as right. Each record gets `"case": "lower"` (or
"upper"); ids stay, so a record's figures pair with the cased run's. A text whose length the
change would alter (a few characters, such as "İ", change length in lower case) is refused: no
dataset text has one. The cassettes of the lower-cased texts are their own (a cassette is
keyed by the text's sha256), so the lower-cased set is recorded once like any other.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path


def recased(record: dict, upper: bool) -> dict:
    change = str.upper if upper else str.lower
    text = change(record["text"])
    if len(text) != len(record["text"]):
        raise SystemExit(f"{record['id']}: the text's length changes in {'upper' if upper else 'lower'} case")
    out = dict(record, text=text, case="upper" if upper else "lower")
    if isinstance(record.get("title"), str):
        out["title"] = change(record["title"])
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("source", type=Path, help="a gold dataset (JSONL)")
    parser.add_argument("out", type=Path, help="where to write the lower-cased dataset")
    parser.add_argument("--upper", action="store_true", help="all capitals instead of lower case")
    parser.add_argument("--split", help="keep only the records of this split (their `split` field)")
    args = parser.parse_args(argv)
    if args.out.resolve() == args.source.resolve():
        parser.error("OUT is the source file")
    lines = [line for line in args.source.read_text(encoding="utf-8").split("\n") if line.strip()]
    records = [json.loads(line) for line in lines]
    if args.split:
        records = [r for r in records if r.get("split") == args.split]
    args.out.parent.mkdir(parents=True, exist_ok=True)
    with args.out.open("w", encoding="utf-8") as fh:
        for record in records:
            fh.write(json.dumps(recased(record, args.upper), ensure_ascii=False) + "\n")
    print(f"{args.out}: {len(records)} records, texts in {'upper' if args.upper else 'lower'} case", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
