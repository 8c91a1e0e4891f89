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
        "General Charles Brown told journalists the front held. Storm Shadow missiles hit Sevastopol. "
        "Police Capt. Rupert Hentzau said the attack lasted hours. "
        "Flavia Elphberg reported from Zenda, and Fritz Tarlenheim contributed to this report.\n"
        "ZENDA (Strelsau Wire) - Troops advanced on the town on Sunday before the Strelsau Summit."
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
        ("Flavia Elphberg", "person"),  # staff, in the credit line
        ("Fritz Tarlenheim", "person"),
        ("Capt", "person"),  # a title's abbreviation
        ("Strelsau Wire", "media"),  # the agency of a dateline
        ("Strelsau Summit", "organization"),  # a gathering
        ("Sunday", "organization"),  # a day
    ]:
        assert not_an_actor(text, actor(name, kind), title_end), name
    for name, kind in [
        ("Kaja Kallas", "person"),
        ("Institute for the Study of War", "organization"),
        ("106th", "military_unit"),
        ("Charles Brown", "person"),  # a source who told journalists is a party
        ("Rupert Hentzau", "person"),
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


def test_an_outlet_that_relays_and_a_piece_of_a_word_are_not_actors() -> None:
    from summarizer.extraction._found import FoundActor
    from summarizer.extraction._linking import not_an_actor

    text = (
        "NATO wants to militarize everything, Interfax news agency reported. "
        "Newsweek was unable to independently verify the video. "
        '"We see how un-human activity make Russians," Klitschko said. '
        "CNN published a report on the plot. According to TASS, the plant was hit. "
        "Russian forces restored the Lenin statue. A statue of Lenin stood there. Putin visited. "
        "Pro-Russian military bloggers said Izyum fell. The Daily Planet has reached out to the ministry. "
        "The Russian Ministry of Defense has been contacted for comment. The Voivode spoke."
    )

    def actor(name: str, kind: str) -> FoundActor:
        return FoundActor(name, [], kind, None, False)

    assert not_an_actor(text, actor("Interfax news agency", "media"), 0)
    assert not_an_actor(text, actor("TASS", "media"), 0)
    assert not_an_actor(text, actor("Newsweek", "media"), 0)  # "was unable to verify": relaying
    assert not_an_actor(text, actor("un", "organization"), 0)
    assert not_an_actor(text, actor("Lenin", "person"), 0)  # a statue's name
    assert not not_an_actor(text, actor("Putin", "person"), 0)
    assert not_an_actor(text, actor("Pro-Russian military", "armed_forces"), 0)  # the bloggers' modifier
    assert not_an_actor(text, actor("Daily Planet", "organization"), 0)  # the outlet at its own work
    assert not not_an_actor(text, actor("Russian Ministry of Defense", "government"), 0)  # the party asked
    assert not_an_actor(text, actor("Voivode", "government"), 0)  # a title
    assert not not_an_actor(text, actor("CNN", "media"), 0)  # its report is the story
    assert not not_an_actor(text, actor("Klitschko", "person"), 0)


def test_a_person_goes_by_name_not_title_and_a_misspelling_is_the_same_person() -> None:
    from summarizer.extraction._found import Classified, FoundActor, FoundEvent
    from summarizer.extraction._twins import _one_apart as _one_apart_ok
    from summarizer.extraction._twins import one_per_party, untitled

    assert untitled("Colonel Andriy Biletsky") == "Andriy Biletsky"
    assert untitled("Lt. Gen. Kyrylo Budanov") == "Kyrylo Budanov"
    assert untitled("Estonian Prime Minister Kaja Kallas") == "Kaja Kallas"
    assert untitled("Colonel Biletsky") == "Colonel Biletsky"  # no name left but one word
    assert untitled("Prime Minister") == "Prime Minister"
    # a country's name before a title, as wire copy writes it, is no part of the person's name
    assert untitled("Nicaragua President Daniel Ortega") == "Daniel Ortega"
    assert untitled("Pakistan Prime Minister Nawaz Sharif") == "Nawaz Sharif"
    assert untitled("Chad Smith") == "Chad Smith"  # a country's name that starts a name stays
    text = (
        "Colonel Andriy Biletsky said the brigade advanced. Andriy Biletsky added that it held. "
        "Niinisto told Putin. Nijnisto said Finland would join. Putin told Niinisto that it was a mistake. "
        "Ivan Petrov and Ivan Petrova spoke."
    )
    out = Classified(
        actors=[
            FoundActor("Colonel Andriy Biletsky", [], "person", "Ukraine", True),
            FoundActor("Andriy Biletsky", ["Biletsky"], "person", None, True),
            FoundActor("Nijnisto", [], "person", "Finland", True),
            FoundActor("Niinisto", [], "person", "Finland", True),
            FoundActor("Ivan Petrov", [], "person", None, True),
            FoundActor("Ivan Petrova", [], "person", None, True),
        ],
        events=[FoundEvent("battle", 0, 10, [], ["Colonel Andriy Biletsky", "Nijnisto"], None)],
    )
    one_per_party(text, out)
    names = {a.name: a for a in out.actors}
    assert set(names) == {"Andriy Biletsky", "Niinisto", "Ivan Petrov", "Ivan Petrova"}
    assert "Colonel Andriy Biletsky" in names["Andriy Biletsky"].forms and names["Andriy Biletsky"].side == "Ukraine"
    assert "Nijnisto" in names["Niinisto"].forms  # the name written most stays
    assert _one_apart_ok("Zelensky", "Zelenskiy") and not _one_apart_ok("Petrov", "Petrova")
    groups = Classified(
        actors=[
            FoundActor("Wagner", [], "armed_group", "Russia", True),
            FoundActor("Wagner Group", [], "armed_group", None, False),
            FoundActor("Wagner Fan Club", [], "organization", None, False),
        ]
    )
    bodies = Classified(
        actors=[
            FoundActor("U.N", [], "organization", None, False),
            FoundActor("United Nations", [], "organization", None, True),
            FoundActor("RPF", [], "armed_group", None, True),
            FoundActor("Ruritanian Patriotic Front", [], "armed_group", "Ruritania", False),
            FoundActor("UN", [], "organization", None, False),  # two letters, no dots: too short to tell
            FoundActor("Rudolf Fritz", [], "person", None, False),
            FoundActor("RF", [], "organization", None, False),
        ]
    )
    one_per_party("The U.N said the RPF attacked. The United Nations and the Ruritanian Patriotic Front.", bodies)
    assert [(a.name, a.forms) for a in bodies.actors] == [
        ("United Nations", ["U.N"]),
        ("Ruritanian Patriotic Front", ["RPF"]),
        ("UN", []),
        ("Rudolf Fritz", []),
        ("RF", []),
    ]
    one_per_party("Wagner fought. The Wagner Group said so.", groups)
    assert [(a.name, a.forms, a.side) for a in groups.actors] == [
        ("Wagner Group", ["Wagner"], "Russia"),
        ("Wagner Fan Club", [], None),
    ]
    assert out.events[0].actors == ["Andriy Biletsky", "Niinisto"]


def test_a_country_is_a_place_when_named_as_one_and_a_village_at_one_mention() -> None:
    from summarizer.extraction._findings import PlaceFact
    from summarizer.extraction._found import Classified, FoundPlace
    from summarizer.extraction._linking import prune

    def run(text: str, *places: tuple[str, str]) -> list[str]:
        out = Classified(places=[FoundPlace(n, [], PlaceFact(k, None)) for n, k in places])
        prune(text, out)
        return [p.name for p in out.places]

    acting = "Russia launched an offensive. Russia said it advanced. Russia claimed gains near Vovchansk."
    assert run(acting, ("Russia", "country"), ("Vovchansk", "settlement")) == []
    sent = "Missiles were sent to Ukraine. Ukraine said they worked. Ukraine thanked Britain."
    assert run(sent, ("Ukraine", "country")) == ["Ukraine"]
    village = "Two rockets fell in the village of Przewodów in Poland, the army said."
    # the lead puts the story in the country too: the subject of a short report (the guide's Poland)
    assert run(village, ("Przewodów", "settlement"), ("Poland", "country")) == ["Przewodów", "Poland"]
    filed = "Zenda, Ruritania (Reuters) - Rebels attacked a convoy. The army said Zenda was calm. Talks resume soon."
    assert run(filed, ("Zenda", "settlement")) == []  # the dateline is where the story was filed
    told = "Rebels attacked a convoy near Zenda. The army said Zenda was calm. Talks resume soon."
    assert run(told, ("Zenda", "settlement")) == ["Zenda"]


def test_a_place_named_to_say_where_another_is_is_not_where_the_event_happens() -> None:
    from summarizer.extraction._events import _add
    from summarizer.extraction._findings import PlaceFact
    from summarizer.extraction._found import Classified, FoundPlace

    text = (
        "Russian troops abandoned their post near the village of Klishchiivka, four miles southwest of Bakhmut. "
        "Ukraine reclaimed the village of Andriivka, roughly six miles south of Bakhmut, after the battle."
    )
    places = [FoundPlace(n, [], PlaceFact("settlement", "Ukraine")) for n in ("Klishchiivka", "Andriivka", "Bakhmut")]
    out = Classified(places=places)
    kinds = {p.name: p.fact.kind for p in places}
    first = text.index(".") + 1
    _add(text, 0, first, "battle", out, kinds, None)
    _add(text, first + 1, len(text), "battle", out, kinds, None)
    assert [ev.places for ev in out.events] == [["Klishchiivka"], ["Andriivka"]]  # two battles, not one


def test_an_event_is_at_a_country_when_any_mention_of_it_says_so() -> None:
    """A dateline names the country first ("SANAA, Yemen (CNN) - "); a later mention puts the
    event there ("targets in Yemen"). A country only named as the state acting is no place."""
    from summarizer.extraction._events import _add
    from summarizer.extraction._findings import PlaceFact
    from summarizer.extraction._found import Classified, FoundPlace

    text = "Sanaa, Yemen (CNN)A coalition kept pounding rebel targets in Yemen from the air on Friday."
    yemen = FoundPlace("Yemen", [], PlaceFact("country", "Yemen"))
    out = Classified(places=[yemen])
    _add(text, 0, len(text), "explosion_remote_violence", out, {"Yemen": "country"}, None)
    assert [ev.places for ev in out.events] == [["Yemen"]]
    acting = "Yemen said the coalition kept pounding rebel targets from the air on Friday."
    out = Classified(places=[yemen])
    _add(acting, 0, len(acting), "explosion_remote_violence", out, {"Yemen": "country"}, None)
    assert out.events == []  # no place: not kept


def test_a_dateline_is_where_the_story_was_filed_not_where_the_event_happened() -> None:
    """evals/README.md: datelines give no item; the body's own naming counts. A weekday after a
    name ("in the Ruritan Strip Wednesday") leaves it the place's name."""
    from summarizer.extraction._events import _add
    from summarizer.extraction._findings import PlaceFact
    from summarizer.extraction._found import Classified, FoundPlace

    strelsau = FoundPlace("Strelsau", [], PlaceFact("settlement", "Ruritania"))
    zenda = FoundPlace("Zenda", [], PlaceFact("settlement", "Ruritania"))
    kinds = {"Strelsau": "settlement", "Zenda": "settlement", "Ruritan Strip": "country", "Borduria": "country"}

    def places(text: str, *found: FoundPlace) -> list[list[str]]:
        out = Classified(places=list(found))
        _add(text, 0, len(text), "explosion_remote_violence", out, kinds, None)
        return [ev.places for ev in out.events]

    filed = "STRELSAU (Reuters) - A car bomb exploded in Zenda on Friday, killing four soldiers."
    assert places(filed, strelsau, zenda) == [["Zenda"]]
    # an incident the text gives no place is not kept, in the lead or not (the dateline is no place)
    assert places("Strelsau (Reuters) - A car bomb exploded on Friday.", strelsau) == []
    assert places("A car bomb exploded in Strelsau on Friday.", strelsau) == [["Strelsau"]]

    strip = FoundPlace("Ruritan Strip", [], PlaceFact("country", "Ruritania"))
    weekday = "A leader survived an airstrike in the Ruritan Strip Wednesday but five others were killed."
    assert places(weekday, strip) == [["Ruritan Strip"]]
    assert places("A leader of the Ruritan Strip Council survived an airstrike.", strip) == []

    borduria = FoundPlace("Borduria", [], PlaceFact("country", "Borduria"))
    assert places("BELGRAVIA, Borduria (Reuters) - Bomb blasts rocked a market.", borduria) == []
    assert places("BELGRAVIA, Borduria (Reuters) - Bomb blasts rocked a market in Borduria.", borduria) == [
        ["Borduria"]
    ]


def test_a_place_word_before_an_outlet_s_noun_names_the_outlet_not_the_event_s_place() -> None:
    """A place word before an outlet's noun names the outlet ("the Zenda news agency",
    `place.outlet_after`), not where the event happens ("in southeastern Ruritania")."""
    from summarizer.extraction._events import _add
    from summarizer.extraction._findings import PlaceFact
    from summarizer.extraction._found import Classified, FoundPlace

    zenda = FoundPlace("Zenda", [], PlaceFact("region", "Ruritania"))
    ruritania = FoundPlace("Ruritania", [], PlaceFact("country", "Ruritania"))
    kinds = {"Zenda": "region", "Ruritania": "country"}
    text = "Two soldiers were killed by a land mine in southeastern Ruritania, the Zenda news agency said."
    out = Classified(places=[zenda, ruritania])
    _add(text, 0, len(text), "explosion_remote_violence", out, kinds, None)
    assert [ev.places for ev in out.events] == [["Ruritania"]]
    told = "Two soldiers were killed by a land mine in Zenda, the agency reported."
    out = Classified(places=[zenda, ruritania])
    _add(told, 0, len(told), "explosion_remote_violence", out, kinds, None)
    assert [ev.places for ev in out.events] == [["Zenda"]]


def test_a_known_armed_group_has_its_side_and_a_full_name_is_a_person() -> None:
    from summarizer.extraction._findings import Findings
    from summarizer.extraction._found import Classified, FoundActor
    from summarizer.extraction._linking import check_sides, person_kinds
    from summarizer.text import Candidate

    text = "The head of the Wagner mercenary army, Yevgeny Prigozhin, said. Volodymyr Zelenskiy spoke."
    wagner = FoundActor("Wagner", [], "organization", "Ukraine", True)
    zelenskiy = FoundActor("Volodymyr Zelenskiy", [], "government", "Ukraine", True)
    check_sides(text, Findings(candidates=[]), [wagner])
    assert (wagner.kind, wagner.side) == ("armed_group", "Russia")
    cand = Candidate(name="Volodymyr Zelenskiy", first=64, votes={"PERSON": 1})
    person_kinds(Findings(candidates=[cand]), Classified(actors=[zelenskiy]))
    assert zelenskiy.kind == "person"


def test_a_name_in_brief_is_the_one_party_it_names() -> None:
    from summarizer.extraction._found import Classified, FoundActor
    from summarizer.extraction._linking import prune

    text = (
        "Zelensky Seeks Help\n"
        "Volodymyr Zelensky spoke. Zelensky said the US Navy was near. The Navy denied it. "
        "Vitali Klitschko and Wladimir Klitschko came. Klitschko said so. Russian General Staff and "
        "General Staff of Ukraine spoke; the General Staff said."
    )
    out = Classified(
        actors=[
            FoundActor("Zelensky Seeks", ["Zelensky"], "person", "Ukraine", True),
            FoundActor("Volodymyr Zelensky", [], "person", "Ukraine", True),
            FoundActor("US Navy", [], "armed_forces", "United States", True),
            FoundActor("Navy", [], "armed_forces", None, True),
            FoundActor("Vitali Klitschko", [], "person", "Ukraine", True),
            FoundActor("Wladimir Klitschko", [], "person", "Ukraine", True),
            FoundActor("Klitschko", [], "person", "Ukraine", True),
            FoundActor("Russian General Staff", [], "armed_forces", "Russia", True),
            FoundActor("General Staff", [], "armed_forces", "Ukraine", True),
        ]
    )
    prune(text, out, text.index("\n"))
    names = {a.name: a.forms for a in out.actors}
    assert names["Volodymyr Zelensky"] == ["Zelensky"]  # the headline's "Zelensky Seeks" is gone
    assert names["US Navy"] == ["Navy"]
    assert "Klitschko" in names  # two people of that name: left alone
    assert "General Staff" in names  # not Russia's: the sides differ


def test_an_area_in_a_city_s_name_is_its_region_and_a_weapon_is_no_place() -> None:
    from summarizer.extraction._events import _add
    from summarizer.extraction._findings import PlaceFact, Places
    from summarizer.extraction._found import Classified, FoundPlace
    from summarizer.extraction._linking import _own_names
    from summarizer.nlp import Gazetteer

    text = "Zelenskyy said Kyiv's troops had recaptured about 390 square miles in Kharkiv."
    places = [
        FoundPlace("Kharkiv", [], PlaceFact("settlement", "Ukraine")),
        FoundPlace("Kharkiv region", [], PlaceFact("region", "Ukraine")),
    ]
    out = Classified(places=places)
    _add(text, 0, len(text), "battle", out, {p.name: p.fact.kind for p in places}, None)
    assert [ev.places for ev in out.events] == [["Kharkiv region"]]
    found = [FoundPlace("Storm Shadow", [], PlaceFact("other", None)), places[0]]
    assert [p.name for p in _own_names("Storm Shadow missiles hit Kharkiv.", found, Places(Gazetteer()))] == ["Kharkiv"]
    # a nationality word before place nouns describes a place and names none (rule place.described)
    text = "Kadyrov was sworn in as president of the turbulent Russian region and visited Grozny."
    found = [
        FoundPlace("Russian region", [], PlaceFact("region", None)),
        FoundPlace("Grozny", [], PlaceFact("settlement", "Russia")),
    ]
    assert [p.name for p in _own_names(text, found, Places(Gazetteer()))] == ["Grozny"]


def test_a_day_of_the_week_is_no_place_and_no_actor_whatever_the_model_called_it() -> None:
    from summarizer.extraction._findings import Findings, Places
    from summarizer.extraction._found import Classified
    from summarizer.extraction._linking import actors_and_places
    from summarizer.nlp import Gazetteer
    from summarizer.text import Candidate

    text = "Bombers struck Zenda on Sunday, its third Easter at war. On Sunday the Sunday Courier said Zenda was hit."
    names = ("Sunday", "Zenda", "Sunday Courier", "Easter")
    tagged = {
        "Zenda": "PLACE",
        "Easter": "PLACE",
    }  # what the name tagger saw (a place needs a witness besides the model)
    findings = Findings(candidates=[Candidate(n, votes={tagged.get(n, "CAPS"): 1}) for n in names])
    labelled = {"Sunday": "settlement", "Zenda": "settlement", "Sunday Courier": "media", "Easter": "settlement"}
    out = Classified()
    actors_and_places(text, findings, Places(Gazetteer()), labelled, out)
    assert [p.name for p in out.places] == ["Zenda"]
    assert [a.name for a in out.actors] == ["Sunday Courier"]


def test_a_name_with_a_units_word_is_no_place_whatever_kind_the_model_gave_it() -> None:
    from summarizer.extraction._findings import Findings, Places
    from summarizer.extraction._found import Classified
    from summarizer.extraction._linking import actors_and_places
    from summarizer.nlp import Gazetteer
    from summarizer.text import Candidate

    text = (
        "Drones attacked the Ruritanian Fleet off Zenda. "
        "The Western Military District sent troops to the Zenda Parliament."
    )
    names = ("Ruritanian Fleet", "Western Military District", "Zenda", "Zenda Parliament")
    findings = Findings(candidates=[Candidate(n, votes={"PLACE": 1}) for n in names])
    labelled = {n: "settlement" for n in names} | {
        "Western Military District": "region",
        "Zenda Parliament": "facility",
    }
    out = Classified()
    actors_and_places(text, findings, Places(Gazetteer()), labelled, out)
    assert [p.name for p in out.places] == ["Zenda", "Zenda Parliament"]


def test_a_country_s_forces_named_by_a_common_noun_are_its_armed_forces_for_any_country() -> None:
    """Issue 18 (sides and kinds that travel): "Chadian troops" and "Chadian army" are one
    armed_forces actor on Chad's side whatever kind the model gave; a branch ("Chadian special
    forces") is its own; "the Chadian government" and rebels are left as they are."""
    from summarizer import rules
    from summarizer.extraction._found import Classified, FoundActor
    from summarizer.extraction._linking import prune

    text = (
        "Chadian troops clashed with rebels near Abeche, the Chadian army said. "
        "The Chadian army and Chadian special forces said the rebels fled. "
        "The Chadian government said Chadian troops held. Chadian special forces pursued the rebels. "
        "Cameroon's security forces said so, and Cameroon's security forces held."
    )

    def run() -> dict[str, tuple[str, str | None, list[str]]]:
        out = Classified(
            actors=[
                FoundActor("Chadian troops", [], "military_unit", None, True),
                FoundActor("Chadian army", [], "government", "Chad", True),
                FoundActor("Chadian special forces", [], "armed_group", None, True),
                FoundActor("Chadian government", [], "government", "Chad", True),
                FoundActor("Cameroon's security forces", [], "organization", None, True),
            ]
        )
        prune(text, out)
        return {a.name: (a.kind, a.side, a.forms) for a in out.actors}

    got = run()
    troops = got.get("Chadian troops") or got["Chadian army"]
    assert troops[:2] == ("armed_forces", "Chad") and len(troops[2]) == 1
    assert got["Chadian special forces"][:2] == ("armed_forces", "Chad")
    assert got["Chadian government"][:2] == ("government", "Chad")
    assert got["Cameroon's security forces"][:2] == ("armed_forces", "Cameroon")
    with rules.disabled(["force.branch_words"]):
        assert run()["Chadian special forces"][:2] == ("armed_group", None)


def test_a_people_s_own_forces_are_not_the_state_s_forces() -> None:
    """ "Chechen forces, led by Ramzan Kadyrov" (founding article 003) are a group of their own,
    not Russia's armed forces: "Chechen" gives a person Russia's side (role n) but names a people
    within the country (role p), so the forces it names are neither made Russia's armed_forces nor
    merged into "Russian troops"."""
    from summarizer.extraction._found import Classified, FoundActor
    from summarizer.extraction._linking import prune
    from summarizer.extraction._twins import force_of

    assert force_of("Chechen forces") is None and force_of("Russian forces") == ("Russia", "")
    text = "Russian troops and Chechen forces attacked the town. Russian troops and Chechen forces held it."
    out = Classified(
        actors=[
            FoundActor("Russian troops", [], "armed_forces", "Russia", True),
            FoundActor("Chechen forces", [], "armed_group", "Russia", True),
        ]
    )
    prune(text, out)
    got = {a.name: (a.kind, a.forms) for a in out.actors}
    assert got == {"Russian troops": ("armed_forces", []), "Chechen forces": ("armed_group", [])}


def test_a_capture_of_a_person_is_an_arrest_not_a_battle() -> None:
    """ACLED: an arrest is a strategic development. A capture verb whose object is a person
    (NER's, "him", a leader's noun) is one; a captured town or soldiers are ground taken in a
    battle, and a place of the document is never the person."""
    from summarizer import rules
    from summarizer.extraction._events import _arrest

    assert _arrest("Servando Gomez, leader of the drug cartel, was captured Friday in the state of Michoacan.", [])
    assert _arrest("Police closed in on the boss before dawn, capturing him without a shot.", [])
    assert _arrest("Troops captured the rebel leader near the border.", [])
    assert not _arrest("Rebels captured the town of Gwoza on Friday.", ["Gwoza"])
    assert not _arrest("Rebels captured 20 soldiers near the border.", [])
    assert not _arrest("Ukraine said it killed 64 fighters while capturing many PoWs on Tuesday.", [])
    assert not _arrest("Ruritanian forces captured Zenda after a week of fighting.", ["Zenda"])
    with rules.disabled(["event.arrest.verbs"]):
        assert not _arrest("Troops captured the rebel leader near the border.", [])


def test_the_places_the_lead_names_are_kept_even_named_once(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """A wire report names where its story happens once, in its lead: that town, region or
    country is kept where the lead puts something there ("in Ruritania"). Not its dateline, not a
    country or a capital named as the state speaking, and not a town named once further down."""
    from summarizer.extraction._findings import PlaceFact
    from summarizer.extraction._found import Classified, FoundPlace
    from summarizer.extraction._linking import prune

    text = (
        "Rebels attack district headquarters\n\n"
        "ZENDA, Ruritania (Reuters) - Rebels attacked a district headquarters in Hofbau province "
        "on Sunday, Ruritania said, according to Strelsau. "
        "The province has been quiet for a year. "
        "Traders later met in Tarlenheim."
    )
    out = Classified(
        places=[
            FoundPlace("Zenda", [], PlaceFact("settlement", "Ruritania")),
            FoundPlace("Hofbau province", [], PlaceFact("region", "Ruritania")),
            FoundPlace("Ruritania", [], PlaceFact("country", "Ruritania")),
            FoundPlace("Strelsau", [], PlaceFact("settlement", "Ruritania")),
            FoundPlace("Tarlenheim", [], PlaceFact("settlement", "Ruritania")),
        ]
    )
    monkeypatch.setattr("summarizer.extraction._linking.capital_of", lambda n: "Ruritania" if n == "Strelsau" else None)
    prune(text, out, title_end=text.index("\n"))
    assert [p.name for p in out.places] == ["Hofbau province"]
    in_country = text.replace("Ruritania said", "fighting in Ruritania went on")
    out.places = [FoundPlace("Ruritania", [], PlaceFact("country", "Ruritania"))]
    prune(in_country, out, title_end=text.index("\n"))
    assert [p.name for p in out.places] == ["Ruritania"]


def test_an_event_told_only_in_a_clause_that_qualifies_a_noun_is_background() -> None:
    """Every event word in a relative clause or a participle after a noun: the sentence tells
    something else. An event word in the main clause (or one it reports) keeps the sentence."""
    from summarizer import rules
    from summarizer.extraction._events import told_in_passing

    parade = "About 9000 soldiers, including 1000 who fought in Ruritania, took part in the parade."
    assert told_in_passing(parade)
    assert told_in_passing("The men, who attacked the port of Zenda, were born in Borduria.")
    assert told_in_passing("Special forces involved in fighting the rebels had been based there until May.")
    assert not told_in_passing("Rebels who attacked the town killed five people.")
    assert not told_in_passing("Borduria said that its forces recaptured the village of Hofbau last week.")
    assert not told_in_passing("During fighting in the city, five soldiers were killed.")
    assert not told_in_passing("The minister said the economy had grown.")  # no event word at all
    with rules.disabled(["event.cue.ground", "event.decisive.ground", "event.second.ground"]):
        assert not told_in_passing(
            "About 9000 soldiers, including 1000 who fought in Ruritania, took part in the parade."
        )


def test_an_incident_set_before_the_story_is_background_only_in_its_own_clause() -> None:
    """The guide: background events are optional. A sentence whose every event word sits in the
    clause of "last month", "the next year", "two years ago" tells background; one whose main
    clause tells the story's incident keeps it, whatever a relative clause dates."""
    from summarizer import rules
    from summarizer.extraction._events import told_as_background

    assert told_as_background("Last month, an attack on a mosque in Zenda killed 19 worshippers.")
    assert told_as_background("The next year, Rassendyll was captured in Borduria by Ruritanian agents.")
    assert told_as_background("Two years ago rebels shelled the port of Hofbau.")
    assert not told_as_background("On Sunday, an attack on a mosque in Zenda killed 19 worshippers.")
    assert not told_as_background(
        "Ruritania's army says its forces have retaken Zenda, which the rebels last year declared their capital."
    )
    assert not told_as_background("Last month was the deadliest of the war.")  # no event word
    with rules.disabled(["not_incident.background"]):
        assert not told_as_background("Last month, an attack on a mosque in Zenda killed 19 worshippers.")


def test_the_agency_of_the_dateline_is_the_publisher_never_a_party() -> None:
    """The guide: the publisher of the article is no actor. The agency its dateline names
    ("(DPN)") is the publisher wherever the article names it again ("told DPN", "DPN affiliate"),
    whatever kind the model gave it (a small model calls "CNN" a government or a person);
    another outlet the article names is judged by its own mentions."""
    from summarizer.extraction._events import datelines
    from summarizer.extraction._found import FoundActor
    from summarizer.extraction._linking import _publisher, _publishers

    text = (
        "Strelsau, Ruritania (DPN)Rebels attacked a convoy near Zenda on Monday. "
        "Footage aired by DPN affiliate Radio Zenda showed burning trucks. "
        'The governor told DPN that more troops would come. "We will hold," he said. '
        "The Zenda Courier was seized by the rebels."
    )
    publishers = _publishers(text, datelines(text))
    assert publishers == {"dpn"}
    assert _publisher(FoundActor("DPN", [], "organization", None, False), publishers)
    assert _publisher(FoundActor("DPN", [], "government", None, False), publishers)
    assert _publisher(FoundActor("DPN", [], "person", None, False), publishers)
    assert not _publisher(FoundActor("Zenda Courier", [], "media", None, False), publishers)


def test_a_piece_of_another_actors_name_is_no_actor_of_its_own() -> None:
    """An actor every mention of which lies inside another actor's mention ("Hand", only ever
    in "Black Hand") is a piece of that name; one named on its own too is kept."""
    from summarizer.extraction._found import FoundActor
    from summarizer.extraction._linking import _pieces

    text = (
        "The Black Hand attacked Zenda. Black Hand fighters held the bridge. The Zenda Guard fled; the Guard regrouped."
    )
    hand, black_hand = FoundActor("Hand", [], "armed_group", None), FoundActor("Black Hand", [], "armed_group", None)
    guard, zenda_guard = (
        FoundActor("Guard", [], "armed_forces", None),
        FoundActor("Zenda Guard", [], "armed_forces", None),
    )
    assert _pieces(text, [hand, black_hand, guard, zenda_guard]) == {"Hand"}  # "the Guard regrouped": its own


def test_a_capital_named_twice_is_a_place_when_one_mention_puts_something_there() -> None:
    from summarizer.extraction._findings import PlaceFact
    from summarizer.extraction._found import Classified, FoundPlace
    from summarizer.extraction._linking import prune

    def run(text: str) -> list[str]:
        out = Classified(places=[FoundPlace("Sanaa", [], PlaceFact("settlement", "Yemen"))])
        prune(text, out)
        return [p.name for p in out.places]

    # the capital as the state speaking, twice: no place
    assert run("Rebels seized the airport. Sanaa said the talks failed. Sanaa later denied it.") == []
    # once as where something happened ("in Sanaa"): the place of the story
    assert run("Rebels seized the airport. Blasts were heard in Sanaa. Sanaa later denied it.") == ["Sanaa"]


def test_a_place_only_the_model_calls_one_is_no_place() -> None:
    """The model's place label stands where something else says it is a name: the gazetteer
    knows it or the name tagger saw a name ("Qaeda" of "al Qaeda", a capitalised word no tagger
    took for a name, is no region)."""
    from summarizer.extraction._findings import Findings, Places
    from summarizer.extraction._found import Classified
    from summarizer.extraction._linking import actors_and_places
    from summarizer.nlp import Gazetteer
    from summarizer.text import Candidate

    text = "Forces fighting al Qaeda were based at Hofbau, near the Zenda Market."
    votes = {"Qaeda": {"CAPS": 2}, "Hofbau": {"PLACE": 1}, "Zenda Market": {"ORG": 1}}
    findings = Findings(candidates=[Candidate(n, votes=v) for n, v in votes.items()])
    labelled = {"Qaeda": "region", "Hofbau": "settlement", "Zenda Market": "facility"}
    out = Classified()
    actors_and_places(text, findings, Places(Gazetteer()), labelled, out)
    assert [p.name for p in out.places] == ["Hofbau", "Zenda Market"]


def test_names_listed_before_a_plural_region_noun_are_regions_not_towns() -> None:
    """ "The Luhansk and Donetsk regions" names two regions: not the cities of those names, drawn
    a hundred kilometres off (issue 20: every place on its spot). A name the article also uses
    alone for a town stays a town."""
    from summarizer.extraction._findings import find, listed_regions

    text = (
        "Russian forces are fighting in the Luhansk and Donetsk regions, said the governor of the "
        "Luhansk region. Shelling in Kharkiv and Sumy regions went on. A drone hit Sumy on Monday."
    )
    assert listed_regions(text) == {"Luhansk", "Donetsk", "Kharkiv"}  # Sumy is also named as the town
    findings, _places = find(text)
    assert findings.places["Donetsk"].kind == "region"
    assert "Sumy" not in findings.places or findings.places["Sumy"].kind != "region"


def test_a_region_named_alone_in_a_list_is_the_region_the_article_names_in_full() -> None:
    from summarizer.extraction._findings import PlaceFact, Places
    from summarizer.extraction._found import FoundPlace
    from summarizer.extraction._linking import _own_names
    from summarizer.nlp import Gazetteer

    text = "Fighting in the Luhansk and Donetsk regions went on, the governor of the Luhansk region said."
    found = [
        FoundPlace("Luhansk region", [], PlaceFact("region", "Ukraine")),
        FoundPlace("Luhansk", [], PlaceFact("region", "Ukraine")),
        FoundPlace("Donetsk", [], PlaceFact("region", "Ukraine")),
    ]
    out = _own_names(text, found, Places(Gazetteer()))
    assert [(p.name, p.forms) for p in out] == [("Luhansk region", ["Luhansk"]), ("Donetsk", [])]


def test_an_area_across_countries_and_a_capitalised_word_are_no_towns_abroad() -> None:
    """A name the gazetteer also knows as a hamlet in a country the story names is what the
    story means: "the Middle East" is a region in no country; "Arab" of "the Arab League" and
    "Council" of "the Council on Foreign Relations" (capitalised words no tagger read as names)
    are no places in that country; a town the story calls one stays."""
    from summarizer.extraction._findings import Findings, PlaceFact, Places
    from summarizer.extraction._found import Classified
    from summarizer.extraction._linking import actors_and_places
    from summarizer.nlp import Gazetteer
    from summarizer.text import Candidate

    text = (
        "Jets struck Aden and Zinjibar in Yemen, the worst fighting in the Middle East this year. "
        "The Arab League met, and the Council on Foreign Relations in the United States said the "
        "strikes on Aden would go on. Hadi resigned and fled."
    )
    us = PlaceFact("settlement", "United States")
    findings = Findings(
        candidates=[
            Candidate("Aden", votes={"PLACE": 2}),
            Candidate("Zinjibar", votes={"PLACE": 1}),
            Candidate("Middle East", votes={"PLACE": 1}),
            Candidate("Arab", votes={"CAPS": 1}),
            Candidate("Council", votes={"CAPS": 1}),
            Candidate("Hadi", votes={"PLACE": 1}),  # a hamlet in the United States, here a person who acts
        ],
        places={
            "Aden": PlaceFact("settlement", "Yemen"),
            "Zinjibar": PlaceFact("settlement", "Yemen"),
            "Middle East": us,  # a hamlet of 1,872 in the United States
            "Arab": us,
            "Council": us,
            "Hadi": us,
        },
        countries=frozenset({"YE", "US"}),
        acting={"Hadi"},
    )
    out = Classified()
    actors_and_places(text, findings, Places(Gazetteer(), findings.countries), {}, out)
    assert [(p.name, p.fact.kind, p.fact.country) for p in out.places] == [
        ("Aden", "settlement", "Yemen"),
        ("Zinjibar", "settlement", "Yemen"),
        ("Middle East", "region", None),
    ]
    findings.settlements = {"Arab"}  # "the village of Arab": a town the text calls one stays
    out = Classified()
    actors_and_places(text, findings, Places(Gazetteer(), findings.countries), {}, out)
    assert "Arab" in [p.name for p in out.places]


def test_a_town_named_only_inside_longer_names_is_no_place() -> None:
    from summarizer.extraction._findings import PlaceFact
    from summarizer.extraction._found import Classified, FoundPlace
    from summarizer.extraction._linking import prune

    text = (
        "Rebels shelled Zenda on Sunday and again on Monday, and Zenda burned. "
        "Hofbau Rovers fans fled, said Colonel Sapt Hofbau, and Hofbau Rovers left Zenda."
    )
    out = Classified(
        places=[
            FoundPlace("Zenda", [], PlaceFact("settlement", "Ruritania")),
            FoundPlace("Hofbau", [], PlaceFact("settlement", "Ruritania")),
        ]
    )
    prune(text, out)
    assert [p.name for p in out.places] == ["Zenda"]


def test_a_country_s_part_named_by_a_compass_word_is_a_region_where_an_event_is() -> None:
    """ "rocked southern Ruritania", "in a remote area of northeastern Borduria": a region of the
    country, the event's place where the sentence names no town; beside a town the event is at
    the town; said of another place ("the Zenda basin, formerly southern Ruritania") it is no
    place of the event; capitalised ("South Borduria") it is a name of its own."""
    from summarizer.extraction._events import _add, finest_places
    from summarizer.extraction._findings import PlaceFact
    from summarizer.extraction._found import Classified, FoundPlace
    from summarizer.extraction._linking import _compass_regions

    text = (
        "Bomb blasts rocked southern Thailand on Friday. Rebels seized hostages in a remote area of "
        "northeastern Nigeria. Troops crossed into South Sudan. Advances in the Donbass, formerly "
        "eastern Ukraine, have succeeded. Blasts in southern Thailand hit Yala."
    )
    found = _compass_regions(text, [FoundPlace("Thailand", [], PlaceFact("country", "Thailand"))])
    assert [(p.name, p.fact.kind, p.fact.country) for p in found] == [
        ("southern Thailand", "region", "Thailand"),
        ("northeastern Nigeria", "region", "Nigeria"),
        ("eastern Ukraine", "region", "Ukraine"),
    ]
    places = [*found, FoundPlace("Thailand", [], PlaceFact("country", "Thailand"))]
    places.append(FoundPlace("Yala", [], PlaceFact("settlement", "Thailand")))
    kinds = {p.name: p.fact.kind for p in places}
    out = Classified(places=places)
    for sentence in text.split(". "):
        start = text.index(sentence)
        _add(text, start, start + len(sentence), "explosion_remote_violence", out, kinds, None)
    assert [ev.places for ev in out.events] == [["southern Thailand"], ["northeastern Nigeria"], ["Yala"]]
    out.events[0].places.append("Yala")  # told again at the town
    finest_places(out.events, kinds)
    assert [ev.places for ev in out.events] == [["Yala"], ["northeastern Nigeria"], ["Yala"]]


def test_a_border_named_by_its_countries_or_peoples_is_a_region_in_no_one_country() -> None:
    from summarizer.extraction._events import _add
    from summarizer.extraction._found import Classified
    from summarizer.extraction._linking import _border_regions

    text = (
        "Troops attacked hideouts near the rugged Afghan border. A tank opened fire on the border "
        "between the two countries. Traders crossed the border between Kenya and Somalia. "
        "Police met the Niger-Nigeria border patrol. The Palace border guards left."
    )
    found = _border_regions(text, [])
    assert [(p.name, p.fact.kind, p.fact.country) for p in found] == [
        ("Afghan border", "region", None),
        ("border between the two countries", "region", None),
        ("border between Kenya and Somalia", "region", None),
        ("Niger-Nigeria border", "region", None),
    ]
    kinds = {p.name: p.fact.kind for p in found}
    out = Classified(places=found)
    first = text.index(".") + 1
    _add(text, 0, first, "battle", out, kinds, None)
    assert [ev.places for ev in out.events] == [["Afghan border"]]


def test_the_unarmed_people_a_figure_counts_are_the_story_s_civilians() -> None:
    """ "68 people" killed: a civilians actor named as the text names them, of the country the
    story's places are in; another name of the civilians the story already has; none for a toll
    of fighters."""
    from summarizer.extraction._findings import PlaceFact
    from summarizer.extraction._found import Classified, FoundActor, FoundFigure, FoundPlace
    from summarizer.extraction._linking import victim_groups
    from summarizer.text import CasualtyFigure

    text = "Gunmen shot dead 68 people in Zenda on Sunday. Troops killed 12 fighters near Hofbau."

    def figure(words: str) -> CasualtyFigure:
        start = text.index(words)
        sentence = text.rindex(".", 0, start) + 2 if "." in text[:start] else 0
        return CasualtyFigure(start, start + len(words.split()[0]), sentence, text.index(".", start) + 1)

    zenda = FoundPlace("Zenda", [], PlaceFact("settlement", "Ruritania"))
    people = FoundFigure(figure("68 people"), "killed", "civilians", None)
    fighters = FoundFigure(figure("12 fighters"), "killed", "civilians", None)
    out = Classified(places=[zenda], figures=[people, fighters])
    victim_groups(text, text, out)
    assert [(a.name, a.kind, a.side) for a in out.actors] == [("people", "civilians", "Ruritania")]
    out = Classified(places=[zenda], figures=[people], actors=[FoundActor("residents", [], "civilians", "Ruritania")])
    victim_groups(text, text, out)
    assert [(a.name, a.forms) for a in out.actors] == [("residents", ["people"])]


def test_a_first_level_region_of_a_named_country_is_that_region_whatever_kind_the_model_gave() -> None:
    from summarizer.extraction._findings import Findings, Places
    from summarizer.extraction._found import Classified
    from summarizer.extraction._linking import actors_and_places
    from summarizer.nlp import Gazetteer
    from summarizer.text import Candidate

    text = "Colombia's president spoke in Tolima after the car bombing in Colombia."
    findings = Findings(candidates=[Candidate("Tolima", votes={"PLACE": 1})], countries=frozenset({"CO"}))
    out = Classified()
    actors_and_places(text, findings, Places(Gazetteer(), findings.countries), {"Tolima": "other_place"}, out)
    assert [(p.name, p.fact.kind, p.fact.country) for p in out.places] == [("Tolima", "region", "Colombia")]
    findings = Findings(candidates=[Candidate("Tolima", votes={"PLACE": 1})])  # no country named: no guess
    out = Classified()
    actors_and_places(
        text.replace("Colombia", "the country"), findings, Places(Gazetteer()), {"Tolima": "other_place"}, out
    )
    assert [(p.name, p.fact.country) for p in out.places] == [("Tolima", None)]


def test_a_place_noun_alone_in_lower_case_is_no_place() -> None:
    from summarizer.extraction._linking import _described

    assert _described("region") and _described("the south coast") and _described("republic")
    assert _described("Ukrainian region")
    assert not _described("Zenda region") and not _described("Region")  # a name, or a word opening a sentence


def test_where_the_staff_filed_from_is_no_place_of_an_event() -> None:
    from summarizer.extraction._events import _add
    from summarizer.extraction._findings import PlaceFact
    from summarizer.extraction._found import Classified, FoundPlace

    text = 'He called the strikes "worse than war." Flavia Elphberg wrote this report from Zenda.'
    out = Classified(places=[FoundPlace("Zenda", [], PlaceFact("settlement", "Ruritania"))])
    _add(text, 0, len(text), "explosion_remote_violence", out, {"Zenda": "settlement"}, None)
    assert out.events == []  # not the lead, and no place of its own: background


def test_the_capital_a_phrase_names_is_where_the_event_is_when_the_text_names_the_city() -> None:
    """ "the streets of Haiti's capital" with the dateline "PORT-AU-PRINCE, Haiti": the event is in
    Port-au-Prince, under the text's spelling; a headline's last word is no piece of the
    dateline's name."""
    from summarizer.extraction._events import _add
    from summarizer.extraction._findings import PlaceFact
    from summarizer.extraction._found import Classified, FoundPlace
    from summarizer.extraction._linking import _capitals_named, prune

    text = (
        "Violent Protests Erupt Again in Haiti\n\nPORT-AU-PRINCE, Haiti Oct. 2, 2004 - Supporters "
        "took to the streets of Haiti's capital for a second day."
    )
    haiti = FoundPlace("Haiti", [], PlaceFact("country", "Haiti"))
    found = _capitals_named(text, [haiti])
    assert [(p.name, p.fact.kind, p.fact.country) for p in found] == [("PORT-AU-PRINCE", "settlement", "Haiti")]
    out = Classified(places=[haiti, *found])
    start = text.index("PORT")
    _add(text, start, len(text), "protest_riot", out, {p.name: p.fact.kind for p in out.places}, None)
    assert [ev.places for ev in out.events] == [["PORT-AU-PRINCE"]]
    prune(text, out, title_end=text.index("\n"))
    assert "PORT-AU-PRINCE" in [p.name for p in out.places]
    assert _capitals_named("Rebels shelled the Haitian capital.", [haiti]) == []  # the city is not named: no place


def test_a_group_the_model_left_without_a_side_gets_the_one_the_story_gives() -> None:
    """`group_sides`, after the model: a group named by its nationality is of that country
    (stated); a state's force named with no nationality ("police", `force.home_state`) is of the
    country the story's places are in (inferred); a tie between countries, a person or a side the
    model gave leaves it as it is."""
    from summarizer.extraction._findings import PlaceFact
    from summarizer.extraction._found import Classified, FoundActor, FoundPlace
    from summarizer.extraction._linking import group_sides

    zenda = FoundPlace("Zenda", [], PlaceFact("settlement", "Ruritania"))
    hofbau = FoundPlace("Hofbau", [], PlaceFact("settlement", "Borduria"))

    def sides(places: list[FoundPlace], *actors: FoundActor) -> list[tuple[str | None, str | None]]:
        out = Classified(places=places, actors=list(actors))
        group_sides(out)
        return [(a.side, a.side_basis) for a in out.actors]

    police = FoundActor("police", [], "other", None)
    assert sides([zenda], police) == [("Ruritania", "inferred")]
    assert sides([zenda], FoundActor("Army reinforcements", [], "armed_forces", None)) == [("Ruritania", "inferred")]
    assert sides([zenda], FoundActor("Israeli children", [], "civilians", None)) == [("Israel", "stated")]
    assert sides([zenda, hofbau], FoundActor("police", [], "other", None)) == [(None, None)]  # a tie: no guess
    assert sides([zenda], FoundActor("police", [], "other", "Borduria")) == [("Borduria", "stated")]
    assert sides([zenda], FoundActor("police chief Hentzau", [], "person", None)) == [(None, None)]
    assert sides([zenda], FoundActor("Israeli police", [], "person", None)) == [(None, None)]  # a person: not a group
    assert sides([zenda], FoundActor("Human Rights Watch", [], "organization", None)) == [(None, None)]


def test_a_state_named_by_its_country_and_by_its_government_is_one_actor() -> None:
    """The guide's one government actor per state: "Turkey" and "the Turkish government" (or
    "Turkey's authorities") merge, the name written most stays; a ministry, another country's
    government, officials and a non-government body stay apart."""
    from summarizer.extraction._found import Classified, FoundActor
    from summarizer.extraction._twins import one_per_party

    text = "Turkey said so. Turkey and the Turkish government agreed. Greece's government and Turkish officials spoke."
    out = Classified(
        actors=[
            FoundActor("Turkey", [], "government", "Turkey", True),
            FoundActor("Turkish government", [], "government", "Turkey", True),
            FoundActor("Ankara", [], "government", None, True),
            FoundActor("Turkish Defense Ministry", [], "government", "Turkey", True),
            FoundActor("Greece's government", [], "government", "Greece", True),
            FoundActor("Turkish officials", [], "government", "Turkey", True),
            FoundActor("Turkish army", [], "armed_forces", "Turkey", True),
        ]
    )
    one_per_party(text, out)
    assert [(a.name, a.forms) for a in out.actors] == [
        ("Turkey", ["Turkish government", "Ankara"]),
        ("Turkish Defense Ministry", []),
        ("Greece's government", []),
        ("Turkish officials", []),
        ("Turkish army", []),
    ]


def test_a_place_named_only_inside_a_known_group_s_name_is_no_place() -> None:
    """ "al - Qaeda in the Arabian Peninsula" (rules/groups.toml, written as tokenized corpora
    write it) names the group, not a region of the story; named on its own too, it stays."""
    from summarizer.extraction._findings import PlaceFact
    from summarizer.extraction._found import FoundPlace
    from summarizer.extraction._linking import _only_in_group_names

    area = FoundPlace("Arabian Peninsula", [], PlaceFact("region", None))
    text = "Fighters of al - Qaeda in the Arabian Peninsula attacked the port. AQAP said so."
    assert _only_in_group_names(text, area)
    assert not _only_in_group_names(text + " Storms crossed the Arabian Peninsula.", area)
    assert not _only_in_group_names("Storms crossed the Arabian Peninsula.", area)


def test_an_event_put_only_at_what_is_no_place_is_left_out_like_a_placeless_incident() -> None:
    """An event whose only place is judged no place of the story ("Hofbau" of "the Hofbau
    Rovers", a name's piece) has no place left: it is left out, as an incident whose sentence
    names none is (`_events._add`); an event with a place that stays keeps it."""
    from summarizer.extraction._findings import PlaceFact
    from summarizer.extraction._found import Classified, FoundEvent, FoundPlace
    from summarizer.extraction._linking import prune

    text = "Gunmen attacked fans of the Hofbau Rovers. Shelling hit Zenda on Monday. Zenda was calm."
    out = Classified(
        places=[
            FoundPlace("Hofbau", [], PlaceFact("settlement", None)),
            FoundPlace("Zenda", [], PlaceFact("settlement", None)),
        ],
        events=[
            FoundEvent("violence_against_civilians", 0, 42, ["Hofbau"], [], None),
            FoundEvent("explosion_remote_violence", 43, 73, ["Zenda"], [], None),
        ],
    )
    prune(text, out)
    assert [p.name for p in out.places] == ["Zenda"]
    assert [(ev.type, ev.places) for ev in out.events] == [("explosion_remote_violence", ["Zenda"])]


def test_a_report_that_is_all_lead_names_no_place_or_party_in_passing() -> None:
    """A wire of a headline and one or two sentences names only its story: every actor and place
    it names is kept, even named once and acting in no event ("U.N. peacekeepers and Ruritanian
    police moved into an area ..."). A country named there only as the state that speaks, or
    inside a finer place's name, is not a place of it. The same names in a longer report are
    passing mentions and go."""
    from summarizer.extraction._findings import PlaceFact
    from summarizer.extraction._found import Classified, FoundActor, FoundPlace
    from summarizer.extraction._linking import prune

    wire = (
        "In Ruritania, Peacekeepers Take on Militants\n\n"
        "U.N. peacekeepers and Ruritanian police moved into an area of northern Borduria early Sunday "
        "controlled by militants loyal to ousted President Rudolf Elphberg, Borduria said."
    )

    def found() -> Classified:
        return Classified(
            actors=[
                FoundActor("U.N. peacekeepers", [], "armed_forces", None, False),
                FoundActor("Ruritanian police", [], "other", "Ruritania", False),
                FoundActor("Rudolf Elphberg", [], "person", None, False),
            ],
            places=[
                FoundPlace("Ruritania", [], PlaceFact("country", "Ruritania")),
                FoundPlace("northern Borduria", [], PlaceFact("region", "Borduria")),
                FoundPlace("Borduria", [], PlaceFact("country", "Borduria")),
            ],
        )

    out = found()
    prune(wire, out, title_end=wire.index("\n"))
    assert [a.name for a in out.actors] == ["U.N. peacekeepers", "Ruritanian police", "Rudolf Elphberg"]
    # not Borduria: inside a finer place; a country's part stays only where an event is (as in any report)
    assert [p.name for p in out.places] == ["Ruritania"]
    longer = wire + " The area has been quiet for a year. Talks resume on Monday. Both sides met in May."
    out = found()
    prune(longer, out, title_end=wire.index("\n"))
    assert out.actors == [] and out.places == []


def test_a_surname_alone_the_model_took_for_a_state_is_a_person() -> None:
    """A surname alone ("Rassendyll"), read by NER as a person at two mentions or more, is the person even
    where the model called it the government; a country's name NER read as a person, a name NER
    read once, and a group's one-word name of another kind stay as the model gave them."""
    from summarizer.extraction._findings import Findings
    from summarizer.extraction._found import Classified, FoundActor
    from summarizer.extraction._linking import person_kinds
    from summarizer.text import Candidate

    def kind(name: str, model_kind: str, person_votes: int) -> str:
        actor = FoundActor(name, [], model_kind, None, True)
        cand = Candidate(name=name, first=0, votes={"PERSON": person_votes})
        person_kinds(Findings(candidates=[cand]), Classified(actors=[actor]))
        return actor.kind

    assert kind("Rassendyll", "government", 2) == "person"
    assert kind("Rassendyll", "government", 1) == "government"  # one reading: not enough
    assert kind("Niger", "government", 3) == "government"  # a country, whatever NER says
    assert kind("Jundallah", "organization", 3) == "organization"  # a group's name: the model's kind
