"""Rendering a summary document: JSON (the contract), a Markdown brief, rich terminal tables.

Library side: no typer; rich is imported only when tables are drawn."""

from __future__ import annotations

from typing import Any

from summarizer.contract import SummaryDocument


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


def _md_cell(text: str | None) -> str:
    return (text or "—").replace("|", "\\|").replace("\n", " ")


def to_markdown(doc: SummaryDocument) -> str:
    """The document as Markdown; long on purpose: one section after another, as the reader sees them."""
    a = doc.article
    p = doc.provenance
    loc_names = {loc.id: loc.name for loc in doc.locations}
    actor_names = {x.id: x.name for x in doc.actors}
    lines = [f"# {a.title or a.id}", ""]
    meta = [f"article `{a.id}`", f"{a.chars:,} chars", f"sha256 `{a.sha256[:12]}`"]
    if a.published:
        meta.insert(1, f"published {a.published}")
    lines += [" · ".join(meta), "", "## Summary", "", doc.summary or "_(no summary)_", ""]
    lines += ["## Casualties", ""]
    if doc.casualties:
        lines += [
            "| kind | figure | as written | affected | claimed by | evidence (chars) |",
            "|---|---|---|---|---|---|",
        ]
        for c in doc.casualties:
            ev = c.evidence[0]
            approx = " (approx.)" if c.approximate else ""
            lines.append(
                f"| {c.kind} | {_figure(c)}{approx} | “{_md_cell(c.raw)}” | {_md_cell(c.affected)} | "
                f"{_md_cell(c.claimed_by)} | {ev.start}–{ev.end} |"
            )
    else:
        lines.append("_No casualty figures in the article._")
    lines += ["", "## Events", ""]
    if doc.events:
        for e in doc.events:
            when = f" ({e.date})" if e.date else ""
            lines.append(
                f"- **{e.type}**{when}: {e.description} — where: {_names(e.location_ids, loc_names)}; "
                f"who: {_names(e.actor_ids, actor_names)}"
            )
            if e.evidence:
                quote = " ".join(e.evidence[0].text.split())
                lines.append(
                    f"  > {quote[:300]}{'…' if len(quote) > 300 else ''} _[{e.evidence[0].start}–{e.evidence[0].end}]_"
                )
    else:
        lines.append("_No events reported._")
    lines += ["", "## Actors", "", "| name | kind | side | aliases | mentions |", "|---|---|---|---|---|"]
    for x in doc.actors:
        aliases = _md_cell(", ".join(x.aliases))
        lines.append(f"| {_md_cell(x.name)} | {x.kind} | {_md_cell(x.side)} | {aliases} | {len(x.mentions)} |")
    lines += ["", "## Locations", "", "| name | kind | admin1 | country | mentions |", "|---|---|---|---|---|"]
    for loc in doc.locations:
        where = f"{_md_cell(loc.admin1)} | {_md_cell(loc.country)}"
        lines.append(f"| {_md_cell(loc.name)} | {loc.kind} | {where} | {len(loc.mentions)} |")
    d = p.dropped
    lines += [
        "",
        "## Provenance",
        "",
        f"{p.model} · prompt {p.prompt_version} · schema {p.schema_hash} · {p.calls} calls, {p.retries} re-asks · "
        f"{p.prompt_tokens:,} prompt + {p.completion_tokens:,} completion tokens · {p.latency_s:.1f} s",
        f"Dropped as ungrounded: {d.actors} actors, {d.locations} locations, {d.events} events, "
        f"{d.casualties} casualties.",
    ]
    lines += [f"- {item}" for item in d.items]
    lines += [f"- warning: {w}" for w in p.warnings]
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

    a = doc.article
    p = doc.provenance
    console.print(Panel(cell(doc.summary or "(no summary)"), title=cell(a.title or a.id), subtitle=cell(p.model)))
    loc_names = {loc.id: loc.name for loc in doc.locations}
    t = Table(title="Casualties", show_lines=False)
    for col in ("kind", "figure", "as written", "affected", "claimed by", "chars"):
        t.add_column(col)
    for c in doc.casualties:
        t.add_row(
            cell(c.kind),
            cell(_figure(c) + ("~" if c.approximate else "")),
            cell(c.raw),
            cell(c.affected or "—"),
            cell(c.claimed_by or "—"),
            cell(f"{c.evidence[0].start}–{c.evidence[0].end}"),
        )
    console.print(t)
    t = Table(title="Events")
    for col in ("id", "type", "date", "where", "description"):
        t.add_column(col)
    for e in doc.events:
        t.add_row(
            cell(e.id), cell(e.type), cell(e.date or "—"), cell(_names(e.location_ids, loc_names)), cell(e.description)
        )
    console.print(t)
    t = Table(title="Actors")
    for col in ("name", "kind", "side", "aliases", "mentions"):
        t.add_column(col)
    for x in doc.actors:
        t.add_row(
            cell(x.name), cell(x.kind), cell(x.side or "—"), cell(", ".join(x.aliases) or "—"), cell(len(x.mentions))
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
    d = p.dropped
    console.print(
        Text(
            f"{p.model} · prompt {p.prompt_version} · schema {p.schema_hash} · {p.calls} calls · "
            f"{p.retries} re-asks · {p.prompt_tokens:,}+{p.completion_tokens:,} tokens · {p.latency_s:.1f} s · "
            f"dropped {d.actors}/{d.locations}/{d.events}/{d.casualties} (actors/locations/events/casualties)",
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
