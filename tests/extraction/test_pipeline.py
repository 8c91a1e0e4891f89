"""The whole pipeline against a fake model served over real HTTP: passes, grounding, drops,
token accounting, re-asks, chunking, and the contract's invariants on the document."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from summarizer import inputs as articles
from summarizer.config import DEFAULT_PROMPT, Settings
from summarizer.contract import SummaryDocument
from summarizer.errors import CassetteMissError, ExtractionError
from summarizer.extraction import split_chunks, summarize
from tests.fakeserver import completion, pass_name, scripted

TEXT = (
    "Russian retreat near Bakhmut\n\n"
    "Russian forces retreated from positions near Bakhmut on Tuesday, according to Ukraine's 3rd Assault Brigade.\n\n"
    "Ukraine's military said 64 Russian soldiers were killed and 87 wounded in the fighting. "
    "Yevgeny Prigozhin, the head of the Wagner Group, said as many as 500 of his fighters were casualties.\n"
)

SCRIPT = {
    "entities": {
        "actors": [
            {"name": "Russian forces", "aliases": [], "kind": "armed_forces", "side": "Russia"},
            {"name": "3rd Assault Brigade", "aliases": [], "kind": "military_unit", "side": "Ukraine"},
            {"name": "Yevgeny Prigozhin", "aliases": ["Prigozhin"], "kind": "person", "side": "Russia"},
            {"name": "Wagner Group", "aliases": ["Wagner"], "kind": "armed_group", "side": "Russia"},
            {"name": "PMC Wagner", "aliases": [], "kind": "armed_group", "side": "Russia"},  # a duplicate by alias
            {"name": "Imaginary Battalion", "aliases": [], "kind": "military_unit", "side": None},  # not in the text
        ],
        "locations": [
            {"name": "Bakhmut", "kind": "settlement", "admin1": "Donetsk", "country": "Ukraine"},
            {"name": "Atlantis", "kind": "settlement", "admin1": None, "country": None},  # invented
        ],
    },
    "events": {
        "events": [
            {
                "type": "strategic_development",
                "quote": "Russian forces retreated from positions near Bakhmut",
                "description": "Russian forces retreated near Bakhmut.",
                "date": "2023-05-09",
                "locations": ["Bakhmut"],
                "actors": ["Russian forces"],
            },
            {
                "type": "battle",
                "quote": "A sentence that is not in the article at all, invented",
                "description": "Invented.",
                "date": None,
                "locations": [],
                "actors": [],
            },
        ],
    },
    "casualties": {
        "casualties": [
            {
                "quote": "Ukraine's military said 64 Russian soldiers",
                "kind": "killed",
                "figure": "64",
                "affected": "Russia",
                "claimed_by": "Ukraine's military",
            },
            {
                "quote": "Ukraine's military said 64 Russian soldiers",
                "kind": "wounded",
                "figure": "87",
                "affected": "Russia",
                "claimed_by": "Ukraine's military",
            },
            {
                "quote": "Yevgeny Prigozhin, the head of the Wagner Group",
                "kind": "casualties",
                "figure": "as many as 500",
                "affected": "Wagner",
                "claimed_by": "Yevgeny Prigozhin",
            },
            {
                "quote": "Nothing like this is written",
                "kind": "killed",
                "figure": "at least 40,000",
                "affected": "Ukraine",
                "claimed_by": None,
            },  # invented figure: must be dropped
        ],
    },
    # brief-v3 on: the model classifies the figures code found: "64", "87", "as many as 500"
    "casualtychecks": {
        "figures": [
            {"counts_people": True, "kind": "killed", "affected": "Russia", "claimed_by": "Ukraine's military"},
            {"counts_people": True, "kind": "wounded", "affected": "Russia", "claimed_by": "Ukraine's military"},
            {"counts_people": True, "kind": "casualties", "affected": "Wagner", "claimed_by": "Yevgeny Prigozhin"},
        ]
    },
    "brief": {"sentences": ["Russian forces retreated near Bakhmut.", "Ukraine said 64 Russian soldiers were killed."]},
}


@pytest.fixture
def fast_settings(fast_settings: Settings) -> Settings:
    """These tests exercise the brief-v3 pipeline (the model writes the items, code grounds them)."""
    fast_settings.prompt_version = "brief-v3"
    return fast_settings


def _article(text: str = TEXT) -> articles.Article:
    return articles.from_text(text, id="t1", origin="file", published="2023-05-10")


def _check_contract(doc: SummaryDocument, text: str) -> None:
    data = json.loads(doc.model_dump_json())
    for key in ("schema_version", "article", "summary", "actors", "locations", "events", "casualties", "provenance"):
        assert key in data
    spans = [s for a in doc.actors for s in a.mentions] + [s for loc in doc.locations for s in loc.mentions]
    spans += [s for e in doc.events for s in e.evidence] + [s for c in doc.casualties for s in c.evidence]
    assert spans
    for s in spans:
        assert text[s.start : s.end] == s.text


def test_summarize_grounds_dedupes_and_drops(fake_model, fast_settings: Settings) -> None:
    server = fake_model(scripted(SCRIPT))
    doc = summarize(_article(), "fake/m", fast_settings)
    _check_contract(doc, TEXT)
    names = [a.name for a in doc.actors]
    assert "Imaginary Battalion" not in names
    assert sum(1 for n in names if "Wagner" in n) == 1  # "PMC Wagner" merged into "Wagner Group"
    assert [loc.name for loc in doc.locations] == ["Bakhmut"]
    assert len(doc.events) == 1 and doc.events[0].location_ids == [doc.locations[0].id]
    assert doc.events[0].evidence[0].text.startswith("Russian forces retreated")
    assert doc.events[0].evidence[0].text.endswith("Assault Brigade.")  # the whole sentence
    figures = {(c.kind, c.count, c.low, c.high, c.approximate) for c in doc.casualties}
    assert figures == {
        ("killed", 64, None, None, False),
        ("wounded", 87, None, None, False),
        ("casualties", None, None, 500, True),
    }
    assert all(c.raw in TEXT for c in doc.casualties)
    p = doc.provenance
    # brief-v3: figures come from the article, so none can be invented (document-level property
    # tests cover dropping invented figures that older prompts let through)
    assert (p.dropped.actors, p.dropped.locations, p.dropped.events, p.dropped.casualties) == (1, 1, 1, 0)
    assert len(p.dropped.items) == 3
    assert p.calls == 4 and p.retries == 0 and p.prompt_tokens == 400 and p.completion_tokens == 80
    assert p.first_try_valid
    assert len(server.requests) == 4
    # every request carries the prompt version and schema hash, and the article as delimited data
    for req in server.requests:
        assert f"prompt={p.prompt_version} schema={p.schema_hash}" in req["messages"][0]["content"]
        assert "<article>\n" + TEXT in req["messages"][1]["content"]
        assert req["response_format"]["type"] == "json_object" and "schema" in req["response_format"]


def test_reask_on_invalid_output_counts_tokens_of_every_attempt(fake_model, fast_settings: Settings) -> None:
    script = dict(SCRIPT)
    script["entities"] = ['{"actors": [{"name": 5}]}', SCRIPT["entities"]]  # invalid first, then valid
    server = fake_model(scripted(script))
    doc = summarize(_article(), "fake/m", fast_settings)
    p = doc.provenance
    assert p.retries == 1 and not p.first_try_valid
    assert p.calls == 5 and p.prompt_tokens == 500
    reask = server.requests[1]["messages"]
    assert any("validation" in m["content"].lower() or "error" in m["content"].lower() for m in reask[2:])


def test_reasks_are_bounded(fake_model, fast_settings: Settings) -> None:
    script = dict(SCRIPT)
    script["entities"] = '{"actors": "nope"}'
    server = fake_model(scripted(script))
    with pytest.raises(ExtractionError):
        summarize(_article(), "fake/m", fast_settings)
    assert len(server.requests) == fast_settings.max_reasks + 1


def test_truncated_output_fails_fast(fake_model, fast_settings: Settings) -> None:
    def respond(req: dict) -> tuple[int, dict[str, str], bytes]:
        return completion('{"actors": [{"name": "Rus', finish_reason="length")

    server = fake_model(respond)
    with pytest.raises(ExtractionError, match="cut off"):
        summarize(_article(), "fake/m", fast_settings)
    assert len(server.requests) == 1


def test_cut_off_answer_keeps_complete_items_and_says_so(fake_model, fast_settings: Settings) -> None:
    events = json.dumps(SCRIPT["events"])
    cut = events[: events.index('"type": "battle"') + 5]  # second event cut in the middle

    def respond(req: dict) -> tuple[int, dict[str, str], bytes]:
        if pass_name(req) == "events":
            return completion(cut, finish_reason="length")
        return completion(json.dumps(SCRIPT[pass_name(req)]))

    fake_model(respond)
    doc = summarize(_article(), "fake/m", fast_settings)
    assert [e.type for e in doc.events] == ["strategic_development"]
    assert any("cut off" in w and "kept the 1 complete item" in w for w in doc.provenance.warnings)


def test_long_article_is_split_and_merged(fake_model, fast_settings: Settings) -> None:
    filler = "\n\n".join(f"Paragraph {i} says nothing about the war at all, only words." * 8 for i in range(30))
    text = TEXT + "\n\n" + filler + "\n\nLater, shelling hit Bakhmut again, officials said.\n"
    seen_chunks: list[str] = []

    def respond(req: dict) -> tuple[int, dict[str, str], bytes]:
        body = req["messages"][1]["content"]
        chunk = body.split("<article>\n", 1)[1].split("\n</article>", 1)[0]
        name = pass_name(req)
        if name == "entities":
            seen_chunks.append(chunk)
        answer = SCRIPT[name]
        if name == "events" and "Later, shelling" in chunk:
            answer = {
                "events": [
                    {
                        "type": "explosion_remote_violence",
                        "quote": "Later, shelling hit Bakhmut again",
                        "description": "Shelling hit Bakhmut.",
                        "date": None,
                        "locations": ["Bakhmut"],
                        "actors": [],
                    }
                ]
            }
        return completion(json.dumps(answer))

    fake_model(respond)
    fast_settings.context_tokens = 4_500  # forces several chunks
    doc = summarize(_article(text), "fake/m", fast_settings)
    assert doc.provenance.chunks == len(seen_chunks) > 2
    assert all(chunk in text for chunk in seen_chunks)
    types = sorted(e.type for e in doc.events)
    assert types == ["explosion_remote_violence", "strategic_development"]
    assert len([c for c in doc.casualties if c.count == 64]) == 1  # repeated by overlapping chunks, kept once
    _check_contract(doc, text)


def test_split_chunks_cover_the_text_on_paragraph_boundaries() -> None:
    text = "\n\n".join(("word " * n).strip() for n in (50, 10, 200, 30, 80, 5))
    chunks = split_chunks(text, 600)
    assert chunks[0][0] == 0 and chunks[-1][1] == len(text)
    pairs = list(zip(chunks, chunks[1:], strict=False))
    assert all(s2 <= e1 for (_, e1), (s2, _) in pairs)  # no gap
    assert any(s2 < e1 for (_, e1), (s2, _) in pairs)  # paragraphs shared where a part holds several
    assert all(e - s <= 600 for s, e in chunks)
    assert split_chunks("short", 600) == [(0, 5)]


def test_offline_miss_names_model_prompt_and_article(tmp_path: Path, fake_model) -> None:
    fake_model(scripted(SCRIPT))
    settings = Settings(offline=True, cassette_dir=tmp_path)
    with pytest.raises(CassetteMissError) as info:
        summarize(_article(), "fake/m", settings)
    msg = info.value.one_line()
    assert "fake/m" in msg and DEFAULT_PROMPT in msg and "t1" in msg


def test_record_then_replay_offline(tmp_path: Path, fake_model) -> None:
    server = fake_model(scripted(SCRIPT))
    live = summarize(_article(), "fake/m", Settings(record=True, cassette_dir=tmp_path))
    assert len(server.requests) == 4
    cassette = next(p for p in tmp_path.rglob("*.json") if not p.name.endswith(".meta.json"))
    raw = cassette.read_text()
    assert "test-key" not in raw and "authorization" not in raw.lower()
    replayed = summarize(_article(), "fake/m", Settings(offline=True, cassette_dir=tmp_path))
    assert len(server.requests) == 4  # nothing went to the server
    a, b = live.model_dump(), replayed.model_dump()
    assert (a["provenance"]["latency_source"], b["provenance"]["latency_source"]) == ("live", "recorded")
    assert b["provenance"]["latency_s"] == a["provenance"]["latency_s"]  # the live call's, kept beside the cassette
    a["provenance"]["latency_source"] = b["provenance"]["latency_source"] = "live"
    assert a == b


def test_casualty_pass_checks_each_candidate_sentence_and_is_skipped_without_one(fake_model, fast_settings) -> None:
    server = fake_model(scripted(SCRIPT))
    summarize(_article(), "fake/m", fast_settings)
    check = next(r for r in server.requests if pass_name(r) == "casualtychecks")
    task = check["messages"][1]["content"]
    assert "1. “64” in: Ukraine's military said 64 Russian soldiers were killed and 87 wounded" in task
    assert "2. “87” in: Ukraine's military said" in task
    assert "3. “as many as 500” in: Yevgeny Prigozhin, the head of the Wagner Group, said" in task
    schema = check["response_format"]["schema"]
    assert schema["properties"]["figures"]["minItems"] == schema["properties"]["figures"]["maxItems"] == 3

    quiet = "Troops moved near Bakhmut on Tuesday.\n\nOfficials met in Kyiv to talk about aid.\n"
    server.requests.clear()
    doc = summarize(_article(quiet), "fake/m", fast_settings)
    assert [pass_name(r) for r in server.requests] == ["entities", "events", "brief"]
    assert doc.casualties == []


def test_a_failed_summary_keeps_the_grounded_findings(fake_model, fast_settings: Settings) -> None:
    def respond(req: dict) -> tuple[int, dict[str, str], bytes]:
        if pass_name(req) == "brief":
            return completion('{"sentences": ["Russian forces retreated near Bakh', finish_reason="length")
        return completion(json.dumps(SCRIPT[pass_name(req)]))

    fake_model(respond)
    doc = summarize(_article(), "fake/m", fast_settings)
    assert doc.summary == ""
    assert any(w.startswith("no summary:") and "cut off" in w for w in doc.provenance.warnings)
    assert len(doc.casualties) == 3 and len(doc.events) == 1  # nothing else lost
    assert not doc.provenance.first_try_valid
