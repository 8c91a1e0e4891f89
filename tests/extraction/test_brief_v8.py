"""brief-v8 (issue 18): brief-v6's passes with the clause gate. A not-an-incident cue (a
hypothesis, a negation, an accusation, an inquiry, a habit) no longer takes out a sentence
whose event word tells an action as done in a clause out of the cue's scope: such a sentence is
marked and asked about, and the event the model gives it is kept. A sentence the cue governs
stays out, and so does everything brief-v6 already left out."""

from __future__ import annotations

from dataclasses import replace

import pytest

from summarizer.extraction import _prompts as prompts
from summarizer.extraction import summarize
from summarizer.extraction._events import event_candidates, not_told_as_fact
from summarizer.inputs import from_text
from tests.extraction.test_brief_v7 import _marked, _task
from tests.fakeserver import labeller

TEXT = (
    "Strelsau called for an investigation into an airstrike that killed 40 people in Zenda on Saturday. "
    "Officials warned that the dam at Tarlenheim could be destroyed within days. "
    "The ministry said troops shelled the village of Hofbau on Sunday."
)


def _sentences(text: str, gate: str) -> list[str]:
    return [text[s:e] for s, e in event_candidates(text, 0, 0, gate)]


def test_the_clause_gate_asks_about_an_action_told_as_done_out_of_a_cues_scope() -> None:
    sentence = _sentences(TEXT, "sentence")
    clause = _sentences(TEXT, "clause")
    assert sentence == ["The ministry said troops shelled the village of Hofbau on Sunday."]
    assert clause == [TEXT.split(". ")[0] + ".", sentence[0]]  # the dam's threat stays out


@pytest.mark.parametrize(
    "text",
    [
        "Officials warned that troops could strike the town and advance on Zenda.",  # "advance" shares "could"
        "The army has repeatedly shelled the outskirts of Zenda.",  # a habit in the event's own clause
        "The ministry accused the rebels of shelling the market in Zenda.",  # the shelling is the accusation's
        "Capturing the hill would give Ruritania control of the road to Zenda.",  # a subject clause
        "The drones could hit civilians, though attacks on Zenda continue.",  # nothing told as done
    ],
)
def test_the_clause_gate_leaves_out_what_a_cue_governs(text: str) -> None:
    assert _sentences(text, "clause") == []


def test_after_the_model_the_clause_gate_keeps_what_it_asked_about() -> None:
    first = TEXT.split(". ")[0] + "."
    assert not_told_as_fact(first, "2024-05-06", "sentence")  # brief-v6 drops its event
    assert not not_told_as_fact(first, "2024-05-06", "clause")
    dated_back = "Strelsau called for an investigation into an airstrike that killed 40 people in Zenda in 2019."
    assert not_told_as_fact(dated_back, "2024-05-06", "clause")  # history is read on the whole sentence


def test_the_clause_gate_never_asks_less_than_the_sentence_gate() -> None:
    from tests.conftest import article_text

    for name in ("EN_UA_026036.txt", "EN_UA_103403.txt"):
        text = article_text(name)
        assert set(event_candidates(text, 0, 0, "sentence")) <= set(event_candidates(text, 0, 0, "clause")), name


def test_a_sentence_the_gate_asked_about_is_kept_as_an_event(fake_model, fast_settings) -> None:  # type: ignore[no-untyped-def]
    # every name a town: an incident is kept only at a place (`_events._add`)
    server = fake_model(labeller(name=lambda options: "settlement", event="first"))
    article = from_text(TEXT, id="t", origin="file", published="2024-05-06")
    doc = summarize(article, "fake/v", replace(fast_settings, prompt_version="brief-v8"))
    marked, task = _task(server, "EventLabels")
    assert [t.split(". ")[0] for t in _marked(marked).values()][0].startswith("Strelsau called for")
    assert task.count("#") == 2
    told = [e.evidence[0].text for e in doc.events]
    assert any(t.startswith("Strelsau called for") for t in told)
    assert doc.provenance.prompt_version == "brief-v8"
    v6 = summarize(article, "fake/v", replace(fast_settings, prompt_version="brief-v6"))
    assert not any(e.evidence[0].text.startswith("Strelsau") for e in v6.events)


def test_the_gate_is_read_from_the_prompt_file() -> None:
    """(An unknown gate is refused with the other settings: test_brief_v6.)"""
    assert prompts.load("brief-v8").event_gate == "clause"
    assert prompts.load("brief-v6").event_gate == "sentence"
