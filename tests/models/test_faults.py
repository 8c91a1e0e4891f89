"""Provider faults, injected by a real OpenAI-compatible HTTP server on loopback (tests/fakeserver.py).

Nothing in the client is mocked: every request goes through the openai client, instructor, our
RetryTransport and a socket. Each fault either recovers within the retry bound or fails with a
clear SummarizerError; an alarm makes sure none of them hangs.
"""

from __future__ import annotations

import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from summarizer import inputs as articles
from summarizer import models as providers
from summarizer.config import Settings
from summarizer.contract import SummaryDocument
from summarizer.errors import ExtractionError, ProviderError, SummarizerError
from summarizer.extraction import summarize
from summarizer.models import ModelSpec, retry_after_seconds
from tests.clihelp import summarizer_cli
from tests.extraction.test_pipeline import SCRIPT, TEXT
from tests.fakeserver import HANGUP, Delay, RawBody, completion, faults, refusal, scripted, status

ATTEMPTS = 3
TIMEOUT_S = 0.6
OK = scripted(SCRIPT)


@pytest.fixture(autouse=True)
def no_hang() -> Iterator[None]:
    """Fail any test here that runs longer than 30 s (instead of hanging the suite)."""

    def boom(*_: Any) -> None:
        raise TimeoutError("fault test hung for 30 s")

    previous = signal.signal(signal.SIGALRM, boom)
    signal.alarm(30)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


@pytest.fixture(scope="module", autouse=True)
def _warm_ner() -> None:
    """Load the NER model once, so that the time bounds below measure the calls, not its load."""
    from summarizer.nlp import entities

    entities("Russian forces shelled Kharkiv.")


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(
        cassette_dir=tmp_path,
        transport_attempts=ATTEMPTS,
        timeout_s=TIMEOUT_S,
        retry_base_wait_s=0.01,
        retry_max_wait_s=5.0,
        prompt_version="brief-v3",  # the call-level faults, through the pipeline whose first failure ends the article
    )


def _article() -> articles.Article:
    return articles.from_text(TEXT, id="t1", origin="file", published="2023-05-10")


def _run(settings: Settings) -> tuple[SummaryDocument | None, SummarizerError | None, float]:
    started = time.monotonic()
    try:
        return summarize(_article(), "fake/m", settings), None, time.monotonic() - started
    except SummarizerError as exc:
        return None, exc, time.monotonic() - started


def _ok(doc: SummaryDocument | None, err: SummarizerError | None) -> SummaryDocument:
    assert err is None, err.one_line()
    assert doc is not None and doc.casualties
    return doc


# -- timeouts, refused and dropped connections ------------------------------------------------


def test_timeout_persistent_fails_within_the_bound(fake_model, settings: Settings) -> None:
    server = fake_model(lambda req: Delay(5))
    _, err, took = _run(settings)
    assert isinstance(err, ProviderError) and err.exit_code == 3
    assert f"no answer within {TIMEOUT_S:g} s (tried {ATTEMPTS} times)" in err.one_line()
    assert "--timeout" in err.one_line()
    assert len(server.requests) == ATTEMPTS
    assert took < ATTEMPTS * TIMEOUT_S + 3


def test_timeout_once_recovers(fake_model, settings: Settings) -> None:
    server = fake_model(faults([Delay(5)], OK))
    doc = _ok(*_run(settings)[:2])
    assert len(server.requests) == doc.provenance.calls + 1  # the slow one was retried once


def test_connection_refused(fake_model, settings: Settings) -> None:
    with socket.socket() as s:  # a loopback port that nothing listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    providers.register(
        "fake",
        lambda m, st: ModelSpec(
            name=f"fake/{m}",
            provider="fake",
            model_id=m,
            mode="json_object_schema",
            base_url=f"http://127.0.0.1:{port}/v1",
            api_key="k",
        ),
    )
    try:
        _, err, took = _run(settings)
    finally:
        providers.unregister("fake")
    assert isinstance(err, ProviderError)
    assert err.one_line() == (
        f"cannot reach fake/m at http://127.0.0.1:{port}/v1 (hint: is the server running? check --base-url)"
    )
    assert took < 5


def test_hang_up_without_answer(fake_model, settings: Settings) -> None:
    server = fake_model(lambda req: HANGUP)
    _, err, _ = _run(settings)
    assert isinstance(err, ProviderError)
    assert "closed the connection without answering" in err.one_line()
    assert len(server.requests) == ATTEMPTS


def test_hang_up_once_recovers(fake_model, settings: Settings) -> None:
    server = fake_model(faults([HANGUP], OK))
    doc = _ok(*_run(settings)[:2])
    assert len(server.requests) == doc.provenance.calls + 1


# -- 429 and 5xx --------------------------------------------------------------------------------


def test_429_retry_after_is_honoured(fake_model, settings: Settings) -> None:
    server = fake_model(faults([status(429, retry_after="1")], OK))
    doc = _ok(*_run(settings)[:2])
    gap = server.request_times[1] - server.request_times[0]
    assert gap >= 1.0  # the backoff base is 0.01 s: only the header can explain a 1 s wait
    assert len(server.requests) == doc.provenance.calls + 1  # transport retries are not model calls
    assert doc.provenance.retries == 0


def test_429_persistent_fails(fake_model, settings: Settings) -> None:
    server = fake_model(lambda req: status(429, retry_after="0"))
    _, err, _ = _run(settings)
    assert isinstance(err, ProviderError)
    assert f"rate limited (429) (tried {ATTEMPTS} times)" in err.one_line()
    assert len(server.requests) == ATTEMPTS


def test_429_with_a_retry_after_longer_than_the_max_wait_fails_at_once(fake_model, settings: Settings) -> None:
    server = fake_model(lambda req: status(429, retry_after="3600"))
    _, err, took = _run(settings)
    assert isinstance(err, ProviderError)
    assert "the server asks to wait 3600 s" in err.one_line()
    assert len(server.requests) == 1 and took < 2


def test_retry_after_http_date() -> None:
    from email.utils import formatdate

    from summarizer.models import httpx

    resp = httpx.Response(429, headers={"retry-after": formatdate(time.time() + 30, usegmt=True)})
    wait = retry_after_seconds(resp)
    assert wait is not None and 25 <= wait <= 31
    assert retry_after_seconds(httpx.Response(429, headers={"retry-after": "soon"})) is None


@pytest.mark.parametrize("codes", [[500], [500, 503], [502, 504]])
def test_5xx_recovers_within_the_bound(fake_model, settings: Settings, codes: list[int]) -> None:
    server = fake_model(faults([status(c) for c in codes], OK))
    doc = _ok(*_run(settings)[:2])
    assert len(server.requests) == doc.provenance.calls + len(codes)


@pytest.mark.parametrize("code", [500, 503])
def test_5xx_persistent_fails_with_the_servers_message(fake_model, settings: Settings, code: int) -> None:
    server = fake_model(lambda req: status(code, message="overloaded, try later"))
    _, err, _ = _run(settings)
    assert isinstance(err, ProviderError) and err.exit_code == 3
    assert err.one_line().endswith(f"HTTP {code} (tried {ATTEMPTS} times): overloaded, try later")
    assert len(server.requests) == ATTEMPTS


def test_5xx_with_an_html_body(fake_model, settings: Settings) -> None:
    fake_model(lambda req: (502, {"content-type": "text/html"}, b"<html><h1>502 Bad Gateway</h1></html>"))
    _, err, _ = _run(settings)
    assert isinstance(err, ProviderError) and "HTTP 502" in err.one_line() and "Bad Gateway" in err.one_line()


def test_400_is_not_retried(fake_model, settings: Settings) -> None:
    server = fake_model(lambda req: status(400, message="context length exceeded"))
    _, err, _ = _run(settings)
    assert isinstance(err, ProviderError)
    assert err.one_line().endswith("HTTP 400: context length exceeded")
    assert len(server.requests) == 1


# -- bodies that are not what they should be ---------------------------------------------------


def test_malformed_json_body_persistent(fake_model, settings: Settings) -> None:
    server = fake_model(lambda req: RawBody(b'{"id": "chatcmpl-x", "choices": [{"mess'))
    _, err, _ = _run(settings)
    assert isinstance(err, ProviderError)
    assert "sent a malformed response (the body is not valid JSON)" in err.one_line()
    assert len(server.requests) == ATTEMPTS
    # a transport fault: the model was never re-asked
    assert all(len(r["messages"]) == 2 for r in server.requests)


def test_malformed_json_body_once_recovers(fake_model, settings: Settings) -> None:
    server = fake_model(faults([RawBody(b"<html>oops")], OK))
    doc = _ok(*_run(settings)[:2])
    assert len(server.requests) == doc.provenance.calls + 1 and doc.provenance.retries == 0


def test_truncated_output_is_cut_off(fake_model, settings: Settings) -> None:
    server = fake_model(lambda req: completion('{"actors": [{"name": "Rus', finish_reason="length"))
    _, err, _ = _run(settings)
    assert isinstance(err, ExtractionError) and err.exit_code == 5
    assert "cut off" in err.one_line() and "token budget" in err.one_line()
    assert len(server.requests) == 1  # never re-asked: a second try would be cut off too


def test_refusal(fake_model, settings: Settings) -> None:
    server = fake_model(lambda req: refusal("I can't help with content about violence."))
    _, err, _ = _run(settings)
    assert isinstance(err, ExtractionError)
    assert err.one_line() == "fake/m refused to answer: I can't help with content about violence."
    assert len(server.requests) == settings.max_reasks + 1


def test_refusal_once_then_an_answer_recovers(fake_model, settings: Settings) -> None:
    fake_model(faults([refusal()], OK))
    doc = _ok(*_run(settings)[:2])
    assert doc.provenance.retries == 1 and not doc.provenance.first_try_valid


def test_content_that_is_not_json(fake_model, settings: Settings) -> None:
    server = fake_model(lambda req: completion("Sure! The actors are Russia and Ukraine."))
    _, err, _ = _run(settings)
    assert isinstance(err, ExtractionError)
    assert err.one_line() == (
        "fake/m: no valid answer in 3 attempt(s): the answer was not JSON "
        "(it began 'Sure! The actors are Russia and Ukraine.')"
    )
    assert len(server.requests) == settings.max_reasks + 1


def test_content_that_does_not_match_the_schema(fake_model, settings: Settings) -> None:
    fake_model(lambda req: completion('{"actors": "Russia"}'))
    _, err, _ = _run(settings)  # brief-v3's first pass has "actors"
    assert isinstance(err, ExtractionError)
    assert "schema error(s), first at actors" in err.one_line()


def test_no_choices(fake_model, settings: Settings) -> None:
    body = b'{"id": "x", "object": "chat.completion", "created": 0, "model": "f", "choices": []}'
    fake_model(lambda req: (200, {"content-type": "application/json"}, body))
    _, err, _ = _run(settings)
    assert isinstance(err, ExtractionError) and "No choices" in err.one_line()


# -- the same faults through the command line: exit codes and one line -------------------------


def _cli_fault(responder: Any, tmp_path: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    from tests.fakeserver import FakeModelServer

    article = tmp_path / "a.txt"
    article.write_text(TEXT, encoding="utf-8")
    with FakeModelServer(responder) as server:
        return summarizer_cli(
            "--base-url", server.base_url, *extra, "summarize", str(article), "-m", "openai/fake", timeout=60
        )


@pytest.mark.parametrize(
    ("responder", "code", "message"),
    [
        (lambda req: status(503, retry_after="0", message="overloaded"), 3, "HTTP 503 (tried 4 times): overloaded"),
        (lambda req: status(429, retry_after="600"), 3, "rate limited (429); the server asks to wait 600 s"),
        (lambda req: RawBody(b"{not json"), 3, "sent a malformed response"),
        (lambda req: completion('{"actors": [', finish_reason="length"), 5, "output cut off"),
        (lambda req: refusal("No."), 5, "openai/fake refused to answer: No."),
        (lambda req: completion("plain words"), 5, "the answer was not JSON"),
    ],
)
def test_faults_through_the_cli(responder: Any, code: int, message: str, tmp_path: Path) -> None:
    proc = _cli_fault(responder, tmp_path)
    assert proc.returncode == code, proc.stderr
    lines = proc.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("summarizer: error: ") and message in lines[0], proc.stderr
    assert "Traceback" not in proc.stderr and proc.stdout == ""


def test_timeout_through_the_cli(tmp_path: Path) -> None:
    started = time.monotonic()
    proc = _cli_fault(lambda req: Delay(30), tmp_path, "--timeout", "0.5")
    assert proc.returncode == 3, proc.stderr
    assert "no answer within 0.5 s (tried 4 times)" in proc.stderr
    assert len(proc.stderr.splitlines()) == 1
    assert time.monotonic() - started < 25  # 4 tries of 0.5 s plus backoff (1 + 2 + 4 s at most)


def test_brief_v4_keeps_what_code_found_when_a_pass_fails_and_fails_when_none_is_answered(
    fake_model, settings: Settings
) -> None:
    from summarizer.text import decided_by_words
    from tests.fakeserver import labeller, pass_name

    v4 = replace(settings, prompt_version="brief-v4")
    labels = labeller()
    fake_model(lambda req: refusal() if pass_name(req) == "eventlabels" else labels(req))
    doc, err, _ = _run(v4)
    assert err is None and doc is not None
    assert any("pass events left out" in w for w in doc.provenance.warnings)
    # the events pass is lost: the code's places stand, and only the events code's own words
    # settle (decided_by_words), none the model's answer would have made
    assert doc.locations
    assert all(decided_by_words(e.evidence[0].text) == e.type for e in doc.events)
    fake_model(lambda req: refusal())
    _, err, _ = _run(v4)
    assert isinstance(err, ExtractionError)  # no pass answered at all: no document


def test_a_refusal_the_retry_layer_retried_is_not_recorded(tmp_path: Path) -> None:
    """A 503 "Loading model" answered before the real answer is not what the model said: the
    cassette keeps only the answer, so a replay does not sleep through the back-off again."""
    import json

    from tests.fakeserver import FakeModelServer

    article = tmp_path / "a.txt"
    article.write_text(TEXT, encoding="utf-8")
    cassettes = tmp_path / "cassettes"
    with FakeModelServer(faults([status(503, message="Loading model")], OK)) as server:
        rec = summarizer_cli(
            "--record", "--cassettes", str(cassettes), "--base-url", server.base_url,
            "summarize", str(article), "-m", "openai/fake",
        )  # fmt: skip
    assert rec.returncode == 0, rec.stderr
    (path,) = [p for p in cassettes.rglob("*.json") if not p.name.endswith(".meta.json")]
    codes = [i["response"]["status"]["code"] for i in json.loads(path.read_text())["interactions"]]
    assert codes and set(codes) == {200}
    started = time.monotonic()
    replay = summarizer_cli(
        "--offline", "--cassettes", str(cassettes), "--base-url", server.base_url,
        "summarize", str(article), "-m", "openai/fake",
    )  # fmt: skip
    assert replay.returncode == 0, replay.stderr
    assert time.monotonic() - started < 20


def test_no_cassette_holds_a_refusal() -> None:
    """The recorded cassettes replay answers only (503 "Loading model" probes and refusals were
    once recorded and made every offline eval sleep through their back-off)."""
    import json

    root = Path(__file__).resolve().parents[2] / "cassettes"
    refused = [
        p.name
        for p in root.rglob("*.json")
        if not p.name.endswith(".meta.json")
        for i in json.loads(p.read_text(encoding="utf-8")).get("interactions", [])
        if i["response"]["status"]["code"] >= 400
    ]
    assert refused == []
