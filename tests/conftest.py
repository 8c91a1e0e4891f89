"""Shared fixtures: a fake model registered through the real provider registry."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from summarizer import providers
from summarizer.providers import ModelSpec
from summarizer.settings import Settings

from .fakeserver import FakeModelServer, Responder

ROOT = Path(__file__).resolve().parent.parent
ARTICLES = ROOT / "evals" / "datasets" / "articles"


@pytest.fixture
def fake_model() -> Iterator[Callable[[Responder], FakeModelServer]]:
    """Start a fake OpenAI-compatible server answering with `responder`; `fake/<anything>`
    then resolves to it through the real registry."""
    servers: list[FakeModelServer] = []

    def start(responder: Responder) -> FakeModelServer:
        server = FakeModelServer(responder).__enter__()
        servers.append(server)

        def factory(model: str, settings: Settings) -> ModelSpec:
            return ModelSpec(
                name=f"fake/{model}",
                provider="fake",
                model_id=model,
                mode="json_object_schema",
                base_url=server.base_url,
                api_key="test-key",
                context_tokens=8_192,
                max_output_tokens=1_024,
                price_per_mtok=(0.0, 0.0),
            )

        providers.register("fake", factory)
        return server

    yield start
    providers.unregister("fake")
    for s in servers:
        s.__exit__(None, None, None)


@pytest.fixture
def fast_settings(tmp_path: Path) -> Settings:
    return Settings(cassette_dir=tmp_path / "cassettes", transport_attempts=3, timeout_s=10.0)


def article_text(name: str) -> str:
    return (ARTICLES / name).read_text(encoding="utf-8")
