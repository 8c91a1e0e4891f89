"""`summarize`: one article, one model, one summary document.

The steps, each its own function: the chunk budget (`_chunking`), the cassette of the run
(`_cassette`), the model server's lifecycle (`_endpoint`), the passes (`_passes`), the
cassette's `.meta.json` (`_recorded_latency`), and the document (`_document`, after grounding
in `_assembly`). What the model reads is the article with lines addressed to a model hidden
(same length, so offsets hold), with its letter case restored when it has none (`nlp.truecase`:
same length again; names and spans then go out as the article writes them); grounding runs
against the article as read.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from concurrent.futures import Executor, ThreadPoolExecutor
from contextlib import ExitStack, contextmanager
from dataclasses import replace
from pathlib import Path

from summarizer import rules
from summarizer.config import Settings, parallel_passes
from summarizer.contract import ArticleInfo, LatencySource, Provenance, SummaryDocument
from summarizer.errors import CassetteMissError
from summarizer.extraction import _prompts as prompts
from summarizer.extraction._assembly import Grounded, ground
from summarizer.extraction._chunking import chunk_chars, split_chunks
from summarizer.extraction._classify import Classifier
from summarizer.extraction._classify import run as classify
from summarizer.extraction._compose import compose
from summarizer.extraction._passes import Passes, run_passes, run_single
from summarizer.extraction._prompts import Prompt
from summarizer.extraction._shapes import schema_hash
from summarizer.extraction._steps import debug_enabled, describe
from summarizer.extraction._where import place_locations
from summarizer.inputs import Article, hidden_passages, hidden_warning, hide_passages
from summarizer.models import ModelClient, ModelSpec, Usage, cassette_path, resolve, use_cassette
from summarizer.nlp import as_written, truecase

__all__ = ["summarize"]


def summarize(article: Article, model: str, settings: Settings | None = None) -> SummaryDocument:
    """Summarize one article with one model. Raises a SummarizerError on failure."""
    settings = settings or Settings()
    spec = resolve(model, settings)
    prompt = prompts.load(settings.prompt_version)
    if settings.published and not article.published:
        article = replace(article, published=settings.published)
    # rules a later prompt asks with are off: this prompt's recorded requests replay as recorded
    later = rules.newer_than(prompt.version)
    with rules.disabled(later):  # what code reads before the model shapes the requests too
        chunks = split_chunks(article.text, chunk_chars(spec, settings))
        hidden = hidden_passages(article.text)
        # brief-v4 reads a text without letter case with its case restored, at the same offsets
        read = truecase(article.text) if prompt.pipeline == "classify" else article.text
        model_text = hide_passages(read, hidden)
    usage = Usage()
    cassette = cassette_path(settings.cassettes(), spec.name, prompt.version, article.sha256, article.published)
    if settings.record_missing and not settings.offline and cassette.is_file():
        try:  # recorded already: replay it (no model, no server); recorded in part: record the rest
            return summarize(article, model, replace(settings, offline=True, record=False, record_missing=False))
        except CassetteMissError:
            pass
    with _model_client(spec, settings, cassette) as client, rules.disabled(later):
        try:
            if prompt.pipeline == "classify":
                passes = Classifier(client, _as_read(article, read), prompt, usage)
                with _pass_pool(client.slots) as passes.pool:
                    if debug_enabled():  # SUMMARIZER_DEBUG_PIPELINE=1: the post-model steps, in order
                        describe()
                    found = classify(passes, read, model_text, chunks, _title_end(article))
                if read is not article.text:  # names go out as the article writes them
                    found.as_written(lambda name: as_written(name, read, article.text))
                grounded, summary = compose(article.text, found, read)
            else:  # the model writes the items (extract: pass by pass; single: naive-v1, all at once)
                run = run_single if prompt.pipeline == "single" else run_passes
                extraction = run(Passes(client, article, prompt, usage), article.text, model_text, chunks)
                grounded, summary = ground(article, extraction), extraction.summary
        except CassetteMissError as exc:
            raise CassetteMissError(
                f"no recorded answer for model {spec.name}, prompt {prompt.version}, "
                f"schema {schema_hash(*prompt.schema_args)}, "
                f"article {article.id} (sha256 {article.sha256[:16]}) in {cassette}",
                hint="record it with --record (needs the model), or run without --offline",
            ) from exc
    if prompt.pipeline != "single":  # the naive baseline stays the model's own answer
        with rules.disabled(later):
            place_locations(read, grounded.locations)  # after the model: no request changes
    latency = _recorded_latency(cassette, round(usage.latency_s, 3), spec, prompt, article, settings)
    warnings = [*article.warnings, *_hidden_warning(article, hidden), *usage.warnings]
    return _document(article, grounded, summary, spec, prompt, usage, latency, len(chunks), warnings)


def _as_read(article: Article, read: str) -> Article:
    """The article as the passes read it: its headline in the case `read` gives it."""
    at = article.text.find(article.title) if article.title and read is not article.text else -1
    return replace(article, title=read[at : at + len(article.title or "")]) if at >= 0 else article


def _title_end(article: Article) -> int:
    """Where the headline ends when the article starts with it (its sentence is not an event
    report of its own: the body reports the same event); 0 otherwise."""
    if not article.title:
        return 0
    start = article.text.find(article.title)
    if start < 0 or article.text[:start].strip():
        return 0
    return start + len(article.title)


@contextmanager
def _model_client(spec: ModelSpec, settings: Settings, cassette: Path) -> Iterator[ModelClient]:
    """A client for the run: under the article's cassette when replaying (--offline) or
    recording (--record; --record-missing keeps what the cassette holds), talking to the
    model's endpoint, closed at the end."""
    with ExitStack() as stack:
        if settings.offline or settings.record:
            record = settings.record and not settings.offline
            stack.enter_context(use_cassette(cassette, record=record, missing_only=settings.record_missing))
        base_url, slots = stack.enter_context(_endpoint(spec, settings))
        client = ModelClient(spec, base_url, settings)
        # cassettes are recorded one call at a time; passes at once only when asked (`parallel_passes`)
        client.slots = slots if parallel_passes() and not settings.record else 1
        stack.callback(client.close)
        yield client


@contextmanager
def _endpoint(spec: ModelSpec, settings: Settings) -> Iterator[tuple[str, int]]:
    """The base URL of the run and how many calls it serves at once; for a local/ model run
    live, a managed server for its length (unless one was given: `settings.local_base_url`)."""
    if settings.offline:
        yield spec.base_url or "http://127.0.0.1:9/v1", 1  # never contacted: replay only
    elif spec.local and settings.local_base_url:
        yield settings.local_base_url, settings.local_slots
    elif spec.local:
        from summarizer.local import local_server, server_slots

        with local_server(spec.name) as base_url:
            yield base_url, server_slots(base_url)
    else:
        yield spec.base_url or "https://api.openai.com/v1", 1


@contextmanager
def _pass_pool(slots: int) -> Iterator[Executor | None]:
    """Threads for the passes of one article that can run at once (brief-v4: sides and
    figures), when the server has the slots; None runs them one after another."""
    if slots < 2:
        yield None
        return
    with ThreadPoolExecutor(max_workers=min(slots, 4) - 1 or 1, thread_name_prefix="pass") as pool:
        yield pool


def _recorded_latency(
    cassette: Path, latency: float, spec: ModelSpec, prompt: Prompt, article: Article, settings: Settings
) -> tuple[float, LatencySource]:
    """Recording writes the live latency beside the cassette (`.meta.json`); replay reports it
    instead of its own, and says so ("recorded"; "replay" when no latency was recorded)."""
    meta = cassette.with_suffix(".meta.json")
    if settings.record and not settings.offline:
        if settings.record_missing and meta.is_file():  # this call recorded only what was missing
            earlier = json.loads(meta.read_text()).get("latency_s")
            latency += float(earlier) if isinstance(earlier, int | float) else 0.0
        record = {
            "latency_s": latency,
            "model": spec.name,
            "prompt_version": prompt.version,
            "schema_hash": schema_hash(*prompt.schema_args),
            "article_id": article.id,
        }
        meta.write_text(json.dumps(record, indent=1) + "\n")
    elif settings.offline:
        recorded = json.loads(meta.read_text()).get("latency_s") if meta.is_file() else None
        if isinstance(recorded, int | float):
            return float(recorded), "recorded"  # the live call's, not the replay's
        return latency, "replay"
    return latency, "live"


def _hidden_warning(article: Article, hidden: list[tuple[int, int]]) -> list[str]:
    """The warning about hidden lines, unless reading the article already gave it."""
    if not hidden:
        return []
    text = hidden_warning(hidden)
    return [] if any(w.endswith(text) for w in article.warnings) else [text]


def _document(
    article: Article,
    grounded: Grounded,
    summary: str,
    spec: ModelSpec,
    prompt: Prompt,
    usage: Usage,
    latency: tuple[float, LatencySource],
    chunks: int,
    warnings: list[str],
) -> SummaryDocument:
    """The summary document: the grounded findings, the article's identity, the provenance."""
    info = ArticleInfo(
        id=article.id,
        title=article.title,
        published=article.published,
        sha256=article.sha256,
        chars=article.chars,
        source=article.source,
        text=article.text if article.origin in ("url", "stdin", "html") else None,
    )
    provenance = Provenance(
        model=spec.name,
        prompt_version=prompt.version,
        schema_hash=schema_hash(*prompt.schema_args),
        calls=usage.calls,
        retries=usage.retries,
        prompt_tokens=usage.prompt_tokens,
        completion_tokens=usage.completion_tokens,
        prompt_tokens_processed=usage.prompt_processed,
        latency_s=latency[0],
        latency_source=latency[1],
        first_try_valid=usage.first_try_valid,
        chunks=chunks,
        spans=grounded.spans,
        dropped=grounded.dropped,
        warnings=[*warnings, *grounded.warnings],
    )
    return SummaryDocument(
        article=info,
        summary=summary,
        actors=grounded.actors,
        locations=grounded.locations,
        events=grounded.events,
        casualties=grounded.casualties,
        provenance=provenance,
    )
