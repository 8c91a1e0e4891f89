"""Number expressions in text: tokens, and each number written in digits, words or vaguely.

This module owns `Scanner`, which tokenizes a text and reads every number expression in it
(`Expr`: "1,200", "1.5 million", "twelve hundred and five", "tens of thousands", "a soldier")
with what rules it out as a casualty figure (ordinals, percentages, measures, model names,
times, compound adjectives). Which expression is the figure of a phrase is `_numbers`' job.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from summarizer import rules
from summarizer.text._number_words import (
    CURRENCY,
    DIGIT_SCALES,
    FEW_MULTIPLIERS,
    HALVED,
    HANDFUL,
    MEASURES,
    MONTHS,
    NOT_SCORES,
    ORDINAL_SUFFIXES,
    PLURAL_UNITS,
    SCALES,
    SCORES_NEXT,
    TEENS,
    TENS,
    UNITS,
    VAGUE_PLURALS,
    people_after,
    person_nouns,
)


# The nouns of one person that "a"/"an" counts (rules/figures.toml `figures.one_person`, brief-v10).
@rules.table
def one_person() -> frozenset[str]:
    return rules.words("figures.one_person")


# Every noun of one person "a"/"an" counts: the base list and brief-v10's (built once per rule set).
@rules.table
def _article_people() -> frozenset[str]:
    return rules.words("figures.singular_people", "figures.one_person")


_SPACES = "\u00a0\u202f\u2009\u2007"
_TOKEN = re.compile(
    r"(?P<num>(?<![0-9.,])[0-9]{1,3}(?:,[0-9]{3})+(?![0-9]|[.,][0-9])"
    rf"|(?<![0-9.,])[0-9]{{1,3}}(?:[ {_SPACES}][0-9]{{3}})+(?![0-9]|[.,][0-9])"
    r"|(?<![0-9.,])[0-9]{1,3},[0-9]{1,2}(?=(?i:[ \u00a0\u202f]*(?:million|billion|thousand|mln|mn|bln|bn)|m|k)\b)"
    r"|[0-9]+(?:\.[0-9]+)?)"
    r"|(?P<word>[^\W\d_]+(?:['\u2019][^\W\d_]+)?)"
    r"|(?P<punct>[^\w\s])"
)
_DECIMAL_COMMA = re.compile(r"[0-9]{1,3},[0-9]{1,2}")
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
class Expr:
    """A number expression over tokens [i, j)."""

    i: int
    j: int
    value: int | None  # None: a decimal that is not whole
    kind: str  # "digits" | "words" | "vague" | "article"
    excluded: bool = False  # never a figure (ordinal, percentage, ...)
    scale: int = 1  # the scale word applied ("thousand" -> 1000)
    base: Decimal = Decimal(0)  # the number before the scale word
    year_like: bool = False


class Scanner:
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
        return w in MONTHS and (w != "may" or self.toks[i].text == "May")

    # ---- number expressions
    def digits(self, i: int) -> Expr | None:
        tok = self.toks[i]
        if tok.kind != "num":
            return None
        if _DECIMAL_COMMA.fullmatch(tok.text):  # "1,5 million": the tokenizer lets it through only before a scale
            raw = tok.text.replace(",", ".")
        else:
            raw = re.sub(rf"[, {_SPACES}]", "", tok.text)
        if len(raw) > _MAX_DIGITS:
            return Expr(i, i + 1, None, "digits", excluded=True)
        try:
            base = Decimal(raw)
        except InvalidOperation:  # pragma: no cover - the regex only lets digits through
            return None
        j = i + 1
        excluded = False
        scale = 1
        nxt = self.low(j)
        if self.kind(j) == "word" and self.glued(j):
            if nxt in ORDINAL_SUFFIXES:
                return Expr(i, j + 1, None, "digits", excluded=True)
            if nxt == "k":
                scale, j = 1000, j + 1
            elif nxt == "m" and self._millions(i, j + 1):
                scale, j = 1_000_000, j + 1
            elif nxt in DIGIT_SCALES:
                scale, j = DIGIT_SCALES[nxt], j + 1
            else:  # "1990s", "5km", "10am", "155mm"
                excluded = True
                j += 1
        elif self.kind(j) == "word" and nxt in DIGIT_SCALES:
            scale, j = DIGIT_SCALES[nxt], j + 1
        value = base * scale
        whole = value == value.to_integral_value()
        year_like = scale == 1 and tok.text.isdigit() and len(tok.text) == 4 and 1900 <= int(base) <= 2099
        return Expr(i, j, int(value) if whole else None, "digits", excluded, scale, base, year_like)

    def _millions(self, i: int, k: int) -> bool:
        """ "1.5m" (token i, its "m" before token k) is millions, not metres: money ("$1.5m"), or
        people right after it ("1.5m people", "5m Bordurians", "2m displaced people"). Any
        other "5m" is a measure ("a 5m crater", "5m deep") and never a figure."""
        before = self.low(i - 1)
        if before and before[-1] in CURRENCY:
            return True
        for at in (k, k + 1):
            if self.kind(at) != "word":
                return False
            word = self.toks[at].text
            if self.low(at) in person_nouns() or (word[:1].isupper() and word.endswith(("ans", "ese", "is"))):
                return True
        return False

    def _sub_hundred(self, i: int) -> tuple[int, int] | None:
        w = self.low(i)
        if self.kind(i) != "word":
            return None
        if w in TEENS:
            return TEENS[w], i + 1
        if w in TENS:
            v, j = TENS[w], i + 1
            if self.low(j) == "-" and self.glued(j) and self.low(j + 1) in UNITS:
                return v + UNITS[self.low(j + 1)], j + 2
            if self.low(j) in UNITS and self.low(j) != "zero":
                return v + UNITS[self.low(j)], j + 1
            return v, j
        if w in UNITS:
            return UNITS[w], i + 1
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

    def _and_a_half(self, j: int) -> int | None:
        """The scale of "and a half million" starting at token j, or None."""
        if (self.low(j), self.low(j + 1), self.low(j + 2)) == ("and", "a", "half") and self.low(j + 3) in SCALES:
            return SCALES[self.low(j + 3)]
        return None

    def _half(self, i: int) -> Expr | None:
        """ "half a million" (500000), "a half million", "a half-million", "half a dozen" (6)."""
        if self.low(i) == "half" and self.low(i + 1) in ("a", "an") and self.low(i + 2) in HALVED:
            return Expr(i, i + 3, HALVED[self.low(i + 2)] // 2, "words")
        if self.low(i) == "a" and self.low(i + 1) == "half":
            k = i + 3 if self.low(i + 2) == "-" and self.glued(i + 2) else i + 2
            if self.low(k) in HALVED:
                return Expr(i, k + 1, HALVED[self.low(k)] // 2, "words")
        return None

    def words(self, i: int) -> Expr | None:
        half = self._half(i)
        if half is not None:
            return half
        first = self._group(i, allow_article=True)
        if first is None:
            return None
        total, (current, j) = 0, first
        last_scale = 10**18
        while True:
            w = self.low(j)
            halved = self._and_a_half(j)
            if halved is not None and halved < last_scale and current > 0:  # "one and a half million"
                total, current, j = total + current * halved + halved // 2, 0, j + 4
                break
            if w == "dozen" and current < 100:
                current, j = current * 12, j + 1
                break
            if w in SCALES and SCALES[w] < last_scale and current > 0:
                total += current * SCALES[w]
                last_scale = SCALES[w]
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
        return Expr(i, j, value, "words")

    def vague(self, i: int) -> Expr | None:
        w = self.low(i)
        if w in VAGUE_PLURALS or w == "tens":
            low = 20 if w == "tens" else VAGUE_PLURALS[w]
            j = i + 1
            if self.low(j) == "of" and self.low(j + 1) in PLURAL_UNITS:
                return Expr(i, j + 2, low * PLURAL_UNITS[self.low(j + 1)], "vague")
            if w == "tens" and self.low(j) != "of":
                return None
            if w == "scores" and (
                self.low(i - 1) in NOT_SCORES
                or (j < self.n and self.low(j) not in SCORES_NEXT and self.low(j) not in people_after())
            ):
                return None  # "settle scores", "high scores", "scores points"
            return Expr(i, j, low, "vague")
        if w == "a" and self.low(i + 1) == "handful":
            return Expr(i, i + 2, HANDFUL, "vague")
        if w == "several" or (w == "a" and self.low(i + 1) == "few"):
            base = 3 if w == "several" else 2
            j = i + 1 if w == "several" else i + 2
            n_mult = 0
            while self.low(j) in FEW_MULTIPLIERS and n_mult < 2:
                base *= FEW_MULTIPLIERS[self.low(j)]
                j += 1
                n_mult += 1
            return Expr(i, j, base, "vague")
        return None

    def article(self, i: int) -> Expr | None:
        """ "a soldier", "an elderly woman" -> one."""
        if self.low(i) not in ("a", "an"):
            return None
        people = _article_people()
        for k in range(i + 1, min(self.n, i + 8)):
            t = self.toks[k]
            if t.low in people:
                return Expr(i, i + 1, 1, "article")
            if t.kind == "punct" and t.low not in ("-", "'"):
                return None
            if t.kind == "word" and t.low in ("a", "an", "the", "and", "or", "of", "was", "were"):
                return None
        return None

    def scan(self) -> list[Expr]:
        out: list[Expr] = []
        i = 0
        while i < self.n:
            expr = self.digits(i) or self.words(i) or self.vague(i) or self.article(i)
            if expr is None:
                i += 1
                continue
            out.append(self._exclusions(expr))
            i = max(expr.j, i + 1)
        return out

    def _exclusions(self, e: Expr) -> Expr:
        """Mark expressions that are never casualty figures."""
        if e.excluded or e.kind in ("vague", "article"):
            return e
        before, after = self.low(e.i - 1), self.low(e.j)
        bad = False
        if e.kind == "digits":
            if before and before[-1] in CURRENCY:
                bad = True
            # "Su-25", "T-72", "M142", "COVID-19"
            if self.glued(e.i) and self.kind(e.i - 1) == "word":
                bad = True
            if before == "-" and self.glued(e.i) and self.kind(e.i - 2) == "word" and (self.glued(e.i - 1)):
                bad = True
            # "10:30", "3.5.2023"-like
            if after in (":",) and self.glued(e.j) and self.kind(e.j + 1) == "num":
                bad = True
            if before == ":" and self.glued(e.i) and self.kind(e.i - 2) == "num":
                bad = True
        if after in ("%", "‰") or after in MEASURES:
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
                and self.low(e.j + 1) not in UNITS
                and self.low(e.j + 1) not in TEENS
                and self.low(e.j + 1) not in TENS
            )
        ):
            bad = True
        if bad:
            return Expr(e.i, e.j, e.value, e.kind, True, e.scale, e.base, e.year_like)
        return e
