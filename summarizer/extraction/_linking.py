"""brief-v4's actors and places: what code settled, what the model labelled, their sides and
countries from the article's own words, and the pruning of passing mentions."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Sequence
from functools import cache

from summarizer import rules
from summarizer.extraction import _labels as labels
from summarizer.extraction._events import (
    border,
    capital_phrases,
    coarse_part,
    compass_region,
    datelines,
    finest_places,
    inside_other_name,
    located,
    named_as_place,
    outside,
    whole_story,
)
from summarizer.extraction._findings import Findings, PlaceFact, Places, acts, listed_regions, mentions, region_base
from summarizer.extraction._found import Classified, FoundActor, FoundPlace
from summarizer.extraction._known import armed_groups, international, known_group
from summarizer.extraction._roles import figure_victims
from summarizer.extraction._twins import force_of, one_per_party, title_word
from summarizer.nlp import SMALL_TOWN, capital_city, capital_of, find_country
from summarizer.text import (
    Candidate,
    backed_side,
    country_nearby,
    dates_in,
    demonyms,
    group_noun_name,
    introduced_as_expert,
    is_demonym,
    name_nationality,
    named_settlements,
    normalize_name,
    org_words,
    outlet_only,
    peoples,
    sentences,
    side_cue,
    stated_side,
)


def _count(text: str, forms: list[str], leave_out: Sequence[tuple[int, int]] = ()) -> int:
    found = {m.start() for f in forms for m in mentions(text, f)}
    return len({at for at in found if not any(a <= at < b for a, b in leave_out)})


def speaks_or_acts(text: str, forms: list[str]) -> bool:
    """A mention of the name is followed by a verb of saying or acting, or follows "according
    to" ("the Ruritanian Defence Ministry said"), whatever span NER gave it."""
    return acts(text, [(m.start(), m.end(), False) for f in forms if f for m in mentions(text, f)])


_AGENCY = re.compile(r"\(([^()]{2,24})\)")


def _publishers(text: str, filed: list[tuple[int, int]]) -> set[str]:
    """The agencies that filed the story, as its datelines (`filed`, `datelines`) name them
    ("STRELSAU (Reuters) - ", "(CNN)"), casefolded: the publisher of the article, never a party
    to it (the guide)."""
    return {m.group(1).strip().casefold() for a, b in filed for m in _AGENCY.finditer(text[a:b])}


def prune(text: str, out: Classified, title_end: int = 0) -> None:
    """Passing mentions are left out: the document lists the places where its events happen,
    that its lead names (`_named_in_lead`), or that the article keeps coming back to (two
    mentions; not a country, nor a capital unless one mention puts something there ("in
    Strelsau"): outside an event they are nearly always the state speaking, "Szohod said",
    "Strelsau-backed"; a town the article introduces as one, "the
    village of X", is kept at one mention; a country only when it is the article's most-named
    place and named at least once as a place, "in Ruritania", "sent to Borduria", not only as the
    state that acts), and the actors that act,
    take part in an event, give or suffer a figure, or are named twice."""
    finest_places(out.events, {p.name: p.fact.kind for p in out.places})
    in_events = {p for ev in out.events for p in ev.places}
    in_events |= named_settlements(text)  # "the village of Hofbau": introduced because something happened there
    filed = datelines(text)  # where the story was filed is no mention of a place of it (evals/README.md)
    counts = {p.name: _count(text, [p.name, *p.forms], [] if p.fact.kind == "country" else filed) for p in out.places}
    top = max(counts.values(), default=0)
    headline = headline_end(text, title_end)
    in_lead = _named_in_lead(text, out.places, headline, filed)
    story = whole_story(text, headline)
    if story:  # a report that is its lead: a place it names outside a dateline is where it happens
        in_lead |= {p.name for p in out.places if outside(text, p, filed) and _story_place(text, p, out.places, filed)}
    out.places = [p for p in out.places if p.fact.kind != "settlement" or _named_as_place(text, p)]
    out.places = [p for p in out.places if not _only_in_group_names(text, p)]
    # a country's part ("southern Ruritania") is a place of the story where an event happens
    out.places = [p for p in out.places if p.name in in_events or not coarse_part(p.name)]
    out.places = [
        p
        for p in out.places
        if p.name in in_events
        or p.name in in_lead
        or (p.fact.kind != "country" and counts[p.name] >= 2 and (not capital_of(p.name) or _located(text, p)))
        or (p.fact.kind == "country" and counts[p.name] >= 3 and counts[p.name] == top and _as_place(text, p))
    ]
    # an event put only at places judged no place of the story has no place: left out, like an
    # incident whose sentence names none (`_events._add`)
    named = {p.name for p in out.places}
    out.events = [ev for ev in out.events if not ev.places or set(ev.places) & named]
    for actor in out.actors:
        _body_name(text, actor, headline)
    national_forces(out)
    one_per_party(text, out)
    publishers = _publishers(text, filed)
    out.actors = [a for a in out.actors if not not_an_actor(text, a, headline) and not _publisher(a, publishers)]
    out.actors = _named_groups_first(out.actors)
    pieces = _pieces(text, out.actors)
    out.actors = [a for a in out.actors if a.name not in pieces]
    kept = {a.name for a in out.actors}
    for ev in out.events:
        ev.actors = [a for a in ev.actors if a in kept]
    for fig in out.figures:
        fig.claimed_by = fig.claimed_by if fig.claimed_by in kept else None
    involved: set[str | None] = {a for ev in out.events for a in ev.actors}
    involved |= {f.claimed_by for f in out.figures} | {f.affected for f in out.figures}
    out.actors = [
        a
        for a in out.actors
        if a.acts
        or story
        or a.name in involved
        or _count(text, [a.name, *a.forms]) >= 2
        or speaks_or_acts(text, [a.name, *a.forms])  # "the Ruritanian Defence Ministry said": a source
    ]


# A capitalised word right before a name that makes the name part of a longer one ("Colonel
# Sapt Hofbau", "Security Council"); a sentence's opening preposition or article leaves it the place.
_NAME_BEFORE = re.compile(
    r"(?<![\w’'-])(?!(?:In|At|On|Near|From|To|Into|Outside|Inside|Across|Over|The|A|An|And|But|Both|Of)\s)"
    r"[A-Z][\w’'-]*[ \t]+$"
)


def _named_as_place(text: str, place: FoundPlace) -> bool:
    """A town of the gazetteer is a place of the story only where a mention names it, not where
    every mention is a piece of a longer name ("Colonel Sapt Hofbau", "Hofbau Rovers", "the
    Hofbau of Zenda") or a modifier (`inside_other_name`: "Hofbau-backed")."""
    for m in (m for f in [place.name, *place.forms] for m in mentions(text, f)):
        if not inside_other_name(text, m) and not _NAME_BEFORE.search(text[max(0, m.start() - 30) : m.start()]):
            return True
    return False


def _only_in_group_names(text: str, place: FoundPlace) -> bool:
    """Every mention of the place is a piece of a known armed group's name ("the Zenda Hills" of
    "the Army of the Zenda Hills", rules/groups.toml): it names the group, not where anything
    happens."""
    key = place.name.casefold()
    spans = [(m.start(), m.end()) for g in _group_name_patterns(key) for m in g.finditer(text)]
    if not spans:
        return False
    found = [m for f in [place.name, *place.forms] for m in mentions(text, f)]
    return bool(found) and all(any(a <= m.start() and m.end() <= b for a, b in spans) for m in found)


def _group_name_patterns(key: str) -> list[re.Pattern[str]]:
    """The known groups' names of more than one word that hold `key` (casefolded), as patterns
    that match them as a text writes them ("al - Zenda", "al-Zenda", "Al Zenda's")."""
    return [_as_written(g) for g in armed_groups() if " " in g and key in g and key != g]


@cache
def _as_written(name: str) -> re.Pattern[str]:
    body = r"\s+".join(re.escape(w).replace(r"\-", r"\s*-\s*").replace("'", "[’']") for w in name.split())
    return re.compile(rf"\b{body}\b", re.IGNORECASE)


def _named_groups_first(actors: list[FoundActor]) -> list[FoundActor]:
    """A force named only by a common noun ("militants", "Islamist extremists") is an actor of
    its own only in an article that names no armed group: beside "Black Hand" or "Black Hand
    fighters" it is that group told again, not a second party (the guide's gold lists the named
    group). Read after the model answered."""
    named = any(a.kind == "armed_group" and not group_noun_name(a.name) for a in actors)
    return [a for a in actors if not (named and group_noun_name(a.name))]


def national_forces(out: Classified) -> None:
    """A country's forces named by a common noun ("Ruritanian military", "Bordurian troops",
    "Borduria's security forces") are its `armed_forces`, on its side (stated: the name says
    it), whatever kind the model gave the name ("government", "military_unit"): the guide's
    kind, for every country, not only those whose forces code settles before the model is asked
    (`force_group`). Done after every pass: no request changes."""
    for actor in out.actors:
        if actor.kind in ("person", "civilians"):
            continue
        force = force_of(actor.name)
        if force is None:
            continue
        country = force[0]
        actor.kind = "armed_forces"
        if actor.side != country:
            actor.side, actor.side_basis = country, "stated"


def _story_place(text: str, place: FoundPlace, places: list[FoundPlace], filed: list[tuple[int, int]]) -> bool:
    """In a report that is all lead, a country is a place of it unless a finer place names it
    ("northeastern Ruritania") or it is only the state that acts or speaks (`named_as_place`)."""
    if place.fact.kind != "country":
        return True
    if any(q is not place and place.name in q.name for q in places):
        return False
    return named_as_place(text, place, filed)


def _named_in_lead(text: str, places: list[FoundPlace], body: int, filed: list[tuple[int, int]]) -> set[str]:
    """The places the report's lead names (its first body sentence, not its dateline), even
    once: where its story happens ("... rallied on the streets of Strelsau", "... in Zenda
    province"). A country or a capital only where the lead puts something there ("in
    Ruritania"), not as the state speaking or acting ("according to Strelsau", "Ruritania said")."""
    lead = [(s, e) for s, e in sentences(text) if s >= body][:1]
    named: set[str] = set()
    for p in places:
        for m in (m for f in [p.name, *p.forms] for m in mentions(text, f)):
            if not any(a <= m.start() < b for a, b in lead) or any(a <= m.start() < b for a, b in filed):
                continue
            if (capital_of(p.name) or p.fact.kind == "country") and not located(text, m.start()):
                continue
            named.add(p.name)
    return named


def _as_place(text: str, place: FoundPlace, loosely: bool = True) -> bool:
    return any(located(text, m.start(), loosely) for f in [place.name, *place.forms] for m in mentions(text, f))


def _located(text: str, place: FoundPlace) -> bool:
    """A mention puts something there ("in Strelsau", "struck Strelsau"), not only a visit or a
    delivery ("a visit to Strelsau"): a capital named so is a place, not the state speaking."""
    return _as_place(text, place, loosely=False)


def _body_name(text: str, actor: FoundActor, headline: int) -> None:
    """A name the headline cut from its sentence ("Rassendyll Seeks") goes by the form the body
    writes ("Rassendyll"); forms only the headline has are dropped."""
    if not headline:
        return
    in_body = [f for f in [actor.name, *actor.forms] if any(m.start() >= headline for m in mentions(text, f))]
    if not in_body or actor.name in in_body:
        actor.forms = [f for f in actor.forms if f in in_body] if in_body else actor.forms
        return
    actor.name = max(in_body, key=lambda f: len(mentions(text[headline:], f)))
    actor.forms = [f for f in in_body if f != actor.name]


def person_kinds(findings: Findings, out: Classified) -> None:
    """A name NER read only as a person's, written as a full name ("Rudolf Rassendill"), is a
    person whatever kind the model gave it (not "government")."""
    votes = {c.name: c.votes for c in findings.candidates}
    for actor in out.actors:
        v = votes.get(actor.name, {})
        words = [w.strip("“”\"'‘’") for w in actor.name.split()]  # a nickname in quotes: Fritz “Fritzi” Tarlenheim
        if (
            actor.kind in ("government", "organization", "other", "armed_group")
            and v.get("PERSON", 0) > 0
            and not v.keys() - {"PERSON", "CAPS"}
            and (2 <= len(words) <= 3 or _one_word_person(actor, v))
            and all(w[:1].isupper() for w in words)
            and not org_words().search(actor.name)
        ):
            actor.kind = "person"


def _one_word_person(actor: FoundActor, votes: dict[str, int]) -> bool:
    """A surname alone ("Rassendyll") the model took for the state it leads: NER read it as a
    person at two mentions or more, and it names no country ("Ruritania" read as a person is NER's
    slip). A group's one-word name the model gave another kind stays that kind."""
    return actor.kind == "government" and votes.get("PERSON", 0) >= 2 and find_country(actor.name) is None


def headline_end(text: str, title_end: int) -> int:
    """Where the headline ends, counting the page's repeat of it on the next non-blank line
    (pages often print the title twice): "Rassendyll Seeks" in either copy is headline only."""
    if not title_end:
        return 0
    title = text[:title_end].strip()
    rest = text[title_end:]
    stripped = rest.lstrip()
    if title and stripped.startswith(title):
        return title_end + (len(rest) - len(stripped)) + len(title)
    return title_end


# A maker's model number ("T-34", "Satan-2", "MH-60R", "Kh-55"): equipment, not an actor.
_MODEL_NUMBER = re.compile(r"\b[A-Z][A-Za-z]*-?\d+[A-Z]?\b")


# A day, a war or a modifier at a name's end ("Victory Day", "World War II", "X-backed"); weapon
# systems named by name, not number, and the noun after one ("Storm Shadow missiles"): equipment,
# never an armed group; a name given to a thing ("the Elphberg statue", "a monument to X"): the thing
# is not a party to the story, nor is the person long dead it honours; words that name people or
# blocs loosely ("Western"); a common noun after a name that makes the name its modifier
# ("military bloggers") (rules/names.toml).
@rules.table
def _not_actor_end() -> re.Pattern[str]:
    return rules.union(rules.category("not_actor_end"))


@rules.table
def _weapons() -> frozenset[str]:
    return rules.words("name.weapons")


@rules.table
def _weapon_noun() -> re.Pattern[str]:
    return rules.regex("name.weapon_noun")


def _weapon(name: str) -> bool:
    return _weapon_noun().sub("", name).casefold() in _weapons()


@rules.table
def _thing_after() -> re.Pattern[str]:
    return rules.regex("name.thing_after")


@rules.table
def _thing_before() -> re.Pattern[str]:
    return rules.regex("name.thing_before")


@rules.table
def _loose_blocs() -> frozenset[str]:
    return frozenset(w.casefold() for r in rules.category("loose_bloc") for w in r.words)


@rules.table
def _modifies() -> re.Pattern[str]:
    return rules.regex("name.modifies")


def _names_things_only(text: str, forms: list[str]) -> bool:
    found = [m for f in forms for m in mentions(text, f)]
    return bool(found) and all(
        _thing_after().match(text, m.end()) or _thing_before().search(text[max(0, m.start() - 20) : m.start()])
        for m in found
    )


def _pieces(text: str, actors: list[FoundActor]) -> set[str]:
    """The actors that are pieces of another actor's name: every mention of one lies inside a
    mention of another actor ("Qaeda", only ever in "al Qaeda")."""
    spans = {a.name: [(m.start(), m.end()) for f in [a.name, *a.forms] for m in mentions(text, f)] for a in actors}
    pieces = set()
    for name, own in spans.items():
        others = [span for other, theirs in spans.items() if other != name for span in theirs]
        if own and all(any(a <= s and e <= b and (a, b) != (s, e) for a, b in others) for s, e in own):
            pieces.add(name)
    return pieces


def _publisher(actor: FoundActor, publishers: set[str]) -> bool:
    """The agency of the dateline (`_publishers`): the publisher, its affiliates and analysts,
    never a party (the guide), whatever kind the model gave the name ("(DPN)" is an outlet even
    where a small model answers government or person)."""
    forms = {f.casefold() for f in [actor.name, *actor.forms]}
    return bool(forms & publishers)


def not_an_actor(text: str, actor: FoundActor, title_end: int) -> bool:
    """Names the model took for actors that the article's words say are not: the outlet or its
    writer (named only where the story is relayed or in the author's biography), an outlet that
    only relays the news ("Interfax reported"), a piece of a word ("un-human"), a name given to
    a thing ("the Elphberg statue"), a modifier of the real party ("pro-Ruritanian military
    bloggers"), a name only the headline has ("Rassendyll Seeks"), a title with no name
    ("Bordurian Prime Minister", "Voivode"), equipment ("T-34", "MH-60R Seahawk", "Storm
    Shadow"), a day or a war ("Victory Day", "World War II"), a modifier ("Strelsau-backed"), or a
    common word at the start of a sentence ("Footage", "State")."""
    if actor.kind == "civilians" or actor.name == actor.side:  # civilians; a state named as its side
        return False
    forms = [actor.name, *actor.forms]
    name = actor.name
    words = name.replace("’s", "").replace("'s", "").split()
    if outlet_only(text, forms, person=actor.kind != "media"):
        return True
    if name.islower() and len(name) <= 3:  # "un" of "un-human": a piece of a word, not a name
        return True
    if _names_things_only(text, forms):
        return True
    if all(_modifies().match(text, m.end()) for f in forms for m in mentions(text, f)) and mentions(text, name):
        return True  # "pro-Ruritanian military bloggers": the bloggers are the party, not the military
    if title_end and not any(m.start() >= title_end for f in forms for m in mentions(text, f)):
        return True
    if words and all(title_word(w) for w in words):  # "Ruritanian Prime Minister", "Capt"
        return True
    if actor.kind != "person" and (_MODEL_NUMBER.search(name) or _weapon(name)):
        return True
    if (
        _a_day(name)
        or _not_actor_end().search(name)
        or is_demonym(name.rstrip("s"))
        or name.casefold() in _loose_blocs()
    ):
        return True
    single = len(words) == 1 and not name.isupper() and name.lower() != name
    return single and actor.kind != "person" and bool(mentions(text, name.lower()))


def actors_and_places(text: str, findings: Findings, places: Places, labelled: dict[str, str], out: Classified) -> None:
    """The actors and places: what code settled, and what the model labelled (its side
    overridden by the article's own words where they give one)."""
    for country, forms in findings.states.items():
        forms = list(dict.fromkeys(forms))
        ranked = sorted(forms, key=lambda f: -len(mentions(text, f)))
        out.actors.append(FoundActor(ranked[0], [f for f in forms if f != ranked[0]], "government", country, True))
    for cand in findings.candidates:
        if cand.name in findings.places:
            fact = _across(places, cand.name) or findings.places[cand.name]
            if not (cand.name.isupper() and fact.kind != "country"):  # "MAD", "UTC": acronyms, not towns
                out.places.append(FoundPlace(cand.name, cand.forms, fact))

        elif cand.name in findings.actors:
            kind, side = findings.actors[cand.name]
            out.actors.append(FoundActor(cand.name, cand.forms, kind, side, cand.name in findings.acting))
        elif cand.name in labelled:
            if _a_day(cand.name) and labelled[cand.name] not in labels.ACTOR_LABELS:
                continue  # "on Sunday": a day is no place (as an actor it goes in prune, after the sides pass)
            if cand.name in findings.namesakes and labelled[cand.name] not in labels.ACTOR_LABELS:
                continue  # a group named like a town abroad: asked only as a possible actor
            _labelled(text, cand, labelled[cand.name], places, out, cand.name in findings.acting)
    out.places = _own_names(text, out.places, places, findings.regions_listed)
    out.places.extend(_compass_regions(text, out.places))
    out.places.extend(_border_regions(text, out.places))
    out.places.extend(_capitals_named(text, out.places))
    # civilians' country: the one most of the story's places are in; none on a tie (no guess)
    home = _home_country(out.places)
    out.places = _no_hamlets_abroad(out.places, findings, places)
    for actor in out.actors:
        if actor.kind == "civilians" and actor.side is None:
            actor.side = home  # civilians get their country: where the story's places are
            actor.side_basis = "inferred" if home else None
    lookup = _named_place_country(findings, places)
    for place in out.places:
        if place.fact.country is None and _across(places, place.name) is None and not border().fullmatch(place.name):
            region = _region_of_named_country(place, places)
            if region is not None:
                place.fact = region
                continue
            within = _country_within(place.name, places, lookup) or country_nearby(text, place.name, lookup)
            if within:
                place.fact = PlaceFact(place.fact.kind, within)


def _across(places: Places, name: str) -> PlaceFact | None:
    """An area across countries ("the Middle East", `areas.toml`) is a region in no country,
    whatever namesake hamlet the gazetteer also knows in a country the article names. Read after
    the model answered: what the model is asked is as before."""
    area = places.gazetteer.find_across(name)
    return PlaceFact("region", None, area.latitude, area.longitude) if area is not None else None


def _names_held(found: list[FoundPlace]) -> set[str]:
    """Every name and form of the places found, casefolded: a place read from the text's words
    is added only under a name none of them has."""
    return {n.casefold() for p in found for n in [p.name, *p.forms]}


def _compass_regions(text: str, found: list[FoundPlace]) -> list[FoundPlace]:
    """A country's part named by a lowercase compass word and the country's name ("southern
    Ruritania", "north-eastern Borduria", rule `place.compass_region`) is a region of that
    country, under the words the text writes; read after the model answered (no request
    changes). Not a name the places already hold."""
    have = _names_held(found)
    out: dict[str, FoundPlace] = {}
    for m in compass_region().finditer(text):
        words = re.findall(r"[\w’'.-]+", text[m.end() : m.end() + 60])[:5]
        for n in range(len(words), 0, -1):
            words[n - 1] = words[n - 1] if find_country(" ".join(words[:n])) else words[n - 1].rstrip(".")
            country = find_country(" ".join(words[:n]))
            written = re.compile(r"\s+".join(map(re.escape, words[:n]))).match(text, m.end())
            if country is not None and country.kind == "country" and written is not None:
                name = text[m.start() : written.end()]  # as the text writes it, spaces and all
                if name.casefold() not in have and name.casefold() not in out:
                    out[name.casefold()] = FoundPlace(name, [], PlaceFact("region", country.country))
                break
    return list(out.values())


def _capitals_named(text: str, found: list[FoundPlace]) -> list[FoundPlace]:
    """The capital a capital phrase names ("in the Ruritanian capital"), where the text also
    writes the city's name (a dateline, "STRELSAU (Reuters) -"): a place, under the text's
    spelling, for the events told at "the capital" (`_events._capital_hits`). Read after the
    model answered."""
    have = _names_held(found)
    out: list[FoundPlace] = []
    for _m, state in capital_phrases(text):
        city = capital_city(state)
        written = re.search(rf"(?<![\w’'-]){re.escape(city)}(?![\w’'-])", text, re.IGNORECASE) if city else None
        if written is not None and written.group(0).casefold() not in have:
            have.add(written.group(0).casefold())
            out.append(FoundPlace(written.group(0), [], PlaceFact("settlement", state)))
    return out


def _border_regions(text: str, found: list[FoundPlace]) -> list[FoundPlace]:
    """A border named by its countries or their peoples ("the Ruritanian border", "the
    Ruritania-Borduria border", "the border between Ruritania and Borduria", "the border between
    the two countries"; rule `place.border`) is a region in no one country (which side is not
    said). Read after the model answered (no request changes); not a name the places hold."""
    have = _names_held(found)
    out: dict[str, FoundPlace] = {}
    for m in border().finditer(text):
        named = [w for w in m.group("a", "b", "c", "d") if w]
        if all(is_demonym(w) or find_country(w) is not None for w in named):
            name = m.group(0)
            if name.casefold() not in have and name.casefold() not in out:
                out[name.casefold()] = FoundPlace(name, [], PlaceFact("region", None))
    return list(out.values())


def victim_groups(text: str, read: str, out: Classified) -> None:
    """The unarmed people a figure of civilian harm counts, as the text names them ("68 people",
    "two Bordurian engineers", `figure_victims`), are the story's civilians (the guide: civilians,
    as a group, when they are victims; their names literal): another name of the civilians actor
    the story already has, else a civilians actor of their own, of the country the story's places
    are in (none on a tie: no guess). Read after the model answered; no request changes."""
    for f in out.figures:
        if f.affected != "civilians" or f.kind not in ("killed", "wounded", "captured"):
            continue
        fig = f.figure
        victim = figure_victims(text, read, fig.sentence_start, fig.sentence_end, fig.start, fig.end, [])
        if victim is None:
            continue
        name = victim.name
        if any(name.casefold() == n.casefold() for a in out.actors for n in [a.name, *a.forms]):
            continue
        group = next((a for a in out.actors if a.kind == "civilians"), None)
        if group is not None:
            group.forms.append(name)
            continue
        home = _home_country(out.places)
        out.actors.append(FoundActor(name, [], "civilians", home, side_basis="inferred" if home else None))


# The kinds of a group of people a nationality word before its noun ties to a country.
_GROUP_KINDS = frozenset({"civilians", "armed_forces", "military_unit", "other"})


# A state's force named with no nationality ("police", "the army": rules/forces.toml).
@rules.table
def _home_force() -> re.Pattern[str]:
    return rules.regex("force.home_state")


def group_sides(out: Classified) -> None:
    """Sides the model left empty that the story gives, read after the model answered (what it
    is asked is as before): a group named by its nationality ("Bordurian children", "Bordurian
    troops") is of that country, stated; a state's force the text names with no nationality
    ("police", "the army", "security forces") is the force of the country the story happens in,
    inferred, like civilians' (none on a tie: no guess)."""
    home = _home_country(out.places)
    for actor in out.actors:
        if actor.side is not None or actor.kind not in _GROUP_KINDS:
            continue
        nation = name_nationality(actor.name)
        if nation and actor.name.split()[0].casefold() not in peoples():
            actor.side, actor.side_basis = nation, "stated"
        elif home is not None and _home_force().search(actor.name.casefold()):
            actor.side, actor.side_basis = home, "inferred"


def _home_country(places: list[FoundPlace]) -> str | None:
    """The country most of the story's towns and regions are in; None on a tie (no guess)."""
    ranked = Counter(p.fact.country for p in places if p.fact.country and p.fact.kind != "country").most_common(2)
    return ranked[0][0] if ranked and (len(ranked) == 1 or ranked[0][1] > ranked[1][1]) else None


def _no_hamlets_abroad(found: list[FoundPlace], findings: Findings, places: Places) -> list[FoundPlace]:
    """A capitalised word that no name tagger read as a name ("Arab" of "the Arab League",
    "Council" of "the Council on Foreign Relations"), or a name that acts as a person does
    ("Hofbau resigned and fled"), that the gazetteer knows only as a small town in another
    country than the one most of the story's other towns are in, is no place of the story: a
    namesake, a guess. A town the text calls one ("the village of X") stays. Read after the
    model answered: what the model is asked is as before."""
    votes = {c.name: set(c.votes) for c in findings.candidates}

    def guessed(p: FoundPlace) -> bool:
        word = votes.get(p.name) == {"CAPS"} or p.name in findings.acting
        return p.fact.kind == "settlement" and word and p.name not in findings.settlements

    home = _home_country([p for p in found if not guessed(p)])

    def abroad(p: FoundPlace) -> bool:
        town = places.gazetteer.resolve(p.name, places.countries)
        small = town is not None and town.kind == "settlement" and town.population < SMALL_TOWN
        return home is not None and p.fact.country != home and small

    return [p for p in found if not (guessed(p) and abroad(p))]


# A military unit's word in a name the model called a place (rules/forces.toml).
@rules.table
def _unit_name() -> re.Pattern[str]:
    return rules.regex("force.unit_not_place")


@rules.table
def _holidays() -> frozenset[str]:
    return rules.words("name.holidays")


def _a_day(name: str) -> bool:
    """The name is a day of the week ("Sunday"), which the dates' own patterns read, or a feast
    or season ("Easter", rule `name.holidays`): a time, never a place or a party."""
    if name.casefold() in _holidays():
        return True
    return len(name.split()) == 1 and [start for start, _day in dates_in(name, None)] == [0]


# Who holds a place, before its name ("X-occupied"), and compass and bloc words ("the West",
# "Western allies"), which name no place of their own (rules/place_words.toml).
@rules.table
def _occupied() -> re.Pattern[str]:
    return rules.regex("place.occupied")


@rules.table
def _not_a_place() -> frozenset[str]:
    return rules.words("place.compass")


@rules.table
def _place_nouns() -> frozenset[str]:
    return rules.words("place.described")


def _described(name: str) -> bool:
    """A nationality word and then only place nouns ("Ruritanian region", "the Bordurian capital"),
    or only place nouns in lower case ("region", "the south coast"): a description of a place, no
    place's name (rule `place.described`)."""
    words = name.split()
    if words and words[0].casefold() == "the":
        words = words[1:]
    if words and all(w.islower() and w in _place_nouns() for w in words):
        return True
    return len(words) >= 2 and is_demonym(words[0]) and all(w.casefold() in _place_nouns() for w in words[1:])


# A place before a place's name ("Strelsau's Palace Square"): the place is what follows it.
_POSSESSOR = re.compile(r"^([A-Z][\w-]*)(?:’s|'s)\s+(?=[A-Z])")


def _own_names(text: str, found: list[FoundPlace], places: Places, listed: set[str] | None = None) -> list[FoundPlace]:
    """Each place under its own name: "Ruritanian-occupied Zenda region" and "Strelsau's Palace Square"
    are Zenda region and Palace Square (merged with the same place found under that name, whose
    kind stands; else the gazetteer's kind when it knows the name), and a compass or bloc word
    or a description ("the Ruritanian region") is no place."""
    out: list[FoundPlace] = []
    by_name: dict[str, FoundPlace] = {}
    for p in found:
        core = _occupied().sub("", p.name)
        owner = _POSSESSOR.match(core)
        if owner and places.fact(owner.group(1)) is not None:  # a place's place, not "Children's Hospital"
            core = core[owner.end() :]
        if core.casefold() in _not_a_place() or _weapon(core) or _described(core):  # "Storm Shadow" is a missile
            continue
        if core != p.name and mentions(text, core):
            fact = places.fact(core)
            p = FoundPlace(core, [p.name, *p.forms], fact if fact is not None else p.fact)
        same = by_name.get(p.name.casefold())
        if same is not None:
            same.forms.extend(f for f in [p.name, *p.forms] if f not in same.forms and f != same.name)
            continue
        by_name[p.name.casefold()] = p
        out.append(p)
    # a region named alone in a list ("the Zenda and Hofbau regions") is the "Zenda region" the
    # article also names: one place, under its full name
    listed = listed_regions(text) if listed is None else listed  # `find` read them already
    for p in [p for p in out if p.name in listed and p.fact.kind == "region"]:
        whole = next((q for q in out if q is not p and q.fact.kind == "region" and _is_region_of(q.name, p.name)), None)
        if whole is not None:
            whole.forms.extend(f for f in [p.name, *p.forms] if f not in whole.forms)
            out.remove(p)
    return out


def _is_region_of(whole: str, name: str) -> bool:
    base = region_base(whole)
    return base is not None and base.casefold() == name.casefold()


def _region_of_named_country(place: FoundPlace, places: Places) -> PlaceFact | None:
    """A place with no country that GeoNames knows as a first-level region of a country the
    article names ("Zenda" in a story on Ruritania, whatever kind the model gave it) is that
    region; None otherwise."""
    if place.fact.kind in ("country", "settlement", "facility"):
        return None
    region = places.gazetteer.find_region(place.name, places.countries)
    if region is None or region.country_code not in places.countries:
        return None
    return PlaceFact("region", region.country, region.latitude, region.longitude)


def _named_place_country(findings: Findings, places: Places) -> Callable[[str], str | None]:
    """The country of a word that names a place, for reading where an unknown place is: a
    country, a region this article names, a town of 10,000 or more under its own name, or a
    city of 100,000 or more under another name in a country the article names (a hamlet abroad
    called "Advance" or "Zenda" says nothing about the "Zenda Stream" or the "Zenda Sea")."""

    def country_of(word: str) -> str | None:
        found = find_country(word)
        if found is not None:
            return found.country
        if word in findings.places and findings.places[word].kind != "settlement":
            return findings.places[word].country
        town = places.gazetteer.resolve(word, places.countries)
        if town is None or town.population < 10_000:
            return None
        if normalize_name(town.name) != normalize_name(word) and (
            town.population < SMALL_TOWN or town.country_code not in places.countries
        ):
            return None  # a small town's other name, or a city's in a country not named ("The": a city's other name)
        return town.country

    return country_of


def _country_within(name: str, places: Places, country_of: Callable[[str], str | None]) -> str | None:
    """The country a place's own name gives: an owner ("Ruritania's Hofbau", "Borduria's Zenda
    region"), or a known place its name starts with ("Zenda Nuclear Power Plant", "Hofbau
    Dam", "Ruritanian-occupied Zenda region"); None when the name says nothing."""
    owner = re.match(r"^(.+?)[’']s\s", name)
    if owner and country_of(owner.group(1)):
        return country_of(owner.group(1))
    words = _occupied().sub("", name).split()
    for n in range(len(words) - 1, 0, -1):
        fact = places.fact(" ".join(words[:n]))
        if fact is not None and fact.country and (fact.kind != "settlement" or country_of(" ".join(words[:n]))):
            return fact.country
    return None


NEUTRAL_KINDS = ("organization", "media", "civilians")


def check_sides(text: str, findings: Findings, actors: list[FoundActor], places: Places | None = None) -> None:
    """After the model answered, for the actors the model labelled: the side the article itself
    states wins ("Bordurian Prime Minister Anton Brodny"); a known armed group has its known kind
    and side ("Black Hand"); another armed group has only the side of a state the article says backs
    it; a side read before the model that these words do not confirm is dropped; international
    bodies, and outlets and organisations the article ties to no country, are on no side. Sides code settled (states,
    "Ruritanian troops") stand. Places are looked up only as countries or as places this article
    names: a word is not a side because a town somewhere bears it ("Sapt", "Minister")."""
    settled = set(findings.actors) | {f for forms in findings.states.values() for f in forms}
    # the article's places by their name and casefolded (side_cue reads words casefolded: "kharkiv")
    known = {name: fact.country for name, fact in findings.places.items()}
    known |= {name.casefold(): country for name, country in known.items() if name.casefold() not in known}

    def country_of(word: str) -> str | None:  # a country, a place of this article, a capital ("Strelsau-backed")
        found = find_country(word)
        return found.country if found else known.get(word) or capital_of(word)

    def place_country(word: str) -> str | None:  # ... and a known town before a title ("Zenda Mayor X")
        return country_of(word) or (places.country_of(word) if places is not None and len(word) > 3 else None)

    for actor in actors:
        if actor.kind == "civilians" or actor.name in settled:
            continue
        if actor.name.casefold() in international() or any(f.casefold() in international() for f in actor.forms):
            actor.side, actor.side_basis = None, None
            continue
        forms = [actor.name, *actor.forms]
        group = known_group(forms)
        if group is not None:  # "Black Hand" fights for Ruritania, whatever the model said
            actor.kind, actor.side = group
            actor.side_basis = "known" if actor.side else None
            if actor.side is None:  # a group known to no side has the side the article says backs it, if any
                actor.side = _group_side(text, actor.name, forms, country_of)
                actor.side_basis = "stated" if actor.side else None
            continue
        if group_noun_name(actor.name):  # "separatists", "Islamic militants": a non-state force
            actor.kind = "armed_group"  # whatever kind the model gave its noun ("person", "military_unit")
        if actor.kind == "armed_group":  # a non-state group: only who backs it ("Strelsau-backed")
            actor.side = _group_side(text, actor.name, forms, country_of)
            actor.side_basis = "stated" if actor.side else None
            continue
        if actor.kind == "government" and (seat := capital_of(actor.name)):
            # "Strelsau said": a capital named for its government is its own country's, whatever
            # words stand near it ("the capital Strelsau, Bordurian forces ...")
            actor.side, actor.side_basis = seat, "stated"
            continue
        # a person's name is looked up only for a country it ends with ("Prince Rudolf of Ruritania")
        of_country = re.search(r"\bof\s+(?:the\s+)?([A-Z][\w .-]+)$", actor.name) if actor.kind == "person" else None
        own = actor.name if actor.kind != "person" else ""
        stated = (find_country(of_country.group(1)) and country_of(of_country.group(1))) if of_country else None
        stated = stated or stated_side(text, own, forms, country_of, place_country)
        if stated:
            actor.side, actor.side_basis = stated, "stated"
        elif actor.side_basis == "stated":
            # the first reading of its words (`_labelled`, before the model, where any town's
            # name is a place: "witness Zenda Sapt", "allegiance from Hofbau Brotherhood") is not
            # confirmed by the article's own words read here: no side
            actor.side, actor.side_basis = None, None
        elif actor.kind in ("media", "organization") and not actor.acts:
            actor.side, actor.side_basis = None, None
        elif actor.kind == "person" and actor.side_basis == "inferred" and introduced_as_expert(text, forms):
            actor.side, actor.side_basis = None, None  # an outside expert: what they study is no allegiance


def _group_side(text: str, name: str, forms: list[str], country_of: Callable[[str], str | None]) -> str | None:
    """The side of a non-state armed group: the state the article says backs it ("the
    Strelsau-backed ...", "pro-Ruritanian separatists"); a nationality ("a Ruritanian militia",
    "Bordurian Brotherhood") or the model's reading is no side (the guide, "Calls for every war")."""
    backed = backed_side(text, forms, country_of)
    if backed:
        return backed
    first = name.split()[0].casefold() if name.split() else ""
    return demonyms().get(first) if first.startswith("pro-") else None


def _labelled(text: str, cand: Candidate, label: str, places: Places, out: Classified, acts: bool) -> None:
    if label == labels.NONE:
        return
    if label in labels.ACTOR_LABELS:
        kind = "other" if label == "other_actor" else label
        # The article's own words ("Ruritanian milblogger Rupert Hentzau") give the side; else pass 1b.
        cue = side_cue(
            text, cand.all_forms(), lambda w: places.country_of(w) if len(w) > 3 else None, places.country_of
        )
        out.actors.append(FoundActor(cand.name, cand.forms, kind, cue, acts))
        return
    if any(f.casefold() in international() for f in cand.all_forms()):
        # "the United Nations in Strelsau" as a "country": an international body is an actor, never
        # a place, whatever the model calls it (an organization: no side, not asked about one)
        out.actors.append(FoundActor(cand.name, cand.forms, "organization", None, acts))
        return
    if label != "facility" and _unit_name().search(cand.name):  # "Black Sea Fleet" as a "settlement"
        return  # a unit, not a place (made an actor here, it would change what the sides pass is asked)
    if group_noun_name(cand.name):  # "separatists" as a "region": a force's noun names no place
        return
    kind = "other" if label == "other_place" else label
    fact = _across(places, cand.name) or places.fact(cand.name)
    if fact is None and cand.label in (None, "COMMON"):
        return  # a place only the model calls one: no gazetteer entry, no name tagger saw a name ("Qaeda")
    out.places.append(FoundPlace(cand.name, cand.forms, PlaceFact(kind, fact.country if fact else None)))
