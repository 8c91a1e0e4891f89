"""brief-v9 (issue 18): brief-v8's text, asking about more of what reporting on other wars says.
The rules that change its requests carry `since = "brief-v9"`: a non-state force named by a
common noun is a name the names pass labels, people abducted or held hostage are a figure
(captured), raids, sieges and shootings propose their sentence, a prediction or a span of years
takes its clause out. Under an older prompt those rules are off (`rules.newer_than`), so its
recorded requests replay unchanged."""

from __future__ import annotations

from dataclasses import replace

import pytest

from summarizer import rules
from summarizer.extraction import summarize
from summarizer.inputs import from_text
from tests.extraction.test_brief_v7 import _task
from tests.fakeserver import labeller

TEXT = (
    "Islamic militants abducted 40 villagers from Hofbau on Sunday, officials in Ruritania said. "
    "Gunmen opened fire on worshippers at a mosque in Zenda on Monday. "
    "The army is predicting a drawn-out battle with the rebels in the hills."
)


V9 = sorted(r.id for r in rules.all_rules() if r.since == "brief-v9")


def test_the_rules_a_prompt_does_not_know_are_its_later_versions() -> None:
    assert V9 and set(V9) <= rules.newer_than("brief-v8")
    assert not set(V9) & rules.newer_than("brief-v9")
    assert not set(V9) & rules.newer_than("brief-v10")  # a later version knows them
    assert set(V9) <= rules.newer_than("naive-v1")  # another family knows none of them


@pytest.mark.parametrize("version", ["brief-v8", "brief-v9"])
def test_only_brief_v9_asks_with_its_rules(fake_model, fast_settings, version: str) -> None:  # type: ignore[no-untyped-def]
    server = fake_model(labeller(name=lambda options: "armed_group", event="first"))
    article = from_text(TEXT, id="t", origin="file", published="2024-05-06")
    doc = summarize(article, "fake/v", replace(fast_settings, prompt_version=version))
    _a, names = _task(server, "EntityLabels")
    _a, events = _task(server, "EventLabels")
    figures = [r for r in server.requests if "AffectedLabels" in str(r)]
    if version == "brief-v9":
        assert "Islamic militants" in names  # a force named by a common noun is asked about
        assert events.count("#") == 2  # the abduction and the shooting; not the prediction
        assert figures and "40" in str(figures[0]["messages"][-1]["content"])
        assert [(c.kind, c.count) for c in doc.casualties] == [("captured", 40)]
    else:
        assert "Islamic militants" not in names
        assert events.count("#") == 2  # the abduction and the prediction; not the shooting
        assert not figures and not doc.casualties
    assert doc.provenance.prompt_version == version


def test_a_prompt_switches_its_later_rules_off_only_while_it_summarizes(fake_model, fast_settings) -> None:  # type: ignore[no-untyped-def]
    fake_model(labeller())
    article = from_text(TEXT, id="t", origin="file", published="2024-05-06")
    summarize(article, "fake/v", replace(fast_settings, prompt_version="brief-v8"))
    assert not set(V9) & rules.off()


def test_a_since_that_is_no_prompt_version_is_refused() -> None:
    from summarizer.rules._load import _rule

    raw = {"id": "x.y", "category": "c", "example": "e", "counter_example": "c", "source": "s", "words": ["w"]}
    assert _rule("t", raw | {"since": "brief-v9"}).since == "brief-v9"
    with pytest.raises(rules.RuleError, match="not a prompt version"):
        _rule("t", raw | {"since": "soon"})


def test_a_force_named_by_a_common_noun_stands_alone_only_where_no_group_is_named() -> None:
    from summarizer.extraction._found import FoundActor
    from summarizer.extraction._linking import _named_groups_first

    def actor(name: str, kind: str = "armed_group") -> FoundActor:
        return FoundActor(name, [], kind, None, True)

    alone = [actor("Islamic militants"), actor("Ruritanian army", "armed_forces")]
    assert [a.name for a in _named_groups_first(alone)] == ["Islamic militants", "Ruritanian army"]
    beside = [actor("Black Hand"), actor("militants"), actor("Islamist extremists", "person")]
    assert [a.name for a in _named_groups_first(beside)] == ["Black Hand"]
    with rules.disabled(["force.group_nouns"]):  # brief-v8: no name is a group noun
        assert len(_named_groups_first(beside)) == 3


def test_hostages_are_captured_unless_the_sentence_says_they_were_killed() -> None:
    from summarizer.text import kind_near

    def kind(sentence: str, figure: str) -> str | None:
        at = sentence.index(figure)
        return kind_near(sentence, at, at + len(figure), 0, len(sentence))

    assert kind("Militants stormed the town and took about 250 hostages.", "250") == "captured"
    assert kind("Gunmen abducted 40 villagers from Hofbau.", "40") == "captured"
    assert kind("During the siege more than 320 hostages were killed.", "320") == "killed"
    assert kind("The raiders slaughtered 30 villagers.", "30") == "killed"


def test_a_sentence_asked_about_only_for_a_dropped_cue_keeps_no_event() -> None:
    from summarizer.extraction._events import _proposed_only_by_dropped_cues

    only = "Gunmen opened fire on worshippers at the mosque in Zenda."
    also = "Gunmen opened fire on worshippers and shelled the mosque in Zenda."
    assert not _proposed_only_by_dropped_cues(only)
    with rules.disabled(["event.cue.assault_on_people"], after_model=True):
        assert _proposed_only_by_dropped_cues(only)
        assert not _proposed_only_by_dropped_cues(also)  # "shelled" proposes it too
        with rules.asking():
            assert not _proposed_only_by_dropped_cues(only)  # the request is as recorded


def test_a_force_named_by_a_common_noun_is_an_armed_group_with_no_side_unless_backed() -> None:
    from summarizer.extraction._findings import Findings
    from summarizer.extraction._found import FoundActor
    from summarizer.extraction._linking import check_sides

    text = "Separatists attacked Zenda. Ruritanian troops shelled Hofbau."
    rebels = FoundActor("Separatists", [], "person", "Ruritania", True, "inferred")
    troops = FoundActor("Ruritanian troops", [], "military_unit", "Ruritania", True, "inferred")
    check_sides(text, Findings(candidates=[]), [rebels, troops])
    assert (rebels.kind, rebels.side, rebels.side_basis) == ("armed_group", None, None)
    assert troops.kind == "military_unit"  # a state's forces are no group noun
