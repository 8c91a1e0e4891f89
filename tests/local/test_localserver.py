"""The managed local server: start, health, stop, crash, reuse of `summarizer serve`.

Offline tests start fake servers (a tiny http.server script written to a temp dir) through
the same code path, via the injectable command. Tests marked `live` run the real
llama-cpp-python server with the smallest model (pulled into the cache if missing).
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from summarizer.errors import ConfigError, ModelNotInstalledError, ProviderError
from summarizer.local import _process as process
from summarizer.local import _server as ls
from summarizer.local._probes import pid_alive
from summarizer.models import httpx

NAME = "local/gemma-3-270m"

FAKE_SERVER = textwrap.dedent(
    """
    import json, os, signal, sys, time
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    port, mode, model = int(sys.argv[1]), sys.argv[2], sys.argv[3]
    if mode == "exit":
        print("fatal: cannot load model", flush=True)
        sys.exit(2)
    if mode == "never":
        time.sleep(3600)
    if mode == "ignore_term":
        signal.signal(signal.SIGTERM, signal.SIG_IGN)

    class H(BaseHTTPRequestHandler):
        def log_message(self, *a):
            pass

        def do_GET(self):
            body = json.dumps({"object": "list", "data": [{"id": model}]}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_POST(self):
            self.rfile.read(int(self.headers.get("Content-Length", 0)))
            if mode == "crash":
                print("segfault while generating", flush=True)
                time.sleep(0.2)
                os._exit(139)
            time.sleep(60)

    print("listening", flush=True)
    ThreadingHTTPServer(("127.0.0.1", port), H).serve_forever()
    """
)


@pytest.fixture(autouse=True)
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "cache"
    monkeypatch.setenv("SUMMARIZER_CACHE_DIR", str(root))
    return root


@pytest.fixture
def fake(tmp_path: Path) -> Callable[..., process.CommandFactory]:
    script = tmp_path / "fake_server.py"
    script.write_text(FAKE_SERVER, encoding="utf-8")

    def factory(mode: str = "ok", model: str = NAME) -> process.CommandFactory:
        return lambda port: [sys.executable, str(script), str(port), mode, model]

    return factory


def _gone(pid: int, within: float = 5.0) -> bool:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if not pid_alive(pid):
            return True
        time.sleep(0.05)
    return False


def test_start_health_and_stop(fake: Callable[..., process.CommandFactory]) -> None:
    with ls.local_server(NAME, command=fake()) as url:
        assert url.startswith("http://127.0.0.1:") and url.endswith("/v1")
        assert httpx.get(f"{url}/models").json()["data"][0]["id"] == NAME
        server_pid = _pid_listening(url)
    assert _gone(server_pid)
    assert not process._LIVE


def _pid_listening(url: str) -> int:
    port = int(url.rsplit(":", 1)[1].split("/")[0])
    for s in list(process._LIVE):
        if s.port == port and s.pid is not None:
            return s.pid
    raise AssertionError("no live managed server on that port")


def test_health_timeout_is_a_clear_error_and_kills_the_process(
    fake: Callable[..., process.CommandFactory],
) -> None:
    server = ls.ManagedServer(NAME, command=fake("never"), health_timeout=1.0, grace=0.5)
    started = time.monotonic()
    with pytest.raises(ProviderError) as info:
        server.start()
    assert time.monotonic() - started < 4.0
    assert "did not answer within 1 s" in info.value.message
    assert str(server.log_path) in info.value.one_line()
    assert server.pid is not None and _gone(server.pid)
    assert not process._LIVE


def test_early_exit_reports_the_log_tail(fake: Callable[..., process.CommandFactory]) -> None:
    with pytest.raises(ProviderError) as info, ls.local_server(NAME, command=fake("exit")):
        pass  # pragma: no cover - never reached
    line = info.value.one_line()
    assert "exited during start-up (code 2)" in line and "cannot load model" in line
    assert "full log:" in line


def test_crash_mid_call_is_a_clear_error_and_leaves_no_process(
    fake: Callable[..., process.CommandFactory],
) -> None:
    pid = None
    with pytest.raises(ProviderError) as info, ls.local_server(NAME, command=fake("crash")) as url:
        pid = _pid_listening(url)
        httpx.post(f"{url}/chat/completions", json={"messages": []}, timeout=10)
    assert "stopped unexpectedly (exit code 139)" in info.value.message
    assert "segfault while generating" in info.value.message
    assert isinstance(info.value.__cause__, httpx.HTTPError)
    assert pid is not None and _gone(pid)
    assert not process._LIVE


def test_sigterm_ignored_then_killed_after_grace(fake: Callable[..., process.CommandFactory]) -> None:
    server = ls.ManagedServer(NAME, command=fake("ignore_term"), grace=0.5)
    server.start()
    pid = server.pid
    assert pid is not None
    started = time.monotonic()
    server.stop()
    assert time.monotonic() - started < 3.0
    assert _gone(pid, within=1.0)


def test_keyboard_interrupt_inside_the_block_stops_the_server(
    fake: Callable[..., process.CommandFactory],
) -> None:
    pid = None
    with pytest.raises(KeyboardInterrupt), ls.local_server(NAME, command=fake()) as url:
        pid = _pid_listening(url)
        raise KeyboardInterrupt
    assert pid is not None and _gone(pid)


def test_restart_gives_a_fresh_process(fake: Callable[..., process.CommandFactory]) -> None:
    with ls.ManagedServer(NAME, command=fake()) as server:
        first = server.pid
        assert first is not None
        url = server.restart()
        assert server.pid != first and _gone(first)
        assert httpx.get(f"{url}/models").status_code == 200


def _start_serve(fake_cmd: list[str], cache: Path) -> subprocess.Popen[str]:
    code = textwrap.dedent(
        f"""
        import sys
        from summarizer.local import _server as ls
        cmd = {fake_cmd!r}
        ls.serve({NAME!r}, command=lambda port: cmd[:2] + [str(port)] + cmd[3:],
                 on_ready=lambda s: print("READY", s.base_url, flush=True))
        """
    )
    env = dict(os.environ, SUMMARIZER_CACHE_DIR=str(cache))
    return subprocess.Popen(
        [sys.executable, "-c", code],
        stdout=subprocess.PIPE,
        text=True,
        env=env,
        cwd=Path(__file__).resolve().parents[2],
    )


def test_serve_state_file_is_reused_by_a_second_caller(
    fake: Callable[..., process.CommandFactory], cache: Path
) -> None:
    cmd = fake()(0)
    proc = _start_serve(cmd, cache)
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        assert line.startswith("READY"), line
        served_url = line.split()[1]
        state = ls.read_state(NAME)
        assert state is not None and state.base_url == served_url
        assert state.owner_pid == proc.pid and pid_alive(state.pid)

        # Another command reuses it, and does not stop it on exit.
        with ls.local_server(NAME) as url:
            assert url == served_url
        assert pid_alive(state.pid)
        assert httpx.get(f"{served_url}/models").status_code == 200

        # A second `serve` for the same model refuses.
        with pytest.raises(ConfigError, match="already served"):
            ls.serve(NAME, command=fake())

        # SIGTERM to `summarizer serve`: state file removed, server gone.
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=10)
        assert not ls.state_path(NAME).exists()
        assert _gone(state.pid)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def test_stale_state_file_is_ignored_and_removed(cache: Path) -> None:
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    path = ls.state_path(NAME)
    path.parent.mkdir(parents=True)
    path.write_text(
        json.dumps(
            {
                "model": NAME,
                "pid": dead.pid,
                "owner_pid": dead.pid,
                "port": 9,
                "n_ctx": 8192,
                "base_url": "http://127.0.0.1:9/v1",
                "log": "x",
            }
        )
    )
    assert ls.find_running(NAME) is None
    assert not path.exists()


def test_state_for_another_model_on_the_port_is_not_reused(
    fake: Callable[..., process.CommandFactory], cache: Path
) -> None:
    with ls.ManagedServer(NAME, command=fake(model="something-else")) as server:
        assert server.pid is not None and server.port is not None
        ls._write_state(
            ls.ServerState(
                model=NAME,
                pid=server.pid,
                owner_pid=os.getpid(),
                port=server.port,
                n_ctx=8192,
                base_url=server.base_url,
                log="x",
            )
        )
        assert ls.find_running(NAME) is None


def test_missing_runtime_is_a_config_error_with_the_install_hint(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("SUMMARIZER_RUNTIME", "llama-cpp-python")
    monkeypatch.setattr(process, "llama_cpp_available", lambda: False)
    monkeypatch.setattr(process, "require_installed", lambda name: Path("/models/installed.gguf"))  # weights present
    with pytest.raises(ConfigError) as info, ls.local_server(NAME):
        pass  # pragma: no cover
    assert "pip install 'summarizer[local-legacy]'" in info.value.one_line()
    assert not isinstance(info.value, ModelNotInstalledError)


def test_missing_weights_name_the_pull_command(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(process, "llama_cpp_available", lambda: True)
    with pytest.raises(ModelNotInstalledError) as info, ls.local_server(NAME):
        pass  # pragma: no cover
    assert f"summarizer models pull {NAME}" in info.value.one_line()
    assert info.value.exit_code == 3


def test_unknown_model() -> None:
    with pytest.raises(ConfigError, match="unknown local model"), ls.local_server("local/x"):
        pass  # pragma: no cover


def test_server_command_flags(tmp_path: Path) -> None:
    qwen = ls.server_command("local/qwen2.5-coder-1.5b", tmp_path / "m.gguf", 1234, 8192, n_threads=2)
    assert qwen[:3] == [sys.executable, "-m", "summarizer.local._llama_server"]
    flags = dict(zip(qwen[3::2], qwen[4::2], strict=False))
    assert flags["--host"] == "127.0.0.1" and flags["--port"] == "1234"
    assert flags["--logits_all"] == "false" and flags["--chat_format"] == "chatml"
    assert flags["--n_threads"] == "2" and flags["--n_ctx"] == "8192"
    assert flags["--model_alias"] == "local/qwen2.5-coder-1.5b"
    assert flags["--parent_pid"] == str(os.getpid())
    gemma = ls.server_command(NAME, tmp_path / "g.gguf", 1, 4096)
    assert gemma[gemma.index("--chat_format") + 1] == "summarizer-gemma"


# ---------------------------------------------------------------------------------------------
# live: the real server with the smallest model


@pytest.fixture(scope="module")
def gemma_installed() -> Path:
    from summarizer.config import local_runtime
    from summarizer.local._weights import installed_path, pull

    if local_runtime() == "llama-cpp-python":
        pytest.importorskip("llama_cpp")
    else:
        from summarizer.local._runtime import build

        build(print)  # once: from pinned source, a few minutes
    return installed_path(NAME) or pull(NAME)


def _busy(base_url: str) -> bool:
    """Is the server still generating (our patched server's status, or llama-server's slots)?"""
    base = base_url.removesuffix("/v1")
    status = httpx.get(f"{base}/summarizer/status")
    if status.status_code == 200:
        return bool(status.json()["busy"])
    return any(slot.get("is_processing") for slot in httpx.get(f"{base}/slots").json())


@pytest.fixture
def real_cache(cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Live tests use the real per-user cache (where the weights are).
    monkeypatch.delenv("SUMMARIZER_CACHE_DIR")
    if os.environ.get("SUMMARIZER_CACHE_DIR_LIVE"):
        monkeypatch.setenv("SUMMARIZER_CACHE_DIR", os.environ["SUMMARIZER_CACHE_DIR_LIVE"])


ARTICLE = (
    "KYIV, March 3 (Reuters) - Russian drones struck an apartment block in Odesa overnight, "
    "killing 12 people including five children, Ukraine's emergency service said on Sunday. "
    "Ukrainian air defences shot down 14 of 17 drones, the air force said."
)


@pytest.mark.live
def test_live_grammar_constrained_call_validates(real_cache: None, gemma_installed: Path) -> None:
    from typing import Literal

    import instructor
    import openai
    from pydantic import BaseModel, Field

    class Figure(BaseModel):
        kind: Literal["killed", "wounded", "drones_launched", "drones_downed"]
        count: int

    class Facts(BaseModel):
        city: Literal["Kyiv", "Odesa", "Kharkiv", "other"]
        attacker: Literal["Russia", "Ukraine", "unknown"]
        figures: list[Figure] = Field(max_length=4)

    schema = Facts.model_json_schema()
    with ls.local_server(NAME) as url:
        client = instructor.from_openai(
            openai.OpenAI(base_url=url, api_key="local", max_retries=0, timeout=120),
            mode=instructor.Mode.JSON,
        )
        facts, completion = client.chat.completions.create_with_completion(
            model=NAME,
            response_model=Facts,
            max_retries=0,
            temperature=0,
            max_tokens=200,
            messages=[
                {"role": "system", "content": f"Extract facts from the article.\n\n{ARTICLE}"},
                {"role": "user", "content": "Return the facts as JSON."},
            ],
            extra_body={"response_format": {"type": "json_object", "schema": schema}},
        )
    assert isinstance(facts, Facts)
    Facts.model_validate_json(completion.choices[0].message.content or "")
    timings = getattr(completion, "timings", None)
    assert isinstance(timings, dict) and timings["predicted_n"] > 0


@pytest.mark.live
def test_live_a_call_the_client_left_does_not_block_the_server(real_cache: None, gemma_installed: Path) -> None:
    """llama-server (0.3.36's llama.cpp) finishes a non-streamed request whose client left, up
    to its token budget (every call of ours has one), in its slot: the other slots still
    answer, and the budget bounds how long the slot stays busy."""
    with ls.ManagedServer(NAME) as server:
        payload = {
            "messages": [{"role": "user", "content": "Count from 1 to 100000, one per line."}],
            "max_tokens": 4000,
            "temperature": 0,
        }
        with pytest.raises(httpx.TimeoutException):
            httpx.post(f"{server.base_url}/chat/completions", json=payload, timeout=1.5)
        started = time.monotonic()
        ok = httpx.post(f"{server.base_url}/chat/completions", timeout=60, json={**payload, "max_tokens": 5})
        assert ok.status_code == 200
        assert time.monotonic() - started < 30  # another slot answered; it did not wait for 4,000 tokens
        assert _busy(server.base_url)  # the left call still holds its slot (bounded by its budget)


@pytest.mark.live
def test_live_stop_while_generating_is_bounded(real_cache: None, gemma_installed: Path) -> None:
    """Stopping a server that is generating takes at most the grace period and a kill."""
    import threading

    with ls.ManagedServer(NAME, grace=3.0) as server:
        payload = {
            "messages": [{"role": "user", "content": "Count from 1 to 100000, one per line."}],
            "max_tokens": 4000,
            "temperature": 0,
        }

        def call() -> None:
            with contextlib.suppress(httpx.HTTPError):
                httpx.post(f"{server.base_url}/chat/completions", json=payload, timeout=60)

        t = threading.Thread(target=call, daemon=True)
        t.start()
        time.sleep(1.5)
        assert server.proc is not None
        pid = server.proc.pid
        started = time.monotonic()
        server.stop()
        assert time.monotonic() - started < 3.0 + 5
        assert _gone(pid, within=5.0)


@pytest.mark.live
def test_live_server_exits_when_its_parent_is_killed(real_cache: None, gemma_installed: Path) -> None:
    code = (
        "from summarizer.local import ManagedServer\n"
        "import time\n"
        f"s = ManagedServer({NAME!r}); s.start(); print(s.pid, flush=True); time.sleep(600)\n"
    )
    parent = subprocess.Popen(
        [sys.executable, "-c", code], stdout=subprocess.PIPE, text=True, cwd=Path(__file__).resolve().parents[2]
    )
    assert parent.stdout is not None
    server_pid = int(parent.stdout.readline())
    parent.kill()  # no atexit, no finally: only the server's own watchdog can help
    parent.wait()
    assert _gone(server_pid, within=10.0), "orphaned server"
