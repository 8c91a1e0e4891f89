"""Parties whose side the war's reporting takes as known, whatever a small model says: the
international bodies, which take no side in a war between states, and the named armed groups
and self-declared bodies of the wars we report on, with their kind and side. Both come from
`summarizer/rules/groups.toml` (each entry with its source); names are matched whole, casefolded,
with curly apostrophes straight, spaces around hyphens closed ("al - Zenda", as tokenized corpora
write it, is "al-Zenda") and a leading "the" dropped.
"""

from __future__ import annotations

import re

from summarizer import rules

_HYPHEN = re.compile(r"\s*-\s*")


def _key(name: str) -> str:
    """A group's name as it is matched: casefolded, ’ as ', "al - Zenda" as "al-zenda", no
    leading "the"."""
    key = " ".join(_HYPHEN.sub("-", name.replace("’", "'")).casefold().split())
    return key[4:] if key.startswith("the ") else key


# International bodies take no side in a war between states (built where used: `rules.table`).
@rules.table
def international() -> frozenset[str]:
    return frozenset(w.casefold() for r in rules.category("international") for w in r.words)


# name -> (the id of the rule that knows it, kind, side): one rule, one group (all its names one party)
@rules.table
def _known_groups() -> dict[str, tuple[str, str, str | None]]:
    return {_key(w): (r.id, r.data["kind"], r.data.get("side")) for r in rules.category("armed_group") for w in r.words}


@rules.table
def armed_groups() -> dict[str, tuple[str, str | None]]:
    """Each known group's name -> its (kind, side)."""
    return {name: (kind, side) for name, (_id, kind, side) in _known_groups().items()}


def same_known_group(a: list[str], b: list[str]) -> bool:
    """Two parties' names (each a name and its forms) are names of one known group ("ISIS" and
    "Islamic State", "PKK" and "Kurdistan Workers' Party")."""
    groups = _known_groups()
    known_a = {groups[_key(n)][0] for n in a if _key(n) in groups}
    return bool(known_a) and bool(known_a & {groups[_key(n)][0] for n in b if _key(n) in groups})


def known_group(names: list[str]) -> tuple[str, str | None] | None:
    """The kind and side of the first of `names` (a party's name and forms) known here."""
    groups = _known_groups()
    return next((groups[_key(n)][1:] for n in names if _key(n) in groups), None)
