"""Places resolved in the article's context: the namesake, the region and the precision."""

from __future__ import annotations

import re

from summarizer.nlp import Gazetteer, PlaceRef, situate

GAZ = Gazetteer()


def _refs(text: str, places: list[tuple[str, str, str | None]]) -> list[PlaceRef]:
    return [
        PlaceRef(name, kind, country, tuple((m.start(), m.end()) for m in re.finditer(re.escape(name), text)))
        for name, kind, country in places
    ]


def test_a_village_put_six_miles_from_a_town_gets_no_namesake_far_away() -> None:
    text = "Ukrainian troops retook Andriivka, six miles south of Bakhmut, on Friday."
    bakhmut_area, bakhmut = situate(
        text, _refs(text, [("Andriivka", "settlement", "Ukraine"), ("Bakhmut", "settlement", "Ukraine")]), GAZ
    )
    assert bakhmut.precision == 1 and bakhmut.admin1 == "Donetsk"
    # every Andriivka GeoNames knows is far from Bakhmut: the region Bakhmut is in, not a wrong point
    assert bakhmut_area.precision == 2 and bakhmut_area.admin1 == "Donetsk" and bakhmut_area.country == "Ukraine"


def test_the_region_the_sentence_names_chooses_among_namesakes() -> None:
    text = "Shelling hit Lyptsi, in the Kharkiv region, on Sunday."
    (lyptsi,) = situate(text, _refs(text, [("Lyptsi", "settlement", "Ukraine")]), GAZ)
    assert lyptsi.admin1 == "Kharkiv" and lyptsi.precision == 1
    assert lyptsi.latitude is not None and 49.5 < lyptsi.latitude < 50.5


def test_regions_and_countries_get_a_point_at_their_precision() -> None:
    text = "Fighting went on in the Donetsk region of Ukraine."
    region, country = situate(
        text, _refs(text, [("Donetsk region", "region", "Ukraine"), ("Ukraine", "country", "Ukraine")]), GAZ
    )
    assert (region.admin1, region.precision) == ("Donetsk", 2) and region.latitude is not None
    assert (country.country, country.precision) == ("Ukraine", 3)
    assert country.latitude is not None and 50 < country.latitude < 51  # Kyiv, the capital


def test_an_unknown_village_takes_the_region_its_sentence_gives() -> None:
    text = "A missile fell on Oserdow [Lublin Voivodeship], killing two."
    (oserdow,) = situate(text, _refs(text, [("Oserdow", "settlement", "Poland")]), GAZ)
    assert (oserdow.country, oserdow.admin1, oserdow.precision) == ("Poland", "Lublin", 2)


def test_namesakes_nothing_tells_apart_give_no_point_of_their_own() -> None:
    text = "Debris fell in the village of Tolmachevo, the governor said."
    (village,) = situate(text, _refs(text, [("Tolmachevo", "settlement", "Russia")]), GAZ)
    assert village.precision == 3 and village.admin1 is None  # two Tolmachevos far apart: the country only


def test_regions_by_their_seat_and_areas_that_span_regions() -> None:
    assert GAZ.find_region("Zaporozhye region", frozenset({"UA"})).name == "Zaporizhzhia"  # type: ignore[union-attr]
    assert GAZ.find_region("Ukraine's Kherson region").country == "Ukraine"  # type: ignore[union-attr]
    assert GAZ.find_region("Donbas") is None
