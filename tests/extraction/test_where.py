"""Where a document's places are, set after the model answered (`extraction._where`)."""

from __future__ import annotations

from summarizer.extraction._where import place_locations
from tests.placehelp import locations_in


def test_a_place_the_model_called_a_country_is_shown_as_what_the_gazetteer_placed() -> None:
    """A town or a region the model labelled a country is placed as the town or region it is, and
    its kind says so; a real country keeps its kind."""
    text = "Missiles hit Melitopol and Dagestan on Monday, Ukraine and Russia said."
    town, dagestan, ukraine = locations_in(
        text, [("Melitopol", "country", "Ukraine"), ("Dagestan", "country", "Russia"), ("Ukraine", "country", None)]
    )
    place_locations(text, [town, dagestan, ukraine])
    assert (town.kind, town.precision, town.country) == ("settlement", 1, "Ukraine")
    assert (dagestan.kind, dagestan.precision) == ("region", 2)
    assert (ukraine.kind, ukraine.precision) == ("country", 3)
