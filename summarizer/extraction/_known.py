"""Parties whose side the war's reporting takes as known, whatever a small model says: the
international bodies, which take no side in a war between states, and the named armed groups
and self-declared bodies of the wars we report on, with their kind and side. Both come from
`summarizer/rules/groups.toml` (each entry with its source); names are matched whole, casefolded.
"""

from __future__ import annotations

from summarizer import rules


# International bodies take no side in a war between states (built where used: `rules.table`).
@rules.table
def international() -> frozenset[str]:
    return frozenset(w.casefold() for r in rules.category("international") for w in r.words)


# name -> (kind, side)
@rules.table
def armed_groups() -> dict[str, tuple[str, str | None]]:
    return {w.casefold(): (r.data["kind"], r.data.get("side")) for r in rules.category("armed_group") for w in r.words}


def known_group(names: list[str]) -> tuple[str, str | None] | None:
    """The kind and side of the first of `names` (a party's name and forms) known here."""
    groups = armed_groups()
    return next((groups[n.casefold()] for n in names if n.casefold() in groups), None)
