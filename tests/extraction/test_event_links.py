"""A figure is tied to its incident where the article tells that incident again: a sentence code
reads as a twin of an event (same type and place) gives its figures to that event, replayed from
the default model's recorded answers to a founding article."""

from __future__ import annotations

from summarizer import inputs as articles
from summarizer.config import Settings
from summarizer.extraction import summarize
from tests.clihelp import ROOT


def test_a_figure_in_a_sentence_that_tells_an_event_again_is_that_event_s() -> None:
    path = ROOT / "evals" / "datasets" / "articles" / "001_0f1bb87850801b8c.txt"
    article = articles.from_text(path.read_text(encoding="utf-8"), id="001_0f1bb87850801b8c", origin="file")
    doc = summarize(article, "local/qwen2.5-coder-1.5b", Settings(offline=True, cassette_dir=ROOT / "cassettes"))
    toll = next(c for c in doc.casualties if c.raw == "64")
    event = next(e for e in doc.events if e.id == toll.event_id)
    places = {loc.id: loc.name for loc in doc.locations}
    assert event.type == "battle" and [places[i] for i in event.location_ids] == ["Bakhmut"]
    # the figure's sentence ("Ukraine claims that it eliminated 64 ...") is not the event's own,
    # but the event's evidence shows it after its own, so the link can be checked in the text
    own, *again = event.evidence
    assert not own.start <= toll.evidence[0].start < own.end
    assert any(sp.start <= toll.evidence[0].start < sp.end for sp in again)
