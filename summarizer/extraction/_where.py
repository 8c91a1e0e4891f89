"""Where the document's places are, chosen after the model answered: each place's country,
first-level region, precision and point from the article's context (`nlp.situate`).

Nothing here reaches a model request: the candidates and countries code offers the model are
settled before (`_findings`), and this step only reads the finished locations and the text.
"""

from __future__ import annotations

from summarizer.contract import Location, LocationKind
from summarizer.nlp import PRECISION_REGION, PRECISION_SETTLEMENT, Gazetteer, PlaceRef, situate

# What a place the model called a country is, by the precision the gazetteer placed it at: a
# country is always placed at a country's precision, so a finer one says it is no country
# ("Strelsau" found as a town of Ruritania, "Zenda" as its first-level region). Only the kind
# shown changes: events and figures were settled before (they read the model's kind).
_KIND_AT: dict[int, LocationKind] = {PRECISION_SETTLEMENT: "settlement", PRECISION_REGION: "region"}


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
        if loc.kind == "country" and where.precision in _KIND_AT:  # no country bears the name
            loc.kind = _KIND_AT[where.precision]  # the model's "country" placed as a town or a region
        loc.country = None if where.in_no_country else where.country or loc.country
        loc.admin1 = where.admin1 or loc.admin1
        loc.precision = where.precision  # type: ignore[assignment]
        loc.latitude = where.latitude
        loc.longitude = where.longitude
