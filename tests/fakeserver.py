"""A real OpenAI-compatible HTTP server on loopback, for tests: scripted answers and faults.

`FakeModelServer(responder)` serves POST /v1/chat/completions (and GET /v1/models) from a
thread. The responder gets the request's JSON and returns (status, headers, body); helpers
build chat-completion bodies. Every request is kept in `.requests` for assertions.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

Reply = tuple[int, dict[str, str], bytes]
Responder = Callable[[dict[str, Any]], Reply]


def completion(content: str, *, prompt_tokens: int = 100, completion_tokens: int = 20,
               finish_reason: str = "stop") -> Reply:
    body = {
        "id": "chatcmpl-fake", "object": "chat.completion", "created": 0, "model": "fake",
        "choices": [{"index": 0, "finish_reason": finish_reason,
                     "message": {"role": "assistant", "content": content}}],
        "usage": {"prompt_tokens": prompt_tokens, "completion_tokens": completion_tokens,
                  "total_tokens": prompt_tokens + completion_tokens},
    }
    return 200, {"content-type": "application/json"}, json.dumps(body).encode()


def pass_name(request: dict[str, Any]) -> str:
    """Which extraction pass a request is for (from the task text of the last message)."""
    text = " ".join(str(m.get("content")) for m in request["messages"] if m.get("role") == "user")
    for marker, name in (("Task 1 of 3", "entities"), ("Task 2 of 3", "incidents"), ("Task 3 of 3", "brief")):
        if marker in text:
            return name
    return "unknown"


def scripted(script: dict[str, Any]) -> Responder:
    """Answer each pass with script[pass] (a dict, or a list of dicts used in turn)."""
    counters: dict[str, int] = {}

    def respond(request: dict[str, Any]) -> Reply:
        name = pass_name(request)
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
                outer.requests.append(request)
                try:
                    status, headers, body = outer.responder(request)
                except Exception as exc:  # a broken test responder: answer, don't hang up
                    status, headers, body = 599, {}, repr(exc).encode()
                self._send(status, headers, body)

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
        self.httpd.shutdown()
        self.httpd.server_close()
