"""The NER model: pinned by the sha256 of its files, loaded lazily, entities with subjects."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import summarizer.nlp._ner as ner
from summarizer.errors import ConfigError
from summarizer.nlp import MODEL_SHA256, entities, package_digest


def test_the_installed_model_is_the_pinned_one() -> None:
    module = __import__(ner.MODEL_PACKAGE)
    assert package_digest(Path(str(module.__file__)).resolve().parent) == MODEL_SHA256


def test_a_model_package_with_other_bytes_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    module = __import__(ner.MODEL_PACKAGE)
    copy = tmp_path / ner.MODEL_PACKAGE
    shutil.copytree(Path(str(module.__file__)).resolve().parent, copy, ignore=shutil.ignore_patterns("__pycache__"))
    (copy / "meta.json").write_text((copy / "meta.json").read_text() + " ")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delitem(__import__("sys").modules, ner.MODEL_PACKAGE)
    ner._nlp.cache_clear()
    try:
        with pytest.raises(ConfigError, match="does not match the pinned"):
            entities("Igor Girkin wrote on Telegram.")
    finally:
        monkeypatch.undo()
        __import__("sys").modules.pop(ner.MODEL_PACKAGE, None)
        ner._nlp.cache_clear()


def test_people_places_and_subjects() -> None:
    text = "Russia pounded villages near Vovchansk, Oleg Synegubov said. Russia's invasion goes on."
    found = {(text[e.start : e.end], e.label, e.subject) for e in entities(text)}
    labels = {name: label for name, label, _ in found}
    assert labels.get("Oleg Synegubov") == "PERSON"
    assert ("Russia", "GPE", True) in found  # "Russia pounded": the subject
