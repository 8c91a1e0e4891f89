"""The one secrets scrubber: what is never written (cassettes, caches, messages, logs).

Request headers named in `SCRUB_REQUEST_HEADERS`, response headers in
`SCRUB_RESPONSE_HEADERS`, query parameters in `SCRUB_QUERY_PARAMETERS`, and any text that
looks like an API key or a bearer token (`SECRET_PATTERNS`). Every writer of the package
(cassettes, the response cache, error messages, the batch log) goes through here.
"""

from __future__ import annotations

import re
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


def is_secret_value(value: Any) -> bool:
    values = value if isinstance(value, list) else [value]
    return any(SECRET_PATTERNS.search(str(v)) for v in values)


def scrub_request(request: Any) -> Any:
    """Drop every request header whose value looks like a key, whatever its name (the named
    ones are removed by vcrpy's filter_headers before this runs)."""
    for key in list(request.headers):
        if is_secret_value(request.headers[key]):
            del request.headers[key]
    return request


def scrub_response(response: dict[str, Any]) -> dict[str, Any]:
    headers = response.get("headers") or {}
    for key in list(headers):
        if key.lower() in SCRUB_RESPONSE_HEADERS or is_secret_value(headers[key]):
            del headers[key]
    body = response.get("body") or {}
    raw = body.get("string")
    if isinstance(raw, bytes | str) and raw:  # an error body may echo a (masked) key
        text = raw.decode("utf-8", errors="surrogateescape") if isinstance(raw, bytes) else raw
        scrubbed = scrub_secrets(text)
        if scrubbed != text:
            body["string"] = scrubbed.encode("utf-8", errors="surrogateescape") if isinstance(raw, bytes) else scrubbed
    return response
