"""Faithfulness: does a sentence say only names and numbers that the article has?

A sentence written by a model (a summary sentence) is checked word by word: every number in it
must be a number of the article (`numbers_in`), and every name in it (a capitalised word that
does not start the sentence, or a run of them) must occur in the article, compared without
case, accents or punctuation. A sentence that copies a long stretch of the article word for
word is flagged too: a summary made of the article's own sentences is not a summary.
"""

from __future__ import annotations

import re

from summarizer.text._candidates import NAME_RUN, not_names
from summarizer.text._normalize import normalize_name
from summarizer.text._numbers import numbers_in

COPY_WORDS = 12  # this many consecutive words of the article make a sentence a copy


def unsupported(sentence: str, article: str) -> list[str]:
    """The names and numbers of `sentence` that `article` does not contain (empty: faithful)."""
    problems: list[str] = []
    article_numbers = set(numbers_in(article))
    problems += [str(n) for n in numbers_in(sentence) if n not in article_numbers]
    haystack = " " + normalize_name(article) + " "
    for m in NAME_RUN.finditer(sentence):
        name = m.group(0).strip()
        words = name.split()
        if m.start() == 0 or sentence[: m.start()].rstrip().endswith((".", "!", "?", ":", "“", '"')):
            while words and words[0].casefold() in not_names():
                words = words[1:]
        if not words:
            continue
        for part in _name_parts(" ".join(words)):
            key = normalize_name(part)
            if key and key not in haystack:  # a substring: "Borduria" is in "AirspaceBorduria’s"
                problems.append(part)
    return problems


def _name_parts(name: str) -> list[str]:
    """A run of capitalised words is checked whole, and falls back to its words: "Ruritanian
    forces in Zenda" style runs are not required verbatim, each capitalised word is."""
    words = (re.sub(r"[’']s?$", "", w) for w in name.split())
    function = not_names()  # capitalised words that start sentences or are not names on their own
    return [w for w in words if w[:1].isupper() and w.casefold() not in function]


def copies_article(sentence: str, article: str, words: int = COPY_WORDS) -> bool:
    """True when `sentence` repeats `words` or more consecutive words of the article."""
    toks = normalize_name(sentence).split()
    if len(toks) < words:
        return False
    haystack = " " + " ".join(normalize_name(article).split()) + " "
    return any(" " + " ".join(toks[i : i + words]) + " " in haystack for i in range(len(toks) - words + 1))
