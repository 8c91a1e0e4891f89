"""`summarize`/`batch` recorded in the run log, and `runs list|show|diff`, `report`, `export`
over it (offline: the bundled article replayed from its cassette; the log is the test's own,
tests/conftest.py)."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from typer.testing import CliRunner

from summarizer.cli import app

ROOT = Path(__file__).resolve().parents[2]
ARTICLE = ROOT / "evals" / "datasets" / "articles" / "001_0f1bb87850801b8c.txt"
OFFLINE = ["--offline", "--cassettes", str(ROOT / "cassettes")]
runner = CliRunner()


def _run_id(args: list[str]) -> str:
    """Run a command; the id of the run it recorded."""
    res = runner.invoke(app, args)
    assert res.exit_code == 0, res.output
    shown = runner.invoke(app, ["runs", "show", "last", "--json"])
    assert shown.exit_code == 0, shown.output
    return str(json.loads(shown.stdout)["run_id"])


def test_summarize_is_recorded_listed_shown_and_exported(tmp_path: Path, _temporary_run_log: Path) -> None:
    run = _run_id([*OFFLINE, "summarize", str(ARTICLE)])
    listed = runner.invoke(app, ["runs", "list"])
    assert listed.exit_code == 0
    (line,) = [ln for ln in listed.stdout.splitlines() if ln.startswith(run)]
    assert "summarize" in line and "offline" in line and "qwen2.5-coder-1.5b" in line
    shown = json.loads(runner.invoke(app, ["runs", "show", run[:6], "--json"]).stdout)
    assert shown["command"] == "summarize" and shown["offline"] and shown["exit_code"] == 0
    assert shown["settings"]["source"] == str(ARTICLE) and shown["schema_hash"]
    (doc,) = shown["documents"]
    assert doc["article_id"] == "001_0f1bb87850801b8c" and doc["ok"] and doc["items"]["events"] >= 1

    exported = runner.invoke(app, ["export", run, "--format", "csv"])
    assert exported.exit_code == 0, exported.output
    rows = list(csv.DictReader(io.StringIO(exported.stdout)))
    assert {r["record"] for r in rows} == {"event", "casualty"}
    assert len(rows) == doc["items"]["events"] + doc["items"]["casualties"]
    bakhmut = [r for r in rows if r["places"].startswith("Bakhmut")]
    assert bakhmut and 48 < float(bakhmut[0]["lat"]) < 49  # the gazetteer's point

    out = tmp_path / "run.geojson"
    res = runner.invoke(app, ["export", run, "-f", "geojson", "-o", str(out)])
    assert res.exit_code == 0 and f"wrote {len(rows)} rows" in res.stderr
    features = json.loads(out.read_text(encoding="utf-8"))["features"]
    assert len(features) == len(rows) and any(f["geometry"] for f in features)
    assert _temporary_run_log.is_file()  # the test's log, never the user's


def test_two_runs_of_the_same_article_do_not_differ() -> None:
    first = _run_id([*OFFLINE, "summarize", str(ARTICLE)])
    second = _run_id([*OFFLINE, "summarize", str(ARTICLE), "-f", "markdown"])
    res = runner.invoke(app, ["runs", "diff", first, second])
    assert res.exit_code == 0, res.output
    assert res.stdout.splitlines()[-1] == "0 documents differ, 1 unchanged"


def test_batch_is_recorded_document_by_document(tmp_path: Path) -> None:
    run = _run_id([*OFFLINE, "batch", str(ARTICLE), "--out", str(tmp_path / "out.jsonl")])
    shown = json.loads(runner.invoke(app, ["runs", "show", run, "--json"]).stdout)
    assert shown["command"] == "batch" and shown["documents"][0]["ok"] and shown["exit_code"] == 0
    assert shown["settings"]["out"] == str(tmp_path / "out.jsonl")
    text = runner.invoke(app, ["runs", "show", run]).stdout
    assert "001_0f1bb87850801b8c:" in text and "events" in text


def test_an_unknown_run_or_a_run_without_a_report_is_exit_2(tmp_path: Path) -> None:
    run = _run_id([*OFFLINE, "summarize", str(ARTICLE)])
    for args in (["runs", "show", "nope"], ["runs", "diff", run, "nope"], ["export", "nope"], ["report", "nope"]):
        res = runner.invoke(app, args)
        assert res.exit_code == 2, args
        assert (
            res.stderr.strip().startswith("summarizer: error: no run 'nope' in ") and len(res.stderr.splitlines()) == 1
        )
    res = runner.invoke(app, ["report", run])
    assert res.exit_code == 2 and "is a summarize run: only eval runs have a report" in res.stderr
    res = runner.invoke(app, ["--log-db", str(tmp_path / "none.sqlite"), "runs", "list"])
    assert res.exit_code == 2 and "no run log yet" in res.stderr


def test_no_log_records_nothing_and_an_unwritable_log_only_warns(tmp_path: Path) -> None:
    db = tmp_path / "elsewhere.sqlite"
    res = runner.invoke(app, ["--no-log", "--log-db", str(db), *OFFLINE, "summarize", str(ARTICLE)])
    assert res.exit_code == 0 and not db.exists()
    (tmp_path / "a-file").write_text("x")
    bad = tmp_path / "a-file" / "runs.sqlite"
    res = runner.invoke(app, ["--log-db", str(bad), *OFFLINE, "summarize", str(ARTICLE)])
    assert res.exit_code == 0 and json.loads(res.stdout)["article"]["id"] == "001_0f1bb87850801b8c"
    assert [ln for ln in res.stderr.splitlines() if ln] == [
        ln for ln in res.stderr.splitlines() if ln.startswith(f"summarizer: warning: run log {bad}: not recorded")
    ]
    assert len(res.stderr.splitlines()) == 1


def test_help_lists_the_run_log_commands_and_options() -> None:
    res = runner.invoke(app, ["--help"])
    assert res.exit_code == 0
    for word in ("runs", "report", "export", "--log-db", "--no-log"):
        assert word in res.output, word


def test_the_geojson_of_an_eval_run_draws_every_place_with_a_country_at_its_precision(tmp_path: Path) -> None:
    """Issue 20, done when: the places of an eval run (replayed) as geojson, one Feature each with
    its precision (1 settlement, 2 region, 3 country or large area). Every place has a point: the
    sea at its own (Natural Earth), the pipeline and the island no gazetteer has at the sea their
    sentences put them in, at precision 3 and with no country (none is guessed)."""
    ids = ["004_d1e025f4b285e726", "003_4cdece625b2c44d9", "EN_UA_024847"]
    # brief-v5's recorded answers, whose places these figures were read from (brief-v6 names 14)
    args = [*OFFLINE, "--prompt", "brief-v5", "eval", "--model", "local/qwen2.5-coder-1.5b"]
    args += ["--report", str(tmp_path / "r.html")]
    run = _run_id([*args, *(a for i in ids for a in ("--id", i))])
    out = tmp_path / "places.geojson"
    res = runner.invoke(app, ["export", run, "--what", "places", "-f", "geojson", "-o", str(out)])
    assert res.exit_code == 0, res.output
    features = json.loads(out.read_text(encoding="utf-8"))["features"]
    assert {f["properties"]["article_id"] for f in features} == set(ids)
    assert len(features) >= 15
    drawn = [f for f in features if f["geometry"] is not None]
    assert {f["properties"]["precision"] for f in drawn} == {1, 2, 3}  # towns, regions and countries
    for f in drawn:
        lon, lat = f["geometry"]["coordinates"]
        assert -180 <= lon <= 180 and -90 <= lat <= 90 and f["properties"]["precision"] in (1, 2, 3)
    for f in features:
        if f["properties"]["country"]:
            assert f["geometry"] is not None, f["properties"]["name"]
    assert all(f["geometry"] is not None and f["properties"]["precision"] in (1, 2, 3) for f in features)
    at_sea = [f["properties"] for f in features if f["properties"]["name"] in {"Nord Stream", "Baltic Sea", "Bornholm"}]
    assert at_sea and all((p["precision"], p["country"]) == (3, None) for p in at_sea)
