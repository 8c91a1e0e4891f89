"""The words of numbers and of their context, for reading casualty figures (see `_numbers`).

This module owns the vocabulary: number words ("twelve", "thousand"), vague quantifiers and
every bound they can give (`VAGUE_BOUNDS`), the bound modifiers ("at least", "as many as"),
and the words around a number that make it a count of people or rule it out (person nouns,
casualty verbs, months, measures, currencies, unit names).
"""

from __future__ import annotations

from itertools import product

UNITS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9,
}  # fmt: skip
TEENS = {
    "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
    "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
}  # fmt: skip
TENS = {
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
    "eighty": 80, "ninety": 90,
}  # fmt: skip
SCALES = {"thousand": 1000, "million": 1_000_000, "billion": 1_000_000_000}
DIGIT_SCALES = {
    **SCALES, "hundred": 100, "dozen": 12, "mln": 1_000_000, "mn": 1_000_000, "bn": 1_000_000_000,
    "bln": 1_000_000_000,
}  # fmt: skip
# What "half a ..." halves: "half a million" 500000, "half a dozen" 6.
HALVED = {"dozen": 12, "hundred": 100, "thousand": 1000, "million": 1_000_000, "billion": 1_000_000_000}

# Vague plurals: the low bound they give, and the unit they stand for after "tens of".
VAGUE_PLURALS = {
    "dozens": 24, "scores": 40, "hundreds": 200, "thousands": 2000, "millions": 2_000_000,
}  # fmt: skip
PLURAL_UNITS = {"thousands": 1000, "millions": 1_000_000}
SCORES_NEXT = frozenset({"of", "were", "are", "have", "had", "more", "died", "killed", "."})
NOT_SCORES = frozenset({"settle", "settled", "settles", "settling", "high", "test", "the", "exam"})
_FEW = {"several": 3, "few": 2}  # "a few"
HANDFUL = 2  # "a handful": a few, no more said
FEW_MULTIPLIERS = {"dozen": 12, "hundred": 100, "thousand": 1000, "million": 1_000_000}


def _vague_bounds() -> frozenset[int]:
    out = set(VAGUE_PLURALS.values()) | {20, HANDFUL}
    for low in [*VAGUE_PLURALS.values(), 20]:
        for unit in PLURAL_UNITS.values():
            out.add(low * unit)
    mults = list(FEW_MULTIPLIERS.values())
    for base in _FEW.values():
        out.add(base)
        for m in mults:
            out.add(base * m)
        for m1, m2 in product(mults, mults):
            out.add(base * m1 * m2)
    return frozenset(out)


VAGUE_BOUNDS: frozenset[int] = _vague_bounds()
"""Every value a vague quantifier ("dozens", "several hundred", ...) can give as a bound."""


def _words(spaced: str) -> frozenset[str]:
    return frozenset(spaced.split())


PEOPLE = _words(
    """
    soldiers soldier troops troop civilians civilian people persons person casualties casualty
    dead killed wounded injured injuries servicemen serviceman servicemembers fighters fighter
    militants militant mercenaries mercenary children child men man women woman residents
    resident died deaths death bodies body prisoners prisoner pows captured missing personnel
    combatants victims victim lives killing kia marines paratroopers conscripts recruits
    officers officer policemen police rescuers medics journalists volunteers workers
    passengers guards commanders pilots crew sailors boys girls babies infants teenagers
    adults elderly refugees hostages detainees fatalities dying perished wounding injuring
    losses lost slain executed hurt evacuated
    """
)
# The person nouns of PEOPLE (not its verbs): what makes "1.5m" after a number millions of people.
PERSON_NOUNS = PEOPLE - _words(
    """
    killed wounded injured died dying perished wounding injuring lost slain executed hurt
    evacuated killing captured missing dead
    """
)
CASUALTY_BEFORE = _words(
    """
    killed killing kill kills wounded wounding injured injuring toll casualties dead deaths
    losses lost died captured capturing missing claimed death fatalities
    """
)
SINGULAR_PEOPLE = _words(
    """
    soldier civilian person man woman child boy girl baby infant officer serviceman
    servicemember fighter militant mercenary resident journalist reporter medic volunteer
    commander pilot policeman worker teenager driver rescuer paramedic doctor nurse marine
    paratrooper conscript guard sailor prisoner hostage member citizen farmer
    """
)
MONTHS = _words(
    """
    january february march april may june july august september october november december
    jan feb mar apr jun jul aug sep sept oct nov dec
    """
)
YEAR_BEFORE = _words(
    "in since of by until till from during early late mid before after year spring summer autumn fall winter"
)
UNIT_BEFORE = _words(
    """
    unit no number nr brigade regiment battalion division corps squadron route highway road
    article resolution decree flight page chapter section platoon company army group
    """
)
MEASURES = _words(
    """
    km kms kilometres kilometers kilometre kilometer miles mile metres meters metre meter m
    mm cm kg kilograms tons tonnes ton hectares hectare ha sq square degrees degree
    hours hour minutes minute seconds second days day weeks week months month years year
    decades decade am pm percent per pct dollars dollar euros euro rubles roubles ruble
    rouble hryvnias hryvnia hryvnas pounds usd eur uah rub gbp times storeys floors
    """
)
CURRENCY = frozenset("$€£₴₽¥")
ORDINAL_SUFFIXES = frozenset({"st", "nd", "rd", "th"})

_LOW_EXACT = ("at least", "no fewer than", "no less than", "not less than", "a minimum of",
              "minimum of", "at the very least", "not fewer than")  # fmt: skip
_LOW_APPROX = ("more than", "over", "in excess of", "upwards of", "upward of", "above",
               "greater than", "just over", "well over", "well above", "north of",
               "some more than")  # fmt: skip
_HIGH = ("as many as", "up to", "no more than", "not more than", "at most", "fewer than",
         "less than", "under", "just under", "a maximum of", "maximum of", "as much as",
         "well under", "below")  # fmt: skip
_APPROX = ("about", "around", "some", "nearly", "almost", "roughly", "approximately",
           "an estimated", "estimated", "close to", "approx", "circa", "c", "an approximate",
           "approaching", "just about", "more or less", "~", "roughly some",
           "an estimated total of")  # fmt: skip

MODIFIERS: list[tuple[tuple[str, ...], str]] = sorted(
    [(tuple(p.split()), kind) for kind, phrases in
     (("low", _LOW_EXACT), ("low~", _LOW_APPROX), ("high", _HIGH), ("approx", _APPROX))
     for p in phrases],
    key=lambda item: -len(item[0]),
)  # fmt: skip
