"""The package's architecture, enforced: the import-linter contracts of pyproject.toml (only the
CLI imports typer; text processing is pure; batch and evaluation are independent; nothing
imports the llama-cpp-python patch module; the layers), and a fast, small public API."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _lint_imports() -> str | None:
    here = Path(sys.executable).parent / "lint-imports"
    return str(here) if here.exists() else shutil.which("lint-imports")


def test_import_contracts_are_kept() -> None:
    exe = _lint_imports()
    if exe is None:
        pytest.skip("import-linter is not installed (pip install -e '.[dev]')")
    res = subprocess.run([exe, "--no-cache"], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert res.returncode == 0, res.stdout + res.stderr


def test_public_api_is_lazy_and_complete() -> None:
    code = (
        "import sys, summarizer\n"
        "assert 'summarizer.extraction' not in sys.modules, 'import summarizer must stay light'\n"
        "from summarizer import summarize, read_article, SummaryDocument, SummarizerError, InternalError\n"
        "assert InternalError.exit_code == 70 and callable(summarize) and callable(read_article)\n"
        "print(summarizer.__version__)\n"
    )
    res = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert res.returncode == 0, res.stderr
