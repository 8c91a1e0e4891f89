"""Issue 20 and 18: an actor's side has its basis in the article's words, and a figure's
`affected` and `claimed_by` are what its sentence says, or empty; never a guess dressed as a fact."""

from __future__ import annotations

from summarizer.extraction._findings import Findings, find
from summarizer.extraction._found import FoundActor
from summarizer.extraction._linking import check_sides
from summarizer.text import (
    among_bystanders,
    claimant_in,
    institution_claimant,
    introduces_source,
    victim_noun,
)


def _noun(sentence: str, figure: str) -> str | None:
    end = sentence.index(figure) + len(figure)
    return victim_noun(sentence, end, len(sentence))


def _read(text: str, pick: str, actors: list[FoundActor] | None = None) -> list[tuple[str | None, str | None]]:
    """Each figure of `text` as code reads it after the model picked `pick` as who suffered it:
    (affected, claimed_by)."""
    from summarizer.extraction._classify import _figures, _figures_found
    from summarizer.extraction._found import Classified

    out = Classified(actors=actors or [])
    found = _figures_found(text, text, 0, len(text), 12)
    _figures(text, found, [(pick, "none")] * len(found), out, 0)
    return [(f.affected, f.claimed_by) for f in out.figures]


# --- sides ------------------------------------------------------------------------------------


def test_a_non_state_group_takes_no_side_from_a_nationality_or_the_model() -> None:
    text = "Pakistani Taliban fighters attacked a church. The Moscow-backed Donbas Militia shelled a town."
    taliban = FoundActor("Pakistani Taliban", [], "armed_group", "Pakistan", True)
    taliban.side_basis = "stated"
    militia = FoundActor("Donbas Militia", [], "armed_group", "Ukraine", True, "inferred")
    rebels = FoundActor("Eastern Rebels", [], "armed_group", "Nigeria", True, "inferred")
    check_sides(text, Findings(candidates=[]), [taliban, militia, rebels])
    assert (taliban.side, taliban.side_basis) == (None, None)  # "a Lebanese militia" is no side
    assert (militia.side, militia.side_basis) == ("Russia", "stated")  # who backs it
    assert (rebels.side, rebels.side_basis) == (None, None)  # the model's guess is dropped


def test_a_known_group_of_any_war_is_an_armed_group_on_the_side_its_backer_is_said_to_be() -> None:
    """rules/groups.toml knows the named groups of every conflict of the gold: whatever kind the
    model gave the name (an "organization", "armed_forces" read with the nationality inside it),
    it is an armed group; its side is the state the article says backs it, else none."""
    text = "The Free Syrian Army shelled the base. The Iran-backed Kataib Hezbollah fired rockets."
    fsa = FoundActor("Free Syrian Army", [], "armed_forces", "Syria", True)
    fsa.side_basis = "stated"
    kh = FoundActor("Kataib Hezbollah", [], "organization", None, True)
    check_sides(text, Findings(candidates=[]), [fsa, kh])
    assert (fsa.kind, fsa.side, fsa.side_basis) == ("armed_group", None, None)
    assert (kh.kind, kh.side, kh.side_basis) == ("armed_group", "Iran", "stated")


def test_the_names_of_one_known_group_are_one_party() -> None:
    """The names "ISIS" and "Islamic State" are one party; two groups one conflict knows stay two; a
    tokenized corpus's "al - Qaeda" is al-Qaeda."""
    from summarizer.extraction._found import Classified
    from summarizer.extraction._known import known_group, same_known_group
    from summarizer.extraction._twins import one_per_party

    assert same_known_group(["ISIS"], ["Islamic State"])
    assert same_known_group(["PKK"], ["Kurdistan Workers’ Party"])
    assert not same_known_group(["Mahdi Army"], ["Kataib Hezbollah"])
    assert not same_known_group(["Rebels"], ["Insurgents"])
    assert known_group(["al - Qaeda"]) == ("armed_group", None)
    assert known_group(["the Taliban"]) == ("armed_group", None)

    text = "Islamic State claimed the bombing. ISIS fighters fled. Islamic State later said more."
    out = Classified(
        actors=[
            FoundActor("Islamic State", [], "armed_group", None, True),
            FoundActor("ISIS", [], "organization", None, True),
        ]
    )
    one_per_party(text, out)
    assert [(a.name, a.forms) for a in out.actors] == [("Islamic State", ["ISIS"])]


def test_a_first_reading_the_article_does_not_confirm_is_dropped() -> None:
    text = (
        "The attack started when a car bomb exploded, according to witness Aden Hussein, who said he "
        "was nearby. Hussein said the gunmen stormed in."
    )
    findings, places = find(text)
    hussein = FoundActor("Aden Hussein", ["Hussein"], "person", "Yemen", True)  # "Aden" read as the city
    assert hussein.side_basis == "stated"
    check_sides(text, findings, [hussein], places)
    assert (hussein.side, hussein.side_basis) == (None, None)


def test_a_town_before_a_title_still_gives_the_side() -> None:
    text = "Melitopol Mayor Ivan Fedorov was captured. Fedorov was later freed."
    findings, places = find(text)
    mayor = FoundActor("Ivan Fedorov", ["Fedorov"], "person", "Ukraine", True)
    check_sides(text, findings, [mayor], places)
    assert (mayor.side, mayor.side_basis) == ("Ukraine", "stated")


def test_a_person_installed_by_a_state_has_its_side() -> None:
    text = "“The dam is in danger,” Vladimir Saldo, Russian-installed head of occupied Kherson province, said."
    saldo = FoundActor("Vladimir Saldo", ["Saldo"], "person", None, True)
    check_sides(text, Findings(candidates=[]), [saldo])
    assert (saldo.side, saldo.side_basis) == ("Russia", "stated")


# --- who suffered a figure ----------------------------------------------------------------------


def test_bystanders_are_civilians_whatever_their_nationality_or_faith() -> None:
    assert _noun("A rocket killed two Israeli children in a border town.", "two") == "civilians"
    assert _noun("The deaths of 85 Muslim protesters shook the south.", "85") == "civilians"
    assert _noun("A 69-year-old man was wounded.", "A") == "civilians"
    assert _noun("The attack killed at least 19 worshipers.", "19") == "civilians"


def test_people_and_a_nationality_as_the_noun_say_only_that_they_were_people() -> None:
    assert _noun("The siege ended with at least 20 people dead.", "20") == "people"
    assert _noun("Twenty-three Palestinians were killed Thursday.", "Twenty-three") == "people"
    assert _noun("One civilian was killed and 82 others wounded.", "82") == "people"
    assert _noun("Shelling killed 64 Russian soldiers.", "64") is None  # a state's soldiers: their side decides
    assert _noun("Shelling killed 64 Ukrainian fighters.", "64") is None  # a nationality: the state's fighters


def test_non_state_fighters_are_an_armed_group_s_toll_never_a_state_s() -> None:
    """Issue 18: "killed 24 Islamic militants" was given to Cameroon, the country the sentence
    names. Irregulars (rule force.party.irregular) are the one armed group the article names,
    else nobody, whatever state the model picked; "Syrian rebels" are no more Syria's."""
    assert _noun("As many as 40,000 Wagner fighters were killed.", "40,000") == "fighters"
    assert _noun("Clashes killed 30 Syrian rebels.", "30") == "fighters"
    assert _noun("The Nigerian army killed 24 Islamic militants near the border.", "24") == "fighters"
    text = "The Nigerian army killed 24 Islamic militants in the region bordering Cameroon, a spokesman said."
    for actors, expected in (([], None), ([FoundActor("Boko Haram", [], "armed_group", None, True)], "Boko Haram")):
        assert [a for a, _c in _read(text, "Cameroon", actors)] == [expected]


def test_a_figure_with_no_noun_of_its_own_names_no_one() -> None:
    """A figure followed by no noun ("Dozens have died", "killing thousands,") says nothing of who
    they were: the model's pick of a party from the context ("Iran", the country the sentence
    names) is dropped (rule figures.no_noun). A noun after it keeps the pick ("soldiers")."""
    for text, expected in (
        ("Dozens have died in the airstrikes in Iran, commanders said.", None),
        ("The rebels raided towns in Iran, killing thousands, officials said.", None),
        ("Dozens of soldiers have died in the airstrikes in Iran, commanders said.", "Iran"),
    ):
        assert [a for a, _c in _read(text, "Iran")] == [expected], text


def test_the_noun_a_figure_counts_is_read_past_words_the_tables_do_not_know() -> None:
    """ "one polio vaccination worker", "70 medical workers": the noun the figure counts (by the
    parse) says they were bystanders, whatever party the model picked; a nationality before it
    still decides ("64 Russian 'occupant' fighters" are Russia's)."""
    for text, expected in (
        ("Attackers killed one polio vaccination worker in northwestern Pakistan, officials said.", "civilians"),
        ("More than 70 medical workers have been killed in Pakistan since 2012.", "civilians"),
        ("Ukrainian shelling killed 64 Russian 'occupant' fighters near Bakhmut.", "Russia"),
    ):
        assert [a for a, _c in _read(text, "Pakistan")] == [expected], text


def test_people_are_civilians_only_among_bystanders() -> None:
    assert among_bystanders("A Saudi airstrike killed over 140 people at a funeral in the capital.")
    assert among_bystanders("Missiles killed four people, including two children, and injured 151 more.")
    assert among_bystanders("Bombings at two mosques in Sanaa last week killed at least 137 people.")
    assert not among_bystanders("Forces battled in Aden, leaving at least 13 people dead in the clashes.")
    # the children are another figure's noun, not this one's place
    assert not among_bystanders(
        "Twenty-three Palestinians were killed Thursday after a rocket attack killed two Israeli children."
    )


# --- who claims a figure ------------------------------------------------------------------------


def test_a_claimed_attack_is_not_a_claimed_figure() -> None:
    s = "The Pakistani Taliban claimed responsibility for the blasts, which killed 14 people."
    assert claimant_in(s, {"Pakistani Taliban": ["Pakistani Taliban"]}) is None
    s = "The Pakistani Taliban claimed that 14 soldiers were killed."
    assert claimant_in(s, {"Pakistani Taliban": ["Pakistani Taliban"]}) == "Pakistani Taliban"


def test_the_subject_of_the_verb_of_saying_claims_the_figure() -> None:
    names = {"Taras Kuzio": ["Taras Kuzio"], "Henry Jackson Society": ["Henry Jackson Society"]}
    s = "Taras Kuzio, an Associate Research Fellow at the Henry Jackson Society, says dozens were killed."
    assert claimant_in(s, names) == "Taras Kuzio"
    s = "At least 10 were killed in Saada, home to the leader Abdul Malik Al Houthi, Houthi commanders said."
    assert claimant_in(s, {"Abdul Malik Al Houthi": ["Abdul Malik Al Houthi"]}) is None
    s = "Governor Mihail Razvozhaev put the death toll at four, with 144 injured."
    assert claimant_in(s, {"Mihail Razvozhaev": ["Mihail Razvozhaev"]}) == "Mihail Razvozhaev"


def test_an_institution_claims_a_figure_a_bare_official_does_not() -> None:
    assert institution_claimant("A bomb exploded, injuring at least 15 people, police said.") == "police"
    assert institution_claimant("Police say seven people were injured.") == "Police"
    assert institution_claimant("At least 20 people died, authorities said.") is None
    assert institution_claimant("At least 20 people died, officials said.") is None


def test_an_institution_or_a_party_named_as_the_source_claims_a_figure() -> None:
    """The guide's claimants: "Iraqi officials", "Syrian opposition sources", "the aid agency", a
    ministry; an actor of its own (a state's officials and ministries are its government, on its
    side when the name says it). A bare "officials", "a spokesman" or "local officials" is none."""
    from summarizer import rules
    from summarizer.extraction._classify import _institution_actor
    from summarizer.extraction._found import Classified

    assert institution_claimant("Twenty civilians were killed, Iraqi officials said.") == "Iraqi officials"
    assert (
        institution_claimant("Syrian opposition sources said 30 fighters were killed.") == "Syrian opposition sources"
    )
    assert institution_claimant("At least 50 people died, according to the aid agency.") == "the aid agency"
    assert institution_claimant("The health ministry said 20 people were killed.") == "The health ministry"
    assert institution_claimant("According to the Zenda authorities, 3 villagers died.") == "the Zenda authorities"
    assert institution_claimant("A spokesman said 12 people were killed.") is None
    assert institution_claimant("At least 10 people were killed, according to local officials.") is None
    with rules.disabled(["figures.claimant_bodies"]):
        assert institution_claimant("Twenty civilians were killed, Iraqi officials said.") is None
    out = Classified()
    assert _institution_actor(out, "Iraqi officials") == "Iraqi officials"
    assert _institution_actor(out, "The health ministry") == "health ministry"
    assert _institution_actor(out, "the aid agency") == "aid agency"
    assert [(a.name, a.kind, a.side) for a in out.actors] == [
        ("Iraqi officials", "government", "Iraq"),
        ("health ministry", "government", None),
        ("aid agency", "other", None),
    ]


def test_only_an_introduced_source_is_named_by_the_next_sentence() -> None:
    assert introduces_source("Thousands of Russian troops died, according to a Ukrainian close to the action.")
    assert not introduces_source("At least 20 people died, authorities said.")


def test_a_figure_belongs_to_the_event_its_sentence_refers_back_to() -> None:
    """Issue 19: "wounded in the blast" ties the figure to the blast told before; a plural
    ("in the attacks") may be several incidents, and "since the invasion" is a period: no event."""
    from summarizer.contract import Event
    from summarizer.extraction._compose import _event_referred

    clash = Event(id="e1", type="battle", description="Rebels clashed with troops in Zenda.")
    blast = Event(id="e2", type="explosion_remote_violence", description="A bomb exploded in Strelsau.")
    talks = Event(id="e3", type="strategic_development", description="The two sides agreed a truce.")
    earlier = [clash, blast, talks]
    assert _event_referred("Nine people were wounded in the blast, police said.", earlier) is blast
    assert _event_referred("Four soldiers died in the heavy fighting.", earlier) is clash
    assert _event_referred("Nine people were wounded in the attacks, police said.", earlier) is None
    assert _event_referred("Since the invasion, 9,000 people have been killed.", earlier) is None
    assert _event_referred("Nine people were wounded in a blast.", earlier) is None
    assert _event_referred("Nine people were wounded in the blast.", [talks]) is None


def test_a_name_cut_inside_a_parenthesis_is_closed_and_its_references_follow() -> None:
    """A name found as "Black Hand Front (BHF" (the text: "Black Hand Front (BHF)") is the
    Black Hand Front, alias BHF, in its events and figures too; a balanced name is left alone."""
    from summarizer.extraction._found import Classified, FoundActor, FoundEvent, FoundFigure

    out = Classified(
        actors=[
            FoundActor("Black Hand Front (BHF", [], "armed_group", None),
            FoundActor("Zenda Guard (ZG)", [], "armed_group", None),
        ],
        events=[FoundEvent("battle", 0, 10, [], ["Black Hand Front (BHF", "Zenda Guard (ZG)"], None)],
        figures=[FoundFigure(None, "killed", "Black Hand Front (BHF", "Black Hand Front (BHF")],  # type: ignore[arg-type]
    )
    out.close_names()
    assert [(a.name, a.forms) for a in out.actors] == [("Black Hand Front", ["BHF"]), ("Zenda Guard (ZG)", [])]
    assert out.events[0].actors == ["Black Hand Front", "Zenda Guard (ZG)"]
    assert (out.figures[0].affected, out.figures[0].claimed_by) == ("Black Hand Front", "Black Hand Front")


def test_a_rank_read_apart_from_its_name_claims_no_figure() -> None:
    """ "said Col. Rupert Hentzau": the abbreviated rank ("Col"), which the names found apart from
    the name, is no claimant; the name after it is."""
    text = "Nine people were killed in the attack on the house, said Col. Rupert Hentzau, a police officer."
    actors = [FoundActor("Col", [], "person", None, True), FoundActor("Rupert Hentzau", [], "person", None, True)]
    assert [c for _a, c in _read(text, "none", actors)] == ["Rupert Hentzau"]
