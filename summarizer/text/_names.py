"""The name-matching rule of the contract (section 2), on the `normalize_name` key.

Used both to deduplicate actors/locations by alias and to score predictions against gold,
so the two always agree on what "the same name" means.
"""

from __future__ import annotations

from collections.abc import Iterable

from summarizer.text._nationality import GENERIC_NATIONALITY
from summarizer.text._normalize import normalize_name

GENERIC_WORDS = (
    frozenset(
        {
            "forces",
            "force",
            "troops",
            "troop",
            "army",
            "armies",
            "region",
            "oblast",
            "military",
            "soldiers",
            "the",
            "of",
            "and",
            "armed",
            "units",
            "unit",
            "city",
            "town",
            "village",
            "province",
            "district",
        }
    )
    | GENERIC_NATIONALITY
)  # "russian", "ukrainians" ... (rules/sides.toml, role g)


def tokens(name: str) -> list[str]:
    return normalize_name(name).split()


def names_match(a: str, b: str) -> bool:
    """The contract's rule: equal after normalisation, or every token of the shorter is a
    token of the longer and the shorter is not only generic words."""
    na, nb = normalize_name(a), normalize_name(b)
    if not na or not nb:
        return False
    if na == nb:
        return True
    ta, tb = set(na.split()), set(nb.split())
    shorter, longer = (ta, tb) if len(ta) <= len(tb) else (tb, ta)
    if all(t in GENERIC_WORDS for t in shorter):
        return False
    return shorter <= longer


def any_match(candidates: Iterable[str], targets: Iterable[str]) -> bool:
    """True when some candidate name matches some target name."""
    targets = list(targets)
    return any(names_match(c, t) for c in candidates for t in targets)
