"""Recorded HTTP cassettes (vcrpy): offline replay and recording of model calls.

One cassette per model, prompt version and article:
`cassettes/<provider>_<model>/<prompt version>/<sha256[:16] of the article>[-<published>].json`.
Requests match on method, path and the canonical JSON body (keys sorted), so the host and port
of a local server do not matter, but the prompt version and schema hash (in the system
message) and every request parameter do. Authorization, cookies and organisation/project ids
are scrubbed before anything is written, and so is any header value, query parameter or
response body text that looks like an API key or bearer token (`SECRET_PATTERNS`).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

SCRUB_REQUEST_HEADERS = (
    "authorization",
    "api-key",
    "x-api-key",
    "cookie",
    "openai-organization",
    "openai-project",
    "x-stainless-arch",
    "x-stainless-os",
    "x-stainless-runtime-version",
    "x-stainless-package-version",
    "user-agent",
)
SCRUB_RESPONSE_HEADERS = frozenset(
    {
        "set-cookie",
        "cookie",
        "authorization",
        "www-authenticate",
        "proxy-authenticate",
        "openai-organization",
        "openai-project",
        "x-request-id",
        "cf-ray",
    }
)
SCRUB_QUERY_PARAMETERS = ("key", "api_key", "api-key", "apikey", "access_token", "token")

# What an API key or a bearer token looks like: never written, never printed.
SECRET_PATTERNS = re.compile(
    r"\bsk-[A-Za-z0-9_\-]{16,}"  # OpenAI (sk-, sk-proj-), Anthropic (sk-ant-) ...
    r"|\bBearer\s+[A-Za-z0-9._~+/\-]{8,}=*"
    r"|\bAIza[0-9A-Za-z_\-]{30,}"  # Google API keys
)


def scrub_secrets(text: str) -> str:
    """`text` with anything that looks like an API key or bearer token replaced by `[redacted]`."""
    return SECRET_PATTERNS.sub("[redacted]", text)


def redact_url(url: str) -> str:
    """`url` without a user:password part (for messages: a URL may carry credentials)."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return scrub_secrets(url)
    if parts.username is None and parts.password is None:
        return scrub_secrets(url)
    host = parts.hostname or ""
    if ":" in host:
        host = f"[{host}]"
    try:
        port = parts.port
    except ValueError:
        port = None
    netloc = f"***@{host}" + (f":{port}" if port else "")
    return scrub_secrets(urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment)))


def model_slug(model: str) -> str:
    return model.replace("/", "_").replace(":", "_")


def cassette_path(
    cassette_dir: Path, model: str, prompt_version: str, article_sha256: str, published: str | None = None
) -> Path:
    """The publication date is part of the prompt ("on Tuesday" resolves against it), so the same
    article with and without a date has two cassettes."""
    stem = article_sha256[:16] if not published else f"{article_sha256[:16]}-{published}"
    return cassette_dir / model_slug(model) / prompt_version / f"{stem}.json"


def canonical_body(body: bytes | str | None) -> Any:
    if body is None:
        return None
    if isinstance(body, bytes):
        body = body.decode("utf-8", errors="replace")
    try:
        return json.loads(body)
    except ValueError:
        return body


def _body_matcher(r1: Any, r2: Any) -> None:
    if canonical_body(r1.body) != canonical_body(r2.body):
        raise AssertionError("request bodies differ")


def _secret_value(value: Any) -> bool:
    values = value if isinstance(value, list) else [value]
    return any(SECRET_PATTERNS.search(str(v)) for v in values)


def _scrub_request(request: Any) -> Any:
    """Drop every request header whose value looks like a key, whatever its name (the named
    ones are removed by vcrpy's filter_headers before this runs)."""
    for key in list(request.headers):
        if _secret_value(request.headers[key]):
            del request.headers[key]
    return request


def _scrub_response(response: dict[str, Any]) -> dict[str, Any]:
    headers = response.get("headers") or {}
    for key in list(headers):
        if key.lower() in SCRUB_RESPONSE_HEADERS or _secret_value(headers[key]):
            del headers[key]
    body = response.get("body") or {}
    raw = body.get("string")
    if isinstance(raw, bytes | str) and raw:  # an error body may echo a (masked) key
        text = raw.decode("utf-8", errors="surrogateescape") if isinstance(raw, bytes) else raw
        scrubbed = scrub_secrets(text)
        if scrubbed != text:
            body["string"] = scrubbed.encode("utf-8", errors="surrogateescape") if isinstance(raw, bytes) else scrubbed
    return response


@contextmanager
def use_cassette(path: Path, *, record: bool) -> Iterator[None]:
    """Replay from `path` (record=False: any unrecorded request fails, nothing goes out), or
    record into it afresh (record=True: the old cassette is replaced)."""
    import vcr

    if record:
        if path.exists():
            path.unlink()
        path.parent.mkdir(parents=True, exist_ok=True)
    recorder = vcr.VCR(
        serializer="json",
        record_mode="all" if record else "none",
        match_on=["method", "path", "canonical_body"],
        filter_headers=list(SCRUB_REQUEST_HEADERS),
        filter_query_parameters=list(SCRUB_QUERY_PARAMETERS),
        before_record_request=_scrub_request,
        before_record_response=_scrub_response,
        decode_compressed_response=True,
    )
    recorder.register_matcher("canonical_body", _body_matcher)
    with recorder.use_cassette(str(path), allow_playback_repeats=False):
        yield
