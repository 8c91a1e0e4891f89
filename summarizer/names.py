"""Name normalisation and the name-matching rule of the contract (section 2).

Used both to deduplicate actors/locations by alias and to score predictions against gold,
so the two always agree on what "the same name" means.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

GENERIC_WORDS = frozenset(
    {
        "russian",
        "russians",
        "ukrainian",
        "ukrainians",
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

_PUNCT = re.compile(r"[^\w\s]", re.UNICODE)
_SPACE = re.compile(r"\s+")


def normalize(name: str) -> str:
    """Case-fold, strip diacritics and punctuation, drop a leading "the", fold whitespace."""
    text = unicodedata.normalize("NFKD", name)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = text.replace("'", "").replace("\u2019", "")  # "Ukraine's" -> "ukraines"
    text = _PUNCT.sub(" ", text.casefold())
    text = _SPACE.sub(" ", text).strip()
    if text.startswith("the "):
        text = text[4:]
    return text


def tokens(name: str) -> list[str]:
    return normalize(name).split()


def is_generic(name: str) -> bool:
    toks = tokens(name)
    return not toks or all(t in GENERIC_WORDS for t in toks)


def names_match(a: str, b: str) -> bool:
    """The contract's rule: equal after normalisation, or every token of the shorter is a
    token of the longer and the shorter is not only generic words."""
    na, nb = normalize(a), normalize(b)
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
