"""naive-v1, the floor the code rules are measured against (issue 18, item 4): one call per
article for the whole brief under a bounded JSON schema, no code rules, the answer grounded
(what the article does not contain is dropped and counted), a looping answer an ExtractionError."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from summarizer import inputs as articles
from summarizer.config import Settings
from summarizer.errors import ExtractionError
from summarizer.evaluation import load_dataset, run_eval
from summarizer.extraction import load, schema_hash, summarize
from tests.clihelp import load_script
from tests.conftest import ROOT
from tests.fakeserver import FakeModelServer, completion, labeller, pass_name

TEXT = (
    "Two female suicide bombers killed at least 10 people outside a mosque in Kolofata, "
    "Cameroon, on Friday, a local official said.\n\n"
    "The army blamed Boko Haram for the attack.\n"
)

ANSWER: dict[str, Any] = {
    "actors": [
        {"name": "Boko Haram", "kind": "armed_group", "side": "Cameroon"},  # a wrong side: no rule corrects it
        {"name": "army", "kind": "armed_forces", "side": "Cameroon"},
        {"name": "Islamic State West Africa", "kind": "armed_group", "side": None},  # not in the text
    ],
    "locations": [
        {"name": "Kolofata", "kind": "settlement", "country": "Cameroon"},
        {"name": "Cameroon", "kind": "country", "country": "Cameroon"},
        {"name": "Maiduguri", "kind": "settlement", "country": "Nigeria"},  # not in the text
    ],
    "events": [
        {
            "quote": "Two female suicide bombers killed at least 10 people",
            "type": "explosion_remote_violence",
            "description": "Suicide bombers killed 10 people outside a mosque.",
            "locations": ["Kolofata"],
            "actors": ["Boko Haram"],
        },
        {
            "quote": "Soldiers retook the town after heavy fighting",  # not in the text
            "type": "battle",
            "description": "Soldiers retook the town.",
            "locations": [],
            "actors": [],
        },
    ],
    "casualties": [
        {
            "quote": "Two female suicide bombers killed at least 10 people",
            "figure": "at least 10",
            "kind": "killed",
            "affected": "people",
            "claimed_by": "a local official",
        },
        {
            "quote": "The army said 40 militants were killed",  # invented sentence and figure
            "figure": "40",
            "kind": "killed",
            "affected": "militants",
            "claimed_by": "army",
        },
    ],
    "summary": "Two suicide bombers killed at least 10 people outside a mosque in Kolofata, Cameroon.",
}


@pytest.fixture
def naive(fast_settings: Settings) -> Settings:
    return replace(fast_settings, prompt_version="naive-v1")


def _article(text: str = TEXT) -> articles.Article:
    return articles.from_text(text, id="n1", origin="file", published="2015-07-10")


def _answer(content: Any, finish_reason: str = "stop") -> Any:
    body = content if isinstance(content, str) else json.dumps(content)
    return lambda request: completion(body, finish_reason=finish_reason)


def _schema(request: dict[str, Any]) -> dict[str, Any]:
    fmt = request.get("response_format") or {}
    return fmt.get("schema") or (fmt.get("json_schema") or {}).get("schema") or {}


def _nodes(node: Any) -> list[dict[str, Any]]:
    """Every sub-schema of a JSON schema (objects inside properties, items, anyOf, $defs)."""
    if isinstance(node, list):
        return [n for item in node for n in _nodes(item)]
    if not isinstance(node, dict):
        return []
    return [node, *(n for value in node.values() for n in _nodes(value))]


def test_one_call_per_article_for_the_whole_brief(fake_model, naive: Settings) -> None:
    server = fake_model(_answer(ANSWER))
    doc = summarize(_article(), "fake/m", naive)
    assert len(server.requests) == 1 == doc.provenance.calls
    assert pass_name(server.requests[0]) == "wholebrief"
    assert load("naive-v1").calls_per_article == 1
    assert doc.provenance.prompt_version == "naive-v1"
    assert doc.provenance.schema_hash == schema_hash("single") != schema_hash("extract")
    system = server.requests[0]["messages"][0]["content"]
    assert system.startswith(f"[summarizer prompt=naive-v1 schema={schema_hash('single')}]")
    assert doc.summary.startswith("Two suicide bombers killed")
    assert [e.type for e in doc.events] == ["explosion_remote_violence"]


def test_the_request_carries_a_bounded_schema(fake_model, naive: Settings) -> None:
    server = fake_model(_answer(ANSWER))
    summarize(_article(), "fake/m", naive)
    long_text = TEXT + "\n\n" + "The fighting went on in the region for days, residents said. " * 60
    summarize(_article(long_text), "fake/m", naive)
    short, long = server.requests
    schema = _schema(short)
    assert set(schema["properties"]) == {"actors", "locations", "events", "casualties", "summary"}
    bounds = {
        name: schema["properties"][name].get("maxItems") for name in ("actors", "locations", "events", "casualties")
    }
    assert bounds == {"actors": 15, "locations": 15, "events": 10, "casualties": 10}
    nodes = _nodes(schema)
    arrays = [n for n in nodes if n.get("type") == "array"]
    strings = [n for n in nodes if n.get("type") == "string" and "enum" not in n]
    assert arrays and all("maxItems" in n for n in arrays)  # every list bounded, nested ones too
    assert strings and all("maxLength" in n for n in strings)  # every free string bounded
    # nothing found by code is offered: the user message is the article, the task and the schema
    task = load("naive-v1").tasks["brief"]
    tail = "\n\nAnswer with one JSON object matching this JSON schema:\n" + json.dumps(schema, separators=(",", ":"))
    assert short["messages"][1]["content"].endswith(task + tail)
    assert short["messages"][1]["content"].startswith("<article>\n" + TEXT + "\n</article>\nArticle title: ")
    assert 500 <= short["max_tokens"] < long["max_tokens"] <= 1_024  # sized from the article, capped


def test_what_the_text_does_not_contain_is_dropped_and_counted(fake_model, naive: Settings) -> None:
    fake_model(_answer(ANSWER))
    doc = summarize(_article(), "fake/m", naive)
    assert [a.name for a in doc.actors] == ["Boko Haram", "army"]
    assert [loc.name for loc in doc.locations] == ["Kolofata", "Cameroon"]
    assert len(doc.events) == 1 and doc.events[0].evidence[0].text.startswith("Two female suicide bombers")
    assert [(c.kind, c.low, c.count, c.raw) for c in doc.casualties] == [("killed", 10, None, "at least 10")]
    dropped = doc.provenance.dropped
    assert (dropped.actors, dropped.locations, dropped.events, dropped.casualties) == (1, 1, 1, 1)
    for span in [s for a in doc.actors for s in a.mentions] + [s for e in doc.events for s in e.evidence]:
        assert TEXT[span.start : span.end] == span.text  # every span exact
    # no code rule after the model: its answers stand as given (a wrong side stays wrong)
    assert doc.actors[0].side == "Cameroon"
    assert doc.casualties[0].affected == "people" and doc.casualties[0].claimed_by == "a local official"


def test_a_looping_answer_fails_fast(fake_model, naive: Settings) -> None:
    actor = {"name": "Boko Haram", "kind": "armed_group", "side": None}
    looping = json.dumps({"actors": [actor] * 12})[:-3]  # repeats itself until the token budget cuts it
    server = fake_model(_answer(looping, finish_reason="length"))
    with pytest.raises(ExtractionError, match="cut off"):
        summarize(_article(), "fake/m", naive)
    assert len(server.requests) == 1  # no re-ask: a model that loops once loops again


def test_an_answer_over_its_bounds_is_refused(fake_model, naive: Settings) -> None:
    """A server that does not enforce the grammar: an answer over a bound fails validation, is
    re-asked a bounded number of times, then is an ExtractionError (never a document)."""
    over = dict(ANSWER, actors=[{"name": f"Unit {i}", "kind": "military_unit", "side": None} for i in range(16)])
    server = fake_model(_answer(over))
    with pytest.raises(ExtractionError, match="no valid answer"):
        summarize(_article(), "fake/m", naive)
    assert len(server.requests) == naive.max_reasks + 1


def _bench() -> ModuleType:
    return load_script("bench/naive_baseline.py")


def _record(model: str, dataset: Path, folder: Path, prompt: str, responder: Any) -> None:
    """Record `prompt`'s answers for `model` (a local model, served here by a fake server)."""
    with FakeModelServer(responder) as server:
        settings = Settings(
            record=True,
            cassette_dir=folder,
            local_base_url=server.base_url,
            prompt_version=prompt,
            transport_attempts=1,
        )
        run_eval(load_dataset(dataset), [model], settings, resamples=10)


def test_the_bench_scores_both_prompts_on_each_split(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    model = "local/qwen2.5-coder-1.5b"
    lines = (ROOT / "evals" / "datasets" / "articles.jsonl").read_text(encoding="utf-8").splitlines()
    records = [json.loads(x) for x in lines if '"EN_UA_004616"' in x or '"EN_UA_020543"' in x]
    records[1]["split"] = "validation"
    dataset, folder = tmp_path / "two.jsonl", tmp_path / "cassettes"
    dataset.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    bench = _bench()
    _record(model, dataset, folder, bench.PIPELINE, labeller())  # the default prompt
    args = ["--dataset", str(dataset), "--cassettes", str(folder), "--resamples", "20"]
    assert bench.main(args) == 1  # naive-v1 not recorded yet: nothing scored, the command to record it
    assert f"--prompt naive-v1 eval --dataset {dataset} -m {model}" in capsys.readouterr().out
    empty = {"actors": [], "locations": [], "events": [], "casualties": [], "summary": "Nothing."}
    _record(model, dataset, folder, "naive-v1", _answer(empty))
    assert bench.main(args) == 0
    out = capsys.readouterr().out
    assert "· dev · 1 article\n" in out and "· validation · 1 article\n" in out
    assert "| actors F1 | 0.000 | 0.800 | -0.800 [-0.800, -0.800] |" in out  # an empty brief finds no one
    assert bench.main([*args, "--split", "validation"]) == 0
    out = capsys.readouterr().out
    assert "· validation ·" in out and "· dev ·" not in out


def test_a_prompt_names_a_known_pipeline(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from summarizer.errors import ConfigError
    from summarizer.extraction import _prompts as prompts

    content = "version = 'odd'\npipeline = 'sinlge'\nsystem = 's'\narticle = 'a'\n[passes.brief]\ntask = 't'\n"
    (tmp_path / "odd.toml").write_text(content, encoding="utf-8")
    monkeypatch.setattr(prompts, "_prompt_dirs", lambda: [tmp_path])
    prompts.load.cache_clear()
    try:
        with pytest.raises(ConfigError, match="unknown pipeline 'sinlge'"):
            prompts.load("odd")
    finally:
        prompts.load.cache_clear()
