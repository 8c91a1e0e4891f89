"""One actor per party, after the model answered: a person goes by their name, not their title
("Colonel Fritz Tarlenheim" is Fritz Tarlenheim), a surname alone ("Rassendyll") is the one person
of that name, a body without whose it is ("Navy") the one such body ("Ruritanian Navy"), a name the
article misspells once ("Rassendill" beside "Rassendyll") is the same person, and a group named
with and without its generic word ("Black Hand" / "Black Hand Group") is one group. Twins are merged,
with every form kept as an alias and the events and figures that named either pointing at the
one left.
"""

from __future__ import annotations

import re

from summarizer import rules
from summarizer.extraction._findings import mentions
from summarizer.extraction._found import Classified, FoundActor
from summarizer.extraction._known import same_known_group
from summarizer.nlp import capital_of, find_country
from summarizer.text import demonyms, is_demonym, national_force, short_names, state_words, title_words


# Abbreviated ranks and honorifics written before a name (rules/titles.toml).
@rules.table
def _abbreviations() -> frozenset[str]:
    return rules.words("title.abbreviations", "title.more_abbreviations")


def title_word(word: str) -> bool:
    """A title, an abbreviated rank, a nationality or a filler word ("Minister", "Capt.", "Ruritanian", "the")."""
    w = word.casefold().strip(".,")
    return w in title_words() or w in _abbreviations() or is_demonym(word) or w in ("the", "of")


def untitled(name: str) -> str:
    """`name` without the title and nationality words before it, when at least two capitalised
    words, a name, are left ("Colonel Fritz Tarlenheim" -> "Fritz Tarlenheim"; "Colonel Tarlenheim"
    and "Prime Minister" stay as they are)."""
    words = name.split()
    n = 0
    while n < len(words) and (title_word(words[n]) or _country_before_title(words, n)):
        n += 1
    rest = words[n:]
    if n == 0 or len(rest) < 2 or not all(w[:1].isupper() for w in rest):
        return name
    return " ".join(rest)


def _country_before_title(words: list[str], n: int) -> bool:
    """A country's name written before a title, as a nationality word is ("Ruritania President
    Rudolf Elphberg", the headline style of wire copy); not one that starts a name of its own."""
    return n + 1 < len(words) and title_word(words[n + 1]) and find_country(words[n]) is not None


def _one_apart(a: str, b: str) -> bool:
    """Two spellings one letter apart: a letter changed, or one added inside the word (an
    ending added is another name: "Petrov" / "Petrova")."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) > len(b):
        a, b = b, a
    i = 0
    while i < len(a) and a[i] == b[i]:
        i += 1
    if len(a) == len(b):
        return a[i + 1 :] == b[i + 1 :]
    return i < len(a) and a[i:] == b[i + 1 :]


def _typo_twins(a: FoundActor, b: FoundActor) -> bool:
    """Two people whose names differ by one letter in one word of six letters or more, the rest
    the same, in any of the forms they go by ("Rassendill" / "Rudolf Rassendyll", who is also
    "Rassendyll"; "Tarlenheim" / "Tarlenhiem"; not "Petrov" / "Petrova")."""
    if a.kind != "person" or b.kind != "person":
        return False
    for fa in [a.name, *a.forms]:
        for fb in [b.name, *b.forms]:
            wa, wb = fa.split(), fb.split()
            if len(wa) != len(wb):
                continue
            differ = [(x, y) for x, y in zip(wa, wb, strict=True) if x != y]
            if len(differ) == 1 and min(len(differ[0][0]), len(differ[0][1])) >= 6 and _one_apart(*differ[0]):
                return True
    return False


# The generic word a group's name may go with or without.
@rules.table
def _group_words() -> frozenset[str]:
    return rules.words("force.group_words")


_GROUP_KINDS = frozenset({"armed_group", "organization", "military_unit", "other"})


def _group_twins(a: FoundActor, b: FoundActor) -> bool:
    """ "Black Hand" and "Black Hand Group" (or "PMC Black Hand"): a group named with and without its generic word."""
    if a.kind not in _GROUP_KINDS or b.kind not in _GROUP_KINDS:
        return False
    wa, wb = a.name.casefold().split(), b.name.casefold().split()
    if len(wa) > len(wb):
        wa, wb = wb, wa
    extra = len(wb) - len(wa)
    if extra != 1 or not wa:
        return False
    return (wb[:-1] == wa and wb[-1] in _group_words()) or (wb[1:] == wa and wb[0] in _group_words())


def force_of(name: str) -> tuple[str, str] | None:
    """(country, branch) of a country's forces named by a common noun (`national_force`), any country."""
    return national_force(name, lambda n: c.country if (c := find_country(n)) is not None else None)


def _force_twins(a: FoundActor, b: FoundActor) -> bool:
    """One country's forces (or one branch of them) named by two common nouns."""
    if a.kind != "armed_forces" or b.kind != "armed_forces":
        return False
    fa = force_of(a.name)
    return fa is not None and fa == force_of(b.name)


def _state_of(name: str) -> str | None:
    """The country a government actor named by the country itself ("Ruritania"), its capital or
    another metonym of the state ("Strelsau"; the guide's aliases of the state actor), or its
    state's noun ("the Ruritanian government", "Ruritania's authorities"; `force.group.state`)
    is; None for other names (a ministry, a person, officials)."""
    found = find_country(name)
    if found is not None:
        return found.country
    bare = re.sub(r"^the\s+", "", name.strip(), flags=re.IGNORECASE)
    metonym = capital_of(bare) or state_words().get(bare.casefold())
    if metonym is not None:
        return metonym
    words = bare.split()
    if len(words) != 2 or words[1].casefold() not in _state_nouns():
        return None
    first = re.sub(r"[’']s$", "", words[0])
    if is_demonym(words[0]):
        return demonyms().get(words[0].casefold())
    found = find_country(first)
    return found.country if found is not None else None


@rules.table
def _state_nouns() -> frozenset[str]:
    return frozenset(w.casefold() for w in rules.words("force.group.state")) - {"officials"}


def _state_twins(a: FoundActor, b: FoundActor) -> bool:
    """One state named by its country, its capital and its government ("Ruritania", "Strelsau",
    "the Ruritanian government"): the guide's one government actor, the other names its aliases."""
    if a.kind != "government" or b.kind != "government":
        return False
    sa, sb = _state_of(a.name), _state_of(b.name)
    return sa is not None and sa == sb


def _acronym_twins(a: FoundActor, b: FoundActor) -> bool:
    """ "U.N." or "UN" and "United Nations": one name is the initials of the other's capitalised
    words (of three letters or more, or dotted: "U.N."), two bodies that are not people."""
    if a.kind == "person" or b.kind == "person":
        return False
    for short, full in ((a.name, b.name), (b.name, a.name)):
        letters = short.replace(".", "")
        if not (letters.isalpha() and letters.isupper() and (len(letters) >= 3 or "." in short)):
            continue
        initials = "".join(w[0] for w in re.split(r"[\s-]+", full) if w[:1].isupper())
        if len(full.split()) >= 2 and initials == letters:
            return True
    return False


def _qualifier(word: str) -> bool:
    """A word that says whose a body is: a nationality, a country or its possessive ("Ruritanian Navy",
    "Ruritanian General Staff", "Borduria's Defense Ministry")."""
    bare = re.sub(r"[’']s$", "", word)
    return is_demonym(word) or find_country(bare) is not None or bare.upper() in short_names()


def _short_of(short: FoundActor, long: FoundActor) -> bool:
    """`short` is `long` named in brief: a person by surname ("Rassendyll" / "Rudolf Rassendyll"),
    a body without whose it is ("Navy" / "Ruritanian Navy"); never when their sides disagree."""
    if short is long or (short.side and long.side and short.side != long.side):
        return False
    ws, wl = short.name.casefold().split(), long.name.casefold().split()
    if short.kind == "person" and long.kind == "person":
        return len(ws) == 1 and len(wl) >= 2 and wl[-1] == ws[0]
    if short.kind == "person" or long.kind == "person":
        return False
    return len(wl) == len(ws) + 1 and wl[1:] == ws and _qualifier(long.name.split()[0])


def _merge_short_names(out: Classified, renamed: dict[str, str]) -> None:
    """Each party named in brief goes into the one party it is the brief name of; a brief name
    that fits two ("Elphberg" for Rudolf and Michael) is left as it is."""
    for short in list(out.actors):
        longs = [a for a in out.actors if _short_of(short, a)]
        if len(longs) != 1:
            continue
        long = longs[0]
        long.forms = list(dict.fromkeys(f for f in [*long.forms, short.name, *short.forms] if f != long.name))
        if not long.side:
            long.side, long.side_basis = short.side, short.side_basis
        long.acts = long.acts or short.acts
        renamed[short.name] = long.name
        out.actors.remove(short)


def one_per_party(text: str, out: Classified) -> None:
    """Rename titled people to their names and merge twins (same name once untitled, a name in
    brief, a one-letter misspelling, a group with and without its generic word, one country's
    forces under two common nouns, "Ruritanian army" and "Ruritanian troops", two names of one known
    group, rules/groups.toml): the name
    the article writes most stays (a group's or a person's full name), the others become forms."""
    renamed: dict[str, str] = {}
    for actor in out.actors:
        if actor.kind != "person":
            continue
        own = untitled(actor.name)
        if own != actor.name and mentions(text, own):
            actor.forms = [actor.name, *(f for f in actor.forms if f != own)]
            renamed[actor.name] = actor.name = own
    _merge_short_names(out, renamed)
    kept: list[FoundActor] = []
    for actor in out.actors:
        twin = next(
            (
                k
                for k in kept
                if k.name.casefold() == actor.name.casefold()
                or _typo_twins(k, actor)
                or _group_twins(k, actor)
                or _acronym_twins(k, actor)
                or _force_twins(k, actor)
                or _state_twins(k, actor)
                or same_known_group([k.name, *k.forms], [actor.name, *actor.forms])
            ),
            None,
        )
        if twin is None:
            kept.append(actor)
            continue
        forms = [twin.name, *twin.forms, actor.name, *actor.forms]
        if _group_twins(twin, actor) or _acronym_twins(twin, actor):
            twin.name = max(twin.name, actor.name, key=len)  # a group goes by its full name
        elif len(mentions(text, actor.name)) > len(mentions(text, twin.name)):
            twin.name = actor.name  # the name written most
        twin.forms = list(dict.fromkeys(f for f in forms if f != twin.name))
        if not twin.side:
            twin.side, twin.side_basis = actor.side, actor.side_basis
        twin.acts = twin.acts or actor.acts
        for form in forms:
            if form != twin.name:
                renamed[form] = twin.name
    out.actors = kept
    out.rename_actors(renamed)
