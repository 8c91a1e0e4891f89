"""Exporting a run's events and casualty figures as the table an analyst loads into pandas,
QGIS or a spreadsheet: one row per event and one per casualty figure (`record` says which),
with its article, date (and `date_basis`: `event`, its own, or `published`, the article's
publication date standing in for it), places (with the gazetteer's coordinates), actors and
evidence quote; of one model of an eval run (`model=`) or of all.

Formats: `csv` (lists joined with "; "; a text cell that a spreadsheet would run as a formula,
one with a line starting with = + - @, a tab or a carriage return, gets an apostrophe before
that line; every text cell is quoted), `jsonl` (one JSON object per
row; `places` is a list of {name, kind, admin1, country, lat, lon, precision} and `actors` a
list of names), `geojson` (a FeatureCollection, one Feature per row: a Point where the row is
drawn, the place its event's own sentence names, at that place's precision, `precision` among
the properties: 1 the settlement, 2 its first-level region at a representative point, 3 its
country at its capital; `geometry: null` only when none of its places has a point).
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Iterable
from typing import Any, TextIO

from summarizer.runlog._read import RunLog

__all__ = ["COLUMNS", "FORMATS", "export_rows", "write_export"]

FORMATS = ("csv", "jsonl", "geojson")
COLUMNS = (
    "record",
    "run_id",
    "model",
    "article_id",
    "title",
    "source",
    "published",
    "item_id",
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


def _places(ids: list[str], locations: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    keys = ("name", "kind", "admin1", "country", "lat", "lon", "precision")
    return [{k: locations[i].get(k) for k in keys} for i in ids if i in locations]


def _own_dates(log: RunLog, run_id: str) -> dict[int, dict[str, str]]:
    """doc_id -> the events that carry a date of their own (the others fall back to the
    article's publication date in the item tables)."""
    out: dict[int, dict[str, str]] = {}
    for doc in log.documents(run_id):
        events = (doc.document or {}).get("events") if isinstance(doc.document, dict) else None
        for ev in events if isinstance(events, list) else []:
            if (
                isinstance(ev, dict)
                and isinstance(ev.get("id"), str)
                and isinstance(ev.get("date"), str)
                and ev["date"]
            ):
                out.setdefault(doc.doc_id, {})[ev["id"]] = ev["date"]
    return out


def _date_basis(date: str | None, own: str | None) -> str | None:
    """`event` when the date is the event's own, `published` when it is the article's
    publication date standing in for it, None when there is no date."""
    if not date:
        return None
    return "event" if own else "published"


def export_rows(log: RunLog, run_id: str, *, model: str | None = None) -> list[dict[str, Any]]:
    """The run's events and casualty figures, document by document, in the jsonl shape (of one
    `model` only, when given: an eval run has several). `date_basis` says whether a row's date
    is its event's own or the article's publication date standing in for it."""
    con = log.con
    query = "SELECT doc_id, title FROM documents WHERE run_id = ?" + (" AND model = ?" if model else "")
    titles = {r["doc_id"]: r["title"] for r in con.execute(query, (run_id, model) if model else (run_id,))}
    own = _own_dates(log, run_id)
    locations: dict[int, dict[str, dict[str, Any]]] = {}
    for loc in log.items("locations", run_id):
        locations.setdefault(loc["doc_id"], {})[loc["item_id"]] = loc
    events: dict[int, dict[str, dict[str, Any]]] = {}
    for ev in log.items("events", run_id):
        events.setdefault(ev["doc_id"], {})[ev["item_id"]] = ev
    rows: list[dict[str, Any]] = []
    for doc_id in titles:
        here = locations.get(doc_id, {})
        for ev in events.get(doc_id, {}).values():
            rows.append(
                _row(
                    "event",
                    ev,
                    titles[doc_id],
                    type_=ev["type"],
                    description=ev["description"],
                    actors=[a for a in (ev["actors"] or "").split("; ") if a],
                    places=_places(json.loads(ev["location_ids"] or "[]"), here),
                    date_basis=_date_basis(ev["date"], own.get(doc_id, {}).get(ev["item_id"])),
                )
            )
        for c in log.con.execute("SELECT * FROM casualties WHERE doc_id = ? ORDER BY rowid", (doc_id,)):
            c = dict(c)
            event = events.get(doc_id, {}).get(c["event_id"]) if c["event_id"] else None
            ids = json.loads(event["location_ids"] or "[]") if event else []
            row = _row(
                "casualty",
                c,
                titles[doc_id],
                type_=c["kind"],
                description=c["raw"],
                actors=[a for a in (event["actors"] or "").split("; ") if a] if event else [],
                places=_places(ids, here),
                date_basis=_date_basis(c["date"], own.get(doc_id, {}).get(c["event_id"]) if event else None),
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
    row: dict[str, Any] = dict.fromkeys(COLUMNS)
    row.update(
        record=record,
        run_id=item["run_id"],
        model=item["model"],
        article_id=item["article_id"],
        title=title,
        source=item["source"],
        published=item["published"],
        item_id=item["item_id"],
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
    out = dict(row)
    out["actors"] = "; ".join(row["actors"])
    out["places"] = "; ".join(p["name"] for p in row["places"] if p["name"])
    return out


_LINE_START = re.compile(r"(^|[\r\n])(?=[=+\-@\t\r])")
"""The start of the cell, or of any line in it, where a formula character (= + - @, a tab or
a carriage return) would make a spreadsheet run it."""


def _cell(value: Any) -> Any:
    if isinstance(value, str):
        return _LINE_START.sub(lambda m: m.group(1) + "'", value)
    return value


def write_export(rows: Iterable[dict[str, Any]], fmt: str, out: TextIO) -> int:
    """Write `rows` (from `export_rows`) to `out` in `fmt`; returns how many were written."""
    count = 0
    if fmt == "csv":
        # lines end with "\n": a field holding a bare "\r" is quoted, or a reader sees a new row
        writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n", quoting=csv.QUOTE_NONNUMERIC)
        writer.writeheader()
        for row in rows:
            writer.writerow({k: _cell(v) for k, v in _flat(row).items()})
            count += 1
    elif fmt == "jsonl":
        for row in rows:
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
            count += 1
    elif fmt == "geojson":
        features = []
        for row in rows:
            props = {k: v for k, v in _flat(row).items() if k not in ("lat", "lon")}
            point = row["lat"] is not None and row["lon"] is not None
            geometry = {"type": "Point", "coordinates": [row["lon"], row["lat"]]} if point else None
            features.append({"type": "Feature", "geometry": geometry, "properties": props})
        json.dump({"type": "FeatureCollection", "features": features}, out, ensure_ascii=False, indent=1)
        out.write("\n")
        count = len(features)
    else:
        raise ValueError(f"unknown export format {fmt!r}")
    return count
