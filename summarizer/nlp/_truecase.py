"""Truecasing: the letter case of a text written without it, restored before code reads it.

MUC-4's texts, transcripts and all-capital wires have no letter case, and the candidate finders
(NER, capitalised names, nationality words) lean on capitals. `caseless(text)` tells such a text
("lower": next to no capital inside sentences; "upper": next to no lower-case letter at all);
`truecase(text)` returns the same text with each letter's case set the way news write it, and
nothing else changed: same length, same characters but for their case, so every offset into it
is an offset into the article (a text with case is returned as it is, the same object).

Where the case of a word comes from, all data, no hand lists:
  1. the casing dictionary `casing.txt.gz` (how news usually write each word; the words of names,
     which take a capital only next to a name: "the president said", "President Elphberg"; and
     pairs of words whose case the words alone do not give: "White House", "Red Cross"), counted by
     `scripts/build_casing.py` in public cased news (AG News, CNN/DailyMail) that is not our
     evaluation data; loaded on first use;
  2. the nationality words of the rules (`rules/sides.toml`, `rules/demonyms.toml`), as written there;
     a short name the rules match only as written (initials that spell a word too, as a made-up
     "ORB" would) only before a force noun or a title ("orb troops", "orb officials"; "an orb" stays);
  3. for a word the dictionary does not know (nor its stem: "dynamited"): the gazetteer (a
     country, or a populated place of 1,000 people or more, alone or with its neighbours:
     "Zenda", "San Zenda"), an acronym ("rplf": no vowel; "(urnb)" after the words whose
     initials it spells, which are then a name too), or its letters, more like the dictionary's
     names' than its words' (a letter-trigram model learned from the dictionary: "tarlenheim",
     "hentzau", not "munitions"); a numbered unit is a name ("72nd motorized rifle brigade");
     an unknown word or a word of names next to a name, or an unknown word after a title, is
     part of it ("colonel rupert anton hentzau", "president elphberg");
  4. the first word of every sentence (`text.sentences`) gets a capital.
A word with capitals of its own in a "lower" text ("I") keeps them: only letters are raised.

`as_written(name, read, text)` turns a name taken from the case-restored text back into the
article's own characters, so what goes out (names, spans) is the article's exact text.
"""

from __future__ import annotations

import gzip
import math
import re
import threading
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path
from typing import Literal

from summarizer import rules
from summarizer.nlp._gazetteer import Gazetteer, find_country
from summarizer.text import force_nouns, not_names, org_words, sentences, title_words

__all__ = ["WORD", "as_written", "base_of", "caseless", "casing", "truecase"]

CASING = Path(__file__).with_name("casing.txt.gz")

# A word: letters, with inner hyphens, apostrophes and periods ("pro-zenda", "u.n", "ruritania's").
WORD = re.compile(r"[^\W\d_]+(?:[’'\-.][^\W\d_]+)*")
Mode = Literal["lower", "upper"]

MIN_WORDS = 8  # fewer words than this: too short to tell, left as written
MAX_INNER_CAPITALS = 0.02  # "lower": at most this share of the words inside sentences start with a capital
MIN_INNER_WORDS = 150  # "lower" with capitals at sentence starts: at least this many words inside sentences
MAX_LOWER_LETTERS = 0.05  # "upper": at most this share of the letters are lower-case
MIN_POPULATION = 1000  # a gazetteer place this big names an unknown word
NAME_SCORE = 0.0  # an unknown word whose letters score above this looks like a name (`_looks_named`)

_STARTS = ".!?:;\n-–—"
_VOWELS = frozenset("aeiouyáéíóúàèìòùäëïöüâêîôûãõ")
_CONNECTORS = frozenset({"of", "the", "and", "for", "de", "del", "la", "las", "los", "el", "y", "da", "do", "di"})
_SUFFIXES = (
    "s", "es", "ed", "d", "ing", "ly", "er", "ers", "est", "ation", "ations", "ment", "ments", "ness",
    "ist", "ists", "ism", "ity", "al", "ally", "ful", "less", "able", "ize", "ized", "ise", "ised",
)  # fmt: skip
_PREFIXES = ("un", "re", "non", "anti", "counter", "ex", "pre", "post", "over", "under", "mis", "sub", "narco", "para")


# Title words and abbreviated ranks (rules/titles.toml).
@rules.table
def _titles() -> frozenset[str]:
    return title_words() | rules.words("title.abbreviations")


_LOCK = threading.Lock()


def base_of(word: str) -> str:
    """A word without its possessive ("ruritania's" -> "ruritania")."""
    return word[:-2] if len(word) > 2 and word[-2] in "'’" and word[-1] in "sS" else word


def _inside(text: str, start: int) -> bool:
    before = text[:start].rstrip(" \t\"“‘'(")
    return bool(before) and before[-1] not in _STARTS


def caseless(text: str) -> Mode | None:
    """ "upper" when next to no letter is lower-case; "lower" when next to no word inside a
    sentence starts with a capital (at most MAX_INNER_CAPITALS of them), and either most sentences
    start lower-case too or the text is long (MIN_INNER_WORDS words inside sentences: a cased text
    that long always names someone); None for a text with case, or too short to tell."""
    words = list(WORD.finditer(text))
    if len(words) < MIN_WORDS:
        return None
    upper = sum(1 for c in text if c.isupper())
    lower = sum(1 for c in text if c.islower())
    if lower <= MAX_LOWER_LETTERS * (upper + lower):
        return "upper"
    inner = [m.group(0) for m in words if m.group(0) not in ("I", "i") and _inside(text, m.start())]
    if len(inner) < MIN_WORDS or sum(1 for w in inner if w[0].isupper()) > MAX_INNER_CAPITALS * len(inner):
        return None
    firsts = [m.group(0) for s, e in sentences(text) if (m := WORD.search(text, s, e))]
    capitalised = sum(1 for w in firsts if w[0].isupper())
    return "lower" if 2 * capitalised <= len(firsts) or len(inner) >= MIN_INNER_WORDS else None


@lru_cache(maxsize=1)
def casing() -> tuple[dict[str, str], dict[str, str]]:
    """The casing dictionary: lower-case word -> its usual form, lower-case pair -> its form."""
    with _LOCK:
        words: dict[str, str] = {}
        pairs: dict[str, str] = {}
        for line in gzip.decompress(CASING.read_bytes()).decode("utf-8").splitlines():
            if line and not line.startswith("#"):
                (pairs if " " in line else words)[_key(line.lstrip("+"))] = line
        return words, pairs


@rules.table
def _nationality_words() -> tuple[dict[str, str], dict[str, str]]:
    """The rules' own nationality words, as written (a nationality, a "pro-" compound, a leader's
    possessive), and apart the short names they match only as written (role "s": initials such as
    "ORB" are not the word "orb")."""
    words: dict[str, str] = {}
    short: dict[str, str] = {}
    for rule in rules.category("nationality"):
        for word, roles in zip(rule.words, rule.data.get("roles", [""] * len(rule.words)), strict=False):
            base = base_of(word)
            if base[:1].isupper() and " " not in base:
                (short if "s" in roles else words)[_key(base)] = base
    return words, short


@lru_cache(maxsize=1)
def _letter_model() -> tuple[dict[str, float], float, float]:
    """Per letter trigram (with the word's ends), the log-ratio of its frequency among the
    dictionary's capitalised words (not the words of names) to that among its lower-case words
    (add-one smoothed), the prior log-ratio of the two, and an unseen trigram's log-ratio: what
    tells "tarlenheim" or "hentzau" from "munitions" or "abhorrent"."""
    words, _pairs = casing()
    counts: dict[bool, dict[str, int]] = {True: {}, False: {}}
    entries = {True: 0, False: 0}
    for key, form in words.items():
        if key.isalpha() and len(key) >= 3 and not form.startswith("+"):
            named = form != key
            entries[named] += 1
            for g in _trigrams(key):
                counts[named][g] = counts[named].get(g, 0) + 1
    vocabulary = len(counts[True].keys() | counts[False].keys()) + 1
    totals = {k: sum(v.values()) + vocabulary for k, v in counts.items()}
    ratio = {
        g: math.log((counts[True].get(g, 0) + 1) / totals[True])
        - math.log((counts[False].get(g, 0) + 1) / totals[False])
        for g in counts[True].keys() | counts[False].keys()
    }
    unseen = math.log(totals[False] / totals[True])
    prior = math.log(entries[True] / entries[False]) if entries[False] and entries[True] else 0.0
    return ratio, prior, unseen


def _trigrams(word: str) -> list[str]:
    padded = f"^{word}$"
    return [padded[i : i + 3] for i in range(len(padded) - 2)]


def _looks_named(key: str) -> bool:
    """An unknown word whose letters are more like the names' than the words' of the dictionary
    (mean trigram log-ratio, with the prior, above NAME_SCORE)."""
    ratio, prior, unseen = _letter_model()
    grams = _trigrams(key)
    return (sum(ratio.get(g, unseen) for g in grams) + prior) / len(grams) > NAME_SCORE


def _key(word: str) -> str:
    return word.replace("’", "'").lower()


def _lowered(text: str) -> str:
    return "".join(c.lower() if len(c.lower()) == 1 else c for c in text)


def _title(word: str) -> str:
    return word[:1].upper() + word[1:]


def _known(key: str, words: dict[str, str]) -> bool:
    """The dictionary knows the word, or a stem of it ("dynamited", "narcoterrorists")."""
    if key in words:
        return True
    for suffix in _SUFFIXES:
        stem = key[: -len(suffix)]
        if key.endswith(suffix) and len(stem) >= 3 and stem in (words.get(stem), words.get(stem + "e", "")[:-1]):
            return True
    return any(key.startswith(p) and len(key) - len(p) >= 4 and _known(key[len(p) :], words) for p in _PREFIXES)


class _Words:
    """The words of a lower-cased text, the form chosen for each and its state: "name" (it takes
    its form's capitals), "part" (a word of names: capitals only next to a name), "lower" or
    "unknown" (the dictionary does not know it)."""

    def __init__(self, text: str) -> None:
        self.text = text
        found = list(WORD.finditer(text))
        self.spans = [(m.start(), m.start() + len(base_of(m.group(0)))) for m in found]
        self.ends = [m.end() for m in found]  # with the possessive
        self.keys = [_key(text[s:e]) for s, e in self.spans]
        self.forms: list[str] = list(self.keys)
        self.states: list[str] = ["unknown"] * len(self.spans)

    def adjacent(self, i: int) -> bool:
        """Word i and word i + 1 are separated by spaces only ("people's republic": yes)."""
        return i + 1 < len(self.spans) and not self.text[self.ends[i] : self.spans[i + 1][0]].strip(" \t")

    def name(self, i: int, form: str | None = None) -> None:
        self.states[i] = "name"
        self.forms[i] = form or (self.forms[i] if self.forms[i] != self.keys[i] else _title(self.keys[i]))

    def __iter__(self) -> Iterator[int]:
        return iter(range(len(self.spans)))


def truecase(text: str) -> str:
    """`text` with the case of its letters restored when it has none (`caseless`); else `text`
    itself. Same length, same characters but for case (see the module's doc)."""
    mode = caseless(text)
    if mode is None:
        return text
    base = _lowered(text) if mode == "upper" else text
    ws = _Words(base)
    _dictionary(ws)
    _unknown_words(ws)
    _acronyms(ws)
    _units(ws)
    _names_runs(ws)
    chars = list(base)
    for i in ws:
        if ws.states[i] == "name" and len(ws.forms[i]) == ws.spans[i][1] - ws.spans[i][0]:
            _raise(chars, ws.spans[i][0], ws.forms[i])
    for start, end in sentences(base):  # the first word of every sentence
        m = WORD.search(base, start, end)
        if m and not any(c.isalnum() for c in base[start : m.start()]):
            _raise(chars, m.start(), _title(m.group(0)))
    out = "".join(chars)
    return out if len(out) == len(text) else text


def _dictionary(ws: _Words) -> None:
    """Each word's entry in the rules' nationality words or the casing dictionary, then the
    pairs' ("white house", "red cross"). What truecasing gives goes into the model's requests, so the
    rules are read as for a request (`rules.asking`)."""
    words, pairs = casing()
    with rules.asking():
        nationality, short = _nationality_words()
    for i in ws:
        key = ws.keys[i]
        entry = nationality.get(key) or words.get(key)
        if entry is None and ("-" in key or "." in key):
            entry = _by_parts(key, nationality | words if "-" in key else words)
        if entry is None:
            if _known(key, words):
                ws.states[i] = "lower"
        elif entry.startswith("+"):  # a word of names: a capital only next to a name
            ws.forms[i], ws.states[i] = entry[1:], "part"
        else:
            ws.forms[i], ws.states[i] = entry, "name" if entry != key else "lower"
    for i in ws:  # a short name before a force noun or a title: "orb troops", "orb intelligence", "orb president"
        if ws.keys[i] in short and ws.adjacent(i):
            after = ws.keys[i + 1]
            if after in title_words() or after.removesuffix("s") in title_words() or force_nouns().fullmatch(after):
                ws.forms[i], ws.states[i] = short[ws.keys[i]], "name"
    for i in ws:
        if ws.adjacent(i):
            pair = pairs.get(f"{ws.keys[i]} {ws.keys[i + 1]}")
            if pair:
                for j, form in zip((i, i + 1), pair.split(" "), strict=True):
                    ws.forms[j], ws.states[j] = form, "name" if form != form.lower() else "lower"


def _by_parts(key: str, words: dict[str, str]) -> str | None:
    """A compound's form from its parts' ("pro-ruritanian" -> "pro-Ruritanian"); None when a part is
    unknown."""
    parts = re.split(r"([-.])", key)
    if not all(p in words for p in parts if p and p not in "-."):
        return None
    return "".join(p if not p or p in "-." or words[p].startswith("+") else words[p] for p in parts)


def _unknown_words(ws: _Words) -> None:
    """The words the dictionary does not know: a place the gazetteer knows (alone, or with its
    neighbours unknown or words of names: "san zenda", "el hofbau"), an acronym ("rplf": no
    vowel), or a word whose letters look like a name's (`_looks_named`), is a name."""
    unknown = [i for i in ws if ws.states[i] == "unknown"]
    if not unknown:
        return
    gazetteer = Gazetteer()
    try:
        for i in unknown:
            for n in (3, 2, 1):
                for first in range(i - n + 1, i + 1):
                    span = list(range(first, first + n))
                    if first < 0 or span[-1] >= len(ws.spans) or not all(ws.adjacent(j) for j in span[:-1]):
                        continue
                    if any(ws.states[j] in ("lower", "name") for j in span):
                        continue
                    phrase = " ".join(ws.keys[j] for j in span)
                    place = find_country(phrase) or next(
                        (p for p in gazetteer.settlements(phrase) if p.population >= MIN_POPULATION), None
                    )
                    if place is not None:
                        for k, j in enumerate(span):
                            ws.name(j, ws.keys[j] if k and ws.keys[j] in _CONNECTORS else None)
                        break
                if ws.states[i] != "unknown":
                    break
    finally:
        gazetteer.close()
    for i in unknown:
        key = ws.keys[i]
        if ws.states[i] != "unknown":
            continue
        if 2 <= len(key) <= 6 and not (set(key) & _VOWELS):
            ws.name(i, key.upper())  # "rplf"
        elif len(key) >= 3 and key.isalpha() and _looks_named(key):
            ws.name(i)


def _names_runs(ws: _Words) -> None:
    """A word of names, or an unknown word, next to a name is part of it ("national liberation
    front", "rupert anton hentzau"), and so is one after "of" in a name ("ministry of defence" after
    a name); an unknown word after a title too ("president elphberg"). Until nothing changes."""
    changed = True
    while changed:
        changed = False
        for i in ws:
            state = ws.states[i]
            if state not in ("part", "unknown"):
                continue
            left = i > 0 and ws.adjacent(i - 1) and ws.states[i - 1] == "name"
            right = ws.adjacent(i) and ws.states[i + 1] == "name"
            bridged = (
                i > 1
                and ws.adjacent(i - 2)
                and ws.adjacent(i - 1)
                and ws.states[i - 2] == "name"
                and ws.keys[i - 1] in _CONNECTORS
            )
            titled = state == "unknown" and i > 0 and ws.adjacent(i - 1) and ws.keys[i - 1] in _titles()
            if left or right or bridged or titled:
                ws.name(i)
                changed = True


_ORDINAL = re.compile(r"\b\d+(?:st|nd|rd|th)[ \t]+$")


def _units(ws: _Words) -> None:
    """A numbered unit is a name: an ordinal, up to three words, then a word of organisations
    (`text.org_words()`: "72nd motorized rifle brigade", "1442nd regiment"), none of them a
    function word."""
    function = not_names()
    for i in ws:
        start = ws.spans[i][0]
        if not _ORDINAL.search(ws.text, max(0, start - 12), start):
            continue
        for j in range(i, min(i + 4, len(ws.spans))):
            if ws.keys[j] in function or (j > i and not ws.adjacent(j - 1)):
                break
            if org_words().fullmatch(ws.keys[j]):
                for k in range(i, j + 1):
                    ws.name(k, ws.forms[k] if ws.forms[k] != ws.keys[k] else None)
                break


_PAREN = re.compile(r"\(\s*([^\W\d_]{2,8})\s*\)")


def _acronyms(ws: _Words) -> None:
    """ "ruritanian people's liberation front (rplf)": the acronym in capitals, everywhere,
    and the words whose initials it spells (in any order: "(urnb)" after "bordurian national
    revolutionary unity") as a name."""
    index = {s: i for i, (s, _e) in enumerate(ws.spans)}
    found: set[str] = set()
    for m in _PAREN.finditer(ws.text):
        i = index.get(m.start(1))
        acronym = m.group(1).lower()
        if i is None:
            continue
        run = [j for j in range(i - 1, -1, -1) if ws.keys[j] not in _CONNECTORS][: len(acronym)]
        if len(run) < len(acronym) or sorted(ws.keys[j][0] for j in run) != sorted(acronym):
            continue
        first = min(run)
        if any(not ws.adjacent(j) for j in range(first, i - 1)):
            continue
        found.add(acronym)
        for j in range(first, i):
            if j == first or ws.keys[j] not in _CONNECTORS:
                ws.name(j, _title(ws.keys[j]) if ws.states[j] != "part" else None)
    for i in ws:
        if ws.keys[i] in found:
            ws.name(i, ws.keys[i].upper())


def _raise(chars: list[str], start: int, form: str) -> None:
    """Raise the letters of chars[start:] that `form` writes in capitals (never lower one)."""
    for k, f in enumerate(form):
        c = chars[start + k]
        if f.isupper() and c.islower() and len(c.upper()) == 1 and c.upper() == f.upper():
            chars[start + k] = c.upper()


_WORDS_IN = re.compile(r"[^\W_]+", re.UNICODE)


def as_written(name: str, read: str, text: str) -> str:
    """A name read in `read` (the truecased `text`) as `text` writes it: the characters at the
    same offsets; word by word when the name is not written in one piece. A name found in
    neither is returned as it is."""
    if read is text or not name:
        return name
    at = _whole(read, name)
    if at is not None:
        return text[at : at + len(name)]
    out = list(name)
    for m in _WORDS_IN.finditer(name):
        at = _whole(read, m.group(0))
        if at is not None:
            out[m.start() : m.end()] = text[at : at + len(m.group(0))]
    return "".join(out)


def _whole(hay: str, needle: str) -> int | None:
    for m in re.finditer(re.escape(needle), hay):
        s, e = m.start(), m.end()
        if (s == 0 or not hay[s - 1].isalnum()) and (e == len(hay) or not hay[e].isalnum()):
            return s
    return None
