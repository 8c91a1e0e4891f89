"""The local llama.cpp server's lifecycle: start, health-check, reuse, stop, never orphan.

This module owns the process that serves a ``local/`` model over an OpenAI-compatible API on
127.0.0.1 (``summarizer.local._llama_server``, a wrapper of llama-cpp-python's server):

* ``local_server(name)``: a context manager yielding a base URL. It reuses a server started by
  ``summarizer serve`` for the same model when one is running and healthy (and leaves it
  running), else starts one on a free port and stops it on exit, on error and on Ctrl-C.
* ``serve(name)``: the foreground server behind ``summarizer serve``; it records itself in a
  state file in the cache dir so other commands find it, and removes the file on exit.
* ``ManagedServer``: the process itself (start, ``restart``, ``stop``), for callers that need
  more than a URL.

Stopping is SIGTERM to the server's process group, a bounded grace period, then SIGKILL (a
stock llama-cpp-python server ignores SIGTERM while it generates). Safety nets: an atexit hook,
SIGTERM/SIGHUP turned into SystemExit while a server is up (so ``finally`` blocks run), and the
server exits by itself when the process that started it dies (``--parent_pid``).

Server flags, and why (see ``server_command``): ``--logits_all false`` (the stock default keeps
logits for every prompt token: a copy of prompt_len x vocab floats per call, and an
n_ctx x vocab array: 5 GB for Qwen at 8k), ``--n_threads``/``--n_threads_batch`` = physical
cores, the model's chat format (ChatML for Qwen, ``summarizer-gemma`` for Gemma), one model
per server so the KV cache's prefix is reused across the calls about one article, and
OMP_WAIT_POLICY=PASSIVE unless the caller set OMP_WAIT_POLICY. Measured with
Qwen2.5-Coder-1.5B on 2 cores: on an idle machine spinning OpenMP threads generate 32-36
tokens/s and sleeping ones 20-22; but with 15-70% of the CPU taken by anything else, spinning
drops to 2-10 tokens/s (threads spin while the core they wait for is taken) and sleeping
keeps 8-20. We take the robust setting; ``OMP_WAIT_POLICY=ACTIVE`` restores spinning on a
dedicated machine. Grammar sampling is made lazy by ``_llama_server`` itself.
"""

from __future__ import annotations

import atexit
import contextlib
import importlib.util
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from types import FrameType
from typing import Any

from summarizer.config import child_environment
from summarizer.errors import ConfigError, ProviderError
from summarizer.local._weights import cache_dir, get_model, require_installed

__all__ = [
    "HEALTH_TIMEOUT_S",
    "STOP_GRACE_S",
    "ManagedServer",
    "ServerState",
    "find_running",
    "local_server",
    "serve",
    "server_command",
]

HEALTH_TIMEOUT_S = 180.0
"""Model load on a cold page cache can take a while on a slow disk; a healthy start of the
1.5B model takes 1-3 s."""
STOP_GRACE_S = 3.0
INSTALL_HINT = "pip install 'summarizer[local]'"

CommandFactory = Callable[[int], list[str]]
"""Builds the server's argv for a port. Tests inject fake servers through this."""


# ---------------------------------------------------------------------------------------------
# helpers


def _slug(name: str) -> str:
    return name.replace("/", "_")


def _servers_dir() -> Path:
    return cache_dir() / "servers"


def _logs_dir() -> Path:
    return cache_dir() / "logs"


def state_path(name: str) -> Path:
    return _servers_dir() / f"{_slug(name)}.json"


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _pid_alive(pid: int) -> bool:
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # A zombie (exited, not yet reaped) is not alive.
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return True


def physical_cores() -> int:
    """Physical cores this process may run on (llama.cpp is slower on hyper-threads)."""
    try:
        allowed = os.sched_getaffinity(0)
    except AttributeError:  # not Linux
        return max(1, (os.cpu_count() or 2) // 2)
    cores: set[tuple[str, str]] = set()
    try:
        cpu = phys = core = ""
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            for line in f:
                key, _, value = line.partition(":")
                key, value = key.strip(), value.strip()
                if key == "processor":
                    cpu = value
                elif key == "physical id":
                    phys = value
                elif key == "core id":
                    core = value
                elif not key and cpu:
                    if int(cpu) in allowed:
                        cores.add((phys, core or cpu))
                    cpu = phys = core = ""
        if cpu and int(cpu) in allowed:
            cores.add((phys, core or cpu))
    except (OSError, ValueError):
        cores = set()
    return max(1, min(len(cores) or len(allowed), len(allowed)))


def _http_json(url: str, *, timeout: float, data: bytes | None = None) -> Any:
    req = urllib.request.Request(url, data=data, method="POST" if data is not None else "GET")
    if data is not None:
        req.add_header("Content-Type", "application/json")
    with urllib.request.urlopen(req, timeout=timeout) as resp:  # noqa: S310 - loopback only
        return json.loads(resp.read().decode("utf-8"))


def _healthy(base_url: str, *, model: str | None = None, timeout: float = 2.0) -> bool:
    """GET /v1/models answers, and (if given) lists ``model``."""
    try:
        body = _http_json(f"{base_url}/models", timeout=timeout)
    except (OSError, ValueError, urllib.error.URLError):
        return False
    if not isinstance(body, dict):
        return False
    if model is None:
        return True
    ids = [d.get("id") for d in body.get("data", []) if isinstance(d, dict)]
    return model in ids


def _log_tail(path: Path, lines: int = 3) -> str:
    try:
        with path.open("rb") as f:
            f.seek(0, os.SEEK_END)
            f.seek(max(0, f.tell() - 8192))
            text = f.read().decode("utf-8", "replace")
    except OSError:
        return ""
    kept = [ln.strip() for ln in text.splitlines() if ln.strip()]
    return " | ".join(kept[-lines:])


def llama_cpp_available() -> bool:
    return importlib.util.find_spec("llama_cpp") is not None


def server_command(
    name: str, model_path: Path, port: int, n_ctx: int, *, n_threads: int | None = None
) -> list[str]:
    """argv of the real server (our wrapper of ``llama_cpp.server``) for ``name``."""
    model = get_model(name)
    threads = n_threads or physical_cores()
    cmd = [
        sys.executable, "-m", "summarizer.local._llama_server",
        "--model", str(model_path),
        "--model_alias", name,
        "--host", "127.0.0.1",
        "--port", str(port),
        "--n_ctx", str(n_ctx),
        "--n_threads", str(threads),
        "--n_threads_batch", str(threads),
        "--n_batch", "512",
        "--n_ubatch", "512",
        "--logits_all", "false",
        "--parent_pid", str(os.getpid()),
    ]
    if model.chat_format:
        cmd += ["--chat_format", model.chat_format]
    else:
        # The Gemma GGUF we install has no chat template; use Gemma's turn format, keeping
        # the system message (llama-cpp-python's own "gemma" format drops it).
        cmd += ["--chat_format", "summarizer-gemma"]
    return cmd


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
    ) -> None:
        self.name = name
        self.model = get_model(name) if command is None else None
        self.n_ctx = n_ctx or (self.model.n_ctx if self.model else 8192)
        self.requested_port = port
        self._command = command
        self.health_timeout = health_timeout
        self.grace = grace
        self._env = env
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
        path = require_installed(self.name)  # weights first: `models pull` needs no runtime
        if not llama_cpp_available():
            raise ConfigError(
                "the local model runtime (llama-cpp-python) is not installed in "
                f"{sys.executable}",
                hint=f"{INSTALL_HINT} (builds llama.cpp from source: a few minutes)",
            )
        return server_command(self.name, path, port, self.n_ctx)

    def start(self) -> str:
        """Start the process and wait until it answers; returns the base URL."""
        if self.alive():
            return self.base_url
        attempts = 1 if self.requested_port else 3
        for attempt in range(attempts):
            port = self.requested_port or _free_port()
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
        _prune_logs(logs, _slug(self.name))
        self.log_path = logs / f"{_slug(self.name)}.{port}.log"
        if self._env is None:
            env = child_environment()
            env.setdefault("OMP_WAIT_POLICY", "PASSIVE")
            env.setdefault("PYTHONUNBUFFERED", "1")
        else:
            env = dict(self._env)  # exactly what the caller gave
        with self.log_path.open("wb") as log:
            self.proc = subprocess.Popen(  # noqa: S603 - argv built here
                argv,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                env=env,
                start_new_session=True,  # own process group; the terminal's Ctrl-C is ours
                close_fds=True,
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
                tail = _log_tail(self.log_path)
                self.stop(_keep_log=True)
                if "address already in use" in tail.lower():
                    raise _PortInUse()
                raise ProviderError(
                    f"the local server for {self.name} exited during start-up (code {code}): "
                    f"{tail[-300:]}",
                    hint=f"full log: {self.log_path}",
                )
            if _healthy(self.base_url, timeout=1.0):
                self.load_s = time.monotonic() - self._started_at
                return
            if time.monotonic() > deadline:
                tail = _log_tail(self.log_path)
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
        tail = _log_tail(self.log_path) if self.log_path else ""
        return ProviderError(
            f"the local server for {self.name} stopped unexpectedly (exit code {code}): "
            f"{tail[-300:]}",
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
                    os.replace(self.log_path, self.log_path.with_name(
                        f"{_slug(self.name)}.last.log"))
                    self.log_path = self.log_path.with_name(f"{_slug(self.name)}.last.log")

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


def _prune_logs(logs: Path, slug: str, keep: int = 10) -> None:
    """Logs of servers that did not stop cleanly stay for inspection; keep the newest few."""
    try:
        old = sorted(logs.glob(f"{slug}.*.log"), key=lambda p: p.stat().st_mtime, reverse=True)
    except OSError:
        return
    for path in old[keep:]:
        with contextlib.suppress(OSError):
            path.unlink()


def _signal_group(pid: int, sig: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, sig)


# ---------------------------------------------------------------------------------------------
# reuse of `summarizer serve`


@dataclass
class ServerState:
    model: str
    pid: int  # the server process
    owner_pid: int  # the `summarizer serve` process
    port: int
    n_ctx: int
    base_url: str
    log: str


def read_state(name: str) -> ServerState | None:
    try:
        data = json.loads(state_path(name).read_text(encoding="utf-8"))
        return ServerState(**data)
    except (OSError, ValueError, TypeError):
        return None


def _write_state(state: ServerState) -> None:
    path = state_path(state.model)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps(asdict(state)), encoding="utf-8")
    os.replace(tmp, path)


def _remove_state(name: str, pid: int) -> None:
    state = read_state(name)
    if state is not None and state.pid == pid:
        with contextlib.suppress(OSError):
            state_path(name).unlink()


def find_running(name: str, *, n_ctx: int | None = None) -> ServerState | None:
    """The healthy ``summarizer serve`` server for ``name``, if any; stale state is removed."""
    state = read_state(name)
    if state is None:
        return None
    if state.model != name or not _pid_alive(state.pid):
        if not _pid_alive(state.pid):
            with contextlib.suppress(OSError):
                state_path(name).unlink()
        return None
    if n_ctx is not None and state.n_ctx < n_ctx:
        return None
    if not _healthy(state.base_url, model=name):
        return None
    return state


@contextlib.contextmanager
def local_server(
    name: str,
    *,
    n_ctx: int | None = None,
    command: CommandFactory | None = None,
    health_timeout: float = HEALTH_TIMEOUT_S,
) -> Iterator[str]:
    """Yield the base URL of a server for ``name`` (``http://127.0.0.1:PORT/v1``).

    Reuses a running ``summarizer serve`` for the same model (and leaves it running), else
    starts a server and stops it when the block exits, however it exits. If the block fails
    because the server died, the error says so and names the server's log.

    Raises ConfigError (unknown model, llama-cpp-python missing), ModelNotInstalledError
    (weights not pulled) or ProviderError (the server did not start).
    """
    get_model(name)  # unknown names fail first, with the list of known ones
    if command is None and (state := find_running(name, n_ctx=n_ctx)) is not None:
        yield state.base_url
        return
    server = ManagedServer(name, n_ctx=n_ctx, command=command, health_timeout=health_timeout)
    server.start()
    try:
        yield server.base_url
    except Exception as exc:
        if server.proc is not None:
            with contextlib.suppress(subprocess.TimeoutExpired):  # a crashed server may not be reaped yet
                server.proc.wait(timeout=1.0)
            if server.proc.poll() is not None:
                raise server._died_error() from exc
        raise
    finally:
        server.stop()


def serve(
    name: str,
    *,
    port: int | None = None,
    n_ctx: int | None = None,
    on_ready: Callable[[ServerState], None] | None = None,
    command: CommandFactory | None = None,
) -> None:
    """Run a server for ``name`` in the foreground until interrupted (Ctrl-C / SIGTERM).

    Other commands find it through the state file and reuse it. Raises ConfigError if one is
    already running for this model, ProviderError if it fails or stops by itself.
    """
    get_model(name)
    running = find_running(name)
    if running is not None:
        raise ConfigError(
            f"{name} is already served at {running.base_url} (pid {running.owner_pid})",
            hint="use it, or stop that `summarizer serve` first",
        )
    server = ManagedServer(name, n_ctx=n_ctx, port=port, command=command)
    server.start()
    assert server.pid is not None and server.port is not None
    state = ServerState(
        model=name, pid=server.pid, owner_pid=os.getpid(), port=server.port,
        n_ctx=server.n_ctx, base_url=server.base_url, log=str(server.log_path),
    )
    try:
        _write_state(state)
        if on_ready is not None:
            on_ready(state)
        while True:
            assert server.proc is not None
            try:
                server.proc.wait(timeout=1.0)
            except subprocess.TimeoutExpired:
                continue
            raise server._died_error()
    finally:
        _remove_state(name, state.pid)
        server.stop()
