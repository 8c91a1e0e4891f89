"""The counted suite, continued (issue 21, section 3): secrets on screen, HTML in Markdown, corrupt
cassettes, FIFOs and devices named by the environment, stdout that cannot be written, usage
that is not a token count, a busy `serve --port`, wrong messages and unchecked values, and
news lines the injection filter must keep visible.

In-process where the library decides (typer's CliRunner, or the function itself); as a
subprocess where the process itself is the point (a closed stdout, a FIFO that would hang).
"""

from __future__ import annotations

import http.server
import json
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from summarizer import inputs as articles
from summarizer.cli import app
from summarizer.config import Settings
from summarizer.config_file import load_config
from summarizer.errors import ConfigError, ProviderError
from summarizer.models import cassette_path, scrub_secrets
from tests.cli.test_robustness import BAD_INPUT, DATA_LOSS, FAULT, any_answer, cli, one_error
from tests.clihelp import summarizer_bin
from tests.extraction.test_pipeline import TEXT
from tests.fakeserver import FakeModelServer

runner = CliRunner()
SLOW = 240  # seconds for a subprocess: the machine may be busy; a hang still fails


@pytest.fixture
def work(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "a.txt").write_text(TEXT, encoding="utf-8")
    monkeypatch.setenv("SUMMARIZER_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("SUMMARIZER_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("SUMMARIZER_CONFIG", str(tmp_path / "config.toml"))
    for name in ("SUMMARIZER_BASE_URL", "SUMMARIZER_TRACE", "OPENAI_API_KEY"):
        monkeypatch.delenv(name, raising=False)
    return tmp_path


@pytest.fixture
def model_server() -> Iterator[FakeModelServer]:
    with FakeModelServer(any_answer) as server:
        yield server


# -- secrets on screen ------------------------------------------------------------------------

URL_SECRETS = {
    "issue21-models-list-base-url-env-password": ("env", "http://bob:Pw4models21x@gpu.example:8000/v1", "Pw4models21x"),
    "issue21-models-list-base-url-env-api-key": (
        "env",
        "http://gpu.example/v1?api_key=Q8secretvalue21",
        "Q8secretvalue21",
    ),
    "issue21-models-list-config-base-url-password": ("config", "http://bob:Cfg0secret21@h/v1", "Cfg0secret21"),
    "issue21-models-list-config-provider-api-key": ("provider", "http://h/v1?token=Prov1secret21zz", "Prov1secret21zz"),
}


@DATA_LOSS
@pytest.mark.parametrize("case", list(URL_SECRETS))
def test_models_list_never_prints_a_url_secret(case: str, work: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    where, url, secret = URL_SECRETS[case]
    if where == "env":
        monkeypatch.setenv("SUMMARIZER_BASE_URL", url)
    elif where == "config":
        (work / "config.toml").write_text(f'base_url = "{url}"\n', encoding="utf-8")
    else:
        (work / "config.toml").write_text(f'[providers.gpu]\nbase_url = "{url}"\n', encoding="utf-8")
    result = runner.invoke(app, ["models", "list"], env={"COLUMNS": "300"})
    assert result.exit_code == 0, result.output
    assert secret not in result.output
    assert "gpu" in result.output or "h/v1" in result.output or "gpu.example" in result.output


def test_the_scrubber_removes_a_url_password_wherever_it_is_quoted() -> None:
    assert scrub_secrets("cannot reach x at http://bob:pw-x@h/v1 now") == "cannot reach x at http://***@h/v1 now"


TOKENS = {
    "issue21-api-key-env-hf-token": "hf_" + "aB3dE5fG7hI9jK1lM3nO5pQ7",
    "issue21-api-key-env-github-token": "ghp_" + "1aB2cD3eF4gH5iJ6kL7mN8oP9qR0sT",
    "issue21-api-key-env-github-pat": "github_pat_" + "11ABCDEFG0123456789_abcdefXYZ",
    "issue21-api-key-env-openai-style-key": "sk_" + "proj_aB3dE5fG7hI9jK1lM3nO5pQ7",  # a valid name, syntactically
    "issue21-api-key-env-high-entropy": "Zq8Xv2Lm9Tr4Kp7Wn3Bc6Hd1",
}


@DATA_LOSS
@pytest.mark.parametrize("case", list(TOKENS))
def test_a_token_written_as_api_key_env_is_refused(case: str, work: Path) -> None:
    token = TOKENS[case]
    config = work / "config.toml"
    config.write_text(f'[providers.gpu]\nbase_url = "http://h/v1"\napi_key_env = "{token}"\n', encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        load_config(config)
    assert err.value.exit_code == 3 and token not in err.value.one_line()
    assert "providers.gpu.api_key_env" in err.value.one_line()
    result = runner.invoke(app, ["models", "list"])
    assert result.exit_code == 3 and token not in result.output


def test_a_variable_name_is_still_accepted(work: Path) -> None:
    for name in ("VLLM_API_KEY", "HF_TOKEN", "MY_GPU_SERVER_KEY_2", "GITHUB_TOKEN"):
        config = work / "config.toml"
        config.write_text(f'[providers.gpu]\napi_key_env = "{name}"\n', encoding="utf-8")
        assert load_config(config).providers["gpu"].api_key_env == name


# -- Markdown escapes HTML in every text field -------------------------------------------------

PAYLOADS = ["<img src=x onerror=alert(1)>", "<script>alert(2)</script>", "<a href='javascript:alert(3)'>x</a>"]


@BAD_INPUT
@pytest.mark.parametrize("payload", PAYLOADS, ids=["issue21-md-img-onerror", "issue21-md-script", "issue21-md-link"])
def test_markdown_never_passes_html(payload: str) -> None:
    from markdown_it import MarkdownIt

    from summarizer.contract import Actor, Drop, Dropped
    from summarizer.render import to_markdown
    from tests.test_render import document

    doc = document(description=f"Forces {payload} withdrew.")
    doc = doc.model_copy(
        update={
            "article": doc.article.model_copy(update={"title": payload, "id": f"id`{payload}"}),
            "summary": f"Shelling {payload} hit Bakhmut.",
            "actors": [Actor(id="a1", name=payload, kind="armed_forces", side=payload, aliases=[payload], mentions=[])],
            "locations": [doc.locations[0].model_copy(update={"name": payload, "admin1": payload})],
            "casualties": [doc.casualties[0].model_copy(update={"affected": payload, "claimed_by": payload})],
            "provenance": doc.provenance.model_copy(
                update={
                    "model": f"fake/{payload}",
                    "warnings": [payload],
                    "dropped": Dropped(
                        items=[payload],
                        details=[Drop(field="actors", reason="not_found", item=payload, message=payload)],
                    ),
                }
            ),
        }
    )
    md = to_markdown(doc)
    html = MarkdownIt("commonmark", {"html": True}).render(md)  # as a Markdown viewer renders it
    for tag in ("<img", "<script", "<a href='javascript"):
        assert tag not in html, (tag, html)
    assert html.count("&lt;") >= 10  # shown as text, in each field


# -- a corrupt cassette is exit 4, naming the file ---------------------------------------------

CORRUPT = {
    "issue21-cassette-truncated-json": '{"interactions": [{"request": {"method": "POST"',
    "issue21-cassette-interactions-null": '{"interactions": null, "version": 1}',
    "issue21-cassette-top-level-list": "[1, 2, 3]",
    "issue21-cassette-interaction-without-response": json.dumps(
        {
            "interactions": [
                {"request": {"method": "POST", "uri": "http://h/v1/chat/completions", "body": "", "headers": {}}}
            ]
        }
    ),
    "issue21-cassette-not-utf8": "\udcff\udcfe",
}


@FAULT
@pytest.mark.parametrize("mode", ["--offline", "--record-missing"])
@pytest.mark.parametrize("case", list(CORRUPT))
def test_a_corrupt_cassette_is_exit_4_with_its_name(case: str, mode: str, work: Path, model_server) -> None:
    article = articles.read_article(str(work / "a.txt"))
    folder = work / "cassettes"
    path = cassette_path(folder, "openai/fake", Settings().prompt_version, article.sha256)
    path.parent.mkdir(parents=True)
    path.write_bytes(CORRUPT[case].encode("utf-8", errors="surrogateescape"))
    before = path.read_bytes()
    args = ["--base-url", model_server.base_url, mode, "--cassettes", str(folder), "--no-log"]
    result = runner.invoke(app, [*args, "summarize", str(work / "a.txt"), "-m", "openai/fake", "--no-cache"])
    assert result.exit_code == 4, result.output
    assert f"summarizer: error: cassette {path}" in result.output
    assert path.read_bytes() == before  # never overwritten


def test_check_cassette_accepts_the_recorded_ones() -> None:
    from summarizer.errors import CassetteError  # new in issue 21: imported here, so the file runs on older code
    from summarizer.models._cassettes import check_cassette

    root = Path(__file__).resolve().parents[2] / "cassettes"
    found = [p for p in root.rglob("*.json") if not p.name.endswith(".meta.json")][:40]
    assert found
    for p in found:
        check_cassette(p)
    with pytest.raises(CassetteError):
        check_cassette(Path("/dev/null"))


# -- FIFOs and devices as SUMMARIZER_CONFIG or SUMMARIZER_TRACE ---------------------------------


def _special(kind: str, tmp_path: Path) -> str:
    if kind == "fifo":
        path = tmp_path / "fifo"
        os.mkfifo(path)
        return str(path)
    if kind == "huge":
        path = tmp_path / "huge.toml"
        path.write_bytes(b"# " + b"x" * 2_000_000 + b"\n")
        return str(path)
    return "/dev/zero"


@FAULT
@pytest.mark.parametrize("kind", ["fifo", "dev-zero", "huge"], ids=lambda k: f"issue21-config-is-{k}")
def test_a_config_that_is_not_a_regular_file_is_refused(kind: str, tmp_path: Path) -> None:
    config = _special(kind, tmp_path)
    proc = cli(tmp_path, "models", "list", env={"SUMMARIZER_CONFIG": config}, timeout=SLOW)
    message = one_error(proc, 3)
    assert message.startswith(f"{config}: the config file: ")
    assert ("larger than 1,000,000 bytes" if kind == "huge" else "not a regular file") in message


@FAULT
@pytest.mark.parametrize(
    "kind", ["fifo", "dev-zero", "folder", "missing-folder"], ids=lambda k: f"issue21-trace-is-{k}"
)
def test_a_trace_that_cannot_be_written_is_one_warning(kind: str, tmp_path: Path, model_server) -> None:
    trace = {"folder": str(tmp_path), "missing-folder": str(tmp_path / "no" / "t.jsonl")}.get(kind) or _special(
        "fifo" if kind == "fifo" else "zero", tmp_path
    )
    article = tmp_path / "a.txt"
    article.write_text(TEXT, encoding="utf-8")
    proc = cli(
        tmp_path,
        "--base-url",
        model_server.base_url,
        "summarize",
        str(article),
        "-m",
        "openai/fake",
        "--no-cache",
        env={"SUMMARIZER_TRACE": trace},
        timeout=SLOW,
    )
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    warnings = [ln for ln in proc.stderr.splitlines() if "SUMMARIZER_TRACE" in ln]
    assert len(warnings) == 1 and warnings[0].startswith("summarizer: warning: SUMMARIZER_TRACE"), proc.stderr
    assert json.loads(proc.stdout)["article"]["id"] == "a"


# -- stdout that cannot be written: exit 2, one line ------------------------------------------


def _run(args: list[str], redirect: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """The command with stdout closed (`>&-`) or sent to /dev/full, through the shell."""
    script = f'exec "$0" "$@" {redirect}'
    full = {**os.environ, "NO_COLOR": "1", **env}
    full.pop("SUMMARIZER_BASE_URL", None)
    return subprocess.run(
        ["sh", "-c", script, summarizer_bin(), *args], capture_output=True, text=True, env=full, timeout=SLOW
    )


@pytest.fixture(scope="module")
def logged(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, str]]:
    """A run log with one summarize run, and the fake server's base URL."""
    root = tmp_path_factory.mktemp("logged")
    (root / "a.txt").write_text(TEXT, encoding="utf-8")
    with FakeModelServer(any_answer) as server:
        proc = cli(
            root,
            "--log-db",
            str(root / "L.sqlite"),
            "--base-url",
            server.base_url,
            "summarize",
            str(root / "a.txt"),
            "-m",
            "openai/fake",
            "--no-cache",
            timeout=SLOW,
        )
        assert proc.returncode == 0, proc.stderr
        yield root, server.base_url


STDOUT_COMMANDS = {
    "summarize": ["summarize", "{a}", "-m", "openai/fake", "--no-cache"],
    "runs-show-json": ["runs", "show", "last", "--json"],
    "export": ["export", "last", "--format", "csv"],
    "models-list": ["models", "list"],
}


@FAULT
@pytest.mark.parametrize("redirect", [">&-", ">/dev/full"], ids=["closed", "dev-full"])
@pytest.mark.parametrize("command", list(STDOUT_COMMANDS))
def test_stdout_that_cannot_be_written_is_exit_2(command: str, redirect: str, logged: tuple[Path, str]) -> None:
    root, base_url = logged
    args = [a.replace("{a}", str(root / "a.txt")) for a in STDOUT_COMMANDS[command]]
    env = {"SUMMARIZER_CACHE_DIR": str(root / "cache"), "SUMMARIZER_DATA_DIR": str(root / "data")}
    proc = _run(["--log-db", str(root / "L.sqlite"), "--base-url", base_url, "--no-log", *args], redirect, env)
    message = one_error(proc, 2)
    reason = "stdout is closed" if redirect == ">&-" else "No space left on device"
    assert message == f"cannot write to stdout: {reason}"


@BAD_INPUT
@pytest.mark.parametrize("case", ["issue21-runs-list-huge-limit"])
def test_runs_list_with_a_huge_limit_is_a_usage_error(case: str, logged: tuple[Path, str]) -> None:
    root, _ = logged
    proc = cli(root, "--log-db", str(root / "L.sqlite"), "runs", "list", "-n", "99999999999999999999", timeout=SLOW)
    assert "--limit" in one_error(proc, 2)


# -- usage that is not a token count: one warning, not counted -----------------------------------

USAGES: dict[str, Any] = {
    "issue21-usage-nan-string": "NaN",
    "issue21-usage-negative": -5,
    "issue21-usage-10e30": 10**30,
}


@FAULT
@pytest.mark.parametrize("case", list(USAGES))
def test_usage_that_is_not_a_token_count_is_one_warning(case: str, tmp_path: Path) -> None:
    bad = USAGES[case]
    article = tmp_path / "a.txt"
    article.write_text(TEXT, encoding="utf-8")

    def answer(request: dict[str, Any]) -> tuple[int, dict[str, str], bytes]:
        status, headers, body = any_answer(request)
        data = json.loads(body)
        data["usage"]["prompt_tokens"] = bad
        return status, headers, json.dumps(data).encode()

    with FakeModelServer(answer) as server:
        proc = cli(
            tmp_path,
            "--base-url",
            server.base_url,
            "summarize",
            str(article),
            "-m",
            "openai/fake",
            "--no-cache",
            timeout=SLOW,
        )
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    warnings = [ln for ln in proc.stderr.splitlines() if "usage.prompt_tokens" in ln]
    assert len(warnings) == 1 and warnings[0].startswith("summarizer: warning: openai/fake: "), proc.stderr
    doc = json.loads(proc.stdout)
    assert doc["provenance"]["prompt_tokens"] == 0 and doc["provenance"]["completion_tokens"] > 0


# -- serve --port BUSY: nothing printed before the server is known to be ours ------------------


class _Foreign(http.server.BaseHTTPRequestHandler):
    def log_message(self, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        body = json.dumps({"data": [{"id": "someone-elses-model"}]}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@FAULT
@pytest.mark.parametrize("case", ["issue21-serve-on-a-busy-port"])
def test_serve_on_a_busy_port_prints_nothing(case: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from summarizer.local import _server as ls

    monkeypatch.setenv("SUMMARIZER_CACHE_DIR", str(tmp_path / "cache"))
    foreign = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Foreign)
    threading.Thread(target=foreign.serve_forever, daemon=True).start()
    port = foreign.server_address[1]
    ready: list[Any] = []
    sleeper = [sys.executable, "-c", "import time; time.sleep(30)"]
    try:
        with pytest.raises(ProviderError) as err:
            ls.serve("local/gemma-3-270m", port=port, on_ready=ready.append, command=lambda p: sleeper)
    finally:
        foreign.shutdown()
    assert ready == []
    assert f"port {port}" in err.value.one_line() and err.value.exit_code == 3


# -- wrong messages and unchecked values -------------------------------------------------------


@FAULT
@pytest.mark.parametrize("case", ["issue21-deeply-nested-json-answer"])
def test_a_deeply_nested_answer_is_not_cannot_reach(case: str, tmp_path: Path) -> None:
    body = b"[" * 200_000 + b"]" * 200_000
    article = tmp_path / "a.txt"
    article.write_text(TEXT, encoding="utf-8")
    with FakeModelServer(lambda r: (200, {"content-type": "application/json"}, body)) as server:
        proc = cli(
            tmp_path, "--base-url", server.base_url, "summarize", str(article), "-m", "openai/fake", timeout=SLOW
        )
        requests = len(server.requests)
    assert one_error(proc, 3) == (
        f"openai/fake at {server.base_url} answered with JSON nested too deeply to read, not an OpenAI chat "
        "completion (hint: is --base-url an OpenAI-compatible server?)"
    )
    assert requests == 1


@BAD_INPUT
@pytest.mark.parametrize("value", ["nan", "2", "-1", "inf"], ids=lambda v: f"issue21-min-f1-{v}")
def test_min_f1_must_be_between_0_and_1(value: str, work: Path) -> None:
    gold = Path(__file__).resolve().parents[1] / "data" / "gold_small.jsonl"
    result = runner.invoke(app, ["eval", "--dataset", str(gold), "-m", "openai/never", "--min-f1", value])
    assert result.exit_code == 2, result.output
    assert "--min-f1 must be between 0 and 1" in result.output


class _Latin1(http.server.BaseHTTPRequestHandler):
    def log_message(self, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        body = "Shelling hit the café district of Kherson on Monday, officials said.\n".encode("iso-8859-1")
        self.send_response(200)
        self.send_header("Content-Type", "text/plain; charset=iso-8859-1")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@BAD_INPUT
@pytest.mark.parametrize("case", ["issue21-url-charset-iso-8859-1"])
def test_a_urls_charset_is_honoured(case: str) -> None:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Latin1)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        article = articles.fetch_url(f"http://127.0.0.1:{server.server_address[1]}/a.txt", allow_private=True)
    finally:
        server.shutdown()
    assert "café" in article.text and "\ufffd" not in article.text
    assert not article.warnings


@BAD_INPUT
@pytest.mark.parametrize(
    "address", ["3fff::1", "3fff:fff::1", "5f00::1", "5f00:ab::1"], ids=lambda a: f"issue21-refused-{a}"
)
def test_documentation_and_srv6_ranges_are_refused(address: str) -> None:
    assert articles.is_refused_address(address)


# -- the injection filter keeps news lines visible ----------------------------------------------

NEWS_LINES = {
    "issue21-ignore-the-above-warnings": "Ignore the above warnings, residents were told, before shelling killed 6.",
    "issue21-disregard-said-the-commander": (
        "Disregard all prior instructions, the commander told his troops, before an assault in which 12 soldiers died."
    ),
    "issue21-leaked-system-prompt": (
        "A leaked chatbot system prompt circulated online on the day a strike on Sumy left 5 people wounded."
    ),
}


@BAD_INPUT
@pytest.mark.parametrize("case", list(NEWS_LINES))
def test_the_injection_filter_keeps_news_lines_with_figures(case: str) -> None:
    line = NEWS_LINES[case]
    text = f"Shelling hit Kharkiv on Monday.\n{line}\nTwo people were wounded."
    assert articles.hidden_passages(text) == []
