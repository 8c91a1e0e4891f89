"""The one secrets scrubber: what is never written (cassettes, caches, messages, logs).

Request headers named in `SCRUB_REQUEST_HEADERS`, response headers in
`SCRUB_RESPONSE_HEADERS`, query parameters in `SCRUB_QUERY_PARAMETERS`, and any text that
looks like an API key or a bearer token (`SECRET_PATTERNS`). Every writer of the package
(cassettes, the response cache, the SUMMARIZER_TRACE file, error messages and records, the
batch log) goes through `scrub_secrets`.

What is redacted (replaced by `[redacted]`):
- text shaped like a key or token (`summarizer.config.SECRET_PATTERNS`): `sk-...` (OpenAI,
  Anthropic), `Bearer ...`, `AIza...` (Google), `hf_...` (Hugging Face), `ghp_...`/`github_pat_...`
  (GitHub), OpenAI organisation and project ids (`org-...`, `proj_...`);
- the exact value of every key this process knows: registered with `register_secret` (the API key
  of a resolved model, the password of a `--base-url`), and the values of environment variables
  named like keys (`config.secret_environment_values`), also when echoed without a known prefix
  (`sk-proj-XYZ...` echoed as `XYZ...`).
"""

from __future__ import annotations

import re
import threading
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from summarizer.config import SECRET_PATTERNS, secret_environment_values

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
SCRUB_QUERY_PARAMETERS = ("key", "api_key", "api-key", "apikey", "access_token", "token", "password", "secret")

REDACTED = "[redacted]"
_PREFIXES = ("sk-proj-", "sk-ant-", "sk-svcacct-", "sk-admin-", "sk-", "Bearer ")
_MIN_SECRET = 8  # shorter values ("ollama") are not secrets worth redacting
_NOT_SECRETS = frozenset({"not-needed"})
_USERINFO = re.compile(r"//[^/@\s:'\"]+:[^/@\s'\"]*@")
_lock = threading.Lock()
_known: set[str] = set()


def register_secret(value: str | None) -> None:
    """Redact `value` wherever it appears from now on (and its tail without a known prefix)."""
    if not value or len(value) < _MIN_SECRET or value in _NOT_SECRETS:
        return
    with _lock:
        _known.add(value)


def _variants(value: str) -> list[str]:
    out = [value]
    for prefix in _PREFIXES:
        if value.startswith(prefix) and len(value) - len(prefix) >= 16:
            out.append(value[len(prefix) :])
    return out


def known_secrets() -> list[str]:
    """Every value to redact, longest first (so a key is redacted whole, not its tail first)."""
    with _lock:
        values = set(_known)
    values.update(v for v in secret_environment_values() if len(v) >= _MIN_SECRET and v not in _NOT_SECRETS)
    found = {v for value in values for v in _variants(value)}
    return sorted(found, key=len, reverse=True)


def scrub_secrets(text: str) -> str:
    """`text` with every known key and anything that looks like a key or token replaced by
    `[redacted]`, and a URL's `user:password@` by `***@`."""
    if not text:
        return text
    for value in known_secrets():
        if value in text:
            text = text.replace(value, REDACTED)
    text = _USERINFO.sub("//***@", text)  # a URL's user:password@, wherever a URL is quoted
    return SECRET_PATTERNS.sub(REDACTED, text)


def scrub_bytes(data: bytes) -> bytes:
    """`scrub_secrets` over bytes (undecodable bytes kept as they are)."""
    text = data.decode("utf-8", errors="surrogateescape")
    scrubbed = scrub_secrets(text)
    return data if scrubbed == text else scrubbed.encode("utf-8", errors="surrogateescape")


def redact_url(url: str) -> str:
    """`url` without its user:password part (shown as `***@`), with the values of key-like query
    parameters (`?api_key=...`) replaced by `[redacted]`, and key-like text scrubbed: for
    messages and for everything written (a URL may carry credentials)."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return scrub_secrets(re.sub(r"//[^/@\s]*@", "//***@", url))
    netloc = parts.netloc
    if parts.username is not None or parts.password is not None:
        register_secret(parts.password)
        host = parts.hostname or ""
        if ":" in host:
            host = f"[{host}]"
        netloc = "***@" + host + (f":{port}" if port else "")
    query = parts.query
    if query:
        query = "&".join(_redact_query_item(item) for item in query.split("&"))
    return scrub_secrets(urlunsplit((parts.scheme, netloc, parts.path, query, parts.fragment)))


def _redact_query_item(item: str) -> str:
    name, sep, value = item.partition("=")
    if sep and value and name.lower() in SCRUB_QUERY_PARAMETERS:
        return f"{name}={REDACTED}"
    return item


def is_secret_value(value: Any) -> bool:
    values = value if isinstance(value, list) else [value]
    return any(scrub_secrets(str(v)) != str(v) for v in values)


def scrub_request(request: Any) -> Any:
    """Drop every request header whose value looks like a key, whatever its name (the named
    ones are removed by vcrpy's filter_headers before this runs)."""
    for key in list(request.headers):
        if is_secret_value(request.headers[key]):
            del request.headers[key]
    request.uri = redact_url(request.uri)  # no user:password, no ?api_key= value
    return request


def scrub_response(response: dict[str, Any]) -> dict[str, Any]:
    headers = response.get("headers") or {}
    for key in list(headers):
        if key.lower() in SCRUB_RESPONSE_HEADERS or is_secret_value(headers[key]):
            del headers[key]
    body = response.get("body") or {}
    raw = body.get("string")
    if isinstance(raw, bytes) and raw:  # an answer may echo a key
        body["string"] = scrub_bytes(raw)
    elif isinstance(raw, str) and raw:
        body["string"] = scrub_secrets(raw)
    return response
