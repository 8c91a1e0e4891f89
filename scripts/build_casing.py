"""Build summarizer/nlp/casing.txt.gz: how news usually write each word (the truecaser's
dictionary, `summarizer/nlp/_truecase.py`), counted in public cased news that is not our
evaluation data.

    python scripts/build_casing.py                    # reads the snapshots under /work/.mirror
    python scripts/build_casing.py --ag FILE --cnndm FILE
    python scripts/build_casing.py --cnndm-only        # without AG News (non-commercial licence)

Sources (each file is checked against its sha256 before it is read):
- AG News, test split (`data/ag_news_csv/test.csv` of github.com/suuuch/TransformerClassification
  at 0d9808e1978c8468b4f8f08a44c5be99d058aa7b; the same file as github.com/mhjabreel/CharCnn_Keras):
  7,600 news descriptions of 2004-2005 from more than 2,000 outlets (AG's corpus of news
  articles, "provided by the academic community for research purposes ... and any other
  non-commercial activity", its readme.txt; Zhang, Zhao and LeCun 2015);
- CNN/DailyMail 3.0.0, the first 1,000 articles of the validation split
  (`data/collection/cnn_dailymail_validation_subset.csv` of
  github.com/hillaryke/rag-optimization-cnn-dailymail at 03d05440507618d6bec073b46543696e5a47df20;
  the dataset: Apache-2.0 on its Hugging Face card, the repository MIT).
Rows that are the text of one of our gold records (`evals/datasets/many_wars/*.jsonl`, by the
`origin` each record names: repository path and csv row; dev and validation alike) are left
out, so no evaluation article is counted. Only titles are left out otherwise (AG News titles
are in title case). The file holds counts' verdicts, not text: one entry a line, each written
as news usually write it.

What is counted: every word (letters, with inner hyphens, apostrophes and periods: "al-Qaeda",
"U.S"; a possessive "'s" is cut off) inside a sentence, not at its start (after ".", "!", "?",
":", a dash, a semicolon or a line break, or a quote opening there), and not in a run of
all-capital words (headlines, datelines); whether it is lower-case, capitalised alone, or
capitalised next to another capitalised word (inside a name).

The entries, one a line, each written as news usually write it:
- "Russia": a word capitalised (in its most frequent capitalised form) when capitalised forms
  are at least CAPITAL_SHARE of its occurrences and of those where no capitalised word is next
  to it, and at least ALONE_SHARE of its capitalised occurrences are such; or when it is never
  met in lower case ("Medvedev", met only as "Dmitry Medvedev");
- "+President": a word of names, capitalised in CAPITAL_SHARE of its occurrences but mostly
  next to another capitalised word ("Prime Minister X", "President Obama"), seldom alone, and
  met in lower case too ("the president said"); or a word capitalised in NAME_PART_SHARE to
  CAPITAL_SHARE of its occurrences ("+US" and "us", "+National", "+House"): the truecaser
  capitalises it only inside a name ("US President", "Guatemalan National Revolutionary Unity");
- "energy": a lower-case word, listed when met at least LOWER_MIN times in any position (a word
  met once in lower case, "fettuccine alfredo", is no evidence against a name);
- "White House", "the US": a pair whose case the two words' entries do not give, met at least
  PAIR_MIN times with no capitalised word on either side, in one form at least PAIR_SHARE of
  those times.

Output: UTF-8 text, gzip-compressed (mtime 0, so a rebuild of the same sources is
byte-identical); a few comment lines first ("#"), then the entries sorted.
"""

from __future__ import annotations

import argparse
import csv
import glob
import gzip
import hashlib
import io
import json
import re
import subprocess
import sys
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "summarizer" / "nlp" / "casing.txt.gz"
MIRROR = Path("/work/.mirror")

AG = {
    "repository": "suuuch/TransformerClassification",
    "commit": "0d9808e1978c8468b4f8f08a44c5be99d058aa7b",
    "path": "data/ag_news_csv/test.csv",
    "sha256": "d2a2cef4dfeb21ca17b463fd15e9e5a639c05823d03efabb3d28a75bbfe8d915",
}
CNNDM = {
    "repository": "hillaryke/rag-optimization-cnn-dailymail",
    "commit": "03d05440507618d6bec073b46543696e5a47df20",
    "path": "data/collection/cnn_dailymail_validation_subset.csv",
    "sha256": "fa0a78975e902c7e5bd59506bc5508f848add73bff87fef68670e934a742de67",
}

CAPITAL_SHARE = 0.6
NAME_PART_SHARE = 0.4
ALONE_SHARE = 0.25
LOWER_MIN = 2
PAIR_MIN = 3
PAIR_SHARE = 0.75

sys.path.insert(0, str(ROOT))
from summarizer.nlp._truecase import WORD, base_of  # noqa: E402 (the truecaser's own tokens)

_STARTS = ".!?:;\n-–—"


def _read(source: dict[str, str], given: Path | None) -> str:
    if given is not None:
        data = given.read_bytes()
    else:
        git_dir = MIRROR / source["repository"].replace("/", "+") / "repo"
        data = subprocess.run(
            ["git", "--git-dir", str(git_dir), "show", f"{source['commit']}:{source['path']}"],
            check=True,
            capture_output=True,
        ).stdout
    digest = hashlib.sha256(data).hexdigest()
    if digest != source["sha256"]:
        raise SystemExit(f"{source['path']}: sha256 {digest}, expected {source['sha256']}")
    return data.decode("utf-8")


def _gold_rows() -> set[tuple[str, int]]:
    """(path, 1-based csv row) of every gold record's text taken from one of the sources."""
    rows: set[tuple[str, int]] = set()
    for name in sorted(glob.glob(str(ROOT / "evals" / "datasets" / "many_wars" / "*.jsonl"))):
        for line in Path(name).read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            origin = json.loads(line).get("origin") or {}
            m = re.search(r"csv row (\d+)", origin.get("selector", ""))
            if m:
                rows.add((origin.get("path", ""), int(m.group(1))))
    return rows


def texts(ag: str, cnndm: str) -> Iterator[str]:
    """The corpus' texts, less the rows our gold records are made of."""
    csv.field_size_limit(1 << 30)
    gold = _gold_rows()
    left_out = 0
    for i, row in enumerate(csv.reader(io.StringIO(ag)), 1):  # no header; class, title, description
        if (AG["path"], i) in gold:
            left_out += 1
            continue
        yield row[2].replace("\\", " ")  # "\n" is written as a backslash and an "n" glued on
    reader = csv.reader(io.StringIO(cnndm))
    next(reader)  # header: article, highlights, id
    for i, row in enumerate(reader, 1):
        if (CNNDM["path"], i) in gold:
            left_out += 1
            continue
        yield row[0]
    print(f"left out {left_out} rows that are gold articles", file=sys.stderr)


def _inside(text: str, start: int) -> bool:
    """A word inside a sentence: not its first word."""
    before = text[:start].rstrip(" \t\"“‘'(")
    return bool(before) and before[-1] not in _STARTS


@dataclass
class Word:
    """How one word (lower-cased) is written inside sentences: lower-case, capitalised alone
    (no capitalised word next to it), capitalised next to one (inside a name); its forms."""

    lower: int = 0
    alone: int = 0
    in_name: int = 0
    forms: Counter[str] = field(default_factory=Counter)


def _capital(word: str) -> bool:
    return word != word.lower()


def count(corpus: Iterator[str]) -> tuple[dict[str, Word], dict[tuple[str, str], Counter[str]], Counter[str]]:
    words: dict[str, Word] = defaultdict(Word)
    pairs: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    seen: Counter[str] = Counter()
    for text in corpus:
        found = [(m.start(), m.end(), base_of(m.group(0))) for m in WORD.finditer(text)]
        kept: list[tuple[int, int, str] | None] = []
        for j, (start, _end, word) in enumerate(found):
            seen[word.lower()] += 1
            shouting = word.isupper() and len(word) > 1
            neighbours = [w for _s, _e, w in found[max(0, j - 1) : j + 2] if w is not word]
            inside = _inside(text, start) and not (shouting and any(w.isupper() and len(w) > 1 for w in neighbours))
            kept.append(found[j] if inside else None)
            for part in word.split("-")[1:] if "-" in word and inside else []:
                if part:  # "pro-Russian": "Russian" alone, "al-Qaeda": "al" lower-case
                    entry = words[part.lower()]
                    entry.forms[part] += 1
                    entry.alone += _capital(part)
                    entry.lower += not _capital(part)
                    seen[part.lower()] += 1
        for j, item in enumerate(kept):
            if item is None:
                continue
            word = item[2]
            entry = words[word.lower()]
            entry.forms[word] += 1
            if not _capital(word):
                entry.lower += 1
            elif _next_capital(text, kept, j, -1) or _next_capital(text, kept, j, 1):
                entry.in_name += 1
            else:
                entry.alone += 1
            if j + 1 < len(kept) and kept[j + 1] is not None and _adjacent(text, item, kept[j + 1]):
                second = kept[j + 1]
                assert second is not None
                if not _next_capital(text, kept, j, -1) and not _next_capital(text, kept, j + 1, 1):
                    pairs[(word.lower(), second[2].lower())][f"{word} {second[2]}"] += 1
    return words, pairs, seen


def _adjacent(text: str, a: tuple[int, int, str], b: tuple[int, int, str]) -> bool:
    return a[1] < b[0] and not text[a[1] : b[0]].strip(" \t")


def _next_capital(text: str, kept: list[tuple[int, int, str] | None], j: int, step: int) -> bool:
    """The word before (step -1) or after (+1) word j is inside the sentence, next to it, and
    capitalised."""
    k = j + step
    if not 0 <= k < len(kept) or kept[k] is None or kept[j] is None:
        return False
    a, b = (kept[k], kept[j]) if step < 0 else (kept[j], kept[k])
    assert a is not None and b is not None
    return _adjacent(text, a, b) and _capital(kept[k][2])  # type: ignore[index]


def usual(key: str, word: Word) -> str:
    """A word's entry: lower-case, unless capitalised forms make CAPITAL_SHARE of its
    occurrences; then its most frequent capitalised form, marked "+" when the word, met in lower
    case too, is capitalised mostly next to another capitalised word and seldom alone (a word of
    names: "+National", "+Ministry", "+President"), which the truecaser capitalises only in a
    name; so is a word capitalised in NAME_PART_SHARE to CAPITAL_SHARE of its occurrences
    ("us": "US" half the time). A word never met in lower case is a name ("Dmitry", "Medvedev":
    met only together)."""
    capital = word.alone + word.in_name
    if not capital or capital < NAME_PART_SHARE * (capital + word.lower):
        return key
    form = max((f for f in word.forms if f != key), key=lambda f: (word.forms[f], f))
    if capital < CAPITAL_SHARE * (capital + word.lower):
        return "+" + form  # as often a word as a name: a name's only next to one ("us", "house")
    alone = word.alone >= CAPITAL_SHARE * (word.alone + word.lower) and word.alone >= ALONE_SHARE * capital > 0
    return form if alone or not word.lower else "+" + form


def _reads(a: str, b: str) -> str:
    """What the truecaser makes of a pair from the two words' entries: a word of names takes a
    capital next to a capitalised word."""
    alone = [not e.startswith("+") and e != e.lower() for e in (a, b)]
    forms = [e.lstrip("+") for e in (a, b)]
    out = [
        f if (not e.startswith("+") and f != f.lower()) or (e.startswith("+") and any(alone)) else f.lower()
        for e, f in zip((a, b), forms, strict=True)
    ]
    return " ".join(out)


def entries(words: dict[str, Word], pairs: dict[tuple[str, str], Counter[str]], seen: Counter[str]) -> list[str]:
    usual_of = {w: usual(w, words[w]) if w in words else w for w in seen}
    out = [e for w, e in usual_of.items() if e != w or seen[w] >= LOWER_MIN]
    for (a, b), counts in pairs.items():
        form, n = counts.most_common(1)[0]
        if n < PAIR_MIN or n < PAIR_SHARE * sum(counts.values()):
            continue
        if form != _reads(usual_of.get(a, a), usual_of.get(b, b)):
            out.append(form)
    return sorted(set(out), key=lambda e: (e.lstrip("+").lower(), e))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--ag", type=Path, help="AG News test.csv (default: the snapshot under /work/.mirror)")
    parser.add_argument("--cnndm", type=Path, help="cnn_dailymail_validation_subset.csv (default: the snapshot)")
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument(
        "--cnndm-only", action="store_true", help="leave AG News out (its licence: non-commercial research use)"
    )
    args = parser.parse_args(argv)
    words, pairs, seen = count(texts("" if args.cnndm_only else _read(AG, args.ag), _read(CNNDM, args.cnndm)))
    lines = entries(words, pairs, seen)
    header = [
        "# How news usually write each word; +: only inside a name; pairs whose case the words do not give.",
        "# built by scripts/build_casing.py from "
        + ("" if args.cnndm_only else "AG News (test split) and ")
        + "CNN/DailyMail 3.0.0 (1,000",
        "# validation articles), less our gold articles. Do not edit by hand.",
        f"# sources: {AG['repository']}@{AG['commit'][:12]}:{AG['path']} sha256 {AG['sha256'][:16]}",
        f"#          {CNNDM['repository']}@{CNNDM['commit'][:12]}:{CNNDM['path']} sha256 {CNNDM['sha256'][:16]}",
        "# licences: AG's corpus of news articles, non-commercial research use (its readme.txt);",
        "#           CNN/DailyMail, Apache-2.0 (Hugging Face dataset card). Only counts' verdicts, no text.",
        f"# capital share {CAPITAL_SHARE}; pairs: at least {PAIR_MIN} times, share {PAIR_SHARE}",
    ]
    data = ("\n".join([*header, *lines]) + "\n").encode("utf-8")
    buffer = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=buffer, mtime=0, compresslevel=9) as gz:
        gz.write(data)
    args.out.write_bytes(buffer.getvalue())
    phrases = sum(1 for e in lines if " " in e)
    named = sum(1 for e in lines if " " not in e and e.startswith("+"))
    capital = sum(1 for e in lines if " " not in e and e != e.lower()) - named
    print(
        f"{args.out}: {len(lines)} entries ({capital} capitalised words, {named} words of names, "
        f"{len(lines) - capital - named - phrases} lower-case, {phrases} pairs); "
        f"{len(data):,} bytes, {len(buffer.getvalue()):,} compressed"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
