"""The llama-server runtime, offline: its argv, the pinned-version check, the build's steps
and progress, the lifecycle of a (fake) binary, no orphan when the parent dies, and the
settings that choose runtime, slots and thread wait policy."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest

from summarizer import config
from summarizer.errors import ConfigError
from summarizer.local import _process as process
from summarizer.local import _runtime as runtime
from summarizer.local import _server as ls
from summarizer.local._probes import omp_wait_policy, pid_alive

from .test_localserver import FAKE_SERVER, NAME, _gone


@pytest.fixture(autouse=True)
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "cache"
    monkeypatch.setenv("SUMMARIZER_CACHE_DIR", str(root))
    monkeypatch.delenv("SUMMARIZER_RUNTIME", raising=False)
    monkeypatch.delenv("SUMMARIZER_LOCAL_SLOTS", raising=False)
    return root


def _script(path: Path, body: str) -> Path:
    path.write_text(f"#!{sys.executable}\n" + textwrap.dedent(body), encoding="utf-8")
    path.chmod(0o755)
    return path


def _fake_llama_server(tmp_path: Path, tag: str = runtime.BUILD_TAG) -> Path:
    """A stand-in for llama-server: `--version`, and the fake HTTP server on --port/--alias."""
    (tmp_path / "fake_server.py").write_text(FAKE_SERVER, encoding="utf-8")
    return _script(
        tmp_path / "llama-server",
        f"""
        import os, sys
        args = sys.argv[1:]
        if args == ["--version"]:
            print("version: 0 ({tag})")
            print("built with GNU 12.2.0 for Linux x86_64")
            sys.exit(0)
        opt = dict(zip(args[::2], args[1::2]))
        fake = os.path.join(os.path.dirname(__file__), "fake_server.py")
        os.execv(sys.executable, [sys.executable, fake, opt["--port"], "ok", opt["--alias"]])
    """,
    )


def test_llama_server_flags(tmp_path: Path) -> None:
    argv = process.llama_server_command(
        "local/qwen2.5-coder-1.5b", tmp_path / "llama-server", tmp_path / "m.gguf", 1234, 8192, slots=4, n_threads=2
    )
    assert argv[0] == str(tmp_path / "llama-server")
    flags = dict(zip(argv[1::2], argv[2::2], strict=False))
    assert flags["--host"] == "127.0.0.1" and flags["--port"] == "1234"
    assert flags["--alias"] == "local/qwen2.5-coder-1.5b"
    assert flags["--parallel"] == "4" and flags["--ctx-size"] == str(4 * 8192)  # 8192 per slot
    assert flags["--threads"] == flags["--threads-batch"] == "2"
    assert flags["--chat-template"] == "chatml" and "--no-jinja" in argv  # built-in, as the old runtime sent
    gemma = process.llama_server_command(NAME, tmp_path / "s", tmp_path / "g.gguf", 1, 4096, slots=1)
    assert gemma[gemma.index("--chat-template") + 1] == "gemma"  # the file has no template


def test_the_pinned_build_passes_the_version_check(tmp_path: Path) -> None:
    runtime.check_version(_fake_llama_server(tmp_path))


def test_another_build_is_refused_in_one_line(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as info:
        runtime.check_version(_fake_llama_server(tmp_path, tag="b6000-abc123"))
    line = info.value.one_line()
    assert "\n" not in line and runtime.BUILD_TAG in line and "b6000-abc123" in line


def test_a_missing_runtime_names_the_command_that_builds_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(process, "require_installed", lambda name: Path("/models/installed.gguf"))
    with pytest.raises(ConfigError) as info, ls.local_server(NAME):
        pass  # pragma: no cover
    assert "summarizer models pull" in info.value.one_line()


def test_managed_llama_server_starts_reports_its_slots_and_stops(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake = _fake_llama_server(tmp_path)
    monkeypatch.setattr(process, "server_binary", lambda: fake)
    monkeypatch.setattr(process, "require_installed", lambda name: tmp_path / "m.gguf")
    monkeypatch.setenv("SUMMARIZER_LOCAL_SLOTS", "3")
    with ls.local_server(NAME) as url:
        assert ls.server_slots(url) == 3
        (server,) = process.live_servers()
        pid = server.pid
        assert pid is not None and pid_alive(pid)
    assert _gone(pid)
    assert ls.server_slots(url) == 1  # no longer known


def test_the_server_dies_with_its_parent(tmp_path: Path) -> None:
    (tmp_path / "fake_server.py").write_text(FAKE_SERVER, encoding="utf-8")
    code = textwrap.dedent(f"""
        import sys, threading, time
        from summarizer.local import ManagedServer
        cmd = lambda port: [sys.executable, {str(tmp_path / "fake_server.py")!r}, str(port), "ok", {NAME!r}]
        box = []
        # started from a thread that ends at once: the kernel's parent-death signal must not follow it
        t = threading.Thread(target=lambda: box.append(ManagedServer({NAME!r}, command=cmd)))
        t.start(); t.join()
        t = threading.Thread(target=box[0].start); t.start(); t.join()
        print(box[0].pid, flush=True)
        time.sleep(600)
    """)
    parent = subprocess.Popen(
        [sys.executable, "-c", code], stdout=subprocess.PIPE, text=True, cwd=Path(__file__).resolve().parents[2]
    )
    assert parent.stdout is not None
    server_pid = int(parent.stdout.readline())
    time.sleep(0.5)
    assert pid_alive(server_pid), "killed when the starting thread ended"
    parent.kill()  # no atexit, no finally
    parent.wait()
    assert _gone(server_pid, within=5.0), "orphaned server"


def test_build_runs_cmake_with_progress_and_installs_the_checked_binary(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "src" / "common").mkdir(parents=True)
    grammar = tmp_path / "src" / "common" / "json-schema-to-grammar.cpp"
    grammar.write_text(runtime._SPACE_RULE_FROM + "\n", encoding="utf-8")
    fake = _fake_llama_server(tmp_path)
    cmake = _script(
        tmp_path / "cmake",
        f"""
        import os, shutil, sys
        args = sys.argv[1:]
        if args[0] == "--build":
            for p in (10, 50, 100):
                print(f"[{{p:3d}}%] Building CXX object x.o", flush=True)
            os.makedirs(os.path.join(args[1], "bin"), exist_ok=True)
            shutil.copy({str(fake)!r}, os.path.join(args[1], "bin", "llama-server"))
        else:
            print("-- Configuring done")
    """,
    )
    monkeypatch.setattr(runtime, "_cmake", lambda: str(cmake))
    monkeypatch.setattr(runtime, "_download_sdist", lambda dest, say: dest / "sdist.tar.gz")
    monkeypatch.setattr(runtime, "_extract", lambda sdist, dest: tmp_path / "src")
    lines: list[str] = []
    monkeypatch.setattr(runtime, "_run_logged", _every_line(runtime._run_logged))
    path = runtime.build(lines.append, jobs=2)
    assert path == runtime.binary_path() and path.is_file()
    assert runtime.installed()
    assert any("compiling 100%" in line for line in lines)
    assert lines[-1].startswith("runtime: llama-server built in")
    assert runtime.build(lines.append) == path  # built once
    assert runtime._SPACE_RULE_TO in grammar.read_text(encoding="utf-8")  # the source was patched first


def _every_line(run):  # type: ignore[no-untyped-def]
    return lambda argv, log, say, label: run(argv, log, say, label, every_s=0.0)


def test_build_commands_build_only_the_server_on_all_cores() -> None:
    configure, compile_ = runtime.build_command("cmake", Path("/s"), Path("/b"), 2)
    assert "-DGGML_NATIVE=ON" in configure and "-DBUILD_SHARED_LIBS=OFF" in configure
    assert "-DLLAMA_USE_PREBUILT_UI=OFF" in configure  # no download at build time
    assert f"-DLLAMA_BUILD_COMMIT={runtime.BUILD_TAG}" in configure
    assert f"-DCMAKE_PROJECT_llama.cpp_INCLUDE={runtime.TUNING}" in configure and runtime.TUNING.is_file()
    assert compile_[-4:] == ["--target", "llama-server", "-j", "2"]
    assert "-G" not in configure  # make without ninja
    configure, _ = runtime.build_command("cmake", Path("/s"), Path("/b"), 2, ninja="/usr/bin/ninja")
    assert configure[configure.index("-G") + 1] == "Ninja" and "-DCMAKE_MAKE_PROGRAM=/usr/bin/ninja" in configure


def test_build_progress_reads_make_and_ninja_lines(tmp_path: Path) -> None:
    lines: list[str] = []
    for out in ("[ 45%] Building CXX object a.o", "[87/174] Building CXX object a.o"):
        argv = [sys.executable, "-c", f"print({out!r})"]
        runtime._run_logged(argv, tmp_path / "log", lines.append, "compiling", every_s=0.0)
    assert [line.split(" (")[0] for line in lines] == ["runtime: compiling 45%", "runtime: compiling 50%"]


def test_runtime_and_slots_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    assert config.local_runtime() == "llama-server"
    assert config.local_slots() == config.DEFAULT_LOCAL_SLOTS
    monkeypatch.setenv("SUMMARIZER_LOCAL_SLOTS", "2")
    assert config.local_slots() == 2
    monkeypatch.setenv("SUMMARIZER_RUNTIME", "llama-cpp-python")
    assert config.local_slots() == 1  # one slot there
    monkeypatch.setenv("SUMMARIZER_RUNTIME", "vllm")
    with pytest.raises(ConfigError, match="SUMMARIZER_RUNTIME"):
        config.local_runtime()
    monkeypatch.setenv("SUMMARIZER_RUNTIME", "llama-server")
    monkeypatch.setenv("SUMMARIZER_LOCAL_SLOTS", "0")
    with pytest.raises(ConfigError, match="SUMMARIZER_LOCAL_SLOTS"):
        config.local_slots()


def test_wait_policy_follows_what_the_machine_is_doing() -> None:
    assert omp_wait_policy(busy=0.05) == "ACTIVE"
    assert omp_wait_policy(busy=0.6) == "PASSIVE"


def test_an_interrupted_build_leaves_no_compiler(tmp_path: Path) -> None:
    proc = subprocess.Popen(["sleep", "60"], start_new_session=True, text=True)
    runtime._RUNNING.add(proc)  # type: ignore[arg-type]
    runtime._stop_builds()
    assert proc.wait(timeout=5) == -signal.SIGKILL
    runtime._RUNNING.discard(proc)  # type: ignore[arg-type]


def test_the_spawner_thread_outlives_callers() -> None:
    got: list[int] = []
    t = threading.Thread(target=lambda: got.append(process._SPAWNER.run(os.getpid)))
    t.start()
    t.join()
    assert got == [os.getpid()]
    assert process._SPAWNER._thread is not None and process._SPAWNER._thread.is_alive()


def test_the_grammar_whitespace_patch(tmp_path: Path) -> None:
    """The one change to the pinned source: llama-cpp-python's compact whitespace rule, or no build."""
    from summarizer.errors import ProviderError
    from summarizer.local._runtime import _SPACE_RULE_FROM, _SPACE_RULE_TO, _patch_source

    source = tmp_path / "src"
    (source / "common").mkdir(parents=True)
    cpp = source / "common" / "json-schema-to-grammar.cpp"
    cpp.write_text(f"// before\n{_SPACE_RULE_FROM}\n// after\n", encoding="utf-8")
    _patch_source(source)
    assert cpp.read_text(encoding="utf-8") == f"// before\n{_SPACE_RULE_TO}\n// after\n"
    assert 'SPACE_RULE = "\\" \\"?";' in _SPACE_RULE_TO  # space ::= " "?
    with pytest.raises(ProviderError):
        _patch_source(source)  # already patched, or another source: refused


def test_passes_of_one_article_run_at_once_only_when_asked(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SUMMARIZER_PARALLEL_PASSES", raising=False)
    assert not config.parallel_passes()  # on two cores each slot would read the article again
    monkeypatch.setenv("SUMMARIZER_PARALLEL_PASSES", "1")
    assert config.parallel_passes()


def _fake_llama_cpp(root: Path, targets: dict[str, list[str]]) -> Path:
    """A CMake project named like llama.cpp with the given library targets and sources."""
    lines = ["cmake_minimum_required(VERSION 3.21)", "project(llama.cpp CXX)"]
    for target, sources in targets.items():
        sub = root / target
        sub.mkdir(parents=True)
        for n, src in enumerate(sources):
            (sub / src).write_text(f"int {target.replace('-', '_')}_{n}() {{ return {n}; }}\n", encoding="utf-8")
        (sub / "CMakeLists.txt").write_text(f"add_library({target} STATIC {' '.join(sources)})\n", encoding="utf-8")
        lines.append(f"add_subdirectory({target})")
    (root / "CMakeLists.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return root


@pytest.mark.skipif(not shutil.which("cmake"), reason="needs cmake")
def test_build_tuning_groups_cold_targets_and_keeps_the_named_sources_apart(tmp_path: Path) -> None:
    many = [f"s{i}.cpp" for i in range(8)]
    source = _fake_llama_cpp(
        tmp_path / "src",
        {
            "llama-common": ["json.cpp", *many],
            "server-context": ["a.cpp"],
            "llama-server-impl": ["b.cpp"],
            "mtmd": ["mtmd.cpp", "mtmd-helper.cpp", "mtmd-helper-gen.cpp"],
            "cpp-httplib": ["httplib.cpp"],
            "llama": ["llama.cpp", "llama-grammar.cpp"],
        },
    )
    configure, _ = runtime.build_command("cmake", source, tmp_path / "build", 2)
    proc = subprocess.run(configure, capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "llama-common at -O1, 8 sources in unity groups of 6" in proc.stdout
    build = tmp_path / "build"
    common = (build / "llama-common/CMakeFiles/llama-common.dir/Unity").glob("*.cxx")
    grouped = "".join(p.read_text(encoding="utf-8") for p in common)
    assert "s0.cpp" in grouped and "s7.cpp" in grouped and "json.cpp" not in grouped
    mtmd = "".join(p.read_text(encoding="utf-8") for p in (build / "mtmd/CMakeFiles/mtmd.dir/Unity").glob("*.cxx"))
    assert "mtmd.cpp" in mtmd and "mtmd-helper" not in mtmd
    assert not (build / "llama/CMakeFiles/llama.dir/Unity").exists()  # llama itself: as llama.cpp builds it


@pytest.mark.skipif(not shutil.which("cmake"), reason="needs cmake")
def test_build_tuning_refuses_a_source_without_the_expected_targets(tmp_path: Path) -> None:
    source = _fake_llama_cpp(tmp_path / "src", {"llama-common": ["json.cpp"]})
    configure, _ = runtime.build_command("cmake", source, tmp_path / "build", 2)
    proc = subprocess.run(configure, capture_output=True, text=True, check=False)
    assert proc.returncode != 0 and "has no target server-context" in proc.stdout + proc.stderr


def test_background_build_returns_once_the_source_is_fetched(monkeypatch: pytest.MonkeyPatch) -> None:
    """The weights download after the source (not at the same time), while the compile runs."""
    events: list[str] = []
    compiled = threading.Event()

    def fake_build(say, *, fetched):  # type: ignore[no-untyped-def]
        events.append("fetching")
        fetched()
        compiled.wait(5)
        events.append("compiled")
        return Path("/bin/llama-server")

    monkeypatch.setattr(runtime, "build", fake_build)
    wait = runtime.build_in_background(lambda line: None)
    assert events == ["fetching"]  # returned before the compile finished
    compiled.set()
    assert wait() == Path("/bin/llama-server") and events == ["fetching", "compiled"]


def test_background_build_that_fails_before_fetching_returns_and_raises(monkeypatch: pytest.MonkeyPatch) -> None:
    def fake_build(say, *, fetched):  # type: ignore[no-untyped-def]
        raise ConfigError("cmake is needed to build the local runtime and was not found")

    monkeypatch.setattr(runtime, "build", fake_build)
    wait = runtime.build_in_background(lambda line: None)
    with pytest.raises(ConfigError, match="cmake is needed"):
        wait()


def test_source_comes_from_the_index_else_pip_and_only_with_the_pinned_sha256(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[str] = []

    def from_index(project: str, filename: str, dest: Path) -> Path:
        calls.append("index")
        raise runtime.ProviderError(f"{filename} is not on http://127.0.0.1:9/simple/llama-cpp-python/")

    def from_pip(requirements, dest, *options, done, **kwargs):  # type: ignore[no-untyped-def]
        calls.append("pip")
        done.write_bytes(b"not the pinned sdist")

    monkeypatch.setattr(runtime, "index_download", from_index)
    monkeypatch.setattr(runtime, "pip_download", from_pip)
    lines: list[str] = []
    with pytest.raises(runtime.ProviderError, match="expected 832db069"):
        runtime._download_sdist(tmp_path, lines.append)
    assert calls == ["index", "pip"] and "asking pip instead" in lines[-1]


def test_a_server_still_loading_its_model_is_not_healthy() -> None:
    """llama-server lists its model at /v1/models while it loads and answers 503 "Loading
    model" to everything else until /health says 200; a server without /health is judged by
    /v1/models alone."""
    import http.server

    from summarizer.local._probes import healthy

    state = {"health": 503}

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802
            if self.path == "/v1/models":
                code, body = 200, b'{"data": [{"id": "m"}]}'
            elif self.path == "/health":
                code, body = state["health"], b'{"status": "loading model"}'
            else:
                code, body = 404, b"{}"
            self.send_response(code)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{srv.server_address[1]}/v1"
    try:
        assert not healthy(base, model="m")
        state["health"] = 200
        assert healthy(base, model="m")
        state["health"] = 404  # no /health endpoint
        assert healthy(base, model="m")
    finally:
        srv.shutdown()
        srv.server_close()
