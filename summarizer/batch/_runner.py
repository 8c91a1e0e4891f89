"""The batch runner: many articles into one JSONL file, concurrently, resumably, nothing lost.

The output file holds one line per article: the summary document (``SummaryDocument``
dumped as JSON), or an error record::

    {"id", "error": {"type", "message", "exit_code"}, "model", "prompt_version", "article_sha256", "input"}

Writing, locking and resuming are the result log's (`_log`); the response cache and the
per-article transport are `_cache`'s; inputs are read by `summarizer.inputs.collect_inputs`.

Concurrency: the pipeline is synchronous (openai client + instructor), so articles run in
worker threads, at most ``concurrency`` at a time; the main thread is the only writer. The
threads are daemons so that Ctrl-C returns at once: what was finished is already on disk,
what was in flight is redone by the next run (from the response cache, so at no cost).
Under ``--offline``/``--record`` the articles run one at a time, because vcrpy's cassettes
patch httpx globally and are not safe across threads.

Per-article timeout: when an article runs past its deadline its error record is written
at once and its worker is cancelled: the transport refuses any further request of that
article and every request's own timeout is cut to the time left. 429/Retry-After and other
transient faults are retried below the client (`summarizer.models.RetryTransport`).

Budget (``max_cost``): the cost of every response that came over the network is counted
from the provider's price table (local models cost 0); before an article is started, the
spent cost plus what the articles in flight and this one are expected to cost (the average
measured cost per character so far, or a conservative estimate from the article's size and
the prompt's number of passes, before anything was measured) must stay within the budget,
else no new article is started. With concurrency that alone could overshoot, so every model
call also reserves its own estimated cost before it is sent (`_budget.Budget`); a call that
would go over is not made, and the report says what was really spent.

Scaling out: point ``--base-url`` at a server with parallel slots (llama.cpp's
``llama-server --parallel N``, vLLM) and set ``--concurrency N``; for a ``local/`` model
``--base-url`` names the server that runs it (otherwise one managed server is started for the
whole batch; llama-cpp-python's server has a single slot, so concurrency there only queues).
For large offline jobs with OpenAI, see `_openai` (the Batch API).
"""


from __future__ import annotations

import contextlib
import queue
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from summarizer.batch._budget import Budget
from summarizer.batch._cache import ArticleRun, ResponseCache, Stopped, transport_for
from summarizer.batch._log import ResultLog, check_out, error_record, plan_resume
from summarizer.config import DEFAULT_MAX_CHARS, Settings
from summarizer.errors import (
    EXIT_INTERRUPTED,
    EXIT_OK,
    EXIT_PARTIAL,
    ArticleTimeoutError,
    BudgetExceededError,
    ConfigError,
    ExtractionError,
    InputError,
    InternalError,
    ProviderError,
    SummarizerError,
)
from summarizer.extraction import CHARS_PER_TOKEN, PROMPT_OVERHEAD_TOKENS
from summarizer.extraction import load as load_prompt
from summarizer.inputs import BatchItem, collect_inputs
from summarizer.models import ModelSpec, Price, cost_usd, price_for, resolve, scrub_secrets
from summarizer.models import estimate_cost as estimate_cost_of

DEFAULT_CONCURRENCY = 4  # hosted APIs and servers with parallel slots
DEFAULT_LOCAL_CONCURRENCY = 1  # the managed llama-cpp-python server has one slot


@dataclass
class BatchOptions:
    model: str
    concurrency: int | None = None  # None: 1 for a managed local server, else 4
    timeout_per_article: float | None = None  # seconds
    cache_dir: Path | None = None  # None: no response cache
    max_cost: float | None = None  # USD
    max_chars: int = DEFAULT_MAX_CHARS


@dataclass(frozen=True)
class Outcome:
    """One finished article, for progress displays."""

    id: str
    ok: bool
    error_type: str | None = None
    message: str | None = None
    tokens: int = 0
    cost: float | None = 0.0
    cache_hits: int = 0


@dataclass(frozen=True)
class Failure:
    id: str
    type: str
    message: str
    exit_code: int


@dataclass
class BatchReport:
    out: Path
    model: str
    prompt_version: str
    total: int = 0  # articles among the inputs
    to_do: int = 0  # not done before this run
    ok: int = 0
    failed: int = 0
    skipped: int = 0  # done by an earlier run
    retried: int = 0  # failed in an earlier run, tried again now
    not_started: int = 0  # stopped early: budget, Ctrl-C, a systemic error
    prompt_tokens: int = 0  # over the network
    completion_tokens: int = 0
    cached_tokens: int = 0  # answered from the response cache or cassettes
    cache_hits: int = 0
    cost_usd: float | None = 0.0  # None: the model's price is unknown
    concurrency: int = 1
    elapsed_s: float = 0.0
    failures: list[Failure] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    stopped: str | None = None  # why no more articles were started
    stop_error: SummarizerError | None = None  # a systemic error (configuration, server down)
    interrupted: bool = False

    @property
    def tokens(self) -> int:
        return self.prompt_tokens + self.completion_tokens

    @property
    def exit_code(self) -> int:
        """0 all done; 1 some failed or the budget stopped the batch; the code of a systemic
        error (3 provider/config); 130 interrupted."""
        if self.interrupted:
            return EXIT_INTERRUPTED
        if self.stop_error is not None:
            return self.stop_error.exit_code
        return EXIT_PARTIAL if self.failed or self.not_started else EXIT_OK


Observer = Callable[[BatchReport, "Outcome | None"], None]
"""Called with the report when the batch starts (outcome None) and after every article."""


def estimate_cost(article_chars: int, price: Price | None, calls: int) -> float:
    """A conservative cost of one article before anything was measured: `calls` calls (the
    prompt's passes), each with the whole article, the prompt overhead and a typical answer."""
    return estimate_cost_of(
        article_chars,
        price,
        calls=calls,
        chars_per_token=CHARS_PER_TOKEN,
        overhead_tokens=PROMPT_OVERHEAD_TOKENS,
    )


class _Runner:
    def __init__(
        self,
        spec: ModelSpec,
        options: BatchOptions,
        settings: Settings,
        log: ResultLog,
        report: BatchReport,
        observer: Observer | None,
        budget: Budget | None = None,
    ) -> None:
        self.budget = budget
        self.spec = spec
        self.options = options
        self.settings = settings
        self.log = log
        self.report = report
        self.observer = observer
        self.price = price_for(spec)
        self.calls_per_article = load_prompt(settings.prompt_version).calls_per_article
        self.replay = settings.offline  # offline cassettes: answers cost nothing
        self.results: queue.Queue[tuple[ArticleRun, Any, BaseException | None]] = queue.Queue()
        self.in_flight: dict[int, ArticleRun] = {}
        self.serial = threading.Lock() if settings.offline or settings.record else None
        self.cache = ResponseCache(options.cache_dir) if options.cache_dir is not None else None
        self.consecutive_provider_errors = 0
        self.measured_cost = 0.0  # cost of finished articles that went over the network
        self.measured_chars = 0
        self.spent = 0.0

    # -- the worker
    def _work(self, run: ArticleRun) -> None:
        from summarizer.extraction import summarize

        transport = transport_for(run, self.cache, replay=self.replay, budget=self.budget)
        settings = replace(self.settings, http_transport=transport)
        try:
            assert run.item.article is not None
            with self.serial if self.serial is not None else contextlib.nullcontext():
                if run.cancelled.is_set():
                    raise Stopped("cancelled")
                doc = summarize(run.item.article, self.spec.name, settings)
            self.results.put((run, doc, None))
        except BaseException as exc:  # noqa: BLE001 - every failure becomes a record
            self.results.put((run, None, exc))

    def _start(self, item: BatchItem) -> None:
        deadline = time.monotonic() + self.options.timeout_per_article if self.options.timeout_per_article else None
        run = ArticleRun(item, deadline)
        self.in_flight[id(run)] = run
        threading.Thread(target=self._work, args=(run,), name=f"batch:{item.id}", daemon=True).start()

    # -- accounting
    def _run_cost(self, run: ArticleRun) -> float:
        return cost_usd(self.price, run.net_prompt, run.net_completion) or 0.0

    def _estimate(self, chars: int) -> float:
        if self.measured_chars:
            return self.measured_cost / self.measured_chars * chars
        return estimate_cost(chars, self.price, self.calls_per_article)

    def _within_budget(self, item: BatchItem) -> bool:
        if self.options.max_cost is None:
            return True
        in_flight = sum(max(self._run_cost(r), self._estimate(r.item.chars)) for r in self.in_flight.values())
        spent = self.budget.spent if self.budget is not None else self.spent
        return spent + in_flight + self._estimate(item.chars) <= self.options.max_cost

    def _account(self, run: ArticleRun) -> Outcome:
        cost = self._run_cost(run)
        self.spent += cost
        rep = self.report
        rep.prompt_tokens += run.net_prompt
        rep.completion_tokens += run.net_completion
        rep.cached_tokens += run.cached_prompt + run.cached_completion
        rep.cache_hits += run.cache_hits
        if rep.cost_usd is not None:
            rep.cost_usd += cost
        if run.net_prompt or run.net_completion:
            self.measured_cost += cost
            self.measured_chars += run.item.chars
        return Outcome(
            run.item.id,
            True,
            tokens=run.net_prompt + run.net_completion,
            cost=cost_usd(self.price, run.net_prompt, run.net_completion),
            cache_hits=run.cache_hits,
        )

    # -- results
    def _write_error(self, item: BatchItem, exc: SummarizerError, outcome: Outcome | None = None) -> None:
        record = error_record(item, self.spec.name, self.settings.prompt_version, exc)
        self.log.append(record)
        message = record["error"]["message"]  # scrubbed
        self.report.failed += 1
        self.report.failures.append(Failure(item.id, type(exc).__name__, message, exc.exit_code))
        out = outcome or Outcome(item.id, True)
        self._notify(replace(out, ok=False, error_type=type(exc).__name__, message=message))

    def _notify(self, outcome: Outcome | None) -> None:
        if self.observer is not None:
            self.observer(self.report, outcome)

    def _finish(self, run: ArticleRun, doc: Any, exc: BaseException | None) -> None:
        outcome = self._account(run)
        if exc is None:
            self.log.append(doc.model_dump(mode="json"))
            self.report.ok += 1
            self.consecutive_provider_errors = 0
            self._notify(outcome)
            return
        if isinstance(exc, SummarizerError):
            error: SummarizerError = exc
        else:
            error = InternalError.from_exception(exc)
        if isinstance(error, ExtractionError) and self.cache is not None:
            self.cache.evict(run.keys)  # a retry must really ask the model again
        self._write_error(run.item, error, outcome)
        if isinstance(error, BudgetExceededError):
            self.report.stopped = self.report.stopped or "budget"
        elif isinstance(error, ConfigError) and self.report.stop_error is None:
            self.report.stop_error = error
            self.report.stopped = f"stopped: {scrub_secrets(error.one_line())}"
        elif isinstance(error, ProviderError) and not isinstance(error, ArticleTimeoutError):
            self.consecutive_provider_errors += 1
            limit = max(3, self._concurrency() + 2)
            if self.consecutive_provider_errors >= limit and self.report.stop_error is None:
                self.report.stop_error = error
                self.report.stopped = (
                    f"stopped after {limit} provider failures in a row: {scrub_secrets(error.one_line())}"
                )
        else:
            self.consecutive_provider_errors = 0

    def _concurrency(self) -> int:
        return self.report.concurrency

    def _expire(self) -> None:
        now = time.monotonic()
        for key, run in list(self.in_flight.items()):
            if run.deadline is not None and now >= run.deadline:
                del self.in_flight[key]
                run.timed_out = True
                run.cancelled.set()
                outcome = self._account(run)
                self._write_error(
                    run.item,
                    ArticleTimeoutError(
                        f"{run.item.id}: no result within {self.options.timeout_per_article:g} s",
                        hint="raise --timeout-per-article",
                    ),
                    outcome,
                )

    def run(self, to_do: Sequence[BatchItem]) -> None:
        pending = list(reversed(to_do))
        limit = self._concurrency()
        try:
            while pending or self.in_flight:
                while pending and len(self.in_flight) < limit and self.report.stopped is None:
                    item = pending[-1]
                    if item.error is not None:
                        pending.pop()
                        self._write_error(item, item.error)
                        continue
                    if not self._within_budget(item):
                        self.report.stopped = (
                            f"budget: --max-cost {self.options.max_cost:g} USD would be exceeded "
                            f"(spent {self.spent:.4f} USD)"
                        )
                        break
                    pending.pop()
                    self._start(item)
                if self.report.stopped is not None and not self.in_flight:
                    break
                wait = 0.5
                deadlines = [r.deadline for r in self.in_flight.values() if r.deadline is not None]
                if deadlines:
                    wait = max(0.0, min(wait, min(deadlines) - time.monotonic()))
                try:
                    run, doc, exc = self.results.get(timeout=wait)
                except queue.Empty:
                    self._expire()
                    continue
                if self.in_flight.pop(id(run), None) is None:
                    continue  # timed out already: its error record is written
                self._finish(run, doc, exc)
                self._expire()
        except KeyboardInterrupt:
            self.report.interrupted = True
            self.report.stopped = "interrupted"
            for run in self.in_flight.values():
                run.cancelled.set()
            pending.extend(r.item for r in self.in_flight.values())
            self.in_flight.clear()
        else:  # stopped early: what needs no model is still written
            for item in [i for i in pending if i.error is not None]:
                pending.remove(item)
                self._write_error(item, item.error)  # type: ignore[arg-type]
        self.report.not_started = len(pending)


@contextlib.contextmanager
def _local_endpoint(spec: ModelSpec, settings: Settings) -> Iterator[Settings]:
    """For a local/ model run live: one server for the whole batch (the one at --base-url,
    a running `summarizer serve`, or one started now), not one per article."""
    if not spec.local or settings.offline or settings.local_base_url:
        yield settings
    elif settings.base_url:
        yield replace(settings, local_base_url=settings.base_url)
    else:
        from summarizer.local import local_server

        with local_server(spec.name) as base_url:
            yield replace(settings, local_base_url=base_url)


def _check_options(options: BatchOptions, spec: ModelSpec) -> None:
    if options.max_cost is not None and price_for(spec) is None:
        raise ConfigError(
            f"--max-cost: no price is known for {spec.name}, so the budget cannot be enforced",
            hint="drop --max-cost, or use a model from the price table",
        )
    if options.concurrency is not None and options.concurrency < 1:
        raise InputError("--concurrency must be at least 1")
    if options.timeout_per_article is not None and options.timeout_per_article <= 0:
        raise InputError("--timeout-per-article must be positive")


def _concurrency(report: BatchReport, options: BatchOptions, spec: ModelSpec, settings: Settings) -> None:
    """1 under --offline/--record (cassettes are not thread-safe), else the option, else 1 for
    a managed local server and 4 otherwise."""
    serial = settings.offline or settings.record
    concurrency = options.concurrency or (
        DEFAULT_LOCAL_CONCURRENCY if spec.local and not settings.base_url else DEFAULT_CONCURRENCY
    )
    report.concurrency = 1 if serial else concurrency
    if serial and concurrency > 1:
        report.notes.append("--offline/--record: articles run one at a time (cassettes are not thread-safe)")


def run_batch(
    inputs: Sequence[str | Path],
    out: Path,
    options: BatchOptions,
    settings: Settings | None = None,
    *,
    observer: Observer | None = None,
) -> BatchReport:
    """Summarize every input article into `out` (JSONL), resuming what an earlier run did.

    Raises InputError (no inputs, unreadable JSONL line, out file busy) and ConfigError
    (unknown model, a budget that cannot be enforced) before anything is written; every
    other failure is an error record in the file and a Failure in the report.
    """
    started = time.monotonic()
    settings = settings or Settings()
    check_out(out, inputs)
    spec = resolve(options.model, settings)
    prompt = load_prompt(settings.prompt_version)
    _check_options(options, spec)
    inputs_ = collect_inputs(inputs, max_chars=options.max_chars)
    report = BatchReport(out=out, model=spec.name, prompt_version=prompt.version, total=len(inputs_.items))
    report.notes.extend(inputs_.notes)
    report.cost_usd = None if price_for(spec) is None else 0.0
    _concurrency(report, options, spec, settings)
    cache_dir = None if settings.offline or settings.record else options.cache_dir
    price = price_for(spec)
    budget = Budget(options.max_cost, price) if options.max_cost is not None and price is not None else None
    log = ResultLog(out)
    lines = log.open()
    try:
        if log.repaired_bytes:
            report.notes.append(f"cut a torn last line ({log.repaired_bytes} bytes) from {out}")
        plan = plan_resume(inputs_.items, lines, spec.name, prompt.version)
        report.notes.extend(n.replace("{out}", str(out)) for n in plan.notes)
        if plan.rewrite:
            log.rewrite(plan.keep)
        report.skipped = plan.done
        report.retried = plan.retried
        report.to_do = len(plan.to_do)
        runner = _Runner(spec, replace(options, cache_dir=cache_dir), settings, log, report, observer, budget)
        runner._notify(None)
        if plan.to_do:
            needs_model = any(i.article is not None for i in plan.to_do)
            with _local_endpoint(spec, settings) if needs_model else contextlib.nullcontext(settings) as live:
                runner.settings = live
                runner.run(plan.to_do)
    finally:
        log.close()
        report.elapsed_s = time.monotonic() - started
        if budget is not None:  # what was really spent, calls of unfinished articles included
            report.cost_usd = budget.spent
            if report.stopped is not None and report.stopped.startswith("budget"):
                report.stopped = f"budget: --max-cost {budget.max_cost:g} USD reached (spent {budget.spent:.4f} USD)"
    return report
