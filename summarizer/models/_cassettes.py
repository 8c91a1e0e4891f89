"""Recorded HTTP cassettes (vcrpy): offline replay and recording of model calls.

One cassette per model, prompt version and article:
`cassettes/<provider>_<model>/<prompt version>/<sha256[:16] of the article>[-<published>].json`.
Requests match on method, path and the canonical JSON body (keys sorted), so the host and port
of a local server do not matter, but the prompt version and schema hash (in the system
message) and every request parameter do. Authorization, cookies and organisation/project ids
are scrubbed before anything is written, and so is any header value, query parameter or
response body text that looks like an API key or bearer token (`summarizer.models._secrets`);
recorded URIs lose their user:password and key-like query values.

Paths are built from sanitised parts only (the model slug and prompt version cannot hold a path
separator or be "..", the date must be shaped YYYY-MM-DD, the hash is hex) and checked to stay
inside the cassette folder: a date from a feed cannot lead outside it.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Protocol, TypeVar

from summarizer.errors import CassetteError, InputError
from summarizer.files import read_regular
from summarizer.models._secrets import (
    SCRUB_QUERY_PARAMETERS,
    SCRUB_REQUEST_HEADERS,
    scrub_request,
    scrub_response,
)
from summarizer.models._transport import RETRY_STATUSES


def _recorded_response(response: dict[str, Any]) -> dict[str, Any] | None:
    """What a cassette keeps of a response: a transient refusal the retry layer retried (503
    "Loading model", 429, 5xx) is not what the model answered and is left out (a replay would
    otherwise sleep through the same back-off again); the rest is scrubbed of secrets."""
    status = (response.get("status") or {}).get("code")
    if status in RETRY_STATUSES:
        return None
    return scrub_response(response)


def model_slug(model: str) -> str:
    return model.replace("/", "_").replace(":", "_")


def cassette_path(
    cassette_dir: Path, model: str, prompt_version: str, article_sha256: str, published: str | None = None
) -> Path:
    """The publication date is part of the prompt ("on Tuesday" resolves against it), so the same
    article with and without a date has two cassettes. Every part is checked or sanitised (a date
    from a feed or a prompt name must not lead outside `cassette_dir`); dates are validated as
    calendar dates where they are read (`summarizer.inputs.check_date`), here only their shape."""
    if published and not _DATE_SHAPE.fullmatch(published):
        raise InputError(f"published: not a date (YYYY-MM-DD): {published[:40]!r}")
    if not _HEX.fullmatch(article_sha256[:16]):
        raise InputError(f"not a sha256: {article_sha256[:20]!r}")
    stem = article_sha256[:16] if not published else f"{article_sha256[:16]}-{published}"
    path = cassette_dir / _safe_part(model_slug(model)) / _safe_part(prompt_version) / f"{stem}.json"
    root = Path(os.path.abspath(cassette_dir))
    if not Path(os.path.abspath(path)).is_relative_to(root):  # pragma: no cover - the parts are safe
        raise InputError(f"cassette path {path} is outside {cassette_dir}")
    return path


class Recordable(Protocol):
    """What names an article's cassette besides the model and prompt (`inputs.Article` is one)."""

    @property
    def sha256(self) -> str: ...

    @property
    def published(self) -> str | None: ...


A = TypeVar("A", bound=Recordable)


def is_recorded(cassette_dir: Path, model: str, prompt_version: str, article: Recordable) -> bool:
    """Whether `model`'s answers to `article` for `prompt_version` are recorded in `cassette_dir`,
    under the article's own publication date (what an offline replay of it reads)."""
    return cassette_path(cassette_dir, model, prompt_version, article.sha256, article.published).is_file()


def recorded_articles(cassette_dir: Path, model: str, prompt_version: str, articles: Iterable[A]) -> list[A]:
    """The `articles` whose answers `model` has recorded for `prompt_version` in `cassette_dir`,
    in their order (a dataset recorded over several sessions: the part that replays)."""
    return [a for a in articles if is_recorded(cassette_dir, model, prompt_version, a)]


def recorded_dates(cassette_dir: Path, model: str, prompt_version: str, article_sha256: str) -> list[str | None]:
    """The publication dates under which this article is recorded for this model and prompt
    (None: recorded without a date), oldest first: what a replay that found no cassette under
    its own date could have been given (`--published`)."""
    if not _HEX.fullmatch(article_sha256[:16]):
        return []
    folder = cassette_path(cassette_dir, model, prompt_version, article_sha256).parent
    if not folder.is_dir():
        return []
    stem = article_sha256[:16]
    dates: list[str | None] = []
    for path in sorted(folder.glob(f"{stem}*.json")):
        rest = path.name[len(stem) : -len(".json")]
        if rest == "":
            dates.append(None)
        elif rest.startswith("-") and _DATE_SHAPE.fullmatch(rest[1:]):
            dates.append(rest[1:])
    return sorted(dates, key=lambda d: d or "")


def cassette_miss_hint(
    cassette_dir: Path, model: str, prompt_version: str, article_sha256: str, published: str | None
) -> str | None:
    """When this article is recorded for this model and prompt under another publication date
    (the date is part of the request), the option that replays it; None when it is not."""
    others = [d for d in recorded_dates(cassette_dir, model, prompt_version, article_sha256) if d != published]
    if not others:
        return None
    shown = ", ".join(f"--published {d}" if d else "no --published" for d in others)
    return f"this article is recorded for {model}, prompt {prompt_version} with {shown}: give that to replay it"


_DATE_SHAPE = re.compile(r"\d{4}-\d{2}-\d{2}")
_HEX = re.compile(r"[0-9a-f]{16}")


def _safe_part(name: str) -> str:
    """One path component: no separators, never "", "." or ".."."""
    cleaned = re.sub(r"[^A-Za-z0-9._+=@-]", "_", name)
    return "_" + cleaned if cleaned in ("", ".", "..") or cleaned.startswith(".") else cleaned


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


MAX_CASSETTE_BYTES = 64_000_000  # an article's calls are a few hundred kB; far more is not a cassette


def check_cassette(path: Path) -> None:
    """CassetteError (exit 4, naming the file) unless `path` is missing or a cassette vcrpy can
    replay: a JSON object whose `interactions` is a list of objects, each with a `request`
    (method, uri) and a `response` (status code, headers, body)."""
    if not os.path.lexists(path):
        return
    hint = "delete it and record again (--record), or restore it from version control"
    try:
        raw = read_regular(path, MAX_CASSETTE_BYTES)
        data = json.loads(raw.decode("utf-8"))
    except InputError as exc:
        raise CassetteError(f"cassette {exc.message}", hint=hint) from None
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise CassetteError(f"cassette {path}: not valid JSON ({_first(exc)})", hint=hint) from None
    problem = _cassette_problem(data)
    if problem:
        raise CassetteError(f"cassette {path}: not a cassette: {problem}", hint=hint)


def _first(exc: BaseException) -> str:
    return str(exc).split("\n", 1)[0][:80] or type(exc).__name__


def _cassette_problem(data: Any) -> str | None:
    if not isinstance(data, dict):
        return f"a JSON {type(data).__name__}, not an object"
    interactions = data.get("interactions")
    if not isinstance(interactions, list):
        return "no list of interactions"
    for n, item in enumerate(interactions, 1):
        request = item.get("request") if isinstance(item, dict) else None
        response = item.get("response") if isinstance(item, dict) else None
        if (
            not isinstance(request, dict)
            or set(request) != {"method", "uri", "body", "headers"}
            or not all(isinstance(request.get(k), str) for k in ("method", "uri"))
            or not isinstance(request.get("headers"), dict)
        ):
            return f"interaction {n} has no request (method, uri, body, headers)"
        if not isinstance(response, dict):
            return f"interaction {n} has no response"
        status = response.get("status")
        if not isinstance(status, dict) or not isinstance(status.get("code"), int):
            return f"interaction {n}: the response has no status code"
        if not isinstance(response.get("headers", {}), dict) or not isinstance(response.get("body"), dict):
            return f"interaction {n}: the response has no headers or body"
    return None


@contextmanager
def use_cassette(path: Path, *, record: bool, missing_only: bool = False) -> Iterator[None]:
    """Replay from `path` (record=False: any unrecorded request fails, nothing goes out), or
    record into it afresh (record=True: the old cassette is replaced), or (record and
    missing_only: --record-missing) replay what it holds and record only the requests it lacks,
    keeping every recorded interaction."""
    import vcr

    if not record or missing_only:  # a cassette that will be read: checked first (never exit 70)
        check_cassette(path)
    if record:
        if path.exists() and not missing_only:
            path.unlink()
        path.parent.mkdir(parents=True, exist_ok=True)
    recorder = vcr.VCR(
        serializer="json",
        record_mode=("new_episodes" if missing_only else "all") if record else "none",
        match_on=["method", "path", "canonical_body"],
        filter_headers=list(SCRUB_REQUEST_HEADERS),
        filter_query_parameters=list(SCRUB_QUERY_PARAMETERS),
        before_record_request=scrub_request,
        before_record_response=_recorded_response,
        decode_compressed_response=True,
    )
    recorder.register_matcher("canonical_body", _body_matcher)
    with recorder.use_cassette(str(path), allow_playback_repeats=False):
        yield
