"""Candidates found by code and given to the model: capitalised names, the sentences that
carry casualty figures, the figures themselves and the casualty kind the article's own words
give them. Small models miss what they are not pointed at; code finds candidates cheaply,
the model decides what they are."""

from __future__ import annotations

import re
from typing import Literal, NamedTuple

from summarizer import rules
from summarizer.text import _numbers as numbers
from summarizer.text._sentences import sentences

CasualtyKind = Literal["killed", "wounded", "captured", "missing", "casualties"]
"""The contract's casualty kinds (re-exported by `summarizer.contract`); `kind_near` reads
them off the article's own words."""


# The words that make a sentence with a figure a casualty sentence (rules/casualties.toml).
@rules.table
def _casualty_words() -> re.Pattern[str]:
    return rules.union(rules.category("casualty_word"))


def casualty_sentence_spans(text: str, limit: int = 12) -> list[tuple[int, int]]:
    """(start, end) of the sentences that pair a figure with a casualty word."""
    found: list[tuple[int, int]] = []
    for s, e in sentences(text):
        sentence = text[s:e]
        if _casualty_words().search(sentence) and numbers.parse_figure(sentence) is not None:
            found.append((s, e))
            if len(found) >= limit:
                break
    return found


class CasualtyFigure(NamedTuple):
    """Where a figure is written (text[start:end]) and the sentence that carries it. A named
    tuple, so it still unpacks as (start, end, sentence_start, sentence_end)."""

    start: int
    end: int
    sentence_start: int
    sentence_end: int

    def shifted(self, offset: int) -> CasualtyFigure:
        """The same figure with every offset moved by `offset` (a chunk's start)."""
        return CasualtyFigure(*(x + offset for x in self))


def casualty_figures(text: str, limit: int = 12) -> list[CasualtyFigure]:
    """Every figure that may count people, in the sentences that mention killing, wounding,
    capture or loss; at most `limit`."""
    found: list[CasualtyFigure] = []
    for s, e in casualty_sentence_spans(text, limit):
        for fs, fe, _figure, score in numbers.figure_spans(text[s:e]):
            if score >= 0:
                found.append(CasualtyFigure(s + fs, s + fe, s, e))
                if len(found) >= limit:
                    return found
    return found


# The casualty kind each word gives, in the order that breaks a tie (rules/casualties.toml).
@rules.table
def _kind_words() -> tuple[tuple[CasualtyKind, re.Pattern[str]], ...]:
    return tuple((r.data["kind"], r.regex) for r in rules.category("casualty_kind"))


# The words between a casualty word and a figure after it that start a new clause ("killed and
# 82 others wounded"): the word is the earlier clause's (rules/casualties.toml).
@rules.table
def _clause_gap() -> re.Pattern[str]:
    return rules.union(rules.category("kind_clause_gap"))


_FAR = 1000  # a word of an earlier clause: nearer than none, farther than any word after the figure


_COUNTED = re.compile(
    r"(?:\b\d[\d,.]*|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|dozens?|"
    r"hundreds?|thousands?))\s+$",
    re.IGNORECASE,
)


_A_FIGURE = re.compile(
    r"\b(?:\d[\d,.]*|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|dozens|hundreds|thousands|"
    r"millions)\b",
    re.IGNORECASE,
)


def kind_near(text: str, fig_start: int, fig_end: int, sent_start: int, sent_end: int) -> CasualtyKind | None:
    """The casualty kind said by the casualty word nearest to a figure in its sentence, after it
    ("87 more wounded" -> wounded) or before it ("killing 2" -> killed; "killed two ... and
    wounded five" -> killed 2, wounded 5) with no other figure between ("killed thousands, forced
    millions to flee": the millions are not killed); a word before it that ends an earlier clause
    ("One was killed and 82 others wounded") only where none follows it; None when no such word
    is near."""
    after = text[fig_end : min(sent_end, fig_end + 60)]
    next_digit = re.search(r"\d", after)
    if next_digit:  # up to the next figure, less the word that is that figure's ("... and wounded 30")
        after = re.sub(
            r"\b[\w-]+\s+(?:at least\s+|some\s+|about\s+|nearly\s+|more than\s+)?$", "", after[: next_digit.start()]
        )
    before = text[max(sent_start, fig_start - 30) : fig_start]
    best: tuple[int, int, CasualtyKind] | None = None
    for order, (kind, pattern) in enumerate(_kind_words()):
        hits = [(m.start(), order, kind) for m in pattern.finditer(after)]
        hits += [
            (len(before) - m.end() + (_FAR if _clause_gap().match(before[m.end() :]) else 0), order, kind)
            for m in pattern.finditer(before)
            if not _COUNTED.search(before[: m.start()])  # "two dead and three ...": dead is the two's
            and not _A_FIGURE.search(before[m.end() :])  # "killed thousands, forced millions": the thousands'
        ]
        for hit in hits:
            if best is None or hit[:2] < best[:2]:
                best = hit
    sentence = text[sent_start:sent_end]
    if best and best[2] == "captured" and _convicts().search(sentence) and not _captives().search(sentence):
        return None  # "50,000 prisoners have signed up to fight": convicts, not captives
    if best is None and text[fig_start:fig_end].casefold() in ("a", "an"):
        return _one_person_fate(text[fig_end:sent_end])
    return best[2] if best else None


# What happened to one person counted by "a"/"an": the verbs of its clause (rules/casualties.toml).
@rules.table
def _fates() -> tuple[tuple[CasualtyKind, re.Pattern[str]], ...]:
    return tuple((r.data["kind"], r.regex) for r in rules.category("one_person_fate"))


_CLAUSE_END = re.compile(r";\s|\bbut\b|\bwhile\b|\bwhereas\b|(?<![#&\w])\d")


def _one_person_fate(after: str) -> CasualtyKind | None:
    """The fate the verbs of a one-person figure's clause tell ("A lawyer ... has been shot dead"
    -> killed), read up to "but", "while", a semicolon, the next figure in digits or the
    sentence's end; None when none or two differ."""
    end = _CLAUSE_END.search(after)
    clause = after[: end.start()] if end else after
    found = {kind for kind, pattern in _fates() if pattern.search(clause)}
    return found.pop() if len(found) == 1 else None


# Prisoners who are convicts (recruited from jails), not people captured in the war
# (rules/casualties.toml).
@rules.table
def _convicts() -> re.Pattern[str]:
    return rules.regex("casualty.convicts")


@rules.table
def _captives() -> re.Pattern[str]:
    return rules.regex("casualty.captives")


def casualty_sentences(text: str, limit: int = 12) -> list[str]:
    """Sentences that pair a figure with a casualty word (whitespace folded): a hint for the casualty pass."""
    return [" ".join(text[s:e].split()) for s, e in casualty_sentence_spans(text, limit)]


# Capitalised words that start sentences or are not names on their own (rules/names.toml).
@rules.table
def not_names() -> frozenset[str]:
    return rules.words("name.not_names")


NAME_RUN = re.compile(
    r"(?:\b\d+(?:st|nd|rd|th)[ \t]+)?\b[A-Z][\w’'\-]*(?:(?:[ \t]+(?:of|the|de|al|for)){0,2}[ \t]+[A-Z][\w’'\-]*)*"
)
_CONNECTORS = ("of", "the", "de", "al", "for")


def _sentence_initial(text: str, start: int) -> bool:
    before = text[:start].rstrip(" \t\"“‘'(")
    return not before or before[-1] in ".!?:\n•*-–—"


def candidate_names(text: str, limit: int = 40) -> list[str]:
    """Capitalised phrases of the article (people, groups, units, places ...), in order of first
    appearance, without sentence-initial function words; at most `limit`. A single word is kept
    only if it is capitalised somewhere other than the start of a sentence."""
    seen: dict[str, None] = {}
    mid_sentence: set[str] = set()
    found: list[str] = []
    for m in NAME_RUN.finditer(text):
        words = m.group(0).split()
        initial = _sentence_initial(text, m.start())
        while words and words[0].lower().strip("’'") in not_names():
            words, initial = words[1:], False
        while words and words[-1].lower() in _CONNECTORS:
            words = words[:-1]
        if not words:
            continue
        if words[-1].endswith(("’s", "'s")):
            words[-1] = words[-1][:-2]
        name = " ".join(words)
        if len(name) < 3:
            continue
        if not initial or len(words) > 1:
            mid_sentence.add(name)
        found.append(name)
    for name in found:
        if name in mid_sentence:
            seen.setdefault(name, None)
            if len(seen) >= limit:
                break
    return list(seen)
