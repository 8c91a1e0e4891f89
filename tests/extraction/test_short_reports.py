"""Short event reports keep their event (issue 18: "Short event reports lose their events").

The issue named three one-sentence reports the pipeline once answered with a figure but no event,
or with nothing: a suicide bombing, a kidnapping and a ceasefire. Their sentences, completed with
a place where the issue cut them off, are in `tests/data/short_reports/`; the answers of the
default model (the default prompt) to them were recorded live into `cassettes/` and replay here. Each must
give its one event, of the ACLED type the guide gives it, at its place, with the roles the
sentence states and no others.

Re-record after a prompt or schema change, one report at a time:
    summarizer --record summarize tests/data/short_reports/<name>.txt -m local/qwen2.5-coder-1.5b
"""

from __future__ import annotations

import pytest

from summarizer import inputs as articles
from summarizer.config import DEFAULT_PROMPT, Settings
from summarizer.contract import SummaryDocument
from summarizer.errors import CassetteMissError
from summarizer.extraction import summarize
from tests.clihelp import ROOT

REPORTS = ROOT / "tests" / "data" / "short_reports"
LOCAL_MODEL = "local/qwen2.5-coder-1.5b"

# name -> (event type, its place, its `by`, its `victims`)
CASES = {
    "cameroon_bombers": ("explosion_remote_violence", "Cameroon", ["female suicide bombers"], ["people"]),
    "cairo_kidnapping": ("violence_against_civilians", "Cairo", ["Egyptian undercover forces"], ["Esraa Abdel Fattah"]),
    "zabadani_ceasefire": ("strategic_development", "Zabadani", [], []),
}


def _brief(name: str) -> SummaryDocument:
    article = articles.from_text((REPORTS / f"{name}.txt").read_text(encoding="utf-8"), id=name, origin="file")
    settings = Settings(offline=True, cassette_dir=ROOT / "cassettes", prompt_version=DEFAULT_PROMPT)
    try:
        return summarize(article, LOCAL_MODEL, settings)
    except CassetteMissError as exc:
        pytest.fail(
            f"{exc.one_line()}\nre-record: summarizer --record summarize tests/data/short_reports/{name}.txt "
            f"-m {LOCAL_MODEL}"
        )


@pytest.mark.parametrize("name", sorted(CASES))
def test_a_one_sentence_report_gives_its_event_with_its_place_and_roles(name: str) -> None:
    kind, place, by, victims = CASES[name]
    doc = _brief(name)
    (event,) = doc.events
    places = {loc.id: loc.name for loc in doc.locations}
    assert event.type == kind
    assert [places[i] for i in event.location_ids] == [place]
    assert [f.name for f in event.by] == by
    assert [f.name for f in event.victims] == victims
    assert not event.against


def test_a_country_s_forces_by_a_branch_word_are_its_armed_forces_on_its_stated_side() -> None:
    """ "Egyptian undercover forces": a branch word (rule force.branch_words) between the
    nationality and the force noun leaves them the country's forces, on its side, stated."""
    doc = _brief("cairo_kidnapping")
    forces = next(a for a in doc.actors if a.name == "Egyptian undercover forces")
    assert (forces.kind, forces.side, forces.side_basis) == ("armed_forces", "Egypt", "stated")


def test_the_bombing_s_toll_is_the_civilians_it_killed_and_no_figure_is_invented() -> None:
    doc = _brief("cameroon_bombers")
    (toll,) = doc.casualties
    (event,) = doc.events
    assert (toll.kind, toll.low, toll.count, toll.raw) == ("killed", 10, None, "at least 10")
    assert toll.affected == "civilians" and toll.event_id == event.id
    assert not _brief("zabadani_ceasefire").casualties


def test_an_event_a_wire_s_sentence_does_not_place_happens_where_the_wire_names() -> None:
    """A wire that is all lead (headline and one or two sentences) happens where it names: its
    one town, region or facility, else its one country's part, else its one country named as a
    place. A country named only inside a finer place's name, or two places at the same level,
    give no place; a longer report's event is never placed so."""
    from summarizer.extraction._events import _add, story_places, whole_story
    from summarizer.extraction._findings import PlaceFact
    from summarizer.extraction._found import Classified, FoundPlace

    wire = (
        "14 Militants Killed in Zenda\n\n"
        "Ruritanian helicopters attacked a training camp early Tuesday, killing at least 14 militants."
    )
    body = wire.index("\n")
    zenda = FoundPlace("Zenda", [], PlaceFact("settlement", "Ruritania"))
    ruritania = FoundPlace("Ruritania", [], PlaceFact("country", "Ruritania"))
    assert whole_story(wire, body)
    assert story_places(wire, body, [zenda, ruritania]) == ["Zenda"]  # the finest level
    assert story_places(wire, body, [ruritania]) == []  # "Ruritanian" is no mention of the country
    hofbau = FoundPlace("Hofbau", [], PlaceFact("settlement", "Ruritania"))
    two = wire.replace("a training camp", "a training camp near Hofbau")
    assert story_places(two, body, [zenda, hofbau]) == []  # two towns: which one is not said
    relations = "Ruritania, Borduria relations worsen\n\nNine peacekeepers were killed in an air raid last week."
    assert story_places(relations, relations.index("\n"), [ruritania]) == ["Ruritania"]

    s, e = body + 2, len(wire)
    out = Classified(places=[zenda])
    _add(wire, s, e, "explosion_remote_violence", out, {"Zenda": "settlement"}, None, ["Zenda"])
    assert [(ev.type, ev.places) for ev in out.events] == [("explosion_remote_violence", ["Zenda"])]
    out = Classified(places=[zenda])
    _add(wire, s, e, "explosion_remote_violence", out, {"Zenda": "settlement"}, None)
    assert out.events == []  # a longer report's sentence that names no place is no event
    longer = wire + " The camp had been quiet for a year. Talks resume on Monday."
    assert not whole_story(longer, body)
