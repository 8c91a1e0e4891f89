"""The server process: argv, spawn, health wait, stop, restart, and the safety nets.

This module owns `ManagedServer`, one llama.cpp server process for one model, started in its
own process group (see `_server` for the flags' reasons and for reuse of `summarizer serve`).
The runtime is llama.cpp's ``llama-server`` (``_runtime``; ``llama_server_command``) unless
``SUMMARIZER_RUNTIME=llama-cpp-python`` selects the old one (``server_command``).
Stopping is SIGTERM to the process group, a bounded grace period, then SIGKILL. Safety nets:
an atexit hook stops every live server, SIGTERM/SIGHUP become SystemExit while a server is
up (so ``finally`` blocks run), and on Linux the server gets SIGKILL from the kernel when the
process that started it dies (``PR_SET_PDEATHSIG``; servers are spawned from one long-lived
thread because the signal follows the spawning thread).
"""

from __future__ import annotations

import atexit
import contextlib
import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from types import FrameType
from typing import Any

from summarizer.config import child_environment, local_runtime, local_slots, local_threads
from summarizer.errors import ConfigError, ProviderError
from summarizer.local._catalogue import get_model
from summarizer.local._probes import (
    free_port,
    healthy,
    llama_cpp_available,
    log_tail,
    omp_wait_policy,
    physical_cores,
    port_in_use,
)
from summarizer.local._runtime import server_binary
from summarizer.local._weights import cache_dir, require_installed

HEALTH_TIMEOUT_S = 180.0
"""Model load on a cold page cache can take a while on a slow disk; a healthy start of the
1.5B model takes 1-3 s."""
STOP_GRACE_S = 3.0
INSTALL_HINT = "pip install 'summarizer[local-legacy]'"

PROMPT_CACHE_MIB = 1024
"""llama-server keeps prompts of idle slots in RAM for reuse (its default allows 8 GiB); an
article's prompt is ~30 MB of KV for the 1.5B model, so 1 GiB holds a batch's recent ones."""

CommandFactory = Callable[[int], list[str]]
"""Builds the server's argv for a port. Tests inject fake servers through this."""


def slug(name: str) -> str:
    """A model name as a file name."""
    return name.replace("/", "_")


def _logs_dir() -> Path:
    return cache_dir() / "logs"


def server_command(name: str, model_path: Path, port: int, n_ctx: int, *, n_threads: int | None = None) -> list[str]:
    """argv of the real server (our wrapper of ``llama_cpp.server``) for ``name``."""
    model = get_model(name)
    threads = n_threads or local_threads() or physical_cores()
    cmd = [
        sys.executable,
        "-m",
        "summarizer.local._llama_server",
        "--model",
        str(model_path),
        "--model_alias",
        name,
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--n_ctx",
        str(n_ctx),
        "--n_threads",
        str(threads),
        "--n_threads_batch",
        str(threads),
        "--n_batch",
        "512",
        "--n_ubatch",
        "512",
        "--logits_all",
        "false",
        "--parent_pid",
        str(os.getpid()),
    ]
    if model.chat_format:
        cmd += ["--chat_format", model.chat_format]
    else:
        # The Gemma GGUF we install has no chat template; use Gemma's turn format, keeping
        # the system message (llama-cpp-python's own "gemma" format drops it).
        cmd += ["--chat_format", "summarizer-gemma"]
    return cmd


def llama_server_command(
    name: str,
    binary: Path,
    model_path: Path,
    port: int,
    n_ctx: int,
    *,
    slots: int,
    n_threads: int | None = None,
) -> list[str]:
    """argv of llama.cpp's ``llama-server`` for ``name``: ``slots`` parallel sequences of
    ``n_ctx`` tokens each (continuous batching), physical cores for prompt and generation, and
    llama.cpp's built-in chat template of the model's family (ChatML for Qwen: what its GGUF's
    template renders for a system and a user message; Gemma's for the Gemma file, which has
    none), not the Jinja engine: llama-server would read ``--chat-template gemma`` as the
    Jinja source "gemma", and the built-in ones render exactly what the old runtime sent."""
    model = get_model(name)
    threads = n_threads or local_threads() or physical_cores()
    cmd = [
        str(binary),
        "--model",
        str(model_path),
        "--alias",
        name,
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--ctx-size",
        str(n_ctx * slots),
        "--parallel",
        str(slots),
        "--threads",
        str(threads),
        "--threads-batch",
        str(threads),
        "--batch-size",
        "512",
        "--ubatch-size",
        "512",
        "--cache-ram",
        str(PROMPT_CACHE_MIB),
        "--fit",
        "off",  # the sizes above are meant, not to be shrunk to "fit"
        "--no-webui",
        "--no-jinja",
        "--chat-template",
        model.chat_format or "gemma",
    ]
    return cmd


def _pdeathsig() -> None:  # pragma: no cover - runs in the child between fork and exec
    """Ask the kernel to SIGKILL this child when its parent (thread) dies (Linux)."""
    parent = os.getppid()
    with contextlib.suppress(Exception):
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL, 0, 0, 0)  # PR_SET_PDEATHSIG
    if os.getppid() != parent:  # the parent died before prctl
        os._exit(1)


class _Spawner:
    """Spawns processes from one daemon thread that lives as long as the process: PDEATHSIG
    fires when the *thread* that forked the child exits, and a batch worker thread may not."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._jobs: list[tuple[Callable[[], Any], threading.Event, list[Any]]] = []
        self._wake = threading.Condition(self._lock)
        self._thread: threading.Thread | None = None

    def run(self, fn: Callable[[], Any]) -> Any:
        done = threading.Event()
        box: list[Any] = []
        with self._wake:
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._loop, name="summarizer-spawner", daemon=True)
                self._thread.start()
            self._jobs.append((fn, done, box))
            self._wake.notify()
        done.wait()
        if isinstance(box[0], BaseException):
            raise box[0]
        return box[0]

    def _loop(self) -> None:
        while True:
            with self._wake:
                while not self._jobs:
                    self._wake.wait()
                fn, done, box = self._jobs.pop(0)
            try:
                box.append(fn())
            except BaseException as exc:  # handed to the caller
                box.append(exc)
            done.set()


_SPAWNER = _Spawner()


# ---------------------------------------------------------------------------------------------
# safety nets

_LIVE: set[ManagedServer] = set()
_LIVE_LOCK = threading.Lock()
_PREV_HANDLERS: dict[int, Any] = {}


def _on_signal(signum: int, frame: FrameType | None) -> None:
    raise SystemExit(128 + signum)


def _install_signal_handlers() -> None:
    if threading.current_thread() is not threading.main_thread() or _PREV_HANDLERS:
        return
    for sig in (signal.SIGTERM, signal.SIGHUP):
        try:
            prev = signal.getsignal(sig)
            if prev is signal.SIG_DFL:
                signal.signal(sig, _on_signal)
                _PREV_HANDLERS[sig] = prev
        except (ValueError, OSError):  # pragma: no cover - not the main interpreter
            pass


def _restore_signal_handlers() -> None:
    if threading.current_thread() is not threading.main_thread():
        return
    for sig, prev in list(_PREV_HANDLERS.items()):
        with contextlib.suppress(ValueError, OSError):
            if signal.getsignal(sig) is _on_signal:
                signal.signal(sig, prev)
        del _PREV_HANDLERS[sig]


def _register(server: ManagedServer) -> None:
    with _LIVE_LOCK:
        _LIVE.add(server)
    _install_signal_handlers()


def _unregister(server: ManagedServer) -> None:
    with _LIVE_LOCK:
        _LIVE.discard(server)
        empty = not _LIVE
    if empty:
        _restore_signal_handlers()


def live_servers() -> list[ManagedServer]:
    with _LIVE_LOCK:
        return list(_LIVE)


@atexit.register
def _stop_all() -> None:
    with _LIVE_LOCK:
        servers = list(_LIVE)
    for server in servers:
        with contextlib.suppress(Exception):
            server.stop()


# ---------------------------------------------------------------------------------------------
# the managed process


class ManagedServer:
    """One server process for one model, started in its own process group."""

    def __init__(
        self,
        name: str,
        *,
        n_ctx: int | None = None,
        port: int | None = None,
        command: CommandFactory | None = None,
        health_timeout: float = HEALTH_TIMEOUT_S,
        grace: float = STOP_GRACE_S,
        env: dict[str, str] | None = None,
        slots: int | None = None,
    ) -> None:
        self.name = name
        self.model = get_model(name) if command is None else None
        self.n_ctx = n_ctx or (self.model.n_ctx if self.model else 8192)
        self.requested_port = port
        self._command = command
        self.health_timeout = health_timeout
        self.grace = grace
        self._env = env
        self.runtime = local_runtime() if command is None else "custom"
        self.slots = slots or (local_slots() if command is None else 1)
        self.proc: subprocess.Popen[bytes] | None = None
        self.port: int | None = None
        self.log_path: Path | None = None
        self.load_s: float | None = None
        """Seconds from spawn to the first healthy answer (model load included)."""

    # -- properties
    @property
    def base_url(self) -> str:
        if self.port is None:
            raise ProviderError(f"the local server for {self.name} is not running")
        return f"http://127.0.0.1:{self.port}/v1"

    @property
    def pid(self) -> int | None:
        return self.proc.pid if self.proc else None

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    # -- lifecycle
    def _argv(self, port: int) -> list[str]:
        if self._command is not None:
            return self._command(port)
        path = require_installed(self.name)  # weights first
        if self.runtime == "llama-server":
            return llama_server_command(self.name, server_binary(), path, port, self.n_ctx, slots=self.slots)
        if not llama_cpp_available():
            raise ConfigError(
                f"SUMMARIZER_RUNTIME=llama-cpp-python, but llama-cpp-python is not installed in {sys.executable}",
                hint=f"{INSTALL_HINT} (builds llama.cpp from source: a few minutes), or unset SUMMARIZER_RUNTIME",
            )
        return server_command(self.name, path, port, self.n_ctx)

    def start(self) -> str:
        """Start the process and wait until it answers; returns the base URL."""
        if self.alive():
            return self.base_url
        attempts = 1 if self.requested_port else 3
        if self.requested_port and port_in_use(self.requested_port):  # whatever answers there is not ours
            raise ProviderError(
                f"port {self.requested_port} on 127.0.0.1 is in use by another program",
                hint="choose another --port, or leave it out for a free one",
            )
        for attempt in range(attempts):
            port = self.requested_port or free_port()
            argv = self._argv(port)
            try:
                self._spawn(argv, port)
                self._wait_healthy()
                return self.base_url
            except _PortInUse:
                if attempt == attempts - 1:
                    raise ProviderError(
                        f"the local server for {self.name} could not bind a port",
                        hint=f"see {self.log_path}",
                    ) from None
        raise AssertionError("unreachable")  # pragma: no cover

    def _spawn(self, argv: list[str], port: int) -> None:
        logs = _logs_dir()
        logs.mkdir(parents=True, exist_ok=True)
        _prune_logs(logs, slug(self.name))
        self.log_path = logs / f"{slug(self.name)}.{port}.log"
        if self._env is None:
            env = child_environment()
            if "OMP_WAIT_POLICY" not in env:
                env["OMP_WAIT_POLICY"] = omp_wait_policy()
            env.setdefault("PYTHONUNBUFFERED", "1")
        else:
            env = dict(self._env)  # exactly what the caller gave
        linux = sys.platform.startswith("linux")
        with self.log_path.open("wb") as log:
            self.proc = _SPAWNER.run(
                lambda: subprocess.Popen(  # noqa: S603 - argv built here
                    argv,
                    stdin=subprocess.DEVNULL,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    env=env,
                    start_new_session=True,  # own process group; the terminal's Ctrl-C is ours
                    close_fds=True,
                    preexec_fn=_pdeathsig if linux else None,  # noqa: PLW1509 - only prctl
                )
            )
        self.port = port
        self._started_at = time.monotonic()
        _register(self)

    def _wait_healthy(self) -> None:
        assert self.proc is not None and self.log_path is not None
        deadline = time.monotonic() + self.health_timeout
        delay = 0.05
        while True:
            code = self.proc.poll()
            if code is not None:
                tail = log_tail(self.log_path)
                self.stop(_keep_log=True)
                if "address already in use" in tail.lower():
                    raise _PortInUse()
                raise ProviderError(
                    f"the local server for {self.name} exited during start-up (code {code}): {tail[-300:]}",
                    hint=f"full log: {self.log_path}",
                )
            if healthy(self.base_url, timeout=1.0):
                self.load_s = time.monotonic() - self._started_at
                return
            if time.monotonic() > deadline:
                tail = log_tail(self.log_path)
                self.stop(_keep_log=True)
                raise ProviderError(
                    f"the local server for {self.name} did not answer within "
                    f"{self.health_timeout:.0f} s: {tail[-300:]}",
                    hint=f"full log: {self.log_path}",
                )
            time.sleep(delay)
            delay = min(delay * 1.5, 0.5)

    def check(self) -> None:
        """Raise ProviderError if the process has died."""
        if self.proc is not None and self.proc.poll() is not None:
            raise self._died_error()

    def _died_error(self) -> ProviderError:
        code = self.proc.returncode if self.proc else None
        tail = log_tail(self.log_path) if self.log_path else ""
        return ProviderError(
            f"the local server for {self.name} stopped unexpectedly (exit code {code}): {tail[-300:]}",
            hint=f"full log: {self.log_path}",
        )

    def stop(self, *, _keep_log: bool = False) -> None:
        """SIGTERM to the process group, ``grace`` seconds, then SIGKILL. Idempotent."""
        proc = self.proc
        if proc is None:
            return
        try:
            if proc.poll() is None:
                _signal_group(proc.pid, signal.SIGTERM)
                with contextlib.suppress(subprocess.TimeoutExpired):
                    proc.wait(timeout=self.grace)
            # The group may hold children even after the leader exited.
            _signal_group(proc.pid, signal.SIGKILL)
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.wait(timeout=5.0)
        finally:
            _unregister(self)
            clean = proc.returncode is not None and not _keep_log
            if clean and self.log_path is not None and self.log_path.exists():
                with contextlib.suppress(OSError):
                    os.replace(self.log_path, self.log_path.with_name(f"{slug(self.name)}.last.log"))
                    self.log_path = self.log_path.with_name(f"{slug(self.name)}.last.log")

    def restart(self) -> str:
        """Kill and start again (a new port unless one was requested); returns the base URL."""
        self.stop()
        self.proc = None
        self.port = None
        return self.start()

    def __enter__(self) -> ManagedServer:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


class _PortInUse(Exception):
    pass


def _prune_logs(logs: Path, stem: str, keep: int = 10) -> None:
    """Logs of servers that did not stop cleanly stay for inspection; keep the newest few. Only
    the logs a server of this model wrote are removed: regular files (a symlink is not followed
    nor removed) named `<stem>.<port>.log`; `<stem>.last.log` and anything else stay."""
    own = re.compile(re.escape(stem) + r"\.[0-9]{1,5}\.log")
    found: list[tuple[float, Path]] = []
    try:
        with os.scandir(logs) as entries:
            for e in entries:
                if own.fullmatch(e.name) and e.is_file(follow_symlinks=False):
                    found.append((e.stat(follow_symlinks=False).st_mtime, Path(e.path)))
    except OSError:
        return
    for _, path in sorted(found, reverse=True)[keep:]:
        with contextlib.suppress(OSError):
            path.unlink()


def _signal_group(pid: int, sig: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, sig)
