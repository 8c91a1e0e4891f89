"""MUC-4: CEAF-REE on hand-made gold and predictions (alignment, per-role and micro sums), the
data files, our roles as role fillers, the command; and GRIT's published figure reproduced
when the MUC-4 folder holds the data (`python evals/muc4_fetch.py`)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import typer
from typer.testing import CliRunner

from summarizer import config
from summarizer import models as providers
from summarizer.cli._eval import eval_command
from summarizer.config import Settings
from summarizer.errors import CassetteMissError, ExtractionError, InputError
from summarizer.evaluation import (
    Muc4Document,
    RoleScore,
    _runner,
    document_to_muc4,
    grit_docid,
    load_muc4,
    muc4_file,
    read_grit_predictions,
    run_muc4,
    score_muc4,
    to_grit_predictions,
)
from summarizer.evaluation._muc4 import normalize_mention, perp_role
from summarizer.inputs import Article
from summarizer.models import ModelSpec

ROLES = ("PerpInd", "PerpOrg", "Target", "Victim", "Weapon")


def gold(docid: str = "TST1-MUC3-0001", **roles: list[list[str]]) -> Muc4Document:
    return Muc4Document(docid, "text", {role: roles.get(role, []) for role in ROLES})


# ---------------------------------------------------------------------------- CEAF-REE by hand


def test_normalisation() -> None:
    assert normalize_mention("The  FMLN.") == "fmln"
    assert normalize_mention('"El Roble" farm') == "el roble farm"
    assert normalize_mention("an army of a people") == "army of people"
    assert normalize_mention("the") == ""
    assert normalize_mention("théâtre") == "théâtre"  # only ASCII punctuation goes; no accent folding


def test_a_prediction_matches_when_all_its_mentions_are_the_gold_entitys() -> None:
    doc = gold(Target=[["power station", "station"], ["bus"]])
    cases = [
        ([["station"]], 1),  # one mention of the entity
        ([["The power station", "station!"]], 1),  # all of them, normalised
        ([["The Power-Station"]], 0),  # "powerstation": the hyphen goes, no space comes
        ([["station", "bus"]], 0),  # a mention the entity lacks
        ([["station"], ["power station"]], 1),  # two predictions of one entity: one pair
    ]
    for pred, matched in cases:
        score = score_muc4({doc.docid: {"Target": pred}}, [doc]).roles["Target"]
        assert (score.matched, score.predicted, score.gold) == (matched, len(pred), 2), pred


def test_alignment_is_optimal_not_greedy() -> None:
    # Taking the first fit ([a] -> [a, b]) would leave [b] unmatched: the best alignment is 2.
    doc = gold(Victim=[["a man", "the mayor"], ["man"]])
    score = score_muc4({doc.docid: {"Victim": [["man"], ["mayor"]]}}, [doc])
    assert score.roles["Victim"] == RoleScore(matched=2, predicted=2, gold=2)
    # One gold entity, several predictions that fit it: one pair only.
    doc = gold(Weapon=[["bomb", "car bomb"]])
    score = score_muc4({doc.docid: {"Weapon": [["bomb"], ["car bomb"], ["rifle"]]}}, [doc])
    assert score.roles["Weapon"] == RoleScore(matched=1, predicted=3, gold=1)


def test_per_role_and_micro_sums_by_hand() -> None:
    d1 = gold("TST1-MUC3-0001", PerpInd=[["guerrillas"]], Target=[["embassy"], ["car"]], Victim=[["judge"]])
    d2 = gold("TST2-MUC4-0002", PerpOrg=[["fmln"]], Target=[["bridge"]])
    predictions = {
        "10001": {"PerpInd": [["guerrillas"]], "Target": [["embassy"], ["bus"]], "Weapon": [["bomb"]]},  # GRIT id
        "TST2-MUC4-0002": {"PerpOrg": [["farabundo marti front"]], "Target": [["bridge"]]},  # docid
    }
    score = score_muc4(predictions, [d1, d2])
    assert score.roles["PerpInd"] == RoleScore(1, 1, 1)
    assert score.roles["PerpOrg"] == RoleScore(0, 1, 1)
    assert score.roles["Target"] == RoleScore(2, 3, 3)
    assert score.roles["Victim"] == RoleScore(0, 0, 1)
    assert score.roles["Weapon"] == RoleScore(0, 1, 0)
    micro = score.micro
    assert micro == RoleScore(3, 6, 6)
    assert micro.precision == micro.recall == micro.f1 == 0.5
    t = score.roles["Target"]
    assert t.precision == pytest.approx(2 / 3) and t.f1 == pytest.approx(2 / 3)
    # Nothing matched: P, R and F1 are 0 (no division by zero with no prediction at all).
    assert (score.roles["Victim"].precision, score.roles["Victim"].recall, score.roles["Victim"].f1) == (0, 0, 0)
    assert score.documents == 2 and score.missing == ()
    # Micro is over the summed counts, not the mean of the roles' F1.
    mean_f1 = sum(s.f1 for s in score.roles.values()) / 5
    assert mean_f1 == pytest.approx((1 + 0 + 2 / 3 + 0 + 0) / 5) != micro.f1


def test_missing_documents_and_empty_entities() -> None:
    d1 = gold("TST1-MUC3-0001", Victim=[["priest"]])
    d2 = gold("TST1-MUC3-0002", Victim=[["nun"]])
    score = score_muc4({"TST1-MUC3-0001": {"Victim": [["priest"], []]}}, [d1, d2])
    assert score.missing == ("TST1-MUC3-0002",)
    assert score.roles["Victim"] == RoleScore(matched=1, predicted=1, gold=2)  # [] is no prediction


def test_to_dict_carries_per_role_and_micro() -> None:
    doc = gold(Weapon=[["dynamite"]])
    out = score_muc4({doc.docid: {"Weapon": [["dynamite"]]}}, [doc]).to_dict()
    assert set(out["roles"]) == set(ROLES)
    assert out["micro"] == {"precision": 1.0, "recall": 1.0, "f1": 1.0, "matched": 1, "predicted": 1, "gold": 1}
    assert out["roles"]["Victim"]["f1"] == 0.0


# ---------------------------------------------------------------------------- the data files


def test_grit_ids() -> None:
    assert grit_docid("TST3-MUC4-0012") == "30012"
    assert grit_docid("TST1-MUC3-0100") == "10100"
    assert grit_docid("DEV-MUC3-0012") == "12"
    assert grit_docid("odd") == "odd"


def _muc4_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "muc4"
    folder.mkdir()
    lines = [
        {
            "docid": "TST3-MUC4-0001",
            "doctext": "guerrillas bombed the embassy with dynamite.",
            "extracts": {
                "PerpInd": [[["guerrillas", 0]]],
                "PerpOrg": [],
                "Target": [[["embassy", 27], ["the embassy", 23]]],
                "Victim": [[]],  # an entity with no mention is no entity
                "Weapon": [[["dynamite", 40]]],
            },
        },
        {"docid": "TST3-MUC4-0002", "doctext": "nothing happened.", "extracts": {r: [] for r in ROLES}},
    ]
    (folder / "test.json").write_text("\n".join(json.dumps(x) for x in lines) + "\n", encoding="utf-8")
    monkeypatch.setenv("SUMMARIZER_MUC4_DIR", str(folder))
    return folder


def test_split_files_and_their_errors(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = _muc4_folder(tmp_path, monkeypatch)
    assert muc4_file("muc4:test") == folder / "test.json"
    docs = load_muc4(muc4_file("muc4:test"))
    assert [d.grit_id for d in docs] == ["30001", "30002"]
    assert docs[0].gold["Target"] == [["embassy", "the embassy"]] and docs[0].gold["Victim"] == []
    with pytest.raises(InputError, match="MUC-4 dev is not at .*dev.json") as missing:
        muc4_file("muc4:dev")
    assert "evals/muc4_fetch.py" in missing.value.one_line() and "\n" not in missing.value.one_line()
    with pytest.raises(InputError, match="unknown MUC-4 split"):
        muc4_file("muc4:validation")
    (folder / "train.json").write_text('{"docid": "DEV-MUC3-0001"}\n', encoding="utf-8")
    with pytest.raises(InputError, match=r"train.json:1: not a MUC-4 document"):
        load_muc4(muc4_file("muc4:train"))
    monkeypatch.delenv("SUMMARIZER_MUC4_DIR")
    monkeypatch.setenv("SUMMARIZER_DATA_DIR", str(tmp_path / "data"))
    assert config.muc4_dir() == tmp_path / "data" / "datasets" / "muc4"


def test_prediction_files_round_trip(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _muc4_folder(tmp_path, monkeypatch)
    docs = load_muc4(muc4_file("muc4:test"))
    ours: dict[str, dict[str, list[list[str]]]] = {
        "TST3-MUC4-0001": {r: [] for r in ROLES} | {"Weapon": [["dynamite"]]}
    }
    path = tmp_path / "preds.out"
    path.write_text(json.dumps(to_grit_predictions(ours, docs)), encoding="utf-8")
    read = read_grit_predictions(path)
    assert set(read) == {"30001", "30002"} and read["30001"]["Weapon"] == [["dynamite"]]
    assert score_muc4(read, docs).micro == RoleScore(matched=1, predicted=1, gold=3)
    path.write_text('{"30001": {"pred_seq": ""}}', encoding="utf-8")
    with pytest.raises(InputError, match="30001 has no pred_extracts"):
        read_grit_predictions(path)
    with pytest.raises(InputError, match="cannot read predictions"):
        read_grit_predictions(tmp_path / "absent.out")


# ---------------------------------------------------------------------------- our roles


def _span(text: str) -> dict[str, Any]:
    return {"start": 0, "end": len(text), "text": text}


def summary_with_roles() -> dict[str, Any]:
    return {
        "actors": [
            {"id": "a1", "name": "FMLN", "kind": "armed_group", "mentions": [_span("FMLN"), _span("the front")]},
            {"id": "a2", "name": "Pablo Escobar", "kind": "person", "mentions": [_span("escobar")]},
            {"id": "a3", "name": "Salvadoran army", "kind": "armed_forces", "mentions": [_span("army")]},
        ],
        "locations": [{"id": "l1", "name": "embassy", "kind": "facility", "mentions": [_span("the embassy")]}],
        "events": [
            {
                "id": "e1",
                "type": "explosion_remote_violence",
                "by": [
                    {"name": "FMLN", "actor_id": "a1", "mentions": [_span("fmln")]},
                    {"name": "gunmen", "mentions": [_span("gunmen"), _span("heavily armed men")]},
                    {"name": "Pablo Escobar", "actor_id": "a2"},
                ],
                "against": [{"name": "Salvadoran army", "actor_id": "a3"}],
                "targets": [{"name": "embassy", "location_id": "l1"}],
                "victims": [{"name": "a judge", "mentions": [_span("judge")]}],
                "weapons": [{"name": "car bomb"}],
            },
            {  # the same participants again: one entity each, mentions pooled
                "id": "e2",
                "type": "battle",
                "by": [{"name": "FMLN", "actor_id": "a1", "mentions": [_span("farabundo marti front")]}],
                "weapons": [{"name": "Car Bomb", "mentions": [_span("bomb")]}],
            },
        ],
    }


def test_document_to_muc4() -> None:
    fillers = document_to_muc4(summary_with_roles())
    # one entity per participant, given by one mention: its name (an actor's or place's name
    # before the filler's words), as CEAF-REE wants every listed mention to be the gold entity's
    assert fillers == {
        "PerpInd": [["gunmen"], ["Pablo Escobar"]],
        "PerpOrg": [["FMLN"]],  # one entity for the two events' fillers of the actor
        "Target": [["embassy"]],
        "Victim": [["a judge"]],
        "Weapon": [["car bomb"]],  # "Car Bomb" is the same by normalised name; `against` has no MUC-4 role
    }


def test_documents_without_roles_have_no_fillers() -> None:
    doc = summary_with_roles()
    for event in doc["events"]:
        for key in ("by", "against", "targets", "victims", "weapons"):
            event.pop(key, None)
    assert document_to_muc4(doc) == {role: [] for role in ROLES}
    assert document_to_muc4({}) == {role: [] for role in ROLES}
    odd = {  # not lists of objects, blank names, ids of the wrong type
        "actors": [{"id": ["a1"], "name": "FMLN"}],
        "events": [{"by": "FMLN", "victims": [{"name": ""}, 3], "targets": [{"location_id": {"x": 1}}]}],
    }
    assert document_to_muc4(odd) == {role: [] for role in ROLES}


@pytest.mark.parametrize(
    ("name", "kind", "role"),
    [
        ("Pablo Escobar", "person", "PerpInd"),
        ("guerrillas", "armed_group", "PerpInd"),
        ("members of the salvadoran army", "armed_forces", "PerpInd"),
        ("group of heavily armed men", None, "PerpInd"),
        ("unidentified individuals", None, "PerpInd"),
        ("death squads", None, "PerpInd"),
        ("FMLN", "armed_group", "PerpOrg"),
        ("army of national liberation", "armed_group", "PerpOrg"),
        ("Medellin cartel", "organization", "PerpOrg"),
        ("zarate willka group", None, "PerpOrg"),
        ("the government", "government", "PerpOrg"),
    ],
)
def test_perpetrators_individual_or_organisation(name: str, kind: str | None, role: str) -> None:
    assert perp_role(name, kind) == role


# ---------------------------------------------------------------------------- a model over MUC-4


class _Summary:
    def __init__(self, doc: dict[str, Any]) -> None:
        self.doc = doc

    def model_dump(self, mode: str = "json") -> dict[str, Any]:
        return self.doc


def _fake_summarize(article: Article, model: str, settings: Settings | None = None) -> _Summary:
    if model == "fake/offline":
        raise CassetteMissError(f"no cassette for {article.id}")
    if article.id == "TST3-MUC4-0002":
        raise ExtractionError("no valid JSON")
    return _Summary(
        {
            "actors": [],
            "events": [
                {"by": [{"name": "guerrillas"}], "targets": [{"name": "embassy"}], "weapons": [{"name": "dynamite"}]}
            ],
        }
    )


@pytest.fixture
def fake_pipeline(monkeypatch: pytest.MonkeyPatch) -> Any:
    monkeypatch.setattr(_runner, "summarize", _fake_summarize)
    monkeypatch.setattr(_runner, "check_model", lambda model, settings, articles=(): None)
    providers.register(
        "fake", lambda m, s: ModelSpec(name=f"fake/{m}", provider="fake", model_id=m, mode="json_schema")
    )
    yield
    providers.unregister("fake")


def test_run_muc4(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fake_pipeline: Any) -> None:
    _muc4_folder(tmp_path, monkeypatch)
    run = run_muc4("fake/good", "test")
    assert run.predictions["TST3-MUC4-0001"]["PerpInd"] == [["guerrillas"]]
    assert run.score.micro == RoleScore(matched=3, predicted=3, gold=3)
    assert list(run.failures) == ["TST3-MUC4-0002"] and run.run_problems() == []
    assert run_muc4("fake/good", "muc4:test", limit=1).score.documents == 1


def _app() -> typer.Typer:
    app = typer.Typer()

    @app.callback()
    def main(ctx: typer.Context) -> None:
        ctx.obj = Settings(offline=True)

    app.command("eval")(eval_command)
    return app


def test_cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fake_pipeline: Any) -> None:
    _muc4_folder(tmp_path, monkeypatch)
    runner = CliRunner()
    out = tmp_path / "figures.json"
    saved = tmp_path / "saved"
    res = runner.invoke(
        _app(),
        ["eval", "-d", "muc4:test", "-m", "fake/good", "--json", str(out), "--save-predictions", str(saved)],
    )
    assert res.exit_code == 0, res.output
    assert "fake/good — micro P 100.00 R 100.00 F1 100.00" in res.stdout and "Weapon" in res.stdout
    figures = json.loads(out.read_text())
    assert figures["dataset"] == "muc4:test" and figures["runs"][0]["model"] == "fake/good"
    assert figures["runs"][0]["micro"]["f1"] == 1.0 and figures["runs"][0]["roles"]["PerpInd"]["recall"] == 1.0
    # The saved predictions (GRIT's format) score the same through --predictions, no model run.
    res = runner.invoke(
        _app(), ["eval", "-d", "muc4:test", "--predictions", str(saved / "fake_good.json"), "--json", "-"]
    )
    assert res.exit_code == 0, res.output
    assert json.loads(res.stdout)["runs"][0]["micro"]["f1"] == 1.0
    # Failures that are not the model's own set the exit code; --min-f1 is on the micro F1.
    res = runner.invoke(_app(), ["eval", "-d", "muc4:test", "-m", "fake/offline"])
    assert res.exit_code == CassetteMissError.exit_code and "2 of 2 documents failed" in res.stderr
    res = runner.invoke(_app(), ["eval", "-d", "muc4:test", "-m", "fake/good", "--min-f1", "1.0"])
    assert res.exit_code == 0  # micro F1 1.0 is not below 1.0
    res = runner.invoke(_app(), ["eval", "-d", "muc4:test", "-m", "fake/good", "--min-f1", "1.01"])
    assert res.exit_code == 2  # an F1 threshold is between 0 and 1
    # --id runs the documents named (one recording process per part of a split)
    res = runner.invoke(_app(), ["eval", "-d", "muc4:test", "-m", "fake/good", "--id", "TST3-MUC4-0001", "--json", "-"])
    assert res.exit_code == 0, res.output
    assert json.loads(res.stdout)["runs"][0]["documents"] == 1
    for args, message in [
        (["-d", "muc4:test", "-m", "fake/good", "--id", "TST3-MUC4-9999"], "no document with id 'TST3-MUC4-9999'"),
        (["-d", "muc4:dev"], "MUC-4 dev is not at"),
        (["--predictions", str(out)], "need --dataset muc4:"),
        (["-d", "muc4:test", "--report", "r.html"], "--report is not available"),
    ]:
        res = runner.invoke(_app(), ["eval", *args])
        assert res.exit_code == InputError.exit_code and message in res.stderr, res.output


# ---------------------------------------------------------------------------- GRIT's figure

_DATA = config.muc4_dir()


@pytest.mark.skipif(
    not (_DATA / "test.json").is_file() or not (_DATA / "preds_s_t.out").is_file(),
    reason=f"MUC-4 test and GRIT's predictions are not in {_DATA} (python evals/muc4_fetch.py --from SNAPSHOT)",
)
def test_grits_published_test_figure_is_reproduced() -> None:
    score = score_muc4(read_grit_predictions(_DATA / "preds_s_t.out"), load_muc4(_DATA / "test.json"))
    micro = score.micro
    assert (micro.matched, micro.predicted, micro.gold) == (242, 377, 511)
    assert [round(x * 100, 2) for x in (micro.precision, micro.recall, micro.f1)] == [64.19, 47.36, 54.50]
    assert score.documents == 200 and score.missing == ()
