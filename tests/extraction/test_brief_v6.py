"""brief-v6 (issue 22): the same questions as brief-v5 with fewer tokens read and written.
Instructions in the system message (the same for every article), the event sentences marked
in the article instead of listed again, answers keyed by number; given the same choices, the
brief is the same as brief-v5's."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import replace
from types import SimpleNamespace
from typing import Any

import pytest

from summarizer.config import Settings
from summarizer.errors import ConfigError
from summarizer.extraction import _prompts as prompts
from summarizer.extraction import summarize
from summarizer.inputs import from_text
from summarizer.models._client import _prompt_processed
from tests.conftest import article_text
from tests.fakeserver import FakeModelServer, Responder, _schema, labeller

ARTICLE = "EN_UA_026036.txt"  # names, sides, several event sentences and wounded figures


def _run(fake_model: Callable[[Responder], FakeModelServer], settings: Settings, version: str, name: str = ARTICLE):  # type: ignore[no-untyped-def]
    server = fake_model(labeller(event="first"))
    doc = summarize(
        from_text(article_text(name), id=name, origin="file"), "fake/v", replace(settings, prompt_version=version)
    )
    return server, doc


def _facts(doc: Any) -> dict[str, Any]:
    dump = doc.model_dump(mode="json")
    keep = ("actors", "locations", "events", "casualties", "summary")
    return {k: dump[k] for k in keep}


def test_same_choices_give_the_same_brief_as_brief_v5(fake_model, fast_settings) -> None:  # type: ignore[no-untyped-def]
    """Numbered keys and marked sentences change how the model is asked, never what its
    answers mean: the same choices item for item give the same brief."""
    _s5, v5 = _run(fake_model, fast_settings, "brief-v5")
    _s6, v6 = _run(fake_model, fast_settings, "brief-v6")
    assert v5.events and v5.casualties and v5.actors  # the article exercises every pass
    assert _facts(v6) == _facts(v5)
    assert v6.provenance.prompt_version == "brief-v6"
    assert v6.provenance.schema_hash != v5.provenance.schema_hash


def test_answers_are_keyed_by_number_and_figures_ask_only_who_suffered(fake_model, fast_settings) -> None:  # type: ignore[no-untyped-def]
    server, _doc = _run(fake_model, fast_settings, "brief-v6")
    titles = [_schema(r)["title"] for r in server.requests]
    assert sorted(titles) == ["AffectedLabels", "EntityLabels", "EventLabels", "SideLabels"]
    for request in server.requests:
        keys = list(_schema(request)["properties"])
        assert all(k.isdigit() for k in keys), keys
    names = next(r for r in server.requests if _schema(r)["title"] == "EntityLabels")
    assert list(_schema(names)["properties"]) == [str(i) for i in range(1, len(_schema(names)["properties"]) + 1)]
    figures = next(r for r in server.requests if _schema(r)["title"] == "AffectedLabels")
    assert "claimed_by" not in json.dumps(_schema(figures))  # code reads the claimant from the sentence


def test_event_sentences_are_marked_in_the_article_not_listed_again(fake_model, fast_settings) -> None:  # type: ignore[no-untyped-def]
    server, _doc = _run(fake_model, fast_settings, "brief-v6")
    events = next(r for r in server.requests if _schema(r)["title"] == "EventLabels")
    user = events["messages"][-1]["content"]
    article, task = user.split("</article>", 1)
    marks = [int(n) for n in re.findall(r"\[#(\d+)\] ", article)]
    assert marks == list(range(1, len(marks) + 1)) and len(marks) >= 2
    keys = [int(k) for k in _schema(events)["properties"]]
    assert set(keys) <= set(marks)
    listed = re.findall(r"^#(\d+): ", task, re.M)
    assert [int(n) for n in listed] == keys
    assert len(task) < 120 + 80 * len(keys)  # numbers and allowed answers only: no sentence written out again
    # every pass reads the same marked article, so a server's cache holds it for all of them
    heads = {r["messages"][-1]["content"].split("</article>", 1)[0] for r in server.requests}
    assert len(heads) == 1
    # the mark stands right before its sentence: the sentence's text follows it unchanged
    text = article_text(ARTICLE)
    for m in re.finditer(r"\[#\d+\] (\S+ \S+ \S+)", article):
        assert m.group(1) in text


def test_the_instructions_are_the_same_for_every_article(fake_model, fast_settings) -> None:  # type: ignore[no-untyped-def]
    """The system message holds what every article shares; a server's prompt cache reads it once."""
    first, _ = _run(fake_model, fast_settings, "brief-v6", "EN_UA_026036.txt")
    second, _ = _run(fake_model, fast_settings, "brief-v6", "EN_UA_010095.txt")
    systems = {r["messages"][0]["content"] for r in [*first.requests, *second.requests]}
    assert len(systems) == 1
    assert "explosion_remote_violence" in systems.pop()


def test_brief_v5_requests_are_unchanged(fake_model, fast_settings) -> None:  # type: ignore[no-untyped-def]
    """brief-v5 keeps its words as keys and lists its sentences (its cassettes still replay)."""
    server, _doc = _run(fake_model, fast_settings, "brief-v5")
    events = next(r for r in server.requests if _schema(r)["title"] == "EventLabels")
    assert "[#1]" not in events["messages"][-1]["content"]
    assert all(re.match(r"\d+\. \S", k) for k in _schema(events)["properties"])


@pytest.mark.parametrize(
    ("setting", "odd", "message"),
    [
        ('answer_keys = "numbers"', 'answer_keys = "letters"', "answer_keys"),
        ('event_sentences = "marked"', 'event_sentences = "marked"\nevent_gate = "word"', "event_gate is sentence"),
    ],
)
def test_a_prompt_file_with_an_unknown_setting_is_refused(tmp_path, monkeypatch, setting, odd, message) -> None:  # type: ignore[no-untyped-def]
    text = (prompts._prompt_dirs()[1] / "brief-v6.toml").read_text(encoding="utf-8")
    (tmp_path / "brief-x.toml").write_text(
        text.replace('version = "brief-v6"', 'version = "brief-x"').replace(setting, odd), encoding="utf-8"
    )
    monkeypatch.setattr(prompts, "_prompt_dirs", lambda: [tmp_path])
    prompts.load.cache_clear()
    try:
        with pytest.raises(ConfigError, match=message):
            prompts.load("brief-x")
    finally:
        prompts.load.cache_clear()


def test_processed_prompt_tokens_come_from_the_servers_timings() -> None:
    def reply(extra: dict[str, Any] | None) -> Any:
        return SimpleNamespace(model_extra=extra)

    assert _prompt_processed(reply({"timings": {"prompt_n": 46, "cache_n": 1027}})) == 46
    assert _prompt_processed(reply({})) is None  # an OpenAI server does not say
    assert _prompt_processed(reply(None)) is None
    assert _prompt_processed(reply({"timings": {"prompt_n": "NaN"}})) is None
