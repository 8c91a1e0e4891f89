"""The HTML report (checked by parsing it) and the terminal comparison at 80 columns."""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console

from summarizer import evaluation
from summarizer import models as providers
from summarizer.cli._eval import print_comparison
from summarizer.config import Settings
from summarizer.evaluation import _runner, item_outcomes, render_report, score_article
from summarizer.evaluation._format import short_names
from summarizer.evaluation._highlight import ModelOutcomes, article_marks, render_marked
from summarizer.evaluation._outcomes import outcome_lines
from tests.evaluation.test_evaluation import DATA, _fake_provider, _resolve_only, fake_summarize


@pytest.fixture(scope="module")
def result() -> Iterator[evaluation.EvalResult]:
    providers.register("fake", _fake_provider)
    original, original_check = _runner.summarize, _runner.check_model
    _runner.summarize = fake_summarize  # type: ignore[assignment]
    _runner.check_model = _resolve_only  # type: ignore[assignment]  # no cassette, weights or server
    try:
        data = evaluation.load_dataset(DATA)
        yield evaluation.run_eval(data, ["fake/good", "fake/weak"], Settings(offline=True), resamples=200)
    finally:
        _runner.summarize = original  # type: ignore[assignment]
        _runner.check_model = original_check  # type: ignore[assignment]
        providers.unregister("fake")


class Page(HTMLParser):
    """What the tests read from the report: element counts, the text under each class, the
    article texts, the script."""

    VOID = {"meta", "input", "br", "img", "link", "hr"}

    def __init__(self, page: str) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, set[str], dict[str, str | None]]] = []
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.by_class: dict[str, list[str]] = {}  # class -> the text of each element with it
        self.open: list[tuple[str, list[str]]] = []
        self.texts: list[str] = []  # the text of each div.text
        self.scripts: list[str] = []
        self.feed(page)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        self.tags.append((tag, a))
        if tag in self.VOID:
            return
        classes = set((a.get("class") or "").split())
        self.stack.append((tag, classes, a))
        self.open.append((tag, []))

    def handle_endtag(self, tag: str) -> None:
        if tag in self.VOID:
            return
        open_tag, classes, a = self.stack.pop()
        assert open_tag == tag, f"</{tag}> closes <{open_tag}>"
        _, parts = self.open.pop()
        text = "".join(parts)
        for cls in classes:
            self.by_class.setdefault(cls, []).append(text)
        if tag == "div" and "text" in classes:
            self.texts.append(text)
        if tag == "script":
            self.scripts.append(text)

    def handle_data(self, data: str) -> None:
        for _, parts in self.open:
            parts.append(data)

    def count(self, tag: str, **attrs: str) -> int:
        return sum(1 for t, a in self.tags if t == tag and all(a.get(k) == v for k, v in attrs.items()))


@pytest.fixture(scope="module")
def page(result: evaluation.EvalResult) -> Page:
    return Page(render_report(result))


def test_each_article_text_once_and_escaped(result: evaluation.EvalResult, page: Page) -> None:
    records = result.dataset.records
    assert page.texts == [r["text"] for r in records]  # once each, in order, character for character
    raw = render_report(result)
    assert raw.count("after months of fighting") == 1
    # the hostile article's <script> stays text: the page's only script is its own
    assert page.count("script") == 1 and "alert" not in page.scripts[0]
    assert "<script>alert('x')</script>" in page.texts[0]
    assert not any(t in {"img", "iframe", "link", "object"} for t, _ in page.tags)
    assert "http" not in raw and " src=" not in raw  # nothing fetched: one self-contained file


def test_one_tab_per_model_and_field_toggles(result: evaluation.EvalResult, page: Page) -> None:
    for i in range(len(result.dataset.records)):
        assert page.count("input", type="radio", name=f"m-{i}") == len(result.runs)
    for letter in "alec":
        assert page.count("input", type="checkbox", id=f"show-{letter}") == 1
    assert page.count("section") == len(result.dataset.records)


def test_outcomes_are_marked_in_the_text(page: Page) -> None:
    marked = {cls: set(texts) for cls, texts in page.by_class.items()}
    # fake/good (model 0) found everything on eval-a
    assert {"Wagner", "Yevgeny Prigozhin"} <= marked["k0ah"]
    # matched, but with no country where the gold says Ukraine: a wrong attribute, not a hit
    assert {"Bakhmut", "Kostiantynivka"} <= marked["k0lw"] and "k0lh" not in marked
    assert any("they had taken Bakhmut" in t for t in marked["k0eh"])
    assert "at least 8 civilians were killed" in marked["k0ch"]
    # fake/weak (model 1) missed Prigozhin and Kostiantynivka: found by name; the events it
    # missed are placed where fake/good's matching events are; on eval-b it failed
    assert {"Yevgeny Prigozhin", "Protesters"} <= marked["k1am"]
    assert {"Kostiantynivka", "Kyiv"} <= marked["k1lm"]
    assert any("shelling in Kostiantynivka" in t for t in marked["k1em"])
    assert "Kremlin" in marked["k1ao"]  # matches an optional gold item
    assert "wrong" not in "".join(marked.get("k1af", []))  # an inexact span is not marked


def test_panels_list_outcomes_in_words(page: Page) -> None:
    missed = " ".join(page.by_class["o-missed"])
    assert "Yevgeny Prigozhin (person, side: Russia) missed gold" in missed
    fps = " ".join(page.by_class["o-false_positive"])
    assert "Russian forces (armed_forces, side: None) false positive" in fps
    wrong = " ".join(page.by_class["o-wrong"])
    assert "Wagner fighters (armed_group, side: None) wrong attribute" in wrong
    assert "wrong: actor side: None, gold Russia" in wrong  # what is wrong, in words
    assert "gold: Wagner Group (armed_group, side: Russia)" in wrong  # the gold item it matched
    hits = " ".join(page.by_class["o-hit"])
    assert "Wagner (armed_group, side: Russia) hit" in hits and "Wagner fighters" not in hits
    assert any("wrong: location country 2" in t for t in page.by_class["bad"])  # counted per attribute
    assert any("failed (ExtractionError)" in t for t in page.by_class["fail"])
    assert len(page.by_class["panel"]) == 2 * 3


def test_best_model_of_each_row_is_marked_in_words(page: Page) -> None:
    overview = [t for t in page.by_class["best"]]
    assert overview and all("★ (best)" in t for t in overview)
    # eval-a: good 1.000 beats weak; eval-c: both 1.0 (no gold, nothing said) -> no best
    assert any(t.startswith("1.000") for t in overview)
    assert page.count("td", **{"class": "n best"}) >= 2


def _record(text: str) -> dict[str, Any]:
    return {
        "id": "x",
        "text": text,
        "gold": {
            "actors": [{"name": "Hamas", "aliases": [], "kind": "armed_group", "side": None}],
            "locations": [{"name": "Gaza", "aliases": [], "kind": "region", "country": None}],
            "events": [],
            "casualties": [],
        },
    }


def test_marks_by_outcome_and_hostile_names() -> None:
    text = "Hamas said <b>Israel</b> struck Gaza."
    hostile = '<img src=x onerror="alert(1)">'
    doc = {
        "actors": [
            {"name": "Hamas", "kind": "armed_group", "mentions": [{"start": 0, "end": 5, "text": "Hamas"}]},
            {"name": hostile, "mentions": [{"start": 14, "end": 20, "text": "Israel"}]},
        ],
        "locations": [],
        "events": [],
        "casualties": [],
    }
    record = _record(text)
    score = score_article(doc, record)
    outcomes = item_outcomes(doc, record, score)
    assert [(o.outcome, o.predicted, o.gold) for o in outcomes["actors"]] == [
        ("hit", 0, 0),
        ("false_positive", 1, None),
    ]
    assert [(o.outcome, o.label) for o in outcomes["locations"]] == [("missed", "Gaza (region)")]
    out = render_marked(text, article_marks(text, record["gold"], [ModelOutcomes(doc, outcomes)]))
    assert out == (
        '<span class="k0ah">Hamas</span> said &lt;b&gt;<span class="k0af">Israel</span>&lt;/b&gt; '
        'struck <span class="k0lm">Gaza</span>.'
    )
    failed = score_article(None, record, error="boom")
    missed = item_outcomes(None, record, failed)
    assert [o.outcome for rows in missed.values() for o in rows] == ["missed", "missed"]


def test_a_name_cut_by_another_models_mark_stays_one_chip() -> None:
    text = "Vladimir Putin spoke."
    one = {
        "actors": [
            {
                "name": "Vladimir Putin",
                "kind": "person",
                "mentions": [{"start": 0, "end": 14, "text": "Vladimir Putin"}],
            }
        ]
    }
    two = {"actors": [{"name": "Putin", "kind": "person", "mentions": [{"start": 9, "end": 14, "text": "Putin"}]}]}
    record: dict[str, Any] = {
        "id": "x",
        "text": text,
        "gold": {"actors": [{"name": "Vladimir Putin", "kind": "person"}]},
    }
    models = [ModelOutcomes(d, item_outcomes(d, record, score_article(d, record))) for d in (one, two)]
    out = render_marked(text, article_marks(text, record["gold"], models))
    assert out == ('<span class="k0ah k0R">Vladimir </span><span class="k0ah k1ah k0L">Putin</span> spoke.')


def test_short_names() -> None:
    assert short_names(["local/qwen2.5-coder-1.5b", "local/qwen2.5-coder-0.5b", "local/gemma-3-270m"]) == {
        "local/qwen2.5-coder-1.5b": "1.5b",
        "local/qwen2.5-coder-0.5b": "0.5b",
        "local/gemma-3-270m": "gemma-3-270m",
    }
    assert short_names(["openai/gpt-4o-mini"]) == {"openai/gpt-4o-mini": "openai/gpt-4o-mini"}
    assert short_names(["openai/x", "ollama/x"]) == {"openai/x": "openai/x", "ollama/x": "ollama/x"}


def _three_models(result: evaluation.EvalResult) -> evaluation.EvalResult:
    """The fake result with three runs named like the embedded models."""
    r = copy.deepcopy(result)
    names = ["local/qwen2.5-coder-1.5b", "local/qwen2.5-coder-0.5b", "local/gemma-3-270m"]
    r.runs = [copy.deepcopy(r.runs[0]), copy.deepcopy(r.runs[1]), copy.deepcopy(r.runs[1])]
    for run, name in zip(r.runs, names, strict=True):
        run.model = name
    r.comparisons = [copy.deepcopy(r.comparisons[0]), copy.deepcopy(r.comparisons[0])]
    for comp, name in zip(r.comparisons, names[1:], strict=True):
        comp.baseline, comp.model = names[0], name
    return r


@pytest.mark.parametrize("width", [80, 100, 200])
def test_terminal_comparison_tells_models_apart(result: evaluation.EvalResult, width: int) -> None:
    console = Console(width=width, record=True, color_system=None)
    print_comparison(console, _three_models(result))
    out = console.export_text()
    assert max(len(line) for line in out.splitlines()) <= width
    assert "…" not in out  # no name or figure cut short
    header = next(line for line in out.splitlines() if "metric" in line)
    assert "1.5b" in header and "0.5b" in header and "gemma-3-270m" in header
    assert "1.5b = local/qwen2.5-coder-1.5b" in out.replace("\n", " ")
    assert "-0.775" in out


def test_report_of_three_models(result: evaluation.EvalResult, tmp_path: Path) -> None:
    three = _three_models(result)
    path = evaluation.write_report(three, tmp_path / "deep" / "r.html")
    page = Page(path.read_text(encoding="utf-8"))
    assert page.count("input", type="radio", name="m-0") == 3
    assert len(page.texts) == len(three.dataset.records)
    assert json.dumps(three.dataset.records[1]["text"])  # the records are untouched


def test_a_matched_item_with_a_wrong_attribute_is_its_own_outcome() -> None:
    text = "Putin spoke in Bakhmut."
    record: dict[str, Any] = {
        "id": "x",
        "text": text,
        "gold": {
            "actors": [{"name": "Putin", "kind": "person", "side": "Russia"}],
            "locations": [{"name": "Bakhmut", "kind": "settlement", "country": "Ukraine", "admin1": "Donetsk"}],
        },
    }
    mention = {"start": 0, "end": 5, "text": "Putin"}
    doc: dict[str, Any] = {
        "actors": [{"name": "Putin", "kind": "government", "side": "Ukraine", "mentions": [mention]}],
        "locations": [{"name": "Bakhmut", "kind": "settlement", "country": "Ukraine", "admin1": "Kharkiv"}],
    }
    score = score_article(doc, record)
    outcomes = item_outcomes(doc, record, score)
    putin, bakhmut = outcomes["actors"][0], outcomes["locations"][0]
    assert putin.outcome == "wrong" and [a for a, _p, _g in putin.wrong] == ["actor_kind", "actor_side"]
    assert bakhmut.outcome == "wrong" and bakhmut.wrong == (("location_admin1", "Kharkiv", "Donetsk"),)
    assert score.fields["actors"].tp == 1  # still a true positive of the field's F1
    assert score.attributes["actor_side"].correct == 0 and score.attributes["location_admin1"].total == 1
    marked = render_marked(text, article_marks(text, record["gold"], [ModelOutcomes(doc, outcomes)]))
    assert '<span class="k0aw">Putin</span>' in marked
    lines = outcome_lines(outcomes)  # the same, as Markdown lines
    assert "- ! Putin (government, side: Ukraine) — wrong attribute: actor kind: government, gold person; " in (
        "\n".join(lines)
    )
    assert "- wrong attributes: actor kind 1, actor side 1" in lines
    assert "- wrong attributes: location admin1 1" in lines


def test_overview_rows_name_articles_by_their_headline(result: evaluation.EvalResult, page: Page) -> None:
    titles = page.by_class["title"]
    assert len(titles) == len(result.dataset.records)
    first = titles[0]  # the headline, escaped, then the id beside it
    assert first.startswith("Wagner claims Bakhmut <script>alert('x')</script>") and first.endswith("eval-a")
    assert "eval-a" in page.by_class["rid"]
    assert page.count("a", href="#a-0") == 1
    raw = render_report(result)
    assert '<h3 id="h-0">Wagner claims Bakhmut &lt;script&gt;' in raw  # the article's heading too


def _css_rules(raw: str, selector: str) -> list[str]:
    css = raw.split("<style>", 1)[1].split("</style>", 1)[0]
    return [block.split("}", 1)[0] for block in css.split(selector + "{")[1:]]


def test_an_article_a_link_jumps_to_starts_below_the_sticky_toolbar(result: evaluation.EvalResult, page: Page) -> None:
    raw = render_report(result)
    wide, narrow = _css_rules(raw, ".art")
    assert "scroll-margin-top:var(--bar," in wide  # the toolbar's height, measured by the script
    assert "scroll-margin-top" in narrow  # under 900 px the toolbar is not sticky
    assert "setProperty('--bar'" in page.scripts[0] and "offsetHeight" in page.scripts[0]


def test_a_table_wider_than_a_phone_says_it_scrolls(result: evaluation.EvalResult, page: Page) -> None:
    raw = render_report(result)
    overview = raw.index('<table class="overview">')
    hint = raw.rindex('<p class="scroll-hint"', 0, overview)
    assert raw[hint:overview].count("</p>") == 1 and "scroll the table sideways" in raw[hint:overview]
    assert _css_rules(raw, ".scroll-hint")[0].startswith("display:none")  # wide screens: no hint
    assert any(rule == "display:block" for rule in _css_rules(raw, ".scroll-hint"))  # phones: the hint
    assert "classList.toggle('fits'" in page.scripts[0]  # a table that fits hides its hint
    assert "position:sticky" in _css_rules(raw, ".overview th.title")[-1]  # the names stay while it scrolls
