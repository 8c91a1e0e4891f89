"""Candidate recall on text without case: how many gold actors and locations are among the
candidates code finds (those it asks the model about and those it settles itself), for the dev
articles as written, lower-cased, and lower-cased then truecased (`summarizer.nlp.truecase`).
No model is called: this is everything before the model's first question.

    python bench/caseless_candidates.py                        # dev articles (evals/external/all.jsonl)
    python bench/caseless_candidates.py --muc4 20              # and the first 20 MUC-4 dev documents
    python bench/caseless_candidates.py --upper                # and the articles in capitals
    python bench/caseless_candidates.py --dataset evals/datasets/articles.jsonl

The articles: the records of split "dev" of `evals/external/all.jsonl` (the founding 27 and the
many-wars dev records; build it with `python evals/external.py`), else the founding 27 of
`evals/datasets/articles.jsonl`. Validation records are never read past their `split` field.

A gold item (required, or any with --optional) is found when one of its names matches one of
a candidate's forms by the contract's name rule (`names_match`: case-insensitive, so a lower-case
candidate counts as well as a cased one). The figures per condition: recall of actors, of
locations, of both; candidates per article, of which asked (the model labels them) and settled
(code did). MUC-4: per role, the share of gold role fillers (entities) one of whose mentions
matches a candidate; MUC-4's texts are lower-case as published, so its conditions are as
written (lower) and truecased.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # this checkout's summarizer, not an installed one

from summarizer import rules  # noqa: E402
from summarizer.extraction._findings import find  # noqa: E402
from summarizer.nlp import caseless, truecase  # noqa: E402
from summarizer.text import names_match  # noqa: E402

CONDITIONS: dict[str, Callable[[str], str]] = {
    "cased": lambda t: t,
    "lower": str.lower,
    "lower+truecase": lambda t: truecase(t.lower()),
}
UPPER: dict[str, Callable[[str], str]] = {
    "upper": str.upper,
    "upper+truecase": lambda t: truecase(t.upper()),
}


@dataclass
class Tally:
    found: dict[str, int] = field(default_factory=lambda: {"actors": 0, "locations": 0})
    total: dict[str, int] = field(default_factory=lambda: {"actors": 0, "locations": 0})
    candidates: int = 0
    asked: int = 0
    articles: int = 0
    seconds: float = 0.0
    missed: list[str] = field(default_factory=list)

    def recall(self, what: str | None = None) -> float:
        keys = [what] if what else list(self.total)
        total = sum(self.total[k] for k in keys)
        return sum(self.found[k] for k in keys) / total if total else 1.0


def candidate_forms(text: str) -> tuple[list[str], int, int]:
    """The forms of every candidate of `text`, how many candidates, how many asked."""
    with rules.asking():
        findings, _places = find(text)
    forms = [f for c in findings.candidates for f in c.all_forms()]
    return forms, len(findings.candidates), len(findings.ask)


def dev_records(path: Path) -> list[dict[str, Any]]:
    records = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    if any("split" in r for r in records):
        records = [r for r in records if r.get("split") == "dev"]
    return records


def measure(
    records: Iterable[dict[str, Any]], optional: bool, conditions: dict[str, Callable[[str], str]]
) -> dict[str, Tally]:
    tallies = {name: Tally() for name in conditions}
    for rec in records:
        for name, make in conditions.items():
            t0 = time.perf_counter()
            text = make(rec["text"])
            forms, n, asked = candidate_forms(text)
            tally = tallies[name]
            tally.seconds += time.perf_counter() - t0
            tally.candidates += n
            tally.asked += asked
            tally.articles += 1
            for what in ("actors", "locations"):
                for item in rec["gold"][what]:
                    if item.get("optional") and not optional:
                        continue
                    names = [item["name"], *item.get("aliases", [])]
                    tally.total[what] += 1
                    if any(names_match(a, b) for a in names for b in forms):
                        tally.found[what] += 1
                    else:
                        tally.missed.append(f"{rec['id']}: {item['name']}")
    return tallies


def report(title: str, tallies: dict[str, Tally]) -> None:
    print(title)
    print(
        f"{'condition':<16} {'actors':>8} {'locations':>10} {'both':>7} {'cand/art':>9} {'asked/art':>10} {'s/art':>6}"
    )
    for name, t in tallies.items():
        n = max(1, t.articles)
        print(
            f"{name:<16} {t.recall('actors'):>8.3f} {t.recall('locations'):>10.3f} {t.recall():>7.3f} "
            f"{t.candidates / n:>9.1f} {t.asked / n:>10.1f} {t.seconds / n:>6.2f}"
        )
    first = next(iter(tallies.values()))
    print(
        f"({first.articles} articles; gold items: {first.total['actors']} actors, {first.total['locations']} locations)"
    )


def muc4(count: int) -> None:
    """Per MUC-4 role, the share of gold entities one of whose mentions is a candidate."""
    from summarizer.evaluation._muc4 import MUC4_ROLES, load_muc4, muc4_file

    docs = load_muc4(muc4_file("muc4:dev"))[:count]
    print(
        f"\nMUC-4 dev, first {len(docs)} documents (lower-case as published; caseless: "
        f"{sum(1 for d in docs if caseless(d.text))} of them)"
    )
    print(f"{'condition':<16} " + " ".join(f"{r:>8}" for r in MUC4_ROLES) + f" {'all':>7} {'cand/doc':>9}")
    for name, make in (("as written", lambda t: t), ("truecased", truecase)):
        found = {r: 0 for r in MUC4_ROLES}
        total = {r: 0 for r in MUC4_ROLES}
        candidates = 0
        for doc in docs:
            forms, n, _asked = candidate_forms(make(doc.text))
            candidates += n
            for role in MUC4_ROLES:
                for entity in doc.gold.get(role, []):
                    total[role] += 1
                    found[role] += any(names_match(m, f) for m in entity for f in forms)
        cells = " ".join(f"{found[r] / total[r] if total[r] else 0:>8.3f}" for r in MUC4_ROLES)
        both = sum(found.values()) / max(1, sum(total.values()))
        print(f"{name:<16} {cells} {both:>7.3f} {candidates / max(1, len(docs)):>9.1f}")
    print("(gold entities per role: " + ", ".join(f"{r} {total[r]}" for r in MUC4_ROLES) + ")")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dataset", type=Path, help="a gold JSONL (default: dev of evals/external/all.jsonl)")
    parser.add_argument("--optional", action="store_true", help="count optional gold items too")
    parser.add_argument("--muc4", type=int, default=0, metavar="N", help="also the first N MUC-4 dev documents")
    parser.add_argument("--missed", action="store_true", help="list the gold items no candidate names")
    parser.add_argument("--upper", action="store_true", help="also the articles in capitals, and truecased")
    args = parser.parse_args(argv)
    path = args.dataset or ROOT / "evals" / "external" / "all.jsonl"
    if not path.is_file():
        path = ROOT / "evals" / "datasets" / "articles.jsonl"
    records = dev_records(path)
    tallies = measure(records, args.optional, CONDITIONS | (UPPER if args.upper else {}))
    which = "required and optional" if args.optional else "required"
    shown = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path
    report(f"Candidate recall of gold actors and locations ({which}), {shown} dev", tallies)
    if args.missed:
        for name, t in tallies.items():
            print(f"\nmissed ({name}): " + "; ".join(t.missed))
    if args.muc4:
        muc4(args.muc4)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
