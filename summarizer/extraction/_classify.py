"""brief-v4: code finds, the model classifies under a grammar, code checks.

Per part of the article (`run`):
  1. names: code lists the candidates it could not settle itself (`_findings`); the model
     gives each one label, "kind/side" for an actor, a place kind, or none;
  2. events: code lists the sentences that may report an event (`text.event_sentences`); the
     model gives each an ACLED type or not_an_event. Places and actors of an event are the
     candidates its sentence names, linked by code; its description is the sentence itself;
     its date comes from the sentence's own words against the publication date;
  3. figures: code lists the figures written next to a word of killing, wounding, capture
     or loss that do not count things ("30 villages"); the kind is the article's word next to
     the figure; the model picks who suffered it and who claims it from this article's own
     sides and actors (an enum made per article), and code overrides it where the sentence
     says ("64 Russian soldiers", "according to X");
then once:
and the summary is composed by code from the facts found (`_compose`): no sentence of it can
say what the article does not.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TypeVar

from pydantic import BaseModel

from summarizer.errors import ExtractionError
from summarizer.extraction import _labels as labels
from summarizer.extraction._findings import Findings, PlaceFact, Places, find
from summarizer.extraction._passes import Passes
from summarizer.nlp import capital_of
from summarizer.text import (
    Candidate,
    CasualtyFigure,
    casualty_figures,
    claimant_in,
    country_nearby,
    event_date,
    event_sentences,
    event_types,
    figure_counts,
    kind_near,
    nationality_before,
    parse_figure,
    sentences,
    side_cue,
)

M = TypeVar("M", bound=BaseModel)
_WORDS = re.compile(r"[\w’'\-]+")


@dataclass
class FoundActor:
    name: str
    forms: list[str]
    kind: str
    side: str | None
    acts: bool = False  # a subject of its clause, or followed by a verb of saying somewhere


@dataclass
class FoundPlace:
    name: str
    forms: list[str]
    fact: PlaceFact


@dataclass
class FoundEvent:
    type: str
    start: int
    end: int
    places: list[str]  # FoundPlace names
    actors: list[str]  # FoundActor names
    date: str | None


@dataclass
class FoundFigure:
    figure: CasualtyFigure
    kind: str
    affected: str | None
    claimed_by: str | None


@dataclass
class Classified:
    """Everything brief-v4 found in one article, before it becomes the document's parts."""

    actors: list[FoundActor] = field(default_factory=list)
    places: list[FoundPlace] = field(default_factory=list)
    events: list[FoundEvent] = field(default_factory=list)
    figures: list[FoundFigure] = field(default_factory=list)


def _mentions(text: str, form: str) -> list[re.Match[str]]:
    return list(re.finditer(rf"(?<![\w’']){re.escape(form)}(?![\w’'])", text))


class Classifier(Passes):
    """The calls of brief-v4: every answer is a closed choice per numbered item."""

    def _labels(self, chunk: str, name: str, model: type[M], max_tokens: int, **fmt: str) -> M | None:
        """One label pass. A pass the model cannot answer validly (re-asks exhausted) costs only
        its own items: a warning, and None; the other passes and the code's findings stand."""
        try:
            return self._ask_labels(chunk, name, model, max_tokens, **fmt)
        except ExtractionError as exc:
            self.usage.first_try_valid = False
            self.usage.warnings.append(f"pass {name} left out: {exc.one_line()}")
            return None

    def _ask_labels(self, chunk: str, name: str, model: type[M], max_tokens: int, **fmt: str) -> M:
        from summarizer.extraction._passes import neutralize_delimiters

        fmt = {k: neutralize_delimiters(v) for k, v in fmt.items()}
        task = self.prompt.tasks[name].format(published=self.article.published or "unknown", **fmt)
        budget = min(self.spec.max_output_tokens, max_tokens)
        return self.client.extract(self._messages(chunk, task), model, max_tokens=budget, usage=self.usage)

    def label_names(self, chunk: str, ask: list[Candidate]) -> list[str]:
        if not ask:
            return []
        listing = "\n".join(f"- {c.name}" + (f" (also: {', '.join(c.forms[:3])})" if c.forms else "") for c in ask)
        shape = labels.entity_answers([c.name for c in ask])
        answer = self._labels(chunk, "names", shape, 24 + 10 * len(ask), names=listing)
        return [a.value for a in labels.answers(answer)] if answer else [labels.NONE] * len(ask)

    def label_sides(self, chunk: str, actors: list[FoundActor], sides: tuple[str, ...]) -> list[str | None]:
        if not actors:
            return []
        listing = "\n".join(f"- {a.name} ({a.kind.replace('_', ' ')})" for a in actors)
        shape = labels.side_answers([a.name for a in actors], sides)
        answer = self._labels(chunk, "sides", shape, 20 + 10 * len(actors), actors=listing, sides=", ".join(sides))
        return [a.value for a in labels.answers(answer)] if answer else [None] * len(actors)

    def label_events(self, chunk: str, sentences: list[str]) -> list[str]:
        if not sentences:
            return []
        options = [event_types(s) for s in sentences]
        keys = [f"{i}. {' '.join(s.split()[:4])}" for i, s in enumerate(sentences, 1)]
        listing = "\n".join(
            f"{i}. {s} [{' or '.join((*o, labels.NOT_AN_EVENT))}]"
            for i, (s, o) in enumerate(zip(sentences, options, strict=True), 1)
        )
        answer = self._labels(
            chunk, "events", labels.event_answers(keys, options), 24 + 16 * len(sentences), sentences=listing
        )
        return [a.value for a in labels.answers(answer)] if answer else [labels.NOT_AN_EVENT] * len(sentences)

    def label_figures(
        self, chunk: str, figures: list[str], listing: list[str], affected: tuple[str, ...], claimants: tuple[str, ...]
    ) -> list[tuple[str, str]]:
        if not listing:
            return []
        keys = [f"{i}. {f}" for i, f in enumerate(figures, 1)]
        shape = labels.figure_answers(keys, affected, claimants or (labels.NONE,))
        numbered = "\n".join(f"{i}. {line}" for i, line in enumerate(listing, 1))
        answer = self._labels(chunk, "figures", shape, 30 + 26 * len(listing), figures=numbered)
        if answer is None:
            return [(labels.NONE, labels.NONE)] * len(listing)
        return [(item.affected.value, item.claimed_by.value) for item in labels.answers(answer)]


def run(passes: Classifier, text: str, model_text: str, chunks: list[tuple[int, int]], title_end: int) -> Classified:
    """brief-v4 over every part of the article, then the summary."""
    findings, places = find(model_text)
    out = Classified()
    labelled: dict[str, str] = {}
    for start, end in chunks:
        chunk = model_text[start:end]
        ask = [c for c in findings.ask if start <= c.first < end and c.name not in labelled]
        for cand, label in zip(ask, passes.label_names(chunk, ask), strict=True):
            labelled[cand.name] = label
    _actors_and_places(text, findings, places, labelled, out)
    _sides(passes, model_text, chunks, findings, out)
    for start, end in chunks:
        chunk = model_text[start:end]
        _events(
            passes,
            text,
            chunk,
            start,
            max(title_end, start),
            out,
            findings.countries,
            published=passes.article.published,
        )
        _figures(passes, text, model_text, start, end, findings, out)
    _prune(text, out)
    return out


def _count(text: str, forms: list[str]) -> int:
    return len({m.start() for f in forms for m in _mentions(text, f)})


def _prune(text: str, out: Classified) -> None:
    """Passing mentions are left out: the document lists the places where its events happen
    or that the article keeps coming back to (two mentions; not a country nor a capital, which
    outside an event are nearly always the state speaking: "Kyiv said", "Moscow-backed"), and
    the actors that act, take part in an event, give or suffer a figure, or are named twice."""
    in_events = {p for ev in out.events for p in ev.places}
    counts = {p.name: _count(text, [p.name, *p.forms]) for p in out.places}
    top = max(counts.values(), default=0)
    out.places = [
        p
        for p in out.places
        if p.name in in_events
        or (p.fact.kind != "country" and counts[p.name] >= 2 and not capital_of(p.name))
        or (p.fact.kind == "country" and counts[p.name] >= 3 and counts[p.name] == top)
    ]
    involved: set[str | None] = {a for ev in out.events for a in ev.actors}
    involved |= {f.claimed_by for f in out.figures} | {f.affected for f in out.figures}
    out.actors = [a for a in out.actors if a.acts or a.name in involved or _count(text, [a.name, *a.forms]) >= 2]


def _actors_and_places(
    text: str, findings: Findings, places: Places, labelled: dict[str, str], out: Classified
) -> None:
    """The actors and places: what code settled, and what the model labelled (its side
    overridden by the article's own words where they give one)."""
    for country, forms in findings.states.items():
        forms = list(dict.fromkeys(forms))
        ranked = sorted(forms, key=lambda f: -len(_mentions(text, f)))
        out.actors.append(FoundActor(ranked[0], [f for f in forms if f != ranked[0]], "government", country, True))
    for cand in findings.candidates:
        if cand.name in findings.places:
            fact = findings.places[cand.name]
            if not (cand.name.isupper() and fact.kind != "country"):  # "MAD", "UTC": acronyms, not towns
                out.places.append(FoundPlace(cand.name, cand.forms, fact))

        elif cand.name in findings.actors:
            kind, side = findings.actors[cand.name]
            out.actors.append(FoundActor(cand.name, cand.forms, kind, side, cand.name in findings.acting))
        elif cand.name in labelled:
            _labelled(text, cand, labelled[cand.name], places, out, cand.name in findings.acting)
    located = [p.fact.country for p in out.places if p.fact.country and p.fact.kind != "country"]
    home = max(set(located), key=located.count) if located else None
    for actor in out.actors:
        if actor.kind == "civilians" and actor.side is None:
            actor.side = home  # civilians get their country: where the story's places are
    for place in out.places:
        if place.fact.country is None:
            within = _country_within(place.name, places) or country_nearby(text, place.name, places.country_of)
            if within:
                place.fact = PlaceFact(place.fact.kind, within)


_OCCUPIED = re.compile(r"^[\w’'-]+-(?:occupied|controlled|held|annexed)\s+", re.IGNORECASE)


def _country_within(name: str, places: Places) -> str | None:
    """The country a place's own name gives: an owner ("Russia's Kursk", "Ukraine's Kharkiv
    region"), or a known place its name starts with ("Zaporozhye Nuclear Power Plant", "Nova
    Kakhovka Dam", "Russian-occupied Luhansk region"); None when the name says nothing."""
    owner = re.match(r"^(.+?)[’']s\s", name)
    if owner and places.country_of(owner.group(1)):
        return places.country_of(owner.group(1))
    words = _OCCUPIED.sub("", name).split()
    for n in range(len(words) - 1, 0, -1):
        fact = places.fact(" ".join(words[:n]))
        if fact is not None and fact.country:
            return fact.country
    return None


_NEUTRAL_KINDS = ("organization", "media", "civilians")


def _labelled(text: str, cand: Candidate, label: str, places: Places, out: Classified, acts: bool) -> None:
    if label == labels.NONE:
        return
    if label in labels.ACTOR_LABELS:
        kind = "other" if label == "other_actor" else label
        # The article's own words ("Russian milblogger Igor Girkin") give the side; else pass 1b.
        cue = side_cue(
            text, cand.all_forms(), lambda w: places.country_of(w) if len(w) > 3 else None, places.country_of
        )
        out.actors.append(FoundActor(cand.name, cand.forms, kind, cue, acts))
        return
    kind = "other" if label == "other_place" else label
    fact = places.fact(cand.name)
    out.places.append(FoundPlace(cand.name, cand.forms, PlaceFact(kind, fact.country if fact else None)))


def _sides(
    passes: Classifier, model_text: str, chunks: list[tuple[int, int]], findings: Findings, out: Classified
) -> None:
    """Pass 1b: the side of every actor whose side neither the text nor code settled; think
    tanks, NGOs, outlets and civilians are not asked (neutral unless the text ties them)."""
    need = [a for a in out.actors if a.side is None and a.kind not in _NEUTRAL_KINDS]
    if not need:
        return
    start, end = chunks[0]
    for actor, side in zip(need, passes.label_sides(model_text[start:end], need, findings.sides), strict=True):
        actor.side = side


def _named_in(sentence: str, items: list[tuple[str, list[str]]]) -> list[tuple[int, int, str]]:
    """(start, end, name) of the first mention in `sentence` of each item that it names; a
    place word used as a modifier ("Moscow-backed", "Kyiv-based") does not count."""
    hits = []
    for name, forms in items:
        for form in [name, *forms]:
            m = next((m for m in _mentions(sentence, form) if not _inside_other_name(sentence, m)), None)
            if m:
                hits.append((m.start(), m.end(), name))
                break
    return hits


# Strategic developments that happen to a person or an institution rather than at a place.
_PLACELESS_SD = re.compile(
    r"\b(?:dismiss\w*|sacked|removed|replac\w*|fired|arrest\w*|detain\w*|refus\w*|mutin\w*|resign\w*|"
    r"appoint\w*|sign\w*|agreement|deal|treaty|ceasefire|truce|sanction\w*)\b",
    re.IGNORECASE,
)
_ACCUSATION = re.compile(r"\b(?:accus\w*|alleg\w*|insinuat\w*|headlin\w*|so-called|rumou?r\w*|conspirac\w*)\b", re.I)
_OBLIGATION = re.compile(r"\b(?:needs? to|has to|have to|ought to)\b", re.IGNORECASE)
_NEGATED = re.compile(r"\b(?:had|has|have|was|were|is|are|did|does|do)\s+not\b|\b\w+n[’']t\b", re.IGNORECASE)


def _as_region(hit: tuple[int, int, str], sentence: str, kinds: dict[str, str]) -> tuple[int, int, str]:
    """A town's name followed by "region"/"regional"/"oblast" names the region when the article
    lists that region as a place ("Kharkiv regional governor" -> the Kharkiv region)."""
    start, end, name = hit
    m = re.match(r"\s+(region|regional|oblast|province)\b", sentence[end:])
    if not m:
        return hit
    region = next((n for n, k in kinds.items() if k == "region" and n.casefold().startswith(name.casefold())), None)
    return (start, end + m.end(), region) if region else hit


def _inside_other_name(sentence: str, m: re.Match[str]) -> bool:
    """A mention that is a modifier ("Moscow-backed") or part of a longer proper name ("The New
    York Times", "Moon of Alabama") does not name the place."""
    if _MODIFIER.match(sentence, m.end()) or _SPEAKS.match(sentence, m.end()):
        return True
    after = re.match(r"\s+([A-Z][a-z]+)", sentence[m.end() :])
    if after and after.group(1).lower() not in ("oblast", "region", "province", "krai", "governorate", "district"):
        return True
    return bool(re.search(r"[A-Z][\w’']+\s+of\s+(?:the\s+)?$", sentence[: m.start()]))


_SPEAKS = re.compile(r"\s+(?:says|said|claims|claimed|accuses|denies|denied|insists|warns|wants|needs)\b")
_MODIFIER = re.compile(r"-(?:backed|based|led|held|controlled|installed|appointed|occupied|allied|friendly)\b")


def _events(
    passes: Classifier,
    text: str,
    chunk: str,
    offset: int,
    skip_until: int,
    out: Classified,
    countries: frozenset[str],
    published: str | None,
) -> None:
    spans = [(s + offset, e + offset) for s, e in event_sentences(chunk, skip_until=skip_until - offset)]
    spans = [(s, e) for s, e in spans if not any(ev.start == s for ev in out.events)]
    answers = passes.label_events(chunk, [" ".join(text[s:e].split()) for s, e in spans])
    kinds = {p.name: p.fact.kind for p in out.places}
    for (s, e), label in zip(spans, answers, strict=True):
        if label == labels.NOT_AN_EVENT:
            continue
        kind = label
        sentence = text[s:e]
        if _NEGATED.search(sentence) or _ACCUSATION.search(sentence) or _OBLIGATION.search(sentence):
            continue  # "had not been struck", "Moscow has accused Kyiv of ...": no event reported as fact
        hits = _named_in(sentence, [(p.name, p.forms) for p in out.places])
        hits = [_as_region(h, sentence, kinds) for h in hits]
        # the most specific places: not one inside another's words, no country beside a town or region
        hits = [h for h in hits if not any(o != h and o[0] <= h[0] and h[1] <= o[1] for o in hits)]
        specific = [h[2] for h in hits if kinds[h[2]] != "country"]
        names = list(dict.fromkeys(specific or [h[2] for h in hits]))
        if not specific and (kind != "strategic_development" or not _PLACELESS_SD.search(sentence)):
            continue  # an event is reported at a place; without one it is background, save a dismissal or an arrest
        twin = next(
            (ev for ev in out.events if ev.type == kind and (set(ev.places) & set(names) or not (ev.places or names))),
            None,
        )
        if twin is not None:
            continue
        context = _context_twin(out.events, kind, s, text, names, kinds)
        if context is not None:  # the town-level telling keeps its town
            context.places.extend(n for n in names if n not in context.places and kinds[n] == "settlement")
            continue
        actors = list(dict.fromkeys(h[2] for h in _named_in(sentence, [(a.name, a.forms) for a in out.actors])))
        out.events.append(FoundEvent(kind, s, e, names, actors, event_date(sentence, published)))


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


def _figures(
    passes: Classifier, text: str, model_text: str, start: int, end: int, findings: Findings, out: Classified
) -> None:
    found = []
    for fig in (f.shifted(start) for f in casualty_figures(model_text[start:end])):
        counts = figure_counts(text, fig.end, fig.sentence_end)
        kind = kind_near(text, *fig)
        if counts == "things" or kind is None:
            continue
        found.append((fig, kind, counts))
    if not found:
        return
    groups = [a.name for a in out.actors if a.kind == "armed_group"]
    affected = tuple(dict.fromkeys([*findings.sides, *groups, "civilians", "both sides"]))
    claimants = tuple(dict.fromkeys(a.name for a in out.actors if a.kind not in ("civilians", "other")))[:24]
    listing = [
        f"“{text[f.start : f.end]}” in: {' '.join(text[f.sentence_start : f.sentence_end].split())}"
        for f, _k, _c in found
    ]
    figures = [" ".join(text[f.start : f.end].split()) for f, _k, _c in found]
    answers = passes.label_figures(model_text[start:end], figures, listing, affected, claimants)
    forms = {a.name: [a.name, *a.forms] for a in out.actors if a.name in claimants}
    previous: dict[int, str | None] = {}
    for (fig, kind, counts), (model_affected, model_claimant) in zip(found, answers, strict=True):
        after = " ".join(_WORDS.findall(text[fig.end : min(fig.sentence_end, fig.end + 40)])[:3])
        named = next((g for g in groups if _mentions(after, g)), None)
        nation = nationality_before(text, fig.start, fig.end, fig.sentence_end)
        if counts == "civilians":
            who: str | None = "civilians"
        elif named or nation:
            who = named or nation
        elif counts is None and fig.sentence_start in previous:
            who = previous[fig.sentence_start]  # "64 Russian fighters ... and 87 more wounded"
        elif _CIVILIAN_WORDS.search(text[fig.sentence_start : fig.sentence_end]) and not _MILITARY_WORDS.search(
            text[fig.sentence_start : fig.sentence_end]
        ):
            who = "civilians"  # "shelling hit houses and wounded seven"
        else:
            who = None if model_affected == labels.NONE else model_affected
        previous[fig.sentence_start] = who
        if any(f.kind == kind and _same_figure(text, f.figure, fig) for f in out.figures):
            continue  # the same figure told again ("two people died on the spot")
        # Who gives the figure: the verb of saying of its sentence, or of the next one ("...,
        # according to a Ukrainian close to the action. Serhiy Haidai ... said"). The model's pick
        # is not used: where the text names no source, the article states the figure itself.
        following = next((s for s in sentences(text[fig.sentence_end :])), None)
        nxt = text[fig.sentence_end + following[0] : fig.sentence_end + following[1]] if following else ""
        claimant = claimant_in(text[fig.sentence_start : fig.sentence_end], forms) or claimant_in(nxt, forms)
        del model_claimant
        out.figures.append(FoundFigure(fig, kind, who, claimant))


_CIVILIAN_WORDS = re.compile(
    r"\b(?:civilians?|residents?|people|children|homes?|houses?|apartments?|hospitals?)\b", re.IGNORECASE
)
_MILITARY_WORDS = re.compile(r"\b(?:soldiers?|troops|servicemen|fighters|forces|army|military|mercenar\w+)\b", re.I)


def _same_figure(text: str, a: CasualtyFigure, b: CasualtyFigure) -> bool:
    """Two mentions of one figure: the same number read from both ("2", "two", "Two")."""
    pa, pb = parse_figure(text[a.start : a.end]), parse_figure(text[b.start : b.end])
    return pa is not None and pb is not None and (pa.count, pa.low, pa.high) == (pb.count, pb.low, pb.high)
