"""brief-v7 (issue 22): brief-v6's questions with fewer tokens written and read. The answers
are shown compactly in the system message, a sentence with no event is answered "none" (one
token), the figures' sentences are marked in the article and the figures pass names them by
their mark, the names task does not repeat the kinds; given the same choices, the brief is the
same as brief-v6's."""

from __future__ import annotations

import re

from summarizer.text import decided_by_words
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
    # every sentence answered "none": only those whose own words settle a type are events
    assert all(decided_by_words(e.evidence[0].text) == e.type for e in doc.events)


def _task(server, title: str) -> tuple[str, str]:  # type: ignore[no-untyped-def]
    request = next(r for r in server.requests if _schema(r)["title"] == title)
    article, task = request["messages"][-1]["content"].split("</article>", 1)
    return article, task


def _marked(article: str) -> dict[int, str]:
    """Mark number -> the text after it, up to the next mark."""
    parts = re.split(r"\[#(\d+)\] ", article)
    return {int(parts[i]): parts[i + 1] for i in range(1, len(parts) - 1, 2)}


def test_figures_name_their_sentence_by_its_mark(fake_model, fast_settings) -> None:  # type: ignore[no-untyped-def]
    s6, _ = _run(fake_model, fast_settings, "brief-v6")
    s7, _ = _run(fake_model, fast_settings, "brief-v7")
    _a6, t6 = _task(s6, "AffectedLabels")
    article, t7 = _task(s7, "AffectedLabels")
    figures6 = re.findall(r"^(\d+)\. “([^”]+)” in: ", t6, re.M)
    lines = re.findall(r"^#(\d+): (.+)$", t7, re.M)
    figures7 = [(n, fig, int(mark)) for mark, rest in lines for n, fig in re.findall(r"(\d+)\. “([^”]+)”", rest)]
    assert [(n, f) for n, f, _m in figures7] == figures6 and len(figures6) >= 2  # the same figures, in order
    marked = _marked(article)
    for _n, fig, mark in figures7:
        assert fig in marked[mark]  # the mark stands before the figure's sentence
    assert " in: " not in t7 and len(t7) < len(t6)


def test_event_numbers_are_the_marks_of_their_sentences(fake_model, fast_settings) -> None:  # type: ignore[no-untyped-def]
    """The figures' sentences are marked too, so the events pass's numbers skip them: each
    number it lists is the mark of the sentence brief-v6 asked about at that place."""
    s6, _ = _run(fake_model, fast_settings, "brief-v6")
    s7, _ = _run(fake_model, fast_settings, "brief-v7")
    a6, t6 = _task(s6, "EventLabels")
    a7, t7 = _task(s7, "EventLabels")
    asked6 = [_marked(a6)[int(n)][:40] for n in re.findall(r"^#(\d+): ", t6, re.M)]
    asked7 = [_marked(a7)[int(n)][:40] for n in re.findall(r"^#(\d+): ", t7, re.M)]
    assert asked7 == asked6 and asked6  # the same sentences, named by their own marks
    assert len(_marked(a7)) >= len(_marked(a6))


def test_two_figures_of_one_sentence_share_its_line() -> None:
    from types import SimpleNamespace

    from summarizer.extraction._classify import Classifier
    from summarizer.extraction._prompts import load

    sentence = "Ukraine says it killed 64 Russian fighters and wounded 87 more."
    listing = [("64", sentence, 100), ("87", sentence, 100), ("3", "Three civilians died.", 300)]
    marked = SimpleNamespace(prompt=load("brief-v7"), marks=[(100, 160, 4)])
    marked.mark_at = lambda position: Classifier.mark_at(marked, position)  # type: ignore[arg-type]
    assert Classifier._figure_listing(marked, listing).splitlines() == [  # type: ignore[arg-type]
        "#4: 1. “64”, 2. “87”",
        "In: Three civilians died.",  # a sentence with no mark is quoted
        "3. “3”",
    ]
    each = Classifier._figure_listing(SimpleNamespace(prompt=load("brief-v6"), marks=[]), listing)  # type: ignore[arg-type]
    assert each.splitlines()[1] == f"2. “87” in: {sentence}"


def test_the_system_message_shows_compact_answers(fake_model, fast_settings) -> None:  # type: ignore[no-untyped-def]
    server, _ = _run(fake_model, fast_settings, "brief-v7")
    system = server.requests[0]["messages"][0]["content"]
    assert '{"1":"<answer>","2":"<answer>",...}' in system
    assert "not_an_event" not in system
    _article, names = _task(server, "EntityLabels")
    assert "military_unit" not in names  # the kinds are in the system message, not repeated per article
