"""brief-v4: code finds, the model classifies under a grammar, code checks.

Per part of the article (`run`):
  1. names: code lists the candidates it could not settle itself (`_findings`); the model
     gives each one label, "kind/side" for an actor, a place kind, or none;
  2. events: code lists the sentences that may report an event (`text.event_sentences`); the
     model gives each an ACLED type or not_an_event. Places and actors of an event are the
     candidates its sentence names, linked by code; its description is the sentence itself;
     its date comes from the sentence's own words against the publication date;
  3. figures: code lists the figures written next to a word of killing, wounding, capture
     or loss that do not count things ("30 villages"); the kind is the article's word next to
     the figure; the model picks who suffered it and who claims it from this article's own
     sides and actors (an enum made per article), and code overrides it where the sentence
     says ("64 Ruritanian soldiers", "according to X");
then once:
and the summary is composed by code from the facts found (`_compose`): no sentence of it can
say what the article does not.
"""

from __future__ import annotations

import contextvars
import re
import threading
from collections.abc import Callable
from concurrent.futures import Executor
from typing import Any, TypeVar

from pydantic import BaseModel

from summarizer import rules
from summarizer.errors import ContextOverflowError, ExtractionError, SummarizerError
from summarizer.extraction import _labels as labels
from summarizer.extraction._events import add_events, event_candidates
from summarizer.extraction._findings import Findings, find, mentions
from summarizer.extraction._found import Classified, FoundActor, FoundFigure
from summarizer.extraction._linking import (
    NEUTRAL_KINDS,
    actors_and_places,
    check_sides,
    group_sides,
    headline_end,
    person_kinds,
    prune,
    victim_groups,
)
from summarizer.extraction._passes import Passes, neutralize_delimiters
from summarizer.extraction._roles import counted_noun
from summarizer.extraction._twins import title_word
from summarizer.text import (
    Candidate,
    CasualtyFigure,
    among_bystanders,
    casualty_figures,
    claimant_in,
    counts_things,
    demonyms,
    event_types,
    figure_at,
    figure_counts,
    institution_claimant,
    introduces_source,
    is_day_of_date,
    kind_near,
    nationality_before,
    noun_class,
    sentences,
    victim_noun,
)

M = TypeVar("M", bound=BaseModel)
R = TypeVar("R")
_WORDS = re.compile(r"[\w’'\-]+")


class Classifier(Passes):
    """The calls of brief-v4: every answer is a closed choice per numbered item."""

    answered = 0  # label passes the model answered validly
    failed: list[SummarizerError] | None = None  # and those it could not
    pool: Executor | None = None  # set when the model's server has slots for passes at once
    marked: dict[str, str]  # a part of the article -> the part with its event sentences marked (brief-v6 on)
    marks: list[tuple[int, int, int]]  # (start, end, number) of every marked sentence, in the article
    _lock = threading.Lock()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.marked = {}
        self.marks = []

    def later(self, ask: Callable[..., R], *args: Any) -> Callable[[], R]:
        """``ask(*args)`` as a value to read later: sent now on ``pool`` if there is one, else
        made when read (so without a pool the calls keep their order)."""
        if self.pool is None:
            return lambda: ask(*args)
        # in this thread's context: the rules switched off for this prompt (`rules.newer_than`) too
        future = self.pool.submit(contextvars.copy_context().run, ask, *args)
        return future.result

    def _labels(
        self, chunk: str, name: str, model: type[M], max_tokens: int, *, in_parts: bool = False, **fmt: str
    ) -> M | None:
        """One label pass. A pass the model cannot answer validly (re-asks exhausted, output cut
        off) or whose request the server refuses as longer than its context costs only its own
        items: a warning, and None; the other passes and the code's findings stand (`check` fails
        the article when no pass at all was answered). `in_parts`: a request too long is raised
        (ContextOverflowError) for the caller to ask its items in parts."""
        try:
            answer = self._ask_labels(chunk, name, model, max_tokens, **fmt)
        except ContextOverflowError as exc:
            if in_parts:
                raise
            self._left_out(name, exc)
            return None
        except ExtractionError as exc:
            self._left_out(name, exc)
            return None
        with self._lock:
            self.answered += 1
        return answer

    def _left_out(self, name: str, exc: SummarizerError) -> None:
        """A pass with no answer: recorded, and warned of."""
        with self._lock:
            self.failed = [*(self.failed or []), exc]
            self.usage.first_try_valid = False
            self.usage.warnings.append(f"pass {name} left out: {exc.one_line()}")

    def check(self) -> None:
        """No valid answer to any pass: the model answered, but no document can be made."""
        if self.failed and not self.answered:
            raise self.failed[0]

    def _ask_labels(self, chunk: str, name: str, model: type[M], max_tokens: int, **fmt: str) -> M:
        fmt = {k: neutralize_delimiters(v) for k, v in fmt.items()}
        task = self.prompt.tasks[name].format(published=self.article.published or "unknown", **fmt)
        budget = min(self.spec.max_output_tokens, max_tokens)
        compact = self.prompt.answer_format == "compact"
        return self.client.extract(
            self._messages(chunk, task), model, max_tokens=budget, usage=self.usage, compact=compact
        )

    @property
    def numbered(self) -> bool:
        """Answers keyed by the item's number (brief-v6 on), not by its words."""
        return self.prompt.answer_keys == "numbers"

    def _keys(self, words: list[str]) -> list[str]:
        return [str(i) for i in range(1, len(words) + 1)] if self.numbered else words

    def _budget_for(self, items: int, base: int, per_word_key: int, per_number: tuple[int, int]) -> int:
        """The token budget of a label pass: with keys of words (brief-v4/v5) `base` plus
        `per_word_key` per item; with keys of numbers (brief-v6) `base` plus the first of
        `per_number` per item, but at least the second per item for a long list (`"27":
        "military_unit", ` is 9 tokens: a 27-name answer was cut off at 24 + 6 x 27)."""
        if not self.numbered:
            return base + per_word_key * items
        return max(base + per_number[0] * items, per_number[1] * items)

    def _listing(self, lines: list[str]) -> str:
        """The items of a task: numbered (brief-v6 on) or as a list (brief-v4/v5)."""
        if self.numbered:
            return "\n".join(f"{i}. {line}" for i, line in enumerate(lines, 1))
        return "\n".join(f"- {line}" for line in lines)

    def _messages(self, chunk: str, task: str) -> list[dict[str, str]]:
        return super()._messages(self.marked.get(chunk, chunk), task)

    def mark(self, chunk: str, offset: int, spans: list[tuple[int, int]]) -> None:
        """brief-v6 on: the part as the model reads it carries "[#n] " before the n-th sentence
        the events pass will ask about, so that pass lists numbers, not the sentences again.
        Only the prompt changes: spans index the article."""
        if self.prompt.event_sentences != "marked" or not spans:
            return
        pieces, at = [], 0
        for n, (s, _e) in enumerate(spans, 1):
            pieces += [chunk[at : s - offset], f"[#{n}] "]
            at = s - offset
            self.marks.append((s, _e, n))
        self.marked[chunk] = "".join([*pieces, chunk[at:]])

    def label_names(self, chunk: str, ask: list[Candidate]) -> list[str]:
        if not ask:
            return []
        listing = self._listing([c.name + (f" (also: {', '.join(c.forms[:3])})" if c.forms else "") for c in ask])
        shape = labels.entity_answers(self._keys([c.name for c in ask]))
        answer = self._labels(chunk, "names", shape, self._budget_for(len(ask), 24, 10, (6, 8)), names=listing)
        return [a.value for a in labels.answers(answer)] if answer else [labels.NONE] * len(ask)

    def label_sides(self, chunk: str, actors: list[FoundActor], sides: tuple[str, ...]) -> list[str | None]:
        """Each actor's side among the states the article names, or none (an academic, a
        commentator, a party the text ties to no state); not asked when the article names none."""
        if not actors or not sides:
            return [None] * len(actors)
        offered = (*sides, labels.NO_SIDE)
        listing = self._listing([f"{a.name} ({a.kind.replace('_', ' ')})" for a in actors])
        shape = labels.side_answers(self._keys([a.name for a in actors]), offered)
        budget = self._budget_for(len(actors), 20, 10, (6, 8))
        answer = self._labels(chunk, "sides", shape, budget, actors=listing, sides=", ".join(offered))
        if not answer:
            return [None] * len(actors)
        return [None if a.value == labels.NO_SIDE else a.value for a in labels.answers(answer)]

    def label_events(self, chunk: str, sentences: list[str], numbers: list[int] | None = None) -> list[str]:
        """Each sentence's event type or not_an_event. With marked sentences (brief-v6 on) the
        task names each by the number its mark carries ("#3: battle or not_an_event")."""
        if not sentences:
            return []
        options = [event_types(s) for s in sentences]
        no_event = self.prompt.no_event  # the prompt's word for not_an_event ("none" in brief-v7)
        order = self.prompt.event_answer_order
        allowed = [" or ".join((no_event, *o) if order == "none_first" else (*o, no_event)) for o in options]
        if self.prompt.event_sentences == "marked" and chunk in self.marked:
            marks = numbers or list(range(1, len(sentences) + 1))
            keys = [str(n) for n in marks]
            listing = "\n".join(f"#{n}: {a}" for n, a in zip(marks, allowed, strict=True))
            budget = self._budget_for(len(sentences), 24, 16, (8, 10))
        else:
            words = [f"{i}. {' '.join(s.split()[:4])}" for i, s in enumerate(sentences, 1)]
            keys = self._keys(words)
            listing = "\n".join(f"{i}. {s} [{a}]" for i, (s, a) in enumerate(zip(sentences, allowed, strict=True), 1))
            budget = self._budget_for(len(sentences), 24, 16, (8, 10))
        shape = labels.event_answers(keys, options, no_event, order)
        answer = self._labels(chunk, "events", shape, budget, sentences=listing)
        if not answer:
            return [labels.NOT_AN_EVENT] * len(sentences)
        return [labels.NOT_AN_EVENT if a.value == no_event else a.value for a in labels.answers(answer)]

    def mark_at(self, position: int) -> int | None:
        """The number of the mark on the sentence that holds `position` (in the article), if any."""
        return next((n for s, e, n in self.marks if s <= position < e), None)

    def _figure_listing(self, listing: list[tuple[str, str, int]]) -> str:
        """The figures pass's list (each item: the figure's words, its sentence, where the
        sentence starts): each figure with its sentence ("1. “64” in: ..."); with
        `figure_listing = "marked"` (brief-v7) the sentence is named by its mark in the article
        ("#5: 1. “64”, 2. “87”"), quoted once, its figures under it, when it carries none."""
        if self.prompt.figure_listing == "each":
            return "\n".join(f"{i}. “{fig}” in: {sentence}" for i, (fig, sentence, _s) in enumerate(listing, 1))
        lines: list[str] = []
        previous: int | str | None = None  # the last line's mark, or its quoted sentence
        for i, (fig, sentence, start) in enumerate(listing, 1):
            mark = self.mark_at(start)
            if mark is not None:
                if mark == previous:
                    lines[-1] += f", {i}. “{fig}”"
                else:
                    lines.append(f"#{mark}: {i}. “{fig}”")
                previous = mark
                continue
            if sentence != previous:
                lines.append(f"In: {sentence}")
                previous = sentence
            lines.append(f"{i}. “{fig}”")
        return "\n".join(lines)

    def _affected(
        self, chunk: str, listing: list[tuple[str, str, int]], affected: tuple[str, ...]
    ) -> list[tuple[str, str]]:
        """Who suffered each figure of `listing`, numbered from 1. Each figure comes with its
        sentence, so a roundup of many tolls (or run-on text with no sentence breaks) can make a
        request longer than the model's context: the server refuses it, and the figures are asked
        in two halves, each numbered from 1, down to one figure a request. A request that fits is
        the one asked before."""
        shape = labels.affected_answers([str(i) for i in range(1, len(listing) + 1)], affected)
        offered = ", ".join((*affected, labels.NONE))
        numbered = self._figure_listing(listing)
        try:
            answer = self._labels(
                chunk,
                "figures",
                shape,
                20 + 8 * len(listing),
                in_parts=len(listing) > 1,
                figures=numbered,
                affected=offered,
            )
        except ContextOverflowError:
            half = len(listing) // 2
            return self._affected(chunk, listing[:half], affected) + self._affected(chunk, listing[half:], affected)
        if answer is None:
            return [(labels.NONE, labels.NONE)] * len(listing)
        return [(item.value, labels.NONE) for item in labels.answers(answer)]

    def label_figures(
        self,
        chunk: str,
        figures: list[str],
        listing: list[tuple[str, str, int]],
        affected: tuple[str, ...],
        claimants: tuple[str, ...],
    ) -> list[tuple[str, str]]:
        """Who suffered each figure (and, up to brief-v5, who claims it); `listing` holds each
        figure's words and its sentence."""
        if not listing:
            return []
        if self.numbered:  # brief-v6 on: only who suffered it (who claims it, code reads from the sentence)
            return self._affected(chunk, listing, affected)
        numbered = self._figure_listing(listing)
        offered = ", ".join((*affected, labels.NONE))
        keys = [f"{i}. {f}" for i, f in enumerate(figures, 1)]
        shape = labels.figure_answers(keys, affected, claimants or (labels.NONE,))
        answer = self._labels(chunk, "figures", shape, 30 + 26 * len(listing), figures=numbered, affected=offered)
        if answer is None:
            return [(labels.NONE, labels.NONE)] * len(listing)
        return [(item.affected.value, item.claimed_by.value) for item in labels.answers(answer)]


def run(passes: Classifier, text: str, model_text: str, chunks: list[tuple[int, int]], title_end: int) -> Classified:
    """brief-v4 over every part of the article, then the summary.

    Names come first (sides and figures are asked about the actors they give). With
    ``passes.pool`` (a server with parallel slots) the sides pass and every part's figures
    pass are sent as soon as the names are known and run while the events passes are asked;
    their answers are applied in the order of a run without a pool, so the requests and the
    result are the same, only sooner."""
    if not text[title_end:].strip():
        title_end = 0  # an article that is only its headline ("Two suicide bombers killed 10 ..."): its own lead
    # Up to the figures' questions, what code finds decides what the model is asked (`rules.asking`).
    with rules.asking():
        findings, places = find(model_text)
    out = Classified()
    labelled: dict[str, str] = {}
    gate = passes.prompt.event_gate
    candidates = [event_candidates(model_text[s:e], s, max(title_end, s), gate) for s, e in chunks]
    for (start, end), spans in zip(chunks, candidates, strict=True):
        if passes.prompt.figure_listing == "marked":  # the figures' sentences are marked too (brief-v7)
            with rules.asking():
                found = _figures_found(text, model_text, start, end, passes.prompt.figure_limit)
                spans = _with_figure_sentences(spans, found)
        passes.mark(model_text[start:end], start, spans)
    for start, end in chunks:
        chunk = model_text[start:end]
        ask = [c for c in findings.ask if start <= c.first < end and c.name not in labelled]
        for cand, label in zip(ask, passes.label_names(chunk, ask), strict=True):
            labelled[cand.name] = label
    with rules.asking():
        actors_and_places(text, findings, places, labelled, out)
        # Pass 1b: the side of every actor whose side neither the text nor code settled; think
        # tanks, NGOs, outlets and civilians are not asked (neutral unless the text ties them).
        need = [a for a in out.actors if a.side is None and a.kind not in NEUTRAL_KINDS]
        first = model_text[chunks[0][0] : chunks[0][1]]
        sides = passes.later(passes.label_sides, first, need, findings.sides) if need else None
        limit = passes.prompt.figure_limit
        asked = [_figures_asked(text, model_text, start, end, findings, out, limit) for start, end in chunks]
    answers = [
        passes.later(passes.label_figures, model_text[s:e], *item[1:]) if item else None
        for (s, e), item in zip(chunks, asked, strict=True)
    ]
    if sides is not None:
        for actor, side in zip(need, sides(), strict=True):
            actor.side, actor.side_basis = side, ("inferred" if side else None)
    check_sides(text, findings, out.actors, places)
    headline = headline_end(text, title_end)  # a figure told there and again in the body is read in the body
    for (start, end), item, answer, spans in zip(chunks, asked, answers, candidates, strict=True):
        chunk = model_text[start:end]
        published = passes.article.published
        add_events(passes, text, chunk, start, max(title_end, start), out, published=published, candidates=spans)
        if item is not None and answer is not None:
            _figures(text, item[0], answer(), out, headline)
    passes.check()
    prune(text, out, title_end)
    victim_groups(text, model_text, out)
    group_sides(out)
    person_kinds(findings, out)
    return out


_Found = list[tuple[CasualtyFigure, str, str | None]]
_FiguresAsked = tuple[_Found, list[str], list[tuple[str, str, int]], tuple[str, ...], tuple[str, ...]]


def _figures_found(text: str, model_text: str, start: int, end: int, limit: int) -> _Found:
    """The figures of one part that count people (with their kind, and what they count), of
    the first `limit` it writes (the prompt's `figure_limit`)."""
    found: _Found = []
    for fig in (f.shifted(start) for f in casualty_figures(model_text[start:end], limit)):
        counts = figure_counts(text, fig.end, fig.sentence_end)
        kind = kind_near(text, *fig)
        if counts == "things" or kind is None:
            continue
        found.append((fig, kind, counts))
    return found


def _with_figure_sentences(spans: list[tuple[int, int]], found: _Found) -> list[tuple[int, int]]:
    """The event sentences' spans and those of the figures' sentences that no event sentence
    overlaps, in the article's order: the sentences the article marks."""
    out = list(spans)
    for fig, _k, _c in found:
        s, e = fig.sentence_start, fig.sentence_end
        if not any(a < e and s < b for a, b in out):
            out.append((s, e))
    return sorted(out)


def _figures_asked(
    text: str, model_text: str, start: int, end: int, findings: Findings, out: Classified, limit: int
) -> _FiguresAsked | None:
    """The figures of one part worth asking about, and the figures pass's arguments (figures,
    listing, affected, claimants); None when there is none."""
    found = _figures_found(text, model_text, start, end, limit)
    if not found:
        return None
    groups = [a.name for a in out.actors if a.kind == "armed_group"]
    affected = tuple(dict.fromkeys([*findings.sides, *groups, "civilians", "both sides"]))
    listing = [
        (text[f.start : f.end], " ".join(text[f.sentence_start : f.sentence_end].split()), f.sentence_start)
        for f, _k, _c in found
    ]
    figures = [" ".join(text[f.start : f.end].split()) for f, _k, _c in found]
    return found, figures, listing, affected, _claimants(out)


def _claimants(out: Classified) -> tuple[str, ...]:
    return tuple(dict.fromkeys(a.name for a in out.actors if a.kind not in ("civilians", "other")))[:24]


def _figures(text: str, found: _Found, answers: list[tuple[str, str]], out: Classified, headline: int) -> None:
    """Code's reading of each figure of one part, the model's pick of who suffered it the fallback."""
    groups = [a.name for a in out.actors if a.kind == "armed_group"]
    # not a name that is only a title ("Col", read apart from "Col. Rupert Hentzau": the name after
    # it claims the figure, not the rank)
    claimants = [c for c in _claimants(out) if not all(title_word(w) for w in c.split())]
    forms = {a.name: [a.name, *a.forms] for a in out.actors if a.name in claimants}
    previous: dict[int, str | None] = {}
    for (fig, kind, counts), (model_affected, _claimant) in zip(found, answers, strict=True):
        if _not_a_count(text, fig):
            continue  # "at around 5 a.m.", "between the ages of 13 and 19": asked about, no count of people
        after = " ".join(_WORDS.findall(text[fig.end : min(fig.sentence_end, fig.end + 40)])[:3])
        named = next((g for g in groups if mentions(after, g)), None)
        nation = nationality_before(text, fig.start, fig.end, fig.sentence_end)
        noun = victim_noun(text, fig.end, fig.sentence_end) or _head_noun(text, fig)
        sentence = text[fig.sentence_start : fig.sentence_end]
        if noun == "civilians":  # bystanders, whatever their nationality: "two Bordurian children"
            who: str | None = "civilians"
        elif named:
            who = named
        elif noun == "fighters" and model_affected not in groups:
            # "killed 24 Islamic militants": non-state fighters are no state's toll; the one armed
            # group the article names, else nobody (the model's pick of a state would be a wrong fact)
            who = groups[0] if len(groups) == 1 else None
        elif noun == "people":  # "20 people": civilians only among bystanders ("at a funeral")
            who = "civilians" if among_bystanders(sentence) else None
        elif nation:
            who = nation
        elif counts is None and fig.sentence_start in previous:
            who = previous[fig.sentence_start]  # "64 Ruritanian fighters ... and 87 more wounded"
        elif _civilian_words().search(sentence) and not _military_words().search(sentence):
            who = "civilians"  # "shelling hit houses and wounded seven"
        else:
            # the model's pick (a filter keeping it only where the sentence names that party as
            # the one harmed cost 3 of 39 figures on validation and won 1 of 71 on dev: dropped)
            # ("Dozens have died", "killing thousands,": no noun names who they were, `figures.no_noun`)
            bare = _no_noun().match(text[fig.end : fig.sentence_end]) is not None
            who = None if model_affected == labels.NONE or bare else model_affected
        previous[fig.sentence_start] = who
        same = next(
            (
                f
                for f in out.figures
                if f.kind == kind and _same_figure(text, f.figure, fig, loosely=f.figure.sentence_start < headline)
            ),
            None,
        )
        if same is not None and same.figure.sentence_start >= headline:
            continue  # the same figure told again ("two people died on the spot")
        if same is not None:  # the headline's figure ("..., killing 2"), told again in the body: read it there
            out.figures.remove(same)
        # Who gives the figure: the verb of saying of its sentence, or of the next one when this
        # one only introduces its source ("..., according to a Bordurian close to the action.
        # Rupert Hentzau ... said"), or an institution ("police said"). The model's pick is not
        # used: where the text names no source, the article states the figure itself.
        following = next((s for s in sentences(text[fig.sentence_end :])), None)
        nxt = text[fig.sentence_end + following[0] : fig.sentence_end + following[1]] if following else ""
        claimant = claimant_in(sentence, forms) or (claimant_in(nxt, forms) if introduces_source(sentence) else None)
        if claimant is None and (institution := institution_claimant(sentence)):  # "..., police said"
            claimant = _institution_actor(out, institution)
        out.figures.append(FoundFigure(fig, kind, who, claimant))


def _head_noun(text: str, fig: CasualtyFigure) -> str | None:
    """What the noun the figure counts (`counted_noun`) says of who they were, where words the
    tables do not know stand between ("one polio vaccination worker", "70 medical workers",
    "several of the terrorists"): its `noun_class`."""
    found = counted_noun(text, fig.sentence_start, fig.sentence_end, fig.start, fig.end)
    if found is None:
        return None
    last, head, sent = found
    # a nationality before the noun ("64 Ruritanian 'occupant' fighters", "dozens of Bordurian lives"):
    # the party it names decides, as `victim_noun` leaves it
    if any(t.text.casefold() in demonyms() for t in sent.toks[last.i + 1 : head.i]):
        return None
    return noun_class(head.text)


@rules.table
def _not_a_count_words() -> tuple[re.Pattern[str], re.Pattern[str]]:
    return rules.union(rules.category("not_a_count_before")), rules.union(rules.category("not_a_count_after"))


def _not_a_count(text: str, fig: CasualtyFigure) -> bool:
    """A number the figures pass was asked about that is no count of people: a clock time, an
    age (rules/figures.toml), the day of a date ("on Feb. 15, killing two"), a count of things
    its noun names ("five Bordurian-supplied missiles that killed four", "two explosions"); read after
    the model answered."""
    before, after = _not_a_count_words()
    if before.search(text[fig.sentence_start : fig.start]) or after.match(text, fig.end):
        return True
    sentence = text[fig.sentence_start : fig.sentence_end]
    if is_day_of_date(sentence, fig.start - fig.sentence_start, fig.end - fig.sentence_start):
        return True
    found = counted_noun(text, fig.sentence_start, fig.sentence_end, fig.start, fig.end)
    return found is not None and counts_things(found[1].text)


def _institution_actor(out: Classified, written: str) -> str:
    """The actor of an institution that gives a figure ("police", "the military", "Ruritanian
    officials", "the health ministry"): by the guide an actor and the figure's claimant, though no
    candidate named it. A state's officials, authorities or ministry are `government`, anything
    else `other`; its side only where its first word is a nationality ("Ruritanian officials": Ruritania),
    else none: the article names no party for it."""
    name = written.removeprefix("the ").removeprefix("The ")
    same = next((a for a in out.actors if a.name.casefold() == name.casefold()), None)
    if same is not None:
        return same.name
    words = name.casefold().split()
    kind = "government" if words[-1] in ("officials", "authorities", "ministry") else "other"
    out.actors.append(FoundActor(name, [], kind, demonyms().get(words[0]), acts=True))
    return name


# A figure followed by no noun of its own ("Dozens have died"): it names no one (rules/figures.toml).
@rules.table
def _no_noun() -> re.Pattern[str]:
    return rules.union(rules.category("no_noun_after"))


# A toll's sentence that names homes or civilians and no force (rules/casualties.toml).
@rules.table
def _civilian_words() -> re.Pattern[str]:
    return rules.regex("casualty.toll.civilian")


@rules.table
def _military_words() -> re.Pattern[str]:
    return rules.regex("casualty.toll.military")


def _same_figure(text: str, a: CasualtyFigure, b: CasualtyFigure, loosely: bool = False) -> bool:
    """Two mentions of one figure: the same number read from both ("2", "two", "Two");
    `loosely` (a headline's figure, which drops the body's qualifier: "Wounds 38" for "at least
    38"): the same number, whatever bound it is. Two people each brought in by "a"/"an" in the
    body are two ("a Ruritanian woman was shot dead ... a Bordurian man died"): an indefinite
    article introduces someone new, a person told again is "the woman"."""
    if not loosely and all(text[f.start : f.end].casefold() in ("a", "an") for f in (a, b)):
        return False
    pa = figure_at(text, a.start, a.end, (a.sentence_start, a.sentence_end))
    pb = figure_at(text, b.start, b.end, (b.sentence_start, b.sentence_end))
    if pa is None or pb is None:
        return False
    if loosely:
        numbers = {n for n in (pa.count, pa.low, pa.high) if n is not None}
        return bool(numbers & {n for n in (pb.count, pb.low, pb.high) if n is not None})
    return (pa.count, pa.low, pa.high) == (pb.count, pb.low, pb.high)
