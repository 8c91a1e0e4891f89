"""What the words around a name or a figure say, read by code: whose side a person is on
("Russian milblogger Igor Girkin"), what a figure counts ("30 villages" is not people, "nine
civilians" are), where a village is ("Klishchiivka, south of Bakhmut")."""

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


# Words of a title: never a place, whatever town somewhere bears the name ("Minister" is an
# alternate name of Minster, Ohio).
TITLE_WORDS = frozenset(
    [
        "minister",
        "prime",
        "president",
        "vice",
        "foreign",
        "defence",
        "defense",
        "deputy",
        "secretary",
        "chief",
        "head",
        "governor",
        "mayor",
        "general",
        "spokesman",
        "spokeswoman",
        "spokesperson",
        "commander",
        "ambassador",
        "official",
        "envoy",
        "leader",
        "chairman",
        "speaker",
        "senator",
        "lieutenant",
        "colonel",
        "major",
        "captain",
        "sergeant",
        "admiral",
        "marshal",
        "director",
        "adviser",
        "advisor",
        "former",
        "acting",
        "interior",
        "justice",
        "finance",
        "affairs",
        "state",
        "regional",
        "development",
        "infrastructure",
        "mep",
        "mp",
        "lawmaker",
        "legislator",
        "congressman",
        "congresswoman",
        "member",
        "voivode",
    ]
)
_OWNER = re.compile(r"^(?P<owner>[\w .-]+?)[’']s\s|\bof\s+(?:the\s+)?(?P<of>[A-Z][\w .-]+)$")
_TITLE_OF = re.compile(
    r"^,\s+(?:the\s+|a\s+|an\s+)?(?:[\w-]+\s+){0,3}?(?:governor|mayor|head|leader|minister|chief|president)"
    r"\s+of\s+(?:the\s+)?(?:[\w’'-]+-(?:occupied|held|controlled|annexed)\s+)?(?P<place>[A-Z][\w’'-]+)"
)


# Who backs or installed a party ("the Moscow-backed Donetsk People's Republic", "Russian-
# installed officials"): its side, whatever its own name says. Group 1 is the backer.
_BACKED = r"\b([A-Z][\w.]+)-(?:backed|installed|appointed|controlled|sponsored|allied|aligned|funded)"
_BACKED_BEFORE = re.compile(_BACKED + r"\s+(?:the\s+)?(?:self-proclaimed\s+|so-called\s+)?$")
# ... and a person's appositive title in such a body ("Daniil Bezsonov, first deputy minister of
# information for the Moscow-backed Donetsk People's Republic"), or backed himself ("Vladimir
# Saldo, Russian-installed head of ...").
_BACKED_AFTER = re.compile(r"^,\s+(?:(?:[\w’'-]+\s+){1,8}?(?:of|for|in)\s+)?(?:the\s+|a\s+|an\s+)?" + _BACKED)


def backed_side(text: str, forms: Iterable[str], country_of: Callable[[str], str | None]) -> str | None:
    """The side of whoever backs a party, when the article says so on a mention; None when no
    mention says it or the mentions disagree."""
    found: set[str] = set()
    for form in forms:
        for m in _mentions(text, form):
            hit = _BACKED_BEFORE.search(text[max(0, m.start() - 50) : m.start()]) or _BACKED_AFTER.match(
                text[m.end() : m.end() + 120]
            )
            if hit:
                backer = hit.group(1)
                side = demonyms().get(backer.casefold()) or country_of(backer)
                if side:
                    found.add(side)
    return found.pop() if len(found) == 1 else None


def stated_side(
    text: str,
    name: str,
    forms: Iterable[str],
    country_of: Callable[[str], str | None],
    country_of_place: Callable[[str], str | None],
) -> str | None:
    """The side the article states for an actor, read after the model answered: its own name
    ("Ukraine's General Staff", "Patrol Police of Ukraine"), a nationality or a country's
    possessive before a title ("Estonian Prime Minister Kaja Kallas"; title words are never
    looked up as places), or an appositive title of a place ("Serhiy Haidai, the governor of
    Luhansk"); who backs it first ("Moscow-backed"); None when the article states none."""
    forms = list(forms)  # read more than once below
    backed = backed_side(text, forms, country_of)
    if backed:
        return backed
    own = _OWNER.search(name) if name else None
    if own:
        side = country_of(own.group("owner") or own.group("of"))
        if side:
            return side
    first = name.split()[0].casefold() if name.split() else ""
    if first in demonyms() and len(name.split()) > 1:
        return demonyms()[first]

    def not_title(word: str) -> str | None:
        return None if word.casefold() in TITLE_WORDS or len(word) <= 3 else country_of(word)

    cue = side_cue(text, forms, not_title, lambda w: None if w.casefold() in TITLE_WORDS else country_of_place(w))
    if cue:
        return cue
    for form in forms:
        for m in _mentions(text, form):
            title = _TITLE_OF.match(text[m.end() : m.end() + 80])
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
    return word[:1].isupper() or w in TITLE_WORDS or w in _title_modifiers() or w.endswith(("’s", "'s"))


def introduced_as_expert(text: str, forms: Iterable[str]) -> bool:
    """The article introduces the person by an expertise and nothing else ties them to a side:
    an apposition that starts with an expertise word ("Markku Kivinen, specialist of Russian
    studies"; "William Reno, professor and chair of ...") or such a word right before the name
    ("military analyst Michael Kofman"). Outside experts have no side (the guide)."""
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
    possessive right before one of its mentions ("Russian milblogger Igor Girkin", "Ukraine's
    General Staff"), or a place before a title ("Kharkiv regional governor Oleg Synegubov").
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
                if side is None and word.rstrip(".") in short_states():  # "US military officer ...", not "us"
                    side = short_states()[word.rstrip(".")]
                if side is None and word[:1].isupper() and i + 1 < len(words):
                    title = " ".join(words[len(words) - i :]).casefold()
                    if re.search(
                        r"\b(governor|mayor|head|official|administration|commander|spokes\w+|minister)\b", title
                    ):
                        side = country_of_place(key) if country_of_place else country_of(key)
                if side:
                    votes[side] += 1
                    break
                if not _may_stand_in_title(word):
                    break  # "in Bakhmut reflect Putin's style": a verb, not a title, stands between
            appositive = re.match(
                r",\s+(?:the\s+|a\s+|an\s+)?((?:[\w’'\-.]+\s+){0,3}[\w’'\-.]+)", text[m.end() : m.end() + 60]
            )
            # an apposition that names an expertise gives no side: "specialist of Russian studies"
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


_NOT_PEOPLE = re.compile(
    r"^(?:towns?|villages?|settlements?|cities|city|areas?|regions?|districts?|homes?|houses?|buildings?|"
    r"apartments?|km|kilometers?|kilometres?|miles?|metres?|meters?|years?|months?|weeks?|days?|hours?|minutes?|"
    r"tanks?|missiles?|drones?|rockets?|shells?|bombs?|aircraft|planes?|jets?|helicopters?|vehicles?|ships?|"
    r"guns?|howitzers?|rounds?|percent|per cent|%|dollars?|euros?|\$|billion|million|tons?|tonnes?|"
    r"attacks?|strikes?|assaults?|airstrikes?|times?|points?|positions?|border|pages?|square|sq|hectares?|acres?)\b",
    re.IGNORECASE,
)
_CIVILIANS = re.compile(
    r"^(?:civilians?|people|residents?|children|child|kids|women|woman|men|man|boys?|girls?|persons?|inhabitants|"
    r"passengers|patients|journalists|workers|villagers|locals|family|families|elderly|pensioners?)\b",
    re.IGNORECASE,
)
_FIGHTERS = re.compile(
    r"^(?:soldiers?|troops|servicemen|service members|fighters|paratroopers|marines|mercenaries|militants|"
    r"conscripts|recruits|personnel|officers|prisoners|pows|men in uniform)\b",
    re.IGNORECASE,
)
_FILLER = re.compile(
    r"^(?:more|other|of|the|their|its|his|her|our|mostly|all|some|further|additional|"
    r"innocent|local|ordinary|unarmed|enemy|[a-z]+-?[a-z]*ian|[a-z]+ish|[a-z]+ese)\b\s*",
    re.IGNORECASE,
)


def figure_counts(text: str, fig_end: int, sent_end: int) -> str | None:
    """What the words right after a figure say it counts: "things" (villages, km, tanks ...),
    "civilians" (people, residents, children ...), "fighters" (soldiers, troops ...), or None
    when they do not say ("64 were killed")."""
    after = text[fig_end : min(sent_end, fig_end + 60)]
    after = re.sub(r"^[\s,]+", "", after)
    for _ in range(3):
        stripped = _FILLER.sub("", after, count=1)
        if stripped == after:
            break
        after = stripped
    if _NOT_PEOPLE.match(after):
        return "things"
    if _CIVILIANS.match(after):
        return "civilians"
    if _FIGHTERS.match(after):
        return "fighters"
    return None


def nationality_before(text: str, fig_start: int, fig_end: int, sent_end: int) -> str | None:
    """A nationality next to a figure's noun ("64 Russian soldiers", "500 Wagner fighters"
    is not a nationality): the country, or None."""
    after = text[fig_end : min(sent_end, fig_end + 40)]
    for word in re.findall(_WORD, after)[:3]:
        side = demonyms().get(word.casefold())
        if side:
            return side
    return None


_NEAR = re.compile(
    r"(?:\b(?:near|outside|south of|north of|east of|west of|southeast of|southwest of|northeast of|northwest of|"
    r"close to|around|in)\s+(?:the\s+)?(?:(?:city|town|village|region|settlement)\s+of\s+)?|^\s*[\[(]\s*)"
    r"([A-Z][\w’'\-]+(?:[ \t][A-Z][\w’'\-]+)?)"
)


def country_nearby(text: str, name: str, country_of_place: Callable[[str], str | None]) -> str | None:
    """The country of a place the gazetteer does not know, from the article's own words: in
    a sentence that mentions it, a place the gazetteer knows given as its neighbour or
    container ("Klishchiivka, south of Bakhmut", "Przewodów in Poland's Lublin province",
    "Oserdow [Lublin Voivodeship]").
    One answer, or None when the sentences say nothing or disagree."""
    found: set[str] = set()
    for m in _mentions(text, name):
        window = text[m.end() : m.end() + 80]
        window = re.split(r"[.!?;\n]", window)[0]
        for near in _NEAR.finditer(window):
            named = near.group(1).split("’")[0].split("'")[0]
            # "Oserdow [Lublin Voivodeship]": the container's name, else its first word (Lublin)
            country = country_of_place(named) or (country_of_place(named.split()[0]) if " " in named else None)
            if country:
                found.add(country)
                break
    return found.pop() if len(found) == 1 else None


_RELAY = re.compile(
    r"\b(?:reached out to|has contacted|contacted|for comment|requests? for comment|comment from|told|"
    r"(?:(?:was|were|is|are|has|have) not (?:been )?able to|(?:was|were|is|are|has been|have been) unable to|"
    r"could not|cannot|can ?not|did not) (?:immediately )?(?:independently )?(?:verify|confirm)|"
    r"(?:first )?reported by|according to a report|wrote for|writes for|"
    r"subscribe|newsletter|sign up|contributed to this report)\b",
    re.IGNORECASE,
)


# Sentences about the outlet and its staff rather than the story: an author's biography, a
# newsletter or tip-line notice ("Andrew joined Newsweek in 2021", "Do you have a story for The
# Sun news desk?").
_OUTLET = re.compile(
    r"\b(?:joined|reported on for|ha(?:s|ve) reported on|covers|covering|graduate of|is based in|previously worked|"
    r"is an? (?:[\w-]+ (?:and |& )?){0,4}(?:reporter|correspondent|writer|journalist|editor)|"
    r"news desk|newspaper delivered|click here|"
    r"follow (?:him|her|us)|a story for)\b",
    re.IGNORECASE,
)


# The heading of a page's section about its staff ("About the writer" and the biography under
# it): from there on the text is about the outlet, not the story.
_STAFF_HEADING = re.compile(
    r"^[ \t]*About (?:the|this) (?:writer|author|reporter|journalist|contributor)s?[ \t]*:?[ \t]*$",
    re.IGNORECASE | re.MULTILINE,
)


def staff_section(text: str) -> int:
    """Where the page's section about its writers starts (an "About the writer" heading on its
    own line), or ``len(text)`` when there is none."""
    m = _STAFF_HEADING.search(text)
    return m.start() if m else len(text)


def staff_only(text: str, forms: Iterable[str], staff: int) -> bool:
    """True when a name is written only from ``staff`` on (``staff_section``): "Aila Slisco is a
    Newsweek night reporter based in New York" names neither an actor nor a place of the story."""
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
    from summarizer.text._sentences import sentence_bounds

    mentions = [m for form in forms if len(form) > 1 for m in _mentions(text, form)]
    if not mentions:
        return False
    for m in mentions:
        start, end = sentence_bounds(text, m.start(), m.end())
        sentence = text[start:end]
        told = _TOLD_TO.search(text[max(0, m.start() - 40) : m.start()])
        relays = _RELAY.search(sentence) or _MEDIA_SAYS.match(text, m.end()) or told
        if not (_OUTLET.search(sentence) or (not person and relays) or _PUBLISHES.match(text, m.end())):
            return False
    return True


# An outlet named as where the story was read ("Interfax news agency reported", "according to
# TASS", "told the BBC"): it relays the news, it is not a party to it.
_MEDIA_SAYS = re.compile(
    r"\s+(?:news agency\s+|agency\s+|newspaper\s+|daily\s+)?(?:reported|reports|quoted|cited|wrote|writes|said|says)\b"
)
_TOLD_TO = re.compile(
    r"\b(?:according to|reported by|cited by|quoted by|told|in an interview with|speaking to|spoke to|"
    r"wrote in|writing in|published by|broadcast by)\s+(?:the\s+)?$",
    re.IGNORECASE,
)
# The name is the subject of the outlet's own work: "Newsweek has reached out to the ministry",
# "Reuters was unable to verify" (not "the ministry has been contacted": that is the party asked).
_PUBLISHES = re.compile(
    r"\s+(?:(?:has|have|had)\s+)?(?:reached out|contacted|emailed|asked .{0,40}for comment|requested comment|"
    r"(?:was|were|is|are|has been|have been)\s+(?:unable|not able)|could not|cannot|did not immediately)\b"
)


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
        if not _RELAY.search(text[start:end]):
            return False
    return True
