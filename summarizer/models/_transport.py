"""The transport retry layer: an httpx transport under the openai client that retries
timeouts, connection errors, 429 (honouring Retry-After) and 5xx with exponential backoff and
jitter (tenacity). A 2xx JSON answer whose body is not JSON is a transport fault too. These
retries never reach the prompt; validation re-asks live above, in the client.

A 2xx answer to a chat completion request that is not a chat completion (another JSON shape,
an HTML page) is `NotACompletion`, and an answer over the size cap is `ResponseTooLarge`
(`_limits`): neither is retried, neither reaches the model in a re-ask."""

from __future__ import annotations

import json
import random
import time
from typing import Any

from summarizer.models._http import httpx
from summarizer.models._limits import BoundedTransport

RETRY_STATUSES = frozenset({408, 409, 429, 500, 502, 503, 504})
RETRY_EXCEPTIONS = (httpx.TimeoutException, httpx.ConnectError, httpx.RemoteProtocolError, httpx.ReadError)


class _Retryable(Exception):
    def __init__(self, response: httpx.Response) -> None:
        super().__init__(f"HTTP {response.status_code}")
        self.response = response


class MalformedResponse(Exception):
    """The server answered 2xx with a JSON content type, but the body is not JSON."""

    def __init__(self, response: httpx.Response, error: ValueError) -> None:
        super().__init__(f"HTTP {response.status_code} with a body that is not valid JSON: {error}")
        self.response = response


class NotACompletion(Exception):
    """The server answered 2xx to a chat completion request with something else: not retried
    (a server that is not OpenAI-compatible answers the same way again)."""

    def __init__(self, response: httpx.Response, what: str) -> None:
        super().__init__(f"HTTP {response.status_code} with {what}, not a chat completion")
        self.response = response
        self.what = what


def _is_chat_completion(body: Any) -> bool:
    if not isinstance(body, dict) or "error" in body and "choices" not in body:
        return False
    choices = body.get("choices")
    if not isinstance(choices, list):
        return False
    return all(isinstance(c, dict) and isinstance(c.get("message"), dict) for c in choices)


def _shape(body: Any) -> str:
    if isinstance(body, dict):
        keys = ", ".join(sorted(map(str, body))[:5])
        return f"object with keys {keys}" if keys else "empty object"
    return {list: "array", str: "string", int: "number", float: "number", bool: "boolean"}.get(type(body), "null")


def _is_json(response: httpx.Response) -> bool:
    return "json" in response.headers.get("content-type", "").lower()


def retry_after_seconds(response: httpx.Response) -> float | None:
    value = response.headers.get("retry-after")
    if value is None:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        from email.utils import parsedate_to_datetime

        try:
            return max(0.0, parsedate_to_datetime(value).timestamp() - time.time())
        except (TypeError, ValueError):
            return None


class RetryTransport(httpx.BaseTransport):
    """An httpx transport that retries transient failures (tenacity), below the openai client."""

    def __init__(
        self,
        inner: httpx.BaseTransport | None = None,
        *,
        attempts: int = 4,
        base_wait: float = 1.0,
        max_wait: float = 60.0,
    ) -> None:
        self.inner = inner or BoundedTransport()
        self.attempts = max(1, attempts)
        self.base_wait = base_wait
        self.max_wait = max_wait

    def _wait(self, retry_state: Any) -> float:
        exc = retry_state.outcome.exception() if retry_state.outcome else None
        if isinstance(exc, _Retryable):
            hinted = retry_after_seconds(exc.response)
            if hinted is not None:
                return min(hinted, self.max_wait)
        backoff = self.base_wait * 2 ** (retry_state.attempt_number - 1)
        return min(self.max_wait, backoff) * (0.5 + random.random() / 2)

    def _stop(self, retry_state: Any) -> bool:
        """Stop after `attempts` tries, or at once when the server asks for a longer wait than
        `max_wait` (retrying earlier than it asks would only be refused again)."""
        if retry_state.attempt_number >= self.attempts:
            return True
        exc = retry_state.outcome.exception() if retry_state.outcome else None
        if isinstance(exc, _Retryable):
            hinted = retry_after_seconds(exc.response)
            return hinted is not None and hinted > self.max_wait
        return False

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        import tenacity

        retrying = tenacity.Retrying(
            stop=self._stop,
            wait=self._wait,
            retry=tenacity.retry_if_exception_type((_Retryable, MalformedResponse, *RETRY_EXCEPTIONS)),
            reraise=True,
        )
        try:
            for attempt in retrying:
                with attempt:
                    response = self.inner.handle_request(request)
                    if response.status_code in RETRY_STATUSES:
                        response.read()
                        response.close()
                        raise _Retryable(response)
                    completions = request.url.path.endswith("/chat/completions")
                    if 200 <= response.status_code < 300 and _is_json(response):
                        # A body cut short or garbled on the way is a transport fault: retried
                        # here, never shown to the model as if it were its own bad answer.
                        response.read()
                        try:
                            body = json.loads(response.content)
                        except ValueError as exc:
                            response.close()
                            raise MalformedResponse(response, exc) from None
                        except RecursionError:  # valid JSON nested past what a parser follows
                            response.close()
                            raise NotACompletion(response, "JSON nested too deeply to read") from None
                        if completions and not _is_chat_completion(body):
                            raise NotACompletion(response, f"a JSON {_shape(body)}")
                    elif 200 <= response.status_code < 300 and completions:
                        response.read()
                        ctype = response.headers.get("content-type", "").split(";")[0].strip() or "no content type"
                        raise NotACompletion(response, ctype)
                    return response
        except _Retryable as exc:  # retries exhausted: hand the last answer to the client
            return exc.response
        raise AssertionError("unreachable")  # pragma: no cover

    def close(self) -> None:
        self.inner.close()
