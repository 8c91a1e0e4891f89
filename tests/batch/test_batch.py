"""`summarizer batch` against a fake OpenAI-compatible model over real HTTP: one line per
article, error records, resume (skip done, retry failed, torn line, SIGKILL/SIGINT halfway),
real overlap under --concurrency, 429 Retry-After, per-article timeout, the response cache,
--max-cost, exit codes, and the OpenAI Batch API flow against a fake /v1/files + /v1/batches."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import replace
from email.parser import BytesParser
from email.policy import HTTP
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, cast

import pytest
from typer.testing import CliRunner

from summarizer import batch
from summarizer import models as providers
from summarizer.cli import app
from summarizer.config import Settings
from summarizer.models import ModelSpec
from tests.fakeserver import Delay, FakeModelServer, completion, status

ROOT = Path(__file__).resolve().parents[2]
MODEL = "fake/m"


def article(i: int) -> str:
    return f"Clash {i}\n\nUkrainian forces repelled an attack near Village{i} on Monday, officials said.\n"


FILLER = "Ukrainian forces repelled an attack."


def minimal(schema: dict[str, Any], defs: dict[str, Any]) -> Any:
    """The smallest instance of a JSON schema (required fields only, arrays at their minimum),
    so the fake answers stay valid while the extraction schema evolves."""
    if "$ref" in schema:
        return minimal(defs[schema["$ref"].rsplit("/", 1)[-1]], defs)
    if "const" in schema:
        return schema["const"]
    if "enum" in schema:
        return schema["enum"][0]
    for key in ("anyOf", "oneOf"):
        if key in schema:
            options = schema[key]
            for option in options:
                if option.get("type") == "null":
                    return None
            return minimal(options[0], defs)
    kind = schema.get("type")
    if isinstance(kind, list):
        if "null" in kind:
            return None
        kind = kind[0]
    if kind == "object" or "properties" in schema:
        props = schema.get("properties", {})
        return {k: minimal(props[k], defs) for k in schema.get("required", [])}
    if kind == "array":
        return [minimal(schema.get("items", {}), defs) for _ in range(schema.get("minItems", 0))]
    if kind == "string":
        return FILLER
    if kind in ("integer", "number"):
        return schema.get("minimum", 0)
    if kind == "boolean":
        return False
    return None


def answer(
    request: dict[str, Any], *, prompt_tokens: int = 100, completion_tokens: int = 20
) -> tuple[int, dict[str, str], bytes]:
    """A valid answer to every pass, for any article: the minimal instance of the schema the
    request asks for (response_format in json_object_schema mode)."""
    schema = request["response_format"]["schema"]
    content = json.dumps(minimal(schema, schema.get("$defs", {})))
    return completion(content, prompt_tokens=prompt_tokens, completion_tokens=completion_tokens)


def article_of(request: dict[str, Any]) -> str:
    """Which test article a request is about ("Clash N")."""
    text = " ".join(str(m.get("content")) for m in request["messages"])
    m = re.search(r"Clash (\d+)", text)
    return m.group(1) if m else "?"


def write_articles(d: Path, n: int, start: int = 0) -> list[str]:
    d.mkdir(parents=True, exist_ok=True)
    ids = []
    for i in range(start, start + n):
        (d / f"a{i:02d}.txt").write_text(article(i), encoding="utf-8")
        ids.append(f"a{i:02d}")
    return ids


def read_out(path: Path) -> list[dict[str, Any]]:
    data = path.read_bytes()
    assert not data or data.endswith(b"\n"), "the out file must end with a complete line"
    return [json.loads(line) for line in data.splitlines()]


def ids_of(records: list[dict[str, Any]]) -> list[str]:
    return sorted(r["id"] if "error" in r else r["article"]["id"] for r in records)


def without_provenance(records: list[dict[str, Any]]) -> list[str]:
    return sorted(json.dumps({k: v for k, v in r.items() if k != "provenance"}, sort_keys=True) for r in records)


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(
        cassette_dir=tmp_path / "cassettes",
        transport_attempts=3,
        timeout_s=10.0,
        retry_base_wait_s=0.01,
        retry_max_wait_s=5.0,
    )


@pytest.fixture(scope="module")
def per_article() -> int:
    """How many model calls the pipeline makes for one short article (one per pass)."""
    return calls_per_article()


def calls_per_article(prompt: str | None = None) -> int:
    """How many model calls `prompt` (default: the default prompt) makes for one short article."""
    from summarizer import inputs as articles
    from summarizer.extraction import summarize

    with FakeModelServer(answer) as server:

        def factory(model: str, s: Settings) -> ModelSpec:
            return ModelSpec(
                name=f"count/{model}",
                provider="count",
                model_id=model,
                mode="json_object_schema",
                base_url=server.base_url,
                api_key="k",
            )

        providers.register("count", factory)
        try:
            settings = Settings() if prompt is None else Settings(prompt_version=prompt)
            summarize(articles.from_text(article(0), id="x", origin="file"), "count/m", settings)
        finally:
            providers.unregister("count")
        return len(server.requests)


def opts(tmp_path: Path, **kw: Any) -> batch.BatchOptions:
    kw.setdefault("cache_dir", None)
    return batch.BatchOptions(model=kw.pop("model", MODEL), **kw)


# ---------------------------------------------------------------------------------------------
# one line per article, error records, resume


def test_one_line_per_article_empty_and_binary_files_are_error_records(
    per_article, fake_model, settings, tmp_path
) -> None:
    server = fake_model(answer)
    d = tmp_path / "in"
    ids = write_articles(d, 4)
    (d / "empty.txt").write_text("", encoding="utf-8")
    (d / "blob.md").write_bytes(b"\x00\x01\x02binary")
    (d / "README.md").write_text("not an article", encoding="utf-8")
    (d / "notes.csv").write_text("ignored", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    report = batch.run_batch([d], out, opts(tmp_path, concurrency=2), settings)
    records = read_out(out)
    assert ids_of(records) == sorted([*ids, "empty", "blob"])
    errors = {r["id"]: r for r in records if "error" in r}
    assert set(errors) == {"empty", "blob"}
    assert errors["empty"]["error"] == {
        "type": "InputError",
        "message": errors["empty"]["error"]["message"],
        "exit_code": 2,
    }
    assert "empty" in errors["empty"]["error"]["message"]
    assert errors["empty"]["model"] == MODEL and errors["empty"]["prompt_version"] == settings.prompt_version
    assert "binary" in errors["blob"]["error"]["message"]
    docs = [r for r in records if "error" not in r]
    assert all(r["provenance"]["model"] == MODEL and r["summary"] for r in docs)
    assert (report.ok, report.failed, report.skipped, report.exit_code) == (4, 2, 0, 1)
    assert len(server.requests) == 4 * per_article
    assert any("README.md" in n for n in report.notes)


def test_rerun_redoes_nothing(fake_model, settings, tmp_path) -> None:
    server = fake_model(answer)
    d = tmp_path / "in"
    write_articles(d, 3)
    out = tmp_path / "out.jsonl"
    first = batch.run_batch([d], out, opts(tmp_path), settings)
    assert first.exit_code == 0
    before, calls = out.read_bytes(), len(server.requests)
    second = batch.run_batch([d], out, opts(tmp_path), settings)
    assert len(server.requests) == calls
    assert out.read_bytes() == before
    assert (second.ok, second.failed, second.skipped, second.exit_code) == (0, 0, 3, 0)


def test_new_article_added_only_it_is_done(per_article, fake_model, settings, tmp_path) -> None:
    server = fake_model(answer)
    d = tmp_path / "in"
    write_articles(d, 2)
    out = tmp_path / "out.jsonl"
    batch.run_batch([d], out, opts(tmp_path), settings)
    write_articles(d, 1, start=2)
    calls = len(server.requests)
    report = batch.run_batch([d], out, opts(tmp_path), settings)
    assert len(server.requests) == calls + per_article
    assert report.ok == 1 and report.skipped == 2
    assert ids_of(read_out(out)) == ["a00", "a01", "a02"]


def test_failed_articles_are_retried_and_end_up_once(per_article, fake_model, settings, tmp_path) -> None:
    broken = {"1", "3"}

    def flaky(request: dict[str, Any]) -> Any:
        return status(500) if article_of(request) in broken else answer(request)

    server = fake_model(flaky)
    d = tmp_path / "in"
    write_articles(d, 5)
    out = tmp_path / "out.jsonl"
    first = batch.run_batch([d], out, opts(tmp_path, concurrency=3), settings)
    assert (first.ok, first.failed, first.exit_code) == (3, 2, 1)
    assert {f.id for f in first.failures} == {"a01", "a03"}
    assert all(f.type == "ProviderError" and f.exit_code == 3 for f in first.failures)
    broken.clear()  # the server recovers
    calls = len(server.requests)
    second = batch.run_batch([d], out, opts(tmp_path, concurrency=3), settings)
    assert (second.ok, second.failed, second.skipped, second.retried) == (2, 0, 3, 2)
    assert len(server.requests) == calls + 2 * per_article  # only the failed ones were asked again
    records = read_out(out)
    assert ids_of(records) == ["a00", "a01", "a02", "a03", "a04"]
    assert not any("error" in r for r in records)
    assert not list(tmp_path.glob(".out.jsonl.*"))  # no temp file left behind


def test_changed_article_replaces_its_old_result(fake_model, settings, tmp_path) -> None:
    fake_model(answer)
    d = tmp_path / "in"
    write_articles(d, 2)
    out = tmp_path / "out.jsonl"
    batch.run_batch([d], out, opts(tmp_path), settings)
    (d / "a01.txt").write_text(article(1) + "\nA later update.\n", encoding="utf-8")
    report = batch.run_batch([d], out, opts(tmp_path), settings)
    assert report.ok == 1 and report.skipped == 1
    records = read_out(out)
    assert ids_of(records) == ["a00", "a01"]
    new_sha = batch.collect_inputs([d / "a01.txt"]).items[0].sha256
    assert [r["article"]["sha256"] for r in records if r["article"]["id"] == "a01"] == [new_sha]


def test_torn_last_line_is_repaired(per_article, fake_model, settings, tmp_path) -> None:
    server = fake_model(answer)
    d = tmp_path / "in"
    write_articles(d, 3)
    out = tmp_path / "out.jsonl"
    batch.run_batch([d], out, opts(tmp_path), settings)
    records = read_out(out)
    # as if killed while writing a 4th line, and the 3rd never made it: cut it in half
    lines = out.read_bytes().splitlines(keepends=True)
    out.write_bytes(b"".join(lines[:2]) + lines[2][: len(lines[2]) // 2])
    calls = len(server.requests)
    report = batch.run_batch([d], out, opts(tmp_path), settings)
    assert report.ok == 1 and report.skipped == 2
    assert len(server.requests) == calls + per_article
    assert any("torn" in n for n in report.notes)
    assert ids_of(read_out(out)) == ids_of(records)


def test_jsonl_inputs_with_extra_keys(fake_model, settings, tmp_path) -> None:
    fake_model(answer)
    src = tmp_path / "day.jsonl"
    rows = [
        {"id": "x1", "text": article(1), "published": "2024-05-10", "source": "wire", "gold": {}},
        {"id": "x2", "text": "   ", "published": None},
        {"id": 7, "text": article(7)},
    ]
    src.write_text("\n".join(json.dumps(r) for r in rows) + "\n\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    report = batch.run_batch([src], out, opts(tmp_path), settings)
    records = {r["id"] if "error" in r else r["article"]["id"]: r for r in read_out(out)}
    assert set(records) == {"x1", "x2", "7"}
    assert records["x1"]["article"]["published"] == "2024-05-10"
    assert records["x1"]["article"]["source"] == "wire"
    assert records["x2"]["error"]["type"] == "InputError"
    assert records["x2"]["input"] == f"{src}:2"
    assert report.ok == 2 and report.failed == 1


def test_duplicate_inputs_are_summarized_once(per_article, fake_model, settings, tmp_path) -> None:
    server = fake_model(answer)
    d = tmp_path / "in"
    write_articles(d, 1)
    out = tmp_path / "out.jsonl"
    report = batch.run_batch([d, d / "a00.txt"], out, opts(tmp_path), settings)
    assert len(read_out(out)) == 1 and len(server.requests) == per_article
    assert any("summarized once" in n for n in report.notes)


# ---------------------------------------------------------------------------------------------
# input errors and the CLI


def test_input_errors_stop_before_anything(tmp_path) -> None:
    from summarizer.errors import InputError

    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "a", "text": "x"}\n{"id": "b", "text": \n', encoding="utf-8")
    with pytest.raises(InputError, match=r"bad.jsonl:2: not valid JSON"):
        batch.collect_inputs([bad])
    with pytest.raises(InputError, match="no inputs"):
        batch.collect_inputs([])
    with pytest.raises(InputError, match="no such file"):
        batch.collect_inputs([tmp_path / "missing.txt"])
    (tmp_path / "empty_dir").mkdir()
    with pytest.raises(InputError, match="no articles found"):
        batch.collect_inputs([tmp_path / "empty_dir"])
    nolabel = tmp_path / "nolabel.jsonl"
    nolabel.write_text('{"text": "x"}\n', encoding="utf-8")
    with pytest.raises(InputError, match=r"nolabel.jsonl:1: \"id\""):
        batch.collect_inputs([nolabel])


def test_cli_exit_codes_and_one_line_errors(per_article, fake_model, tmp_path) -> None:
    server = fake_model(answer)
    runner = CliRunner()
    out = tmp_path / "out.jsonl"
    bad = tmp_path / "bad.jsonl"
    bad.write_text("{not json\n", encoding="utf-8")
    res = runner.invoke(app, ["batch", str(bad), "--out", str(out), "-m", MODEL, "--no-cache"])
    assert res.exit_code == 2
    assert res.stderr.strip().count("\n") == 0 and "bad.jsonl:1: not valid JSON" in res.stderr
    res = runner.invoke(app, ["batch", "--out", str(out), "-m", MODEL, "--no-cache"])
    assert res.exit_code == 2 and "no inputs" in res.stderr
    res = runner.invoke(app, ["batch", str(tmp_path), "--out", str(out), "-m", "nope/x", "--no-cache"])
    assert res.exit_code == 3 and "unknown provider" in res.stderr
    d = tmp_path / "in"
    write_articles(d, 2)
    res = runner.invoke(app, ["batch", str(d), "--out", str(out), "-m", MODEL, "--no-cache"])
    assert res.exit_code == 0, res.stderr
    assert "2 ok, 0 failed" in res.stderr
    (d / "empty.txt").write_bytes(b"")
    res = runner.invoke(app, ["batch", str(d), "--out", str(out), "-m", MODEL, "--no-cache"])
    assert res.exit_code == 1
    assert "0 ok, 1 failed, 2 skipped" in res.stderr and "empty: InputError" in res.stderr
    assert len(server.requests) == 2 * per_article
    assert ids_of(read_out(out)) == ["a00", "a01", "empty"]


def test_out_file_is_locked_against_a_second_batch(tmp_path) -> None:
    from summarizer.errors import InputError

    out = tmp_path / "out.jsonl"
    first = batch.ResultLog(out)
    first.open()
    try:
        with pytest.raises(InputError, match="another `summarizer batch`"):
            batch.ResultLog(out).open()
    finally:
        first.close()
    second = batch.ResultLog(out)
    second.open()
    second.close()


# ---------------------------------------------------------------------------------------------
# concurrency, rate limits, timeouts


def test_concurrency_really_overlaps(per_article, fake_model, settings, tmp_path) -> None:
    lock = threading.Lock()
    active = [0, 0]  # now, max

    def slow(request: dict[str, Any]) -> Any:
        with lock:
            active[0] += 1
            active[1] = max(active[1], active[0])
        try:
            time.sleep(0.3)
            return answer(request)
        finally:
            with lock:
                active[0] -= 1

    fake_model(slow)
    d = tmp_path / "in"
    write_articles(d, 4)
    out = tmp_path / "out.jsonl"
    report = batch.run_batch([d], out, opts(tmp_path, concurrency=4), settings)
    assert report.ok == 4
    # the overlap itself, counted by the server (no wall-clock bound: on a loaded machine a
    # timing says more about the machine than about the code; speed lives in bench/)
    assert active[1] >= 3, f"at most {active[1]} requests overlapped"


def test_rate_limit_429_with_retry_after_is_honoured(per_article, fake_model, settings, tmp_path) -> None:
    times: list[float] = []
    seen = [0]

    def limited(request: dict[str, Any]) -> Any:
        times.append(time.monotonic())
        seen[0] += 1
        return status(429, retry_after="0.5") if seen[0] == 1 else answer(request)

    fake_model(limited)
    d = tmp_path / "in"
    write_articles(d, 1)
    out = tmp_path / "out.jsonl"
    report = batch.run_batch([d], out, opts(tmp_path, concurrency=1), settings)
    assert report.ok == 1 and report.failed == 0
    assert times[1] - times[0] >= 0.45  # waited as told, not the 0.01 s backoff
    assert len(times) == per_article + 1


def test_per_article_timeout_only_fails_that_article(per_article, fake_model, settings, tmp_path) -> None:
    def stuck_on_2(request: dict[str, Any]) -> Any:
        return Delay(5.0, answer(request)) if article_of(request) == "2" else answer(request)

    fake_model(stuck_on_2)
    d = tmp_path / "in"
    write_articles(d, 4)
    out = tmp_path / "out.jsonl"
    started = time.monotonic()
    report = batch.run_batch([d], out, opts(tmp_path, concurrency=2, timeout_per_article=1.0), settings)
    assert time.monotonic() - started < 4.0
    assert report.ok == 3 and report.failed == 1
    [failure] = report.failures
    assert failure.id == "a02" and failure.type == "ArticleTimeoutError" and failure.exit_code == 3
    assert ids_of(read_out(out)) == ["a00", "a01", "a02", "a03"]


def test_server_down_stops_early_with_exit_3(settings, tmp_path) -> None:
    def factory(model: str, s: Settings) -> ModelSpec:
        return ModelSpec(
            name=f"down/{model}",
            provider="down",
            model_id=model,
            mode="json_object_schema",
            base_url="http://127.0.0.1:9/v1",
            api_key="k",
            price_per_mtok=(0.0, 0.0),
        )

    providers.register("down", factory)
    try:
        d = tmp_path / "in"
        write_articles(d, 10)
        out = tmp_path / "out.jsonl"
        report = batch.run_batch([d], out, opts(tmp_path, model="down/m", concurrency=1), settings)
    finally:
        providers.unregister("down")
    assert report.exit_code == 3 and report.stop_error is not None
    assert report.failed == 3 and report.not_started == 7
    assert len(read_out(out)) == 3


# ---------------------------------------------------------------------------------------------
# the response cache and the budget


def test_cache_makes_the_second_run_free_even_into_another_file(per_article, fake_model, settings, tmp_path) -> None:
    server = fake_model(answer)
    d = tmp_path / "in"
    write_articles(d, 3)
    cache = tmp_path / "cache"
    first = batch.run_batch([d], tmp_path / "one.jsonl", opts(tmp_path, cache_dir=cache), settings)
    calls = len(server.requests)
    assert calls == 3 * per_article and first.cache_hits == 0 and first.tokens > 0
    second = batch.run_batch([d], tmp_path / "two.jsonl", opts(tmp_path, cache_dir=cache), settings)
    assert len(server.requests) == calls
    assert second.ok == 3 and second.cache_hits == 3 * per_article
    assert second.tokens == 0 and second.cached_tokens == first.tokens
    assert without_provenance(read_out(tmp_path / "one.jsonl")) == without_provenance(read_out(tmp_path / "two.jsonl"))
    batch.run_batch([d], tmp_path / "three.jsonl", opts(tmp_path, cache_dir=None), settings)  # --no-cache
    assert len(server.requests) == calls + 3 * per_article


def test_extraction_failure_evicts_its_cached_answers(per_article, fake_model, settings, tmp_path) -> None:
    bad = [True]

    def garbage_then_ok(request: dict[str, Any]) -> Any:
        if bad[0]:
            return completion("this is not JSON")
        return answer(request)

    server = fake_model(garbage_then_ok)
    d = tmp_path / "in"
    write_articles(d, 1)
    cache = tmp_path / "cache"
    out = tmp_path / "out.jsonl"
    first = batch.run_batch([d], out, opts(tmp_path, cache_dir=cache), settings)
    assert first.failures[0].type == "ExtractionError"
    bad[0] = False
    calls = len(server.requests)
    second = batch.run_batch([d], out, opts(tmp_path, cache_dir=cache), settings)
    assert second.ok == 1
    assert len(server.requests) == calls + per_article  # asked again, not replayed from the cache


def test_max_cost_stops_cleanly(settings, tmp_path) -> None:
    # 1,000 prompt + 200 completion tokens per call at 1,000 USD per million = 1.2 USD a call.
    # brief-v3, whose four passes all run on any article (brief-v4 skips a pass with no item).
    settings = replace(settings, prompt_version="brief-v3")
    per_article = calls_per_article("brief-v3")
    with FakeModelServer(lambda r: answer(r, prompt_tokens=1000, completion_tokens=200)) as server:

        def factory(model: str, s: Settings) -> ModelSpec:
            return ModelSpec(
                name=f"priced/{model}",
                provider="priced",
                model_id=model,
                mode="json_object_schema",
                base_url=server.base_url,
                api_key="k",
                price_per_mtok=(1000.0, 1000.0),
            )

        providers.register("priced", factory)
        try:
            d = tmp_path / "in"
            write_articles(d, 6)
            article_cost = per_article * 1.2
            first_estimate = batch.estimate_cost(len(article(0)), (1000.0, 1000.0), 4)  # brief-v3: 4 calls
            assert first_estimate > article_cost  # conservative before anything is measured
            budget = 3.3 * article_cost
            out = tmp_path / "out.jsonl"
            report = batch.run_batch(
                [d], out, opts(tmp_path, model="priced/m", concurrency=1, max_cost=budget), settings
            )
        finally:
            providers.unregister("priced")
    done = report.ok
    assert done == 3 and report.not_started == 3
    assert report.cost_usd == pytest.approx(done * article_cost)
    assert report.cost_usd is not None
    assert report.cost_usd <= budget and report.cost_usd + article_cost > budget
    assert report.stopped is not None and report.stopped.startswith("budget")
    assert report.exit_code == 1 and len(server.requests) == per_article * done
    assert len(read_out(out)) == done


def test_max_cost_needs_a_known_price(settings, tmp_path) -> None:
    from summarizer.errors import ConfigError

    def factory(model: str, s: Settings) -> ModelSpec:
        return ModelSpec(
            name=f"noprice/{model}",
            provider="noprice",
            model_id=model,
            mode="json_object_schema",
            base_url="http://127.0.0.1:9/v1",
            price_per_mtok=None,
        )

    providers.register("noprice", factory)
    try:
        write_articles(tmp_path / "in", 1)
        with pytest.raises(ConfigError, match="no price"):
            batch.run_batch(
                [tmp_path / "in"], tmp_path / "o.jsonl", opts(tmp_path, model="noprice/m", max_cost=1.0), settings
            )
    finally:
        providers.unregister("noprice")


# ---------------------------------------------------------------------------------------------
# a real process killed halfway


def _runner(url: str, *args: str) -> list[str]:
    return [sys.executable, "-m", "tests.batch_runner", url, "--", *args]


@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGINT])
def test_killed_halfway_then_rerun_ends_with_every_article_once(per_article, sig: int, tmp_path) -> None:
    n = 8
    interrupted = threading.Event()
    answered = iter(range(10**6))

    def slow(request: dict[str, Any]) -> Any:
        # past four articles' calls, answers wait for the signal: a loaded machine cannot finish
        # the whole batch before the test interrupts it (CI saw it do so)
        if next(answered) >= 4 * per_article:
            interrupted.wait(30)
        return Delay(0.15, answer(request))

    d = tmp_path / "in"
    write_articles(d, n)
    (d / "empty.txt").write_text("", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    cache = tmp_path / "cache"
    env = {
        **os.environ,
        "NO_COLOR": "1",
        "SUMMARIZER_RESPONSE_CACHE": str(cache),
        "SUMMARIZER_CASSETTES": str(tmp_path / "cassettes"),
    }
    with FakeModelServer(slow) as server:
        args = ["--timeout", "10", "batch", str(d), "--out", str(out), "-m", MODEL, "--concurrency", "2"]
        proc = subprocess.Popen(
            _runner(server.base_url, *args), cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE
        )
        deadline = time.monotonic() + 90  # a loaded machine starts the runner slowly; the loop ends at the third line
        while time.monotonic() < deadline:
            if out.exists() and out.read_bytes().count(b"\n") >= 3:
                break
            time.sleep(0.02)
        proc.send_signal(sig)
        time.sleep(0.2)  # the signal lands before the held answers are released
        interrupted.set()
        _, err = proc.communicate(timeout=30)
        assert proc.returncode == (-signal.SIGKILL if sig == signal.SIGKILL else 130), err
        partial = read_out(out)
        assert 3 <= len(partial) < n + 1, "killed halfway"
        assert len(ids_of(partial)) == len(set(ids_of(partial)))
        calls = len(server.requests)
        res = subprocess.run(_runner(server.base_url, *args), cwd=ROOT, env=env, capture_output=True, timeout=60)
        assert res.returncode == 1, res.stderr  # the empty file is an error record
        final = read_out(out)
        assert ids_of(final) == sorted([*(f"a{i:02d}" for i in range(n)), "empty"])
        done_before = sum(1 for r in partial if "error" not in r)
        # articles finished before the kill were not asked again; the cache saved in-flight answers
        assert len(server.requests) - calls <= per_article * (n - done_before)
        calls = len(server.requests)
        rerun = subprocess.run(_runner(server.base_url, *args), cwd=ROOT, env=env, capture_output=True, timeout=60)
        assert ids_of(read_out(out)) == ids_of(final) and len(server.requests) == calls
        assert b"0 ok, 1 failed, 8 skipped" in rerun.stderr


# ---------------------------------------------------------------------------------------------
# the OpenAI Batch API, against a fake /v1/files + /v1/batches server


class FakeBatchAPI:
    """Minimal OpenAI Files + Batches endpoints; a batch is "processed" by answering every
    request line with `responder` when it is first retrieved."""

    def __init__(self, responder: Callable[[dict[str, Any]], Any], *, fail_ids: set[str] | None = None) -> None:
        self.responder = responder
        self.files: dict[str, bytes] = {}
        self.batches: dict[str, dict[str, Any]] = {}
        self.fail_ids = fail_ids or set()
        self.chat_calls = 0
        outer = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:
                pass

            def _json(self, obj: Any, status: int = 200) -> None:
                self._send(status, json.dumps(obj).encode(), "application/json")

            def _send(self, status: int, body: bytes, ctype: str) -> None:
                self.send_response(status)
                self.send_header("content-type", ctype)
                self.send_header("content-length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("content-length", 0)))
                if self.path.endswith("/files"):
                    msg = BytesParser(policy=HTTP).parsebytes(
                        b"content-type: " + self.headers["content-type"].encode() + b"\r\n\r\n" + body
                    )
                    data = next(
                        cast(bytes, p.get_payload(decode=True))
                        for p in msg.iter_parts()
                        if p.get_param("name", header="content-disposition") == "file"
                    )
                    fid = f"file-{len(outer.files) + 1}"
                    outer.files[fid] = data
                    self._json(
                        {
                            "id": fid,
                            "object": "file",
                            "bytes": len(data),
                            "created_at": 0,
                            "filename": "requests.jsonl",
                            "purpose": "batch",
                            "status": "processed",
                        }
                    )
                elif self.path.endswith("/batches"):
                    req = json.loads(body)
                    bid = f"batch_{len(outer.batches) + 1}"
                    outer.batches[bid] = {
                        "id": bid,
                        "object": "batch",
                        "endpoint": req["endpoint"],
                        "input_file_id": req["input_file_id"],
                        "completion_window": "24h",
                        "status": "validating",
                        "created_at": 0,
                        "request_counts": {"total": 0, "completed": 0, "failed": 0},
                    }
                    self._json(outer.batches[bid])
                else:
                    self._json({"error": {"message": "not here"}}, 404)

            def do_GET(self) -> None:
                m = re.search(r"/batches/([^/]+)$", self.path)
                if m:
                    self._json(outer._process(m.group(1)))
                    return
                m = re.search(r"/files/([^/]+)/content$", self.path)
                if m:
                    self._send(200, outer.files[m.group(1)], "application/octet-stream")
                    return
                self._json({"error": {"message": "not here"}}, 404)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def _process(self, bid: str) -> dict[str, Any]:
        job = self.batches[bid]
        if job["status"] == "validating":
            job["status"] = "in_progress"  # the first poll sees it running
            return job
        if job["status"] == "in_progress":
            ok_lines, err_lines = [], []
            lines = self.files[job["input_file_id"]].decode().splitlines()
            for line in lines:
                req = json.loads(line)
                if req["custom_id"] in self.fail_ids:
                    self.fail_ids.discard(req["custom_id"])
                    err_lines.append(
                        {
                            "id": "r",
                            "custom_id": req["custom_id"],
                            "response": None,
                            "error": {"code": "server_error", "message": "injected"},
                        }
                    )
                    continue
                self.chat_calls += 1
                status_code, _, body = self.responder(req["body"])
                ok_lines.append(
                    {
                        "id": "r",
                        "custom_id": req["custom_id"],
                        "response": {"status_code": status_code, "request_id": "q", "body": json.loads(body)},
                        "error": None,
                    }
                )
            for name, rows in (("output_file_id", ok_lines), ("error_file_id", err_lines)):
                if rows:
                    fid = f"file-{len(self.files) + 1}"
                    self.files[fid] = ("\n".join(json.dumps(r) for r in rows) + "\n").encode()
                    job[name] = fid
            job["status"] = "completed"
            job["request_counts"] = {"total": len(lines), "completed": len(ok_lines), "failed": len(err_lines)}
        return job

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}/v1"

    def __enter__(self) -> FakeBatchAPI:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def batch_api() -> Iterator[Callable[..., FakeBatchAPI]]:
    apis: list[FakeBatchAPI] = []

    def start(**kw: Any) -> FakeBatchAPI:
        api = FakeBatchAPI(answer, **kw).__enter__()
        apis.append(api)

        def factory(model: str, s: Settings) -> ModelSpec:
            return ModelSpec(
                name=f"openaifake/{model}",
                provider="openaifake",
                model_id=model,
                mode="json_object_schema",
                base_url=api.base_url,
                api_key="sk-test",
                price_per_mtok=(0.15, 0.6),
            )

        providers.register("openaifake", factory)
        return api

    yield start
    providers.unregister("openaifake")
    for api in apis:
        api.__exit__(None, None, None)


def test_openai_batch_submit_status_collect_rounds(per_article, batch_api, settings, tmp_path) -> None:
    api = batch_api()
    d = tmp_path / "in"
    write_articles(d, 3)
    (d / "empty.txt").write_text("", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    options = opts(tmp_path, model="openaifake/gpt", cache_dir=tmp_path / "cache")
    rounds = 0
    while True:
        sub = batch.openai_batch_submit([d], out, options, settings)
        if sub.batch_id is None:
            break
        rounds += 1
        assert sub.requests == 3 and sub.articles == 3
        st = batch.openai_batch_status(out, options, settings)
        assert st["status"] == "in_progress"
        col = batch.openai_batch_collect(out, options, settings)
        assert col.answers == 3
        if rounds < per_article:
            assert col.pending == 3 and col.ok == 0
    assert rounds == per_article  # one round per pass: they depend on each other
    assert api.chat_calls == 3 * per_article
    records = read_out(out)
    assert ids_of(records) == ["a00", "a01", "a02", "empty"]
    docs = [r for r in records if "error" not in r]
    assert all(r["provenance"]["model"] == "openaifake/gpt" and r["summary"] for r in docs)
    # the same documents as a direct (synchronous) run through the pipeline
    with FakeModelServer(answer) as server:

        def factory(model: str, s: Settings) -> ModelSpec:
            return ModelSpec(
                name=f"openaifake/{model}",
                provider="openaifake",
                model_id=model,
                mode="json_object_schema",
                base_url=api.base_url,
                api_key="sk-test",
            )

        providers.register("openaifake", factory)
        direct = tmp_path / "direct.jsonl"
        batch.run_batch([d], direct, opts(tmp_path, model="openaifake/gpt", cache_dir=tmp_path / "cache"), settings)
        assert server.requests == []  # everything came from the cache the batch filled
    assert without_provenance(read_out(direct)) == without_provenance(records)
    # nothing left to do
    sub = batch.openai_batch_submit([d], out, options, settings)
    assert sub.batch_id is None and sub.skipped == 4 - 1


def test_openai_batch_failed_requests_are_resubmitted(batch_api, settings, tmp_path) -> None:
    settings = replace(settings, prompt_version="brief-v3")  # rounds counted with brief-v3's four passes
    d = tmp_path / "in"
    write_articles(d, 2)
    out = tmp_path / "out.jsonl"
    options = opts(tmp_path, model="openaifake/gpt", cache_dir=tmp_path / "cache")
    api = batch_api()
    sub = batch.openai_batch_submit([d], out, options, settings)
    assert sub.batch_id is not None
    first_key = json.loads(api.files["file-1"].decode().splitlines()[0])["custom_id"]
    api.fail_ids.add(first_key)
    batch.openai_batch_status(out, options, settings)
    col = batch.openai_batch_collect(out, options, settings)
    assert (col.answers, col.errors, col.pending) == (1, 1, 2)
    for _ in range(4):
        sub = batch.openai_batch_submit([d], out, options, settings)
        if sub.batch_id is None:
            break
        batch.openai_batch_status(out, options, settings)
        batch.openai_batch_collect(out, options, settings)
    assert ids_of(read_out(out)) == ["a00", "a01"]
    assert not any("error" in r for r in read_out(out))


def test_openai_batch_cli_and_collect_before_done(batch_api, tmp_path) -> None:
    batch_api()
    d = tmp_path / "in"
    write_articles(d, 1)
    out = tmp_path / "out.jsonl"
    runner = CliRunner()
    common = ["--out", str(out), "-m", "openaifake/gpt", "--cache-dir", str(tmp_path / "cache")]
    app_v3 = ["--prompt", "brief-v3"]  # rounds counted with brief-v3's four passes
    res = runner.invoke(app, [*app_v3, "batch", str(d), *common, "--openai-batch", "submit"])
    assert res.exit_code == 0, res.stderr
    assert "submitted batch batch_1: 1 request(s) for 1 article(s) (round 1)" in res.stderr
    res = runner.invoke(app, [*app_v3, "batch", *common, "--openai-batch", "collect"])  # still validating
    assert res.exit_code == 3 and "not finished yet" in res.stderr
    res = runner.invoke(app, [*app_v3, "batch", *common, "--openai-batch", "status"])
    assert res.exit_code == 0 and "batch_1: completed (1/1 done, 0 failed)" in res.stdout
    res = runner.invoke(app, [*app_v3, "batch", *common, "--openai-batch", "collect"])
    assert res.exit_code == 0 and "1 article(s) need another round" in res.stderr
    res = runner.invoke(app, [*app_v3, "batch", str(d), *common, "--openai-batch", "submit"])
    assert res.exit_code == 2 or "round 2" in res.stderr
    res = runner.invoke(
        app, ["batch", str(d), "--out", str(out), "-m", "local/qwen2.5-coder-1.5b", "--openai-batch", "submit"]
    )
    assert res.exit_code == 3 and "hosted model" in res.stderr


def test_record_then_offline_replay_through_the_batch(per_article, fake_model, settings, tmp_path) -> None:

    server = fake_model(answer)
    d = tmp_path / "in"
    write_articles(d, 3)
    recorded = batch.run_batch(
        [d], tmp_path / "rec.jsonl", opts(tmp_path, concurrency=3), replace(settings, record=True)
    )
    assert recorded.ok == 3 and recorded.concurrency == 1  # cassettes are not thread-safe: one at a time
    assert len([p for p in (tmp_path / "cassettes").rglob("*.json") if not p.name.endswith(".meta.json")]) == 3
    calls = len(server.requests)
    server.__exit__(None, None, None)  # nothing answers any more
    replayed = batch.run_batch(
        [d], tmp_path / "off.jsonl", opts(tmp_path, concurrency=3), replace(settings, offline=True)
    )
    assert replayed.ok == 3 and replayed.tokens == 0 and replayed.cached_tokens == recorded.tokens
    assert len(server.requests) == calls
    assert without_provenance(read_out(tmp_path / "rec.jsonl")) == without_provenance(read_out(tmp_path / "off.jsonl"))
    missing = tmp_path / "more"
    write_articles(missing, 1, start=9)
    report = batch.run_batch([missing], tmp_path / "off.jsonl", opts(tmp_path), replace(settings, offline=True))
    assert report.failures[0].type == "CassetteMissError" and report.failures[0].exit_code == 4


def test_an_interrupted_batch_lets_its_workers_stop_before_the_process_exits() -> None:
    """A daemon worker still inside spaCy's native code when the interpreter exits can abort the
    process ("libblis: Aborting.", exit 134; CI saw it after Ctrl-C): the runner waits for its
    cancelled workers, a bounded time."""
    from summarizer.batch._runner import Runner

    runner = Runner.__new__(Runner)  # only the workers matter here
    busy = threading.Thread(target=time.sleep, args=(0.5,), daemon=True)
    stuck = threading.Thread(target=time.sleep, args=(30,), daemon=True)
    runner.workers = {1: busy, 2: stuck}
    busy.start()
    stuck.start()
    started = time.monotonic()
    runner._let_workers_stop(grace=1.5)
    assert not busy.is_alive()  # waited for
    assert 1.4 <= time.monotonic() - started < 5  # and no longer than the grace for one that never stops
