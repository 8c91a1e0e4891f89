"""The local llama.cpp server's lifecycle: start, health-check, reuse, stop, never orphan.

The server is a process that serves a ``local/`` model over an OpenAI-compatible API on
127.0.0.1: llama.cpp's own ``llama-server`` (built once from pinned source, ``_runtime``), or
with ``SUMMARIZER_RUNTIME=llama-cpp-python`` the old wrapper of llama-cpp-python's server
(``summarizer.local._llama_server``). This module owns the two ways to get one and the reuse
between them (the process itself is ``_process``; the port, pid, core and health probes are
``_probes``):

* ``local_server(name)``: a context manager yielding a base URL. It reuses a server started by
  ``summarizer serve`` for the same model when one is running and healthy (and leaves it
  running), else starts one on a free port and stops it on exit, on error and on Ctrl-C.
  ``server_slots(base_url)`` says how many requests it decodes at once.
* ``serve(name)``: the foreground server behind ``summarizer serve``; it records itself in a
  state file in the cache dir so other commands find it, and removes the file on exit.
* ``ManagedServer`` (in ``_process``): the process itself (start, ``restart``, ``stop``), for
  callers that need more than a URL.

Stopping is SIGTERM to the server's process group, a bounded grace period, then SIGKILL (a
stock llama-cpp-python server ignores SIGTERM while it generates). Safety nets: an atexit hook,
SIGTERM/SIGHUP turned into SystemExit while a server is up (so ``finally`` blocks run), and the
server is killed by the kernel when the process that started it dies (``PR_SET_PDEATHSIG``).

llama-server flags, and why (see ``llama_server_command``): ``--parallel N`` slots
(``SUMMARIZER_LOCAL_SLOTS``, default 4: the passes of an article and the articles of a batch
are decoded together, continuous batching) with ``--ctx-size`` = N x the model's context, so
each slot has the context a single sequence had; ``--threads``/``--threads-batch`` = physical
cores; llama.cpp's built-in template of the model's family (``--no-jinja --chat-template
chatml`` for Qwen, ``gemma`` for the Gemma file, which has no template: it puts the system text
before the first user turn, as ``summarizer-gemma`` did), so the prompts are the old runtime's;
``--cache-ram`` bounds the RAM prompt cache; one model per server so each slot's KV cache keeps
the prefix shared by the calls about one article.

OMP_WAIT_POLICY (unless the caller set it) is chosen at start from what the machine is doing
(``_probes.omp_wait_policy``): ACTIVE (spinning threads) on a quiet machine, PASSIVE when
others take 20% or more of the CPU. Measured with Qwen2.5-Coder-1.5B on 2 cores under
llama-cpp-python: on an idle machine spinning OpenMP threads generate 32-36 tokens/s and
sleeping ones 20-22; with 15-70% of the CPU taken by anything else, spinning drops to 2-10
tokens/s (threads spin while the core they wait for is taken) and sleeping keeps 8-20.
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from pathlib import Path

from summarizer.errors import ConfigError, ProviderError
from summarizer.local._catalogue import get_model
from summarizer.local._probes import healthy, physical_cores, pid_alive
from summarizer.local._process import (
    HEALTH_TIMEOUT_S,
    STOP_GRACE_S,
    CommandFactory,
    ManagedServer,
    server_command,
    slug,
)
from summarizer.local._weights import cache_dir, write_json_atomic

__all__ = [
    "HEALTH_TIMEOUT_S",
    "STOP_GRACE_S",
    "ManagedServer",
    "ServerState",
    "find_running",
    "local_server",
    "physical_cores",
    "serve",
    "server_command",
    "server_slots",
]


def state_path(name: str) -> Path:
    """The state file of the `summarizer serve` server for ``name``."""
    return cache_dir() / "servers" / f"{slug(name)}.json"


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
    slots: int = 1  # parallel sequences the server decodes at once


def read_state(name: str) -> ServerState | None:
    try:
        data = json.loads(state_path(name).read_text(encoding="utf-8"))
        return ServerState(**data)
    except (OSError, ValueError, TypeError):
        return None


def _write_state(state: ServerState) -> None:
    path = state_path(state.model)
    path.parent.mkdir(parents=True, exist_ok=True)
    write_json_atomic(path, asdict(state))


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
    if state.model != name or not pid_alive(state.pid):
        if not pid_alive(state.pid):
            with contextlib.suppress(OSError):
                state_path(name).unlink()
        return None
    if n_ctx is not None and state.n_ctx < n_ctx:
        return None
    if not healthy(state.base_url, model=name):
        return None
    return state


def server_slots(base_url: str) -> int:
    """How many requests the local server at ``base_url`` decodes at once (1 if unknown)."""
    from summarizer.local._process import live_servers

    for server in live_servers():
        if server.port is not None and server.base_url == base_url:
            return server.slots
    with contextlib.suppress(OSError):
        for path in (cache_dir() / "servers").glob("*.json"):
            try:
                state = ServerState(**json.loads(path.read_text(encoding="utf-8")))
            except (OSError, ValueError, TypeError):
                continue
            if state.base_url == base_url and pid_alive(state.pid):
                return max(1, state.slots)
    return 1


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
    if not healthy(server.base_url, model=name):  # what answers there must be this model, served by us
        server.stop()
        raise ProviderError(
            f"the server at {server.base_url} does not report {name}: another program answers on port {server.port}",
            hint="choose another --port, or leave it out for a free one",
        )
    state = ServerState(
        model=name,
        pid=server.pid,
        owner_pid=os.getpid(),
        port=server.port,
        n_ctx=server.n_ctx,
        base_url=server.base_url,
        log=str(server.log_path),
        slots=server.slots,
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
