"""The report in a real browser: bench/report_screenshot.py's check passes on a report and
fails on a blank page. Skipped when no Chromium is on PATH (Debian: apt-get install chromium)."""

from __future__ import annotations

from pathlib import Path
from types import ModuleType

import pytest

from summarizer import evaluation
from tests.clihelp import load_script
from tests.evaluation.test_report import result  # noqa: F401  (the fixture)

ROOT = Path(__file__).resolve().parents[2]


def _screenshot_module() -> ModuleType:
    return load_script("bench/report_screenshot.py", register=True)


shot = _screenshot_module()
BROWSER = shot.find_browser()
pytestmark = pytest.mark.skipif(BROWSER is None, reason="no Chromium on PATH")


def test_report_renders_at_desktop_and_phone_width(
    result: evaluation.EvalResult,  # noqa: F811
    tmp_path: Path,
) -> None:
    report = evaluation.write_report(result, tmp_path / "r.html")
    problems = shot.check(report, tmp_path, BROWSER, articles=len(result.dataset.records))
    assert problems == []
    assert {p.name for p in tmp_path.glob("report-*.png")} == {
        "report-1400.png",
        "report-390.png",
        "report-1400-wrong.png",  # the first item with a wrong attribute, marked as such
        "report-390-wrong.png",
    }


def test_a_wrong_attribute_is_marked_as_such_in_the_browser(
    result: evaluation.EvalResult,  # noqa: F811
    tmp_path: Path,
) -> None:
    report = evaluation.write_report(result, tmp_path / "r.html")
    page = tmp_path / "frame.html"
    page.write_text(shot.frame_page(report.read_text(encoding="utf-8"), 390, 900), encoding="utf-8")
    facts = shot.shoot(BROWSER, page, tmp_path / "wrong.png", 390, 900, "#wrong")
    assert facts["wrong"] and facts["wrong_style"] == "double"  # not a hit's solid border
    assert "wrong attribute" in facts["wrong_words"] and "gold" in facts["wrong_words"]


def test_a_report_whose_wrong_marks_look_like_hits_fails() -> None:
    facts = {"ready": "1", "width": 390, "articles": 1, "texts": 1, "panels": 1, "hit_style": "solid"}
    assert shot.fact_problems(facts | {"wrong": True, "wrong_style": "solid", "wrong_words": "x hit"}, 390, 1)


def test_a_blank_page_fails(tmp_path: Path) -> None:
    page = tmp_path / "frame.html"
    page.write_text(shot.frame_page("<!DOCTYPE html><html><body></body></html>", 1400, 600), encoding="utf-8")
    png = tmp_path / "blank.png"
    facts = shot.shoot(BROWSER, page, png, 1400, 600)
    problems = shot.fact_problems(facts, 1400, 3) + shot.image_problems(png, 1400)
    assert any("script did not run" in p for p in problems)
    assert any("blank" in p for p in problems)
