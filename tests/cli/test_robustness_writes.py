"""The counted suite, continued (issue 21): one guarded writer, one way to own a folder.

Every command that writes a file (`--out`, `--json`, `--report`, `--save-predictions`,
`--log-db`) is pointed at each target that must not be lost (one of its own inputs, the run
log, a FIFO, `/dev/null`, a folder, a full disk) and the test checks that no byte that was
there before changed. `cache clear` is pointed at folders it did not make. In-process (typer's
CliRunner) against the fake model server. The full disk is a 256 kB tmpfs filled up when the
tests run as root (skipped otherwise), and always a fake one too: every write to a file in its
folder fails with ENOSPC (`open` truncates first, as on a real full disk).
"""

from __future__ import annotations

import builtins
import contextlib
import errno
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from summarizer.batch import ResponseCache
from summarizer.cli import app
from summarizer.errors import InputError
from tests.cli.test_robustness import BAD_INPUT, DATA_LOSS, FAULT, any_answer
from tests.extraction.test_pipeline import TEXT
from tests.fakeserver import FakeModelServer, register_fake_provider

runner = CliRunner()
GOLD = Path(__file__).resolve().parents[1] / "data" / "gold_small.jsonl"


# -- a run log with a summarize run and an eval run, built once -------------------------------


@pytest.fixture(scope="module")
def server() -> Iterator[FakeModelServer]:
    from summarizer import models as providers

    with FakeModelServer(any_answer) as s:
        register_fake_provider(s.base_url)
        yield s
        providers.unregister("fake")


@pytest.fixture(scope="module")
def base_log(server: FakeModelServer, tmp_path_factory: pytest.TempPathFactory) -> Path:
    work = tmp_path_factory.mktemp("base")
    article = work / "a.txt"
    article.write_text(TEXT, encoding="utf-8")
    log = work / "L.sqlite"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SUMMARIZER_CACHE_DIR", str(work / "cache"))
        for args in (
            ["summarize", str(article), "-m", "fake/m", "--no-cache"],
            ["eval", "--dataset", str(GOLD), "-m", "fake/m", "--no-cache"],
        ):
            result = runner.invoke(app, ["--log-db", str(log), *args])
            assert result.exit_code in (0, 1), result.output
    with contextlib.closing(sqlite3.connect(log)) as con:
        con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return log


@pytest.fixture
def work(base_log: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """tmp_path with a.txt (the article), gold.jsonl (a dataset) and L.sqlite (the run log). The
    cache folder is the module's (its gazetteer index is built once, not once a test)."""
    (tmp_path / "a.txt").write_text(TEXT, encoding="utf-8")
    shutil.copy(GOLD, tmp_path / "gold.jsonl")
    shutil.copy(base_log, tmp_path / "L.sqlite")
    monkeypatch.setenv("SUMMARIZER_CACHE_DIR", str(base_log.parent / "cache"))
    monkeypatch.setenv("SUMMARIZER_DATA_DIR", str(tmp_path / "data"))
    (tmp_path / "muc4").mkdir()
    (tmp_path / "muc4" / "test.json").write_text(MUC4_SPLIT, encoding="utf-8")
    (tmp_path / "preds.json").write_text(MUC4_PREDICTIONS, encoding="utf-8")
    monkeypatch.setenv("SUMMARIZER_MUC4_DIR", str(tmp_path / "muc4"))
    return tmp_path


MUC4_SPLIT = (
    json.dumps(
        {
            "docid": "TST3-MUC4-0001",
            "doctext": "guerrillas bombed the embassy with dynamite.",
            "extracts": {
                "PerpInd": [[["guerrillas", 0]]],
                "PerpOrg": [],
                "Target": [[["embassy", 27]]],
                "Victim": [],
                "Weapon": [[["dynamite", 40]]],
            },
        }
    )
    + "\n"
)
MUC4_PREDICTIONS = json.dumps({"30001": {"pred_extracts": {"PerpInd": [["guerrillas"]], "Weapon": [["dynamite"]]}}})


def _snapshot(root: Path) -> dict[str, bytes]:
    """Every regular file under root (no symlink followed) and its bytes."""
    found: dict[str, bytes] = {}
    for dirpath, _dirs, names in os.walk(root):
        for name in names:
            p = Path(dirpath) / name
            if p.is_file() and not p.is_symlink():
                found[str(p.relative_to(root))] = p.read_bytes()
    return found


def _runs(log: Path) -> int:
    with contextlib.closing(sqlite3.connect(log)) as con:
        return int(con.execute("SELECT count(*) FROM runs").fetchone()[0])


@contextlib.contextmanager
def _full_disk() -> Iterator[Path]:
    """A folder on a full filesystem, holding `old.json`: a 256 kB tmpfs, filled up (root only:
    skipped when it cannot be mounted)."""
    mount = Path(tempfile.mkdtemp(prefix="full-"))
    mounted = (
        os.geteuid() == 0
        and subprocess.run(  # noqa: S603
            ["mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", str(mount)],  # noqa: S607
            capture_output=True,
            check=False,
        ).returncode
        == 0
    )
    try:
        if not mounted:
            pytest.skip("a full tmpfs needs root (the fake full disk runs everywhere)")
        (mount / "old.json").write_bytes(b'{"an": "older brief"}\n' * 100)
        with contextlib.suppress(OSError), open(mount / "filler", "wb") as fh:
            while True:
                fh.write(b"\0" * 4096)
                fh.flush()
        yield mount
    finally:
        if mounted:
            subprocess.run(["umount", str(mount)], check=False)  # noqa: S603,S607
        shutil.rmtree(mount, ignore_errors=True)


class _FullFile:
    """A file opened for writing on the fake full disk: every write fails with ENOSPC."""

    def __init__(self, inner: Any) -> None:
        self._inner = inner

    def write(self, data: Any) -> int:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    def writelines(self, lines: Any) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)

    def __iter__(self) -> Iterator[Any]:
        return iter(self._inner)

    def __enter__(self) -> _FullFile:
        return self

    def __exit__(self, *exc: object) -> None:
        self._inner.close()


@contextlib.contextmanager
def _fake_full_disk(monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A folder holding `old.json` where every write to a file fails with ENOSPC (`open`,
    `os.fdopen`, `Path.open`, `os.write`, `os.fsync`): what a full disk does, without root.
    Opening with truncation still truncates, as on a real full disk."""
    folder = Path(tempfile.mkdtemp(prefix="fake-full-"))
    (folder / "old.json").write_bytes(b'{"an": "older brief"}\n' * 100)
    root = os.path.realpath(folder) + os.sep

    def on_disk(fd: int) -> bool:
        try:
            return os.readlink(f"/proc/self/fd/{fd}").startswith(root)
        except OSError:
            return False

    real_open, real_write, real_fsync = io.open, os.write, os.fsync

    def fake_open(file: Any, mode: str = "r", *args: Any, **kwargs: Any) -> Any:
        fh = real_open(file, mode, *args, **kwargs)
        if any(c in mode for c in "wax+") and on_disk(fh.fileno()):
            return _FullFile(fh)
        return fh

    def fake_write(fd: int, data: Any) -> int:
        if on_disk(fd) and len(data):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return real_write(fd, data)

    def fake_fsync(fd: int) -> None:
        if on_disk(fd):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        real_fsync(fd)

    try:
        with monkeypatch.context() as mp:
            mp.setattr(io, "open", fake_open)
            mp.setattr(builtins, "open", fake_open)
            mp.setattr(os, "write", fake_write)
            mp.setattr(os, "fsync", fake_fsync)
            yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


# -- writers x targets ------------------------------------------------------------------------


def _run_ref(log: Path, command: str) -> str:
    with contextlib.closing(sqlite3.connect(log)) as con:
        return str(con.execute("SELECT run_id FROM runs WHERE command = ?", (command,)).fetchone()[0])


WRITERS: dict[str, Callable[[Path, str], list[str]]] = {
    "summarize-out": lambda w, t: ["summarize", str(w / "a.txt"), "-m", "fake/m", "--no-cache", "--out", t],
    "summarize-md-out": lambda w, t: ["summarize", str(w / "a.txt"), "-m", "fake/m", "-f", "md", "--no-cache", "-o", t],
    "export-out": lambda w, t: ["export", "last", "--format", "csv", "--out", t],
    "report-out": lambda w, t: ["report", _run_ref(w / "L.sqlite", "eval"), "--out", t],
    "eval-json": lambda w, t: ["eval", "--dataset", str(w / "gold.jsonl"), "-m", "fake/m", "--no-cache", "--json", t],
    "eval-report": lambda w, t: [
        "eval",
        "--dataset",
        str(w / "gold.jsonl"),
        "-m",
        "fake/m",
        "--no-cache",
        "--report",
        t,
    ],
    "eval-save-predictions": lambda w, t: [
        "eval",
        "--dataset",
        str(w / "gold.jsonl"),
        "-m",
        "fake/m",
        "--no-cache",
        "--save-predictions",
        t,
    ],
    "batch-out": lambda w, t: ["batch", str(w / "a.txt"), "-m", "fake/m", "--out", t],
    "eval-muc4-json": lambda w, t: ["eval", "-d", "muc4:test", "--predictions", str(w / "preds.json"), "--json", t],
    "eval-muc4-save-predictions": lambda w, t: [
        "eval",
        "-d",
        "muc4:test",
        "-m",
        "fake/m",
        "--no-cache",
        "--save-predictions",
        t,
    ],
}
INPUT_OF = {
    "summarize-out": "a.txt",
    "summarize-md-out": "a.txt",
    "eval-json": "gold.jsonl",
    "eval-report": "gold.jsonl",
    "eval-save-predictions": "gold.jsonl",
    "batch-out": "a.txt",
    "eval-muc4-json": "preds.json",
    "eval-muc4-save-predictions": "muc4/test.json",
}
# the targets that are folders: written into, nothing that was there changes
INTO_A_FOLDER = {"eval-save-predictions", "eval-muc4-save-predictions"}
TARGETS = ["own-input", "run-log", "fifo", "dev-null", "folder", "full-disk", "full-disk-fake"]
CASES = [
    pytest.param(w, t, id=f"issue21-{w}-to-{t}") for w in WRITERS for t in TARGETS if t != "own-input" or w in INPUT_OF
]


def _target(
    target: str, work: Path, own_input: str | None, stack: contextlib.ExitStack, mp: pytest.MonkeyPatch
) -> Path:
    """The path a command is pointed at; a full disk's folder is entered on `stack`."""
    if target == "own-input":
        assert own_input is not None
        return work / own_input
    if target == "run-log":
        return work / "L.sqlite"
    if target == "fifo":
        os.mkfifo(work / "pipe")
        return work / "pipe"
    if target == "dev-null":
        return Path("/dev/null")
    if target == "folder":
        (work / "folder").mkdir()
        (work / "folder" / "keep.txt").write_text("keep", encoding="utf-8")
        return work / "folder"
    if target == "full-disk":
        return stack.enter_context(_full_disk())
    assert target == "full-disk-fake"
    return stack.enter_context(_fake_full_disk(mp))


@DATA_LOSS
@pytest.mark.parametrize(("writer", "target"), CASES)
def test_no_writer_changes_a_byte_it_must_not(
    writer: str, target: str, work: Path, server: FakeModelServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Refused (exit 2, one line) or, for a folder that is the target's kind, written into;
    either way no byte that was there changes, and no temporary is left. A target that can be
    known bad beforehand is refused before any model is called (a full disk shows only when
    written)."""
    log = work / "L.sqlite"
    runs_before = _runs(log)
    calls = len(server.requests)
    into = writer in INTO_A_FOLDER
    with contextlib.ExitStack() as stack:
        path = _target(target, work, INPUT_OF.get(writer), stack, monkeypatch)
        disk = path if target.startswith("full-disk") else None
        if disk is not None and not into:
            path = disk / "old.json"
        before = _snapshot(work) | ({f"disk:{k}": v for k, v in _snapshot(disk).items()} if disk else {})
        result = runner.invoke(app, ["--log-db", str(log), *WRITERS[writer](work, str(path))])
        after = _snapshot(work) | ({f"disk:{k}": v for k, v in _snapshot(disk).items()} if disk else {})
    expected = 0 if into and target == "folder" else 2
    assert result.exit_code == expected, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    errors = [ln for ln in result.stderr.splitlines() if ln.startswith("summarizer: error: ")]
    assert len(errors) == (expected != 0), result.stderr
    changed = [k for k, v in before.items() if k not in after or (after[k] != v and not k.startswith("L.sqlite"))]
    assert not changed, changed
    assert _runs(log) >= runs_before  # the run log keeps every run (and records the refused one)
    assert not [k for k in after if k.endswith(".tmp")]  # no temporary left behind
    if expected == 2 and not target.startswith("full-disk"):
        assert len(server.requests) == calls, "refused only after the model was called"
    if expected == 0:
        assert [k for k in after if k.startswith("folder/fake_m")], sorted(after)  # the predictions went in


# -- --log-db at what is not a run log, for every command that records or reads one -----------

LOG_COMMANDS: dict[str, tuple[Callable[[Path], list[str]], str | None]] = {
    "summarize": (lambda w: ["summarize", str(w / "a.txt"), "-m", "fake/m", "--no-cache"], "a.txt"),
    "batch": (lambda w: ["batch", str(w / "a.txt"), "-m", "fake/m", "--out", str(w / "out.jsonl")], "a.txt"),
    "eval": (lambda w: ["eval", "--dataset", str(w / "gold.jsonl"), "-m", "fake/m", "--no-cache"], "gold.jsonl"),
    "runs-list": (lambda w: ["runs", "list"], None),
    "runs-show": (lambda w: ["runs", "show", "last", "--json"], None),
    "runs-diff": (lambda w: ["runs", "diff", "last", "last"], None),
    "export": (lambda w: ["export", "last", "--format", "csv"], None),
    "report": (lambda w: ["report", "last", "--out", "-"], None),
}
RECORDS = {"summarize", "batch", "eval"}
LOG_TARGETS = ["own-input", "fifo", "dev-null", "folder", "foreign-sqlite", "full-disk"]
LOG_CASES = [
    pytest.param(c, t, id=f"issue21-log-db-{c}-at-{t}")
    for c in LOG_COMMANDS
    for t in LOG_TARGETS
    if t != "own-input" or LOG_COMMANDS[c][1] is not None
]


@DATA_LOSS
@pytest.mark.parametrize(("command", "target"), LOG_CASES)
def test_log_db_never_changes_what_it_points_at(
    command: str, target: str, work: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """--log-db at something that is not a run log: a command that records runs still succeeds
    and says in one warning that the run was not recorded; a command that reads the run log
    is refused in one line (exit 2). Nothing there is written, no `-journal` is made beside it.
    On a full disk the run log that is there stays byte for byte (a recording command still
    succeeds; a reading one reads it, or says in one line that SQLite could not open it)."""
    args, own_input = LOG_COMMANDS[command]
    with contextlib.ExitStack() as stack:
        if target == "foreign-sqlite":
            log = work / "other.sqlite"
            with contextlib.closing(sqlite3.connect(log)) as con:
                con.execute("CREATE TABLE mine (x)")
                con.commit()
        elif target == "full-disk":
            disk = stack.enter_context(_full_disk())
            os.unlink(disk / "filler")
            shutil.copy(work / "L.sqlite", disk / "L.sqlite")  # the run log, then the disk is full
            with contextlib.suppress(OSError), open(disk / "filler", "wb") as fh:
                while True:
                    fh.write(b"\0" * 4096)
                    fh.flush()
            log = disk / "L.sqlite"
        else:
            log = _target(target, work, own_input, stack, monkeypatch)
        where = [work, log.parent] if log.parent != work and target != "dev-null" else [work]
        before = {f"{root}:{k}": v for root in where for k, v in _snapshot(root).items()}
        beside = [f"{log}{suffix}" for suffix in ("-journal", "-wal", "-shm")]
        already = [p for p in beside if os.path.lexists(p)]
        result = runner.invoke(app, ["--log-db", str(log), *args(work)])
        after = {f"{root}:{k}": v for root in where for k, v in _snapshot(root).items()}
        made_beside = [p for p in beside if os.path.lexists(p) and p not in already]
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    errors = [ln for ln in result.stderr.splitlines() if ln.startswith("summarizer: error: ")]
    if target == "full-disk" and command in RECORDS:
        assert result.exit_code == 0, result.output
    elif target == "full-disk":  # reading a WAL database needs its -shm file: SQLite may not open it
        assert result.exit_code == 0 or (result.exit_code == 2 and len(errors) == 1), result.output
    elif command in RECORDS:
        assert result.exit_code == 0, result.output
        assert "not recorded" in result.stderr
    else:
        assert result.exit_code == 2, result.output
        assert len(errors) == 1, result.stderr
    assert {k: v for k, v in after.items() if k in before} == before
    assert target == "full-disk" or not made_beside  # no -journal made beside it


@DATA_LOSS
@pytest.mark.parametrize("case", ["issue21-runs-list-on-a-foreign-sqlite"])
def test_a_read_command_never_changes_a_foreign_database(case: str, tmp_path: Path) -> None:
    other = tmp_path / "app.sqlite"
    with contextlib.closing(sqlite3.connect(other)) as con:
        con.execute("CREATE TABLE mine (x)")
        con.commit()
    before = other.read_bytes()
    result = runner.invoke(app, ["--log-db", str(other), "runs", "list"])
    assert result.exit_code == 2, result.output
    assert "not a run log; refusing to change it" in result.stderr
    assert other.read_bytes() == before and sorted(p.name for p in tmp_path.iterdir()) == ["app.sqlite"]


@DATA_LOSS
@pytest.mark.parametrize("case", ["issue21-runs-list-on-a-folder"])
def test_runs_list_on_a_folder_says_so(case: str, tmp_path: Path) -> None:
    result = runner.invoke(app, ["--log-db", str(tmp_path), "runs", "list"])
    assert result.exit_code == 2
    assert f"{tmp_path}: is a directory, not a run log" in result.stderr


@DATA_LOSS
@pytest.mark.parametrize("case", ["issue21-out-kept-whole-on-a-full-disk"])
def test_the_writer_is_atomic(case: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A write that fails half-way (ENOSPC after 4,096 bytes) leaves the old file whole."""
    from summarizer import files

    target = tmp_path / "brief.json"
    target.write_text("old brief\n", encoding="utf-8")
    os.chmod(target, 0o640)
    with pytest.raises(InputError, match="No space left on device"), files.open_for_writing(target) as fh:
        fh.write("x" * 4096)
        fh.flush()
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
    assert target.read_text(encoding="utf-8") == "old brief\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["brief.json"]
    files.write_file(target, "new brief\n")
    assert target.read_text(encoding="utf-8") == "new brief\n"
    assert (target.stat().st_mode & 0o777) == 0o640  # the mode is kept


@DATA_LOSS
@pytest.mark.parametrize("case", ["issue21-out-through-a-symlink-keeps-the-link"])
def test_a_symlink_is_written_through(case: str, tmp_path: Path) -> None:
    from summarizer import files

    real = tmp_path / "real.json"
    real.write_text("old", encoding="utf-8")
    link = tmp_path / "link.json"
    link.symlink_to(real)
    files.write_file(link, "new")
    assert link.is_symlink() and real.read_text(encoding="utf-8") == "new"
    with pytest.raises(InputError, match="is also an input"):
        files.write_file(link, "again", inputs=[real])


# -- owned folders: cache clear deletes only what it wrote ------------------------------------


def _hostile_cache(root: Path, elsewhere: Path) -> dict[str, Any]:
    """A cache folder holding one real entry and, around it, foreign files, a symlink to a
    folder outside it and empty foreign folders."""
    cache = ResponseCache(root)
    cache.put("a" * 64, b'{"choices": []}')
    elsewhere.mkdir()
    (elsewhere / ("b" * 64 + ".json")).write_text('{"key": "' + "b" * 64 + '", "body": ""}', encoding="utf-8")
    (elsewhere / "x.tmp").write_text("theirs", encoding="utf-8")
    (root / "de").mkdir()
    (root / "de" / "bericht.tmp").write_text("ein Bericht", encoding="utf-8")
    (root / "de" / ("de" + "0" * 62 + ".json")).write_text("not an entry", encoding="utf-8")
    (root / "be").symlink_to(elsewhere)
    (root / "ff").mkdir()  # an empty foreign folder
    (root / "aa" / ".notes.tmp").write_text("mine", encoding="utf-8")
    return {"entry": root / "aa" / ("a" * 64 + ".json")}


@DATA_LOSS
@pytest.mark.parametrize("case", ["issue21-cache-clear-leaves-foreign-files-symlinks-and-folders"])
def test_cache_clear_deletes_only_its_own(case: str, tmp_path: Path) -> None:
    root = tmp_path / "cache"
    elsewhere = tmp_path / "elsewhere"
    made = _hostile_cache(root, elsewhere)
    before_outside = _snapshot(elsewhere)
    before = {k: v for k, v in _snapshot(root).items() if k != str(made["entry"].relative_to(root))}
    result = runner.invoke(app, ["cache", "clear", "--cache-dir", str(root)])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("removed 1 entries")
    assert not made["entry"].exists()
    assert _snapshot(root) == before  # every foreign file byte for byte, the marker too
    assert (root / "be").is_symlink() and (root / "ff").is_dir() and (root / "de").is_dir()
    assert _snapshot(elsewhere) == before_outside


FOREIGN_FOLDERS = ["no-marker", "root", "home", "empty-string", "relative-without-marker", "symlink-to-cache"]


@DATA_LOSS
@pytest.mark.parametrize("kind", FOREIGN_FOLDERS, ids=[f"issue21-cache-clear-refuses-{k}" for k in FOREIGN_FOLDERS])
def test_cache_clear_refuses_a_folder_without_its_marker(
    kind: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    theirs = tmp_path / "theirs"
    (theirs / "ab").mkdir(parents=True)
    (theirs / "ab" / ("ab" + "0" * 62 + ".json")).write_text('{"key": "x", "body": ""}', encoding="utf-8")
    (theirs / "ab" / "notes.tmp").write_text("x", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    ours = tmp_path / "ours"
    ResponseCache(ours).put("c" * 64, b"{}")
    target = {
        "no-marker": str(theirs),
        "root": "/",
        "home": os.path.expanduser("~"),
        "empty-string": "",
        "relative-without-marker": "theirs",
        "symlink-to-cache": str(tmp_path / "link"),
    }[kind]
    if kind == "symlink-to-cache":
        (tmp_path / "link").symlink_to(ours)
    before = _snapshot(tmp_path)
    result = runner.invoke(app, ["cache", "clear", "--cache-dir", target])
    assert result.exit_code == 2, result.output
    assert len([ln for ln in result.stderr.splitlines() if ln.startswith("summarizer: error: ")]) == 1
    assert _snapshot(tmp_path) == before


@pytest.mark.parametrize("case", ["issue21-relative-cache-with-its-marker"])
def test_a_relative_cache_with_its_marker_is_cleared(
    case: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from summarizer import files

    monkeypatch.chdir(tmp_path)
    ResponseCache(Path("rel")).put("c" * 64, b"{}")
    result = runner.invoke(app, ["cache", "clear", "--cache-dir", "rel"])
    assert result.exit_code == 0 and result.stdout.startswith("removed 1 entries"), result.output
    assert (tmp_path / "rel" / files.MARKER).is_file()


# -- section 3 ---------------------------------------------------------------------------------


def _gzip(data: bytes) -> bytes:
    import gzip

    return gzip.compress(data, compresslevel=9)


BOMBS = {
    "issue21-gzip-bomb": ("gzip", _gzip(b"{" + b" " * 2_000_000 + b"}")),
    "issue21-gzip-gzip-bomb": ("gzip, gzip", _gzip(_gzip(b"{" + b" " * 2_000_000 + b"}"))),
}


@FAULT
@pytest.mark.parametrize("case", list(BOMBS))
def test_a_decompression_bomb_is_cut_while_decoding(case: str) -> None:
    """The answer cap counts decoded bytes too: a small gzip body that decodes past the cap is
    ResponseTooLarge before the whole of it is in memory."""

    from summarizer.models import BoundedTransport, ResponseTooLarge, httpx

    encoding, body = BOMBS[case]
    assert len(body) < 100_000

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(
            200, headers={"content-encoding": encoding, "content-type": "application/json"}, content=body
        )

    transport = BoundedTransport(httpx.MockTransport(handler), max_bytes=1_000_000)
    with pytest.raises(ResponseTooLarge):
        transport.handle_request(httpx.Request("POST", "http://127.0.0.1/v1/chat/completions"))
    small = _gzip(_gzip(b'{"ok": 1}'))
    ok = BoundedTransport(
        httpx.MockTransport(lambda r: httpx.Response(200, headers={"content-encoding": "gzip, gzip"}, content=small)),
        max_bytes=1_000_000,
    ).handle_request(httpx.Request("POST", "http://127.0.0.1/v1/chat/completions"))
    assert ok.read() == b'{"ok": 1}'


CSV_CELLS = {
    "issue21-csv-bare-cr-then-formula": "Shelling.\r=2*21 hit",
    "issue21-csv-newline-then-formula": "Shelling.\n+cmd|' /C calc'!A0",
    "issue21-csv-crlf-then-formula": "Shelling.\r\n@SUM(A1)",
}


@BAD_INPUT
@pytest.mark.parametrize("case", list(CSV_CELLS))
def test_csv_cells_never_start_a_row_or_a_formula(case: str) -> None:
    """A cell with a line break is quoted (a bare \\r too), and every line in it that starts
    like a formula gets an apostrophe."""
    import csv
    import io

    from summarizer.runlog import COLUMNS, write_export

    text = CSV_CELLS[case]
    row = {c: None for c in COLUMNS} | {"evidence": text, "actors": [], "places": []}
    buf = io.StringIO(newline="")
    write_export([row], "csv", buf)
    for reader_newline in ("", None):  # a careful reader, and one that splits on any line end
        read = list(csv.reader(io.StringIO(buf.getvalue(), newline=reader_newline)))
        assert len(read) == 2, read  # the header and one row: no row made of the cell's tail
        cell = read[1][COLUMNS.index("evidence")]
        assert not any(ln.startswith(("=", "+", "-", "@")) for ln in cell.splitlines()), cell
