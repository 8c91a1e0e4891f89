"""The `Article`: the text as read, and how decoded text becomes one (HTML reduced to its
article text, empty/blank/too long refused, passages addressed to a model flagged).

"The article" is its text as read (shared/CONTRACT.md): the file decoded to Unicode with
newlines untouched, or the text extracted from a URL, or stdin. Its sha256 is of that text as
UTF-8, and every span indexes into it.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field

from summarizer.config import DEFAULT_MAX_CHARS
from summarizer.errors import InputError
from summarizer.inputs._hidden import hidden_passages, hidden_warning


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


# Lines at the top of a pasted article that are not its headline: a byline ("By Nick
# Mordowanec", "by Eric Zuesse, The Duran:"), a dateline alone ("KYIV -"), a site notice
# ("Voice is AI-generated", "Updated 3 hours ago", "5 min read"), a date alone ("Dec 27, 2022").
_NOT_A_TITLE = re.compile(
    r"^(?:(?:written |words )?by\s+\S|[A-Z][A-Z .'-]{1,40}\s*[-–—:]\s*$|updated\b|published\b|listen to this|"
    r"\d+\s+min(?:ute)?s? read\b|advertisement$|"
    r"(?:[A-Z][a-z]{2,8}\.?\s+\d{1,2},?\s+\d{4}|\d{1,2}\s+[A-Z][a-z]{2,8}\s+\d{4}|\d{4}-\d{2}-\d{2})\W*$)|"
    r"ai-generated|inconsistencies may occur",
    re.IGNORECASE,
)


def guess_title(text: str) -> str | None:
    """The article's headline: its first non-blank line that is not a byline, a dateline or a
    site notice, when it is short enough to be a headline (200 characters); else None."""
    for line in text.splitlines()[:12]:
        line = line.strip()
        if not line or _NOT_A_TITLE.search(line):
            continue
        return line if len(line) <= 200 else None
    return None


_HTML_START = ("<!doctype html", "<html")
_HTML_TAGS = ("<head", "<body", "<title", "<article", "<div", "<p>", "<p ", "</p>", "<br", "<span", "<a ", "<meta")


def looks_like_html(text: str) -> bool:
    """An HTML page or fragment: starts like one, or starts with a tag and has several of them.
    Plain text that merely mentions a tag (an article quoting `</article>`) is not HTML."""
    head = text[:4096].lstrip().lower()
    if head.startswith(_HTML_START):
        return True
    return head.startswith("<") and sum(head.count(t) for t in _HTML_TAGS) >= 3


def html_to_text(html: str) -> str:
    """The article text of an HTML page (trafilatura), or '' when none can be found."""
    import trafilatura

    return trafilatura.extract(html, include_comments=False, include_tables=False, favor_precision=True) or ""


def from_text(
    text: str,
    *,
    id: str,
    origin: str,
    warnings: list[str] | None = None,
    max_chars: int = DEFAULT_MAX_CHARS,
    published: str | None = None,
    source: str | None = None,
    where: str | None = None,
) -> Article:
    """An Article from decoded text; `where` names the input in messages (default: `id`)."""
    where = where or id
    warnings = list(warnings or [])
    if looks_like_html(text):
        extracted = html_to_text(text)
        if not extracted.strip():
            raise InputError(f"{where}: HTML with no article text in it")
        warnings.append(f"{where}: HTML input; summarized the article text extracted from it")
        text = extracted
        if origin == "file":
            origin = "html"
    if not text:
        raise InputError(f"{where}: the article is empty")
    if not text.strip():
        raise InputError(f"{where}: the article is blank (only whitespace)")
    if len(text) > max_chars:
        raise InputError(
            f"{where}: {len(text):,} characters, over the limit of {max_chars:,}", hint="raise it with --max-chars"
        )
    passages = hidden_passages(text)
    if passages:
        warnings.append(f"{where}: {hidden_warning(passages)}")
    return Article(
        id=id,
        text=text,
        title=guess_title(text),
        published=published,
        source=source,
        origin=origin,
        warnings=tuple(warnings),
    )
