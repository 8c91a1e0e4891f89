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
    text = "A man was wounded and a woman was injured."
    assert figure_counts(text, text.index("a woman") + 1, len(text)) == "civilians"


def test_the_country_of_an_unknown_village_from_a_known_neighbour() -> None:
    text = "Ukraine retook the village of Klishchiivka, south of Bakhmut, last week."
    assert country_nearby(text, "Klishchiivka", _country) == "Ukraine"
    assert country_nearby("Klishchiivka was quiet.", "Klishchiivka", _country) is None
    bracket = "The object entered near the town of Oserdow [Lublin Voivodeship] and stayed there."
    assert country_nearby(bracket, "Oserdow", _country) == "Poland"  # the container's first word is known


def test_stated_side_reads_titles_and_the_name_itself() -> None:
    from summarizer.text import stated_side

    countries = {"Estonia": "Estonia", "Ukraine": "Ukraine", "Luhansk": "Ukraine"}

    def country_of(word: str) -> str | None:
        return countries.get(word)

    text = "This was the call made by Estonian Prime Minister Kaja Kallas on Sunday. Kallas said so."
    assert stated_side(text, "", ["Kaja Kallas", "Kallas"], country_of, country_of) == "Estonia"
    assert stated_side("", "Ukraine’s General Staff", ["Ukraine’s General Staff"], country_of, country_of) == "Ukraine"
    assert (
        stated_side("", "Patrol Police of Ukraine", ["Patrol Police of Ukraine"], country_of, country_of) == "Ukraine"
    )
    text = "Serhiy Haidai, the governor of Luhansk, said the town fell."
    assert stated_side(text, "", ["Serhiy Haidai"], country_of, country_of) == "Ukraine"
    text = "Serhiy Haidai, governor of the Russian-occupied Luhansk region, said Monday."
    assert stated_side(text, "", ["Serhiy Haidai"], country_of, country_of) == "Ukraine"
    # a title word is never looked up as a place, and no nationality means no side
    assert (
        stated_side("The Minister Boris Pistorius spoke.", "", ["Boris Pistorius"], lambda w: "X", country_of) is None
    )


def test_the_staff_section_starts_at_its_heading_on_its_own_line() -> None:
    from summarizer.text import staff_only, staff_section

    text = "Kyiv was hit. Read about the writer below.\n\nAbout the writer\nAila Slisco is based in New York."
    start = staff_section(text)
    assert text[start:].lstrip().startswith("About the writer")
    assert staff_only(text, ["Aila Slisco"], start) and staff_only(text, ["New York"], start)
    assert not staff_only(text, ["Kyiv"], start)
    sentence = "About the writer is a phrase in a sentence."
    assert staff_section(sentence) == len(sentence)
    plain = "No heading here, Aila Slisco."
    assert not staff_only(plain, ["Aila Slisco"], staff_section(plain))


def test_who_backs_a_party_gives_its_side() -> None:
    from summarizer.text import stated_side

    capitals = {**PLACES, "moscow": "Russia", "iran": "Iran"}

    def country(word: str) -> str | None:
        return capitals.get(word.casefold())

    text = (
        "Daniil Bezsonov, first deputy minister of information for the Moscow-backed Donetsk People’s Republic "
        "in Donbas, said the troops left. The Iran-backed Houthis fired. Ukrainian officials said so."
    )
    assert stated_side(text, "Donetsk People’s Republic", ["Donetsk People’s Republic"], country, country) == "Russia"
    assert stated_side(text, "", ["Daniil Bezsonov"], country, country) == "Russia"
    assert stated_side(text, "Houthis", ["Houthis"], country, country) == "Iran"


def test_relaying_and_staff_sentences() -> None:
    from summarizer.text import outlet_only, relays_only

    text = (
        "Newsweek was unable to independently verify the video. Reuters could not immediately confirm it. "
        "Ellie Cook is a Newsweek security and defense reporter based in London. "
        "Ellie Cook wrote that the line held."
    )
    assert relays_only(text, ["Reuters"])
    assert not relays_only(text, ["Newsweek"])  # also named in its reporter's biography
    assert outlet_only(text, ["Newsweek"])  # relaying, or its staff: the publisher
    assert not outlet_only(text, ["Ellie Cook"], person=True)  # she also writes in the story's own words


def test_an_outside_expert_is_introduced_by_an_expertise_not_an_allegiance() -> None:
    from summarizer.text import introduced_as_expert

    kivinen = "Markku Kivinen, specialist of Russian and Eastern European studies, told Newsweek so."
    assert introduced_as_expert(kivinen, ["Markku Kivinen", "Kivinen"])
    assert introduced_as_expert("Military analyst Michael Kofman said the line held.", ["Michael Kofman"])
    assert introduced_as_expert("William Reno, professor and chair at Northwestern, said.", ["William Reno"])
    # counter-examples: an office, a fighter, a name with no apposition
    budanov = "Kyrylo Budanov, head of Ukraine's military intelligence, said."
    assert not introduced_as_expert(budanov, ["Kyrylo Budanov"])
    assert not introduced_as_expert("Russian milblogger Igor Girkin wrote on Telegram.", ["Igor Girkin"])
    assert not introduced_as_expert("Serhiy Haidai said troops arrived.", ["Serhiy Haidai"])
