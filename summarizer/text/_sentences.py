"""Sentences: the one sentence splitter of the package.

A sentence ends at ".", "!" or "?" followed by whitespace, or at a newline (a line is at most
one sentence: headlines, list items and datelines stand alone). `sentences` lists them;
`sentence_bounds` finds the one around a span. Both trim surrounding whitespace.

`crosses_terminal` is the stricter test of fuzzy alignment: any ".", "!", "?" or newline at
all (so "3.5" and "U.S." count too), because a fuzzy span must never stretch over one.
"""

from __future__ import annotations

import re

SENTENCE_END = re.compile(r"[.!?](?=\s)|\n")
_TERMINAL = re.compile(r"[.!?\n]")


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
    for m in [*SENTENCE_END.finditer(text), None]:
        end = (m.end() if text[m.start()] != "\n" else m.start()) if m else len(text)
        s, e = _trim(text, pos, end)
        if e > s:
            out.append((s, e))
        pos = m.end() if m else len(text)
    return out


def sentence_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    """The sentence (or line) around text[start:end], trimmed of whitespace."""
    left = 0
    for before in SENTENCE_END.finditer(text, 0, start):
        left = before.end()
    after = SENTENCE_END.search(text, end)
    right = after.end() if after else len(text)
    if after and text[after.start()] == "\n":
        right = after.start()
    return _trim(text, left, right)


def crosses_terminal(text: str, start: int, end: int) -> bool:
    """True when text[start:end] holds a ".", "!", "?" or a newline."""
    return _TERMINAL.search(text, start, end) is not None
