"""Event sentences, claimants and dates found by code, on real article text."""

from __future__ import annotations

from pathlib import Path

import pytest

from summarizer.text import claimant_in, dates_in, event_date, event_sentences, sentences

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
    wagner = {"Wagner": ["Wagner"], "Oleg Synegubov": ["Oleg Synegubov"]}
    # what is said is not who says it; a name just past the verb is ("said the governor X")
    assert claimant_in("Estimates suggest as many as 40,000 Wagner fighters were killed.", wagner) is None
    assert claimant_in("Seven were wounded, said Kharkiv governor Oleg Synegubov.", wagner) == "Oleg Synegubov"


def test_a_casualty_word_belongs_to_the_figure_next_to_it() -> None:
    from summarizer.text._candidates import casualty_figures, kind_near

    text = "The war has killed thousands, forced millions to flee their homes and wounded 30 more."
    kinds = {text[f.start : f.end]: kind_near(text, *f) for f in casualty_figures(text)}
    assert kinds == {"thousands": "killed", "millions": None, "30": "wounded"}
    convicts = "A total of 50,000 prisoners have signed up to fight, 10 per cent of the incarcerated population."
    assert [kind_near(convicts, *f) for f in casualty_figures(convicts)] == [None]  # convicts, not captives
    pows = "Ukraine said it took 20 prisoners of war after they were recruited from jails."
    assert [kind_near(pows, *f) for f in casualty_figures(pows)] == ["captured"]


def test_an_area_is_not_people() -> None:
    from summarizer.text import figure_counts
    from summarizer.text._candidates import casualty_figures

    text = "Despite the capture of thousands of square kilometers, no missiles fell."
    (fig,) = casualty_figures(text)
    assert figure_counts(text, fig.end, fig.sentence_end) == "things"


def test_event_dates_are_resolved_against_publication_and_never_guessed() -> None:
    assert event_date("The parade was held on May 9.", "2023-05-10") == "2023-05-09"
    assert event_date("Strikes hit the city on Tuesday.", "2022-12-29") == "2022-12-27"  # a Thursday
    assert event_date("Strikes hit the city on Tuesday.", None) is None
    assert event_date("Strikes hit the city last month.", "2022-12-29") is None
    assert event_date("The attack on December 30 killed two.", "2022-12-29") == "2021-12-30"  # not in the future


WEDNESDAY = "2023-05-10"  # the publication date of the cases below


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # weekdays: the last such day on or before publication
        ("Strikes hit the city on Tuesday.", "2023-05-09"),
        ("Strikes hit the city on Wednesday.", "2023-05-10"),  # the day of publication itself
        ("Russian forces shelled Kherson Tuesday, officials said.", "2023-05-09"),  # AP style, no "on"
        ("Tuesday's strike killed three.", "2023-05-09"),
        ("Strikes hit the city last Wednesday.", "2023-05-03"),  # "last": strictly before
        ("Strikes hit the city on tuesday.", None),  # a weekday is written with a capital
        # month and day: the year of publication, or the year before when it would be later
        ("The parade was held on May 9.", "2023-05-09"),
        ("The parade was held May 9.", "2023-05-09"),
        ("The attack on 9 May killed two.", "2023-05-09"),
        ("The attack on the 9th of May killed two.", "2023-05-09"),
        ("The attack on June 1 killed two.", "2022-06-01"),  # June 1 2023 is after publication
        ("It fell on March 5, 2023.", "2023-03-05"),
        ("It fell on 5 March 2023.", "2023-03-05"),
        ("It fell on 2023-05-08.", "2023-05-08"),
        ("It fell on March 5, 2024.", None),  # after publication: never
        ("It fell on February 30.", None),  # no such day
        ("They may 9 times have tried.", None),  # "may" the verb
        ("Strikes hit the city yesterday.", "2023-05-09"),
        # vaguer times: nothing is guessed
        ("Strikes hit the city last week.", None),
        ("Strikes hit the city in May.", None),
        ("Strikes hit the city earlier this month.", None),
        # a date that is not the event's: a start, an end, a future day, the day it was said
        ("Troops have fought since February 24, 2022, and on Tuesday took the town.", "2023-05-09"),
        ("The truce held until Friday.", None),
        ("Talks will resume next Monday.", None),
        ("Haidai said Monday that paratroopers had moved.", None),
        ("The governor told reporters on Monday that the town was shelled.", None),
    ],
)
def test_event_dates_in_the_forms_articles_write_them(sentence: str, expected: str | None) -> None:
    assert event_date(sentence, WEDNESDAY) == expected


def test_a_full_date_needs_no_publication_date_a_relative_one_does() -> None:
    assert event_date("It fell on March 5, 2023.", None) == "2023-03-05"
    assert event_date("It fell on 2023-03-05.", None) == "2023-03-05"
    assert event_date("It fell on May 9.", None) is None
    assert event_date("It fell on Tuesday.", "not a date") is None


def test_dates_in_lists_every_date_of_a_sentence_resolved() -> None:
    sentence = "Fighting since February 24, 2022 went on, and on Tuesday the town fell; talks on June 31."
    found = dates_in(sentence, WEDNESDAY)
    assert [when for _at, when in found] == ["2022-02-24", "2023-05-09", None]
    assert [sentence[at:].split()[0] for at, _ in found] == ["February", "Tuesday", "June"]
