"""Normalisation: the one place that folds text for comparison.

Two uses, one folding base (`strip_marks`: compatibility decomposition, combining marks
dropped):

- `normalize` / `normalize_with_map`: the alignment form used by grounding (case-folded,
  diacritics stripped, curly quotes to straight, dashes to "-", "…" to "...", whitespace runs
  to one space, spaces around a dash dropped, soft hyphens and zero-width characters dropped),
  with an index map from each normalised character back to the original text.
- `normalize_name`: the key of the contract's name-matching rule (section 2): case-folded,
  diacritics and punctuation stripped, apostrophes dropped ("Borduria's" -> "bordurias"), a
  leading "the" dropped.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache


def strip_marks(text: str) -> str:
    """`text` in compatibility decomposition (NFKD) without its combining marks ("é" -> "e")."""
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


_SINGLE_QUOTES = "\u2018\u2019\u201a\u201b\u2032\u0060\u00b4\u02bc"
_DOUBLE_QUOTES = "\u201c\u201d\u201e\u201f\u00ab\u00bb\u2033\u301d\u301e\uff02"
_DASHES = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d"
_DROPPED = frozenset("\u00ad\u200b\u200c\u200d\u2060\ufeff")
_ELLIPSIS = "\u2026"


@lru_cache(maxsize=4096)
def _norm_char(ch: str) -> str:
    """The normalized form of one character ('' when it is dropped)."""
    if ch in _DROPPED:
        return ""
    if ch in _SINGLE_QUOTES:
        return "'"
    if ch in _DOUBLE_QUOTES:
        return '"'
    if ch in _DASHES:
        return "-"
    if ch == _ELLIPSIS:
        return "..."
    if ch.isspace():
        return " "
    if ch.isascii():
        return ch.lower()
    out = strip_marks(ch.casefold())
    # NFKD can itself produce quotes/dashes/spaces (e.g. compatibility forms): fold again.
    return "".join(" " if c.isspace() else "-" if c in _DASHES else c for c in out if c not in _DROPPED)


def normalize_with_map(text: str) -> tuple[str, tuple[int, ...]]:
    """Normalize `text`; return it with, for each normalized char, its index in `text`."""
    chars: list[str] = []
    index: list[int] = []
    for i, ch in enumerate(text):
        out = _norm_char(ch)
        for c in out:
            if c == " " and (not chars or chars[-1] == " " or chars[-1] == "-"):
                continue  # collapse whitespace runs; no space after a dash
            if c == "-" and chars and chars[-1] == " ":
                chars.pop()  # no space before a dash
                index.pop()
            chars.append(c)
            index.append(i)
    return "".join(chars), tuple(index)


@lru_cache(maxsize=8)
def normalized_text(text: str) -> tuple[str, tuple[int, ...]]:
    return normalize_with_map(text)


def normalize(text: str) -> str:
    """The normalized form used for matching (see the module docstring), stripped."""
    return normalize_with_map(text)[0].strip()


_PUNCT = re.compile(r"[^\w\s]", re.UNICODE)
_SPACE = re.compile(r"\s+")


def normalize_name(name: str) -> str:
    """Case-fold, strip diacritics and punctuation, drop a leading "the", fold whitespace."""
    text = strip_marks(name)
    text = text.replace("'", "").replace("\u2019", "")  # "Borduria's" -> "bordurias"
    text = _PUNCT.sub(" ", text.casefold())
    text = _SPACE.sub(" ", text).strip()
    if text.startswith("the "):
        text = text[4:]
    return text
