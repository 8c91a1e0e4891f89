"""A real OpenAI-compatible HTTP server on loopback, for tests: scripted answers and faults.

`FakeModelServer(responder)` serves POST /v1/chat/completions (and GET /v1/models) from a
thread. The responder gets the request's JSON and returns (status, headers, body); helpers
build chat-completion bodies. Every request is kept in `.requests` (and the time it arrived in
`.request_times`, `.request_headers`) for assertions.

Faults: a responder may also return `Delay(seconds, reply)` (answer late: a timeout when the
client gives up first), `HANGUP` (close the connection without answering) or
`RawBody(bytes)` (send these bytes as a 200 application/json body, e.g. malformed JSON).
`faults([...], then=responder)` answers the first requests with the given faults, the rest
with `responder`; `refusal()`, `status()` and `completion(..., finish_reason="length")` build
the usual bad answers.
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Union

Reply = tuple[int, dict[str, str], bytes]


@dataclass(frozen=True)
class Delay:
    """Answer `reply` after `seconds` (interrupted when the server stops)."""

    seconds: float
    reply: Reply | None = None


class _Hangup:
    """Close the connection without sending a response."""


HANGUP = _Hangup()


@dataclass(frozen=True)
class RawBody:
    """Send `body` as-is with status 200 and content-type application/json."""

    body: bytes


Answer = Union[Reply, Delay, _Hangup, RawBody]  # noqa: UP007
Responder = Callable[[dict[str, Any]], Any]  # returns an Answer


def completion(
    content: str, *, prompt_tokens: int = 100, completion_tokens: int = 20, finish_reason: str = "stop"
) -> Reply:
    body = {
        "id": "chatcmpl-fake",
        "object": "chat.completion",
        "created": 0,
        "model": "fake",
        "choices": [{"index": 0, "finish_reason": finish_reason, "message": {"role": "assistant", "content": content}}],
        "usage": {
            "prompt_tokens": prompt_tokens,
            "completion_tokens": completion_tokens,
            "total_tokens": prompt_tokens + completion_tokens,
        },
    }
    return 200, {"content-type": "application/json"}, json.dumps(body).encode()


def refusal(text: str = "I'm sorry, I can't help with that.") -> Reply:
    """An OpenAI-style refusal: content null, message.refusal set."""
    body = {
        "id": "chatcmpl-fake",
        "object": "chat.completion",
        "created": 0,
        "model": "fake",
        "choices": [
            {"index": 0, "finish_reason": "stop", "message": {"role": "assistant", "content": None, "refusal": text}}
        ],
        "usage": {"prompt_tokens": 100, "completion_tokens": 10, "total_tokens": 110},
    }
    return 200, {"content-type": "application/json"}, json.dumps(body).encode()


def status(code: int, *, retry_after: str | None = None, message: str = "fault injected") -> Reply:
    """An error answer in OpenAI's error shape, optionally with a Retry-After header."""
    headers = {"content-type": "application/json"}
    if retry_after is not None:
        headers["retry-after"] = retry_after
    body = {"error": {"message": message, "type": "server_error", "code": code}}
    return code, headers, json.dumps(body).encode()


def faults(first: Sequence[Any], then: Responder) -> Responder:
    """Answer the first len(first) requests with those answers in turn, the rest with `then`."""
    lock = threading.Lock()
    count = [0]

    def respond(request: dict[str, Any]) -> Any:
        with lock:
            i = count[0]
            count[0] += 1
        return first[i] if i < len(first) else then(request)

    return respond


def pass_name(request: dict[str, Any]) -> str:
    """Which extraction pass a request is for: the title of the schema it asks for
    ("entities", "events", "casualties", "brief")."""
    title = _schema(request).get("title")
    if not title:
        tools = request.get("tools") or [{}]
        title = tools[0].get("function", {}).get("name", "unknown")
    return str(title).lower()


def _schema(request: dict[str, Any]) -> dict[str, Any]:
    if isinstance(request.get("grammar"), str):  # a compact answer grammar (brief-v11), read back
        return _grammar_schema(request["grammar"])
    fmt = request.get("response_format") or {}
    return fmt.get("schema") or (fmt.get("json_schema") or {}).get("schema") or {}


def _grammar_schema(grammar: str) -> dict[str, Any]:
    """The schema a compact grammar (summarizer/models/_grammar.py) admits: its title from the
    comment line, each key with the closed list of its rule (a `$defs` entry of the rule's name),
    in order."""
    lines = grammar.splitlines()
    defs = {
        name: {"enum": [json.loads(json.loads(alt.strip())) for alt in body.split(" | ")]}
        for name, body in (line.split(" ::= ", 1) for line in lines[2:] if line)
    }
    pairs = re.findall(r'"((?:[^"\\]|\\.)*)" ([\w-]+)', lines[1])
    props = {json.loads(json.loads(f'"{key}"')[:-1]): {"$ref": f"#/$defs/{rule}"} for key, rule in pairs}
    title = lines[0].removeprefix("# ")
    return {"title": title, "type": "object", "$defs": defs, "properties": props, "required": list(props)}


LABEL_PASSES = ("entitylabels", "sidelabels", "eventlabels", "figurelabels", "affectedlabels")  # brief-v4 on


def labeller(name: Callable[[list[str]], str] = lambda options: "person", event: str = "first") -> Responder:
    """A fake model for brief-v4 that answers every item under the grammar: names with
    `name(options)`, sides and figures with the first option offered, sentences with `event`
    (an event type, "not_an_event", or "first": the first type the sentence's words allow)."""

    def respond(request: dict[str, Any]) -> Reply:
        schema = _schema(request)
        defs = schema.get("$defs", {})
        props = schema.get("properties", {})
        title = str(schema.get("title")).lower()
        answer: Any
        if title == "entitylabels":
            answer = {k: name(defs["EntityLabel"]["enum"]) for k in props}
        elif title == "sidelabels":
            answer = {k: defs["Side"]["enum"][0] for k in props}
        elif title == "eventlabels":
            allowed = {k: defs[props[k]["$ref"].split("/")[-1]]["enum"] for k in props}
            # the prompt's own word for not_an_event ("none" in brief-v7), last of the allowed
            # answers, or first (brief-v12); "first" is the first type the sentence allows
            answer = {}
            for k in props:
                none = next(a for a in allowed[k] if a in ("not_an_event", "none"))
                types = [a for a in allowed[k] if a != none]
                answer[k] = event if event in types else none if event == "not_an_event" or not types else types[0]
        elif title == "figurelabels":
            first = {"affected": defs["Affected"]["enum"][0], "claimed_by": defs["Claimant"]["enum"][0]}
            answer = {k: first for k in props}
        elif title == "affectedlabels":  # brief-v6: who suffered each figure, keyed by number
            answer = {k: defs["Affected"]["enum"][0] for k in props}
        else:
            raise AssertionError(f"brief-v4 has no pass {title}")
        return completion(json.dumps(answer))

    return respond


def scripted(script: dict[str, Any]) -> Responder:
    """Answer each pass with script[pass] (a dict, or a list of dicts used in turn); brief-v4's
    label passes that the script does not name get valid answers from `labeller()`."""
    counters: dict[str, int] = {}
    labels = labeller()

    def respond(request: dict[str, Any]) -> Reply:
        name = pass_name(request)
        if name not in script and name in LABEL_PASSES:
            return labels(request)
        answer = script[name]
        if isinstance(answer, list):
            i = counters.get(name, 0)
            counters[name] = i + 1
            answer = answer[min(i, len(answer) - 1)]
        content = answer if isinstance(answer, str) else json.dumps(answer)
        return completion(content)

    return respond


class FakeModelServer:
    def __init__(self, responder: Responder) -> None:
        self.responder = responder
        self.requests: list[dict[str, Any]] = []
        self.request_times: list[float] = []  # time.monotonic() when each request arrived
        self.request_headers: list[dict[str, str]] = []
        self.stopping = threading.Event()
        outer = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:
                pass

            def do_GET(self) -> None:
                self._send(200, {"content-type": "application/json"}, b'{"object":"list","data":[]}')

            def do_POST(self) -> None:
                length = int(self.headers.get("content-length", 0))
                request = json.loads(self.rfile.read(length) or b"{}")
                outer.request_times.append(time.monotonic())
                outer.request_headers.append({k.lower(): v for k, v in self.headers.items()})
                outer.requests.append(request)
                try:
                    answer = outer.responder(request)
                except Exception as exc:  # a broken test responder: answer, don't hang up
                    answer = (599, {}, repr(exc).encode())
                if isinstance(answer, Delay):
                    stopped = outer.stopping.wait(answer.seconds)
                    answer = HANGUP if stopped else (answer.reply or completion("{}"))
                if isinstance(answer, _Hangup):
                    self.close_connection = True
                    return
                if isinstance(answer, RawBody):
                    answer = (200, {"content-type": "application/json"}, answer.body)
                status_code, headers, body = answer
                try:
                    self._send(status_code, headers, body)
                except OSError:  # the client gave up (timeout) before the answer came
                    self.close_connection = True

            def _send(self, status: int, headers: dict[str, str], body: bytes) -> None:
                self.send_response(status)
                for k, v in headers.items():
                    self.send_header(k, v)
                self.send_header("content-length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}/v1"

    def __enter__(self) -> FakeModelServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stopping.set()
        self.httpd.shutdown()
        self.httpd.server_close()


def register_fake_provider(base_url: str, *, price: float = 0.0) -> None:
    """Make `fake/<model>` resolve, through the real registry, to the fake server at base_url.
    One spec for the in-process fixture (conftest) and the subprocess runner (batch_runner)."""
    from summarizer import models as providers
    from summarizer.config import Settings
    from summarizer.models import ModelSpec

    def factory(model: str, settings: Settings) -> ModelSpec:
        return ModelSpec(
            name=f"fake/{model}",
            provider="fake",
            model_id=model,
            mode="json_object_schema",
            base_url=base_url,
            api_key="test-key",
            context_tokens=8_192,
            max_output_tokens=1_024,
            price_per_mtok=(price, price),
        )

    providers.register("fake", factory)
