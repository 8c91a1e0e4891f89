"""What a newcomer met (issue 20, item 4): each friction, fixed and tested in-process."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from summarizer.cli import app
from summarizer.config import DEFAULT_PROMPT
from summarizer.inputs import collect_inputs, read_article
from summarizer.models import cassette_path, recorded_dates
from tests.conftest import ROOT
from tests.extraction.test_pipeline import TEXT

runner = CliRunner()
DATASET = ROOT / "evals" / "datasets" / "articles.jsonl"


def _article(tmp_path: Path) -> Path:
    path = tmp_path / "bakhmut.txt"
    path.write_text(TEXT, encoding="utf-8")
    return path


# -- an offline replay of an article recorded under a publication date -------------------------


def test_offline_miss_names_the_date_the_article_is_recorded_under(tmp_path: Path, fake_model) -> None:
    fake_model(lambda request: {})  # resolves fake/m; --offline never calls it
    path = _article(tmp_path)
    sha = read_article(str(path)).sha256
    folder = tmp_path / "cassettes"
    recorded = cassette_path(folder, "fake/m", DEFAULT_PROMPT, sha, "2022-12-27")
    recorded.parent.mkdir(parents=True)
    recorded.write_text('{"interactions": [], "version": 1}', encoding="utf-8")
    assert recorded_dates(folder, "fake/m", DEFAULT_PROMPT, sha) == ["2022-12-27"]

    result = runner.invoke(app, ["--offline", "--cassettes", str(folder), "summarize", str(path), "-m", "fake/m"])
    assert result.exit_code == 4
    assert "--published 2022-12-27" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_offline_miss_with_no_other_recording_keeps_the_record_hint(tmp_path: Path, fake_model) -> None:
    fake_model(lambda request: {})
    folder = tmp_path / "cassettes"
    result = runner.invoke(
        app, ["--offline", "--cassettes", str(folder), "summarize", str(_article(tmp_path)), "-m", "fake/m"]
    )
    assert result.exit_code == 4
    assert "--published" not in result.stderr and "--record" in result.stderr


def test_batch_reads_each_dataset_line_with_its_date_and_finds_its_recording() -> None:
    """`--offline batch evals/datasets/articles.jsonl` replays every article: the JSONL reader
    keeps each line's `published`, which names the cassette the article was recorded in."""
    lines = [json.loads(line) for line in DATASET.read_text(encoding="utf-8").splitlines() if line.strip()]
    items = collect_inputs([DATASET]).items
    assert [i.article.id for i in items if i.article] == [line["id"] for line in lines]
    assert any(line.get("published") for line in lines)
    folder = ROOT / "cassettes" / "local_qwen2.5-coder-1.5b"
    prompt = max((p.name for p in folder.iterdir()), key=lambda name: len(list((folder / name).glob("*.meta.json"))))
    for item, line in zip(items, lines, strict=True):
        assert item.article is not None and item.article.published == line.get("published")
        path = cassette_path(
            ROOT / "cassettes", "local/qwen2.5-coder-1.5b", prompt, item.article.sha256, item.article.published
        )
        assert path.is_file(), f"{line['id']} has no recording at {path}"


# -- eval outside the checkout ------------------------------------------------------------------


def test_eval_from_another_folder_finds_the_projects_dataset(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["--offline", "eval", "--id", "no-such-article"])
    assert result.exit_code == 2
    assert "no such dataset" not in result.stderr and "no-such-article" in result.stderr  # the dataset was read


def test_eval_outside_the_checkout_says_where_the_dataset_is_expected(tmp_path: Path, monkeypatch) -> None:
    from summarizer.cli import _eval

    monkeypatch.chdir(tmp_path)
    installed = tmp_path / "site-packages" / "summarizer" / "cli" / "_eval.py"
    monkeypatch.setattr(_eval, "__file__", str(installed))  # an installed package, no checkout around it
    result = runner.invoke(app, ["--offline", "eval"])
    assert result.exit_code == 2
    line = result.stderr.strip()
    assert len(line.splitlines()) == 1
    assert str(tmp_path / "evals" / "datasets" / "articles.jsonl") in line  # where it is expected
    assert "--dataset FILE" in line


# -- --offline and a URL ---------------------------------------------------------------------------


def test_offline_refuses_a_url_without_resolving_its_host(monkeypatch, fake_model) -> None:
    import socket

    fake_model(lambda request: {})
    looked_up: list[object] = []

    def no_lookup(*args: object, **kwargs: object) -> object:
        looked_up.append(args[0] if args else kwargs)
        raise AssertionError("the host was resolved")

    monkeypatch.setattr(socket, "getaddrinfo", no_lookup)
    monkeypatch.setattr(socket, "gethostbyname", no_lookup)
    url = "https://user:secret@news.example.org/story/1"
    result = runner.invoke(app, ["--offline", "summarize", url, "-m", "fake/m"])
    assert result.exit_code == 2
    assert looked_up == []
    line = result.stderr.strip()
    assert "--offline does not fetch URLs" in line and "news.example.org" in line and "secret" not in line


# -- at 80 columns -------------------------------------------------------------------------------


def _eighty(args: list[str]) -> list[str]:
    result = runner.invoke(app, args, env={"COLUMNS": "80", "TERMINAL_WIDTH": "80"})
    assert result.exit_code == 0, result.output
    return result.stdout.splitlines()


def test_models_list_at_80_columns_shows_every_sha256_and_description_whole() -> None:
    from summarizer.local import LOCAL_MODELS

    lines = _eighty(["models", "list"])
    text = "\n".join(lines)
    assert all(len(line.rstrip()) <= 80 for line in lines)
    for name, model in LOCAL_MODELS.items():
        assert name in text and model.sha256 in text and model.description in text
    assert "…" not in text
    assert not [line for line in lines if line.strip() and set(line.strip()) <= set("│ ")]  # no empty wrap lines


def test_models_list_piped_is_one_table_row_per_model() -> None:
    from summarizer.local import LOCAL_MODELS

    listed = runner.invoke(app, ["models", "list"])
    for model in LOCAL_MODELS.values():
        (row,) = [line for line in listed.stdout.splitlines() if model.sha256 in line]
        assert model.description in row


def test_summarize_help_at_80_columns_names_the_default_model_whole() -> None:
    from summarizer.config import DEFAULT_MODEL

    for command in (["summarize", "-h"], ["batch", "-h"]):
        text = "\n".join(_eighty(command))
        assert "…" not in text, command
        assert text.count(DEFAULT_MODEL) >= 2  # in the example and as the default


def _runs_log(db: Path) -> tuple[str, str]:
    """A three-model eval run and a one-model summarize run in the run log at `db`."""
    from tests.runlog.test_runlog import document, start

    three = ("local/qwen2.5-coder-1.5b", "local/qwen2.5-coder-0.5b", "local/gemma-3-270m")
    ev = start(db, "eval", offline=True, models=three)
    for model, f1 in zip(three, (0.847, 0.783, 0.568), strict=True):
        ev.add_document(model, "art-1", document=document(), score={"macro_f1": f1})
        ev.add_scores(
            model,
            prompt_version="brief-v5",
            schema_hash="s1",
            articles=1,
            failures=0,
            macro_f1=f1,
            attribution=0.9,
            price=None,
            figures={"fields": {}},
        )
    ev.finish(0)
    one = start(db, "summarize", models=("local/qwen2.5-coder-1.5b",))
    one.add_document("local/qwen2.5-coder-1.5b", "art-1", document=document())
    one.finish(0)
    return ev.run_id, one.run_id


def test_runs_list_at_80_columns_keeps_each_run_in_its_columns_with_every_models_f1(tmp_path: Path) -> None:
    db = tmp_path / "runs.sqlite"
    ev, one = _runs_log(db)
    lines = _eighty(["--log-db", str(db), "runs", "list"])
    assert all(len(line) <= 80 for line in lines)
    column = lines[0].index("MODELS")
    (summarize,) = [line for line in lines if line.startswith(one)]
    assert summarize[column:].strip() == "1.5b"  # one line, the model in its column
    at = next(i for i, line in enumerate(lines) if line.startswith(ev))
    models = [lines[at][column:]] + [
        line[column:] for line in lines[at + 1 :] if line[:column].strip() == "" and line[column:].strip()
    ]
    assert " ".join(models).split(", ") == ["1.5b 0.847", "0.5b 0.783", "gemma-3-270m 0.568"]
    assert "  gemma-3-270m = local/gemma-3-270m" in lines


# -- runs diff -------------------------------------------------------------------------------------


def test_runs_diff_of_a_three_model_eval_and_a_one_model_run(tmp_path: Path) -> None:
    from tests.runlog.test_runlog import document, start

    db = tmp_path / "runs.sqlite"
    ev, _ = _runs_log(db)
    changed = document()
    changed["casualties"][0].update(count=None, low=2000, high=None, raw="thousands", claimed_by=None)
    one = start(db, "summarize", models=("local/qwen2.5-coder-1.5b",))
    one.add_document("local/qwen2.5-coder-1.5b", "art-1", document=changed)
    one.finish(0)
    result = runner.invoke(app, ["--log-db", str(db), "runs", "diff", ev, one.run_id])
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "only in A" not in out.replace("only in A (1 document, not compared)", "")  # one line a model
    assert "local/qwen2.5-coder-0.5b: only in A (1 document, not compared)" in out
    assert "+ casualties: killed ≥2,000 (thousands) of Ukraine, claimed by no one named" in out
    assert "None" not in out and "claimed by ?" not in out
    assert out.rstrip().endswith("1 document differs, 0 unchanged")


# -- report: a file, not the terminal ---------------------------------------------------------------


def test_report_writes_a_file_by_default_and_opens_it_on_request(tmp_path: Path, monkeypatch) -> None:
    import webbrowser

    from summarizer import models as providers
    from summarizer.config import Settings
    from summarizer.evaluation import _runner
    from summarizer.runlog import RunLog
    from tests.evaluation.test_evaluation import _app, _args, _fake_provider, _resolve_only, fake_summarize

    monkeypatch.setattr(_runner, "summarize", fake_summarize)  # the eval's fake models (no cassette, no server)
    monkeypatch.setattr(_runner, "check_model", _resolve_only)
    providers.register("fake", _fake_provider)
    try:
        assert runner.invoke(_app(Settings(offline=True)), _args(tmp_path, "fake/good", "fake/weak")).exit_code == 0
    finally:
        providers.unregister("fake")
    with RunLog.open() as log:
        run = log.run("last").run_id
    monkeypatch.chdir(tmp_path)
    opened: list[str] = []

    def fake_open(url: str, *a: object, **k: object) -> bool:
        opened.append(url)
        return True

    monkeypatch.setattr(webbrowser, "open", fake_open)

    res = runner.invoke(app, ["report", "last"])
    assert res.exit_code == 0, res.output
    written = tmp_path / f"report-{run}.html"
    assert res.stdout == "" and res.stderr.strip() == f"summarizer: wrote {written.name}"
    assert written.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert opened == []

    res = runner.invoke(app, ["report", "last", "--open", "--out", str(tmp_path / "r.html")])
    assert res.exit_code == 0 and opened == [(tmp_path / "r.html").resolve().as_uri()]
    assert runner.invoke(app, ["report", "last", "--out", "-"]).stdout.startswith("<!DOCTYPE html>")
    refused = runner.invoke(app, ["report", "last", "--out", "-", "--open"])
    assert refused.exit_code == 2 and "--open" in refused.stderr


# -- export ------------------------------------------------------------------------------------------


def test_export_of_one_model_of_an_eval_run(tmp_path: Path) -> None:
    import csv
    import io

    db = tmp_path / "runs.sqlite"
    ev, _ = _runs_log(db)
    res = runner.invoke(app, ["--log-db", str(db), "export", ev, "--model", "local/gemma-3-270m"])
    assert res.exit_code == 0, res.output
    rows = list(csv.DictReader(io.StringIO(res.stdout)))
    assert rows and {r["model"] for r in rows} == {"local/gemma-3-270m"}
    assert {r["date_basis"] for r in rows} == {"event", "published"}
    res = runner.invoke(app, ["--log-db", str(db), "export", ev, "--model", "local/nope"])
    assert res.exit_code == 2 and "has no model 'local/nope'" in res.stderr and "local/gemma-3-270m" in res.stderr


def test_export_actors_or_places_of_one_model(tmp_path: Path) -> None:
    """Actors and places can be exported too (each on its own: their columns are not the
    events'), of one model of an eval run; a mix that cannot be one table is one line, exit 2."""
    import csv
    import io

    db = tmp_path / "runs.sqlite"
    ev, _ = _runs_log(db)
    base = ["--log-db", str(db), "export", ev, "--model", "local/qwen2.5-coder-0.5b"]
    res = runner.invoke(app, [*base, "--what", "actors"])
    assert res.exit_code == 0, res.output
    actors = list(csv.DictReader(io.StringIO(res.stdout)))
    assert [a["name"] for a in actors] == ["Russian Ministry of Defence", "Russian forces"]
    assert {a["record"] for a in actors} == {"actor"} and {a["model"] for a in actors} == {"local/qwen2.5-coder-0.5b"}
    assert "side_basis" in actors[0] and actors[1]["events"] == "e1"
    res = runner.invoke(app, [*base, "-w", "places", "-f", "geojson"])
    assert res.exit_code == 0, res.output
    places = json.loads(res.stdout)["features"]
    assert [p["properties"]["name"] for p in places] == ["Bakhmut", "Nowhere"]
    assert places[0]["geometry"]["type"] == "Point" and places[0]["properties"]["precision"] == 1
    assert places[1]["geometry"] is None and places[1]["properties"]["precision"] is None  # not in the gazetteer
    res = runner.invoke(app, [*base, "-w", "figures", "-f", "jsonl"])
    assert res.exit_code == 0 and {json.loads(x)["record"] for x in res.stdout.splitlines()} == {"casualty"}
    for mix, words in ((["-w", "actors", "-w", "events"], "actors are exported on their own"),
                       (["-w", "actors", "-f", "geojson"], "actors have no point")):  # fmt: skip
        res = runner.invoke(app, [*base, *mix, "--out", str(tmp_path / "x.csv")])
        assert res.exit_code == 2 and words in res.stderr and len(res.stderr.strip().splitlines()) == 1
        assert not (tmp_path / "x.csv").exists()  # refused before anything is written


def test_exported_descriptions_end_where_a_clause_ends(tmp_path: Path) -> None:
    """Briefs of 000 and 003 replayed: an event whose sentence is long is described by a whole
    clause of it, marked "…" ("Ukraine announced that it successfully reclaimed the village of
    Andriivka, roughly six miles south of Bakhmut, last week" is cut before ", and said ..."), and
    the date that is the publication date says so."""
    offline = ["--offline", "--cassettes", str(ROOT / "cassettes")]

    def events_of(name: str, *published: str) -> list[dict]:  # type: ignore[type-arg]
        article = ROOT / "evals" / "datasets" / "articles" / f"{name}.txt"
        res = runner.invoke(app, [*offline, "summarize", str(article), *published])
        assert res.exit_code == 0, res.output
        res = runner.invoke(app, ["export", "last", "-w", "events", "-f", "jsonl"])
        assert res.exit_code == 0, res.output
        return [json.loads(line) for line in res.stdout.splitlines()]

    long_ones = events_of("000_8e4072f24d340fe0")
    dated = events_of("003_4cdece625b2c44d9", "--published", "2022-12-27")
    assert len(long_ones) >= 2 and dated
    for ev in [*long_ones, *dated]:
        sentence, description = " ".join(ev["evidence"].split()), ev["description"]
        cut = description.endswith("…") and sentence.startswith(description[:-1])
        assert description == sentence or cut, description
    (andriivka,) = [ev for ev in long_ones if ev["evidence"].startswith("Ukraine announced")]
    assert andriivka["description"].endswith("roughly six miles south of Bakhmut, last week…")
    assert {ev["date_basis"] for ev in dated} == {"published"} and {ev["date"] for ev in dated} == {"2022-12-27"}


# -- the README's offline examples, as written --------------------------------------------------------


def _readme_offline_summaries() -> list[list[str]]:
    """The `summarizer ... --offline ... summarize` lines of the README's code blocks (not batch,
    which replays every article: its reader is tested above), split as a shell would."""
    import shlex

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = readme.split("```")[1::2]
    lines = [line.split("  #")[0].strip() for block in blocks for line in block.splitlines()]
    return [
        shlex.split(line)[1:]
        for line in lines
        if line.startswith("summarizer ") and "--offline" in line.split() and "summarize" in line.split()
    ]


def test_the_readmes_offline_examples_run_as_written(monkeypatch) -> None:
    """The README's offline example of 003 gives the `--published` it is recorded under (it exited
    4 without it), and every other offline summarize example replays too."""
    commands = _readme_offline_summaries()
    assert any("003_4cdece625b2c44d9" in " ".join(c) and "--published" in c for c in commands), commands
    monkeypatch.chdir(ROOT)  # the README's paths are the checkout's
    for args in commands:
        result = runner.invoke(app, args)
        assert result.exit_code == 0, (args, result.stderr)
        assert result.stdout.strip(), args


# -- eval on a subset ---------------------------------------------------------------------------------


def test_eval_runs_the_articles_its_split_ids_and_limit_select(tmp_path: Path, monkeypatch) -> None:
    """`eval --limit N`, `--id ID` (repeatable) and `--split NAME` run only those articles (inspect's
    `--limit` and `--sample-id`); a split no article has is one line, exit 2."""
    from summarizer import models as providers
    from summarizer.config import Settings
    from summarizer.evaluation import _runner
    from tests.evaluation.test_evaluation import CALLS, DATA, _app, _args, _fake_provider, _resolve_only, fake_summarize

    monkeypatch.setattr(_runner, "summarize", fake_summarize)
    monkeypatch.setattr(_runner, "check_model", _resolve_only)
    providers.register("fake", _fake_provider)
    try:
        eval_app = _app(Settings(offline=True))
        ids = [json.loads(line)["id"] for line in DATA.read_text(encoding="utf-8").splitlines() if line.strip()]
        assert len(ids) >= 3
        for extra, expected in (
            (["--limit", "2"], ids[:2]),
            (["--id", ids[2], "--id", ids[0]], [ids[0], ids[2]]),
            (["--id", ids[1], "--limit", "1"], [ids[1]]),
        ):
            CALLS.clear()
            out = tmp_path / "out.json"
            res = runner.invoke(eval_app, [*_args(tmp_path, "fake/good"), *extra, "--json", str(out)])
            assert res.exit_code == 0, res.output
            assert [aid for _, aid in CALLS] == expected, extra
        res = runner.invoke(eval_app, [*_args(tmp_path, "fake/good"), "--split", "validation"])
        assert res.exit_code == 2 and "no record of split 'validation'" in res.stderr
    finally:
        providers.unregister("fake")
