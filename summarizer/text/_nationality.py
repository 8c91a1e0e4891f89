"""Nationality words, possessives and short state names, and the country each names: every
table code reads them from, derived from the one list in `summarizer/rules/sides.toml` (see its
header for the roles).

The tables are functions (`rules.table`: built where used, from the rules that are on), except
`GENERIC_NATIONALITY`, which goes into the scorer's set of generic words made at import."""

from __future__ import annotations

import re

from summarizer import rules


def _with(role: str) -> list[tuple[str, str | None]]:
    """(word as written, country) of every word that has `role`, in written order."""
    out: list[tuple[str, str | None]] = []
    for r in rules.category("nationality"):
        roles = r.data["roles"]
        if len(roles) != len(r.words):
            raise rules.RuleError(f"rule {r.id}: words and roles differ in length")
        out.extend((w, r.data.get("country")) for w, rs in zip(r.words, roles, strict=True) if role in rs)
    return out


def _norm(name: str) -> str:
    return re.sub(r"[^\w]+", " ", name.casefold()).strip()


# Nationality words and the country they name; a country's own name and its possessive are
# added by the caller.
@rules.table
def demonyms() -> dict[str, str]:
    return {w.casefold(): c for w, c in _with("n") if c}


# The same words as written (case kept: an upper-case short name is not the word it spells), with their country.
@rules.table
def nationality_words() -> tuple[tuple[str, str], ...]:
    return tuple((w, c) for w, c in _with("n") if c)


# The words before a force noun that make a common-noun actor ("Ruritanian troops", "Elphberg's
# forces"), as a regex alternation (case as written; a possessive takes either apostrophe).
@rules.table
def nationality() -> str:
    return "(?:" + "|".join(re.escape(w).replace("'", "[’']") for w, _ in _with("a")) + ")"


# The side a common-noun actor's first words give it, by their `_norm` key ("putin s").
@rules.table
def nation_of() -> dict[str, str]:
    return {_norm(w): c for w, c in _with("f") if c}


# Nationality words of a people within a country, not of its state ("Zendan", a people of Ruritania), casefolded:
# forces they name are a group of their own, not the country's armed forces.
@rules.table
def peoples() -> frozenset[str]:
    return frozenset(w.casefold() for w, _ in _with("p"))


# Short state names read as written (two or three capitals, a trailing period stripped), not as words.
@rules.table
def short_states() -> dict[str, str]:
    return {w.rstrip("."): c for w, c in _with("s") if c}


@rules.table
def short_names() -> frozenset[str]:
    return frozenset(w for w, _ in _with("s"))


# Words that name a state itself as an actor ("the Palace" of a capital), casefolded.
@rules.table
def state_words() -> dict[str, str]:
    return {w.casefold(): c for w, c in _with("k") if c}


# Nationality words that are generic in the contract's name-matching rule.
GENERIC_NATIONALITY = frozenset(w.casefold() for w, _ in _with("g"))
