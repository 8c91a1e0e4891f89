"""The extraction passes: the messages of each call and the answer shape it is held to.

Pass 1 (entities) finds who and where; pass 2 (events) what happened, given pass 1's names;
pass 3 the figures (from brief-v3 on, the model classifies the figures code found); pass 4
(brief) writes the summary. Small passes keep each answer short, so a small model's output
budget is not spent before the figures. Every pass sends the same system message and the
article first, so a server with a prompt cache processes the article once.

naive-v1 (`run_single`, the "single" pipeline) is the floor the code rules are measured
against: one call per part of the article for the whole brief (`WholeBrief`), no candidates
from code, its answer grounded by the same assembly as brief-v1..v3.
"""

from __future__ import annotations

import json
import re
from typing import TypeVar

from pydantic import BaseModel

from summarizer.errors import ExtractionError
from summarizer.extraction._assembly import Extraction
from summarizer.extraction._prompts import Prompt
from summarizer.extraction._shapes import (
    Brief,
    Casualties,
    CasualtyChecks,
    Entities,
    Events,
    ExtractedActor,
    ExtractedCasualty,
    ExtractedEvent,
    ExtractedLocation,
    WholeBrief,
    casualty_checks,
    schema_hash,
)
from summarizer.inputs import Article, hidden_passages
from summarizer.models import ModelClient, ModelSpec, Usage
from summarizer.text import CasualtyFigure, candidate_names, casualty_figures, casualty_sentences, kind_near

M = TypeVar("M", bound=BaseModel)

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


def system_message(prompt: Prompt) -> str:
    """The system message of every request of `prompt`: its header (prompt and schema) and its
    instructions, the same for every article (a server's cache keeps it between articles)."""
    return prompt.header(schema_hash(*prompt.schema_args)) + "\n" + prompt.system


class Passes:
    """The calls about one article, one method per pass, each typed by its answer shape."""

    def __init__(self, client: ModelClient, article: Article, prompt: Prompt, usage: Usage) -> None:
        self.client = client
        self.article = article
        self.prompt = prompt
        self.usage = usage
        self.spec: ModelSpec = client.spec
        self.system = system_message(prompt)

    def _messages(self, chunk: str, task: str) -> list[dict[str, str]]:
        title = self.article.title or "unknown"
        if hidden_passages(title):  # the first line, outside the <article> block
            title = "unknown"
        head = self.prompt.article.format(
            text=neutralize_delimiters(chunk),
            title=neutralize_delimiters(title),
            published=self.article.published or "unknown",
        )
        return [{"role": "system", "content": self.system}, {"role": "user", "content": head + "\n\n" + task}]

    def _ask(self, chunk: str, name: str, model: type[M], max_tokens: int, **fmt: str) -> M:
        fmt = {k: neutralize_delimiters(v) for k, v in fmt.items()}  # they quote the article or the model
        task = self.prompt.tasks[name].format(published=self.article.published or "unknown", **fmt)
        task += "\n\nAnswer with one JSON object matching this JSON schema:\n" + _schema_text(model)
        return self.client.extract(self._messages(chunk, task), model, max_tokens=max_tokens, usage=self.usage)

    def _budget(self, chars: int, per_char: float, floor: int) -> int:
        return max(floor, min(self.spec.max_output_tokens, int(floor + chars * per_char)))

    def entities(self, chunk: str) -> Entities:
        names = "; ".join(candidate_names(chunk)) or "none"
        return self._ask(chunk, "entities", Entities, self._budget(len(chunk), 0.15, 500), names=names)

    def events(self, chunk: str, entities: Entities) -> Events:
        budget = self._budget(len(chunk), 0.2, 500)
        return self._ask(chunk, "events", Events, budget, entities=_entities_line(entities))

    def casualties(self, chunk: str) -> Casualties:
        """Pass 3 up to brief-v2: the model lists the figures, given the sentences that carry them."""
        budget = self._budget(len(chunk), 0.1, 400)
        return self._ask(chunk, "casualties", Casualties, budget, candidates=_candidates_line(chunk))

    def casualty_checks(self, chunk: str, listing: str, n: int) -> CasualtyChecks:
        """Pass 3 from brief-v3 on: one classification for each of the `n` figures listed."""
        budget = min(self.spec.max_output_tokens, 100 + 60 * n)
        return self._ask(chunk, "casualty_checks", casualty_checks(n), budget, figures=listing)

    def brief(self, lead: str) -> Brief:
        return self._ask(lead, "brief", Brief, 450)

    def whole(self, chunk: str) -> WholeBrief:
        """naive-v1: the whole brief at once; the budget grows with the article (a short report
        has little to list), so an answer that loops is cut off early and fails."""
        return self._ask(chunk, "brief", WholeBrief, self._budget(len(chunk), 0.35, 500))


def check_casualties(passes: Passes, text: str, model_text: str, start: int, end: int) -> Casualties:
    """The casualty pass of brief-v3 on: code finds the figures written in sentences that mention
    killing, wounding, capture or loss; the model classifies each (counts people or not; kind;
    who suffered; who claims). Figures are never typed by the model. No figure, no call."""
    # Found in the text the model reads: a figure in a line hidden from it (an injected one) is not offered.
    found: list[CasualtyFigure] = [f.shifted(start) for f in casualty_figures(model_text[start:end])]
    if not found:
        return Casualties(casualties=[])
    listing = "\n".join(
        f"{i}. “{model_text[f.start : f.end]}” in: {' '.join(model_text[f.sentence_start : f.sentence_end].split())}"
        for i, f in enumerate(found, 1)
    )
    answer = passes.casualty_checks(model_text[start:end], listing, len(found))
    kept = [
        ExtractedCasualty(
            quote=text[f.sentence_start : f.sentence_end],
            kind=kind_near(text, *f) or check.kind,  # the article's own word wins over the model's
            figure=text[f.start : f.end],
            affected=check.affected,
            claimed_by=check.claimed_by,
        )
        for f, check in zip(found, answer.figures, strict=False)
        if check.counts_people
    ]
    return Casualties(casualties=kept)


def run_passes(passes: Passes, text: str, model_text: str, chunks: list[tuple[int, int]]) -> Extraction:
    """Every pass over every part of the article, then the summary of the first part. A failed
    summary is a warning: the grounded findings are worth more than the summary."""
    extraction = Extraction()
    for start, end in chunks:
        chunk = model_text[start:end]
        entities = passes.entities(chunk)
        events = passes.events(chunk, entities)
        if "casualty_checks" in passes.prompt.tasks:
            casualties = check_casualties(passes, text, model_text, start, end)
        else:
            casualties = passes.casualties(chunk)
        extraction.add(entities, events, casualties, start)
    lead = model_text[chunks[0][0] : chunks[0][1]]
    try:
        extraction.summary = passes.brief(lead).summary
    except ExtractionError as exc:
        passes.usage.first_try_valid = False
        passes.usage.warnings.append(f"no summary: {exc.one_line()}")
    return extraction


def run_single(passes: Passes, text: str, model_text: str, chunks: list[tuple[int, int]]) -> Extraction:
    """naive-v1: one call per part of the article (one for an article that fits the context),
    whose answer is the whole brief; no code finds candidates or checks the answer beyond the
    grounding every prompt gets. An answer cut off at its budget is an ExtractionError (the
    summary comes last, so nothing of it is kept)."""
    extraction = Extraction()
    for start, end in chunks:
        answer = passes.whole(model_text[start:end])
        actors = [ExtractedActor(name=a.name, aliases=[], kind=a.kind, side=a.side) for a in answer.actors]
        places = [ExtractedLocation(name=p.name, kind=p.kind, admin1=None, country=p.country) for p in answer.locations]
        events = [
            ExtractedEvent(
                quote=e.quote, type=e.type, description=e.description, date=None, locations=e.locations, actors=e.actors
            )
            for e in answer.events
        ]
        figures = [ExtractedCasualty(**c.model_dump()) for c in answer.casualties]
        extraction.add(
            Entities(actors=actors, locations=places), Events(events=events), Casualties(casualties=figures), start
        )
        extraction.summary = extraction.summary or " ".join(answer.summary.split())
    return extraction
