"""The words of numbers and of their context, for reading casualty figures (see `_numbers`).

This module owns the vocabulary of numbers: number words ("twelve", "thousand"), vague
quantifiers and every bound they can give (`VAGUE_BOUNDS`), the bound modifiers ("at least",
"as many as"), and the words around a number that rule it out (months, measures, currencies,
unit names). The words that make a number a count of people (person nouns, casualty words, the
nouns of one person) are rules (rules/figures.toml), read here as tables (`people_after` ...).
"""

from __future__ import annotations

from itertools import product

from summarizer import rules

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


# The words around a number that make it a count of people are rules (rules/figures.toml: person
# nouns, casualty words after and before a number, the nouns of one person), read at use time.
@rules.table
def person_nouns() -> frozenset[str]:
    """The person nouns: what makes "1.5m" after a number millions of people."""
    return rules.words("figures.person_nouns")


@rules.table
def people_after() -> frozenset[str]:
    """A person noun or a casualty word right after a number ("12 soldiers", "12 killed")."""
    return rules.words("figures.person_nouns", "figures.casualty_after")


@rules.table
def casualty_before() -> frozenset[str]:
    """A casualty word shortly before a number ("killed 12", "a toll of 12")."""
    return rules.words("figures.casualty_before")


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
