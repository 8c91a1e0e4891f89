"""What a batch is asked and what it reports: the options, one finished article (`Outcome`),
a failure, and the report the runner fills in as it goes (counts, tokens, cost, why it stopped,
the exit code).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from summarizer.config import DEFAULT_MAX_CHARS
from summarizer.errors import EXIT_INTERRUPTED, EXIT_OK, EXIT_PARTIAL, SummarizerError

__all__ = [
    "DEFAULT_CONCURRENCY",
    "BatchOptions",
    "BatchReport",
    "Failure",
    "Observer",
    "Outcome",
]

DEFAULT_CONCURRENCY = 4  # hosted APIs and servers with parallel slots


@dataclass
class BatchOptions:
    model: str
    concurrency: int | None = None  # None: the managed local server's slots, else 4
    timeout_per_article: float | None = None  # seconds
    cache_dir: Path | None = None  # None: no response cache
    max_cost: float | None = None  # USD
    max_chars: int = DEFAULT_MAX_CHARS


@dataclass(frozen=True)
class Outcome:
    """One finished article, for progress displays and the run log: `record` is the line
    written to --out for it (the document, or the error record)."""

    id: str
    ok: bool
    error_type: str | None = None
    message: str | None = None
    tokens: int = 0
    cost: float | None = 0.0
    cache_hits: int = 0
    record: dict[str, Any] | None = field(default=None, compare=False, repr=False)


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
