"""What brief-v4 found in one article, before it becomes the document's parts: actors, places,
events and figures, each with the offsets and forms code found for it."""

from __future__ import annotations

from collections.abc import Callable
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
    # where the side comes from: "stated" (the article's own words: the actor's name, a
    # nationality before a title, "X, governor of Y", the state itself), "inferred" (the model's
    # reading of the article; civilians' country from where the story's places are), "known"
    # (the project's list of armed groups, rules/groups.toml, with sources); None with no side
    side_basis: str | None = None

    def __post_init__(self) -> None:
        if self.side is not None and self.side_basis is None:
            self.side_basis = "stated"  # code found it in the article's words


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
    # the sentences that tell the same incident again (a twin: same type and place), as (start,
    # end): a figure there is this event's ("The explosions, which struck ..., wounded 78 people")
    told_again: list[tuple[int, int]] = field(default_factory=list)


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

    def as_written(self, written: Callable[[str], str]) -> None:
        """Every name as the article writes it (`written`: a name read in the case-restored text
        back to the article's characters); sides, countries and kinds are not the article's words."""
        actors = {a.name for a in self.actors}
        items: list[FoundActor | FoundPlace] = [*self.actors, *self.places]
        for item in items:
            item.name, item.forms = written(item.name), [written(f) for f in item.forms]
        for event in self.events:
            event.places, event.actors = [written(p) for p in event.places], [written(a) for a in event.actors]
        for figure in self.figures:
            figure.claimed_by = written(figure.claimed_by) if figure.claimed_by else None
            figure.affected = written(figure.affected) if figure.affected in actors else figure.affected

    def close_names(self) -> None:
        """An actor's name cut inside a parenthesis ("Black Hand Front (BHF", where the text has
        "Black Hand Front (BHF)") goes by the words before it, with those inside as one of its
        forms; its events and figures follow."""
        renamed: dict[str, str] = {}
        for actor in self.actors:
            if actor.name.count("(") <= actor.name.count(")"):
                continue
            head, _, inside = actor.name.rpartition("(")
            head, inside = head.strip(), inside.strip(" )")
            if head and inside:
                renamed[actor.name] = head
                actor.forms = list(dict.fromkeys(f for f in [inside, *actor.forms] if f not in (head, actor.name)))
                actor.name = head
        self.rename_actors(renamed)

    def rename_actors(self, renamed: dict[str, str]) -> None:
        """Point the events and figures at the actors' new names (`renamed`: old name -> new; a
        new name may itself have been renamed), each actor once per event."""
        if not renamed:
            return
        names = {a.name for a in self.actors}

        def now(name: str | None) -> str | None:
            for _ in range(len(renamed) + 1):  # a rename may have been renamed again
                if name is None or name in names or name not in renamed:
                    break
                name = renamed[name]
            return name

        for event in self.events:
            event.actors = list(dict.fromkeys(n for n in (now(a) for a in event.actors) if n is not None))
        for figure in self.figures:
            figure.affected, figure.claimed_by = now(figure.affected), now(figure.claimed_by)
