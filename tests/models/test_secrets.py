"""Secrets: API keys are never written (cassettes, traces, outputs) nor printed (messages).

- Every cassette under cassettes/ is scanned for keys, bearer tokens, auth headers and cookies.
- A run recorded through the fake server with an OpenAI-style key leaves no trace of it, even
  when the server sets cookies and organisation headers and echoes the key in an error body.
"""

from __future__ import annotations

import json
import secrets
from pathlib import Path
from typing import Any

import pytest

from summarizer.models import SCRUB_REQUEST_HEADERS, SCRUB_RESPONSE_HEADERS, redact_url, scrub_secrets
from tests.clihelp import ROOT, summarizer_cli
from tests.extraction.test_pipeline import SCRIPT, TEXT
from tests.fakeserver import FakeModelServer, Reply, scripted, status

FORBIDDEN_REQUEST = {
    "authorization",
    "api-key",
    "x-api-key",
    "cookie",
    "openai-organization",
    "openai-project",
    "proxy-authorization",
}
FORBIDDEN_RESPONSE = {"set-cookie", "cookie", "authorization", "openai-organization", "openai-project"}


def _fake_key() -> str:
    return "sk-proj-" + secrets.token_urlsafe(36)


def _cassette_problems(path: Path) -> list[str]:
    """Everything in one cassette file that must not be there."""
    raw = path.read_text(encoding="utf-8", errors="replace")
    problems = [f"{path}: secret-like text {m.group(0)[:12]}..." for m in _secret_matches(raw)]
    try:
        data = json.loads(raw)
    except ValueError:
        return problems + [f"{path}: not JSON"]
    for i, inter in enumerate(data.get("interactions", []) if isinstance(data, dict) else []):
        req_headers = {k.lower() for k in (inter.get("request", {}).get("headers") or {})}
        resp_headers = {k.lower() for k in (inter.get("response", {}).get("headers") or {})}
        problems += [f"{path}#{i}: request header {h}" for h in sorted(req_headers & FORBIDDEN_REQUEST)]
        problems += [f"{path}#{i}: response header {h}" for h in sorted(resp_headers & FORBIDDEN_RESPONSE)]
    return problems


def _secret_matches(text: str) -> list[Any]:
    from summarizer.models import SECRET_PATTERNS

    return list(SECRET_PATTERNS.finditer(text))


def test_scrub_lists_cover_the_forbidden_headers() -> None:
    assert FORBIDDEN_REQUEST - {"proxy-authorization"} <= set(SCRUB_REQUEST_HEADERS)
    assert FORBIDDEN_RESPONSE <= SCRUB_RESPONSE_HEADERS


def test_no_secrets_in_the_cassettes_directory() -> None:
    files = [p for p in (ROOT / "cassettes").rglob("*") if p.is_file()]
    problems = [msg for p in files for msg in _cassette_problems(p)]
    assert problems == []


def test_scan_catches_what_it_should(tmp_path: Path) -> None:
    """The scanner itself: a planted key, bearer token, auth header and cookie are all found."""
    bad = {
        "interactions": [
            {
                "request": {"headers": {"Authorization": ["Bearer abcdefghijkl"], "Cookie": ["a=b"]}, "body": "x"},
                "response": {"headers": {"Set-Cookie": ["s=1"]}, "body": {"string": f"key {_fake_key()}"}},
            }
        ]
    }
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(bad))
    text = " ".join(_cassette_problems(path))
    for what in (
        "request header authorization",
        "request header cookie",
        "response header set-cookie",
        "secret-like text sk-proj-",
        "secret-like text Bearer",
    ):
        assert what in text


def _with_tracking_headers(responder: Any, key: str) -> Any:
    def respond(request: dict[str, Any]) -> Reply:
        code, headers, body = responder(request)
        headers = {
            **headers,
            "set-cookie": "__cf_bm=abc123; path=/; HttpOnly",
            "openai-organization": "org-secret",
            "openai-project": "proj_secret",
            "x-request-id": "req_123",
            "x-echo": f"Bearer {key}",
        }
        return code, headers, body

    return respond


def _all_text_under(folder: Path) -> str:
    return "\n".join(p.read_text(encoding="utf-8", errors="replace") for p in folder.rglob("*") if p.is_file())


def test_recording_with_an_openai_key_leaves_no_trace(tmp_path: Path) -> None:
    key = _fake_key()
    article = tmp_path / "a.txt"
    article.write_text(TEXT, encoding="utf-8")
    cassettes = tmp_path / "cassettes"
    trace = tmp_path / "trace.jsonl"
    out = tmp_path / "doc.json"
    with FakeModelServer(_with_tracking_headers(scripted(SCRIPT), key)) as server:
        proc = summarizer_cli(
            "--record",
            "--cassettes",
            str(cassettes),
            "--base-url",
            server.base_url,
            "summarize",
            str(article),
            "-m",
            "openai/fake",
            "-o",
            str(out),
            env={"OPENAI_API_KEY": key, "SUMMARIZER_TRACE": str(trace)},
        )
        sent = server.request_headers
    assert proc.returncode == 0, proc.stderr
    assert sent and all(h.get("authorization") == f"Bearer {key}" for h in sent)  # the key did go out
    files = list(cassettes.rglob("*.json"))
    assert files, "nothing was recorded"
    written = _all_text_under(tmp_path)
    for needle in (key, key[8:20], "Bearer", "org-secret", "proj_secret", "__cf_bm"):
        assert needle not in written, needle
    assert key not in proc.stdout + proc.stderr
    for f in files:
        assert _cassette_problems(f) == []
    # and the cassette still replays offline, with no key at all in the environment
    replay = summarizer_cli(
        "--offline",
        "--cassettes",
        str(cassettes),
        "--base-url",
        server.base_url,
        "summarize",
        str(article),
        "-m",
        "openai/fake",
        drop_env=("OPENAI_API_KEY",),
    )
    assert replay.returncode == 0, replay.stderr
    assert json.loads(replay.stdout)["casualties"] == json.loads(out.read_text())["casualties"]


def test_a_key_echoed_in_an_error_body_is_not_printed_or_recorded(tmp_path: Path) -> None:
    key = _fake_key()
    article = tmp_path / "a.txt"
    article.write_text(TEXT, encoding="utf-8")
    cassettes = tmp_path / "cassettes"
    with FakeModelServer(lambda req: status(400, message=f"Invalid key {key} for this model")) as server:
        proc = summarizer_cli(
            "--record",
            "--cassettes",
            str(cassettes),
            "--base-url",
            server.base_url,
            "summarize",
            str(article),
            "-m",
            "openai/fake",
            env={"OPENAI_API_KEY": key},
        )
    assert proc.returncode == 3
    assert key not in proc.stderr and "Invalid key [redacted] for this model" in proc.stderr
    assert key not in _all_text_under(tmp_path)


def test_credentials_in_a_base_url_are_not_printed(tmp_path: Path) -> None:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    article = tmp_path / "a.txt"
    article.write_text(TEXT, encoding="utf-8")
    proc = summarizer_cli(
        "--base-url", f"http://admin:hunter2pass@127.0.0.1:{port}/v1", "summarize", str(article), "-m", "openai/fake"
    )
    assert proc.returncode == 3
    assert "hunter2pass" not in proc.stderr and f"http://***@127.0.0.1:{port}/v1" in proc.stderr


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("key sk-proj-abcdefghijklmnop1234 here", "key [redacted] here"),
        ("Authorization: Bearer eyJhbGciOi.J9xyz", "Authorization: [redacted]"),
        ("AIzaSyA1234567890abcdefghijklmnopqrstu", "[redacted]"),
        ("sk-short and risk-free words", "sk-short and risk-free words"),
        ("Russian forces took 64 prisoners", "Russian forces took 64 prisoners"),
    ],
)
def test_scrub_secrets(text: str, expected: str) -> None:
    assert scrub_secrets(text) == expected


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("http://user:pw@host:8080/v1", "http://***@host:8080/v1"),
        ("https://tok@[::1]/v1", "https://***@[::1]/v1"),
        ("http://127.0.0.1:8080/v1", "http://127.0.0.1:8080/v1"),
    ],
)
def test_redact_url(url: str, expected: str) -> None:
    assert redact_url(url) == expected
