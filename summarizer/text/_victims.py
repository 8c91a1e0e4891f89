"""Who suffered a casualty figure, read from the words around it after the model answered (the
words are `summarizer/rules/figures.toml`): the figure's own noun ("two Bordurian children" are
civilians, "20 people" are only people), whether the sentence puts unspecified people among
bystanders ("at a funeral"), and whether the party the model picked is in the sentence at all,
and not as the one who did the killing ("the Black Hand ..., killing hundreds")."""

from __future__ import annotations

import re

from summarizer import rules
from summarizer.text._nationality import demonyms

_WORD = re.compile(r"[\w’'\-.]+")
_AGE = re.compile(r"^\d+-(?:year|month)s?-old$", re.IGNORECASE)


@rules.table
def _bystander_nouns() -> frozenset[str]:
    return frozenset(w.casefold() for r in rules.category("bystander_noun") for w in r.words)


@rules.table
def _filler() -> frozenset[str]:
    return frozenset(w.casefold() for r in rules.category("figure_filler") for w in r.words)


@rules.table
def _people_nouns() -> frozenset[str]:
    return frozenset(w.casefold() for r in rules.category("people_noun") for w in r.words)


@rules.table
def _bystander_places() -> re.Pattern[str]:
    return rules.union(rules.category("bystander_place"))


def _plural_demonym(word: str) -> bool:
    """ "Ruritanians", "Bordurians": a nationality as the noun says only that they were people."""
    w = word.casefold()
    return w.endswith("s") and w[:-1] in demonyms()


@rules.table
def _irregular_nouns() -> frozenset[str]:
    return rules.words("force.party.irregular")


@rules.table
def _state_fighters() -> frozenset[str]:
    return rules.words("figures.state_fighters")


def victim_noun(text: str, fig_end: int, sent_end: int) -> str | None:
    """What the figure's own noun says of who they were: "civilians" (bystanders, whatever their
    nationality or faith: "two Bordurian children", "85 Muslim protesters"), "people" (no more than
    that: "20 people", "23 Bordurians", "82 others"), "fighters" (non-state fighters: "24 Islamic
    militants", "30 Bordurian rebels"; rule `force.party.irregular`: an armed group's toll, never a
    state's; but "64 Ruritanian fighters" are the state's, `figures.state_fighters`), or None
    (soldiers, a unit, or no noun)."""
    words = _WORD.findall(text[fig_end : min(sent_end, fig_end + 60)])
    national = False  # a nationality word came first: "64 Ruritanian fighters" are the state's
    for word in words[:5]:
        w = word.casefold().strip(".")
        if w in _bystander_nouns():
            return "civilians"
        if w in _people_nouns() or _plural_demonym(w):
            return "people"
        if w in _irregular_nouns() and not (national and w in _state_fighters()):
            return "fighters"
        national = national or w in demonyms()
        if w in _filler() or _AGE.match(w) or w in demonyms() or word[:1].isupper():
            continue  # "two Bordurian children", "85 Muslim protesters", "a 69-year-old man"
        return None
    return None


def noun_class(word: str) -> str | None:
    """What one noun says of who they were, as `victim_noun` reads a figure's own noun:
    "civilians", "people", "fighters" or None; a singular is read as its plural ("worker")."""
    w = word.casefold().strip(".")
    for form in (w, w + "s"):
        if form in _bystander_nouns():
            return "civilians"
        if form in _people_nouns():
            return "people"
        if form in _irregular_nouns():
            return "fighters"
    return None


_NUMBER = re.compile(
    r"\b(?:\d[\d,.]*|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|dozens?|scores|"
    r"hundreds|thousands)\s+(?:[\w’'-]+\s+){0,2}$",
    re.IGNORECASE,
)


# What makes a figure part of another ("including two children") (rules/figures.toml).
@rules.table
def _part_of() -> re.Pattern[str]:
    return rules.regex("figures.part_of")


def among_bystanders(sentence: str) -> bool:
    """The sentence puts the people of a figure among bystanders: a market, a mosque, a funeral,
    "including two children". A bystander noun that is another figure's ("... after a
    rocket killed two Bordurian children") does not count, unless it is part of this one
    ("including two children")."""
    for m in _bystander_places().finditer(sentence):
        if m.group(0).casefold() not in _bystander_nouns():
            return True  # a place: "bombings at two mosques"
        before = sentence[max(0, m.start() - 40) : m.start()]
        number = _NUMBER.search(before)
        if number is None or _part_of().search(before[: number.start()]):
            return True
    return False
