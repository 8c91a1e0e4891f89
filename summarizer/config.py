"""Settings, defaults, and the one place that reads environment variables.

`Settings` carries what every command shares (offline replay, recording, endpoints, bounds).
The functions below are the only readers of the process environment in the package; they
read it when called, so a test's `monkeypatch.setenv` takes effect:

  SUMMARIZER_CASSETTES   cassette directory            (`default_cassette_dir`)
  SUMMARIZER_BASE_URL    an OpenAI-compatible server   (`Settings.effective_base_url`)
  OPENAI_API_KEY         the OpenAI key                (`openai_api_key`)
  OLLAMA_BASE_URL        the Ollama server             (`ollama_base_url`)
  SUMMARIZER_CACHE_DIR, XDG_CACHE_HOME   weights, response cache, server state (`cache_dir`)
  SUMMARIZER_DATA_DIR, XDG_DATA_HOME     the eval run log (`data_dir`)
  HF_ENDPOINT, HF_TOKEN  Hugging Face downloads        (`hf_endpoint`, `hf_token`)
  SUMMARIZER_TRACE       append every raw model answer to this file (`trace_path`)
  SUMMARIZER_DEBUG       show the traceback of an internal error (`debug`)
  SUMMARIZER_RUNTIME     the embedded runtime: llama-server (default) or llama-cpp-python (`local_runtime`)
  SUMMARIZER_LOCAL_SLOTS parallel slots of the embedded llama-server (`local_slots`)
  *_API_KEY, *_TOKEN, *_SECRET, *_PASSWORD ...   values the scrubber redacts (`secret_environment_values`)
  (the whole environment is passed on to the local server process: `child_environment`)

Options the CLI reads through typer (`envvar=`: SUMMARIZER_BASE_URL, SUMMARIZER_CASSETTES,
SUMMARIZER_MAX_CHARS, SUMMARIZER_RESPONSE_CACHE) are declared with their options in `cli/`.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

DEFAULT_PROMPT = "brief-v4"
DEFAULT_MODEL = "local/qwen2.5-coder-1.5b"  # the embedded default; must be in local.LOCAL_MODELS
DEFAULT_MAX_CHARS = 200_000  # longest article accepted; --max-chars / SUMMARIZER_MAX_CHARS
MAX_MAX_CHARS = 50_000_000  # the highest --max-chars accepted
MAX_INPUT_BYTES = 5_000_000  # the most bytes read of a file, stdin or a URL (or 4 per character, if more)


def input_byte_limit(max_chars: int) -> int:
    """How many bytes of a file or stdin are read for an article of at most `max_chars`."""
    return max(MAX_INPUT_BYTES, max_chars * 4 + 1024)


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
    # Hooks for callers that run many articles (`summarizer batch`):
    http_transport: Callable[[Any], Any] | None = None  # ModelSpec -> inner httpx transport (response cache)
    local_base_url: str | None = None  # a server already running the local/ model: use it, start none
    local_slots: int = 1  # requests that server decodes at once (passes of an article run in parallel if > 1)

    def cassettes(self) -> Path:
        return self.cassette_dir or default_cassette_dir()

    def effective_base_url(self) -> str | None:
        return self.base_url or os.environ.get("SUMMARIZER_BASE_URL") or None


def openai_api_key() -> str | None:
    return os.environ.get("OPENAI_API_KEY") or None


def ollama_base_url() -> str:
    return os.environ.get("OLLAMA_BASE_URL", "http://127.0.0.1:11434/v1")


def cache_dir() -> Path:
    """``$SUMMARIZER_CACHE_DIR``, else ``$XDG_CACHE_HOME/summarizer``, else
    ``~/.cache/summarizer``. Not created here."""
    explicit = os.environ.get("SUMMARIZER_CACHE_DIR")
    if explicit:
        return Path(explicit).expanduser()
    xdg = os.environ.get("XDG_CACHE_HOME")
    if xdg:
        return Path(xdg).expanduser() / "summarizer"
    return Path.home() / ".cache" / "summarizer"


def data_dir() -> Path:
    """``$SUMMARIZER_DATA_DIR``, else ``$XDG_DATA_HOME/summarizer``, else
    ``~/.local/share/summarizer``."""
    env = os.environ.get("SUMMARIZER_DATA_DIR")
    if env:
        return Path(env).expanduser()
    xdg = os.environ.get("XDG_DATA_HOME")
    base = Path(xdg).expanduser() if xdg else Path.home() / ".local" / "share"
    return base / "summarizer"


def hf_endpoint() -> str | None:
    return os.environ.get("HF_ENDPOINT") or None


def hf_token() -> str | None:
    return os.environ.get("HF_TOKEN") or None


def trace_path() -> str | None:
    """A file to append every raw model answer to (a debugging aid), or None."""
    return os.environ.get("SUMMARIZER_TRACE") or None


_SECRET_ENV = re.compile(r"(?:^|_)(?:API_?KEY|KEY|TOKEN|SECRET|PASSWORD|PASS)$", re.IGNORECASE)


def secret_environment_values() -> list[str]:
    """The values of environment variables named like keys (`OPENAI_API_KEY`, `HF_TOKEN`,
    `*_SECRET`, `*_PASSWORD` ...): the secrets scrubber redacts them wherever they appear."""
    return [value for name, value in os.environ.items() if value and _SECRET_ENV.search(name)]


LOCAL_RUNTIMES = ("llama-server", "llama-cpp-python")
DEFAULT_LOCAL_SLOTS = 4  # measured on 2 cores: see README "Local runtime"


def local_runtime() -> str:
    """``$SUMMARIZER_RUNTIME``: which embedded runtime serves local/ models (default llama-server)."""
    from summarizer.errors import ConfigError

    value = os.environ.get("SUMMARIZER_RUNTIME", "").strip() or LOCAL_RUNTIMES[0]
    if value not in LOCAL_RUNTIMES:
        raise ConfigError(
            f"SUMMARIZER_RUNTIME={value!r} is not a runtime", hint=f"use one of: {', '.join(LOCAL_RUNTIMES)}"
        )
    return value


def local_slots() -> int:
    """Parallel slots of a managed local server: 1 for llama-cpp-python (it has one), else
    ``$SUMMARIZER_LOCAL_SLOTS`` or ``DEFAULT_LOCAL_SLOTS``."""
    from summarizer.errors import ConfigError

    if local_runtime() == "llama-cpp-python":
        return 1
    raw = os.environ.get("SUMMARIZER_LOCAL_SLOTS", "").strip()
    if not raw:
        return DEFAULT_LOCAL_SLOTS
    if not raw.isdigit() or not 1 <= int(raw) <= 64:
        raise ConfigError(f"SUMMARIZER_LOCAL_SLOTS={raw!r} is not a number from 1 to 64")
    return int(raw)


def debug() -> bool:
    return bool(os.environ.get("SUMMARIZER_DEBUG"))


def child_environment() -> dict[str, str]:
    """The environment a child process (the local server) inherits: ours."""
    return dict(os.environ)
