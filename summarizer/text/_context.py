"""What the words around a name or a figure say, read by code: whose side a person is on
("Ruritanian milblogger Rupert Hentzau"), what a figure counts ("30 villages" is not people, "nine
civilians" are), where a village is ("Hofbau, south of Zenda")."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator

from summarizer import rules
from summarizer.text._nationality import demonyms, short_states

_WORD = r"[\w’'\-.]+"


def _mentions(text: str, name: str) -> Iterator[re.Match[str]]:
    """Every place ``name`` stands in ``text`` as whole words."""
    return re.finditer(rf"(?<!\w){re.escape(name)}(?!\w)", text)


def is_demonym(name: str) -> bool:
    return name.casefold() in demonyms()


# Words of a title: never a place, whatever town somewhere bears the name ("Minister" is the
# gazetteer's alternate name of a small town) (rules/titles.toml).
@rules.table
def title_words() -> frozenset[str]:
    return rules.words("title.words")


_OWNER = re.compile(r"^(?P<owner>[\w .-]+?)[’']s\s|\bof\s+(?:the\s+)?(?P<of>[A-Z][\w .-]+)$")


@rules.table
def _title_of() -> re.Pattern[str]:
    return rules.regex("title.of_place")


@rules.table
def _place_titles() -> re.Pattern[str]:
    return rules.regex("title.place_titles")


# Who backs or installed a party ("the X-backed Zenda People's Republic", "X-installed
# officials"): its side, whatever its own name says; before its name, or in a person's
# apposition ("..., first deputy minister of information for the X-backed ...", "..., X-installed
# head of ...") (rules/sides.toml). Group 1 is the backer.
@rules.table
def _backed_before() -> re.Pattern[str]:
    return rules.regex("side.backed_before")


@rules.table
def _backed_after() -> re.Pattern[str]:
    return rules.regex("side.backed_after")


def backed_side(text: str, forms: Iterable[str], country_of: Callable[[str], str | None]) -> str | None:
    """The side of whoever backs a party, when the article says so on a mention; None when no
    mention says it or the mentions disagree."""
    found: set[str] = set()
    for form in forms:
        for m in _mentions(text, form):
            hit = _backed_before().search(text[max(0, m.start() - 50) : m.start()]) or _backed_after().match(
                text[m.end() : m.end() + 120]
            )
            if hit:
                backer = hit.group(1)
                side = demonyms().get(backer.casefold()) or country_of(backer)
                if side:
                    found.add(side)
    return found.pop() if len(found) == 1 else None


def name_nationality(name: str) -> str | None:
    """The country a name's own first word names when it is a nationality word and more follows
    ("Bordurian children", "Ruritanian Prime Minister Rudolf"); None otherwise."""
    words = name.split()
    return demonyms().get(words[0].casefold()) if len(words) > 1 else None


def stated_side(
    text: str,
    name: str,
    forms: Iterable[str],
    country_of: Callable[[str], str | None],
    country_of_place: Callable[[str], str | None],
) -> str | None:
    """The side the article states for an actor, read after the model answered: its own name
    ("Borduria's General Staff", "Patrol Police of Borduria"), a nationality or a country's
    possessive before a title ("Bordurian Prime Minister Anton Brodny"; title words are never
    looked up as places), or an appositive title of a place ("Fritz Sapt, the governor of
    Zenda"); who backs it first ("Strelsau-backed"); None when the article states none."""
    forms = list(forms)  # read more than once below
    backed = backed_side(text, forms, country_of)
    if backed:
        return backed
    own = _OWNER.search(name) if name else None
    if own:
        side = country_of(own.group("owner") or own.group("of"))
        if side:
            return side
    side = name_nationality(name)
    if side:
        return side

    def not_title(word: str) -> str | None:
        return None if word.casefold() in title_words() or len(word) <= 3 else country_of(word)

    cue = side_cue(text, forms, not_title, lambda w: None if w.casefold() in title_words() else country_of_place(w))
    if cue:
        return cue
    for form in forms:
        for m in _mentions(text, form):
            title = _title_of().match(text[m.end() : m.end() + 80])
            if title:
                side = country_of_place(title.group("place"))
                if side:
                    return side
    return None


@rules.table
def _title_modifiers() -> frozenset[str]:
    return rules.words("side.title_modifiers")


@rules.table
def _expertise() -> frozenset[str]:
    return rules.words("side.expertise_words")


def _may_stand_in_title(word: str) -> bool:
    """A word that can be part of the title between a nationality or a place and a name:
    capitalised ("Prime Minister"), a title word, or a modifier of one ("regional", "former")."""
    w = word.casefold().strip(".")
    return word[:1].isupper() or w in title_words() or w in _title_modifiers() or w.endswith(("’s", "'s"))


def introduced_as_expert(text: str, forms: Iterable[str]) -> bool:
    """The article introduces the person by an expertise and nothing else ties them to a side:
    an apposition that starts with an expertise word ("Karl Moritz, specialist of Ruritanian
    studies"; "Max Holf, professor and chair of ...") or such a word right before the name
    ("military analyst Karl Moritz"). Outside experts have no side (the guide)."""
    for form in forms:
        if len(form) < 3:
            continue
        for m in _mentions(text, form):
            after = re.match(r",\s+(?:the\s+|a\s+|an\s+)?([\w’'\-.]+)", text[m.end() : m.end() + 60])
            if after and after.group(1).casefold().strip(".") in _expertise():
                return True
            before = re.findall(_WORD, re.split(r"[.!?;:,\n“”\"(]", text[max(0, m.start() - 40) : m.start()])[-1])
            if before and before[-1].casefold().strip(".") in _expertise():
                return True
    return False


def side_cue(
    text: str,
    forms: Iterable[str],
    country_of: Callable[[str], str | None],
    country_of_place: Callable[[str], str | None] | None = None,
) -> str | None:
    """The side the article's own words give an actor: a nationality word or a country's
    possessive right before one of its mentions ("Ruritanian milblogger Rupert Hentzau", "Borduria's
    General Staff"), or a place before a title ("Zenda regional governor Johann Holf").
    The most frequent answer over the mentions; None when no mention has one, or they disagree
    evenly."""
    votes: Counter[str] = Counter()
    for form in forms:
        if len(form) < 3:
            continue
        for m in _mentions(text, form):
            before = text[max(0, m.start() - 70) : m.start()]
            before = re.split(r"[.!?;:,\n“”\"(]", before)[-1]
            words = re.findall(_WORD, before)[-5:]
            for i, word in enumerate(reversed(words)):
                w = word.casefold().strip(".")
                key = w[:-2] if w.endswith(("’s", "'s")) else w
                side = demonyms().get(w) or demonyms().get(w + ".") or country_of(key) if len(key) > 2 else None
                if side is None and word.rstrip(".") in short_states():  # "RR military officer ...", not "rr"
                    side = short_states()[word.rstrip(".")]
                if side is None and word[:1].isupper() and i + 1 < len(words):
                    title = " ".join(words[len(words) - i :]).casefold()
                    if _place_titles().search(title):
                        side = country_of_place(key) if country_of_place else country_of(key)
                if side:
                    votes[side] += 1
                    break
                if not _may_stand_in_title(word):
                    break  # "in Zenda reflect Elphberg's style": a verb, not a title, stands between
            appositive = re.match(
                r",\s+(?:the\s+|a\s+|an\s+)?((?:[\w’'\-.]+\s+){0,3}[\w’'\-.]+)", text[m.end() : m.end() + 60]
            )
            # an apposition that names an expertise gives no side: "specialist of Ruritanian studies"
            if appositive and appositive.group(1).split()[0].casefold() not in _expertise():
                for word in appositive.group(1).split()[:3]:
                    w = word.casefold().strip(".,")
                    key = w[:-2] if w.endswith(("’s", "'s")) else w
                    side = demonyms().get(w) or (country_of(key) if len(key) > 2 and key != w else None)
                    if side:
                        votes[side] += 1
                        break
    if not votes:
        return None
    ranked = votes.most_common(2)
    if len(ranked) == 2 and ranked[0][1] == ranked[1][1]:
        return None
    return ranked[0][0]


# What the words after a figure say it counts, and the fillers before them (rules/casualties.toml).
@rules.table
def _counts() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    return (
        rules.regex("casualty.counts.filler"),
        rules.regex("casualty.counts.things"),
        rules.regex("casualty.counts.civilians"),
        rules.regex("casualty.counts.fighters"),
    )


def figure_counts(text: str, fig_end: int, sent_end: int) -> str | None:
    """What the words right after a figure say it counts: "things" (villages, km, tanks ...),
    "civilians" (people, residents, children ...), "fighters" (soldiers, troops ...), or None
    when they do not say ("64 were killed")."""
    after = text[fig_end : min(sent_end, fig_end + 60)]
    filler, things, civilians, fighters = _counts()
    after = re.sub(r"^[\s,]+", "", after)
    for _ in range(3):
        stripped = filler.sub("", after, count=1)
        if stripped == after:
            break
        after = stripped
    if things.match(after):
        return "things"
    if civilians.match(after):
        return "civilians"
    if fighters.match(after):
        return "fighters"
    return None


# Nouns of things a number can count besides those of `casualty.counts.things`, read only after
# the model answered (rules/figures.toml).
@rules.table
def _more_things() -> re.Pattern[str]:
    return rules.union(rules.category("not_a_count_noun"))


def counts_things(noun: str) -> bool:
    """The noun a figure counts (by the parse: "five Bordurian-supplied missiles", "two powerful
    explosions") names things, not people: `casualty.counts.things` or `not_a_count_noun`."""
    return bool(_counts()[1].match(noun)) or bool(_more_things().fullmatch(noun))


def nationality_before(text: str, fig_start: int, fig_end: int, sent_end: int) -> str | None:
    """A nationality next to a figure's noun ("64 Ruritanian soldiers", "500 Black Hand fighters"
    is not a nationality): the country, or None."""
    after = text[fig_end : min(sent_end, fig_end + 40)]
    for word in re.findall(_WORD, after)[:3]:
        side = demonyms().get(word.casefold())
        if side:
            return side
    return None


# A known place given as the neighbour or container of another ("near X", "south of X", "in the
# town of X", "[X]"); group 1 is its name (rules/place_words.toml).
@rules.table
def _near() -> re.Pattern[str]:
    return rules.regex("place.near")


def country_nearby(text: str, name: str, country_of_place: Callable[[str], str | None]) -> str | None:
    """The country of a place the gazetteer does not know, from the article's own words: in
    a sentence that mentions it, a place the gazetteer knows given as its neighbour or
    container ("Hofbau, south of Zenda", "Hofbau in Borduria's Szohod province",
    "Ostrau [Szohod Voivodeship]").
    One answer, or None when the sentences say nothing or disagree."""
    found: set[str] = set()
    for m in _mentions(text, name):
        window = text[m.end() : m.end() + 80]
        window = re.split(r"[.!?;\n]", window)[0]
        for near in _near().finditer(window):
            named = near.group(1).split("’")[0].split("'")[0]
            # "Ostrau [Szohod Voivodeship]": the container's name, else its first word (Szohod)
            country = country_of_place(named) or (country_of_place(named.split()[0]) if " " in named else None)
            if country:
                found.add(country)
                break
    return found.pop() if len(found) == 1 else None


# Sentences about relaying the news ("could not verify", "told Reuters"), about the outlet and its
# staff (an author's biography, a tip-line notice: "Andrew joined Newsweek in 2021"), and the
# heading of a page's section about its staff ("About the writer": from there on the text is about
# the outlet, not the story) (rules/outlets.toml).
@rules.table
def _relay() -> re.Pattern[str]:
    return rules.regex("outlet.relay")


@rules.table
def _outlet() -> re.Pattern[str]:
    return rules.union(rules.category("outlet_staff"))  # the staff's biography, the report's credit line


@rules.table
def _staff_heading() -> re.Pattern[str]:
    return rules.regex("outlet.staff_heading")


def staff_section(text: str) -> int:
    """Where the page's section about its writers starts (an "About the writer" heading on its
    own line), or ``len(text)`` when there is none."""
    m = _staff_heading().search(text)
    return m.start() if m else len(text)


def staff_only(text: str, forms: Iterable[str], staff: int) -> bool:
    """True when a name is written only from ``staff`` on (``staff_section``): "Flavia Strakencz is a
    Newsweek night reporter based in Strelsau" names neither an actor nor a place of the story."""
    if staff >= len(text):
        return False
    found = [m.start() for form in forms if form for m in _mentions(text, form)]
    return bool(found) and min(found) >= staff


def outlet_only(text: str, forms: Iterable[str], person: bool = False) -> bool:
    """True when every mention of a name sits in a sentence about relaying the news, is where
    the story was read ("Interfax reported", "according to TASS"), or is about the outlet and
    its staff (a reporter's biography, a tip-line notice): the publisher or its writer, or a
    relay, never a party to the story. For anything but an outlet (`person` True: a person, a
    unit, an office) only the staff sentences and the outlet's own work count ("X has reached
    out to ... for comment"): a source who "told journalists" is a party."""
    from summarizer.text._sentences import dateline_end, sentence_bounds

    mentions = [m for form in forms if len(form) > 1 for m in _mentions(text, form)]
    if not mentions:
        return False
    for m in mentions:
        start, end = sentence_bounds(text, m.start(), m.end())
        sentence = text[start:end]
        if m.start() < start + dateline_end(sentence):
            continue  # "STRELSAU (Reuters) - ": the agency that filed it, or where it was filed

        told = _told_to().search(text[max(0, m.start() - 40) : m.start()])
        relays = _relay().search(sentence) or _media_says().match(text, m.end()) or told
        if not (_outlet().search(sentence) or (not person and relays) or _publishes().match(text, m.end())):
            return False
    return True


# An outlet named as where the story was read ("Interfax news agency reported", "according to
# TASS", "told the BBC"): it relays the news, it is not a party to it; and a name that is the
# subject of the outlet's own work ("Newsweek has reached out to the ministry", "Reuters was
# unable to verify"; not "the ministry has been contacted": that is the party asked)
# (rules/outlets.toml).
@rules.table
def _media_says() -> re.Pattern[str]:
    return rules.regex("outlet.media_says")


@rules.table
def _told_to() -> re.Pattern[str]:
    return rules.regex("outlet.told_to")


@rules.table
def _publishes() -> re.Pattern[str]:
    return rules.regex("outlet.publishes")


def relays_only(text: str, forms: Iterable[str]) -> bool:
    """True when every mention of a name sits in a sentence about relaying the news ("told
    Reuters", "Newsweek has reached out to ... for comment", "could not verify"): an outlet
    that carries the story, not a party to it."""
    from summarizer.text._sentences import sentence_bounds

    mentions = [m for form in forms if len(form) > 1 for m in _mentions(text, form)]
    if not mentions:
        return False
    for m in mentions:
        start, end = sentence_bounds(text, m.start(), m.end())
        if not _relay().search(text[start:end]):
            return False
    return True
