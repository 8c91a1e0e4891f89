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
    python evals/external.py --from-snapshots /work/.mirror   # first rebuild missing texts

`--from-snapshots DIR` rebuilds every missing text from its origin: the snapshot of
`origin.repository` under DIR (`DIR/<owner>+<name>/repo`, the layout `fetch` writes; a bare or
ordinary git directory), read at `origin.commit` with `git show`, cut by `origin.selector`, and
written only when its sha256 is `origin.sha256`. A fresh checkout has no texts (they are not
committed); this puts them back without choosing anything again.

A record whose text is missing or does not match its checksum is left out and named.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import io
import json
import re
import subprocess
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


def cut(data: bytes, selector: str) -> str:
    """The text `selector` names in a file's bytes (the seven selector forms the gold uses)."""
    if selector.startswith("whole file"):
        return data.decode("utf-8")
    m = re.match(
        r"csv row (\d+) \(1-based; the file has no header\): column (\d+) \(title\) \+ '\\n\\n' \+ column (\d+)",
        selector,
    )
    if m:
        row = list(csv.reader(io.StringIO(data.decode("utf-8"))))[int(m[1]) - 1]
        return row[int(m[2]) - 1] + "\n\n" + row[int(m[3]) - 1]
    m = re.match(r"csv row (\d+) \(1-based, header excluded\): field '(\w+)'", selector)
    if m:
        csv.field_size_limit(1 << 30)
        rows = list(csv.DictReader(io.StringIO(data.decode("utf-8"))))
        return rows[int(m[1]) - 1][m[2]]
    m = re.match(r"jsonlines line (\d+) \(1-based\), doc_key (\S+), field 'sentences'", selector)
    if m:
        doc = json.loads(data.decode("utf-8").splitlines()[int(m[1]) - 1])
        if doc.get("doc_key") != m[2].rstrip(","):
            raise ValueError(f"line {m[1]} is {doc.get('doc_key')}, not {m[2]}")
        return " ".join(" ".join(sentence) for sentence in doc["sentences"])
    m = re.match(r"jsonlines line (\d+) \(1-based\), doc_id (\S+), field 'text'", selector)
    if m:
        doc = json.loads(data.decode("utf-8").splitlines()[int(m[1]) - 1])
        if doc.get("doc_id") != m[2].rstrip(","):
            raise ValueError(f"line {m[1]} is {doc.get('doc_id')}, not {m[2]}")
        return doc["text"]
    m = re.match(r"jsonlines line (\d+) \(1-based\), field '(\w+)'", selector)
    if m:
        return json.loads(data.decode("utf-8").splitlines()[int(m[1]) - 1])[m[2]]
    m = re.match(r"json object, field '(\w+)'", selector)
    if m:
        return json.loads(data.decode("utf-8"))[m[1]]
    raise ValueError(f"a selector this script does not know: {selector[:60]}")


def rebuild_texts(records: list[dict], snapshots: Path) -> list[str]:
    """Write each record's missing text from its origin's snapshot; what could not be rebuilt."""
    (EXTERNAL / "texts").mkdir(parents=True, exist_ok=True)
    files: dict[tuple[str, str, str], bytes] = {}
    failed = []
    for rec in records:
        target = EXTERNAL / "texts" / f"{rec['id']}.txt"
        origin = rec.get("origin") or {}
        if target.is_file() or not origin.get("repository"):
            continue
        repo = snapshots / origin["repository"].replace("/", "+") / "repo"
        key = (str(repo), origin["commit"], origin["path"])
        try:
            if key not in files:
                done = subprocess.run(
                    ["git", "-C", str(repo), "show", f"{origin['commit']}:{origin['path']}"],
                    capture_output=True,
                    check=False,
                )
                if done.returncode:
                    raise ValueError(done.stderr.decode().strip() or f"no snapshot at {repo}")
                files[key] = done.stdout
            text = cut(files[key], origin["selector"])
        except (ValueError, IndexError, KeyError) as e:
            failed.append(f"{rec['id']}: {e}")
            continue
        if hashlib.sha256(text.encode("utf-8")).hexdigest() != origin.get("sha256"):
            failed.append(f"{rec['id']}: the rebuilt text's sha256 is not origin.sha256")
            continue
        target.write_text(text, encoding="utf-8", newline="")
    return failed


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
    parser.add_argument(
        "--from-snapshots", type=Path, metavar="DIR", help="rebuild missing texts from the snapshots under DIR"
    )
    args = parser.parse_args(argv)
    rules = tomllib.loads((DATASETS / "splits.toml").read_text(encoding="utf-8"))
    founding = [json.loads(x) for x in (DATASETS / "articles.jsonl").read_text(encoding="utf-8").splitlines() if x]
    records = load_gold([DATASETS / "many_wars", *args.gold_dir])
    if args.from_snapshots:
        for m in rebuild_texts(records, args.from_snapshots):
            print(f"not rebuilt: {m}", file=sys.stderr)
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
