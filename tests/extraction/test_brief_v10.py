"""brief-v10 (issue 18): brief-v9's text, with what code marks and proposes corrected. A sentence
ends at a stop inside closing quotes (`sentence.closing_quote`), and the nationality words the
generated list lacks name their country (`side.more.*`). Both carry `since = "brief-v10"`: under
an older prompt they are off (`rules.newer_than`), so its recorded requests replay unchanged."""

from __future__ import annotations

from dataclasses import replace

import pytest

from summarizer import rules
from summarizer.extraction import summarize
from summarizer.inputs import from_text
from summarizer.text import sentences
from summarizer.text._entities import _common_actor
from summarizer.text._nationality import demonyms
from tests.extraction.test_brief_v7 import _task
from tests.fakeserver import labeller

V10 = sorted(r.id for r in rules.all_rules() if r.since == "brief-v10")

QUOTED = '"They shelled the market." Police closed the road. "Who fired first?" she asked the commander.'


def _split(text: str) -> list[str]:
    return [text[s:e] for s, e in sentences(text)]


def test_brief_v10_rules_are_known_to_brief_v10_and_v11_only() -> None:
    """brief-v10 was not adopted: its rules end with brief-v11 (`until`), so brief-v12 asks with
    brief-v9's rules, and the recordings of brief-v10 and v11 still replay."""
    assert {"sentence.closing_quote", "side.more.np"} <= set(V10)
    assert set(V10) <= rules.newer_than("brief-v9")
    assert not set(V10) & rules.newer_than("brief-v10")
    assert not set(V10) & rules.newer_than("brief-v11")
    assert set(V10) <= rules.newer_than("brief-v12")
    assert rules.newer_than("brief-v12") == rules.newer_than("brief-v9")


def test_a_sentence_ends_at_a_stop_inside_closing_quotes() -> None:
    assert _split(QUOTED) == [
        '"They shelled the market."',
        "Police closed the road.",
        '"Who fired first?" she asked the commander.',  # a lower-case word after the quote goes on
    ]
    assert _split("He said “it is over.” Then he left (for good.) Later the bridge fell.") == [
        "He said “it is over.”",
        "Then he left (for good.)",
        "Later the bridge fell.",
    ]


def test_under_brief_v9_a_quote_runs_on_as_it_was_recorded() -> None:
    with rules.disabled(rules.newer_than("brief-v9")):
        assert _split(QUOTED)[0] == '"They shelled the market." Police closed the road.'


def test_a_nationality_word_the_generated_list_lacks_names_its_country() -> None:
    assert demonyms()["nepali"] == "Nepal" and demonyms()["philippine"] == "Philippines"
    assert _common_actor().search("Philippine troops moved in.")
    with rules.disabled(rules.newer_than("brief-v9")):
        assert "nepali" not in demonyms()
        assert not _common_actor().search("Philippine troops moved in.")


@pytest.mark.parametrize("version", ["brief-v9", "brief-v10"])
def test_only_brief_v10_marks_the_sentence_after_a_quote(fake_model, fast_settings, version: str) -> None:  # type: ignore[no-untyped-def]
    server = fake_model(labeller(name=lambda options: "armed_group", event="first"))
    text = (
        "Rebels attacked the town of Hofbau on Sunday. "
        '"They shelled the market," the mayor said. "Then they left." Police said rebels later struck Zenda.'
    )
    article = from_text(text, id="t", origin="file", published="2024-05-06")
    doc = summarize(article, "fake/v", replace(fast_settings, prompt_version=version))
    marked, task = _task(server, "EventLabels")
    if version == "brief-v10":  # the strike is a sentence of its own, asked about
        assert '"Then they left." [#2] Police said rebels later struck Zenda.' in marked
        assert "#2: explosion_remote_violence or not_an_event" in task
    else:  # as recorded: it ran on from the quote, and the quote kept it out
        assert "[#2]" not in marked and "#2:" not in task
    assert doc.provenance.prompt_version == version


def _one_person(text: str) -> list[tuple[str, str | None]]:
    from summarizer.text._candidates import casualty_figures, kind_near

    return [(text[f.start : f.end], kind_near(text, *f)) for f in casualty_figures(text)]


def test_a_figure_of_one_person_is_read_from_its_own_clause() -> None:
    assert _one_person("A former lawyer for the doctor has been shot dead in the north, police said.") == [
        ("A", "killed")
    ]
    assert _one_person("An aid worker walked free from the jungle, a day after he was abducted by gunmen.") == [
        ("An", "captured")
    ]
    assert _one_person("A top leader of the paramilitaries has been assassinated.") == [("A", "killed")]
    # another clause's fate, or a noun, is not the person's
    assert _one_person("A senior leader survived an assassination attempt but five others were killed.")[0][1] is None
    assert ("A", "killed") not in _one_person(
        "A rebel commander claimed the hostage siege, during which 320 hostages were killed."
    )
    with rules.disabled(rules.newer_than("brief-v9")):
        assert _one_person("A former lawyer for the doctor has been shot dead in the north.") == []


def test_peacekeepers_warships_and_security_forces_are_a_country_s_forces() -> None:
    for name in ("French peacekeepers", "Egyptian warships", "Nigerian security forces"):
        m = _common_actor().search(f"{name} moved in.")
        assert m is not None and m.group() == name
        with rules.disabled(rules.newer_than("brief-v9")):
            assert _common_actor().search(f"{name} moved in.") is None
    assert _common_actor().search("Peace talks were held.") is None


@pytest.mark.parametrize("version", ["brief-v9", "brief-v10"])
def test_what_code_reads_before_the_model_knows_only_its_prompt_s_rules(
    fake_model, fast_settings, monkeypatch, version: str
) -> None:  # type: ignore[no-untyped-def]
    """Truecasing and the article's parts are read before any request is built: a later
    prompt's rules stay off there too (they leaked into brief-v9's truecasing once, and moved
    the lower-cased founding articles from 0.796 to 0.783)."""
    import summarizer.extraction._summarize as summarize_module

    seen: list[frozenset[str]] = []
    real = summarize_module.truecase

    def watching(text: str) -> str:
        seen.append(rules.off())
        return real(text)

    monkeypatch.setattr(summarize_module, "truecase", watching)
    fake_model(labeller())
    article = from_text("rebels attacked the town of hofbau on sunday.", id="t", origin="file")
    summarize(article, "fake/v", replace(fast_settings, prompt_version=version))
    assert seen
    assert ("sentence.closing_quote" in seen[0]) == (version == "brief-v9")
