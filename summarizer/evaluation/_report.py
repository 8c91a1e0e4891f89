"""The HTML report of an eval: one self-contained file (inline CSS, no scripts, no assets).

It shows the summary table per model with 95% intervals, the paired comparison against the
first model, attribute accuracy, and per article: the text with each model's spans
highlighted by field, gold against prediction side by side, and the misses and false
positives of every field listed explicitly. Failures are shown with their error.

Everything that comes from the dataset or from a model (article text, names, errors, model
names) is escaped: an article is hostile input.
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from summarizer.errors import InputError
from summarizer.evaluation import _format as fmt
from summarizer.evaluation._runner import EvalResult, ModelRun
from summarizer.evaluation._scoring import FIELDS, ArticleScore, item_label, span_is_exact

_COLORS = {
    "actors": ("rgba(245, 158, 11, 0.35)", "#b45309"),
    "locations": ("rgba(59, 130, 246, 0.30)", "#1d4ed8"),
    "events": ("rgba(239, 68, 68, 0.25)", "#b91c1c"),
    "casualties": ("rgba(132, 204, 22, 0.40)", "#4d7c0f"),
}


def esc(value: Any) -> str:
    return html.escape("" if value is None else str(value), quote=True)


def _ci(interval: Sequence[float] | None) -> str:
    text = fmt.ci(interval)
    return f' <span class="ci">{text}</span>' if text else ""


def _css() -> str:
    rules = [
        "body{font:14px/1.45 system-ui,-apple-system,Segoe UI,sans-serif;margin:24px;"
        "color:#111;background:#fff;max-width:1400px}",
        "h1{font-size:22px}h2{font-size:18px;margin-top:32px;border-bottom:1px solid #ddd}",
        "h3{font-size:15px;margin:18px 0 6px}",
        "table{border-collapse:collapse;margin:8px 0}",
        "th,td{border:1px solid #ddd;padding:4px 8px;text-align:left;vertical-align:top}",
        "th{background:#f4f4f5}td.n{text-align:right;font-variant-numeric:tabular-nums}",
        ".ci{color:#666;font-size:12px}",
        ".text{white-space:pre-wrap;font-family:Georgia,serif;border:1px solid #e5e5e5;"
        "padding:10px;background:#fafafa;max-height:480px;overflow:auto}",
        ".hl{border-radius:2px}",
        ".ungrounded{outline:1px dashed #000}",
        ".fail{color:#b91c1c;font-weight:600}",
        ".miss{color:#b91c1c}.fp{color:#b45309}.hit{color:#15803d}.opt{color:#6b7280}",
        ".side{display:grid;grid-template-columns:1fr 1fr;gap:12px}",
        ".box{border:1px solid #e5e5e5;padding:6px 10px}",
        "ul{margin:4px 0;padding-left:20px}",
        ".legend span{margin-right:12px;padding:1px 6px}",
        "details{margin:6px 0}summary{cursor:pointer;font-weight:600}",
        ".meta{color:#555;font-size:12px}",
    ]
    for name, (bg, fg) in _COLORS.items():
        rules.append(f".f-{name}{{background:{bg};border-bottom:2px solid {fg}}}")
    return "\n".join(rules)


def _legend() -> str:
    items = "".join(f'<span class="hl f-{name}">{esc(name)}</span>' for name in FIELDS)
    return (
        f'<p class="legend">{items}<span class="ungrounded">span not exact</span> (hover a highlight for the item)</p>'
    )


# --------------------------------------------------------------------------------------------
# Highlighting.
# --------------------------------------------------------------------------------------------


def _span_label(field_name: str, item: Mapping[str, Any]) -> str:
    if field_name in ("actors", "locations"):
        return f"{field_name[:-1]}: {item.get('name')}"
    if field_name == "events":
        return f"event: {item.get('type')}"
    return f"casualty: {item.get('kind')} {item.get('raw') or ''}".strip()


def _collect_spans(document: Mapping[str, Any], text: str) -> list[tuple[int, int, str, str, bool]]:
    """(start, end, field, label, exact) of every span of the document that lies in the text."""
    out: list[tuple[int, int, str, str, bool]] = []
    for field_name in FIELDS:
        key = "mentions" if field_name in ("actors", "locations") else "evidence"
        items = document.get(field_name)
        if not isinstance(items, list):
            continue
        for item in items:
            if not isinstance(item, Mapping):
                continue
            spans = item.get(key)
            if not isinstance(spans, list):
                continue
            for span in spans:
                if not isinstance(span, Mapping):
                    continue
                start, end = span.get("start"), span.get("end")
                if not (isinstance(start, int) and isinstance(end, int)):
                    continue
                if isinstance(start, bool) or isinstance(end, bool):
                    continue
                if not 0 <= start < end <= len(text):
                    continue
                out.append((start, end, field_name, _span_label(field_name, item), span_is_exact(span, text)))
    return out


def highlight(text: str, document: Mapping[str, Any] | None) -> str:
    """The article text as HTML with the document's spans highlighted by field. Overlapping
    spans are handled by cutting the text at every span boundary and nesting one highlight
    per field over each piece."""
    if not document:
        return esc(text)
    spans = _collect_spans(document, text)
    if not spans:
        return esc(text)
    bounds = sorted({0, len(text)} | {s[0] for s in spans} | {s[1] for s in spans})
    parts: list[str] = []
    for a, b in zip(bounds, bounds[1:], strict=False):
        if a >= b:
            continue
        piece = esc(text[a:b])
        active = [s for s in spans if s[0] <= a and s[1] >= b]
        if not active:
            parts.append(piece)
            continue
        for field_name in reversed(FIELDS):
            here = [s for s in active if s[2] == field_name]
            if not here:
                continue
            labels = "; ".join(dict.fromkeys(s[3] for s in here))
            cls = f"hl f-{field_name}"
            if not all(s[4] for s in here):
                cls += " ungrounded"
            piece = f'<span class="{cls}" title="{esc(labels)}">{piece}</span>'
        parts.append(piece)
    return "".join(parts)


# --------------------------------------------------------------------------------------------
# Tables.
# --------------------------------------------------------------------------------------------


def _summary_table(result: EvalResult) -> str:
    head = (
        "<tr><th>model</th><th>macro F1</th><th>attribution</th><th>faithfulness</th>"
        + "".join(f"<th>{esc(f)} P / R / F1</th>" for f in FIELDS)
        + "<th>grounding</th><th>first-try valid</th><th>retries</th><th>tokens in / out</th>"
        "<th>latency (total / mean)</th><th>cost</th><th>failures</th></tr>"
    )
    rows = []
    for run in result.runs:
        a = run.aggregate
        att = a.attribution
        cells = [
            f"<td>{esc(run.model)}</td>",
            f'<td class="n">{fmt.num(a.macro_f1)}{_ci(a.macro_f1_ci)}</td>',
            f'<td class="n"><b>{fmt.pct(att.accuracy)}</b> ({att.correct}/{att.total})</td>',
            f'<td class="n"><b>{fmt.pct(a.faithfulness)}</b> ({a.faithful}/{a.faithful_total})</td>',
        ]
        for name in FIELDS:
            f = a.fields[name]
            cells.append(
                f'<td class="n">{fmt.num(f.precision, 2)} / {fmt.num(f.recall, 2)} / '
                f"<b>{fmt.num(f.f1, 2)}</b>{_ci(f.f1_ci)}</td>"
            )
        cells += [
            f'<td class="n">{fmt.pct(a.grounding_rate)}</td>',
            f'<td class="n">{fmt.pct(a.first_try_valid)}</td>',
            f'<td class="n">{a.retries}</td>',
            f'<td class="n">{a.prompt_tokens:,} / {a.completion_tokens:,}</td>',
            f'<td class="n">{a.latency_s:.1f} s / {fmt.num(a.latency_mean_s, 1)} s</td>',
            f'<td class="n">{fmt.cost(a.cost_usd)}</td>',
            f'<td class="n{" fail" if a.failures else ""}">{a.failures} / {a.articles}</td>',
        ]
        rows.append("<tr>" + "".join(cells) + "</tr>")
    return "<table>" + head + "".join(rows) + "</table>"


def _attributes_table(result: EvalResult) -> str:
    head = "<tr><th>model</th>" + "".join(f"<th>{esc(label)}</th>" for label in fmt.ATTR_LABELS.values()) + "</tr>"
    rows = []
    for run in result.runs:
        cells = [f"<td>{esc(run.model)}</td>"]
        for name in fmt.ATTR_LABELS:
            attr = run.aggregate.attributes[name]
            cells.append(f'<td class="n">{fmt.pct(attr.accuracy)} ({attr.correct}/{attr.total})</td>')
        rows.append("<tr>" + "".join(cells) + "</tr>")
    return "<table>" + head + "".join(rows) + "</table>"


def _comparison_table(result: EvalResult) -> str:
    if not result.comparisons:
        return ""
    base = result.comparisons[0].baseline
    head = (
        "<tr><th>model</th><th>Δ macro F1</th>"
        + "".join(f"<th>Δ {esc(f)} F1</th>" for f in FIELDS)
        + "<th>articles</th></tr>"
    )
    rows = []
    for c in result.comparisons:
        cells = [f"<td>{esc(c.model)}</td>"]
        for metric in ("macro_f1", *FIELDS):
            d = c.differences[metric]
            cells.append(f'<td class="n">{d.diff:+.3f}{_ci(d.ci)}</td>')
        cells.append(f'<td class="n">{c.differences["macro_f1"].articles}</td>')
        rows.append("<tr>" + "".join(cells) + "</tr>")
    return (
        f"<h2>Paired differences against {esc(base)}</h2>"
        '<p class="meta">model minus baseline on the same articles; 95% bootstrap interval '
        "over articles. An interval that contains 0 means no clear difference.</p>"
        "<table>" + head + "".join(rows) + "</table>"
    )


# --------------------------------------------------------------------------------------------
# Per article.
# --------------------------------------------------------------------------------------------


def _gold_list(field_name: str, gold: Sequence[Mapping[str, Any]], score: ArticleScore) -> str:
    fs = score.fields[field_name]
    hit = {j for _, j in fs.hits}
    opt = {j for _, j in fs.optional_hits}
    items = []
    for j, g in enumerate(gold):
        label = esc(item_label(field_name, g))
        if g.get("optional"):
            mark = "matched, optional" if j in opt else "optional"
            items.append(f'<li class="opt">{label} <i>({mark})</i></li>')
        elif j in hit:
            items.append(f'<li class="hit">✓ {label}</li>')
        else:
            items.append(f'<li class="miss">✗ {label} <i>(missed)</i></li>')
    return "<ul>" + "".join(items) + "</ul>" if items else '<p class="meta">none</p>'


def _pred_list(field_name: str, document: Mapping[str, Any], score: ArticleScore) -> str:
    preds = [x for x in (document.get(field_name) or []) if isinstance(x, Mapping)]
    locations = [x for x in (document.get("locations") or []) if isinstance(x, Mapping)]
    fs = score.fields[field_name]
    hit = {i for i, _ in fs.hits}
    opt = {i for i, _ in fs.optional_hits}
    items = []
    for i, p in enumerate(preds):
        label = esc(item_label(field_name, p, locations))
        if i in hit:
            items.append(f'<li class="hit">✓ {label}</li>')
        elif i in opt:
            items.append(f'<li class="opt">{label} <i>(matches an optional item)</i></li>')
        else:
            items.append(f'<li class="fp">✗ {label} <i>(false positive)</i></li>')
    return "<ul>" + "".join(items) + "</ul>" if items else '<p class="meta">none</p>'


def _errors_block(score: ArticleScore) -> str:
    rows = []
    for name in FIELDS:
        fs = score.fields[name]
        misses = "".join(f"<li>{esc(x)}</li>" for x in fs.miss_labels) or "<li>none</li>"
        fps = "".join(f"<li>{esc(x)}</li>" for x in fs.false_positive_labels) or "<li>none</li>"
        rows.append(
            f'<tr><td>{esc(name)}</td><td class="n">{fs.tp}/{fs.fp}/{fs.fn}</td>'
            f'<td class="n">{fmt.num(fs.f1, 2)}</td>'
            f'<td class="miss"><ul>{misses}</ul></td><td class="fp"><ul>{fps}</ul></td></tr>'
        )
    return (
        "<table><tr><th>field</th><th>TP/FP/FN</th><th>F1</th><th>misses (FN)</th>"
        "<th>false positives</th></tr>" + "".join(rows) + "</table>"
    )


def _model_article(run: ModelRun, index: int, record: Mapping[str, Any]) -> str:
    r = run.results[index]
    s = r.score
    text = record.get("text", "")
    head = f"<h3>{esc(run.model)} — macro F1 {fmt.num(s.macro_f1, 2)}</h3>"
    if r.document is None:
        body = (
            f'<p class="fail">failed ({esc(s.error_type)}): {esc(s.error)}</p>'
            "<p>Every gold item of this article counts as missed.</p>" + _errors_block(s)
        )
        return head + body
    doc = r.document
    meta = (
        f'<p class="meta">grounding {fmt.pct(s.grounding_rate)} ({s.spans_exact}/{s.spans_total} '
        f"spans exact) · first-try valid: {'yes' if s.first_try_valid else 'no'} · "
        f"{s.calls} calls, {s.retries} retries · {s.prompt_tokens:,} + "
        f"{s.completion_tokens:,} tokens · {s.latency_s:.1f} s</p>"
    )
    summary = f"<p><b>summary:</b> {esc(doc.get('summary'))}</p>"
    text_html = f'<div class="text">{highlight(text, doc)}</div>'
    gold = record.get("gold") or {}
    side = []
    for name in FIELDS:
        side.append(
            f'<h4>{esc(name)}</h4><div class="side">'
            f'<div class="box"><b>gold</b>{_gold_list(name, gold.get(name) or [], s)}</div>'
            f'<div class="box"><b>prediction</b>{_pred_list(name, doc, s)}</div></div>'
        )
    return (
        head
        + meta
        + summary
        + text_html
        + _errors_block(s)
        + "<details open><summary>gold against prediction, side by side</summary>"
        + "".join(side)
        + "</details>"
    )


def _articles(result: EvalResult) -> str:
    out = []
    for i, record in enumerate(result.dataset.records):
        meta = " · ".join(esc(x) for x in (record.get("source"), record.get("published")) if x)
        parts = [f'<h2 id="a-{i}">article {esc(record["id"])}</h2>']
        if meta:
            parts.append(f'<p class="meta">{meta}</p>')
        fails = [run.model for run in result.runs if i < len(run.results) and run.results[i].document is None]
        if fails:
            parts.append(f'<p class="fail">failed: {esc(", ".join(fails))}</p>')
        for run in result.runs:
            if i < len(run.results) and run.results[i].article_id == record["id"]:
                parts.append(_model_article(run, i, record))
        out.append("".join(parts))
    return "".join(out)


def render_report(result: EvalResult) -> str:
    """The whole report as one HTML string."""
    models = ", ".join(run.model for run in result.runs)
    index = " · ".join(f'<a href="#a-{i}">{esc(r["id"])}</a>' for i, r in enumerate(result.dataset.records))
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>summarizer eval: {esc(result.dataset.name)}</title>"
        f"<style>{_css()}</style></head><body>"
        f"<h1>Eval of {esc(models)} on {esc(result.dataset.name)}</h1>"
        f'<p class="meta">dataset {esc(result.dataset.path)} (sha256 '
        f"{esc(result.dataset.sha256[:16])}, {len(result.dataset)} articles) · run "
        f"{esc(result.run_id)} · {esc(result.started)}"
        f"{' · offline replay' if result.offline else ''} · 95% bootstrap intervals over "
        f"articles ({result.resamples} resamples, seed {result.seed})</p>"
        "<h2>Summary</h2>"
        '<p class="meta">Per field: micro precision / recall / F1 (TP, FP, FN summed over '
        "articles), F1 interval in brackets. Macro F1 = mean of the four fields' F1. "
        "A failed article counts all its gold as missed.</p>"
        + _summary_table(result)
        + "<h3>Attribute accuracy on matched pairs</h3>"
        + _attributes_table(result)
        + _comparison_table(result)
        + "<h2>Articles</h2>"
        + _legend()
        + f"<p>{index}</p>"
        + _articles(result)
        + "</body></html>\n"
    )


def write_report(result: EvalResult, path: Path | str) -> Path:
    p = Path(path)
    try:
        if not p.parent.exists():
            p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(render_report(result), encoding="utf-8")
    except OSError as exc:
        raise InputError(f"{p}: cannot write the report: {exc.strerror}") from exc
    return p
