"""brief-v13 (issue 18): brief-v9's text, with a sentence ending at a full stop that has no space
after it ("... the town.Officials said ..."), as text whose paragraphs were joined with nothing
between them carries (`sentence.glued_stop`). It has `since = "brief-v13"`: under an older
prompt it is off (`rules.newer_than`), so every recorded request of brief-v9 replays unchanged."""

from __future__ import annotations

from dataclasses import replace

from summarizer import rules
from summarizer.extraction import summarize
from summarizer.inputs import from_text
from summarizer.text import sentences
from tests.fakeserver import _schema, labeller

GLUED = (
    "Rebels shelled Zenda on Monday, killing 12 people.Officials in Strelsau said 30 were wounded."
    "The army said in St.Petersburg that the U.S.Army had no part in it."
)


def _split(text: str, version: str) -> list[str]:
    with rules.disabled(rules.newer_than(version)):
        return [text[s:e] for s, e in sentences(text)]


def test_a_stop_with_no_space_after_it_ends_a_sentence_from_brief_v13_only() -> None:
    assert "sentence.glued_stop" in rules.newer_than("brief-v9")
    assert "sentence.glued_stop" in rules.newer_than("brief-v12")
    assert "sentence.glued_stop" not in rules.newer_than("brief-v13")
    assert _split(GLUED, "brief-v9") == [GLUED]
    assert _split(GLUED, "brief-v13") == [
        "Rebels shelled Zenda on Monday, killing 12 people.",
        "Officials in Strelsau said 30 were wounded.",
        "The army said in St.Petersburg that the U.S.Army had no part in it.",  # abbreviations end nothing
    ]


def test_under_brief_v13_each_figure_is_asked_with_its_own_sentence(fake_model, fast_settings) -> None:  # type: ignore[no-untyped-def]
    """brief-v9 read the glued text as one sentence and showed it whole with every figure;
    brief-v13 shows each figure with the sentence it is in."""
    shown = {}
    for version in ("brief-v9", "brief-v13"):
        server = fake_model(labeller(event="explosion_remote_violence"))
        settings = replace(fast_settings, prompt_version=version)
        summarize(from_text(GLUED, id="glued", origin="file"), "fake/m", settings)
        figures = [r for r in server.requests if _schema(r).get("title") == "AffectedLabels"]
        shown[version] = figures[0]["messages"][-1]["content"].split('Task "figures"')[1]
    assert shown["brief-v9"].count("Officials in Strelsau") == 2  # the whole text, once per figure
    assert shown["brief-v13"].count("Officials in Strelsau") == 1
    assert "killing 12 people.Officials" not in shown["brief-v13"]
