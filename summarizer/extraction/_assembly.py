"""Assembly: the summary document's parts from what the model extracted: dedupe, ground, link, number.

Everything the model said is checked against the article here. Names become mention spans,
quotes become evidence spans, figures are re-read from the article's own words. What cannot be
found in the article is dropped and the drop is recorded in `provenance.dropped`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from summarizer import rules
from summarizer import text as grounding
from summarizer import text as names
from summarizer import text as numbers
from summarizer.contract import Actor, Casualty, Dropped, Event, Location, Span
from summarizer.extraction._shapes import (
    Casualties,
    Entities,
    Events,
    ExtractedActor,
    ExtractedCasualty,
    ExtractedEvent,
    ExtractedLocation,
)
from summarizer.inputs import Article
from summarizer.text import dates_in, event_date, normalize_name, sentence_bounds


@rules.table
def _dedupe_generic() -> frozenset[str]:
    """Words that do not tell two organisations apart ("PMC Hentzau" is "Hentzau Group"): the
    generic words of name matching and those of `rules/names.toml` (`name.dedupe_generic`)."""
    return names.GENERIC_WORDS | rules.words("name.dedupe_generic")


_NULLISH = frozenset({"", "unknown", "none", "null", "n/a", "na", "not specified", "unspecified", "-"})


@dataclass
class Extraction:
    """Everything the model returned for one article (all chunks), before grounding."""

    actors: list[ExtractedActor] = field(default_factory=list)
    locations: list[ExtractedLocation] = field(default_factory=list)
    events: list[tuple[ExtractedEvent, int]] = field(default_factory=list)  # (event, chunk start)
    casualties: list[tuple[ExtractedCasualty, int]] = field(default_factory=list)
    summary: str = ""

    def add(self, entities: Entities, events: Events, casualties: Casualties, chunk_start: int) -> None:
        self.actors.extend(entities.actors)
        self.locations.extend(entities.locations)
        self.events.extend((e, chunk_start) for e in events.events)
        self.casualties.extend((c, chunk_start) for c in casualties.casualties)


@dataclass
class Grounded:
    actors: list[Actor]
    locations: list[Location]
    events: list[Event]
    casualties: list[Casualty]
    dropped: Dropped
    spans: dict[str, int]
    warnings: list[str]


def _clean(value: str | None) -> str | None:
    """Small models write "unknown" or "N/A" for null: make those null."""
    if value is None:
        return None
    value = value.strip()
    return None if value.casefold() in _NULLISH else value


def _plausible_alias(name: str, alias: str) -> bool:
    """An alias shares a distinctive word with the name, or is its acronym ("ISW")."""
    generic = _dedupe_generic()
    nt = set(names.tokens(name)) - generic
    at = set(names.tokens(alias)) - generic
    if nt & at:
        return True
    initials = "".join(t[0] for t in names.tokens(name) if t not in ("of", "the", "and", "for"))
    compact = normalize_name(alias).replace(" ", "")
    return len(compact) >= 2 and compact == initials


def _same_entity(a: list[str], b: list[str]) -> bool:
    if names.any_match(a, b):
        return True
    generic = _dedupe_generic()
    da = {t for n in a for t in names.tokens(n)} - generic
    db = {t for n in b for t in names.tokens(n)} - generic
    # One distinctive word in common, and one side has no other distinctive word.
    return bool(da & db) and (da <= db or db <= da)


class _Builder:
    def __init__(self, article: Article) -> None:
        self.text = article.text
        self.published = article.published
        self.dropped = Dropped()
        self.spans: dict[str, int] = {}
        self.warnings: list[str] = []

    def span(self, start: int, end: int, method: str = "exact") -> Span:
        self.spans[method] = self.spans.get(method, 0) + 1
        return Span(start=start, end=end, text=self.text[start:end])

    def mentions(self, candidates: list[str]) -> tuple[list[Span], list[str]]:
        """Mention spans of every candidate name; returns (spans, the names that were found)."""
        seen: set[tuple[int, int]] = set()
        spans: list[Span] = []
        found: list[str] = []
        for cand in candidates:
            cand = cand.strip()
            if not cand:
                continue
            matches = grounding.find_all(self.text, cand)
            if not matches:
                one = grounding.find_span(self.text, cand, min_coverage=1.0)
                matches = [one] if one is not None and one.method != "fuzzy" else []
            if matches:
                found.append(cand)
            for m in matches:
                if (m.start, m.end) not in seen:
                    seen.add((m.start, m.end))
                    spans.append(self.span(m.start, m.end, m.method))
        spans.sort(key=lambda s: s.start)
        return spans, found

    # -- actors and locations ---------------------------------------------------------------

    def actors(self, extracted: list[ExtractedActor], places: list[ExtractedLocation]) -> list[Actor]:
        groups: list[tuple[ExtractedActor, list[str]]] = []
        place_names = [p.name for p in places if p.kind in ("settlement", "region", "country")]
        for a in extracted:
            if a.kind not in ("government", "armed_forces") and names.any_match([a.name], place_names):
                self.dropped.add("actors", "type_conflict", a.name, f"{a.name!r} is a place, listed under locations")
                continue
            alias_list = [a.name, *[al for al in a.aliases if _plausible_alias(a.name, al)]]
            for i, (first, known) in enumerate(groups):
                if _same_entity(known, alias_list):
                    groups[i] = (first, known + [n for n in alias_list if n not in known])
                    break
            else:
                groups.append((a, alias_list))
        out: list[Actor] = []
        for first, all_names in groups:
            spans, found = self.mentions(all_names)
            if not spans:
                self.dropped.add("actors", "not_found", first.name, f"{first.name!r} not found in the article")
                continue
            name = spans[0].text if first.name not in found else first.name
            aliases = sorted({s.text for s in spans if normalize_name(s.text) != normalize_name(name)})
            out.append(
                Actor(
                    id=f"a{len(out) + 1}",
                    name=name,
                    aliases=aliases,
                    kind=first.kind,
                    side=_clean(first.side),
                    mentions=spans,
                )
            )
        return out

    def locations(self, extracted: list[ExtractedLocation], actors: list[ExtractedActor]) -> list[Location]:
        groups: list[tuple[ExtractedLocation, list[str]]] = []
        people = [
            a.name for a in actors if a.kind in ("person", "armed_group", "military_unit", "media", "organization")
        ]
        for loc in extracted:
            if loc.kind in ("other", "facility") and names.any_match([loc.name], people):
                self.dropped.add("locations", "type_conflict", loc.name, f"{loc.name!r} is an actor, not a place")
                continue
            for i, (first, known) in enumerate(groups):
                if names.any_match(known, [loc.name]):
                    groups[i] = (first, known + [loc.name])
                    break
            else:
                groups.append((loc, [loc.name]))
        out: list[Location] = []
        for first, all_names in groups:
            spans, found = self.mentions(all_names)
            if not spans:
                self.dropped.add("locations", "not_found", first.name, f"{first.name!r} not found in the article")
                continue
            name = first.name if first.name in found else spans[0].text
            out.append(
                Location(
                    id=f"l{len(out) + 1}",
                    name=name,
                    kind=first.kind,
                    admin1=_clean(first.admin1),
                    country=_clean(first.country),
                    mentions=spans,
                )
            )
        return out

    # -- events and casualties --------------------------------------------------------------

    def sentence(self, quote: str, hint: int) -> grounding.Match | None:
        """The whole sentence whose words the model quoted (it quotes only the first words)."""
        m = grounding.find_span(self.text, quote, start_hint=hint)
        if m is None:
            return None
        s, e = sentence_bounds(self.text, m.start, m.end)
        s, e = min(s, m.start), max(e, m.end)
        return grounding.Match(s, e, m.method, m.score)

    def _date(self, value: str | None, sentence: str) -> str | None:
        """The event's date: the model's only when its sentence writes that day ("on Tuesday",
        "May 9", resolved against the publication date by code); otherwise the day code reads
        in the sentence, or none; a model date replaced or removed is counted under
        `dropped.dates`."""
        found = event_date(sentence, self.published)
        value = (value or "").strip()
        if not value or value.casefold() in _NULLISH:
            return found
        if value in {when for _at, when in dates_in(sentence, self.published) if when}:
            return value
        instead = f"the sentence gives {found}" if found else "the sentence gives no day"
        self.dropped.add("events", "date_not_in_text", value, f"date {value!r} not in the article ({instead})")
        return found

    def events(
        self, extracted: list[tuple[ExtractedEvent, int]], actors: list[Actor], locations: list[Location]
    ) -> list[Event]:
        out: list[Event] = []
        for ev, hint in extracted:
            m = self.sentence(ev.quote, hint)
            if m is None:
                self.dropped.add(
                    "events",
                    "not_found",
                    ev.quote,
                    f"{ev.type} {ev.description[:60]!r}: quote not found in the article",
                )
                continue
            if any(
                e.type == ev.type and e.evidence and e.evidence[0].start < m.end and m.start < e.evidence[0].end
                for e in out
            ):
                continue  # the same sentence reported as the same event twice
            loc_ids = [
                loc.id
                for loc in locations
                if names.any_match([loc.name, *[s.text for s in loc.mentions]], ev.locations)
            ]
            act_ids = [a.id for a in actors if names.any_match([a.name, *a.aliases], ev.actors)]
            out.append(
                Event(
                    id=f"e{len(out) + 1}",
                    type=ev.type,
                    description=ev.description.strip(),
                    date=self._date(ev.date, self.text[m.start : m.end]),
                    location_ids=loc_ids,
                    actor_ids=act_ids,
                    evidence=[self.span(m.start, m.end, m.method)],
                )
            )
        return out

    def _figure_span(self, raw: str, around: tuple[int, int] | None) -> grounding.Match | None:
        """Where the figure `raw` is written: inside the evidence if possible, else nearest."""
        raw = raw.strip()
        if not raw:
            return None
        if around is not None:
            inner = grounding.find_span(self.text[around[0] : around[1]], raw, min_coverage=1.0)
            if inner is not None and inner.method != "fuzzy":
                return grounding.Match(inner.start + around[0], inner.end + around[0], inner.method, inner.score)
        hits = grounding.find_all(self.text, raw)
        if not hits:
            return None
        anchor = around[0] if around else 0
        return min(hits, key=lambda h: abs(h.start - anchor))

    def casualties(self, extracted: list[tuple[ExtractedCasualty, int]], events: list[Event]) -> list[Casualty]:
        """Grounds brief-v3's casualties (figure, sentence, dedupe, event link); long on purpose: one figure's
        checks read in order."""
        out: list[Casualty] = []
        for cas, hint in extracted:
            ev = self.sentence(cas.quote, hint)
            around = (ev.start, ev.end) if ev is not None else None
            fig = self._figure_span(cas.figure, around)
            if fig is None:
                self.dropped.add(
                    "casualties", "not_found", cas.figure, f"{cas.kind} {cas.figure!r}: figure not found in the article"
                )
                continue
            raw = self.text[fig.start : fig.end]
            parsed = numbers.figure_at(self.text, fig.start, fig.end, sentence_bounds(self.text, fig.start, fig.end))
            if parsed is None:
                self.dropped.add("casualties", "no_number", raw, f"{cas.kind} {raw!r}: no number in the figure")
                continue
            if ev is None or not (ev.start <= fig.start and fig.end <= ev.end):
                s, e = sentence_bounds(self.text, fig.start, fig.end)
                sentence_at, sentence_method = (min(s, fig.start), max(e, fig.end)), "exact"
            else:
                sentence_at, sentence_method = (ev.start, ev.end), ev.method
            duplicate = next(
                (
                    c
                    for c in out
                    if c.kind == cas.kind
                    and (c.count, c.low, c.high) == (parsed.count, parsed.low, parsed.high)
                    and (
                        c.affected is None
                        or cas.affected is None
                        or names.names_match(c.affected, cas.affected)
                        or c.evidence[0].start == fig.start
                    )
                ),
                None,
            )
            if duplicate is not None:
                continue
            event_id = next(
                (
                    e.id
                    for e in events
                    if any(sp.start < sentence_at[1] and sentence_at[0] < sp.end for sp in e.evidence)
                ),
                None,
            )
            evidence = [self.span(fig.start, fig.end, fig.method)]
            if sentence_at != (fig.start, fig.end):
                evidence.append(self.span(*sentence_at, sentence_method))
            out.append(
                Casualty(
                    id=f"c{len(out) + 1}",
                    kind=cas.kind,
                    count=parsed.count,
                    low=parsed.low,
                    high=parsed.high,
                    approximate=parsed.approximate,
                    raw=raw,
                    affected=_clean(cas.affected),
                    claimed_by=_clean(cas.claimed_by),
                    event_id=event_id,
                    evidence=evidence,
                )
            )
        return out


def ground(article: Article, extraction: Extraction) -> Grounded:
    b = _Builder(article)
    actors = b.actors(extraction.actors, extraction.locations)
    locations = b.locations(extraction.locations, extraction.actors)
    events = b.events(extraction.events, actors, locations)
    casualties = b.casualties(extraction.casualties, events)
    invented = sorted(set(numbers.numbers_in(extraction.summary)) - set(numbers.numbers_in(article.text)))
    if invented:
        b.warnings.append(f"summary has numbers not in the article: {invented}")
    return Grounded(actors, locations, events, casualties, b.dropped, b.spans, b.warnings)
