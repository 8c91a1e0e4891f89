"""brief-v4's steps after the model answered the names, declared in one list, in the order
`_classify.run` applies them (like spaCy's ``nlp.pipe_names``): each with the function that does
it, what it reads and what it writes. Steps marked ``model`` ask the model (under a grammar); the
others are code.

``SUMMARIZER_DEBUG_PIPELINE=1`` prints the list to stderr when an article is summarized.
`tests/extraction/test_steps.py` checks that `run` calls the functions in this order.

The order is today's, not the natural one (identity first: kinds, titles stripped, one actor per
party, non-actors dropped; then sides; then events and figures; then pruning): `person_kinds`
runs last, after `check_sides` and `prune` (`one_per_party`, `not_an_actor`), which all branch on
``kind == "person"``. Reordering changes predictions, so it waits for a change that measures it.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TextIO

from summarizer.extraction._classify import Classifier, _figures, run
from summarizer.extraction._events import add_events
from summarizer.extraction._findings import find
from summarizer.extraction._linking import (
    actors_and_places,
    check_sides,
    group_sides,
    person_kinds,
    prune,
    victim_groups,
)


@dataclass(frozen=True)
class Step:
    """One step of the pipeline: its name, the function, what it reads and what it writes."""

    name: str
    function: Callable[..., Any]
    reads: str
    writes: str
    model: bool = False


STEPS: tuple[Step, ...] = (
    Step("find", find, "text; gazetteer; NER", "findings: candidates, settled places, actors, states, sides"),
    Step("label_names", Classifier.label_names, "findings.ask", "labelled: a kind or none per name", model=True),
    Step("actors_and_places", actors_and_places, "findings; labelled", "actors (kind, side cue); places (country)"),
    Step("label_sides", Classifier.label_sides, "actors with no side; findings.sides", "actor.side", model=True),
    Step("check_sides", check_sides, "text; findings; places; actor kind, forms", "actor.side; known groups' kind"),
    Step("add_events", add_events, "event sentences; places; actors", "events (type, places, date)", model=True),
    Step("figures", _figures, "casualty figures; actors; label_figures' answers", "figures (kind, affected, claimant)"),
    Step(
        "prune",
        prune,
        "actors; places; events; figures",
        "actors renamed, merged (one_per_party) and dropped (not_an_actor); places and actors pruned",
    ),
    Step(
        "victim_groups",
        victim_groups,
        "figures of civilian harm; their counted nouns",
        "civilians actors (or their forms)",
    ),
    Step(
        "group_sides",
        group_sides,
        "groups with no side; their names' nationality words; places",
        "actor.side (stated by a nationality word, or the home country for a state force with none)",
    ),
    Step("person_kinds", person_kinds, "findings.candidates' NER votes; actor.kind", "actor.kind = person"),
)


def pipe_names() -> list[str]:
    """The steps' names, in order."""
    return [s.name for s in STEPS]


def describe(out: TextIO | None = None) -> None:
    """Print the steps, one a line: number, name, function, reads -> writes."""
    out = out or sys.stderr
    for i, s in enumerate(STEPS, 1):
        where = f"{s.function.__module__}.{s.function.__qualname__}"
        tag = " [model]" if s.model else ""
        print(f"{i:2}. {s.name}{tag}  ({where})\n      reads: {s.reads}\n      writes: {s.writes}", file=out)


def debug_enabled() -> bool:
    return os.environ.get("SUMMARIZER_DEBUG_PIPELINE", "") not in ("", "0")


__all__ = ["STEPS", "Step", "debug_enabled", "describe", "pipe_names", "run"]
