"""Event roles read from an event's sentence: every rule of rules/roles.toml on its example and its
counter-example, and the grammar the reader relies on (voice, quantities, places, actors)."""

from __future__ import annotations

import pytest

from summarizer import rules
from summarizer.contract import EVENT_ROLES, Actor, Event, Location, Span
from summarizer.extraction._roles import ROLES, event_roles, role_rules
from summarizer.nlp import parse


def roles_of(sentence: str, event_type: str = "explosion_remote_violence", actors=(), locations=()) -> dict:
    found = event_roles(sentence, 0, len(sentence), event_type, list(actors), list(locations), parse(sentence))
    return {role: [f.name for f in fillers] for role, fillers in found.items()}


def mention(text: str, form: str) -> Span:
    start = text.index(form)
    return Span(start=start, end=start + len(form), text=form)


RULES = sorted(role_rules().items())


@pytest.mark.parametrize(("name", "rule"), RULES, ids=[name for name, _ in RULES])
def test_rule_fires_on_its_example_and_not_on_its_counter_example(name: str, rule: rules.Rule) -> None:
    assert rule.words and rule.note, rule.id
    role = rule.data.get("role")
    assert role in ROLES, rule.id
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
