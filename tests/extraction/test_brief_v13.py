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


def test_brief_v13_asks_about_a_roundup_s_every_figure_not_the_first_12(fake_model, fast_settings) -> None:  # type: ignore[no-untyped-def]
    """A day's roundup writes more tolls than brief-v9's 12 (`figure_limit`): brief-v13 asks
    about up to 40, so the later attacks' figures are not dropped unseen."""
    towns = ["Zenda", "Strelsau", "Hofbau", "Tarlenheim", "Modenstein"]
    text = "\n\n".join(
        f"A car bomb in {towns[i % 5]} killed {i + 2} people and wounded {i + 30} others, officials said."
        for i in range(10)
    )
    counts = {}
    for version in ("brief-v9", "brief-v13"):
        server = fake_model(labeller(event="explosion_remote_violence"))
        doc = summarize(
            from_text(text, id="roundup", origin="file"), "fake/m", replace(fast_settings, prompt_version=version)
        )
        asked = [r for r in server.requests if _schema(r).get("title") == "AffectedLabels"]
        counts[version] = (sum(len(_schema(r)["properties"]) for r in asked), len(doc.casualties))
    assert counts["brief-v9"][0] == 12 and counts["brief-v13"][0] == 20
    assert counts["brief-v13"][1] == 20 > counts["brief-v9"][1]


def test_a_prompt_s_figure_limit_is_a_whole_number(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import pytest

    from summarizer.errors import ConfigError
    from summarizer.extraction import _prompts

    assert _prompts.load("brief-v9").figure_limit == 12 and _prompts.load("brief-v13").figure_limit == 40
    source = next(d / "brief-v13.toml" for d in _prompts._prompt_dirs() if (d / "brief-v13.toml").is_file())
    text = source.read_text(encoding="utf-8")
    (tmp_path / "brief-v99.toml").write_text(
        text.replace('version = "brief-v13"', 'version = "brief-v99"').replace("figure_limit = 40", "figure_limit = 0"),
        encoding="utf-8",
    )
    monkeypatch.setattr(_prompts, "_prompt_dirs", lambda: [tmp_path])
    _prompts.load.cache_clear()
    with pytest.raises(ConfigError, match="figure_limit"):
        _prompts.load("brief-v99")
    _prompts.load.cache_clear()
