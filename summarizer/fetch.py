"""Fetching an article from a URL, safely: http(s) only, no private addresses unless allowed,
a size cap, a timeout, a content-type check; HTML is reduced to its article text."""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit

from .articles import DEFAULT_MAX_CHARS, Article, decode_bytes, from_text
from .errors import InputError

MAX_BYTES = 5_000_000
TIMEOUT_S = 20.0
TEXT_TYPES = ("text/html", "text/plain", "application/xhtml+xml", "text/markdown")


def is_url(source: str) -> bool:
    return "://" in source[:12]


def _check_host(host: str, port: int, allow_private: bool) -> None:
    try:
        infos = socket.getaddrinfo(host, port, proto=socket.IPPROTO_TCP)
    except socket.gaierror as exc:
        raise InputError(f"cannot resolve host {host!r}: {exc.strerror}") from exc
    for info in infos:
        addr = ipaddress.ip_address(info[4][0])
        if not allow_private and (
            addr.is_private or addr.is_loopback or addr.is_link_local or addr.is_reserved
            or addr.is_multicast or addr.is_unspecified
        ):
            raise InputError(
                f"refusing to fetch {host} ({addr}): a private, loopback or link-local address",
                hint="pass --allow-private if you mean it",
            )


def fetch_url(url: str, *, allow_private: bool = False, max_chars: int = DEFAULT_MAX_CHARS,
              timeout_s: float = TIMEOUT_S, max_bytes: int = MAX_BYTES) -> Article:
    from ._http import httpx

    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        raise InputError(f"{url}: only http and https URLs are fetched")
    if not parts.hostname:
        raise InputError(f"{url}: no host in the URL")
    _check_host(parts.hostname, parts.port or (443 if parts.scheme == "https" else 80), allow_private)
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
                            raise InputError(f"{url}: redirected to an unsupported URL {current}")
                        _check_host(hop.hostname, hop.port or (443 if hop.scheme == "https" else 80), allow_private)
                        continue
                    if resp.status_code >= 400:
                        raise InputError(f"{url}: HTTP {resp.status_code}")
                    ctype = resp.headers.get("content-type", "").split(";")[0].strip().lower()
                    if ctype and not ctype.startswith(TEXT_TYPES):
                        raise InputError(f"{url}: content type {ctype!r} is not an article (HTML or text)")
                    data = bytearray()
                    for piece in resp.iter_bytes():
                        data.extend(piece)
                        if len(data) > max_bytes:
                            raise InputError(f"{url}: larger than {max_bytes:,} bytes")
                    break
            else:
                raise InputError(f"{url}: too many redirects")
    except httpx.TimeoutException as exc:
        raise InputError(f"{url}: timed out after {timeout_s:.0f} s") from exc
    except httpx.HTTPError as exc:
        raise InputError(f"{url}: {type(exc).__name__}: {exc}") from exc
    text, warnings = decode_bytes(bytes(data), url)
    return from_text(text, id=(parts.hostname + parts.path).strip("/").replace("/", "_")[:80] or "url",
                     origin="url", warnings=warnings, max_chars=max_chars, source=parts.hostname)
