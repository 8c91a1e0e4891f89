"""The summary document of the output contract (shared/CONTRACT.md, section 1).

`SummaryDocument` and its parts (`ArticleInfo`, `Actor`, `Location`, `Event`, `Casualty`,
`Span`, `Provenance`, `Dropped`) and the kind enums. Ids, exact spans and provenance are added
by code, never by the model; what the model fills, pass by pass, is in
`summarizer.extraction` (the pass shapes). `CasualtyKind` is defined with the casualty words
that name the kinds (`summarizer.text`) and re-exported here.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from summarizer.text import CasualtyKind

SCHEMA_VERSION = "1"

ActorKind = Literal[
    "person",
    "military_unit",
    "armed_forces",
    "armed_group",
    "government",
    "organization",
    "media",
    "civilians",
    "other",
]
LocationKind = Literal["settlement", "region", "country", "facility", "other"]
EventType = Literal[
    "battle",
    "explosion_remote_violence",
    "violence_against_civilians",
    "protest_riot",
    "strategic_development",
    "other",
]

ACTOR_KINDS: tuple[str, ...] = ActorKind.__args__  # type: ignore[attr-defined]
LOCATION_KINDS: tuple[str, ...] = LocationKind.__args__  # type: ignore[attr-defined]
EVENT_TYPES: tuple[str, ...] = EventType.__args__  # type: ignore[attr-defined]
CASUALTY_KINDS: tuple[str, ...] = CasualtyKind.__args__  # type: ignore[attr-defined]


class Span(BaseModel):
    start: int
    end: int
    text: str


class Actor(BaseModel):
    id: str
    name: str
    aliases: list[str] = []
    kind: ActorKind
    side: str | None = None
    mentions: list[Span] = []


class Location(BaseModel):
    id: str
    name: str
    kind: LocationKind
    admin1: str | None = None
    country: str | None = None
    mentions: list[Span] = []


class Event(BaseModel):
    id: str
    type: EventType
    description: str
    date: str | None = None
    location_ids: list[str] = []
    actor_ids: list[str] = []
    evidence: list[Span] = []


class Casualty(BaseModel):
    id: str
    kind: CasualtyKind
    count: int | None = None
    low: int | None = None
    high: int | None = None
    approximate: bool = False
    raw: str
    affected: str | None = None
    claimed_by: str | None = None
    event_id: str | None = None
    evidence: list[Span] = []


class ArticleInfo(BaseModel):
    id: str
    title: str | None = None
    published: str | None = None
    sha256: str
    chars: int
    source: str | None = None
    text: str | None = Field(
        default=None, description="The article text, present when the reader has no copy (URL, stdin)."
    )


class Dropped(BaseModel):
    """What the model produced that could not be grounded in the article, by field."""

    actors: int = 0
    locations: int = 0
    events: int = 0
    casualties: int = 0
    items: list[str] = Field(default_factory=list, description="What was dropped and why, one line each.")


class Provenance(BaseModel):
    model: str
    prompt_version: str
    schema_hash: str
    calls: int
    retries: int
    prompt_tokens: int
    completion_tokens: int
    latency_s: float
    first_try_valid: bool = True
    chunks: int = 1
    spans: dict[str, int] = Field(
        default_factory=dict, description="How each output span was aligned: exact, normalized, fuzzy."
    )
    dropped: Dropped = Field(default_factory=Dropped)
    warnings: list[str] = Field(default_factory=list)


class SummaryDocument(BaseModel):
    schema_version: str = SCHEMA_VERSION
    article: ArticleInfo
    summary: str
    actors: list[Actor]
    locations: list[Location]
    events: list[Event]
    casualties: list[Casualty]
    provenance: Provenance
