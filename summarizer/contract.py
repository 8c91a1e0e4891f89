"""The summary document of the output contract (shared/CONTRACT.md, section 1).

`SummaryDocument` and its parts (`ArticleInfo`, `Actor`, `Location`, `Event`, `Casualty`,
`Span`, `Provenance`, `Dropped` with a `Drop` per thing dropped) and the kind enums. Ids, exact
spans and provenance are added by code, never by the model; what the model fills, pass by pass,
is in `summarizer.extraction` (the pass shapes). `CasualtyKind` is defined with the casualty
words that name the kinds (`summarizer.text`) and re-exported here. Extensions made after
cassettes were recorded are kept out of the document's JSON schema (see `Drop`).
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field
from pydantic.json_schema import SkipJsonSchema

from summarizer.text import CasualtyKind

# Extensions the contract allows without a new version (new optional fields): event roles (by,
# against, victims, targets, weapons); a location's precision, latitude and longitude.
# docs/CONTRACT.md lists them.
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


SideBasis = Literal["stated", "inferred", "known"]


class Actor(BaseModel):
    id: str
    name: str
    aliases: list[str] = []
    kind: ActorKind
    side: str | None = None
    side_basis: SkipJsonSchema[SideBasis | None] = Field(
        default=None,
        description="Where the side comes from: stated (the article's own words), inferred (the model's "
        "reading of the article), known (the project's list of armed groups); null with no side.",
    )
    mentions: list[Span] = []


Precision = Literal[1, 2, 3]


class Location(BaseModel):
    id: str
    name: str
    kind: LocationKind
    admin1: str | None = None
    country: str | None = None
    mentions: list[Span] = []
    # contract 1.1: where code placed it in the article's context (kept out of the JSON schema:
    # the model never writes them)
    precision: SkipJsonSchema[Precision | None] = Field(
        default=None,
        description="ACLED's geo-precision of the point: 1 the settlement itself, 2 its first-level region, "
        "3 its country; null when the place has no point.",
    )
    latitude: SkipJsonSchema[float | None] = Field(default=None, description="The point's latitude (WGS84).")
    longitude: SkipJsonSchema[float | None] = Field(default=None, description="The point's longitude (WGS84).")


class RoleFiller(BaseModel):
    """A participant of an event in one role, as the article names it: the actor it is (its id)
    when it is one of the document's actors, else the phrase itself ("gunmen", "car bomb")."""

    name: str = Field(description="The participant as the article names it.")
    actor_id: str | None = Field(default=None, description="The document's actor it is, if any.")
    mentions: list[Span] = Field(default_factory=list, description="Where the event's sentence names it.")


# An event's roles, in the order the contract lists them (ACLED actor 1 and 2, MUC-4 victim,
# target, instrument): the one definition that extraction and the scorer read.
EVENT_ROLES: tuple[str, ...] = ("by", "against", "victims", "targets", "weapons")

_ROLE_DOC = {
    "by": "Who carried it out (ACLED actor 1), as the sentence states; empty when it does not.",
    "against": "The armed party acted on or fought (ACLED actor 2); empty when not stated.",
    "victims": "The people harmed or killed, as the sentence names them.",
    "targets": "Physical targets: buildings, vehicles, facilities, infrastructure.",
    "weapons": "The weapons, as the text names them.",
}


class Event(BaseModel):
    id: str
    type: EventType
    description: str
    date: str | None = None
    location_ids: list[str] = []
    actor_ids: list[str] = []
    evidence: list[Span] = []
    # contract 1.1: roles, filled by code from the event's sentence (kept out of the JSON schema
    # the cassettes' requests fingerprint: the model never writes them)
    by: SkipJsonSchema[list[RoleFiller]] = Field(default_factory=list, description=_ROLE_DOC["by"])
    against: SkipJsonSchema[list[RoleFiller]] = Field(default_factory=list, description=_ROLE_DOC["against"])
    victims: SkipJsonSchema[list[RoleFiller]] = Field(default_factory=list, description=_ROLE_DOC["victims"])
    targets: SkipJsonSchema[list[RoleFiller]] = Field(default_factory=list, description=_ROLE_DOC["targets"])
    weapons: SkipJsonSchema[list[RoleFiller]] = Field(default_factory=list, description=_ROLE_DOC["weapons"])


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


DropReason = Literal["not_found", "type_conflict", "no_number", "unsupported", "date_not_in_text"]


# Fields marked SkipJsonSchema are optional extensions made by code after the model answered,
# added after cassettes were recorded: serialized like any other field, but kept out of the
# document's JSON schema, which is part of the fingerprint sent in every model request
# (`extraction.schema_hash`); so adding one changes no request and recorded answers still replay.
# Each is listed in README, "The output contract".


class Drop(BaseModel):
    """One thing dropped, with why: the same line as in `Dropped.items`, and its parts."""

    field: str = Field(description="Where it would have gone: actors, locations, events, casualties, summary.")
    reason: DropReason = Field(
        description="not_found: not in the article; type_conflict: named as one kind and listed as another "
        "('Victory Day' is an actor, not a place); no_number: a figure with no number in it; unsupported: a "
        "summary sentence with names or numbers the article does not have; date_not_in_text: an event date the "
        "model gave that the sentence's words do not give (the event is kept, with code's date or none)."
    )
    item: str = Field(description="What was dropped, as given: a name, a figure, a sentence, a date.")
    message: str = Field(description="The line of `Dropped.items` for it.")


class Dropped(BaseModel):
    """What the model produced that could not be grounded in the article, by field."""

    actors: int = 0
    locations: int = 0
    events: int = 0
    casualties: int = 0
    dates: SkipJsonSchema[int] = Field(
        default=0, description="Event dates of the model's that the article does not give."
    )
    items: list[str] = Field(default_factory=list, description="What was dropped and why, one line each.")
    details: SkipJsonSchema[list[Drop]] = Field(
        default_factory=list, description="The same drops, each with its reason."
    )

    def add(self, field: str, reason: DropReason, item: str, message: str) -> None:
        """Record one drop: its count (a date under `dates`; a summary sentence is not counted),
        its line and its detail."""
        counter = "dates" if reason == "date_not_in_text" else field
        if counter in ("actors", "locations", "events", "casualties", "dates"):
            setattr(self, counter, getattr(self, counter) + 1)
        line = f"{field}: {message}"
        self.items.append(line)
        self.details.append(Drop(field=field, reason=reason, item=item, message=line))


LatencySource = Literal["live", "recorded", "replay"]


class Provenance(BaseModel):
    model: str
    prompt_version: str
    schema_hash: str
    calls: int
    retries: int
    prompt_tokens: int
    completion_tokens: int
    latency_s: float
    prompt_tokens_processed: SkipJsonSchema[int | None] = Field(
        default=None,
        description="Prompt tokens the model's server says it actually processed (llama.cpp's timings.prompt_n): "
        "prompt_tokens less what its prompt cache already held; null when the server does not say.",
    )
    latency_source: SkipJsonSchema[LatencySource] = Field(
        default="live",
        description="Where latency_s comes from: live (this run's model calls), recorded (the answers were "
        "replayed from cassettes; the live recording's latency, kept beside the cassette), replay (replayed, "
        "no recorded latency: the replay's own time).",
    )
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
