"""A document's locations built for a test: each place with every mention of its name in the text."""

from __future__ import annotations

import re

from summarizer.contract import Location, Span


def locations_in(text: str, places: list[tuple[str, str, str | None]]) -> list[Location]:
    """(name, kind, country) -> Locations l1, l2 ..., each mentioned wherever the text has its name."""
    return [
        Location(
            id=f"l{i}",
            name=name,
            kind=kind,  # type: ignore[arg-type]
            country=country,
            mentions=[Span(start=m.start(), end=m.end(), text=name) for m in re.finditer(re.escape(name), text)],
        )
        for i, (name, kind, country) in enumerate(places, 1)
    ]
