"""The embedded runtime: the catalogue of local models and their weights, the llama.cpp
``llama-server`` binary built once from pinned source (`_runtime`), and the server process
that serves one model on loopback with parallel slots (`local_server`, `serve`).

The old runtime's entry (`_llama_server`, run as `python -m summarizer.local._llama_server`
when ``SUMMARIZER_RUNTIME=llama-cpp-python``) patches llama-cpp-python and is imported by
nothing else.
"""

from summarizer.local._catalogue import LOCAL_MODELS, LocalModel, get_model
from summarizer.local._process import ManagedServer, server_command
from summarizer.local._runtime import build as build_runtime
from summarizer.local._runtime import build_in_background
from summarizer.local._runtime import installed as runtime_installed
from summarizer.local._server import ServerState, find_running, local_server, serve, server_slots
from summarizer.local._weights import cache_dir, installed_path, models_dir, pull, require_installed

__all__ = [
    "LOCAL_MODELS",
    "LocalModel",
    "ManagedServer",
    "ServerState",
    "cache_dir",
    "find_running",
    "get_model",
    "installed_path",
    "local_server",
    "models_dir",
    "pull",
    "require_installed",
    "build_in_background",
    "build_runtime",
    "runtime_installed",
    "serve",
    "server_command",
    "server_slots",
]
