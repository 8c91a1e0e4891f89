"""brief-v4's linking of places: where an unknown place is, read from words the gazetteer knows
well enough."""

from __future__ import annotations

from summarizer.extraction._findings import find
from summarizer.extraction._linking import _country_within, _named_place_country


def test_a_hamlet_abroad_says_nothing_about_where_a_place_is() -> None:
    text = (
        "Nord Stream Explosion in Advance. The United States knew about the attack on the Nord Stream "
        "pipeline in the Baltic Sea. Russia shelled the Zaporozhye Nuclear Power Plant in Ukraine."
    )
    findings, places = find(text)
    lookup = _named_place_country(findings, places)
    assert lookup("Advance") is None  # a hamlet in the United States, which the article names
    assert lookup("Baltic") is None
    assert lookup("Zaporozhye") == "Ukraine"  # a city's other spelling
    assert lookup("Ukraine") == "Ukraine"
    assert _country_within("Baltic Sea", places, lookup) is None
    assert _country_within("Zaporozhye Nuclear Power Plant", places, lookup) == "Ukraine"
