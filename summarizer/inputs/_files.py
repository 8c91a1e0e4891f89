"""Reading an article from a file, stdin or a URL (`read_article` picks by the source)."""

from __future__ import annotations

import errno
import hashlib
import os
import stat
import sys
from pathlib import Path
from typing import Any, BinaryIO

from summarizer.config import DEFAULT_MAX_CHARS, input_byte_limit
from summarizer.errors import InputError
from summarizer.inputs._article import Article, from_text
from summarizer.inputs._decode import decode_bytes
from summarizer.inputs._fetch import fetch_url, is_url


def read_bounded(fh: Any, limit: int) -> bytes:
    """At most `limit` bytes of a binary file object, read in pieces (a huge limit allocates
    nothing up front)."""
    chunks: list[bytes] = []
    total = 0
    while total < limit:
        chunk = fh.read(min(1 << 20, limit - total))
        if not chunk:
            break
        chunks.append(chunk)
        total += len(chunk)
    return b"".join(chunks)


def read_file(path: str, *, max_chars: int = DEFAULT_MAX_CHARS) -> Article:
    """Read an article file. Every way this can fail is an InputError with one clear line."""
    p = Path(path)
    try:
        st = os.stat(p)
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except NotADirectoryError:
        raise InputError(f"{path}: no such file (a part of the path is not a directory)") from None
    except PermissionError:
        raise InputError(f"{path}: permission denied") from None
    except OSError as exc:  # name too long, symlink loop, I/O error ...
        raise InputError(f"{path}: cannot read: {exc.strerror or exc}") from None
    if stat.S_ISDIR(st.st_mode):
        raise InputError(f"{path}: is a directory, not an article", hint="use `summarizer batch DIR`")
    if not stat.S_ISREG(st.st_mode):
        raise InputError(f"{path}: not a regular file")
    limit = input_byte_limit(max_chars)
    if st.st_size > limit:
        raise InputError(
            f"{path}: {st.st_size:,} bytes, over the limit of {max_chars:,} characters",
            hint="raise it with --max-chars",
        )
    try:
        with open(p, "rb") as fh:
            data = read_bounded(fh, limit + 1)
    except PermissionError:
        raise InputError(f"{path}: permission denied") from None
    except OSError as exc:
        what = "is a directory" if exc.errno == errno.EISDIR else (exc.strerror or str(exc))
        raise InputError(f"{path}: cannot read: {what}") from None
    if len(data) > limit:  # grew while we looked
        raise InputError(f"{path}: over the limit of {max_chars:,} characters", hint="raise it with --max-chars")
    text, warnings = decode_bytes(data, path)
    return from_text(text, id=p.stem or "article", origin="file", warnings=warnings, max_chars=max_chars, where=path)


def read_stdin(data: bytes, *, max_chars: int = DEFAULT_MAX_CHARS) -> Article:
    text, warnings = decode_bytes(data, "stdin")
    return from_text(
        text,
        id=f"stdin-{hashlib.sha256(text.encode()).hexdigest()[:12]}",
        origin="stdin",
        warnings=warnings,
        max_chars=max_chars,
        where="stdin",
    )


def read_article(
    source: str | os.PathLike[str],
    *,
    max_chars: int = DEFAULT_MAX_CHARS,
    allow_private: bool = False,
    stdin: BinaryIO | None = None,
    offline: bool = False,
) -> Article:
    """The article at `source`: a file path, an http(s) URL, or "-" for stdin (read whole, up
    to the byte limit of `max_chars`). Raises InputError with one clear line. `offline`: a URL
    is refused before anything touches the network (not even its host is resolved)."""
    source = os.fspath(source)
    if source == "-":
        limit = input_byte_limit(max_chars)
        data = read_bounded(stdin or sys.stdin.buffer, limit + 1)
        if len(data) > limit:
            raise InputError(
                f"stdin: over {limit:,} bytes, over the limit of {max_chars:,} characters",
                hint="raise it with --max-chars",
            )
        return read_stdin(data, max_chars=max_chars)
    if is_url(source):
        if offline:
            from summarizer.models import redact_url

            raise InputError(
                f"{redact_url(source)}: --offline does not fetch URLs",
                hint="save the article to a file and give its path (or - for stdin), or run without --offline",
            )
        return fetch_url(source, allow_private=allow_private, max_chars=max_chars)
    return read_file(source, max_chars=max_chars)
