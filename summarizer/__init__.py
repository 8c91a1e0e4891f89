"""summarizer: source-grounded structured briefs of news reporting on armed conflict.

The package is a library; `summarizer.cli` is the only part that knows about typer. The public
API, loaded lazily so that importing the package (and `summarizer --help`) stays fast:

    from summarizer import read_article, summarize
    doc = summarize(read_article("article.txt"), "local/qwen2.5-coder-1.5b")
    print(doc.model_dump_json(indent=2))

Layout (each subpackage re-exports its private `_modules`):

    errors       the error tree and the exit codes
    config       Settings, defaults, and the one reader of environment variables
    contract     the summary document (shared/CONTRACT.md)
    text         pure text processing: sentences, normalisation, names, figures, alignment
    inputs       reading articles: files, stdin, URLs, feeds
    models       provider registry, pricing, transport, model client, cassettes, secrets
    local        the embedded llama.cpp runtime: catalogue, weights, server process
    extraction   prompts, pass shapes, chunking, passes, assembly, `summarize`
    batch        many articles into one JSONL: result log, cache, runner, OpenAI Batch API
    evaluation   gold datasets, matching, scoring, statistics, runs, the HTML report
    render       JSON, Markdown and table renderings of a document
    cli          the command line

Examples in docstrings and comments name made-up countries, capitals and people (Ruritania and
Strelsau, Borduria and Szohod, "Rudolf Rassendyll"): the words the code matches that name real
ones live in the rule and data files (`summarizer/rules/*.toml`, issue 18).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

if TYPE_CHECKING:
    from summarizer.config import Settings
    from summarizer.contract import SummaryDocument
    from summarizer.errors import (
        CassetteMissError,
        ConfigError,
        ExtractionError,
        InputError,
        InternalError,
        ModelNotInstalledError,
        ProviderError,
        SummarizerError,
    )
    from summarizer.extraction import summarize
    from summarizer.inputs import Article, read_article

_LAZY = {
    "summarize": "summarizer.extraction",
    "read_article": "summarizer.inputs",
    "Article": "summarizer.inputs",
    "SummaryDocument": "summarizer.contract",
    "Settings": "summarizer.config",
    "SummarizerError": "summarizer.errors",
    "InputError": "summarizer.errors",
    "ConfigError": "summarizer.errors",
    "ProviderError": "summarizer.errors",
    "ModelNotInstalledError": "summarizer.errors",
    "CassetteMissError": "summarizer.errors",
    "ExtractionError": "summarizer.errors",
    "InternalError": "summarizer.errors",
}

__all__ = [
    "Article",
    "CassetteMissError",
    "ConfigError",
    "ExtractionError",
    "InputError",
    "InternalError",
    "ModelNotInstalledError",
    "ProviderError",
    "Settings",
    "SummarizerError",
    "SummaryDocument",
    "__version__",
    "read_article",
    "summarize",
]


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'summarizer' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_LAZY])
