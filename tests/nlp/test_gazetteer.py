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


def test_a_small_namesake_in_a_named_country_does_not_beat_a_world_city() -> None:
    gaz = Gazetteer()
    paris = gaz.resolve("Paris", frozenset({"US", "YE"}))  # Paris, Texas (24,782) against Paris, France
    assert paris is not None and paris.country == "France"
    tripoli = gaz.resolve("Tripoli", frozenset({"LB"}))  # a city of 229,398 in the country the story names
    assert tripoli is not None and tripoli.country == "Lebanon"
    london = gaz.resolve("London", frozenset())
    assert london is not None and london.country == "United Kingdom"


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


def test_locate_gives_the_point_of_a_place_in_its_country_or_none() -> None:
    gaz = Gazetteer()
    bakhmut = gaz.locate("Bakhmut", "Ukraine")
    assert bakhmut is not None and bakhmut.latitude is not None and bakhmut.longitude is not None
    assert 48 < bakhmut.latitude < 49 and 37 < bakhmut.longitude < 39
    assert gaz.locate("Ukraine", "Ukraine").latitude is None  # type: ignore[union-attr]  # a country: no point
    assert gaz.locate("Berlin", "Russia").country == "Russia"  # type: ignore[union-attr]  # the village, not Germany's
    assert gaz.locate("Bakhmut", "Germany") is None  # a namesake elsewhere would be a wrong point
    kyiv = gaz.locate("Kyiv", None)
    assert kyiv is not None and kyiv.country == "Ukraine"


def test_a_town_with_its_country_or_region_after_a_comma_resolves_there() -> None:
    """Datelines and wires write a town with its country or first-level region ("Kano, Nigeria",
    "Washington, D.C.", "Paris, Texas"): the town of that name there, not the most populous
    namesake; None when the part after the comma is neither."""
    g = Gazetteer()
    dc = g.resolve("Washington, D.C.")
    assert dc is not None and (dc.country, dc.admin1_code) == ("United States", "DC")
    kano = g.resolve("Kano, Nigeria")
    assert kano is not None and kano.country == "Nigeria"
    texas = g.resolve("Paris, Texas")
    assert texas is not None and (texas.country, texas.admin1_code) == ("United States", "TX")
    assert g.resolve("Paris, Nowhere Land") is None
