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
