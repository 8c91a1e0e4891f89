"""The run log's database: its tables and views, opening it, and the schema version.

One SQLite file (`summarizer.config.run_log_path`), WAL journal (synchronous NORMAL: a
committed document survives the process being killed; only a power cut can lose the last
ones), foreign keys on. The schema
version is SQLite's `PRAGMA user_version`: 0 is an empty file (the tables are created), each
later version has a migration in `_MIGRATIONS` (from version N to N+1), applied in order in
one transaction; a file of a newer version than this code knows is refused (ConfigError),
never rewritten.

Tables (one row per ...):
  runs          run: command, models, prompt version, schema hash, package version, git
                commit, settings (JSON), offline, started/ended, exit code, eval dataset
  documents     model and article of a run: the full document JSON, or the error; its score
                (eval runs)
  actors, locations, events, casualties
                item of a document, with run_id, doc_id, model and the article's id, sha256,
                source and published date, so a query needs no join; locations, events and
                casualties carry lat/lon and its precision (1 settlement, 2 region, 3 country;
                version 2)
  model_scores  model of an eval run: macro F1, attribution, the figures (JSON)
  datasets      gold dataset an eval ran on (by sha256): its records, to rebuild a report
Views: run_summary (a run with its counts and best macro F1), claims (casualty figures of
successful documents with the run's command and mode).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path

from summarizer.errors import ConfigError, InputError
from summarizer.files import check_target

__all__ = ["SCHEMA_VERSION", "connect"]

SCHEMA_VERSION = 2

_ARTICLE = """
    run_id TEXT NOT NULL REFERENCES runs(run_id) ON DELETE CASCADE,
    doc_id INTEGER NOT NULL REFERENCES documents(doc_id) ON DELETE CASCADE,
    model TEXT NOT NULL,
    article_id TEXT NOT NULL,
    article_sha256 TEXT,
    source TEXT,
    published TEXT,"""

_V1 = f"""
CREATE TABLE runs (
    run_id TEXT PRIMARY KEY,
    command TEXT NOT NULL,
    models TEXT NOT NULL,
    prompt_version TEXT,
    schema_hash TEXT,
    package_version TEXT,
    git_commit TEXT,
    settings TEXT NOT NULL,
    offline INTEGER NOT NULL,
    started TEXT NOT NULL,
    ended TEXT,
    exit_code INTEGER,
    dataset_sha256 TEXT
);
CREATE TABLE documents (
    doc_id INTEGER PRIMARY KEY,
    run_id TEXT NOT NULL REFERENCES runs(run_id) ON DELETE CASCADE,
    model TEXT NOT NULL,
    article_id TEXT NOT NULL,
    article_sha256 TEXT,
    title TEXT,
    source TEXT,
    published TEXT,
    prompt_version TEXT,
    schema_hash TEXT,
    ok INTEGER NOT NULL,
    error_type TEXT,
    error TEXT,
    exit_code INTEGER,
    latency_s REAL,
    macro_f1 REAL,
    score TEXT,
    document TEXT,
    recorded TEXT NOT NULL
);
CREATE INDEX documents_run ON documents(run_id, model);
CREATE INDEX documents_sha ON documents(article_sha256);
CREATE TABLE actors ({_ARTICLE}
    item_id TEXT, name TEXT, kind TEXT, side TEXT, aliases TEXT, mentions INTEGER
);
CREATE TABLE locations ({_ARTICLE}
    item_id TEXT, name TEXT, kind TEXT, admin1 TEXT, country TEXT, lat REAL, lon REAL, mentions INTEGER
);
CREATE TABLE events ({_ARTICLE}
    item_id TEXT, type TEXT, date TEXT, description TEXT, places TEXT, actors TEXT,
    location_ids TEXT, actor_ids TEXT, lat REAL, lon REAL, evidence TEXT, evidence_start INTEGER
);
CREATE TABLE casualties ({_ARTICLE}
    item_id TEXT, kind TEXT, count INTEGER, low INTEGER, high INTEGER, approximate INTEGER, raw TEXT,
    affected TEXT, claimed_by TEXT, event_id TEXT, date TEXT, places TEXT, lat REAL, lon REAL,
    evidence TEXT, evidence_start INTEGER
);
CREATE INDEX actors_doc ON actors(doc_id);
CREATE INDEX locations_doc ON locations(doc_id);
CREATE INDEX events_doc ON events(doc_id);
CREATE INDEX casualties_doc ON casualties(doc_id);
CREATE TABLE model_scores (
    run_id TEXT NOT NULL REFERENCES runs(run_id) ON DELETE CASCADE,
    model TEXT NOT NULL,
    prompt_version TEXT,
    schema_hash TEXT,
    articles INTEGER NOT NULL,
    failures INTEGER NOT NULL,
    macro_f1 REAL,
    attribution REAL,
    price TEXT,
    figures TEXT NOT NULL,
    PRIMARY KEY (run_id, model)
);
CREATE TABLE datasets (
    sha256 TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    path TEXT NOT NULL,
    records TEXT NOT NULL
);
CREATE VIEW run_summary AS
SELECT r.run_id, r.command, r.models, r.prompt_version, r.offline, r.started, r.ended, r.exit_code,
       (SELECT count(*) FROM documents d WHERE d.run_id = r.run_id AND d.ok) AS documents,
       (SELECT count(*) FROM documents d WHERE d.run_id = r.run_id AND NOT d.ok) AS failures,
       (SELECT max(macro_f1) FROM model_scores s WHERE s.run_id = r.run_id) AS best_macro_f1
FROM runs r;
CREATE VIEW claims AS
SELECT c.*, r.command, r.offline, r.started AS run_started
FROM casualties c JOIN runs r USING (run_id);
"""


def _script(sql: str) -> Callable[[sqlite3.Connection], None]:
    """A migration of plain statements, run one by one inside the caller's transaction
    (`executescript` would commit first)."""

    def run(con: sqlite3.Connection) -> None:
        for statement in sql.split(";\n"):
            if statement.strip():
                con.execute(statement)

    return run


# 2: the precision of a point (ACLED's geo-precision: 1 settlement, 2 region, 3 country)
_V2 = """
ALTER TABLE locations ADD COLUMN precision INTEGER;
ALTER TABLE events ADD COLUMN precision INTEGER;
ALTER TABLE casualties ADD COLUMN precision INTEGER;
"""

_MIGRATIONS: dict[int, Callable[[sqlite3.Connection], None]] = {0: _script(_V1), 1: _script(_V2)}


def connect(path: Path, *, create: bool = True) -> sqlite3.Connection:
    """The run log at `path`, migrated to SCHEMA_VERSION. `create=False` (reading): a missing
    file is an InputError instead of a new database, and nothing in the file is ever changed
    (no table, no journal mode, no version). A path that is not a regular file (a folder,
    `/dev/null`, a FIFO) is an InputError before SQLite opens it, and so is a SQLite file of
    another application (tables, but not the run log's): it is never migrated. Raises
    ConfigError for a file of a newer schema; sqlite3.Error and OSError for a file that is not
    a database or cannot be written."""
    if path.is_dir():
        raise InputError(f"{path}: is a directory, not a run log", hint="--log-db is a file")
    if not create and not path.exists():
        raise InputError(f"{path}: no run log yet (a summarize, batch or eval run creates it)")
    check_target(path, label=str(path), regular_hint="--log-db is a SQLite file summarizer writes")
    if create:
        path.parent.mkdir(parents=True, exist_ok=True)
    con = sqlite3.connect(path, timeout=10.0, isolation_level=None)
    try:
        con.row_factory = sqlite3.Row
        version = int(con.execute("PRAGMA user_version").fetchone()[0])
        tables = {row[0] for row in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if version > SCHEMA_VERSION:
            raise ConfigError(
                f"{path}: run log of schema version {version}, newer than this summarizer's {SCHEMA_VERSION}",
                hint="upgrade summarizer, or use another --log-db",
            )
        if (tables and version == 0) or (version and "runs" not in tables):
            raise InputError(
                f"{path}: a SQLite file that is not a run log; refusing to change it",
                hint="use another --log-db",
            )
        if not create and version < SCHEMA_VERSION:  # an empty database: nothing recorded yet
            raise InputError(f"{path}: no run log yet (a summarize, batch or eval run creates it)")
        con.execute("PRAGMA foreign_keys = ON")
        if version < SCHEMA_VERSION:
            con.execute("PRAGMA journal_mode = WAL")
            con.execute("BEGIN IMMEDIATE")
            try:
                version = int(con.execute("PRAGMA user_version").fetchone()[0])  # another process may have won
                for step in range(version, SCHEMA_VERSION):
                    _MIGRATIONS[step](con)
                con.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
                con.execute("COMMIT")
            except BaseException:
                con.execute("ROLLBACK")
                raise
        else:
            con.execute("PRAGMA journal_mode = WAL")
        con.execute("PRAGMA synchronous = NORMAL")  # WAL: a commit survives a crash of the process, no fsync each
    except BaseException:
        con.close()
        raise
    return con
