"""Reading the run log back: runs, their documents and scores, an eval's gold, and the
earlier run a new eval is compared with.

A run is named by its id, a unique prefix of it, or `last` (the latest run); anything else is
an InputError naming the log. Reading never creates or rewrites a log (a log of an older
schema is migrated first, which only adds).
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any

from summarizer.config import run_log_path
from summarizer.errors import InputError
from summarizer.runlog._schema import connect

__all__ = ["ModelScore", "RunInfo", "RunLog", "StoredDocument"]


@dataclass(frozen=True)
class RunInfo:
    run_id: str
    command: str
    models: list[str]
    prompt_version: str | None
    schema_hash: str | None
    package_version: str | None
    git_commit: str | None
    settings: dict[str, Any]
    offline: bool
    started: str
    ended: str | None
    exit_code: int | None
    dataset_sha256: str | None
    documents: int  # with a document
    failures: int  # with an error
    best_macro_f1: float | None

    @property
    def status(self) -> str:
        if self.ended is None:
            return "unfinished"
        return "ok" if self.exit_code == 0 else f"exit {self.exit_code}"

    @property
    def mode(self) -> str:
        return "offline" if self.offline else "live"


@dataclass(frozen=True)
class StoredDocument:
    doc_id: int
    model: str
    article_id: str
    article_sha256: str | None
    title: str | None
    published: str | None
    ok: bool
    error_type: str | None
    error: str | None
    exit_code: int | None
    latency_s: float | None
    macro_f1: float | None
    score: dict[str, Any] | None
    document: dict[str, Any] | None


@dataclass(frozen=True)
class ModelScore:
    model: str
    prompt_version: str | None
    schema_hash: str | None
    articles: int
    failures: int
    macro_f1: float | None
    attribution: float | None
    price: tuple[float, float] | None
    figures: dict[str, Any]


def _json(value: str | None) -> Any:
    return json.loads(value) if value else None


def _run(row: sqlite3.Row) -> RunInfo:
    return RunInfo(
        run_id=row["run_id"],
        command=row["command"],
        models=list(_json(row["models"]) or []),
        prompt_version=row["prompt_version"],
        schema_hash=row["schema_hash"],
        package_version=row["package_version"],
        git_commit=row["git_commit"],
        settings=dict(_json(row["settings"]) or {}),
        offline=bool(row["offline"]),
        started=row["started"],
        ended=row["ended"],
        exit_code=row["exit_code"],
        dataset_sha256=row["dataset_sha256"],
        documents=int(row["documents"]),
        failures=int(row["failures"]),
        best_macro_f1=row["best_macro_f1"],
    )


_RUNS = """
SELECT r.*, s.documents, s.failures, s.best_macro_f1
FROM runs r JOIN run_summary s USING (run_id)
"""


class RunLog:
    """The run log opened for reading (`RunLog.open(path)`; a context manager)."""

    def __init__(self, con: sqlite3.Connection, path: Path) -> None:
        self.con = con
        self.path = path

    @classmethod
    def open(cls, path: Path | None = None) -> RunLog:
        """The log at `path` (else `run_log_path()`); InputError when there is none yet or it
        is not a run log."""
        p = run_log_path(path)
        try:
            return cls(connect(p, create=False), p)
        except sqlite3.Error as exc:
            raise InputError(f"{p}: not a readable run log ({exc})") from exc

    def __enter__(self) -> RunLog:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self.close()

    def close(self) -> None:
        self.con.close()

    def runs(self, *, limit: int | None = None, command: str | None = None) -> list[RunInfo]:
        """The latest runs first."""
        sql, args = _RUNS, list[Any]()
        if command:
            sql += " WHERE r.command = ?"
            args.append(command)
        sql += " ORDER BY r.started DESC, r.rowid DESC"
        if limit is not None:
            sql += " LIMIT ?"
            args.append(limit)
        return [_run(row) for row in self.con.execute(sql, args)]

    def run(self, ref: str) -> RunInfo:
        """The run called `ref`: its id, a unique prefix of it, or `last`."""
        ref = ref.strip()
        if ref == "last":
            found = self.runs(limit=1)
            if not found:
                raise InputError(f"no runs in {self.path} yet")
            return found[0]
        if not ref or any(ch in ref for ch in "%_"):
            raise InputError(f"no run {ref!r} in {self.path} (see `summarizer runs list`)")
        rows = self.con.execute(_RUNS + " WHERE r.run_id LIKE ? ORDER BY r.started LIMIT 2", (ref + "%",)).fetchall()
        exact = [r for r in rows if r["run_id"] == ref]
        if exact:
            return _run(exact[0])
        if not rows:
            raise InputError(f"no run {ref!r} in {self.path} (see `summarizer runs list`)")
        if len(rows) > 1:
            raise InputError(f"run {ref!r} is ambiguous in {self.path}: give more of its id")
        return _run(rows[0])

    def documents(self, run_id: str, *, with_json: bool = True) -> list[StoredDocument]:
        """The run's documents (and errors), in the order recorded."""
        columns = (
            "*"
            if with_json
            else "doc_id, model, article_id, article_sha256, title, published, ok, "
            "error_type, error, exit_code, latency_s, macro_f1, score, NULL AS document"
        )
        rows = self.con.execute(f"SELECT {columns} FROM documents WHERE run_id = ? ORDER BY doc_id", (run_id,))
        return [
            StoredDocument(
                doc_id=r["doc_id"],
                model=r["model"],
                article_id=r["article_id"],
                article_sha256=r["article_sha256"],
                title=r["title"],
                published=r["published"],
                ok=bool(r["ok"]),
                error_type=r["error_type"],
                error=r["error"],
                exit_code=r["exit_code"],
                latency_s=r["latency_s"],
                macro_f1=r["macro_f1"],
                score=_json(r["score"]),
                document=_json(r["document"]),
            )
            for r in rows
        ]

    def scores(self, run_id: str) -> list[ModelScore]:
        """An eval run's figures, one per model, in the order recorded."""
        rows = self.con.execute("SELECT * FROM model_scores WHERE run_id = ? ORDER BY rowid", (run_id,))
        out = []
        for r in rows:
            price = _json(r["price"])
            out.append(
                ModelScore(
                    model=r["model"],
                    prompt_version=r["prompt_version"],
                    schema_hash=r["schema_hash"],
                    articles=r["articles"],
                    failures=r["failures"],
                    macro_f1=r["macro_f1"],
                    attribution=r["attribution"],
                    price=(float(price[0]), float(price[1])) if price else None,
                    figures=dict(_json(r["figures"]) or {}),
                )
            )
        return out

    def items(self, table: str, run_id: str) -> list[dict[str, Any]]:
        """Rows of an item table (actors, locations, events, casualties) of a run."""
        if table not in ("actors", "locations", "events", "casualties"):
            raise ValueError(table)
        rows = self.con.execute(f"SELECT * FROM {table} WHERE run_id = ? ORDER BY doc_id, rowid", (run_id,))
        return [dict(r) for r in rows]

    def dataset(self, sha256: str) -> tuple[str, str, list[dict[str, Any]]] | None:
        """(name, path, records) of a gold dataset an eval ran on, or None."""
        row = self.con.execute("SELECT name, path, records FROM datasets WHERE sha256 = ?", (sha256,)).fetchone()
        return (row["name"], row["path"], list(json.loads(row["records"]))) if row else None

    def previous_eval(
        self,
        model: str,
        *,
        dataset_sha256: str,
        offline: bool,
        started: str,
        run_id: str,
        prompt_version: str | None = None,
        schema_hash: str | None = None,
    ) -> tuple[RunInfo, ModelScore] | None:
        """The eval run that `model`'s figures in the run `run_id` (started at `started`) are
        compared with: the latest earlier finished eval of the same model on the same dataset
        (same bytes) in which not every article failed. A live run is compared with live runs
        only; an offline replay only with replays of the same prompt version and schema hash
        (what changed between them is the code)."""
        sql = (
            "SELECT r.run_id FROM runs r JOIN model_scores s ON s.run_id = r.run_id AND s.model = ? "
            "WHERE r.command = 'eval' AND r.run_id != ? AND r.dataset_sha256 = ? AND r.offline = ? "
            "AND r.ended IS NOT NULL AND s.failures < s.articles AND r.started <= ?"
        )
        args: list[Any] = [model, run_id, dataset_sha256, int(offline), started]
        if offline:
            sql += " AND s.prompt_version IS ? AND s.schema_hash IS ?"
            args += [prompt_version, schema_hash]
        sql += " ORDER BY r.started DESC, r.rowid DESC LIMIT 1"
        row = self.con.execute(sql, args).fetchone()
        if row is None:
            return None
        earlier = self.run(row["run_id"])
        score = next(s for s in self.scores(earlier.run_id) if s.model == model)
        return earlier, score
