"""A text without letter case through brief-v4 (issue 19): the model and code read it with its
case restored, the document names and spans it as the article writes it; a cased article's
requests are what they were."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest

from summarizer.config import Settings
from summarizer.evaluation import score_article
from summarizer.extraction import summarize
from summarizer.inputs import from_text
from summarizer.text import unsupported
from tests.conftest import article_text
from tests.fakeserver import FakeModelServer, Responder, labeller

ROOT = Path(__file__).resolve().parents[2]


def _run(fake_model: Callable[[Responder], FakeModelServer], settings: Settings, text: str):  # type: ignore[no-untyped-def]
    server = fake_model(labeller(name=lambda options: "settlement" if "settlement" in options else options[0]))
    doc = summarize(from_text(text, id="a", origin="file"), "fake/v4", replace(settings, prompt_version="brief-v4"))
    return server, doc


def test_a_lower_case_article_is_named_and_spanned_as_it_writes_itself(fake_model, fast_settings) -> None:  # type: ignore[no-untyped-def]
    text = article_text("EN_UA_026036.txt").lower()
    server, doc = _run(fake_model, fast_settings, text)
    sent = json.dumps(server.requests, ensure_ascii=False)
    assert "Vovchansk" in sent and "Kharkiv" in sent  # the model reads the case restored
    names = {loc.name for loc in doc.locations}
    assert {"vovchansk", "lyptsi"} <= names, names
    assert next(loc for loc in doc.locations if loc.name == "vovchansk").country == "Ukraine"
    spans = [s for a in doc.actors for s in a.mentions] + [s for loc in doc.locations for s in loc.mentions]
    spans += [s for e in doc.events for s in e.evidence] + [s for c in doc.casualties for s in c.evidence]
    spans += [
        s for e in doc.events for r in (e.by, e.against, e.victims, e.targets, e.weapons) for f in r for s in f.mentions
    ]
    assert spans and all(text[s.start : s.end] == s.text for s in spans)
    for item in [*doc.actors, *doc.locations]:
        assert item.name in text  # the article's own characters, not the restored ones
    assert all(alias in text for a in doc.actors for alias in a.aliases)
    assert all(c.raw in text and (c.claimed_by is None or c.claimed_by in text) for c in doc.casualties)
    assert all(e.description.removesuffix("…") in " ".join(text.split()) for e in doc.events)  # a clause cut
    assert not unsupported(doc.summary, text)


def test_a_cased_articles_requests_do_not_change(fake_model, fast_settings, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """With truecasing switched off (the code before it), a cased article sends the same bytes."""
    text = article_text("EN_UA_026036.txt")
    server, _doc = _run(fake_model, replace(fast_settings, cassette_dir=fast_settings.cassette_dir / "on"), text)
    with_truecasing = json.dumps(server.requests, sort_keys=True)
    monkeypatch.setattr("summarizer.extraction._summarize.truecase", lambda t: t)
    server, _doc = _run(fake_model, replace(fast_settings, cassette_dir=fast_settings.cassette_dir / "off"), text)
    assert json.dumps(server.requests, sort_keys=True) == with_truecasing


def test_a_lower_case_prediction_that_is_otherwise_right_scores_as_right() -> None:
    cased = "Russian troops shelled Vovchansk, Oleg Synegubov said."
    gold = {
        "id": "a",
        "text": cased,
        "gold": {
            "actors": [{"name": "Oleg Synegubov", "kind": "person", "side": "Ukraine"}],
            "locations": [{"name": "Vovchansk", "kind": "settlement", "country": "Ukraine"}],
            "events": [],
            "casualties": [{"kind": "wounded", "count": 2, "affected": "civilians", "claimed_by": "Oleg Synegubov"}],
        },
    }
    text = cased.lower()
    synegubov = {"start": 31, "end": 45, "text": text[31:45]}
    vovchansk = {"start": 23, "end": 32, "text": text[23:32]}
    doc = {
        "actors": [{"name": "oleg synegubov", "kind": "person", "side": "Ukraine", "mentions": [synegubov]}],
        "locations": [{"name": "vovchansk", "kind": "settlement", "country": "Ukraine", "mentions": [vovchansk]}],
        "events": [],
        "casualties": [{"kind": "wounded", "count": 2, "affected": "civilians", "claimed_by": "oleg synegubov"}],
    }
    score = score_article(doc, dict(gold, text=text))
    assert all(score.fields[f].tp == 1 and not score.fields[f].fp for f in ("actors", "locations", "casualties"))
    assert score.attributes["casualty_claimed_by"].correct == 1
    assert score.spans_exact == score.spans_total == 2


@pytest.mark.parametrize("upper", [False, True])
def test_the_lowercase_script_keeps_the_gold(tmp_path: Path, upper: bool) -> None:
    import subprocess
    import sys

    source = ROOT / "tests" / "data" / "gold_small.jsonl"
    out = tmp_path / "lower.jsonl"
    script = ROOT / "evals" / "lowercase.py"
    subprocess.run([sys.executable, str(script), str(source), str(out), *(["--upper"] * upper)], check=True)
    before = [json.loads(x) for x in source.read_text(encoding="utf-8").splitlines() if x.strip()]
    after = [json.loads(x) for x in out.read_text(encoding="utf-8").splitlines() if x.strip()]
    assert [r["gold"] for r in after] == [r["gold"] for r in before]
    assert [r["text"] for r in after] == [r["text"].upper() if upper else r["text"].lower() for r in before]
    assert {r["case"] for r in after} == {"upper" if upper else "lower"}
