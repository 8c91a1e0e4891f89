"""A label pass whose answer is cut off at its token budget keeps what the model answered in
full; the items after the cut are answered as abstentions (none, not_an_event), never guessed,
and the brief says how many were left unanswered. Before, a cut in the middle of the last item
lost the whole pass: every side of a twelve-actor article (many-wars dev)."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from summarizer.config import Settings
from summarizer.extraction import _labels as labels
from summarizer.extraction import summarize
from summarizer.inputs import from_text
from tests.conftest import article_text
from tests.fakeserver import FakeModelServer, Responder, _schema, completion, labeller


def test_the_items_answered_before_the_cut_keep_their_answers_the_rest_abstain() -> None:
    shape = labels.side_answers(["1", "2", "3"], ("Ruritania", "Borduria", labels.NONE))
    answer, answered, unanswered = shape.from_partial({"1": "Borduria", "2": "Ruri"})
    assert [a.value for a in labels.answers(answer)] == ["Borduria", "none", "none"]
    assert (answered, unanswered) == (1, 2)


def test_an_unanswered_sentence_reports_no_event_and_an_unanswered_figure_names_no_one() -> None:
    events = labels.event_answers(["1", "2"], [("battle",), ("explosion_remote_violence",)])
    answer, _answered, _left = events.from_partial({"1": "battle"})
    assert [a.value for a in labels.answers(answer)] == ["battle", "not_an_event"]
    figures = labels.figure_answers(["1. 12", "2. 40"], ("Ruritania",), ("Borduria",))
    cut = {"1. 12": {"affected": "Ruritania", "claimed_by": "Borduria"}, "2. 40": {"affected": "Ruritania"}}
    answer, answered, unanswered = figures.from_partial(cut)
    first, second = labels.answers(answer)
    assert (first.affected.value, first.claimed_by.value) == ("Ruritania", "Borduria")
    assert (second.affected.value, second.claimed_by.value) == ("none", "none")  # half an answer is none
    assert (answered, unanswered) == (1, 1)


def test_a_cut_before_any_item_was_answered_keeps_nothing() -> None:
    shape = labels.entity_answers(["1", "2"])
    assert shape.from_partial({}) is None
    assert shape.from_partial({"1": "pers"}) is None


def _cut_sides(base: Responder) -> Responder:
    """The model answers every pass; its sides answer is cut off inside its second item."""

    def respond(request: dict[str, Any]) -> Any:
        status, headers, body = base(request)
        if _schema(request)["title"] != "SideLabels":
            return status, headers, body
        full = json.loads(json.loads(body)["choices"][0]["message"]["content"])
        text = json.dumps(full)
        second = text.index('"2": "') + len('"2": "')
        return completion(text[: second + 2], finish_reason="length")

    return respond


def test_a_sides_answer_cut_after_its_first_item_keeps_that_side_and_gives_no_other(
    fake_model: Callable[[Responder], FakeModelServer], fast_settings: Settings
) -> None:
    article = from_text(article_text("EN_UA_026036.txt"), id="cut", origin="file")
    settings = replace(fast_settings, prompt_version="brief-v13")
    fake_model(labeller(event="first"))
    whole = summarize(article, "fake/v", settings)
    server = fake_model(_cut_sides(labeller(event="first")))
    cut = summarize(article, "fake/v", settings)
    asked = next(r for r in server.requests if _schema(r)["title"] == "SideLabels")
    assert len(_schema(asked)["properties"]) >= 2  # the article asks several sides
    listed = asked["messages"][-1]["content"].rsplit("Actors:", 1)[1].strip().splitlines()
    names = [line.split(". ", 1)[1].rsplit(" (", 1)[0] for line in listed]  # "1. Rupert Hentzau (person)"
    first = names[0]
    sides = {a.name: a.side for a in whole.actors if a.side_basis == "inferred" and a.name in names}
    kept = {a.name: a.side for a in cut.actors if a.side_basis == "inferred" and a.name in names}
    assert first in sides and len(sides) >= 2
    assert kept == {first: sides[first]}  # the one answered in full; no side guessed for the others
    assert any("left unanswered" in w for w in cut.provenance.warnings)
