"""The embedded runtime: the catalogue of local models and their weights, and the llama.cpp
server process that serves one on loopback (`local_server`, `serve`).

The server entry itself (`_llama_server`, run as `python -m summarizer.local._llama_server`)
patches llama-cpp-python and is imported by nothing else.
"""

from summarizer.local._catalogue import LOCAL_MODELS, LocalModel, get_model
from summarizer.local._process import ManagedServer, server_command
from summarizer.local._server import ServerState, find_running, local_server, serve
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
    "serve",
    "server_command",
]
