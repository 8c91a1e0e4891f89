"""Sentences: the one sentence splitter of the package.

A sentence ends at ".", "!" or "?" followed by whitespace, or at a newline (a line is at most
one sentence: headlines, list items and datelines stand alone), and where a rule of category
`sentence_end` says (rules/sentences.toml: a stop inside closing quotes, '… market." Police'). It does not end after an
abbreviation ("Gen.", "Lt.", "U.N.", "approx.", "No."), an initial ("Rudolf V. Elphberg"), or
inside a number ("2.5": no whitespace follows). `sentences` lists them;
`sentence_bounds` finds the one around a span. Both trim surrounding whitespace.

`crosses_terminal` is the stricter test of fuzzy alignment: any ".", "!", "?" or newline at
all (so "3.5" and "U.N." count too), because a fuzzy span must never stretch over one.
"""

from __future__ import annotations

import re

from summarizer import rules

CUT_MARK = "…"  # ends a sentence shortened at a clause boundary (`summarizer.nlp.clause_cut`)
_STOP = r"[.!?](?=\s)|\n"
_TERMINAL = re.compile(r"[.!?\n]")
# Abbreviations after which a period does not end a sentence (case-folded, without the period).
ABBREVIATIONS = frozenset(
    [
        "mr",
        "mrs",
        "ms",
        "dr",
        "prof",
        "gen",
        "lt",
        "col",
        "maj",
        "capt",
        "cpt",
        "sgt",
        "cpl",
        "pvt",
        "adm",
        "cmdr",
        "gov",
        "sen",
        "rep",
        "pres",
        "st",
        "mt",
        "ft",
        "jr",
        "sr",
        "approx",
        "est",
        "inc",
        "corp",
        "ltd",
        "co",
        "dept",
        "govt",
        "univ",
        "no",
        "nos",
        "vs",
        "fig",
        "jan",
        "feb",
        "mar",
        "apr",
        "jun",
        "jul",
        "aug",
        "sep",
        "sept",
        "oct",
        "nov",
        "dec",
    ]
)


@rules.table
def _sentence_end() -> re.Pattern[str]:
    """The ends of sentences: the rules of category `sentence_end` that are on, then the stop and
    the newline (an alternative tried first wins at a position: '."' before '.')."""
    return re.compile("|".join([*(r.regex.pattern for r in rules.category("sentence_end")), _STOP]))


def _abbreviation_before(text: str, dot: int) -> bool:
    """True if the period at `dot` closes an abbreviation ("Gen.", "U.N.") or an initial."""
    start = dot
    while start > 0 and (text[start - 1].isalpha() or text[start - 1] == "."):
        start -= 1
    word = text[start:dot].casefold()
    if not word:
        return False
    if word in ABBREVIATIONS:
        return True
    if len(word) == 1 and text[start].isupper():  # an initial: "Rudolf V. Elphberg"
        return True
    return bool(re.fullmatch(r"(?:[a-z]\.)+[a-z]", word))  # "u.s", "e.g"


def _ends(text: str, start: int = 0, end: int | None = None) -> list[re.Match[str]]:
    """The sentence ends in text[start:end]: `_sentence_end`, less abbreviations and initials."""
    stop = len(text) if end is None else end
    return [
        m
        for m in _sentence_end().finditer(text, start, stop)
        if text[m.start()] != "." or not _abbreviation_before(text, m.start())
    ]


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def sentences(text: str) -> list[tuple[int, int]]:
    """(start, end) of every sentence or line of text, trimmed."""
    out: list[tuple[int, int]] = []
    pos = 0
    for m in [*_ends(text), None]:
        end = (m.end() if text[m.start()] != "\n" else m.start()) if m else len(text)
        s, e = _trim(text, pos, end)
        if e > s:
            out.append((s, e))
        pos = m.end() if m else len(text)
    return out


def sentence_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    """The sentence (or line) around text[start:end], trimmed of whitespace."""
    left = 0
    for before in _ends(text, 0, start):
        left = before.end()
    after = next(iter(_ends(text, end)), None)
    right = after.end() if after else len(text)
    if after and text[after.start()] == "\n":
        right = after.start()
    return _trim(text, left, right)


def crosses_terminal(text: str, start: int, end: int) -> bool:
    """True when text[start:end] holds a ".", "!", "?" or a newline."""
    return _TERMINAL.search(text, start, end) is not None


# A non-restrictive clause set off by commas (", which previously had 2,500 residents,"): it
# describes a name, it does not tell the sentence's action. A comma between digits is no bound.
_ASIDE = re.compile(r",\s+(?:which|who|whose)\b(?:[^,]|,(?=\d{3}\b))*,")


def without_asides(sentence: str) -> str:
    """`sentence` without its comma-bounded "which"/"who" clauses, for checks that read the
    sentence's own action (when, whether it happened) rather than what it says about a name."""
    return _ASIDE.sub(",", sentence)


def dateline_end(sentence: str) -> int:
    """Where a dateline that opens the sentence ends ("STRELSAU—", "AFP - ", "SZOHOD (Reuters) - "),
    else 0: where the story was filed and the agency that filed it (`roles.dateline`)."""
    m = rules.regex("roles.dateline").match(sentence)
    return m.end() if m else 0
