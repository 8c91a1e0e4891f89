"""The answer shapes of brief-v4's passes: one fixed answer per item that code found, chosen
from closed lists (the grammar built from these schemas admits nothing else).

Each shape is made per article. Its keys name the items code listed, in order, all required:
the name itself for a name or an actor ("Rupert Hentzau"), the number and first words for a
sentence ("3. Ruritania pounded over 30"), the number and the figure for a figure ("1. 64"). The
model answers every item once and cannot add one, and writing the item's own words right
before its answer keeps a small model from drifting into repeating one answer down the list.
Values are enums (a kind, a side, an event type, an actor of this article), so the model
cannot type a name or a figure that code did not offer.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import Enum
from typing import Any, Self

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError, create_model

from summarizer.contract import ACTOR_KINDS, LOCATION_KINDS

# The contract's kinds, with "other" made unambiguous across actors and places.
ACTOR_LABELS = (*(k for k in ACTOR_KINDS if k != "other"), "other_actor")
PLACE_LABELS = (*(k for k in LOCATION_KINDS if k != "other"), "other_place")
NONE = "none"
NO_SIDE = NONE  # a side answer: the actor is tied to no state the article names
NOT_AN_EVENT = "not_an_event"
ENTITY_LABELS = (*ACTOR_LABELS, *PLACE_LABELS, NONE)


# The answers that say nothing: what an item the model did not get to answer is given.
ABSTAIN = (NONE, NOT_AN_EVENT)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    @classmethod
    def from_partial(cls, data: Mapping[str, Any]) -> tuple[Self, int, int] | None:
        """An answer cut off at its token budget (`data`: what the model wrote before the cut,
        parsed): the items it answered in full keep their answers, every later one gets its
        abstention (none, not_an_event): an empty field, never a guess. With the numbers of
        items answered and left unanswered; None when it answered none, or when an unanswered
        item has no abstention to fall back on."""
        values: dict[str, Any] = {}
        answered = 0
        for name, info in cls.model_fields.items():
            key = info.alias or name
            value = _valid(info.annotation, data.get(key))
            if value is None:
                value = _abstention(info.annotation)
                if value is None:
                    return None
            else:
                answered += 1
            values[key] = value
        if not answered:
            return None
        return cls.model_validate(values), answered, len(values) - answered


def _valid(annotation: Any, value: Any) -> Any:
    """`value` as a valid answer of `annotation`, or None."""
    if value is None:
        return None
    try:
        return TypeAdapter(annotation).validate_python(value)
    except ValidationError:
        return None


def _abstention(annotation: Any) -> Any:
    """The answer that says nothing, for an enum of answers or a shape of several (None if none)."""
    if isinstance(annotation, type) and issubclass(annotation, Enum):
        return next((m for m in annotation if m.value in ABSTAIN), None)
    if isinstance(annotation, type) and issubclass(annotation, _Strict):
        inner = {(i.alias or n): _abstention(i.annotation) for n, i in annotation.model_fields.items()}
        return None if any(v is None for v in inner.values()) else annotation.model_validate(inner)
    return None


def _enum(values: tuple[str, ...], name: str) -> Any:
    """A closed list of answers, as a str Enum so that the JSON schema states it once ($defs)
    however many items refer to it."""
    return Enum(name, {v: v for v in values}, type=str)  # type: ignore[misc]


def _keyed(name: str, doc: str, keys: list[str], values: list[Any]) -> type[BaseModel]:
    """A model whose JSON keys are `keys` (in order, all required), each holding one answer."""
    fields: dict[str, Any] = {
        f"k{i}": (value, Field(alias=key)) for i, (key, value) in enumerate(zip(keys, values, strict=True))
    }
    return create_model(name, __base__=_Strict, __doc__=doc, **fields)  # type: ignore[call-overload, no-any-return]


def answers(model: BaseModel) -> list[Any]:
    """The answers of a keyed model, in the order of its keys."""
    return [getattr(model, f"k{i}") for i in range(len(type(model).model_fields))]


def unique_keys(keys: list[str]) -> list[str]:
    """Keys made unique (a repeated one gets " (2)"), since JSON object keys must be."""
    seen: dict[str, int] = {}
    out = []
    for key in keys:
        seen[key] = seen.get(key, 0) + 1
        out.append(key if seen[key] == 1 else f"{key} ({seen[key]})")
    return out


def _uniform(name: str, doc: str, keys: list[str], values: tuple[str, ...], enum: str) -> type[BaseModel]:
    """Every key answered from the same closed list."""
    answer = _enum(values, enum)
    return _keyed(name, doc, unique_keys(keys), [answer] * len(keys))


def entity_answers(names: list[str]) -> type[BaseModel]:
    doc = "Pass 1 (brief-v4): what each name of the article is: an actor kind, a place kind, or none."
    return _uniform("EntityLabels", doc, names, ENTITY_LABELS, "EntityLabel")


def side_answers(names: list[str], sides: tuple[str, ...]) -> type[BaseModel]:
    doc = "Pass 2 (brief-v4): the country each actor belongs to, serves, fights or speaks for."
    return _uniform("SideLabels", doc, names, sides, "Side")


def event_answers(
    keys: list[str], options: list[tuple[str, ...]], no_event: str = NOT_AN_EVENT, order: str = "types"
) -> type[BaseModel]:
    """One answer per sentence, each from the event types its own words allow (code decides
    which) or `no_event` (the prompt's word for not_an_event: "none" in brief-v7), listed after
    them, or before them with `order` "none_first" (brief-v12).
    Sentences that allow the same types share one enum."""
    enums: dict[tuple[str, ...], Any] = {}
    values = []
    for allowed in options:
        key = (no_event, *allowed) if order == "none_first" else (*allowed, no_event)
        if key not in enums:
            enums[key] = _enum(key, "EventLabel" + "".join(w[0].upper() for w in allowed))
        values.append(enums[key])
    return _keyed(
        "EventLabels",
        "Pass 3 (brief-v4): the ACLED type of the event each sentence reports, or not_an_event.",
        unique_keys(keys),
        values,
    )


def figure_answer(affected: tuple[str, ...], claimants: tuple[str, ...]) -> type[BaseModel]:
    return create_model(  # type: ignore[call-overload, no-any-return]
        "FigureLabel",
        __base__=_Strict,
        __doc__="One figure: who suffered it, who claims it.",
        affected=(_enum((*affected, NONE), "Affected"), Field(description="who suffered it")),
        claimed_by=(_enum((*claimants, NONE), "Claimant"), Field(description="who the sentence says gives the figure")),
    )


def affected_answers(keys: list[str], affected: tuple[str, ...]) -> type[BaseModel]:
    """brief-v6 on: who suffered each figure, one answer per figure (who claims it is read by code)."""
    return _uniform(
        "AffectedLabels", "Pass 4 (brief-v6): who suffered each figure.", keys, (*affected, NONE), "Affected"
    )


def figure_answers(keys: list[str], affected: tuple[str, ...], claimants: tuple[str, ...]) -> type[BaseModel]:
    one = figure_answer(affected, claimants)
    return _keyed("FigureLabels", "Pass 4 (brief-v4): each figure classified.", unique_keys(keys), [one] * len(keys))


def example_shapes(
    answer_keys: str = "words", no_event: str = NOT_AN_EVENT, event_order: str = "types"
) -> dict[str, type[BaseModel]]:
    """One instance of every shape, for the schema hash (the real ones vary per article); with
    numbered keys (brief-v6 on) the figures are answered by `affected_answers`."""
    if answer_keys == "numbers":
        return {
            "entity_labels": entity_answers(["1", "2"]),
            "side_labels": side_answers(["1"], ("A Country", NO_SIDE)),
            "event_labels": event_answers(["1"], [("explosion_remote_violence",)], no_event, event_order),
            "affected_labels": affected_answers(["1"], ("A Country", "civilians")),
        }
    return {
        "entity_labels": entity_answers(["A Person", "A Place"]),
        "side_labels": side_answers(["A Person"], ("A Country", NO_SIDE)),
        "event_labels": event_answers(["1. A sentence's first words"], [("explosion_remote_violence",)]),
        "figure_labels": figure_answers(["1. 64"], ("A Country", "civilians"), ("A Person",)),
    }
