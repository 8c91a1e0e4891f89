"""Grounding: aligning text the model produced to exact character offsets of the article.

This module owns one question: *where in the article is this quote (or name)?* Every
`Span` of the contract (``text == article_text[start:end]``, always) is built from a `Match`
returned here; nothing else in the package computes article offsets.

`find_span` tries three methods, in order, and returns the first that succeeds:

1. **exact** - the quote is a substring of the article. Among several occurrences the first
   one at or after ``start_hint`` wins, else the first one; occurrences that start and end on
   word boundaries are preferred over ones that cut a word (so "64" finds "64 soldiers", not
   the tail of "1964").
2. **normalized** - the same search on a normalized copy of both texts: case-folded,
   diacritics stripped, curly quotes to straight (``‘’‚‛′` `` to ``'``, ``“”„‟«»″`` to ``"``),
   dashes (``‐‑‒–—―−``) to ``-``, the ellipsis ``…`` to ``...``, every run of whitespace
   (newlines, NBSP, thin spaces) to one space, spaces around a dash dropped ("Szohod - the" ==
   "Szohod—the"), soft hyphens and zero-width characters dropped. The normalized copy keeps an
   index map to the original, so the match is returned as offsets into the ORIGINAL text.
   If the whole quote is not found, the quote is retried with surrounding quotation marks
   and punctuation stripped, and a quote elided with an ellipsis ("Ruritanian forces ... shelled
   Zenda") is matched piece by piece, in order, the span covering the first to the last piece.
3. **fuzzy** - the window of the article that best aligns, token by token, with the quote
   (difflib ``SequenceMatcher`` on normalized word tokens; "1,200" and "1200" are the same
   token). Candidate windows come from a prefilter: each occurrence of one of the quote's
   rarer tokens votes for the window start it implies, and only the best-voted windows are
   aligned. The score is ``2*M / (len(quote tokens) + len(span tokens))`` where ``M`` is the
   number of quote tokens matched in order, i.e. the coverage of the quote penalised by any
   extra words inside the span; it must reach ``min_coverage``. The span runs from the first to
   the last matched token (so it starts and ends on word boundaries and carries no surrounding
   whitespace or punctuation), widened by at most as many words as the quote has unmatched at
   either edge (a substituted first or last word) without crossing a sentence end.

Leading and trailing whitespace of the quote is ignored. Invariant: for every returned `Match`,
``0 <= start < end <= len(text)`` and ``text[start:end]`` is the non-empty text the caller
stores as the span. Empty or whitespace quotes, and quotes that are not in the article
(invented by the model), give ``None``.

`find_all` lists every whole-word occurrence of a name (case-insensitive, normalized as above;
"Szohod" matches "Szohod's" but not "Szohodian"), non-overlapping, in order.

Normalizations of an article are cached (a few most recent texts), so calling `find_span`
many times on the same article costs one normalization.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import lru_cache
from typing import Literal

from summarizer.text._normalize import normalize, normalized_text
from summarizer.text._sentences import crosses_terminal

__all__ = ["Match", "find_all", "find_span", "normalize"]

MatchMethod = Literal["exact", "normalized", "fuzzy"]


@dataclass(frozen=True)
class Match:
    """A located span of the article: ``text[start:end]``."""

    start: int
    end: int
    method: MatchMethod
    score: float  # 1.0 for exact/normalized, the alignment score for fuzzy


# --------------------------------------------------------------------------- helpers


def _is_word(ch: str) -> bool:
    return ch.isalnum()


def _on_boundaries(s: str, start: int, end: int) -> bool:
    """True when s[start:end] does not cut a word at either end."""
    left = start == 0 or not _is_word(s[start - 1]) or not _is_word(s[start])
    right = end >= len(s) or not _is_word(s[end]) or not _is_word(s[end - 1])
    return left and right


def _occurrences(hay: str, needle: str, limit: int = 10_000) -> list[int]:
    out: list[int] = []
    pos = hay.find(needle)
    while pos != -1 and len(out) < limit:
        out.append(pos)
        pos = hay.find(needle, pos + 1)
    return out


def _pick(positions: list[int], hint: int, boundary: list[bool]) -> int | None:
    """Choose an occurrence: on word boundaries first, then at/after the hint, then first."""
    if not positions:
        return None
    for want_boundary in (True, False):
        pool = [p for p, b in zip(positions, boundary, strict=True) if b or not want_boundary]
        if pool:
            after = [p for p in pool if p >= hint]
            return after[0] if after else pool[0]
    return None  # pragma: no cover - unreachable


def _orig_end(text: str, end: int) -> int:
    """Extend an end offset over combining marks, so a span never splits a grapheme."""
    while end < len(text) and unicodedata.combining(text[end]):
        end += 1
    return end


def _map_span(text: str, index: tuple[int, ...], nstart: int, nend: int) -> tuple[int, int]:
    start = index[nstart]
    end = _orig_end(text, index[nend - 1] + 1)
    return start, end


def _valid(text: str, start: int, end: int) -> bool:
    return 0 <= start < end <= len(text) and bool(text[start:end].strip())


# --------------------------------------------------------------------------- exact / normalized


def _exact(text: str, quote: str, hint: int) -> Match | None:
    positions = _occurrences(text, quote)
    boundary = [_on_boundaries(text, p, p + len(quote)) for p in positions]
    pos = _pick(positions, hint, boundary)
    if pos is None:
        return None
    return Match(pos, pos + len(quote), "exact", 1.0)


def _hint_in_norm(index: tuple[int, ...], hint: int) -> int:
    """The normalized offset corresponding to an original offset (first char at/after it)."""
    lo, hi = 0, len(index)
    while lo < hi:
        mid = (lo + hi) // 2
        if index[mid] < hint:
            lo = mid + 1
        else:
            hi = mid
    return lo


_EDGE_PUNCT = " \"'.,;:!?-()[]{}"
_ELISION = re.compile(r"\s*\.{3,}\s*")


def _normalized(text: str, quote: str, hint: int) -> Match | None:
    ntext, index = normalized_text(text)
    if not ntext:
        return None
    nhint = _hint_in_norm(index, hint)
    nquote = normalize(quote)
    candidates = [nquote]
    stripped = nquote.strip(_EDGE_PUNCT)
    if stripped and stripped != nquote:
        candidates.append(stripped)
    for needle in candidates:
        if not needle:
            continue
        positions = _occurrences(ntext, needle)
        boundary = [_on_boundaries(ntext, p, p + len(needle)) for p in positions]
        pos = _pick(positions, nhint, boundary)
        if pos is not None:
            start, end = _map_span(text, index, pos, pos + len(needle))
            if _valid(text, start, end):
                return Match(start, end, "normalized", 1.0)
    # An elided quote: "A ... B" -> A, then B after it.
    parts = [p.strip(_EDGE_PUNCT) for p in _ELISION.split(stripped or nquote)]
    parts = [p for p in parts if p]
    if len(parts) >= 2:
        return _elided(text, ntext, index, parts, nhint)
    return None


def _elided(text: str, ntext: str, index: tuple[int, ...], parts: list[str], nhint: int) -> Match | None:
    max_gap = max(400, 4 * sum(len(p) for p in parts))
    firsts = _occurrences(ntext, parts[0], limit=200)
    firsts.sort(key=lambda p: (p < nhint, p))
    for first in firsts:
        cursor = first + len(parts[0])
        for part in parts[1:]:
            nxt = ntext.find(part, cursor, cursor + max_gap + len(part))
            if nxt == -1:
                break
            cursor = nxt + len(part)
        else:
            start, end = _map_span(text, index, first, cursor)
            if _valid(text, start, end):
                return Match(start, end, "normalized", 1.0)
    return None


# --------------------------------------------------------------------------- fuzzy

_TOKEN = re.compile(r"[0-9]+(?:,[0-9]{3})+(?![0-9])|\w+")


@dataclass(frozen=True)
class _Tokens:
    keys: tuple[str, ...]
    starts: tuple[int, ...]  # original offsets
    ends: tuple[int, ...]
    positions: dict[str, list[int]]


def _tokenize_norm(ntext: str) -> list[tuple[str, int, int]]:
    return [(m.group().replace(",", ""), m.start(), m.end()) for m in _TOKEN.finditer(ntext)]


@lru_cache(maxsize=8)
def _text_tokens(text: str) -> _Tokens:
    ntext, index = normalized_text(text)
    keys: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    positions: dict[str, list[int]] = {}
    for key, ns, ne in _tokenize_norm(ntext):
        s, e = _map_span(text, index, ns, ne)
        positions.setdefault(key, []).append(len(keys))
        keys.append(key)
        starts.append(s)
        ends.append(e)
    return _Tokens(tuple(keys), tuple(starts), tuple(ends), positions)


_MAX_ANCHOR_FREQ = 50
_MAX_WINDOWS = 12
_MAX_ANCHOR_USES = 4  # positions in the quote at which one anchor token votes
_VOTE_BUDGET = 20_000  # votes cast per call, at most (after the first anchor)


def _candidate_starts(toks: _Tokens, q: list[str], slack: int) -> list[int]:
    """Window starts implied by occurrences of the quote's rarer tokens, best-voted first."""
    present = sorted(
        {(len(toks.positions[k]), k) for k in q if k in toks.positions},
    )
    if not present:
        return []
    anchors = {k for f, k in present if f <= _MAX_ANCHOR_FREQ} | {k for _, k in present[:3]}
    qpos: dict[str, list[int]] = {}
    for j, key in enumerate(q):
        if key in anchors:
            qpos.setdefault(key, []).append(j)
    votes: Counter[int] = Counter()
    work = 0
    for freq, key in present:  # rarest first, within a budget of votes
        if key not in anchors:
            continue
        js = qpos[key][:_MAX_ANCHOR_USES]
        if work and work + freq * len(js) > _VOTE_BUDGET:
            break
        for j in js:
            for i in toks.positions[key]:
                votes[i - j] += 1
        work += freq * len(js)
    chosen: list[int] = []
    for start, _ in votes.most_common():
        if any(abs(start - c) <= slack for c in chosen):
            continue
        chosen.append(start)
        if len(chosen) >= _MAX_WINDOWS:
            break
    return chosen


def _same_sentence(text: str, a: int, b: int) -> bool:
    return not crosses_terminal(text, a, b)


def _fuzzy(text: str, quote: str, hint: int, min_coverage: float) -> Match | None:
    toks = _text_tokens(text)
    if not toks.keys:
        return None
    q = [k for k, _, _ in _tokenize_norm(normalize(quote))]
    n = len(q)
    if n == 0:
        return None
    need = min_coverage * n / (2.0 - min_coverage) if min_coverage < 2 else float(n)
    qbag = Counter(q)
    slack = max(3, n // 4)
    best: tuple[float, bool, int, int, int] | None = None  # score, after-hint, -start, lo, hi
    for s in _candidate_starts(toks, q, slack):
        a = max(0, s - slack)
        b = min(len(toks.keys), s + n + slack)
        if a >= b:
            continue
        window = list(toks.keys[a:b])
        overlap = sum((qbag & Counter(window)).values())
        if overlap < need or overlap == 0:
            continue
        sm = SequenceMatcher(None, q, window, autojunk=False)
        blocks = [blk for blk in sm.get_matching_blocks() if blk.size]
        if not blocks:
            continue
        matched = sum(blk.size for blk in blocks)
        lo = a + blocks[0].b
        hi = a + blocks[-1].b + blocks[-1].size - 1
        score = 2.0 * matched / (n + (hi - lo + 1))
        if score < min_coverage:
            continue
        # Widen over substituted edge words, within the window and the sentence.
        lead = blocks[0].a
        trail = n - (blocks[-1].a + blocks[-1].size)
        for _ in range(lead):
            if lo - 1 >= a and _same_sentence(text, toks.ends[lo - 1], toks.starts[lo]):
                lo -= 1
        for _ in range(trail):
            if hi + 1 < b and _same_sentence(text, toks.ends[hi], toks.starts[hi + 1]):
                hi += 1
        start = toks.starts[lo]
        key = (round(score, 9), toks.starts[lo] >= hint, -start, lo, hi)
        if best is None or key[:3] > best[:3]:
            best = key
    if best is None:
        return None
    score, _, _, lo, hi = best
    start, end = toks.starts[lo], toks.ends[hi]
    if not _valid(text, start, end):
        return None
    return Match(start, end, "fuzzy", min(1.0, score))


# --------------------------------------------------------------------------- public API


def find_span(text: str, quote: str, *, start_hint: int = 0, min_coverage: float = 0.85) -> Match | None:
    """Locate `quote` in `text`: exact, then normalized, then fuzzy (see the module docstring).

    Returns None for an empty/whitespace quote or one that cannot be found well enough.
    """
    quote = quote.strip()
    if not text or not quote:
        return None
    hint = min(max(0, start_hint), len(text))
    found = _exact(text, quote, hint)
    if found is None:
        found = _normalized(text, quote, hint)
    if found is None:
        found = _fuzzy(text, quote, hint, min_coverage)
    if found is not None and not _valid(text, found.start, found.end):
        return None  # pragma: no cover - defensive: the invariant above
    return found


def find_all(text: str, phrase: str) -> list[Match]:
    """Every whole-word, case-insensitive, normalized occurrence of `phrase`, in order.

    Occurrences do not overlap. A possessive ("Szohod's") matches; a longer word ("Szohodian")
    does not. The method is "exact" when the slice equals `phrase` character for character.
    """
    needle = normalize(phrase)
    if not text or not needle:
        return []
    ntext, index = normalized_text(text)
    out: list[Match] = []
    pos = ntext.find(needle)
    while pos != -1:
        end = pos + len(needle)
        if _whole_word(ntext, pos, end):
            start, oend = _map_span(text, index, pos, end)
            if _valid(text, start, oend):
                method: MatchMethod = "exact" if text[start:oend] == phrase else "normalized"
                out.append(Match(start, oend, method, 1.0))
            pos = ntext.find(needle, end)
        else:
            pos = ntext.find(needle, pos + 1)
    return out


def _whole_word(s: str, start: int, end: int) -> bool:
    left = start == 0 or not _is_word(s[start - 1])
    right = end >= len(s) or not _is_word(s[end])
    return left and right
