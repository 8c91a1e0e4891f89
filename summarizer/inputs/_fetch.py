"""Fetching an article from a URL, safely: http(s) only, no private addresses unless allowed,
a size cap, a timeout, a content-type check; HTML is reduced to its article text."""

from __future__ import annotations

import ipaddress
import socket
import time
from urllib.parse import SplitResult, urlsplit

from summarizer.config import DEFAULT_MAX_CHARS, MAX_INPUT_BYTES
from summarizer.errors import InputError
from summarizer.inputs._article import Article, from_text
from summarizer.inputs._decode import decode_bytes

TIMEOUT_S = 20.0
TEXT_TYPES = ("text/html", "text/plain", "application/xhtml+xml", "text/markdown")


def is_url(source: str) -> bool:
    return "://" in source[:12]


def is_refused_address(address: str) -> bool:
    """Not a public unicast address: loopback, private, link-local (cloud metadata), shared
    (CGNAT), reserved, documentation, multicast, unspecified; IPv4-mapped IPv6 judged as IPv4."""
    addr = ipaddress.ip_address(address.split("%", 1)[0])  # drop an IPv6 zone id
    if isinstance(addr, ipaddress.IPv6Address) and addr.ipv4_mapped is not None:
        addr = addr.ipv4_mapped
    return not addr.is_global or addr.is_multicast


def _check_host(host: str, port: int, allow_private: bool) -> None:
    """Refuse a host any of whose addresses is not public (unless allowed). Every address is
    checked, so a name that resolves to both a public and a private address is refused."""
    try:
        infos = socket.getaddrinfo(host, port, proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError) as exc:
        raise InputError(f"cannot resolve host {host!r}: {getattr(exc, 'strerror', None) or exc}") from exc
    if allow_private:
        return
    for info in infos:
        address = str(info[4][0])
        if is_refused_address(address):
            raise InputError(
                f"refusing to fetch {host} ({address}): a private, loopback or link-local address",
                hint="pass --allow-private if you mean it",
            )


def _port(parts: SplitResult, url: str) -> int:
    try:
        return parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError as exc:
        raise InputError(f"{url}: bad port in the URL") from exc


def fetch_url(
    url: str,
    *,
    allow_private: bool = False,
    max_chars: int = DEFAULT_MAX_CHARS,
    timeout_s: float = TIMEOUT_S,
    max_bytes: int = MAX_INPUT_BYTES,
) -> Article:
    from summarizer.models import httpx, redact_url

    shown = redact_url(url)  # for messages: a URL may carry user:password
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        raise InputError(f"{shown}: only http and https URLs are fetched")
    if not parts.hostname:
        raise InputError(f"{shown}: no host in the URL")
    _check_host(parts.hostname, _port(parts, shown), allow_private)
    deadline = time.monotonic() + timeout_s  # for the whole fetch: a slow drip cannot stretch it
    try:
        # Redirects are followed by hand so that every hop's host is checked.
        with httpx.Client(timeout=timeout_s, follow_redirects=False) as client:
            current = url
            for _ in range(5):
                with client.stream("GET", current, headers={"user-agent": "summarizer/0.1"}) as resp:
                    if resp.is_redirect:
                        current = str(resp.url.join(resp.headers.get("location", "")))
                        hop = urlsplit(current)
                        if hop.scheme not in ("http", "https") or not hop.hostname:
                            raise InputError(f"{shown}: redirected to an unsupported URL {redact_url(current)}")
                        try:
                            _check_host(hop.hostname, _port(hop, redact_url(current)), allow_private)
                        except InputError as exc:
                            raise InputError(
                                f"{shown}: redirected to {redact_url(current)}: {exc.message}", hint=exc.hint
                            ) from None
                        continue
                    if resp.status_code >= 400:
                        raise InputError(f"{shown}: HTTP {resp.status_code}")
                    ctype = resp.headers.get("content-type", "").split(";")[0].strip().lower()
                    if ctype and not ctype.startswith(TEXT_TYPES):
                        raise InputError(f"{shown}: content type {ctype!r} is not an article (HTML or text)")
                    declared = resp.headers.get("content-length", "")
                    if declared.isdigit() and int(declared) > max_bytes:
                        raise InputError(f"{shown}: larger than {max_bytes:,} bytes ({int(declared):,} declared)")
                    data = bytearray()
                    for piece in resp.iter_bytes():
                        data.extend(piece)
                        if len(data) > max_bytes:
                            raise InputError(f"{shown}: larger than {max_bytes:,} bytes")
                        if time.monotonic() > deadline:
                            raise InputError(f"{shown}: timed out after {timeout_s:g} s")
                    break
            else:
                raise InputError(f"{shown}: too many redirects")
    except httpx.TimeoutException as exc:
        raise InputError(f"{shown}: timed out after {timeout_s:g} s") from exc
    except httpx.HTTPError as exc:
        raise InputError(f"{shown}: {type(exc).__name__}: {exc}") from exc
    text, warnings = decode_bytes(bytes(data), shown)
    return from_text(
        text,
        id=(parts.hostname + parts.path).strip("/").replace("/", "_")[:80] or "url",
        origin="url",
        warnings=warnings,
        max_chars=max_chars,
        source=parts.hostname,
        where=shown,
    )
