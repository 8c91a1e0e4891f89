"""The CLI over the library: formats, files, stdin, offline misses, exit codes."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from summarizer import local as localmodels
from summarizer.cli import DEFAULT_MODEL, app
from summarizer.config import DEFAULT_PROMPT
from tests.extraction.test_pipeline import SCRIPT, TEXT
from tests.fakeserver import scripted

runner = CliRunner()


def _article(tmp_path: Path) -> Path:
    path = tmp_path / "bakhmut.txt"
    path.write_text(TEXT, encoding="utf-8")
    return path


def test_help_lists_the_commands() -> None:
    result = runner.invoke(app, ["--help"])
    assert result.exit_code == 0
    for command in ("summarize", "batch", "eval", "models", "serve"):
        assert command in result.output


def test_default_model_is_the_registry_default() -> None:
    assert DEFAULT_MODEL == "local/qwen2.5-coder-1.5b"
    assert DEFAULT_MODEL in localmodels.LOCAL_MODELS  # defined once (config), in the catalogue


def test_summarize_json_is_the_contract(tmp_path: Path, fake_model) -> None:
    fake_model(scripted(SCRIPT))
    result = runner.invoke(app, ["summarize", str(_article(tmp_path)), "-m", "fake/m"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["schema_version"] == "1"
    assert doc["article"]["id"] == "bakhmut" and doc["article"]["chars"] == len(TEXT)
    assert "text" not in doc["article"] or doc["article"]["text"] is None  # a file: the reader has it
    for c in doc["casualties"]:
        for span in c["evidence"]:
            assert TEXT[span["start"] : span["end"]] == span["text"]
    assert doc["provenance"]["prompt_tokens"] > 0


def test_summarize_markdown_and_table(tmp_path: Path, fake_model) -> None:
    fake_model(scripted(SCRIPT))
    path = _article(tmp_path)
    md = runner.invoke(app, ["summarize", str(path), "-m", "fake/m", "--format", "markdown"])
    assert md.exit_code == 0
    assert "## Summary" in md.stdout and "| killed | 64 |" in md.stdout and "as many as 500" in md.stdout
    table = runner.invoke(app, ["summarize", str(path), "-m", "fake/m", "--format", "table"])
    assert table.exit_code == 0
    assert "Casualties" in table.stdout and "Bakhmut" in table.stdout


def test_summarize_to_file_and_from_stdin(tmp_path: Path, fake_model) -> None:
    fake_model(scripted(SCRIPT))
    out = tmp_path / "brief.json"
    result = runner.invoke(app, ["summarize", "-", "-m", "fake/m", "--out", str(out)], input=TEXT)
    assert result.exit_code == 0
    doc = json.loads(out.read_text())
    assert doc["article"]["text"] == TEXT  # stdin: the document carries the text its spans index


def test_offline_miss_is_one_line_exit_4(tmp_path: Path, fake_model) -> None:
    fake_model(scripted(SCRIPT))
    result = runner.invoke(
        app, ["--offline", "--cassettes", str(tmp_path / "none"), "summarize", str(_article(tmp_path)), "-m", "fake/m"]
    )
    assert result.exit_code == 4
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "fake/m" in lines[0] and DEFAULT_PROMPT in lines[0] and "bakhmut" in lines[0]


def test_unknown_model_is_exit_3(tmp_path: Path) -> None:
    result = runner.invoke(app, ["summarize", str(_article(tmp_path)), "-m", "nosuch/model"])
    assert result.exit_code == 3
    assert "unknown provider" in result.stderr
