"""What code finds in an article before the model is asked anything (brief-v4).

`find(text)` lists the candidate actors and places (NER, capitalised names, common-noun
actors) and settles by itself what the article's words and the gazetteer already say:
  * a country or a known town is a place, with its kind and country from the gazetteer;
  * "Ruritanian troops" / "Elphberg's forces" are one armed_forces actor, side Ruritania; "Ruritania's
    defence ministry" a government actor; "civilians" and "residents" civilians;
  * a country (or "the Palace" of its capital) that acts in a sentence ("Ruritania pounded", "Borduria said")
    is also the state actor, with the other forms the text uses for it ("Ruritanian
    authorities", "Palace") as aliases.
What is left (people, organisations, units, unknown places) goes to the model, which only
labels each name; it never types one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from summarizer import rules
from summarizer.nlp import SMALL_TOWN, Gazetteer, capital_of, entities, find_country
from summarizer.text import (
    Candidate,
    candidate_names,
    find_candidates,
    force_group,
    is_demonym,
    named_settlements,
    nationality_words,
    normalize_name,
    relays_only,
    staff_only,
    staff_section,
    state_words,
)


# Social networks and news agencies: where something was said or posted, never actors
# (rules/outlets.toml).
@rules.table
def channels() -> frozenset[str]:
    return frozenset(w.casefold() for r in rules.category("channel") for w in r.words)


# A candidate that names a region ("Borduria's Zenda region": owner and base), the victims code
# settles as civilians, the verbs after a name that acts (rules/place_words.toml, forces.toml).
@rules.table
def _region() -> re.Pattern[str]:
    return rules.regex("place.region_name")


@rules.table
def _code_actors() -> dict[str, str]:
    return {w.casefold(): r.data["kind"] for r in rules.category("civilian_actor") for w in r.words}


@rules.table
def _acts_after() -> re.Pattern[str]:
    return rules.regex("place.acts_after")


@dataclass(frozen=True)
class PlaceFact:
    kind: str  # settlement / region / country / facility / other
    country: str | None
    latitude: float | None = None
    longitude: float | None = None


@dataclass
class Findings:
    """The candidates of one article and what code settled about them."""

    candidates: list[Candidate]
    places: dict[str, PlaceFact] = field(default_factory=dict)  # candidate name -> place
    actors: dict[str, tuple[str, str | None]] = field(default_factory=dict)  # name -> (kind, side)
    states: dict[str, list[str]] = field(default_factory=dict)  # country -> its forms as a state actor
    ask: list[Candidate] = field(default_factory=list)  # for the model to label
    sides: tuple[str, ...] = ()  # the states the article names, most named first (article_sides)
    countries: frozenset[str] = frozenset()  # ISO codes of the countries the article names
    acting: set[str] = field(default_factory=set)  # candidates that act somewhere (subject, "X said")
    settlements: set[str] = field(default_factory=set)  # names the text calls a village, town or city
    regions_listed: set[str] = field(default_factory=set)  # names only ever written as regions (`listed_regions`)
    namesakes: set[str] = field(default_factory=set)  # a town abroad's name, here a party's ("Congress")


class Places:
    """The gazetteer, asked in the context of one article (countries it names come first)."""

    def __init__(self, gazetteer: Gazetteer, countries: frozenset[str] = frozenset()) -> None:
        self.gazetteer = gazetteer
        self.countries = countries

    def fact(self, name: str) -> PlaceFact | None:
        """Kind and country of `name`: a country, a region named after a known place ("Zenda
        region", "Borduria's Zenda region"), or a known town; None when the gazetteer does not
        know it."""
        m = _region().match(name)
        if m:
            owner = find_country(m.group("owner")) if m.group("owner") else None
            base = self.gazetteer.resolve(m.group("base"), self.countries)
            country = owner.country if owner else (base.country if base else None)
            return PlaceFact("region", country) if country else PlaceFact("region", None)
        place = self.gazetteer.resolve(name, self.countries)
        if place is None:
            return None
        return PlaceFact(place.kind, place.country, place.latitude, place.longitude)

    def country_of(self, word: str) -> str | None:
        """The country a word names: a country's name, or a known town's country; not a town
        known abroad only by another name in a country the article never names (a group's name
        that is a town's alternate name)."""
        found = find_country(word)
        if found is not None:
            return found.country
        place = self.gazetteer.resolve(word, self.countries)
        if place is None or (
            normalize_name(place.name) != normalize_name(word) and place.country_code not in self.countries
        ):
            return None
        return place.country


# Words the gazetteer knows as towns somewhere that in reporting name a direction, a language or
# an institution ("the West", "in English", "Congress"): never settlements (rules/place_words.toml).
@rules.table
def _institutions() -> frozenset[str]:
    return rules.words("place.institutions")


@rules.table
def _not_settlements() -> frozenset[str]:
    return rules.words("place.directions") | _institutions()


def _credible(text: str, cand: Candidate, places: Places) -> bool:
    """Whether a settlement the gazetteer matched is the place the article means: not a
    direction, language or institution; not a town matched by an alternate name in a country the
    article never names ("White House" is the alternate name of a city abroad); not a small town
    (under `SMALL_TOWN`) whose name the article also writes as a common word ("energy") unless NER
    read it as a place."""
    if cand.name.casefold() in _not_settlements():
        return False
    place = places.gazetteer.resolve(cand.name, places.countries)
    if place is None:
        return True
    if normalize_name(place.name) != normalize_name(cand.name) and place.country_code not in places.countries:
        return False
    common = re.search(rf"(?<![\w’']){re.escape(cand.name.lower())}(?![\w’'])", text)
    return not (place.population < SMALL_TOWN and cand.label != "PLACE" and common)


def _surname(name: str, candidates: list[Candidate]) -> bool:
    """The name is the last words of a person's name the article also writes ("Hadley" and
    "Jon Hadley"): the person named again, not a place."""
    return any(
        c.votes.get("PERSON", 0) > 0 and c.name != name and any(f.endswith(" " + name) for f in c.all_forms())
        for c in candidates
    )


def acts(text: str, spans: list[tuple[int, int, bool]]) -> bool:
    """A name acts when one of its mentions is a grammatical subject, is followed by a verb of
    saying or acting, or follows "according to"."""
    for start, end, subject in spans:
        if text[end : end + 2] in ("’s", "'s"):
            continue
        if (
            subject
            or _acts_after().match(text[end : end + 30])
            or re.search(r"according to\s*$", text[max(0, start - 14) : start])
        ):
            return True
    return False


MAX_SIDES = 7


def article_sides(text: str, named: list[tuple[Candidate, str]]) -> tuple[str, ...]:
    """The sides an article's actors can be on: the states it names, by their names (candidates
    that are countries, with every form) and their nationality words ("Ruritanian", "Bordurian's"),
    most named first (ties: first named first), at most MAX_SIDES. No state is offered that the
    article does not name: there is no default war."""
    count: dict[str, int] = {}
    first: dict[str, int] = {}

    def seen(country: str, positions: list[int]) -> None:
        if positions:
            count[country] = count.get(country, 0) + len(positions)
            first[country] = min(first.get(country, len(text)), *positions)

    for cand, country in named:
        found = (mentions(text, form) for form in cand.all_forms())
        seen(country, [m.start() for ms in found for m in ms])
    for word, country in nationality_words():
        pattern = rf"(?<![\w’'-]){re.escape(word)}(?!\w)"
        seen(country, [m.start() for m in re.finditer(pattern, text)])
    ranked = sorted(count, key=lambda c: (-count[c], first[c]))
    return tuple(ranked[:MAX_SIDES])


def find(text: str, gazetteer: Gazetteer | None = None) -> tuple[Findings, Places]:
    """The candidates of `text` and what code settles about them."""
    gazetteer = gazetteer or Gazetteer()
    ents = entities(text)
    base_places = Places(gazetteer)

    def known(name: str) -> bool:
        return find_country(name) is not None or bool(gazetteer.settlements(name))

    settlements = named_settlements(text)

    def settled_place(c: Candidate) -> bool:  # a place code settles: past the cap, it costs the model nothing
        return c.votes.get("PLACE", 0) > 0 and (c.name in settlements or known(c.name))

    labelled = [(e.start, e.end, e.label) for e in ents]
    cands = find_candidates(text, labelled, candidate_names(text, limit=80), known, beyond_limit=settled_place)
    staff = staff_section(text)
    cands = [
        c
        for c in cands
        if not staff_only(text, c.all_forms(), staff)
        and not is_demonym(c.name)
        and c.name.casefold() not in channels()
        and not (c.label in ("ORG", None) and relays_only(text, c.all_forms()))
    ]
    named_countries = [find_country(c.name) for c in cands]
    countries = frozenset(c.country_code for c in named_countries if c is not None)
    sides = article_sides(text, [(c, p.country) for c, p in zip(cands, named_countries, strict=True) if p])
    findings = Findings(candidates=cands, sides=sides, countries=countries)
    findings.settlements = settlements
    places = Places(gazetteer, countries)
    del base_places
    subjects: dict[str, list[tuple[int, int, bool]]] = {}
    for e in ents:
        subjects.setdefault(text[e.start : e.end].strip(), []).append((e.start, e.end, e.subject))
    for cand in cands:
        spans = [s for form in cand.all_forms() for s in subjects.get(form, [])]
        if acts(text, spans):
            findings.acting.add(cand.name)
        _settle(text, cand, findings, places, subjects)
    findings.regions_listed = listed_regions(text)
    for name in findings.regions_listed:
        fact = findings.places.get(name)
        if fact is not None and fact.kind == "settlement":  # "the Zenda and Hofbau regions": not the towns
            findings.places[name] = PlaceFact("region", fact.country)
    return findings, places


def mentions(text: str, form: str) -> list[re.Match[str]]:
    """Where `text` writes `form` as a whole word (not inside another word, nor before "’s")."""
    return list(re.finditer(rf"(?<![\w’']){re.escape(form)}(?![\w’'])", text))


@rules.table
def _region_list() -> re.Pattern[str]:
    return rules.regex("place.region_list")


_AND = re.compile(r",?[ \t]+and[ \t]+|,[ \t]+")


def listed_regions(text: str) -> set[str]:
    """The names every mention of which names a region: in a list before a plural region noun
    ("the Zenda and Hofbau regions", rule `place.region_list`) or right before a region noun
    ("the Zenda region")."""
    listed: dict[str, list[int]] = {}
    for m in _region_list().finditer(text):
        at = m.start("names")
        for part in _AND.split(m.group("names")):
            start = text.index(part, at)
            listed.setdefault(part, []).append(start)
            at = start + len(part)
    return {
        name
        for name, starts in listed.items()
        if all(m.start() in starts or _region_after().match(text, m.end()) for m in mentions(text, name))
    }


@rules.table
def _region_after() -> re.Pattern[str]:
    return rules.regex("place.region_after")


def region_base(name: str) -> str | None:
    """The place a region's name is named after ("Zenda" of "Borduria's Zenda region"), or None."""
    m = _region().match(name)
    return m.group("base") if m else None


def _settle(
    text: str, cand: Candidate, findings: Findings, places: Places, subjects: dict[str, list[tuple[int, int, bool]]]
) -> None:
    """Settle one candidate by code when the text or the gazetteer is explicit, else leave it
    for the model."""
    group = force_group(cand.name)
    if group is not None:
        side = group[0]
        if group[1] == "state":
            findings.states.setdefault(side, []).extend(cand.all_forms())
        else:
            findings.actors[cand.name] = ("armed_forces" if group[1] == "forces" else "government", side)
        return
    lowered = cand.name.casefold()
    if lowered in _code_actors():
        findings.actors[cand.name] = (_code_actors()[lowered], None)
        return
    states = state_words()
    if lowered in states:  # "the Palace"
        findings.states.setdefault(states[lowered], []).append(cand.name)
        return
    country = find_country(cand.name)
    if country is not None:
        findings.places[cand.name] = PlaceFact("country", country.country)
        if acts(text, subjects.get(cand.name, [])):
            findings.states.setdefault(country.country, []).insert(0, cand.name)
        return
    fact = places.fact(cand.name)
    if fact is not None and fact.kind == "settlement" and not _credible(text, cand, places):
        if cand.name.casefold() not in _not_settlements() or cand.name.casefold() in _institutions():
            # a direction or a language is nothing; an institution may be an actor
            findings.namesakes.add(cand.name)  # a namesake town abroad ("Congress"; a group's
            findings.ask.append(cand)  # name that a town abroad has): not a place here, perhaps an actor
        return
    if fact is not None and (cand.label != "PERSON" or fact.kind != "settlement"):
        if fact.kind == "settlement" and _surname(cand.name, findings.candidates):
            return  # "Hadley" of "Jon Hadley": the person, not a town of that name (never asked: as before)
        findings.places[cand.name] = fact
        state = capital_of(cand.name)
        if state and acts(text, subjects.get(cand.name, [])):
            findings.states.setdefault(state, []).append(cand.name)
        return
    if fact is None and cand.name in findings.settlements:  # "the village of Hofbau": too small to know
        findings.places[cand.name] = PlaceFact("settlement", None)
        return
    findings.ask.append(cand)
