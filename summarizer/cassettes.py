"""Recorded HTTP cassettes (vcrpy): offline replay and recording of model calls.

One cassette per model and article: `cassettes/<provider>_<model>/<sha256[:16] of the article>.json`.
Requests match on method, path and the canonical JSON body (keys sorted), so the host and port
of a local server do not matter, but the prompt version and schema hash (in the system
message) and every request parameter do. Authorization, cookies and organisation/project ids
are scrubbed before anything is written.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

SCRUB_REQUEST_HEADERS = (
    "authorization", "api-key", "x-api-key", "cookie", "openai-organization", "openai-project",
    "x-stainless-arch", "x-stainless-os", "x-stainless-runtime-version", "x-stainless-package-version",
    "user-agent",
)
SCRUB_RESPONSE_HEADERS = frozenset({"set-cookie", "openai-organization", "openai-project", "x-request-id", "cf-ray"})


def model_slug(model: str) -> str:
    return model.replace("/", "_").replace(":", "_")


def cassette_path(cassette_dir: Path, model: str, article_sha256: str) -> Path:
    return cassette_dir / model_slug(model) / f"{article_sha256[:16]}.json"


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


def _scrub_response(response: dict[str, Any]) -> dict[str, Any]:
    headers = response.get("headers") or {}
    for key in list(headers):
        if key.lower() in SCRUB_RESPONSE_HEADERS:
            del headers[key]
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
        before_record_response=_scrub_response,
        decode_compressed_response=True,
    )
    recorder.register_matcher("canonical_body", _body_matcher)
    with recorder.use_cassette(str(path), allow_playback_repeats=False):
        yield
