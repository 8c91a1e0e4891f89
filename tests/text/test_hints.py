"""Code-side hints for the model: candidate names, casualty figures and their kind."""

from __future__ import annotations

import pytest

from summarizer.text._candidates import candidate_names, casualty_figures, casualty_sentences, kind_near

TEXT = (
    "Footage shows Russian retreat\n\n"
    "Russian forces retreated near Bakhmut on Tuesday, according to Ukraine's 3rd Assault Brigade. "
    "Ukraine claims that it eliminated 64 Russian fighters, and left 87 more wounded. "
    "The Institute for the Study of War said the 1442nd Regiment was exhausted. "
    "Estimates suggest as many as 40,000 Wagner fighters were killed in 2023."
)


def test_candidate_names_are_capitalised_phrases_not_sentence_openers() -> None:
    names = candidate_names(TEXT)
    for expected in ("Bakhmut", "3rd Assault Brigade", "Institute for the Study of War", "1442nd Regiment", "Wagner"):
        assert expected in names
    assert "Footage" not in names  # only ever capitalised at the start of a sentence
    assert "The Institute for the Study of War" not in names
    assert all(name in TEXT for name in names)


def test_casualty_figures_are_exact_spans_in_casualty_sentences() -> None:
    found = casualty_figures(TEXT)
    assert [TEXT[fs:fe] for fs, fe, _, _ in found] == ["64", "87", "as many as 40,000"]
    for fs, fe, ss, se in found:
        assert ss <= fs < fe <= se
    assert "2023" not in [TEXT[fs:fe] for fs, fe, _, _ in found]
    assert len(casualty_sentences(TEXT)) == 2


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("A strike killed two dock workers and wounded five others.", ["killed", "wounded"]),
        ("Shelling on Sunday, killing three and wounding eight, said the governor.", ["killed", "wounded"]),
        ("Ukraine claims that it eliminated 64 Russian fighters, and left 87 more wounded.", ["killed", "wounded"]),
        ("At least 315,000 Russian troops have been killed or wounded since 2022.", ["casualties"]),
        ("Thousands of Russian troops have already died in the battle.", ["killed"]),
        ("Officials said 12 soldiers were taken prisoner near the town.", ["captured"]),
        # the word before a figure that belongs to the figure before it does not count
        ("A missile hit a building, leaving two dead and three others hospitalized.", ["killed", "wounded"]),
        # a word that ends an earlier clause yields to the figure's own (`casualty.kind.earlier_clause`) ...
        ("One civilian was killed and 82 others wounded when the rebels fired.", ["killed", "wounded"]),
        ("A man died and three of his relatives were injured in the crash.", ["killed", "wounded"]),
        # ... and still gives the kind where the figure has none after it
        ("Three soldiers were killed and 12 others in the raid on Zenda.", ["killed", "killed"]),
    ],
)
def test_kind_is_the_nearest_casualty_word(sentence: str, expected: list[str]) -> None:
    found = casualty_figures(sentence)
    assert [kind_near(sentence, *f) for f in found] == expected
