"""`summarizer cache info|clear`, and the response cache of live `summarize` and `eval`.

The cache is batch's (`summarizer.batch.ResponseCache`: one file per canonical request, keyed
by model, server and request body; answers scrubbed of anything key-like, no headers kept), in
``$SUMMARIZER_RESPONSE_CACHE``, else ``<cache>/responses``. Live runs use it unless
``--no-cache``; ``--offline``, ``--record`` and ``--record-missing`` never do (a cassette must
hold the real call).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from summarizer.cli._common import fail

if TYPE_CHECKING:
    from summarizer.batch import LiveCache
    from summarizer.config import Settings

cache_app = typer.Typer(
    help="Show or empty the response cache (model answers kept by batch, summarize and eval).",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

CacheDir = Annotated[
    Path | None,
    typer.Option(
        "--cache-dir",
        help="The cache folder (default $SUMMARIZER_RESPONSE_CACHE, else <cache>/responses).",
        show_default=False,
    ),
]


def _size(n: int) -> str:
    if n < 10_000:
        return f"{n:,} bytes"
    return f"{n / 1e3:,.0f} kB" if n < 10_000_000 else f"{n / 1e6:,.0f} MB"


@cache_app.command("info")
def cache_info(cache_dir: CacheDir = None) -> None:
    """Where the cache is, how many answers it holds and their size."""
    from summarizer.batch import ResponseCache, default_cache_dir

    root = cache_dir or default_cache_dir()
    entries, size = ResponseCache(root).stats()
    typer.echo(f"path     {root}")
    typer.echo(f"entries  {entries}")
    typer.echo(f"size     {_size(size)}")


@cache_app.command("clear")
def cache_clear(cache_dir: CacheDir = None) -> None:
    """Remove every cached answer (asks nothing; only the cache's own files are removed, and
    only from a folder that carries the cache's marker)."""
    from summarizer.batch import ResponseCache, default_cache_dir
    from summarizer.errors import SummarizerError

    root = cache_dir if cache_dir is not None else default_cache_dir()
    try:
        entries, size = ResponseCache(root).clear()
    except SummarizerError as exc:
        fail(exc)
    typer.echo(f"removed {entries} entries ({_size(size)}) from {root}")


def live_cache(settings: Settings, no_cache: bool) -> LiveCache | None:
    """The response cache of a live run, installed in `settings`; None when it is not used."""
    if no_cache or settings.offline or settings.record:
        return None
    from summarizer.batch import LiveCache, default_cache_dir

    cache = LiveCache(default_cache_dir())
    settings.http_transport = cache.transport
    return cache


def report_hits(cache: LiveCache | None, what: str = "") -> None:
    """One line on stderr when answers came from the cache (they cost nothing and took no time)."""
    if cache is None:
        return
    hits, answers = cache.counts()
    if hits:
        typer.echo(
            f"summarizer: {hits} of {answers} model answers came from the response cache{what} "
            "(--no-cache to ask the model)",
            err=True,
        )


NO_CACHE_HELP = "Do not read or write the response cache (live runs use it: an unchanged request is not paid twice)."
