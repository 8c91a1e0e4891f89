"""Every bad input and every configuration error, end to end through `summarizer summarize` run
as a subprocess: the exit code, exactly one `summarizer: error:` line on stderr (warnings
aside), nothing on stdout, never a traceback. The cases that still summarize (a file that is not
UTF-8, an HTML page) run against the fake model over real HTTP."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.clihelp import summarizer_cli
from tests.extraction.test_pipeline import SCRIPT, TEXT
from tests.fakeserver import FakeModelServer, scripted


def _error_line(proc: object, code: int) -> str:
    """Check the one-line failure shape and return the message after `summarizer: error: `."""
    rc, out, err = proc.returncode, proc.stdout, proc.stderr  # type: ignore[attr-defined]
    assert rc == code, f"exit {rc}, expected {code}; stderr: {err}"
    assert "Traceback" not in err and "Traceback" not in out
    assert out == ""
    lines = [ln for ln in err.splitlines() if not ln.startswith("summarizer: warning: ")]
    assert len(lines) == 1, err
    assert lines[0].startswith("summarizer: error: "), err
    return lines[0].removeprefix("summarizer: error: ")


def _summarize(*args: str, **kw: object) -> object:
    return summarizer_cli("summarize", *args, **kw)  # type: ignore[arg-type]


# -- input errors: exit 2 -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("empty.txt", b"", "the article is empty"),
        ("blank.txt", b"  \n\t\n   \r\n", "the article is blank (only whitespace)"),
        ("binary.bin", bytes(range(256)) * 8, "looks like a binary file, not text"),
        (
            "binary-no-nul.bin",
            bytes(range(1, 32)) * 100 + bytes(range(128, 256)) * 20,
            "looks like a binary file, not text",
        ),
        (
            "page.html",
            b"<!doctype html><html><head><title>x</title><script>var a=1;</script></head><body></body></html>",
            "HTML with no article text in it",
        ),
    ],
)
def test_bad_file_contents(tmp_path: Path, name: str, content: bytes, message: str) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    assert _error_line(_summarize(str(path), "-m", "openai/never-called"), 2) == f"{path}: {message}"


def test_missing_path(tmp_path: Path) -> None:
    path = tmp_path / "nowhere.txt"
    assert _error_line(_summarize(str(path)), 2) == f"{path}: no such file"


def test_path_through_a_file(tmp_path: Path) -> None:
    (tmp_path / "f.txt").write_text("x")
    path = tmp_path / "f.txt" / "a.txt"
    assert _error_line(_summarize(str(path)), 2).startswith(f"{path}: no such file")


def test_directory(tmp_path: Path) -> None:
    assert _error_line(_summarize(str(tmp_path)), 2) == (
        f"{tmp_path}: is a directory, not an article (hint: use `summarizer batch DIR`)"
    )


def test_not_a_regular_file() -> None:
    assert _error_line(_summarize("/dev/null"), 2) == "/dev/null: not a regular file"


def test_name_too_long(tmp_path: Path) -> None:
    path = tmp_path / ("x" * 300)
    assert _error_line(_summarize(str(path)), 2) == f"{path}: cannot read: File name too long"


@pytest.fixture
def unreadable_file(tmp_path: Path) -> Iterator[Path]:
    """A file with mode 000."""
    path = tmp_path / "secret.txt"
    path.write_text(TEXT, encoding="utf-8")
    path.chmod(0)
    yield path
    path.chmod(0o600)


def test_unreadable_file(unreadable_file: Path) -> None:
    """As root, only the capabilities that let root read any file are dropped (the user stays
    the same), so the command still runs from a clone in a folder only its owner can enter
    (issue 10, item 20)."""
    drop = os.geteuid() == 0
    if drop and shutil.which("setpriv") is None:
        pytest.skip("running as root and setpriv is not available to drop dac_override/dac_read_search")
    proc = _summarize(str(unreadable_file), drop_dac=drop)
    assert _error_line(proc, 2) == f"{unreadable_file}: permission denied"


def test_over_the_size_limit(tmp_path: Path) -> None:
    path = tmp_path / "long.txt"
    path.write_text(TEXT * 10, encoding="utf-8")
    chars = len(TEXT * 10)
    assert _error_line(_summarize(str(path), "--max-chars", "1000"), 2) == (
        f"{path}: {chars:,} characters, over the limit of 1,000 (hint: raise it with --max-chars)"
    )
    # the limit is also read from the environment
    proc = _summarize(str(path), env={"SUMMARIZER_MAX_CHARS": "500"})
    assert "over the limit of 500" in _error_line(proc, 2)


def test_huge_file_refused_before_reading(tmp_path: Path) -> None:
    path = tmp_path / "huge.txt"
    with path.open("wb") as fh:
        fh.truncate(50_000_000)  # sparse: no disk used
    assert _error_line(_summarize(str(path)), 2) == (
        f"{path}: 50,000,000 bytes, over the limit of 200,000 characters (hint: raise it with --max-chars)"
    )


def test_empty_stdin() -> None:
    assert _error_line(_summarize("-", stdin=b""), 2) == "stdin: the article is empty"


def test_binary_stdin() -> None:
    assert _error_line(_summarize("-", stdin=b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), 2) == (
        "stdin: looks like a binary file, not text"
    )


def test_unwritable_output(tmp_path: Path) -> None:
    article = tmp_path / "a.txt"
    article.write_text(TEXT, encoding="utf-8")
    out = tmp_path / "no" / "such" / "dir" / "out.json"
    with FakeModelServer(scripted(SCRIPT)) as server:
        proc = summarizer_cli(
            "--base-url", server.base_url, "summarize", str(article), "-m", "openai/fake", "-o", str(out)
        )
    assert _error_line(proc, 2) == f"{out}: cannot write the output: No such file or directory"


# -- inputs that still summarize, with a warning ------------------------------------------------


def test_not_utf8_is_decoded_with_a_warning(tmp_path: Path) -> None:
    text = TEXT.replace("near Bakhmut on Tuesday", "near Bakhmut caf\u00e9 on Tuesday")
    path = tmp_path / "latin1.txt"
    path.write_bytes(text.encode("cp1252"))
    with FakeModelServer(scripted(SCRIPT)) as server:
        proc = summarizer_cli("--base-url", server.base_url, "summarize", str(path), "-m", "openai/fake")
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    bad = text.encode("utf-8").index("caf\u00e9".encode()) + 3
    warning = (
        f"{path}: not valid UTF-8 (first bad byte at offset {bad}); 1 undecodable byte sequence(s) replaced with U+FFFD"
    )
    assert proc.stderr.splitlines() == [f"summarizer: warning: {warning}"]
    doc = json.loads(proc.stdout)
    assert warning in doc["provenance"]["warnings"]
    decoded = text.replace("\u00e9", "\ufffd")
    assert doc["article"]["sha256"] == hashlib.sha256(decoded.encode("utf-8")).hexdigest()
    assert doc["casualties"]  # the rest of the article was read as usual


def test_html_is_reduced_to_its_text(tmp_path: Path) -> None:
    paras = "".join(f"<p>{p}</p>" for p in TEXT.split("\n\n")[1:])
    page = (
        f"<!doctype html><html><head><title>Retreat</title><script>track()</script></head><body>"
        f"<nav><a href='/'>Home</a></nav><article><h1>Russian retreat near Bakhmut</h1>{paras}</article>"
        f"<footer>Copyright</footer></body></html>"
    )
    path = tmp_path / "page.html"
    path.write_text(page, encoding="utf-8")
    with FakeModelServer(scripted(SCRIPT)) as server:
        proc = summarizer_cli("--base-url", server.base_url, "summarize", str(path), "-m", "openai/fake")
        sent = server.requests[0]["messages"][1]["content"]
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr.splitlines() == [
        f"summarizer: warning: {path}: HTML input; summarized the article text extracted from it"
    ]
    doc = json.loads(proc.stdout)
    text = doc["article"]["text"]  # the extracted text travels with the document: spans index it
    assert "Russian forces retreated" in text and "track()" not in text and "<p>" not in text
    assert "track()" not in sent and "<p>" not in sent
    for c in doc["casualties"]:
        for s in c["evidence"]:
            assert text[s["start"] : s["end"]] == s["text"]


# -- provider and configuration errors: exit 3 --------------------------------------------------


def test_missing_api_key(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_text(TEXT, encoding="utf-8")
    proc = _summarize(str(path), "-m", "openai/gpt-4o-mini", drop_env=("OPENAI_API_KEY", "SUMMARIZER_BASE_URL"))
    assert _error_line(proc, 3) == (
        "openai/gpt-4o-mini needs an API key "
        "(hint: set OPENAI_API_KEY, or --base-url for another OpenAI-compatible server)"
    )


@pytest.mark.parametrize(
    ("model", "start"),
    [
        ("nope/x", "unknown provider 'nope' in model 'nope/x' (hint: providers: "),
        ("gpt4", "model 'gpt4' is not of the form provider/model (hint: e.g. local/qwen2.5-coder-1.5b"),
        ("local/nope", "unknown local model 'local/nope' (hint: `summarizer models list` shows them: "),
    ],
)
def test_unknown_model(tmp_path: Path, model: str, start: str) -> None:
    path = tmp_path / "a.txt"
    path.write_text(TEXT, encoding="utf-8")
    assert _error_line(_summarize(str(path), "-m", model), 3).startswith(start)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_server_unreachable(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_text(TEXT, encoding="utf-8")
    url = f"http://127.0.0.1:{_free_port()}/v1"
    proc = summarizer_cli("--base-url", url, "summarize", str(path), "-m", "openai/any")
    assert _error_line(proc, 3) == f"cannot reach openai/any at {url} (hint: is the server running? check --base-url)"


def test_ollama_unreachable(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_text(TEXT, encoding="utf-8")
    url = f"http://127.0.0.1:{_free_port()}/v1"
    proc = _summarize(str(path), "-m", "ollama/llama3", env={"OLLAMA_BASE_URL": url}, drop_env=("SUMMARIZER_BASE_URL",))
    assert _error_line(proc, 3) == (
        f"cannot reach ollama/llama3 at {url} (hint: is the server running? check --base-url)"
    )


def test_local_model_not_installed(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_text(TEXT, encoding="utf-8")
    cache = tmp_path / "empty-cache"
    cache.mkdir()
    proc = _summarize(str(path), "-m", "local/qwen2.5-coder-1.5b", env={"SUMMARIZER_CACHE_DIR": str(cache)})
    assert _error_line(proc, 3) == (
        f"local model local/qwen2.5-coder-1.5b is not installed in {cache / 'models'} "
        "(hint: summarizer models pull local/qwen2.5-coder-1.5b)"
    )


def test_api_key_rejected(tmp_path: Path) -> None:
    from tests.fakeserver import status

    path = tmp_path / "a.txt"
    path.write_text(TEXT, encoding="utf-8")
    with FakeModelServer(lambda req: status(401, message="Incorrect API key provided")) as server:
        proc = summarizer_cli(
            "--base-url",
            server.base_url,
            "summarize",
            str(path),
            "-m",
            "openai/fake",
            env={"OPENAI_API_KEY": "sk-test-not-a-real-key-0123456789"},
        )
    msg = _error_line(proc, 3)
    assert msg == f"openai/fake at {server.base_url} rejected the API key (401) (hint: check OPENAI_API_KEY)"
    assert "sk-test" not in proc.stderr
