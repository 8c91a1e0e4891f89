"""The response cache and the per-article transport of a batch; the same cache for live
`summarize` and `eval` (`LiveCache`), and its upkeep (`ResponseCache.stats`, `.clear`:
`summarizer cache info|clear`).

The response cache (on by default for live runs, ``--no-cache`` turns it off) is an httpx transport under
the retry layer: a successful chat completion is stored under the sha256 of the canonical
request (model name, path, JSON body with sorted keys: the prompt version and schema hash
are in the system message), so an unchanged article costs nothing the second time, even
into another out file. When an article fails because of the model's answers
(ExtractionError) the responses it used are evicted so that a retry really asks again.

`BatchTransport` is built for one article (`ArticleRun`, passed explicitly) and also counts
its tokens, enforces its deadline and cancellation, reserves each call's cost against
--max-cost (`_budget`), and in capture mode (OpenAI Batch API) records the first request not
answered yet instead of sending it. Below it, `models.BoundedTransport` bounds every call (a
deadline for the whole call, a cap on the answer's size). Cache entries are scrubbed of
anything key-like before they are written (an answer may echo a key).

Control flow through third-party code, on purpose: a cancelled article and a captured
request end the article's pipeline by raising (`Stopped`, `Captured`) inside httpx, under the
openai client and instructor. They surface as a SummarizerError from the model client (it
translates whatever it catches); the batch then reads the truth from the `ArticleRun`
(`cancelled`, `captured`), never from the error. There is no other way to stop a synchronous
client in the middle of a pipeline without changing the pipeline itself.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import stat
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from summarizer.batch._budget import Budget
from summarizer.config import cache_dir, response_cache_dir
from summarizer.errors import InputError
from summarizer.files import MARKER, check_owned, claim_folder, mark_folder, replace_bytes
from summarizer.inputs import BatchItem
from summarizer.models import BoundedTransport, ModelSpec, canonical_body, httpx, scrub_secrets, token_count


class Stopped(Exception):
    """Raised by the transport inside a worker whose article was cancelled or timed out."""


class Captured(Exception):
    """Raised by the transport in capture mode (OpenAI Batch API): the request was recorded."""


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def default_cache_dir() -> Path:
    """``$SUMMARIZER_RESPONSE_CACHE``, else ``<summarizer cache>/responses``
    ($SUMMARIZER_CACHE_DIR, else ~/.cache/summarizer)."""
    return response_cache_dir()


class ResponseCache:
    """Successful chat-completion responses on disk, one JSON file per canonical request."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def _path(self, key: str) -> Path:
        if not re.fullmatch(r"[0-9a-f]{64}", key):  # keys are sha256 hex digests: never a path
            key = _sha256(key.encode("utf-8"))
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
            claim_folder(self.root, CACHE_KIND)
            path.parent.mkdir(exist_ok=True)
            entry = {
                "key": key,
                "stored": time.time(),
                "request": request,
                "body": body.decode("utf-8", errors="replace"),
            }
            text = scrub_secrets(json.dumps(entry, ensure_ascii=False))  # an answer may echo a key
            replace_bytes(path, text.encode("utf-8"))
        except OSError:  # a cache that cannot be written is not an error of the article
            pass

    def evict(self, keys: Sequence[str]) -> None:
        """Remove the entries of `keys`: only an entry the cache wrote (by name and content, a
        regular file in a shard that is a real folder; no symlink followed)."""
        for key in keys:
            path = self._path(key)
            with contextlib.suppress(OSError):
                if _real_dir(path.parent) and _is_ours(path.parent.name, path.name, str(path)):
                    path.unlink()

    def _files(self) -> list[tuple[Path, int]]:
        """The cache's own files, each with its size: entries (`<sha256>.json` in the shard of
        its first two digits, a JSON object whose key hashes to its name) and half-written
        temporaries (`.<sha256>.json.<random>.tmp`, and the names of earlier versions, empty or
        the start of such an object). Nothing else the folder may hold; no symlink is followed
        (a symlinked shard or file is not the cache's)."""
        found: list[tuple[Path, int]] = []
        for shard in self._shards():
            with contextlib.suppress(OSError), os.scandir(shard.path) as entries:
                for e in entries:
                    if _is_ours(shard.name, e.name, e.path):
                        found.append((Path(e.path), e.stat(follow_symlinks=False).st_size))
        return found

    def _shards(self) -> list[os.DirEntry[str]]:
        try:
            with os.scandir(self.root) as entries:
                return [e for e in entries if _SHARD.fullmatch(e.name) and e.is_dir(follow_symlinks=False)]
        except OSError:
            return []

    def stats(self) -> tuple[int, int]:
        """(entries, bytes on disk)."""
        files = self._files()
        return sum(1 for f, _ in files if f.suffix == ".json"), sum(n for _, n in files)

    def clear(self) -> tuple[int, int]:
        """Remove every entry (and the shards that this emptied); (entries, bytes) removed.
        The folder must carry the marker the cache wrote (`summarizer.files.check_owned`,
        InputError otherwise), or be the default folder of a version from before the marker
        holding nothing but the cache's own entries (`adopt_legacy`); files the cache did not
        write, symlinks and folders it did not empty are left alone."""
        if str(self.root) and not os.path.lexists(self.root):
            return 0, 0  # no cache yet: nothing to remove
        self.adopt_legacy()
        check_owned(self.root, CACHE_KIND)
        entries = size = 0
        emptied: set[Path] = set()
        for f, n in self._files():
            with contextlib.suppress(OSError):
                f.unlink()
                size += n
                entries += f.suffix == ".json"
                emptied.add(f.parent)
        for shard in emptied:
            with contextlib.suppress(OSError):
                shard.rmdir()  # only when empty
        return entries, size

    def adopt_legacy(self) -> bool:
        """Mark the default cache folder (`<cache>/responses`) as the cache's when an earlier
        version made it (before the marker existed) and every entry in it is provably the
        cache's: shards named by two hex digits that are real folders, holding only entries and
        temporaries the cache wrote (`_is_ours`; empty shards are kept, not claimed). Any other
        folder is never adopted; the default folder with anything else in it is refused
        (InputError naming what is not the cache's). True when the marker was written."""
        root = self.root
        if not str(root) or os.path.lexists(root / MARKER) or not _real_dir(root):
            return False
        if os.path.realpath(root) != os.path.realpath(cache_dir() / "responses"):
            return False
        foreign: list[str] = []
        try:
            with os.scandir(root) as top:
                for e in top:
                    if not (_SHARD.fullmatch(e.name) and e.is_dir(follow_symlinks=False)):
                        foreign.append(e.name)
                        continue
                    with os.scandir(e.path) as inner:
                        foreign.extend(f"{e.name}/{f.name}" for f in inner if not _is_ours(e.name, f.name, f.path))
        except OSError:
            return False  # not readable through: not provably the cache's (check_owned refuses it)
        if foreign:
            shown = ", ".join(sorted(foreign)[:3]) + (" ..." if len(foreign) > 3 else "")
            raise InputError(
                f"{root}: a response cache from before summarizer marked its folders, holding "
                f"{len(foreign)} file(s) or folder(s) that are not the cache's ({shown}); refusing to delete anything",
                hint="move them out, or delete the folder yourself",
            )
        try:
            mark_folder(root, CACHE_KIND)
        except OSError:
            return False
        return True


CACHE_KIND = "response cache"
_SHARD = re.compile(r"[0-9a-f]{2}")
_TMP = (  # a temporary of `replace_bytes`, of the issue-21 version, of earlier versions (mkstemp's default)
    re.compile(r"\.([0-9a-f]{64})\.json\.[a-z0-9_]{8}\.tmp"),
    re.compile(r"\.([0-9a-f]{64})\.[a-z0-9_]{8}\.tmp"),
    re.compile(r"tmp[a-z0-9_]{8}\.tmp"),
)
_MAX_ENTRY = 64 << 20


def _real_dir(path: Path | str) -> bool:
    try:
        return stat.S_ISDIR(os.lstat(path).st_mode)
    except OSError:
        return False


def _is_ours(shard: str, name: str, path: str) -> bool:
    """Whether the file `name` in the shard folder `shard` is one the cache wrote: a regular file
    (never a symlink), by its name and its content."""
    try:
        st = os.lstat(path)
    except OSError:
        return False
    if not stat.S_ISREG(st.st_mode):
        return False
    if _ENTRY.fullmatch(name):
        stem = name[:64]
        if st.st_size > _MAX_ENTRY:
            return False
        try:
            with open(path, "rb") as fh:
                obj = json.loads(fh.read())
        except (OSError, ValueError, RecursionError):
            return False
        key = obj.get("key") if isinstance(obj, dict) else None
        return (
            stem[:2] == shard
            and isinstance(key, str)
            and stem in (key, _sha256(key.encode("utf-8")))
            and isinstance(obj.get("body"), str)
        )
    match = next((m for m in (t.fullmatch(name) for t in _TMP) if m is not None), None)
    if match is None or (match.groups() and match.group(1)[:2] != shard):
        return False
    try:
        with open(path, "rb") as fh:
            head = fh.read(8)
    except OSError:
        return False
    return b'{"key": '.startswith(head)  # empty, or the start of an entry


_ENTRY = re.compile(r"[0-9a-f]{64}\.json")


def _scope(spec: ModelSpec) -> str:
    """What besides the request identifies the model: its name, and the server for a
    non-local model on an explicit base URL (a local model's port changes every run)."""
    return spec.name if spec.local or not spec.base_url else f"{spec.name}@{spec.base_url}"


def request_key(scope: str, method: str, path: str, body: bytes) -> str:
    payload = {"scope": scope, "method": method, "path": path, "body": canonical_body(body)}
    return _sha256(json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode())


class ArticleRun:
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


def _is_completion(body: bytes) -> bool:
    try:
        obj = json.loads(body)
    except (ValueError, RecursionError):
        return False
    return isinstance(obj, dict) and bool(obj.get("choices"))


def _usage(body: bytes) -> tuple[int, int]:
    try:
        usage = json.loads(body).get("usage") or {}
        counts = token_count(usage.get("prompt_tokens")), token_count(usage.get("completion_tokens"))
    except (ValueError, RecursionError, AttributeError, TypeError):
        return 0, 0
    return counts[0] or 0, counts[1] or 0  # what is not a token count is not counted


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
        run: ArticleRun | None = None,
        budget: Budget | None = None,
    ) -> None:
        self.budget = None if replay else budget  # offline cassettes: answers cost nothing
        self.scope = _scope(spec)
        self.run = run  # the article this transport works for (None: plain caching)
        self.cache = cache
        self.replay = replay  # offline cassettes: answers cost nothing
        self.inner = inner or BoundedTransport()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        run = self.run
        if run is not None:
            if run.cancelled.is_set():
                raise Stopped("cancelled")
            if run.deadline is not None:
                remaining = run.deadline - time.monotonic()
                if remaining <= 0:
                    raise Stopped("timed out")
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
            run.captured.append(
                (key or "", {"method": request.method, "path": request.url.path, "body": canonical_body(body)})
            )
            raise Captured(key)
        if self.budget is None:
            response = self.inner.handle_request(request)
        else:
            base, reserved = self.budget.reserve(body)
            usage = (0, 0)
            try:
                response = self.inner.handle_request(request)
                if response.status_code == 200:
                    usage = _usage(response.read())
            finally:
                self.budget.settle(base, reserved, *usage)
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


def transport_for(
    run: ArticleRun, cache: ResponseCache | None, *, replay: bool = False, budget: Budget | None = None
) -> Callable[[ModelSpec], httpx.BaseTransport]:
    """The `Settings.http_transport` factory of one article's model client: its transport
    knows the article it works for (passed, not found in a thread-local) and the batch's budget."""

    def factory(spec: ModelSpec) -> httpx.BaseTransport:
        return BatchTransport(spec, cache, replay=replay, run=run, budget=budget)

    return factory


class LiveCache:
    """The response cache of a live run outside a batch (`summarize`, `eval`): the same entries
    and keys as a batch's. `transport` is the `Settings.http_transport` factory (one per model
    client, that is per article); `evict_last` drops the answers of the article just run when
    they made no valid document, so that a rerun really asks the model again."""

    def __init__(self, root: Path) -> None:
        self.cache = ResponseCache(root)
        self.hits = 0  # answers taken from the cache
        self.answers = 0  # answers used, from the cache or the model
        self._last: ArticleRun | None = None

    def transport(self, spec: ModelSpec) -> httpx.BaseTransport:
        self._tally()
        self._last = ArticleRun(BatchItem(id="", where="", sha256=""))
        return BatchTransport(spec, self.cache, run=self._last)

    def _tally(self) -> None:
        if self._last is not None:
            self.hits += self._last.cache_hits
            self.answers += len(self._last.keys)
            self._last = None

    def evict_last(self) -> None:
        if self._last is not None:
            self.cache.evict(self._last.keys)
            self._last.keys.clear()
            self._last.cache_hits = 0

    def counts(self) -> tuple[int, int]:
        """(answers from the cache, answers used) so far."""
        self._tally()
        return self.hits, self.answers
