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


def test_names_that_are_not_actors() -> None:
    from summarizer.extraction._found import FoundActor
    from summarizer.extraction._linking import not_an_actor

    text = (
        "Zelensky Seeks Help At UN\n"
        "Russian forces fired T-34 tanks on Victory Day, Estonian Prime Minister Kaja Kallas said. "
        "Footage shows the parade. Newsweek has reached out to the Kremlin for comment. "
        "The footage was filmed in Moscow. Ellie Cook is a senior reporter. She joined Newsweek in 2022. "
        "The Institute for the Study of War said the 106th division retreated. "
        "General Charles Brown told journalists the front held. Storm Shadow missiles hit Sevastopol."
    )
    title_end = text.index("\n")

    def actor(name: str, kind: str) -> FoundActor:
        return FoundActor(name, [], kind, None, False)

    for name, kind in [
        ("Zelensky Seeks", "person"),  # only in the headline
        ("T-34", "military_unit"),  # equipment
        ("Storm Shadow", "armed_group"),  # a weapon known by name
        ("Victory Day", "organization"),  # a day
        ("Estonian Prime Minister", "government"),  # a title with no name
        ("Footage", "media"),  # a common word opening a sentence
        ("Newsweek", "media"),  # the outlet, relaying
        ("Ellie Cook", "person"),  # its writer, in her biography
    ]:
        assert not_an_actor(text, actor(name, kind), title_end), name
    for name, kind in [
        ("Kaja Kallas", "person"),
        ("Institute for the Study of War", "organization"),
        ("106th", "military_unit"),
        ("Charles Brown", "person"),  # a source who told journalists is a party
    ]:
        assert not not_an_actor(text, actor(name, kind), title_end), name


def test_the_region_of_a_town_names_the_region() -> None:
    from summarizer.extraction._events import _as_region

    kinds = {"Lviv": "settlement", "Lviv region": "region", "Kharkiv": "settlement", "Kharkiv region": "region"}
    sentence = "Russia struck infrastructure in Ukraine's western region of Lviv with missiles."
    start = sentence.index("Lviv")
    assert _as_region((start, start + 4, "Lviv"), sentence, kinds)[2] == "Lviv region"
    sentence = "Kharkiv regional governor Oleg Synegubov said."
    assert _as_region((0, 7, "Kharkiv"), sentence, kinds)[2] == "Kharkiv region"
    sentence = "Missiles struck Lviv overnight."
    start = sentence.index("Lviv")
    assert _as_region((start, start + 4, "Lviv"), sentence, kinds)[2] == "Lviv"


def test_a_place_goes_by_its_own_name() -> None:
    from summarizer.extraction._findings import PlaceFact
    from summarizer.extraction._found import FoundPlace
    from summarizer.extraction._linking import _own_names

    text = (
        "Drones hit Moscow's Red Square and Russia's Kursk. Shelling went on in the Russian-occupied "
        "Luhansk region, and in Luhansk region's north. Ukraine's Western allies and the West sent arms. "
        "The Children's Hospital was hit."
    )
    _findings, places = find(text)
    found = [
        FoundPlace("Moscow's Red Square", [], PlaceFact("facility", "Russia")),
        FoundPlace("Russia's Kursk", [], PlaceFact("facility", "Russia")),  # the model's kind
        FoundPlace("Russian-occupied Luhansk region", [], PlaceFact("region", "Ukraine")),
        FoundPlace("Luhansk region", [], PlaceFact("region", "Ukraine")),
        FoundPlace("Ukraine's Western", [], PlaceFact("country", "Ukraine")),
        FoundPlace("West", [], PlaceFact("region", None)),
        FoundPlace("Children's Hospital", [], PlaceFact("facility", None)),  # no place owns it
    ]
    out = {p.name: p for p in _own_names(text, found, places)}
    assert set(out) == {"Red Square", "Kursk", "Luhansk region", "Children's Hospital"}
    assert out["Kursk"].fact.kind == "settlement"  # the gazetteer's kind for the bare name
    assert out["Red Square"].fact.kind == "facility" and "Moscow's Red Square" in out["Red Square"].forms
    assert "Russian-occupied Luhansk region" in out["Luhansk region"].forms  # merged, not twice


def test_a_headline_printed_twice_is_still_the_headline() -> None:
    from summarizer.extraction._linking import headline_end

    title = 'Zelensky Seeks To Cancel Russia At UN, Asks Why "Russian Terrorists" Have A Place'
    text = f"{title} \n\n {title}\n\nUkrainian President Volodymyr Zelensky spoke in New York."
    end = headline_end(text, len(title))
    assert text[:end].endswith("Have A Place") and text[end:].lstrip().startswith("Ukrainian President")
    assert headline_end(text, 0) == 0  # no headline at the top: nothing to extend
    once = f"{title}\n\nUkrainian President Volodymyr Zelensky spoke."
    assert headline_end(once, len(title)) == len(title)
