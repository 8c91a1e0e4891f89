"""brief-v4 end to end on real article text, with a fake model that answers under the grammar:
code finds, the model only picks from closed lists, code links, dates and checks."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from summarizer import rules
from summarizer.config import Settings
from summarizer.extraction import summarize
from summarizer.inputs import from_text
from summarizer.text import CUT_MARK, copies_article, decided_by_words, numbers_in, unsupported
from tests.conftest import article_text
from tests.fakeserver import FakeModelServer, Responder, _schema, labeller


def _run(fake_model: Callable[[Responder], FakeModelServer], settings: Settings, responder: Responder, name: str):  # type: ignore[no-untyped-def]
    server = fake_model(responder)
    text = article_text(name)
    doc = summarize(from_text(text, id=name, origin="file"), "fake/v4", replace(settings, prompt_version="brief-v4"))
    return server, text, doc


def test_every_span_is_exact_and_every_name_is_the_articles(fake_model, fast_settings) -> None:  # type: ignore[no-untyped-def]
    _server, text, doc = _run(fake_model, fast_settings, labeller(), "EN_UA_026036.txt")
    spans = [s for a in doc.actors for s in a.mentions] + [s for loc in doc.locations for s in loc.mentions]
    spans += [s for e in doc.events for s in e.evidence] + [s for c in doc.casualties for s in c.evidence]
    assert spans and all(text[s.start : s.end] == s.text for s in spans)
    for item in doc.actors:
        assert item.name in text and all(alias in text for alias in item.aliases)
    for loc in doc.locations:
        assert loc.name in text
    assert doc.provenance.prompt_version == "brief-v4"


def test_places_get_their_country_from_the_gazetteer_not_the_model(fake_model, fast_settings) -> None:  # type: ignore[no-untyped-def]
    _server, _text, doc = _run(fake_model, fast_settings, labeller(name=lambda o: "settlement"), "EN_UA_026036.txt")
    countries = {loc.name: loc.country for loc in doc.locations}
    assert countries["Vovchansk"] == "Ukraine"
    assert countries["Izyum"] == "Ukraine"
    assert countries.get("Moscow") in (None, "Russia")


def test_figures_are_the_articles_own_and_things_are_not_people(fake_model, fast_settings) -> None:  # type: ignore[no-untyped-def]
    _server, text, doc = _run(fake_model, fast_settings, labeller(), "EN_UA_026036.txt")
    raws = [c.raw for c in doc.casualties]
    assert raws, "the wounded figures of the article"
    assert all(c.raw in text for c in doc.casualties)
    assert "more than 30" not in raws and "30" not in raws  # villages, not people
    assert "5,762" not in raws  # evacuated, not hurt
    wounded = [c for c in doc.casualties if c.kind == "wounded"]
    assert wounded and all(c.claimed_by == "Oleg Synegubov" for c in wounded if "Synegubov" in c.evidence[-1].text)


def test_events_are_sentences_linked_to_the_places_they_name(fake_model, fast_settings) -> None:  # type: ignore[no-untyped-def]
    _server, text, doc = _run(
        fake_model, fast_settings, labeller(event="explosion_remote_violence"), "EN_UA_026036.txt"
    )
    assert doc.events
    places = {loc.id: loc for loc in doc.locations}
    for event in doc.events:
        sentence = event.evidence[0].text
        own = event.description.removesuffix(CUT_MARK)  # a long sentence is cut at a clause boundary
        assert own in " ".join(sentence.split())  # the article's words, never written text
        if event.type != "strategic_development":
            assert event.location_ids, "a strike or a battle is reported at a place"
        for lid in event.location_ids:
            assert any(m.text in sentence for m in places[lid].mentions)


def test_not_an_event_is_a_real_answer(fake_model, fast_settings) -> None:  # type: ignore[no-untyped-def]
    """The model's "no event" stands, except for a sentence whose own words settle one type
    (`decided_by_words`): only those are events, of that type."""
    _server, _text, everything = _run(fake_model, fast_settings, labeller(), "EN_UA_026036.txt")
    _server, _text, doc = _run(fake_model, fast_settings, labeller(event="not_an_event"), "EN_UA_026036.txt")
    assert doc.events
    for event in doc.events:
        assert decided_by_words(event.evidence[0].text) == event.type
    undecided = [e for e in everything.events if decided_by_words(e.evidence[0].text) is None]
    assert undecided  # the model's word made these events; its "no" removes them
    assert not {e.evidence[0].start for e in undecided} & {e.evidence[0].start for e in doc.events}


def test_the_summary_is_composed_from_the_facts_and_says_only_what_the_article_says(fake_model, fast_settings) -> None:  # type: ignore[no-untyped-def]
    server, text, doc = _run(fake_model, fast_settings, labeller(), "EN_UA_026036.txt")
    assert 1 <= doc.summary.count(". ") + 1 <= 4
    assert unsupported(doc.summary, text) == []
    assert not copies_article(doc.summary, text)
    assert set(numbers_in(doc.summary)) <= set(numbers_in(text))
    assert len(server.requests) == 4  # names, sides, events, figures: no call writes text


def test_the_grammar_offers_only_the_articles_actors_as_claimants(fake_model, fast_settings) -> None:  # type: ignore[no-untyped-def]
    server, text, _doc = _run(fake_model, fast_settings, labeller(), "EN_UA_026036.txt")
    figures = [r for r in server.requests if _schema(r).get("title") == "FigureLabels"]
    assert figures
    claimants = _schema(figures[0])["$defs"]["Claimant"]["enum"]
    assert claimants[-1] == "none"
    assert all(c in text for c in claimants[:-1])


def test_a_headline_figure_is_read_where_the_body_tells_it_again(fake_model, fast_settings) -> None:  # type: ignore[no-untyped-def]
    _server, text, doc = _run(fake_model, fast_settings, labeller(), "EN_UA_010095.txt")
    killed = [c for c in doc.casualties if c.kind == "killed"]
    assert len(killed) == 1 and killed[0].count == 2  # "killing 2" in the title, "two civilians" below: one figure
    assert killed[0].affected == "civilians"  # what the body says of the two
    assert killed[0].evidence[0].start > text.index("\n")  # its evidence is the body's sentence


def test_an_article_that_is_only_its_headline_is_its_own_lead(fake_model, fast_settings) -> None:  # type: ignore[no-untyped-def]
    """A one-sentence report is its own lead: its event is asked about and kept, placed at the
    country the sentence puts it in, with its roles (the headline of a longer article is still
    no incident)."""
    fake_model(labeller(event="explosion_remote_violence"))
    text = "Two female suicide bombers killed at least 10 people outside a mosque in Cameroon."
    doc = summarize(
        from_text(text, id="one", origin="file"), "fake/v5", replace(fast_settings, prompt_version="brief-v5")
    )
    assert [e.type for e in doc.events] == ["explosion_remote_violence"]
    assert [f.name for f in doc.events[0].by] == ["female suicide bombers"]
    assert [loc.name for loc in doc.locations] == ["Cameroon"]


def test_an_institution_that_gives_a_figure_is_its_claimant_and_an_actor(fake_model, fast_settings) -> None:  # type: ignore[no-untyped-def]
    """Guide, Claimants: "police said" makes the police an actor and the figure's claimed_by;
    a bare "officials said" names no claimant."""
    fake_model(labeller())
    settings = replace(fast_settings, prompt_version="brief-v4")
    police = "A bomb exploded outside a bar in the town of Yala on Thursday, wounding 15 people, police said."
    doc = summarize(from_text(police, id="police", origin="file"), "fake/v4", settings)
    assert [c.claimed_by for c in doc.casualties] == ["police"]
    actor = next(a for a in doc.actors if a.name == "police")
    assert actor.kind == "other" and actor.side is None
    assert actor.mentions and all(police[m.start : m.end] == m.text for m in actor.mentions)
    officials = police.replace("police said", "officials said")
    doc = summarize(from_text(officials, id="officials", origin="file"), "fake/v4", settings)
    assert [c.claimed_by for c in doc.casualties] == [None]


def test_a_headline_figure_without_the_bodys_qualifier_is_the_same_figure() -> None:
    """A headline's "Wounds 38" and a body's "wounding at least 38 people" are one figure (the
    guide: the same figure repeated is one item); two bodies' figures stay apart unless equal."""
    from summarizer.extraction._classify import _same_figure
    from summarizer.text import casualty_figures

    text = (
        "Bomb Explosion in Zenda Wounds 38\n\nZENDA (Reuters) - A bomb tore through a building on Tuesday, "
        "wounding at least 38 people. Later 38 more were wounded."
    )
    head, body, later = casualty_figures(text)
    assert _same_figure(text, head, body, loosely=True)
    assert not _same_figure(text, head, body)
    assert not _same_figure(text, body, later)
    told = "Two people were killed in Zenda. The station said two people had died at the scene."
    assert _same_figure(told, *casualty_figures(told))
    # two people each brought in by an indefinite article are two, unless a headline tells it
    two = "A Ruritanian woman was shot dead in Zenda. Outside Hofbau a Bordurian man died in a crash."
    first, second = casualty_figures(two)
    assert not _same_figure(two, first, second)
    assert _same_figure(two, first, second, loosely=True)


def test_a_clock_time_or_an_age_is_no_count_of_people() -> None:
    """Numbers the figures pass may be asked about that count no one: "at around 5 a.m.",
    "between the ages of 13 and 19" (rules figures.clock_time and figures.age)."""
    from summarizer.extraction._classify import _not_a_count
    from summarizer.text import casualty_figures

    text = (
        "Gunmen killed 68 people, singling out boys between the ages of 13 and 19. "
        "A survivor said the attackers came into the village at around 5 a.m. Another 12 were wounded."
    )
    found = {text[f.start : f.end]: _not_a_count(text, f) for f in casualty_figures(text)}
    assert found["68"] is False and found["12"] is False
    assert found["19"] is True and found["around 5"] is True
    with rules.disabled(["figures.age", "figures.clock_time"]):
        assert not any(_not_a_count(text, f) for f in casualty_figures(text))


def test_the_day_of_a_date_or_a_count_of_things_is_no_count_of_people() -> None:
    """The day of a date ("on Feb. 15, killing two", "on 15 February") and a number whose noun
    names things ("five Bordurian-supplied missiles", "two explosions", "15 locations") are
    dropped after the model answered; the counts of people beside them stay."""
    from summarizer.extraction._classify import _not_a_count
    from summarizer.text import casualty_figures

    text = (
        "A car bomb hit Hofbau on Feb. 15, killing two police officers. "
        "Five Bordurian-supplied missiles killed four people on 15 February. "
        "Two explosions killed 12 people in Zenda, and 15 locations saw strikes. "
        "In Strelsau 20 soldiers were wounded."
    )
    found = [(text[f.start : f.end], _not_a_count(text, f)) for f in casualty_figures(text)]
    assert found == [
        ("15", True),
        ("two", False),
        ("Five", True),
        ("four", False),
        ("Two", True),
        ("12", False),
        ("15", True),
        ("20", False),
    ]
    with rules.disabled(["figures.thing_nouns"]):  # "explosions", "locations": read as people again
        assert [n for f in casualty_figures(text) if (n := text[f.start : f.end]) and _not_a_count(text, f)] == [
            "15",
            "Five",
        ]


def _too_long(limit: int, then: Responder) -> Responder:
    """A server that refuses, as llama-server does, a figures request listing more than `limit`
    figures (each comes with its sentence: the requests that outgrow a context)."""
    from tests.fakeserver import pass_name, status

    def respond(request: dict) -> object:  # type: ignore[type-arg]
        if pass_name(request) == "affectedlabels" and len(_schema(request)["properties"]) > limit:
            message = "request (9655 tokens) exceeds the available context size (8192 tokens), try increasing it"
            return status(400, message=message)
        return then(request)

    return respond


def test_figures_too_many_for_the_context_are_asked_in_parts_and_no_article_is_lost(fake_model, fast_settings) -> None:  # type: ignore[no-untyped-def]
    """A request the server refuses as longer than its context (a roundup of many tolls, or
    run-on text whose every figure comes with the whole text) is asked again in halves: every
    figure gets its answer, the article is not lost, and a request that fits is asked as before."""
    name = "EN_UA_026036.txt"
    server = fake_model(labeller())
    settings = replace(fast_settings, prompt_version="brief-v9")
    whole = summarize(from_text(article_text(name), id=name, origin="file"), "fake/v4", settings)
    asked = [len(_schema(r)["properties"]) for r in server.requests if _schema(r).get("title") == "AffectedLabels"]
    assert asked and asked[0] > 2, "the article's figures are asked in one request when they fit"
    server = fake_model(_too_long(2, labeller()))
    parts = summarize(from_text(article_text(name), id=name, origin="file"), "fake/v4", settings)
    sizes = [len(_schema(r)["properties"]) for r in server.requests if _schema(r).get("title") == "AffectedLabels"]
    assert sizes[0] == asked[0] and all(n <= 2 for n in sizes[1:]) and sum(n for n in sizes if n <= 2) == asked[0]
    assert [(c.raw, c.kind, c.affected) for c in parts.casualties] == [
        (c.raw, c.kind, c.affected) for c in whole.casualties
    ]
    assert not any("left out" in w for w in parts.provenance.warnings)


def test_a_pass_too_long_for_the_context_is_left_out_not_the_article(fake_model, fast_settings) -> None:  # type: ignore[no-untyped-def]
    """A figures list refused even one figure at a time costs that pass only: the article's
    other findings stand, with a warning that names the refusal."""
    name = "EN_UA_026036.txt"
    fake_model(_too_long(0, labeller()))
    doc = summarize(from_text(article_text(name), id=name, origin="file"), "fake/v4", fast_settings)
    assert doc.actors and doc.casualties
    assert all(c.affected is None for c in doc.casualties if c.affected != "civilians")
    assert any("pass figures left out" in w and "context size" in w for w in doc.provenance.warnings)


def test_an_international_body_is_never_a_place(fake_model, fast_settings) -> None:  # type: ignore[no-untyped-def]
    """A model that calls every name a country does not make the United Nations one (it was
    given the country of the town beside it): an international body (`international` in
    rules/groups.toml) is an organization actor, with no side."""
    fake_model(labeller(name=lambda options: "country"))
    text = (
        "The Ruritanian president used his visit to the United Nations in Strelsau to ask why Borduria "
        "keeps its seat. He said the UN was hostage to Bordurian policy."
    )
    settings = replace(fast_settings, prompt_version="brief-v4")
    doc = summarize(from_text(text, id="un", origin="file"), "fake/v4", settings)
    assert "United Nations" not in [loc.name for loc in doc.locations]
    body = next(a for a in doc.actors if a.name == "United Nations")
    assert body.kind == "organization" and body.side is None


def test_a_capital_named_for_its_government_is_on_its_own_countrys_side(fake_model, fast_settings) -> None:  # type: ignore[no-untyped-def]
    """ "Kyiv" as a government is Ukraine's, though the words after one of its mentions open a
    clause about the other side ("the Ukrainian capital Kyiv, Kremlin forces switched ...": read
    as an apposition, they had given it Russia's side, as stated)."""
    fake_model(labeller(name=lambda options: "government" if "government" in options else options[0]))
    text = (
        "After pulling back following a failed bid to capture the Ukrainian capital Kyiv, Kremlin forces "
        "switched their attention to Donbas. Kyiv said its troops had recaptured 390 square miles. "
        "Kyiv received more weapons."
    )
    settings = replace(fast_settings, prompt_version="brief-v4")
    doc = summarize(from_text(text, id="kyiv", origin="file"), "fake/v4", settings)
    kyiv = next(a for a in doc.actors if a.name == "Kyiv")
    assert (kyiv.kind, kyiv.side, kyiv.side_basis) == ("government", "Ukraine", "stated")
