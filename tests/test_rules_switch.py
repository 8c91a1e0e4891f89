"""Switching rules off (`rules.disabled`, for `bench/rule_ablation.py`): the code that applies a
rule stops applying it, at use time; only after the model when asked so; and with nothing off
every table is the one built from every rule. Fast: no model, no spaCy."""

from __future__ import annotations

import re

import pytest

from summarizer import rules
from summarizer.extraction._known import _key, armed_groups, international, known_group
from summarizer.text import demonyms, event_types, not_reported_as_fact, only_said, settled_type
from summarizer.text._cues import _event_words, _type_words
from summarizer.text._event_checks import _decisive, _not_fact


def _every(category: str) -> tuple[rules.Rule, ...]:
    return tuple(r for r in rules.all_rules() if r.category == category)


def test_dropped_rules_are_off_after_the_model_and_on_while_asking() -> None:
    dropped = {r.id for r in rules.dropped()}
    assert dropped and all(r.dropped.startswith("bench/rule_ablation.py") for r in rules.dropped())  # type: ignore[union-attr]
    assert rules.off() == dropped
    with rules.asking():
        assert rules.off() == frozenset()  # what the model is asked stays as recorded
    with rules.everything_on():
        assert rules.off() == frozenset()


@pytest.fixture()
def nothing_off():  # type: ignore[no-untyped-def]
    with rules.everything_on():
        yield


@pytest.mark.usefixtures("nothing_off")
def test_with_nothing_off_the_tables_are_built_from_every_rule() -> None:
    assert rules.off() == frozenset()
    for name in {r.category for r in rules.all_rules()}:
        assert rules.category(name) == _every(name)
    assert _event_words().pattern == rules.union(r for r in _every("event_cue") if r.data["proposes"]).pattern
    assert [k for k, _ in _type_words()] == [
        "battle",
        "explosion_remote_violence",
        "violence_against_civilians",
        "protest_riot",
        "strategic_development",
    ]
    assert len(_not_fact()[0]) + len(_not_fact()[1]) == len(_every("not_fact"))
    assert set(armed_groups()) == {_key(w) for r in _every("armed_group") for w in r.words}
    assert "russian" in demonyms()
    # built once: the same object on every use
    assert _decisive() is _decisive()
    assert international() is international()


def test_switching_a_rule_off_changes_what_its_consumer_does() -> None:
    wagner = rules.rule("group.wagner")
    strike = rules.rule("event.decisive.strike")
    assert known_group(["Wagner"]) == (wagner.data["kind"], wagner.data.get("side"))
    assert settled_type(strike.example, "battle") == "explosion_remote_violence"
    before, decisive, not_fact = armed_groups(), _decisive(), _not_fact()
    with rules.disabled(["group.wagner", "event.decisive.strike"]) as ids:
        assert _not_fact() is not_fact  # reads neither rule: the table built with nothing off
        assert _decisive() is not decisive
        assert ids == {"group.wagner", "event.decisive.strike"}
        assert known_group(["Wagner"]) is None
        assert known_group(["Hezbollah"]) is not None  # the other groups stay
        assert settled_type(strike.example, "battle") == "battle"  # the model's type stands
    # back on as it was: the very table built with nothing off
    assert armed_groups() is before
    assert known_group(["Wagner"]) is not None


def test_a_family_or_category_switches_all_its_rules_off() -> None:
    reported = rules.category("reported")[0]
    negation = rules.rule("not_incident.negation")
    assert only_said(reported.example) and not_reported_as_fact(negation.example)
    with rules.disabled(["reported", "not_fact"]):
        assert rules.category("not_fact") == ()
        assert not only_said(reported.example)
        assert not not_reported_as_fact(negation.example)
    cue = rules.rule("event.cue.strike")
    assert "explosion_remote_violence" in event_types(cue.example)
    with rules.disabled(["events"]):
        assert event_types(cue.example) == ("other",)
        assert rules.regex("event.placeless").search("anything") is None


def test_after_model_leaves_the_rules_on_where_the_model_is_asked() -> None:
    wagner = ["Wagner"]
    with rules.disabled(["group.wagner"], after_model=True):
        assert known_group(wagner) is None
        with rules.asking():
            assert rules.off() == frozenset()
            assert known_group(wagner) is not None
        assert known_group(wagner) is None


def test_an_unknown_name_is_an_error() -> None:
    with pytest.raises(rules.RuleError), rules.disabled(["not.a.rule"]):
        pass


def test_the_trace_says_where_a_rule_is_used() -> None:
    trace = rules.trace()
    try:
        with rules.asking():
            event_types("Missiles struck Lviv overnight.")
        settled_type("Missiles struck Lviv overnight.", "battle")
    finally:
        rules.end_trace()
    assert trace.uses("event.cue.strike") == {"before"}
    assert trace.uses("event.decisive.strike") == {"after"}
    assert "static" in trace.uses("side.russia")  # the force-noun pattern is made at import


def test_the_word_tables_moved_out_of_code_reach_their_consumers() -> None:
    """Issue 18: casualty nouns, relaying, force nouns, title words and place words are rules
    (casualties.toml, outlets.toml, forces.toml, titles.toml, place_words.toml) that the code
    reads at use time: each consumer changes when its rule is off, and is back after."""
    from summarizer.extraction._classify import _civilian_words
    from summarizer.extraction._events import inside_other_name
    from summarizer.extraction._findings import _code_actors, _not_settlements
    from summarizer.extraction._twins import untitled
    from summarizer.text import figure_counts, force_group, kind_near, relays_only, staff_section, title_words

    def after(name: str) -> bool:
        sentence = f"{name} says it will respond."
        m = next(re.finditer(name, sentence))
        return inside_other_name(sentence, m)

    text = "Seven civilians were killed."
    checks = [
        ("casualties", lambda: figure_counts(text, 5, len(text)), "civilians", None),
        ("casualty.kind.killed", lambda: kind_near(text, 0, 5, 0, len(text)), "killed", None),
        ("casualty.toll.civilian", lambda: bool(_civilian_words().search("hit houses")), True, False),
        ("outlet.relay", lambda: relays_only("Reuters could not verify it.", ["Reuters"]), True, False),
        ("outlet.staff_heading", lambda: staff_section("Story.\nAbout the writer\nBio."), 7, 28),
        ("force.group.forces", lambda: force_group("Russian troops"), ("Russia", "forces"), None),
        ("force.civilian_actors", lambda: "civilians" in _code_actors(), True, False),
        ("title.words", lambda: "minister" in title_words(), True, False),
        ("title.abbreviations", lambda: untitled("Gen. Valery Gerasimov"), "Valery Gerasimov", None),
        ("place_words", lambda: "west" in _not_settlements(), True, False),
        ("place.speaks", lambda: after("Moscow"), True, False),
    ]
    for name, probe, on, off in checks:
        assert probe() == on, name
        with rules.disabled([name]):
            assert probe() != on if off is None else probe() == off, name
        assert probe() == on, name


def test_the_word_tables_moved_in_lists27_reach_their_consumers() -> None:
    """Issue 18, the rest: names that are no party (names.toml), where a place is named
    (place_words.toml), who backs a party (sides.toml), convicts (casualties.toml), verbs of
    saying (figures.toml), the words before a date (dates.toml), country aliases
    (countries.toml), force fillers (forces.toml), part of a figure (figures.toml): each
    consumer changes when its rule is off, and is back after."""
    from summarizer.extraction._events import located
    from summarizer.extraction._linking import _weapon
    from summarizer.nlp import find_country
    from summarizer.text import (
        among_bystanders,
        backed_side,
        country_nearby,
        event_date,
        force_group,
        institution_claimant,
        kind_near,
        not_names,
    )

    def at(text: str, name: str) -> int:
        return text.index(name)

    struck = "Missiles struck Lviv overnight."
    sent = "The shells were transferred to Lviv."
    backed = "Officials of the Moscow-backed Donetsk People's Republic said so."
    near = "Klishchiivka, south of Bakhmut, was shelled."
    convicts = "50,000 prisoners have signed up to fight."
    part_of = "Shelling killed five soldiers, including two children."
    quarter = "A car exploded in a neighborhood of Strelsau."
    checks = [
        ("name.weapons", lambda: _weapon("Storm Shadow missiles"), True, False),
        ("name.weapon_noun", lambda: _weapon("Storm Shadow missiles"), True, False),
        ("name.not_names", lambda: "however" in not_names(), True, False),
        ("place.locative", lambda: located(struck, at(struck, "Lviv")), True, False),
        ("place.of_story", lambda: located(sent, at(sent, "Lviv"), loosely=True), True, False),
        ("place.area_of", lambda: located(quarter, at(quarter, "Strelsau")), True, False),
        (
            "side.backed_before",
            lambda: backed_side(backed, ["Donetsk People's Republic"], {"Moscow": "Russia"}.get),
            "Russia",
            None,
        ),
        ("place.near", lambda: country_nearby(near, "Klishchiivka", {"Bakhmut": "Ukraine"}.get), "Ukraine", None),
        ("casualty.convicts", lambda: kind_near(convicts, 0, 6, 0, len(convicts)), None, "captured"),
        ("figures.say", lambda: institution_claimant("Seven people were killed, police said."), "police", None),
        ("date.not_the_event", lambda: event_date("It has raged since May 9, 2023.", "2023-06-01"), None, "2023-05-09"),
        ("country.nl", lambda: find_country("Holland") is not None, True, False),
        ("force.group_fillers", lambda: force_group("Russian mobilised troops"), ("Russia", "forces"), None),
        ("figures.part_of", lambda: among_bystanders(part_of), True, False),
    ]
    for name, probe, on, off in checks:
        assert probe() == on, name
        with rules.disabled([name]):
            assert probe() == off, name
        assert probe() == on, name
