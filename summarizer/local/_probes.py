"""What the server code asks the machine: a free loopback port, whether a process is alive,
how many physical cores there are, how busy the machine is (``omp_wait_policy``), whether a
server answers, the tail of its log, and whether llama-cpp-python is installed. No state;
nothing here starts or stops anything.
"""

from __future__ import annotations

import importlib.util
import json
import os
import socket
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def port_in_use(port: int) -> bool:
    """Whether something accepts connections on 127.0.0.1:`port`."""
    with socket.socket() as sock:
        sock.settimeout(1.0)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def pid_alive(pid: int) -> bool:
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


def healthy(base_url: str, *, model: str | None = None, timeout: float = 2.0) -> bool:
    """GET /v1/models answers, and (if given) lists ``model``, and the server is not still
    loading its model: llama-server lists the model while it loads and answers every request
    with 503 "Loading model" until its ``/health`` says 200 (a server without ``/health``, such
    as llama-cpp-python's, is judged by /v1/models alone)."""
    try:
        body = _http_json(f"{base_url}/models", timeout=timeout)
    except (OSError, ValueError, urllib.error.URLError):
        return False
    if not isinstance(body, dict):
        return False
    try:
        _http_json(f"{base_url.removesuffix('/v1')}/health", timeout=timeout)
    except urllib.error.HTTPError as e:
        if e.code == 503:
            return False
    except (OSError, ValueError, urllib.error.URLError):
        pass
    if model is None:
        return True
    ids = [d.get("id") for d in body.get("data", []) if isinstance(d, dict)]
    return model in ids


def log_tail(path: Path, lines: int = 3) -> str:
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


BUSY_FOR_PASSIVE = 0.2
"""Share of the CPU taken by others (steal included) above which OpenMP threads should sleep."""


def cpu_busy(interval: float = 0.3) -> float | None:
    """Share of all CPUs busy or stolen over ``interval`` seconds (``/proc/stat``), or None."""

    def sample() -> tuple[int, int]:
        with open("/proc/stat", encoding="ascii") as f:
            fields = [int(x) for x in f.readline().split()[1:]]
        idle = fields[3] + (fields[4] if len(fields) > 4 else 0)  # idle + iowait
        return sum(fields[:8]), idle

    try:
        total0, idle0 = sample()
        time.sleep(interval)
        total1, idle1 = sample()
    except (OSError, ValueError, IndexError):
        return None
    total = total1 - total0
    return None if total <= 0 else 1.0 - (idle1 - idle0) / total


def omp_wait_policy(busy: float | None = None) -> str:
    """OMP_WAIT_POLICY for the server, from what the machine is doing now: ACTIVE (threads
    spin: fastest on a quiet machine) unless others take ``BUSY_FOR_PASSIVE`` of the CPU, then
    PASSIVE (spinning threads wait for cores that are taken). Measured figures: README."""
    busy = cpu_busy() if busy is None else busy
    if busy is None:
        return "PASSIVE"
    return "PASSIVE" if busy >= BUSY_FOR_PASSIVE else "ACTIVE"
