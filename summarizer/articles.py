"""Articles: the text as read, and reading it from a file, a URL or stdin.

"The article" is its text as read (shared/CONTRACT.md): the file decoded to Unicode with
newlines untouched, or the text extracted from a URL, or stdin. Its sha256 is of that text as
UTF-8, and every span indexes into it.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Article:
    id: str
    text: str
    title: str | None = None
    published: str | None = None  # YYYY-MM-DD
    source: str | None = None
    origin: str = "file"  # "file", "url", "stdin", "dataset"
    warnings: tuple[str, ...] = field(default=())

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()

    @property
    def chars(self) -> int:
        return len(self.text)


def guess_title(text: str) -> str | None:
    """The first non-blank line, when it looks like a headline (short, no final period)."""
    for line in text.splitlines():
        line = line.strip()
        if line:
            return line if len(line) <= 200 else None
    return None


DEFAULT_MAX_CHARS = 200_000  # configurable: --max-chars / SUMMARIZER_MAX_CHARS
_HTML_HINT = ("<html", "<!doctype html", "<body", "<article", "<div", "<p>")


def looks_like_html(text: str) -> bool:
    head = text[:2048].lstrip().lower()
    return any(head.startswith(tag) for tag in _HTML_HINT[:2]) or sum(head.count(t) for t in _HTML_HINT) >= 3


def html_to_text(html: str) -> str:
    """The article text of an HTML page (trafilatura), or '' when none can be found."""
    import trafilatura

    return trafilatura.extract(html, include_comments=False, include_tables=False, favor_precision=True) or ""


def decode_bytes(data: bytes, where: str) -> tuple[str, list[str]]:
    """Decode as UTF-8 (BOM stripped); refuse binary; decode what can be decoded otherwise."""
    from .errors import InputError

    if b"\x00" in data[:8192]:
        raise InputError(f"{where}: looks like a binary file, not text")
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8"), []
    except UnicodeDecodeError as exc:
        text = data.decode("utf-8", errors="replace")
        bad = text.count("\ufffd")
        return text, [f"{where}: not valid UTF-8 (first bad byte at {exc.start}); {bad} character(s) replaced"]


def from_text(text: str, *, id: str, origin: str, warnings: list[str] | None = None,
              max_chars: int = DEFAULT_MAX_CHARS, published: str | None = None, source: str | None = None) -> Article:
    from .errors import InputError

    warnings = list(warnings or [])
    if looks_like_html(text):
        extracted = html_to_text(text)
        if not extracted.strip():
            raise InputError(f"{id}: HTML with no article text in it")
        warnings.append(f"{id}: HTML input; summarized the extracted article text")
        text = extracted
        if origin == "file":
            origin = "html"
    if not text.strip():
        raise InputError(f"{id}: the article is empty")
    if len(text) > max_chars:
        raise InputError(f"{id}: {len(text):,} characters, over the limit of {max_chars:,}",
                         hint="raise it with --max-chars")
    return Article(id=id, text=text, title=guess_title(text), published=published, source=source,
                   origin=origin, warnings=tuple(warnings))


def read_file(path: str, *, max_chars: int = DEFAULT_MAX_CHARS) -> Article:
    import os
    from pathlib import Path

    from .errors import InputError

    p = Path(path)
    if not p.exists():
        raise InputError(f"{path}: no such file")
    if p.is_dir():
        raise InputError(f"{path}: is a directory, not an article", hint="use `summarizer batch DIR`")
    if not p.is_file():
        raise InputError(f"{path}: not a regular file")
    if not os.access(p, os.R_OK):
        raise InputError(f"{path}: permission denied")
    size = p.stat().st_size
    if size > max_chars * 4 + 1024:
        raise InputError(f"{path}: {size:,} bytes, over the limit of {max_chars:,} characters",
                         hint="raise it with --max-chars")
    try:
        data = p.read_bytes()
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc.strerror}") from exc
    text, warnings = decode_bytes(data, path)
    return from_text(text, id=p.stem, origin="file", warnings=warnings, max_chars=max_chars)


def read_stdin(data: bytes, *, max_chars: int = DEFAULT_MAX_CHARS) -> Article:
    text, warnings = decode_bytes(data, "stdin")
    return from_text(text, id=f"stdin-{hashlib.sha256(text.encode()).hexdigest()[:12]}", origin="stdin",
                     warnings=warnings, max_chars=max_chars)
