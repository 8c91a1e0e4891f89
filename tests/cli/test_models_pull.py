"""`summarizer models pull`: builds the runtime the first time while the weights download."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from summarizer import local as localmodels
from summarizer.cli import app
from summarizer.errors import ProviderError

runner = CliRunner()
NAME = "local/gemma-3-270m"


@pytest.fixture
def world(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    monkeypatch.setenv("SUMMARIZER_CACHE_DIR", str(tmp_path))
    monkeypatch.delenv("SUMMARIZER_RUNTIME", raising=False)
    seen: dict[str, Any] = {}

    def build_in_background(say: Any) -> Any:
        say("runtime: compiling 50% (10 s)")
        seen["build_started"] = True

        def wait() -> Path:
            if seen.get("fail"):
                raise ProviderError("building the local runtime failed (compiling, exit 2): error: x")
            return tmp_path / "llama-server"

        return wait

    def pull(name: str, *, source: str, progress: Any) -> Path:
        seen["pulled_after_build_started"] = seen.get("build_started", False)
        return tmp_path / "w.gguf"

    monkeypatch.setattr(localmodels, "build_in_background", build_in_background)
    monkeypatch.setattr(localmodels, "runtime_installed", lambda: False)
    monkeypatch.setattr(localmodels, "installed_path", lambda name: None)
    monkeypatch.setattr(localmodels, "pull", pull)
    return seen


def test_the_runtime_builds_while_the_weights_download(world: dict[str, Any]) -> None:
    result = runner.invoke(app, ["models", "pull", NAME])
    assert result.exit_code == 0, result.output
    assert world["pulled_after_build_started"]
    assert "runtime: compiling 50%" in result.output
    assert result.output.strip().endswith("w.gguf")


def test_a_failed_build_is_one_line_and_its_exit_code(world: dict[str, Any]) -> None:
    world["fail"] = True
    result = runner.invoke(app, ["models", "pull", NAME])
    assert result.exit_code == ProviderError.exit_code
    assert "building the local runtime failed" in result.output and "Traceback" not in result.output


def test_the_old_runtime_builds_nothing(world: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SUMMARIZER_RUNTIME", "llama-cpp-python")
    result = runner.invoke(app, ["models", "pull", NAME])
    assert result.exit_code == 0 and "build_started" not in world
