"""Parties whose side the war's reporting takes as known, whatever a small model says: the
international bodies, which take no side in a war between states, and the named armed groups
and self-declared bodies of the wars we report on, with their kind and side ("Wagner" fights for
Russia, the "Russian Volunteer Corps" for Ukraine). Names are matched whole, casefolded.
"""

from __future__ import annotations

# International bodies take no side in a war between states.
INTERNATIONAL = frozenset(
    {
        "nato",
        "un",
        "united nations",
        "un security council",
        "eu",
        "european union",
        "european commission",
        "iaea",
        "international atomic energy agency",
        "osce",
        "icrc",
        "red cross",
        "international committee of the red cross",
        "who",
        "world health organization",
        "imf",
        "world bank",
        "g7",
        "g20",
        "unesco",
        "unicef",
        "unhcr",
        "amnesty international",
        "human rights watch",
        "international criminal court",
        "icc",
    }
)

# name -> (kind, side)
ARMED_GROUPS: dict[str, tuple[str, str | None]] = {
    "wagner": ("armed_group", "Russia"),
    "wagner group": ("armed_group", "Russia"),
    "pmc wagner": ("armed_group", "Russia"),
    "wagner pmc": ("armed_group", "Russia"),
    "akhmat": ("armed_group", "Russia"),
    "kadyrovites": ("armed_group", "Russia"),
    "storm-z": ("military_unit", "Russia"),
    "redut": ("armed_group", "Russia"),
    "rusich": ("armed_group", "Russia"),
    "donetsk people's republic": ("government", "Russia"),
    "donetsk people’s republic": ("government", "Russia"),
    "luhansk people's republic": ("government", "Russia"),
    "luhansk people’s republic": ("government", "Russia"),
    "dpr": ("government", "Russia"),
    "lpr": ("government", "Russia"),
    "azov": ("military_unit", "Ukraine"),
    "azov regiment": ("military_unit", "Ukraine"),
    "azov brigade": ("military_unit", "Ukraine"),
    "kraken": ("military_unit", "Ukraine"),
    "russian volunteer corps": ("armed_group", "Ukraine"),
    "freedom of russia legion": ("armed_group", "Ukraine"),
    "georgian legion": ("armed_group", "Ukraine"),
    "international legion": ("military_unit", "Ukraine"),
    "hamas": ("armed_group", None),
    "hezbollah": ("armed_group", None),
    "houthis": ("armed_group", None),
    "islamic state": ("armed_group", None),
}


def known_group(names: list[str]) -> tuple[str, str | None] | None:
    """The kind and side of the first of `names` (a party's name and forms) known here."""
    return next((ARMED_GROUPS[n.casefold()] for n in names if n.casefold() in ARMED_GROUPS), None)
