"""Decoding the bytes of an article: UTF-8 (with or without BOM), UTF-16 with a BOM; binary
refused (UTF-32, and UTF-16 that decodes to NULs or control characters, count as binary);
undecodable bytes replaced and reported in a warning."""

from __future__ import annotations

import codecs

from summarizer.errors import InputError

_BINARY_SHARE = 0.10  # more undecodable bytes or control characters than this: not text


def _control_share(text: str) -> float:
    sample = text[:8192]
    if not sample:
        return 0.0
    bad = sum(1 for ch in sample if (ord(ch) < 32 and ch not in "\t\n\r\f\v") or ch == "\ufffd")
    return bad / len(sample)


def _declared_codec(charset: str | None) -> str | None:
    """The codec of a declared charset other than UTF-8 (or ASCII, read as UTF-8), if Python knows it."""
    if not charset:
        return None
    try:
        name = codecs.lookup(charset.strip().strip("\"'")).name
    except (LookupError, ValueError):
        return None
    return None if name in ("utf-8", "ascii") or name.startswith(("utf-16", "utf-32")) else name


def decode_bytes(data: bytes, where: str, *, charset: str | None = None) -> tuple[str, list[str]]:
    """Decode as UTF-8 (BOM stripped; UTF-16 with a BOM too), or as the `charset` a server
    declared (`Content-Type: ...; charset=iso-8859-1`; a byte order mark still wins); refuse
    binary; otherwise decode what can be decoded, replace the rest with U+FFFD, and say so in
    a warning."""
    if data.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):  # UTF-32: not a text file we read
        raise InputError(f"{where}: looks like a binary file, not text")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise InputError(f"{where}: starts like UTF-16 but does not decode as UTF-16") from exc
        if "\x00" in text[:8192] or _control_share(text) > _BINARY_SHARE:
            raise InputError(f"{where}: looks like a binary file, not text")
        return text, [f"{where}: decoded as UTF-16 (byte order mark)"]
    if b"\x00" in data[:8192]:
        raise InputError(f"{where}: looks like a binary file, not text")
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    elif (codec := _declared_codec(charset)) is not None:
        text = data.decode(codec, errors="replace")
        if _control_share(text) > _BINARY_SHARE:
            raise InputError(f"{where}: looks like a binary file, not text")
        return text, []
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
