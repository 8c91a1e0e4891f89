"""The model registry: a model is a string `provider/model`, resolved here to what a call needs.

Providers:
- `openai/<model>`   OpenAI (key from OPENAI_API_KEY), or any OpenAI-compatible server when
                     `--base-url` / SUMMARIZER_BASE_URL is set (vLLM, Ollama, llama-server ...).
- `ollama/<model>`   an Ollama server (default http://127.0.0.1:11434/v1).
- `llamacpp/<name>`  a llama-cpp-python server you run yourself (needs --base-url).
- `local/<name>`     the embedded models: weights in the cache, server managed by the CLI.
- `<name>/<model>`   a `[providers.<name>]` table of the user's config file: an OpenAI-compatible
                     server (its base_url, its key from the variable named by api_key_env).
                     A table named openai, ollama or llamacpp changes that provider's server/key.

Each provider picks the instructor mode that gives schema-constrained output on that server.
Tests register their own providers (a fake model) through `register`.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from summarizer.config import Settings, ollama_base_url, openai_api_key, provider_api_key, user_config
from summarizer.errors import ConfigError
from summarizer.models._pricing import price_of
from summarizer.models._secrets import register_secret

# Instructor modes by name (instructor is imported lazily, only when a call is made).
#   "json_schema": response_format json_schema (OpenAI structured outputs, vLLM, llama-server)
#   "tools":       function calling (OpenAI)
#   "json_object_schema": response_format {"type": "json_object", "schema": ...}: llama-cpp-python
#                  builds a grammar from the schema (it rejects json_schema with HTTP 500).


@dataclass(frozen=True)
class ModelSpec:
    name: str  # as the user wrote it: "openai/gpt-4o-mini"
    provider: str
    model_id: str  # what goes in the request's "model" field
    mode: str
    base_url: str | None = None
    api_key: str | None = None
    context_tokens: int = 32_000
    max_output_tokens: int = 4_096
    local: bool = False  # served by a managed llama.cpp server (base_url decided at run time)
    price_per_mtok: tuple[float, float] | None = None  # USD per 1M (input, output) tokens
    extra_body: dict[str, object] = field(default_factory=dict)


Factory = Callable[[str, Settings], ModelSpec]
_REGISTRY: dict[str, Factory] = {}


def register(provider: str, factory: Factory) -> None:
    _REGISTRY[provider] = factory


def unregister(provider: str) -> None:
    _REGISTRY.pop(provider, None)


def providers() -> list[str]:
    """The built-in and registered providers, and those of the config file."""
    return sorted({*_REGISTRY, *user_config().providers})


def resolve(name: str, settings: Settings | None = None) -> ModelSpec:
    settings = settings or Settings()
    provider, sep, model = name.partition("/")
    if not sep or not model:
        raise ConfigError(
            f"model {name!r} is not of the form provider/model",
            hint=f"e.g. local/qwen2.5-coder-1.5b or openai/gpt-4o-mini; providers: {', '.join(providers())}",
        )
    factory = _REGISTRY.get(provider)
    if factory is None and provider in user_config().providers:
        factory = _configured(provider)
    if factory is None:
        raise ConfigError(
            f"unknown provider {provider!r} in model {name!r}", hint=f"providers: {', '.join(providers())}"
        )
    spec = factory(model, settings)
    _register_secrets(spec, settings)
    return spec


def _register_secrets(spec: ModelSpec, settings: Settings) -> None:
    """Keys and URL passwords of this model are redacted from everything written or printed."""
    register_secret(spec.api_key)
    register_secret(settings.api_key)
    for url in (spec.base_url, settings.effective_base_url()):
        if url:
            with contextlib.suppress(ValueError):
                register_secret(urlsplit(url).password)


def _configured(provider: str) -> Factory:
    """A provider of the config file: an OpenAI-compatible server, JSON-schema output."""

    def factory(model: str, settings: Settings) -> ModelSpec:
        table = user_config().providers[provider]
        base_url = settings.effective_base_url(provider)
        if base_url is None:
            raise ConfigError(
                f"{provider}/{model}: [providers.{provider}] of the config file has no base_url",
                hint="add base_url, or pass --base-url",
            )
        key = settings.api_key or provider_api_key(provider)
        if table.api_key_env and not key and not settings.offline:
            raise ConfigError(f"{provider}/{model} needs an API key", hint=f"set {table.api_key_env}")
        return ModelSpec(
            name=f"{provider}/{model}",
            provider=provider,
            model_id=model,
            mode="json_schema",
            base_url=base_url,
            api_key=key or "not-needed",
        )

    return factory


def _key_variable(provider: str) -> str:
    table = user_config().providers.get(provider)
    return table.api_key_env if table is not None and table.api_key_env else "OPENAI_API_KEY"


def _openai(model: str, settings: Settings) -> ModelSpec:
    base_url = settings.effective_base_url("openai")
    key = settings.api_key or openai_api_key()
    if base_url is None and not key and not settings.offline:
        raise ConfigError(
            f"openai/{model} needs an API key",
            hint=f"set {_key_variable('openai')}, or --base-url for another OpenAI-compatible server",
        )
    return ModelSpec(
        name=f"openai/{model}",
        provider="openai",
        model_id=model,
        mode="tools" if base_url is None else "json_schema",
        base_url=base_url,
        api_key=key or "not-needed",
        context_tokens=128_000 if base_url is None else 32_000,
        price_per_mtok=price_of(model) if base_url is None else None,
    )


def _ollama(model: str, settings: Settings) -> ModelSpec:
    return ModelSpec(
        name=f"ollama/{model}",
        provider="ollama",
        model_id=model,
        mode="json_schema",
        base_url=settings.effective_base_url("ollama") or ollama_base_url(),
        api_key="ollama",
        context_tokens=8_192,
        price_per_mtok=(0.0, 0.0),
    )


def _llamacpp(model: str, settings: Settings) -> ModelSpec:
    base_url = settings.effective_base_url("llamacpp")
    if base_url is None and not settings.offline:
        raise ConfigError(f"llamacpp/{model} needs --base-url (or SUMMARIZER_BASE_URL)")
    return ModelSpec(
        name=f"llamacpp/{model}",
        provider="llamacpp",
        model_id=model,
        mode="json_object_schema",
        base_url=base_url,
        api_key="not-needed",
        context_tokens=8_192,
        price_per_mtok=(0.0, 0.0),
    )


def _local(model: str, settings: Settings) -> ModelSpec:
    from summarizer import local as localmodels

    name = f"local/{model}"
    if name not in localmodels.LOCAL_MODELS:
        raise ConfigError(
            f"unknown local model {name!r}",
            hint="`summarizer models list` shows them: " + ", ".join(localmodels.LOCAL_MODELS),
        )
    spec = localmodels.LOCAL_MODELS[name]
    return ModelSpec(
        name=name,
        provider="local",
        model_id=model,
        mode="json_object_schema",
        base_url=None,
        api_key="not-needed",
        context_tokens=getattr(spec, "n_ctx", 8_192),
        max_output_tokens=2_048,
        local=True,
        price_per_mtok=(0.0, 0.0),
    )


register("openai", _openai)
register("ollama", _ollama)
register("llamacpp", _llamacpp)
register("local", _local)
