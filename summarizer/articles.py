"""Articles: the text as read, and reading it from a file, a URL or stdin.

"The article" is its text as read (shared/CONTRACT.md): the file decoded to Unicode with
newlines untouched, or the text extracted from a URL, or stdin. Its sha256 is of that text as
UTF-8, and every span indexes into it.
"""

from __future__ import annotations

import hashlib
import re
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
MAX_FILE_BYTES = 5_000_000  # a file is read whole only up to this (or 4 bytes a character, if more)
_HTML_START = ("<!doctype html", "<html")
_HTML_TAGS = ("<head", "<body", "<title", "<article", "<div", "<p>", "<p ", "</p>", "<br", "<span", "<a ", "<meta")
_BINARY_SHARE = 0.10  # more undecodable bytes or control characters than this: not text


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


def _control_share(text: str) -> float:
    sample = text[:8192]
    if not sample:
        return 0.0
    bad = sum(1 for ch in sample if (ord(ch) < 32 and ch not in "\t\n\r\f\v") or ch == "\ufffd")
    return bad / len(sample)


def decode_bytes(data: bytes, where: str) -> tuple[str, list[str]]:
    """Decode as UTF-8 (BOM stripped; UTF-16 with a BOM too); refuse binary; otherwise decode
    what can be decoded, replace the rest with U+FFFD, and say so in a warning."""
    from .errors import InputError

    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise InputError(f"{where}: starts like UTF-16 but does not decode as UTF-16") from exc
        return text, [f"{where}: decoded as UTF-16 (byte order mark)"]
    if b"\x00" in data[:8192]:
        raise InputError(f"{where}: looks like a binary file, not text")
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        text = data.decode("utf-8", errors="replace")
        if _control_share(text) > _BINARY_SHARE:
            raise InputError(f"{where}: looks like a binary file, not text") from None
        replaced = text.count("\ufffd") - data.count("\ufffd".encode())
        return text, [
            f"{where}: not valid UTF-8 (first bad byte at offset {exc.start}); "
            f"{replaced} undecodable byte sequence(s) replaced with U+FFFD"
        ]
    if _control_share(text) > _BINARY_SHARE:
        raise InputError(f"{where}: looks like a binary file, not text")
    return text, []


# -- text addressed to the model ------------------------------------------------------------------
#
# An article is data, but a line of it may be written to a language model ("ignore all previous
# instructions", a fake system turn, a JSON block posing as the answer). Small local models obey
# such lines, so the pipeline hides them from the model (the article itself is not changed: spans
# and sha256 are of the text as read) and says so in a warning. A heuristic, and one defence of
# several: the delimiters and chat-control tokens are neutralized too, and grounding drops
# whatever the model invents. A paraphrased injection can still get through.

_INJECTION = re.compile(
    r"\b(?:ignore|disregard|forget|override)\b[^\n]{0,40}?\b(?:previous|prior|above|earlier|preceding|all|your|the|any)"
    r"\b[^\n]{0,20}?\b(?:instructions?|rules|prompts?|directions|directives|guidelines|context)\b"
    r"|\byou are (?:now|no longer)\b"
    r"|\b(?:system|developer)[ _-](?:prompt|override|message|instructions?|mode)\b"
    r"|\b(?:note|message|instructions?) (?:to|for) (?:the |any )?(?:assistant|ai|model|llm|language model|chatbot)\b"
    r"|\b(?:as an|dear) (?:ai|assistant|language model|llm)\b"
    r"|\b(?:copy|output|return|print|repeat) (?:it|this|the following|the json|that)? ?(?:exactly|verbatim)\b"
    r"|\bwrite the summary as\b"
    r"|\bthe (?:correct|expected|required) (?:output|answer|json|response)\b"
    r"|<\|[^<>|\s]{1,40}\|>|<(?:/?start_of_turn|/?end_of_turn)>|\[/?INST\]|<</?SYS>>"
    r"|<\s*/?\s*article\b[^<>]*>",
    re.IGNORECASE,
)
_OUTPUT_KEYS = re.compile(r'"(?:actors|locations|events|casualties|summary|sentences|figure|quote)"\s*:')
_HIDDEN = "[hidden: text addressed to an AI model]"


def hidden_passages(text: str) -> list[tuple[int, int]]:
    """(start, end) of each line that looks written to a language model rather than to readers:
    an instruction to it, a chat-template control token or article tag, or a JSON object with
    the keys of this tool's output."""
    found: list[tuple[int, int]] = []
    pos = 0
    for line in text.splitlines(keepends=True):
        body = line.rstrip("\r\n")
        if body.strip() and (_INJECTION.search(body) or len(_OUTPUT_KEYS.findall(body)) >= 2):
            found.append((pos, pos + len(body)))
        pos += len(line)
    return found


def hide_passages(text: str, passages: list[tuple[int, int]]) -> str:
    """`text` with each passage replaced by a same-length placeholder (so offsets still agree)."""
    if not passages:
        return text
    out: list[str] = []
    last = 0
    for start, end in passages:
        width = end - start
        mark = _HIDDEN if width >= len(_HIDDEN) else "[hidden]"[:width]
        out.append(text[last:start] + mark + " " * (width - len(mark)))
        last = end
    out.append(text[last:])
    return "".join(out)


def hidden_warning(passages: list[tuple[int, int]]) -> str:
    where = ", ".join(f"{s}-{e}" for s, e in passages[:5]) + (" ..." if len(passages) > 5 else "")
    return (
        f"{len(passages)} line(s) of the article look like instructions to an AI model "
        f"(characters {where}); they were hidden from the model"
    )


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
    from .errors import InputError

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


def read_file(path: str, *, max_chars: int = DEFAULT_MAX_CHARS) -> Article:
    """Read an article file. Every way this can fail is an InputError with one clear line."""
    import errno
    import os
    import stat
    from pathlib import Path

    from .errors import InputError

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
    limit = max(MAX_FILE_BYTES, max_chars * 4 + 1024)
    if st.st_size > limit:
        raise InputError(
            f"{path}: {st.st_size:,} bytes, over the limit of {max_chars:,} characters",
            hint="raise it with --max-chars",
        )
    try:
        with open(p, "rb") as fh:
            data = fh.read(limit + 1)
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
