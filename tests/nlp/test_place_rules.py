"""Issue 18: the word tables of summarizer/nlp are rules (places.toml, countries.toml,
not_incident.toml) the code reads at use time: each consumer changes when its rule is switched
off, and is back after. Fast: no model, no spaCy, no gazetteer index."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from summarizer import rules
from summarizer.nlp._clauses import _attribution
from summarizer.nlp._gazetteer import _region_suffix, country_name, spans_regions
from summarizer.nlp._places import NEAR_KM, _allowed_km, _offset, _region_named, _tied_to


def _km(between: str) -> float | None:
    m = _offset().fullmatch(between)
    return _allowed_km(m) if m else None


SIX_MILES = max(15.0, 1.5 * 6 * 1.609 + 10)
CHECKS: list[tuple[str, Callable[[], Any], Any, Any]] = [
    ("place.region_suffix", lambda: _region_suffix().sub("", "Zenda Voivodeship"), "Zenda", "Zenda Voivodeship"),
    ("place.spans_regions", lambda: spans_regions("Balkans"), True, False),
    ("place.region_named", lambda: bool(_region_named().search("Drones fell in the Zenda region.")), True, False),
    ("place.offset", lambda: _km(", six miles south of "), SIX_MILES, None),
    ("place.distance_numbers", lambda: _km(", six miles south of "), SIX_MILES, NEAR_KM),
    ("place.tied_to", lambda: bool(_tied_to().match(" in Strelsau", 0)), True, False),
    ("country.name.cz", lambda: country_name("CZ"), "Czech Republic", None),
    (
        "not_incident.attribution_kept",
        lambda: bool(_attribution().search("Two died, according to police.")),
        True,
        False,
    ),
]


@pytest.mark.parametrize(("rule", "probe", "on", "off"), CHECKS, ids=[c[0] for c in CHECKS])
def test_a_moved_table_reaches_its_consumer_and_switches_off_with_its_rule(
    rule: str, probe: Callable[[], Any], on: Any, off: Any
) -> None:
    with rules.everything_on():
        assert probe() == on
        with rules.disabled([rule]):
            assert probe() != on if off is None else probe() == off
        assert probe() == on
