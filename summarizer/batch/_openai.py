"""The OpenAI Batch API for large offline jobs: submit a round of requests, poll it, collect
its answers.

The requests are captured from the real pipeline (the same messages, schema and parameters),
sent as one batch per round, and their answers are stored in the response cache; ``collect``
then runs the pipeline from the cache, so documents are grounded and built by the same code.
Passes depend on each other (events are asked with the entities found), so an article needs
one round per call: as many as the prompt has passes (4 for brief-v3) for a one-part article.
"""

from __future__ import annotations

import json
import time
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from summarizer.batch._cache import ArticleRun, ResponseCache, transport_for
from summarizer.batch._log import ResultLog, check_out, error_record, plan_resume
from summarizer.batch._report import BatchOptions
from summarizer.config import Settings, run_log_path
from summarizer.errors import ConfigError, InputError, ProviderError, SummarizerError
from summarizer.extraction import load as load_prompt
from summarizer.files import write_file
from summarizer.inputs import BatchItem, collect_inputs
from summarizer.models import ModelSpec, resolve

BATCH_ENDPOINT = "/v1/chat/completions"
MAX_BATCH_ATTEMPTS = 2  # a request the Batch API failed this many times makes its article fail


def _state_path(out: Path) -> Path:
    return out.with_name(out.name + ".openai-batch.json")


def _load_state(out: Path) -> dict[str, Any]:
    path = _state_path(out)
    try:
        state = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(
            f"no OpenAI batch was submitted for {out} ({path} is missing)",
            hint="run `summarizer batch INPUT... --out OUT --openai-batch submit` first",
        ) from None
    except (OSError, ValueError) as exc:
        raise InputError(f"{path}: unreadable batch state: {exc}") from exc
    if not isinstance(state, dict) or not isinstance(state.get("rounds"), list):
        raise InputError(f"{path}: not a batch state file")
    return state


def _save_state(out: Path, state: dict[str, Any]) -> None:
    write_file(_state_path(out), json.dumps(state, indent=1))


def _batch_spec(options: BatchOptions, settings: Settings) -> ModelSpec:
    spec = resolve(options.model, settings)
    if spec.local or settings.offline or settings.record:
        raise ConfigError(
            f"--openai-batch needs a hosted model (openai/...), not {spec.name}"
            + (" and not --offline/--record" if settings.offline or settings.record else "")
        )
    if options.cache_dir is None:
        raise ConfigError("--openai-batch keeps the answers in the response cache: drop --no-cache")
    return spec


def _openai_client(spec: ModelSpec, settings: Settings) -> Any:
    import openai

    return openai.OpenAI(
        base_url=spec.base_url or "https://api.openai.com/v1",
        api_key=spec.api_key or "not-needed",
        max_retries=3,
        timeout=settings.timeout_s,
    )


def _api_error(spec: ModelSpec, what: str, exc: Exception) -> SummarizerError:
    import openai

    if isinstance(exc, openai.AuthenticationError):
        return ConfigError(f"{spec.name}: the Batch API rejected the API key", hint="check OPENAI_API_KEY")
    if isinstance(exc, openai.APIStatusError):
        return ProviderError(f"{spec.name}: {what}: HTTP {exc.status_code}: {str(exc)[:200]}")
    return ProviderError(f"{spec.name}: {what}: {type(exc).__name__}: {str(exc)[:200]}")


@dataclass
class _CaptureResult:
    docs: list[tuple[BatchItem, Any]] = field(default_factory=list)
    errors: list[tuple[BatchItem, SummarizerError]] = field(default_factory=list)
    waiting: list[tuple[BatchItem, list[tuple[str, Any]]]] = field(default_factory=list)


def _capture(items: Sequence[BatchItem], spec: ModelSpec, settings: Settings, cache: ResponseCache) -> _CaptureResult:
    """Run the pipeline of every item from the cache; the first request of an article that is
    not answered yet is captured (and ends that article's run for now)."""
    from summarizer.extraction import summarize

    result = _CaptureResult()
    for item in items:
        if item.error is not None or item.article is None:
            result.errors.append((item, item.error or InputError(f"{item.where}: no article")))
            continue
        run = ArticleRun(item, capture=True)
        live = replace(settings, http_transport=transport_for(run, cache))
        try:
            result.docs.append((item, summarize(item.article, spec.name, live)))
        except SummarizerError as exc:  # a captured request ends the run with an error: see _cache
            if run.captured:
                result.waiting.append((item, run.captured))
            else:
                result.errors.append((item, exc))
    return result


@dataclass
class SubmitResult:
    batch_id: str | None
    requests: int
    articles: int
    complete: int
    skipped: int
    round: int
    state: Path
    notes: list[str] = field(default_factory=list)


def openai_batch_submit(
    inputs: Sequence[str | Path], out: Path, options: BatchOptions, settings: Settings | None = None
) -> SubmitResult:
    """Submit, as one Batch API job, the next request of every article not yet done in `out`."""
    settings = settings or Settings()
    spec = _batch_spec(options, settings)
    assert options.cache_dir is not None
    prompt = load_prompt(settings.prompt_version)
    state_file = _state_path(out)
    state = _submit_state(out, spec.name, prompt.version)
    check_out(out, inputs, [run_log_path(settings.log_db)])
    inputs_ = collect_inputs(inputs, max_chars=options.max_chars)
    log = ResultLog(out)
    try:
        plan = plan_resume(inputs_.items, log.open(), spec.name, prompt.version)
    finally:
        log.close()
    state["inputs"] = [str(Path(p).resolve()) for p in inputs]
    state["max_chars"] = options.max_chars
    cache = ResponseCache(options.cache_dir)
    captured = _capture(plan.to_do, spec, settings, cache)
    requests, given_up = _round_requests(captured, state)
    notes = list(inputs_.notes)
    if given_up:
        notes.append(
            f"{given_up} request(s) failed {MAX_BATCH_ATTEMPTS} times in the Batch API: "
            "collect writes their articles as failures"
        )
    result = SubmitResult(
        None,
        len(requests),
        len(captured.waiting),
        len(captured.docs) + len(captured.errors),
        plan.done,
        len(state["rounds"]) + 1,
        state_file,
        notes,
    )
    if not requests:
        _save_state(out, state)
        return result
    uploaded_id, job_id = _upload(spec, settings, out, result.round, requests)
    state["rounds"].append(
        {
            "batch_id": job_id,
            "input_file_id": uploaded_id,
            "requests": len(requests),
            "submitted": time.time(),
            "collected": False,
        }
    )
    _save_state(out, state)
    result.batch_id = job_id
    return result


def _submit_state(out: Path, model: str, prompt_version: str) -> dict[str, Any]:
    """The state of `out`'s rounds: the saved one for the same model and prompt, else a new one.
    A round that was submitted but not collected must be collected first."""
    state: dict[str, Any] = {"model": model, "prompt_version": prompt_version, "rounds": [], "attempts": {}}
    if _state_path(out).exists():
        old = _load_state(out)
        if old["rounds"] and not old["rounds"][-1].get("collected"):
            raise InputError(
                f"batch {old['rounds'][-1]['batch_id']} has not been collected yet",
                hint="run `summarizer batch --out OUT --openai-batch collect` first",
            )
        if old.get("model") == model and old.get("prompt_version") == prompt_version:
            state = old
    return state


def _round_requests(captured: _CaptureResult, state: dict[str, Any]) -> tuple[dict[str, Any], int]:
    """The requests of this round by key, and how many were left out: failed too often."""
    requests: dict[str, Any] = {}
    given_up = 0
    for _item, reqs in captured.waiting:
        for key, req in reqs:
            if state["attempts"].get(key, 0) >= MAX_BATCH_ATTEMPTS:
                given_up += 1
                continue
            requests[key] = req
    return requests, given_up


def _upload(spec: ModelSpec, settings: Settings, out: Path, round_: int, requests: dict[str, Any]) -> tuple[str, str]:
    """Upload the requests as one JSONL file and create the batch job: (file id, batch id)."""
    lines = [
        json.dumps(
            {"custom_id": key, "method": "POST", "url": BATCH_ENDPOINT, "body": req["body"]},
            ensure_ascii=False,
            separators=(",", ":"),
        )
        for key, req in requests.items()
    ]
    payload = ("\n".join(lines) + "\n").encode("utf-8")
    client = _openai_client(spec, settings)
    try:
        uploaded = client.files.create(file=(f"{out.stem}-round{round_}.jsonl", payload), purpose="batch")
        job = client.batches.create(
            input_file_id=uploaded.id,
            endpoint=BATCH_ENDPOINT,
            completion_window="24h",
            metadata={"summarizer": f"{out.name} round {round_}"},
        )
    except Exception as exc:
        raise _api_error(spec, "submitting the batch", exc) from exc
    finally:
        client.close()
    return uploaded.id, job.id


def _retrieve(client: Any, spec: ModelSpec, batch_id: str) -> Any:
    try:
        return client.batches.retrieve(batch_id)
    except Exception as exc:
        raise _api_error(spec, f"retrieving batch {batch_id}", exc) from exc


def openai_batch_status(out: Path, options: BatchOptions, settings: Settings | None = None) -> dict[str, Any]:
    """The last submitted batch's id, status and request counts."""
    settings = settings or Settings()
    spec = _batch_spec(options, settings)
    state = _load_state(out)
    if not state["rounds"]:
        raise InputError(f"no batch has been submitted for {out}")
    client = _openai_client(spec, settings)
    try:
        job = _retrieve(client, spec, state["rounds"][-1]["batch_id"])
    finally:
        client.close()
    counts = getattr(job, "request_counts", None)
    return {
        "id": job.id,
        "status": job.status,
        "total": getattr(counts, "total", 0) or 0,
        "completed": getattr(counts, "completed", 0) or 0,
        "failed": getattr(counts, "failed", 0) or 0,
        "round": len(state["rounds"]),
        "collected": bool(state["rounds"][-1].get("collected")),
    }


@dataclass
class CollectResult:
    answers: int = 0
    errors: int = 0
    ok: int = 0
    failed: int = 0
    pending: int = 0
    notes: list[str] = field(default_factory=list)


def _file_text(client: Any, file_id: str) -> str:
    content = client.files.content(file_id)
    data = content.read() if hasattr(content, "read") else content.content
    return data.decode("utf-8") if isinstance(data, bytes) else str(data)


def openai_batch_collect(out: Path, options: BatchOptions, settings: Settings | None = None) -> CollectResult:
    """Store the last batch's answers in the response cache, then write a document (or an
    error record) to `out` for every article whose requests are all answered."""
    settings = settings or Settings()
    spec = _batch_spec(options, settings)
    assert options.cache_dir is not None
    state = _load_state(out)
    if state.get("model") != spec.name:
        raise InputError(
            f"the batch for {out} was submitted for {state.get('model')}, not {spec.name}",
            hint=f"pass --model {state.get('model')}",
        )
    cache = ResponseCache(options.cache_dir)
    result = CollectResult()
    last = state["rounds"][-1] if state["rounds"] else None
    if last is not None and not last.get("collected"):
        _collect_round(last["batch_id"], spec, settings, cache, state, result)
        last["collected"] = True
        _save_state(out, state)
    _write_answered(out, options, spec, settings, cache, state, result)
    return result


def _collect_round(
    batch_id: str,
    spec: ModelSpec,
    settings: Settings,
    cache: ResponseCache,
    state: dict[str, Any],
    result: CollectResult,
) -> None:
    """Store the answers of a finished batch in the cache; count a failed request's attempt."""
    client = _openai_client(spec, settings)
    try:
        job = _retrieve(client, spec, batch_id)
        if job.status in ("validating", "in_progress", "finalizing", "cancelling"):
            raise ProviderError(
                f"batch {job.id} is {job.status}, not finished yet",
                hint="check with --openai-batch status, collect when it is completed",
            )
        if job.status != "completed":
            result.notes.append(
                f"batch {job.id} ended as {job.status}: its missing answers are asked again by the next submit"
            )
        seen: set[str] = set()
        for file_id in (getattr(job, "output_file_id", None), getattr(job, "error_file_id", None)):
            if not file_id:
                continue
            for line in _file_text(client, file_id).split("\n"):  # JSONL: "\n" only
                if not line.strip():
                    continue
                entry = json.loads(line)
                key = entry.get("custom_id")
                response = entry.get("response") or {}
                body = response.get("body")
                if isinstance(key, str) and response.get("status_code") == 200 and isinstance(body, dict):
                    cache.put(key, json.dumps(body, ensure_ascii=False).encode("utf-8"))
                    result.answers += 1
                    seen.add(key)
                elif isinstance(key, str) and key not in seen:
                    state["attempts"][key] = state["attempts"].get(key, 0) + 1
                    result.errors += 1
    except SummarizerError:
        raise
    except Exception as exc:
        raise _api_error(spec, f"collecting batch {batch_id}", exc) from exc
    finally:
        client.close()


def _write_answered(
    out: Path,
    options: BatchOptions,
    spec: ModelSpec,
    settings: Settings,
    cache: ResponseCache,
    state: dict[str, Any],
    result: CollectResult,
) -> None:
    """A document or an error record in `out` for every article whose requests are all
    answered (or one failed too often); the others stay pending."""
    inputs_ = collect_inputs(state.get("inputs") or [], max_chars=int(state.get("max_chars") or options.max_chars))
    log = ResultLog(out)
    lines = log.open()
    try:
        plan = plan_resume(inputs_.items, lines, spec.name, state["prompt_version"])
        if plan.rewrite:
            log.rewrite(plan.keep)
        captured = _capture(plan.to_do, spec, replace(settings, prompt_version=state["prompt_version"]), cache)
        for _item, doc in captured.docs:
            log.append(doc.model_dump(mode="json"))
            result.ok += 1
        for item, error in captured.errors:
            log.append(error_record(item, spec.name, state["prompt_version"], error))
            result.failed += 1
        for item, reqs in captured.waiting:
            if any(state["attempts"].get(key, 0) >= MAX_BATCH_ATTEMPTS for key, _ in reqs):
                gave_up = ProviderError(
                    f"{item.id}: the Batch API failed a request {MAX_BATCH_ATTEMPTS} times",
                    hint="rerun without --openai-batch to retry it directly",
                )
                log.append(error_record(item, spec.name, state["prompt_version"], gave_up))
                result.failed += 1
            else:
                result.pending += 1
    finally:
        log.close()
