"""The user's config file: a small TOML file of defaults, read and checked here.

Where it is and when it is read is `summarizer.config`'s business (`config_path`, `user_config`:
``$SUMMARIZER_CONFIG``, else ``config.toml`` in the platform's user config folder). What it may
hold::

    model = "openai/gpt-4o-mini"          # the default model (after --model and $SUMMARIZER_MODEL)
    base_url = "http://gpu:8000/v1"       # the default server (after --base-url and $SUMMARIZER_BASE_URL)
    prompt = "brief-v13"                  # the default prompt version (after --prompt)

    [providers.vllm]                      # `vllm/<model>`: an OpenAI-compatible server
    base_url = "http://gpu:8000/v1"
    api_key_env = "VLLM_API_KEY"          # the NAME of the variable holding the key, never the key

A table named like a built-in remote provider (openai, ollama, llamacpp) changes its server
or key variable. Anything else (an unknown key, a key itself, a bad URL) is a ConfigError
naming the file and the key, so that a typo is never silently ignored.
"""

from __future__ import annotations

import os
import re
import tomllib
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from summarizer.config import looks_like_token
from summarizer.errors import ConfigError, InputError

BUILTIN_REMOTE = ("openai", "ollama", "llamacpp")  # providers a [providers.NAME] table may adjust
_PROVIDER_NAME = re.compile(r"[a-z0-9][a-z0-9_.-]*")
_ENV_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
KNOWN_KEYS = "model, base_url, prompt, providers.NAME.base_url, providers.NAME.api_key_env"
MAX_CONFIG_BYTES = 1_000_000  # a config file is a few lines; anything larger is not one
_KEYLIKE = ("api_key", "key", "token", "secret", "password")


def _check_url(value: str | None) -> str | None:
    if value is not None and not re.match(r"https?://[^\s/]+", value):
        raise ValueError(f"not an http(s) URL: {value[:60]!r}")
    return value


class ProviderConfig(BaseModel):
    """A `[providers.NAME]` table: an OpenAI-compatible server reached as `NAME/<model>`."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    base_url: str | None = Field(default=None, description="The server's OpenAI-compatible base URL (…/v1).")
    api_key_env: str | None = Field(
        default=None, description="The name of the environment variable that holds the key (never the key itself)."
    )

    @field_validator("base_url")
    @classmethod
    def _url(cls, value: str | None) -> str | None:
        return _check_url(value)

    @field_validator("api_key_env")
    @classmethod
    def _env_name(cls, value: str | None) -> str | None:
        if value is not None and (looks_like_token(value) or not _ENV_NAME.fullmatch(value)):
            raise ValueError("must be the name of an environment variable (letters, digits, _), not a key")
        return value


class UserConfig(BaseModel):
    """The whole file. Every key is optional; an empty or missing file is `UserConfig()`."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    model: str | None = Field(default=None, description="The default model, provider/model.")
    base_url: str | None = Field(default=None, description="The default OpenAI-compatible server.")
    prompt: str | None = Field(default=None, description="The default prompt version.")
    providers: dict[str, ProviderConfig] = Field(
        default_factory=dict, description="Named OpenAI-compatible servers: `NAME/<model>`."
    )

    @field_validator("base_url")
    @classmethod
    def _url(cls, value: str | None) -> str | None:
        return _check_url(value)

    @field_validator("model")
    @classmethod
    def _model_shape(cls, value: str | None) -> str | None:
        if value is not None and "/" not in value:
            raise ValueError(f"not of the form provider/model: {value!r}")
        return value

    @field_validator("providers")
    @classmethod
    def _provider_names(cls, value: dict[str, ProviderConfig]) -> dict[str, ProviderConfig]:
        for name in value:
            if name == "local":
                raise ValueError("'local' is the embedded models' provider: it has no server to configure")
            if not _PROVIDER_NAME.fullmatch(name):
                raise ValueError(f"provider name {name!r}: use lowercase letters, digits, '.', '_' or '-'")
        return value


def _no_keys(data: dict[str, Any], path: Path) -> None:
    """A key written into the file is refused before anything else, without echoing it."""
    tables = [("", data)] + [
        (f"providers.{name}.", table)
        for name, table in (data.get("providers") or {}).items()
        if isinstance(table, dict)
    ]
    for prefix, table in tables:
        for key in table:
            if key.lower() in _KEYLIKE:
                raise ConfigError(
                    f"{path}: {prefix}{key}: a key does not go in the config file",
                    hint="set api_key_env to the name of the environment variable that holds it",
                )


def load_config(path: Path) -> UserConfig:
    """The config at `path` (a missing file is an empty config). Raises ConfigError, one line,
    naming the file and the offending key."""
    from summarizer.files import read_regular

    if not os.path.lexists(path):
        return UserConfig()
    try:  # a FIFO or a device is refused, never read (no hang, no unbounded read)
        raw = read_regular(path, MAX_CONFIG_BYTES, label=f"{path}: the config file")
    except InputError as exc:
        raise ConfigError(exc.message) from None
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise ConfigError(f"{path}: the config file is not UTF-8 text") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None
    _no_keys(data, path)
    try:
        return UserConfig.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"]) or "(top level)"
        message = str(first["msg"]).removeprefix("Value error, ")
        if first["type"] == "extra_forbidden":
            message = f"unknown key (known: {KNOWN_KEYS})"
        raise ConfigError(f"{path}: {where}: {message}") from None
