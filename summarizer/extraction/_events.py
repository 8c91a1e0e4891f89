"""brief-v4's events: which labelled sentences report an event as fact, the places and actors
they name (the most specific places), their dates, and twins told twice."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from summarizer import rules
from summarizer.extraction import _labels as labels
from summarizer.extraction._findings import acts, mentions
from summarizer.extraction._found import Classified, FoundEvent, FoundPlace
from summarizer.nlp import capital_of, find_country, in_open_clause, only_in_scope
from summarizer.text import (
    EVENT_SENTENCES,
    clause_cues,
    dateline_end,
    dates_in,
    decided_by_words,
    demonyms,
    event_date,
    event_sentences,
    event_words,
    not_reported_as_fact,
    only_said,
    second_type,
    sentences,
    settled_type,
)

if TYPE_CHECKING:
    from summarizer.extraction._classify import Classifier


def _named_in(sentence: str, items: list[tuple[str, list[str]]]) -> list[tuple[int, int, str]]:
    """(start, end, name) of the first mention in `sentence` of each item that it names; a
    place word used as a modifier ("Strelsau-backed", "Szohod-based") does not count."""
    hits = []
    for name, forms in items:
        for form in [name, *forms]:
            m = next((m for m in mentions(sentence, form) if not inside_other_name(sentence, m)), None)
            if m:
                hits.append((m.start(), m.end(), name))
                break
    return hits


# Strategic developments that happen to a person or an institution rather than at a place.
@rules.table
def _placeless_sd() -> re.Pattern[str]:
    return rules.regex("event.placeless")


def _as_region(hit: tuple[int, int, str], sentence: str, kinds: dict[str, str]) -> tuple[int, int, str]:
    """A town's name followed by "region"/"regional"/"oblast", or after "region of" or an area
    ("390 square miles in Kharkiv"), names the region when the article lists that region as a
    place ("Kharkiv regional governor", "the western region of Lviv" -> the region)."""
    start, end, name = hit
    m = _region_after().match(sentence[end:])
    before = _region_before().search(sentence[:start])
    if not m and not before:
        return hit
    region = next((n for n, k in kinds.items() if k == "region" and n.casefold().startswith(name.casefold())), None)
    if region is None:
        return hit
    return (before.start(), end, region) if before else (start, end + m.end(), region) if m else hit


def inside_other_name(sentence: str, m: re.Match[str]) -> bool:
    """A mention that is a modifier ("Strelsau-backed"), an outlet's name ("the Zenda news
    agency") or part of a longer proper name ("The New York Times", "Moon of Alabama") does not
    name the place."""
    if any(p.match(sentence, m.end()) for p in (_modifier(), _speaks(), _outlet())):
        return True
    after = re.match(r"\s+([A-Z][a-z]+)", sentence[m.end() :])
    # a date after a name ("in Strelsau Wednesday", wire style) leaves it the place's name
    if after and after.group(1).lower() not in _region_nouns() and not _date_at(sentence, m.end() + after.start(1)):
        return True
    return bool(re.search(r"[A-Z][\w’']+\s+of\s+(?:the\s+)?$", sentence[: m.start()]))


def _date_at(sentence: str, start: int) -> bool:
    return any(at == start for at, _day in dates_in(sentence, None))


# A region's noun after a town's name, or "region of" / an area before it; a capitalised word
# after a place that leaves it a place; a place that speaks or is a modifier (rules/place_words.toml).
@rules.table
def _region_after() -> re.Pattern[str]:
    return rules.regex("place.region_after")


@rules.table
def _region_before() -> re.Pattern[str]:
    return rules.regex("place.region_of_before")


@rules.table
def _region_nouns() -> frozenset[str]:
    return rules.words("place.region_nouns")


@rules.table
def _speaks() -> re.Pattern[str]:
    return rules.regex("place.speaks")


@rules.table
def _modifier() -> re.Pattern[str]:
    return rules.regex("place.modifier")


@rules.table
def _outlet() -> re.Pattern[str]:
    return rules.regex("place.outlet_after")


def not_told_as_fact(sentence: str, published: str | None = None, gate: str = "sentence") -> bool:
    """The sentence does not report an incident as fact (`not_reported_as_fact`). With the
    clause gate (brief-v8 on) a hypothesis, a negation, an accusation, an inquiry or a habit does
    not take out a sentence one of whose event words, in a clause of its own out of their
    scope, tells an action as done ("Strelsau called for an inquiry into an airstrike that
    killed 40 people"; `summarizer.nlp.in_open_clause`)."""
    if not not_reported_as_fact(sentence, published):
        return False
    return gate == "sentence" or not _told_in_open_clause(sentence, published)


def _told_in_open_clause(sentence: str, published: str | None = None) -> bool:
    """The clause gate's rescue: none of the cues read on the whole sentence, and an event word
    told as done out of the scope of every cue read in its clause."""
    if not_reported_as_fact(sentence, published, scoped=True):
        return False
    return in_open_clause(sentence, event_words(), clause_cues())


def event_candidates(chunk: str, offset: int, skip_until: int, gate: str = "sentence") -> list[tuple[int, int]]:
    """The sentences of one part (spans in the article) the events pass asks about: those that
    may report an event, less those code already knows report no incident as fact; with the
    clause gate (`gate`, the prompt's `event_gate`), also those a cue took out whose event is
    told as done in a clause of its own (`not_told_as_fact`)."""
    skip = skip_until - offset
    with rules.asking():  # what the model is asked: the rules it reads stay as recorded (`rules.disabled`)
        asked = event_sentences(chunk, skip_until=skip, keep=lambda s: not not_reported_as_fact(s))
        if gate == "clause":
            rescued = event_sentences(chunk, skip_until=skip, keep=_told_in_open_clause, scoped=True)
            asked = sorted(set(asked) | set(rescued))[:EVENT_SENTENCES]
    return [(s + offset, e + offset) for s, e in asked]


def add_events(
    passes: Classifier,
    text: str,
    chunk: str,
    offset: int,
    skip_until: int,
    out: Classified,
    published: str | None,
    candidates: list[tuple[int, int]] | None = None,
) -> None:
    """The events of one part: its candidate sentences (`event_candidates`, numbered from 1 in
    that order, the numbers the article's marks carry when the prompt marks them) labelled by
    the model, each kept as an event when code finds it reported as fact."""
    gate = passes.prompt.event_gate
    if candidates is None:
        candidates = event_candidates(chunk, offset, skip_until, gate)
    numbered = [
        (passes.mark_at(s) or n, s, e)  # the number its mark carries (brief-v7 marks figures' sentences too)
        for n, (s, e) in enumerate(candidates, 1)
        if not any(ev.start == s for ev in out.events)
    ]
    spans = [(s, e) for _n, s, e in numbered]
    with rules.asking():
        answers = passes.label_events(
            chunk, [" ".join(text[s:e].split()) for s, e in spans], numbers=[n for n, _s, _e in numbered]
        )
    kinds = {p.name: p.fact.kind for p in out.places}
    at = story_places(text, skip_until, out.places) if whole_story(text, skip_until) else []
    for (s, e), label in zip(spans, answers, strict=True):
        sentence = text[s:e]
        if label == labels.NOT_AN_EVENT:
            # the model's "no event" stands, unless the sentence's own words leave no doubt
            label = decided_by_words(sentence) or label
        if label == labels.NOT_AN_EVENT:
            continue
        if not_told_as_fact(sentence, published, gate) or only_said(sentence):
            continue  # "had not been struck", "Strelsau has accused Szohod of ...", a headline, a habit ...
        if _proposed_only_by_dropped_cues(sentence):
            continue  # asked about for a cue found not to help (`dropped`): its answer is not kept
        if told_in_passing(sentence) or told_as_background(sentence):
            continue  # "troops who fought in Ruritania took part in the parade", "Last month, ...": background
        kind = settled_type(sentence, label)
        if kind == "battle" and _arrest(sentence, [p.name for p in out.places]):
            kind = "strategic_development"  # "X was captured in Y": an arrest, not a battle (ACLED)
        for k in (kind, second_type(sentence, kind)):
            if k is not None:
                _add(text, s, e, k, out, kinds, published, at)


# A capture of a person is an arrest (ACLED: strategic development), not a battle
# (rules/events.toml, arrest).
@rules.table
def _arrest_words() -> tuple[frozenset[str], frozenset[str]]:
    return rules.words("event.arrest.verbs"), rules.words("event.arrest.people")


_MANY = frozenset({"many", "several", "some", "dozens", "hundreds", "thousands", "more"})


def _arrest(sentence: str, places: list[str]) -> bool:
    """The sentence's capture verb takes a person, not ground: its object (or its passive
    subject) is one person NER names, "him" or "her", or a leader's noun ("Zetas boss"), and none
    of the document's places ("captured Rupert Hentzau", "capturing him"; not "captured the
    town", "captured 20 soldiers")."""
    verbs, people = _arrest_words()
    if not any(w in verbs for w in re.findall(r"[a-z]+", sentence.casefold())):
        return False
    from summarizer.nlp import parse

    tokens = parse(sentence)
    for t in tokens:
        if t.dep not in ("dobj", "nsubjpass") or tokens[t.head].text.casefold() not in verbs:
            continue
        if any(m.start() <= t.start < m.end() for p in places for m in mentions(sentence, p)):
            continue
        counted = any(k.head == t.i and (k.dep == "nummod" or k.text.casefold() in _MANY) for k in tokens)
        if t.tag in ("NNS", "NNPS") or counted:
            continue  # "capturing many PoWs": soldiers taken in a battle, not one person arrested
        if t.ent == "PERSON" or t.text.casefold() in ("him", "her") or t.text.casefold() in people:
            return True
    return False


def _add(
    text: str,
    s: int,
    e: int,
    kind: str,
    out: Classified,
    kinds: dict[str, str],
    published: str | None,
    story_at: list[str] | None = None,
) -> None:
    """One event of `kind` reported by the sentence text[s:e], unless it is a twin of one already
    found or it has no place. An incident of violence the text gives no place ("militants burst
    in", "a bomb exploded by the door") is not kept: measured on the dev and validation reports,
    three in four such events were wrong (a wrong type, a quote, a ceremony, background), and the
    guide places every incident the text places. A decision of the placeless kind (a dismissal,
    an arrest, a deal: `event.placeless`) would stand with no place; that rule is dropped (it
    helped neither split once the rest were left out)."""
    sentence = text[s:e]
    # a dateline says where the story was filed, not where it happened ("STRELSAU (Reuters) -")
    filed = dateline_end(sentence)
    named = _named_in(sentence[filed:], [(p.name, p.forms) for p in out.places])
    hits = [(a + filed, b + filed, n) for a, b, n in named]
    hits += [(a + filed, b + filed, n) for a, b, n in _capital_hits(sentence[filed:], out.places)]
    hits = [_as_region(h, sentence, kinds) for h in hits]
    # a capital is where the event happens only when the sentence says so ("struck Szohod", "in
    # Strelsau"); else it is the state acting or speaking ("Strelsau launched 57 missiles")
    hits = [h for h in hits if not capital_of(h[2]) or _located(sentence, h)]
    # where the staff filed from ("... wrote this report from Strelsau") is no place of an event
    hits = [h for h in hits if not _credit().search(sentence[max(0, h[0] - 80) : h[0]])]
    # a place named only to say where another is ("six miles south of Bakhmut") is not where it happens
    near = [h for h in hits if _reference().search(sentence[max(0, h[0] - 60) : h[0]])]
    if near and len(near) < len(hits):
        hits = [h for h in hits if h not in near]
    # the most specific places: not one inside another's words, no country beside a town or region
    hits = [h for h in hits if not any(o != h and o[0] <= h[0] and h[1] <= o[1] for o in hits)]
    # a country's part ("southern Ruritania") is as coarse as the country: only where no town or region is
    parts = [h for h in hits if country_part(h[2], kinds)]
    said = [h for h in parts if not _part_before().search(sentence[: h[0]])]  # "X, formerly southern Ruritania"
    hits = [h for h in hits if h not in said]
    part = [h[2] for h in parts if h not in said]
    specific = [h[2] for h in hits if kinds[h[2]] != "country" and h[2] not in part] or part
    names = list(dict.fromkeys(specific or [h[2] for h in hits]))
    placeless = kind == "strategic_development" and _placeless_sd().search(sentence)
    if not specific and not placeless:
        # an event at a country only where the sentence puts it there ("in northern Ruritania");
        # any of its mentions may be the located one ("STRELSAU, Ruritania (CNN) - ... targets in Ruritania")
        forms = {p.name: [p.name, *p.forms] for p in out.places}
        located_countries = [
            h[2]
            for h in hits
            if any(
                located(sentence, m.start()) for f in forms[h[2]] for m in mentions(sentence, f) if m.start() >= filed
            )
        ]
        if not located_countries and not story_at:
            return  # no place: background, or not told well enough to be placed
        # a report that is all lead happens where it names ("Militants Killed in Zenda" / "... killed 14")
        names = list(dict.fromkeys(located_countries)) or list(story_at or [])
    twin = next(
        (ev for ev in out.events if ev.type == kind and (set(ev.places) & set(names) or not (ev.places or names))),
        None,
    )
    if twin is not None:
        twin.told_again.append((s, e))
        return
    context = _context_twin(out.events, kind, s, text, names, kinds)
    if context is not None:  # the town-level telling keeps its town
        context.places.extend(n for n in names if n not in context.places and kinds[n] == "settlement")
        context.told_again.append((s, e))
        return
    actors = list(dict.fromkeys(h[2] for h in _named_in(sentence, [(a.name, a.forms) for a in out.actors])))
    out.events.append(FoundEvent(kind, s, e, names, actors, event_date(sentence, published)))


# A report whose body is at most this many sentences is all lead: a wire's headline and its one or
# two sentences name only the story's places and parties, none in passing.
_WHOLE_STORY = 2


def whole_story(text: str, body: int) -> bool:
    """The report's body (after its headline, `body`) is at most `_WHOLE_STORY` sentences: "In
    Ruritania, Peacekeepers Take on Militants / U.N. peacekeepers and Ruritanian police moved into
    an area controlled by militants." names no one in passing; a long report's "Zenda, whose
    mayor visited last year" does."""
    return 0 < len([s for s, _ in sentences(text) if s >= body]) <= _WHOLE_STORY


def story_places(text: str, body: int, places: list[FoundPlace]) -> list[str]:
    """Where a report that is all lead (`whole_story`) happens, for an event its sentence does not
    place: the one town, region or facility it names outside a dateline ("14 Militants Killed in
    Zenda"), else the one country's part, else the one country it names as a place
    (`named_as_place`); none when two are named at that level."""
    filed = datelines(text)
    named = [p for p in places if outside(text, p, filed)]
    kinds = {p.name: p.fact.kind for p in places}
    finer = [p.name for p in named if p.fact.kind != "country" and not country_part(p.name, kinds)]
    parts = [p.name for p in named if country_part(p.name, kinds)]
    countries = [p.name for p in named if p.fact.kind == "country" and named_as_place(text, p, filed)]
    level = finer or parts or countries
    return level if len(level) == 1 else []


def datelines(text: str) -> list[tuple[int, int]]:
    """The spans of the datelines that open the text's sentences ("STRELSAU, Ruritania (Reuters) - ")."""
    return [(s, s + d) for s, e in sentences(text) if (d := dateline_end(text[s:e]))]


def outside(text: str, place: FoundPlace, filed: list[tuple[int, int]]) -> list[tuple[int, int, bool]]:
    """The place's mentions outside the datelines `filed`, as `acts` reads spans."""
    return [
        (m.start(), m.end(), False)
        for f in [place.name, *place.forms]
        for m in mentions(text, f)
        if not any(a <= m.start() < b for a, b in filed)
    ]


def named_as_place(text: str, place: FoundPlace, filed: list[tuple[int, int]]) -> bool:
    """A wire names a country as a place where a mention puts something there ("In Ruritania,
    peacekeepers ...") or none is the state that acts or speaks: "Borduria, Ruritania relations
    worsen" names Ruritania as a place, "Borduria responded ..." names Borduria as the state."""
    spans = outside(text, place, filed)
    return any(located(text, a, loosely=True) for a, _b, _ in spans) or not acts(text, spans)


@rules.table
def compass_region() -> re.Pattern[str]:
    """A lowercase compass word before a country's name (rule `place.compass_region`)."""
    return rules.regex("place.compass_region")


@rules.table
def _part_before() -> re.Pattern[str]:
    return rules.regex("place.compass_region_before")


@rules.table
def border() -> re.Pattern[str]:
    """A border named by its countries or peoples (rule `place.border`)."""
    return rules.regex("place.border")


def coarse_part(name: str) -> bool:
    """A region named by a compass word and its country ("southern Ruritania") or a border
    ("the Ruritanian border"): a place of the story only where an event is."""
    return compass_region().match(name) is not None or border().fullmatch(name) is not None


def country_part(name: str, kinds: dict[str, str]) -> bool:
    """A country's part or a border (`coarse_part`): as coarse as a country, an event's place
    only where its sentences name no town or region."""
    return kinds.get(name) == "region" and coarse_part(name)


def finest_places(events: list[FoundEvent], kinds: dict[str, str]) -> None:
    """An event told again at a town ("... in southern Ruritania" / "... in Zenda") is at the
    town, not also at the country's part."""
    for ev in events:
        finer = [p for p in ev.places if kinds.get(p) != "country" and not country_part(p, kinds)]
        if finer:
            ev.places = [p for p in ev.places if not country_part(p, kinds)]


# The words before a name that make it where something happens ("struck X", "in northern X"),
# and those that name it only to say where another place is ("six miles south of X", "the border
# with X") (rules/place_words.toml).
@rules.table
def _locative() -> tuple[re.Pattern[str], ...]:
    """The words right before a name ("in X", "struck X"), those with the noun of what it is
    between ("in the northern city of X", "in the capital, X"), a compass part ("southern X"):
    every rule of category `locative_before` that is on."""
    return tuple(r.regex for r in rules.category("locative_before"))


@rules.table
def _capital_phrase() -> re.Pattern[str]:
    return rules.regex("place.capital_phrase")


def capital_named(m: re.Match[str]) -> str | None:
    """The country a capital phrase (rule `place.capital_phrase`) names, by its name or its
    people's word ("the Ruritanian capital" -> "Ruritania"), or None."""
    who = m.group("who")
    state = find_country(who) or find_country(demonyms().get(who.casefold(), ""))
    return state.country if state else None


def capital_phrases(text: str) -> list[tuple[re.Match[str], str]]:
    """Each capital phrase of `text` with the country it names."""
    return [(m, state) for m in _capital_phrase().finditer(text) if (state := capital_named(m))]


def _capital_hits(sentence: str, places: list[FoundPlace]) -> list[tuple[int, int, str]]:
    """A capital phrase ("the Ruritanian capital", "Ruritania's capital") names the capital city:
    (start, end, city) where the article names that city among its places (its dateline, another
    sentence), so that the event is there."""
    hits = []
    for m, state in capital_phrases(sentence):
        city = next((p.name for p in places if capital_of(p.name) == state), None)
        if city is not None:
            hits.append((m.start(), m.end(), city))
    return hits


@rules.table
def _credit() -> re.Pattern[str]:
    return rules.regex("outlet.credit_line")


@rules.table
def _reference() -> re.Pattern[str]:
    return rules.regex("place.reference")


def _located(sentence: str, hit: tuple[int, int, str]) -> bool:
    return located(sentence, hit[0])


# Also a place, though not where an event of its sentence happens: what is sent to, visited or
# invaded ("transferred to X", "a visit to X", "all of X") (rules/place_words.toml).
@rules.table
def _place_of_story() -> re.Pattern[str]:
    return rules.regex("place.of_story")


def located(text: str, start: int, loosely: bool = False) -> bool:
    """The name at `start` is named as where something happens ("hit Borduria", "across
    Borduria"), not as the state that acts or speaks ("Rassendill said Borduria shot down ...").
    `loosely` also takes a place the story goes to ("transferred to Borduria", "a visit to Borduria")."""
    before = text[max(0, start - 40) : start]
    return bool(any(p.search(before) for p in _locative()) or (loosely and _place_of_story().search(before)))


def _context_twin(
    events: list[FoundEvent], kind: str, start: int, text: str, names: list[str], kinds: dict[str, str]
) -> FoundEvent | None:
    """The event of the same type reported in the sentence just before, when one of the two is
    placed only at region or country level and the other at a town: one incident told twice
    ("rain of sparks over Marinka" / "... in the Donetsk region")."""
    if not events:
        return None
    last = events[-1]
    between = text[last.end : start]
    if last.type != kind or len(sentences(between)) > 1:
        return None
    coarse = {"region", "country"}
    this_coarse = all(kinds[n] in coarse for n in names)
    last_coarse = all(kinds.get(n, "country") in coarse for n in last.places)
    return last if this_coarse != last_coarse else None


def _proposed_only_by_dropped_cues(sentence: str) -> bool:
    """The sentence was asked about for event words whose cues are off after the model (a
    `dropped` rule, or one an ablation switches off after the model): the recorded request
    still asks, but what the model answers for it is not kept, as if it had not been asked."""
    with rules.asking():
        asked_for = event_words().search(sentence) is not None
    return asked_for and event_words().search(sentence) is None


@rules.table
def _background() -> tuple[re.Pattern[str], ...]:
    return tuple(r.regex for r in rules.category("background"))


def told_as_background(sentence: str) -> bool:
    """The sentence sets its incident before the story's own time ("Last month, an attack in
    Zenda killed 19"; rules/not_incident.toml, background): every event word is in the scope of
    such a cue, its clause ("Troops retook Zenda, which the rebels last year declared their
    capital" tells the retaking). Read after the model answered."""
    return only_in_scope(sentence, _all_cues(), _background())


@rules.table
def _all_cues() -> re.Pattern[str]:
    """Every event word: the cues, proposing or not ("reclaimed" proposes no sentence), and the
    words that settle a type ("troops": a main clause about troops is not told in passing)."""
    return rules.union([*rules.category("event_cue"), *rules.category("decisive_type")])


def told_in_passing(sentence: str) -> bool:
    """Every event word of the sentence sits in a clause that only qualifies a noun: a relative
    clause ("troops who fought in Ruritania took part in the parade"), a participle after a noun
    ("forces involved in fighting X had been based there"). The sentence tells something else;
    the event is background. (Also taking an event word after "after", "during", "since" as
    background changed nothing on dev and cost MUC-4 dev two fillers.)"""
    from summarizer.nlp import parse

    cues = [m.start() for m in _all_cues().finditer(sentence)]
    if not cues:
        return False
    tokens = parse(sentence)

    def in_passing(t: int) -> bool:
        seen = set()
        while t not in seen:
            seen.add(t)
            tok = tokens[t]
            if tok.dep in ("relcl", "acl"):
                return True
            if tok.head == t:
                return False
            t = tok.head
        return False

    at = [next((t.i for t in tokens if t.start <= c < t.end), None) for c in cues]
    return all(i is not None and in_passing(i) for i in at)
