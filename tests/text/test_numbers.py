"""Tests of summarizer.numbers: casualty figures as written, and the numbers a text contains."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from summarizer.text._numbers import VAGUE_BOUNDS, Figure, figure_at, figure_spans, numbers_in, parse_figure


def count(n: int, approximate: bool = False) -> Figure:
    return Figure(n, None, None, approximate)


def low(n: int, approximate: bool) -> Figure:
    return Figure(None, n, None, approximate)


def high(n: int) -> Figure:
    return Figure(None, None, n, True)


def between(a: int, b: int, approximate: bool = False) -> Figure:
    return Figure(None, a, b, approximate)


FIGURES: list[tuple[str, Figure | None]] = [
    # digits
    ("64", count(64)),
    ("1,200", count(1200)),
    ("1 200", count(1200)),
    ("1\u00a0200", count(1200)),
    ("1\u202f200", count(1200)),
    ("100 000 troops", count(100_000)),
    ("1.2 thousand", count(1200)),
    ("1.5 million", count(1_500_000)),
    ("2 million", count(2_000_000)),
    ("40k", count(40_000)),
    ("3 hundred", count(300)),
    ("1,234,567", count(1_234_567)),
    ("2.5", None),  # not a whole number
    # words
    ("one", count(1)),
    ("two", count(2)),
    ("eleven", count(11)),
    ("twenty", count(20)),
    ("twenty-five", count(25)),
    ("Twenty five", count(25)),
    ("ninety\u2011nine", count(99)),
    ("a dozen", count(12)),
    ("two dozen", count(24)),
    ("a hundred", count(100)),
    ("one hundred", count(100)),
    ("three hundred", count(300)),
    ("three hundred and five", count(305)),
    ("twelve hundred", count(1200)),
    ("a hundred and twenty", count(120)),
    ("nine hundred ninety-nine thousand", count(999_000)),
    ("a thousand", count(1000)),
    ("two thousand five hundred", count(2500)),
    ("one thousand two hundred and fifty", count(1250)),
    ("a million", count(1_000_000)),
    # as reporters write them
    ("half a million", count(500_000)),
    ("half a million people were displaced", count(500_000)),
    ("nearly half a million", count(500_000, True)),
    ("a half million", count(500_000)),
    ("a half-million Ukrainians", count(500_000)),
    ("half a dozen", count(6)),
    ("one and a half million", count(1_500_000)),
    ("two and a half thousand troops", count(2500)),
    ("half of the 40 soldiers", count(40)),  # "half of" is not a number
    ("1.5m people", count(1_500_000)),
    ("1.5m Ukrainians have fled", count(1_500_000)),
    ("2m displaced people", count(2_000_000)),
    ("a 5m crater", None),  # metres: no person noun after it
    ("the wall was 5m high and 2 died", count(2)),
    ("1.5mn people", count(1_500_000)),
    ("1.5bn people", count(1_500_000_000)),
    ("2.3k soldiers", count(2300)),
    ("1,5 million", count(1_500_000)),  # a decimal comma before a scale word
    ("1,5 million people died", count(1_500_000)),
    ("2,25 mln", count(2_250_000)),
    ("1,5m refugees", count(1_500_000)),
    ("one soldier", count(1)),
    ("a soldier", count(1)),
    ("an elderly woman", count(1)),
    ("a 24-year-old soldier was killed", count(1)),
    ("two civilians", count(2)),
    # vague quantifiers
    ("dozens", low(24, True)),
    ("Dozens of civilians", low(24, True)),
    ("scores", low(40, True)),
    ("scores of people were killed", low(40, True)),
    ("hundreds", low(200, True)),
    ("thousands", low(2000, True)),
    ("tens of thousands", low(20_000, True)),
    ("hundreds of thousands", low(200_000, True)),
    ("millions", low(2_000_000, True)),
    ("tens of soldiers", low(20, True)),
    ("a few", low(2, True)),
    ("several", low(3, True)),
    ("a few dozen", low(24, True)),
    ("several dozen", low(36, True)),
    ("a few hundred", low(200, True)),
    ("several hundred", low(300, True)),
    ("several thousand", low(3000, True)),
    ("several hundred thousand", low(300_000, True)),
    ("at least dozens", low(24, True)),
    ("a handful", low(2, True)),  # vague: a few, no more said
    ("a handful of soldiers were killed", low(2, True)),
    ("hundreds of soldiers", low(200, True)),
    # lower bounds
    ("at least 8", low(8, False)),
    ("At least 64 Russian soldiers were killed", low(64, False)),
    ("AT LEAST 64", low(64, False)),
    ("no fewer than 8", low(8, False)),
    ("no less than 8", low(8, False)),
    ("a minimum of 8", low(8, False)),
    ("more than 8", low(8, True)),
    ("over 8", low(8, True)),
    ("in excess of 8", low(8, True)),
    ("upwards of 8", low(8, True)),
    ("more than a hundred", low(100, True)),
    ("more than a dozen soldiers", low(12, True)),
    ("5 or more", low(5, True)),
    ("40,000-plus", low(40_000, True)),
    ("40,000+", low(40_000, True)),
    # upper bounds
    ("as many as 40,000", high(40_000)),
    ("as many as 40,000 Wagner fighters", high(40_000)),
    ("up to 40,000", high(40_000)),
    ("up to 30 thousand", high(30_000)),
    ("no more than 40,000", high(40_000)),
    ("at most 30", high(30)),
    ("fewer than 100", high(100)),
    ("less than 100", high(100)),
    # approximate counts
    ("about 6,000", count(6000, True)),
    ("around 6,000", count(6000, True)),
    ("some 6,000", count(6000, True)),
    ("nearly 6,000", count(6000, True)),
    ("almost 6,000", count(6000, True)),
    ("roughly 6,000", count(6000, True)),
    ("approximately 6,000", count(6000, True)),
    ("an estimated 6,000", count(6000, True)),
    ("an estimated 6,000 troops", count(6000, True)),
    ("close to 6,000", count(6000, True)),
    ("c. 500", count(500, True)),
    ("~500 troops", count(500, True)),
    ("50 or so", count(50, True)),
    ("about a dozen", count(12, True)),
    # ranges
    ("between 10 and 20", between(10, 20)),
    ("between 1,000 and 1,500 soldiers", between(1000, 1500)),
    ("10-20", between(10, 20)),
    ("10\u201320", between(10, 20)),
    ("10 - 20", between(10, 20)),
    ("10 to 20", between(10, 20)),
    ("from 10 to 20", between(10, 20)),
    ("10 to 20 thousand", between(10_000, 20_000)),
    ("one or two soldiers", between(1, 2)),
    ("five to seven", between(5, 7)),
    ("about 10-20", between(10, 20, True)),
    ("20-10", count(20)),  # not a range: the second is smaller
    # the figure inside a longer phrase
    ("at least 64 Russian soldiers were killed", low(64, False)),
    (
        "at least 64 Russian soldiers were killed on 12 May 2023 near the 3rd Assault Brigade's positions",
        low(64, False),
    ),
    ("the 3rd Assault Brigade lost 12 soldiers", count(12)),
    ("the 1442nd Regiment said 30 were killed in 2023", count(30)),
    ("In 2023, 15 civilians were killed on 12 May", count(15)),
    ("On May 12, 2024, 7 people died", count(7)),
    ("military unit 3719 lost 20 men", count(20)),
    ("Ukraine said 1,200 Russian troops had been killed in the past 24 hours", count(1200)),
    ("killed 12 and wounded 40", count(12)),
    ("killing at least 64", low(64, False)),
    ("the death toll rose to 64 on Tuesday, May 12", count(64)),
    ("Su-25 shot down, 2 pilots killed", count(2)),
    ("at 10:30 five people died", count(5)),
    ("killed 5 over 3 days", count(5)),
    ("a strike 40 km from the front killed 3 soldiers", count(3)),
    ("a man said 30 soldiers were killed", count(30)),
    # no figure
    ("", None),
    ("no one was killed", None),
    ("no casualties", None),
    ("the 3rd Assault Brigade", None),
    ("the 1442nd Regiment", None),
    ("1990s", None),
    ("40%", None),
    ("40 per cent", None),
    ("$40 million in aid", None),
    ("a 155-mm shell", None),
    ("settle scores", None),
    ("they fought one another", None),
    ("heavy losses", None),
    # a lone year or date number is still a number when nothing better is there
    ("2023", count(2023)),
]


@pytest.mark.parametrize(("raw", "expected"), FIGURES)
def test_parse_figure(raw: str, expected: Figure | None) -> None:
    assert parse_figure(raw) == expected


@pytest.mark.parametrize(("raw", "expected"), FIGURES)
def test_table_satisfies_invariant(raw: str, expected: Figure | None) -> None:
    _assert_not_invented(raw)


NUMBERS_IN: list[tuple[str, list[int]]] = [
    ("", []),
    ("no numbers here", []),
    ("64 soldiers and 1,200 civilians", [64, 1200]),
    ("twenty-five killed, three hundred wounded", [25, 300]),
    ("the 3rd Assault Brigade and the 1442nd Regiment", []),
    ("in 2023, 40% of 1.5 million", [2023, 40, 1_500_000]),
    ("dozens, hundreds, tens of thousands", []),
    ("a soldier and an officer", [1, 1]),
    ("a dozen", [12]),
    ("10 to 20 thousand", [10, 10_000, 20_000]),
    ("Su-25", [25]),
    ("2.5 km", []),
    ("half a million", [500_000]),
    ("1,5 million and 1,500", [1_500_000, 1500]),
    ("In 2022, 5 million fled", [2022, 5_000_000]),  # a comma and a space: not a decimal
    ("1,5 killed", [1, 5]),  # no scale word: not a decimal
    ("a 5m crater", [5]),
    ("$1.5m in aid", [1_500_000]),
]


@pytest.mark.parametrize(("text", "expected"), NUMBERS_IN)
def test_numbers_in(text: str, expected: list[int]) -> None:
    assert numbers_in(text) == expected


def test_vague_bounds() -> None:
    for value in (2, 3, 20, 24, 36, 40, 200, 300, 2000, 3000, 20_000, 200_000, 2_000_000):
        assert value in VAGUE_BOUNDS


# --------------------------------------------------------------------------- properties


def _assert_not_invented(raw: str) -> None:
    fig = parse_figure(raw)
    if fig is None:
        return
    written = set(numbers_in(raw))
    values = [v for v in (fig.count, fig.low, fig.high) if v is not None]
    assert values, fig
    for v in values:
        assert v in written or v in VAGUE_BOUNDS, (raw, fig, written)
    if fig.low is not None and fig.high is not None:
        assert fig.low < fig.high
    if fig.count is not None:
        assert fig.low is None and fig.high is None


_PIECES = [
    "at least", "more than", "as many as", "up to", "about", "some", "an estimated",
    "between", "and", "to", "or", "-", "\u2013", "from", "a", "an", "one", "two", "twenty",
    "five", "hundred", "thousand", "million", "dozen", "dozens", "hundreds", "thousands",
    "tens", "of", "scores", "several", "few", "soldiers", "soldier", "civilians", "killed",
    "wounded", "were", "in", "May", "2023", "3rd", "1442nd", "64", "1,200", "1 200", "40,000",
    "1.5", "8", "0", "%", "km", "+", "plus", ",", ".", "Su", "24-year-old", "no", "more",
    "so", "~", "c.", "k", "s", "half", "handful", "m", "mn", "bn", "1,5", "1.5m", "5m", "people",
    "crater", "Ukrainians",
]  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(
    pieces=st.lists(st.sampled_from(_PIECES), max_size=14),
    seps=st.lists(st.sampled_from([" ", "", "  ", "\n", ", ", "\u00a0"]), min_size=14, max_size=14),
)
def test_property_phrases_never_invent_numbers(pieces: list[str], seps: list[str]) -> None:
    raw = "".join(p + s for p, s in zip(pieces, seps, strict=False))
    _assert_not_invented(raw)


@settings(max_examples=300, deadline=None)
@given(raw=st.text(max_size=80))
def test_property_random_text_never_raises(raw: str) -> None:
    _assert_not_invented(raw)


@settings(max_examples=200, deadline=None)
@given(n=st.integers(min_value=0, max_value=10**15))
def test_property_round_trip(n: int) -> None:
    assert parse_figure(str(n)) == count(n)
    assert parse_figure(f"{n:,}") == count(n)
    assert parse_figure(f"at least {n:,} soldiers were killed") == low(n, False)
    assert parse_figure(f"as many as {n:,}") == high(n)
    assert parse_figure(f"about {n}") == count(n, True)
    assert n in numbers_in(f"Officials said {n:,} people died.")


@settings(max_examples=100, deadline=None)
@given(a=st.integers(0, 10**6), b=st.integers(0, 10**6))
def test_property_ranges(a: int, b: int) -> None:
    fig = parse_figure(f"between {a:,} and {b:,} civilians")
    if a < b:
        assert fig == between(a, b)
    else:
        assert fig is not None and fig.count in (a, b)


@settings(max_examples=300, deadline=None)
@given(
    pieces=st.lists(st.sampled_from(_PIECES), max_size=14),
    seps=st.lists(st.sampled_from([" ", "", "  ", "\n", ", ", "\u00a0"]), min_size=14, max_size=14),
)
def test_property_figure_spans_cut_the_text_exactly(pieces: list[str], seps: list[str]) -> None:
    """Every span found is the figure as written: inside the text, no space at either end, read
    back to the same figure in its text (`figure_at`), and its numbers are the text's."""
    text = "".join(p + s for p, s in zip(pieces, seps, strict=False))
    written = set(numbers_in(text))
    for start, end, fig, _score in figure_spans(text):
        raw = text[start:end]
        assert 0 <= start < end <= len(text) and raw == raw.strip(), (text, raw)
        assert figure_at(text, start, end) == fig
        for v in (fig.count, fig.low, fig.high):
            assert v is None or v in written or v in VAGUE_BOUNDS, (text, raw, fig)


@settings(max_examples=200, deadline=None)
@given(
    pieces=st.lists(st.sampled_from(_PIECES), max_size=14),
    seps=st.lists(st.sampled_from([" ", "  ", "\n", ", "]), min_size=14, max_size=14),
)
def test_property_spans_of_spaced_words_start_and_end_at_word_boundaries(pieces: list[str], seps: list[str]) -> None:
    """With words apart, a span never cuts one: the characters around it are not letters or digits."""
    text = "".join(p + s for p, s in zip(pieces, seps, strict=False))
    for start, end, _fig, _score in figure_spans(text):
        assert start == 0 or not text[start - 1].isalnum(), (text, text[start:end])
        assert end == len(text) or not text[end].isalnum(), (text, text[start:end])


REPORTED = [
    ("Officials said half a million people had fled.", "half a million", count(500_000)),
    ("Some 1.5m people were displaced, the UN said.", "Some 1.5m", count(1_500_000, True)),
    ("A handful of soldiers were wounded.", "A handful", low(2, True)),
    ("About 1,5 million people died.", "About 1,5 million", count(1_500_000, True)),
    ("A 5m crater was left; three civilians were killed.", "three", count(3)),
]


@pytest.mark.parametrize(("sentence", "raw", "expected"), REPORTED)
def test_figures_as_reporters_write_them_are_found_whole(sentence: str, raw: str, expected: Figure) -> None:
    """The figure of a sentence is found with the span of all its words ("half a million", not
    "a million") and read in context: a lone "1.5m" would be a measure, "1.5m people" is not."""
    spans = [(sentence[s:e], fig) for s, e, fig, score in figure_spans(sentence) if score >= 0]
    assert (raw, expected) in spans
    start = sentence.index(raw)
    assert figure_at(sentence, start, start + len(raw)) == expected
