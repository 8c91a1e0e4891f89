"""Where a document's places are, set after the model answered (`extraction._where`)."""

from __future__ import annotations

import re

from summarizer.contract import Location, Span
from summarizer.extraction._where import place_locations


def _locations(text: str, places: list[tuple[str, str, str | None]]) -> list[Location]:
    return [
        Location(
            id=f"l{i}",
            name=name,
            kind=kind,  # type: ignore[arg-type]
            country=country,
            mentions=[Span(start=m.start(), end=m.end(), text=name) for m in re.finditer(re.escape(name), text)],
        )
        for i, (name, kind, country) in enumerate(places, 1)
    ]


def test_a_place_the_model_called_a_country_is_shown_as_what_the_gazetteer_placed() -> None:
    """A town or a region the model labelled a country is placed as the town or region it is, and
    its kind says so; a real country keeps its kind."""
    text = "Missiles hit Melitopol and Dagestan on Monday, Ukraine and Russia said."
    town, dagestan, ukraine = _locations(
        text, [("Melitopol", "country", "Ukraine"), ("Dagestan", "country", "Russia"), ("Ukraine", "country", None)]
    )
    place_locations(text, [town, dagestan, ukraine])
    assert (town.kind, town.precision, town.country) == ("settlement", 1, "Ukraine")
    assert (dagestan.kind, dagestan.precision) == ("region", 2)
    assert (ukraine.kind, ukraine.precision) == ("country", 3)
