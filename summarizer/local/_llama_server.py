"""Our entry point for the local llama.cpp server: ``python -m summarizer.local._llama_server``.

One module of ~500 lines on purpose: the patches, the sampler and the routes share its module
state (``_active``, ``SHUTDOWN``, ``LAZY_GRAMMAR``), and a split would add llama_cpp-dependent
modules that only this process entry may import.

It runs llama-cpp-python's OpenAI-compatible server (``llama_cpp.server``, same flags) and
changes what made it slow or unsafe for schema-constrained extraction. ``summarizer.local``
starts this module as a process; nothing imports it (import-linter checks that): it needs
``llama_cpp``, an optional dependency, and it replaces private members of it.

Version guard: the patches replace three private members of llama-cpp-python
(``LlamaContext.decode``, ``Llama._init_sampler``, ``llama_chat_format._grammar_for_json_schema``),
written against ``PINNED_LLAMA_CPP_VERSION``. At start-up ``check_llama_cpp_version`` refuses
any other installed version with one line naming the pinned one (pyproject pins it too).

What it owns:

* Lazy grammar sampling. Stock llama-cpp-python puts the JSON-schema grammar inside the
  sampler chain, so for every generated token the grammar is evaluated against the whole
  vocabulary (151,936 tokens for Qwen2.5): about 20 ms per token on two cores, outside
  llama.cpp's own prompt/eval timings, and as much as half of the generation time. Like
  llama.cpp's own ``common_sampler``, we sample with the chain first, check only the chosen
  token against the grammar, and fall back to grammar-over-the-vocabulary only when that
  token is rejected. The output is still always grammar-valid.
* Cancellation. The stock server keeps generating for a client that went away, and ignores
  SIGTERM while it does. Here a request stops at the next token (or prompt batch) when its
  client disconnects, when ``POST /summarizer/cancel`` is called, when it runs longer than
  ``--max_request_seconds`` (then it ends like a max_tokens cut: ``finish_reason="length"``),
  or when the server is asked to stop. With ``--parent_pid`` the server also exits when the
  process that started it dies, so no orphan is left even after a SIGKILL of the CLI.
* Timings. Each non-streaming chat completion carries ``timings`` (llama.cpp server names:
  ``prompt_n``, ``prompt_ms``, ``predicted_n``, ``predicted_ms``, plus ``sampling_ms`` and
  ``server_ms``) so clients and ``bench/local_overhead.py`` can compare wall time with the
  server's own time.
* A Gemma chat format that keeps the system message (llama-cpp-python's ``gemma`` format
  drops it; Gemma has no system role, so its official template prepends the system text to
  the first user turn, which is what ``summarizer-gemma`` does).
"""

from __future__ import annotations

import argparse
import contextlib
import ctypes
import functools
import json
import math
import os
import signal
import sys
import threading
import time
from typing import Any, cast

import anyio
import llama_cpp
import llama_cpp.llama_chat_format as chat_format
import numpy as np
import uvicorn
from fastapi import Body, FastAPI, Request
from fastapi.responses import JSONResponse
from llama_cpp import _internals
from llama_cpp.server import app as server_app
from llama_cpp.server.cli import add_args_from_model, parse_model_from_args
from llama_cpp.server.settings import Settings
from llama_cpp.server.types import CreateChatCompletionRequest
from starlette.concurrency import run_in_threadpool

# ---------------------------------------------------------------------------------------------
# cancellation


class GenerationStopped(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class _Control:
    """The stop conditions of the request being generated (one at a time: the server
    serialises requests)."""

    def __init__(self, max_seconds: float) -> None:
        self.deadline = time.monotonic() + max_seconds if max_seconds > 0 else math.inf
        self.cancelled: str | None = None
        self.sampling_s = 0.0
        self.samples = 0
        self.fallbacks = 0
        self.full_fallbacks = 0

    def check(self) -> None:
        if SHUTDOWN.is_set():
            raise GenerationStopped("server shutting down")
        if self.cancelled is not None:
            raise GenerationStopped(self.cancelled)
        if time.monotonic() > self.deadline:
            raise GenerationStopped("deadline")


SHUTDOWN = threading.Event()
_active: _Control | None = None


def _check_active() -> None:
    control = _active
    if control is not None:
        control.check()
    elif SHUTDOWN.is_set():
        raise GenerationStopped("server shutting down")


_orig_decode = _internals.LlamaContext.decode


def _decode(self: Any, batch: Any) -> None:
    _check_active()  # between prompt batches and before every generated token
    _orig_decode(self, batch)


# ---------------------------------------------------------------------------------------------
# lazy grammar sampling

_TOKEN_DTYPE = np.dtype([("id", np.int32), ("logit", np.float32), ("p", np.float32)], align=True)
assert _TOKEN_DTYPE.itemsize == ctypes.sizeof(llama_cpp.llama_token_data)


class LazyGrammarSampler:
    """Drop-in for ``llama_cpp._internals.LlamaSampler`` as used by ``Llama.sample``."""

    def __init__(self, chain: Any, grammar: Any, n_vocab: int) -> None:
        self._chain = chain  # LlamaSampler without the grammar: owns its C sampler
        self.sampler = chain.sampler
        self._grammar = grammar
        self._n_vocab = n_vocab
        self._data = np.zeros(n_vocab, dtype=_TOKEN_DTYPE)
        self._ids = np.arange(n_vocab, dtype=np.int32)
        self._data["id"] = self._ids
        self._arr = llama_cpp.llama_token_data_array(
            data=self._data.ctypes.data_as(llama_cpp.llama_token_data_p),
            size=n_vocab,
            selected=-1,
            sorted=False,
        )
        self._one = llama_cpp.llama_token_data()
        self._one_arr = llama_cpp.llama_token_data_array(
            data=ctypes.pointer(self._one), size=1, selected=-1, sorted=False
        )
        self.n_fallback = 0

    def _fill(self, ctx: Any, idx: int) -> None:
        ptr = llama_cpp.llama_get_logits_ith(ctx.ctx, idx)
        self._data["id"] = self._ids
        self._data["logit"] = np.ctypeslib.as_array(ptr, shape=(self._n_vocab,))
        self._data["p"] = 0.0
        self._arr.data = self._data.ctypes.data_as(  # type: ignore[assignment]
            llama_cpp.llama_token_data_p
        )
        self._arr.size = self._n_vocab
        self._arr.selected = -1
        self._arr.sorted = False

    def _fill_top(self, ctx: Any, idx: int, m: int) -> None:
        """Only the ``m`` highest logits, in the first ``m`` slots."""
        ptr = llama_cpp.llama_get_logits_ith(ctx.ctx, idx)
        logits = np.ctypeslib.as_array(ptr, shape=(self._n_vocab,))
        top = np.argpartition(logits, self._n_vocab - m)[self._n_vocab - m :]
        self._data["id"][:m] = top
        self._data["logit"][:m] = logits[top]
        self._data["p"][:m] = 0.0
        self._arr.data = self._data.ctypes.data_as(  # type: ignore[assignment]
            llama_cpp.llama_token_data_p
        )
        self._arr.size = m
        self._arr.selected = -1
        self._arr.sorted = False

    def _selected(self) -> int:
        return int(self._arr.data[self._arr.selected].id)

    def sample(self, ctx: Any, idx: int = -1) -> int:
        control = _active
        t0 = time.perf_counter()
        _check_active()
        self._fill(ctx, idx)
        llama_cpp.llama_sampler_apply(self.sampler, ctypes.byref(self._arr))
        token = self._selected()
        self._one.id = token  # type: ignore[assignment]
        self._one.logit = 1.0
        self._one.p = 0.0
        self._one_arr.size = 1
        self._one_arr.selected = -1
        self._one_arr.sorted = False
        llama_cpp.llama_sampler_apply(self._grammar, ctypes.byref(self._one_arr))
        if not math.isfinite(self._one.logit):
            # The chain's choice breaks the grammar. Constrain the TOP_M most likely tokens
            # and resample among the valid ones (with greedy decoding this is exactly the
            # best valid token); only when none of them is valid, the whole vocabulary.
            self.n_fallback += 1
            if control is not None:
                control.fallbacks += 1
            m = min(TOP_M, self._n_vocab)
            self._fill_top(ctx, idx, m)
            llama_cpp.llama_sampler_apply(self._grammar, ctypes.byref(self._arr))
            if not np.isfinite(self._data["logit"][:m]).any():
                if control is not None:
                    control.full_fallbacks += 1
                self._fill(ctx, idx)
                llama_cpp.llama_sampler_apply(self._grammar, ctypes.byref(self._arr))
            llama_cpp.llama_sampler_apply(self.sampler, ctypes.byref(self._arr))
            token = self._selected()
        llama_cpp.llama_sampler_accept(self._grammar, token)
        llama_cpp.llama_sampler_accept(self.sampler, token)
        if control is not None:
            control.sampling_s += time.perf_counter() - t0
            control.samples += 1
        return token

    def accept(self, token: int) -> None:
        llama_cpp.llama_sampler_accept(self._grammar, token)
        llama_cpp.llama_sampler_accept(self.sampler, token)

    def reset(self) -> None:
        llama_cpp.llama_sampler_reset(self._grammar)
        llama_cpp.llama_sampler_reset(self.sampler)

    def close(self) -> None:
        if self._grammar is not None:
            llama_cpp.llama_sampler_free(self._grammar)
            self._grammar = None
        self._chain.close()

    def __del__(self) -> None:
        with contextlib.suppress(Exception):
            self.close()


class _TimedSampler:
    """Wraps the stock sampler (no grammar) to add cancellation and sampling time."""

    def __init__(self, inner: Any) -> None:
        self._inner = inner
        self.sampler = inner.sampler

    def sample(self, ctx: Any, idx: int = -1) -> int:
        control = _active
        t0 = time.perf_counter()
        _check_active()
        token = int(self._inner.sample(ctx, idx))
        if control is not None:
            control.sampling_s += time.perf_counter() - t0
        return token

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)


_orig_init_sampler = llama_cpp.Llama._init_sampler
LAZY_GRAMMAR = True
TOP_M = 512


def _init_sampler(self: Any, **kwargs: Any) -> Any:
    # Llama.generate and Llama.sample pass every argument by keyword.
    grammar = kwargs.pop("grammar", None)
    if grammar is None or not LAZY_GRAMMAR:
        return _TimedSampler(_orig_init_sampler(self, grammar=grammar, **kwargs))
    chain = _orig_init_sampler(self, grammar=None, **kwargs)
    gs = llama_cpp.llama_sampler_init_grammar(
        self._model.vocab, grammar._grammar.encode("utf-8"), grammar._root.encode("utf-8")
    )
    if not gs:
        chain.close()
        raise ValueError("llama.cpp could not parse the grammar built from the schema")
    return LazyGrammarSampler(chain, gs, self._n_vocab)


# The schema -> GBNF conversion is pure Python; memoise it per schema (callers send the same
# few schemas over and over).
_orig_grammar_for_json_schema = chat_format._grammar_for_json_schema


@functools.lru_cache(maxsize=64)
def _grammar_for_json_schema(schema: str, verbose: bool = False, fallback_to_json: bool = True) -> Any:
    return _orig_grammar_for_json_schema(schema, verbose, fallback_to_json)


# ---------------------------------------------------------------------------------------------
# Gemma


@chat_format.register_chat_format("summarizer-gemma")
def format_gemma_with_system(messages: list[dict[str, Any]], **kwargs: Any) -> chat_format.ChatFormatterResponse:
    system = "\n\n".join(str(m["content"]) for m in messages if m["role"] == "system" and m.get("content"))
    parts: list[str] = []
    pending = system
    for m in messages:
        role = m["role"]
        if role == "system":
            continue
        content = str(m.get("content") or "")
        if role == "user":
            if pending:
                content = f"{pending}\n\n{content}"
                pending = ""
            parts.append(f"<start_of_turn>user\n{content}<end_of_turn>\n")
        else:
            parts.append(f"<start_of_turn>model\n{content}<end_of_turn>\n")
    if pending:
        parts.insert(0, f"<start_of_turn>user\n{pending}<end_of_turn>\n")
    parts.append("<start_of_turn>model\n")
    return chat_format.ChatFormatterResponse(prompt="".join(parts), stop=["<end_of_turn>"])


# ---------------------------------------------------------------------------------------------
# the app


PINNED_LLAMA_CPP_VERSION = "0.3.36"


def check_llama_cpp_version(installed: str | None = None) -> None:
    """Exit with one clear line unless the installed llama-cpp-python is the pinned version."""
    installed = installed if installed is not None else getattr(llama_cpp, "__version__", "unknown")
    if installed != PINNED_LLAMA_CPP_VERSION:
        raise SystemExit(
            f"summarizer: error: llama-cpp-python {installed} is installed, but the local server patches "
            f"llama-cpp-python=={PINNED_LLAMA_CPP_VERSION} (hint: pip install 'summarizer[local]')"
        )


def _patch_llama() -> None:
    _internals.LlamaContext.decode = _decode  # type: ignore[method-assign]
    llama_cpp.Llama._init_sampler = _init_sampler  # type: ignore[method-assign,assignment]
    chat_format._grammar_for_json_schema = _grammar_for_json_schema


def _timings(llama: Any, control: _Control, server_s: float) -> dict[str, Any]:
    pc = llama_cpp.llama_perf_context(llama._ctx.ctx)
    return {
        "prompt_n": int(pc.n_p_eval),
        "prompt_ms": float(pc.t_p_eval_ms),
        "predicted_n": int(pc.n_eval),
        "predicted_ms": float(pc.t_eval_ms),
        "sampling_ms": control.sampling_s * 1000.0,
        "samples": control.samples,
        "grammar_fallbacks": control.fallbacks,
        "grammar_full_fallbacks": control.full_fallbacks,
        "server_ms": server_s * 1000.0,
    }


def _call(llama: Any, kwargs: dict[str, Any], control: _Control) -> dict[str, Any]:
    global _active
    _active = control
    t0 = time.perf_counter()
    try:
        llama_cpp.llama_perf_context_reset(llama._ctx.ctx)
        try:
            result = dict(llama.create_chat_completion(**kwargs))
        except GenerationStopped as e:
            if e.reason != "deadline":
                raise
            result = {
                "id": f"chatcmpl-stopped-{int(time.time() * 1000)}",
                "object": "chat.completion",
                "created": int(time.time()),
                "model": kwargs.get("model") or "local",
                "choices": [
                    {
                        "index": 0,
                        "logprobs": None,
                        "finish_reason": "length",
                        "message": {"role": "assistant", "content": ""},
                    }
                ],
                "usage": {"prompt_tokens": 0, "completion_tokens": 0, "total_tokens": 0},
            }
        result["timings"] = _timings(llama, control, time.perf_counter() - t0)
        return result
    finally:
        _active = None


def _install_routes(app: FastAPI, *, max_request_seconds: float, alias: str) -> None:
    stock = server_app.create_chat_completion
    n_before = len(app.router.routes)

    @app.post("/v1/chat/completions")
    async def create_chat_completion(request: Request, body: CreateChatCompletionRequest = Body(...)) -> Any:
        if body.stream:
            return await stock(request, body)
        kwargs = body.model_dump(exclude={"n", "logit_bias_type", "user", "min_tokens"})
        control = _Control(max_request_seconds)
        async with contextlib.asynccontextmanager(server_app.get_llama_proxy)() as proxy:
            if await request.is_disconnected():
                return JSONResponse({"error": "client disconnected"}, status_code=499)
            control.deadline = time.monotonic() + max_request_seconds
            llama = server_app.prepare_request_resources(body, proxy, body.model, kwargs)
            done = threading.Event()

            async def watch() -> None:
                while not done.is_set():
                    if await request.is_disconnected():
                        control.cancelled = "client disconnected"
                        return
                    await anyio.sleep(0.2)

            async with anyio.create_task_group() as tg:
                tg.start_soon(watch)
                try:
                    result = await run_in_threadpool(_call, llama, kwargs, control)
                except GenerationStopped as e:
                    result = None
                    reason = e.reason
                finally:
                    done.set()
                    tg.cancel_scope.cancel()
        if result is None:
            print(f"summarizer: generation stopped: {reason}", file=sys.stderr, flush=True)
            return JSONResponse({"error": {"message": f"generation stopped: {reason}"}}, status_code=499)
        return result

    @app.get("/summarizer/status")
    async def status() -> dict[str, Any]:
        return {"model": alias, "pid": os.getpid(), "busy": _active is not None}

    @app.post("/summarizer/cancel")
    async def cancel() -> dict[str, Any]:
        control = _active
        if control is not None:
            control.cancelled = "cancelled by /summarizer/cancel"
        return {"cancelled": control is not None}

    # Our routes must come before the stock ones (the first match wins), whatever form the
    # included stock router takes in this FastAPI version.
    ours = app.router.routes[n_before:]
    del app.router.routes[n_before:]
    app.router.routes[0:0] = ours


class _Server(uvicorn.Server):
    def handle_exit(self, sig: int, frame: Any) -> None:
        SHUTDOWN.set()  # the request in flight stops at its next token
        super().handle_exit(sig, frame)


def _watch_parent(parent_pid: int) -> None:
    def run() -> None:
        while True:
            time.sleep(0.5)
            if os.getppid() != parent_pid:
                SHUTDOWN.set()
                time.sleep(2.0)
                os.kill(os.getpid(), signal.SIGKILL)

    threading.Thread(target=run, name="parent-watch", daemon=True).start()


def _parse(argv: list[str] | None) -> tuple[argparse.Namespace, Settings]:
    ours = argparse.ArgumentParser(add_help=False)
    ours.add_argument("--parent_pid", type=int, default=0)
    ours.add_argument("--max_request_seconds", type=float, default=900.0)
    ours.add_argument(
        "--stock_sampling",
        action="store_true",
        help="grammar over the whole vocabulary for every token (slow; for A/B)",
    )
    extra, rest = ours.parse_known_args(argv)
    parser = argparse.ArgumentParser(description="summarizer's llama.cpp server")
    add_args_from_model(parser, Settings)
    args = parser.parse_args(rest)
    settings = cast(Settings, parse_model_from_args(Settings, args))
    return extra, settings


def main(argv: list[str] | None = None) -> None:
    check_llama_cpp_version()
    extra, settings = _parse(argv)
    global LAZY_GRAMMAR
    LAZY_GRAMMAR = not extra.stock_sampling
    _patch_llama()
    if extra.parent_pid:
        _watch_parent(extra.parent_pid)
    t0 = time.perf_counter()
    # create_app loads the model (LlamaProxy loads its default model when constructed).
    app = server_app.create_app(settings=settings)
    print(json.dumps({"summarizer_model_load_s": round(time.perf_counter() - t0, 3)}), file=sys.stderr, flush=True)
    alias = settings.model_alias or settings.model
    _install_routes(app, max_request_seconds=extra.max_request_seconds, alias=alias)
    config = uvicorn.Config(
        app,
        host=settings.host,
        port=settings.port,
        log_level="warning",
        timeout_graceful_shutdown=5,
    )
    _Server(config).run()


if __name__ == "__main__":
    main()
