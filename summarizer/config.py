"""Settings, defaults, and the one place that reads environment variables.

`Settings` carries what every command shares (offline replay, recording, endpoints, bounds).
The functions below are the only readers of the process environment in the package; they
read it when called, so a test's `monkeypatch.setenv` takes effect:

  SUMMARIZER_CASSETTES   cassette directory            (`default_cassette_dir`)
  SUMMARIZER_BASE_URL    an OpenAI-compatible server   (`Settings.effective_base_url`)
  SUMMARIZER_MODEL       the default model             (`default_model`)
  SUMMARIZER_CONFIG      the config file               (`config_path`; read by `user_config`)
  OPENAI_API_KEY         the OpenAI key                (`openai_api_key`, `provider_api_key`)
  <api_key_env>          a configured provider's key   (`provider_api_key`)
  OLLAMA_BASE_URL        the Ollama server             (`ollama_base_url`)
  SUMMARIZER_CACHE_DIR, XDG_CACHE_HOME   weights, response cache, server state (`cache_dir`)
  SUMMARIZER_RESPONSE_CACHE              the response cache alone (`response_cache_dir`)
  SUMMARIZER_DATA_DIR     the user data folder, else platformdirs' (`data_dir`)
  SUMMARIZER_LOG_DB       the run log database, else <data folder>/runs.sqlite (`run_log_path`)
  SUMMARIZER_MUC4_DIR     the MUC-4 data, else <data folder>/datasets/muc4 (`muc4_dir`)
  HF_ENDPOINT, HF_TOKEN  Hugging Face downloads        (`hf_endpoint`, `hf_token`)
  SUMMARIZER_TRACE       append every raw model answer to this file (`trace_path`)
  SUMMARIZER_DEBUG       show the traceback of an internal error (`debug`)
  SUMMARIZER_RUNTIME     the embedded runtime: llama-server (default) or llama-cpp-python (`local_runtime`)
  SUMMARIZER_LOCAL_SLOTS parallel slots of the embedded llama-server (`local_slots`)
  SUMMARIZER_PARALLEL_PASSES  passes of one article at once when the server has slots (`parallel_passes`)
  *_API_KEY, *_TOKEN, *_SECRET, *_PASSWORD ...   values the scrubber redacts (`secret_environment_values`)
  (the whole environment is passed on to the local server process: `child_environment`)

Precedence, everywhere: an option > its environment variable > the config file
(`summarizer.config_file`) > the built-in default.

Options the CLI reads through typer (`envvar=`: SUMMARIZER_BASE_URL, SUMMARIZER_CASSETTES,
SUMMARIZER_MAX_CHARS, SUMMARIZER_RESPONSE_CACHE for batch's --cache-dir) are declared with their options in `cli/`.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from summarizer.config_file import UserConfig

DEFAULT_PROMPT = "brief-v13"
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
    record_missing: bool = False  # with record: keep what a cassette holds, record only what it lacks
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
    # The run log (summarizer.runlog), set by the global options --log-db and --no-log:
    log_db: Path | None = None  # None: `run_log_path()`
    no_log: bool = False
    # Hooks for callers that run many articles (`summarizer batch`):
    http_transport: Callable[[Any], Any] | None = None  # ModelSpec -> inner httpx transport (response cache)
    local_base_url: str | None = None  # a server already running the local/ model: use it, start none
    local_slots: int = 1  # requests that server decodes at once (passes of an article run in parallel if > 1)

    def cassettes(self) -> Path:
        return self.cassette_dir or default_cassette_dir()

    def effective_base_url(self, provider: str | None = None) -> str | None:
        """--base-url, else $SUMMARIZER_BASE_URL, else the config file's `[providers.<provider>]`
        base_url, else its `base_url`."""
        explicit = self.base_url or os.environ.get("SUMMARIZER_BASE_URL")
        if explicit:
            return explicit
        config = user_config()
        table = config.providers.get(provider) if provider else None
        return (table.base_url if table else None) or config.base_url


def config_path() -> Path:
    """``$SUMMARIZER_CONFIG``, else ``config.toml`` in the user config folder
    (``$XDG_CONFIG_HOME/summarizer`` or ``~/.config/summarizer`` on Linux)."""
    env = os.environ.get("SUMMARIZER_CONFIG")
    if env:
        return Path(env).expanduser()
    import platformdirs

    return Path(platformdirs.user_config_dir("summarizer", appauthor=False)) / "config.toml"


_loaded: dict[Path, tuple[tuple[int, int], UserConfig]] = {}


def user_config() -> UserConfig:
    """The config file, read again only when it changed (a missing file is an empty config).
    Raises ConfigError when it is malformed."""
    from summarizer.config_file import UserConfig, load_config

    path = config_path()
    try:
        st = path.stat()
        stamp = (st.st_mtime_ns, st.st_size)
    except OSError:
        return UserConfig()
    cached = _loaded.get(path)
    if cached is not None and cached[0] == stamp:
        return cached[1]
    config = load_config(path)
    _loaded[path] = (stamp, config)
    return config


def default_model() -> str:
    """$SUMMARIZER_MODEL, else the config file's `model`, else DEFAULT_MODEL (--model wins over all)."""
    return os.environ.get("SUMMARIZER_MODEL") or user_config().model or DEFAULT_MODEL


def default_model_source() -> str:
    """Where `default_model()` came from: the variable, the config file, or the built-in default."""
    if os.environ.get("SUMMARIZER_MODEL"):
        return "$SUMMARIZER_MODEL"
    return str(config_path()) if user_config().model else "built-in default"


def default_prompt() -> str:
    """The config file's `prompt`, else DEFAULT_PROMPT (--prompt wins)."""
    return user_config().prompt or DEFAULT_PROMPT


def openai_api_key() -> str | None:
    return provider_api_key("openai")


def provider_api_key(provider: str) -> str | None:
    """The key of `provider`: the variable its config table names (`api_key_env`), else
    OPENAI_API_KEY for openai; None when unset."""
    table = user_config().providers.get(provider)
    if table is not None and table.api_key_env:
        return os.environ.get(table.api_key_env) or None
    return os.environ.get("OPENAI_API_KEY") or None if provider == "openai" else None


def env_is_set(name: str) -> bool:
    """Whether the variable `name` holds a value (`models list` shows it; never the value)."""
    return bool(os.environ.get(name))


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


def response_cache_dir() -> Path:
    """``$SUMMARIZER_RESPONSE_CACHE``, else ``<cache_dir>/responses``: the model answers kept
    by batch, summarize and eval."""
    explicit = os.environ.get("SUMMARIZER_RESPONSE_CACHE")
    return Path(explicit).expanduser() if explicit else cache_dir() / "responses"


def data_dir() -> Path:
    """``$SUMMARIZER_DATA_DIR``, else the user data folder of platformdirs
    (``$XDG_DATA_HOME/summarizer`` or ``~/.local/share/summarizer`` on Linux,
    ``~/Library/Application Support/summarizer`` on macOS). Not created here."""
    env = os.environ.get("SUMMARIZER_DATA_DIR")
    if env:
        return Path(env).expanduser()
    import platformdirs

    return Path(platformdirs.user_data_dir("summarizer", appauthor=False))


def run_log_path(explicit: Path | None = None) -> Path:
    """The run log database: `explicit` (--log-db), else ``$SUMMARIZER_LOG_DB``, else
    ``<data_dir()>/runs.sqlite``."""
    if explicit is not None:
        return explicit.expanduser()
    env = os.environ.get("SUMMARIZER_LOG_DB")
    if env:
        return Path(env).expanduser()
    return data_dir() / "runs.sqlite"


def muc4_dir() -> Path:
    """``$SUMMARIZER_MUC4_DIR``, else ``<data_dir()>/datasets/muc4``: the MUC-4 documents and
    GRIT's predictions (`evals/muc4_fetch.py` puts them there). Not created here."""
    env = os.environ.get("SUMMARIZER_MUC4_DIR")
    return Path(env).expanduser() if env else data_dir() / "datasets" / "muc4"


def hf_endpoint() -> str | None:
    return os.environ.get("HF_ENDPOINT") or None


def hf_token() -> str | None:
    return os.environ.get("HF_TOKEN") or None


def trace_path() -> str | None:
    """A file to append every raw model answer to (a debugging aid), or None."""
    return os.environ.get("SUMMARIZER_TRACE") or None


# What an API key or a bearer token looks like: never written, never printed (the scrubber,
# `summarizer.models.scrub_secrets`), never accepted where a variable's name belongs
# (`looks_like_token`, for the config file's api_key_env).
SECRET_PATTERNS = re.compile(
    r"\bsk-[A-Za-z0-9_\-]{16,}"  # OpenAI (sk-, sk-proj-), Anthropic (sk-ant-) ...
    r"|\bBearer\s+[A-Za-z0-9._~+/\-]{8,}=*"
    r"|\bAIza[0-9A-Za-z_\-]{30,}"  # Google API keys
    r"|\borg-[A-Za-z0-9]{16,}"  # OpenAI organisation ids
    r"|\bproj_[A-Za-z0-9]{16,}"  # OpenAI project ids
    r"|\bhf_[A-Za-z0-9]{20,}"  # Hugging Face tokens
    r"|\bgh[pousr]_[A-Za-z0-9]{20,}|\bgithub_pat_[A-Za-z0-9_]{20,}"  # GitHub tokens
    r"|\bglpat-[A-Za-z0-9_\-]{20,}"  # GitLab tokens
    r"|\bxox[abprs]-[A-Za-z0-9\-]{10,}"  # Slack tokens
)


def looks_like_token(value: str) -> bool:
    """Whether `value` looks like a key or token rather than the name of an environment
    variable: a known token shape (`SECRET_PATTERNS`), or a long run of mixed-case letters and
    digits (a variable's name is short words, usually in capitals, joined by _)."""
    if SECRET_PATTERNS.search(value):
        return True
    for run in re.split(r"[_\-.]", value):
        mixed = any(c.islower() for c in run) and any(c.isupper() for c in run) and any(c.isdigit() for c in run)
        if len(run) >= 20 and mixed:
            return True
    return len(value) >= 40 and len(set(value)) >= 20


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


def parallel_passes() -> bool:
    """``$SUMMARIZER_PARALLEL_PASSES`` = 1: send the passes of one article that do not depend on
    each other at once when the server has slots. Off by default: on two CPU cores each slot
    reads the article's prompt again (slots do not share a prompt cache), which cost more than
    it saved (2,104-word article: 147 s wall in parallel against 100 s one after another); a
    server with spare compute (a GPU, vLLM) is where it pays."""
    return os.environ.get("SUMMARIZER_PARALLEL_PASSES", "").strip() in ("1", "true", "yes")


def local_threads() -> int | None:
    """``$SUMMARIZER_LOCAL_THREADS``: threads of a managed local server (default: the physical
    cores). On a machine shared with other work, fewer threads than cores can be faster: a
    thread that waits at a barrier for one the scheduler took away wastes its whole slice
    (measured: gemma-3-270m generated 2-3 tokens/s with 2 threads and 7-8 with 1 on two busy cores)."""
    from summarizer.errors import ConfigError

    raw = os.environ.get("SUMMARIZER_LOCAL_THREADS", "").strip()
    if not raw:
        return None
    if not raw.isdigit() or int(raw) < 1:
        raise ConfigError(f"SUMMARIZER_LOCAL_THREADS={raw!r} is not a number of threads", hint="use 1, 2, ...")
    return int(raw)


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
