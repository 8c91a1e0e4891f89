"""Event sentences, claimants and dates found by code, on real article text."""

from __future__ import annotations

from pathlib import Path

from summarizer.text import claimant_in, event_date, event_sentences, sentences

ARTICLES = Path(__file__).resolve().parents[2] / "evals" / "datasets" / "articles"


def _text(name: str) -> str:
    return (ARTICLES / name).read_text(encoding="utf-8")


def test_the_splitter_does_not_cut_at_abbreviations_initials_or_decimals() -> None:
    text = (
        "Gen. Ivan Popov was removed. The U.S. said approx. 40 were killed. Vladimir V. Putin spoke! Then 2.5 km.\nNext"
    )
    assert [text[s:e] for s, e in sentences(text)] == [
        "Gen. Ivan Popov was removed.",
        "The U.S. said approx. 40 were killed.",
        "Vladimir V. Putin spoke!",
        "Then 2.5 km.",
        "Next",
    ]


def test_event_sentences_of_a_strike_report_include_the_shelling_and_skip_the_headline() -> None:
    text = _text("EN_UA_026036.txt")
    title_end = text.index("\n")
    found = [" ".join(text[s:e].split()) for s, e in event_sentences(text, limit=30, skip_until=title_end)]
    assert any("Russia pounded over 30 villages" in s for s in found)
    assert any("Vovchansk" in s and "shelling" in s for s in found)
    assert not any(s.startswith("Russia pounds 30 towns") for s in found)  # the headline


def test_predictions_threats_and_questions_are_not_proposed_as_events() -> None:
    text = (
        "Russia could attack Kyiv again next week. Will the offensive resume? "
        "Moscow threatened to strike the capital. Russian forces shelled Kharkiv on Monday."
    )
    found = [text[s:e] for s, e in event_sentences(text)]
    assert found == ["Russian forces shelled Kharkiv on Monday."]


def test_the_claimant_is_the_actor_nearest_a_verb_of_saying() -> None:
    forms = {"Oleg Synegubov": ["Oleg Synegubov", "Synegubov"], "Ukraine": ["Ukraine"]}
    assert claimant_in("Nine civilians were wounded, Synegubov said on Sunday.", forms) == "Oleg Synegubov"
    assert claimant_in("According to Ukraine, 64 Russian soldiers were killed.", forms) == "Ukraine"
    assert claimant_in("Nine civilians were wounded in Ukraine.", forms) is None  # no verb of saying
    troops = {"Russian troops": ["Russian troops"]}
    assert claimant_in("Thousands of Russian troops died, according to a Ukrainian close to it.", troops) is None


def test_event_dates_are_resolved_against_publication_and_never_guessed() -> None:
    assert event_date("The parade was held on May 9.", "2023-05-10") == "2023-05-09"
    assert event_date("Strikes hit the city on Tuesday.", "2022-12-29") == "2022-12-27"  # a Thursday
    assert event_date("Strikes hit the city on Tuesday.", None) is None
    assert event_date("Strikes hit the city last month.", "2022-12-29") is None
    assert event_date("The attack on December 30 killed two.", "2022-12-29") == "2021-12-30"  # not in the future
