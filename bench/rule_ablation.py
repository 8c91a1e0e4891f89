"""Rule ablation (issue 18, "Each rule earns its place"): switch off each rule family (a topic
file, a category) and each rule that fires on at least three dataset sentences (of either
split; `--min-sentences`), re-score the offline eval (replayed from cassettes), and print the
change of every field on `dev` and on `validation`; mark the rules that do not help
`validation`. Target: under two minutes offline.

How a rule is switched off: `summarizer.rules.disabled(ids, after_model=True)`. Many rules are
used before the model answers (they decide which sentences and names are asked about, and the
options offered); switching those uses off would change the request, and the recorded answer
would no longer match. So only the uses after the model answered are switched off (the code
that builds a request runs under `rules.asking()`, where the rules stay on), every request
replays, and for a rule that is also used before the model (column "uses": "before+after") the
ablation measures only its part after the model. "static" means a use the switch does not
reach at all (a pattern made at import: the nationality words inside the force-noun pattern
and the generic words of name matching). The uses are traced while the baseline runs. The
event-role word lists (`summarizer/rules/roles.toml`, all used after the model) are switched off
the same way: code reads them through a table, empty for a list switched off.

Speed: an ablation re-runs only the articles where it can change something: one of its rules
fires in the article (on a sentence or the whole text), and a table that reads the rule was
used after the model in the article's baseline run (traced; else the run goes as the baseline
did); the others keep the baseline's score (`--full` re-runs every article, to check that).
What does not depend on the rules switched off after the model is made once: spaCy's analysis
of a text, the numbers read in a text, names stripped of marks, what code finds before the
model is asked, the model's answers (asked of the cassette once per article, then given back
to the same request), and for an ablation of role word lists alone (read only when the
document is composed) everything before the composing; what reads no rule is made once per
arguments (a name's mentions, sentences, the lines hidden from the model, the label passes'
answer shapes, a score per document), and what reads rules once per arguments and per state
of the rules it read (the sentences asked about, the figures found, the case restored). Each
run keeps the rules it read after the model (through tables, directly, or through those
functions): a re-run whose rules switched off are none of those the baseline read is the
baseline, one that agrees on them with an earlier re-run of the article is that re-run (the
same rules read in the same state: the same path and result). spaCy's model is loaded
before two forked workers (`--jobs`), each with a share of the articles.

    python bench/rule_ablation.py                       # the full gold when built, else the dataset
    python bench/rule_ablation.py --ids a1,a2 --only events,not_incident.charade
    python bench/rule_ablation.py --json /tmp/ablation.json

Data: `evals/external/all.jsonl` with `evals/external/cassettes/` (built by
`python evals/external.py`), else `evals/datasets/articles.jsonl` with `cassettes/`. Articles
whose cassette is missing are skipped and counted.
"""

from __future__ import annotations

import argparse
import copy
import functools
import hashlib
import json
import multiprocessing
import re
import ssl
import sys
import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from summarizer import rules
from summarizer.config import DEFAULT_PROMPT, Settings
from summarizer.errors import CassetteMissError, SummarizerError
from summarizer.evaluation import FIELDS, ArticleScore, _scoring, load_dataset, prf, score_article
from summarizer.evaluation._dataset import record_article
from summarizer.extraction import summarize
from summarizer.inputs import Article
from summarizer.models import is_recorded
from summarizer.text import sentences

ROOT = Path(__file__).resolve().parent.parent
FULL_GOLD = ROOT / "evals" / "external" / "all.jsonl"
FULL_CASSETTES = ROOT / "evals" / "external" / "cassettes"
DATASET = ROOT / "evals" / "datasets" / "articles.jsonl"
CASSETTES = ROOT / "cassettes"
DEFAULT_MODEL = "local/qwen2.5-coder-1.5b"
SPLITS = ("dev", "validation")
ATTRS = {
    "side": "actor_side",
    "country": "location_country",
    "affected": "casualty_affected",
    "claimed": "casualty_claimed_by",
}
COLUMNS = ("macro", *FIELDS, *ATTRS, "roles")
SHORT = {"actors": "actor", "locations": "place", "events": "event", "casualties": "figure"}
TARGET_S = 120.0
EPS = 1e-9


# --- the rules to switch off -----------------------------------------------------------------


@dataclass
class Unit:
    """One rule to switch off: a rule of summarizer/rules/ (an event-role word list among them)."""

    id: str
    topic: str
    category: str
    fitted: bool
    regex: re.Pattern[str]
    words: tuple[str, ...] = ()  # casefolded, for a word rule: a quick test before the regex
    roles: bool = False  # a word list of rules/roles.toml (read only when the document is composed)
    fires: dict[str, int] = field(default_factory=dict)  # article id -> sentences it fires on


def _in_text(regex: re.Pattern[str]) -> re.Pattern[str]:
    """The pattern as it may occur inside a text: a pattern anchored at a name's end ("Zenda
    region": `place.region_suffix`, matched on a name, never on a sentence) without its `$`, and
    one anchored at its start (`figures.no_noun`, matched on the words right after a figure)
    without its `^`: either would fire on a sentence only where it starts or ends one."""
    pattern = regex.pattern
    if pattern.endswith("$") and not pattern.endswith("\\$"):
        pattern = pattern[:-1]
    if pattern.startswith("^"):
        pattern = pattern[1:]
    return regex if pattern == regex.pattern else re.compile(pattern, regex.flags)


def units() -> list[Unit]:
    return [
        Unit(
            r.id,
            r.topic,
            r.category,
            r.fitted,
            _in_text(r.regex),
            tuple(w.casefold() for w in r.words),
            r.topic == "roles",
        )
        for r in rules.all_rules()
    ]


def count_fires(all_units: list[Unit], articles: dict[str, Article]) -> None:
    """How many sentences of each article each rule fires on (a rule whose pattern fires only on
    the whole text, across sentences, counts once). Sentences are searched only where the rule
    fires on the whole text, or its pattern is anchored (it may fire on a sentence only)."""
    for aid, art in articles.items():
        text = art.text
        flat = " ".join(text.split())
        folded = flat.casefold()
        spans: list[str] | None = None
        for u in all_units:
            if u.words and not any(w in folded for w in u.words):
                continue  # none of its words is in the text, not even inside another word
            anchored = "^" in u.regex.pattern or "\\A" in u.regex.pattern
            if not (anchored or u.regex.search(text) or u.regex.search(flat)):
                continue
            spans = spans if spans is not None else [text[s:e] for s, e in sentences(text)]
            n = sum(1 for s in spans if u.regex.search(s)) or int(bool(u.regex.search(text) or u.regex.search(flat)))
            if n:
                u.fires[aid] = n


@dataclass
class Ablation:
    name: str
    kind: str  # "family", "category", "rule"
    units: list[Unit]

    @property
    def ids(self) -> list[str]:
        return [u.id for u in self.units]

    def articles(self) -> set[str]:
        return {aid for u in self.units for aid in u.fires}

    def sentences_in(self, ids: Iterable[str]) -> int:
        wanted = set(ids)
        return sum(n for u in self.units for aid, n in u.fires.items() if aid in wanted)


def ablations(all_units: list[Unit], min_sentences: int, only: set[str] | None) -> list[Ablation]:
    out: list[Ablation] = []
    for topic in dict.fromkeys(u.topic for u in all_units):
        out.append(Ablation(topic, "family", [u for u in all_units if u.topic == topic]))
    for topic, cat in dict.fromkeys((u.topic, u.category) for u in all_units):
        members = [u for u in all_units if u.topic == topic and u.category == cat]
        whole = [u for u in all_units if u.topic == topic]
        if len(members) > 1 and len(members) < len(whole):  # a category that is neither one rule nor its file
            out.append(Ablation(f"{topic}:{cat}", "category", members))
    for u in all_units:
        if sum(u.fires.values()) >= min_sentences or (only and u.id in only):
            out.append(Ablation(u.id, "rule", [u]))
    if only:  # by name: a topic, "topic:category", a category, a rule id
        out = [a for a in out if a.name in only or a.name.partition(":")[2] in only]
    return out


@contextmanager
def switched_off(ablation: Ablation) -> Iterator[None]:
    """The ablation's rules (role word lists too) off after the model answered."""
    with rules.disabled(ablation.ids, after_model=True):
        yield


# --- running and scoring ---------------------------------------------------------------------


def cache_spacy() -> None:
    """spaCy's analysis of a text does not depend on any rule: made once per text."""
    from summarizer.nlp import _ner

    nlp = _ner._nlp()
    docs: dict[str, Any] = {}

    def cached(text: str) -> Any:
        if text not in docs:
            docs[text] = nlp(text)
        return docs[text]

    _ner._nlp = lambda: cached  # type: ignore[assignment]


def cache_numbers() -> None:
    """Reading the numbers of a text (`text._number_scan`: no rule in it) once per text."""
    from summarizer.text import _numbers

    real = _numbers.Scanner
    made: dict[str, Any] = {}

    def scanner(text: str) -> Any:
        if text not in made:
            sc = real(text)
            exprs = sc.scan()
            sc.scan = lambda: exprs  # type: ignore[method-assign]
            made[text] = sc
        return made[text]

    _numbers.Scanner = scanner  # type: ignore[assignment,misc]


def cache_marks() -> None:
    """`text.strip_marks` (names are normalized again and again: no rule in it) once per string."""
    from summarizer.text import _normalize

    _normalize.strip_marks = functools.lru_cache(maxsize=1 << 16)(_normalize.strip_marks)  # type: ignore[assignment]


def _everywhere(original: Any, replacement: Any) -> None:
    """`replacement` for the function `original` in every module of the package that holds it
    (imported by name, or through a package's re-export)."""
    for mod in list(sys.modules.values()):
        if getattr(mod, "__name__", "").partition(".")[0] != "summarizer":
            continue
        for key, value in list(vars(mod).items()):
            if value is original:
                setattr(mod, key, replacement)


def _key(args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
    try:
        hash(args)
        return (args, tuple(sorted(kwargs.items()))) if kwargs else args
    except TypeError:  # lists among the arguments
        return repr((args, sorted(kwargs.items())))


def _memo(func: Any, out: Any = None, keep: Any = None) -> Any:
    """`func` (which reads no rule, and whose result is only read) once per arguments; `keep`
    makes what is kept of a result (an iterator's items: `list`), `out` what each caller gets
    of it (a copy of a list: `list`; an iterator: `iter`)."""
    store: dict[Any, Any] = {}

    @functools.wraps(func)
    def cached(*args: Any, **kwargs: Any) -> Any:
        key = _key(args, kwargs)
        value = store.get(key, _NONE)
        if value is _NONE:
            value = func(*args, **kwargs)
            value = store[key] = keep(value) if keep is not None else value
        return out(value) if out is not None else value

    _everywhere(func, cached)
    return cached


_NONE: Any = object()
_RUN_READS: set[str] = set()  # rule ids and categories read after the model in the run going on


def _traced(func: Any) -> Any:
    """`func` (a function of its arguments and of the rules it reads: tables, `rules.regex` ...)
    once per arguments and per state of the rules it read: a result is reused when every rule it
    read is on or off as it was then (what `rules.table` does for a table). Each caller gets a copy."""
    from summarizer.rules import _load

    # arguments -> (rules read, those of them off, result, result is the first argument, tables used)
    store: dict[Any, list[tuple[frozenset[str], frozenset[str], Any, bool, set[tuple[str, bool]]]]] = {}
    name = f"bench:{func.__module__}.{func.__qualname__}"

    @functools.wraps(func)
    def cached(*args: Any) -> Any:
        key = _key(args, {})
        gone = rules.off()
        outer = _load._BUILDING.get()
        trace = _load._TRACE
        hit = next((made for made in store.get(key, ()) if gone & made[0] == made[1]), None)
        if hit is not None:
            reads, _was, value, same, used = hit
        else:
            seen: set[str] = set()
            token = _load._BUILDING.set((name, seen))
            around, used = (trace.used, set()) if trace is not None else (set(), set())
            if trace is not None:
                trace.used = used
            try:
                value = func(*args)
            finally:
                _load._BUILDING.reset(token)
                if trace is not None:
                    trace.used = around
            reads = _load._ids_of(seen)
            same = bool(args) and value is args[0]  # the argument itself ("no case to restore")
            value = copy.deepcopy(value)
            store.setdefault(key, []).append((reads, gone & reads, value, same, used))
        if trace is not None:  # the tables it used, as if it ran
            trace.used |= used
        if outer is not None:  # a table built from it reads its rules too
            outer[1].update(reads)
        elif not _load._ASKING.get():
            _RUN_READS.update(reads)
        return args[0] if same else copy.deepcopy(value)

    _everywhere(func, cached)
    return cached


def cache_pure() -> None:
    """What reads no rule, once per arguments: a name's mentions in a text, a phrase's
    occurrences, the sentences of a text and the one around a span, the lines hidden from the
    model, the shapes of the label passes' answers (pydantic models made per request); and what
    does read rules, once per arguments and per state of the rules it read (`_traced`): the
    sentences asked about, the figures found, the text with its case restored."""
    from summarizer.extraction import _classify, _events, _findings, _labels
    from summarizer.inputs import _hidden
    from summarizer.nlp import _truecase
    from summarizer.rules import _load
    from summarizer.text import _align, _context, _sentences

    _memo(_findings.mentions, list)
    _memo(_context._mentions, iter, list)
    expand = functools.cache(_load.expand)  # an ablation's names, switched off again and again
    _load.expand = lambda names: expand(tuple(names))  # type: ignore[assignment]
    _memo(_align.find_all, list)
    _memo(_sentences.sentences, list)
    _memo(_sentences.sentence_bounds)
    _memo(_hidden.hidden_passages, list)
    for shape in ("entity_answers", "side_answers", "event_answers", "affected_answers", "figure_answers"):
        _memo(getattr(_labels, shape))
    ssl.create_default_context = _memo(ssl.create_default_context)  # a replayed client's, never used: made once
    _traced(_events.event_candidates)
    _traced(_classify._figures_found)
    _traced(_truecase.truecase)


def note_reads() -> None:
    """Keep the rules code reads outside any table after the model (`rules.regex` at use), for
    the run going on (`_RUN_READS`)."""
    from summarizer.rules import _load

    note = _load._note

    def noted(key: str) -> None:
        if _load._BUILDING.get() is None and not _load._ASKING.get():
            _RUN_READS.add(key)
        note(key)

    _load._note = noted  # type: ignore[assignment]


_FOUND: dict[str, Any] = {}  # article text -> what `_classify.run` found in the baseline
_ROLES_ONLY: list[bool] = [False]  # an ablation of role word lists only: `_classify.run` as in the baseline
_BASELINE: list[bool] = [False]  # the baseline runs (what it found is kept)


def cache_classified() -> None:
    """The role word lists are read only when the document is composed (`_compose`), after
    everything `_classify.run` does: an ablation of them alone takes its result from the
    baseline (a copy) and composes it again."""
    from summarizer.extraction import _summarize

    classify = _summarize.classify

    def cached(passes: Any, text: str, *args: Any) -> Any:
        if _ROLES_ONLY[0] and text in _FOUND:
            return copy.deepcopy(_FOUND[text])
        found = classify(passes, text, *args)
        if _BASELINE[0]:
            _FOUND[text] = copy.deepcopy(found)
        return found

    _summarize.classify = cached  # type: ignore[assignment]


def cache_find() -> None:
    """What code finds before the model is asked (`_findings.find`, run under `rules.asking()`)
    does not change when rules are switched off after the model: found once per text, and each
    run gets its own copy (the gazetteer shared)."""
    from summarizer.extraction import _classify

    find = _classify.find
    found: dict[str, Any] = {}

    def cached(text: str) -> Any:
        if text not in found:
            found[text] = find(text)
        places = found[text][1]
        return copy.deepcopy(found[text], {id(places.gazetteer): places.gazetteer})

    _classify.find = cached  # type: ignore[assignment]


_BOOKS: dict[Path, dict[tuple[str, ...], tuple[Any, Any]]] = {}  # cassette -> request -> (answer, usage or error)


class _Answers:
    """A model client that answers from the article's book of answers: the first run (the
    baseline) asks the cassette and keeps every answer; later runs get them back without the
    cassette, the HTTP client and the validation behind it. A request the book does not hold was
    not made by the baseline: a changed request (`CassetteMissError`)."""

    def __init__(self, spec: Any, book: dict[tuple[str, ...], tuple[Any, Any]], client: Any = None) -> None:
        self.spec = spec
        self.slots = 1
        self.book = book
        self.client = client

    def extract(
        self, messages: list[dict[str, str]], response_model: Any, *, max_tokens: int, usage: Any, compact: bool = False
    ) -> Any:
        # the request as asked: its messages (items listed, options offered), shape, budget and format
        key = (json.dumps(messages, sort_keys=True), response_model.__name__, str(max_tokens), str(compact))
        if key not in self.book:
            if self.client is None:
                raise CassetteMissError("request not made by the baseline")
            before = copy.deepcopy(usage)
            try:
                answer = self.client.extract(
                    messages, response_model, max_tokens=max_tokens, usage=usage, compact=compact
                )
            except SummarizerError as exc:
                self.book[key] = (exc, _usage_delta(before, usage))
                raise
            self.book[key] = (answer, _usage_delta(before, usage))
            return answer
        answer, delta = self.book[key]
        for name in ("calls", "retries", "prompt_tokens", "completion_tokens"):
            setattr(usage, name, getattr(usage, name) + delta[name])
        usage.first_try_valid = usage.first_try_valid and delta["first_try_valid"]
        usage.warnings.extend(delta["warnings"])
        if isinstance(answer, Exception):
            raise answer
        return answer.model_copy(deep=True)


def _usage_delta(before: Any, after: Any) -> dict[str, Any]:
    out: dict[str, Any] = {
        k: getattr(after, k) - getattr(before, k) for k in ("calls", "retries", "prompt_tokens", "completion_tokens")
    }
    out["first_try_valid"] = after.first_try_valid
    out["warnings"] = after.warnings[len(before.warnings) :]
    return out


def cache_answers() -> None:
    """Every model answer of an article, asked of its cassette once (`_Answers`)."""
    from summarizer.extraction import _summarize

    real = _summarize._model_client

    @contextmanager
    def client(spec: Any, settings: Settings, cassette: Path) -> Iterator[Any]:
        if cassette in _BOOKS:
            yield _Answers(spec, _BOOKS[cassette])
            return
        book: dict[tuple[str, ...], tuple[Any, Any]] = {}
        with real(spec, settings, cassette) as live:
            yield _Answers(spec, book, live)
        _BOOKS[cassette] = book

    _summarize._model_client = client  # type: ignore[assignment]


@dataclass
class Run:
    scores: dict[str, ArticleScore]
    misses: list[str]  # articles whose requests changed (no recorded answer)


def run(records: dict[str, dict[str, Any]], ids: Iterable[str], model: str, settings: Settings) -> Run:
    scores: dict[str, ArticleScore] = {}
    misses: list[str] = []
    for aid in ids:
        rec = records[aid]
        doc: dict[str, Any] | None = None
        err: SummarizerError | None = None
        try:
            doc = summarize(record_article(rec), model, settings).model_dump(mode="json")
        except SummarizerError as exc:
            err = exc
            if isinstance(exc, CassetteMissError):
                misses.append(aid)
        if doc is not None:
            # a document as before scores as before
            key = (aid, hashlib.sha256(json.dumps(doc, sort_keys=True).encode()).digest())
            if key not in _SCORES:
                _SCORES[key] = score_article(doc, rec, model=model)
            scores[aid] = _SCORES[key]
        else:
            scores[aid] = score_article(None, rec, model=model, error=str(err), error_type=type(err).__name__)
    return Run(scores, misses)


_SCORES: dict[tuple[str, bytes], ArticleScore] = {}  # (article, its document's digest) -> its score
_WORK: dict[str, Any] = {}  # what the forked workers read: records, model, settings, jobs


def _work(part: list[str]) -> tuple[Run, dict[int, Run], rules.Trace, float, int, int, float]:
    """One worker: the baseline of its articles (which fills the caches: spaCy, findings, model
    answers, and traces where rules are used), then every ablation on those of its articles
    where it can change something: one of its rules fires in the article, and a table that
    reads the rule was used after the model in the article's baseline (else the run goes as the
    baseline did, up to the end). Returns the runs, the trace, the baseline's seconds and the
    number of re-runs (and of those run, not taken from the baseline or an earlier run with the
    same rules read in the same state), and the worker's CPU seconds."""
    cpu = time.process_time()
    cache_spacy()
    cache_numbers()
    cache_marks()
    cache_find()
    cache_answers()
    cache_classified()
    cache_pure()
    _scoring.faithfulness = lambda document, text: (0, 0)  # not one of the figures compared here
    re._MAXCACHE = 1 << 14  # type: ignore[attr-defined]  # the pipeline's patterns made per name: keep them compiled
    trace = rules.trace()
    note_reads()
    records, model, settings, full = _WORK["records"], _WORK["model"], _WORK["settings"], _WORK["full"]
    t = time.perf_counter()
    base = Run({}, [])
    after: dict[str, set[str]] = {}  # article -> the tables used after the model in its baseline
    read: dict[str, frozenset[str]] = {}  # article -> the rules its baseline read after the model
    used: set[tuple[str, bool]] = set()
    _BASELINE[0] = True
    for aid in part:
        first, read[aid] = _one(trace, records, aid, model, settings)
        base.scores.update(first.scores)
        base.misses.extend(first.misses)
        after[aid] = {name for name, asked in trace.used if not asked}
        used |= trace.used
    _BASELINE[0] = False
    t = time.perf_counter() - t
    done: dict[int, Run] = {}
    reruns = ran = 0
    # article -> the runs made with rules off: (ids off, rules read after the model, roles only, run)
    made: dict[str, list[tuple[frozenset[str], frozenset[str], bool, Run]]] = {a: [] for a in part}
    for i, (ab, ids) in enumerate(_WORK["jobs"]):
        keys = {k for u in ab.units if not u.roles for k in (u.id, u.category)}
        tables = {name for name, reads in trace.reads.items() if name != "static" and reads & keys}
        roles_off = any(u.roles for u in ab.units)
        todo = [a for a in part if full or (a in ids and (roles_off or tables & after[a]))]
        reruns += len(todo)
        if not todo:
            continue
        roles_only = all(u.roles for u in ab.units)
        off = rules.expand(ab.ids)
        now = done[i] = Run({}, [])
        for aid in todo:
            # A run reads the same rules, in the same state, as an earlier run of the article
            # when the rules switched off that either read are the same: its result is that run's
            # (the baseline's when it read none of them).
            if not off & read[aid]:
                one: Run | None = Run({aid: base.scores[aid]}, [aid] if aid in base.misses else [])
            else:
                one = next(
                    (r for was, reads, only, r in made[aid] if only == roles_only and off & reads == was & reads),
                    None,
                )
            if one is None:
                _ROLES_ONLY[0] = roles_only
                with switched_off(ab):
                    trace.used, outer = set(), trace.used
                    one, reads = _one(trace, records, aid, model, settings)
                    used |= trace.used
                    trace.used = outer | trace.used
                _ROLES_ONLY[0] = False
                made[aid].append((off, reads, roles_only, one))
                ran += 1
            now.scores.update(one.scores)
            now.misses.extend(one.misses)
    trace.used |= used
    return base, done, trace, t, reruns, ran, time.process_time() - cpu


def _one(
    trace: rules.Trace, records: dict[str, dict[str, Any]], aid: str, model: str, settings: Settings
) -> tuple[Run, frozenset[str]]:
    """One article's run, and the rules it read after the model: through the tables it used
    there, directly, or through a function cached per rule state (`_traced`)."""
    from summarizer.rules import _load

    trace.used = set()
    _RUN_READS.clear()
    one = run(records, [aid], model, settings)
    out = set(_load._ids_of(_RUN_READS))
    tables = _table_reads()
    for name, asked in trace.used:
        if not asked:
            out |= tables[name]() if name in tables else {r.id for r in rules.all_rules()}  # unknown: every rule
    return one, frozenset(out)


@functools.cache
def _table_reads() -> dict[str, Any]:
    """Each table's name -> the rule ids it reads, those of the tables it is built from included
    (what `rules.table` keeps once the table is built)."""
    out: dict[str, Any] = {}
    for mod in list(sys.modules.values()):
        if getattr(mod, "__name__", "").partition(".")[0] != "summarizer":
            continue
        for value in list(vars(mod).values()):
            code = getattr(value, "__code__", None)
            if code is None or code.co_qualname != "table.<locals>.current":
                continue
            cells = dict(zip(code.co_freevars, value.__closure__, strict=True))
            reads = cells["reads"].cell_contents
            out[cells["name"].cell_contents] = lambda reads=reads: reads[0] if reads else frozenset()
    return out


def warm() -> None:
    """What every worker loads and reads no rule, loaded once before they fork: spaCy's model,
    the model client's libraries."""
    import instructor  # noqa: F401
    import openai  # noqa: F401

    from summarizer.nlp import _ner

    _ner._nlp()


def _partition(
    records: dict[str, Any], articles: dict[str, Article], jobs: list[tuple[Ablation, set[str]]], n: int
) -> list[list[str]]:
    """The articles in `n` parts of about equal work (an article's length times the runs it takes)."""
    runs = {aid: 1 + sum(aid in ids for _ab, ids in jobs) for aid in records}
    parts: list[list[str]] = [[] for _ in range(min(n, len(records)))]
    load = [0] * len(parts)
    for aid in sorted(records, key=lambda a: -len(articles[a].text) * runs[a]):
        k = load.index(min(load))
        parts[k].append(aid)
        load[k] += len(articles[aid].text) * runs[aid]
    return [sorted(p, key=list(records).index) for p in parts]


def figures(scores: Sequence[ArticleScore]) -> dict[str, float | None]:
    """Macro F1, each field's micro F1, the attribution accuracies, the roles' pooled micro F1
    (None where nothing is scored)."""
    out: dict[str, float | None] = dict.fromkeys(COLUMNS)
    if not scores:
        return out
    for name in FIELDS:
        tp = sum(s.fields[name].tp for s in scores)
        fp = sum(s.fields[name].fp for s in scores)
        fn = sum(s.fields[name].fn for s in scores)
        out[name] = prf(tp, fp, fn)[2]
    out["macro"] = sum(out[f] or 0.0 for f in FIELDS) / len(FIELDS)
    for short, attr in ATTRS.items():
        correct = sum(s.attributes[attr].correct for s in scores if attr in s.attributes)
        total = sum(s.attributes[attr].total for s in scores if attr in s.attributes)
        out[short] = correct / total if total else None
    tp = fp = fn = 0
    for s in scores:
        for fs in s.roles.values():
            tp, fp, fn = tp + fs.tp, fp + fs.fp, fn + fs.fn
    out["roles"] = prf(tp, fp, fn)[2] if tp + fp + fn else None
    return out


def deltas(base: dict[str, float | None], now: dict[str, float | None]) -> dict[str, float]:
    return {k: (now[k] or 0.0) - (base[k] or 0.0) for k in COLUMNS if base[k] is not None or now[k] is not None}


def verdict(d: dict[str, float], articles: int, uses: set[str]) -> str:
    """Whether switching the rule off lowers the validation figures: "helps" when macro F1
    drops, or stays and the other figures drop in sum; else why it does not help (for a rule also
    used before the model: not after it; its use before the model is not measured offline)."""
    if articles == 0:
        return "no help: fires on no validation article"
    if uses and uses <= {"before", "static"}:
        return "not measured: used only before the model"
    rest = sum(v for k, v in d.items() if k != "macro")
    macro = d.get("macro", 0.0)
    if macro < -EPS or (abs(macro) <= EPS and rest < -EPS):
        return "helps"
    # what macro F1 does not hold (the roles, the attributes) lost without it: a trade to weigh,
    # not a rule that does nothing (the role word lists: macro +0.1 without them, roles -45)
    lost = [k for k, v in d.items() if k not in ("macro", *FIELDS) and v < -EPS]
    if macro > EPS and lost:
        return f"trade: macro {macro * 100:+.1f} without it, {', '.join(f'{k} {d[k] * 100:+.1f}' for k in lost)}"
    why = (
        "no change on validation"
        if all(abs(v) <= EPS for v in d.values())
        else "validation as good or better without it"
    )
    return f"no help: {why}" + (" (after the model; its use before it not measured)" if "before" in uses else "")


# --- the table -------------------------------------------------------------------------------


def _cell(v: float | None) -> str:
    if v is None:
        return "–"
    if abs(v) <= EPS:
        return "·"
    return f"{100 * v:+.1f}"


def main() -> None:  # noqa: PLR0915 - one script, read top to bottom
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dataset", type=Path, help="gold JSONL (default: the full gold if built, else the dataset)")
    parser.add_argument("--cassettes", type=Path, help="cassette folder matching the dataset")
    parser.add_argument("--model", default=DEFAULT_MODEL)
    parser.add_argument("--prompt", default=DEFAULT_PROMPT)
    parser.add_argument("--ids", help="comma-separated article ids (default: every recorded article)")
    parser.add_argument("--only", help="comma-separated ablations, rule ids or categories to run")
    parser.add_argument("--min-sentences", type=int, default=3)
    parser.add_argument("--full", action="store_true", help="re-run every article in every ablation")
    parser.add_argument("--json", type=Path, help="write every figure here")
    parser.add_argument("--jobs", type=int, default=2, help="processes, each with a share of the articles")
    args = parser.parse_args()
    t0 = time.perf_counter()

    if args.dataset is None:
        args.dataset, default_cassettes = (FULL_GOLD, FULL_CASSETTES) if FULL_GOLD.is_file() else (DATASET, CASSETTES)
        args.cassettes = args.cassettes or default_cassettes
    args.cassettes = args.cassettes or CASSETTES
    settings = Settings(offline=True, cassette_dir=args.cassettes, prompt_version=args.prompt)
    dataset = load_dataset(args.dataset)
    wanted = set(args.ids.split(",")) if args.ids else None
    records: dict[str, dict[str, Any]] = {}
    articles: dict[str, Article] = {}
    skipped: dict[str, int] = {}
    for rec in dataset.records:
        if wanted is not None and rec["id"] not in wanted:
            continue
        art = record_article(rec)
        split = rec.get("split") or "dev"
        rec.setdefault("split", split)
        if not is_recorded(settings.cassettes(), args.model, args.prompt, art):
            skipped[split] = skipped.get(split, 0) + 1
            continue
        records[rec["id"]] = rec
        articles[rec["id"]] = art
    by_split = {s: [aid for aid, r in records.items() if r["split"] == s] for s in SPLITS}
    print(
        f"rule ablation: {args.model}, {args.prompt}, {_shown(args.dataset)} with {_shown(args.cassettes)}; "
        + ", ".join(f"{s} {len(by_split[s])} articles (skipped, no cassette: {skipped.get(s, 0)})" for s in SPLITS)
    )
    if not records:
        sys.exit("no recorded article: nothing to ablate")

    later = rules.newer_than(args.prompt)  # rules the prompt does not ask with: off already, nothing to ablate
    all_units = [u for u in units() if u.id not in later]
    count_fires(all_units, articles)
    todo = ablations(all_units, args.min_sentences, set(args.only.split(",")) if args.only else None)

    jobs = [(ab, ab.articles()) for ab in todo]
    _WORK.update(records=records, model=args.model, settings=settings, jobs=jobs, full=args.full)
    parts = _partition(records, articles, jobs, max(1, args.jobs))
    warm()
    if len(parts) > 1:  # each worker: the baseline of its articles, then every ablation on them
        with multiprocessing.get_context("fork").Pool(len(parts)) as pool:
            outcomes = pool.map(_work, parts)
    else:
        outcomes = [_work(parts[0])]
    base = Run({}, [])
    done: dict[int, Run] = {i: Run({}, []) for i in range(len(jobs))}
    reads: dict[str, set[str]] = {}
    used: set[tuple[str, bool]] = set()
    t_base = 0.0
    reruns = ran = 0
    cpu: list[float] = []
    for part_base, part_done, part_trace, part_t, part_reruns, part_ran, part_cpu in outcomes:
        reruns += part_reruns
        ran += part_ran
        cpu.append(part_cpu)
        base.scores.update(part_base.scores)
        base.misses.extend(part_base.misses)
        for i, r in part_done.items():
            done[i].scores.update(r.scores)
            done[i].misses.extend(r.misses)
        for name, keys in part_trace.reads.items():
            reads.setdefault(name, set()).update(keys)
        used |= part_trace.used
        t_base = max(t_base, part_t)
    trace = rules.Trace(reads, used)
    if base.misses:
        print(f"  baseline: {len(base.misses)} articles do not replay (stale cassettes?): {', '.join(base.misses[:5])}")
    base_fig = {s: figures([base.scores[a] for a in by_split[s]]) for s in SPLITS}

    def uses_of(ab: Ablation) -> set[str]:
        out: set[str] = set()
        for u in ab.units:
            out |= {"after"} if u.roles else trace.uses(u.id)
        return out

    results: list[dict[str, Any]] = []
    for i, ab in enumerate(todo):
        now = done[i]
        scores = {**base.scores, **now.scores}
        row: dict[str, Any] = {
            "name": ab.name,
            "kind": ab.kind,
            "rules": len(ab.units),
            "fitted": [u.id for u in ab.units if u.fitted],
            "uses": sorted(uses_of(ab)),
            "request_changed": now.misses,
        }
        for s in SPLITS:
            fig = figures([scores[a] for a in by_split[s]])
            row[s] = {
                "articles": len(ab.articles() & set(by_split[s])),
                "sentences": ab.sentences_in(by_split[s]),
                "delta": deltas(base_fig[s], fig),
            }
        row["verdict"] = verdict(row["validation"]["delta"], row["validation"]["articles"], uses_of(ab))
        results.append(row)
    wall = time.perf_counter() - t0

    _print(results, base_fig, by_split)
    print(
        f"\nwall {wall:.1f} s (target < {TARGET_S:.0f} s; baseline pass {t_base:.1f} s; {len(todo)} ablations, "
        f"{reruns} article re-runs{'' if args.full else ', the others reuse the baseline'} ({ran} run, the "
        f"others the same as the baseline or an earlier run); CPU seconds of "
        f"the workers {' + '.join(f'{c:.1f}' for c in cpu)}, of the main process {time.process_time():.1f})"
    )
    if args.json:
        args.json.write_text(json.dumps({"baseline": base_fig, "ablations": results, "wall_s": wall}, indent=1))
    sys.exit(0 if wall < TARGET_S else 1)


def _shown(path: Path) -> str:
    return str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)


def _print(
    results: list[dict[str, Any]], base_fig: dict[str, dict[str, float | None]], by_split: dict[str, list[str]]
) -> None:
    heads = [SHORT.get(c, c) for c in COLUMNS]
    print("\nbaseline (no rule off):")
    for s in SPLITS:
        vals = "  ".join(f"{h} {_value(base_fig[s][c])}" for h, c in zip(heads, COLUMNS, strict=True))
        print(f"  {s:<10} ({len(by_split[s])} articles)  {vals}")
    print(
        "\nChange when switched off, in points of F1 or accuracy (negative: the rule helps; '·' no change,"
        "\n'–' nothing scored). uses: where code applies the rule; a use 'before' the model is not switched"
        "\noff here (the request must replay), so only the part after the model is measured; 'static': a"
        "\npattern made at import, not switched off. fires: sentences it fires on in the split (articles)."
    )
    width = max([len(r["name"]) for r in results] + [8])
    block = " ".join(f"{h:>7}" for h in heads)
    for s in SPLITS:
        print(f"\n{s}\n{'ablation':<{width}}  {'uses':<19} {'fires':>9}  {block}")
        for r in results:
            fires = f"{r[s]['sentences']} ({r[s]['articles']})"
            cells = " ".join(f"{_cell(r[s]['delta'].get(c)):>7}" for c in COLUMNS)
            note = ""
            if s == "validation":
                note = ("  helps" if r["verdict"] == "helps" else "  <- " + r["verdict"]) + (
                    " [fitted]" if r["kind"] == "rule" and r["fitted"] else ""
                )
            if r["request_changed"]:
                note += f"  [{len(r['request_changed'])} requests changed]"
            print(f"{r['name']:<{width}}  {'+'.join(r['uses']) or 'none':<19} {fires:>9}  {cells}{note}")
    rules_without = [r for r in results if r["kind"] == "rule" and r["verdict"] != "helps"]
    print(f"\nrules that do not help validation ({len(rules_without)} of {sum(r['kind'] == 'rule' for r in results)}):")
    for r in rules_without:
        print(f"  {r['name']}: {r['verdict']}" + (" [fitted]" if r["fitted"] else ""))


def _value(v: float | None) -> str:
    return "–" if v is None else f"{v:.3f}"


if __name__ == "__main__":
    main()
