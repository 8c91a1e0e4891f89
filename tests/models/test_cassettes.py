"""Which articles a cassette folder holds answers for (`models.recorded_articles`, `is_recorded`):
the one check the baseline, the benches, the replay test and the offline preflight share."""

from __future__ import annotations

from pathlib import Path

from summarizer.inputs import Article
from summarizer.models import cassette_path, is_recorded, recorded_articles

MODEL, PROMPT = "local/qwen2.5-coder-1.5b", "brief-v5"


def _record(folder: Path, article: Article, model: str = MODEL, prompt: str = PROMPT) -> None:
    path = cassette_path(folder, model, prompt, article.sha256, article.published)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text('{"interactions": []}', encoding="utf-8")


def test_an_article_is_recorded_under_its_own_date_model_and_prompt(tmp_path: Path) -> None:
    dated = Article(id="dated", text="Shelling hit Bakhmut.", published="2022-12-27")
    undated = Article(id="undated", text="Shelling hit Soledar.")
    elsewhere = Article(id="elsewhere", text="Shelling hit Kherson.", published="2023-01-02")
    never = Article(id="never", text="Nothing happened.")
    _record(tmp_path, dated)
    _record(tmp_path, undated)
    _record(tmp_path, Article(id="x", text=elsewhere.text, published="2023-01-01"))  # another date
    _record(tmp_path, never, model="local/qwen2.5-coder-0.5b")  # another model
    _record(tmp_path, never, prompt="brief-v4")  # another prompt

    everything = [never, undated, elsewhere, dated]
    assert recorded_articles(tmp_path, MODEL, PROMPT, everything) == [undated, dated]  # in their order
    assert recorded_articles(tmp_path, MODEL, PROMPT, iter(everything)) == [undated, dated]  # any iterable
    assert is_recorded(tmp_path, MODEL, PROMPT, dated)
    assert not is_recorded(tmp_path, MODEL, PROMPT, elsewhere)
    assert not is_recorded(tmp_path, MODEL, PROMPT, Article(id="d", text=dated.text))  # without its date
    assert recorded_articles(tmp_path / "none", MODEL, PROMPT, everything) == []
