"""Build the full gold dataset: the founding articles plus the many-wars articles.

The many-wars gold (`evals/datasets/many_wars/*.jsonl`) is committed without its texts: the
texts come from public research corpora fetched as snapshots, and the workplace keeps fetched
material out of commits. Each record's `origin` says where its text comes from (repository,
commit, path, selector, sha256). This script joins each record with its text from
`evals/external/texts/<id>.txt` (git-ignored; written when the article was chosen), checks the
text's sha256 against `origin.sha256`, gives every record its split by the rule of
`evals/datasets/splits.toml`, and writes:

- `evals/external/many_wars.jsonl`: the many-wars articles with their texts;
- `evals/external/all.jsonl`: the founding articles (`evals/datasets/articles.jsonl`) and those.

    python evals/external.py                  # build, print the split table
    python evals/external.py --gold-dir DIR   # also read gold files from DIR (repeatable)

A record whose text is missing or does not match its checksum is left out and named.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import tomllib
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
DATASETS = HERE / "datasets"
EXTERNAL = HERE / "external"


def conflict_is_validation(conflict: str, prefixes: list[str]) -> bool:
    return hashlib.sha256(conflict.encode("utf-8")).hexdigest()[0] in prefixes


def assign_splits(founding: list[dict], records: list[dict], rules: dict) -> None:
    """The split of each many-wars record (evals/README.md, "Splits"), in place."""
    prefixes = list(rules["validation_conflict_hash_prefixes"])
    home = rules["home_conflict"]
    for r in records:
        if r["conflict"] != home:
            r["split"] = "validation" if conflict_is_validation(r["conflict"], prefixes) else "dev"
    dev_outlets = {r.get("outlet") for r in founding} | {r.get("outlet") for r in records if r.get("split") == "dev"}
    for r in records:
        if r["conflict"] == home:
            r["split"] = "dev" if r.get("outlet") in dev_outlets else "validation"


def load_gold(dirs: list[Path]) -> list[dict]:
    seen: dict[str, dict] = {}
    for d in dirs:
        for path in sorted(d.glob("*.jsonl")):
            for line in path.read_text(encoding="utf-8").splitlines():
                if line.strip():
                    rec = json.loads(line)
                    seen[rec["id"]] = rec  # a later directory wins (a newer copy of the same part)
    return list(seen.values())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--gold-dir", type=Path, action="append", default=[])
    parser.add_argument("--texts", type=Path, action="append", default=[], help="a folder of <id>.txt (repeatable)")
    args = parser.parse_args(argv)
    rules = tomllib.loads((DATASETS / "splits.toml").read_text(encoding="utf-8"))
    founding = [json.loads(x) for x in (DATASETS / "articles.jsonl").read_text(encoding="utf-8").splitlines() if x]
    records = load_gold([DATASETS / "many_wars", *args.gold_dir])
    kept, missing = [], []
    for rec in records:
        found = [d / f"{rec['id']}.txt" for d in [EXTERNAL / "texts", *args.texts]]
        path = next((p for p in found if p.is_file()), found[0])
        if not path.is_file():
            missing.append(f"{rec['id']}: no text at {path}")
            continue
        text = path.read_text(encoding="utf-8")
        want = (rec.get("origin") or {}).get("sha256")
        if want and hashlib.sha256(text.encode("utf-8")).hexdigest() != want:
            missing.append(f"{rec['id']}: the text's sha256 is not origin.sha256")
            continue
        out = {"id": rec["id"], "text": text}
        out.update({k: v for k, v in rec.items() if k not in ("id", "text")})
        kept.append(out)
    assign_splits(founding, kept, rules)
    EXTERNAL.mkdir(exist_ok=True)
    lines = [json.dumps(r, ensure_ascii=False) for r in kept]
    (EXTERNAL / "many_wars.jsonl").write_text("".join(x + "\n" for x in lines), encoding="utf-8")
    all_lines = [json.dumps(r, ensure_ascii=False) for r in founding] + lines
    (EXTERNAL / "all.jsonl").write_text("".join(x + "\n" for x in all_lines), encoding="utf-8")
    for m in missing:
        print(f"left out: {m}", file=sys.stderr)
    everything = founding + kept
    table = Counter((r["split"], r["conflict"] == rules["home_conflict"]) for r in everything)
    print(f"{len(everything)} articles ({len(founding)} founding + {len(kept)} many-wars)")
    for split in ("dev", "validation"):
        n = sum(v for (s, _), v in table.items() if s == split)
        home = table.get((split, True), 0)
        conflicts = {r["conflict"] for r in everything if r["split"] == split}
        outlets = {r.get("outlet") for r in everything if r["split"] == split}
        print(
            f"  {split}: {n} articles, {n - home} not {rules['home_conflict']}, "
            f"{len(conflicts)} conflicts, {len(outlets)} outlets"
        )
    other = sum(1 for r in everything if r["conflict"] != rules["home_conflict"])
    print(
        f"  not {rules['home_conflict']}: {other} of {len(everything)} ({other / len(everything):.0%}); "
        f"conflicts {len({r['conflict'] for r in everything})}; outlets {len({r.get('outlet') for r in everything})}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
