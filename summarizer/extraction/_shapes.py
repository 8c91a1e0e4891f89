"""The pass shapes: what the model is asked to fill, pass by pass (lean: no ids, no offsets).

`Entities` (pass 1, who and where), `Events` (pass 2, what happened), `Casualties` (pass 3
up to brief-v2) or `CasualtyChecks` (pass 3 from brief-v3 on: the model classifies figures code
found) and `Brief` (pass 4, the summary); `WholeBrief` is naive-v1's one answer (the
"single" pipeline: everything at once, bounded). Their class names, docstrings and field descriptions
are part of the JSON schema sent to the model, hence of the recorded cassettes: do not rename
or reword them without re-recording.

`schema_hash()` fingerprints these shapes and the output document; it is recorded in every
output and sent in every request, so a cassette recorded for another schema never replays
silently.
"""

from __future__ import annotations

import hashlib
import json
import tomllib
from functools import lru_cache
from pathlib import Path
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from summarizer.contract import ActorKind, CasualtyKind, EventType, LocationKind, SummaryDocument

# Descriptions that name countries as examples, kept word for word in a data file (shapes.toml).
_DESCRIPTIONS = tomllib.loads((Path(__file__).parent / "shapes.toml").read_text(encoding="utf-8"))


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ExtractedActor(_Strict):
    name: str = Field(
        description="The actor's name exactly as written in the article, most complete form.",
    )
    aliases: list[str] = Field(
        max_length=4,
        description="Other names the article uses for the same actor, verbatim; [] if none.",
    )
    kind: ActorKind = Field(description="What sort of actor this is.")
    side: str | None = Field(
        description=_DESCRIPTIONS["actor"]["side"],
    )


class ExtractedLocation(_Strict):
    name: str = Field(description="The place name exactly as written in the article.")
    kind: LocationKind = Field(description="settlement (city, town, village), region, country, facility, or other.")
    admin1: str | None = Field(description="The region/province it lies in, if the article says; else null.")
    country: str | None = Field(description="The country it lies in, or null.")


class Entities(_Strict):
    """Pass 1: who and where."""

    actors: list[ExtractedActor] = Field(
        max_length=16,
        description="People, units, armed forces, armed groups, governments and organisations "
        "that act or make claims in the reported events. Each actor once.",
    )
    locations: list[ExtractedLocation] = Field(
        max_length=16,
        description="Places where reported events happen or that the story is about. Each place once.",
    )


class ExtractedEvent(_Strict):
    quote: str = Field(
        description="The first 6 to 12 words of the article's sentence that reports this event, "
        "copied exactly, character for character.",
    )
    type: EventType = Field(
        description="ACLED type: battle (armed clash), explosion_remote_violence (shelling, "
        "missiles, drones, bombs), violence_against_civilians, protest_riot, "
        "strategic_development (withdrawal, territory change, arrest, agreement, dismissal, "
        "recruitment, aid), other. Quotes and commentary are not events."
    )
    description: str = Field(description="What happened, in your own words, at most 15 words.")
    date: str | None = Field(
        description="YYYY-MM-DD when the article makes the date clear, else null.",
    )
    locations: list[str] = Field(
        max_length=4, description="Names of the places where it happened, as written; [] if none."
    )
    actors: list[str] = Field(max_length=4, description="Names of the actors involved, as written; [] if none.")


class ExtractedCasualty(_Strict):
    quote: str = Field(
        description="The first 6 to 12 words of the article's sentence that gives the figure, "
        "copied exactly, character for character.",
    )
    kind: CasualtyKind = Field(
        description="killed, wounded, captured, missing, or casualties (killed and wounded together, not split)."
    )
    figure: str = Field(
        description="The number of people exactly as the article writes it, with its qualifier "
        "if any (such as at least, about, up to, more than), copied character for character.",
    )
    affected: str | None = Field(
        description="Who suffered it: a side or a group, as the article names it.",
    )
    claimed_by: str | None = Field(
        description="Who asserts the figure when the article attributes it (a person, army, "
        "ministry); null when the article states it itself.",
    )


class Events(_Strict):
    """Pass 2: what happened."""

    events: list[ExtractedEvent] = Field(
        max_length=10,
        description="Distinct events the article reports (not quotes, claims or commentary).",
    )


class Casualties(_Strict):
    """Pass 3: how many."""

    casualties: list[ExtractedCasualty] = Field(
        max_length=10,
        description="Every number of people killed, wounded, captured or missing that the "
        "article gives, each figure once. [] if the article gives none.",
    )


class FigureCheck(_Strict):
    counts_people: bool = Field(
        description="true if this figure is a number of people killed, wounded, captured or missing in the "
        "conflict; false if it counts something else (troops deployed, people evacuated or recruited, "
        "towns, years, money, equipment)."
    )
    kind: CasualtyKind = Field(
        description="killed, wounded, captured, missing, or casualties (killed and wounded together, not split)."
    )
    affected: str | None = Field(description="Who suffered it: a side or a group, as the article names it.")
    claimed_by: str | None = Field(
        description="Who asserts the figure when the article attributes it (a person, army, ministry); "
        "null when the article states it itself.",
    )


class CasualtyChecks(_Strict):
    """Pass 3 (brief-v3 on): code finds the figures written in sentences that mention killing,
    wounding, capture or loss; the model classifies each one. One answer per figure."""

    figures: list[FigureCheck] = Field(description="One entry per numbered figure, in order.")


def casualty_checks(n: int) -> type[CasualtyChecks]:
    """CasualtyChecks for exactly n figures (the grammar then asks about every one)."""
    from pydantic import create_model

    return create_model(  # type: ignore[call-overload, no-any-return]
        "CasualtyChecks",
        __base__=CasualtyChecks,
        figures=(
            list[FigureCheck],
            Field(min_length=n, max_length=n, description="One entry per numbered figure, in order."),
        ),
    )


class Brief(_Strict):
    """Pass 4: the neutral summary, as 2 to 4 sentences (the grammar enforces the count)."""

    sentences: list[str] = Field(
        min_length=2,
        max_length=4,
        description="2 to 4 complete, neutral sentences in your own words: the main facts of the "
        "article only (what happened, where, who, figures with who claims them). No opinions, "
        "nothing that is not in the article.",
    )

    @property
    def summary(self) -> str:
        """The sentences joined; any that carries JSON or code debris ("```", braces) is left out."""
        clean = (" ".join(s.split()) for s in self.sentences)
        return " ".join(s for s in clean if s and not any(mark in s for mark in ("```", "{", "}")))


# -- naive-v1 ("single" pipeline): the whole brief in one answer, the floor code rules must beat --


_Name = Annotated[str, Field(max_length=80)]


class BriefActor(_Strict):
    name: str = Field(max_length=80, description="The actor's name exactly as written in the article.")
    kind: ActorKind = Field(description="What sort of actor this is.")
    side: str | None = Field(
        max_length=40,
        description="The country the actor belongs to, fights for or speaks for in this article; "
        "null when none or unclear.",
    )


class BriefLocation(_Strict):
    name: str = Field(max_length=80, description="The place name exactly as written in the article.")
    kind: LocationKind = Field(description="settlement (city, town, village), region, country, facility, or other.")
    country: str | None = Field(max_length=40, description="The country it lies in, or null.")


class BriefEvent(_Strict):
    quote: str = Field(
        max_length=120,
        description="The first 6 to 12 words of the article's sentence that reports this event, "
        "copied exactly, character for character.",
    )
    type: EventType = Field(description="What sort of event it is.")
    description: str = Field(max_length=120, description="What happened, in your own words, at most 15 words.")
    locations: list[_Name] = Field(
        max_length=4, description="Names of the places where it happened, as written; [] if none."
    )
    actors: list[_Name] = Field(max_length=4, description="Names of the actors involved, as written; [] if none.")


class BriefCasualty(_Strict):
    quote: str = Field(
        max_length=120,
        description="The first 6 to 12 words of the article's sentence that gives the figure, "
        "copied exactly, character for character.",
    )
    figure: str = Field(
        max_length=40,
        description="The number of people exactly as the article writes it, with its qualifier "
        "if any (such as at least, about, up to, more than), copied character for character.",
    )
    kind: CasualtyKind = Field(
        description="killed, wounded, captured, missing, or casualties (killed and wounded together, not split)."
    )
    affected: str | None = Field(max_length=60, description="Who suffered it, as the article names them.")
    claimed_by: str | None = Field(
        max_length=60,
        description="Who gives the figure when the article attributes it; null when the article states it itself.",
    )


class WholeBrief(_Strict):
    """The whole brief of one article in one answer (naive-v1). Every list and string is bounded,
    and the summary comes last: an answer cut off at the token budget has none and fails."""

    actors: list[BriefActor] = Field(max_length=15, description="Who takes part in or makes claims about the events.")
    locations: list[BriefLocation] = Field(max_length=15, description="Where the events happen.")
    events: list[BriefEvent] = Field(
        max_length=10, description="Distinct events the article reports as having happened."
    )
    casualties: list[BriefCasualty] = Field(
        max_length=10, description="Numbers of people killed, wounded, captured or missing."
    )
    summary: str = Field(max_length=600, description="2 to 4 neutral sentences: the main facts of the article only.")


SINGLE_PASSES: dict[str, type[BaseModel]] = {"brief": WholeBrief}

PASSES: dict[str, type[BaseModel]] = {
    "entities": Entities,
    "events": Events,
    "casualties": Casualties,
    "casualty_checks": CasualtyChecks,
    "brief": Brief,
}


@lru_cache(maxsize=8)
def schema_hash(
    pipeline: str = "extract", answer_keys: str = "words", no_event: str = "not_an_event", event_order: str = "types"
) -> str:
    """A short fingerprint of every schema the model sees and of the output document, for the
    prompts that make the model write the items ("extract", brief-v1..v3; "single", naive-v1:
    the whole brief in one answer) or classify what code found ("classify", brief-v4: its
    shapes are made per article, so one example of each is fingerprinted, with the code that
    makes them)."""
    if pipeline == "classify":
        from summarizer.extraction._labels import example_shapes

        shapes = example_shapes(answer_keys, no_event, event_order)
        payload = {name: model.model_json_schema() for name, model in shapes.items()}
    elif pipeline == "single":
        payload = {name: model.model_json_schema() for name, model in SINGLE_PASSES.items()}
    else:
        payload = {name: model.model_json_schema() for name, model in PASSES.items()}
    payload["document"] = SummaryDocument.model_json_schema()
    blob = json.dumps(payload, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(blob.encode()).hexdigest()[:12]
