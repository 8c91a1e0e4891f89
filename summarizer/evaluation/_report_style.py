"""The look of the HTML report: its CSS, its one small script and the legend of the marks.

Outcomes differ in colour and in line style, so neither is needed alone: a hit is solid
green, a hit with a wrong attribute double orange, a false positive dashed red, a missed gold
item dotted violet, a match of an optional gold item thin grey. Actors, places and casualties
are chips (a tint per field, the outcome as border); events are an underline under their
sentence, so they never bury the chips.

Which model's marks show is chosen per article with radio buttons (`.m<k>`), which fields
show with the page's checkboxes (`#show-<letter>`); the CSS reads both with `:has()`, so the
report works without its script, which only adds "every article" model buttons.
"""

from __future__ import annotations

from summarizer.evaluation._highlight import FIELD_LETTER, OUTCOME_LETTER

# outcome -> (colour, line style, border width)
OUTCOME_STYLE = {
    "optional": ("#6b7280", "solid", "1px"),
    "missed": ("#7c3aed", "dotted", "2px"),
    "false_positive": ("#dc2626", "dashed", "2px"),
    "hit": ("#15803d", "solid", "2px"),
    "wrong": ("#c2410c", "double", "4px"),
}
OUTCOME_WORD = {
    "hit": "hit",
    "wrong": "wrong attribute",
    "false_positive": "false positive",
    "missed": "missed gold",
    "optional": "optional",
}
OUTCOME_GLYPH = {"hit": "✓", "wrong": "!", "false_positive": "✗", "missed": "○", "optional": "~"}
FIELD_TINT = {"actors": "#fef3c7", "locations": "#dbeafe", "casualties": "#e7e5e4"}

_BASE = """
*{box-sizing:border-box}
body{font:14px/1.5 system-ui,-apple-system,"Segoe UI",sans-serif;margin:20px auto;padding:0 20px;
color:#111;background:#fff;max-width:1400px}
h1{font-size:22px;margin:0 0 4px}h2{font-size:18px;margin:28px 0 8px;border-bottom:1px solid #ddd}
h3{font-size:16px;margin:0}h4{font-size:13px;margin:10px 0 2px}
a{color:#1d4ed8}
.meta{color:#555;font-size:12px}
.scroll{overflow-x:auto;max-width:100%;position:relative;
background:linear-gradient(90deg,#fff 30%,#fff0) left/24px 100% no-repeat local,
linear-gradient(270deg,#fff 30%,#fff0) right/24px 100% no-repeat local,
radial-gradient(farthest-side at 0 50%,#0003,#0000) left/10px 100% no-repeat scroll,
radial-gradient(farthest-side at 100% 50%,#0003,#0000) right/10px 100% no-repeat scroll}
.scroll-hint{display:none;margin:4px 0 0;font-size:12px;color:#555}
html[data-ready] .scroll-hint:has(+ .scroll.fits){display:none!important}
table{border-collapse:collapse;margin:6px 0}
th,td{border:1px solid #ddd;padding:3px 8px;text-align:left;vertical-align:top}
th{background:#f4f4f5;font-weight:600}td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}
caption{text-align:left;font-weight:600;padding:4px 0}
.ci{color:#666;font-size:12px}
td.best{background:#ecfdf5;font-weight:700}
.star{color:#047857}
.fail{color:#b91c1c;font-weight:600}
.sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
.att{color:#555;font-size:11px;font-weight:400;margin-left:6px}
.overview td{white-space:nowrap}
.overview th.title{min-width:16em;max-width:30em;font-weight:400}
.rid{display:block;color:#666;font-size:11px}
.toolbar{position:sticky;top:0;z-index:2;background:#fff;border-bottom:1px solid #ddd;padding:6px 0;
display:flex;flex-wrap:wrap;gap:6px 18px;align-items:center}
fieldset{border:0;margin:0;padding:0;display:flex;flex-wrap:wrap;gap:4px 10px;align-items:center}
legend{float:left;font-weight:600;margin-right:6px}
label{cursor:pointer;white-space:nowrap}
.tabs label{border:1px solid #cbd5e1;border-radius:4px;padding:2px 8px;background:#f8fafc}
.tabs label:has(input:checked){background:#1e293b;color:#fff;border-color:#1e293b}
.tabs label:has(input:focus-visible){outline:2px solid #2563eb;outline-offset:1px}
.tabs input{position:absolute;opacity:0;width:1px;height:1px}
.every{display:none;gap:4px;align-items:center}
html[data-ready] .every{display:flex}
.every button{font:inherit;font-size:12px;padding:1px 8px;cursor:pointer}
.legend{display:flex;flex-wrap:wrap;gap:4px 14px;font-size:12px;margin:0}
.art{border-top:2px solid #334155;margin-top:28px;padding-top:8px;scroll-margin-top:var(--bar,150px)}
.art-head{display:flex;flex-wrap:wrap;gap:4px 16px;align-items:baseline;margin-bottom:6px}
.cols{display:grid;grid-template-columns:minmax(0,1fr) 440px;gap:16px;align-items:start}
.text{white-space:pre-wrap;font:15px/1.75 Charter,"Bitstream Charter","Times New Roman",serif;border:1px solid #e5e5e5;
padding:10px 14px;background:#fcfcfc;max-height:720px;overflow:auto}
.text span{box-decoration-break:clone;-webkit-box-decoration-break:clone}
.side table{width:100%;font-size:12px}
.panel{display:none}
.panel ul{margin:2px 0;padding-left:0;list-style:none;font-size:13px}
.panel li{margin:1px 0;padding-left:18px;text-indent:-18px}
.g{display:inline-block;width:18px;text-indent:0;font-weight:700}
.why{font-size:11px;color:#555}
.gold{display:block;font-size:11px;color:#555;padding-left:0}
.o-hit .g{color:#15803d}.o-false_positive .g{color:#dc2626}.o-missed .g{color:#7c3aed}
.o-optional .g{color:#6b7280}.o-wrong .g{color:#c2410c}
.bad{display:block;font-size:12px;color:#9a3412;font-weight:600;padding-left:0}
.summary{font-size:13px;background:#f8fafc;border-left:3px solid #cbd5e1;padding:4px 8px;margin:6px 0}
@media (max-width:900px){
body{margin:8px auto;padding:0 10px}
.cols{grid-template-columns:minmax(0,1fr)}
.toolbar{position:static}
.art{scroll-margin-top:8px}
.scroll-hint{display:block}
.overview th.title{min-width:10em;max-width:14em;position:sticky;left:0;background:#fff;z-index:1}
.att{display:block;margin-left:0}
.overview th,.overview td{font-size:12px;padding:3px 5px}
.overview .ci{display:block}
.text{max-height:none;font-size:15px;padding:8px}
}
"""


def _mark_style(field_name: str, outcome: str) -> str:
    colour, line, width = OUTCOME_STYLE[outcome]
    if field_name == "events":
        return (
            f"text-decoration-line:underline;text-decoration-style:{line};text-decoration-color:{colour};"
            f"text-decoration-thickness:{width};text-underline-offset:5px;text-decoration-skip-ink:none"
        )
    return f"background:{FIELD_TINT[field_name]};border:{width} {line} {colour};border-radius:3px;padding:0 1px"


def css(models: int) -> str:
    """The page's CSS for `models` models: one rule per field and outcome, listing the
    selector of each model (its marks show when its tab is checked and the field is on)."""
    rules = [_BASE.strip()]
    for field_name, f in FIELD_LETTER.items():
        for outcome, o in OUTCOME_LETTER.items():
            style = _mark_style(field_name, outcome)
            selectors = [f".lg-{f}{o}"] + [
                f"body:has(#show-{f}:checked) .art:has(.m{k}:checked) .k{k}{f}{o}" for k in range(models)
            ]
            rules.append(",".join(selectors) + "{" + style + "}")
    # the outcome rules above are ordered so that a wrong attribute, then a hit, wins where
    # marks of one field overlap
    for k in range(models):
        rules.append(f".art:has(.m{k}:checked) .p{k}{{display:block}}")
        rules.append(
            f".art:has(.m{k}:checked) .k{k}L{{border-left-width:0!important;border-top-left-radius:0;"
            "border-bottom-left-radius:0;padding-left:0}"
        )
        rules.append(
            f".art:has(.m{k}:checked) .k{k}R{{border-right-width:0!important;border-top-right-radius:0;"
            "border-bottom-right-radius:0;padding-right:0}"
        )
    for f in FIELD_LETTER.values():
        rules.append(f"body:has(#show-{f}:not(:checked)) .pl-{f}{{display:none}}")
    return "\n".join(rules)


def legend() -> str:
    """Sample marks for every outcome, as chips (names) and as an event underline."""
    items = []
    for outcome in ("hit", "wrong", "false_positive", "missed"):
        o = OUTCOME_LETTER[outcome]
        items.append(
            f'<span><span class="lg-a{o}">Name</span> <span class="lg-e{o}">event sentence</span> '
            f"{OUTCOME_GLYPH[outcome]} {OUTCOME_WORD[outcome]}</span>"
        )
    items.append('<span><span class="lg-ao">Name</span> matches an optional gold item (not scored)</span>')
    chips = " ".join(
        f'<span class="lg-{FIELD_LETTER[name]}h">{name}</span>' for name in ("actors", "locations", "casualties")
    )
    items.append(f"<span>tint: {chips}; events: underline</span>")
    return '<p class="legend">' + "".join(items) + "</p>"


# The only script: "every article" buttons that pick one model's tab in all articles, the
# sticky toolbar's height (`--bar`, the articles' scroll margin), which tables fit (their
# scroll hint hides), and a flag that the page ran with the page's laid-out width
# (bench/report_screenshot.py reads both). Nothing from the articles is in it.
SCRIPT = """
document.querySelectorAll('.every button').forEach(function (b) {
  b.addEventListener('click', function () {
    document.querySelectorAll('.art input.m' + b.dataset.k).forEach(function (i) { i.checked = true; });
  });
});
// the sticky toolbar's height: an article a link jumps to starts below it, not under it
var bar = document.querySelector('.toolbar');
function fit() {
  if (bar) { document.documentElement.style.setProperty('--bar', (bar.offsetHeight + 8) + 'px'); }
  document.querySelectorAll('.scroll').forEach(function (s) {
    s.classList.toggle('fits', s.scrollWidth <= s.clientWidth + 1);
  });
}
fit();
window.addEventListener('resize', fit);
document.documentElement.dataset.width = String(document.documentElement.scrollWidth);
document.documentElement.dataset.ready = '1';
"""
