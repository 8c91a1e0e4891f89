"""Casualty figures as written ("at least 64", "as many as 40,000", "dozens") parsed into numbers.

This module owns the reading of a `Casualty`'s ``raw`` text into its ``count``/``low``/``high``/
``approximate`` fields, and the list of numbers an article (or a quote) actually contains, so
the pipeline can check that a figure was not invented.

Numbers as written
  * Digits: "64"; thousands grouped with commas or (thin/no-break) spaces, "1,200" / "1 200";
    a decimal with a scale word, "1.2 thousand" = 1200, "1.5 million" = 1500000; "40k" = 40000.
    A decimal that is not a whole number ("2.5") is not a number here.
  * Words: "one" ... "nineteen", "twenty" ... "ninety", "twenty-five", "three hundred",
    "twelve hundred" (1200), "one thousand two hundred and fifty", "a hundred", "a thousand",
    "a dozen" (12, not approximate), "two dozen" (24). The article "a"/"an" before a singular
    person noun ("a soldier", "an elderly woman") counts as one.
  * Not numbers: ordinals ("3rd", "1442nd", "third"), vague quantifiers ("dozens"), "no one"
    (`numbers_in` lists every other number, including ones that are never figures: the year
    in "2023", the 40 in "40%", the 25 in "Su-25", the 1990 in "1990s").

The figure of a phrase
  * Exact: "64", "two civilians", "a soldier" -> count, approximate False.
  * Approximate: "about", "around", "some", "nearly", "almost", "roughly", "approximately",
    "an estimated", "close to", "circa", "~", "... or so" -> count, approximate True.
  * Lower bound: "at least", "no fewer than", "no less than", "a minimum of" -> low, high None,
    approximate False; "more than", "over", "in excess of", "upwards of", "above", "... or
    more", "40,000-plus", "40,000+" -> low (the number written: "more than 8" is low 8, not
    9), approximate True.
  * Upper bound: "as many as", "up to", "no more than", "at most", "fewer than", "less than",
    "under", "a maximum of" -> high, low None, approximate True.
  * Range: "between 10 and 20", "10-20", "10 to 20", "from 10 to 20", "10 or 12" -> low 10,
    high 20 (the second number must be larger), approximate False unless a modifier says
    otherwise. A scale word on the second number applies to both: "10 to 20 thousand" is
    10000-20000.
  * Vague quantifiers -> low bound, high None, approximate True (`VAGUE_BOUNDS` lists every
    value they can give): "a few" 2, "several" 3, "tens of" 20, "dozens" 24, "scores" 40,
    "hundreds" 200, "thousands" 2000, "millions" 2000000; combined: "tens of thousands"
    20000, "hundreds of thousands" 200000, "dozens of thousands" 24000, "a few dozen" 24,
    "several dozen" 36, "a few hundred" 200, "several hundred" 300, "several thousand" 3000,
    "several hundred thousand" 300000. "scores" counts unless it is plainly the other word
    ("settle scores", "high scores", "scores points").
  * "no casualties", "none" -> no figure (None).

Choosing the figure in a longer phrase ("at least 64 Russian soldiers were killed on 12 May
2023 near the 3rd Assault Brigade's positions"): every number expression is a candidate.
Never figures: ordinals, percentages, money, measures and durations ("40 km", "3 days"),
compound adjectives ("24-year-old", "155-mm"), times ("10:30"), model designations
("Su-25", "T-72"). Preferred: a number followed (within a few words) by a person or
casualty word (killed, soldiers, troops, civilians, casualties, dead, wounded, ...) or
preceded by one ("killing at least 64", "death toll of 64"), and one with a modifier.
Dispreferred: year-like numbers (1900-2099 written without separators, more so after
"in"/"since"/... or next to a month), days of the month next to a month name, numbers after
"unit", "No.", "brigade", "regiment", ...; the article "a"/"an" and bare "one". Ties go to the
first in the text.

Invariant ("numbers never invented"): every int of a returned `Figure` is in
``numbers_in(raw)`` or in `VAGUE_BOUNDS`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from itertools import product

__all__ = ["VAGUE_BOUNDS", "Figure", "numbers_in", "parse_figure"]


@dataclass(frozen=True)
class Figure:
    """A figure: an exact ``count``, or bounds ``low``/``high`` (either may be None)."""

    count: int | None
    low: int | None
    high: int | None
    approximate: bool


# --------------------------------------------------------------------------- vocabulary

_UNITS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9,
}  # fmt: skip
_TEENS = {
    "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
    "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
}  # fmt: skip
_TENS = {
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
    "eighty": 80, "ninety": 90,
}  # fmt: skip
_SCALES = {"thousand": 1000, "million": 1_000_000, "billion": 1_000_000_000}
_DIGIT_SCALES = {**_SCALES, "hundred": 100, "dozen": 12, "mln": 1_000_000, "bn": 1_000_000_000}

# Vague plurals: the low bound they give, and the unit they stand for after "tens of".
_VAGUE_PLURALS = {
    "dozens": 24, "scores": 40, "hundreds": 200, "thousands": 2000, "millions": 2_000_000,
}  # fmt: skip
_PLURAL_UNITS = {"thousands": 1000, "millions": 1_000_000}
_SCORES_NEXT = frozenset({"of", "were", "are", "have", "had", "more", "died", "killed", "."})
_NOT_SCORES = frozenset({"settle", "settled", "settles", "settling", "high", "test", "the", "exam"})
_FEW = {"several": 3, "few": 2}  # "a few"
_FEW_MULTIPLIERS = {"dozen": 12, "hundred": 100, "thousand": 1000, "million": 1_000_000}


def _vague_bounds() -> frozenset[int]:
    out = set(_VAGUE_PLURALS.values()) | {20}
    for low in [*_VAGUE_PLURALS.values(), 20]:
        for unit in _PLURAL_UNITS.values():
            out.add(low * unit)
    mults = list(_FEW_MULTIPLIERS.values())
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


_PEOPLE = _words(
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
_CASUALTY_BEFORE = _words(
    """
    killed killing kill kills wounded wounding injured injuring toll casualties dead deaths
    losses lost died captured capturing missing claimed death fatalities
    """
)
_SINGULAR_PEOPLE = _words(
    """
    soldier civilian person man woman child boy girl baby infant officer serviceman
    servicemember fighter militant mercenary resident journalist reporter medic volunteer
    commander pilot policeman worker teenager driver rescuer paramedic doctor nurse marine
    paratrooper conscript guard sailor prisoner hostage member citizen farmer
    """
)
_MONTHS = _words(
    """
    january february march april may june july august september october november december
    jan feb mar apr jun jul aug sep sept oct nov dec
    """
)
_YEAR_BEFORE = _words(
    "in since of by until till from during early late mid before after year spring summer "
    "autumn fall winter"
)
_UNIT_BEFORE = _words(
    """
    unit no number nr brigade regiment battalion division corps squadron route highway road
    article resolution decree flight page chapter section platoon company army group
    """
)
_MEASURES = _words(
    """
    km kms kilometres kilometers kilometre kilometer miles mile metres meters metre meter m
    mm cm kg kilograms tons tonnes ton hectares hectare ha sq square degrees degree
    hours hour minutes minute seconds second days day weeks week months month years year
    decades decade am pm percent per pct dollars dollar euros euro rubles roubles ruble
    rouble hryvnias hryvnia hryvnas pounds usd eur uah rub gbp times storeys floors
    """
)
_CURRENCY = frozenset("$€£₴₽¥")
_ORDINAL_SUFFIXES = frozenset({"st", "nd", "rd", "th"})

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

_MODIFIERS: list[tuple[tuple[str, ...], str]] = sorted(
    [(tuple(p.split()), kind) for kind, phrases in
     (("low", _LOW_EXACT), ("low~", _LOW_APPROX), ("high", _HIGH), ("approx", _APPROX))
     for p in phrases],
    key=lambda item: -len(item[0]),
)  # fmt: skip

# --------------------------------------------------------------------------- tokens

_SPACES = "\u00a0\u202f\u2009\u2007"
_TOKEN = re.compile(
    r"(?P<num>(?<![0-9.,])[0-9]{1,3}(?:,[0-9]{3})+(?![0-9]|[.,][0-9])"
    rf"|(?<![0-9.,])[0-9]{{1,3}}(?:[ {_SPACES}][0-9]{{3}})+(?![0-9]|[.,][0-9])"
    r"|[0-9]+(?:\.[0-9]+)?)"
    r"|(?P<word>[^\W\d_]+(?:['\u2019][^\W\d_]+)?)"
    r"|(?P<punct>[^\w\s])"
)
_DASH_CHARS = str.maketrans({c: "-" for c in "\u2010\u2011\u2012\u2013\u2014\u2015\u2212"})
_MAX_DIGITS = 30


@dataclass(frozen=True)
class _Tok:
    kind: str  # "num" | "word" | "punct"
    text: str
    low: str
    start: int
    end: int


def _tokenize(text: str) -> list[_Tok]:
    text = text.translate(_DASH_CHARS)
    out: list[_Tok] = []
    for m in _TOKEN.finditer(text):
        kind = m.lastgroup or "punct"
        tok = m.group()
        out.append(_Tok(kind, tok, tok.lower().replace("\u2019", "'"), m.start(), m.end()))
    return out


@dataclass(frozen=True)
class _Expr:
    """A number expression over tokens [i, j)."""

    i: int
    j: int
    value: int | None  # None: a decimal that is not whole
    kind: str  # "digits" | "words" | "vague" | "article"
    excluded: bool = False  # never a figure (ordinal, percentage, ...)
    scale: int = 1  # the scale word applied ("thousand" -> 1000)
    base: Decimal = Decimal(0)  # the number before the scale word
    year_like: bool = False


class _Scanner:
    def __init__(self, text: str) -> None:
        self.toks = _tokenize(text)
        self.n = len(self.toks)

    # ---- token helpers
    def low(self, i: int) -> str:
        return self.toks[i].low if 0 <= i < self.n else ""

    def kind(self, i: int) -> str:
        return self.toks[i].kind if 0 <= i < self.n else ""

    def glued(self, i: int) -> bool:
        """True when token i directly follows token i-1 (no space between)."""
        return 0 < i < self.n and self.toks[i - 1].end == self.toks[i].start

    def is_month(self, i: int) -> bool:
        """A month name ("May" only capitalised, to tell it from the verb)."""
        w = self.low(i)
        return w in _MONTHS and (w != "may" or self.toks[i].text == "May")

    # ---- number expressions
    def digits(self, i: int) -> _Expr | None:
        tok = self.toks[i]
        if tok.kind != "num":
            return None
        raw = re.sub(rf"[, {_SPACES}]", "", tok.text)
        if len(raw) > _MAX_DIGITS:
            return _Expr(i, i + 1, None, "digits", excluded=True)
        try:
            base = Decimal(raw)
        except InvalidOperation:  # pragma: no cover - the regex only lets digits through
            return None
        j = i + 1
        excluded = False
        scale = 1
        nxt = self.low(j)
        if self.kind(j) == "word" and self.glued(j):
            if nxt in _ORDINAL_SUFFIXES:
                return _Expr(i, j + 1, None, "digits", excluded=True)
            if nxt == "k":
                scale, j = 1000, j + 1
            elif nxt in _DIGIT_SCALES:
                scale, j = _DIGIT_SCALES[nxt], j + 1
            else:  # "1990s", "5km", "10am", "155mm"
                excluded = True
                j += 1
        elif self.kind(j) == "word" and nxt in _DIGIT_SCALES:
            scale, j = _DIGIT_SCALES[nxt], j + 1
        value = base * scale
        whole = value == value.to_integral_value()
        year_like = (
            scale == 1 and tok.text.isdigit() and len(tok.text) == 4 and 1900 <= int(base) <= 2099
        )
        return _Expr(
            i, j, int(value) if whole else None, "digits", excluded, scale, base, year_like
        )

    def _sub_hundred(self, i: int) -> tuple[int, int] | None:
        w = self.low(i)
        if self.kind(i) != "word":
            return None
        if w in _TEENS:
            return _TEENS[w], i + 1
        if w in _TENS:
            v, j = _TENS[w], i + 1
            if self.low(j) == "-" and self.glued(j) and self.low(j + 1) in _UNITS:
                return v + _UNITS[self.low(j + 1)], j + 2
            if self.low(j) in _UNITS and self.low(j) != "zero":
                return v + _UNITS[self.low(j)], j + 1
            return v, j
        if w in _UNITS:
            return _UNITS[w], i + 1
        return None

    def _group(self, i: int, allow_article: bool) -> tuple[int, int] | None:
        """A number below 1000 in words ("three hundred and five", "a hundred")."""
        w = self.low(i)
        if allow_article and w in ("a", "an", "one") and self.low(i + 1) in (
            "hundred", "thousand", "million", "billion", "dozen",
        ):  # fmt: skip
            v, j = 1, i + 1
        else:
            sub = self._sub_hundred(i)
            if sub is None:
                return None
            v, j = sub
        if self.low(j) == "hundred" and 1 <= v <= 99:  # "three hundred", "twelve hundred"
            v, j = v * 100, j + 1
            k = j + 1 if self.low(j) == "and" else j
            rest = self._sub_hundred(k)
            if rest is not None and rest[0] > 0:
                v, j = v + rest[0], rest[1]
        return v, j

    def words(self, i: int) -> _Expr | None:
        first = self._group(i, allow_article=True)
        if first is None:
            return None
        total, (current, j) = 0, first
        last_scale = 10**18
        while True:
            w = self.low(j)
            if w == "dozen" and current < 100:
                current, j = current * 12, j + 1
                break
            if w in _SCALES and _SCALES[w] < last_scale and current > 0:
                total += current * _SCALES[w]
                last_scale = _SCALES[w]
                current, j = 0, j + 1
                k = j + 1 if self.low(j) == "and" else j
                nxt = self._group(k, allow_article=False)
                if nxt is None:
                    break
                current, j = nxt
                continue
            break
        value = total + current
        if value == 0 and self.low(i) != "zero":
            return None
        # "no one", "one another", "one by one", "one of them" (a pronoun, not a count)
        if (
            self.low(i) == "one"
            and j == i + 1
            and (
                self.low(i - 1) in ("no", "any", "every", "some", "each", "the", "this", "that")
                or self.low(j) in ("another", "by", "day", "side", "way", "time")
            )
        ):
            return None
        return _Expr(i, j, value, "words")

    def vague(self, i: int) -> _Expr | None:
        w = self.low(i)
        if w in _VAGUE_PLURALS or w == "tens":
            low = 20 if w == "tens" else _VAGUE_PLURALS[w]
            j = i + 1
            if self.low(j) == "of" and self.low(j + 1) in _PLURAL_UNITS:
                return _Expr(i, j + 2, low * _PLURAL_UNITS[self.low(j + 1)], "vague")
            if w == "tens" and self.low(j) != "of":
                return None
            if w == "scores" and (
                self.low(i - 1) in _NOT_SCORES
                or (j < self.n and self.low(j) not in _SCORES_NEXT and self.low(j) not in _PEOPLE)
            ):
                return None  # "settle scores", "high scores", "scores points"
            return _Expr(i, j, low, "vague")
        if w == "several" or (w == "a" and self.low(i + 1) == "few"):
            base = 3 if w == "several" else 2
            j = i + 1 if w == "several" else i + 2
            n_mult = 0
            while self.low(j) in _FEW_MULTIPLIERS and n_mult < 2:
                base *= _FEW_MULTIPLIERS[self.low(j)]
                j += 1
                n_mult += 1
            return _Expr(i, j, base, "vague")
        return None

    def article(self, i: int) -> _Expr | None:
        """ "a soldier", "an elderly woman" -> one."""
        if self.low(i) not in ("a", "an"):
            return None
        for k in range(i + 1, min(self.n, i + 8)):
            t = self.toks[k]
            if t.low in _SINGULAR_PEOPLE:
                return _Expr(i, i + 1, 1, "article")
            if t.kind == "punct" and t.low not in ("-", "'"):
                return None
            if t.kind == "word" and t.low in ("a", "an", "the", "and", "or", "of", "was", "were"):
                return None
        return None

    def scan(self) -> list[_Expr]:
        out: list[_Expr] = []
        i = 0
        while i < self.n:
            expr = self.digits(i) or self.words(i) or self.vague(i) or self.article(i)
            if expr is None:
                i += 1
                continue
            out.append(self._exclusions(expr))
            i = max(expr.j, i + 1)
        return out

    def _exclusions(self, e: _Expr) -> _Expr:
        """Mark expressions that are never casualty figures."""
        if e.excluded or e.kind in ("vague", "article"):
            return e
        before, after = self.low(e.i - 1), self.low(e.j)
        bad = False
        if e.kind == "digits":
            if before and before[-1] in _CURRENCY:
                bad = True
            # "Su-25", "T-72", "M142", "COVID-19"
            if self.glued(e.i) and self.kind(e.i - 1) == "word":
                bad = True
            if (
                before == "-"
                and self.glued(e.i)
                and self.kind(e.i - 2) == "word"
                and (self.glued(e.i - 1))
            ):
                bad = True
            # "10:30", "3.5.2023"-like
            if after in (":",) and self.glued(e.j) and self.kind(e.j + 1) == "num":
                bad = True
            if before == ":" and self.glued(e.i) and self.kind(e.i - 2) == "num":
                bad = True
        if after in ("%", "‰") or after in _MEASURES:
            bad = True
        if after == "per" and self.low(e.j + 1) == "cent":
            bad = True
        # compound adjectives: "24-year-old", "155-mm", "three-day" (but not "40,000-plus")
        if (
            after == "-"
            and self.glued(e.j)
            and self.kind(e.j + 1) == "word"
            and (
                self.low(e.j + 1) not in ("plus",)
                and self.low(e.j + 1) not in _UNITS
                and self.low(e.j + 1) not in _TEENS
                and self.low(e.j + 1) not in _TENS
            )
        ):
            bad = True
        if bad:
            return _Expr(e.i, e.j, e.value, e.kind, True, e.scale, e.base, e.year_like)
        return e


# --------------------------------------------------------------------------- ranges & figures


@dataclass(frozen=True)
class _Candidate:
    i: int  # first token (including modifiers)
    j: int
    figure: Figure
    score: float


def _range_connector(sc: _Scanner, a: _Expr, b: _Expr) -> bool:
    between = b.i - a.j
    if between == 1:
        c = sc.low(a.j)
        if c == "-" or c == "to" or c == "or":
            return True
        if c == "and" and sc.low(a.i - 1) == "between":
            return True
    return False


def _scaled_low(a: _Expr, b: _Expr) -> int | None:
    """The low end of a range: "10 to 20 thousand" -> 10000."""
    if a.value is None:
        return None
    if b.scale > 1 and a.scale == 1 and a.kind == b.kind == "digits" and a.value < b.base:
        scaled = Decimal(a.value) * b.scale
        if scaled == scaled.to_integral_value():
            return int(scaled)
    return a.value


def _modifier(sc: _Scanner, i: int) -> tuple[str | None, int]:
    """The bound modifier ending just before token i: (kind, first token index)."""
    for words, kind in _MODIFIERS:
        k = len(words)
        if i - k < 0:
            continue
        if all(sc.low(i - k + t) == words[t] for t in range(k)):
            # "c." (circa) written with its dot
            return kind, i - k
        if words == ("c",) and sc.low(i - 1) == "." and sc.low(i - 2) == "c":
            return kind, i - 2
    return None, i


def _postfix(sc: _Scanner, j: int) -> tuple[str | None, int]:
    w = sc.low(j)
    if w == "or" and sc.low(j + 1) == "more":
        return "low~", j + 2
    if w == "or" and sc.low(j + 1) == "so":
        return "approx", j + 2
    if w == "+" and sc.glued(j):
        return "low~", j + 1
    if w == "-" and sc.low(j + 1) == "plus" and sc.glued(j):
        return "low~", j + 2
    if w == "plus" and sc.kind(j + 1) != "num" and sc.kind(j + 1) != "word":
        return "low~", j + 1
    return None, j


def _context_score(sc: _Scanner, i: int, j: int, e: _Expr) -> float:
    score = 0.0
    # person/casualty word shortly after
    for k in range(j, min(sc.n, j + 5)):
        t = sc.toks[k]
        if t.kind == "num":
            break
        if t.kind == "punct" and t.low not in ("-", "'"):
            break
        if t.low in _PEOPLE:
            score += 3
            break
    # casualty word shortly before
    for k in range(i - 1, max(-1, i - 5), -1):
        t = sc.toks[k]
        if t.kind == "num":
            break
        if t.kind == "punct" and t.low not in (":", "-", "'"):
            break
        if t.low in _CASUALTY_BEFORE:
            score += 2
            break
    before = sc.low(e.i - 1)
    if e.year_like:
        score -= 2
        if before in _YEAR_BEFORE or sc.is_month(e.i - 1) or sc.is_month(e.i - 2):
            score -= 2
    if (
        e.value is not None
        and 1 <= e.value <= 31
        and e.kind == "digits"
        and (sc.is_month(e.i - 1) or sc.is_month(e.j))
    ):
        score -= 4
    if before in _UNIT_BEFORE or before == "#" or (before == "." and sc.low(e.i - 2) == "no"):
        score -= 4
    if e.kind == "article" or (e.kind == "words" and e.value == 1):
        score -= 1
    return score


def _figure(kind: str | None, value: int) -> Figure:
    if kind == "low":
        return Figure(None, value, None, False)
    if kind == "low~":
        return Figure(None, value, None, True)
    if kind == "high":
        return Figure(None, None, value, True)
    return Figure(value, None, None, kind == "approx")


def _candidates(sc: _Scanner, exprs: list[_Expr]) -> list[_Candidate]:
    out: list[_Candidate] = []
    skip: set[int] = set()
    for idx, e in enumerate(exprs):
        if idx in skip or e.excluded or e.value is None:
            continue
        mod, start = _modifier(sc, e.i)
        nxt = exprs[idx + 1] if idx + 1 < len(exprs) else None
        if (
            e.kind in ("digits", "words")
            and nxt is not None
            and not nxt.excluded
            and nxt.kind in ("digits", "words")
            and nxt.value is not None
            and _range_connector(sc, e, nxt)
        ):
            low = _scaled_low(e, nxt)
            if low is not None and low < nxt.value:
                skip.add(idx + 1)
                if sc.low(start - 1) in ("between", "from") and mod is None:
                    start -= 1
                if sc.low(e.i - 1) in ("between", "from"):
                    mod2, start2 = _modifier(sc, e.i - 1)
                    if mod2 is not None:
                        mod, start = mod2, start2
                post, end = _postfix(sc, nxt.j)
                approx = mod is not None or post is not None
                fig = Figure(None, low, nxt.value, approx)
                score = _context_score(sc, start, end, nxt) + (1 if mod else 0)
                out.append(_Candidate(start, end, fig, score))
                continue
        post, end = _postfix(sc, e.j)
        if e.kind == "vague":
            fig = Figure(None, e.value, None, True)
        else:
            fig = _figure(mod or post, e.value)
            if mod is not None and post is not None and post != mod:
                fig = Figure(fig.count, fig.low, fig.high, True)
        score = _context_score(sc, start, end, e) + (1 if (mod or post) else 0)
        out.append(_Candidate(start, end, fig, score))
    return out


# --------------------------------------------------------------------------- public API


def parse_figure(raw: str) -> Figure | None:
    """The casualty figure written in `raw`, or None when it has none (see module docstring)."""
    sc = _Scanner(raw)
    cands = _candidates(sc, sc.scan())
    if not cands:
        return None
    best = max(enumerate(cands), key=lambda ic: (ic[1].score, -ic[0]))[1]
    return best.figure


def numbers_in(text: str) -> list[int]:
    """Every number written in `text` (digits or words), in order of appearance.

    Ordinals and vague quantifiers ("dozens") are not numbers; "a"/"an" counting a singular
    person noun is one; in a range with a scale word ("10 to 20 thousand") both ends are
    listed scaled (10000 and 20000) as well as the bare 10.
    """
    sc = _Scanner(text)
    exprs = sc.scan()
    out: list[int] = []
    for idx, e in enumerate(exprs):
        if e.kind == "vague" or e.value is None:
            continue
        out.append(e.value)
        nxt = exprs[idx + 1] if idx + 1 < len(exprs) else None
        if nxt is not None and nxt.value is not None and _range_connector(sc, e, nxt):
            low = _scaled_low(e, nxt)
            if low is not None and low != e.value:
                out.append(low)
    return out


def figure_spans(text: str) -> list[tuple[int, int, Figure, float]]:
    """Every figure written in `text`, as (start, end, figure, score), in order of appearance.

    `text[start:end]` is the figure as written, modifiers included ("as many as 40,000"); the
    score says how much it looks like a count of people (higher is likelier)."""
    sc = _Scanner(text)
    out: list[tuple[int, int, Figure, float]] = []
    for c in _candidates(sc, sc.scan()):
        last = min(max(c.j - 1, c.i), sc.n - 1)
        start, end = sc.toks[c.i].start, sc.toks[last].end
        if 0 <= start < end <= len(text):
            out.append((start, end, c.figure, c.score))
    return out
