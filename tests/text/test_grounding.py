"""Tests of summarizer.grounding: exact / normalized / fuzzy spans and whole-word name search."""

from __future__ import annotations

import random
from types import ModuleType

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from summarizer.text._align import Match, find_all, find_span, normalize
from tests.clihelp import load_script

ARTICLE = (
    "KYIV, Ukraine \u2014 Ukrainian officials said on Tuesday that Russian forces shelled "
    "Kherson overnight, killing at least 64 people.\n"
    "The attack \u2014 the deadliest in weeks \u2014 hit a \u201cresidential\u201d area near the "
    "Dnipro river, the regional governor said.\u00a0\u201cWe will rebuild,\u201d he added.\n\n"
    "Kyiv's mayor said the Kyivan suburbs were calm\u2026 for now. In 1964 the bridge was built; "
    "64 homes were damaged."
)


def _check(text: str, m: Match | None) -> str:
    assert m is not None
    assert 0 <= m.start < m.end <= len(text)
    piece = text[m.start : m.end]
    assert piece.strip()
    return piece


# --------------------------------------------------------------------------- exact


@pytest.mark.parametrize(
    ("quote", "expected"),
    [
        ("Russian forces shelled Kherson", "Russian forces shelled Kherson"),
        ("killing at least 64 people.", "killing at least 64 people."),
        ("Kyiv's mayor", "Kyiv's mayor"),
        ("  Russian forces  ", "Russian forces"),  # surrounding whitespace is ignored
    ],
)
def test_exact(quote: str, expected: str) -> None:
    m = find_span(ARTICLE, quote)
    assert _check(ARTICLE, m) == expected
    assert m is not None and m.method == "exact" and m.score == 1.0


def test_exact_prefers_occurrence_at_or_after_hint() -> None:
    text = "Bakhmut fell. Later Bakhmut was shelled. Then Bakhmut again."
    first, second, third = (i for i in range(len(text)) if text.startswith("Bakhmut", i))
    assert find_span(text, "Bakhmut") == Match(first, first + 7, "exact", 1.0)
    m = find_span(text, "Bakhmut", start_hint=first + 1)
    assert m is not None and m.start == second
    m = find_span(text, "Bakhmut", start_hint=second)
    assert m is not None and m.start == second
    m = find_span(text, "Bakhmut", start_hint=third + 1)  # none after the hint: the first
    assert m is not None and m.start == first
    m = find_span(text, "Bakhmut", start_hint=10**9)  # out of range hints are clamped
    assert m is not None and m.start == first


def test_exact_prefers_whole_words() -> None:
    m = find_span(ARTICLE, "64")
    assert m is not None
    assert ARTICLE[m.start - 1 : m.end + 1] == " 64 "  # not the tail of "1964"


# --------------------------------------------------------------------------- normalized


@pytest.mark.parametrize(
    ("quote", "expected"),
    [
        ("russian FORCES shelled kherson", "Russian forces shelled Kherson"),
        ("Russian forces\n  shelled\tKherson", "Russian forces shelled Kherson"),
        ("the attack - the deadliest in weeks", "The attack \u2014 the deadliest in weeks"),
        ("the attack--the deadliest", None),  # two dashes are not one
        ("the attack-the deadliest", "The attack \u2014 the deadliest"),
        ('hit a "residential" area', "hit a \u201cresidential\u201d area"),
        ("river, the regional governor said. \"We will rebuild,\" he added.",
         "river, the regional governor said.\u00a0\u201cWe will rebuild,\u201d he added."),
        ("Kyiv\u2019s mayor", "Kyiv's mayor"),
        ("suburbs were calm... for now", "suburbs were calm\u2026 for now"),
        ("\u201cRussian forces shelled Kherson\u201d", "Russian forces shelled Kherson"),
        ("Russian forces ... killing at least 64 people",
         "Russian forces shelled Kherson overnight, killing at least 64 people"),
        ("Russian forces \u2026 killing at least 64",
         "Russian forces shelled Kherson overnight, killing at least 64"),
        ("KYIV, UKRAINE", "KYIV, Ukraine"),
    ],
)  # fmt: skip
def test_normalized(quote: str, expected: str | None) -> None:
    m = find_span(ARTICLE, quote)
    if expected is None:
        assert m is None or m.method == "fuzzy"
        return
    assert _check(ARTICLE, m) == expected
    assert m is not None and m.method == "normalized" and m.score == 1.0


def test_normalized_offsets_are_original_offsets() -> None:
    text = "A\u00a0\u00a0caf\u00e9 \u2014 \u201cthe\u201d\n\nend"
    m = find_span(text, 'a cafe - "the" end')
    assert _check(text, m) == text
    text2 = "Zaporizhzhia\u00ad nuclear plant"  # soft hyphen is dropped
    m = find_span(text2, "zaporizhzhia nuclear plant")
    assert _check(text2, m) == text2


def test_normalized_respects_hint() -> None:
    text = "Russian Forces attacked. Later, russian forces retreated."
    m = find_span(text, "RUSSIAN FORCES", start_hint=5)
    assert _check(text, m) == "russian forces"


def test_normalize_function() -> None:
    assert normalize("  \u201cKyiv\u2019s\u201d\u00a0\u2014 Caf\u00e9\u2026 ") == '"kyiv\'s"-cafe...'


# --------------------------------------------------------------------------- fuzzy

FUZZY_TEXT = (
    "On Monday the defence ministry in Moscow claimed that 1,200 Ukrainian soldiers had been "
    "killed near Avdiivka over the past week, a figure that could not be independently verified. "
    "Ukraine's general staff did not comment on the claim."
)


@pytest.mark.parametrize(
    ("quote", "expected"),
    [
        # one word changed in a long quote
        ("the defence ministry in Moscow said that 1,200 Ukrainian soldiers had been killed "
         "near Avdiivka over the past week",
         "the defence ministry in Moscow claimed that 1,200 Ukrainian soldiers had been killed "
         "near Avdiivka over the past week"),
        # a word dropped, and "1200" for "1,200"
        ("the defence ministry in Moscow claimed 1200 Ukrainian soldiers had been killed near "
         "Avdiivka over the past week",
         "the defence ministry in Moscow claimed that 1,200 Ukrainian soldiers had been killed "
         "near Avdiivka over the past week"),
        # punctuation differences only
        ("a figure that could not be independently verified; Ukraine's general staff did not "
         "comment",
         "a figure that could not be independently verified. Ukraine's general staff did not "
         "comment"),
        # a substituted first word: the span widens over it, within the sentence
        ("Kyiv's general staff did not comment on the claim",
         "Ukraine's general staff did not comment on the claim"),
    ],
)  # fmt: skip
def test_fuzzy(quote: str, expected: str) -> None:
    m = find_span(FUZZY_TEXT, quote)
    assert _check(FUZZY_TEXT, m) == expected
    assert m is not None and m.method == "fuzzy"
    assert 0.85 <= m.score <= 1.0


def test_fuzzy_spans_start_and_end_on_word_boundaries() -> None:
    m = find_span(FUZZY_TEXT, "ministry in Moscow claimed that 1,200 Ukrainian soldier had")
    piece = _check(FUZZY_TEXT, m)
    assert piece == "ministry in Moscow claimed that 1,200 Ukrainian soldiers had"
    assert m is not None
    assert not FUZZY_TEXT[m.start - 1].isalnum() and not FUZZY_TEXT[m.end].isalnum()


def test_fuzzy_threshold() -> None:
    quote = "the defence ministry in Kyiv said that 900 Russian soldiers had been killed"
    assert find_span(FUZZY_TEXT, quote) is None  # too many substitutions
    m = find_span(FUZZY_TEXT, quote, min_coverage=0.6)
    assert m is not None and m.method == "fuzzy" and 0.6 <= m.score < 0.85


def test_min_coverage_one_allows_only_token_identical_quotes() -> None:
    text = "Fighting continued in Kyiv, Ukraine, on Friday."
    m = find_span(text, "Kyiv Ukraine", min_coverage=1.0)
    assert _check(text, m) == "Kyiv, Ukraine"
    assert find_span(text, "Kyiv Russia", min_coverage=1.0) is None


@pytest.mark.parametrize(
    "quote",
    [
        "",
        "   \n\t ",
        "aliens landed in Paris yesterday",
        "NATO troops captured Moscow after a long siege",
        "Russian forces shelled Odesa and Lviv on Sunday, killing 300 people",
    ],
)
def test_not_found(quote: str) -> None:
    assert find_span(ARTICLE, quote) is None


def test_empty_text() -> None:
    assert find_span("", "anything") is None
    assert find_all("", "anything") == []
    assert find_all("text", "  ") == []


# --------------------------------------------------------------------------- find_all


def test_find_all_whole_words_possessive_case() -> None:
    text = "Kyiv said... KYIV'S mayor; Kyivan suburbs; the kyiv\u2019s metro; Kyivs? Kyiv."
    hits = find_all(text, "Kyiv")
    assert [text[m.start : m.end] for m in hits] == ["Kyiv", "KYIV", "kyiv", "Kyiv"]
    assert [m.method for m in hits] == ["exact", "normalized", "normalized", "exact"]
    assert all(m.score == 1.0 for m in hits)
    assert [m.start for m in hits] == sorted(m.start for m in hits)


def test_find_all_normalized_phrases() -> None:
    text = "The Wagner\u00a0Group withdrew. Later the wagner\ngroup returned. Wagner Groups? no."
    hits = find_all(text, "Wagner Group")
    assert [text[m.start : m.end] for m in hits] == ["Wagner\u00a0Group", "wagner\ngroup"]
    text2 = "Zaporizhzhia \u2013 the plant; ZAPORIZHZHIA-the plant"
    assert len(find_all(text2, "zaporizhzhia - the plant")) == 2
    text3 = "Caf\u00e9 and cafe"
    assert [text3[m.start : m.end] for m in find_all(text3, "CAFE")] == ["Caf\u00e9", "cafe"]


def test_find_all_non_overlapping() -> None:
    text = "aa aa aa"
    assert [(m.start, m.end) for m in find_all(text, "aa aa")] == [(0, 5)]
    assert find_all("Kyivan", "Kyiv") == []


# --------------------------------------------------------------------------- speed


def _bench() -> ModuleType:
    """bench/grounding_speed.py: one synthetic article generator for the test of what is found
    and the bench of how fast."""
    return load_script("bench/grounding_speed.py")


_BENCH = _bench()
_VOCAB: list[str] = _BENCH.VOCAB


def _article(n_chars: int, seed: int) -> str:
    text: str = _BENCH.article(n_chars, seed)
    return text


def test_a_15k_article_300_char_quote_exact_normalized_fuzzy_and_invented() -> None:
    """What each way of finding a quote finds in a long article (how fast: bench/grounding_speed.py)."""
    text = _article(15_000, seed=7)
    assert len(text) == 15_000
    start = text.index(" ", 9000) + 1
    quote = text[start : start + 300].rsplit(" ", 1)[0]
    perturbed = quote.upper().replace(" ", "  ")
    words = quote.split()
    words[3], words[17] = "zzyzx", "qwerty"
    del words[30]
    fuzzy = " ".join(words)
    invented = " ".join(random.Random(3).choice(["alpha", "beta", "the", "of"]) for _ in range(50))
    for q, method in [(quote, "exact"), (perturbed, "normalized"), (fuzzy, "fuzzy")]:
        m = find_span(text, q)
        assert m is not None and m.method == method, (method, m)
        assert m.start in range(start - 10, start + 10)
    assert find_span(text, invented) is None
    fresh = _article(15_000, seed=8)  # a fresh article: nothing cached
    fq = " ".join(fresh[6000:6300].split()[1:-1])
    assert find_span(fresh, fq.replace(" ", " x ", 1)) is not None


# --------------------------------------------------------------------------- properties

_ALPHABET = (
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
    "     \n\u00a0\t.,;:!?'\"-()\u2018\u2019\u201c\u201d\u2013\u2014\u2026\u00e9\u00fc\u00f1"
)
_TRANSLATE = str.maketrans({"'": "\u2019", "\u2019": "'", '"': "\u201d", "\u201c": '"', "-": "\u2014", "\u2013": "-"})


def _perturb(quote: str, how: int) -> str:
    if how == 0:
        return quote
    if how == 1:
        return quote.upper()
    if how == 2:
        return quote.translate(_TRANSLATE)
    if how == 3:
        return "\n ".join(quote.split(" "))
    return quote.swapcase().translate(_TRANSLATE).replace(" ", "\u00a0 ")


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    text=st.text(alphabet=_ALPHABET, min_size=1, max_size=400),
    data=st.data(),
    how=st.integers(0, 4),
)
def test_property_substrings_are_found_exactly(text: str, data: st.DataObject, how: int) -> None:
    i = data.draw(st.integers(0, len(text) - 1))
    j = data.draw(st.integers(i + 1, len(text)))
    quote = _perturb(text[i:j], how)
    m = find_span(text, quote, start_hint=data.draw(st.integers(-5, len(text) + 5)))
    if not normalize(quote):
        assert m is None or m.method == "exact"
        return
    piece = _check(text, m)
    assert m is not None
    if how == 0:
        assert m.method == "exact" and piece == quote.strip()
    assert m.method in ("exact", "normalized")
    assert normalize(quote) in normalize(piece)


_LEFT = "abcdefghijklm"
_RIGHT = "nopqrstuvwxyz"


@settings(max_examples=100, deadline=None)
@given(
    text_words=st.lists(st.text(alphabet=_LEFT, min_size=1, max_size=8), min_size=1, max_size=80),
    quote_words=st.lists(st.text(alphabet=_RIGHT, min_size=1, max_size=8), min_size=1, max_size=20),
    seps=st.sampled_from([" ", ", ", "\n", " - "]),
)
def test_property_invented_quotes_are_not_found(text_words: list[str], quote_words: list[str], seps: str) -> None:
    text = seps.join(text_words)
    quote = " ".join(quote_words)
    assert find_span(text, quote) is None
    assert find_span(text, quote, min_coverage=0.1) is None
    assert find_all(text, quote) == []


@settings(max_examples=100, deadline=None)
@given(
    words=st.lists(st.sampled_from(_VOCAB), min_size=5, max_size=120),
    data=st.data(),
)
def test_property_fuzzy_matches_are_in_bounds_and_word_aligned(words: list[str], data: st.DataObject) -> None:
    text = " ".join(words)
    i = data.draw(st.integers(0, len(words) - 1))
    j = data.draw(st.integers(i + 1, len(words)))
    quote_words = list(words[i:j])
    k = data.draw(st.integers(0, len(quote_words) - 1))
    quote_words[k] = "unheardof"
    m = find_span(text, " ".join(quote_words), min_coverage=0.5)
    if m is None:
        return
    piece = _check(text, m)
    assert piece == piece.strip(" ,.;")
    assert m.start == 0 or not text[m.start - 1].isalnum()
    assert m.end == len(text) or not text[m.end].isalnum()
    assert 0.5 <= m.score <= 1.0


@settings(max_examples=100, deadline=None)
@given(text=st.text(alphabet=_ALPHABET, max_size=300), phrase=st.text(alphabet=_ALPHABET, max_size=12))
def test_property_find_all_in_bounds_ordered_disjoint(text: str, phrase: str) -> None:
    hits = find_all(text, phrase)
    last_end = 0
    for m in hits:
        piece = _check(text, m)
        assert m.start >= last_end
        last_end = m.end
        assert normalize(phrase) in normalize(piece)
