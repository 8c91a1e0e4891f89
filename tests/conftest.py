"""Shared fixtures: a fake model registered through the real provider registry."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from summarizer import models as providers
from summarizer.config import Settings
from tests.fakeserver import FakeModelServer, Responder, register_fake_provider

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

        register_fake_provider(server.base_url)
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
