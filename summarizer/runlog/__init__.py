"""The run log: every `summarize`, `batch` and `eval` recorded in one SQLite database (the
user data folder; `--log-db`/`SUMMARIZER_LOG_DB` to move it, `--no-log` to skip), queryable
with `sqlite3` or Datasette, listed, compared and exported by `summarizer runs|report|export`.

  _schema  the tables and views, opening the file, the schema version (PRAGMA user_version)
  _items   a document's items as table rows, with the gazetteer's coordinates of its places
  _write   recording a run: start_run and the Recorder (one transaction per document; never fails a run)
  _read    reading it back: RunLog (runs, documents, scores, gold, the earlier eval to compare with)
  _diff    what changed between two runs: scores and items
  _export  a run's events and casualty figures, actors or places as csv, jsonl or geojson

It sits beside `batch` and `evaluation` (it imports neither: the CLI hands it plain data).
"""

from summarizer.runlog._diff import DocumentDiff, RunDiff, ScoreDiff, diff_runs, item_label
from summarizer.runlog._export import (
    ACTOR_COLUMNS,
    COLUMNS,
    DEFAULT_EXPORT,
    EXPORTS,
    FORMATS,
    PLACE_COLUMNS,
    export_columns,
    export_rows,
    write_export,
)
from summarizer.runlog._items import Locator, gazetteer_locator, item_rows
from summarizer.runlog._read import ModelScore, RunInfo, RunLog, StoredDocument
from summarizer.runlog._schema import SCHEMA_VERSION, connect
from summarizer.runlog._write import Recorder, git_commit, now, package_version, settings_record, start_run

__all__ = [
    "ACTOR_COLUMNS",
    "COLUMNS",
    "DEFAULT_EXPORT",
    "EXPORTS",
    "FORMATS",
    "PLACE_COLUMNS",
    "SCHEMA_VERSION",
    "DocumentDiff",
    "Locator",
    "ModelScore",
    "Recorder",
    "RunDiff",
    "RunInfo",
    "RunLog",
    "ScoreDiff",
    "StoredDocument",
    "connect",
    "diff_runs",
    "export_columns",
    "export_rows",
    "gazetteer_locator",
    "git_commit",
    "item_label",
    "item_rows",
    "now",
    "package_version",
    "settings_record",
    "start_run",
    "write_export",
]
