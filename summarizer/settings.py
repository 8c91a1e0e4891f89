"""Run settings shared by every command: offline replay, recording, endpoints, bounds."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

DEFAULT_PROMPT = "brief-v3"
DEFAULT_MODEL = "local/qwen2.5-coder-1.5b"  # the embedded default (localmodels.DEFAULT_MODEL, tested equal)


def default_cassette_dir() -> Path:
    """`$SUMMARIZER_CASSETTES`, else ./cassettes when it exists, else the project's own."""
    env = os.environ.get("SUMMARIZER_CASSETTES")
    if env:
        return Path(env)
    here = Path.cwd() / "cassettes"
    if here.is_dir():
        return here
    return Path(__file__).resolve().parent.parent / "cassettes"


@dataclass
class Settings:
    offline: bool = False  # replay every call from cassettes; never touch the network
    record: bool = False  # (re-)record cassettes from live calls
    cassette_dir: Path | None = None
    base_url: str | None = None  # any OpenAI-compatible server; also $SUMMARIZER_BASE_URL
    api_key: str | None = None  # overrides the provider's environment variable
    prompt_version: str = DEFAULT_PROMPT
    timeout_s: float = 600.0  # one HTTP call, generation included
    max_reasks: int = 2  # validation re-asks per call (instructor)
    transport_attempts: int = 4  # tenacity: tries per HTTP call on timeouts, 429, 5xx
    retry_base_wait_s: float = 1.0  # first backoff wait (doubles each try, with jitter)
    retry_max_wait_s: float = 60.0  # longest single wait; a longer Retry-After fails at once
    context_tokens: int | None = None  # override the model's context budget (forces chunking)
    published: str | None = None
    extra: dict[str, str] = field(default_factory=dict)
    # Hooks for callers that run many articles (`summarizer batch`):
    http_transport: Callable[[Any], Any] | None = None  # ModelSpec -> inner httpx transport (response cache)
    local_base_url: str | None = None  # a server already running the local/ model: use it, start none

    def cassettes(self) -> Path:
        return self.cassette_dir or default_cassette_dir()

    def effective_base_url(self) -> str | None:
        return self.base_url or os.environ.get("SUMMARIZER_BASE_URL") or None
