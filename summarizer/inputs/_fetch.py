"""Fetching an article from a URL, safely: http(s) only, no private addresses unless allowed
(an IPv6 address that embeds a private IPv4 address included), a size cap, one deadline for
the whole fetch (connect, headers and body: `summarizer.models.deadline`), a content-type
check; HTML is reduced to its article text."""

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


_NAT64 = (ipaddress.ip_network("64:ff9b::/96"), ipaddress.ip_network("64:ff9b:1::/48"))
_V4_TRANSLATED = ipaddress.ip_network("::ffff:0:0:0/96")  # SIIT "IPv4-translated" ::ffff:0:a.b.c.d
_V4_COMPATIBLE = ipaddress.ip_network("::/96")  # deprecated "IPv4-compatible" ::a.b.c.d
_SITE_LOCAL = ipaddress.ip_network("fec0::/10")
# Not public, and not known to this Python's ipaddress (3.11): documentation (RFC 9637) and
# SRv6 segment identifiers (RFC 9602).
_NOT_PUBLIC_V6 = (_SITE_LOCAL, ipaddress.ip_network("3fff::/20"), ipaddress.ip_network("5f00::/16"))


def _embedded_ipv4(addr: ipaddress.IPv6Address) -> list[ipaddress.IPv4Address]:
    """The IPv4 addresses an IPv6 address carries (and would reach through a translator or tunnel):
    IPv4-mapped, IPv4-compatible, IPv4-translated, NAT64 (64:ff9b::/96 and /48), 6to4, Teredo."""
    found: list[ipaddress.IPv4Address] = []
    low32 = ipaddress.IPv4Address(int(addr) & 0xFFFFFFFF)
    if addr.ipv4_mapped is not None:
        found.append(addr.ipv4_mapped)
    if addr in _V4_COMPATIBLE or addr in _V4_TRANSLATED or any(addr in net for net in _NAT64):
        found.append(low32)
    if addr.sixtofour is not None:
        found.append(addr.sixtofour)
    if addr.teredo is not None:
        found.extend(addr.teredo)
    return found


def is_refused_address(address: str) -> bool:
    """Not a public unicast address: loopback, private, link-local (cloud metadata), shared
    (CGNAT), reserved, documentation, multicast, unspecified, site-local; an IPv6 address that
    embeds an IPv4 address (mapped, compatible, translated, NAT64, 6to4, Teredo) is refused when
    that IPv4 address is."""
    addr = ipaddress.ip_address(address.split("%", 1)[0])  # drop an IPv6 zone id
    if isinstance(addr, ipaddress.IPv6Address):
        if any(addr in net for net in _NOT_PUBLIC_V6) or addr.is_site_local:
            return True
        if any(is_refused_address(str(v4)) for v4 in _embedded_ipv4(addr)):
            return True
        if addr.ipv4_mapped is not None:
            return False  # judged as the IPv4 address it maps to
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
    """Fetch one URL under the URL policy; long on purpose: each redirect hop is checked in order under one deadline."""
    from summarizer.models import bounded_http_transport, httpx, redact_url
    from summarizer.models import deadline as within

    shown = redact_url(url)  # for messages: a URL may carry user:password
    charset: str | None = None
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        raise InputError(f"{shown}: only http and https URLs are fetched")
    if not parts.hostname:
        raise InputError(f"{shown}: no host in the URL")
    _check_host(parts.hostname, _port(parts, shown), allow_private)
    deadline = time.monotonic() + timeout_s  # for the whole fetch: a slow drip cannot stretch it
    try:
        # Redirects are followed by hand so that every hop's host is checked.
        transport = bounded_http_transport()
        client = httpx.Client(transport=transport, timeout=timeout_s, follow_redirects=False)
        with within(timeout_s), client:
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
                    charset = resp.charset_encoding  # the content type's charset=, if any
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
    text, warnings = decode_bytes(bytes(data), shown, charset=charset)
    return from_text(
        text,
        id=(parts.hostname + parts.path).strip("/").replace("/", "_")[:80] or "url",
        origin="url",
        warnings=warnings,
        max_chars=max_chars,
        source=parts.hostname,
        where=shown,
    )
