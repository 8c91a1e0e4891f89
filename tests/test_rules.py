"""Every rule of summarizer/rules/ on its own example (it must fire) and counter-example (it must
not), through the regex the code applies; every rule file parses and every rule has its fields.
A failure names the rule's id."""

from __future__ import annotations

import tomllib

import pytest

from summarizer import rules
from summarizer.rules import REQUIRED, Rule

ALL = rules.all_rules()
EVENT_TYPES = {
    "battle",
    "explosion_remote_violence",
    "violence_against_civilians",
    "protest_riot",
    "strategic_development",
}


@pytest.mark.parametrize("rule", ALL, ids=[r.id for r in ALL])
def test_rule_fires_on_its_example(rule: Rule) -> None:
    assert rule.fires(rule.example), f"rule {rule.id} does not fire on its example: {rule.example!r}"


@pytest.mark.parametrize("rule", ALL, ids=[r.id for r in ALL])
def test_rule_does_not_fire_on_its_counter_example(rule: Rule) -> None:
    assert not rule.fires(rule.counter_example), (
        f"rule {rule.id} fires on its counter-example: {rule.counter_example!r}"
    )


@pytest.mark.parametrize("path", rules.files(), ids=[p.name for p in rules.files()])
def test_every_rule_file_parses_and_every_rule_has_its_fields(path) -> None:  # type: ignore[no-untyped-def]
    parsed = tomllib.loads(path.read_text(encoding="utf-8"))
    assert parsed.get("rule"), f"{path.name} has no [[rule]]"
    for raw in parsed["rule"]:
        missing = [k for k in REQUIRED if not raw.get(k)]
        assert not missing, f"rule {raw.get('id')} of {path.name} lacks {missing}"
        assert ("words" in raw) != ("pattern" in raw), f"rule {raw['id']}: exactly one of words and pattern"
        if raw.get("fitted"):
            assert raw.get("article"), f"fitted rule {raw['id']} names no dataset article"


def test_rule_ids_are_unique_and_topics_known() -> None:
    ids = [r.id for r in ALL]
    assert len(ids) == len(set(ids))
    assert {r.topic for r in ALL} == {p.stem for p in rules.files()}


def test_event_cues_name_only_event_types() -> None:
    for r in rules.category("event_cue"):
        assert set(r.data["types"]) <= EVENT_TYPES, r.id
        assert isinstance(r.data["proposes"], bool), r.id
    for cat in ("decisive_type", "second_type"):
        for r in rules.category(cat):
            assert r.data["type"] in EVENT_TYPES, r.id


def test_the_event_gate_and_type_tables_are_derived_from_the_cues() -> None:
    """A sentence is proposed when a proposing cue fires; it allows a type when a cue of that type
    fires: checked on every cue's own example, through the functions that apply them."""
    from summarizer.text import event_types
    from summarizer.text._cues import _event_words

    for r in rules.category("event_cue"):
        assert bool(_event_words().search(r.example)) == any(
            c.fires(r.example) for c in rules.category("event_cue") if c.data["proposes"]
        ), r.id
        assert set(r.data["types"]) <= set(event_types(r.example)), r.id


def test_not_fact_cues_take_their_example_out() -> None:
    from summarizer.text import not_reported_as_fact, only_said

    for r in rules.category("not_fact"):
        assert not_reported_as_fact(r.example), r.id
    for r in rules.category("reported"):
        assert only_said(r.example), r.id


SCOPED = [r for r in ALL if r.data.get("scope") == "clause"]


@pytest.mark.parametrize("rule", SCOPED, ids=[r.id for r in SCOPED])
def test_a_clause_scoped_cue_keeps_its_scope(rule: Rule) -> None:
    """A cue read in its clause (brief-v8's clause gate): its example stays out under both gates;
    its `scope_example` (the cue in another clause than an action told as done) is out under
    the sentence gate and asked about under the clause gate, and the cue fires on it."""
    from summarizer.extraction._events import event_candidates

    example, scoped = rule.example, rule.data["scope_example"]
    assert rule.fires(scoped), f"rule {rule.id} does not fire on its scope example"
    assert event_candidates(example, 0, 0, "clause") == [], rule.id
    assert event_candidates(scoped, 0, 0, "sentence") == [], rule.id
    assert event_candidates(scoped, 0, 0, "clause") == [(0, len(scoped))], rule.id


def test_only_cues_that_take_a_sentence_out_have_a_scope() -> None:
    for r in ALL:
        if r.category == "background":  # read in its clause after the model answered
            assert "scope" not in r.data and r.data.get("scope_example"), r.id
        elif "scope" in r.data or "scope_example" in r.data:
            assert r.category in ("not_proposed", "not_fact"), r.id
            assert r.data.get("scope") == "clause" and r.data.get("scope_example"), r.id


BACKGROUND = [r for r in ALL if r.category == "background"]


@pytest.mark.parametrize("rule", BACKGROUND, ids=[r.id for r in BACKGROUND])
def test_a_background_cue_drops_only_the_incident_in_its_clause(rule: Rule) -> None:
    """Its example's incident is background; in its `scope_example` the cue fires in a clause
    of its own and the story's incident stays."""
    from summarizer.extraction._events import told_as_background

    assert told_as_background(rule.example), rule.id
    assert rule.fires(rule.data["scope_example"]), rule.id
    assert not told_as_background(rule.data["scope_example"]), rule.id
    assert not told_as_background(rule.counter_example), rule.id
