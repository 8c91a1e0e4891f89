"""The whole pipeline replayed offline from cassettes recorded from the real local models.

What a real model answered, grounded again by today's code: every span exact, every figure
read from the article, provenance filled. Fails loudly if a prompt or schema change made the
cassettes stale (re-record them: README, "Re-recording cassettes")."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from summarizer import inputs as articles
from summarizer import models as cassettes
from summarizer.config import DEFAULT_PROMPT, Settings
from summarizer.errors import CassetteMissError
from summarizer.evaluation._dataset import record_article
from summarizer.extraction import summarize
from summarizer.text._numbers import VAGUE_BOUNDS, numbers_in

ROOT = Path(__file__).resolve().parents[2]
DATASET = ROOT / "evals" / "datasets" / "articles.jsonl"
CASSETTES = ROOT / "cassettes"
DEFAULT = "local/qwen2.5-coder-1.5b"
# The articles as the eval reads them (with their publication dates), by id.
RECORDS = {r["id"]: record_article(r) for r in map(json.loads, DATASET.read_text(encoding="utf-8").splitlines())}


def _recorded(model: str) -> list[str]:
    return [art.id for art in cassettes.recorded_articles(CASSETTES, model, DEFAULT_PROMPT, RECORDS.values())]


def test_at_least_three_shared_articles_are_recorded_for_the_default_model() -> None:
    assert len(_recorded(DEFAULT)) >= 3


@pytest.mark.parametrize("rid", _recorded(DEFAULT))
def test_replayed_document_satisfies_the_contract(rid: str) -> None:
    art = RECORDS[rid]
    assert art.text == (ROOT / "evals" / "datasets" / "articles" / f"{rid}.txt").read_text(encoding="utf-8")
    doc = summarize(art, DEFAULT, Settings(offline=True, cassette_dir=CASSETTES))
    text = art.text
    data = json.loads(doc.model_dump_json())
    assert data["article"]["sha256"] == art.sha256 and data["article"]["chars"] == len(text)
    spans = [s for a in doc.actors for s in a.mentions] + [s for loc in doc.locations for s in loc.mentions]
    spans += [s for e in doc.events for s in e.evidence] + [s for c in doc.casualties for s in c.evidence]
    for s in spans:
        assert text[s.start : s.end] == s.text
    for c in doc.casualties:
        assert c.raw == text[c.evidence[0].start : c.evidence[0].end]
        written = set(numbers_in(c.raw)) | VAGUE_BOUNDS | ({1} if c.raw.casefold() in ("a", "an") else set())
        assert all(n is None or n in written for n in (c.count, c.low, c.high))
    ids = {a.id for a in doc.actors} | {x.id for x in doc.locations}
    assert all(i in ids for e in doc.events for i in [*e.location_ids, *e.actor_ids])
    p = doc.provenance
    assert p.model == DEFAULT and p.calls >= 1 and p.prompt_tokens > 0 and p.completion_tokens > 0
    assert p.latency_s > 0  # the live call's latency, kept beside the cassette
    assert doc.summary


def test_a_changed_article_is_a_loud_miss() -> None:
    art = RECORDS[_recorded(DEFAULT)[0]]
    art = articles.from_text(art.text + "\nOne more line.", id=art.id, origin="file", published=art.published)
    with pytest.raises(CassetteMissError, match=DEFAULT):
        summarize(art, DEFAULT, Settings(offline=True, cassette_dir=CASSETTES))


def test_the_same_answers_give_the_same_document_whatever_the_hash_seed() -> None:
    """Code's reading never depends on the order of a set: two processes with different string
    hash seeds replay the same answers into the same facts (civilians' country once did not)."""
    import os
    import subprocess
    import sys

    script = (
        "import json, sys\n"
        "from summarizer.cli import app\n"
        "sys.argv = ['summarizer', '--offline', 'summarize', sys.argv[1], '-m', 'local/gemma-3-270m', '--no-log']\n"
        "app()\n"
    )
    article = str(ROOT / "evals" / "datasets" / "articles" / "EN_UA_002531.txt")
    facts = []
    for seed in ("1", "2", "3"):
        env = {**os.environ, "PYTHONHASHSEED": seed, "SUMMARIZER_CASSETTES": str(CASSETTES)}
        proc = subprocess.run(
            [sys.executable, "-c", script, article], capture_output=True, text=True, env=env, cwd=ROOT
        )
        assert proc.returncode == 0, proc.stderr
        doc = json.loads(proc.stdout)
        facts.append({k: doc[k] for k in ("actors", "locations", "events", "casualties", "summary")})
    assert facts[0] == facts[1] == facts[2]
