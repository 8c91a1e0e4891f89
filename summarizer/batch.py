"""Batch summarization: many articles into one JSONL file, concurrently, resumably, nothing lost.

Inputs are files, directories (walked recursively for .txt, .md, .html; hidden files and
README/SOURCES/LICENSE-like files are not articles) and JSONL files of ``{"id", "text"}``
(``published`` and ``source`` are used when present, other keys are ignored).

The output file holds one line per article: the summary document (``SummaryDocument``
dumped as JSON), or an error record::

    {"id", "error": {"type", "message", "exit_code"}, "model", "prompt_version", "article_sha256", "input"}

How nothing gets lost or duplicated:

* Every line is written with a single ``write`` of the line and its newline to a file opened
  for appending, then fsync'd, as soon as the article is finished. A kill can only leave a
  torn *last* line; the next run truncates the file back to its last complete line first.
* The file is locked (``flock``) while a batch writes it: two batches cannot interleave.
* Resume: an article is done when the file holds a document for the same (id, article
  sha256, model, prompt version); done articles are skipped. Failed ones (error records) are
  retried: the file is first rewritten without their error records (temp file in the same
  directory, fsync, ``os.replace``), so it never holds an article twice. A document for an
  id whose text has since changed (same model and prompt) is dropped the same way.
* Within one out file an id stands for one article: identical inputs are summarized once.

Concurrency: the pipeline is synchronous (openai client + instructor), so articles run in
worker threads, at most ``concurrency`` at a time; the main thread is the only writer. The
threads are daemons so that Ctrl-C returns at once: what was finished is already on disk,
what was in flight is redone by the next run (from the response cache, so at no cost).
Under ``--offline``/``--record`` the articles run one at a time, because vcrpy's cassettes
patch httpx globally and are not safe across threads.

Per-article timeout: when an article runs past its deadline its error record is written
at once and its worker is cancelled: the transport refuses any further request of that
article and every request's own timeout is cut to the time left.

429/Retry-After and other transient faults are retried below the client (``llm.RetryTransport``).

The response cache (on by default, ``--no-cache`` turns it off) is an httpx transport under
the retry layer: a successful chat completion is stored under the sha256 of the canonical
request (model name, path, JSON body with sorted keys: the prompt version and schema hash
are in the system message), so an unchanged article costs nothing the second time, even
into another out file. When an article fails because of the model's answers
(ExtractionError) the responses it used are evicted so that a retry really asks again.

Budget (``max_cost``): the cost of every response that came over the network is counted
from the provider's price table (local models cost 0); before an article is started, the
spent cost plus what the articles in flight and this one are expected to cost (the average
measured cost per character so far, or a conservative estimate from the article's size
before anything was measured) must stay within the budget, else no new article is started.

Scaling out: point ``--base-url`` at a server with parallel slots (llama.cpp's
``llama-server --parallel N``, vLLM) and set ``--concurrency N``; for a ``local/`` model
``--base-url`` names the server that runs it (otherwise one managed server is started for the
whole batch; llama-cpp-python's server has a single slot, so concurrency there only queues).
For large offline jobs with OpenAI, ``openai_batch_submit/status/collect`` use the Batch
API: the requests are captured from the real pipeline (the same messages, schema and
parameters), sent as one batch per round, and their answers are stored in the response
cache; ``collect`` then runs the pipeline from the cache, so documents are grounded and
built by the same code. Passes depend on each other (incidents are asked with the entities
found), so an article needs one round per call: 3 for a one-part article.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import queue
import tempfile
import threading
import time
import traceback
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from ._http import httpx
from .articles import DEFAULT_MAX_CHARS, Article, from_text
from .errors import ConfigError, ExtractionError, InputError, ProviderError, SummarizerError
from .providers import ModelSpec, resolve
from .settings import Settings

__all__ = [
    "ARTICLE_SUFFIXES",
    "ArticleTimeoutError",
    "BatchItem",
    "BatchOptions",
    "BatchReport",
    "Outcome",
    "ResponseCache",
    "ResultLog",
    "collect_inputs",
    "default_cache_dir",
    "estimate_cost",
    "openai_batch_collect",
    "openai_batch_status",
    "openai_batch_submit",
    "run_batch",
]

ARTICLE_SUFFIXES = frozenset({".txt", ".md", ".markdown", ".html", ".htm"})
NOT_ARTICLES = frozenset(
    {"readme", "sources", "license", "licence", "changelog", "contributing", "notice", "authors", "copying"}
)
DEFAULT_CONCURRENCY = 4  # hosted APIs and servers with parallel slots
DEFAULT_LOCAL_CONCURRENCY = 1  # the managed llama-cpp-python server has one slot
ESTIMATED_COMPLETION_TOKENS_PER_CALL = 400

Key = tuple[str, str, str, str]  # (id, article sha256, model, prompt version)


class ArticleTimeoutError(ProviderError):
    """An article took longer than the per-article timeout."""


class InternalError(SummarizerError):
    """An unexpected exception inside the pipeline (a bug), recorded instead of raised."""

    exit_code = 1


class _Stopped(Exception):
    """Raised by the transport inside a worker whose article was cancelled or timed out."""


class _Captured(Exception):
    """Raised by the transport in capture mode (OpenAI Batch API): the request was recorded."""


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# ---------------------------------------------------------------------------------------------
# inputs


@dataclass(frozen=True)
class BatchItem:
    """One article of the batch, or the reason it could not be read (an error record)."""

    id: str
    where: str  # file path, or path:line for a JSONL entry
    sha256: str
    chars: int = 0
    article: Article | None = None
    error: SummarizerError | None = None


def _file_item(path: Path, id: str, max_chars: int) -> BatchItem:
    """Read a file the way `summarizer summarize FILE` does; a failure becomes the item's error
    (its sha256 is then of the raw bytes, or of nothing when they cannot be read)."""
    from .articles import read_file

    where = str(path)
    try:
        article = read_file(where, max_chars=max_chars)
    except InputError as exc:  # empty, binary, unreadable, too large, HTML without text
        try:
            with path.open("rb") as fh:
                raw = fh.read(max_chars * 4 + 1024)
        except OSError:
            raw = b""
        return BatchItem(id, where, _sha256(raw), error=exc)
    if article.id != id:
        article = replace(article, id=id)
    return BatchItem(id, where, article.sha256, article.chars, article=article)


def _text_item(
    text: str,
    *,
    id: str,
    where: str,
    origin: str,
    max_chars: int,
    warnings: list[str] | None = None,
    published: str | None = None,
    source: str | None = None,
) -> BatchItem:
    try:
        article = from_text(
            text, id=id, origin=origin, warnings=warnings, max_chars=max_chars, published=published, source=source
        )
    except InputError as exc:  # empty, HTML without text, too long
        return BatchItem(id, where, _sha256(text.encode("utf-8")), len(text), error=exc)
    return BatchItem(id, where, article.sha256, article.chars, article=article)


def _jsonl_items(path: Path, max_chars: int) -> list[BatchItem]:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc.strerror}") from exc
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: not UTF-8 (byte {exc.start}); a JSONL input must be UTF-8") from exc
    items: list[BatchItem] = []
    for lineno, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        where = f"{path}:{lineno}"
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InputError(f"{where}: not valid JSON ({exc.msg} at column {exc.colno})") from exc
        if not isinstance(obj, dict):
            raise InputError(f'{where}: expected an object with "id" and "text"')
        id_, body = obj.get("id"), obj.get("text")
        if isinstance(id_, int) and not isinstance(id_, bool):
            id_ = str(id_)
        if not isinstance(id_, str) or not id_.strip():
            raise InputError(f'{where}: "id" is missing or not a non-empty string')
        if not isinstance(body, str):
            raise InputError(f'{where}: "text" is missing or not a string')
        published = obj.get("published") if isinstance(obj.get("published"), str) else None
        source = obj.get("source") if isinstance(obj.get("source"), str) else None
        items.append(
            _text_item(
                body, id=id_, where=where, origin="dataset", max_chars=max_chars, published=published, source=source
            )
        )
    return items


def _walk(directory: Path) -> tuple[list[Path], list[str]]:
    found: list[Path] = []
    ignored: list[str] = []
    for root, dirs, files in os.walk(directory):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            p = Path(root) / name
            if name.startswith(".") or p.suffix.lower() not in ARTICLE_SUFFIXES:
                continue
            if p.stem.lower() in NOT_ARTICLES:
                ignored.append(str(p))
                continue
            found.append(p)
    return found, ignored


@dataclass
class Inputs:
    items: list[BatchItem]
    notes: list[str] = field(default_factory=list)


def collect_inputs(paths: Sequence[str | Path], *, max_chars: int = DEFAULT_MAX_CHARS) -> Inputs:
    """Read every input. Raises InputError for what stops the batch (no inputs, a missing
    path, an unreadable JSONL line); an unreadable article becomes an item with an error."""
    if not paths:
        raise InputError("no inputs given", hint="pass files, directories or JSONL files")
    items: list[BatchItem] = []
    notes: list[str] = []
    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            files, ignored = _walk(p)
            if ignored:
                notes.append(f"not treated as articles: {', '.join(ignored)}")
            items.extend(_file_item(f, f.stem, max_chars) for f in files)
        elif p.suffix.lower() == ".jsonl" and p.is_file():
            items.extend(_jsonl_items(p, max_chars))
        elif p.exists():
            items.append(_file_item(p, p.stem, max_chars))
        else:
            raise InputError(f"{raw}: no such file or directory")
    if not items:
        raise InputError(
            f"no articles found in {', '.join(map(str, paths))}",
            hint='articles are .txt, .md or .html files, or JSONL lines of {"id", "text"}',
        )
    unique: list[BatchItem] = []
    seen: dict[tuple[str, str], str] = {}
    texts_by_id: dict[str, str] = {}
    for item in items:
        if (item.id, item.sha256) in seen:
            notes.append(f"{item.where}: same id and text as {seen[item.id, item.sha256]}: summarized once")
            continue
        if item.id in texts_by_id:
            notes.append(f"{item.where}: id {item.id!r} also names another text ({texts_by_id[item.id]})")
        seen[item.id, item.sha256] = item.where
        texts_by_id.setdefault(item.id, item.where)
        unique.append(item)
    return Inputs(unique, notes)


# ---------------------------------------------------------------------------------------------
# the output file


def record_key(obj: Any) -> Key | None:
    """(id, sha256, model, prompt version) of an output line, or None if it is not one of ours."""
    if not isinstance(obj, dict):
        return None
    if isinstance(obj.get("error"), dict):
        key = (obj.get("id"), obj.get("article_sha256"), obj.get("model"), obj.get("prompt_version"))
    else:
        art, prov = obj.get("article"), obj.get("provenance")
        if not isinstance(art, dict) or not isinstance(prov, dict):
            return None
        key = (art.get("id"), art.get("sha256"), prov.get("model"), prov.get("prompt_version"))
    if not all(isinstance(k, str) for k in key):
        return None
    return key  # type: ignore[return-value]


def error_record(item: BatchItem, model: str, prompt_version: str, exc: SummarizerError) -> dict[str, Any]:
    error: dict[str, Any] = {"type": type(exc).__name__, "message": exc.one_line(), "exit_code": exc.exit_code}
    return {
        "id": item.id,
        "error": error,
        "model": model,
        "prompt_version": prompt_version,
        "article_sha256": item.sha256,
        "input": item.where,
    }


def _line(record: dict[str, Any]) -> bytes:
    return (json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8")


def _fsync_dir(path: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


class ResultLog:
    """The out file: locked, repaired, appended one whole line at a time, rewritten atomically."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.fd: int | None = None
        self.repaired_bytes = 0

    def open(self) -> list[tuple[bytes, Any]]:
        """Lock the file (creating it), cut a torn last line, and return its lines, each with
        its parsed JSON (None for a line that is not JSON)."""
        path = self.path
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise InputError(f"{path}: cannot create its directory: {exc.strerror}") from exc
        for _ in range(5):
            try:
                fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_APPEND, 0o644)
            except IsADirectoryError as exc:
                raise InputError(f"--out {path}: is a directory") from exc
            except OSError as exc:
                raise InputError(f"--out {path}: cannot open: {exc.strerror}") from exc
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                os.close(fd)
                raise InputError(f"--out {path}: another `summarizer batch` is writing it") from None
            if os.fstat(fd).st_ino == os.stat(path).st_ino:  # not replaced while we locked it
                break
            os.close(fd)
        else:  # pragma: no cover - the file kept being replaced
            raise InputError(f"--out {path}: keeps being replaced by another process")
        self.fd = fd
        chunks: list[bytes] = []
        offset = 0
        while chunk := os.pread(fd, 1 << 20, offset):
            chunks.append(chunk)
            offset += len(chunk)
        data = b"".join(chunks)
        if data and not data.endswith(b"\n"):
            cut = data.rfind(b"\n") + 1
            self.repaired_bytes = len(data) - cut
            os.ftruncate(fd, cut)
            os.fsync(fd)
            data = data[:cut]
        lines: list[tuple[bytes, Any]] = []
        for raw in data.splitlines(keepends=True):
            if not raw.strip():
                continue
            try:
                obj = json.loads(raw)
            except ValueError:
                obj = None
            lines.append((raw, obj))
        return lines

    def rewrite(self, lines: Sequence[bytes]) -> None:
        """Replace the file's content atomically (temp file in the same directory, fsync,
        os.replace). The new file is locked before it takes the old one's place."""
        assert self.fd is not None
        fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=f".{self.path.name}.", suffix=".tmp")
        replaced = False
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            umask = os.umask(0)
            os.umask(umask)
            os.fchmod(fd, 0o666 & ~umask)
            data = b"".join(lines)
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view) :]
            os.fsync(fd)
            os.replace(tmp, self.path)
            replaced = True
            _fsync_dir(self.path.parent)
        finally:
            if not replaced:
                os.close(fd)
                with contextlib.suppress(OSError):
                    os.unlink(tmp)
        os.close(self.fd)
        self.fd = fd  # offset is at the end: later writes append

    def append(self, record: dict[str, Any]) -> None:
        """Write one record as one line, in one write, and make it durable."""
        assert self.fd is not None
        data = _line(record)
        written = os.write(self.fd, data)
        while written < len(data):  # pragma: no cover - regular files write whole
            written += os.write(self.fd, data[written:])
        os.fsync(self.fd)

    def close(self) -> None:
        if self.fd is not None:
            os.close(self.fd)
            self.fd = None


@dataclass
class _Plan:
    to_do: list[BatchItem]
    done: int
    retried: int
    keep: list[bytes]
    rewrite: bool
    notes: list[str]


def _plan(items: Sequence[BatchItem], lines: Sequence[tuple[bytes, Any]], model: str, prompt_version: str) -> _Plan:
    current = {(i.id, i.sha256, model, prompt_version) for i in items}
    current_ids = {(i.id, model, prompt_version) for i in items}
    done: set[Key] = set()
    notes: list[str] = []
    keyed: list[tuple[bytes, Key | None, bool]] = []
    for raw, obj in lines:
        key = record_key(obj)
        keyed.append((raw, key, key is not None and not isinstance(obj.get("error"), dict)))
        if key is not None and keyed[-1][2]:
            done.add(key)
    keep: list[bytes] = []
    kept_ok: set[Key] = set()
    dropped = {"invalid": 0, "duplicate": 0, "error": 0, "stale": 0}
    failed_before: set[Key] = set()
    for raw, key, ok in keyed:
        if key is None:
            dropped["invalid"] += 1
            continue
        if key not in current and (key[0], key[2], key[3]) in current_ids:
            dropped["stale"] += 1  # the article under this id has changed
            continue
        if ok:
            if key in kept_ok:
                dropped["duplicate"] += 1
                continue
            kept_ok.add(key)
        elif key in done or key in current:
            dropped["error"] += 1  # superseded by a success, or retried now
            if key not in done:
                failed_before.add(key)
            continue
        keep.append(raw)
    if dropped["invalid"]:
        notes.append(f"dropped {dropped['invalid']} line(s) of {{out}} that are not batch records")
    if dropped["stale"]:
        notes.append(f"dropped {dropped['stale']} result(s) for ids whose text has changed")
    to_do = [i for i in items if (i.id, i.sha256, model, prompt_version) not in done]
    return _Plan(
        to_do=to_do,
        done=len(items) - len(to_do),
        retried=len(failed_before),
        keep=keep,
        rewrite=any(dropped.values()),
        notes=notes,
    )


# ---------------------------------------------------------------------------------------------
# the response cache and the per-article transport


def default_cache_dir() -> Path:
    """``<summarizer cache>/responses`` ($SUMMARIZER_CACHE_DIR, else ~/.cache/summarizer)."""
    from .localmodels import cache_dir

    return cache_dir() / "responses"


class ResponseCache:
    """Successful chat-completion responses on disk, one JSON file per canonical request."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def _path(self, key: str) -> Path:
        return self.root / key[:2] / f"{key}.json"

    def get(self, key: str) -> dict[str, Any] | None:
        try:
            entry = json.loads(self._path(key).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        return entry if isinstance(entry, dict) and isinstance(entry.get("body"), str) else None

    def put(self, key: str, body: bytes, request: Any = None) -> None:
        path = self._path(key)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            entry = {
                "key": key,
                "stored": time.time(),
                "request": request,
                "body": body.decode("utf-8", errors="replace"),
            }
            fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                json.dump(entry, f, ensure_ascii=False)
            os.replace(tmp, path)
        except OSError:  # a cache that cannot be written is not an error of the article
            with contextlib.suppress(OSError, UnboundLocalError):
                os.unlink(tmp)

    def evict(self, keys: Sequence[str]) -> None:
        for key in keys:
            with contextlib.suppress(OSError):
                self._path(key).unlink()


def _scope(spec: ModelSpec) -> str:
    """What besides the request identifies the model: its name, and the server for a
    non-local model on an explicit base URL (a local model's port changes every run)."""
    return spec.name if spec.local or not spec.base_url else f"{spec.name}@{spec.base_url}"


def request_key(scope: str, method: str, path: str, body: bytes) -> str:
    from .cassettes import canonical_body

    payload = {"scope": scope, "method": method, "path": path, "body": canonical_body(body)}
    return _sha256(json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode())


class _ArticleRun:
    """What the transport knows about the article its thread is working on."""

    def __init__(self, item: BatchItem, deadline: float | None = None, *, capture: bool = False) -> None:
        self.item = item
        self.deadline = deadline
        self.capture = capture
        self.cancelled = threading.Event()
        self.timed_out = False
        self.started = time.monotonic()
        self.captured: list[tuple[str, Any]] = []
        self.keys: list[str] = []
        self.net_prompt = self.net_completion = 0
        self.cached_prompt = self.cached_completion = 0
        self.cache_hits = 0


_current = threading.local()


def _current_run() -> _ArticleRun | None:
    run = getattr(_current, "run", None)
    return run if isinstance(run, _ArticleRun) else None


def _is_completion(body: bytes) -> bool:
    try:
        obj = json.loads(body)
    except ValueError:
        return False
    return isinstance(obj, dict) and bool(obj.get("choices"))


def _usage(body: bytes) -> tuple[int, int]:
    try:
        usage = json.loads(body).get("usage") or {}
        return int(usage.get("prompt_tokens") or 0), int(usage.get("completion_tokens") or 0)
    except (ValueError, AttributeError, TypeError):
        return 0, 0


class BatchTransport(httpx.BaseTransport):
    """The inner transport of every model client in a batch (under the retry layer): the
    response cache, token accounting, cancellation and the per-article deadline."""

    def __init__(
        self,
        spec: ModelSpec,
        cache: ResponseCache | None,
        *,
        replay: bool = False,
        inner: httpx.BaseTransport | None = None,
    ) -> None:
        self.scope = _scope(spec)
        self.cache = cache
        self.replay = replay  # offline cassettes: answers cost nothing
        self.inner = inner or httpx.HTTPTransport()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        run = _current_run()
        if run is not None:
            if run.cancelled.is_set():
                raise _Stopped("cancelled")
            if run.deadline is not None:
                remaining = run.deadline - time.monotonic()
                if remaining <= 0:
                    raise _Stopped("timed out")
                old = dict(request.extensions.get("timeout") or {})
                request.extensions["timeout"] = {
                    k: remaining if old.get(k) is None else min(float(old[k]), remaining)
                    for k in ("connect", "read", "write", "pool")
                }
        body = request.read()
        key = request_key(self.scope, request.method, request.url.path, body) if request.method == "POST" else None
        if key is not None and self.cache is not None and (entry := self.cache.get(key)) is not None:
            content = entry["body"].encode("utf-8")
            if run is not None:
                p, c = _usage(content)
                run.cached_prompt += p
                run.cached_completion += c
                run.cache_hits += 1
                run.keys.append(key)
            return httpx.Response(200, headers={"content-type": "application/json"}, content=content, request=request)
        if run is not None and run.capture:
            from .cassettes import canonical_body

            run.captured.append(
                (key or "", {"method": request.method, "path": request.url.path, "body": canonical_body(body)})
            )
            raise _Captured(key)
        response = self.inner.handle_request(request)
        if response.status_code == 200 and key is not None:
            content = response.read()
            p, c = _usage(content)
            if run is not None:
                if self.replay:
                    run.cached_prompt += p
                    run.cached_completion += c
                else:
                    run.net_prompt += p
                    run.net_completion += c
                run.keys.append(key)
            if self.cache is not None and _is_completion(content):
                self.cache.put(key, content)
        return response

    def close(self) -> None:
        self.inner.close()


# ---------------------------------------------------------------------------------------------
# running a batch


@dataclass
class BatchOptions:
    model: str
    concurrency: int | None = None  # None: 1 for a managed local server, else 4
    timeout_per_article: float | None = None  # seconds
    cache_dir: Path | None = None  # None: no response cache
    max_cost: float | None = None  # USD
    max_chars: int = DEFAULT_MAX_CHARS


@dataclass(frozen=True)
class Outcome:
    """One finished article, for progress displays."""

    id: str
    ok: bool
    error_type: str | None = None
    message: str | None = None
    tokens: int = 0
    cost: float | None = 0.0
    cache_hits: int = 0


@dataclass(frozen=True)
class Failure:
    id: str
    type: str
    message: str
    exit_code: int


@dataclass
class BatchReport:
    out: Path
    model: str
    prompt_version: str
    total: int = 0  # articles among the inputs
    to_do: int = 0  # not done before this run
    ok: int = 0
    failed: int = 0
    skipped: int = 0  # done by an earlier run
    retried: int = 0  # failed in an earlier run, tried again now
    not_started: int = 0  # stopped early: budget, Ctrl-C, a systemic error
    prompt_tokens: int = 0  # over the network
    completion_tokens: int = 0
    cached_tokens: int = 0  # answered from the response cache or cassettes
    cache_hits: int = 0
    cost_usd: float | None = 0.0  # None: the model's price is unknown
    concurrency: int = 1
    elapsed_s: float = 0.0
    failures: list[Failure] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    stopped: str | None = None  # why no more articles were started
    stop_error: SummarizerError | None = None  # a systemic error (configuration, server down)
    interrupted: bool = False

    @property
    def tokens(self) -> int:
        return self.prompt_tokens + self.completion_tokens

    @property
    def exit_code(self) -> int:
        """0 all done; 1 some failed or the budget stopped the batch; the code of a systemic
        error (3 provider/config); 130 interrupted."""
        if self.interrupted:
            return 130
        if self.stop_error is not None:
            return self.stop_error.exit_code
        return 1 if self.failed or self.not_started else 0


Observer = Callable[[BatchReport, "Outcome | None"], None]
"""Called with the report when the batch starts (outcome None) and after every article."""


def _price(spec: ModelSpec) -> tuple[float, float] | None:
    return (0.0, 0.0) if spec.local else spec.price_per_mtok


def _cost(price: tuple[float, float] | None, prompt: int, completion: int) -> float | None:
    if price is None:
        return None
    return (prompt * price[0] + completion * price[1]) / 1e6


def estimate_cost(article_chars: int, price: tuple[float, float] | None) -> float:
    """A conservative cost of one article before anything was measured: three calls, each
    with the whole article, the prompt overhead and a typical structured answer."""
    from .pipeline import CHARS_PER_TOKEN, PROMPT_OVERHEAD_TOKENS

    if price is None:
        return 0.0
    prompt = 3 * (article_chars / CHARS_PER_TOKEN + PROMPT_OVERHEAD_TOKENS)
    return (prompt * price[0] + 3 * ESTIMATED_COMPLETION_TOKENS_PER_CALL * price[1]) / 1e6


class _Runner:
    def __init__(
        self,
        spec: ModelSpec,
        options: BatchOptions,
        settings: Settings,
        log: ResultLog,
        report: BatchReport,
        observer: Observer | None,
    ) -> None:
        self.spec = spec
        self.options = options
        self.settings = settings
        self.log = log
        self.report = report
        self.observer = observer
        self.price = _price(spec)
        self.results: queue.Queue[tuple[_ArticleRun, Any, BaseException | None]] = queue.Queue()
        self.in_flight: dict[int, _ArticleRun] = {}
        self.serial = threading.Lock() if settings.offline or settings.record else None
        self.cache = ResponseCache(options.cache_dir) if options.cache_dir is not None else None
        self.consecutive_provider_errors = 0
        self.measured_cost = 0.0  # cost of finished articles that went over the network
        self.measured_chars = 0
        self.spent = 0.0

    # -- the worker
    def _work(self, run: _ArticleRun) -> None:
        from .pipeline import summarize

        _current.run = run
        try:
            assert run.item.article is not None
            with self.serial if self.serial is not None else contextlib.nullcontext():
                if run.cancelled.is_set():
                    raise _Stopped("cancelled")
                doc = summarize(run.item.article, self.spec.name, self.settings)
            self.results.put((run, doc, None))
        except BaseException as exc:  # noqa: BLE001 - every failure becomes a record
            self.results.put((run, None, exc))
        finally:
            _current.run = None

    def _start(self, item: BatchItem) -> None:
        deadline = time.monotonic() + self.options.timeout_per_article if self.options.timeout_per_article else None
        run = _ArticleRun(item, deadline)
        self.in_flight[id(run)] = run
        threading.Thread(target=self._work, args=(run,), name=f"batch:{item.id}", daemon=True).start()

    # -- accounting
    def _run_cost(self, run: _ArticleRun) -> float:
        return _cost(self.price, run.net_prompt, run.net_completion) or 0.0

    def _estimate(self, chars: int) -> float:
        if self.measured_chars:
            return self.measured_cost / self.measured_chars * chars
        return estimate_cost(chars, self.price)

    def _within_budget(self, item: BatchItem) -> bool:
        if self.options.max_cost is None:
            return True
        in_flight = sum(max(self._run_cost(r), self._estimate(r.item.chars)) for r in self.in_flight.values())
        return self.spent + in_flight + self._estimate(item.chars) <= self.options.max_cost

    def _account(self, run: _ArticleRun) -> Outcome:
        cost = self._run_cost(run)
        self.spent += cost
        rep = self.report
        rep.prompt_tokens += run.net_prompt
        rep.completion_tokens += run.net_completion
        rep.cached_tokens += run.cached_prompt + run.cached_completion
        rep.cache_hits += run.cache_hits
        if rep.cost_usd is not None:
            rep.cost_usd += cost
        if run.net_prompt or run.net_completion:
            self.measured_cost += cost
            self.measured_chars += run.item.chars
        return Outcome(
            run.item.id,
            True,
            tokens=run.net_prompt + run.net_completion,
            cost=_cost(self.price, run.net_prompt, run.net_completion),
            cache_hits=run.cache_hits,
        )

    # -- results
    def _write_error(self, item: BatchItem, exc: SummarizerError, outcome: Outcome | None = None) -> None:
        self.log.append(error_record(item, self.spec.name, self.settings.prompt_version, exc))
        self.report.failed += 1
        self.report.failures.append(Failure(item.id, type(exc).__name__, exc.one_line(), exc.exit_code))
        out = outcome or Outcome(item.id, True)
        self._notify(replace(out, ok=False, error_type=type(exc).__name__, message=exc.one_line()))

    def _notify(self, outcome: Outcome | None) -> None:
        if self.observer is not None:
            self.observer(self.report, outcome)

    def _finish(self, run: _ArticleRun, doc: Any, exc: BaseException | None) -> None:
        outcome = self._account(run)
        if exc is None:
            self.log.append(doc.model_dump(mode="json"))
            self.report.ok += 1
            self.consecutive_provider_errors = 0
            self._notify(outcome)
            return
        if isinstance(exc, SummarizerError):
            error: SummarizerError = exc
        else:
            frames = traceback.extract_tb(exc.__traceback__)
            where = f" at {Path(frames[-1].filename).name}:{frames[-1].lineno}" if frames else ""
            error = InternalError(f"unexpected {type(exc).__name__}{where}: {exc}")
        if isinstance(error, ExtractionError) and self.cache is not None:
            self.cache.evict(run.keys)  # a retry must really ask the model again
        self._write_error(run.item, error, outcome)
        if isinstance(error, ConfigError) and self.report.stop_error is None:
            self.report.stop_error = error
            self.report.stopped = f"stopped: {error.one_line()}"
        elif isinstance(error, ProviderError) and not isinstance(error, ArticleTimeoutError):
            self.consecutive_provider_errors += 1
            limit = max(3, self._concurrency() + 2)
            if self.consecutive_provider_errors >= limit and self.report.stop_error is None:
                self.report.stop_error = error
                self.report.stopped = f"stopped after {limit} provider failures in a row: {error.one_line()}"
        else:
            self.consecutive_provider_errors = 0

    def _concurrency(self) -> int:
        return self.report.concurrency

    def _expire(self) -> None:
        now = time.monotonic()
        for key, run in list(self.in_flight.items()):
            if run.deadline is not None and now >= run.deadline:
                del self.in_flight[key]
                run.timed_out = True
                run.cancelled.set()
                outcome = self._account(run)
                self._write_error(
                    run.item,
                    ArticleTimeoutError(
                        f"{run.item.id}: no result within {self.options.timeout_per_article:g} s",
                        hint="raise --timeout-per-article",
                    ),
                    outcome,
                )

    def run(self, to_do: Sequence[BatchItem]) -> None:
        pending = list(reversed(to_do))
        limit = self._concurrency()
        try:
            while pending or self.in_flight:
                while pending and len(self.in_flight) < limit and self.report.stopped is None:
                    item = pending[-1]
                    if item.error is not None:
                        pending.pop()
                        self._write_error(item, item.error)
                        continue
                    if not self._within_budget(item):
                        self.report.stopped = (
                            f"budget: --max-cost {self.options.max_cost:g} USD would be exceeded "
                            f"(spent {self.spent:.4f} USD)"
                        )
                        break
                    pending.pop()
                    self._start(item)
                if self.report.stopped is not None and not self.in_flight:
                    break
                wait = 0.5
                deadlines = [r.deadline for r in self.in_flight.values() if r.deadline is not None]
                if deadlines:
                    wait = max(0.0, min(wait, min(deadlines) - time.monotonic()))
                try:
                    run, doc, exc = self.results.get(timeout=wait)
                except queue.Empty:
                    self._expire()
                    continue
                if self.in_flight.pop(id(run), None) is None:
                    continue  # timed out already: its error record is written
                self._finish(run, doc, exc)
                self._expire()
        except KeyboardInterrupt:
            self.report.interrupted = True
            self.report.stopped = "interrupted"
            for run in self.in_flight.values():
                run.cancelled.set()
            pending.extend(r.item for r in self.in_flight.values())
            self.in_flight.clear()
        else:  # stopped early: what needs no model is still written
            for item in [i for i in pending if i.error is not None]:
                pending.remove(item)
                self._write_error(item, item.error)  # type: ignore[arg-type]
        self.report.not_started = len(pending)


@contextlib.contextmanager
def _local_endpoint(spec: ModelSpec, settings: Settings) -> Iterator[Settings]:
    """For a local/ model run live: one server for the whole batch (the one at --base-url,
    a running `summarizer serve`, or one started now), not one per article."""
    if not spec.local or settings.offline or settings.local_base_url:
        yield settings
    elif settings.base_url:
        yield replace(settings, local_base_url=settings.base_url)
    else:
        from .localserver import local_server

        with local_server(spec.name) as base_url:
            yield replace(settings, local_base_url=base_url)


def run_batch(
    inputs: Sequence[str | Path],
    out: Path,
    options: BatchOptions,
    settings: Settings | None = None,
    *,
    observer: Observer | None = None,
) -> BatchReport:
    """Summarize every input article into `out` (JSONL), resuming what an earlier run did.

    Raises InputError (no inputs, unreadable JSONL line, out file busy) and ConfigError
    (unknown model, a budget that cannot be enforced) before anything is written; every
    other failure is an error record in the file and a Failure in the report.
    """
    from . import prompts

    started = time.monotonic()
    settings = settings or Settings()
    spec = resolve(options.model, settings)
    prompt = prompts.load(settings.prompt_version)
    if options.max_cost is not None and _price(spec) is None:
        raise ConfigError(
            f"--max-cost: no price is known for {spec.name}, so the budget cannot be enforced",
            hint="drop --max-cost, or use a model from the price table",
        )
    if options.concurrency is not None and options.concurrency < 1:
        raise InputError("--concurrency must be at least 1")
    if options.timeout_per_article is not None and options.timeout_per_article <= 0:
        raise InputError("--timeout-per-article must be positive")
    inputs_ = collect_inputs(inputs, max_chars=options.max_chars)
    report = BatchReport(out=out, model=spec.name, prompt_version=prompt.version, total=len(inputs_.items))
    report.notes.extend(inputs_.notes)
    report.cost_usd = None if _price(spec) is None else 0.0
    serial = settings.offline or settings.record
    concurrency = options.concurrency or (
        DEFAULT_LOCAL_CONCURRENCY if spec.local and not settings.base_url else DEFAULT_CONCURRENCY
    )
    report.concurrency = 1 if serial else concurrency
    if serial and concurrency > 1:
        report.notes.append("--offline/--record: articles run one at a time (cassettes are not thread-safe)")
    cache_dir = None if serial else options.cache_dir
    replay = settings.offline
    settings = replace(
        settings,
        http_transport=lambda s: BatchTransport(
            s, ResponseCache(cache_dir) if cache_dir is not None else None, replay=replay
        ),
    )
    log = ResultLog(out)
    lines = log.open()
    try:
        if log.repaired_bytes:
            report.notes.append(f"cut a torn last line ({log.repaired_bytes} bytes) from {out}")
        plan = _plan(inputs_.items, lines, spec.name, prompt.version)
        report.notes.extend(n.replace("{out}", str(out)) for n in plan.notes)
        if plan.rewrite:
            log.rewrite(plan.keep)
        report.skipped = plan.done
        report.retried = plan.retried
        report.to_do = len(plan.to_do)
        runner = _Runner(spec, replace(options, cache_dir=cache_dir), settings, log, report, observer)
        runner._notify(None)
        if plan.to_do:
            needs_model = any(i.article is not None for i in plan.to_do)
            with _local_endpoint(spec, settings) if needs_model else contextlib.nullcontext(settings) as live:
                runner.settings = live
                runner.run(plan.to_do)
    finally:
        log.close()
        report.elapsed_s = time.monotonic() - started
    return report


# ---------------------------------------------------------------------------------------------
# the OpenAI Batch API: submit a round of requests, poll it, collect its answers

BATCH_ENDPOINT = "/v1/chat/completions"
MAX_BATCH_ATTEMPTS = 2  # a request the Batch API failed this many times makes its article fail


def _state_path(out: Path) -> Path:
    return out.with_name(out.name + ".openai-batch.json")


def _load_state(out: Path) -> dict[str, Any]:
    path = _state_path(out)
    try:
        state = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(
            f"no OpenAI batch was submitted for {out} ({path} is missing)",
            hint="run `summarizer batch INPUT... --out OUT --openai-batch submit` first",
        ) from None
    except (OSError, ValueError) as exc:
        raise InputError(f"{path}: unreadable batch state: {exc}") from exc
    if not isinstance(state, dict) or not isinstance(state.get("rounds"), list):
        raise InputError(f"{path}: not a batch state file")
    return state


def _save_state(out: Path, state: dict[str, Any]) -> None:
    path = _state_path(out)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        json.dump(state, f, indent=1)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


def _batch_spec(options: BatchOptions, settings: Settings) -> ModelSpec:
    spec = resolve(options.model, settings)
    if spec.local or settings.offline or settings.record:
        raise ConfigError(
            f"--openai-batch needs a hosted model (openai/...), not {spec.name}"
            + (" and not --offline/--record" if settings.offline or settings.record else "")
        )
    if options.cache_dir is None:
        raise ConfigError("--openai-batch keeps the answers in the response cache: drop --no-cache")
    return spec


def _openai_client(spec: ModelSpec, settings: Settings) -> Any:
    import openai

    return openai.OpenAI(
        base_url=spec.base_url or "https://api.openai.com/v1",
        api_key=spec.api_key or "not-needed",
        max_retries=3,
        timeout=settings.timeout_s,
    )


def _api_error(spec: ModelSpec, what: str, exc: Exception) -> SummarizerError:
    import openai

    if isinstance(exc, openai.AuthenticationError):
        return ConfigError(f"{spec.name}: the Batch API rejected the API key", hint="check OPENAI_API_KEY")
    if isinstance(exc, openai.APIStatusError):
        return ProviderError(f"{spec.name}: {what}: HTTP {exc.status_code}: {str(exc)[:200]}")
    return ProviderError(f"{spec.name}: {what}: {type(exc).__name__}: {str(exc)[:200]}")


@dataclass
class _CaptureResult:
    docs: list[tuple[BatchItem, Any]] = field(default_factory=list)
    errors: list[tuple[BatchItem, SummarizerError]] = field(default_factory=list)
    waiting: list[tuple[BatchItem, list[tuple[str, Any]]]] = field(default_factory=list)


def _capture(items: Sequence[BatchItem], spec: ModelSpec, settings: Settings, cache: ResponseCache) -> _CaptureResult:
    """Run the pipeline of every item from the cache; the first request of an article that is
    not answered yet is captured (and ends that article's run for now)."""
    from .pipeline import summarize

    live = replace(settings, http_transport=lambda s: BatchTransport(s, cache))
    result = _CaptureResult()
    for item in items:
        if item.error is not None or item.article is None:
            result.errors.append((item, item.error or InputError(f"{item.where}: no article")))
            continue
        run = _ArticleRun(item, capture=True)
        _current.run = run
        try:
            result.docs.append((item, summarize(item.article, spec.name, live)))
        except SummarizerError as exc:
            if run.captured:
                result.waiting.append((item, run.captured))
            else:
                result.errors.append((item, exc))
        finally:
            _current.run = None
    return result


@dataclass
class SubmitResult:
    batch_id: str | None
    requests: int
    articles: int
    complete: int
    skipped: int
    round: int
    state: Path
    notes: list[str] = field(default_factory=list)


def openai_batch_submit(
    inputs: Sequence[str | Path], out: Path, options: BatchOptions, settings: Settings | None = None
) -> SubmitResult:
    """Submit, as one Batch API job, the next request of every article not yet done in `out`."""
    from . import prompts

    settings = settings or Settings()
    spec = _batch_spec(options, settings)
    assert options.cache_dir is not None
    prompt = prompts.load(settings.prompt_version)
    state_file = _state_path(out)
    state: dict[str, Any] = {"model": spec.name, "prompt_version": prompt.version, "rounds": [], "attempts": {}}
    if state_file.exists():
        old = _load_state(out)
        if old["rounds"] and not old["rounds"][-1].get("collected"):
            raise InputError(
                f"batch {old['rounds'][-1]['batch_id']} has not been collected yet",
                hint="run `summarizer batch --out OUT --openai-batch collect` first",
            )
        if old.get("model") == spec.name and old.get("prompt_version") == prompt.version:
            state = old
    inputs_ = collect_inputs(inputs, max_chars=options.max_chars)
    log = ResultLog(out)
    try:
        plan = _plan(inputs_.items, log.open(), spec.name, prompt.version)
    finally:
        log.close()
    state["inputs"] = [str(Path(p).resolve()) for p in inputs]
    state["max_chars"] = options.max_chars
    cache = ResponseCache(options.cache_dir)
    captured = _capture(plan.to_do, spec, settings, cache)
    requests: dict[str, Any] = {}
    given_up = 0
    for _item, reqs in captured.waiting:
        for key, req in reqs:
            if state["attempts"].get(key, 0) >= MAX_BATCH_ATTEMPTS:
                given_up += 1
                continue
            requests[key] = req
    notes = list(inputs_.notes)
    if given_up:
        notes.append(
            f"{given_up} request(s) failed {MAX_BATCH_ATTEMPTS} times in the Batch API: "
            "collect writes their articles as failures"
        )
    result = SubmitResult(
        None,
        len(requests),
        len(captured.waiting),
        len(captured.docs) + len(captured.errors),
        plan.done,
        len(state["rounds"]) + 1,
        state_file,
        notes,
    )
    if not requests:
        _save_state(out, state)
        return result
    lines = [
        json.dumps(
            {"custom_id": key, "method": "POST", "url": BATCH_ENDPOINT, "body": req["body"]},
            ensure_ascii=False,
            separators=(",", ":"),
        )
        for key, req in requests.items()
    ]
    payload = ("\n".join(lines) + "\n").encode("utf-8")
    client = _openai_client(spec, settings)
    try:
        uploaded = client.files.create(file=(f"{out.stem}-round{result.round}.jsonl", payload), purpose="batch")
        job = client.batches.create(
            input_file_id=uploaded.id,
            endpoint=BATCH_ENDPOINT,
            completion_window="24h",
            metadata={"summarizer": f"{out.name} round {result.round}"},
        )
    except Exception as exc:
        raise _api_error(spec, "submitting the batch", exc) from exc
    finally:
        client.close()
    state["rounds"].append(
        {
            "batch_id": job.id,
            "input_file_id": uploaded.id,
            "requests": len(requests),
            "submitted": time.time(),
            "collected": False,
        }
    )
    _save_state(out, state)
    result.batch_id = job.id
    return result


def _retrieve(client: Any, spec: ModelSpec, batch_id: str) -> Any:
    try:
        return client.batches.retrieve(batch_id)
    except Exception as exc:
        raise _api_error(spec, f"retrieving batch {batch_id}", exc) from exc


def openai_batch_status(out: Path, options: BatchOptions, settings: Settings | None = None) -> dict[str, Any]:
    """The last submitted batch's id, status and request counts."""
    settings = settings or Settings()
    spec = _batch_spec(options, settings)
    state = _load_state(out)
    if not state["rounds"]:
        raise InputError(f"no batch has been submitted for {out}")
    client = _openai_client(spec, settings)
    try:
        job = _retrieve(client, spec, state["rounds"][-1]["batch_id"])
    finally:
        client.close()
    counts = getattr(job, "request_counts", None)
    return {
        "id": job.id,
        "status": job.status,
        "total": getattr(counts, "total", 0) or 0,
        "completed": getattr(counts, "completed", 0) or 0,
        "failed": getattr(counts, "failed", 0) or 0,
        "round": len(state["rounds"]),
        "collected": bool(state["rounds"][-1].get("collected")),
    }


@dataclass
class CollectResult:
    answers: int = 0
    errors: int = 0
    ok: int = 0
    failed: int = 0
    pending: int = 0
    notes: list[str] = field(default_factory=list)


def _file_text(client: Any, file_id: str) -> str:
    content = client.files.content(file_id)
    data = content.read() if hasattr(content, "read") else content.content
    return data.decode("utf-8") if isinstance(data, bytes) else str(data)


def openai_batch_collect(out: Path, options: BatchOptions, settings: Settings | None = None) -> CollectResult:
    """Store the last batch's answers in the response cache, then write a document (or an
    error record) to `out` for every article whose requests are all answered."""
    settings = settings or Settings()
    spec = _batch_spec(options, settings)
    assert options.cache_dir is not None
    state = _load_state(out)
    if state.get("model") != spec.name:
        raise InputError(
            f"the batch for {out} was submitted for {state.get('model')}, not {spec.name}",
            hint=f"pass --model {state.get('model')}",
        )
    cache = ResponseCache(options.cache_dir)
    result = CollectResult()
    last = state["rounds"][-1] if state["rounds"] else None
    if last is not None and not last.get("collected"):
        client = _openai_client(spec, settings)
        try:
            job = _retrieve(client, spec, last["batch_id"])
            if job.status in ("validating", "in_progress", "finalizing", "cancelling"):
                raise ProviderError(
                    f"batch {job.id} is {job.status}, not finished yet",
                    hint="check with --openai-batch status, collect when it is completed",
                )
            if job.status != "completed":
                result.notes.append(
                    f"batch {job.id} ended as {job.status}: its missing answers are asked again by the next submit"
                )
            seen: set[str] = set()
            for file_id in (getattr(job, "output_file_id", None), getattr(job, "error_file_id", None)):
                if not file_id:
                    continue
                for line in _file_text(client, file_id).splitlines():
                    if not line.strip():
                        continue
                    entry = json.loads(line)
                    key = entry.get("custom_id")
                    response = entry.get("response") or {}
                    body = response.get("body")
                    if isinstance(key, str) and response.get("status_code") == 200 and isinstance(body, dict):
                        cache.put(key, json.dumps(body, ensure_ascii=False).encode("utf-8"))
                        result.answers += 1
                        seen.add(key)
                    elif isinstance(key, str) and key not in seen:
                        state["attempts"][key] = state["attempts"].get(key, 0) + 1
                        result.errors += 1
        except SummarizerError:
            raise
        except Exception as exc:
            raise _api_error(spec, f"collecting batch {last['batch_id']}", exc) from exc
        finally:
            client.close()
        last["collected"] = True
        _save_state(out, state)
    inputs_ = collect_inputs(state.get("inputs") or [], max_chars=int(state.get("max_chars") or options.max_chars))
    log = ResultLog(out)
    lines = log.open()
    try:
        plan = _plan(inputs_.items, lines, spec.name, state["prompt_version"])
        if plan.rewrite:
            log.rewrite(plan.keep)
        captured = _capture(plan.to_do, spec, replace(settings, prompt_version=state["prompt_version"]), cache)
        for _item, doc in captured.docs:
            log.append(doc.model_dump(mode="json"))
            result.ok += 1
        for item, error in captured.errors:
            log.append(error_record(item, spec.name, state["prompt_version"], error))
            result.failed += 1
        for item, reqs in captured.waiting:
            if any(state["attempts"].get(key, 0) >= MAX_BATCH_ATTEMPTS for key, _ in reqs):
                gave_up = ProviderError(
                    f"{item.id}: the Batch API failed a request {MAX_BATCH_ATTEMPTS} times",
                    hint="rerun without --openai-batch to retry it directly",
                )
                log.append(error_record(item, spec.name, state["prompt_version"], gave_up))
                result.failed += 1
            else:
                result.pending += 1
    finally:
        log.close()
    return result
