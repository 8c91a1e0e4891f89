"""Evaluation datasets: the gold format of shared/CONTRACT.md §2, validated line by line.

- `load_dataset(path)` reads any JSONL file in the gold format and validates every line; a bad
  line is an InputError that names the file, the line and the field.
- `record_article(record)` is the Article the pipeline summarizes for a gold record.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from summarizer.contract import ActorKind, CasualtyKind, EventType, LocationKind
from summarizer.errors import InputError
from summarizer.inputs import Article, guess_title

__all__ = ["Dataset", "load_dataset", "record_article", "record_title", "select"]

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


# --------------------------------------------------------------------------------------------
# The gold format (contract §2). Extra keys are allowed everywhere: the format may be extended.
# --------------------------------------------------------------------------------------------


class _Gold(BaseModel):
    model_config = ConfigDict(extra="allow")


class GoldActor(_Gold):
    name: str = Field(min_length=1)
    aliases: list[str] = []
    kind: ActorKind
    side: str | None = None
    optional: bool = False


class GoldLocation(_Gold):
    name: str = Field(min_length=1)
    aliases: list[str] = []
    kind: LocationKind
    country: str | None = None
    optional: bool = False


class GoldEvent(_Gold):
    type: EventType
    locations: list[str] = []
    date: str | None = None
    optional: bool = False


class GoldCasualty(_Gold):
    kind: CasualtyKind
    count: int | None = Field(default=None, ge=0)
    low: int | None = Field(default=None, ge=0)
    high: int | None = Field(default=None, ge=0)
    affected: str | None = None
    claimed_by: str | None = None
    optional: bool = False

    @model_validator(mode="after")
    def _range(self) -> GoldCasualty:
        if self.low is not None and self.high is not None and self.low > self.high:
            raise ValueError(f"low ({self.low}) is above high ({self.high})")
        return self


class GoldAnnotations(_Gold):
    actors: list[GoldActor] = []
    locations: list[GoldLocation] = []
    events: list[GoldEvent] = []
    casualties: list[GoldCasualty] = []


class GoldRecord(_Gold):
    id: str = Field(min_length=1)
    text: str = Field(min_length=1)
    published: str | None = None
    source: str | None = None
    gold: GoldAnnotations

    @field_validator("text")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("the article text is blank (only whitespace)")
        return value

    @field_validator("published")
    @classmethod
    def _date(cls, value: str | None) -> str | None:
        if value is not None and not _DATE.match(value):
            raise ValueError("must be YYYY-MM-DD or null")
        if value is not None:
            try:
                datetime.strptime(value, "%Y-%m-%d")
            except ValueError:
                raise ValueError("must be a calendar date YYYY-MM-DD or null") from None
        return value


@dataclass(frozen=True)
class Dataset:
    """A validated gold dataset: records as plain dicts in the contract's shape."""

    name: str
    path: Path
    sha256: str
    records: tuple[dict[str, Any], ...]

    def __len__(self) -> int:
        return len(self.records)


def _format_error(exc: ValidationError) -> str:
    parts = []
    for err in exc.errors()[:3]:
        where = ".".join(str(x) for x in err.get("loc", ())) or "record"
        parts.append(f"{where}: {err.get('msg', 'invalid')}")
    more = len(exc.errors()) - 3
    if more > 0:
        parts.append(f"and {more} more")
    return "; ".join(parts)


def load_dataset(path: Path | str) -> Dataset:
    """Read and validate a gold dataset (JSONL, one record per line; blank lines skipped)."""
    p = Path(path)
    if not p.exists():
        raise InputError(f"{p}: no such dataset file")
    if not p.is_file():
        raise InputError(f"{p}: not a regular file")
    try:
        data = p.read_bytes()
    except OSError as exc:
        raise InputError(f"{p}: cannot read: {exc.strerror}") from exc
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        content = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        bad_line = data[: exc.start].count(b"\n") + 1
        raise InputError(f"{p}:{bad_line}: not valid UTF-8") from exc
    records: list[dict[str, Any]] = []
    seen: dict[str, int] = {}
    # split on "\n" only: article texts are JSON strings, so their own newlines are escaped
    for number, line in enumerate(content.split("\n"), start=1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InputError(
                f"{p}:{number}: not valid JSON ({exc.msg} at column {exc.colno})",
                hint="the dataset is JSON Lines: one JSON object per line",
            ) from exc
        if not isinstance(obj, dict):
            raise InputError(f"{p}:{number}: expected a JSON object, got {type(obj).__name__}")
        try:
            rec = GoldRecord.model_validate(obj)
        except ValidationError as exc:
            ident = obj.get("id") if isinstance(obj.get("id"), str) else None
            label = f" (id {ident!r})" if ident else ""
            raise InputError(
                f"{p}:{number}{label}: not a gold record: {_format_error(exc)}",
                hint="see the gold format in CONTRACT.md, section 2",
            ) from exc
        if rec.id in seen:
            raise InputError(f"{p}:{number}: duplicate id {rec.id!r} (first on line {seen[rec.id]})")
        seen[rec.id] = number
        records.append(rec.model_dump())
    if not records:
        raise InputError(f"{p}: no records in the dataset")
    return Dataset(name=p.stem, path=p, sha256=hashlib.sha256(data).hexdigest(), records=tuple(records))


T = TypeVar("T")


def pick(
    items: Sequence[T],
    ids: Sequence[str],
    limit: int | None,
    *,
    key: Callable[[T], str],
    where: Path | str,
    among: Sequence[T] | None = None,
    noun: str = "record",
    hint: str | None = None,
) -> list[T]:
    """The items with these ids (`key` reads an item's id; in the items' order), then the first
    `limit`; an id that no item of `among` (default: `items`) has is an InputError naming
    `where`. What `eval --id/--limit` runs on, for a JSONL dataset and for MUC-4 alike."""
    out = list(items)
    if ids:
        known = {key(x) for x in (items if among is None else among)}
        missing = [i for i in ids if i not in known]
        if missing:
            raise InputError(f"{where}: no {noun} with id {missing[0]!r}", hint=hint)
        wanted = set(ids)
        out = [x for x in out if key(x) in wanted]
    return out if limit is None else out[:limit]


def select(dataset: Dataset, *, split: str | None = None, ids: Sequence[str] = (), limit: int | None = None) -> Dataset:
    """The part of a dataset an eval runs on: the records of one split (their `split` field),
    the records with these ids (in the dataset's order), then the first `limit` of them. A
    filter that leaves nothing, or an id not in the dataset, is an InputError."""
    records = list(dataset.records)
    if split is not None:
        splits = sorted({str(r.get("split")) for r in records if r.get("split")})
        records = [r for r in records if r.get("split") == split]
        if not records:
            known = f"its splits: {', '.join(splits)}" if splits else "it has no split field"
            raise InputError(f"{dataset.path}: no record of split {split!r} ({known})")
    records = pick(records, ids, limit, key=lambda r: r["id"], where=dataset.path, among=dataset.records)
    if ids and not records:
        raise InputError(f"{dataset.path}: the ids given are not in split {split!r}")
    if len(records) == len(dataset.records):
        return dataset
    return Dataset(name=dataset.name, path=dataset.path, sha256=dataset.sha256, records=tuple(records))


def record_title(record: Mapping[str, Any]) -> str | None:
    """A gold record's headline: its own `title`, else the one its text starts with."""
    title = record.get("title")
    if isinstance(title, str):
        return title
    text = record.get("text")
    return guess_title(text) if isinstance(text, str) else None


def record_article(record: dict[str, Any]) -> Article:
    """The Article the pipeline summarizes for a gold record: its text exactly as stored."""
    text = record["text"]
    title = record_title(record)
    return Article(
        id=record["id"],
        text=text,
        title=title,
        published=record.get("published"),
        source=record.get("source"),
        origin="dataset",
    )
