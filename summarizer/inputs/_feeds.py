"""Feeds of many articles for a batch: files, directories walked for articles (.txt, .md,
.html; hidden files and README/SOURCES/LICENSE-like files are not articles) and JSONL files of
``{"id", "text"}`` (``published`` and ``source`` are used when present, other keys ignored).

An article that cannot be read becomes a `BatchItem` with an error (an error record of the
batch); what stops the batch (no inputs, a missing path, a bad JSONL line) raises InputError.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import stat
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from summarizer.config import DEFAULT_MAX_CHARS
from summarizer.errors import InputError, SummarizerError
from summarizer.inputs._article import Article, from_text
from summarizer.inputs._checks import check_date
from summarizer.inputs._files import read_bounded, read_file

ARTICLE_SUFFIXES = frozenset({".txt", ".md", ".markdown", ".html", ".htm"})
NOT_ARTICLES = frozenset(
    {"readme", "sources", "license", "licence", "changelog", "contributing", "notice", "authors", "copying"}
)


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@dataclass(frozen=True)
class BatchItem:
    """One article of the batch, or the reason it could not be read (an error record)."""

    id: str
    where: str  # file path, or path:line for a JSONL entry
    sha256: str
    chars: int = 0
    article: Article | None = None
    error: SummarizerError | None = None


def _file_item(path: Path, id: str, max_chars: int) -> BatchItem:
    """Read a file the way `summarizer summarize FILE` does; a failure becomes the item's error
    (its sha256 is then of the raw bytes, or of the path when they cannot be read; a FIFO or a
    device is never opened)."""
    where = str(path)
    try:
        article = read_file(where, max_chars=max_chars)
    except InputError as exc:  # empty, binary, unreadable, too large, HTML without text, not a file
        raw = where.encode("utf-8", errors="surrogateescape")
        with contextlib.suppress(OSError):
            if stat.S_ISREG(os.stat(path).st_mode):
                fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
                with os.fdopen(fd, "rb") as fh:
                    raw = read_bounded(fh, max_chars * 4 + 1024)
        return BatchItem(id, where, sha256_hex(raw), error=exc)
    if article.id != id:
        article = replace(article, id=id)
    return BatchItem(id, where, article.sha256, article.chars, article=article)


def _text_item(
    text: str,
    *,
    id: str,
    where: str,
    origin: str,
    max_chars: int,
    warnings: list[str] | None = None,
    published: str | None = None,
    source: str | None = None,
) -> BatchItem:
    try:
        article = from_text(
            text, id=id, origin=origin, warnings=warnings, max_chars=max_chars, published=published, source=source
        )
    except InputError as exc:  # empty, HTML without text, too long
        return BatchItem(id, where, sha256_hex(text.encode("utf-8")), len(text), error=exc)
    return BatchItem(id, where, article.sha256, article.chars, article=article)


def _jsonl_items(path: Path, max_chars: int) -> list[BatchItem]:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc.strerror}") from exc
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: not UTF-8 (byte {exc.start}); a JSONL input must be UTF-8") from exc
    items: list[BatchItem] = []
    # split on "\n" only: str.splitlines() also splits on U+2028, U+2029, U+0085 ..., which a
    # JSON string may hold unescaped
    for lineno, line in enumerate(text.split("\n"), 1):
        if not line.strip():
            continue
        where = f"{path}:{lineno}"
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InputError(f"{where}: not valid JSON ({exc.msg} at column {exc.colno})") from exc
        if not isinstance(obj, dict):
            raise InputError(f'{where}: expected an object with "id" and "text"')
        id_, body = obj.get("id"), obj.get("text")
        if isinstance(id_, int) and not isinstance(id_, bool):
            id_ = str(id_)
        if not isinstance(id_, str) or not id_.strip():
            raise InputError(f'{where}: "id" is missing or not a non-empty string')
        if not isinstance(body, str):
            raise InputError(f'{where}: "text" is missing or not a string')
        published = obj.get("published") if isinstance(obj.get("published"), str) else None
        source = obj.get("source") if isinstance(obj.get("source"), str) else None
        if published is not None:
            try:
                check_date(published, f'{where}: "published"')
            except InputError as exc:  # untrusted feed data: this article fails, the batch goes on
                items.append(BatchItem(id_, where, sha256_hex(body.encode("utf-8")), len(body), error=exc))
                continue
        items.append(
            _text_item(
                body, id=id_, where=where, origin="dataset", max_chars=max_chars, published=published, source=source
            )
        )
    return items


def _walk(directory: Path) -> tuple[list[Path], list[str]]:
    found: list[Path] = []
    ignored: list[str] = []
    for root, dirs, files in os.walk(directory):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            p = Path(root) / name
            if name.startswith(".") or p.suffix.lower() not in ARTICLE_SUFFIXES:
                continue
            if p.stem.lower() in NOT_ARTICLES:
                ignored.append(str(p))
                continue
            found.append(p)
    return found, ignored


@dataclass
class Inputs:
    items: list[BatchItem]
    notes: list[str] = field(default_factory=list)


def collect_inputs(paths: Sequence[str | Path], *, max_chars: int = DEFAULT_MAX_CHARS) -> Inputs:
    """Read every input. Raises InputError for what stops the batch (no inputs, a missing
    path, an unreadable JSONL line); an unreadable article becomes an item with an error."""
    if not paths:
        raise InputError("no inputs given", hint="pass files, directories or JSONL files")
    items: list[BatchItem] = []
    notes: list[str] = []
    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            files, ignored = _walk(p)
            if ignored:
                notes.append(f"not treated as articles: {', '.join(ignored)}")
            items.extend(_file_item(f, f.stem, max_chars) for f in files)
        elif p.suffix.lower() == ".jsonl" and p.is_file():
            items.extend(_jsonl_items(p, max_chars))
        elif p.exists():
            items.append(_file_item(p, p.stem, max_chars))
        else:
            raise InputError(f"{raw}: no such file or directory")
    if not items:
        raise InputError(
            f"no articles found in {', '.join(map(str, paths))}",
            hint='articles are .txt, .md or .html files, or JSONL lines of {"id", "text"}',
        )
    unique: list[BatchItem] = []
    seen: dict[tuple[str, str], str] = {}
    texts_by_id: dict[str, str] = {}
    for item in items:
        if (item.id, item.sha256) in seen:
            notes.append(f"{item.where}: same id and text as {seen[item.id, item.sha256]}: summarized once")
            continue
        if item.id in texts_by_id:
            notes.append(f"{item.where}: id {item.id!r} also names another text ({texts_by_id[item.id]})")
        seen[item.id, item.sha256] = item.where
        texts_by_id.setdefault(item.id, item.where)
        unique.append(item)
    return Inputs(unique, notes)
