"""Property tests at the document level: whatever the model answers, `document.ground()` only
lets through what the article supports.

For random articles and random model outputs (names, quotes and figures drawn from pieces of
the article, perturbed pieces, and strings that are not in it):
- every span of the grounded result is exact: `text == article.text[start:end]`, in bounds;
- every casualty number was written in the article: each of count/low/high is a number of the
  figure as it stands in the article (`numbers.numbers_in`) or a vague quantifier's bound, and
  the figure's `raw` is the article's own text at its first evidence span;
- ids are unique and every reference (event -> actors/locations, casualty -> event) resolves;
- an item whose every name, quote or figure is absent from the article never survives.
"""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from summarizer import inputs as articles
from summarizer import text as numbers
from summarizer.contract import ACTOR_KINDS, CASUALTY_KINDS, EVENT_TYPES, LOCATION_KINDS
from summarizer.extraction import Extraction, ground
from summarizer.extraction._shapes import (
    Casualties,
    Entities,
    Events,
    ExtractedActor,
    ExtractedCasualty,
    ExtractedEvent,
    ExtractedLocation,
)

NAMES = ["Bakhmut", "Kharkiv", "Wagner Group", "Yevgeny Prigozhin", "Ukraine's 3rd Assault Brigade",
         "Russian forces", "the General Staff", "Odesa", "Kherson region", "civilians"]  # fmt: skip
FIGURES = ["64", "1,200", "at least 40", "as many as 500", "dozens", "hundreds", "three", "twenty-five",
           "between 10 and 20", "about 2,000", "a dozen", "more than 1.5 million", "thousands"]  # fmt: skip
VERBS = ["were killed", "were wounded", "were captured", "went missing", "were casualties", "shelled",
         "retreated from", "attacked", "said", "reported"]  # fmt: skip
FILLER = ["on Tuesday", "near the front", "according to officials", "in the fighting", "overnight",
          "the 3rd", "in 2023", "Su-25", "2.5 km"]  # fmt: skip
# Strings an article built from the lists above cannot contain.
INVENTED = ["Atlantis", "Zorgon Legion", "99,999", "seventeen thousand and three", "Narnia",
            "Imaginary Battalion", "QQQ"]  # fmt: skip


@st.composite
def article_text(draw: Any) -> str:
    sentences = []
    for _ in range(draw(st.integers(1, 8))):
        parts = [draw(st.sampled_from(NAMES)), draw(st.sampled_from(VERBS))]
        if draw(st.booleans()):
            parts.insert(0, draw(st.sampled_from(FIGURES)))
        if draw(st.booleans()):
            parts.append(draw(st.sampled_from(NAMES)))
        if draw(st.booleans()):
            parts.append(draw(st.sampled_from(FILLER)))
        sentences.append(" ".join(parts) + draw(st.sampled_from([".", ".", "!", ";"])))
    seps = st.sampled_from([" ", " ", "\n", "\n\n"])
    text = ""
    for s in sentences:
        text += s + draw(seps)
    return text


def _piece(draw: Any, text: str) -> str:
    """A string the model might answer with: a slice of the article (possibly perturbed), one
    of the article's own words lists, or something the article does not contain."""
    how = draw(st.integers(0, 5))
    if how == 0:
        i = draw(st.integers(0, len(text) - 1))
        j = draw(st.integers(i + 1, min(len(text), i + 60)))
        return text[i:j]
    if how == 1:
        words = text.split()
        i = draw(st.integers(0, len(words) - 1))
        j = draw(st.integers(i + 1, min(len(words), i + 8)))
        piece = " ".join(words[i:j])
        return draw(st.sampled_from([piece, piece.upper(), piece.lower(), piece.replace("'", "\u2019")]))
    if how == 2:
        return draw(st.sampled_from(NAMES + FIGURES))
    if how == 3:
        return draw(st.sampled_from(INVENTED))
    if how == 4:
        return draw(st.text(max_size=30))
    return str(draw(st.integers(0, 10**7)))


@st.composite
def model_output(draw: Any, text: str) -> tuple[Entities, Events, Casualties]:
    def piece() -> str:
        return _piece(draw, text)

    actors = [
        ExtractedActor(
            name=piece(),
            aliases=[piece() for _ in range(draw(st.integers(0, 2)))],
            kind=draw(st.sampled_from(ACTOR_KINDS)),
            side=draw(st.sampled_from([None, "Russia", "Ukraine", "null"])),
        )
        for _ in range(draw(st.integers(0, 5)))
    ]
    locations = [
        ExtractedLocation(
            name=piece(),
            kind=draw(st.sampled_from(LOCATION_KINDS)),
            admin1=None,
            country=draw(st.sampled_from([None, "Ukraine"])),
        )
        for _ in range(draw(st.integers(0, 4)))
    ]
    events = [
        ExtractedEvent(
            quote=piece(),
            type=draw(st.sampled_from(EVENT_TYPES)),
            description=piece(),
            date=draw(st.sampled_from([None, "2023-05-09", "yesterday"])),
            locations=[piece() for _ in range(draw(st.integers(0, 2)))],
            actors=[piece() for _ in range(draw(st.integers(0, 2)))],
        )
        for _ in range(draw(st.integers(0, 4)))
    ]
    casualties = [
        ExtractedCasualty(
            quote=piece(),
            kind=draw(st.sampled_from(CASUALTY_KINDS)),
            figure=piece(),
            affected=draw(st.sampled_from([None, "Russia", "civilians"])),
            claimed_by=draw(st.sampled_from([None, "the General Staff"])),
        )
        for _ in range(draw(st.integers(0, 6)))
    ]
    return Entities(actors=actors, locations=locations), Events(events=events), Casualties(casualties=casualties)


def _check(text: str, extraction: Extraction) -> None:
    article = articles.Article(id="p", text=text)
    g = ground(article, extraction)

    def exact(span: Any) -> None:
        assert 0 <= span.start < span.end <= len(text), span
        assert text[span.start : span.end] == span.text, span

    for a in g.actors:
        assert a.mentions
        for s in a.mentions:
            exact(s)
    for loc in g.locations:
        assert loc.mentions
        for s in loc.mentions:
            exact(s)
    for e in g.events:
        assert e.evidence
        for s in e.evidence:
            exact(s)
    for c in g.casualties:
        assert c.evidence
        for s in c.evidence:
            exact(s)
        figure = c.evidence[0]
        assert c.raw == figure.text  # the figure as the article writes it, at that place
        written = set(numbers.numbers_in(c.raw))
        values = [v for v in (c.count, c.low, c.high) if v is not None]
        assert values, c
        for v in values:
            assert v in written or v in numbers.VAGUE_BOUNDS, (c.raw, v)
    # ids unique, references resolve
    ids = [a.id for a in g.actors] + [x.id for x in g.locations] + [e.id for e in g.events]
    ids += [c.id for c in g.casualties]
    assert len(ids) == len(set(ids))
    actor_ids, location_ids, event_ids = {a.id for a in g.actors}, {x.id for x in g.locations}, {e.id for e in g.events}
    for e in g.events:
        assert set(e.actor_ids) <= actor_ids and set(e.location_ids) <= location_ids
    for c in g.casualties:
        assert c.event_id is None or c.event_id in event_ids
    # what is invented everywhere does not survive
    lowered = text.lower()
    for a in g.actors:
        assert any(s.text.lower() in lowered for s in a.mentions)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(data=st.data())
def test_property_grounded_documents_are_exact_and_invent_no_numbers(data: st.DataObject) -> None:
    text = data.draw(article_text())
    extraction = Extraction()
    for _ in range(data.draw(st.integers(1, 2))):  # one or two chunks' worth of answers
        ents, evs, cas = data.draw(model_output(text))
        extraction.add(ents, evs, cas, data.draw(st.integers(0, len(text))))
    extraction.summary = _piece(data.draw, text)
    _check(text, extraction)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=article_text(), data=st.data())
def test_property_items_made_only_of_invented_strings_are_dropped(text: str, data: st.DataObject) -> None:
    def invented() -> str:
        return data.draw(st.sampled_from(INVENTED))

    ents = Entities(
        actors=[ExtractedActor(name=invented(), aliases=[invented()], kind="armed_group", side=None)],
        locations=[ExtractedLocation(name=invented(), kind="settlement", admin1=None, country=None)],
    )
    evs = Events(events=[ExtractedEvent(quote=invented(), type="battle", description="x", date=None,
                                        locations=[], actors=[])])  # fmt: skip
    cas = Casualties(casualties=[ExtractedCasualty(quote=invented(), kind="killed", figure=invented(),
                                                   affected=None, claimed_by=None)])  # fmt: skip
    extraction = Extraction()
    extraction.add(ents, evs, cas, 0)
    g = ground(articles.Article(id="p", text=text), extraction)
    assert (g.actors, g.locations, g.events, g.casualties) == ([], [], [], [])
    d = g.dropped
    assert (d.actors, d.locations, d.events, d.casualties) == (1, 1, 1, 1)
