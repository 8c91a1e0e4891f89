"""Running the installed `summarizer` command as a subprocess, the way a user does, and the
repository's scripts (`bench/`, `evals/`) as modules."""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parent.parent


def load_script(relative: str, *, register: bool = False) -> ModuleType:
    """A script of the repository ("evals/record.py") imported as a module by its path, named by
    its stem; `register` also puts it in `sys.modules` (dataclasses of the script need it)."""
    path = ROOT / relative
    spec = importlib.util.spec_from_file_location(path.stem, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    if register:
        sys.modules.setdefault(path.stem, module)
    spec.loader.exec_module(module)
    return module


def summarizer_bin() -> str:
    """The venv's console script next to this interpreter, else the one on PATH."""
    candidate = Path(sys.executable).parent / "summarizer"
    if candidate.exists():
        return str(candidate)
    found = shutil.which("summarizer")
    if found is None:  # pragma: no cover
        raise RuntimeError("the summarizer command is not installed")
    return found


def summarizer_cli(
    *args: str,
    env: dict[str, str] | None = None,
    drop_env: tuple[str, ...] = (),
    stdin: bytes | None = None,
    timeout: float = 60,
    cwd: Path | None = None,
    user: str | None = None,
    drop_dac: bool = False,
) -> subprocess.CompletedProcess[str]:
    """Run `summarizer ARGS`; returns the completed process (text stdout/stderr).

    `user` runs it as that user (through setpriv; the caller must be root). `drop_dac` runs it
    without the capabilities that let root read any file (dac_override, dac_read_search), as
    the same user: it still reaches the venv wherever the clone lives."""
    full_env = {k: v for k, v in os.environ.items() if k not in drop_env}
    full_env.setdefault("NO_COLOR", "1")
    full_env.update(env or {})
    cmd = [summarizer_bin(), *args]
    if user is not None:
        cmd = ["setpriv", f"--reuid={user}", f"--regid={user}", "--clear-groups", "--", *cmd]
    if drop_dac:
        caps = "-dac_override,-dac_read_search"
        cmd = ["setpriv", f"--inh-caps={caps}", f"--bounding-set={caps}", "--", *cmd]
    proc = subprocess.run(cmd, input=stdin, capture_output=True, timeout=timeout, env=full_env, cwd=str(cwd or ROOT))
    return subprocess.CompletedProcess(
        proc.args, proc.returncode, proc.stdout.decode("utf-8", "replace"), proc.stderr.decode("utf-8", "replace")
    )
