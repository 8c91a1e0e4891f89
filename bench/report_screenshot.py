"""Screenshot check of the HTML eval report in a real browser (headless Chromium).

Renders the report at 1400 px and at phone width (390 px) and fails (exit 1) on a blank or
broken page: a screenshot nearly all one colour, the page's script not run, articles missing,
the outcome marks not styled (the CSS that shows the chosen model's marks did not apply), the
chosen model's item list not shown, or the page wider than the window (it must reflow). When
the report has a matched item with a wrong attribute, the article of the first one is shown
with that model chosen, and its mark must be drawn apart from a hit (a double border) and its
list item say "wrong attribute" in words; a second screenshot per width shows it
(`report-<width>-wrong.png`).

Chromium's new headless mode will not make a window narrower than 500 px, so the page is
loaded in an iframe of the wanted width (`srcdoc`, same origin), whose own media queries
then apply; a small script in the frame's parent reads the facts above from the report.

Without a report (`--report`), it builds the report of the offline eval of the three embedded
models over the project's dataset (replayed from cassettes/). Without Chromium on PATH
(`chromium`, `chromium-browser`, `google-chrome`; Debian: `apt-get install chromium`) it says
so and exits 0, or 1 with `--require-browser`. `--picture docs/report.png` also writes the
README's picture: the top of the report above its first article, reduced.

Usage: python bench/report_screenshot.py [--report FILE.html] [--out DIR] [--picture PNG]
"""

from __future__ import annotations

import argparse
import html
import json
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
MODELS = ["local/qwen2.5-coder-1.5b", "local/qwen2.5-coder-0.5b", "local/gemma-3-270m"]
BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
WIDTHS = (1400, 390)
HEIGHT = 2000

# Runs in the frame's parent once the report has loaded: the facts the check reads, written
# onto the parent's <html> as JSON (Chromium's --dump-dom prints it).
_PROBE = r"""
var f = document.getElementById('r');
f.addEventListener('load', function () {
  var d = f.contentDocument, w = f.contentWindow, facts = {};
  facts.ready = d.documentElement.dataset.ready || null;
  facts.width = d.documentElement.scrollWidth;
  facts.frame = f.clientWidth;
  facts.articles = d.querySelectorAll('section.art').length;
  facts.texts = d.querySelectorAll('section.art .text').length;
  facts.panels = Array.prototype.filter.call(d.querySelectorAll('.panel'), function (p) {
    return w.getComputedStyle(p).display !== 'none'; }).length;
  var hit = d.querySelector('.text [class*="k0ah"], .text [class*="k0lh"]');
  facts.hit_style = hit ? w.getComputedStyle(hit).borderTopStyle : null;
  var bar = d.querySelector('.toolbar');
  facts.articles_top = bar ? Math.round(bar.getBoundingClientRect().top + w.scrollY) : null;
  if (location.hash === '#articles' && bar) { w.scrollTo(0, facts.articles_top - 4); }
  var wrong = Array.prototype.find.call(d.querySelectorAll('.text span[class]'), function (s) {
    return /\bk\d+[alc]w\b/.test(s.className); });
  facts.wrong = !!wrong;
  if (wrong) {
    var k = wrong.className.match(/\bk(\d+)[alc]w\b/)[1], art = wrong.closest('section.art');
    art.querySelector('input.m' + k).checked = true;
    facts.wrong_style = w.getComputedStyle(wrong).borderTopStyle;
    var panel = art.querySelector('.panel.p' + k + ' li.o-wrong');
    facts.wrong_words = panel && w.getComputedStyle(panel.closest('.panel')).display !== 'none' ?
      panel.textContent : null;
    if (location.hash === '#wrong') { w.scrollTo(0, Math.round(wrong.getBoundingClientRect().top + w.scrollY) - 80); }
  }
  document.documentElement.dataset.facts = JSON.stringify(facts);
});
"""


def find_browser() -> str | None:
    for name in BROWSERS:
        path = shutil.which(name)
        if path:
            return path
    return None


def frame_page(report: str, width: int, height: int) -> str:
    """A page that shows the report in a `width` × `height` frame."""
    return (
        '<!DOCTYPE html><html><head><meta charset="utf-8"><style>body{margin:0}</style></head><body>'
        f'<iframe id="r" style="width:{width}px;height:{height}px;border:0;display:block" '
        f'srcdoc="{html.escape(report, quote=True)}"></iframe><script>{_PROBE}</script></body></html>'
    )


def shoot(browser: str, page: Path, png: Path, width: int, height: int, fragment: str = "") -> dict[str, Any]:
    """Screenshot `page` into `png` and return the facts its probe wrote."""
    window = max(width, 500)
    cmd = [
        browser,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--hide-scrollbars",
        "--no-first-run",
        f"--window-size={window},{height}",
        f"--screenshot={png}",
        "--dump-dom",
        page.resolve().as_uri() + fragment,
    ]
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=120, check=False)
    found = re.search(r'data-facts="([^"]*)"', out.stdout)
    if out.returncode != 0 or not found:
        return {"error": f"exit {out.returncode}: {out.stderr.strip()[-300:]}"}
    facts: dict[str, Any] = json.loads(html.unescape(found.group(1)))
    return facts


def image_problems(png: Path, width: int) -> list[str]:
    """A missing, blank (nearly one colour) or featureless screenshot."""
    if not png.exists():
        return ["no screenshot written"]
    try:
        from PIL import Image
    except ImportError:  # without Pillow: a page of text compresses far worse than a blank one
        size = png.stat().st_size
        return [] if size > 30_000 else [f"screenshot of {size} bytes: blank?"]
    with Image.open(png) as im:
        crop = im.convert("RGB").crop((0, 0, min(width, im.width), im.height))
        colours = crop.getcolors(maxcolors=1 << 20) or []
        pixels = crop.width * crop.height
    top = max((n for n, _ in colours), default=pixels)
    problems = []
    if top / pixels > 0.97:
        problems.append(f"blank: {100 * top / pixels:.1f}% of the pixels are one colour")
    if len(colours) < 32:
        problems.append(f"only {len(colours)} colours: no text or marks rendered")
    return problems


def fact_problems(facts: dict[str, Any], width: int, articles: int | None) -> list[str]:
    """A page whose script did not run, without its articles, marks or item lists, or wider
    than its window."""
    if "error" in facts:
        return [f"browser failed: {facts['error']}"]
    problems = []
    if facts.get("ready") != "1":
        problems.append("the report's script did not run")
    if facts.get("width", 0) > width + 1:
        problems.append(f"page {facts.get('width')} px wide in a {width} px window: it does not reflow")
    if not facts.get("articles") or (articles is not None and facts["articles"] != articles):
        problems.append(f"{facts.get('articles')} article sections, expected {articles}")
    if facts.get("texts") != facts.get("articles"):
        problems.append(f"{facts.get('texts')} article texts for {facts.get('articles')} articles")
    if facts.get("panels") != facts.get("articles"):
        problems.append(f"{facts.get('panels')} item lists shown for {facts.get('articles')} articles")
    if facts.get("hit_style") != "solid":
        problems.append(f"a hit is not drawn as a solid border (got {facts.get('hit_style')}): CSS not applied")
    if facts.get("wrong") and facts.get("wrong_style") != "double":
        problems.append(f"a wrong attribute is not drawn apart from a hit (got {facts.get('wrong_style')})")
    if facts.get("wrong") and "wrong attribute" not in (facts.get("wrong_words") or ""):
        problems.append("a wrong attribute is not said in words in the chosen model's list")
    return problems


def check(report: Path, out: Path, browser: str, articles: int | None = None) -> list[str]:
    """Every problem of the report at each width (empty: the page is fine); screenshots in `out`."""
    text = report.read_text(encoding="utf-8")
    problems = []
    for width in WIDTHS:
        page = out / f"frame-{width}.html"
        page.write_text(frame_page(text, width, HEIGHT), encoding="utf-8")
        png = out / f"report-{width}.png"
        facts = shoot(browser, page, png, width, HEIGHT)
        found = fact_problems(facts, width, articles) + image_problems(png, width)
        if facts.get("wrong"):  # the first wrong-attribute item, scrolled to, its model chosen
            shot = out / f"report-{width}-wrong.png"
            found += fact_problems(shoot(browser, page, shot, width, HEIGHT, "#wrong"), width, articles)
            found += image_problems(shot, width)
        problems += [f"{width} px: {p}" for p in found]
        print(f"{width} px: {png} {json.dumps(facts)}")
    return problems


def picture(report: Path, out: Path, browser: str, dest: Path) -> None:
    """The README's picture: the overview at the top, then the first article, 1400 px wide
    reduced to 1100, in a palette of 256 colours (octree keeps the thin coloured borders)."""
    from PIL import Image

    text = report.read_text(encoding="utf-8")
    page = out / "frame-picture.html"
    page.write_text(frame_page(text, 1400, 1250), encoding="utf-8")
    shots = []
    for name, fragment in (("top", ""), ("article", "#articles")):
        png = out / f"picture-{name}.png"
        shoot(browser, page, png, 1400, 1250, fragment)
        shots.append(Image.open(png).convert("RGB").crop((0, 0, 1400, 1250)))
    top = shots[0].crop((0, 0, 1400, 640))
    joined = Image.new("RGB", (1400, 640 + 12 + 1250), "#94a3b8")
    joined.paste(top, (0, 0))
    joined.paste(shots[1], (0, 652))
    small = joined.resize((1100, round(joined.height * 1100 / 1400)), Image.Resampling.LANCZOS)
    dest.parent.mkdir(parents=True, exist_ok=True)
    small.quantize(colors=256, method=Image.Quantize.FASTOCTREE).save(dest, optimize=True)
    print(f"picture: {dest} ({dest.stat().st_size:,} bytes)")


def build_report(dest: Path) -> int:
    """The offline eval's report of the three embedded models; the number of articles."""
    from summarizer.config import Settings
    from summarizer.evaluation import load_dataset, run_eval, write_report

    path = ROOT / "evals" / "datasets" / "articles.jsonl"
    if path.is_relative_to(Path.cwd()):  # the report names the dataset as given
        path = path.relative_to(Path.cwd())
    dataset = load_dataset(path)
    result = run_eval(dataset, MODELS, Settings(offline=True, cassette_dir=ROOT / "cassettes"))
    write_report(result, dest)
    return len(dataset)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--report", type=Path, help="the report to check (default: build the offline eval's)")
    parser.add_argument("--out", type=Path, help="where the screenshots go (default: a temporary folder)")
    parser.add_argument("--picture", type=Path, help="also write the README's picture here")
    parser.add_argument("--require-browser", action="store_true", help="exit 1 when Chromium is not installed")
    args = parser.parse_args()
    browser = find_browser()
    if browser is None:
        print("report screenshot: skipped, no Chromium on PATH (Debian: apt-get install chromium)")
        return 1 if args.require_browser else 0
    out = args.out or Path(tempfile.mkdtemp(prefix="report-shot-"))
    out.mkdir(parents=True, exist_ok=True)
    articles = None
    report = args.report
    if report is None:
        report = out / "report.html"
        articles = build_report(report)
    print(f"{report}: {report.stat().st_size:,} bytes")
    problems = check(report, out, browser, articles)
    if args.picture is not None:
        picture(report, out, browser, args.picture)
    for p in problems:
        print(f"FAIL {p}", file=sys.stderr)
    print("report screenshot: " + ("broken" if problems else "ok"))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
