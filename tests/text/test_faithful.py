"""The summary check: names and numbers must be the article's; copies are flagged."""

from __future__ import annotations

from pathlib import Path

from summarizer.text import copies_article, unsupported

ARTICLE = (Path(__file__).resolve().parents[2] / "evals" / "datasets" / "articles" / "EN_UA_026036.txt").read_text(
    encoding="utf-8"
)


def test_a_faithful_sentence_has_nothing_unsupported() -> None:
    assert (
        unsupported("Russia shelled more than 30 villages in the Kharkiv region, Oleg Synegubov said.", ARTICLE) == []
    )


def test_an_invented_number_and_an_invented_name_are_reported() -> None:
    problems = unsupported("Russia shelled 45 villages, according to Volodymyr Zelensky.", ARTICLE)
    assert "45" in problems
    assert "Zelensky" in problems


def test_a_copied_sentence_is_flagged_and_a_paraphrase_is_not() -> None:
    first = ARTICLE.splitlines()[2] if len(ARTICLE.splitlines()) > 2 else ARTICLE
    sentence = " ".join(first.split()[:20])
    assert copies_article(sentence, ARTICLE)
    assert not copies_article("Russian shelling hit many villages in the Kharkiv region.", ARTICLE)
