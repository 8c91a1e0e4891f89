"""Run settings shared by every command: offline replay, recording, endpoints, bounds."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

DEFAULT_PROMPT = "brief-v1"


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
    context_tokens: int | None = None  # override the model's context budget (forces chunking)
    published: str | None = None
    extra: dict[str, str] = field(default_factory=dict)

    def cassettes(self) -> Path:
        return self.cassette_dir or default_cassette_dir()

    def effective_base_url(self) -> str | None:
        return self.base_url or os.environ.get("SUMMARIZER_BASE_URL") or None
