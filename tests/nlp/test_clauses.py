"""A long event sentence cut at a clause boundary, never inside a clause (issue 20, item 4:
"descriptions not cut mid-clause"): `nlp.clause_cut`, what the brief's descriptions are made with."""

from __future__ import annotations

import json

from summarizer.nlp import DESCRIPTION_WORDS, clause_cut
from summarizer.text import CUT_MARK, sentences
from tests.conftest import ROOT

HAIDAI = (
    "Serhiy Haidai, governor of the Russian-occupied Luhansk region, said Monday on his Telegram page that the "
    "city under the Ukrainian flag has become a new military home for Russian paratroopers who were transferred "
    "from Kherson and are now fighting in the Luhansk and Donetsk regions."
)
KHARKIV = (
    "Russian forces shelled the city of Kharkiv with heavy artillery and rockets on Monday morning, killing at "
    "least three civilians and wounding eleven others in a residential district near the centre."
)


def test_a_short_sentence_is_whole_with_its_whitespace_folded() -> None:
    assert clause_cut("Russian forces  shelled\nBakhmut.", DESCRIPTION_WORDS) == "Russian forces shelled Bakhmut."


def test_a_long_sentence_is_cut_where_a_clause_ends_and_says_so() -> None:
    cut = clause_cut(KHARKIV, 20)
    assert cut == (
        "Russian forces shelled the city of Kharkiv with heavy artillery and rockets on Monday morning, "
        "killing at least three civilians" + CUT_MARK
    )  # the next clause ("and wounding eleven others ...") is what is left out
    assert clause_cut(KHARKIV, 12) == KHARKIV  # no clause ends within 12 words: whole, never cut inside one


def test_a_subject_and_its_apposition_are_never_the_whole_description() -> None:
    """The old cut stopped at the first comma past eight words: "Serhiy Haidai, governor of the
    Russian-occupied Luhansk region" (no verb: what happened was cut off)."""
    cut = clause_cut(HAIDAI, DESCRIPTION_WORDS)
    assert cut.endswith("has become a new military home for Russian paratroopers" + CUT_MARK)
    assert len(cut.split()) <= DESCRIPTION_WORDS
    assert clause_cut(HAIDAI, 25) == HAIDAI  # only cuts inside a clause would fit: kept whole


def test_no_cut_inside_a_quotation_or_dropping_an_attribution() -> None:
    quoted = (
        'The governor said that "the terrorists in the city, who have been shelling the market for a week, have '
        'destroyed everything that the people of the town built over decades of hard work."'
    )
    assert clause_cut(quoted, 20) == quoted
    claimed = (
        "Russian forces made a humiliating retreat on Tuesday in the battle for Bakhmut, according to this dramatic "
        "aerial footage, on the same day Putin was forced to scale back his annual military parade."
    )
    assert clause_cut(claimed, 20) == claimed  # "according to" is never left out


def test_a_phrase_set_off_by_a_comma_may_go_but_not_an_item_of_a_list() -> None:
    photo = (
        "Ukraine’s Defense Ministry also tweeted a photo it said was of the liberation of Balakliya, to the "
        "southwest of Kupyansk, with troops shown raising a Ukrainian flag in the town center."
    )
    assert clause_cut(photo, 20).endswith("of Balakliya, to the southwest of Kupyansk" + CUT_MARK)
    assert clause_cut(photo, 17).endswith("of the liberation of Balakliya" + CUT_MARK)
    listed = (
        "Analysts have said throughout Moscow's invasion of Ukraine that its armed forces have been plagued with "
        "problems such as low morale, a lack of supplies, poor levels of training for mobilized fighters, the "
        "erosion of trust in the chain of command and few plans to recover vehicles or personnel from fighting."
    )
    assert clause_cut(listed, DESCRIPTION_WORDS) == listed


def test_no_word_kept_hangs_from_a_word_dropped_and_short_heads_are_not_taken() -> None:
    """spaCy hangs "when" from "applauded" and "Zelensky said ..." elsewhere: "The UN audience
    applauded when at the end of his remarks…" would be a fragment. The sentence's end is a cut;
    a head of fewer than eight words ("The 1442nd's video comes…") is not."""
    un = (
        'The UN audience applauded when at the end of his remarks Zelensky said the world must work to "end the '
        "aggression on the terms of the state that was attacked.\" He's expected to later travel to Washington, "
        "where he'll lobby for billions more in American taxpayer dollars to be pledged toward the war effort."
    )
    assert clause_cut(un, DESCRIPTION_WORDS) == un[: un.index(" He's")] + CUT_MARK
    assert clause_cut(un, 20) == un
    video = (
        "The 1442nd’s video comes as Russian miliblogger Svyatoslav Golikov claimed on his Telegram channel Tuesday "
        "that the situation in southern Bakhmut remains “very difficult” due to the “hysterical response actions "
        "that our command is taking in this area.”"
    )
    assert not clause_cut(video, DESCRIPTION_WORDS).startswith("The 1442nd’s video comes" + CUT_MARK)


def test_every_long_sentence_of_the_dataset_is_whole_or_ends_at_a_clause() -> None:
    records = [json.loads(line) for line in (ROOT / "evals" / "datasets" / "articles.jsonl").read_text().splitlines()]
    long = [
        " ".join(r["text"][s:e].split())
        for r in records
        for s, e in sentences(r["text"])
        if len(r["text"][s:e].split()) > DESCRIPTION_WORDS
    ]
    assert len(long) > 100
    cuts = 0
    for sentence in long:
        out = clause_cut(sentence, DESCRIPTION_WORDS)
        if out == sentence:
            continue
        cuts += 1
        head = out.removesuffix(CUT_MARK)
        assert out.endswith(CUT_MARK) and sentence.startswith(head), sentence
        assert len(head.split()) <= DESCRIPTION_WORDS
        assert not sentence[len(head)].isalnum(), out  # between words, never inside one
        assert head[-1] not in ",;:", out
        assert head.count('"') % 2 == 0 and head.count("“") <= head.count("”"), out
    assert cuts > len(long) / 3  # most long sentences have a clause to stop at
