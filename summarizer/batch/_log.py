"""The result log (the batch's JSONL output) and the resume plan.

How nothing gets lost or duplicated:

* Every line is written with a single ``write`` of the line and its newline to a file opened
  for appending, then fsync'd, as soon as the article is finished. A kill can only leave a
  torn *last* line; the next run truncates the file back to its last complete line first.
* The file is locked (``flock``) while a batch writes it: two batches cannot interleave.
* Resume: an article is done when the file holds a document for the same (id, article
  sha256, model, prompt version); done articles are skipped. Failed ones (error records) are
  retried: the file is first rewritten without their error records (temp file in the same
  directory, fsync, ``os.replace``: `summarizer.files.staged_file`), so it never holds an
  article twice. A document for an id whose text has since changed (same model and prompt)
  is dropped the same way.
* Within one out file an id stands for one article: identical inputs are summarized once.
* Only a batch output is ever rewritten: ``--out`` must be a regular file (or not exist yet),
  none of the inputs, and hold nothing but batch records (documents and error records) and at
  most a torn last record; anything else is refused (InputError, exit 2) and left as it was.
"""

from __future__ import annotations

import fcntl
import json
import os
import stat
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from summarizer.errors import InputError, SummarizerError
from summarizer.files import check_target, staged_file
from summarizer.inputs import BatchItem
from summarizer.models import scrub_secrets

Key = tuple[str, str, str, str]  # (id, article sha256, model, prompt version)


def record_key(obj: Any) -> Key | None:
    """(id, sha256, model, prompt version) of an output line, or None if it is not one of ours."""
    if not isinstance(obj, dict):
        return None
    if isinstance(obj.get("error"), dict):
        key = (obj.get("id"), obj.get("article_sha256"), obj.get("model"), obj.get("prompt_version"))
    else:
        art, prov = obj.get("article"), obj.get("provenance")
        if not isinstance(art, dict) or not isinstance(prov, dict):
            return None
        key = (art.get("id"), art.get("sha256"), prov.get("model"), prov.get("prompt_version"))
    if not all(isinstance(k, str) for k in key):
        return None
    return key  # type: ignore[return-value]


def error_record(item: BatchItem, model: str, prompt_version: str, exc: SummarizerError) -> dict[str, Any]:
    message = scrub_secrets(exc.one_line())  # a message may quote what a server echoed
    error: dict[str, Any] = {"type": type(exc).__name__, "message": message, "exit_code": exc.exit_code}
    return {
        "id": item.id,
        "error": error,
        "model": model,
        "prompt_version": prompt_version,
        "article_sha256": item.sha256,
        "input": item.where,
    }


def _line(record: dict[str, Any]) -> bytes:
    return (json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8")


def check_out(out: Path, inputs: Sequence[str | Path] = (), protected: Sequence[str | Path] = ()) -> None:
    """--out must be a regular file (or not exist yet), none of the inputs and not the run log
    (`protected`): the one check of every writer, `summarizer.files.check_target`."""
    check_target(
        out,
        inputs=inputs,
        protected=protected,
        label=f"--out {out}",
        hint="choose another --out file",
        regular_hint="--out is a JSONL file this command writes",
    )


class ResultLog:
    """The out file: locked, repaired, appended one whole line at a time, rewritten atomically."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.fd: int | None = None
        self.repaired_bytes = 0

    def open(self) -> list[tuple[bytes, Any]]:
        """Lock the file (creating it), cut a torn last record, and return its lines, each with
        its parsed JSON. A file that is not a batch output is refused (InputError), untouched. Long on purpose: the
        refusals and the torn-record repair must happen under one lock, in this order."""
        path = self.path
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise InputError(f"{path}: cannot create its directory: {exc.strerror}") from exc
        check_out(path)
        for _ in range(5):
            try:
                fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_APPEND | os.O_NONBLOCK, 0o644)
            except IsADirectoryError as exc:
                raise InputError(f"--out {path}: is a directory") from exc
            except OSError as exc:
                raise InputError(f"--out {path}: cannot open: {exc.strerror}") from exc
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                os.close(fd)
                raise InputError(f"--out {path}: another `summarizer batch` is writing it") from None
            if not stat.S_ISREG(os.fstat(fd).st_mode):  # a FIFO or device put there meanwhile
                os.close(fd)
                raise InputError(f"--out {path}: not a regular file", hint="--out is a JSONL file this command writes")
            if os.fstat(fd).st_ino == os.stat(path).st_ino:  # not replaced while we locked it
                os.set_blocking(fd, True)
                break
            os.close(fd)
        else:  # pragma: no cover - the file kept being replaced
            raise InputError(f"--out {path}: keeps being replaced by another process")
        self.fd = fd
        chunks: list[bytes] = []
        offset = 0
        while chunk := os.pread(fd, 1 << 20, offset):
            chunks.append(chunk)
            offset += len(chunk)
        data = b"".join(chunks)
        cut = data.rfind(b"\n") + 1
        lines: list[tuple[bytes, Any]] = []
        for number, raw in enumerate(data[:cut].split(b"\n")[:-1], 1):  # JSONL: "\n" only
            if not raw.strip():
                continue
            try:
                obj = json.loads(raw)
            except ValueError:
                obj = None
            if record_key(obj) is None:  # not a file this command wrote: never rewrite it
                self.close()
                raise InputError(
                    f"--out {path}: line {number} is not a batch record (a document or an error record); "
                    "refusing to overwrite a file that is not a batch output",
                    hint="choose another --out file",
                )
            lines.append((raw + b"\n", obj))
        tail = data[cut:]
        if tail:  # a torn last line: only a record cut short by a kill (it starts like one) is cut
            try:
                whole: Any = json.loads(tail)
            except ValueError:
                whole = None
            torn = tail.startswith(b'{"') if whole is None else record_key(whole) is not None
            if not torn:
                self.close()
                raise InputError(
                    f"--out {path}: does not end with a complete batch record; "
                    "refusing to overwrite a file that is not a batch output",
                    hint="choose another --out file",
                )
            self.repaired_bytes = len(tail)
            os.ftruncate(fd, cut)
            os.fsync(fd)
        return lines

    def rewrite(self, lines: Sequence[bytes]) -> None:
        """Replace the file's content atomically (`summarizer.files.staged_file`: temp file in
        the same directory, fsync, os.replace; the file's mode kept). The new file is locked
        before it takes the old one's place, and stays open (and locked) for the appends."""
        assert self.fd is not None
        new: int | None = None
        try:
            with staged_file(self.path) as staged:
                fcntl.flock(staged.fd, fcntl.LOCK_EX)
                view = memoryview(b"".join(lines))
                while view:
                    view = view[os.write(staged.fd, view) :]
                new = os.dup(staged.fd)  # shares the lock; open once the file has taken the old one's place
        except BaseException:
            if new is not None:
                os.close(new)
            raise
        os.close(self.fd)
        self.fd = new
        os.lseek(new, 0, os.SEEK_END)  # later writes append

    def append(self, record: dict[str, Any]) -> None:
        """Write one record as one line, in one write, and make it durable."""
        assert self.fd is not None
        data = _line(record)
        written = os.write(self.fd, data)
        while written < len(data):  # pragma: no cover - regular files write whole
            written += os.write(self.fd, data[written:])
        os.fsync(self.fd)

    def close(self) -> None:
        if self.fd is not None:
            os.close(self.fd)
            self.fd = None


@dataclass
class ResumePlan:
    to_do: list[BatchItem]
    done: int
    retried: int
    keep: list[bytes]
    rewrite: bool
    notes: list[str]


def plan_resume(
    items: Sequence[BatchItem], lines: Sequence[tuple[bytes, Any]], model: str, prompt_version: str
) -> ResumePlan:
    current = {(i.id, i.sha256, model, prompt_version) for i in items}
    current_ids = {(i.id, model, prompt_version) for i in items}
    done: set[Key] = set()
    notes: list[str] = []
    keyed: list[tuple[bytes, Key | None, bool]] = []
    for raw, obj in lines:
        key = record_key(obj)
        keyed.append((raw, key, key is not None and not isinstance(obj.get("error"), dict)))
        if key is not None and keyed[-1][2]:
            done.add(key)
    keep: list[bytes] = []
    kept_ok: set[Key] = set()
    dropped = {"invalid": 0, "duplicate": 0, "error": 0, "stale": 0}
    failed_before: set[Key] = set()
    for raw, key, ok in keyed:
        if key is None:
            dropped["invalid"] += 1
            continue
        if key not in current and (key[0], key[2], key[3]) in current_ids:
            dropped["stale"] += 1  # the article under this id has changed
            continue
        if ok:
            if key in kept_ok:
                dropped["duplicate"] += 1
                continue
            kept_ok.add(key)
        elif key in done or key in current:
            dropped["error"] += 1  # superseded by a success, or retried now
            if key not in done:
                failed_before.add(key)
            continue
        keep.append(raw)
    if dropped["invalid"]:
        notes.append(f"dropped {dropped['invalid']} line(s) of {{out}} that are not batch records")
    if dropped["stale"]:
        notes.append(f"dropped {dropped['stale']} result(s) for ids whose text has changed")
    to_do = [i for i in items if (i.id, i.sha256, model, prompt_version) not in done]
    return ResumePlan(
        to_do=to_do,
        done=len(items) - len(to_do),
        retried=len(failed_before),
        keep=keep,
        rewrite=any(dropped.values()),
        notes=notes,
    )
