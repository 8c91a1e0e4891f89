"""How eval figures are written, for the terminal tables (`summarizer eval`) and the HTML
report alike: one formatter per kind of figure, so both say the same thing."""

from __future__ import annotations

import math
from collections.abc import Sequence

ATTR_LABELS = {
    "actor_kind": "actor kind",
    "actor_side": "actor side",
    "location_kind": "location kind",
    "location_country": "location country",
    "casualty_affected": "casualty affected",
    "casualty_claimed_by": "casualty claimed_by",
}


def num(value: float | None, digits: int = 3) -> str:
    """A figure with `digits` decimals; "–" when there is none (None, NaN, infinite)."""
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "–"
    return f"{value:.{digits}f}"


def ci(interval: Sequence[float] | None) -> str:
    """A 95% interval as "[lo, hi]"; "" when there is none."""
    if not interval or any(not math.isfinite(x) for x in interval):
        return ""
    return f"[{interval[0]:.2f}, {interval[1]:.2f}]"


def pct(value: float | None) -> str:
    return "–" if value is None else f"{100 * value:.0f}%"


def cost(value: float | None) -> str:
    return "?" if value is None else f"${value:.4f}"
