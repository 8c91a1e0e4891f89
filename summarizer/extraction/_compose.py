"""brief-v4's findings become the document's parts: ids, exact spans, links, the summary.

Every span is made from offsets code found in the article (a name's occurrences, an event's
sentence, a figure and its sentence), so nothing needs grounding after the fact; a name with
no occurrence left (it can only happen to a form hidden from the model) is dropped and counted.
Descriptions are the event's own sentence (a clause of it when long), never written text; the
summary is composed from the facts found, and checked all the same: every name and number in it
must be the article's.
"""

from __future__ import annotations

import re

from summarizer import rules
from summarizer.contract import Actor, Casualty, Dropped, Event, Location, RoleFiller, Span
from summarizer.extraction._assembly import Grounded
from summarizer.extraction._found import Classified, FoundEvent
from summarizer.extraction._roles import figure_victims, sentence_roles
from summarizer.extraction._twins import force_of
from summarizer.text import event_types, figure_at, find_all, group_noun_name, settled_type, unsupported

_VIOLENT = frozenset({"battle", "explosion_remote_violence", "violence_against_civilians"})
_WORD = re.compile(r"[\w’'-]+")


class _Spans:
    def __init__(self, text: str) -> None:
        self.text = text
        self.count = 0

    def span(self, start: int, end: int) -> Span:
        self.count += 1
        return Span(start=start, end=end, text=self.text[start:end])

    def mentions(self, forms: list[str]) -> list[Span]:
        seen: set[tuple[int, int]] = set()
        out = []
        for form in forms:
            for m in find_all(self.text, form):
                if m.method == "exact" and (m.start, m.end) not in seen:
                    seen.add((m.start, m.end))
                    out.append(self.span(m.start, m.end))
        return sorted(out, key=lambda s: s.start)


def description(sentence: str) -> str:
    """An event's description: its sentence, whitespace folded; past DESCRIPTION_WORDS words,
    cut where a clause ends and marked "…" (`summarizer.nlp.clause_cut`), or whole when no
    clause ends early enough: never cut inside a clause. Always the article's own words, in order."""
    from summarizer.nlp import DESCRIPTION_WORDS, clause_cut

    return clause_cut(sentence, DESCRIPTION_WORDS)


_TYPE_PHRASE = {
    "battle": "fighting",
    "explosion_remote_violence": "strikes",
    "violence_against_civilians": "violence against civilians",
    "protest_riot": "protests",
    "strategic_development": "strategic developments",
    "other": "other events",
}


def _series(items: list[str]) -> str:
    items = list(dict.fromkeys(items))
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def composed_summary(text: str, found: Classified) -> list[str]:
    """The summary, composed from the facts found (2 to 4 sentences): what happened where,
    by event type; the figures with who suffered them and who gives them; the actors that act
    in the article when there is little else. Every name and number in it is the article's."""
    out: list[str] = []
    by_type: dict[str, list[str]] = {}
    for ev in found.events:
        by_type.setdefault(ev.type, []).extend(ev.places)
    parts = [
        f"{_TYPE_PHRASE[kind]} in {_series(places)}" if places else _TYPE_PHRASE[kind]
        for kind, places in by_type.items()
    ]
    if parts:
        sentence = f"The article reports {_series(parts[:3])}"
        actors = list(dict.fromkeys(a for ev in found.events for a in ev.actors))
        sentence += f", involving {_series(actors[:3])}." if actors else "."
        out.append(sentence)
    for f in found.figures[:2]:
        raw = " ".join(text[f.figure.start : f.figure.end].split())
        raw = raw[0].lower() + raw[1:] if raw[:1].isupper() and raw[1:2].islower() else raw  # "Thousands" mid-sentence
        who = f" ({f.affected})" if f.affected else ""
        source = f", according to {f.claimed_by}" if f.claimed_by else ""
        out.append(f"It gives {raw} {f.kind}{who}{source}.")
    acting = [a.name for a in found.actors if a.acts]
    if len(out) < 2 and acting:
        out.append(f"Those who speak or act in it include {_series(acting[:4])}.")
    if len(out) < 2 and not found.events:
        out.insert(0, "The article reports no armed event that code and model could place.")
    return out[:4]


def compose(text: str, found: Classified, read: str | None = None) -> tuple[Grounded, str]:
    """The document's actors, locations, events and casualties, and its summary; `read`: the
    text with its case restored (`nlp.truecase`), which the event roles' parse reads."""
    found.close_names()  # after every request: the names the model was asked about stay as asked
    spans = _Spans(text)
    dropped = Dropped()
    warnings: list[str] = []
    actors: list[Actor] = []
    for a in found.actors:
        mentions = spans.mentions([a.name, *a.forms])
        if not mentions:
            dropped.add("actors", "not_found", a.name, f"{a.name!r} not found in the article")
            continue
        actors.append(
            Actor.model_validate(
                {"id": f"a{len(actors) + 1}", "name": a.name, "aliases": a.forms, "kind": a.kind, "side": a.side}
                | {"side_basis": a.side_basis if a.side else None, "mentions": mentions}
            )
        )
    locations: list[Location] = []
    for p in found.places:
        mentions = spans.mentions([p.name, *p.forms])
        if not mentions:
            dropped.add("locations", "not_found", p.name, f"{p.name!r} not found in the article")
            continue
        locations.append(
            Location.model_validate(
                {"id": f"l{len(locations) + 1}", "name": p.name, "kind": p.fact.kind}
                | {"country": p.fact.country, "mentions": mentions}
            )
        )
    place_ids = {loc.name: loc.id for loc in locations}
    actor_ids = {a.name: a.id for a in actors}
    events = [_event(i, ev, text, spans, place_ids, actor_ids) for i, ev in enumerate(found.events, 1)]
    _add_roles(text, found, events, actors, locations, read or text, spans)
    casualties = _casualty_items(text, found, events, spans, dropped)
    _figure_victims(text, read or text, casualties, events, actors)
    _not_the_perpetrator(text, read or text, casualties, actors, locations)
    summary = []
    for sentence in composed_summary(text, found):
        problems = unsupported(sentence, text)
        if problems:  # cannot happen by construction; checked all the same, and counted
            why = f"{sentence[:80]!r}: not in the article: {', '.join(problems[:5])}"
            dropped.add("summary", "unsupported", sentence, why)
            warnings.append("a summary sentence was dropped: names or numbers not in the article")
        else:
            summary.append(sentence)
    grounded = Grounded(actors, locations, events, casualties, dropped, {"exact": spans.count}, warnings)
    return grounded, " ".join(summary)


def _event(
    i: int, ev: FoundEvent, text: str, spans: _Spans, place_ids: dict[str, str], actor_ids: dict[str, str]
) -> Event:
    return Event(
        id=f"e{i}",
        type=ev.type,  # type: ignore[arg-type]
        description=description(text[ev.start : ev.end]),
        date=ev.date,
        location_ids=[place_ids[n] for n in ev.places if n in place_ids],
        actor_ids=[actor_ids[n] for n in ev.actors if n in actor_ids],
        # its sentence, then each sentence that tells it again (where a figure tied to it may be)
        evidence=[spans.span(ev.start, ev.end), *(spans.span(s, e) for s, e in ev.told_again)],
    )


def _add_roles(
    text: str,
    found: Classified,
    events: list[Event],
    actors: list[Actor],
    locations: list[Location],
    read: str,
    spans: _Spans,
) -> None:
    """Each event's roles from its sentence (`_roles`); its participants (`actor_ids`) are then
    the actors in its roles: whoever the sentence only quotes or names in passing is not one."""
    people = frozenset(a.id for a in actors if a.kind in ("person", "civilians"))  # named unarmed victims
    for event, src in zip(events, found.events, strict=True):
        roles = sentence_roles(text, read, src.start, src.end, src.type, actors, locations)
        for role in ("by", "against"):
            kept: dict[str, RoleFiller] = {}
            for filler in roles[role]:
                if filler.actor_id is None and (party := _party(spans, filler.name, actors)) is not None:
                    # named by the party it is ("Islamic militants" beside the one group named: that group)
                    filler.actor_id, filler.name = party.id, party.name
                same = kept.get(filler.actor_id) if filler.actor_id else None
                if same is not None:  # the party told twice in the sentence: one filler, both mentions
                    same.mentions.extend(m for m in filler.mentions if m not in same.mentions)
                    continue
                kept[filler.actor_id or f"#{len(kept)}"] = filler
            roles[role] = list(kept.values())
        for role, fillers in roles.items():
            setattr(event, role, fillers)
        if event.type == "battle" and _one_sided(text[src.start : src.end], roles, people):
            event.type = "violence_against_civilians"  # one side armed: no battle (ACLED)
        event.actor_ids = list(
            dict.fromkeys(f.actor_id for role in ("by", "against", "victims") for f in roles[role] if f.actor_id)
        )


_HARMED = frozenset({"killed", "wounded", "captured"})


def _figure_victims(text: str, read: str, casualties: list[Casualty], events: list[Event], actors: list[Actor]) -> None:
    """The people a figure of killed, wounded or captured counts are victims of the event it
    belongs to (`figure_victims`), where the event's own sentence did not already name them."""
    by_id = {ev.id: ev for ev in events}
    for c in casualties:
        event = by_id.get(c.event_id) if c.event_id else None
        if event is None or c.kind not in _HARMED:
            continue
        fig, sentence = c.evidence[0], c.evidence[1]
        victim = figure_victims(text, read, sentence.start, sentence.end, fig.start, fig.end, actors)
        if victim is None:
            continue
        at = victim.mentions[0]
        told = any(
            f.name.casefold() == victim.name.casefold()
            or any(m.start < at.end and at.start < m.end for m in f.mentions)
            for f in event.victims
        )
        if not told:
            event.victims.append(victim)


def _not_the_perpetrator(
    text: str, read: str, casualties: list[Casualty], actors: list[Actor], locations: list[Location]
) -> None:
    """Who suffered a toll is never who inflicted it (the guide: "never the perpetrator's name"):
    a figure of killed, wounded or captured whose `affected` is a party its own sentence makes
    the one who acts ("X was assassinated by Ruritania", "Bordurian shelling killed 12") gets
    none; an empty field is better than the wrong party."""
    names = {a.id: [a.name, *a.aliases] for a in actors}
    for c in casualties:
        if not c.affected or c.kind not in _HARMED or len(c.evidence) < 2:
            continue
        at = c.evidence[1]
        roles = sentence_roles(text, read, at.start, at.end, "violence_against_civilians", actors, locations)
        doers = {n.casefold() for f in roles["by"] for n in (names.get(f.actor_id or "", []) or [f.name])}
        if c.affected.casefold() in doers:
            c.affected = None


@rules.table
def _one_sided_words() -> tuple[re.Pattern[str], frozenset[str]]:
    """The cue of a one-sided attack and the nouns of unarmed people (`_one_sided`)."""
    unarmed = rules.words("roles.victim_nouns") - rules.words("roles.armed_nouns", "event.one_sided.unsure")
    return rules.regex("event.one_sided"), unarmed


def _one_sided(sentence: str, roles: dict[str, list[RoleFiller]], people: frozenset[str] = frozenset()) -> bool:
    """A "battle" that only one armed side fought: the sentence tells a killing, an abduction or
    an attack (rule `event.one_sided`), its roles name no armed party acted on (`against`), its
    victims are all people a noun says are unarmed ("residents", "a polio vaccination worker",
    "the lawyer": `roles.victim_nouns` less `roles.armed_nouns` and the nouns that may be armed,
    `event.one_sided.unsure`) or people the document names (`people`: the ids of its person and
    civilian actors), and no word of it settles a battle ("clashed"). ACLED codes such an attack
    violence against civilians."""
    cue, unarmed = _one_sided_words()
    if roles["against"] or not roles["victims"] or not cue.search(sentence):
        return False
    named = all(f.actor_id in people or f.name.split()[-1].casefold() in unarmed for f in roles["victims"])
    return named and settled_type(sentence, "") != "battle"


@rules.table
def _party_nouns() -> tuple[frozenset[str], frozenset[str]]:
    """(irregular, regular) force nouns (rules/forces.toml, party_noun)."""
    by_kind = {r.data["kind"]: frozenset(w.casefold() for w in r.words) for r in rules.category("party_noun")}
    return by_kind.get("armed_group", frozenset()), by_kind.get("armed_forces", frozenset())


def _party(spans: _Spans, name: str, actors: list[Actor]) -> Actor | None:
    """The actor a party named by a common noun in an event's roles is ("rebels", "former rebel
    units", "Army reinforcements"), made when none of the document's actors is it: an irregular
    force noun makes an armed_group; two words ending in a regular one ("Army reinforcements")
    armed_forces, on the side of the country its words name ("Bordurian troops"), else none.
    Unnamed individuals ("gunmen", "a suicide bomber") and a bare "troops" make none."""
    same = next((a for a in actors if name.casefold() in (n.casefold() for n in [a.name, *a.aliases])), None)
    if same is not None:
        return same
    words = name.casefold().split()
    irregular, regular = _party_nouns()
    if any(w in irregular for w in words):
        # beside a named armed group, a force named by its noun ("Islamic militants") is that group
        # told again, not a party of its own (`_linking._named_groups_first`): the one group, or none
        named = [a for a in actors if a.kind == "armed_group" and not group_noun_name(a.name)]
        if named and group_noun_name(name):
            return named[0] if len(named) == 1 else None
        kind = "armed_group"
    elif len(words) >= 2 and words[-1] in regular:
        kind = "armed_forces"
    else:
        return None
    mentions = spans.mentions([name])
    if not mentions:
        return None
    force = force_of(name) if kind == "armed_forces" else None
    actor = Actor.model_validate(
        {"id": f"a{len(actors) + 1}", "name": name, "kind": kind, "side": force[0] if force else None}
        | {"side_basis": "stated" if force else None, "mentions": mentions}
    )
    actors.append(actor)
    return actor


def _event_referred(sentence: str, earlier: list[Event]) -> Event | None:
    """The event a figure's sentence refers back to by a definite event noun in the singular
    ("wounded in the blast", "killed in the bloody fighting"; `figures.event_anaphor` before a
    word of `roles.event_nouns`): the nearest earlier violent event, of the type the noun names
    when it names one. None when the sentence names no event so, or none was told before it, or
    the noun is plural ("in the attacks" may be several incidents, one event per place: the
    figure then belongs to none of them alone)."""
    nouns = rules.words("roles.event_nouns")
    anaphor = rules.regex("figures.event_anaphor")
    violent = [ev for ev in earlier if ev.type in _VIOLENT]
    if not violent:
        return None
    for word in _WORD.finditer(sentence):
        the = anaphor.search(sentence[: word.start()]) if word.group().casefold() in nouns else None
        if the is not None:
            if word.group().casefold().endswith("s"):  # the list's plurals: "attacks", "blasts"
                return None
            named = set(event_types(sentence[the.start() : word.end()])) & _VIOLENT
            return next((ev for ev in reversed(violent) if ev.type in named), violent[-1])
    return None


def _casualty_items(
    text: str, found: Classified, events: list[Event], spans: _Spans, dropped: Dropped
) -> list[Casualty]:
    """The casualties: each figure read from its own words, linked to the event whose sentence
    holds it, with the figure's span and its sentence's as evidence."""
    casualties: list[Casualty] = []
    pairs = list(zip(events, found.events, strict=True))  # each event with what code found of it
    for f in found.figures:
        fig = f.figure
        raw = text[fig.start : fig.end]
        parsed = figure_at(text, fig.start, fig.end, (fig.sentence_start, fig.sentence_end))
        if parsed is None:
            dropped.add("casualties", "no_number", raw, f"{raw!r}: no number in the figure")
            continue
        event_id = next((ev.id for ev, src in pairs if src.start <= fig.start < src.end), None) or next(
            (ev.id for ev, src in pairs if any(s <= fig.start < e for s, e in src.told_again)), None
        )  # its sentence's event, else the event its sentence tells again
        if event_id is None:
            earlier = [ev for ev, src in pairs if src.end <= fig.sentence_start]
            referred = _event_referred(text[fig.sentence_start : fig.sentence_end], earlier)
            event_id = referred.id if referred is not None else None
        casualties.append(
            Casualty(
                id=f"c{len(casualties) + 1}",
                kind=f.kind,  # type: ignore[arg-type]
                count=parsed.count,
                low=parsed.low,
                high=parsed.high,
                approximate=parsed.approximate,
                raw=raw,
                affected=f.affected,
                claimed_by=f.claimed_by,
                event_id=event_id,
                evidence=[spans.span(fig.start, fig.end), spans.span(fig.sentence_start, fig.sentence_end)],
            )
        )
    return casualties
