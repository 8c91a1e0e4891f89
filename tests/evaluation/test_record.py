"""evals/record.py deals a split's articles into parts of about equal text, and reads the ids of
a JSONL split or of a MUC-4 split."""

from __future__ import annotations

import json
from pathlib import Path

from tests.clihelp import load_script

record = load_script("evals/record.py")


def test_parts_are_dealt_longest_first() -> None:
    items = [("a", 10), ("b", 500), ("c", 300), ("d", 20), ("e", 400)]
    assert record.deal(items, 2) == [["b", "c", "a"], ["e", "d"]]
    assert record.deal(items[:1], 4) == [["a"]]  # no empty part


def test_articles_of_a_split(tmp_path: Path) -> None:
    path = tmp_path / "gold.jsonl"
    gold: dict[str, list[object]] = {"actors": [], "locations": [], "events": [], "casualties": []}
    rows = [
        {"id": "x", "text": "abc", "split": "dev", "gold": gold},
        {"id": "y", "text": "abcdef", "split": "validation", "gold": gold},
    ]
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    assert record.articles(str(path), "validation") == [("y", 6)]
    assert record.articles(str(path), None) == [("x", 3), ("y", 6)]


def test_a_part_is_recorded_under_the_prompt_asked_for() -> None:
    import argparse

    args = argparse.Namespace(cassettes=Path("c"), prompt="brief-v8", dataset="d.jsonl", model="local/m", split="dev")
    cmd = record.part_command(Path("/bin/summarizer"), args, ["a", "b"])
    assert cmd[:7] == ["/bin/summarizer", "--record-missing", "--no-log", "--cassettes", "c", "--prompt", "brief-v8"]
    assert cmd[7:] == ["eval", "--dataset", "d.jsonl", "-m", "local/m", "--split", "dev", "--id", "a", "--id", "b"]
    args.prompt, args.split = None, None  # the default prompt; a MUC-4 split has no --split
    assert "--prompt" not in record.part_command(Path("s"), args, ["a"])
    assert "--split" not in record.part_command(Path("s"), args, ["a"])


def test_a_model_already_served_is_used_not_reported_as_an_error(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """A `summarizer serve` already serving the model is named and used: record does not start a
    second one (whose refusal printed as an error)."""
    import summarizer.local as local

    class State:
        base_url = "http://127.0.0.1:5/v1"

    monkeypatch.setattr(local, "find_running", lambda name: State() if name == "local/served" else None)
    assert record._served("local/served") == "http://127.0.0.1:5/v1"
    assert record._served("local/idle") is None
    assert record._served("openai/gpt-4o-mini") is None  # not a local model: nothing to look for


def test_committed_answers_are_copied_not_asked_again(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """An article of the full gold whose answer is committed (a founding article, `cassettes/`) is
    copied into the full gold's cassettes with its metadata, so it is replayed as committed and
    not recorded a second time; one already there is left as it is."""
    from summarizer.evaluation._dataset import record_article
    from summarizer.models import cassette_path

    gold: dict[str, list[object]] = {"actors": [], "locations": [], "events": [], "casualties": []}
    rows = [
        {"id": "f", "text": "founding text", "split": "dev", "published": "2022-12-27", "gold": gold},
        {"id": "n", "text": "new text", "split": "dev", "gold": gold},
        {"id": "v", "text": "validation text", "split": "validation", "gold": gold},
    ]
    path = tmp_path / "all.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    committed, into = tmp_path / "committed", tmp_path / "external"
    monkeypatch.setattr(record, "COMMITTED", committed)
    for row in rows[::2]:  # "f" and "v" are committed, "n" is not
        a = record_article(row)
        src = cassette_path(committed, "local/m", "brief-v1", a.sha256, a.published)
        src.parent.mkdir(parents=True, exist_ok=True)
        src.write_text(row["id"], encoding="utf-8")
        src.with_suffix(".meta.json").write_text("{}", encoding="utf-8")

    assert record.copy_committed(str(path), "dev", "local/m", "brief-v1", into) == 1
    f = record_article(rows[0])
    dst = cassette_path(into, "local/m", "brief-v1", f.sha256, f.published)
    assert dst.read_text(encoding="utf-8") == "f" and dst.with_suffix(".meta.json").exists()
    assert len(list(into.rglob("*.json"))) == 2  # "v" is not of the split; "n" has nothing committed
    dst.write_text("recorded here", encoding="utf-8")
    assert record.copy_committed(str(path), None, "local/m", "brief-v1", into) == 1  # only "v"
    assert dst.read_text(encoding="utf-8") == "recorded here"
    assert record.copy_committed("muc4:test", None, "local/m", "brief-v1", into) == 0
