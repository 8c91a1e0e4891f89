"""The Markdown and table briefs: evidence quoted from the article (never raw offsets), the
latency of a replay said to be the recorded one, type conflicts apart from what is not in the article."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from summarizer.contract import (
    ArticleInfo,
    Casualty,
    Dropped,
    Event,
    Location,
    Provenance,
    Span,
    SummaryDocument,
)
from summarizer.render import QUOTE_CHARS, quote, tables_text, to_markdown

TEXT = (
    "Russian retreat near Bakhmut\n\n"
    "Russian forces retreated from positions near Bakhmut on Tuesday, according to Ukraine's 3rd Assault Brigade.\n\n"
    "Ukraine's military said 64 Russian soldiers were killed and 87 wounded in the fighting.\n"
)


def span(text: str, start: int = 0) -> Span:
    at = TEXT.index(text, start)
    return Span(start=at, end=at + len(text), text=text)


SENTENCE = "Ukraine's military said 64 Russian soldiers were killed and 87 wounded in the fighting."
EVENT_SENTENCE = (
    "Russian forces retreated from positions near Bakhmut on Tuesday, according to Ukraine's 3rd Assault Brigade."
)


def document(latency_source: str = "live", dropped: Dropped | None = None, description: str = "") -> SummaryDocument:
    return SummaryDocument(
        article=ArticleInfo(id="t1", title="Russian retreat near Bakhmut", sha256="0" * 64, chars=len(TEXT)),
        summary="The article reports strategic developments in Bakhmut.",
        actors=[],
        locations=[Location(id="l1", name="Bakhmut", kind="settlement", country="Ukraine", mentions=[span("Bakhmut")])],
        events=[
            Event(
                id="e1",
                type="strategic_development",
                description=description or EVENT_SENTENCE,
                date="2023-05-09",
                location_ids=["l1"],
                evidence=[span(EVENT_SENTENCE)],
            )
        ],
        casualties=[
            Casualty(
                id="c1",
                kind="killed",
                count=64,
                raw="64",
                affected="Russia",
                claimed_by="Ukraine's military",
                evidence=[span("64"), span(SENTENCE)],
            )
        ],
        provenance=Provenance(
            model="fake/m",
            prompt_version="brief-v4",
            schema_hash="abc",
            calls=4,
            retries=0,
            prompt_tokens=400,
            completion_tokens=80,
            latency_s=71.04,
            latency_source=latency_source,  # type: ignore[arg-type]
            dropped=dropped or Dropped(),
        ),
    )


def test_markdown_quotes_the_sentence_of_each_figure_with_the_figure_marked() -> None:
    md = to_markdown(document())
    offsets = f"{TEXT.index('64')}–{TEXT.index('64') + 2}"
    assert offsets not in md and "evidence (chars)" not in md  # no raw offsets
    row = next(line for line in md.splitlines() if line.startswith("| killed |"))
    assert row.startswith("| killed | 64 | Russia | Ukraine's military |")
    assert "“Ukraine's military said **64** Russian soldiers were killed and 87 wounded in the fighting.”" in row


def test_markdown_quotes_each_events_sentence_once_without_offsets() -> None:
    md = to_markdown(document())
    assert f"  > {EVENT_SENTENCE}" in md
    assert "- **strategic_development** (2023-05-09) — Bakhmut" in md  # the quote says the rest; no roles stated
    assert not re.search(r"_\[\d+–\d+\]_", md)
    written = to_markdown(document(description="Russian forces withdrew."))  # a description of the model's own
    assert "- **strategic_development** (2023-05-09): Russian forces withdrew. — Bakhmut" in written
    assert f"  > {EVENT_SENTENCE}" in written


@pytest.mark.parametrize(
    ("source", "shown"),
    [
        ("live", "71.0 s\n"),
        ("recorded", "71.0 s (recorded live; this run replayed it)"),
        ("replay", "71.0 s (replayed; no recorded latency)"),
    ],
)
def test_latency_says_whether_it_was_recorded(source: str, shown: str) -> None:
    assert shown in to_markdown(document(source))
    assert shown.strip() in " ".join(tables_text(document(source), width=400).split())


def _dropped() -> Dropped:
    d = Dropped()
    d.add("locations", "type_conflict", "Victory Day", "'Victory Day' is an actor, not a place")
    d.add("actors", "not_found", "Imaginary Battalion", "'Imaginary Battalion' not found in the article")
    d.add(
        "events",
        "date_not_in_text",
        "2021-05-09",
        "date '2021-05-09' not in the article (the sentence gives 2023-05-09)",
    )
    return d


def test_markdown_lists_type_conflicts_apart_from_what_the_article_does_not_say() -> None:
    md = to_markdown(document(dropped=_dropped()))
    conflicts = md.split("### Type conflicts")[1].split("###")[0]
    missing = md.split("### Not found in the article")[1].split("###")[0]
    assert "- locations: 'Victory Day' is an actor, not a place" in conflicts and "Imaginary" not in conflicts
    assert "- actors: 'Imaginary Battalion' not found in the article" in missing and "Victory Day" not in missing
    assert "- events: date '2021-05-09' not in the article" in missing
    assert "Dropped: 1 actors, 1 locations, 0 events, 0 casualties, 1 event dates." in md


def test_markdown_of_a_document_with_untyped_drops_still_lists_them() -> None:
    legacy = Dropped(actors=1, items=["actors: 'X' not found in the article"])  # a document made before reasons
    md = to_markdown(document(dropped=legacy))
    assert "### Dropped\n\n- actors: 'X' not found in the article" in md
    assert "### Type conflicts" not in md
    assert "### " not in to_markdown(document()).split("## Provenance")[1]  # nothing dropped: no sections


def test_tables_quote_the_evidence_and_split_the_drops() -> None:
    out = re.sub(r"[│┃\s]+", " ", tables_text(document(dropped=_dropped()), width=400))
    assert "“Ukraine's military said 64 Russian soldiers were killed and 87 wounded in the fighting.”" in out
    assert f"“{EVENT_SENTENCE}”" in out
    assert "Type conflicts locations: 'Victory Day' is an actor, not a place" in out
    assert "Not found in the article" in out and str(TEXT.index("64")) + "–" not in out


def test_a_long_sentence_is_trimmed_around_its_figure() -> None:
    before, after = "word " * 80, " more" * 80
    text = f"{before}killed 64 soldiers{after}."
    sentence = Span(start=0, end=len(text), text=text)
    fig = text.index("64")
    b, m, a = quote(sentence, Span(start=fig, end=fig + 2, text="64"))
    assert m == "64" and b.startswith("…") and a.endswith("…")
    assert len(b + m + a) <= QUOTE_CHARS
    assert b.endswith("killed ") and a.startswith(" soldiers")
    assert quote(Span(start=0, end=5, text="Short"), None) == ("Short", "", "")


@settings(max_examples=200, deadline=None)
@given(
    words=st.lists(
        st.sampled_from(["Kyiv", "said", "64", "troops", "a", "long-winded", "x" * 30, "\n", "  "]), max_size=120
    ),
    at=st.integers(0, 119),
    limit=st.integers(20, 300),
)
def test_property_a_quote_is_the_sentence_in_order_no_longer_than_the_limit(
    words: list[str], at: int, limit: int
) -> None:
    text = " ".join(words) + " 64 killed."
    sentence = Span(start=0, end=len(text), text=text)
    i = text.index("64", min(at, len(text) - 11)) if "64" in text[min(at, len(text) - 11) :] else text.rindex("64")
    b, m, a = quote(sentence, Span(start=i, end=i + 2, text="64"), limit)
    assert m == "64"
    assert len(b + m + a) <= limit + 2  # two ellipses at most past a mark longer than the room
    folded = " ".join(text.split())
    assert " ".join((b.strip("…") + m + a.rstrip("…")).split()) in folded


def test_events_show_their_roles_in_words_empty_roles_left_out() -> None:
    from summarizer.contract import RoleFiller

    doc = document()
    event = doc.events[0]
    event.by = [RoleFiller(name="Russian forces", actor_id="a1")]
    event.against = [RoleFiller(name="Ukraine")]
    event.victims = [RoleFiller(name="civilians")]
    event.weapons = [RoleFiller(name="missiles"), RoleFiller(name="missiles")]
    md = to_markdown(doc)
    assert "**strategic_development** (2023-05-09) by Russian forces, against Ukraine; victims: civilians; " in md
    assert "victims: civilians; with missiles — Bakhmut" in md  # no targets: left out; a name once
    event.by, event.against = [], []
    assert "(2023-05-09) victims: civilians; with missiles — Bakhmut" in to_markdown(doc)
    assert "victims: civilians; with missiles" in tables_text(doc, width=200)
