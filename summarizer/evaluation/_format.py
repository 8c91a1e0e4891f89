"""How eval figures are written, for the terminal tables (`summarizer eval`) and the HTML
report alike: one formatter per kind of figure, so both say the same thing."""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from typing import Any

ATTR_LABELS = {
    "actor_kind": "actor kind",
    "actor_side": "actor side",
    "actor_side_stated": "  of them stated",
    "actor_side_inferred": "  of them inferred",
    "location_kind": "location kind",
    "location_country": "location country",
    "location_admin1": "location admin1",
    "casualty_affected": "casualty affected",
    "casualty_claimed_by": "casualty claimed_by",
    "casualty_event": "casualty's event",
    "event_roles": "event roles",
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


def _tokens(name: str) -> list[str]:
    """A model name cut after each '/' and '-': 'local/qwen2.5-coder-1.5b' -> 'local/', 'qwen2.5-',
    'coder-', '1.5b'."""
    return re.findall(r"[^/-]*(?:[/-]|$)", name)[:-1] or [name]


def _shared(a: list[str], b: list[str]) -> int:
    n = 0
    while n < min(len(a), len(b)) and a[n] == b[n]:
        n += 1
    return n


def short_names(models: Sequence[str]) -> dict[str, str]:
    """Names that tell models apart in narrow columns: each name without the longest run of
    leading parts (cut at '/' and '-') that it shares with another model, keeping at least its
    last part: local/qwen2.5-coder-1.5b, local/qwen2.5-coder-0.5b, local/gemma-3-270m ->
    1.5b, 0.5b, gemma-3-270m. The full names are kept when the short ones would collide."""
    toks = {m: _tokens(m) for m in models}
    out: dict[str, str] = {}
    for m in models:
        cut = max((_shared(toks[m], toks[o]) for o in models if o != m), default=0)
        cut = min(cut, len(toks[m]) - 1)
        out[m] = "".join(toks[m][cut:]) or m
    if len(set(out.values())) < len(out):
        return {m: m for m in models}
    return out


def split_line(agg: Any) -> str:
    """One split's figures on one line: articles, macro F1 with its interval, the four fields,
    attribution and, where the gold has roles, the role F1s."""
    fields = " / ".join(num(agg.fields[name].f1) for name in ("actors", "locations", "events", "casualties"))
    line = (
        f"{agg.articles} articles · macro F1 {num(agg.macro_f1)} {ci(agg.macro_f1_ci)} · "
        f"actors/locations/events/casualties {fields} · attribution {pct(agg.attribution.accuracy)}"
    )
    if agg.roles:
        line += " · roles " + " ".join(f"{role} {num(fa.f1)}" for role, fa in agg.roles.items())
    return line
