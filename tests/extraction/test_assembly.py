"""brief-v3's grounding checks what the model wrote: an event date only when its sentence writes
that day, drops with their reasons (type conflicts apart from what the article does not say),
figures read in their sentence."""

from __future__ import annotations

from typing import Any

import pytest

from summarizer import inputs as articles
from summarizer.extraction import Extraction, ground
from summarizer.extraction._assembly import Grounded
from summarizer.extraction._shapes import (
    Casualties,
    Entities,
    Events,
    ExtractedActor,
    ExtractedCasualty,
    ExtractedEvent,
    ExtractedLocation,
)

TEXT = (
    "Russian forces shelled Kherson on May 9, the Victory Day of the Kremlin. "
    "The strike killed 1.5m people, the governor said.\n"
)


def _event(date: str | None) -> ExtractedEvent:
    return ExtractedEvent(
        quote="Russian forces shelled Kherson on May 9",
        type="explosion_remote_violence",
        description="Russian forces shelled Kherson.",
        date=date,
        locations=["Kherson"],
        actors=["Russian forces"],
    )


def _grounded(date: str | None, published: str | None = "2023-05-10", **entities: list[Any]) -> Grounded:
    extraction = Extraction()
    ents = Entities(actors=entities.get("actors", []), locations=entities.get("locations", []))
    extraction.add(ents, Events(events=[_event(date)]), Casualties(casualties=[]), 0)
    return ground(articles.Article(id="d", text=TEXT, published=published), extraction)


@pytest.mark.parametrize(
    ("model_date", "published", "kept", "counted"),
    [
        ("2023-05-09", "2023-05-10", "2023-05-09", 0),  # "May 9" in a 2023 article: the model is right
        ("2021-05-09", "2023-05-10", "2023-05-09", 1),  # the 0.5B model's year: code's date instead
        ("2023-05-08", "2023-05-10", "2023-05-09", 1),  # not the day the sentence writes
        (None, "2023-05-10", "2023-05-09", 0),  # the model gave none: code reads it
        ("unknown", "2023-05-10", "2023-05-09", 0),  # a small model's null
        ("2023-05-09", None, None, 1),  # no publication date: "May 9" has no year, nothing is guessed
    ],
)
def test_a_model_date_is_kept_only_when_its_sentence_writes_it(
    model_date: str | None, published: str | None, kept: str | None, counted: int
) -> None:
    g = _grounded(model_date, published)
    assert [e.date for e in g.events] == [kept]
    assert g.dropped.dates == counted and g.dropped.events == 0  # the event itself stays
    details = [d for d in g.dropped.details if d.reason == "date_not_in_text"]
    assert len(details) == counted
    if counted:
        assert details[0].item == model_date and details[0].message in g.dropped.items
        assert f"date {model_date!r} not in the article" in details[0].message


def test_drops_say_why_type_conflicts_apart_from_names_not_found() -> None:
    g = _grounded(
        None,
        actors=[
            ExtractedActor(name="Victory Day", aliases=[], kind="person", side=None),
            ExtractedActor(name="Imaginary Battalion", aliases=[], kind="military_unit", side=None),
        ],
        locations=[
            ExtractedLocation(name="Victory Day", kind="other", admin1=None, country=None),
            ExtractedLocation(name="Kherson", kind="settlement", admin1=None, country="Ukraine"),
        ],
    )
    reasons = {(d.field, d.item, d.reason) for d in g.dropped.details}
    assert ("locations", "Victory Day", "type_conflict") in reasons
    assert ("actors", "Imaginary Battalion", "not_found") in reasons
    assert [d.message for d in g.dropped.details] == g.dropped.items  # one line per drop, same words
    assert "locations: 'Victory Day' is an actor, not a place" in g.dropped.items
    assert g.dropped.locations == 1 and g.dropped.actors == 1


def test_a_figure_is_read_in_its_sentence() -> None:
    """A lone "1.5m" is a measure; the model's "1.5m" in "killed 1.5m people" is millions."""
    extraction = Extraction()
    cas = ExtractedCasualty(
        quote="The strike killed 1.5m people", kind="killed", figure="1.5m", affected=None, claimed_by=None
    )
    extraction.add(Entities(actors=[], locations=[]), Events(events=[]), Casualties(casualties=[cas]), 0)
    g = ground(articles.Article(id="d", text=TEXT), extraction)
    assert [(c.raw, c.count) for c in g.casualties] == [("1.5m", 1_500_000)]
