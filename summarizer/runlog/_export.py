"""Exporting a run's items as the table an analyst loads into pandas, QGIS or a spreadsheet, of
one model of an eval run (`model=`) or of all; what is exported (`what=`, `EXPORTS`):

- `events` and `figures` (the default, both: one table, `record` says `event` or `casualty`):
  one row per event and one per casualty figure, with its article, date (and `date_basis`:
  `event`, its own, or `published`, the article's publication date standing in for it), places
  (with the gazetteer's coordinates), actors and evidence quote (`COLUMNS`). An event's
  description is its sentence, or a clause of it marked "…" (`summarizer.nlp.clause_cut`); a
  description that a run made before that cut mid-clause (a bare start of its own sentence) is
  cut again from the sentence, at a clause boundary;
- `actors`: one row per actor of each document, with its kind, side and the side's basis
  (`stated`, `inferred`, `known`), aliases, number of mentions and the events it takes part in
  (`ACTOR_COLUMNS`);
- `places`: one row per place of each document, with its kind, first-level region, country,
  point and precision, number of mentions and the events that happen there (`PLACE_COLUMNS`).

Actors and places are exported each on its own (their columns are not the events'), and actors
not as geojson (they have no point).

Formats: `csv` (lists joined with "; "; a text cell that a spreadsheet would run as a formula,
one with a line starting with = + - @, a tab or a carriage return, gets an apostrophe before
that line; every text cell is quoted), `jsonl` (one JSON object per
row; an event's `places` is a list of {name, kind, admin1, country, lat, lon, precision} and
`actors` a list of names), `geojson` (a FeatureCollection, one Feature per row: a Point where the
row is drawn, at its precision, `precision` among the properties: 1 the settlement, 2 its
first-level region at a representative point, 3 its country at its capital; an event is drawn
at the place its own sentence names; `geometry: null` only when no point is known).
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, TextIO

from summarizer.errors import InputError
from summarizer.runlog._read import RunLog
from summarizer.text import CUT_MARK

__all__ = [
    "ACTOR_COLUMNS",
    "COLUMNS",
    "DEFAULT_EXPORT",
    "EXPORTS",
    "FORMATS",
    "PLACE_COLUMNS",
    "export_columns",
    "export_rows",
    "write_export",
]

FORMATS = ("csv", "jsonl", "geojson")
EXPORTS = ("events", "figures", "actors", "places")
DEFAULT_EXPORT = ("events", "figures")
_ARTICLE = ("run_id", "model", "article_id", "title", "source", "published", "item_id")
COLUMNS = (
    "record",
    *_ARTICLE,
    "date",
    "date_basis",
    "type",
    "description",
    "count",
    "low",
    "high",
    "approximate",
    "affected",
    "claimed_by",
    "actors",
    "places",
    "lat",
    "lon",
    "precision",
    "evidence",
    "evidence_start",
)
ACTOR_COLUMNS = ("record", *_ARTICLE, "name", "kind", "side", "side_basis", "aliases", "mentions", "events")
PLACE_COLUMNS = (
    "record",
    *_ARTICLE,
    "name",
    "kind",
    "admin1",
    "country",
    "lat",
    "lon",
    "precision",
    "mentions",
    "events",
)


def export_columns(what: Sequence[str] = DEFAULT_EXPORT, fmt: str = "csv") -> tuple[str, ...]:
    """The columns of an export of `what` (some of EXPORTS) in `fmt`; InputError for an unknown
    kind, a mix whose columns differ (actors or places with anything else), actors as geojson."""
    kinds = set(what)
    unknown = kinds - set(EXPORTS)
    if unknown or not kinds:
        raise InputError(f"nothing to export called {', '.join(sorted(unknown)) or 'that'}", hint=", ".join(EXPORTS))
    if fmt not in FORMATS:
        raise InputError(f"unknown export format {fmt!r}", hint=", ".join(FORMATS))
    for alone in ("actors", "places"):
        if alone in kinds and len(kinds) > 1:
            raise InputError(
                f"{alone} are exported on their own: their columns are not the events' and figures'",
                hint=f"export {alone} and the rest to separate files",
            )
    if kinds == {"actors"}:
        if fmt == "geojson":
            raise InputError("actors have no point to draw: export them as csv or jsonl")
        return ACTOR_COLUMNS
    return PLACE_COLUMNS if kinds == {"places"} else COLUMNS


def _places(ids: list[str], locations: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    keys = ("name", "kind", "admin1", "country", "lat", "lon", "precision")
    return [{k: locations[i].get(k) for k in keys} for i in ids if i in locations]


def _items(document: Any, key: str) -> list[Mapping[str, Any]]:
    value = document.get(key) if isinstance(document, Mapping) else None
    return [x for x in value if isinstance(x, Mapping)] if isinstance(value, list) else []


def _documents(log: RunLog, run_id: str) -> dict[int, Any]:
    """doc_id -> the document's JSON (what the item tables do not keep: which events carry a
    date of their own, the basis of each side)."""
    return {doc.doc_id: doc.document for doc in log.documents(run_id)}


def _own_dates(document: Any) -> dict[str, str]:
    """The events that carry a date of their own (the others fall back to the article's
    publication date in the item tables)."""
    return {
        ev["id"]: ev["date"]
        for ev in _items(document, "events")
        if isinstance(ev.get("id"), str) and isinstance(ev.get("date"), str) and ev["date"]
    }


def _date_basis(date: str | None, own: str | None) -> str | None:
    """`event` when the date is the event's own, `published` when it is the article's
    publication date standing in for it, None when there is no date."""
    if not date:
        return None
    return "event" if own else "published"


def _description(description: str | None, sentence: str | None) -> str | None:
    """An event's description as exported: a bare start of its own sentence (cut mid-clause by a
    run made before descriptions were cut at clause boundaries, or copied short by a model) is
    cut again from the sentence, where a clause ends (or the sentence whole)."""
    if not description or not sentence or description.endswith(CUT_MARK):
        return description
    said, whole = " ".join(description.split()), " ".join(sentence.split())
    if said == whole or not whole.startswith(said):
        return description
    from summarizer.nlp import DESCRIPTION_WORDS, clause_cut

    return clause_cut(whole, DESCRIPTION_WORDS)


def _ids(value: str | None) -> list[str]:
    try:
        ids = json.loads(value or "[]")
    except ValueError:
        return []
    return [i for i in ids if isinstance(i, str)] if isinstance(ids, list) else []


def export_rows(
    log: RunLog, run_id: str, *, model: str | None = None, what: Sequence[str] = DEFAULT_EXPORT
) -> list[dict[str, Any]]:
    """The run's items of `what` (`EXPORTS`), document by document, in the jsonl shape (of one
    `model` only, when given: an eval run has several)."""
    kinds = set(what)
    export_columns(what)
    con = log.con
    query = "SELECT doc_id, title FROM documents WHERE run_id = ?" + (" AND model = ?" if model else "")
    titles = {r["doc_id"]: r["title"] for r in con.execute(query, (run_id, model) if model else (run_id,))}
    documents = _documents(log, run_id) if kinds & {"events", "figures", "actors"} else {}
    events: dict[int, dict[str, dict[str, Any]]] = {}
    for ev in log.items("events", run_id):
        events.setdefault(ev["doc_id"], {})[ev["item_id"]] = ev
    if kinds == {"actors"}:
        return [
            _actor_row(a, titles[a["doc_id"]], documents.get(a["doc_id"]), events.get(a["doc_id"], {}))
            for a in log.items("actors", run_id)
            if a["doc_id"] in titles
        ]
    places = [loc for loc in log.items("locations", run_id) if loc["doc_id"] in titles]
    if kinds == {"places"}:
        return [_place_row(loc, titles[loc["doc_id"]], events.get(loc["doc_id"], {})) for loc in places]
    locations: dict[int, dict[str, dict[str, Any]]] = {}
    for loc in places:
        locations.setdefault(loc["doc_id"], {})[loc["item_id"]] = loc
    rows: list[dict[str, Any]] = []
    for doc_id in titles:
        here = locations.get(doc_id, {})
        own = _own_dates(documents.get(doc_id))
        for ev in events.get(doc_id, {}).values() if "events" in kinds else ():
            rows.append(
                _row(
                    "event",
                    ev,
                    titles[doc_id],
                    type_=ev["type"],
                    description=_description(ev["description"], ev["evidence"]),
                    actors=[a for a in (ev["actors"] or "").split("; ") if a],
                    places=_places(_ids(ev["location_ids"]), here),
                    date_basis=_date_basis(ev["date"], own.get(ev["item_id"])),
                )
            )
        if "figures" not in kinds:
            continue
        for c in log.con.execute("SELECT * FROM casualties WHERE doc_id = ? ORDER BY rowid", (doc_id,)):
            c = dict(c)
            event = events.get(doc_id, {}).get(c["event_id"]) if c["event_id"] else None
            row = _row(
                "casualty",
                c,
                titles[doc_id],
                type_=c["kind"],
                description=c["raw"],
                actors=[a for a in (event["actors"] or "").split("; ") if a] if event else [],
                places=_places(_ids(event["location_ids"]) if event else [], here),
                date_basis=_date_basis(c["date"], own.get(c["event_id"]) if event else None),
            )
            row.update(
                count=c["count"],
                low=c["low"],
                high=c["high"],
                approximate=bool(c["approximate"]),
                affected=c["affected"],
                claimed_by=c["claimed_by"],
            )
            rows.append(row)
    return rows


def _article(record: str, item: Mapping[str, Any], title: str | None, columns: Sequence[str]) -> dict[str, Any]:
    row: dict[str, Any] = dict.fromkeys(columns)
    row.update({k: item[k] for k in _ARTICLE if k in item}, record=record, title=title)
    return row


def _events_of(events: Mapping[str, Mapping[str, Any]], column: str, item_id: str | None) -> list[str]:
    """The ids of the events whose `column` (location_ids, actor_ids) lists `item_id`."""
    return [eid for eid, ev in events.items() if item_id is not None and item_id in _ids(ev[column])]


def _actor_row(
    a: Mapping[str, Any], title: str | None, document: Any, events: Mapping[str, Mapping[str, Any]]
) -> dict[str, Any]:
    basis = next(
        (x.get("side_basis") for x in _items(document, "actors") if x.get("id") == a["item_id"] and a["side"]), None
    )
    row = _article("actor", a, title, ACTOR_COLUMNS)
    row.update({k: a.get(k) for k in ("name", "kind", "side", "mentions")})
    row.update(
        side_basis=basis if isinstance(basis, str) else None,
        aliases=_ids(a["aliases"]),
        events=_events_of(events, "actor_ids", a["item_id"]),
    )
    return row


def _place_row(loc: Mapping[str, Any], title: str | None, events: Mapping[str, Mapping[str, Any]]) -> dict[str, Any]:
    row = _article("place", loc, title, PLACE_COLUMNS)
    row.update({k: loc.get(k) for k in ("name", "kind", "admin1", "country", "lat", "lon", "precision", "mentions")})
    row["events"] = _events_of(events, "location_ids", loc["item_id"])
    return row


def _row(
    record: str,
    item: dict[str, Any],
    title: str | None,
    *,
    type_: Any,
    description: Any,
    actors: list[str],
    places: list[dict[str, Any]],
    date_basis: str | None,
) -> dict[str, Any]:
    row = _article(record, item, title, COLUMNS)
    row.update(
        date=item["date"],
        date_basis=date_basis,
        type=type_,
        description=description,
        actors=actors,
        places=places,
        lat=item["lat"],
        lon=item["lon"],
        precision=item.get("precision"),
        evidence=item["evidence"],
        evidence_start=item["evidence_start"],
    )
    return row


def _flat(row: dict[str, Any]) -> dict[str, Any]:
    """Lists joined with "; " (places by their names)."""
    out = dict(row)
    for key, value in row.items():
        if isinstance(value, list):
            names = [x.get("name") if isinstance(x, dict) else x for x in value]
            out[key] = "; ".join(str(n) for n in names if n)
    return out


_LINE_START = re.compile(r"(^|[\r\n])(?=[=+\-@\t\r])")
"""The start of the cell, or of any line in it, where a formula character (= + - @, a tab or
a carriage return) would make a spreadsheet run it."""


def _cell(value: Any) -> Any:
    if isinstance(value, str):
        return _LINE_START.sub(lambda m: m.group(1) + "'", value)
    return value


def write_export(rows: Iterable[dict[str, Any]], fmt: str, out: TextIO, *, what: Sequence[str] = DEFAULT_EXPORT) -> int:
    """Write `rows` (from `export_rows` of the same `what`) to `out` in `fmt`; returns how many
    were written."""
    columns = export_columns(what, fmt)
    count = 0
    if fmt == "csv":
        # lines end with "\n": a field holding a bare "\r" is quoted, or a reader sees a new row
        writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\n", quoting=csv.QUOTE_NONNUMERIC)
        writer.writeheader()
        for row in rows:
            writer.writerow({k: _cell(v) for k, v in _flat(row).items()})
            count += 1
    elif fmt == "jsonl":
        for row in rows:
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
            count += 1
    else:  # geojson
        features = []
        for row in rows:
            props = {k: v for k, v in _flat(row).items() if k not in ("lat", "lon")}
            point = row["lat"] is not None and row["lon"] is not None
            geometry = {"type": "Point", "coordinates": [row["lon"], row["lat"]]} if point else None
            features.append({"type": "Feature", "geometry": geometry, "properties": props})
        json.dump({"type": "FeatureCollection", "features": features}, out, ensure_ascii=False, indent=1)
        out.write("\n")
        count = len(features)
    return count
