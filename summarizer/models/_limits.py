"""Bounds on every HTTP exchange: a total deadline (connect, headers and body together, not per
read, so a server that trickles a byte a second cannot hold a call open), and a cap on the size
of a model's answer.

`deadline(seconds)` sets a deadline for what the current thread sends and receives; the sockets of
`bounded_http_transport()` cut each read, write and connect to the time left and fail with a
timeout once it is past. `BoundedTransport` runs one request under the deadline its request
timeout gives, and reads the body whole under a size cap. The model client and the batch use
`BoundedTransport`; fetching a URL (`summarizer.inputs`) uses `deadline` and
`bounded_http_transport` for its own 20 s in all.
"""

from __future__ import annotations

import threading
import time
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from summarizer.models._http import httpx

MAX_RESPONSE_BYTES = 8_000_000  # a model's answer: the largest JSON document is far below 1 MB

_local = threading.local()


class ResponseTooLarge(Exception):
    """A model server sent more than MAX_RESPONSE_BYTES: not retried, never shown to the model."""

    def __init__(self, limit: int, declared: int | None = None) -> None:
        what = f" ({declared:,} declared)" if declared is not None else ""
        super().__init__(f"an answer larger than {limit:,} bytes{what}")
        self.limit = limit


@contextmanager
def deadline(seconds: float | None) -> Iterator[None]:
    """Everything this thread sends or receives in the block must be done within `seconds`
    (an enclosing, earlier deadline still holds)."""
    previous = getattr(_local, "deadline", None)
    if seconds is not None:
        mine = time.monotonic() + max(0.0, seconds)
        _local.deadline = mine if previous is None else min(previous, mine)
    try:
        yield
    finally:
        _local.deadline = previous


def _left(timeout: float | None, exc: type[Exception]) -> float | None:
    end = getattr(_local, "deadline", None)
    if end is None:
        return timeout
    left = end - time.monotonic()
    if left <= 0:
        raise exc("deadline passed")
    return left if timeout is None else min(timeout, left)


def _httpcore() -> Any:
    """The HTTP core under `httpx` (httpcore2 under httpx2)."""
    try:
        import httpcore2

        return httpcore2
    except ImportError:  # pragma: no cover - openai<3
        import httpcore

        return httpcore


def _backend_classes() -> tuple[Any, Any]:
    httpcore = _httpcore()

    class DeadlineStream(httpcore.NetworkStream):  # type: ignore[misc,name-defined]
        def __init__(self, inner: Any) -> None:
            self._inner = inner

        def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
            return self._inner.read(max_bytes, _left(timeout, httpcore.ReadTimeout))  # type: ignore[no-any-return]

        def write(self, buffer: bytes, timeout: float | None = None) -> None:
            self._inner.write(buffer, _left(timeout, httpcore.WriteTimeout))

        def close(self) -> None:
            self._inner.close()

        def start_tls(self, ssl_context: Any, server_hostname: str | None = None, timeout: float | None = None) -> Any:
            left = _left(timeout, httpcore.ConnectTimeout)
            return DeadlineStream(self._inner.start_tls(ssl_context, server_hostname, left))

        def get_extra_info(self, info: str) -> Any:
            return self._inner.get_extra_info(info)

    class DeadlineBackend(httpcore.NetworkBackend):  # type: ignore[misc,name-defined]
        def __init__(self, inner: Any) -> None:
            self._inner = inner

        def connect_tcp(self, host: str, port: int, timeout: float | None = None, **kw: Any) -> Any:
            left = _left(timeout, httpcore.ConnectTimeout)
            return DeadlineStream(self._inner.connect_tcp(host, port, left, **kw))

        def connect_unix_socket(self, path: str, timeout: float | None = None, **kw: Any) -> Any:
            left = _left(timeout, httpcore.ConnectTimeout)
            return DeadlineStream(self._inner.connect_unix_socket(path, left, **kw))

        def sleep(self, seconds: float) -> None:
            self._inner.sleep(seconds)

    return DeadlineStream, DeadlineBackend


def bounded_http_transport(**kwargs: Any) -> httpx.HTTPTransport:
    """An httpx HTTPTransport whose sockets honour `deadline()`."""
    transport = httpx.HTTPTransport(**kwargs)
    pool = getattr(transport, "_pool", None)
    backend = getattr(pool, "_network_backend", None)
    if backend is not None:
        _, DeadlineBackend = _backend_classes()
        pool._network_backend = DeadlineBackend(backend)  # type: ignore[union-attr]
    return transport


def _total_timeout(request: httpx.Request) -> float | None:
    timeouts = request.extensions.get("timeout") or {}
    values = [float(v) for k, v in timeouts.items() if k in ("read", "write", "pool") and v is not None]
    return max(values) if values else None


_DECODERS = {"identity": 0, "gzip": 16 + zlib.MAX_WBITS, "x-gzip": 16 + zlib.MAX_WBITS, "deflate": zlib.MAX_WBITS}
_ENCODED = ("content-encoding", "content-length")


def _decode_bounded(data: bytes, encodings: list[str], limit: int) -> bytes:
    """`data` decoded through `encodings` (applied last first: `gzip, gzip` twice), each stage
    cut at `limit` bytes: a decompression bomb is ResponseTooLarge before it takes memory."""
    for encoding in reversed(encodings):
        wbits = _DECODERS[encoding]
        if not wbits:
            continue
        for attempt in (wbits, -zlib.MAX_WBITS) if encoding == "deflate" else (wbits,):
            decoder = zlib.decompressobj(attempt)
            try:
                out = decoder.decompress(data, limit + 1)
                break
            except zlib.error as exc:
                error = exc
        else:
            raise httpx.DecodingError(f"cannot decode the {encoding} body: {error}")
        if len(out) > limit or decoder.unconsumed_tail:
            raise ResponseTooLarge(limit)
        data = out
    return data


class BoundedTransport(httpx.BaseTransport):
    """One request and its whole body within the request's timeout (total, not per read), and
    the body within `max_bytes` (else ResponseTooLarge), as sent and as decoded: a gzip or
    deflate body (any number of layers) is decoded here, each layer capped while decoding."""

    def __init__(self, inner: httpx.BaseTransport | None = None, *, max_bytes: int = MAX_RESPONSE_BYTES) -> None:
        self.inner = inner or bounded_http_transport()
        self.max_bytes = max_bytes

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        with deadline(_total_timeout(request)):
            response = self.inner.handle_request(request)
            try:
                declared = response.headers.get("content-length", "")
                if declared.isdigit() and int(declared) > self.max_bytes:
                    raise ResponseTooLarge(self.max_bytes, int(declared))
                data = bytearray()
                for chunk in response.stream:  # type: ignore[union-attr]
                    data.extend(chunk)
                    if len(data) > self.max_bytes:
                        raise ResponseTooLarge(self.max_bytes)
            finally:
                response.close()
        headers = response.headers
        body = bytes(data)
        encodings = [e.strip().lower() for e in headers.get("content-encoding", "").split(",") if e.strip()]
        if encodings and all(e in _DECODERS for e in encodings):
            body = _decode_bounded(body, encodings, self.max_bytes)
            headers = httpx.Headers([(k, v) for k, v in headers.multi_items() if k.lower() not in _ENCODED])
        return httpx.Response(
            response.status_code,
            headers=headers,
            content=body,
            request=request,
            extensions=response.extensions,
        )

    def close(self) -> None:
        self.inner.close()
