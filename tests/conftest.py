"""Shared fixtures: a fake model registered through the real provider registry."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from summarizer import models as providers
from summarizer.config import Settings
from tests.fakeserver import FakeModelServer, Responder, register_fake_provider

ROOT = Path(__file__).resolve().parent.parent
ARTICLES = ROOT / "evals" / "datasets" / "articles"


@pytest.fixture(autouse=True)
def _no_user_config(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """No test reads the user's own config file or default model: SUMMARIZER_CONFIG points at a
    file that does not exist (a test that wants one writes it there), SUMMARIZER_MODEL is unset."""
    monkeypatch.setenv("SUMMARIZER_CONFIG", str(tmp_path_factory.mktemp("config") / "config.toml"))
    monkeypatch.delenv("SUMMARIZER_MODEL", raising=False)


@pytest.fixture(autouse=True)
def _temporary_run_log(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test (and every CLI it runs in a subprocess, which inherits the environment)
    records its runs in a temporary run log, never the user's."""
    path = tmp_path / "run-log" / "runs.sqlite"
    monkeypatch.setenv("SUMMARIZER_LOG_DB", str(path))
    return path


@pytest.fixture(autouse=True)
def _temporary_response_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test (and every CLI it runs) keeps model answers in a temporary response cache,
    never the user's: a fake server's answer stored there could otherwise be replayed to a
    later test whose fake server happened to get the same port (CI saw a request never sent)."""
    path = tmp_path / "response-cache"
    monkeypatch.setenv("SUMMARIZER_RESPONSE_CACHE", str(path))
    return path


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


# -- the counted robustness suite (tests/cli/test_robustness.py, issue 10) ----------------------

ROBUSTNESS_CATEGORIES = {"bad_input": "bad inputs", "fault": "faults", "data_loss": "data-loss cases"}
_robustness: dict[str, str] = {}  # nodeid -> category
_robustness_outcomes: dict[str, dict[str, int]] = {
    c: {"tried": 0, "mishandled": 0, "known": 0} for c in ROBUSTNESS_CATEGORIES
}


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "robustness(category): a counted bad input, fault or data-loss case")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        marker = item.get_closest_marker("robustness")
        if marker is not None:
            _robustness[item.nodeid] = marker.args[0]


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    category = _robustness.get(report.nodeid)
    if category is None:
        return
    counts = _robustness_outcomes[category]
    if report.when == "call" or (report.when == "setup" and not report.passed):
        counts["tried"] += 1
        if report.failed:
            counts["mishandled"] += 1
        elif hasattr(report, "wasxfail"):  # a known, not yet fixed case: still mishandled
            counts["mishandled"] += 1
            counts["known"] += 1


def pytest_terminal_summary(terminalreporter: Any) -> None:
    tried = {c: v["tried"] for c, v in _robustness_outcomes.items()}
    if not any(tried.values()):
        return
    mishandled = sum(v["mishandled"] for v in _robustness_outcomes.values())
    known = sum(v["known"] for v in _robustness_outcomes.values())
    parts = ", ".join(f"{tried[c]} {label}" for c, label in ROBUSTNESS_CATEGORIES.items())
    line = f"robustness suite: {parts} tried; {mishandled} mishandled"
    if known:
        line += f" ({known} known, marked xfail)"
    terminalreporter.write_line(line)
