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
