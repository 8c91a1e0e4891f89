"""The one guarded way to write a file, and the one way to own a folder.

Writing (`write_file`, `open_for_writing`): every file a command writes on the user's behalf
(`--out`, `--json`, `--report`, `--save-predictions`, `export`, `runs report`) goes through
here. The target is checked first (`check_target`): a folder, a path that is not a regular
file (a FIFO, `/dev/null`, a device), one of the command's own inputs, or a protected file
(the run log and its journal files) is refused with an InputError (exit 2) and left as it
was. The bytes then go to a temporary file in the same folder, are fsync'd, and the file
takes the target's place with `os.replace` (its mode kept): a full disk or a kill leaves the
old file whole, never half a new one. A symlink is written through: its target is replaced,
the link stays.

The atomic step itself (`staged_file`, `replace_bytes`) is the one implementation every
writer of the package uses, checked or not (the batch output, cache entries, the gazetteer
index, the models' `.verified` files and the server state file): a temporary file in the
target's folder, fsync'd, given the mode the target had (else the umask's), renamed over the
target, the folder fsync'd; on any exception the temporary is removed and the target is as it
was. It replaces the path itself (a symlink there is replaced, not followed); the checked
writer resolves a symlink first.

Files named by the environment (`SUMMARIZER_CONFIG`, `SUMMARIZER_TRACE`): `read_regular` and
`append_text` open without blocking (a FIFO never hangs the command), accept a regular file
only, and read at most a cap (`/dev/zero` is never read without bound).

Owning a folder (`claim_folder`, `check_owned`, `MARKER`): a folder the tool manages (the
response cache, the runtime, the models, the gazetteer index's folder) carries a marker file
the tool wrote when it created the folder (or found it empty). Deleting anything in a
folder requires the marker (`check_owned`): a folder without it, `/`, the home folder, an
empty path, or a symlink is refused. Callers then delete only entries whose
names and contents prove they are their own, without following symlinks.
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
import stat
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TextIO

from summarizer.errors import InputError

__all__ = [
    "MARKER",
    "append_text",
    "check_owned",
    "check_target",
    "claim_folder",
    "mark_folder",
    "open_for_writing",
    "read_regular",
    "replace_bytes",
    "staged_file",
    "write_file",
]

MARKER = ".summarizer-folder"
"""The file that says "summarizer made this folder"; its first line names what the folder is for."""

_JOURNALS = ("", "-journal", "-wal", "-shm")


def _same(a: str | os.PathLike[str], b: os.PathLike[str] | str) -> bool:
    """Whether `a` and `b` are the same file (or, for a file not there yet, the same path)."""
    try:
        if os.path.samefile(a, b):
            return True
    except OSError:
        pass
    return os.path.realpath(a) == os.path.realpath(b)


def check_target(
    path: Path,
    *,
    inputs: Sequence[str | os.PathLike[str]] = (),
    protected: Sequence[str | os.PathLike[str]] = (),
    label: str | None = None,
    hint: str = "choose another file",
    regular_hint: str | None = None,
) -> Path:
    """The file a write to `path` would replace (`path`, or what a symlink at `path` points
    to), after checking that writing it loses nothing: InputError (exit 2) for a folder, a
    path that exists and is not a regular file, one of `inputs`, or a `protected` file (the
    run log: the SQLite file and its journal files)."""
    name = label or str(path)
    target = Path(os.path.realpath(path)) if os.path.islink(path) else path
    try:
        st: os.stat_result | None = os.stat(target)
    except FileNotFoundError:
        st = None
    except OSError as exc:
        raise InputError(f"{name}: cannot write: {exc.strerror or exc}") from exc
    if st is not None and stat.S_ISDIR(st.st_mode):
        raise InputError(f"{name}: is a directory")
    if st is not None and not stat.S_ISREG(st.st_mode):
        raise InputError(f"{name}: not a regular file", hint=regular_hint)
    for raw in inputs:
        if _same(raw, target):
            raise InputError(f"{name}: is also an input; refusing to overwrite it", hint=hint)
    for raw in protected:
        if any(_same(f"{os.fspath(raw)}{suffix}", target) for suffix in _JOURNALS):
            raise InputError(f"{name}: is the run log; refusing to overwrite it", hint=hint)
    return target


def _fsync_dir(folder: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


@dataclasses.dataclass(frozen=True)
class Staged:
    """The temporary file of `staged_file`: its descriptor (open for writing) and its path."""

    fd: int
    path: Path


@contextlib.contextmanager
def staged_file(target: Path) -> Iterator[Staged]:
    """A new temporary file in `target`'s folder that takes `target`'s place when the block ends
    without an exception: fsync'd, given `target`'s mode (else 0o666 less the umask), renamed
    over `target` (`os.replace`: the path itself, a symlink there is replaced), the folder
    fsync'd. On an exception (an OSError of the caller or of these steps, a KeyboardInterrupt)
    the temporary is removed and `target` is left as it was. The descriptor is closed when the
    block ends (a caller that must keep the new file open, locked, takes an `os.dup` of it).
    OSError propagates."""
    try:
        mode = stat.S_IMODE(os.stat(target).st_mode)
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        mode = 0o666 & ~umask
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    replaced = False
    try:
        yield Staged(fd, Path(tmp))
        os.fsync(fd)
        os.fchmod(fd, mode)
        os.replace(tmp, target)
        replaced = True
        _fsync_dir(target.parent)
    finally:
        os.close(fd)
        if not replaced:
            with contextlib.suppress(OSError):
                os.unlink(tmp)


def replace_bytes(target: Path, data: bytes) -> Path:
    """Put `data` at `target` atomically (`staged_file`; no check of the target: for the files
    the tool names itself). OSError propagates."""
    with staged_file(target) as staged:
        view = memoryview(data)
        while view:
            view = view[os.write(staged.fd, view) :]
    return target


@contextlib.contextmanager
def open_for_writing(
    path: Path,
    *,
    inputs: Sequence[str | os.PathLike[str]] = (),
    protected: Sequence[str | os.PathLike[str]] = (),
    label: str | None = None,
    make_parents: bool = False,
    failure: str = "cannot write",
) -> Iterator[TextIO]:
    """A text file (UTF-8, newlines as written) that takes `path`'s place only when the block
    ends without an exception; otherwise `path` is left as it was. Checked by `check_target`
    (before, and again just before the rename); written by `staged_file`. An OSError becomes
    InputError `<label>: <failure>: <reason>`."""
    name = label or str(path)
    target = check_target(path, inputs=inputs, protected=protected, label=label)
    try:
        if make_parents:
            target.parent.mkdir(parents=True, exist_ok=True)
        with staged_file(target) as staged:
            with os.fdopen(staged.fd, "w", encoding="utf-8", newline="", closefd=False) as fh:
                yield fh
            check_target(target, inputs=inputs, protected=protected, label=label)  # nothing put there meanwhile
    except OSError as exc:
        raise InputError(f"{name}: {failure}: {exc.strerror or exc}") from exc


def write_file(
    path: Path,
    text: str,
    *,
    inputs: Sequence[str | os.PathLike[str]] = (),
    protected: Sequence[str | os.PathLike[str]] = (),
    label: str | None = None,
    make_parents: bool = False,
    failure: str = "cannot write",
) -> Path:
    """Write `text` to `path` through `open_for_writing` (checked, atomic, durable)."""
    with open_for_writing(
        path, inputs=inputs, protected=protected, label=label, make_parents=make_parents, failure=failure
    ) as fh:
        fh.write(text)
    return path


def _open_regular(path: Path, flags: int, label: str) -> int:
    """A descriptor of `path` opened with `flags` without blocking, then set blocking; InputError
    when it cannot be opened or is not a regular file (a FIFO, a device, a folder)."""
    try:
        fd = os.open(path, flags | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0), 0o644)
    except IsADirectoryError:
        raise InputError(f"{label}: is a directory") from None
    except OSError as exc:
        raise InputError(f"{label}: cannot open: {exc.strerror or exc}") from None
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        raise InputError(f"{label}: not a regular file")
    os.set_blocking(fd, True)
    return fd


def read_regular(path: Path, limit: int, *, label: str | None = None) -> bytes:
    """The bytes of the regular file `path`, at most `limit` of them: InputError for a FIFO, a
    device or a folder (never opened so that it blocks), an unreadable file, or a file over
    `limit` bytes (read no further)."""
    name = label or str(path)
    fd = _open_regular(path, os.O_RDONLY, name)
    with os.fdopen(fd, "rb") as fh:
        try:
            data = fh.read(limit + 1)
        except OSError as exc:
            raise InputError(f"{name}: cannot read: {exc.strerror or exc}") from None
    if len(data) > limit:
        raise InputError(f"{name}: larger than {limit:,} bytes")
    return data


def append_text(path: Path, text: str, *, label: str | None = None) -> None:
    """Append `text` (UTF-8) to the regular file `path`, creating it: InputError for a FIFO, a
    device, a folder, or a file that cannot be written."""
    name = label or str(path)
    fd = _open_regular(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, name)
    try:
        with os.fdopen(fd, "a", encoding="utf-8") as fh:
            fh.write(text)
    except OSError as exc:
        raise InputError(f"{name}: cannot write: {exc.strerror or exc}") from None


def claim_folder(folder: Path, kind: str) -> Path:
    """Create `folder` (with its parents) and put the marker in it when the tool made it or
    found it empty. A folder that already holds other things and no marker is left as it is
    (nothing in it can then be deleted by the tool). OSError propagates."""
    folder.mkdir(parents=True, exist_ok=True)
    marker = folder / MARKER
    if os.path.lexists(marker):
        return folder
    with os.scandir(folder) as entries:
        if any(True for _ in entries):
            return folder
    mark_folder(folder, kind)
    return folder


def mark_folder(folder: Path, kind: str) -> None:
    """Write the marker of `kind` into `folder`: only for a folder the tool made, found empty, or
    proved its own entry by entry (the response cache of a version from before the marker).
    OSError propagates."""
    text = f"{kind}\nThis folder was made by summarizer; it deletes only what it wrote here.\n"
    replace_bytes(folder / MARKER, text.encode("utf-8"))


def check_owned(folder: Path, kind: str, *, label: str | None = None) -> Path:
    """`folder` when it is a real folder (no symlink) holding the marker `claim_folder` wrote
    for `kind`; InputError otherwise: an empty or relative path, `/`, the home folder, a
    missing folder or one without the marker is never a folder the tool may delete in."""
    name = label or (str(folder) if str(folder) else "''")
    raw = os.fspath(folder)
    if not raw or raw == ".":
        raise InputError(f"{name}: an empty path (or the working folder); refusing to delete anything")
    raw = os.path.abspath(raw)  # a relative path needs the marker like any other
    if os.path.realpath(raw) in ("/", os.path.realpath(os.path.expanduser("~"))):
        raise InputError(f"{name}: refusing to delete anything in / or the home folder")
    try:
        st = os.lstat(raw)
    except FileNotFoundError:
        raise InputError(f"{name}: no such folder") from None
    except OSError as exc:
        raise InputError(f"{name}: cannot read: {exc.strerror or exc}") from exc
    if not stat.S_ISDIR(st.st_mode):
        raise InputError(f"{name}: not a folder (a symlink is not followed)")
    marker = Path(raw) / MARKER
    try:
        mst = os.lstat(marker)
        first = marker.read_text(encoding="utf-8").partition("\n")[0] if stat.S_ISREG(mst.st_mode) else ""
    except (OSError, UnicodeDecodeError):
        first = ""
    if first != kind:
        raise InputError(
            f"{name}: not a {kind} folder summarizer made (no {MARKER} marker in it); refusing to delete anything",
            hint="delete it yourself if it is yours",
        )
    return Path(raw)
