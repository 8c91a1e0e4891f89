"""brief-v11 (issue 22): brief-v10's text and rules, every answer of a local model written under a
grammar with no whitespace (`answer_format = "compact"`); older prompts send the schema."""

from __future__ import annotations

from dataclasses import replace

import pytest

from summarizer.extraction import summarize
from summarizer.inputs import from_text
from tests.fakeserver import labeller

TEXT = "Rebels attacked the town of Hofbau on Sunday, killing 12 soldiers, officials in Ruritania said."


@pytest.mark.parametrize("version", ["brief-v10", "brief-v11"])
def test_only_brief_v11_asks_for_compact_answers(fake_model, fast_settings, version: str) -> None:  # type: ignore[no-untyped-def]
    server = fake_model(labeller(name=lambda options: "armed_group", event="first"))
    article = from_text(TEXT, id="t", origin="file", published="2024-05-06")
    doc = summarize(article, "fake/v", replace(fast_settings, prompt_version=version))
    labels = [r for r in server.requests if r.get("messages")]
    assert labels
    if version == "brief-v11":
        assert all("grammar" in r and r["response_format"] == {"type": "text"} for r in labels)
        assert '{"1":"<answer>","2":"<answer>",...}' in labels[0]["messages"][0]["content"]
    else:
        assert not any("grammar" in r for r in labels)
    assert [(c.kind, c.count) for c in doc.casualties] == [("killed", 12)]
    assert doc.events and doc.provenance.prompt_version == version
