"""The HTML report of an eval: one self-contained file (inline CSS and one small script, no
assets, no network).

`render_report(result)` is the one entry point (`write_report` writes it to a file). The page:
- an article × model table of macro F1 and attribution, the best model of each row marked
  with a star and the word "best" (not by colour alone);
- the summary per model with 95% intervals, attribute accuracy, the paired differences
  against the first model;
- per model, role F1 per event role;
- per article: its text once, with the outcomes of the model chosen in the article's tabs
  marked in it (hit, hit with a wrong attribute, false positive, missed gold; `_highlight`),
  checkboxes to show each field, the models' per-field scores side by side, and the chosen
  model's items listed with their outcome (in words), the attributes they got wrong with the
  gold value, counted per attribute, and the gold item they matched.

Models are named by `_format.short_names` in narrow places, with the full names listed.
Everything that comes from the dataset or from a model (article text, names, summaries,
errors, model names) is escaped: an article is hostile input. No article string reaches the
script or the CSS.
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from summarizer.evaluation import _format as fmt
from summarizer.evaluation import _report_style as style
from summarizer.evaluation._dataset import record_title
from summarizer.evaluation._highlight import FIELD_LETTER, ModelOutcomes, article_marks, render_marked
from summarizer.evaluation._outcomes import ItemOutcome, item_outcomes
from summarizer.evaluation._runner import ArticleResult, EvalResult
from summarizer.evaluation._scoring import FIELDS
from summarizer.evaluation._store import Guard
from summarizer.files import write_file

__all__ = ["render_report", "write_report"]


def esc(value: Any) -> str:
    return html.escape("" if value is None else str(value), quote=True)


def _ci(interval: Sequence[float] | None) -> str:
    text = fmt.ci(interval)
    return f' <span class="ci">{text}</span>' if text else ""


def _table(caption: str, head: str, rows: Sequence[str], cls: str = "") -> str:
    """A table in a sideways-scrolling box; on a narrow screen a line above it says that it
    scrolls (hidden by the script when the table fits) and its edges shade where it is cut."""
    return (
        '<p class="scroll-hint" aria-hidden="true">wider than the screen: scroll the table sideways →</p>'
        f'<div class="scroll"><table class="{cls}"><caption>{caption}</caption><thead>{head}</thead>'
        f"<tbody>{''.join(rows)}</tbody></table></div>"
    )


def _heading(record: Mapping[str, Any]) -> tuple[str, str | None]:
    """What names an article: its headline when it has one (then its id beside it), else its id."""
    title = record_title(record)
    ident = str(record.get("id"))
    return (title, ident) if title and title != ident else (ident, None)


def _best(values: Sequence[float | None]) -> set[int]:
    """The indices of the highest value, unless every value is the same (nothing is best)."""
    real = [v for v in values if v is not None]
    if len(real) < 2 or max(real) - min(real) < 1e-9 and len(real) == len(values):
        return set()
    top = max(real)
    return {i for i, v in enumerate(values) if v is not None and top - v < 1e-9}


def _best_mark() -> str:
    return ' <span class="star" aria-hidden="true">★</span><span class="sr"> (best)</span>'


def _model_head(result: EvalResult, short: Mapping[str, str]) -> str:
    return "".join(f'<th scope="col" class="n" title="{esc(r.model)}">{esc(short[r.model])}</th>' for r in result.runs)


# --------------------------------------------------------------------------------------------
# The tables at the top.
# --------------------------------------------------------------------------------------------


def _overview(result: EvalResult, short: Mapping[str, str]) -> str:
    """Articles × models: macro F1 and attribution, the best of each row starred."""
    head = '<tr><th scope="col">article</th>' + _model_head(result, short) + "</tr>"
    rows = []
    for i, record in enumerate(result.dataset.records):
        results = [_result_of(run.results, i, record) for run in result.runs]
        f1s = [None if r is None else r.score.macro_f1 for r in results]
        best = _best(f1s)
        name, ident = _heading(record)
        shown = f' <span class="rid">{esc(ident)}</span>' if ident else ""
        cells = [f'<th scope="row" class="title"><a href="#a-{i}">{esc(name)}</a>{shown}</th>']
        for k, r in enumerate(results):
            if r is None:
                cells.append('<td class="n">–</td>')
                continue
            att = r.score.attribution
            mark = _best_mark() if k in best else ""
            failed = ' <span class="fail">failed</span>' if r.failed else ""
            cells.append(
                f'<td class="n{" best" if k in best else ""}">{fmt.num(r.score.macro_f1)}{mark}{failed}'
                f'<span class="att">{fmt.pct(att.accuracy)} ({att.correct}/{att.total})</span></td>'
            )
        rows.append("<tr>" + "".join(cells) + "</tr>")
    aggs = [run.aggregate for run in result.runs]
    best = _best([a.macro_f1 for a in aggs])
    foot = ['<th scope="row">all articles</th>']
    for k, a in enumerate(aggs):
        mark = _best_mark() if k in best else ""
        foot.append(
            f'<td class="n{" best" if k in best else ""}">{fmt.num(a.macro_f1)}{mark}{_ci(a.macro_f1_ci)}'
            f'<span class="att">{fmt.pct(a.attribution.accuracy)} '
            f"({a.attribution.correct}/{a.attribution.total})</span></td>"
        )
    rows.append("<tr>" + "".join(foot) + "</tr>")
    return _table(
        "Macro F1 per article (★ best of the row), then attribution (correct / total) in grey", head, rows, "overview"
    )


def _summary_table(result: EvalResult, short: Mapping[str, str]) -> str:
    head = (
        '<tr><th scope="col">model</th><th>macro F1</th><th>attribution</th><th>faithfulness</th>'
        + "".join(f"<th>{esc(f)} P / R / F1</th>" for f in FIELDS)
        + "<th>grounding</th><th>first-try valid</th><th>retries</th><th>tokens in / out</th>"
        "<th>latency (total / mean)</th><th>cost</th><th>failures</th></tr>"
    )
    rows = []
    for run in result.runs:
        a = run.aggregate
        att = a.attribution
        cells = [
            f'<th scope="row" title="{esc(run.model)}">{esc(short[run.model])}</th>',
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
    return _table(
        "Per model: micro P / R / F1 per field (TP, FP, FN summed over articles), F1 interval in brackets",
        head,
        rows,
    )


def _attributes_table(result: EvalResult, short: Mapping[str, str]) -> str:
    head = '<tr><th scope="col">model</th>' + "".join(f"<th>{esc(x)}</th>" for x in fmt.ATTR_LABELS.values()) + "</tr>"
    rows = []
    for run in result.runs:
        cells = [f'<th scope="row" title="{esc(run.model)}">{esc(short[run.model])}</th>']
        for name in fmt.ATTR_LABELS:
            attr = run.aggregate.attributes[name]
            cells.append(f'<td class="n">{fmt.pct(attr.accuracy)} ({attr.correct}/{attr.total})</td>')
        rows.append("<tr>" + "".join(cells) + "</tr>")
    return _table("Attribute accuracy on matched pairs", head, rows)


def _roles_table(result: EvalResult, short: Mapping[str, str]) -> str:
    """Role F1 per role and model (P / R / F1, the interval), where the gold has roles."""
    roles = list(dict.fromkeys(role for run in result.runs for role in run.aggregate.roles))
    if not roles:
        return ""
    head = '<tr><th scope="col">model</th>' + "".join(f"<th>{esc(r)} P / R / F1</th>" for r in roles) + "</tr>"
    rows = []
    for run in result.runs:
        cells = [f'<th scope="row" title="{esc(run.model)}">{esc(short[run.model])}</th>']
        for role in roles:
            f = run.aggregate.roles.get(role)
            cells.append(
                '<td class="n">–</td>'
                if f is None
                else f'<td class="n">{fmt.num(f.precision, 2)} / {fmt.num(f.recall, 2)} / '
                f"<b>{fmt.num(f.f1, 2)}</b>{_ci(f.f1_ci)} ({f.tp}/{f.fp}/{f.fn})</td>"
            )
        rows.append("<tr>" + "".join(cells) + "</tr>")
    return _table("Event roles: P / R / F1 per role (TP/FP/FN), over the articles whose gold has roles", head, rows)


def _comparison_table(result: EvalResult, short: Mapping[str, str]) -> str:
    if not result.comparisons:
        return ""
    base = result.comparisons[0].baseline
    head = (
        '<tr><th scope="col">model</th><th>Δ macro F1</th>'
        + "".join(f"<th>Δ {esc(f)} F1</th>" for f in FIELDS)
        + "<th>articles</th></tr>"
    )
    rows = []
    for c in result.comparisons:
        cells = [f'<th scope="row" title="{esc(c.model)}">{esc(short.get(c.model, c.model))}</th>']
        for metric in ("macro_f1", *FIELDS):
            d = c.differences[metric]
            cells.append(f'<td class="n">{d.diff:+.3f}{_ci(d.ci)}</td>')
        cells.append(f'<td class="n">{c.differences["macro_f1"].articles}</td>')
        rows.append("<tr>" + "".join(cells) + "</tr>")
    return (
        _table(f"Paired differences against {esc(base)}", head, rows)
        + '<p class="meta">Model minus baseline on the same articles; 95% bootstrap interval over '
        "articles. An interval that contains 0 means no clear difference.</p>"
    )


# --------------------------------------------------------------------------------------------
# Per article.
# --------------------------------------------------------------------------------------------


def _result_of(results: Sequence[ArticleResult], i: int, record: Mapping[str, Any]) -> ArticleResult | None:
    if i < len(results) and results[i].article_id == record["id"]:
        return results[i]
    return next((r for r in results if r.article_id == record["id"]), None)


def _scores(results: Sequence[ArticleResult | None], result: EvalResult, short: Mapping[str, str]) -> str:
    """The article's per-field F1 (TP/FP/FN) of every model, side by side."""
    head = '<tr><th scope="col">F1 (TP/FP/FN)</th>' + _model_head(result, short) + "</tr>"
    rows = []
    f1s = [None if r is None else r.score.macro_f1 for r in results]
    best = _best(f1s)
    cells = []
    for k, f1 in enumerate(f1s):
        cells.append(
            f'<td class="n{" best" if k in best else ""}">{fmt.num(f1, 2)}{_best_mark() if k in best else ""}</td>'
        )
    rows.append('<tr><th scope="row">macro</th>' + "".join(cells) + "</tr>")
    for name in FIELDS:
        cells = []
        for r in results:
            fs = None if r is None else r.score.fields.get(name)
            if r is None or fs is None:
                cells.append('<td class="n">–</td>')
            else:
                cells.append(f'<td class="n">{fmt.num(r.score.field_f1(name), 2)} ({fs.tp}/{fs.fp}/{fs.fn})</td>')
        rows.append(f'<tr><th scope="row">{esc(name)}</th>' + "".join(cells) + "</tr>")
    return f'<table class="scores"><thead>{head}</thead><tbody>{"".join(rows)}</tbody></table>'


def _item(row: ItemOutcome) -> str:
    gold = ""
    if row.gold_label is not None and row.outcome in ("hit", "wrong", "optional") and row.gold_label != row.label:
        gold = f'<span class="gold">gold: {esc(row.gold_label)}</span>'
    bad = f'<span class="bad">wrong: {esc(row.wrong_text())}</span>' if row.wrong else ""
    return (
        f'<li class="o-{row.outcome}"><span class="g" aria-hidden="true">{style.OUTCOME_GLYPH[row.outcome]}</span>'
        f'{esc(row.label)} <span class="why">{style.OUTCOME_WORD[row.outcome]}</span>{bad}{gold}</li>'
    )


def _wrong_counts(rows: Sequence[ItemOutcome]) -> str:
    """The wrong attributes of one field's matched items, counted per attribute."""
    counts: dict[str, int] = {}
    for row in rows:
        for attr, _p, _g in row.wrong:
            counts[attr] = counts.get(attr, 0) + 1
    if not counts:
        return ""
    text = ", ".join(f"{esc(fmt.ATTR_LABELS.get(a, a))} {n}" for a, n in counts.items())
    return f' <span class="bad">· wrong: {text}</span>'


def _panel(k: int, model: str, r: ArticleResult | None, outcomes: Mapping[str, Sequence[ItemOutcome]]) -> str:
    """One model's items on the article, each with its outcome."""
    if r is None:
        return f'<div class="panel p{k}"><p class="meta">{esc(model)}: not run on this article</p></div>'
    s = r.score
    if r.document is None:
        head = f'<p class="fail">{esc(model)} failed ({esc(s.error_type)}): {esc(s.error)}</p>' + (
            '<p class="meta">Every gold item of this article counts as missed.</p>'
        )
    else:
        head = (
            f'<p class="meta">{esc(model)} · grounding {fmt.pct(s.grounding_rate)} ({s.spans_exact}/'
            f"{s.spans_total} spans exact) · first-try valid: {'yes' if s.first_try_valid else 'no'} · "
            f"{s.calls} calls, {s.retries} retries · {s.prompt_tokens:,} + {s.completion_tokens:,} tokens · "
            f"{s.latency_s:.1f} s</p>"
            f'<p class="summary"><b>summary:</b> {esc(r.document.get("summary"))}</p>'
        )
    parts = [head]
    for name in FIELDS:
        rows = outcomes.get(name, ())
        fs = s.fields.get(name)
        counts = f"TP/FP/FN {fs.tp}/{fs.fp}/{fs.fn}" if fs is not None else ""
        counts += _wrong_counts(rows)
        items = "".join(_item(row) for row in rows) or '<li class="meta">none</li>'
        parts.append(
            f'<div class="pl pl-{FIELD_LETTER[name]}"><h4>{esc(name)} <span class="meta">{counts}</span></h4>'
            f"<ul>{items}</ul></div>"
        )
    return f'<div class="panel p{k}">' + "".join(parts) + "</div>"


def _article(i: int, record: Mapping[str, Any], result: EvalResult, short: Mapping[str, str]) -> str:
    text = record.get("text") if isinstance(record.get("text"), str) else ""
    gold = record.get("gold") if isinstance(record.get("gold"), Mapping) else {}
    results = [_result_of(run.results, i, record) for run in result.runs]
    outcomes = [{} if r is None else item_outcomes(r.document, record, r.score) for r in results]
    models = [ModelOutcomes(None if r is None else r.document, o) for r, o in zip(results, outcomes, strict=True)]
    marked = render_marked(str(text), article_marks(str(text), gold, models))
    best = _best([None if r is None else r.score.macro_f1 for r in results])
    tabs = []
    for k, (run, r) in enumerate(zip(result.runs, results, strict=True)):
        f1 = "–" if r is None else fmt.num(r.score.macro_f1, 2)
        star = _best_mark() if k in best else ""
        checked = " checked" if k == 0 else ""
        tabs.append(
            f'<label title="{esc(run.model)}"><input type="radio" name="m-{i}" class="m{k}"{checked}> '
            f"{esc(short[run.model])} {f1}{star}</label>"
        )
    name, ident = _heading(record)
    meta = " · ".join(esc(x) for x in (ident, record.get("source"), record.get("published")) if x)
    panels = "".join(
        _panel(k, run.model, r, o) for k, (run, r, o) in enumerate(zip(result.runs, results, outcomes, strict=True))
    )
    return (
        f'<section class="art" id="a-{i}" aria-labelledby="h-{i}">'
        f'<div class="art-head"><h3 id="h-{i}">{esc(name)}</h3>'
        f'<span class="meta">{meta}</span>'
        f'<fieldset class="tabs"><legend>model</legend>{"".join(tabs)}</fieldset></div>'
        f'<div class="cols"><div class="text" tabindex="0" aria-label="article text">{marked}</div>'
        f'<div class="side">{_scores(results, result, short)}{panels}</div></div></section>'
    )


def _toolbar(result: EvalResult, short: Mapping[str, str]) -> str:
    toggles = "".join(
        f'<label><input type="checkbox" id="show-{letter}" checked> {esc(name)}</label>'
        for name, letter in FIELD_LETTER.items()
    )
    every = "".join(
        f'<button type="button" data-k="{k}" title="{esc(run.model)}">{esc(short[run.model])}</button>'
        for k, run in enumerate(result.runs)
    )
    return (
        '<div class="toolbar">'
        f"<fieldset><legend>show</legend>{toggles}</fieldset>"
        f'<div class="every" role="group" aria-label="model in every article"><b>every article:</b> {every}</div>'
        f"{style.legend()}</div>"
    )


def render_report(result: EvalResult) -> str:
    """The whole report of an eval as one HTML string (a self-contained page).

    Reads only the `EvalResult`: its dataset's records (id, text, gold, source, published),
    each run's model name, aggregate and per-article results (the document, or None on
    failure, and the `ArticleScore`, whose field matchings give each item's outcome), the
    comparisons, and the run's id, start time and settings. So a stored run rebuilt as an
    `EvalResult` renders the same page as the live one.
    """
    short = fmt.short_names([run.model for run in result.runs])
    names = "".join(
        f"<li><b>{esc(short[run.model])}</b>{' = ' + esc(run.model) if short[run.model] != run.model else ''} "
        f'<span class="meta">prompt {esc(run.prompt_version)}, schema {esc(run.schema_hash)}</span></li>'
        for run in result.runs
    )
    articles = "".join(_article(i, record, result, short) for i, record in enumerate(result.dataset.records))
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>summarizer eval: {esc(result.dataset.name)}</title>"
        f"<style>{style.css(len(result.runs))}</style></head><body>"
        f"<header><h1>Eval on {esc(result.dataset.name)}</h1>"
        f'<p class="meta">dataset {esc(result.dataset.path)} (sha256 '
        f"{esc(result.dataset.sha256[:16])}, {len(result.dataset)} articles) · run "
        f"{esc(result.run_id)} · {esc(result.started)}"
        f"{' · offline replay' if result.offline else ''} · 95% bootstrap intervals over "
        f"articles ({result.resamples} resamples, seed {result.seed})</p>"
        f"<ul>{names}</ul></header><main>"
        "<h2>Models by article</h2>"
        '<p class="meta">Macro F1 = mean of the four fields\' F1 (actors, locations, events, casualties); '
        "attribution = accuracy of sides, countries, affected and claimed_by on matched items. "
        "A failed article counts all its gold as missed.</p>"
        + _overview(result, short)
        + "<h2>Summary</h2>"
        + _summary_table(result, short)
        + _attributes_table(result, short)
        + _roles_table(result, short)
        + _comparison_table(result, short)
        + "<h2>Articles</h2>"
        '<p class="meta">The text of each article once; the tabs choose whose items are marked in it. '
        "The list beside it says what became of each of that model's items and which gold items it missed.</p>"
        + _toolbar(result, short)
        + articles
        + f"</main><script>{style.SCRIPT}</script></body></html>\n"
    )


def write_report(result: EvalResult, path: Path | str, *, guard: Guard | None = None) -> Path:
    """Write `render_report(result)` to `path` (parents created) through the guarded writer
    (`summarizer.files`); InputError when it cannot or must not."""
    p = Path(path)
    g = guard or Guard()
    write_file(
        p,
        render_report(result),
        inputs=g.inputs,
        protected=g.protected,
        make_parents=True,
        failure="cannot write the report",
    )
    return p
