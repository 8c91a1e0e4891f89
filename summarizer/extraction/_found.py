"""What brief-v4 found in one article, before it becomes the document's parts: actors, places,
events and figures, each with the offsets and forms code found for it."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from summarizer.extraction._findings import PlaceFact
from summarizer.text import CasualtyFigure


@dataclass
class FoundActor:
    name: str
    forms: list[str]
    kind: str
    side: str | None
    acts: bool = False  # a subject of its clause, or followed by a verb of saying somewhere


@dataclass
class FoundPlace:
    name: str
    forms: list[str]
    fact: PlaceFact


@dataclass
class FoundEvent:
    type: str
    start: int
    end: int
    places: list[str]  # FoundPlace names
    actors: list[str]  # FoundActor names
    date: str | None


@dataclass
class FoundFigure:
    figure: CasualtyFigure
    kind: str
    affected: str | None
    claimed_by: str | None


@dataclass
class Classified:
    """Everything brief-v4 found in one article, before it becomes the document's parts."""

    actors: list[FoundActor] = field(default_factory=list)
    places: list[FoundPlace] = field(default_factory=list)
    events: list[FoundEvent] = field(default_factory=list)
    figures: list[FoundFigure] = field(default_factory=list)


def mentions(text: str, form: str) -> list[re.Match[str]]:
    return list(re.finditer(rf"(?<![\w’']){re.escape(form)}(?![\w’'])", text))
