"""The gazetteer: countries and towns from GeoNames, never a guess."""

from __future__ import annotations

from summarizer.nlp import Gazetteer, capital_of, find_country

UA_RU = frozenset({"UA", "RU"})


def test_towns_of_the_war_resolve_to_their_country() -> None:
    gaz = Gazetteer()
    for name in ("Bakhmut", "Izyum", "Kupyansk", "Kupiansk", "Vovchansk", "Avdiivka", "Kyiv", "Kiev"):
        place = gaz.resolve(name, UA_RU)
        assert place is not None and place.country == "Ukraine", name
    moscow = gaz.resolve("Moscow", UA_RU)
    assert moscow is not None and moscow.country == "Russia"


def test_a_tiny_namesake_in_a_mentioned_country_does_not_beat_a_capital() -> None:
    berlin = Gazetteer().resolve("Berlin", UA_RU)  # a village of 613 people in Russia, and Germany's capital
    assert berlin is not None and berlin.country == "Germany"


def test_unknown_names_are_none_not_a_guess() -> None:
    gaz = Gazetteer()
    assert gaz.resolve("Klishchiivka", UA_RU) is None  # a village GeoNames' 500+ list does not have
    assert gaz.resolve("Victory Day", UA_RU) is None
    assert gaz.resolve("Andriivka", frozenset()) is None  # small places, no country named: not guessed


def test_countries_by_the_names_news_use() -> None:
    assert find_country("U.S.").country == "United States"  # type: ignore[union-attr]
    assert find_country("Britain").country == "United Kingdom"  # type: ignore[union-attr]
    assert find_country("Czech Republic").country == "Czech Republic"  # type: ignore[union-attr]
    assert find_country("Bakhmut") is None
    assert capital_of("Kyiv") == "Ukraine" and capital_of("Moscow") == "Russia"
