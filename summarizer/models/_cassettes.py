"""Recorded HTTP cassettes (vcrpy): offline replay and recording of model calls.

One cassette per model, prompt version and article:
`cassettes/<provider>_<model>/<prompt version>/<sha256[:16] of the article>[-<published>].json`.
Requests match on method, path and the canonical JSON body (keys sorted), so the host and port
of a local server do not matter, but the prompt version and schema hash (in the system
message) and every request parameter do. Authorization, cookies and organisation/project ids
are scrubbed before anything is written, and so is any header value, query parameter or
response body text that looks like an API key or bearer token (`summarizer.models._secrets`).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from summarizer.models._secrets import (
    SCRUB_QUERY_PARAMETERS,
    SCRUB_REQUEST_HEADERS,
    scrub_request,
    scrub_response,
)


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
        before_record_request=scrub_request,
        before_record_response=scrub_response,
        decode_compressed_response=True,
    )
    recorder.register_matcher("canonical_body", _body_matcher)
    with recorder.use_cassette(str(path), allow_playback_repeats=False):
        yield
