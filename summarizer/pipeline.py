"""Summarizing one article: chunking, the four extraction passes, grounding, the document.

Pass 1 (entities) finds who and where; pass 2 (events) what happened, given pass 1's names;
pass 3 the figures (from brief-v3 on, the model checks the sentences code found); pass 4
(brief) writes the summary. Small passes keep each answer short, so a small model's output
budget is not spent before the figures. Every pass sends the same system message and the
article first, so a server with a prompt cache processes the article once. Articles longer
than the model's context budget are split on paragraph boundaries with one paragraph of
overlap; the parts' findings are merged and grounded against the whole article.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager

from pydantic import BaseModel

from . import articles, cassettes, prompts
from .articles import Article
from .document import Extraction, ground
from .errors import CassetteMissError, ExtractionError
from .hints import candidate_names, casualty_figures, casualty_sentences, kind_near
from .llm import ModelClient, Usage
from .providers import ModelSpec, resolve
from .schema import (
    Brief,
    Casualties,
    CasualtyChecks,
    Entities,
    Events,
    ExtractedCasualty,
    Provenance,
    SummaryDocument,
    casualty_checks,
    schema_hash,
)
from .settings import Settings

__all__ = ["Settings", "summarize", "split_chunks"]

CHARS_PER_TOKEN = 3.2  # conservative for English news text
PROMPT_OVERHEAD_TOKENS = 1_800  # system message, task, schema, pass-1 names
_PARAGRAPH_BREAK = re.compile(r"\n\s*\n")


def split_chunks(text: str, max_chars: int, overlap: int = 1) -> list[tuple[int, int]]:
    """Split text into (start, end) parts of at most ~max_chars on paragraph boundaries,
    consecutive parts sharing `overlap` paragraphs. A paragraph longer than max_chars is cut
    at sentence or word boundaries. Parts cover the whole text."""
    if len(text) <= max_chars:
        return [(0, len(text))]
    paras: list[tuple[int, int]] = []
    pos = 0
    for m in _PARAGRAPH_BREAK.finditer(text):
        paras.append((pos, m.end()))
        pos = m.end()
    paras.append((pos, len(text)))
    pieces: list[tuple[int, int]] = []
    for s, e in paras:
        while e - s > max_chars:
            cut = max(text.rfind(". ", s, s + max_chars), text.rfind(" ", s, s + max_chars))
            cut = cut + 1 if cut > s else s + max_chars
            pieces.append((s, cut))
            s = cut
        if e > s:
            pieces.append((s, e))
    chunks: list[tuple[int, int]] = []
    i = 0
    while i < len(pieces):
        j = i
        while j + 1 < len(pieces) and pieces[j + 1][1] - pieces[i][0] <= max_chars:
            j += 1
        chunks.append((pieces[i][0], pieces[j][1]))
        if j + 1 >= len(pieces):
            break
        i = max(j + 1 - overlap, i + 1)
    return chunks


def _schema_text(model: type[BaseModel]) -> str:
    return json.dumps(model.model_json_schema(), separators=(",", ":"), ensure_ascii=False)


def _entities_line(entities: Entities) -> str:
    actors = "; ".join(f"{a.name} ({a.kind})" for a in entities.actors) or "none"
    places = "; ".join(loc.name for loc in entities.locations) or "none"
    return f"actors: {actors}. places: {places}."


def _candidates_line(chunk: str) -> str:
    found = casualty_sentences(chunk)
    if not found:
        return "(no sentence of the article pairs a number with a word such as killed or wounded)"
    return "\n".join(f"- {s}" for s in found)


_DELIMITER_TAG = re.compile(r"<(\s*/?\s*article\b[^<>]*)>", re.IGNORECASE)
# Chat-template control tokens (ChatML <|im_start|>, Llama 3 <|eot_id|>, Gemma <start_of_turn>):
# a local server that tokenizes the prompt with special tokens would turn them into real turns.
_CONTROL_TOKEN = re.compile(r"<(\|[^<>|\s]{1,40}\|)>|<(/?(?:start_of_turn|end_of_turn|bos|eos|s))>", re.IGNORECASE)


def neutralize_delimiters(text: str) -> str:
    """Text that cannot close (or reopen) the prompt's <article> block nor open a chat turn:
    any <article ...> or </article> tag and any chat-template control token (<|im_start|>,
    <start_of_turn> ...) in it gets its angle brackets replaced by ‹ and ›, one character for
    one, so the text keeps its length. Only the prompt changes; spans index the original
    article (quotes are grounded against it by search), and text without them is sent as is."""
    text = _DELIMITER_TAG.sub(lambda m: f"\u2039{m.group(1)}\u203a", text)
    return _CONTROL_TOKEN.sub(lambda m: f"\u2039{m.group(1) or m.group(2)}\u203a", text)


def _check_casualties(passes: _Passes, text: str, model_text: str, start: int, end: int, spec: ModelSpec) -> Casualties:
    """The casualty pass of brief-v3 on: code finds the figures written in sentences that mention
    killing, wounding, capture or loss; the model classifies each (counts people or not; kind;
    who suffered; who claims). Figures are never typed by the model. No figure, no call."""
    # Found in the text the model reads: a figure in a line hidden from it (an injected one) is not offered.
    found = [
        (fs + start, fe + start, ss + start, se + start) for fs, fe, ss, se in casualty_figures(model_text[start:end])
    ]
    if not found:
        return Casualties(casualties=[])
    listing = "\n".join(
        f"{i}. “{model_text[fs:fe]}” in: {' '.join(model_text[ss:se].split())}"
        for i, (fs, fe, ss, se) in enumerate(found, 1)
    )
    answer = passes.run(
        model_text[start:end],
        "casualty_checks",
        casualty_checks(len(found)),
        min(spec.max_output_tokens, 100 + 60 * len(found)),
        figures=listing,
    )
    assert isinstance(answer, CasualtyChecks)
    kept = [
        ExtractedCasualty(
            quote=text[ss:se],
            kind=kind_near(text, fs, fe, ss, se) or f.kind,  # the article's own word wins over the model's
            figure=text[fs:fe],
            affected=f.affected,
            claimed_by=f.claimed_by,
        )
        for (fs, fe, ss, se), f in zip(found, answer.figures, strict=False)
        if f.counts_people
    ]
    return Casualties(casualties=kept)


class _Passes:
    def __init__(self, client: ModelClient, article: Article, prompt: prompts.Prompt, usage: Usage) -> None:
        self.client = client
        self.article = article
        self.prompt = prompt
        self.usage = usage
        self.system = prompt.header(schema_hash()) + "\n" + prompt.system

    def _messages(self, chunk: str, task: str) -> list[dict[str, str]]:
        title = self.article.title or "unknown"
        if articles.hidden_passages(title):  # the first line, outside the <article> block
            title = "unknown"
        head = self.prompt.article.format(
            text=neutralize_delimiters(chunk),
            title=neutralize_delimiters(title),
            published=self.article.published or "unknown",
        )
        return [{"role": "system", "content": self.system}, {"role": "user", "content": head + "\n\n" + task}]

    def run(self, chunk: str, name: str, model: type[BaseModel], max_tokens: int, **fmt: str) -> BaseModel:
        fmt = {k: neutralize_delimiters(v) for k, v in fmt.items()}  # they quote the article or the model
        task = self.prompt.tasks[name].format(published=self.article.published or "unknown", **fmt)
        task += "\n\nAnswer with one JSON object matching this JSON schema:\n" + _schema_text(model)
        return self.client.extract(self._messages(chunk, task), model, max_tokens=max_tokens, usage=self.usage)


def _hidden_warning(article: Article, hidden: list[tuple[int, int]]) -> list[str]:
    """The warning about hidden lines, unless reading the article already gave it."""
    if not hidden:
        return []
    text = articles.hidden_warning(hidden)
    return [] if any(w.endswith(text) for w in article.warnings) else [text]


def _budget(spec: ModelSpec, chars: int, per_char: float, floor: int) -> int:
    return max(floor, min(spec.max_output_tokens, int(floor + chars * per_char)))


@contextmanager
def _endpoint(spec: ModelSpec, settings: Settings) -> Iterator[str]:
    if settings.offline:
        yield spec.base_url or "http://127.0.0.1:9/v1"  # never contacted: replay only
    elif spec.local and settings.local_base_url:
        yield settings.local_base_url
    elif spec.local:
        from .localserver import local_server

        with local_server(spec.name) as base_url:
            yield base_url
    else:
        yield spec.base_url or "https://api.openai.com/v1"


def summarize(article: Article, model: str, settings: Settings | None = None) -> SummaryDocument:
    """Summarize one article with one model. Raises a SummarizerError on failure."""
    settings = settings or Settings()
    spec = resolve(model, settings)
    prompt = prompts.load(settings.prompt_version)
    if settings.published and not article.published:
        from dataclasses import replace

        article = replace(article, published=settings.published)
    context = settings.context_tokens or spec.context_tokens
    max_chars = max(2_000, int((context - spec.max_output_tokens - PROMPT_OVERHEAD_TOKENS) * CHARS_PER_TOKEN))
    chunks = split_chunks(article.text, max_chars)
    # What the model reads: the article with lines addressed to a model hidden (same length, so
    # the chunk offsets hold); grounding still runs against the article as read.
    hidden = articles.hidden_passages(article.text)
    model_text = articles.hide_passages(article.text, hidden)
    usage = Usage()
    extraction = Extraction()
    cassette = cassettes.cassette_path(
        settings.cassettes(), spec.name, prompt.version, article.sha256, article.published
    )
    with ExitStack() as stack:
        if settings.offline or settings.record:
            stack.enter_context(cassettes.use_cassette(cassette, record=settings.record and not settings.offline))
        base_url = stack.enter_context(_endpoint(spec, settings))
        client = ModelClient(spec, base_url, settings)
        stack.callback(client.close)
        passes = _Passes(client, article, prompt, usage)
        try:
            for start, end in chunks:
                chunk = model_text[start:end]
                ents = passes.run(
                    chunk,
                    "entities",
                    Entities,
                    _budget(spec, len(chunk), 0.15, 500),
                    names="; ".join(candidate_names(chunk)) or "none",
                )
                assert isinstance(ents, Entities)
                evs = passes.run(
                    chunk, "events", Events, _budget(spec, len(chunk), 0.2, 500), entities=_entities_line(ents)
                )
                assert isinstance(evs, Events)
                cas: BaseModel
                if "casualty_checks" in prompt.tasks:
                    cas = _check_casualties(passes, article.text, model_text, start, end, spec)
                else:
                    cas = passes.run(
                        chunk,
                        "casualties",
                        Casualties,
                        _budget(spec, len(chunk), 0.1, 400),
                        candidates=_candidates_line(chunk),
                    )
                assert isinstance(cas, Casualties)
                extraction.add(ents, evs, cas, start)
            lead = model_text[chunks[0][0] : chunks[0][1]]
            try:
                brief = passes.run(lead, "brief", Brief, 450)
                assert isinstance(brief, Brief)
                extraction.summary = brief.summary
            except ExtractionError as exc:  # the grounded findings are worth more than the summary
                usage.first_try_valid = False
                usage.warnings.append(f"no summary: {exc.one_line()}")
        except CassetteMissError as exc:
            raise CassetteMissError(
                f"no recorded answer for model {spec.name}, prompt {prompt.version}, schema {schema_hash()}, "
                f"article {article.id} (sha256 {article.sha256[:16]}) in {cassette}",
                hint="record it with --record (needs the model), or run without --offline",
            ) from exc
    latency = round(usage.latency_s, 3)
    meta = cassette.with_suffix(".meta.json")
    if settings.record and not settings.offline:
        meta.write_text(
            json.dumps(
                {
                    "latency_s": latency,
                    "model": spec.name,
                    "prompt_version": prompt.version,
                    "schema_hash": schema_hash(),
                    "article_id": article.id,
                },
                indent=1,
            )
            + "\n"
        )
    elif settings.offline and meta.is_file():
        latency = float(json.loads(meta.read_text()).get("latency_s", latency))  # the live call's, not the replay's
    grounded = ground(article, extraction)
    from .schema import ArticleInfo

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
        schema_hash=schema_hash(),
        calls=usage.calls,
        retries=usage.retries,
        prompt_tokens=usage.prompt_tokens,
        completion_tokens=usage.completion_tokens,
        latency_s=latency,
        first_try_valid=usage.first_try_valid,
        chunks=len(chunks),
        spans=grounded.spans,
        dropped=grounded.dropped,
        warnings=[*article.warnings, *_hidden_warning(article, hidden), *usage.warnings, *grounded.warnings],
    )
    return SummaryDocument(
        article=info,
        summary=extraction.summary,
        actors=grounded.actors,
        locations=grounded.locations,
        events=grounded.events,
        casualties=grounded.casualties,
        provenance=provenance,
    )
