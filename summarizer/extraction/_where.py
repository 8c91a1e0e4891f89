"""Where the document's places are, chosen after the model answered: each place's country,
first-level region, precision and point from the article's context (`nlp.situate`).

Nothing here reaches a model request: the candidates and countries code offers the model are
settled before (`_findings`), and this step only reads the finished locations and the text.
"""

from __future__ import annotations

from summarizer.contract import Location
from summarizer.nlp import Gazetteer, PlaceRef, situate


def place_locations(text: str, locations: list[Location], gazetteer: Gazetteer | None = None) -> None:
    """Set each location's country (where the context decides it), admin1, precision and point.
    A country already found stays unless the context places the town elsewhere, or the place is
    in no country at all (a sea, a continent: the country is dropped); an admin1 the context
    does not give is left as it was."""
    if not locations:
        return
    refs = [
        PlaceRef(loc.name, loc.kind, loc.country, tuple((m.start, m.end) for m in loc.mentions)) for loc in locations
    ]
    for loc, where in zip(locations, situate(text, refs, gazetteer), strict=True):
        loc.country = None if where.in_no_country else where.country or loc.country
        loc.admin1 = where.admin1 or loc.admin1
        loc.precision = where.precision  # type: ignore[assignment]
        loc.latitude = where.latitude
        loc.longitude = where.longitude
