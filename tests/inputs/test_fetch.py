"""Fetching articles from URLs, against a real http.server on loopback: the happy path needs
--allow-private (loopback is refused otherwise, redirects included), and the scheme, size cap,
timeout and content-type checks each give one clear InputError (exit 2 through the CLI)."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from summarizer.errors import InputError
from summarizer.inputs import _fetch as fetch
from tests.clihelp import summarizer_cli
from tests.extraction.test_pipeline import SCRIPT, TEXT
from tests.fakeserver import FakeModelServer, scripted

PARAS = "".join(f"<p>{p}</p>" for p in TEXT.split("\n\n")[1:])
PAGE = (
    f"<!doctype html><html><head><title>Retreat</title><script>track()</script></head><body>"
    f"<nav><a href='/'>Home</a></nav><article><h1>Russian retreat near Bakhmut</h1>{PARAS}</article>"
    f"<footer>Copyright</footer></body></html>"
).encode()


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    stopping: threading.Event

    def log_message(self, *args: Any) -> None:
        pass

    def _send(self, code: int, ctype: str | None, body: bytes, extra: dict[str, str] | None = None) -> None:
        self.send_response(code)
        if ctype:
            self.send_header("content-type", ctype)
        for k, v in (extra or {}).items():
            self.send_header(k, v)
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:  # noqa: C901 - one route per case
        path, _, query = self.path.partition("?")
        if path == "/article.html":
            self._send(200, "text/html; charset=utf-8", PAGE)
        elif path == "/article.txt":
            self._send(200, "text/plain", TEXT.encode())
        elif path == "/no-type":
            self._send(200, None, TEXT.encode())
        elif path == "/pdf":
            self._send(200, "application/pdf", b"%PDF-1.7 ...")
        elif path == "/png-as-text":
            self._send(200, "text/plain", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 10)
        elif path == "/big":
            self._send(200, "text/plain", b"word " * 1_300_000)  # 6.5 MB, over the 5 MB cap
        elif path == "/big-undeclared":  # no content-length: the cap applies while reading
            self.send_response(200)
            self.send_header("content-type", "text/plain")
            self.send_header("connection", "close")
            self.end_headers()
            for _ in range(100):
                self.wfile.write(b"word " * 20_000)
        elif path == "/slow":
            self.stopping.wait(10)
            self._send(200, "text/plain", TEXT.encode())
        elif path == "/drip":  # headers at once, then a byte at a time: only a total deadline stops it
            self.send_response(200)
            self.send_header("content-type", "text/plain")
            self.send_header("content-length", "100000")
            self.end_headers()
            for _ in range(100000):
                if self.stopping.wait(0.05):
                    return
                try:
                    self.wfile.write(b"x")
                    self.wfile.flush()
                except OSError:
                    return
        elif path == "/missing":
            self._send(404, "text/html", b"<h1>not found</h1>")
        elif path == "/redirect":
            self._send(302, "text/plain", b"", {"location": query})
        elif path == "/loop":
            self._send(302, "text/plain", b"", {"location": "/loop"})
        else:
            self._send(500, "text/plain", b"no route")


@pytest.fixture
def site() -> Iterator[str]:
    """http://127.0.0.1:PORT serving the routes above."""
    stopping = threading.Event()
    handler = type("Handler", (_Handler,), {"stopping": stopping})
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    httpd.daemon_threads = True
    httpd.handle_error = lambda *args: None  # type: ignore[method-assign]  # clients hanging up early
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    stopping.set()
    httpd.shutdown()
    httpd.server_close()


def _refused(fn: Any, match: str) -> str:
    with pytest.raises(InputError) as info:
        fn()
    msg = info.value.one_line()
    assert match in msg, msg
    return msg


# -- address checks -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "127.5.6.7",
        "::1",
        "10.1.2.3",
        "172.16.0.1",
        "192.168.1.1",
        "169.254.169.254",
        "fe80::1",
        "fc00::1",
        "100.64.0.1",
        "0.0.0.0",
        "::",
        "224.0.0.1",
        "::ffff:127.0.0.1",
        "::ffff:10.0.0.1",
        "192.0.2.1",
    ],
)
def test_non_public_addresses_are_refused(address: str) -> None:
    assert fetch.is_refused_address(address)


@pytest.mark.parametrize("address", ["93.184.215.14", "8.8.8.8", "2606:4700:4700::1111", "::ffff:8.8.8.8"])
def test_public_addresses_pass(address: str) -> None:
    assert not fetch.is_refused_address(address)


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:9/x",
        "http://localhost:9/x",
        "http://[::1]:9/x",
        "http://10.0.0.1/x",
        "http://169.254.169.254/latest/meta-data/",
        "http://2130706433/x",
        "http://0/x",
        "http://127.1/x",
    ],
)
def test_private_urls_refused_before_connecting(url: str) -> None:
    msg = _refused(lambda: fetch.fetch_url(url), "a private, loopback or link-local address")
    assert msg.endswith("(hint: pass --allow-private if you mean it)")


@pytest.mark.parametrize("url", ["ftp://example.com/a.txt", "file:///etc/passwd", "gopher://x/"])
def test_only_http_and_https(url: str) -> None:
    _refused(lambda: fetch.fetch_url(url), "only http and https URLs are fetched")


def test_bad_port() -> None:
    _refused(lambda: fetch.fetch_url("http://example.com:99999/"), "bad port in the URL")


def test_redirect_to_a_private_address_is_refused(site: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """The first hop is let through (as if it were a public host); its redirect to loopback is not."""
    real = fetch._check_host

    def first_hop_public(host: str, port: int, allow_private: bool) -> None:
        if host == "localhost":
            return
        real(host, port, allow_private)

    monkeypatch.setattr(fetch, "_check_host", first_hop_public)
    first = site.replace("127.0.0.1", "localhost")
    target = f"{site}/article.txt"
    msg = _refused(lambda: fetch.fetch_url(f"{first}/redirect?{target}"), f"redirected to {target}: refusing to fetch")
    assert "(hint: pass --allow-private if you mean it)" in msg


def test_redirect_to_another_scheme_is_refused(site: str) -> None:
    _refused(
        lambda: fetch.fetch_url(f"{site}/redirect?file:///etc/passwd", allow_private=True),
        "redirected to an unsupported URL file:",
    )


def test_redirect_followed_when_allowed(site: str) -> None:
    article = fetch.fetch_url(f"{site}/redirect?/article.txt", allow_private=True)
    assert article.text == TEXT


def test_redirect_loop(site: str) -> None:
    _refused(lambda: fetch.fetch_url(f"{site}/loop", allow_private=True), "too many redirects")


# -- what comes back ------------------------------------------------------------------------------


def test_html_page_reduced_to_its_article(site: str) -> None:
    article = fetch.fetch_url(f"{site}/article.html", allow_private=True)
    assert "Russian forces retreated" in article.text and "track()" not in article.text
    assert article.origin == "url" and article.source == "127.0.0.1"
    assert any("HTML input" in w for w in article.warnings)


def test_plain_text_kept_as_is(site: str) -> None:
    assert fetch.fetch_url(f"{site}/article.txt", allow_private=True).text == TEXT
    assert fetch.fetch_url(f"{site}/no-type", allow_private=True).text == TEXT  # no content type: sniffed


def test_content_type_checked(site: str) -> None:
    _refused(
        lambda: fetch.fetch_url(f"{site}/pdf", allow_private=True),
        "content type 'application/pdf' is not an article (HTML or text)",
    )


def test_binary_served_as_text(site: str) -> None:
    _refused(lambda: fetch.fetch_url(f"{site}/png-as-text", allow_private=True), "looks like a binary file")


def test_size_cap_declared(site: str) -> None:
    _refused(
        lambda: fetch.fetch_url(f"{site}/big", allow_private=True), "larger than 5,000,000 bytes (6,500,000 declared)"
    )


def test_size_cap_while_reading(site: str) -> None:
    _refused(
        lambda: fetch.fetch_url(f"{site}/big-undeclared", allow_private=True, max_bytes=1_000_000),
        "larger than 1,000,000 bytes",
    )


def test_timeout(site: str) -> None:
    started = time.monotonic()
    _refused(lambda: fetch.fetch_url(f"{site}/slow", allow_private=True, timeout_s=0.5), "timed out after 0.5 s")
    assert time.monotonic() - started < 3


def test_slow_drip_hits_the_total_deadline(site: str) -> None:
    started = time.monotonic()
    _refused(lambda: fetch.fetch_url(f"{site}/drip", allow_private=True, timeout_s=1.0), "timed out after 1 s")
    assert time.monotonic() - started < 4


def test_http_error_status(site: str) -> None:
    _refused(lambda: fetch.fetch_url(f"{site}/missing", allow_private=True), "HTTP 404")


def test_over_max_chars(site: str) -> None:
    _refused(
        lambda: fetch.fetch_url(f"{site}/article.txt", allow_private=True, max_chars=100),
        "characters, over the limit of 100",
    )


# -- through the CLI ------------------------------------------------------------------------------


def test_cli_refuses_loopback_without_allow_private(site: str) -> None:
    proc = summarizer_cli("summarize", f"{site}/article.html", "-m", "openai/never-called")
    assert proc.returncode == 2, proc.stderr
    assert proc.stderr.splitlines() == [
        "summarizer: error: refusing to fetch 127.0.0.1 (127.0.0.1): a private, loopback or link-local address "
        "(hint: pass --allow-private if you mean it)"
    ]
    assert proc.stdout == ""


@pytest.mark.parametrize(
    ("route", "message"),
    [
        ("/pdf", "content type 'application/pdf' is not an article (HTML or text)"),
        ("/big", "larger than 5,000,000 bytes (6,500,000 declared)"),
        ("/missing", "HTTP 404"),
    ],
)
def test_cli_url_errors(site: str, route: str, message: str) -> None:
    proc = summarizer_cli("summarize", f"{site}{route}", "--allow-private", "-m", "openai/never-called")
    assert proc.returncode == 2, proc.stderr
    assert proc.stderr.splitlines() == [f"summarizer: error: {site}{route}: {message}"]
    assert "Traceback" not in proc.stderr


def test_cli_scheme_refused() -> None:
    proc = summarizer_cli("summarize", "file:///etc/passwd")
    assert proc.returncode == 2
    assert proc.stderr.splitlines() == ["summarizer: error: file:///etc/passwd: only http and https URLs are fetched"]


def test_cli_happy_path_with_allow_private(site: str, tmp_path: Path) -> None:
    with FakeModelServer(scripted(SCRIPT)) as model:
        proc = summarizer_cli(
            "--base-url", model.base_url, "summarize", f"{site}/article.html", "--allow-private", "-m", "openai/fake"
        )
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    text = doc["article"]["text"]
    assert doc["article"]["source"] == "127.0.0.1"
    assert "Russian forces retreated" in text and "<p>" not in text
    assert doc["casualties"]
    for c in doc["casualties"]:
        for s in c["evidence"]:
            assert text[s["start"] : s["end"]] == s["text"]
