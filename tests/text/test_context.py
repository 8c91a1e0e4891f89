"""What the words around a name or a figure say, read by code (brief-v4)."""

from __future__ import annotations

from summarizer.text import country_nearby, figure_counts, nationality_before, side_cue

PLACES = {"kharkiv": "Ukraine", "bakhmut": "Ukraine", "lublin": "Poland", "russia": "Russia", "ukraine": "Ukraine"}


def _country(word: str) -> str | None:
    return PLACES.get(word.casefold())


def test_side_from_a_nationality_word_or_a_place_before_a_title() -> None:
    text = "Russian milblogger Igor Girkin wrote that the line held. Kharkiv regional governor Oleg Synegubov said so."
    assert side_cue(text, ["Igor Girkin"], _country, _country) == "Russia"
    assert side_cue(text, ["Oleg Synegubov"], _country, _country) == "Ukraine"


def test_side_from_an_appositive_after_the_name() -> None:
    text = "Thousands have died, said Serhiy Haidai, the Ukrainian governor of Luhansk."
    assert side_cue(text, ["Serhiy Haidai"], _country, _country) == "Ukraine"


def test_a_nationality_across_a_comma_is_not_the_side() -> None:
    text = "Some areas were also bombed by Russian aircraft, Synegubov added."
    assert side_cue(text, ["Synegubov"], _country, _country) is None


def test_what_a_figure_counts() -> None:
    text = "Russia pounded over 30 villages; 64 Russian fighters died and nine civilians were hurt; 12 were killed."
    at = text.index
    assert figure_counts(text, at("30") + 2, len(text)) == "things"
    assert figure_counts(text, at("64") + 2, len(text)) == "fighters"
    assert figure_counts(text, at("nine") + 4, len(text)) == "civilians"
    assert figure_counts(text, at("12") + 2, len(text)) is None
    assert nationality_before(text, at("64"), at("64") + 2, len(text)) == "Russia"


def test_the_country_of_an_unknown_village_from_a_known_neighbour() -> None:
    text = "Ukraine retook the village of Klishchiivka, south of Bakhmut, last week."
    assert country_nearby(text, "Klishchiivka", _country) == "Ukraine"
    assert country_nearby("Klishchiivka was quiet.", "Klishchiivka", _country) is None
