"""Event roles read from an event's sentence: every rule of rules/roles.toml on its example and its
counter-example, and the grammar the reader relies on (voice, quantities, places, actors)."""

from __future__ import annotations

import pytest

from summarizer import rules
from summarizer.contract import EVENT_ROLES, Actor, Event, Location, Span
from summarizer.extraction._roles import ROLES, dateline_end, event_roles, role_rules, sentence_roles
from summarizer.nlp import parse


def roles_of(sentence: str, event_type: str = "explosion_remote_violence", actors=(), locations=()) -> dict:
    found = sentence_roles(sentence, sentence, 0, len(sentence), event_type, list(actors), list(locations))
    return {role: [f.name for f in fillers] for role, fillers in found.items()}


def mention(text: str, form: str) -> Span:
    start = text.index(form)
    return Span(start=start, end=start + len(form), text=form)


RULES = sorted(role_rules().items())


@pytest.mark.parametrize(("name", "rule"), RULES, ids=[name for name, _ in RULES])
def test_rule_fires_on_its_example_and_not_on_its_counter_example(name: str, rule: rules.Rule) -> None:
    assert (rule.words or rule.pattern) and rule.note, rule.id
    role = rule.data.get("role")
    assert role in ROLES, rule.id
    if rule.dropped:  # off after the model (tests/test_rules_switch.py); its own words checked with it on
        assert rule.id in rules.off()
        with rules.everything_on():
            _fires(rule, role)
        return
    _fires(rule, role)


def _fires(rule: rules.Rule, role: str) -> None:
    if rule.data.get("blocks"):  # a rule that keeps a word out of a role: its example has one filler fewer
        with rules.disabled([rule.id]):
            without = roles_of(rule.example)[role], roles_of(rule.counter_example)[role]
        assert set(roles_of(rule.example)[role]) < set(without[0]), f"{rule.id}: blocks nothing in {rule.example!r}"
        assert roles_of(rule.counter_example)[role] == without[1], f"{rule.id}: changes {rule.counter_example!r}"
        return
    assert roles_of(rule.example)[role], f"{rule.id}: no {role} in {rule.example!r}"
    assert not roles_of(rule.counter_example)[role], (
        f"{rule.id}: {role} found in its counter-example {rule.counter_example!r}"
    )


def test_the_roles_are_the_contracts_one_list() -> None:
    fillers = [name for name, f in Event.model_fields.items() if "RoleFiller" in str(f.annotation)]
    assert ROLES is EVENT_ROLES
    assert list(EVENT_ROLES) == fillers  # the Event's role fields, in order


def test_a_word_list_switched_off_reads_as_empty() -> None:
    sentence = "Gunmen killed five villagers on Sunday."
    assert roles_of(sentence)["victims"] == ["villagers"]
    with rules.disabled(["roles.harm_verbs"]):
        assert roles_of(sentence)["victims"] == []
    assert roles_of(sentence)["victims"] == ["villagers"]


def test_active_voice_subject_acts_and_object_suffers() -> None:
    r = roles_of("Two female suicide bombers killed at least 10 people outside a mosque in Cameroon, police said.")
    assert r["by"] == ["female suicide bombers"]
    assert r["victims"] == ["people"]  # the figure and its quantifier are not part of the name
    assert "police" not in r["by"]  # the reporting verb's subject is no participant
    assert r["weapons"] == []  # "suicide bombers" are people, not a weapon


def test_passive_voice_agent_acts() -> None:
    r = roles_of("Three villagers were abducted by gunmen on Monday.", "violence_against_civilians")
    assert r["by"] == ["gunmen"] and r["victims"] == ["villagers"]


def test_a_quantity_stands_for_what_it_counts() -> None:
    with rules.everything_on():  # "died" is `roles.death_verbs`, dropped after the model: the grammar with it on
        r = roles_of("Thousands of Russian troops have already died in the battle.", "battle")
    assert r["victims"] == ["Russian troops"]


def test_weapons_and_targets() -> None:
    r = roles_of("Rebels fired rockets at an army base and struck a hospital with drones.")
    assert set(r["weapons"]) >= {"rockets", "drones"}
    assert "hospital" in r["targets"]


def test_clash_with_names_the_party_fought() -> None:
    r = roles_of("Government troops clashed with rebels near the border.", "battle")
    assert r["by"] == ["Government troops"] and r["against"] == ["rebels"]


def test_a_place_is_no_participant_and_an_actor_is_named_by_its_name() -> None:
    text = "Russia pounded the town of Vovchansk with artillery."
    actors = [Actor(id="a1", name="Russia", kind="government", mentions=[mention(text, "Russia")])]
    places = [Location(id="l1", name="Vovchansk", kind="settlement", mentions=[mention(text, "Vovchansk")])]
    found = event_roles(text, 0, len(text), "explosion_remote_violence", actors, places, parse(text))
    assert [(f.name, f.actor_id) for f in found["by"]] == [("Russia", "a1")]
    assert found["against"] == [] and found["targets"] == [] and found["victims"] == []
    assert [f.name for f in found["weapons"]] == ["artillery"]
    assert all(text[m.start : m.end] == m.text for fillers in found.values() for f in fillers for m in f.mentions)


def test_dates_are_no_participants() -> None:
    r = roles_of("Russian missiles struck Kyiv on Tuesday.")
    assert all("Tuesday" not in names for names in r.values())


def test_a_dateline_is_no_participant() -> None:
    sentence = "JABALYA, Gaza (Reuters) - Twenty-three Palestinians and three Israelis were killed Thursday."
    assert sentence[dateline_end(sentence) :].startswith("Twenty-three")
    r = roles_of(sentence, "battle")
    assert r["victims"] == ["Palestinians", "Israelis"]  # not the dateline's place
    assert roles_of("AFP - A bomb exploded in a compound, wounding one person, police said.")["by"] == []
    assert dateline_end("KYIV—Russia struck a power plant.") == len("KYIV—")
    assert dateline_end("Al-Shabaab militants stormed a hotel in the capital.") == 0
    assert dateline_end("Russia (the report said) struck a power plant.") == 0


def test_an_event_noun_is_no_participant_its_name_before_it_acts() -> None:
    r = roles_of("A rocket attack killed two children in a border town.")
    assert r["by"] == [] and r["victims"] == ["children"] and r["weapons"] == ["rocket"]
    assert roles_of("The war began with a Hamas attack on southern Israel.", "battle")["by"] == ["Hamas"]
    r = roles_of("Bombings at two mosques killed at least 137 people.")
    assert r["by"] == [] and r["victims"] == ["people"]


def test_a_nationality_word_names_the_documents_actor_of_that_country() -> None:
    text = "Russian strikes hit the airfield on Tuesday."
    russia = Actor(id="a1", name="Russia", kind="government", mentions=[mention("Russia is at war.", "Russia")])
    found = event_roles(text, 0, len(text), "explosion_remote_violence", [russia], [], parse(text))
    assert [(f.name, f.actor_id, f.mentions[0].text) for f in found["by"]] == [("Russia", "a1", "Russian")]
    assert [f.name for f in found["targets"]] == ["airfield"]
    assert roles_of(text)["by"] == []  # no actor of that country: the adjective alone names no one


def test_a_relative_clause_subject_is_the_noun_it_is_about() -> None:
    r = roles_of("The ministry said the drones that attacked the fleet were launched from the coast.")
    assert r["weapons"] == ["drones"] and r["by"] == []


def test_an_agentless_blast_has_its_target_victims_and_weapon_but_no_perpetrator() -> None:
    r = roles_of("A bomb exploded Thursday evening outside a bar, injuring at least 15 people, police said.")
    assert r == {"by": [], "against": [], "victims": ["people"], "targets": ["bar"], "weapons": ["bomb"]}
    assert roles_of("A second bomb exploded at a busy food stall.")["weapons"] == ["bomb"]  # not "second bomb"


def test_aircraft_that_strike_are_the_instrument() -> None:
    r = roles_of("Government warplanes pounded rebel positions for a second day.")
    assert r["by"] == [] and r["weapons"] == ["Government warplanes"] and r["against"] == ["rebel positions"]


def test_what_moves_is_no_party_acted_on() -> None:
    r = roles_of("Russia was deploying significant forces near the border town.", "battle")
    assert r["by"] == ["Russia"] and r["against"] == []


def test_a_copula_lends_no_subject_to_a_verb_joined_to_it() -> None:
    sentence = "The strikes' target is Houthi rebels, a group that has taken over the capital and captured the port."
    assert roles_of(sentence, "battle")["by"] == []
    assert roles_of("Prisoners have signed up to fight in the war.", "battle")["by"] == []  # "signed up": no agreement


def test_a_reported_pronoun_stands_for_who_reports_it() -> None:
    """A personal pronoun (or a pronoun's forces) in a clause a verb reports is that verb's
    subject; a pronoun whose teller is a pronoun, or outside a reported clause, names nobody."""
    assert roles_of("Ruritania announced that it had retaken the town of Zenda.", "battle")["by"] == ["Ruritania"]
    assert roles_of("The Bordurian army says its forces have retaken the town.", "battle")["by"] == ["Bordurian army"]
    assert roles_of("He said it had retaken the town.", "battle")["by"] == []
    assert roles_of("It retook the town on Monday.", "battle")["by"] == []


def test_a_verb_completed_by_an_event_lends_its_subject() -> None:
    """Subject control: "X sought to isolate Y" is X's; an object's infinitive is not the
    subject's ("ordered the army to attack")."""
    r = roles_of("The town is contested as Ruritanian troops seek to isolate Bordurian units.", "battle")
    assert r["by"] == ["Ruritanian troops"] and r["against"] == ["Bordurian units"]
    assert roles_of("The rebels tried to storm the base.", "battle")["by"] == ["rebels"]
    assert roles_of("The general ordered the army to attack the town.", "battle")["by"] == ["army"]
    assert roles_of("Terrorists went to the house to get supplies to attack the bus.", "battle")["by"] == []


def test_a_states_forces_are_not_the_state_a_groups_fighters_are_the_group() -> None:
    """ "Ruritania's forces" is a participant of its own (the state is only their possessor, and
    a place named as a possessor does not make the phrase a place); "Black Hand fighters" are
    the group Black Hand."""
    text = "Ruritania's forces attacked Black Hand fighters near the border."
    state = Actor(id="a1", name="Ruritania", kind="government", mentions=[mention(text, "Ruritania")])
    group = Actor(id="a2", name="Black Hand", kind="armed_group", mentions=[mention(text, "Black Hand")])
    place = Location(id="l1", name="Ruritania", kind="country", mentions=[mention(text, "Ruritania")])
    found = event_roles(text, 0, len(text), "battle", [state, group], [place], parse(text))
    assert [(f.name, f.actor_id) for f in found["by"]] == [("Ruritania's forces", None)]
    assert [(f.name, f.actor_id) for f in found["against"]] == [("Black Hand", "a2")]


def test_an_agency_alone_is_a_dateline() -> None:
    assert dateline_end("(CNN)Ruritania's army says its forces retook Zenda.") == len("(CNN)")
    assert roles_of("(CNN)Ruritania's army says its forces retook Zenda.", "battle")["by"] == ["Ruritania's army"]


def test_a_target_is_named_by_an_actor_only_when_it_is_the_actor() -> None:
    text = "Fighters loyal to the president attacked a Houthi post outside the airbase."
    houthis = Actor(id="a1", name="Houthis", kind="armed_group", mentions=[mention(text, "Houthi")])
    found = event_roles(text, 0, len(text), "battle", [houthis], [], parse(text))
    assert [(f.name, f.actor_id) for f in found["targets"]] == [("Houthi post", None)]


def test_a_party_named_by_a_common_noun_in_the_roles_becomes_an_actor() -> None:
    """Issue 18: wire reports name the armed parties by common nouns ("rebels", "former rebel
    units", "Army reinforcements"); in an event's by/against they are actors (armed_group for an
    irregular noun, armed_forces for two words ending in a regular one), linked from the role.
    Unnamed individuals ("gunmen") and a bare regular noun make none."""
    from summarizer.extraction._compose import compose
    from summarizer.extraction._found import Classified, FoundEvent

    text = "Army reinforcements have clashed with former rebel units near the border, and gunmen clashed with troops."
    out = Classified(events=[FoundEvent("battle", 0, len(text), [], [], None)])
    grounded, _ = compose(text, out)
    actors = {a.name: (a.kind, a.side) for a in grounded.actors}
    assert actors == {"Army reinforcements": ("armed_forces", None), "former rebel units": ("armed_group", None)}
    ids = {a.id: a.name for a in grounded.actors}
    event = grounded.events[0]
    assert [ids[f.actor_id] for f in event.by if f.actor_id] == ["Army reinforcements"]
    assert [ids[f.actor_id] for f in event.against if f.actor_id] == ["former rebel units"]
    assert {ids[i] for i in event.actor_ids} == set(actors)
    with rules.disabled(["force.party.irregular", "force.party.regular"]):
        assert compose(text, Classified(events=[FoundEvent("battle", 0, len(text), [], [], None)]))[0].actors == []


def test_beside_a_named_group_a_force_named_by_its_noun_is_that_group() -> None:
    """In "Islamic militants with the group Black Hand attacked ..." the militants are the Black
    Hand told again (the guide lists the named group), not a second party the roles invent."""
    from summarizer.extraction._compose import compose
    from summarizer.extraction._found import Classified, FoundActor, FoundEvent

    text = "Islamic militants with the extremist group Black Hand attacked the palace in Zenda on Thursday."
    hand = FoundActor("Black Hand", [], "armed_group", None, True)
    grounded, _ = compose(text, Classified(actors=[hand], events=[FoundEvent("battle", 0, len(text), [], [], None)]))
    assert [a.name for a in grounded.actors] == ["Black Hand"]
    assert [f.actor_id for f in grounded.events[0].by] == [grounded.actors[0].id]


def _sided(text: str, *specs: tuple[str, str, str | None]) -> list[Actor]:
    return [
        Actor(id=f"a{i}", name=name, kind=kind, side=side, mentions=[mention(text, name)])  # type: ignore[arg-type]
        for i, (name, kind, side) in enumerate(specs, 1)
    ]


def test_a_fight_is_against_the_armed_party_of_the_other_side() -> None:
    text = "Bordurian forces attacked the town held by Ruritanian troops."
    actors = _sided(
        text, ("Ruritanian troops", "armed_forces", "Ruritania"), ("Bordurian forces", "armed_forces", "Borduria")
    )
    found = event_roles(text, 0, len(text), "battle", actors, [], parse(text))
    assert [f.name for f in found["by"]] == ["Bordurian forces"]
    assert [(f.name, f.actor_id) for f in found["against"]] == [("Ruritanian troops", "a1")]
    # not an armed party: officials who speak of the attack are not what it was against
    text = "Bordurian forces attacked the town, Ruritanian officials said."
    actors = _sided(
        text, ("Bordurian forces", "armed_forces", "Borduria"), ("Ruritanian officials", "government", "Ruritania")
    )
    assert event_roles(text, 0, len(text), "battle", actors, [], parse(text))["against"] == []
    # a side unknown for who attacked: no other side to read
    text = "Gunmen attacked the town as Ruritanian troops retreated."
    actors = _sided(text, ("Gunmen", "armed_group", None), ("Ruritanian troops", "armed_forces", "Ruritania"))
    assert event_roles(text, 0, len(text), "battle", actors, [], parse(text))["against"] == []
    # not a fight: a protest is against nobody's forces
    text = "Bordurian forces protested as Ruritanian troops retreated."
    actors = _sided(
        text, ("Bordurian forces", "armed_forces", "Borduria"), ("Ruritanian troops", "armed_forces", "Ruritania")
    )
    assert event_roles(text, 0, len(text), "protest_riot", actors, [], parse(text))["against"] == []


def test_a_battle_only_one_armed_side_fought_is_violence_against_civilians() -> None:
    """ACLED: a battle has two armed sides. A "battle" whose sentence tells a killing, whose roles
    name nobody armed acted on and whose victims are all bystanders is violence against
    civilians (rule `event.one_sided`); fighters on both sides, or words that settle a battle
    ("clashed"), keep it a battle."""
    from summarizer.extraction._compose import _one_sided

    def one_sided(sentence: str) -> bool:
        found = event_roles(sentence, 0, len(sentence), "battle", [], [], parse(sentence))
        return _one_sided(sentence, found)

    assert one_sided("Attackers overran a sleeping village and slaughtered 14 residents, including six children.")
    assert one_sided("Unidentified attackers killed one polio vaccination worker in the district.")
    assert not one_sided("Rebels attacked an army patrol and killed five soldiers.")
    assert not one_sided("Gunmen attacked the gate and killed two officers.")  # an officer may be armed
    assert not one_sided("Troops clashed with rebels and killed 14 residents caught in the crossfire.")
    with rules.disabled(["event.one_sided"]):
        assert not one_sided("Attackers overran a sleeping village and slaughtered 14 residents.")


def test_a_victim_named_in_apposition_is_named_by_the_name() -> None:
    """In "the lawyer, Rupert Hentzau", who was harmed is the name, not the noun before it."""
    r = roles_of("Unidentified gunmen attacked the lawyer, Rupert Hentzau, in his car near Zenda.", "battle")
    assert r["victims"] == ["Rupert Hentzau"]
    assert r["by"] == ["Unidentified gunmen"]


def test_a_figure_names_the_victims_it_counts() -> None:
    """The people a figure counts are the victims of its event (rolled into the event's roles by
    `_compose._figure_victims` where its sentence is not the event's own): the noun its number
    counts, without the number; none where the noun is an armed party's, or there is none."""
    from summarizer.extraction._roles import figure_victims

    def victim(sentence: str, figure: str) -> str | None:
        start = sentence.index(figure)
        found = figure_victims(sentence, sentence, 0, len(sentence), start, start + len(figure), [])
        return found.name if found is not None else None

    assert victim("Police said at least 54 people were killed in the suicide attacks.", "at least 54") == "people"
    assert victim("Elders are negotiating with the kidnappers of two Chinese engineers.", "two") == "Chinese engineers"
    assert victim("Dozens have died in the airstrikes.", "Dozens") is None  # no noun of its own
    assert victim("The shelling killed 64 soldiers near the town.", "64") is None  # an armed party's toll
    assert victim("One civilian was killed and 82 others wounded.", "82") is None  # "others" names no one


def test_a_figure_told_after_its_event_adds_its_victims_once() -> None:
    from summarizer.contract import Casualty, Event, Span
    from summarizer.extraction._compose import _figure_victims

    text = "Gunmen stormed a hotel in the capital. Police said at least 20 people were killed in the siege."
    first = text.index(".") + 1

    def span(a: int, b: int) -> Span:
        return Span(start=a, end=b, text=text[a:b])

    event = Event(id="e1", type="violence_against_civilians", description=text[:first], evidence=[span(0, first)])
    fig = text.index("at least 20")
    toll = Casualty(
        id="c1", kind="killed", count=20, raw="at least 20", event_id="e1",
        evidence=[span(fig, fig + len("at least 20")), span(first + 1, len(text))],
    )  # fmt: skip
    for _ in range(2):  # told twice: named once
        _figure_victims(text, text, [toll], [event], [])
    assert [v.name for v in event.victims] == ["people"]
    toll.event_id = None  # a figure tied to no event names no event's victims
    other = Event(id="e1", type="violence_against_civilians", description=text[:first], evidence=[span(0, first)])
    _figure_victims(text, text, [toll], [other], [])
    assert other.victims == []


def test_a_force_named_by_its_noun_beside_the_one_named_group_is_that_group_by_name() -> None:
    """ "Islamic militants with the extremist group the Black Hand attacked ...": the common-noun
    force is the one armed group the article names, and the role names it so (by id and by
    name), as a filler that is the actor's own name is."""
    from summarizer.extraction._compose import _add_roles, _Spans
    from summarizer.extraction._found import Classified, FoundEvent

    text = "Islamic militants with the extremist group the Black Hand attacked government offices in Zenda."
    hand = Actor(id="a1", name="Black Hand", kind="armed_group", mentions=[mention(text, "Black Hand")])
    event = FoundEvent("battle", 0, len(text), [], [], None)
    from summarizer.contract import Event, Span

    out = Event(id="e1", type="battle", description=text, evidence=[Span(start=0, end=len(text), text=text)])
    _add_roles(text, Classified(events=[event]), [out], [hand], [], text, _Spans(text))
    assert [(f.name, f.actor_id) for f in out.by] == [("Black Hand", "a1")]


def test_who_places_a_device_did_it_and_where_troops_are_thrown_is_no_party() -> None:
    """A bombing told by its placing ("placed three explosive devices at the entrance", MUC-4's
    shape): who placed them is `by`, the devices the weapon; "thrown to the front" sends troops
    somewhere and acts on no one."""
    placed = roles_of("At dawn, unidentified men placed three explosive devices at the entrance of the bank.")
    assert placed["by"] == ["unidentified men"] and placed["weapons"] == ["explosive devices"]
    assert placed["against"] == [] and placed["victims"] == []
    sent = roles_of("The brigade had been thrown to Zenda to unprepared positions.", "battle")
    assert sent["against"] == [] and sent["targets"] == []


def test_a_thing_that_hits_or_kills_acts_on_no_one() -> None:
    """A building or a vehicle the grammar makes a subject ("their vehicle hit a land mine", a
    school "that killed" by a misattached relative clause) is no perpetrator; a vehicle that is
    a weapon stays the instrument."""
    r = roles_of("Two soldiers were killed when their vehicle hit a land mine on Sunday.")
    assert r["by"] == [] and "vehicle" not in r["weapons"]
    assert roles_of("A tank opened fire on the checkpoint, killing three.", "battle")["weapons"] == ["tank"]


def test_who_inflicted_a_toll_is_never_who_suffered_it() -> None:
    """A figure whose `affected` is the party its own sentence makes the one who acts gets none
    (the guide: never the perpetrator's name); a party the sentence does not make act keeps it."""
    from summarizer.contract import Casualty
    from summarizer.extraction._compose import _not_the_perpetrator

    text = "One of the rebel commanders was assassinated by Ruritania in Zenda. Two Ruritanian soldiers died."
    state = Actor(id="a1", name="Ruritania", kind="government", mentions=[mention(text, "Ruritania")])
    first, second = (0, text.index(".") + 1), (text.index("Two"), len(text))

    def figure(raw: str, sentence: tuple[int, int], affected: str) -> Casualty:
        at = text.index(raw)
        spans = [
            Span(start=at, end=at + len(raw), text=raw),
            Span(start=sentence[0], end=sentence[1], text=text[slice(*sentence)]),
        ]
        return Casualty(id="c", kind="killed", count=1, raw=raw, affected=affected, evidence=spans)

    wrong, right = figure("One", first, "Ruritania"), figure("Two", second, "Ruritania")
    _not_the_perpetrator(text, text, [wrong, right], [state], [])
    assert wrong.affected is None and right.affected == "Ruritania"
