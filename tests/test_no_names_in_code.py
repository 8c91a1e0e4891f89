"""Issue 18: no country or person name in the package's Python code, outside rule and data files.

The names come from the project's own data, never typed here: every country the gazetteer knows
(GeoNames' countries, through `summarizer.nlp`), the countries and the nationality words of the
rules (`rules/sides.toml`, `rules/demonyms.toml`; possessives and "pro-" cut: "Strelsau's" is
"Strelsau"), the common names of `rules/countries.toml`, and the people of the gold: actors of
kind person in the founding articles and in the dev split of the external set (validation
articles are not read while developing). Every `summarizer/**/*.py` is searched for them as whole
words, written with their capitals (case-sensitive: "turkey" or "chad" in a sentence is no
country), in code, strings, comments and docstrings alike: examples in docstrings use made-up
places and people (Ruritania, Strelsau, Borduria, Rudolf Rassendyll ...).

Run as a script (`python tests/test_no_names_in_code.py`) it prints every hit, file by file.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import pytest

from summarizer import rules

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "summarizer"
# the committed gold, and the external set's where it has been materialised (`python evals/external.py`;
# a clean clone has only the committed one)
GOLD = tuple(
    p for p in (ROOT / "evals" / "datasets" / "articles.jsonl", ROOT / "evals" / "external" / "all.jsonl") if p.exists()
)
WORD = re.compile(r"[A-Za-z][\w.'’-]*")
NAME_WORD = re.compile(r"[^\W\d_][^\W\d_]*(?:[-'’.][^\W\d_]+)*\.?")


def _written(alias: str) -> str:
    """A rule's casefolded alias as news write it: "u.s." -> "U.S.", "great britain" -> "Great Britain"."""
    letters = alias.replace(".", "")
    if len(letters) <= 3 and " " not in alias:
        return alias.upper()
    return " ".join(w[:1].upper() + w[1:] for w in alias.split())


def _base(word: str) -> str:
    word = re.sub(r"^pro-", "", word)
    return word[:-2] if len(word) > 2 and word[-2] in "'’" and word[-1] in "sS" else word


@cache
def country_names() -> frozenset[str]:
    """Countries and nationality words, as written (capitalised)."""
    from summarizer.nlp._gazetteer import _countries

    names = {name for name, _pop in _countries().values()}
    for r in rules.all_rules():
        if r.category == "nationality" and r.data.get("country"):  # not a bloc ("Western")
            names.add(r.data["country"])
            names.update(_base(w) for w in r.words)
        elif r.category in ("country_alias", "country_name"):
            names.update(_written(w) if w == w.lower() else w for w in r.words)
    return frozenset(n for n in names if n[:1].isupper())


@cache
def person_names() -> frozenset[str]:
    """The gold's people (founding articles; dev split of the external set): of each name and
    alias, the run of name words it ends with ("Sevastopol Governor Mihail Razvozhaev" ends with
    "Mihail Razvozhaev"; a description such as "Thai Prime Minister" ends with none) when it has two
    words or more, and its last word when it has four letters or more. A name word is capitalised,
    of letters, and no title word (rules/titles.toml) or nationality word."""
    from summarizer.text import title_words

    not_names = title_words() | rules.words("title.abbreviations")
    not_names |= {w.casefold() for r in rules.category("nationality") for w in r.words}
    names: set[str] = set()
    for path in GOLD:
        for line in path.read_text(encoding="utf-8").splitlines():
            article = json.loads(line)
            if article.get("split") != "dev":
                continue
            for actor in article["gold"]["actors"]:
                if actor.get("kind") != "person":
                    continue
                for name in [actor["name"], *actor.get("aliases", [])]:
                    run: list[str] = []
                    for word in WORD.findall(name):
                        key = word.casefold()
                        named = word[:1].isupper() and NAME_WORD.fullmatch(word) and key.rstrip(".") not in not_names
                        run = [*run, word] if named and key not in not_names else []
                    if len(run) >= 2:
                        names.add(" ".join(run))
                    if run and len(run[-1]) >= 4:
                        names.add(run[-1])
    return frozenset(names)


@cache
def _pattern() -> re.Pattern[str]:
    names = sorted(country_names() | person_names(), key=len, reverse=True)
    spaced = (r"\s+".join(re.escape(w) for w in n.split()) for n in names)
    return re.compile(rf"(?<![\w.])(?:{'|'.join(spaced)})(?![\w])")


def hits(path: Path) -> Iterator[tuple[int, str]]:
    """(line number, name) of every name in a Python file."""
    text = path.read_text(encoding="utf-8")
    for m in _pattern().finditer(text):
        yield text.count("\n", 0, m.start()) + 1, " ".join(m.group(0).split())


def _files(under: Path) -> list[Path]:
    return sorted(under.rglob("*.py"))


@pytest.mark.parametrize("path", _files(PACKAGE), ids=[str(p.relative_to(PACKAGE)) for p in _files(PACKAGE)])
def test_no_country_or_person_name_in_code(path: Path) -> None:
    found = list(hits(path))
    assert not found, f"{path.relative_to(ROOT)}: " + ", ".join(f"{name} (line {n})" for n, name in found)


def test_the_lists_are_read() -> None:
    """The check checks something: the data give countries, nationality words and people."""
    countries = country_names()
    assert {"Ruritania", "Borduria"}.isdisjoint(countries)
    assert len(countries) > 300 and person_names()
    assert any(" " in n for n in countries)


if __name__ == "__main__":
    for file in _files(PACKAGE):
        found = list(hits(file))
        if found:
            print(f"{file.relative_to(ROOT)}: " + ", ".join(f"{name} ({n})" for n, name in found))
