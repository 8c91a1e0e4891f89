"""A fresh checkout rebuilds the many-wars texts from their origins (evals/external.py): each
selector form the gold uses cuts the right text, and a text is written only when its sha256 is
the origin's."""

from __future__ import annotations

import hashlib
import json
import subprocess
from pathlib import Path

import pytest

from tests.clihelp import load_script

external = load_script("evals/external.py")


def test_each_selector_form_cuts_its_text() -> None:
    ag = b'"4","Rebels seize town","STRELSAU (Reuters) - Rebels seized a town, officials said."\n"1","x","y"\n'
    sel = (
        "csv row 1 (1-based; the file has no header): column 2 (title) + '\\n\\n' + column 3 (description), "
        "fields as csv.reader returns them, no unescaping"
    )
    assert external.cut(ag, sel) == "Rebels seize town\n\nSTRELSAU (Reuters) - Rebels seized a town, officials said."
    cnn = b'id,article\n1,"first, quoted"\n2,"Zenda (CNN) -- Shelling hit Zenda."\n'
    assert (
        external.cut(cnn, "csv row 2 (1-based, header excluded): field 'article'")
        == "Zenda (CNN) -- Shelling hit Zenda."
    )
    rams = json.dumps(
        {"doc_key": "nw_A", "sentences": [["Troops", "left", "."], ["They", "came", "back", "."]]}
    ).encode()
    sel = "jsonlines line 1 (1-based), doc_key nw_A, field 'sentences': every token joined with one space"
    assert external.cut(rams, sel) == "Troops left . They came back ."
    with pytest.raises(ValueError, match="not nw_B"):
        external.cut(rams, "jsonlines line 1 (1-based), doc_key nw_B, field 'sentences': ...")
    assert external.cut("Zenda – Strelsau\n".encode(), "whole file, bytes unchanged (UTF-8)") == "Zenda – Strelsau\n"
    with pytest.raises(ValueError, match="does not know"):
        external.cut(b"", "xml element 3")


def test_texts_are_rebuilt_from_a_snapshot_only_when_their_checksum_holds(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = tmp_path / "snap" / "someone+corpus" / "repo"
    repo.mkdir(parents=True)
    git = ["git", "-C", str(repo), "-c", "user.name=t", "-c", "user.email=t@t"]
    subprocess.run([*git, "init", "-q"], check=True)
    (repo / "doc.txt").write_text("Rebels attacked Zenda.\n", encoding="utf-8")
    subprocess.run([*git, "add", "doc.txt"], check=True)
    subprocess.run([*git, "commit", "-q", "-m", "doc"], check=True)
    commit = subprocess.run([*git, "rev-parse", "HEAD"], capture_output=True, text=True, check=True).stdout.strip()
    monkeypatch.setattr(external, "EXTERNAL", tmp_path / "external")
    origin = {
        "repository": "someone/corpus",
        "commit": commit,
        "path": "doc.txt",
        "selector": "whole file, bytes unchanged",
    }
    good = {"id": "good", "origin": {**origin, "sha256": hashlib.sha256(b"Rebels attacked Zenda.\n").hexdigest()}}
    bad = {"id": "bad", "origin": {**origin, "sha256": "0" * 64}}
    failed = external.rebuild_texts([good, bad], tmp_path / "snap")
    assert (tmp_path / "external" / "texts" / "good.txt").read_text(encoding="utf-8") == "Rebels attacked Zenda.\n"
    assert not (tmp_path / "external" / "texts" / "bad.txt").exists()
    assert failed == ["bad: the rebuilt text's sha256 is not origin.sha256"]
