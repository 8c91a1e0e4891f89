"""The counted suite of bad inputs, provider faults and data-loss (or leak) cases (issue 10).

Every case is a parametrized test whose id names the issue item it covers (`item01-...`), and is
tagged with a category by `pytest.mark.robustness(CATEGORY)`: "bad_input", "fault" or
"data_loss". tests/conftest.py counts what ran and prints, at the end of every pytest run that
collected any of them:

    robustness suite: N bad inputs, M faults, K data-loss cases tried; X mishandled

Most cases drive the installed command as a subprocess (exit code, exactly one
`summarizer: error:` line on stderr, never a traceback), against the fault-injecting model
server in tests/fakeserver.py or a raw socket server below; the rest call public functions.
Private addresses are only classified in-process, never fetched.
"""

from __future__ import annotations

import json
import os
import socket
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from summarizer import batch
from summarizer import inputs as articles
from summarizer import models as providers
from summarizer.config import Settings
from summarizer.errors import ConfigError, InputError, ProviderError, SummarizerError
from summarizer.extraction import summarize
from summarizer.models import ModelSpec
from tests.batch.test_batch import minimal
from tests.clihelp import ROOT, summarizer_cli
from tests.extraction.test_pipeline import TEXT
from tests.fakeserver import FakeModelServer, RawBody, completion

BAD_INPUT = pytest.mark.robustness("bad_input")
FAULT = pytest.mark.robustness("fault")
DATA_LOSS = pytest.mark.robustness("data_loss")
INJECTION = ROOT / "tests" / "data" / "injection"


# -- helpers ----------------------------------------------------------------------------------


def any_answer(
    request: dict[str, Any], *, prompt_tokens: int = 100, completion_tokens: int = 20
) -> tuple[int, dict[str, str], bytes]:
    """A valid (minimal) answer to any pass, in json_schema or json_object_schema mode."""
    fmt = request.get("response_format") or {}
    schema = fmt.get("schema") or (fmt.get("json_schema") or {}).get("schema") or {}
    answer = json.dumps(minimal(schema, schema.get("$defs", {})))
    return completion(answer, prompt_tokens=prompt_tokens, completion_tokens=completion_tokens)


def one_error(proc: Any, code: int) -> str:
    """The one-line failure shape; returns the message after `summarizer: error: `."""
    assert proc.returncode == code, f"exit {proc.returncode}, expected {code}; stderr: {proc.stderr}"
    assert "Traceback" not in proc.stderr + proc.stdout
    lines = [ln for ln in proc.stderr.splitlines() if ln.startswith("summarizer: error: ")]
    others = [
        ln for ln in proc.stderr.splitlines() if not ln.startswith(("summarizer: error: ", "summarizer: warning: "))
    ]
    assert len(lines) == 1 and not others, proc.stderr
    return lines[0].removeprefix("summarizer: error: ")


def cli(tmp_path: Path, *args: str, env: dict[str, str] | None = None, **kw: Any) -> Any:
    """The command with its caches and logs under tmp_path."""
    full = {"SUMMARIZER_CACHE_DIR": str(tmp_path / "cache"), "SUMMARIZER_DATA_DIR": str(tmp_path / "data")}
    full.update(env or {})
    return summarizer_cli(*args, env=full, drop_env=("SUMMARIZER_BASE_URL", "OPENAI_API_KEY"), **kw)


@pytest.fixture
def article_file(tmp_path: Path) -> Path:
    path = tmp_path / "a.txt"
    path.write_text(TEXT, encoding="utf-8")
    return path


@pytest.fixture
def model_server() -> Iterator[FakeModelServer]:
    with FakeModelServer(any_answer) as server:
        yield server


class RawServer:
    """A loopback TCP server that answers every connection with `script(conn)` (raw bytes)."""

    def __init__(self, script: Callable[[socket.socket], None]) -> None:
        self.script = script
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.requests: list[bytes] = []
        self.stop = threading.Event()
        threading.Thread(target=self._serve, daemon=True).start()

    @property
    def port(self) -> int:
        return int(self.sock.getsockname()[1])

    def _serve(self) -> None:
        while not self.stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            threading.Thread(target=self._handle, args=(conn,), daemon=True).start()

    def _handle(self, conn: socket.socket) -> None:
        with conn:
            conn.settimeout(10)
            data = b""
            try:
                while b"\r\n\r\n" not in data:
                    data += conn.recv(65536)
                head, _, body = data.partition(b"\r\n\r\n")
                length = next(
                    (int(ln.split(b":")[1]) for ln in head.split(b"\r\n") if ln.lower().startswith(b"content-length")),
                    0,
                )
                while len(body) < length:
                    body += conn.recv(65536)
                self.requests.append(body)
                self.script(conn)
            except OSError:
                pass

    def close(self) -> None:
        self.stop.set()
        self.sock.close()


def trickle(conn: socket.socket, data: bytes, every: float) -> None:
    for i in range(len(data)):
        conn.sendall(data[i : i + 1])
        time.sleep(every)


# -- item 1: batch never rewrites a file that is not a batch output ---------------------------


def _feed(path: Path) -> None:
    lines = [json.dumps({"id": f"f{i}", "text": f"Clash {i}\n\nShelling hit Village{i} on Monday."}) for i in range(2)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


OUT_NOT_A_LOG = {
    "item01-out-is-a-notes-file": b"notes\n",
    "item01-out-is-text-without-newline": b"my notes, no newline at the end",
    "item01-out-is-json-not-a-record": b'{"a": 1}\n',
    "item01-out-is-a-complete-feed-line-without-newline": b'{"id": "x", "text": "Shelling hit Kyiv."}',
    "item01-out-has-one-foreign-line-among-records": None,  # built below from a real batch log
}


@DATA_LOSS
@pytest.mark.parametrize("case", list(OUT_NOT_A_LOG))
def test_out_that_is_not_a_batch_log_is_refused(case: str, tmp_path: Path, article_file: Path, model_server) -> None:
    out = tmp_path / "notes.txt"
    content = OUT_NOT_A_LOG[case]
    if content is None:
        first = cli(
            tmp_path,
            "--base-url",
            model_server.base_url,
            "batch",
            str(article_file),
            "--out",
            str(out),
            "-m",
            "openai/fake",
        )
        assert first.returncode == 0, first.stderr
        content = out.read_bytes() + b"a line the user added\n"
        out.write_bytes(content)
    else:
        out.write_bytes(content)
    proc = cli(
        tmp_path,
        "--base-url",
        model_server.base_url,
        "batch",
        str(article_file),
        "--out",
        str(out),
        "-m",
        "openai/fake",
    )
    message = one_error(proc, 2)
    assert message.startswith(f"--out {out}: ") and "refusing to overwrite" in message
    assert out.read_bytes() == content  # untouched


@DATA_LOSS
@pytest.mark.parametrize("case", ["item01-out-is-the-input-feed"])
def test_out_that_is_an_input_is_refused(case: str, tmp_path: Path, model_server) -> None:
    feed = tmp_path / "feed.jsonl"
    _feed(feed)
    before = feed.read_bytes()
    proc = cli(
        tmp_path, "--base-url", model_server.base_url, "batch", str(feed), "--out", str(feed), "-m", "openai/fake"
    )
    assert one_error(proc, 2) == (
        f"--out {feed}: is also an input; refusing to overwrite it (hint: choose another --out file)"
    )
    assert feed.read_bytes() == before


@DATA_LOSS
@pytest.mark.parametrize("case", ["item01-torn-last-record-is-still-repaired"])
def test_a_torn_last_record_is_still_cut(case: str, tmp_path: Path, article_file: Path, model_server) -> None:
    out = tmp_path / "out.jsonl"
    args = ("--base-url", model_server.base_url, "batch", str(article_file), "--out", str(out), "-m", "openai/fake")
    assert cli(tmp_path, *args).returncode == 0
    good = out.read_bytes()
    out.write_bytes(good + b'{"schema_version": "1", "article": {"id": "tor')
    proc = cli(tmp_path, *args)
    assert proc.returncode == 0, proc.stderr
    assert out.read_bytes() == good


# -- item 2: dates are dates; no path leaves the cassette folder ------------------------------


@DATA_LOSS
@pytest.mark.parametrize("case", ["item02-published-traversal-from-a-feed"])
def test_published_from_a_feed_cannot_escape(case: str, tmp_path: Path, model_server) -> None:
    cassettes = tmp_path / "work" / "cassettes"
    victim = tmp_path / "esc" / "victim.json"
    victim.parent.mkdir(parents=True)
    victim.write_text("precious", encoding="utf-8")
    feed = tmp_path / "feed.jsonl"
    bad = {"id": "f", "text": "Shelling hit Kyiv on Monday.", "published": "../../../../../esc/victim"}
    good = {"id": "g", "text": "Shelling hit Lviv on Monday.", "published": "2024-02-29"}
    feed.write_text(json.dumps(bad) + "\n" + json.dumps(good) + "\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    proc = cli(
        tmp_path,
        "--record",
        "--cassettes",
        str(cassettes),
        "--base-url",
        model_server.base_url,
        "batch",
        str(feed),
        "--out",
        str(out),
        "-m",
        "openai/fake",
    )
    assert proc.returncode == 1, proc.stderr
    assert victim.read_text(encoding="utf-8") == "precious"
    assert not (tmp_path / "esc" / "victim.meta.json").exists()
    records = {r["id"]: r for r in map(json.loads, out.read_text(encoding="utf-8").splitlines()) if "id" in r}
    assert records["f"]["error"] == {
        "type": "InputError",
        "message": f"{feed}:1: \"published\": not a date (YYYY-MM-DD): '../../../../../esc/victim'",
        "exit_code": 2,
    }
    written = [p for p in tmp_path.rglob("*.json") if p.is_file() and p.parent != tmp_path / "esc"]
    assert all(p.is_relative_to(cassettes) or p.is_relative_to(tmp_path / "cache") for p in written), written


@BAD_INPUT
@pytest.mark.parametrize(
    "value",
    ["notadate", "../../../../tmp/x", "2024-13-01", "2023-02-29", "2024-1-1", "20240101", "2024-01-01/../../x", ""],
    ids=lambda v: f"item02-published-{v or 'empty'}",
)
def test_published_must_be_a_date(value: str, tmp_path: Path, article_file: Path) -> None:
    proc = cli(
        tmp_path,
        "--record",
        "--cassettes",
        str(tmp_path / "c"),
        "summarize",
        str(article_file),
        "--published",
        value,
        "-m",
        "openai/never-called",
    )
    assert one_error(proc, 2) == f"--published: not a date (YYYY-MM-DD): {value!r}"
    assert not list(tmp_path.rglob("*.json"))


@BAD_INPUT
@pytest.mark.parametrize("case", ["item02-published-today-accepted"])
def test_a_real_date_is_accepted_and_written(case: str, tmp_path: Path, article_file: Path, model_server) -> None:
    today = time.strftime("%Y-%m-%d")
    proc = cli(
        tmp_path,
        "--base-url",
        model_server.base_url,
        "summarize",
        str(article_file),
        "--published",
        today,
        "-m",
        "openai/fake",
    )
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["article"]["published"] == today


@DATA_LOSS
@pytest.mark.parametrize("case", ["item02-cassette-path-parts-are-checked"])
def test_cassette_path_refuses_what_is_not_a_date(case: str, tmp_path: Path) -> None:
    from summarizer.models import cassette_path

    with pytest.raises(InputError):
        cassette_path(tmp_path, "openai/x", "brief-v3", "0" * 64, "../../../esc/victim")
    path = cassette_path(tmp_path, "openai/../../x", "../../v", "0" * 64, "2024-01-31")
    assert path.resolve().is_relative_to(tmp_path.resolve())


# -- item 3 and 4: no password, key or id is ever written -------------------------------------


def _echoing(key: str) -> Callable[[dict[str, Any]], Any]:
    """Valid answers whose JSON body echoes the key without its prefix, and org/project ids."""

    def respond(request: dict[str, Any]) -> Any:
        status, headers, body = any_answer(request)
        data = json.loads(body)
        data["system_fingerprint"] = (
            f"echo {key.removeprefix('sk-proj-')} org-AbCdEfGhIjKlMnOpQrSt proj_AbCdEfGhIjKlMnOpQr"
        )
        return status, headers, json.dumps(data).encode()

    return respond


@DATA_LOSS
@pytest.mark.parametrize("case", ["item03-password-in-base-url-not-in-cassettes"])
def test_base_url_password_is_not_recorded(case: str, tmp_path: Path, article_file: Path, model_server) -> None:
    port = model_server.httpd.server_address[1]
    url = f"http://admin:hunter2secret@127.0.0.1:{port}/v1?api_key=querysecret123"
    cassettes = tmp_path / "cassettes"
    proc = cli(
        tmp_path,
        "--record",
        "--cassettes",
        str(cassettes),
        "--base-url",
        url,
        "summarize",
        str(article_file),
        "-m",
        "openai/fake",
    )
    assert proc.returncode == 0, proc.stderr
    written = "\n".join(p.read_text(encoding="utf-8") for p in cassettes.rglob("*.json"))
    assert written and "hunter2secret" not in written and "admin:" not in written and "querysecret123" not in written
    assert "hunter2secret" not in proc.stderr + proc.stdout


@DATA_LOSS
@pytest.mark.parametrize("case", ["item03-api-key-query-value-not-printed"])
def test_query_key_is_not_printed(case: str, tmp_path: Path, article_file: Path) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    url = f"http://127.0.0.1:{port}/v1?api_key=querysecret123"
    proc = cli(tmp_path, "--base-url", url, "summarize", str(article_file), "-m", "openai/fake")
    message = one_error(proc, 3)
    assert "querysecret123" not in proc.stderr and "api_key=[redacted]" in message


@DATA_LOSS
@pytest.mark.parametrize("case", ["item04-echoed-key-not-in-cache-trace-cassettes"])
def test_echoed_keys_are_scrubbed_everywhere(case: str, tmp_path: Path, article_file: Path) -> None:
    key = "sk-proj-Zq9" + "x7Kp2Lm4Nb6Vc8Xz1Qw3Er5Ty7Ui9Op"
    bare = key.removeprefix("sk-proj-")
    trace = tmp_path / "trace.jsonl"
    cassettes = tmp_path / "cassettes"
    env = {"OPENAI_API_KEY": key, "SUMMARIZER_TRACE": str(trace)}
    with FakeModelServer(_echoing(key)) as server:
        batch_run = cli(
            tmp_path,
            "--base-url",
            server.base_url,
            "batch",
            str(article_file),
            "--out",
            str(tmp_path / "out.jsonl"),
            "-m",
            "openai/fake",
            "--cache-dir",
            str(tmp_path / "responses"),
            env=env,
        )
        record = cli(
            tmp_path,
            "--record",
            "--cassettes",
            str(cassettes),
            "--base-url",
            server.base_url,
            "summarize",
            str(article_file),
            "-m",
            "openai/fake",
            env=env,
        )
    assert batch_run.returncode == 0, batch_run.stderr
    assert record.returncode == 0, record.stderr
    cached = list((tmp_path / "responses").rglob("*.json"))
    assert cached and trace.exists() and list(cassettes.rglob("*.json"))
    for path in [*cached, trace, *cassettes.rglob("*.json")]:
        text = path.read_text(encoding="utf-8")
        for needle in (key, bare, "org-AbCdEfGhIjKlMnOpQrSt", "proj_AbCdEfGhIjKlMnOpQr"):
            assert needle not in text, (path, needle)
        if not path.name.endswith(".meta.json"):
            assert "[redacted]" in text, path


@DATA_LOSS
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("org id org-AbCdEfGhIjKlMnOpQrSt here", "org id [redacted] here"),
        ("project proj_AbCdEfGhIjKlMnOpQr here", "project [redacted] here"),
        ("an ordinary org-chart and proj_x", "an ordinary org-chart and proj_x"),
    ],
    ids=["item04-scrub-org-id", "item04-scrub-project-id", "item04-scrub-leaves-words"],
)
def test_scrubber_patterns(text: str, expected: str) -> None:
    from summarizer.models import scrub_secrets

    assert scrub_secrets(text) == expected


@DATA_LOSS
@pytest.mark.parametrize("case", ["item04-configured-key-redacted-without-prefix"])
def test_configured_key_is_redacted_wherever_it_appears(case: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from summarizer.models import register_secret, scrub_secrets

    monkeypatch.setenv("OPENAI_API_KEY", "sk-proj-Envkey0123456789abcdefXYZ")
    register_secret("custom-secret-value-42")
    text = "a Envkey0123456789abcdefXYZ b sk-proj-Envkey0123456789abcdefXYZ c custom-secret-value-42"
    assert scrub_secrets(text) == "a [redacted] b [redacted] c [redacted]"


# -- item 5: eval --save-predictions never overwrites ----------------------------------------


@DATA_LOSS
@pytest.mark.parametrize("case", ["item05-colliding-ids-get-unique-files"])
def test_save_predictions_keeps_every_document(case: str, tmp_path: Path, model_server) -> None:
    ids = ["a/b", "a_b", "a b", "x" * 260 + "1", "x" * 260 + "2", "A_B"]
    dataset = tmp_path / "gold.jsonl"
    dataset.write_text(
        "".join(
            json.dumps({"id": i, "text": f"Clash {n}\n\nShelling hit Village{n} on Monday.", "gold": {}}) + "\n"
            for n, i in enumerate(ids)
        ),
        encoding="utf-8",
    )
    preds = tmp_path / "preds"
    proc = cli(
        tmp_path,
        "--base-url",
        model_server.base_url,
        "eval",
        "--dataset",
        str(dataset),
        "-m",
        "openai/fake",
        "--save-predictions",
        str(preds),
    )
    assert proc.returncode == 0, proc.stderr
    files = list(preds.rglob("*.json"))
    assert len(files) == len(ids)
    assert f"summarizer: wrote {len(ids)} documents under {preds}" in proc.stderr
    assert sorted(json.loads(p.read_text(encoding="utf-8"))["article"]["id"] for p in files) == sorted(ids)
    assert (preds / "openai_fake" / "a_b.json").exists()  # an id that is already a file name keeps it


# -- item 6 and 10: FIFOs and devices ---------------------------------------------------------


@FAULT
@pytest.mark.parametrize("case", ["item06-fifo-in-an-input-folder"])
def test_fifo_in_a_folder_is_an_error_record(case: str, tmp_path: Path, model_server) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text(TEXT, encoding="utf-8")
    os.mkfifo(folder / "pipe.txt")
    out = tmp_path / "out.jsonl"
    proc = cli(
        tmp_path,
        "--base-url",
        model_server.base_url,
        "batch",
        str(folder),
        "--out",
        str(out),
        "-m",
        "openai/fake",
        timeout=60,
    )
    assert proc.returncode == 1, proc.stderr
    records = [json.loads(ln) for ln in out.read_text(encoding="utf-8").splitlines()]
    errors = [r for r in records if "error" in r]
    assert [e["error"]["message"] for e in errors] == [f"{folder / 'pipe.txt'}: not a regular file"]
    assert len(records) == 2


@BAD_INPUT
@pytest.mark.parametrize("kind", ["item10-out-dev-zero", "item10-out-fifo", "item10-out-dev-null"])
def test_out_must_be_a_regular_file(kind: str, tmp_path: Path, article_file: Path) -> None:
    if kind == "item10-out-fifo":
        out = tmp_path / "out.fifo"
        os.mkfifo(out)
    else:
        out = Path("/dev/zero" if kind == "item10-out-dev-zero" else "/dev/null")
    proc = cli(tmp_path, "batch", str(article_file), "--out", str(out), "-m", "openai/never-called", timeout=30)
    assert one_error(proc, 2) == (f"--out {out}: not a regular file (hint: --out is a JSONL file this command writes)")


# -- item 7: a deadline per call and per fetch ------------------------------------------------


def _slow_headers(conn: socket.socket) -> None:
    trickle(conn, b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nX-Pad: " + b"a" * 200, 0.1)


def _slow_body(conn: socket.socket) -> None:
    body = completion("{}")[2]
    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n" % len(body))
    trickle(conn, body, 0.1)


def _priced(base_url: str, price: float = 0.0) -> Callable[[str, Settings], ModelSpec]:
    def factory(model: str, settings: Settings) -> ModelSpec:
        return ModelSpec(
            name=f"raw/{model}",
            provider="raw",
            model_id=model,
            mode="json_object_schema",
            base_url=base_url,
            api_key="k",
            price_per_mtok=(price, price),
        )

    return factory


@FAULT
@pytest.mark.parametrize(
    "script", [_slow_headers, _slow_body], ids=["item07-model-trickles-headers", "item07-model-trickles-body"]
)
def test_a_trickling_model_server_is_cut_at_the_timeout(script: Any, tmp_path: Path) -> None:
    server = RawServer(script)
    base_url = f"http://127.0.0.1:{server.port}/v1"
    providers.register("raw", _priced(base_url))
    try:
        settings = Settings(cassette_dir=tmp_path, transport_attempts=1, timeout_s=1.0)
        import instructor  # noqa: F401 - imported before the clock starts
        import openai  # noqa: F401

        started = time.monotonic()
        with pytest.raises(ProviderError) as err:
            summarize(articles.from_text(TEXT, id="t", origin="file"), "raw/m", settings)
        took = time.monotonic() - started
    finally:
        providers.unregister("raw")
        server.close()
    assert took < 3.0, took
    assert err.value.one_line().endswith(
        f"raw/m at {base_url}: no answer within 1 s (hint: raise --timeout, or use a smaller model)"
    )


@FAULT
@pytest.mark.parametrize("what", ["headers", "body"], ids=["item07-url-trickles-headers", "item07-url-trickles-body"])
def test_a_trickling_url_is_cut_at_the_fetch_timeout(what: str) -> None:
    page = b"<html><body><p>" + b"Shelling hit Kyiv. " * 20 + b"</p></body></html>"

    def script(conn: socket.socket) -> None:
        head = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: %d\r\n" % len(page)
        if what == "headers":
            trickle(conn, head + b"X-Pad: " + b"a" * 200, 0.1)
        else:
            conn.sendall(head + b"\r\n")
            trickle(conn, page, 0.1)

    server = RawServer(script)
    url = f"http://127.0.0.1:{server.port}/a.html"
    started = time.monotonic()
    try:
        with pytest.raises(InputError) as err:
            articles.fetch_url(url, allow_private=True, timeout_s=1.0)
    finally:
        server.close()
    assert time.monotonic() - started < 2.5
    assert err.value.one_line() == f"{url}: timed out after 1 s"


# -- item 8: a cap on the answer's size -------------------------------------------------------


def _huge(declared: bool) -> Callable[[socket.socket], None]:
    size = 9_000_000

    def script(conn: socket.socket) -> None:
        head = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
        head += b"Content-Length: %d\r\n\r\n" % size if declared else b"Connection: close\r\n\r\n"
        conn.sendall(head)
        chunk = b'{"x": "' + b"a" * 65536
        sent = 0
        try:
            while sent < size:
                conn.sendall(chunk)
                sent += len(chunk)
        except OSError:
            pass

    return script


@FAULT
@pytest.mark.parametrize("declared", [True, False], ids=["item08-huge-answer-declared", "item08-huge-answer-streamed"])
def test_an_oversized_answer_is_refused_and_never_echoed(declared: bool, tmp_path: Path) -> None:
    server = RawServer(_huge(declared))
    providers.register("raw", _priced(f"http://127.0.0.1:{server.port}/v1"))
    try:
        settings = Settings(cassette_dir=tmp_path, transport_attempts=2, retry_base_wait_s=0.01, timeout_s=20)
        with pytest.raises(ProviderError) as err:
            summarize(articles.from_text(TEXT, id="t", origin="file"), "raw/m", settings)
    finally:
        providers.unregister("raw")
        server.close()
    assert "answer larger than 8,000,000 bytes" in err.value.one_line()
    assert "is --base-url an OpenAI-compatible server?" in err.value.one_line()
    assert len(server.requests) == 1  # not retried, not re-asked
    assert max(len(r) for r in server.requests) < 1_000_000


# -- item 9: --max-cost holds with concurrency ------------------------------------------------


@FAULT
@pytest.mark.parametrize("case", ["item09-max-cost-with-concurrency"])
def test_max_cost_is_not_overshot(case: str, tmp_path: Path) -> None:
    # every call reports 10,000 + 10,000 tokens; at 500 USD per million tokens a call costs 10 USD
    with FakeModelServer(lambda r: any_answer(r, prompt_tokens=10_000, completion_tokens=10_000)) as server:
        providers.register("raw", _priced(server.base_url, price=500.0))
        try:
            folder = tmp_path / "in"
            folder.mkdir()
            for i in range(12):
                (folder / f"a{i}.txt").write_text(f"Clash {i}\n\nShelling hit Village{i}.", encoding="utf-8")
            report = batch.run_batch(
                [folder],
                tmp_path / "out.jsonl",
                batch.BatchOptions(model="raw/m", concurrency=4, max_cost=100.0),
                # brief-v3: every article costs model calls (brief-v4 asks nothing of a model
                # about an article in which code finds no candidates)
                Settings(cassette_dir=tmp_path, transport_attempts=1, prompt_version="brief-v3"),
            )
        finally:
            providers.unregister("raw")
    calls = len(server.requests)
    assert calls > 0 and report.cost_usd is not None
    assert report.cost_usd == pytest.approx(calls * 10.0)  # what was really spent
    assert report.cost_usd <= 100.0
    assert report.stopped == f"budget: --max-cost 100 USD reached (spent {report.cost_usd:.4f} USD)"
    assert report.exit_code == 1


# -- item 11: JSONL lines hold U+2028, U+2029, U+0085 ------------------------------------------


@BAD_INPUT
@pytest.mark.parametrize(
    "sep",
    ["\u2028", "\u2029", "\u0085", "\x1c", "\x0b"],
    ids=["item11-U+2028", "item11-U+2029", "item11-U+0085", "item11-U+001C", "item11-U+000B"],
)
def test_jsonl_lines_split_on_newline_only(sep: str, tmp_path: Path) -> None:
    feed = tmp_path / "feed.jsonl"
    lines = [
        json.dumps({"id": "a", "text": f"Clash 1{sep}Shelling hit Kyiv."}, ensure_ascii=False),
        json.dumps({"id": "b", "text": "Clash 2\n\nShelling hit Lviv."}),
    ]
    feed.write_text("\n".join(lines) + "\n", encoding="utf-8")
    items = batch.collect_inputs([feed]).items
    assert [i.id for i in items] == ["a", "b"] and all(i.error is None for i in items)
    assert items[0].article is not None and sep in items[0].article.text


# -- item 12: table output shows article text as written --------------------------------------


@BAD_INPUT
@pytest.mark.parametrize(
    "title",
    [
        "Attack [/] on the port",
        "[link=https://evil.example]Click[/link] for news",
        "[bold]Kyiv[/bold] under fire",
        "Odesa [red]on fire",
    ],
    ids=["item12-closing-tag", "item12-link", "item12-bold", "item12-unclosed-style"],
)
def test_table_format_escapes_markup(title: str, tmp_path: Path, model_server) -> None:
    path = tmp_path / "a.txt"
    path.write_text(f"{title}\n\nShelling hit Kyiv on Monday, officials said.\n", encoding="utf-8")
    proc = cli(
        tmp_path,
        "--base-url",
        model_server.base_url,
        "summarize",
        str(path),
        "-m",
        "openai/fake",
        "-f",
        "table",
        env={"COLUMNS": "200"},
    )
    assert proc.returncode == 0, proc.stderr
    assert title in proc.stdout
    assert "\x1b]8;" not in proc.stdout  # no terminal hyperlink


# -- items 13, 14, 15: options that are user mistakes are exit 2 (or 3), one line -----------


OPTION_CASES = [
    (
        "item13-max-chars-1e12",
        ("summarize", "{a}", "--max-chars", "1000000000000"),
        2,
        "--max-chars must be between 1 and 50,000,000, not 1,000,000,000,000",
    ),
    (
        "item13-max-chars-0",
        ("summarize", "{a}", "--max-chars", "0"),
        2,
        "--max-chars must be between 1 and 50,000,000, not 0",
    ),
    ("item13-max-chars-1e30", ("summarize", "{a}", "--max-chars", "1e30"), 2, None),
    (
        "item13-batch-max-chars-1e12",
        ("batch", "{a}", "--out", "{o}", "--max-chars", "1000000000000"),
        2,
        "--max-chars must be between 1 and 50,000,000, not 1,000,000,000,000",
    ),
    ("item13-prompt-path", ("--prompt", "../malformed", "summarize", "{a}"), 3, None),
    ("item13-prompt-absolute", ("--prompt", "/etc/passwd", "summarize", "{a}"), 3, None),
    ("item13-prompt-unknown", ("--prompt", "brief-v99", "summarize", "{a}"), 3, None),
    (
        "item14-timeout--1",
        ("--timeout", "-1", "summarize", "{a}"),
        2,
        "--timeout must be a positive number of seconds, not -1",
    ),
    (
        "item14-timeout-0",
        ("--timeout", "0", "summarize", "{a}"),
        2,
        "--timeout must be a positive number of seconds, not 0",
    ),
    (
        "item14-timeout-nan",
        ("--timeout", "nan", "summarize", "{a}"),
        2,
        "--timeout must be a positive number of seconds, not nan",
    ),
    (
        "item14-timeout-inf",
        ("--timeout", "inf", "summarize", "{a}"),
        2,
        "--timeout must be a positive number of seconds, not inf",
    ),
    ("item14-timeout-text", ("--timeout", "soon", "summarize", "{a}"), 2, None),
    (
        "item14-max-cost--1",
        ("batch", "{a}", "--out", "{o}", "--max-cost", "-1"),
        2,
        "--max-cost must be a number of USD of 0 or more, not -1",
    ),
    (
        "item14-max-cost-nan",
        ("batch", "{a}", "--out", "{o}", "--max-cost", "nan"),
        2,
        "--max-cost must be a number of USD of 0 or more, not nan",
    ),
    (
        "item14-timeout-per-article-nan",
        ("batch", "{a}", "--out", "{o}", "--timeout-per-article", "nan"),
        2,
        "--timeout-per-article must be a positive number of seconds, not nan",
    ),
    (
        "item15-offline-record",
        ("--offline", "--record", "summarize", "{a}"),
        2,
        "--offline and --record exclude each other",
    ),
    ("item15-offline-eval-record", ("--offline", "eval", "--record"), 2, "--offline and --record exclude each other"),
    ("usage-unknown-option", ("summarize", "{a}", "--no-such-option"), 2, None),
    ("usage-concurrency-0", ("batch", "{a}", "--out", "{o}", "-j", "0"), 2, None),
]


@BAD_INPUT
@pytest.mark.parametrize(("args", "code", "message"), [c[1:] for c in OPTION_CASES], ids=[c[0] for c in OPTION_CASES])
def test_bad_options(args: tuple[str, ...], code: int, message: str | None, tmp_path: Path, article_file: Path) -> None:
    argv = [a.format(a=article_file, o=tmp_path / "out.jsonl") for a in args]
    proc = cli(tmp_path, *argv, "-m", "openai/never-called") if "eval" not in argv else cli(tmp_path, *argv)
    got = one_error(proc, code)
    if message is not None:
        assert got == message
    assert not (tmp_path / "out.jsonl").exists()


@BAD_INPUT
@pytest.mark.parametrize(
    "content",
    ["version = 'x'\nsystem = [", "version = 'bad'\nsystem = 's'\narticle = 'a'\n", "version = 'bad'\n[passes]\n"],
    ids=["item13-prompt-bad-toml", "item13-prompt-no-passes", "item13-prompt-empty-passes"],
)
def test_a_malformed_prompt_file_is_a_config_error(content: str, tmp_path: Path, monkeypatch) -> None:
    from summarizer.extraction import _prompts as prompts

    (tmp_path / "bad.toml").write_text(content, encoding="utf-8")
    monkeypatch.setattr(prompts, "_prompt_dirs", lambda: [tmp_path])
    prompts.load.cache_clear()
    try:
        with pytest.raises(ConfigError) as err:
            prompts.load("bad")
    finally:
        prompts.load.cache_clear()
    assert err.value.exit_code == 3 and str(tmp_path / "bad.toml") in err.value.one_line()


# -- item 16: a 200 that is not a chat completion ---------------------------------------------


NOT_COMPLETIONS = {
    "item16-wrong-shape": (
        200,
        {"content-type": "application/json"},
        b'{"result": "ok"}',
        "a JSON object with keys result",
    ),
    "item16-json-array": (200, {"content-type": "application/json"}, b"[1, 2, 3]", "a JSON array"),
    "item16-json-string": (200, {"content-type": "application/json"}, b'"hello"', "a JSON string"),
    "item16-choices-not-objects": (
        200,
        {"content-type": "application/json"},
        b'{"choices": ["a"]}',
        "a JSON object with keys choices",
    ),
    "item16-text-html": (
        200,
        {"content-type": "text/html"},
        b"<html><body>Welcome to nginx!</body></html>",
        "text/html",
    ),
    "item16-no-content-type": (200, {}, b"OK", "no content type"),
}


@FAULT
@pytest.mark.parametrize("case", list(NOT_COMPLETIONS))
def test_an_answer_that_is_not_a_completion(case: str, tmp_path: Path, article_file: Path) -> None:
    status, headers, body, what = NOT_COMPLETIONS[case]
    with FakeModelServer(lambda r: (status, headers, body)) as server:
        proc = cli(tmp_path, "--base-url", server.base_url, "summarize", str(article_file), "-m", "openai/fake")
        requests = len(server.requests)
    assert one_error(proc, 3) == (
        f"openai/fake at {server.base_url} answered with {what}, not an OpenAI chat completion "
        "(hint: is --base-url an OpenAI-compatible server?)"
    )
    assert requests == 1


# -- item 17: UTF-32 is binary; a blank gold text is a dataset error ---------------------------


@BAD_INPUT
@pytest.mark.parametrize(
    "data",
    [
        TEXT.encode("utf-32"),
        TEXT.encode("utf-32-be"),
        b"\x00\x00\xfe\xff" + TEXT.encode("utf-32-be"),
        b"\xff\xfe" + "\x00".join("abc def ghi").encode("utf-16-le"),
    ],
    ids=["item17-utf32-bom-le", "item17-utf32-no-bom", "item17-utf32-bom-be", "item17-utf16-half-nul"],
)
def test_utf32_is_binary(data: bytes, tmp_path: Path) -> None:
    path = tmp_path / "u.txt"
    path.write_bytes(data)
    proc = cli(tmp_path, "summarize", str(path), "-m", "openai/never-called")
    assert one_error(proc, 2) == f"{path}: looks like a binary file, not text"


@BAD_INPUT
@pytest.mark.parametrize(
    "text",
    ["   ", "\n\n\t", "\u3000"],
    ids=["item17-gold-spaces", "item17-gold-newlines", "item17-gold-ideographic-space"],
)
def test_blank_gold_text_is_a_dataset_error(text: str, tmp_path: Path) -> None:
    dataset = tmp_path / "gold.jsonl"
    good = {"id": "ok", "text": "Shelling hit Kyiv.", "gold": {}}
    dataset.write_text(json.dumps(good) + "\n" + json.dumps({"id": "blank", "text": text, "gold": {}}) + "\n")
    proc = cli(tmp_path, "eval", "--dataset", str(dataset), "-m", "openai/never-called", env={"OPENAI_API_KEY": "k"})
    assert one_error(proc, 2).startswith(
        f"{dataset}:2 (id 'blank'): not a gold record: text: Value error, the article text is blank"
    )


# -- item 18: the injection filter, measured both ways -----------------------------------------


def _ordinary() -> list[str]:
    lines = (INJECTION / "ordinary.txt").read_text(encoding="utf-8").split("\n")
    return [ln for ln in lines if ln.strip() and not ln.startswith("#")]


def _attacks() -> list[dict[str, str]]:
    lines = (INJECTION / "attacks.jsonl").read_text(encoding="utf-8").split("\n")
    return [json.loads(ln) for ln in lines if ln.strip()]


def test_injection_filter_hides_no_ordinary_sentence() -> None:
    """(a) Every sentence of the dataset's articles, and news lines written to look like an
    injection: none may be hidden (the issue's example hid the figure 14 from the model)."""
    sentences = _ordinary()
    assert len(sentences) > 800
    hidden = [s for s in sentences if articles.hidden_passages(s)]
    assert hidden == []
    text = "\n".join(sentences)
    assert articles.hidden_passages(text) == []


@FAULT
@pytest.mark.parametrize("attack", _attacks(), ids=lambda a: f"item18-attack-{a['id']}")
def test_injection_filter_hides_attacks(attack: dict[str, str]) -> None:
    """(b) Attacks: fullwidth, zero-width splits, bidi overrides, look-alike letters, JSON answers
    over several lines, "ignore previous instructions" variants: every line of each is hidden."""
    text = f"Shelling hit Kharkiv on Monday.\n{attack['text']}\nTwo people were wounded, officials said."
    passages = articles.hidden_passages(text)
    expected = [ln for ln in attack["text"].split("\n") if ln.strip()]
    assert [text[s:e] for s, e in passages] == expected
    shown = articles.hide_passages(text, passages)
    assert shown.startswith("Shelling hit Kharkiv on Monday.\n") and len(shown) == len(text)


# -- item 19: addresses that embed a private IPv4 address -------------------------------------

REFUSED = [
    "::7f00:1",
    "64:ff9b::a9fe:a9fe",
    "2002:a9fe:a9fe::",
    "::ffff:0:7f00:1",
    "fec0::1",
    "fec0::a:1",
    "::ffff:127.0.0.1",
    "::ffff:169.254.169.254",
    "::ffff:10.0.0.1",
    "::a00:1",
    "64:ff9b::a00:1",
    "64:ff9b:1::a9fe:a9fe",
    "2002:7f00:1::1",
    "2002:c0a8:101::1",
    "64:ff9b::7f00:1",
    "::ffff:0:a9fe:a9fe",
    "feff::1",
    "::1",
    "::",
    "127.0.0.1",
    "10.1.2.3",
    "169.254.169.254",
    "100.64.0.1",
    "192.168.1.1",
    "0.0.0.0",
    "224.0.0.1",
    "fe80::1",
    "fc00::1",
    "ff02::1",
    "2001:db8::1",
]
ALLOWED = ["8.8.8.8", "2606:4700:4700::1111", "::ffff:8.8.8.8", "64:ff9b::808:808", "2002:808:808::1"]


@BAD_INPUT
@pytest.mark.parametrize("address", REFUSED, ids=lambda a: f"item19-refused-{a}")
def test_private_forms_are_refused(address: str) -> None:
    assert articles.is_refused_address(address)


@pytest.mark.parametrize("address", ALLOWED)
def test_public_forms_are_allowed(address: str) -> None:
    assert not articles.is_refused_address(address)


# -- a last net: nothing above may surface as an internal error --------------------------------


@BAD_INPUT
@pytest.mark.parametrize("case", ["stdin-huge-max-chars"])
def test_stdin_with_a_huge_limit_is_read_in_pieces(case: str) -> None:
    data = ("Shelling hit Kyiv on Monday. " * 10).encode()

    class Reader:
        def __init__(self) -> None:
            self.data = data

        def read(self, n: int) -> bytes:
            assert n <= 1 << 20  # never a huge allocation
            chunk, self.data = self.data[:n], self.data[n:]
            return chunk

    assert articles.read_bounded(Reader(), 10**12) == data


def test_summarizer_errors_are_one_line() -> None:
    assert SummarizerError("a\nb   c", hint="d\ne").one_line() == "a b c (hint: d e)"


_ = RawBody  # the fake server's raw-body fault is exercised in tests/models/test_faults.py
