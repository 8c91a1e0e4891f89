"""brief-v7 (issue 22): brief-v6's questions with fewer tokens written and read. The answers
are shown compactly in the system message, a sentence with no event is answered "none" (one
token), and the figures pass quotes each sentence once with its figures under it; given the
same choices, the brief is the same as brief-v6's."""

from __future__ import annotations

import re

from tests.extraction.test_brief_v6 import _facts, _run
from tests.fakeserver import _schema


def test_same_choices_give_the_same_brief_as_brief_v6(fake_model, fast_settings) -> None:  # type: ignore[no-untyped-def]
    _s6, v6 = _run(fake_model, fast_settings, "brief-v6")
    _s7, v7 = _run(fake_model, fast_settings, "brief-v7")
    assert v6.events and v6.casualties and v6.actors  # the article exercises every pass
    assert _facts(v7) == _facts(v6)
    assert v7.provenance.prompt_version == "brief-v7"
    assert v7.provenance.schema_hash != v6.provenance.schema_hash  # the events' enum changed


def test_no_event_is_answered_none_and_read_as_not_an_event(fake_model, fast_settings) -> None:  # type: ignore[no-untyped-def]
    from dataclasses import replace

    from summarizer.extraction import summarize
    from summarizer.inputs import from_text
    from tests.conftest import article_text
    from tests.fakeserver import labeller

    server = fake_model(labeller(event="not_an_event"))  # the fake answers the last allowed word: "none"
    doc = summarize(
        from_text(article_text("EN_UA_026036.txt"), id="a", origin="file"),
        "fake/v",
        replace(fast_settings, prompt_version="brief-v7"),
    )
    events = next(r for r in server.requests if _schema(r)["title"] == "EventLabels")
    enums = [d["enum"] for d in _schema(events)["$defs"].values()]
    assert enums and all(e[-1] == "none" and "not_an_event" not in e for e in enums)
    task = events["messages"][-1]["content"].split("</article>", 1)[1]
    assert "not_an_event" not in task and " or none" in task
    assert doc.events == []  # every sentence answered "none": no event


def test_figures_quote_each_sentence_once(fake_model, fast_settings) -> None:  # type: ignore[no-untyped-def]
    s6, _ = _run(fake_model, fast_settings, "brief-v6")
    s7, _ = _run(fake_model, fast_settings, "brief-v7")

    def figures_task(server) -> str:  # type: ignore[no-untyped-def]
        request = next(r for r in server.requests if _schema(r)["title"] == "AffectedLabels")
        return str(request["messages"][-1]["content"].split("</article>", 1)[1])

    t6, t7 = figures_task(s6), figures_task(s7)
    numbered6 = re.findall(r"^(\d+)\. “([^”]+)” in: ", t6, re.M)
    numbered7 = re.findall(r"^(\d+)\. “([^”]+)”$", t7, re.M)
    assert numbered7 == numbered6 and len(numbered7) >= 2  # the same figures, in the same order
    assert len(re.findall(r"^In: (.+)$", t7, re.M)) == len(set(re.findall(r" in: (.+)$", t6, re.M)))


def test_two_figures_of_one_sentence_share_its_quote() -> None:
    from types import SimpleNamespace

    from summarizer.extraction._classify import Classifier
    from summarizer.extraction._prompts import load

    sentence = "Ukraine says it killed 64 Russian fighters and wounded 87 more."
    listing = [("64", sentence), ("87", sentence), ("3", "Three civilians died.")]
    grouped = Classifier._figure_listing(SimpleNamespace(prompt=load("brief-v7")), listing)  # type: ignore[arg-type]
    assert grouped.splitlines() == [f"In: {sentence}", "1. “64”", "2. “87”", "In: Three civilians died.", "3. “3”"]
    each = Classifier._figure_listing(SimpleNamespace(prompt=load("brief-v6")), listing)  # type: ignore[arg-type]
    assert each.splitlines()[1] == f"2. “87” in: {sentence}"


def test_the_system_message_shows_compact_answers(fake_model, fast_settings) -> None:  # type: ignore[no-untyped-def]
    server, _ = _run(fake_model, fast_settings, "brief-v7")
    system = server.requests[0]["messages"][0]["content"]
    assert '{"1":"<answer>","2":"<answer>",...}' in system
    assert "not_an_event" not in system
