"""Casualty figures as written ("at least 64", "as many as 40,000", "dozens") parsed into numbers.

This module owns the reading of a `Casualty`'s ``raw`` text into its ``count``/``low``/``high``/
``approximate`` fields, and the list of numbers an article (or a quote) actually contains, so
the pipeline can check that a figure was not invented.

Numbers as written
  * Digits: "64"; thousands grouped with commas or (thin/no-break) spaces, "1,200" / "1 200";
    a decimal with a scale word, "1.2 thousand" = 1200, "1.5 million" = 1500000, "1.5bn",
    "1.5mn", "2.5 mln"; "40k" = 40000, "2.3k" = 2300. A decimal comma before a scale word is a
    decimal ("1,5 million" = 1500000; "1,5" alone is the numbers 1 and 5, "2022, 5 million" two
    numbers). "1.5m" is millions only with people right after it ("1.5m people", "5m
    Bordurians", "2m displaced people") or money before it ("$1.5m"); any other "5m" is metres
    ("a 5m crater", "5m deep") and never a figure. A decimal that is not a whole number ("2.5")
    is not a number here.
  * Words: "one" ... "nineteen", "twenty" ... "ninety", "twenty-five", "three hundred",
    "twelve hundred" (1200), "one thousand two hundred and fifty", "a hundred", "a thousand",
    "a dozen" (12, not approximate), "two dozen" (24), "half a million" / "a half million" /
    "a half-million" (500000), "half a dozen" (6), "one and a half million" (1500000). The
    article "a"/"an" before a singular person noun ("a soldier", "an elderly woman") counts as one.
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
    value they can give): "a few" 2, "a handful" 2, "several" 3, "tens of" 20, "dozens" 24, "scores" 40,
    "hundreds" 200, "thousands" 2000, "millions" 2000000; combined: "tens of thousands"
    20000, "hundreds of thousands" 200000, "dozens of thousands" 24000, "a few dozen" 24,
    "several dozen" 36, "a few hundred" 200, "several hundred" 300, "several thousand" 3000,
    "several hundred thousand" 300000. "scores" counts unless it is plainly the other word
    ("settle scores", "high scores", "scores points").
  * "no casualties", "none" -> no figure (None).

Choosing the figure in a longer phrase ("at least 64 Ruritanian soldiers were killed on 12 May
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
``numbers_in(raw)`` or in `VAGUE_BOUNDS`. A span `figure_spans` finds is read back in its text by
`figure_at` (the words after "1.5m" are outside its span, yet decide it).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from summarizer.text._number_scan import Expr, Scanner, one_person
from summarizer.text._number_words import (
    MODIFIERS,
    UNIT_BEFORE,
    VAGUE_BOUNDS,
    YEAR_BEFORE,
    casualty_before,
    people_after,
)

__all__ = ["VAGUE_BOUNDS", "Figure", "figure_at", "figure_spans", "numbers_in", "parse_figure"]


@dataclass(frozen=True)
class Figure:
    """A figure: an exact ``count``, or bounds ``low``/``high`` (either may be None)."""

    count: int | None
    low: int | None
    high: int | None
    approximate: bool


# --------------------------------------------------------------------------- ranges & figures


@dataclass(frozen=True)
class _Candidate:
    i: int  # first token (including modifiers)
    j: int
    figure: Figure
    score: float


def _range_connector(sc: Scanner, a: Expr, b: Expr) -> bool:
    between = b.i - a.j
    if between == 1:
        c = sc.low(a.j)
        if c == "-" or c == "to" or c == "or":
            return True
        if c == "and" and sc.low(a.i - 1) == "between":
            return True
    return False


def _scaled_low(a: Expr, b: Expr) -> int | None:
    """The low end of a range: "10 to 20 thousand" -> 10000."""
    if a.value is None:
        return None
    if b.scale > 1 and a.scale == 1 and a.kind == b.kind == "digits" and a.value < b.base:
        scaled = Decimal(a.value) * b.scale
        if scaled == scaled.to_integral_value():
            return int(scaled)
    return a.value


def _modifier(sc: Scanner, i: int) -> tuple[str | None, int]:
    """The bound modifier ending just before token i: (kind, first token index)."""
    for words, kind in MODIFIERS:
        k = len(words)
        if i - k < 0:
            continue
        if all(sc.low(i - k + t) == words[t] for t in range(k)):
            # "c." (circa) written with its dot
            return kind, i - k
        if words == ("c",) and sc.low(i - 1) == "." and sc.low(i - 2) == "c":
            return kind, i - 2
    return None, i


def _postfix(sc: Scanner, j: int) -> tuple[str | None, int]:
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


def _context_score(sc: Scanner, i: int, j: int, e: Expr) -> float:
    score = 0.0
    # person/casualty word shortly after
    one = one_person() if e.kind == "article" else frozenset()
    after, before_words = people_after(), casualty_before()
    for k in range(j, min(sc.n, j + 5)):
        t = sc.toks[k]
        if t.kind == "num":
            break
        if t.kind == "punct" and t.low not in ("-", "'"):
            break
        if t.low in after or t.low in one:
            score += 3  # "a journalist ... is killed" counts one person (figures.one_person)
            break
    # casualty word shortly before
    for k in range(i - 1, max(-1, i - 5), -1):
        t = sc.toks[k]
        if t.kind == "num":
            break
        if t.kind == "punct" and t.low not in (":", "-", "'"):
            break
        if t.low in before_words:
            score += 2
            break
    before = sc.low(e.i - 1)
    if e.year_like:
        score -= 2
        if before in YEAR_BEFORE or sc.is_month(e.i - 1) or sc.is_month(e.i - 2):
            score -= 2
    if e.value is not None and 1 <= e.value <= 31 and e.kind == "digits" and (sc.is_month(e.i - 1) or sc.is_month(e.j)):
        score -= 4
    if before in UNIT_BEFORE or before == "#" or (before == "." and sc.low(e.i - 2) == "no"):
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


def _candidates(sc: Scanner, exprs: list[Expr]) -> list[_Candidate]:
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
    sc = Scanner(raw)
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
    sc = Scanner(text)
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
    sc = Scanner(text)
    out: list[tuple[int, int, Figure, float]] = []
    for c in _candidates(sc, sc.scan()):
        last = min(max(c.j - 1, c.i), sc.n - 1)
        start, end = sc.toks[c.i].start, sc.toks[last].end
        if 0 <= start < end <= len(text):
            out.append((start, end, c.figure, c.score))
    return out


def figure_at(text: str, start: int, end: int, context: tuple[int, int] | None = None) -> Figure | None:
    """The figure written at `text[start:end]`, read in its context (by default the whole text;
    usually its sentence): the words around a figure settle what it alone cannot ("1.5m people" is
    millions where a lone "1.5m" is a measure; "a soldier" is one where a lone "a" is nothing).
    The figure `figure_spans` finds at exactly that span, else the span read alone."""
    lo, hi = context if context is not None else (0, len(text))
    for s, e, figure, _score in figure_spans(text[lo:hi]):
        if (lo + s, lo + e) == (start, end):
            return figure
    return parse_figure(text[start:end])
