"""A summary document's items as rows of the run log's item tables (actors, locations, events,
casualties), with the gazetteer's coordinates of its places.

Each row has the item's own fields, flattened for SQL and spreadsheets: names of an event's
places and actors joined with "; ", the ids as JSON, the quote of its evidence (an event's own
sentence, a figure's longest span), and `date`: the event's date, else the article's publication date (a casualty figure
takes its event's). A place's `lat`/`lon`/`precision` are the document's own (where code
placed it in the article's context: 1 the settlement, 2 its region, 3 its country), else the
gazetteer's point of a town (precision 1). An event is drawn at the place its own sentence
names, the most precise first (a town before its region or country); only when its sentence
names none of its places, at the most precise of them. The document is the contract's JSON (a
dict), read defensively: a field missing or of the wrong type is left empty, never an error.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any

__all__ = ["Locator", "gazetteer_locator", "item_rows"]

Locator = Callable[[str, str | None], tuple[float, float] | None]


def gazetteer_locator() -> Locator:
    """(name, country) -> (lat, lon) from `summarizer.nlp.Gazetteer.locate`, memoised; a place
    it does not know, a country (no point) or a gazetteer that cannot load answers None."""
    from summarizer.nlp import Gazetteer

    gazetteer = Gazetteer()
    seen: dict[tuple[str, str | None], tuple[float, float] | None] = {}
    broken: list[bool] = []

    def locate(name: str, country: str | None) -> tuple[float, float] | None:
        key = (name, country)
        if key not in seen:
            point = None
            if not broken:
                try:
                    place = gazetteer.locate(name, country)
                except Exception:  # noqa: BLE001 - no coordinates is never a failed run
                    broken.append(True)
                    place = None
                if place is not None and place.latitude is not None and place.longitude is not None:
                    point = (float(place.latitude), float(place.longitude))
            seen[key] = point
        return seen[key]

    return locate


def _items(doc: Mapping[str, Any], key: str) -> list[Mapping[str, Any]]:
    value = doc.get(key)
    return [x for x in value if isinstance(x, Mapping)] if isinstance(value, list) else []


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _ids(value: Any) -> list[str]:
    return [x for x in value if isinstance(x, str)] if isinstance(value, list) else []


def _number(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def _point(loc: Mapping[str, Any], locate: Locator | None) -> tuple[float | None, float | None, int | None]:
    """(lat, lon, precision) of a location: its own, else the gazetteer's point of a town."""
    lat, lon = _number(loc.get("latitude")), _number(loc.get("longitude"))
    precision = _int(loc.get("precision"))
    if lat is not None and lon is not None:
        return lat, lon, precision if precision in (1, 2, 3) else None
    name, country = _text(loc.get("name")), _text(loc.get("country"))
    point = locate(name, country) if locate is not None and name else None
    return (point[0], point[1], 1) if point else (None, None, None)


def _spans(item: Mapping[str, Any], key: str) -> list[tuple[int, int]]:
    out = []
    for s in _items(item, key):
        start, end = _int(s.get("start")), _int(s.get("end"))
        if start is not None and end is not None:
            out.append((start, end))
    return out


def _drawn_at(
    ev: Mapping[str, Any], where: list[tuple[dict[str, Any], list[tuple[int, int]]]]
) -> dict[str, Any] | None:
    """The place an event is drawn at: of its places with a point, one its own sentence names
    (the most precise, then the first named), else the most precise of them."""
    sentence = _spans(ev, "evidence")
    located = [(p, m) for p, m in where if p["lat"] is not None and p["lon"] is not None]

    def named(mentions: list[tuple[int, int]]) -> int | None:
        starts = [s for s, e in mentions for a, b in sentence if a <= s and e <= b]
        return min(starts) if starts else None

    in_sentence = [(p["precision"] or 9, named(m), p) for p, m in located if named(m) is not None]
    if in_sentence:
        return min(in_sentence, key=lambda x: (x[0], x[1]))[2]
    return min(located, key=lambda x: x[0]["precision"] or 9)[0] if located else None


def _quote(item: Mapping[str, Any]) -> tuple[str | None, int | None]:
    """The longest evidence span's text and start; for an event told twice, the longest of the
    spans its description is taken from (its own sentence, not a retelling)."""
    spans = [s for s in _items(item, "evidence") if isinstance(s.get("text"), str)]
    if not spans:
        return None, None
    stem = " ".join((_text(item.get("description")) or "").removesuffix("…").split())
    own = [s for s in spans if stem and " ".join(s["text"].split()).startswith(stem)]
    best = max(own or spans, key=lambda s: len(s["text"]))
    return best["text"], _int(best.get("start"))


def item_rows(doc: Mapping[str, Any], locate: Locator | None = None) -> dict[str, list[dict[str, Any]]]:
    """{"actors": [...], "locations": [...], "events": [...], "casualties": [...]}: one dict
    of columns per item (the article's columns are the writer's)."""
    article = doc.get("article") if isinstance(doc.get("article"), Mapping) else {}
    published = _text(article.get("published"))  # type: ignore[union-attr]
    actors = {a.get("id"): a for a in _items(doc, "actors")}
    places: dict[Any, dict[str, Any]] = {}
    mentions: dict[Any, list[tuple[int, int]]] = {}
    for loc in _items(doc, "locations"):
        lat, lon, precision = _point(loc, locate)
        places[loc.get("id")] = {
            "item_id": _text(loc.get("id")),
            "name": _text(loc.get("name")),
            "kind": _text(loc.get("kind")),
            "admin1": _text(loc.get("admin1")),
            "country": _text(loc.get("country")),
            "lat": lat,
            "lon": lon,
            "precision": precision,
            "mentions": len(_items(loc, "mentions")),
        }
        mentions[loc.get("id")] = _spans(loc, "mentions")
    rows: dict[str, list[dict[str, Any]]] = {
        "actors": [
            {
                "item_id": _text(a.get("id")),
                "name": _text(a.get("name")),
                "kind": _text(a.get("kind")),
                "side": _text(a.get("side")),
                "aliases": json.dumps(_ids(a.get("aliases")), ensure_ascii=False),
                "mentions": len(_items(a, "mentions")),
            }
            for a in actors.values()
        ],
        "locations": list(places.values()),
        "events": [],
        "casualties": [],
    }
    events: dict[Any, dict[str, Any]] = {}
    for ev in _items(doc, "events"):
        where = [places[i] for i in _ids(ev.get("location_ids")) if i in places]
        who = [actors[i] for i in _ids(ev.get("actor_ids")) if i in actors]
        at = _drawn_at(ev, [(places[i], mentions[i]) for i in _ids(ev.get("location_ids")) if i in places])
        quote, start = _quote(ev)
        row = {
            "item_id": _text(ev.get("id")),
            "type": _text(ev.get("type")),
            "date": _text(ev.get("date")) or published,
            "description": _text(ev.get("description")),
            "places": "; ".join(p["name"] for p in where if p["name"]),
            "actors": "; ".join(a["name"] for a in who if isinstance(a.get("name"), str)),
            "location_ids": json.dumps(_ids(ev.get("location_ids"))),
            "actor_ids": json.dumps(_ids(ev.get("actor_ids"))),
            "lat": at["lat"] if at else None,
            "lon": at["lon"] if at else None,
            "precision": at["precision"] if at else None,
            "evidence": quote,
            "evidence_start": start,
        }
        events[ev.get("id")] = row
        rows["events"].append(row)
    for c in _items(doc, "casualties"):
        event = events.get(c.get("event_id")) if c.get("event_id") is not None else None
        quote, start = _quote(c)
        rows["casualties"].append(
            {
                "item_id": _text(c.get("id")),
                "kind": _text(c.get("kind")),
                "count": _int(c.get("count")),
                "low": _int(c.get("low")),
                "high": _int(c.get("high")),
                "approximate": int(c.get("approximate") is True),
                "raw": _text(c.get("raw")),
                "affected": _text(c.get("affected")),
                "claimed_by": _text(c.get("claimed_by")),
                "event_id": _text(c.get("event_id")),
                "date": event["date"] if event else published,
                "places": event["places"] if event else "",
                "lat": event["lat"] if event else None,
                "lon": event["lon"] if event else None,
                "precision": event["precision"] if event else None,
                "evidence": quote,
                "evidence_start": start,
            }
        )
    return rows
