"""Rendering a summary document: JSON (the contract), a Markdown brief, rich terminal tables.

The two human formats show what a reader checks a brief against: each casualty figure and
each event with the article's own sentence quoted (the figure marked in it, long sentences
trimmed around it with an ellipsis), never raw character offsets; the latency said to be the
live recording's when the run replayed cassettes; and what was dropped, type conflicts ("'Victory
Day' is an actor, not a place") apart from what the article does not say.

Library side: no typer; rich is imported only when tables are drawn."""

from __future__ import annotations

import re
from typing import Any

from summarizer.contract import Actor, Casualty, Event, Provenance, Span, SummaryDocument
from summarizer.text import CUT_MARK

QUOTE_CHARS = 240  # a quoted sentence longer than this is trimmed around its figure


def to_json(doc: SummaryDocument) -> str:
    return doc.model_dump_json(indent=2)


def _figure(c: Any) -> str:
    if c.count is not None:
        return f"{c.count:,}"
    if c.low is not None and c.high is not None:
        return f"{c.low:,}–{c.high:,}"
    if c.low is not None:
        return f"≥{c.low:,}"
    if c.high is not None:
        return f"≤{c.high:,}"
    return "?"


def _names(ids: list[str], table: dict[str, str]) -> str:
    return ", ".join(table[i] for i in ids if i in table) or "—"


def _md_html(text: str) -> str:
    """`&`, `<` and `>` as character references: no text of a document is ever HTML in Markdown
    (a title `<img src=x onerror=...>` is shown, not rendered)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _md_cell(text: str | None) -> str:
    return _md_html(text or "—").replace("|", "\\|").replace("\n", " ")


def _md_inline(text: str) -> str:
    """Text from the article or the model in a Markdown line: no line break, no markup, no HTML."""
    return _md_html(re.sub(r"([\\*_`\[\]])", r"\\\1", " ".join(text.split())))


def _md_code(text: str) -> str:
    """Text in a code span (HTML is not interpreted there): no backtick to end it early."""
    return " ".join(text.replace("`", "'").split())


def _fold(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def _cut_start(text: str, room: int) -> str:
    """The last `room` characters of `text` or fewer, from a word start, after an ellipsis."""
    if len(text) <= room:
        return text
    tail = text[len(text) - max(room - 1, 0) :]
    space = tail.find(" ")
    return "…" + (tail[space + 1 :] if 0 <= space < len(tail) - 1 else tail)


def _cut_end(text: str, room: int) -> str:
    """The first `room` characters of `text` or fewer, up to a word end, before an ellipsis."""
    if len(text) <= room:
        return text
    head = text[: max(room - 1, 0)]
    space = head.rfind(" ")
    return (head[:space] if space > 0 else head).rstrip() + "…"


def quote(sentence: Span, mark: Span | None = None, limit: int = QUOTE_CHARS) -> tuple[str, str, str]:
    """The sentence of a span as quoted to a reader: (before, marked, after), whitespace folded,
    `mark` (a figure inside the sentence) in the middle; past `limit` characters the sentence is
    trimmed at word boundaries around the mark, each cut shown by an ellipsis. Without a mark
    inside the sentence, all of it is `before`."""
    text = sentence.text
    if mark is not None and sentence.start <= mark.start and mark.end <= sentence.end:
        i, j = mark.start - sentence.start, mark.end - sentence.start
        before, marked, after = _fold(text[:i]).lstrip(), _fold(text[i:j]), _fold(text[j:]).rstrip()
    else:
        return _cut_end(_fold(text).strip(), limit), "", ""
    room = max(limit - len(marked), 0)
    if len(before) + len(after) > room:
        keep_before = min(len(before), max(room // 3, room - len(after)))
        before = _cut_start(before, keep_before)
        after = _cut_end(after, max(room - len(before), 0))
    return before, marked, after


def _casualty_quote(c: Casualty) -> tuple[str, str, str]:
    """A casualty's sentence with its figure marked: the evidence is the figure, then its sentence."""
    if len(c.evidence) >= 2:
        return quote(c.evidence[1], c.evidence[0])
    if c.evidence:
        return "", _fold(c.evidence[0].text).strip(), ""
    return "", c.raw, ""


def _event_quote(e: Event) -> str | None:
    return "".join(quote(e.evidence[0])) if e.evidence else None


def _description_differs(e: Event, quoted: str | None) -> bool:
    """The description says something the quoted sentence does not: it is not the sentence's
    own words (brief-v4 takes it from the sentence, cut at a clause boundary and marked with
    CUT_MARK when long; brief-v3's model writes it)."""
    own = " ".join(e.description.removesuffix(CUT_MARK).split())
    return quoted is None or own not in " ".join(e.evidence[0].text.split())


def roles(e: Event) -> str:
    """An event's roles in words, empty roles left out: "by Ruritanian forces, against Borduria;
    victims: civilians; targets: a school; with missiles"."""

    def names(fillers: list[Any]) -> str:
        return ", ".join(dict.fromkeys(f.name for f in fillers if f.name))

    head = [f"{word} {names(fillers)}" for word, fillers in (("by", e.by), ("against", e.against)) if names(fillers)]
    tail = [
        text
        for text in (
            f"victims: {names(e.victims)}" if names(e.victims) else "",
            f"targets: {names(e.targets)}" if names(e.targets) else "",
            f"with {names(e.weapons)}" if names(e.weapons) else "",
        )
        if text
    ]
    return "; ".join([", ".join(head)] + tail if head else tail)


def latency(p: Provenance) -> str:
    """The latency as it should be read: this run's, or the live recording's on a replay."""
    if p.latency_source == "recorded":
        return f"{p.latency_s:.1f} s (recorded live; this run replayed it)"
    if p.latency_source == "replay":
        return f"{p.latency_s:.1f} s (replayed; no recorded latency)"
    return f"{p.latency_s:.1f} s"


_CONFLICT = "Type conflicts"
_NOT_FOUND = "Not found in the article"
_UNSORTED = "Dropped"


def drops(p: Provenance) -> dict[str, list[str]]:
    """What was dropped, by section: type conflicts (a name given as one kind and listed as
    another), then everything the article does not say (names, quotes and figures not found,
    figures with no number, summary sentences, event dates); lines of a document made before drops
    had reasons are listed as they are."""
    d = p.dropped
    sections: dict[str, list[str]] = {_CONFLICT: [], _NOT_FOUND: [], _UNSORTED: []}
    for detail in d.details:
        sections[_CONFLICT if detail.reason == "type_conflict" else _NOT_FOUND].append(detail.message)
    described = {detail.message for detail in d.details}
    sections[_UNSORTED] = [item for item in d.items if item not in described]
    return {title: lines for title, lines in sections.items() if lines}


def _dropped_counts(p: Provenance) -> str:
    d = p.dropped
    counts = f"{d.actors} actors, {d.locations} locations, {d.events} events, {d.casualties} casualties"
    return counts + (f", {d.dates} event dates" if d.dates else "")


def to_markdown(doc: SummaryDocument) -> str:
    """The document as Markdown; long on purpose: one section after another, as the reader sees them."""
    a = doc.article
    p = doc.provenance
    loc_names = {loc.id: loc.name for loc in doc.locations}
    lines = [f"# {_md_inline(a.title or a.id)}", ""]
    meta = [f"article `{_md_code(a.id)}`", f"{a.chars:,} chars", f"sha256 `{_md_code(a.sha256[:12])}`"]
    if a.published:
        meta.insert(1, f"published {a.published}")
    lines += [" · ".join(meta), "", "## Summary", "", _md_inline(doc.summary) or "_(no summary)_", ""]
    lines += ["## Casualties", ""]
    if doc.casualties:
        lines += ["| kind | figure | affected | claimed by | as the article says it |", "|---|---|---|---|---|"]
        for c in doc.casualties:
            approx = " (approx.)" if c.approximate else ""
            before, marked, after = (_md_cell(part).replace("*", "\\*") if part else "" for part in _casualty_quote(c))
            said = f"“{before}**{marked}**{after}”" if marked else f"“{before}”"
            lines.append(
                f"| {c.kind} | {_figure(c)}{approx} | {_md_cell(c.affected)} | {_md_cell(c.claimed_by)} | {said} |"
            )
    else:
        lines.append("_No casualty figures in the article._")
    lines += ["", "## Events", ""]
    if doc.events:
        for e in doc.events:
            when = f" ({e.date})" if e.date else ""
            quoted = _event_quote(e)
            what = f": {_md_inline(e.description)}" if _description_differs(e, quoted) else ""
            who = f" {_md_inline(roles(e))}" if roles(e) else ""
            places = [loc_names[i] for i in e.location_ids if i in loc_names]
            lines.append(f"- **{e.type}**{when}{what}{who}" + (f" — {_md_inline(', '.join(places))}" if places else ""))
            if quoted:
                lines.append(f"  > {_md_inline(quoted)}")
    else:
        lines.append("_No events reported._")
    lines += ["", "## Actors", "", "| name | kind | side | aliases | mentions |", "|---|---|---|---|---|"]
    for x in doc.actors:
        aliases = _md_cell(", ".join(x.aliases))
        lines.append(f"| {_md_cell(x.name)} | {x.kind} | {_md_cell(side_label(x))} | {aliases} | {len(x.mentions)} |")
    lines += ["", "## Locations", "", "| name | kind | admin1 | country | mentions |", "|---|---|---|---|---|"]
    for loc in doc.locations:
        where = f"{_md_cell(loc.admin1)} | {_md_cell(loc.country)}"
        lines.append(f"| {_md_cell(loc.name)} | {loc.kind} | {where} | {len(loc.mentions)} |")
    lines += [
        "",
        "## Provenance",
        "",
        f"{_md_inline(p.model)} · prompt {_md_inline(p.prompt_version)} · schema {_md_inline(p.schema_hash)} · "
        f"{p.calls} calls, {p.retries} re-asks · "
        f"{p.prompt_tokens:,} prompt + {p.completion_tokens:,} completion tokens · {latency(p)}",
        "",
        f"Dropped: {_dropped_counts(p)}.",
    ]
    for title, items in drops(p).items():
        lines += ["", f"### {title}", ""]
        lines += [f"- {_md_inline(item)}" for item in items]
    if p.warnings:
        lines += ["", "### Warnings", ""]
        lines += [f"- {_md_inline(w)}" for w in p.warnings]
    return "\n".join(lines) + "\n"


def print_tables(doc: SummaryDocument, console: Any) -> None:
    """Rich tables. Every string from the article or the model is a `Text`, never markup: a
    title holding `[/]`, `[bold]` or `[link=...]` is shown as written. Long on purpose: one table per section, as
    the reader sees them."""
    from rich.panel import Panel
    from rich.table import Table
    from rich.text import Text

    def cell(value: Any) -> Text:
        return Text(str(value))

    def quoted(before: str, marked: str, after: str) -> Text:
        out = Text("“")
        out.append(before)
        out.append(marked, style="bold")
        out.append(after + "”")
        return out

    a = doc.article
    p = doc.provenance
    console.print(Panel(cell(doc.summary or "(no summary)"), title=cell(a.title or a.id), subtitle=cell(p.model)))
    loc_names = {loc.id: loc.name for loc in doc.locations}
    t = Table(title="Casualties", show_lines=True)
    for col in ("kind", "figure", "affected", "claimed by"):
        t.add_column(col)
    t.add_column("as the article says it", ratio=1)
    for c in doc.casualties:
        t.add_row(
            cell(c.kind),
            cell(_figure(c) + ("~" if c.approximate else "")),
            cell(c.affected or "—"),
            cell(c.claimed_by or "—"),
            quoted(*_casualty_quote(c)),
        )
    console.print(t)
    t = Table(title="Events", show_lines=True)
    for col in ("type", "date", "where", "roles"):
        t.add_column(col)
    t.add_column("as the article says it", ratio=1)
    for e in doc.events:
        said = _event_quote(e)
        text = quoted(said, "", "") if said else Text("")
        if _description_differs(e, said):
            text = Text(e.description + ("\n" if said else "")).append_text(text)
        where = _names(e.location_ids, loc_names)
        t.add_row(cell(e.type), cell(e.date or "—"), cell(where), cell(roles(e) or "—"), text)
    console.print(t)
    t = Table(title="Actors")
    for col in ("name", "kind", "side", "aliases", "mentions"):
        t.add_column(col)
    for x in doc.actors:
        t.add_row(
            cell(x.name),
            cell(x.kind),
            cell(side_label(x) or "—"),
            cell(", ".join(x.aliases) or "—"),
            cell(len(x.mentions)),
        )
    console.print(t)
    t = Table(title="Locations")
    for col in ("name", "kind", "admin1", "country", "mentions"):
        t.add_column(col)
    for loc in doc.locations:
        t.add_row(
            cell(loc.name),
            cell(loc.kind),
            cell(loc.admin1 or "—"),
            cell(loc.country or "—"),
            cell(len(loc.mentions)),
        )
    console.print(t)
    sections = drops(p)
    if sections:
        t = Table(title="Dropped")
        t.add_column("why")
        t.add_column("what", ratio=1)
        for title, items in sections.items():
            for item in items:
                t.add_row(cell(title), cell(item))
        console.print(t)
    for w in p.warnings:
        console.print(Text(f"warning: {w}", style="yellow"))
    console.print(
        Text(
            f"{p.model} · prompt {p.prompt_version} · schema {p.schema_hash} · {p.calls} calls · "
            f"{p.retries} re-asks · {p.prompt_tokens:,}+{p.completion_tokens:,} tokens · {latency(p)} · "
            f"dropped: {_dropped_counts(p)}",
            style="dim",
        )
    )


def tables_text(doc: SummaryDocument, width: int = 120) -> str:
    """The tables of `print_tables` as plain text (for a file)."""
    from io import StringIO

    from rich.console import Console

    buf = StringIO()
    print_tables(doc, Console(file=buf, width=width))
    return buf.getvalue()


def side_label(actor: Actor) -> str | None:
    """An actor's side as a reader should take it: "Borduria" where the article says so (or the
    armed-groups list does), "Borduria (inferred)" where it is the model's reading."""
    if not actor.side:
        return None
    return f"{actor.side} (inferred)" if actor.side_basis == "inferred" else actor.side
