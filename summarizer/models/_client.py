"""The model client: one structured call to a model, with the two retry layers kept apart.

- Transport retries (tenacity) live in `RetryTransport`, under the openai client: timeouts,
  connection errors, 429 (honouring Retry-After) and 5xx are retried with exponential backoff
  and jitter. They never reach the prompt.
- Validation re-asks (instructor) live above it: a response that does not validate is sent
  back with the validation error, a bounded number of times.

`Usage` counts the tokens of every attempt, failed ones included, through instructor's hooks.
"""

from __future__ import annotations

import json
import logging
import re
import sys
import threading
import time
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel

from summarizer.config import Settings, trace_path
from summarizer.errors import (
    CassetteMissError,
    ConfigError,
    ContextOverflowError,
    ExtractionError,
    InputError,
    ProviderError,
    SummarizerError,
    SummarizerWarning,
)
from summarizer.files import append_text
from summarizer.models._grammar import compact_grammar
from summarizer.models._http import httpx
from summarizer.models._limits import MAX_RESPONSE_BYTES, ResponseTooLarge
from summarizer.models._registry import ModelSpec
from summarizer.models._secrets import redact_url, scrub_secrets
from summarizer.models._transport import (
    RETRY_STATUSES,
    MalformedResponse,
    NotACompletion,
    RetryTransport,
    retry_after_seconds,
)

T = TypeVar("T", bound=BaseModel)
MAX_TOKENS_PER_ANSWER = 100_000_000  # more than any context window: a larger usage is not a count


logging.getLogger("instructor").addHandler(logging.NullHandler())
logging.getLogger("instructor").propagate = False


@dataclass
class Usage:
    calls: int = 0  # HTTP completions that came back (attempts, re-asks included)
    retries: int = 0  # validation re-asks
    prompt_tokens: int = 0
    completion_tokens: int = 0
    # prompt tokens the server says it processed (llama.cpp's timings.prompt_n; the rest of the
    # prompt came from its cache); None while no answer said
    prompt_processed: int | None = None
    latency_s: float = 0.0
    first_try_valid: bool = True
    warnings: list[str] = field(default_factory=list)

    def add(self, other: Usage) -> None:
        self.calls += other.calls
        self.retries += other.retries
        self.prompt_tokens += other.prompt_tokens
        self.completion_tokens += other.completion_tokens
        if other.prompt_processed is not None:
            self.prompt_processed = (self.prompt_processed or 0) + other.prompt_processed
        self.latency_s += other.latency_s
        self.first_try_valid = self.first_try_valid and other.first_try_valid
        self.warnings.extend(other.warnings)


def _prompt_processed(response: Any) -> int | None:
    """The prompt tokens a llama.cpp server processed for this answer (`timings.prompt_n`, an
    extension of the OpenAI answer); None when the server does not say."""
    timings = (getattr(response, "model_extra", None) or {}).get("timings")
    if not isinstance(timings, dict) or "prompt_n" not in timings:
        return None
    return token_count(timings["prompt_n"])


def token_count(value: Any) -> int | None:
    """A usage figure of an answer as a token count: 0 for none, the number when it is a whole
    number from 0 to `MAX_TOKENS_PER_ANSWER`, else None (a server's "NaN", -5 or 10^30)."""
    if value is None:
        return 0
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= MAX_TOKENS_PER_ANSWER:
        return value
    return None


def _instructor_mode(mode: str) -> Any:
    import instructor

    return {
        "tools": instructor.Mode.TOOLS,
        "json_schema": instructor.Mode.JSON_SCHEMA,
        "json_object_schema": instructor.Mode.JSON_SCHEMA,  # response_format replaced below
    }[mode]


def _cause_chain(exc: BaseException) -> list[BaseException]:
    chain: list[BaseException] = []
    seen: set[int] = set()
    cur: BaseException | None = exc
    while cur is not None and id(cur) not in seen:
        chain.append(cur)
        seen.add(id(cur))
        cur = cur.__cause__ or cur.__context__
    return chain


class ModelClient:
    """A configured client for one model: openai client + instructor, with both retry layers."""

    def __init__(self, spec: ModelSpec, base_url: str, settings: Settings) -> None:
        import instructor
        import openai

        self.spec = spec
        self.settings = settings
        self.base_url = base_url
        inner = settings.http_transport(spec) if settings.http_transport else None
        transport = RetryTransport(
            inner,
            attempts=settings.transport_attempts,
            base_wait=settings.retry_base_wait_s,
            max_wait=settings.retry_max_wait_s,
        )
        self._http = httpx.Client(transport=transport, timeout=httpx.Timeout(settings.timeout_s, connect=10.0))
        raw = openai.OpenAI(
            base_url=base_url, api_key=spec.api_key or "not-needed", max_retries=0, http_client=self._http
        )
        self.client = instructor.from_openai(raw, mode=_instructor_mode(spec.mode))
        self.slots = 1  # calls the endpoint serves at once (set by the caller that knows)
        self._local = threading.local()  # the Usage of the call running in this thread
        self._lock = threading.Lock()  # calls about one article may run in parallel threads
        self._warned: set[str] = set()  # each kind of warning once per client
        self.client.on("completion:response", self._on_response)
        self.client.on("parse:error", self._on_parse_error)

    def close(self) -> None:
        self._http.close()

    @property
    def _usage(self) -> Usage | None:
        return getattr(self._local, "usage", None)

    @_usage.setter
    def _usage(self, usage: Usage | None) -> None:
        self._local.usage = usage

    def _on_response(self, response: Any) -> None:
        trace = trace_path()
        if trace:  # debugging aid: every raw answer, appended as one JSON line (keys scrubbed)
            line = json.dumps({"model": self.spec.name, "response": response.model_dump(mode="json")})
            try:  # a regular file only: a FIFO never blocks the run
                append_text(Path(trace), scrub_secrets(line) + "\n", label=f"SUMMARIZER_TRACE {trace}")
            except InputError as exc:
                self._warn("trace", f"{exc.message}; the raw answers are not traced")
        _fold_control_characters(response)
        if self._usage is None:
            return
        usage = getattr(response, "usage", None)
        counts = {name: self._token_count(usage, name) for name in ("prompt_tokens", "completion_tokens")}
        with self._lock:
            self._usage.calls += 1
            self._usage.prompt_tokens += counts["prompt_tokens"]
            self._usage.completion_tokens += counts["completion_tokens"]
            processed = _prompt_processed(response)
            if processed is not None:
                self._usage.prompt_processed = (self._usage.prompt_processed or 0) + processed

    def _token_count(self, usage: Any, name: str) -> int:
        """`usage.<name>` of an answer when it is a token count (a whole number from 0 to
        `MAX_TOKENS_PER_ANSWER`); otherwise 0, with one warning (a server's "NaN", -5 or 10^30
        is not counted into costs and totals)."""
        value = getattr(usage, name, None) if usage is not None else None
        count = token_count(value)
        if count is not None:
            return count
        shown = repr(value)[:40]
        self._warn(name, f"{self.spec.name}: the answer's usage.{name} is not a token count ({shown}); not counted")
        return 0

    def _warn(self, kind: str, message: str) -> None:
        """One warning of each kind per client: into the document's warnings, and to the caller
        (`warnings.warn`, SummarizerWarning: the CLI prints it as one line)."""
        with self._lock:
            if kind in self._warned:
                return
            self._warned.add(kind)
            if self._usage is not None:
                self._usage.warnings.append(message)
        warnings.warn(message, SummarizerWarning, stacklevel=2)

    def _on_parse_error(self, *_: Any, **__: Any) -> None:
        if self._usage is not None:
            with self._lock:
                self._usage.retries += 1
                self._usage.first_try_valid = False

    def extract(
        self,
        messages: list[dict[str, str]],
        response_model: type[T],
        *,
        max_tokens: int,
        usage: Usage,
        compact: bool = False,
    ) -> T:
        """One structured call. Counts into `usage`; raises a SummarizerError on failure.
        `compact`: on a llama-server (mode json_object_schema), a shape `compact_grammar` can
        write goes as that grammar, so the answer is written with no whitespace."""

        kwargs: dict[str, Any] = {
            "model": self.spec.model_id,
            "messages": messages,
            "response_model": response_model,
            "max_retries": self.settings.max_reasks,
            "max_tokens": max_tokens,
            "temperature": 0.0,
            "seed": 0,
        }
        extra: dict[str, Any] = dict(self.spec.extra_body)
        if self.spec.mode == "json_object_schema":
            schema = response_model.model_json_schema()
            grammar = compact_grammar(schema) if compact else None
            if grammar is not None:  # llama-server takes a grammar or a schema, not both
                extra["response_format"], extra["grammar"] = {"type": "text"}, grammar
            else:
                extra["response_format"] = {"type": "json_object", "schema": schema}
        if extra:
            kwargs["extra_body"] = extra
        self._usage = usage
        started = time.perf_counter()
        try:
            return self.client.chat.completions.create(**kwargs)  # type: ignore[no-any-return]
        except Exception as exc:  # translate at the library's edge
            salvage = _salvage(exc, response_model)
            if salvage is not None:
                salvaged, kept, unanswered = salvage
                usage.first_try_valid = False  # an answer cut off is no valid first answer, even kept in part
                left = f"; {unanswered} item(s) after it left unanswered" if unanswered else ""
                usage.warnings.append(
                    f"{response_model.__name__}: output cut off at the {max_tokens}-token budget; "
                    f"kept the {kept} complete item(s) before the cut{left}"
                )
                return salvaged
            raise self._translate(exc, max_tokens) from exc
        finally:
            with self._lock:
                usage.latency_s += time.perf_counter() - started
            self._usage = None

    def _translate(self, exc: Exception, max_tokens: int) -> Exception:
        """Turn a client or instructor failure into the error tree; long on purpose: one flat table of cases, read
        top to bottom."""
        import instructor.core.exceptions as iexc
        import openai

        where = f"{self.spec.name} at {redact_url(self.base_url)}"
        tries = self.settings.transport_attempts
        chain = _cause_chain(exc)
        if any(_is_cassette_miss(err) for err in chain):
            return CassetteMissError("request not recorded")  # the pipeline adds the details
        # Causes below the openai client first: it wraps every transport failure in APIConnectionError.
        for err in chain:
            if isinstance(err, SummarizerError):  # raised on purpose below the client (the batch budget)
                return err
            if isinstance(err, ResponseTooLarge):
                return ProviderError(
                    f"{where} sent {err}; refused (the cap is {MAX_RESPONSE_BYTES:,} bytes)",
                    hint="is --base-url an OpenAI-compatible server?",
                )
            if isinstance(err, NotACompletion):
                return ProviderError(
                    f"{where} answered with {err.what}, not an OpenAI chat completion",
                    hint="is --base-url an OpenAI-compatible server?",
                )
            if isinstance(err, MalformedResponse):
                return ProviderError(
                    f"{where} sent a malformed response (the body is not valid JSON) {_times(tries)}",
                    hint="is --base-url an OpenAI-compatible endpoint?",
                )
            if isinstance(err, httpx.RemoteProtocolError | httpx.ReadError) and not isinstance(err, httpx.ConnectError):
                return ProviderError(
                    f"{where} closed the connection without answering {_times(tries)}", hint="check the server's log"
                )
        for err in chain:
            if isinstance(err, iexc.IncompleteOutputException):
                return ExtractionError(
                    f"{self.spec.name}: output cut off at the {max_tokens}-token budget (the model may be looping)"
                )
            if isinstance(err, openai.AuthenticationError):
                return ConfigError(f"{where} rejected the API key ({err.status_code})", hint="check OPENAI_API_KEY")
            if isinstance(err, openai.NotFoundError):
                return ConfigError(
                    f"{where}: model or endpoint not found ({err.status_code}): {_server_message(err)}",
                    hint="check the model name and --base-url",
                )
            if isinstance(err, openai.RateLimitError):
                wait = retry_after_seconds(err.response)
                if wait is not None and wait > self.settings.retry_max_wait_s:
                    return ProviderError(
                        f"{where}: rate limited (429); the server asks to wait {wait:g} s", hint="try again later"
                    )
                return ProviderError(f"{where}: rate limited (429) {_times(tries)}", hint="try again later")
            if isinstance(err, openai.APIStatusError) and err.status_code == 400 and _too_long(err):
                return ContextOverflowError(f"{where}: HTTP 400: {_server_message(err)}")
            if isinstance(err, openai.APIStatusError):
                again = f" {_times(tries)}" if err.status_code in RETRY_STATUSES else ""
                return ProviderError(f"{where}: HTTP {err.status_code}{again}: {_server_message(err)}")
            if isinstance(err, openai.APITimeoutError):
                return ProviderError(
                    f"{where}: no answer within {self.settings.timeout_s:g} s {_times(tries)}",
                    hint="raise --timeout, or use a smaller model",
                )
            if isinstance(err, openai.APIConnectionError):
                return ProviderError(f"cannot reach {where}", hint="is the server running? check --base-url")
        if isinstance(exc, iexc.InstructorRetryException):
            refused = _refusal(getattr(exc, "last_completion", None))
            if refused is not None:
                return ExtractionError(f"{self.spec.name} refused to answer: {refused[:200]}")
            n = getattr(exc, "n_attempts", None) or self.settings.max_reasks + 1
            return ExtractionError(f"{self.spec.name}: no valid answer in {n} attempt(s): {_last_problem(exc)}")
        return ExtractionError(f"{self.spec.name}: {type(exc).__name__}: {_first_line(str(exc))}")


def _is_cassette_miss(err: BaseException) -> bool:
    """vcrpy's refusal of a request its cassette does not hold. Only a cassette in use can
    refuse, and using one imported vcr: so vcr is looked up, never imported here (a first
    import of vcr from several batch threads at once races on httpx's import)."""
    errors = sys.modules.get("vcr.errors")
    return errors is not None and isinstance(err, errors.CannotOverwriteExistingCassetteException)


def _times(tries: int) -> str:
    return f"(tried {tries} times)" if tries > 1 else ""


def _first_line(text: str, limit: int = 200) -> str:
    """The first non-blank line, shortened, with anything that looks like a key redacted
    (servers echo keys in error bodies: "Incorrect API key provided: sk-...")."""
    line = next((ln.strip() for ln in text.splitlines() if ln.strip()), "")
    return scrub_secrets(line)[:limit]


# How servers refuse a request longer than the context: llama-server ("request (9655 tokens)
# exceeds the available context size (8192 tokens)"), OpenAI (code context_length_exceeded) and
# vLLM ("This model's maximum context length is 8192 tokens").
_TOO_LONG = re.compile(r"exceeds the available context size|context_length_exceeded|maximum context length", re.I)


def _too_long(err: Any) -> bool:
    """The server refused the request as longer than the model's context window."""
    body = getattr(err, "body", None)
    return bool(_TOO_LONG.search(f"{_server_message(err)} {body if isinstance(body, dict) else ''}"))


def _server_message(err: Any) -> str:
    """The error message of an OpenAI-style error body, else the start of the body."""
    body = getattr(err, "body", None)
    if isinstance(body, dict):
        inner = body.get("error", body)
        if isinstance(inner, dict) and inner.get("message"):
            return _first_line(str(inner["message"]))
        if isinstance(inner, str):
            return _first_line(inner)
    response = getattr(err, "response", None)
    text = getattr(response, "text", "") if response is not None else ""
    return _first_line(text) or "no message"


def _refusal(completion: Any) -> str | None:
    """The refusal text of a chat completion (message.refusal), if the model refused."""
    try:
        message = completion.choices[0].message
    except (AttributeError, IndexError, TypeError):
        return None
    refusal = getattr(message, "refusal", None)
    return str(refusal) if refusal else None


def _last_problem(exc: Any) -> str:
    """What was wrong with the last answer, in one short phrase."""
    from pydantic import ValidationError

    attempts = getattr(exc, "failed_attempts", None) or []
    last: BaseException | None = attempts[-1].exception if attempts else (exc.__cause__ or exc)
    if isinstance(last, ValidationError):
        errors = last.errors()
        first: dict[str, Any] = dict(errors[0]) if errors else {}
        if first.get("type") == "json_invalid":
            start = str(first.get("input", ""))[:60]
            return "the answer was not JSON" + (f" (it began {start!r})" if start else " (it was empty)")
        loc = ".".join(str(p) for p in first.get("loc", ())) or "answer"
        return f"{len(errors)} schema error(s), first at {loc}: {first.get('msg', '')}"
    return _first_line(f"{type(last).__name__}: {last}")


_CONTROL = re.compile(r"[\x00-\x1f]")


def _fold_control_characters(response: Any) -> None:
    """Small models under a llama.cpp JSON grammar sometimes write raw newlines or tabs inside
    strings, which strict JSON parsers refuse. Outside strings they are whitespace anyway, so
    every control character of the answer becomes a space before it is parsed."""
    for choice in getattr(response, "choices", None) or []:
        message: Any = getattr(choice, "message", None)
        content = getattr(message, "content", None)
        if isinstance(content, str) and _CONTROL.search(content):
            message.content = _CONTROL.sub(" ", content)


def _salvage(exc: BaseException, response_model: type[T]) -> tuple[T, int, int] | None:
    """From an answer cut off at the token budget, keep the items that were complete: the
    list items of a list shape, or, for a shape that says how (`from_partial`: one answer per
    key), the keys answered in full, the rest answered as abstentions. With the number of
    items kept and of items left unanswered; None when nothing can be kept."""
    import instructor.core.exceptions as iexc
    import jiter
    from pydantic import ValidationError

    incomplete = next((e for e in _cause_chain(exc) if isinstance(e, iexc.IncompleteOutputException)), None)
    completion = getattr(incomplete, "last_completion", None)
    try:
        content = completion.choices[0].message.content  # type: ignore[union-attr]
        data = jiter.from_json(content.encode(), partial_mode="on")
    except Exception:
        return None
    if not isinstance(data, dict):
        return None
    from_partial = getattr(response_model, "from_partial", None)
    if callable(from_partial):
        return from_partial(data)  # type: ignore[no-any-return]
    cleaned: dict[str, Any] = {}
    for name, info in response_model.model_fields.items():
        value = data.get(name)
        item_type = getattr(info.annotation, "__args__", (None,))[0]
        if isinstance(value, list) and isinstance(item_type, type) and issubclass(item_type, BaseModel):
            items = []
            for item in value:
                try:
                    items.append(item_type.model_validate(item))
                except ValidationError:
                    continue
            cleaned[name] = items
        elif value is not None:
            cleaned[name] = value
    try:
        model = response_model.model_validate(cleaned)
    except ValidationError:
        return None
    return model, sum(len(v) for v in model.__dict__.values() if isinstance(v, list)), 0
