"""Put MUC-4 (GRIT's processed splits) and GRIT's published test predictions in the MUC-4 folder.

    python evals/muc4_fetch.py --from /work/.mirror/xinyadu+grit_doc_event_entity/repo
    python evals/muc4_fetch.py --from SNAPSHOT --to DIR     # another folder than the default

SNAPSHOT is a git snapshot (bare or not) of github:xinyadu/grit_doc_event_entity. The files are
read with `git show` and written to the folder `summarizer eval --dataset muc4:SPLIT` reads
(``$SUMMARIZER_MUC4_DIR``, else ``<user data folder>/datasets/muc4``), never into this
repository: the corpus is not ours to commit. ``source.json`` there says where each file came
from (repository, commit, path, sha256).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import subprocess
import sys
from pathlib import Path

from summarizer.config import muc4_dir

REPOSITORY = "github:xinyadu/grit_doc_event_entity"
FILES = {  # name in the MUC-4 folder -> path in the snapshot
    "train.json": "data/muc/processed/train.json",
    "dev.json": "data/muc/processed/dev.json",
    "test.json": "data/muc/processed/test.json",
    "preds_s_t.out": "model_grit/preds_s_t.out",
}


def _git(snapshot: Path, *args: str) -> bytes:
    done = subprocess.run(["git", "-C", str(snapshot), *args], capture_output=True, check=False)
    if done.returncode:
        sys.exit(f"muc4_fetch: git {' '.join(args)} failed in {snapshot}: {done.stderr.decode().strip()}")
    return done.stdout


def fetch(snapshot: Path, target: Path) -> dict[str, dict[str, str]]:
    """Write every file of FILES from the snapshot's HEAD into `target`; their sources."""
    commit = _git(snapshot, "rev-parse", "HEAD").decode().strip()
    target.mkdir(parents=True, exist_ok=True)
    sources = {}
    for name, path in FILES.items():
        data = _git(snapshot, "show", f"{commit}:{path}")
        (target / name).write_bytes(data)
        sources[name] = {
            "repository": REPOSITORY,
            "commit": commit,
            "path": path,
            "sha256": hashlib.sha256(data).hexdigest(),
        }
        print(f"{target / name}: {len(data):,} bytes from {path}")
    (target / "source.json").write_text(json.dumps(sources, indent=1) + "\n", encoding="utf-8")
    return sources


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--from", dest="snapshot", type=Path, required=True, help="git snapshot of the GRIT repo")
    parser.add_argument("--to", type=Path, default=None, help="target folder (default: the MUC-4 folder)")
    args = parser.parse_args()
    fetch(args.snapshot, args.to or muc4_dir())


if __name__ == "__main__":
    main()
