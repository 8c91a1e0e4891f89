"""Scoring predicted summary documents against gold, by the rules of shared/CONTRACT.md §2.

Pure functions, no I/O. The unit is one article: `score_article(document, gold_record)` turns a
predicted document (the contract's document as a dict, or None when the model failed) and a
gold record into per-field true/false positives and misses (the matching rules are in
`_matching`), attribute accuracy on matched pairs, the faithfulness of the written sentences,
the grounding rate of the document's spans and the provenance figures (validity on the first
try, retries, tokens, latency). It also owns the one-line labels of items in reports.

Attribute accuracy is counted on the hits (pairs with required gold items): actor kind and
side, location kind, country and admin1 (where the gold has one), casualty affected and
claimed_by, an event's roles (all the roles its gold states, each the same participants one to
one). Sides and names are
compared with `names_match`; null against null is correct, null against a value is wrong. A
party (`affected`, `claimed_by`, an event role's filler) is known by every name its document's
actors give it: its actor's name and aliases, on either side, as actors themselves are matched.

The figures over a run (`aggregate`, `paired_differences`, bootstrap intervals) are in
`_statistics`; the names `_runner` and `_report` import from here are re-exported below.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from typing import Any

from summarizer.contract import EVENT_ROLES
from summarizer.evaluation._article_score import ATTRIBUTES, FIELDS, ArticleScore, AttributeScore
from summarizer.evaluation._matching import (
    FieldScore,
    actor_names,
    casualty_edge,
    event_edge_for,
    filler_names,
    int_or_none,
    items_of,
    match_field,
    name_edge,
    prf,
    same_fillers,
    same_kind,
    same_party,
    same_value,
    text_or_none,
)
from summarizer.evaluation._statistics import (
    DEFAULT_RESAMPLES,
    DEFAULT_SEED,
    Difference,
    RunAggregate,
    aggregate,
    paired_differences,
)
from summarizer.text import sentences, unsupported

__all__ = [
    "DEFAULT_RESAMPLES",
    "DEFAULT_SEED",
    "FIELDS",
    "attribute_checks",
    "ArticleScore",
    "Difference",
    "RunAggregate",
    "aggregate",
    "document_spans",
    "faithfulness",
    "item_label",
    "paired_differences",
    "prf",
    "score_article",
    "span_is_exact",
]

# --------------------------------------------------------------------------------------------
# Labels (for reports: what was missed, what was made up).
# --------------------------------------------------------------------------------------------


def _numbers_label(item: Mapping[str, Any]) -> str:
    count, low, high = int_or_none(item.get("count")), int_or_none(item.get("low")), int_or_none(item.get("high"))
    if count is not None:
        return str(count)
    if low is not None and high is not None:
        return f"{low}-{high}"
    if low is not None:
        return f">={low}"
    if high is not None:
        return f"<={high}"
    return "?"


def item_label(
    field_name: str,
    item: Mapping[str, Any],
    locations: Sequence[Mapping[str, Any]] = (),
) -> str:
    """A one-line description of a gold or predicted item."""
    if field_name == "actors":
        return f"{item.get('name')} ({item.get('kind')}, side: {item.get('side')})"
    if field_name == "locations":
        return f"{item.get('name')} ({item.get('kind')})"
    if field_name == "events":
        places: list[str] = [str(x) for x in (item.get("locations") or []) if isinstance(x, str)]
        ids = item.get("location_ids")
        if isinstance(ids, list):
            by_id = {loc.get("id"): loc.get("name") for loc in locations}
            places += [str(by_id.get(x, x)) for x in ids]
        where = ", ".join(places) or "no place"
        desc = text_or_none(item.get("description"))
        text = f"{item.get('type')} @ {where}"
        if item.get("date"):
            text += f" on {item.get('date')}"
        return f"{text}: {desc}" if desc else text
    if field_name == "casualties":
        text = f"{item.get('kind')} {_numbers_label(item)}"
        raw = text_or_none(item.get("raw"))
        if raw:
            text += f' ("{raw}")'
        return f"{text}, affected: {item.get('affected')}, claimed by: {item.get('claimed_by')}"
    return str(dict(item))


# --------------------------------------------------------------------------------------------
# One article.
# --------------------------------------------------------------------------------------------


def faithfulness(document: Mapping[str, Any], text: str) -> tuple[int, int]:
    """(faithful, total) over the document's summary sentences and event descriptions: a unit
    is faithful when every name and number in it occurs in the article (`text.unsupported`)."""
    units = []
    summary = document.get("summary")
    if isinstance(summary, str) and summary.strip():
        units += [summary[s:e] for s, e in sentences(summary)]
    units += [str(e.get("description")) for e in items_of(document, "events") if e.get("description")]
    return sum(1 for u in units if not unsupported(u, text)), len(units)


def document_spans(document: Mapping[str, Any] | None) -> list[tuple[str, Mapping[str, Any]]]:
    """Every span of a document, with its field: actor and location mentions, event and
    casualty evidence."""
    out: list[tuple[str, Mapping[str, Any]]] = []
    for name, key in (
        ("actors", "mentions"),
        ("locations", "mentions"),
        ("events", "evidence"),
        ("casualties", "evidence"),
    ):
        for item in items_of(document, name):
            spans = item.get(key)
            if isinstance(spans, list):
                out.extend((name, s) for s in spans if isinstance(s, Mapping))
    return out


def span_is_exact(span: Mapping[str, Any], text: str) -> bool:
    """`span.text == text[start:end]` with valid bounds."""
    start, end, value = int_or_none(span.get("start")), int_or_none(span.get("end")), span.get("text")
    if start is None or end is None or not isinstance(value, str):
        return False
    if not 0 <= start <= end <= len(text):
        return False
    return text[start:end] == value


def _gold_items(record: Mapping[str, Any], name: str) -> list[Mapping[str, Any]]:
    return items_of(record.get("gold") if isinstance(record.get("gold"), Mapping) else None, name)


def score_article(
    document: Mapping[str, Any] | None,
    record: Mapping[str, Any],
    *,
    model: str = "",
    error: str | None = None,
    error_type: str | None = None,
) -> ArticleScore:
    """Score one predicted document against one gold record (contract §2).

    `document` None means the model failed on this article: every required gold item is
    missed, and the score is marked failed with `error`.
    """
    raw_text = record.get("text")
    text = raw_text if isinstance(raw_text, str) else ""
    score = ArticleScore(article_id=str(record.get("id", "")), model=model)
    score.attributes = {name: AttributeScore() for name in ATTRIBUTES}
    if document is None:
        score.failed = True
        score.error = error or "no document"
        score.error_type = error_type
    gold = {name: _gold_items(record, name) for name in FIELDS}
    pred = {name: items_of(document, name) for name in FIELDS}
    score.fields = _match_fields(pred, gold)
    _score_attributes(score, pred, gold)
    if _has_roles(gold["events"]):
        score.roles = _match_roles(pred["events"], gold["events"], pred["actors"], gold["actors"])
    if document is not None:
        _read_document(score, document, text)
    return score


Items = dict[str, list[Mapping[str, Any]]]


def _match_fields(pred: Items, gold: Items) -> dict[str, FieldScore]:
    """The one-to-one matching of each field, with the labels of misses and false positives.
    Events are matched through the locations' matching."""
    fields = {
        "actors": match_field(pred["actors"], gold["actors"], name_edge),
        "locations": match_field(pred["locations"], gold["locations"], name_edge),
    }
    event_edge = event_edge_for(
        pred["locations"],
        gold["locations"],
        fields["locations"].hits + fields["locations"].optional_hits,
    )
    fields["events"] = match_field(pred["events"], gold["events"], event_edge)
    fields["casualties"] = match_field(pred["casualties"], gold["casualties"], casualty_edge)
    for name in FIELDS:
        fs = fields[name]
        fs.miss_labels = [item_label(name, gold[name][j]) for j in fs.misses]
        fs.false_positive_labels = [item_label(name, pred[name][i], pred["locations"]) for i in fs.false_positives]
    return fields


# The attributes checked on a matched pair of each field: (attribute, the item's key, how compared).
_CHECKED: dict[str, tuple[tuple[str, str, str], ...]] = {
    "actors": (("actor_kind", "kind", "kind"), ("actor_side", "side", "value")),
    "locations": (
        ("location_kind", "kind", "kind"),
        ("location_country", "country", "value"),
        ("location_admin1", "admin1", "value"),
    ),
    "casualties": (("casualty_affected", "affected", "party"), ("casualty_claimed_by", "claimed_by", "party")),
    "events": (("event_roles", "roles", "roles"),),
}


def _roles_text(roles: Mapping[str, list[str]]) -> str:
    """Roles in words for a report: "by Ruritania; against —"."""
    return "; ".join(f"{role} {', '.join(names) or '—'}" for role, names in roles.items())


def attribute_checks(
    field_name: str,
    pred: Mapping[str, Any],
    gold: Mapping[str, Any],
    pred_actors: Sequence[Mapping[str, Any]] = (),
    gold_actors: Sequence[Mapping[str, Any]] = (),
) -> list[tuple[str, bool, Any, Any]]:
    """(attribute, right, predicted value, gold value) for each attribute scored on a matched
    pair: a location's country only when the gold has the key, its admin1 only when the gold
    gives one. A party (`affected`, `claimed_by`) is compared by every name its document's
    actors give it (`same_party`)."""
    out: list[tuple[str, bool, Any, Any]] = []
    for attr, key, how in _CHECKED.get(field_name, ()):
        if attr == "location_country" and key not in gold:
            continue
        if attr == "location_admin1" and not text_or_none(gold.get(key)):
            continue
        if how == "roles":  # a matched event's roles, where the gold gives them
            stated = [role for role in EVENT_ROLES if role in gold]
            if not stated:
                continue
            pr = {role: filler_names(pred.get(role)) for role in stated}
            gr = {role: filler_names(gold.get(role)) for role in stated}
            wrong = [r for r in stated if not same_fillers(pr[r], gr[r], pred_actors, gold_actors)]
            shown_p = _roles_text({r: pr[r] for r in wrong})
            out.append((attr, not wrong, shown_p, _roles_text({r: gr[r] for r in wrong})))
            continue
        p, g = pred.get(key), gold.get(key)
        if how == "kind":
            ok = same_kind(p, g)
        elif how == "party":
            ok = same_party(p, g, pred_actors, gold_actors)
        else:
            ok = same_value(p, g)
        out.append((attr, ok, p, g))
    return out


def _score_attributes(score: ArticleScore, pred: Items, gold: Items) -> None:
    """Attribute accuracy on the hits of actors, locations and casualties."""
    attrs = score.attributes
    for name in ("actors", "locations", "casualties", "events"):
        for i, j in score.fields[name].hits:
            p, g = pred[name][i], gold[name][j]
            for attr, ok, _p, _g in attribute_checks(name, p, g, pred["actors"], gold["actors"]):
                attrs[attr].add(ok)
                if attr == "actor_side" and p.get("side") and p.get("side_basis") in ("stated", "inferred"):
                    attrs[f"actor_side_{p['side_basis']}"].add(ok)  # "known": the groups list
    event_pairs = set(score.fields["events"].hits + score.fields["events"].optional_hits)
    event_index = {ev.get("id"): i for i, ev in enumerate(pred["events"]) if isinstance(ev.get("id"), str)}
    for i, j in score.fields["casualties"].hits:
        p, g = pred["casualties"][i], gold["casualties"][j]
        if "event" in g:
            pred_event = event_index.get(p.get("event_id"))
            gold_event = g.get("event")
            if gold_event is None:
                attrs["casualty_event"].add(pred_event is None)
            else:
                attrs["casualty_event"].add((pred_event, gold_event) in event_pairs)


def _has_roles(gold_events: list[Mapping[str, Any]]) -> bool:
    """Whether the gold record is annotated with event roles (dataset format 2): some event
    carries a role list, or the record has no event at all."""
    return not gold_events or any(role in ev for ev in gold_events for role in EVENT_ROLES)


def _fillers(
    events: list[Mapping[str, Any]], role: str, actors: Sequence[Mapping[str, Any]], *, gold: bool
) -> list[Mapping[str, Any]]:
    """One role's fillers over all events of an article, once per participant (document level).
    A predicted filler is an object with a `name` (a plain string is taken too); a gold filler
    is a string, optional when its event is. A filler that names one of the document's actors
    carries that actor's names as its aliases, as the actors are matched ("Strelsau" for the actor
    "Ruritania", alias "Strelsau"), and one actor is one participant however it is named."""
    out: dict[str, dict[str, Any]] = {}
    for ev in events:
        raw = ev.get(role)
        for filler in raw if isinstance(raw, list) else []:
            name = filler.get("name") if isinstance(filler, Mapping) else filler
            if not isinstance(name, str) or not name.strip():
                continue
            optional = gold and bool(ev.get("optional"))
            names = actor_names(name, actors)
            key = names[0].strip().casefold()
            if key in out:
                out[key]["optional"] = out[key]["optional"] and optional
            else:
                aliases = [n for n in names if n != name.strip()]
                out[key] = {"name": name.strip(), "aliases": aliases, "optional": optional}
    return list(out.values())


def _match_roles(
    pred_events: list[Mapping[str, Any]],
    gold_events: list[Mapping[str, Any]],
    pred_actors: Sequence[Mapping[str, Any]] = (),
    gold_actors: Sequence[Mapping[str, Any]] = (),
) -> dict[str, FieldScore]:
    """Per role, the one-to-one matching of the article's fillers by name and alias (the actors'
    rules)."""
    roles = {}
    for role in EVENT_ROLES:
        pred = _fillers(pred_events, role, pred_actors, gold=False)
        gold = _fillers(gold_events, role, gold_actors, gold=True)
        fs = match_field(pred, gold, name_edge)
        fs.miss_labels = [gold[j]["name"] for j in fs.misses]
        fs.false_positive_labels = [pred[i]["name"] for i in fs.false_positives]
        roles[role] = fs
    return roles


def _read_document(score: ArticleScore, doc: Mapping[str, Any], text: str) -> None:
    """Faithfulness, grounding, the article's checksum and the provenance figures."""
    score.faithful, score.faithful_total = faithfulness(doc, text)
    spans = document_spans(doc)
    score.spans_total = len(spans)
    score.spans_exact = sum(1 for _, s in spans if span_is_exact(s, text))
    article = doc.get("article")
    if isinstance(article, Mapping) and isinstance(article.get("sha256"), str):
        score.text_matches = article["sha256"] == hashlib.sha256(text.encode("utf-8")).hexdigest()
    prov = doc.get("provenance")
    prov = prov if isinstance(prov, Mapping) else {}
    score.calls = int_or_none(prov.get("calls")) or 0
    score.retries = int_or_none(prov.get("retries")) or 0
    score.prompt_tokens = int_or_none(prov.get("prompt_tokens")) or 0
    score.completion_tokens = int_or_none(prov.get("completion_tokens")) or 0
    latency = prov.get("latency_s")
    score.latency_s = float(latency) if isinstance(latency, int | float) else 0.0
    ftv = prov.get("first_try_valid")
    score.first_try_valid = ftv if isinstance(ftv, bool) else score.retries == 0
