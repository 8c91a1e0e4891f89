"""Recording a run: `start_run` opens the log and inserts the run; the `Recorder` it returns
adds each document (one transaction per document, items included, so a crash or a kill never
loses the documents recorded before it), an eval's scores and gold, and the run's end.

Recording never makes a run fail: the first error (a database that cannot be created or
written, a locked or corrupt file, a newer schema) is reported once through `warn`, and the
recorder turns itself off for the rest of the run. Secrets are scrubbed from the settings and
error messages (`summarizer.models.scrub_secrets`); the API key is never among the settings.
"""

from __future__ import annotations

import contextlib
import json
import math
import sqlite3
import subprocess
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import fields
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from summarizer.config import Settings, run_log_path
from summarizer.errors import SummarizerError
from summarizer.runlog._items import Locator, gazetteer_locator, item_rows
from summarizer.runlog._schema import connect

__all__ = ["Recorder", "git_commit", "now", "package_version", "settings_record", "start_run"]

Warn = Callable[[str], None]

# What a run's settings record keeps of `Settings` (never the API key or the hooks).
_SETTINGS_KEPT = (
    "offline",
    "record",
    "cassette_dir",
    "base_url",
    "prompt_version",
    "timeout_s",
    "max_reasks",
    "transport_attempts",
    "context_tokens",
    "published",
)


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def package_version() -> str | None:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("summarizer")
    except PackageNotFoundError:
        return None


def git_commit() -> str | None:
    """The commit of the checkout the package runs from (with "+dirty" when tracked files
    changed), or None outside a git checkout."""
    root = Path(__file__).resolve().parent.parent.parent
    if not (root / ".git").exists():
        return None
    try:
        head = subprocess.run(
            ["git", "-C", str(root), "rev-parse", "HEAD"], capture_output=True, text=True, timeout=5, check=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "-C", str(root), "status", "--porcelain", "--untracked-files=no"],
            capture_output=True,
            text=True,
            timeout=5,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return None
    return f"{head}+dirty" if head and dirty else (head or None)


def _jsonable(value: Any) -> Any:
    if isinstance(value, Path):
        return str(value)
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return str(value)


def settings_record(settings: Settings, **options: Any) -> dict[str, Any]:
    """The run's settings worth keeping: the global ones and the command's own `options`."""
    from summarizer.models import redact_url

    kept = {f.name: getattr(settings, f.name) for f in fields(settings) if f.name in _SETTINGS_KEPT}
    if kept.get("base_url"):
        kept["base_url"] = redact_url(str(kept["base_url"]))
    return _jsonable({**kept, **options})


def _dumps(value: Any) -> str:
    from summarizer.models import scrub_secrets

    return scrub_secrets(json.dumps(_jsonable(value), ensure_ascii=False, sort_keys=True))


class Recorder:
    """One run being recorded. Every method is a no-op once the recorder is off (--no-log, or
    after the first failure, reported through `warn`)."""

    def __init__(self, path: Path | None, run_id: str, warn: Warn, locate: Locator | None = None) -> None:
        self.path = path
        self.run_id = run_id
        self.started = now()  # the run's start as recorded (ISO 8601, UTC, seconds): its report shows the same
        self._warn = warn
        self._locate = locate
        self._con: sqlite3.Connection | None = None

    @property
    def active(self) -> bool:
        return self._con is not None

    def _off(self, exc: BaseException) -> None:
        detail = exc.one_line() if isinstance(exc, SummarizerError) else f"{type(exc).__name__}: {exc}"
        self._warn(f"run log {self.path}: not recorded ({' '.join(detail.split())})")
        self.close()

    def _transaction(self, work: Callable[[sqlite3.Connection], object]) -> None:
        """`work` in one transaction; a database error turns the recorder off. Anything else
        (Ctrl-C above all) is raised again after the rollback, never swallowed: a rollback that
        fails (the interrupt came after the commit) must not replace it."""
        con = self._con
        if con is None:
            return
        try:
            con.execute("BEGIN IMMEDIATE")
            work(con)
            con.execute("COMMIT")
        except BaseException as exc:
            if con.in_transaction:
                with contextlib.suppress(sqlite3.Error):
                    con.execute("ROLLBACK")
            if isinstance(exc, sqlite3.Error | OSError | ValueError | TypeError | SummarizerError):
                self._off(exc)
                return
            raise

    def _start(self, row: dict[str, Any]) -> None:
        try:
            assert self.path is not None
            self._con = connect(self.path)
        except (sqlite3.Error, OSError, SummarizerError) as exc:
            self._off(exc)
            return
        self._transaction(lambda con: _insert(con, "runs", row))

    def add_document(
        self,
        model: str,
        article_id: str,
        *,
        document: Mapping[str, Any] | None = None,
        error_type: str | None = None,
        error: str | None = None,
        exit_code: int | None = None,
        article_sha256: str | None = None,
        latency_s: float | None = None,
        score: Mapping[str, Any] | None = None,
    ) -> None:
        """One model's document of one article (or its error), with its items and its score
        (eval runs), in one transaction."""
        if self._con is None:
            return
        try:
            doc = dict(document) if document is not None else None
            article: Mapping[str, Any] = {}
            prov: Mapping[str, Any] = {}
            items: dict[str, list[dict[str, Any]]] = {}
            if doc is not None:
                article = doc["article"] if isinstance(doc.get("article"), Mapping) else {}
                prov = doc["provenance"] if isinstance(doc.get("provenance"), Mapping) else {}
                items = item_rows(doc, self._locate)
        except Exception as exc:  # noqa: BLE001 - a malformed document is not a failed run
            self._off(exc)
            return
        from summarizer.models import scrub_secrets

        base = {
            "run_id": self.run_id,
            "model": model,
            "article_id": article_id,
            "article_sha256": article.get("sha256") or article_sha256,
            "source": article.get("source"),
            "published": article.get("published"),
        }
        row = {
            **base,
            "title": article.get("title"),
            "prompt_version": prov.get("prompt_version"),
            "schema_hash": prov.get("schema_hash"),
            "ok": int(doc is not None),
            "error_type": error_type,
            "error": scrub_secrets(error) if error else None,
            "exit_code": exit_code,
            "latency_s": latency_s if latency_s is not None else prov.get("latency_s"),
            "macro_f1": score.get("macro_f1") if score else None,
            "score": _dumps(score) if score is not None else None,
            "document": json.dumps(doc, ensure_ascii=False) if doc is not None else None,
            "recorded": now(),
        }

        def work(con: sqlite3.Connection) -> None:
            doc_id = _insert(con, "documents", row)
            for table, rows in items.items():
                for item in rows:
                    _insert(con, table, {**base, "doc_id": doc_id, **item})
            if row["schema_hash"]:
                con.execute(
                    "UPDATE runs SET schema_hash = ? WHERE run_id = ? AND schema_hash IS NULL",
                    (row["schema_hash"], self.run_id),
                )

        self._transaction(work)

    def add_dataset(self, name: str, path: str, sha256: str, records: Sequence[Mapping[str, Any]]) -> None:
        """The gold an eval runs on (kept once per sha256), so its report can be rebuilt."""
        blob = json.dumps(list(records), ensure_ascii=False)

        def work(con: sqlite3.Connection) -> None:
            con.execute(
                "INSERT OR IGNORE INTO datasets (sha256, name, path, records) VALUES (?, ?, ?, ?)",
                (sha256, name, path, blob),
            )
            con.execute("UPDATE runs SET dataset_sha256 = ? WHERE run_id = ?", (sha256, self.run_id))

        self._transaction(work)

    def add_scores(
        self,
        model: str,
        *,
        prompt_version: str | None,
        schema_hash: str | None,
        articles: int,
        failures: int,
        macro_f1: float | None,
        attribution: float | None,
        price: Sequence[float] | None,
        figures: Mapping[str, Any],
    ) -> None:
        """One model's figures over an eval run."""
        row = {
            "run_id": self.run_id,
            "model": model,
            "prompt_version": prompt_version,
            "schema_hash": schema_hash,
            "articles": articles,
            "failures": failures,
            "macro_f1": _jsonable(macro_f1),
            "attribution": _jsonable(attribution),
            "price": json.dumps(list(price)) if price is not None else None,
            "figures": _dumps(figures),
        }

        def work(con: sqlite3.Connection) -> None:
            _insert(con, "model_scores", row, replace=True)
            if schema_hash:
                con.execute(
                    "UPDATE runs SET schema_hash = ? WHERE run_id = ? AND schema_hash IS NULL",
                    (schema_hash, self.run_id),
                )

        self._transaction(work)

    def finish(self, exit_code: int) -> None:
        """The run's end and exit code; then the log is closed."""
        self._transaction(
            lambda con: con.execute(
                "UPDATE runs SET ended = ?, exit_code = ? WHERE run_id = ?", (now(), exit_code, self.run_id)
            )
        )
        self.close()

    def close(self) -> None:
        if self._con is not None:
            con, self._con = self._con, None
            with contextlib.suppress(sqlite3.Error):
                con.close()


def _insert(con: sqlite3.Connection, table: str, row: Mapping[str, Any], *, replace: bool = False) -> int:
    names = list(row)
    verb = "INSERT OR REPLACE" if replace else "INSERT"
    cur = con.execute(
        f"{verb} INTO {table} ({', '.join(names)}) VALUES ({', '.join('?' for _ in names)})",
        [row[n] for n in names],
    )
    return int(cur.lastrowid or 0)


def start_run(
    settings: Settings,
    command: str,
    models: Sequence[str],
    *,
    options: Mapping[str, Any] | None = None,
    warn: Warn,
    locate: Locator | None = None,
    with_coordinates: bool = True,
) -> Recorder:
    """Start recording a run of `command`: in `settings.log_db` (else `run_log_path()`), nothing
    with `settings.no_log`. The run's id is `recorder.run_id` either way."""
    run_id = uuid.uuid4().hex[:12]
    if settings.no_log:
        return Recorder(None, run_id, warn)
    path = run_log_path(settings.log_db)
    if locate is None and with_coordinates:
        locate = gazetteer_locator()
    recorder = Recorder(path, run_id, warn, locate)
    recorder._start(
        {
            "run_id": run_id,
            "command": command,
            "models": json.dumps(list(models)),
            "prompt_version": settings.prompt_version,
            "package_version": package_version(),
            "git_commit": git_commit(),
            "settings": _dumps(settings_record(settings, **(options or {}))),
            "offline": int(settings.offline),
            "started": recorder.started,
        }
    )
    return recorder
