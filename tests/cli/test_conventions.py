"""CLI conventions (issue 12, part 4): global options after the command, -h, --version, flags
without a type, -f md, --out -, one-line usage errors; the config file and the default model;
eval's preflight; the response cache of live summarize and eval; --record-missing."""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from typer.testing import CliRunner

from summarizer import __version__
from summarizer import models as providers
from summarizer.cli import app
from summarizer.config import DEFAULT_MODEL, Settings, default_model
from summarizer.errors import ConfigError
from tests.clihelp import summarizer_cli
from tests.extraction.test_pipeline import SCRIPT, TEXT
from tests.fakeserver import completion, scripted

runner = CliRunner()
ROOT = Path(__file__).resolve().parent.parent.parent
PROJECT_ARTICLE = ROOT / "evals" / "datasets" / "articles" / "001_0f1bb87850801b8c.txt"


def _article(tmp_path: Path) -> Path:
    path = tmp_path / "bakhmut.txt"
    path.write_text(TEXT, encoding="utf-8")
    return path


def _one_error_line(stderr: str) -> str:
    lines = [line for line in stderr.splitlines() if line.strip() and not line.startswith("summarizer: warning:")]
    assert len(lines) == 1, stderr
    assert lines[0].startswith("summarizer: error: "), stderr
    return lines[0].removeprefix("summarizer: error: ")


@pytest.fixture
def config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The config file the run reads ($SUMMARIZER_CONFIG); the test writes it."""
    path = tmp_path / "cfg" / "config.toml"
    path.parent.mkdir()
    monkeypatch.setenv("SUMMARIZER_CONFIG", str(path))
    return path


@pytest.fixture
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "responses"
    monkeypatch.setenv("SUMMARIZER_RESPONSE_CACHE", str(path))
    return path


# -- global options after the command ----------------------------------------------------------


def test_offline_after_the_command(tmp_path: Path, fake_model) -> None:
    fake_model(scripted(SCRIPT))
    args = ["summarize", str(_article(tmp_path)), "-m", "fake/m", "--offline", "--cassettes", str(tmp_path / "none")]
    result = runner.invoke(app, args)
    assert result.exit_code == 4, result.output  # replay was asked for: the miss, not "No such option"
    assert "no recorded answer for model fake/m" in _one_error_line(result.stderr)


@pytest.mark.parametrize("form", [["--prompt", "brief-v3"], ["--prompt=brief-v3"]])
def test_prompt_after_the_command(form: list[str]) -> None:
    proc = summarizer_cli("summarize", str(PROJECT_ARTICLE), *form, "--offline", "-m", "local/qwen2.5-coder-0.5b")
    assert proc.returncode == 4  # no brief-v3 cassette for this article: the option reached the run
    assert "prompt brief-v3" in _one_error_line(proc.stderr)


def test_eval_global_options_after_the_command(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SUMMARIZER_DATA_DIR", str(tmp_path / "data"))
    proc = summarizer_cli("eval", "-m", "local/qwen2.5-coder-0.5b", "--offline", "--prompt", "brief-v3")
    assert proc.returncode == 4, proc.stderr
    message = _one_error_line(proc.stderr)
    assert message.startswith("local/qwen2.5-coder-0.5b: 27 of 27 articles have no cassette for prompt brief-v3")
    assert not (tmp_path / "data").exists()  # nothing ran, nothing went into the history


def test_a_command_keeps_its_own_option_of_the_same_name() -> None:
    result = runner.invoke(app, ["eval", "--record", "--offline"])  # eval's own --record; --offline is global
    assert result.exit_code == 2
    assert _one_error_line(result.stderr) == "--offline and --record exclude each other"


def test_eval_record_excludes_record_missing() -> None:
    result = runner.invoke(app, ["eval", "--record", "--record-missing"])
    assert result.exit_code == 2
    assert _one_error_line(result.stderr) == "--record-missing and --record exclude each other"


def test_nothing_after_double_dash_is_moved(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["summarize", "--", "--offline"])
    assert result.exit_code == 2
    assert _one_error_line(result.stderr) == "--offline: no such file"


def test_a_global_option_without_its_value() -> None:
    result = runner.invoke(app, ["summarize", "a.txt", "--prompt"])
    assert result.exit_code == 2
    assert _one_error_line(result.stderr).startswith("Option '--prompt' requires an argument.")


# -- usage errors, -h, --version, the help ----------------------------------------------------


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["summarize", "a.txt", "--nope"], "No such option: --nope"),
        (["summarize"], "Missing argument 'source'."),
        (["summarize", "a.txt", "-f", "xml"], "'xml' is not one of"),
        (["nope"], "No such command 'nope'."),
        (["--offline", "--record-missing", "models", "list"], "--offline and --record-missing exclude each other"),
    ],
)
def test_usage_errors_are_one_line_exit_2(args: list[str], message: str) -> None:
    proc = summarizer_cli(*args)
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert message in _one_error_line(proc.stderr)
    assert "╭" not in proc.stderr and "Usage:" not in proc.stderr


@pytest.mark.parametrize(
    "command",
    [
        [],
        ["summarize"],
        ["batch"],
        ["eval"],
        ["serve"],
        ["models"],
        ["models", "list"],
        ["models", "pull"],
        ["cache"],
        ["cache", "info"],
        ["cache", "clear"],
    ],  # fmt: skip
)
def test_h_is_help_everywhere(command: list[str]) -> None:
    result = runner.invoke(app, [*command, "-h"])
    assert result.exit_code == 0, result.output
    assert "Usage:" in result.output
    assert "<bool>" not in result.output  # a flag takes no value


def test_version() -> None:
    proc = summarizer_cli("--version")
    assert proc.returncode == 0
    assert proc.stdout == f"summarizer {__version__}\n"


# -- -f md, --out - ------------------------------------------------------------------------------


def test_md_is_markdown_and_out_dash_is_stdout(tmp_path: Path, fake_model, monkeypatch) -> None:
    fake_model(scripted(SCRIPT))
    monkeypatch.chdir(tmp_path)
    path = str(_article(tmp_path))
    md = runner.invoke(app, ["summarize", path, "-m", "fake/m", "-f", "md", "--no-cache"])
    markdown = runner.invoke(app, ["summarize", path, "-m", "fake/m", "-f", "markdown", "--no-cache"])
    assert md.exit_code == 0 and md.stdout.startswith("# ")
    seconds = re.compile(r"\d+\.\d+ s\b")  # the latency of each live run differs
    assert seconds.sub("N s", md.stdout) == seconds.sub("N s", markdown.stdout)
    dash = runner.invoke(app, ["summarize", path, "-m", "fake/m", "--out", "-", "--no-cache"])
    assert dash.exit_code == 0
    assert json.loads(dash.stdout)["provenance"]["model"] == "fake/m"
    assert not (tmp_path / "-").exists()


def test_eval_json_dash_is_stdout_and_the_tables_go_to_stderr(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("SUMMARIZER_DATA_DIR", str(tmp_path / "data"))
    dataset = tmp_path / "one.jsonl"
    first = (ROOT / "evals" / "datasets" / "articles.jsonl").read_text(encoding="utf-8").splitlines()[0]
    dataset.write_text(first + "\n", encoding="utf-8")
    proc = summarizer_cli("eval", "-d", str(dataset), "-m", "local/qwen2.5-coder-0.5b", "--offline", "--json", "-")
    assert proc.returncode == 0, proc.stderr
    figures = json.loads(proc.stdout)  # stdout is the JSON alone
    assert figures["offline"] is True and figures["runs"][0]["model"] == "local/qwen2.5-coder-0.5b"
    assert "macro F1" in proc.stderr
    assert not (ROOT / "-").exists()


def test_batch_out_dash_is_refused(tmp_path: Path) -> None:
    proc = summarizer_cli("batch", str(_article(tmp_path)), "--out", "-")
    assert proc.returncode == 2
    assert _one_error_line(proc.stderr).startswith("--out -: a batch writes a file it can resume from")


# -- the config file and the default model ----------------------------------------------------


def test_default_model_precedence(config: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert default_model() == DEFAULT_MODEL  # no file: the built-in default
    config.write_text('model = "openai/from-config"\n')
    assert default_model() == "openai/from-config"
    monkeypatch.setenv("SUMMARIZER_MODEL", "openai/from-env")
    assert default_model() == "openai/from-env"


def test_summarize_uses_the_configured_model_and_the_option_wins(tmp_path: Path, config: Path, fake_model) -> None:
    fake_model(scripted(SCRIPT))
    config.write_text('model = "fake/configured"\n')
    path = str(_article(tmp_path))
    result = runner.invoke(app, ["summarize", path, "--no-cache"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["provenance"]["model"] == "fake/configured"
    result = runner.invoke(app, ["summarize", path, "-m", "fake/option", "--no-cache"])
    assert json.loads(result.stdout)["provenance"]["model"] == "fake/option"


def test_the_configured_prompt_and_the_option_wins(config: Path) -> None:
    config.write_text('prompt = "brief-v3"\n')
    proc = summarizer_cli("summarize", str(PROJECT_ARTICLE), "--offline", "-m", "local/qwen2.5-coder-0.5b")
    assert proc.returncode == 4 and "prompt brief-v3" in _one_error_line(proc.stderr)
    proc = summarizer_cli(
        "summarize", str(PROJECT_ARTICLE), "--offline", "-m", "local/qwen2.5-coder-0.5b", "--prompt", "brief-v5"
    )
    assert proc.returncode == 0, proc.stderr  # brief-v5 is recorded


def test_base_url_precedence(config: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SUMMARIZER_BASE_URL", raising=False)
    config.write_text('base_url = "http://all:1/v1"\n[providers.openai]\nbase_url = "http://openai-only:1/v1"\n')
    assert Settings().effective_base_url("ollama") == "http://all:1/v1"
    assert Settings().effective_base_url("openai") == "http://openai-only:1/v1"
    monkeypatch.setenv("SUMMARIZER_BASE_URL", "http://env:1/v1")
    assert Settings().effective_base_url("openai") == "http://env:1/v1"
    assert Settings(base_url="http://option:1/v1").effective_base_url("openai") == "http://option:1/v1"


def test_a_configured_provider_resolves_and_is_listed(config: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config.write_text('[providers.gpu]\nbase_url = "http://gpu.lan:8000/v1"\napi_key_env = "GPU_TOKEN"\n')
    monkeypatch.delenv("GPU_TOKEN", raising=False)
    with pytest.raises(ConfigError) as missing:
        providers.resolve("gpu/qwen", Settings())
    assert missing.value.one_line() == "gpu/qwen needs an API key (hint: set GPU_TOKEN)"
    monkeypatch.setenv("GPU_TOKEN", "s3cr3t-value-0123456789")
    spec = providers.resolve("gpu/qwen", Settings())
    assert (spec.base_url, spec.api_key, spec.model_id, spec.mode) == (
        "http://gpu.lan:8000/v1",
        "s3cr3t-value-0123456789",
        "qwen",
        "json_schema",
    )
    listed = runner.invoke(app, ["models", "list"])
    assert listed.exit_code == 0
    assert "gpu/<model>" in listed.stdout and "http://gpu.lan:8000/v1" in listed.stdout
    assert "GPU_TOKEN (set)" in listed.stdout and "s3cr3t" not in listed.stdout


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("model = [\n", "not valid TOML"),
        ('modle = "openai/x"\n', "modle: unknown key"),
        ('model = "no-slash"\n', "model: not of the form provider/model"),
        ('base_url = "ftp://x"\n', "base_url: not an http(s) URL"),
        ('[providers.local]\nbase_url = "http://x/v1"\n', "providers: 'local' is the embedded models' provider"),
        ('[providers.gpu]\napi_key = "sk-live-abcdefghijklmnopqrstuv"\n', "providers.gpu.api_key: a key does not go"),
        ('[providers.gpu]\napi_key_env = "sk-live-abc def"\n', "must be the name of an environment variable"),
    ],
)
def test_a_malformed_config_is_one_line_exit_3(config: Path, text: str, message: str) -> None:
    config.write_text(text)
    proc = summarizer_cli("models", "list")
    assert proc.returncode == 3 and proc.stdout == ""
    line = _one_error_line(proc.stderr)
    assert line.startswith(f"{config}: ") and message in line
    assert "abcdefghijklmnop" not in line  # a key written into the file is never echoed


# -- eval's preflight ---------------------------------------------------------------------------


@pytest.fixture
def refusing_server() -> Iterator[str]:
    """A server that answers every request with 401."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(401)
            self.send_header("content-length", "0")
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/v1"
    httpd.shutdown()
    httpd.server_close()


def _closed_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.mark.parametrize("case", ["unreachable", "refused-key", "not-installed", "no-key"])
def test_eval_checks_every_model_before_the_first_article(
    case: str, tmp_path: Path, config: Path, monkeypatch: pytest.MonkeyPatch, refusing_server: str
) -> None:
    monkeypatch.setenv("SUMMARIZER_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("SUMMARIZER_CACHE_DIR", str(tmp_path / "cache"))  # no local weights there
    monkeypatch.setenv("GPU_TOKEN", "tok-0123456789abcdef")
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    url = {"unreachable": f"http://127.0.0.1:{_closed_port()}/v1", "refused-key": refusing_server}.get(
        case, "http://x/v1"
    )
    config.write_text(f'[providers.gpu]\nbase_url = "{url}"\napi_key_env = "GPU_TOKEN"\n')
    model = {"not-installed": "local/gemma-3-270m", "no-key": "openai/gpt-4o-mini"}.get(case, "gpu/m")
    proc = summarizer_cli("eval", "-m", model)
    assert proc.returncode == 3, proc.stderr
    line = _one_error_line(proc.stderr)
    expected = {
        "unreachable": "gpu/m: the server at",
        "refused-key": "gpu/m: the server at",
        "not-installed": "local model local/gemma-3-270m is not installed",
        "no-key": "openai/gpt-4o-mini needs an API key",
    }[case]
    assert line.startswith(expected), line
    assert {"unreachable": "does not answer", "refused-key": "refused the key (HTTP 401)"}.get(case, "") in line
    assert proc.stdout == ""  # no table of zeros
    assert not (tmp_path / "data").exists()  # and no history


# -- the response cache of live runs --------------------------------------------------------


def test_a_second_live_summarize_is_answered_by_the_cache(tmp_path: Path, fake_model, cache_dir: Path) -> None:
    server = fake_model(scripted(SCRIPT))
    path = str(_article(tmp_path))
    first = runner.invoke(app, ["summarize", path, "-m", "fake/m"])
    assert first.exit_code == 0, first.output
    calls = len(server.requests)
    assert calls > 0 and "response cache" not in first.stderr
    second = runner.invoke(app, ["summarize", path, "-m", "fake/m"])
    assert second.exit_code == 0
    assert len(server.requests) == calls  # nothing paid twice
    assert f"{calls} of {calls} model answers came from the response cache" in second.stderr
    assert json.loads(second.stdout)["actors"] == json.loads(first.stdout)["actors"]
    runner.invoke(app, ["summarize", path, "-m", "fake/m", "--no-cache"])
    assert len(server.requests) == 2 * calls
    for entry in cache_dir.rglob("*.json"):
        assert "test-key" not in entry.read_text()  # the request's key is never stored


def test_answers_that_made_no_document_are_not_kept(tmp_path: Path, fake_model, cache_dir: Path) -> None:
    server = fake_model(lambda request: completion("not json at all"))
    path = str(_article(tmp_path))
    result = runner.invoke(app, ["summarize", path, "-m", "fake/m"])
    assert result.exit_code == 5, result.output
    assert not list(cache_dir.rglob("*.json"))  # a rerun asks the model again
    calls = len(server.requests)
    assert runner.invoke(app, ["summarize", path, "-m", "fake/m"]).exit_code == 5
    assert len(server.requests) == 2 * calls


def test_cache_info_and_clear(tmp_path: Path, fake_model, cache_dir: Path) -> None:
    fake_model(scripted(SCRIPT))
    assert runner.invoke(app, ["summarize", str(_article(tmp_path)), "-m", "fake/m"]).exit_code == 0
    entries = len(list(cache_dir.rglob("*.json")))
    info = runner.invoke(app, ["cache", "info"])
    assert info.exit_code == 0
    assert f"path     {cache_dir}" in info.stdout and f"entries  {entries}" in info.stdout
    foreign = cache_dir / "notes.txt"
    foreign.write_text("mine")
    cleared = runner.invoke(app, ["cache", "clear"])
    assert cleared.exit_code == 0
    assert cleared.stdout.startswith(f"removed {entries} entries (") and str(cache_dir) in cleared.stdout
    assert not list(cache_dir.rglob("*.json")) and foreign.read_text() == "mine"
    assert "entries  0" in runner.invoke(app, ["cache", "info"]).stdout


# -- --record-missing ---------------------------------------------------------------------------


def test_record_missing_records_what_is_missing_and_keeps_what_is_there(tmp_path: Path, fake_model) -> None:
    server = fake_model(scripted(SCRIPT))
    cassettes = tmp_path / "cassettes"
    path = str(_article(tmp_path))
    args = ["--record-missing", "--cassettes", str(cassettes), "summarize", path, "-m", "fake/m"]
    first = runner.invoke(app, args)
    assert first.exit_code == 0, first.output
    recorded = list(cassettes.rglob("*.json"))
    cassette = next(p for p in recorded if not p.name.endswith(".meta.json"))
    calls, content = len(server.requests), cassette.read_bytes()
    assert calls > 0
    again = runner.invoke(app, args)
    assert again.exit_code == 0
    assert len(server.requests) == calls  # all recorded: replayed, the model is not asked
    assert cassette.read_bytes() == content  # and the cassette is kept as it was
    replay = runner.invoke(app, ["summarize", path, "-m", "fake/m", "--offline", "--cassettes", str(cassettes)])
    assert replay.exit_code == 0
    assert json.loads(replay.stdout)["actors"] == json.loads(first.stdout)["actors"]


def test_record_missing_adds_its_latency_to_the_recorded_one(tmp_path: Path, fake_model) -> None:
    """The latency beside a cassette is the live calls' time; recording only the missing calls
    adds theirs to it, never replaces it with theirs alone (the replayed calls took no time)."""
    fake_model(scripted(SCRIPT))
    cassettes = tmp_path / "cassettes"
    args = ["--record-missing", "--cassettes", str(cassettes), "summarize", str(_article(tmp_path)), "-m", "fake/m"]
    assert runner.invoke(app, args).exit_code == 0
    meta = next(p for p in cassettes.rglob("*.meta.json"))
    cassette = meta.with_name(meta.name.replace(".meta.json", ".json"))
    data = json.loads(cassette.read_text())
    data["interactions"] = data["interactions"][:-1]  # one call is missing
    cassette.write_text(json.dumps(data))
    meta.write_text(json.dumps({**json.loads(meta.read_text()), "latency_s": 1000.0}))
    assert runner.invoke(app, args).exit_code == 0
    assert json.loads(meta.read_text())["latency_s"] > 1000.0


def test_record_missing_eval_needs_no_model_when_everything_is_recorded(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SUMMARIZER_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("SUMMARIZER_CACHE_DIR", str(tmp_path / "cache"))  # no weights: the model cannot start
    dataset = tmp_path / "one.jsonl"
    first = (ROOT / "evals" / "datasets" / "articles.jsonl").read_text(encoding="utf-8").splitlines()[0]
    dataset.write_text(first + "\n", encoding="utf-8")
    before = sorted(p.stat().st_mtime_ns for p in (ROOT / "cassettes").rglob("*.json"))
    proc = summarizer_cli("--record-missing", "eval", "-d", str(dataset), "-m", "local/qwen2.5-coder-0.5b")
    assert proc.returncode == 0, proc.stderr
    assert "failures                   0 of 1 articles" in proc.stdout
    assert sorted(p.stat().st_mtime_ns for p in (ROOT / "cassettes").rglob("*.json")) == before
