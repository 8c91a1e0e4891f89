"""The embedded runtime's binary: llama.cpp's own ``llama-server``, built once from pinned source.

This module owns where the server binary lives, how it is built, and the pinned-version check:

* Source: the llama.cpp tree vendored in the ``llama-cpp-python==0.3.36`` sdist (llama.cpp is
  MIT; the same source the old runtime compiled), fetched with the user's pip (so pip.conf /
  PIP_INDEX_URL apply) and accepted only when its sha256 is ``SDIST_SHA256``.
* Build: cmake, the ``llama-server`` target only, static, ``-march=native``, no web UI, no
  network libraries, all cores; ``llama_build.cmake`` (beside this module, included into
  llama.cpp's configure) compiles the code off the inference hot path in unity groups at -O1
  and leaves the kernels and llama itself as llama.cpp builds them; the binary is stamped with
  ``BUILD_TAG`` (``--version`` prints it) and moved into ``cache_dir()/runtime/<BUILD_TAG>/``
  only when the build succeeded.
  ``build()`` reports readable progress lines ("compiling 45% (120/270)"), never a silent wait.
* Check: ``server_binary()`` returns the binary only if ``--version`` names ``BUILD_TAG``; a
  binary of another build is refused with a one-line ConfigError (``check_version``).

Why not llama-cpp-python's server: one slot (no concurrency), and its speed needed patches of
private members (``_llama_server``). ``llama-server`` has parallel slots with continuous
batching, a per-slot prompt cache and native json_schema / json_object+schema grammars.
``SUMMARIZER_RUNTIME=llama-cpp-python`` still selects the old runtime (``config.local_runtime``).
"""

from __future__ import annotations

import atexit
import contextlib
import os
import re
import shutil
import signal
import subprocess
import tarfile
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from summarizer.config import cache_dir
from summarizer.errors import ConfigError, ProviderError, SummarizerError
from summarizer.files import check_owned, claim_folder
from summarizer.local._weights import index_download, pip_download, sha256_file

__all__ = [
    "BUILD_TAG",
    "SDIST_REQUIREMENT",
    "SDIST_SHA256",
    "build",
    "build_command",
    "check_version",
    "runtime_dir",
    "server_binary",
]

SDIST_REQUIREMENT = "llama-cpp-python==0.3.36"
SDIST_FILE = "llama_cpp_python-0.3.36.tar.gz"
SDIST_SHA256 = "832db0699007f1be95a7e41ef12e88926b02ba836461e36a36372db2760c1a2e"
SOURCE_PREFIX = "llama_cpp_python-0.3.36/vendor/llama.cpp/"
BUILD_TAG = "summarizer-lcp0.3.36-4"  # -2: compact JSON whitespace (`_patch_source`); -3: llama_build.cmake; -4: no AMX
"""Stamped into the binary (LLAMA_BUILD_COMMIT); bump it when the build flags change."""
BINARY = "llama-server"

Say = Callable[[str], None]
"""Receives one readable progress line at a time."""

CMAKE_FLAGS = (
    "-DCMAKE_BUILD_TYPE=Release",
    "-DBUILD_SHARED_LIBS=OFF",
    "-DGGML_NATIVE=ON",
    "-DLLAMA_BUILD_SERVER=ON",
    "-DLLAMA_BUILD_TOOLS=ON",
    "-DLLAMA_BUILD_TESTS=OFF",
    "-DLLAMA_BUILD_EXAMPLES=OFF",
    "-DLLAMA_BUILD_APP=OFF",
    "-DLLAMA_OPENSSL=OFF",
    "-DLLAMA_CURL=OFF",
    "-DLLAMA_BUILD_UI=OFF",
    "-DLLAMA_USE_PREBUILT_UI=OFF",  # else cmake fetches the web UI from a hub at build time
    "-DLLAMA_BUILD_NUMBER=0",
    f"-DLLAMA_BUILD_COMMIT={BUILD_TAG}",
)
TUNING = Path(__file__).with_name("llama_build.cmake")
"""How the targets off the hot path compile (unity groups, -O1): 652 -> 365 CPU-seconds."""


RUNTIME_KIND = "runtime"
"""The marker's kind of the runtime folder (`summarizer.files.claim_folder`)."""


def runtime_dir() -> Path:
    return cache_dir() / "runtime" / BUILD_TAG


def binary_path() -> Path:
    return runtime_dir() / BINARY


def check_version(binary: Path) -> None:
    """Raise ConfigError unless ``binary --version`` names ``BUILD_TAG``."""
    try:
        proc = subprocess.run(  # noqa: S603 - our own binary
            [str(binary), "--version"], capture_output=True, text=True, timeout=30, check=False
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise ConfigError(
            f"the local runtime {binary} does not run: {exc}", hint="rebuild it: summarizer models pull"
        ) from None
    text = proc.stdout + proc.stderr
    if BUILD_TAG not in text:
        found = re.search(r"version:\s*(\S+\s*\(\S+\))", text)
        raise ConfigError(
            f"the local runtime {binary} is build {found.group(1) if found else 'unknown'}, not the pinned {BUILD_TAG}",
            hint=f"delete {binary.parent} and run: summarizer models pull",
        )


def server_binary() -> Path:
    """The verified ``llama-server`` binary; ConfigError if it is not built or of another build."""
    path = binary_path()
    if not path.is_file():
        raise ConfigError(
            "the local runtime (llama.cpp's llama-server) is not built yet",
            hint="run: summarizer models pull (builds it once from pinned source: a few minutes)",
        )
    check_version(path)
    return path


def installed() -> bool:
    path = binary_path()
    if not path.is_file():
        return False
    try:
        check_version(path)
    except ConfigError:
        return False
    return True


# ---------------------------------------------------------------------------------------------
# build


def _cmake() -> str:
    found = shutil.which("cmake")
    if found:
        return found
    with contextlib.suppress(ImportError):
        import cmake  # type: ignore[import-not-found]  # the PyPI wheel

        return str(Path(cmake.CMAKE_BIN_DIR) / "cmake")
    raise ConfigError(
        "cmake is needed to build the local runtime and was not found",
        hint="install cmake (apt-get install cmake, or pip install cmake)",
    )


def _ninja() -> str | None:
    """Ninja (on PATH, else the PyPI wheel of the ``[local]`` extra), or None for make.

    Ninja schedules every object of every target on one queue; CMake's makefiles compile a
    target only after the targets it links are built, so one core idles at each step of that
    chain."""
    found = shutil.which("ninja")
    if found:
        return found
    with contextlib.suppress(ImportError):
        import ninja  # type: ignore[import-not-found, import-untyped]  # the PyPI wheel

        path = Path(ninja.BIN_DIR) / "ninja"
        if path.is_file():
            return str(path)
    return None


def _jobs() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return os.cpu_count() or 2


def build_command(
    cmake: str, source: Path, build: Path, jobs: int, *, ninja: str | None = None
) -> tuple[list[str], list[str]]:
    """The configure and build argv (with the Ninja generator when ``ninja`` is given)."""
    tuning = f"-DCMAKE_PROJECT_llama.cpp_INCLUDE={TUNING}"
    generator = ["-G", "Ninja", f"-DCMAKE_MAKE_PROGRAM={ninja}"] if ninja else []
    configure = [cmake, "-S", str(source), "-B", str(build), *generator, *CMAKE_FLAGS, tuning]
    compile_ = [cmake, "--build", str(build), "--target", BINARY, "-j", str(jobs)]
    return configure, compile_


def _download_sdist(dest: Path, say: Say) -> Path:
    """The pinned sdist from the configured package index's simple page, else through pip
    (which also builds the sdist's metadata: about 50 s more); accepted only by its sha256."""
    say(f"runtime: fetching llama.cpp source ({SDIST_REQUIREMENT} sdist, 77 MB)")
    sdist = dest / SDIST_FILE
    try:
        index_download("llama-cpp-python", SDIST_FILE, dest)
    except ProviderError as exc:
        say(f"runtime: {exc.one_line()}; asking pip instead")
        pip_download(
            [SDIST_REQUIREMENT], dest, "--no-binary", ":all:", done=sdist, no_pip_hint="install pip in this environment"
        )
    if not sdist.is_file():
        raise ProviderError(f"pip reported success but {SDIST_FILE} was not downloaded")
    digest = sha256_file(sdist)
    if digest != SDIST_SHA256:
        raise ProviderError(f"{SDIST_FILE} has sha256 {digest}, expected {SDIST_SHA256}; refused")
    return sdist


def _extract(sdist: Path, dest: Path) -> Path:
    with tarfile.open(sdist) as tar:
        members = [m for m in tar.getmembers() if m.name.startswith(SOURCE_PREFIX)]
        tar.extractall(dest, members=members, filter="data")
    return dest / SOURCE_PREFIX


# llama.cpp's JSON-schema grammars let the model write newlines and up to 20 spaces of
# indentation between tokens (`space ::= | " " | "\n"{1,2} [ \t]{0,20}`): a small model spends
# its token budget on whitespace (a sides pass was cut off at 150 tokens in a trial, and answers
# were 15% longer than under llama-cpp-python, whose rule is `" "?`). The same rule as
# llama-cpp-python's keeps answers compact and the recorded cassettes' answers comparable.
_SPACE_RULE_FROM = 'const std::string SPACE_RULE = "| \\" \\" | \\"\\\\n\\"{1,2} [ \\\\t]{0,20}";'
_SPACE_RULE_TO = 'const std::string SPACE_RULE = "\\" \\"?";'


def _patch_source(source: Path) -> None:
    """Apply the one change to the pinned source (the grammar's whitespace, above); refuse a
    source where the line is not found, rather than build something else."""
    path = source / "common" / "json-schema-to-grammar.cpp"
    text = path.read_text(encoding="utf-8")
    if _SPACE_RULE_FROM not in text:
        raise ProviderError(
            f"{path}: the grammar's whitespace rule was not found; refusing to build an unpatched runtime"
        )
    path.write_text(text.replace(_SPACE_RULE_FROM, _SPACE_RULE_TO, 1), encoding="utf-8")


_PERCENT = re.compile(r"^\[\s*(\d+)%\]")  # make: "[ 45%] Building CXX object ..."
_STEPS = re.compile(r"^\[(\d+)/(\d+)\]")  # ninja: "[87/193] Building CXX object ..."
_RUNNING: set[subprocess.Popen[str]] = set()


@atexit.register
def _stop_builds() -> None:
    """An interrupted ``models pull`` leaves no compiler running (each step is its own group)."""
    for proc in list(_RUNNING):
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(proc.pid, signal.SIGKILL)


def _run_logged(argv: list[str], log: Path, say: Say, label: str, every_s: float = 10.0) -> None:
    """Run ``argv`` appending to ``log``; say "label NN%" at most every ``every_s`` seconds."""
    last = 0.0
    percent = ""
    with log.open("a", encoding="utf-8") as out:
        proc = subprocess.Popen(  # noqa: S603
            argv,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            errors="replace",
            start_new_session=True,
        )
        _RUNNING.add(proc)
        assert proc.stdout is not None
        started = time.monotonic()
        for line in proc.stdout:
            out.write(line)
            m = _PERCENT.match(line)
            if m:
                percent = m.group(1)
            elif m := _STEPS.match(line):
                percent = str(100 * int(m.group(1)) // max(1, int(m.group(2))))
            now = time.monotonic()
            if percent and now - last >= every_s:
                say(f"runtime: {label} {percent}% ({now - started:.0f} s)")
                last = now
        code = proc.wait()
        _RUNNING.discard(proc)
    if code != 0:
        tail = " | ".join(log.read_text(encoding="utf-8", errors="replace").strip().splitlines()[-3:])
        raise ProviderError(
            f"building the local runtime failed ({label}, exit {code}): {tail[-300:]}", hint=f"full log: {log}"
        )


def build(
    say: Say = lambda line: None,
    *,
    jobs: int | None = None,
    keep_log: bool = True,
    fetched: Callable[[], None] = lambda: None,
) -> Path:
    """Build ``llama-server`` into ``runtime_dir()`` (returns at once when it is there).
    ``fetched`` is called once the source is downloaded and checked, before the compile."""
    if installed():
        fetched()
        return binary_path()
    target = runtime_dir()
    claim_folder(target.parent, RUNTIME_KIND)
    cmake = _cmake()
    jobs = jobs or _jobs()
    work = Path(tempfile.mkdtemp(prefix=".build-", dir=target.parent))
    log = target.parent / f"{BUILD_TAG}.build.log"
    log.write_text("", encoding="utf-8")
    started = time.monotonic()
    try:
        sdist = _download_sdist(work, say)
        fetched()
        source = _extract(sdist, work / "src")
        _patch_source(source)
        configure, compile_ = build_command(cmake, source, work / "build", jobs, ninja=_ninja())
        say(f"runtime: configuring llama.cpp (cmake; log {log})")
        _run_logged(configure, log, say, "configuring")
        say(f"runtime: compiling llama-server on {jobs} core(s) (a few minutes)")
        _run_logged(compile_, log, say, "compiling")
        built = work / "build" / "bin" / BINARY
        check_version(built)
        staged = work / "staged"
        staged.mkdir()
        shutil.copy2(built, staged / BINARY)
        if os.path.lexists(target):  # a broken earlier build: replaced only in a folder the tool owns
            try:
                check_owned(target.parent, RUNTIME_KIND)
            except SummarizerError as exc:
                raise ConfigError(exc.one_line()) from None
            if target.is_symlink() or not target.is_dir():
                raise ConfigError(f"{target}: not a runtime folder summarizer built; refusing to delete it")
            shutil.rmtree(target)
        os.replace(staged, target)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    say(f"runtime: llama-server built in {time.monotonic() - started:.0f} s: {binary_path()}")
    if not keep_log:
        log.unlink(missing_ok=True)
    return binary_path()


def build_in_background(say: Say) -> Callable[[], Path]:
    """Start ``build(say)`` in a thread and return once its source is fetched (or the build
    failed), so that the weights download next, while it compiles, without competing with the
    source's download; returns a function that waits for the build and returns the binary or
    raises the build's error."""
    import threading

    box: list[Path | BaseException] = []
    source_ready = threading.Event()

    def work() -> None:
        try:
            box.append(build(say, fetched=source_ready.set))
        except BaseException as exc:  # handed to the caller of wait()
            box.append(exc)
        finally:
            source_ready.set()

    thread = threading.Thread(target=work, name="runtime-build", daemon=True)
    thread.start()
    source_ready.wait()

    def wait() -> Path:
        thread.join()
        if isinstance(box[0], BaseException):
            raise box[0]
        return box[0]

    return wait
