"""The batch runner: the articles of a batch in worker threads, within a budget and a
per-article timeout, each finished article written to the result log.

Concurrency: the pipeline is synchronous (openai client + instructor), so articles run in
worker threads, at most ``concurrency`` at a time; the main thread is the only writer. The
threads are daemons so that Ctrl-C returns at once: what was finished is already on disk,
what was in flight is redone by the next run (from the response cache, so at no cost). The
cancelled workers get a few seconds to stop before the process exits (each stops at its next
model call): one still inside spaCy's native code at exit could abort the process.
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

Set-up (options, inputs, resume plan, the model server) is `_run.run_batch`'s; the per-article
transport (tokens, deadline, budget, cache) is `_cache`'s.
"""

from __future__ import annotations

import contextlib
import queue
import threading
import time
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from summarizer.batch._budget import Budget
from summarizer.batch._cache import ArticleRun, ResponseCache, Stopped, transport_for
from summarizer.batch._log import ResultLog, error_record
from summarizer.batch._report import BatchOptions, BatchReport, Failure, Observer, Outcome
from summarizer.config import Settings
from summarizer.errors import (
    ArticleTimeoutError,
    BudgetExceededError,
    ConfigError,
    ExtractionError,
    InternalError,
    ProviderError,
    SummarizerError,
)
from summarizer.extraction import CHARS_PER_TOKEN, PROMPT_OVERHEAD_TOKENS
from summarizer.extraction import load as load_prompt
from summarizer.inputs import BatchItem
from summarizer.models import ModelSpec, Price, cost_usd, price_for, scrub_secrets
from summarizer.models import estimate_cost as estimate_cost_of

__all__ = ["Runner", "estimate_cost"]


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


class Runner:
    """Runs the articles of one batch; the main thread schedules, collects and writes."""

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
        self.workers: dict[int, threading.Thread] = {}  # id(run) -> its worker thread
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

    def _let_workers_stop(self, grace: float = 5.0) -> None:
        """Give the cancelled workers a moment to stop (each stops at its next model call): a
        worker still inside spaCy's native code when the interpreter exits can abort the
        process ("libblis: Aborting.", exit 134 instead of 130)."""
        end = time.monotonic() + grace
        for worker in list(self.workers.values()):
            worker.join(max(0.0, end - time.monotonic()))

    def _start(self, item: BatchItem) -> None:
        deadline = time.monotonic() + self.options.timeout_per_article if self.options.timeout_per_article else None
        run = ArticleRun(item, deadline)
        self.in_flight[id(run)] = run
        worker = threading.Thread(target=self._work, args=(run,), name=f"batch:{item.id}", daemon=True)
        self.workers[id(run)] = worker
        worker.start()

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
        self.notify(replace(out, ok=False, error_type=type(exc).__name__, message=message, record=record))

    def notify(self, outcome: Outcome | None) -> None:
        if self.observer is not None:
            self.observer(self.report, outcome)

    def _finish(self, run: ArticleRun, doc: Any, exc: BaseException | None) -> None:
        outcome = self._account(run)
        if exc is None:
            record = doc.model_dump(mode="json")
            self.log.append(record)
            self.report.ok += 1
            self.consecutive_provider_errors = 0
            self.notify(replace(outcome, record=record))
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
                self.workers.pop(id(run), None)
                if self.in_flight.pop(id(run), None) is None:
                    continue  # timed out already: its error record is written
                self._finish(run, doc, exc)
                self._expire()
        except KeyboardInterrupt:
            self.report.interrupted = True
            self.report.stopped = "interrupted"
            for run in self.in_flight.values():
                run.cancelled.set()
            self._let_workers_stop()
            pending.extend(r.item for r in self.in_flight.values())
            self.in_flight.clear()
        else:  # stopped early: what needs no model is still written
            for item in [i for i in pending if i.error is not None]:
                pending.remove(item)
                self._write_error(item, item.error)  # type: ignore[arg-type]
        self.report.not_started = len(pending)
        self._let_workers_stop()  # timed-out workers too: none is left inside native code at exit
