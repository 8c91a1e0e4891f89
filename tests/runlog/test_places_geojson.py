"""Issue 20, done when: the GeoJSON of a run has a geometry for every place, each with its
precision: a sea, a continent, an island no gazetteer has and a landmark the text ties to a town,
placed by code after the model answered (`extraction._where.place_locations`) and exported."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

from summarizer import runlog
from summarizer.config import Settings
from summarizer.extraction._where import place_locations
from tests.placehelp import locations_in

TEXT = (
    "A tank rolled through Moscow’s Red Square on Tuesday. Drones were downed over the Black Sea, "
    "the ministry said. Helicopters circled over the Baltic Sea near Bornholm, a threat to Europe."
)
PLACES = [
    ("Moscow", "settlement", "Russia"),
    ("Red Square", "other", None),
    ("Black Sea", "other", "Russia"),
    ("Baltic Sea", "other", None),
    ("Bornholm", "other", None),
    ("Europe", "region", None),
]


def _document() -> dict[str, Any]:
    locations = locations_in(TEXT, PLACES)
    place_locations(TEXT, locations)
    return {
        "schema_version": "1",
        "article": {
            "id": "art-1",
            "title": "Places",
            "published": "2023-05-09",
            "sha256": "a" * 64,
            "chars": len(TEXT),
        },
        "summary": "",
        "actors": [],
        "locations": [loc.model_dump() for loc in locations],
        "events": [],
        "casualties": [],
    }


def test_every_place_of_a_document_is_a_feature_with_a_point_and_its_precision(tmp_path: Path) -> None:
    settings = Settings(offline=True, log_db=tmp_path / "runs.sqlite")
    rec = runlog.start_run(settings, "summarize", ["fake/m"], options={}, warn=lambda _m: None)
    rec.add_document("fake/m", "art-1", document=_document())
    rec.finish(0)
    out = io.StringIO()
    with runlog.RunLog.open(tmp_path / "runs.sqlite") as log:
        runlog.write_export(runlog.export_rows(log, rec.run_id, what=("places",)), "geojson", out, what=("places",))
    features = {f["properties"]["name"]: f for f in json.loads(out.getvalue())["features"]}
    assert set(features) == {name for name, _k, _c in PLACES}
    for name, f in features.items():
        assert f["geometry"] and f["geometry"]["type"] == "Point", name
        assert f["properties"]["precision"] in (1, 2, 3), name
    props = {name: f["properties"] for name, f in features.items()}
    assert props["Moscow"]["precision"] == 1
    assert (props["Red Square"]["precision"], props["Red Square"]["country"]) == (2, "Russia")  # tied to Moscow
    assert features["Red Square"]["geometry"] == features["Moscow"]["geometry"]
    assert (props["Black Sea"]["precision"], props["Black Sea"]["country"]) == (3, None)  # no country, not Russia's
    assert (props["Europe"]["precision"], props["Europe"]["country"]) == (3, None)
    assert (props["Bornholm"]["precision"], props["Bornholm"]["country"]) == (3, None)  # no country guessed


def test_a_place_neither_the_gazetteer_nor_the_text_places_is_exported_without_a_point_and_named(
    tmp_path: Path, capsys: Any
) -> None:
    text = (
        "Shelling hit Bakhmut in the Donetsk region of Ukraine. Locals saw Apache helicopters over "
        "the Middle East, and fighting flared in Karabakh."
    )
    places = [
        ("Bakhmut", "settlement", "Ukraine", 1),
        ("Donetsk region", "region", "Ukraine", 2),
        ("Ukraine", "country", "Ukraine", 3),
        ("Karabakh", "country", None, 2),  # Natural Earth's disputed area, in its de jure country
        ("Apache", "other", None, None),  # a helicopter's name, misread as a place
        ("Middle East", "region", None, 3),  # an area across countries: between their capitals, no country
    ]
    locations = locations_in(text, [(name, kind, country) for name, kind, country, _p in places])
    place_locations(text, locations)
    document = {**_document(), "locations": [loc.model_dump() for loc in locations]}
    settings = Settings(offline=True, log_db=tmp_path / "runs.sqlite")
    rec = runlog.start_run(settings, "summarize", ["fake/m"], options={}, warn=lambda _m: None)
    rec.add_document("fake/m", "art-1", document=document)
    rec.finish(0)
    out = io.StringIO()
    with runlog.RunLog.open(tmp_path / "runs.sqlite") as log:
        rows = runlog.export_rows(log, rec.run_id, what=("places",))
        runlog.write_export(rows, "geojson", out, what=("places",))
    features = {f["properties"]["name"]: f for f in json.loads(out.getvalue())["features"]}
    for name, _kind, _country, precision in places:
        assert features[name]["properties"]["precision"] == precision, name
        assert (features[name]["geometry"] is None) == (precision is None), name
    assert features["Karabakh"]["properties"]["country"] == "Azerbaijan"  # nlp/de_jure.toml (the guide)
    assert features["Middle East"]["properties"]["country"] is None

    from summarizer.cli._export import _say_unplaced

    _say_unplaced(rows)
    assert "1 of 6 places have no point (neither the gazetteer nor the text places them): Apache" in (
        capsys.readouterr().err
    )
