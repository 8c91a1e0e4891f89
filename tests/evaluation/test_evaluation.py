"""The eval library, report and command, offline: a fake `summarize` stands in for the pipeline."""

from __future__ import annotations

import json
import math
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import typer
from typer.testing import CliRunner

from summarizer import evaluation
from summarizer import models as providers
from summarizer.cli._eval import eval_command
from summarizer.config import Settings
from summarizer.contract import (
    Actor,
    ArticleInfo,
    Casualty,
    Event,
    Location,
    Provenance,
    Span,
    SummaryDocument,
)
from summarizer.errors import (
    CassetteMissError,
    ConfigError,
    ExtractionError,
    InputError,
    ModelNotInstalledError,
)
from summarizer.evaluation import _runner
from summarizer.evaluation._store import safe_name
from summarizer.inputs import Article
from summarizer.models import ModelSpec
from summarizer.runlog import RunLog

DATA = Path(__file__).resolve().parents[1] / "data" / "gold_small.jsonl"


# ---------------------------------------------------------------------------- the fake model


CALLS: list[tuple[str, str]] = []


def _spans(text: str, needle: str) -> list[Span]:
    i = text.find(needle)
    return [Span(start=i, end=i + len(needle), text=needle)] if i >= 0 else []


def _doc(article: Article, model: str, **parts: Any) -> SummaryDocument:
    return SummaryDocument(
        article=ArticleInfo(id=article.id, sha256=article.sha256, chars=article.chars),
        summary="A neutral summary.",
        actors=parts.get("actors", []),
        locations=parts.get("locations", []),
        events=parts.get("events", []),
        casualties=parts.get("casualties", []),
        provenance=Provenance(
            model=model,
            prompt_version="test-v1",
            schema_hash="abc123",
            calls=3,
            retries=1 if model == "fake/weak" else 0,
            prompt_tokens=1000,
            completion_tokens=200,
            latency_s=2.0,
            first_try_valid=model != "fake/weak",
        ),
    )


def fake_summarize(article: Article, model: str, settings: Settings | None = None) -> SummaryDocument:
    t = article.text
    CALLS.append((model, article.id))
    if model == "fake/offline":
        raise CassetteMissError(f"no recorded answer for {article.id}")
    if model == "fake/buggy":
        if article.id == "eval-b":
            raise KeyError("oops")
        return _doc(article, model)
    if model == "fake/unwired":
        raise ModelNotInstalledError("weights of fake/unwired are not installed")
    if model == "fake/good":
        if article.id == "eval-a":
            return _doc(
                article,
                model,
                actors=[
                    Actor(id="a1", name="Wagner", kind="armed_group", side="Russia", mentions=_spans(t, "Wagner")),
                    Actor(
                        id="a2",
                        name="Yevgeny Prigozhin",
                        kind="person",
                        side="Russia",
                        mentions=_spans(t, "Yevgeny Prigozhin"),
                    ),
                ],
                locations=[
                    Location(id="l1", name="Bakhmut", kind="settlement", mentions=_spans(t, "Bakhmut")),
                    Location(id="l2", name="Kostiantynivka", kind="settlement", mentions=_spans(t, "Kostiantynivka")),
                ],
                events=[
                    Event(
                        id="e1",
                        type="strategic_development",
                        description="Wagner took it.",
                        location_ids=["l1"],
                        evidence=_spans(t, "they had taken Bakhmut"),
                    ),
                    Event(
                        id="e2",
                        type="explosion_remote_violence",
                        description="Shelling.",
                        location_ids=["l2"],
                        evidence=_spans(t, "shelling in Kostiantynivka"),
                    ),
                ],
                casualties=[
                    Casualty(
                        id="c1",
                        kind="killed",
                        low=8,
                        raw="at least 8",
                        affected="civilians",
                        claimed_by="Ukrainian army",
                        evidence=_spans(t, "at least 8 civilians were killed"),
                    ),
                ],
            )
        if article.id == "eval-b":
            return _doc(
                article,
                model,
                actors=[Actor(id="a1", name="Protesters", kind="civilians", mentions=_spans(t, "Protesters"))],
                locations=[Location(id="l1", name="Kiev", kind="settlement", mentions=_spans(t, "Kyiv"))],
                events=[Event(id="e1", type="protest_riot", description="A protest.", location_ids=["l1"])],
            )
        return _doc(article, model)  # eval-c: nothing to report
    if model == "fake/weak":
        if article.id == "eval-a":
            return _doc(
                article,
                model,
                actors=[
                    Actor(
                        id="a1",
                        name="Wagner fighters",
                        kind="armed_group",
                        side=None,
                        mentions=_spans(t, "Wagner fighters"),
                    ),
                    Actor(
                        id="a2",
                        name="Russian forces",
                        kind="armed_forces",
                        mentions=[Span(start=0, end=5, text="wrong")],
                    ),
                ],
                locations=[Location(id="l1", name="Bakhmut", kind="region", mentions=_spans(t, "Bakhmut"))],
            )
        if article.id == "eval-b":
            raise ExtractionError("the model produced no valid JSON")
        return _doc(
            article,
            model,
            actors=[
                Actor(id="a1", name="the Kremlin", kind="government", side="Russia", mentions=_spans(t, "Kremlin"))
            ],
        )
    raise AssertionError(model)


def _fake_provider(model: str, settings: Settings) -> ModelSpec:
    if model == "misconfigured":
        raise ConfigError("fake/misconfigured needs a key")
    return ModelSpec(name=f"fake/{model}", provider="fake", model_id=model, mode="json_schema")


def _resolve_only(model: str, settings: Settings, articles: object = ()) -> ModelSpec:
    """The preflight of a fake model that needs no cassette, weights or server: it resolves."""
    return providers.resolve(model, settings)


@pytest.fixture(autouse=True)
def fake_model(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[None]:
    monkeypatch.setattr(_runner, "summarize", fake_summarize)
    monkeypatch.setattr(_runner, "check_model", _resolve_only)
    monkeypatch.setenv("SUMMARIZER_DATA_DIR", str(tmp_path / "data"))
    providers.register("fake", _fake_provider)
    yield
    providers.unregister("fake")


@pytest.fixture(scope="module")
def result() -> evaluation.EvalResult:
    providers.register("fake", _fake_provider)
    original, original_check = _runner.summarize, _runner.check_model
    _runner.summarize = fake_summarize  # type: ignore[assignment]
    _runner.check_model = _resolve_only  # type: ignore[assignment]
    try:
        data = evaluation.load_dataset(DATA)
        return evaluation.run_eval(data, ["fake/good", "fake/weak"], Settings(offline=True), resamples=200)
    finally:
        _runner.summarize = original  # type: ignore[assignment]
        _runner.check_model = original_check  # type: ignore[assignment]
        providers.unregister("fake")


# ---------------------------------------------------------------------------- dataset loading


def _write(tmp_path: Path, lines: list[str]) -> Path:
    p = tmp_path / "d.jsonl"
    p.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return p


GOOD = json.dumps({"id": "x", "text": "Some text.", "gold": {"actors": []}})


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("{not json", "d.jsonl:2: not valid JSON"),
        ("[1, 2]", "d.jsonl:2: expected a JSON object"),
        (json.dumps({"id": "y", "gold": {}}), "d.jsonl:2 (id 'y'): not a gold record: text"),
        (
            json.dumps({"id": "y", "text": "t", "gold": {"actors": [{"name": "A", "kind": "alien"}]}}),
            "gold.actors.0.kind",
        ),
        (json.dumps({"id": "y", "text": "t", "published": "May 5", "gold": {}}), "published"),
        (
            json.dumps({"id": "y", "text": "t", "gold": {"casualties": [{"kind": "killed", "low": 9, "high": 3}]}}),
            "low (9) is above high (3)",
        ),
        (json.dumps({"id": "x", "text": "t", "gold": {}}), "duplicate id 'x' (first on line 1)"),
        (json.dumps({"id": "y", "text": "t"}), "gold: Field required"),
    ],
)
def test_bad_dataset_lines_are_named(tmp_path: Path, line: str, expected: str) -> None:
    with pytest.raises(InputError) as info:
        evaluation.load_dataset(_write(tmp_path, [GOOD, line]))
    assert expected in info.value.message
    assert info.value.exit_code == 2


def test_dataset_file_errors(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such dataset"):
        evaluation.load_dataset(tmp_path / "missing.jsonl")
    with pytest.raises(InputError, match="no records"):
        evaluation.load_dataset(_write(tmp_path, ["", "  "]))
    with pytest.raises(InputError, match="not a regular file"):
        evaluation.load_dataset(tmp_path)


def test_dataset_accepts_extensions_and_defaults(tmp_path: Path) -> None:
    line = json.dumps(
        {"id": "x", "text": "T", "extra": 1, "gold": {"actors": [{"name": "A", "kind": "person", "note": "extended"}]}}
    )
    d = evaluation.load_dataset(_write(tmp_path, ["", line, ""]))
    rec = d.records[0]
    assert rec["extra"] == 1 and rec["published"] is None
    assert rec["gold"]["actors"][0] == {
        "name": "A",
        "aliases": [],
        "kind": "person",
        "side": None,
        "optional": False,
        "note": "extended",
    }
    assert rec["gold"]["events"] == []


def test_project_dataset_loads_if_present() -> None:
    project = Path(__file__).resolve().parents[2] / "evals" / "datasets" / "articles.jsonl"
    if not project.exists():
        pytest.skip("no project dataset yet")
    assert len(evaluation.load_dataset(project)) > 0


# ---------------------------------------------------------------------------- a full run


def test_figures_by_hand(result: evaluation.EvalResult) -> None:
    good = result.run("fake/good").aggregate
    assert good.macro_f1 == 1.0 and good.macro_f1_ci == (1.0, 1.0)
    assert good.failures == 0 and good.grounding_rate == 1.0
    assert good.fields["events"].tp == 3
    assert good.attributes["casualty_claimed_by"].accuracy == 1.0
    assert good.first_try_valid == 1.0 and good.prompt_tokens == 3000

    weak = result.run("fake/weak")
    a = weak.aggregate
    # actors: eval-a Wagner hit, "Russian forces" FP, Prigozhin missed; eval-b failed (1 FN);
    # eval-c "the Kremlin" matches an optional item: nothing.
    assert (a.fields["actors"].tp, a.fields["actors"].fp, a.fields["actors"].fn) == (1, 1, 2)
    assert math.isclose(a.fields["actors"].f1, 0.4)
    assert (a.fields["locations"].tp, a.fields["locations"].fn) == (1, 2)
    assert math.isclose(a.fields["locations"].f1, 0.5)
    assert a.fields["events"].f1 == 0.0 and a.fields["casualties"].f1 == 0.0
    assert math.isclose(a.macro_f1, 0.225)
    assert a.failures == 1
    assert a.attributes["actor_side"].accuracy == 0.0  # null against Russia
    assert a.attributes["location_kind"].accuracy == 0.0
    assert (a.spans_exact, a.spans_total) == (3, 4)
    assert a.retries == 2 and a.first_try_valid == 0.0
    assert a.cost_usd is None  # unknown remote model: no price
    failed = weak.results[1]
    assert failed.failed and failed.model_failure and failed.score.error_type == "ExtractionError"
    assert not weak.run_problems()

    (comp,) = result.comparisons
    assert comp.baseline == "fake/good" and comp.model == "fake/weak"
    d = comp.differences["macro_f1"]
    assert math.isclose(d.diff, 0.225 - 1.0)
    assert d.ci[0] <= d.diff <= d.ci[1]


def test_failing_articles_do_not_stop_the_run(tmp_path: Path) -> None:
    data = evaluation.load_dataset(DATA)
    res = evaluation.run_eval(data, ["fake/offline", "fake/good"], resamples=50)
    off = res.run("fake/offline")
    assert off.aggregate.failures == 3 and len(off.run_problems()) == 3
    assert off.results[0].error_exit_code == 4
    assert res.run("fake/good").aggregate.macro_f1 == 1.0


def test_a_bug_is_recorded_not_raised() -> None:
    data = evaluation.load_dataset(DATA)
    res = evaluation.run_eval(data, ["fake/buggy"], resamples=10)
    (problem,) = res.run("fake/buggy").run_problems()
    assert problem.article_id == "eval-b" and problem.error_exit_code == 70  # InternalError: exit 70
    assert problem.score.error_type == "InternalError"
    assert "unexpected KeyError at test_evaluation.py:" in (problem.score.error or "")


def test_configuration_error_mid_run_is_not_retried() -> None:
    data = evaluation.load_dataset(DATA)
    CALLS.clear()
    res = evaluation.run_eval(data, ["fake/unwired", "fake/good"], resamples=10)
    assert CALLS.count(("fake/unwired", "eval-a")) == 1 and len(CALLS) == 1 + 3
    run = res.run("fake/unwired")
    assert [r.score.error_type for r in run.results] == ["ModelNotInstalledError"] * 3
    assert {r.error_exit_code for r in run.results} == {3}


def test_misconfigured_model_fails_before_running() -> None:
    data = evaluation.load_dataset(DATA)
    with pytest.raises(ConfigError):
        evaluation.run_eval(data, ["fake/good", "fake/misconfigured"], resamples=10)


def test_save_predictions_layout(result: evaluation.EvalResult, tmp_path: Path) -> None:
    written = evaluation.save_predictions(result, tmp_path / "preds")
    names = sorted(str(p.relative_to(tmp_path / "preds")) for p in written)
    assert names == [
        "fake_good/eval-a.json",
        "fake_good/eval-b.json",
        "fake_good/eval-c.json",
        "fake_weak/eval-a.json",
        "fake_weak/eval-c.json",  # eval-b failed: no document
    ]
    doc = json.loads((tmp_path / "preds" / "fake_good" / "eval-a.json").read_text())
    assert doc["article"]["id"] == "eval-a" and doc["schema_version"] == "1"


def test_safe_names() -> None:
    assert safe_name("local/qwen2.5-coder-1.5b") == "local_qwen2.5-coder-1.5b"
    assert safe_name("../../etc/passwd") == "_.._.._etc_passwd"
    assert safe_name("..") == "_.."


def _strict_json(text: str) -> Any:
    def bad(name: str) -> None:
        raise ValueError(name)

    return json.loads(text, parse_constant=bad)


def test_json_shape(result: evaluation.EvalResult, tmp_path: Path) -> None:
    out = _strict_json(evaluation.write_json(result, tmp_path / "r.json").read_text())
    assert [r["model"] for r in out["runs"]] == ["fake/good", "fake/weak"]
    run = out["runs"][1]
    for key in (
        "macro_f1",
        "fields",
        "attributes",
        "grounding_rate",
        "first_try_valid",
        "retries",
        "prompt_tokens",
        "completion_tokens",
        "latency_s",
        "cost_usd",
        "failures",
        "articles",
        "prompt_version",
        "schema_hash",
    ):
        assert key in run, key
    assert set(run["fields"]) == {"actors", "locations", "events", "casualties"}
    actors = run["fields"]["actors"]
    assert {"precision", "recall", "f1", "f1_ci"} <= set(actors)
    assert len(actors["f1_ci"]) == 2
    assert run["prompt_version"] == "test-v1" and run["schema_hash"] == "abc123"
    assert run["failures"] == 1 and run["cost_usd"] is None
    art = {a["id"]: a for a in run["articles"]}
    assert art["eval-b"]["failed"] and art["eval-b"]["error_type"] == "ExtractionError"
    assert art["eval-a"]["fields"]["actors"]["misses"] == ["Yevgeny Prigozhin (person, side: Russia)"]
    assert art["eval-a"]["fields"]["actors"]["false_positives"] == ["Russian forces (armed_forces, side: None)"]
    (comp,) = out["comparisons"]
    assert comp["baseline"] == "fake/good" and set(comp["fields"]) == set(run["fields"])
    assert math.isclose(comp["macro_f1"]["diff"], -0.775)


# ---------------------------------------------------------------------------- report
# The HTML report and the terminal comparison are tested in test_report.py.


# ---------------------------------------------------------------------------- the command


def _app(settings: Settings | None = None) -> typer.Typer:
    app = typer.Typer()

    @app.callback()
    def main(ctx: typer.Context) -> None:
        ctx.obj = settings

    app.command("eval")(eval_command)
    return app


def _args(tmp_path: Path, *models: str) -> list[str]:
    args = ["eval", "--dataset", str(DATA)]
    for m in models:
        args += ["--model", m]
    return args


def test_cli_full_run(tmp_path: Path) -> None:
    runner = CliRunner()
    args = _args(tmp_path, "fake/good", "fake/weak") + [
        "--json",
        str(tmp_path / "out.json"),
        "--report",
        str(tmp_path / "r.html"),
        "--save-predictions",
        str(tmp_path / "preds"),
    ]
    res = runner.invoke(_app(Settings(offline=True)), args)
    assert res.exit_code == 0, res.output
    assert "fake/good" in res.stdout and "Comparison" in res.stdout
    assert "macro F1 0.225" in res.stdout
    assert "-0.775" in res.stdout
    assert _strict_json((tmp_path / "out.json").read_text())["runs"][0]["macro_f1"] == 1.0
    assert (tmp_path / "r.html").read_text().startswith("<!DOCTYPE html>")
    assert (tmp_path / "preds" / "fake_weak" / "eval-a.json").exists()
    with RunLog.open() as log:  # the test's run log (tests/conftest.py)
        (run,) = log.runs()
        assert run.command == "eval" and run.documents == 5 and run.failures == 1
        assert {s.model: s.macro_f1 for s in log.scores(run.run_id)} == {"fake/good": 1.0, "fake/weak": 0.225}
    again = runner.invoke(_app(Settings(offline=True)), _args(tmp_path, "fake/weak"))
    assert again.exit_code == 0
    assert f"fake/weak: macro F1 0.225 against 0.225 in replay {run.run_id}" in again.stdout


def test_report_rebuilds_the_html_of_an_eval_run_from_the_log(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from summarizer.cli import app
    from summarizer.runlog import _write

    # the report shows the run's start as the log records it (one clock reading, not two that
    # may fall on either side of a second)
    monkeypatch.setattr(_write, "now", lambda: "2001-02-03T04:05:06+00:00")
    runner = CliRunner()
    args = _args(tmp_path, "fake/good", "fake/weak") + ["--report", str(tmp_path / "r.html")]
    assert runner.invoke(_app(Settings(offline=True)), args).exit_code == 0
    with RunLog.open() as log:
        run = log.run("last")
    rebuilt = runner.invoke(app, ["report", run.run_id[:6], "--out", str(tmp_path / "again.html")])
    assert rebuilt.exit_code == 0, rebuilt.output
    original = (tmp_path / "r.html").read_text(encoding="utf-8")
    assert (tmp_path / "again.html").read_text(encoding="utf-8") == original  # same documents, gold, bootstrap
    assert run.run_id in original and run.started == "2001-02-03T04:05:06+00:00" and run.started in original
    diff = runner.invoke(app, ["runs", "diff", run.run_id, run.run_id])
    assert "fake/weak: macro F1 0.225 -> 0.225 (+0.000)" in diff.stdout


def test_cli_min_f1(tmp_path: Path) -> None:
    runner = CliRunner()
    res = runner.invoke(_app(), _args(tmp_path, "fake/good", "fake/weak") + ["--min-f1", "0.5"])
    assert res.exit_code == 1
    assert "macro F1 0.225 of fake/weak is below --min-f1 0.5" in res.stderr
    res = runner.invoke(_app(), _args(tmp_path, "fake/good") + ["--min-f1", "0.9"])
    assert res.exit_code == 0


def test_cli_errors(tmp_path: Path) -> None:
    runner = CliRunner()
    bad = tmp_path / "bad.jsonl"
    bad.write_text("{oops\n")
    res = runner.invoke(_app(), ["eval", "--dataset", str(bad), "--model", "fake/good"])
    assert res.exit_code == 2
    assert res.stderr.count("\n") == 1 and "bad.jsonl:1: not valid JSON" in res.stderr

    res = runner.invoke(_app(), _args(tmp_path, "nope/model"))
    assert res.exit_code == 3 and "unknown provider" in res.stderr

    # every article missing from the cassettes: figures still printed, then exit 4
    res = runner.invoke(_app(), _args(tmp_path, "fake/good", "fake/offline"))
    assert res.exit_code == 4
    assert "fake/offline: 3 of 3 articles failed" in res.stderr
    assert "Comparison" in res.stdout

    res = runner.invoke(_app(), _args(tmp_path, "fake/buggy"))
    assert res.exit_code == 70 and "InternalError: unexpected KeyError" in res.stderr

    res = runner.invoke(_app(Settings(offline=True)), _args(tmp_path, "fake/good") + ["--record"])
    assert res.exit_code == 2 and "exclude each other" in res.stderr  # bad usage (issue 10, item 15)


def test_select_runs_a_split_some_ids_or_the_first_n(tmp_path: Path) -> None:
    from summarizer.errors import InputError
    from summarizer.evaluation import load_dataset, select

    lines: list[dict[str, object]] = [
        {"id": f"a{i}", "text": f"Text {i}.", "split": "dev" if i % 2 else "validation", "gold": {}} for i in range(5)
    ]
    path = tmp_path / "g.jsonl"
    path.write_text("".join(json.dumps(x) + "\n" for x in lines))
    data = load_dataset(path)
    assert [r["id"] for r in select(data, split="validation").records] == ["a0", "a2", "a4"]
    assert [r["id"] for r in select(data, split="dev", limit=1).records] == ["a1"]
    assert [r["id"] for r in select(data, ids=["a3", "a0"]).records] == ["a0", "a3"]
    assert select(data) is data
    with pytest.raises(InputError, match="no record of split 'test'"):
        select(data, split="test")
    with pytest.raises(InputError, match="no record with id 'zz'"):
        select(data, ids=["zz"])
