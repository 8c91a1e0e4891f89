"""The run log (summarizer.runlog) on a temporary database: recording, reading back, the
earlier eval to compare with, diffs and exports."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from summarizer import runlog
from summarizer.config import DEFAULT_PROMPT, Settings
from summarizer.errors import InputError

POINTS: dict[tuple[str, str | None], tuple[float, float]] = {
    ("Bakhmut", "Ukraine"): (48.59, 38.0),
    ("Soledar", "Ukraine"): (48.68, 38.09),
}


def locate(name: str, country: str | None) -> tuple[float, float] | None:
    return POINTS.get((name, country))


def document(casualty_count: int = 64, *, sha: str = "a" * 64, published: str | None = "2023-03-14") -> dict[str, Any]:
    """A small summary document in the contract's shape."""
    return {
        "schema_version": "1",
        "article": {"id": "art-1", "title": "=Bakhmut", "published": published, "sha256": sha, "chars": 200},
        "summary": "Russian forces shelled Bakhmut.",
        "actors": [
            {"id": "a1", "name": "Russian Ministry of Defence", "kind": "government", "side": "Russia"},
            {"id": "a2", "name": "Russian forces", "kind": "armed_forces", "side": "Russia", "mentions": [{}]},
        ],
        "locations": [
            {"id": "l1", "name": "Bakhmut", "kind": "settlement", "country": "Ukraine"},
            {"id": "l2", "name": "Nowhere", "kind": "settlement", "country": "Ukraine"},
        ],
        "events": [
            {
                "id": "e1",
                "type": "explosion_remote_violence",
                "description": "Russian forces shelled Bakhmut",
                "date": "2023-03-13",
                "location_ids": ["l2", "l1"],
                "actor_ids": ["a2"],
                "evidence": [
                    {"start": 0, "end": 5, "text": "shell"},
                    {"start": 0, "end": 30, "text": "Russian forces shelled Bakhmut"},
                ],
            },
            {"id": "e2", "type": "battle", "description": "Fighting went on", "location_ids": ["l2"], "actor_ids": []},
        ],
        "casualties": [
            {
                "id": "c1",
                "kind": "killed",
                "count": casualty_count,
                "raw": str(casualty_count),
                "affected": "Ukraine",
                "claimed_by": "Russian Ministry of Defence",
                "event_id": "e1",
                "evidence": [{"start": 40, "end": 42, "text": str(casualty_count)}],
            },
            {
                "id": "c2",
                "kind": "wounded",
                "low": 10,
                "high": 20,
                "raw": "10 to 20",
                "affected": None,
                "claimed_by": None,
            },
        ],
        "provenance": {
            "model": "fake/m",
            "prompt_version": "p1",
            "schema_hash": "s1",
            "calls": 1,
            "retries": 0,
            "prompt_tokens": 1,
            "completion_tokens": 1,
            "latency_s": 1.5,
        },
    }


def start(
    db: Path,
    command: str = "summarize",
    *,
    offline: bool = False,
    models: tuple[str, ...] = ("fake/m",),
    warnings: list[str] | None = None,
    **options: Any,
) -> runlog.Recorder:
    settings = Settings(offline=offline, log_db=db, api_key="sk-secret-key-123456789012345678901234")
    sink = warnings if warnings is not None else []
    return runlog.start_run(settings, command, list(models), options=options, warn=sink.append, locate=locate)


def test_a_run_is_recorded_with_its_documents_and_items(tmp_path: Path) -> None:
    db = tmp_path / "log" / "runs.sqlite"
    rec = start(db, source="a.txt")
    rec.add_document("fake/m", "art-1", document=document())
    rec.add_document(
        "fake/m", "art-2", error_type="ExtractionError", error="no valid answer", exit_code=5, article_sha256="b" * 64
    )
    rec.finish(1)
    assert not rec.active
    con = sqlite3.connect(db)
    assert con.execute("PRAGMA user_version").fetchone()[0] == runlog.SCHEMA_VERSION
    assert con.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    run = con.execute(
        "SELECT command, models, prompt_version, schema_hash, package_version, settings, offline, "
        "ended, exit_code FROM runs"
    ).fetchone()
    assert run[:5] == ("summarize", '["fake/m"]', DEFAULT_PROMPT, "s1", runlog.package_version())
    settings = json.loads(run[5])
    assert settings["source"] == "a.txt" and settings["offline"] is False and "api_key" not in settings
    assert "sk-secret" not in run[5]
    assert run[6] == 0 and run[7] is not None and run[8] == 1
    docs = con.execute(
        "SELECT article_id, ok, error_type, exit_code, json_extract(document, '$.summary') FROM documents"
    )
    assert docs.fetchall() == [
        ("art-1", 1, None, None, "Russian forces shelled Bakhmut."),
        ("art-2", 0, "ExtractionError", 5, None),
    ]
    locs = con.execute("SELECT name, lat, lon, published FROM locations ORDER BY name").fetchall()
    assert locs == [("Bakhmut", 48.59, 38.0, "2023-03-14"), ("Nowhere", None, None, "2023-03-14")]
    ev = con.execute("SELECT date, places, actors, lat, lon, evidence FROM events WHERE item_id = 'e1'").fetchone()
    assert ev == ("2023-03-13", "Nowhere; Bakhmut", "Russian forces", 48.59, 38.0, "Russian forces shelled Bakhmut")
    undated = con.execute("SELECT date FROM events WHERE item_id = 'e2'").fetchone()[0]
    assert undated == "2023-03-14"  # no date of its own: the article's publication date
    casualty = con.execute("SELECT count, date, places, lat, claimed_by FROM casualties WHERE item_id = 'c1'")
    assert casualty.fetchone() == (64, "2023-03-13", "Nowhere; Bakhmut", 48.59, "Russian Ministry of Defence")
    # the README's example query runs as written
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    query = readme.split('sqlite3 -header -column ~/.local/share/summarizer/runs.sqlite "')[1].split('"\n')[0]
    claims = con.execute(query).fetchall()
    assert [(c[1], c[3]) for c in claims] == [("art-1", 64)]


def test_documents_recorded_before_a_crash_are_kept(tmp_path: Path) -> None:
    db = tmp_path / "runs.sqlite"
    rec = start(db)
    rec.add_document("fake/m", "art-1", document=document())
    rec.add_document("fake/m", "art-2", document=document(sha="c" * 64))
    # the process dies here: no finish(), the connection is never closed
    with runlog.RunLog.open(db) as log:
        (run,) = log.runs()
        assert run.status == "unfinished" and run.documents == 2
        assert [d.article_id for d in log.documents(run.run_id)] == ["art-1", "art-2"]
    rec.close()


@pytest.mark.parametrize("problem", ["newer schema", "not a database", "parent is a file"])
def test_a_log_that_cannot_be_written_warns_once_and_the_run_goes_on(tmp_path: Path, problem: str) -> None:
    db = tmp_path / "runs.sqlite"
    if problem == "newer schema":
        con = sqlite3.connect(db)
        con.execute(f"PRAGMA user_version = {runlog.SCHEMA_VERSION + 1}")
        con.close()
    elif problem == "not a database":
        db.write_bytes(b"this is not sqlite" * 100)
    else:
        (tmp_path / "file").write_text("x")
        db = tmp_path / "file" / "runs.sqlite"
    warnings: list[str] = []
    rec = start(db, warnings=warnings)
    rec.add_document("fake/m", "art-1", document=document())
    rec.finish(0)
    assert len(warnings) == 1 and str(db) in warnings[0] and "not recorded" in warnings[0]
    assert not rec.active
    if problem == "newer schema":
        assert "newer" in warnings[0]


def test_no_log_records_nothing(tmp_path: Path) -> None:
    db = tmp_path / "runs.sqlite"
    rec = runlog.start_run(Settings(log_db=db, no_log=True), "summarize", ["fake/m"], warn=print, locate=locate)
    rec.add_document("fake/m", "art-1", document=document())
    rec.finish(0)
    assert len(rec.run_id) == 12 and not db.exists()


def test_runs_are_named_by_id_prefix_or_last(tmp_path: Path) -> None:
    db = tmp_path / "runs.sqlite"
    first, second = start(db), start(db, "batch")
    first.finish(0)
    second.finish(0)
    with runlog.RunLog.open(db) as log:
        assert log.run(first.run_id).command == "summarize"
        assert log.run(second.run_id[:8]).command == "batch"
        assert log.run("last").run_id in (first.run_id, second.run_id)
        assert [r.run_id for r in log.runs(command="batch")] == [second.run_id]
        for bad in ("nope", "%", ""):
            with pytest.raises(InputError, match="no run"):
                log.run(bad)
    with pytest.raises(InputError, match="no run log yet"):
        runlog.RunLog.open(tmp_path / "missing.sqlite")


def _eval_run(
    db: Path, *, offline: bool, macro_f1: float, failures: int = 0, prompt: str = "p1", finish: bool = True
) -> str:
    rec = start(db, "eval", offline=offline)
    rec.add_dataset("gold", "gold.jsonl", "d" * 64, [{"id": "art-1", "text": "x"}])
    rec.add_document("fake/m", "art-1", document=document(), score={"macro_f1": macro_f1})
    if finish:
        rec.add_scores(
            "fake/m",
            prompt_version=prompt,
            schema_hash="s1",
            articles=2,
            failures=failures,
            macro_f1=macro_f1,
            attribution=0.5,
            price=None,
            figures={"fields": {}},
        )
        rec.finish(0)
    return rec.run_id


def test_the_earlier_eval_is_live_with_live_and_never_all_failed(tmp_path: Path) -> None:
    db = tmp_path / "runs.sqlite"
    live = _eval_run(db, offline=False, macro_f1=0.6)
    replay = _eval_run(db, offline=True, macro_f1=0.7)
    _eval_run(db, offline=False, macro_f1=0.0, failures=2)  # every article failed
    _eval_run(db, offline=False, macro_f1=0.9, finish=False)  # interrupted: no scores
    _eval_run(db, offline=True, macro_f1=0.8, prompt="p0")  # a replay of another prompt
    with runlog.RunLog.open(db) as log:

        def earlier(offline: bool) -> str | None:
            found = log.previous_eval(
                "fake/m",
                dataset_sha256="d" * 64,
                offline=offline,
                started="9999",
                run_id="current",
                prompt_version="p1",
                schema_hash="s1",
            )
            return found[0].run_id if found else None

        assert earlier(offline=False) == live
        assert earlier(offline=True) == replay
        assert (
            log.previous_eval("other/m", dataset_sha256="d" * 64, offline=False, started="9999", run_id="current")
            is None
        )


def test_diff_shows_scores_and_items_that_changed(tmp_path: Path) -> None:
    db = tmp_path / "runs.sqlite"
    a = start(db, "eval")
    a.add_document("fake/m", "art-1", document=document(64), score={"macro_f1": 0.5})
    a.add_document("fake/m", "art-2", document=document(sha="c" * 64), score={"macro_f1": 0.7})
    a.add_scores(
        "fake/m",
        prompt_version="p1",
        schema_hash="s1",
        articles=2,
        failures=0,
        macro_f1=0.6,
        attribution=0.5,
        price=None,
        figures={"fields": {"casualties": {"f1": 0.5}}},
    )
    a.finish(0)
    b = start(db, "eval")
    b.add_document("fake/m", "art-1", document=document(65), score={"macro_f1": 0.4})
    b.add_document("fake/m", "art-2", error_type="ProviderError", error="down", exit_code=3, article_sha256="c" * 64)
    b.add_scores(
        "fake/m",
        prompt_version="p1",
        schema_hash="s1",
        articles=2,
        failures=1,
        macro_f1=0.2,
        attribution=None,
        price=None,
        figures={"fields": {"casualties": {"f1": 0.25}}},
    )
    b.finish(3)
    with runlog.RunLog.open(db) as log:
        diff = runlog.diff_runs(log, a.run_id, b.run_id)
    (score,) = diff.scores
    assert score.macro_f1 == (0.6, 0.2) and score.fields["casualties"] == (0.5, 0.25)
    changed = {d.article_id: d for d in diff.documents}
    assert changed["art-2"].state == "failed in B"
    one = changed["art-1"]
    assert one.state == "changed" and one.macro_f1 == (0.5, 0.4)
    assert one.removed == {"casualties": ["killed 64 (64) of Ukraine, claimed by Russian Ministry of Defence"]}
    assert one.added == {"casualties": ["killed 65 (65) of Ukraine, claimed by Russian Ministry of Defence"]}
    assert diff.unchanged == 0
    with runlog.RunLog.open(db) as log:
        same = runlog.diff_runs(log, a.run_id, a.run_id)
    assert same.documents == [] and same.unchanged == 2


def _exported(db: Path, fmt: str) -> str:
    rec = start(db)
    rec.add_document("fake/m", "art-1", document=document())
    rec.finish(0)
    out = io.StringIO()
    with runlog.RunLog.open(db) as log:
        rows = runlog.export_rows(log, rec.run_id)
    assert runlog.write_export(rows, fmt, out) == 4  # two events, two figures
    return out.getvalue()


def test_export_csv_one_row_per_event_and_figure(tmp_path: Path) -> None:
    rows = list(csv.DictReader(io.StringIO(_exported(tmp_path / "runs.sqlite", "csv"))))
    assert [r["record"] for r in rows] == ["event", "event", "casualty", "casualty"]
    assert tuple(rows[0]) == runlog.COLUMNS
    event, figure = rows[0], rows[2]
    assert event["places"] == "Nowhere; Bakhmut" and (event["lat"], event["lon"]) == ("48.59", "38.0")
    assert event["evidence"] == "Russian forces shelled Bakhmut" and event["date"] == "2023-03-13"
    assert event["title"] == "'=Bakhmut"  # a spreadsheet would run it as a formula
    assert figure["type"] == "killed" and figure["count"] == "64" and figure["claimed_by"].startswith("Russian")
    assert figure["places"] == "Nowhere; Bakhmut" and figure["actors"] == "Russian forces"
    assert rows[3]["low"] == "10" and rows[3]["lat"] == "" and rows[3]["date"] == "2023-03-14"


def test_export_geojson_points_where_coordinates_are_known(tmp_path: Path) -> None:
    data = json.loads(_exported(tmp_path / "runs.sqlite", "geojson"))
    assert data["type"] == "FeatureCollection" and len(data["features"]) == 4
    first, undated = data["features"][0], data["features"][1]
    assert first["geometry"] == {"type": "Point", "coordinates": [38.0, 48.59]}  # lon, lat
    assert first["properties"]["record"] == "event" and "lat" not in first["properties"]
    assert undated["geometry"] is None  # its only place has no coordinates


def test_export_jsonl_lists_places_with_coordinates(tmp_path: Path) -> None:
    lines = [json.loads(x) for x in _exported(tmp_path / "runs.sqlite", "jsonl").splitlines()]
    assert lines[0]["places"] == [
        {"name": "Nowhere", "kind": "settlement", "admin1": None, "country": "Ukraine", "lat": None, "lon": None}
        | {"precision": None},
        {"name": "Bakhmut", "kind": "settlement", "admin1": None, "country": "Ukraine", "lat": 48.59, "lon": 38.0}
        | {"precision": 1},  # the gazetteer's point of a town
    ]
    assert lines[0]["actors"] == ["Russian forces"] and lines[0]["title"] == "=Bakhmut"
    assert lines[2]["approximate"] is False and lines[2]["count"] == 64


def _placed(doc: dict[str, Any]) -> dict[str, Any]:
    """The document with its places placed by code in context (a region and a town, each with
    its precision), an event whose sentence names the town and lists the region first."""
    doc["locations"] = [
        {"id": "l1", "name": "Donetsk region", "kind": "region", "country": "Ukraine", "admin1": "Donetsk"}
        | {"precision": 2, "latitude": 48.02, "longitude": 37.8, "mentions": [{"start": 60, "end": 74}]},
        {"id": "l2", "name": "Bakhmut", "kind": "settlement", "country": "Ukraine", "admin1": "Donetsk"}
        | {"precision": 1, "latitude": 48.59, "longitude": 38.0, "mentions": [{"start": 23, "end": 30}]},
        {"id": "l3", "name": "Kherson", "kind": "settlement", "country": "Ukraine", "admin1": "Kherson"}
        | {"precision": 1, "latitude": 46.64, "longitude": 32.61, "mentions": [{"start": 100, "end": 107}]},
    ]
    doc["events"][0]["location_ids"] = ["l3", "l1", "l2"]  # Kherson first: named elsewhere, not in the sentence
    doc["events"][1]["location_ids"] = ["l1"]
    return doc


def test_an_event_is_drawn_at_the_place_its_sentence_names_at_its_precision(tmp_path: Path) -> None:
    rec = start(tmp_path / "runs.sqlite")
    rec.add_document("fake/m", "art-1", document=_placed(document()))
    rec.finish(0)
    out = io.StringIO()
    with runlog.RunLog.open(tmp_path / "runs.sqlite") as log:
        runlog.write_export(runlog.export_rows(log, rec.run_id), "geojson", out)
    features = json.loads(out.getvalue())["features"]
    event, region_only = features[0], features[1]
    assert event["geometry"] == {"type": "Point", "coordinates": [38.0, 48.59]}  # Bakhmut, not Kherson
    assert event["properties"]["precision"] == 1
    assert region_only["geometry"] == {"type": "Point", "coordinates": [37.8, 48.02]}  # a region has a point too
    assert region_only["properties"]["precision"] == 2
    assert all(f["geometry"] is not None for f in features if f["properties"]["places"])


def test_item_rows_read_a_malformed_document_without_failing() -> None:
    rows = runlog.item_rows({"article": "x", "actors": [1, {"name": 3}], "events": "no", "casualties": [{}]})
    assert rows["actors"] == [
        {"item_id": None, "name": None, "kind": None, "side": None, "aliases": "[]", "mentions": 0}
    ]
    assert rows["events"] == [] and rows["casualties"][0]["count"] is None


def test_settings_record_keeps_no_secret() -> None:
    settings = Settings(base_url="https://user:hunter2@example.org/v1", api_key="sk-abc")
    kept = runlog.settings_record(settings, out=Path("x.jsonl"))
    assert "api_key" not in kept and "hunter2" not in json.dumps(kept) and kept["out"] == "x.jsonl"


class _InterruptAfterCommit:
    """A connection on which Ctrl-C arrives just after a COMMIT went through."""

    def __init__(self, con: sqlite3.Connection) -> None:
        self.con = con

    def execute(self, sql: str, *args: Any) -> Any:
        cur = self.con.execute(sql, *args)
        if sql == "COMMIT":
            raise KeyboardInterrupt
        return cur

    @property
    def in_transaction(self) -> bool:
        return self.con.in_transaction


@pytest.mark.parametrize("when", ["before the transaction", "after the commit"])
def test_ctrl_c_while_recording_is_raised_not_swallowed(tmp_path: Path, when: str) -> None:
    warnings: list[str] = []
    rec = start(tmp_path / "runs.sqlite", warnings=warnings)
    real = rec._con
    assert real is not None

    def interrupted(name: str, country: str | None) -> tuple[float, float] | None:
        raise KeyboardInterrupt

    if when == "after the commit":
        rec._con = _InterruptAfterCommit(real)  # type: ignore[assignment]
    else:
        rec._locate = interrupted
    with pytest.raises(KeyboardInterrupt):
        rec.add_document("fake/m", "art-1", document=document())
    rec._con, rec._locate = real, locate
    rec.add_document("fake/m", "art-2", document=document(sha="c" * 64))  # still recording
    rec.finish(130)
    with runlog.RunLog.open(tmp_path / "runs.sqlite") as log:
        (run,) = log.runs()
        assert run.exit_code == 130 and run.documents == (2 if when == "after the commit" else 1)
    assert warnings == []


def test_a_diff_says_open_figures_in_words_and_counts_models_only_one_run_has(tmp_path: Path) -> None:
    db = tmp_path / "runs.sqlite"
    three = ("fake/m", "fake/other", "fake/third")
    a = start(db, "eval", models=three)
    for model in three:
        for sha in ("a", "c"):
            a.add_document(model, f"art-{sha}", document=document(sha=sha * 64))
    a.finish(0)
    open_ended = document(sha="a" * 64)
    open_ended["casualties"][0].update(count=None, low=2000, high=None, raw="thousands", claimed_by=None)
    b = start(db, "summarize")
    b.add_document("fake/m", "art-a", document=open_ended)
    b.add_document("fake/m", "art-c", document=document(sha="c" * 64))
    b.finish(0)
    with runlog.RunLog.open(db) as log:
        diff = runlog.diff_runs(log, a.run_id, b.run_id)
    assert diff.only_in_a == {"fake/other": 2, "fake/third": 2} and diff.only_in_b == {}
    (changed,) = diff.documents  # the one model both ran, article by article
    assert changed.model == "fake/m" and changed.state == "changed" and diff.unchanged == 1
    (added,) = changed.added["casualties"]
    assert added == "killed ≥2,000 (thousands) of Ukraine, claimed by no one named"
    assert "None" not in added and "?" not in added
    assert (
        runlog.item_label("actors", {"name": "Kivinen", "kind": "person", "side": None}) == "Kivinen (person, no side)"
    )


def test_export_says_when_a_date_is_the_publication_date_and_filters_by_model(tmp_path: Path) -> None:
    db = tmp_path / "runs.sqlite"
    rec = start(db, "eval", models=("fake/m", "fake/other"))
    rec.add_document("fake/m", "art-1", document=document())
    rec.add_document("fake/other", "art-1", document=document())
    rec.finish(0)
    with runlog.RunLog.open(db) as log:
        rows = runlog.export_rows(log, rec.run_id, model="fake/m")
        both = runlog.export_rows(log, rec.run_id)
    assert {r["model"] for r in rows} == {"fake/m"} and len(both) == 2 * len(rows)
    basis = {(r["record"], r["item_id"]): (r["date"], r["date_basis"]) for r in rows}
    assert basis[("event", "e1")] == ("2023-03-13", "event")  # the event's own date
    assert basis[("event", "e2")] == ("2023-03-14", "published")  # the article's, standing in
    assert basis[("casualty", "c1")] == ("2023-03-13", "event")
    assert basis[("casualty", "c2")] == ("2023-03-14", "published")
    out = io.StringIO()
    runlog.write_export(rows, "csv", out)
    assert "date_basis" in next(csv.reader(io.StringIO(out.getvalue())))


# -- exporting actors, places, events or figures alone (issue 20, item 4) -----------------------------


def _log_of(db: Path, *docs: dict[str, Any]) -> str:
    rec = start(db, "eval", models=("fake/m", "fake/other"))
    for doc in docs:
        rec.add_document("fake/m", doc["article"]["id"], document=doc)
        rec.add_document("fake/other", doc["article"]["id"], document=doc)
    rec.finish(0)
    return rec.run_id


def _export(db: Path, run_id: str, what: tuple[str, ...], fmt: str = "jsonl", model: str | None = "fake/m") -> str:
    out = io.StringIO()
    with runlog.RunLog.open(db) as log:
        runlog.write_export(runlog.export_rows(log, run_id, model=model, what=what), fmt, out, what=what)
    return out.getvalue()


def test_export_actors_with_the_basis_of_each_side_and_their_events(tmp_path: Path) -> None:
    doc = document()
    doc["actors"][0] |= {"side_basis": "inferred", "aliases": ["MoD"]}
    doc["actors"][1] |= {"side_basis": "stated"}
    doc["actors"].append({"id": "a3", "name": "Markku Kivinen", "kind": "person", "side": None})
    db = tmp_path / "runs.sqlite"
    run = _log_of(db, doc)
    rows = [json.loads(x) for x in _export(db, run, ("actors",)).splitlines()]
    assert [r["name"] for r in rows] == ["Russian Ministry of Defence", "Russian forces", "Markku Kivinen"]
    assert {r["record"] for r in rows} == {"actor"} and {r["model"] for r in rows} == {"fake/m"}
    assert [(r["side"], r["side_basis"]) for r in rows] == [("Russia", "inferred"), ("Russia", "stated"), (None, None)]
    assert rows[0]["aliases"] == ["MoD"] and rows[1]["events"] == ["e1"] and rows[0]["events"] == []
    assert rows[1]["mentions"] == 1 and rows[0]["article_id"] == "art-1" and rows[0]["title"] == "=Bakhmut"
    table = list(csv.DictReader(io.StringIO(_export(db, run, ("actors",), "csv"))))
    assert tuple(table[0]) == runlog.ACTOR_COLUMNS
    assert table[0]["aliases"] == "MoD" and table[1]["side_basis"] == "stated" and table[2]["side"] == ""
    assert len(_export(db, run, ("actors",), model=None).splitlines()) == 6  # both models


def test_export_places_each_with_its_point_and_precision(tmp_path: Path) -> None:
    db = tmp_path / "runs.sqlite"
    run = _log_of(db, _placed(document()))
    data = json.loads(_export(db, run, ("places",), "geojson"))
    features = data["features"]
    assert [f["properties"]["name"] for f in features] == ["Donetsk region", "Bakhmut", "Kherson"]
    assert all(f["geometry"]["type"] == "Point" for f in features)  # every place, a region too
    assert [f["properties"]["precision"] for f in features] == [2, 1, 1]
    assert features[1]["geometry"]["coordinates"] == [38.0, 48.59]
    assert features[0]["properties"]["events"] == "e1; e2" and features[2]["properties"]["events"] == "e1"
    assert features[0]["properties"]["admin1"] == "Donetsk" and features[0]["properties"]["record"] == "place"
    table = list(csv.DictReader(io.StringIO(_export(db, run, ("places",), "csv"))))
    assert tuple(table[0]) == runlog.PLACE_COLUMNS and table[1]["lat"] == "48.59"
    # a document made before places had points of their own: the gazetteer's point of a town
    old = _log_of(tmp_path / "old.sqlite", document())
    places = [json.loads(x) for x in _export(tmp_path / "old.sqlite", old, ("places",)).splitlines()]
    assert [(p["name"], p["lat"], p["precision"]) for p in places] == [("Bakhmut", 48.59, 1), ("Nowhere", None, None)]


def test_export_events_or_figures_alone(tmp_path: Path) -> None:
    db = tmp_path / "runs.sqlite"
    run = _log_of(db, document())
    events = [json.loads(x) for x in _export(db, run, ("events",)).splitlines()]
    figures = [json.loads(x) for x in _export(db, run, ("figures",)).splitlines()]
    both = [json.loads(x) for x in _export(db, run, ("events", "figures")).splitlines()]
    assert [r["item_id"] for r in events] == ["e1", "e2"] and {r["record"] for r in events} == {"event"}
    assert [r["item_id"] for r in figures] == ["c1", "c2"] and {r["record"] for r in figures} == {"casualty"}
    assert both == events + figures and runlog.DEFAULT_EXPORT == ("events", "figures")


@pytest.mark.parametrize(
    ("what", "fmt", "message"),
    [
        (("actors", "events"), "csv", "actors are exported on their own"),
        (("places", "figures"), "jsonl", "places are exported on their own"),
        (("actors",), "geojson", "actors have no point"),
        (("nothing",), "csv", "nothing to export called nothing"),
        ((), "csv", "nothing to export"),
        (("events",), "xlsx", "unknown export format"),
    ],
)
def test_an_export_that_cannot_be_one_table_is_refused(what: tuple[str, ...], fmt: str, message: str) -> None:
    with pytest.raises(InputError, match=message):
        runlog.export_columns(what, fmt)
    with pytest.raises(InputError, match=message):
        runlog.write_export([], fmt, io.StringIO(), what=what)


def test_an_exported_description_never_ends_mid_clause(tmp_path: Path) -> None:
    """A description a run made before descriptions were cut at clause boundaries (the start of
    its sentence: the first 30 words, or up to the first comma past eight) is cut again from the
    sentence where a clause ends, and marked; one that is the whole sentence, one already marked
    and one of the model's own words are exported as they are."""
    sentence = (
        "Serhiy Haidai, governor of the Russian-occupied Luhansk region, said Monday on his Telegram page that the "
        "city under the Ukrainian flag has become a new military home for Russian paratroopers who were "
        "transferred from Kherson and are now fighting in the Luhansk and Donetsk regions."
    )
    doc = document()
    evidence = [{"start": 0, "end": len(sentence), "text": sentence}]
    doc["events"] = [
        {"id": "e1", "type": "battle", "description": sentence[: sentence.index(", said")], "evidence": evidence},
        {"id": "e2", "type": "battle", "description": " ".join(sentence.split()[:30]), "evidence": evidence},
        {"id": "e3", "type": "battle", "description": sentence, "evidence": evidence},
        {"id": "e4", "type": "battle", "description": "Paratroopers moved to Luhansk.", "evidence": evidence},
        {"id": "e5", "type": "battle", "description": "Serhiy Haidai, governor…", "evidence": evidence},
    ]
    db = tmp_path / "runs.sqlite"
    run = _log_of(db, doc)
    rows = {r["item_id"]: r["description"] for r in map(json.loads, _export(db, run, ("events",)).splitlines())}
    recut = sentence[: sentence.index(" who were")] + "…"
    assert rows == {
        "e1": recut,
        "e2": recut,
        "e3": sentence,
        "e4": "Paratroopers moved to Luhansk.",
        "e5": "Serhiy Haidai, governor…",
    }


def test_an_event_told_twice_is_quoted_by_its_own_sentence() -> None:
    """An event's evidence is its own sentence, then the sentences that tell it again (the
    contract's "An event told twice"); its row quotes the sentence its description is cut from,
    even when a retelling is longer."""
    own = "Troops recaptured Zenda on Monday."
    again = "In a video, soldiers said they had been sent to retake Zenda, which troops recaptured on Monday."
    doc = document()
    doc["events"][0]["description"] = own
    doc["events"][0]["evidence"] = [
        {"start": 0, "end": len(own), "text": own},
        {"start": 100, "end": 100 + len(again), "text": again},
    ]
    (row,) = [r for r in runlog.item_rows(doc)["events"] if r["item_id"] == "e1"]
    assert (row["evidence"], row["evidence_start"]) == (own, 0)
    doc["events"][0]["description"] = "Troops recaptured…"  # a description cut at a clause
    (row,) = [r for r in runlog.item_rows(doc)["events"] if r["item_id"] == "e1"]
    assert row["evidence"] == own
