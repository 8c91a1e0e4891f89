"""MUC-4 as an eval suite: its documents, GRIT's predictions, our documents' role fillers and
the CEAF-REE score.

This module owns everything MUC-4 and nothing else:
- where the data is (`muc4_file`: ``muc4:dev|test|train`` -> ``<config.muc4_dir()>/<split>.json``;
  `evals/muc4_fetch.py` puts the files there) and how it reads: `load_muc4` (GRIT's processed
  format, one JSON object a line: ``docid``, ``doctext``, ``extracts``: role -> entities ->
  ``[mention, offset]`` pairs) and `read_grit_predictions` (GRIT's prediction file:
  ``{grit id: {"pred_extracts": role -> entities -> mentions}}``; `to_grit_predictions` writes it);
- `document_to_muc4`: a summary document's event roles as MUC-4 role fillers;
- `score_muc4`: CEAF-REE, as GRIT's ``eval.py`` computes it (reimplemented from its definition);
- `run_muc4`: a model over the documents through `summarize`, scored.

The score (CEAF-REE with phi-strict, micro-averaged):
- Every mention string is normalised: lower-cased, ASCII punctuation removed, the words "a",
  "an" and "the" removed, whitespace folded.
- Per document and role, gold entities (a gold entity with no mention is dropped) are aligned
  one-to-one with predicted entities so that the number of matched pairs is largest; a pair
  matches when every mention of the predicted entity is a mention of the gold entity. A
  predicted entity with no mention is left out (``eval.py`` stops with a ZeroDivisionError on one).
- Matched pairs are the numerator of precision and recall; the denominators are the numbers of
  predicted and of gold entities. Counts are summed over documents per role, and over the five
  roles for the micro figure; P or R is 0 when nothing matched.
- Documents are the gold's; a role or a document missing from the predictions predicts nothing.
"""

from __future__ import annotations

import json
import re
import string
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from summarizer import config
from summarizer.config import Settings
from summarizer.errors import ConfigError, ExtractionError, InputError, SummarizerError
from summarizer.evaluation import _runner  # `check_model` and `_summarize` (`summarize` as the eval calls it)
from summarizer.evaluation._matching import items_of, max_weight_matching, text_or_none
from summarizer.inputs import Article

__all__ = [
    "MUC4_ROLES",
    "DocumentFailure",
    "Muc4Document",
    "Muc4Run",
    "Muc4Score",
    "RoleScore",
    "document_to_muc4",
    "grit_docid",
    "is_muc4",
    "load_muc4",
    "muc4_article",
    "muc4_file",
    "normalize_mention",
    "perp_role",
    "read_grit_predictions",
    "run_muc4",
    "score_muc4",
    "to_grit_predictions",
]

MUC4_ROLES = ("PerpInd", "PerpOrg", "Target", "Victim", "Weapon")
MUC4_SPLITS = ("train", "dev", "test")
FETCH_HINT = (
    "get it with: python evals/muc4_fetch.py --from <git snapshot of github:xinyadu/grit_doc_event_entity>; "
    "or set SUMMARIZER_MUC4_DIR to a folder that has it"
)

Fillers = dict[str, list[list[str]]]  # role -> entities -> mention strings


# --------------------------------------------------------------------------------------------
# The data: where it is, GRIT's processed documents, GRIT's predictions.
# --------------------------------------------------------------------------------------------


def is_muc4(spec: str) -> bool:
    """Whether a --dataset value names MUC-4 (``muc4:SPLIT``)."""
    return spec.startswith("muc4:")


def muc4_file(spec: str) -> Path:
    """``muc4:dev|test|train`` -> the split's JSON file in `config.muc4_dir()`; an InputError
    (one line, how to get the data) when the name is not a split or the file is missing."""
    split = spec.removeprefix("muc4:")
    if split not in MUC4_SPLITS:
        raise InputError(f"unknown MUC-4 split {spec!r}", hint="use muc4:train, muc4:dev or muc4:test")
    path = config.muc4_dir() / f"{split}.json"
    if not path.is_file():
        raise InputError(f"MUC-4 {split} is not at {path}", hint=FETCH_HINT)
    return path


@dataclass(frozen=True)
class Muc4Document:
    """One MUC-4 document: GRIT's docid ("TST3-MUC4-0001"), its (lower-case) text, its gold."""

    docid: str
    text: str
    gold: Fillers

    @property
    def grit_id(self) -> str:
        return grit_docid(self.docid)


def grit_docid(docid: str) -> str:
    """The id GRIT's predictions use: "TST3-MUC4-0012" -> "30012", "DEV-MUC3-0012" -> "12"."""
    parts = docid.split("-")
    try:
        number = int(parts[-1])
        return str(number if parts[0] == "DEV" else int(parts[0][-1]) * 10000 + number)
    except (ValueError, IndexError):
        return docid


def _json_lines(path: Path) -> list[tuple[int, Any]]:
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror or exc}", hint=FETCH_HINT) from None
    try:
        return [(n, json.loads(line)) for n, line in enumerate(lines, 1) if line.strip()]
    except json.JSONDecodeError as exc:
        raise InputError(f"{path}: not GRIT's processed MUC-4 format (JSON lines): {exc}") from None


def load_muc4(path: Path) -> list[Muc4Document]:
    """The documents of a split file in GRIT's processed format; an InputError names a bad line."""
    documents = []
    for n, record in _json_lines(path):
        try:
            extracts = record["extracts"]
            gold = {
                role: [[str(m[0]) for m in entity] for entity in extracts.get(role, []) if entity]
                for role in MUC4_ROLES
            }
            documents.append(Muc4Document(str(record["docid"]), str(record["doctext"]), gold))
        except (KeyError, TypeError, IndexError, AttributeError) as exc:
            raise InputError(
                f"{path}:{n}: not a MUC-4 document in GRIT's format ({type(exc).__name__}: {exc})"
            ) from None
    return documents


def read_grit_predictions(path: Path) -> dict[str, Fillers]:
    """GRIT's prediction file: ``{id: {"pred_extracts": {role: [[mention, ...], ...]}}}`` ->
    fillers by id (GRIT's numeric id or the docid, as the file has it)."""
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise InputError(f"cannot read predictions {path}: {exc.strerror or exc}") from None
    except json.JSONDecodeError as exc:
        raise InputError(f"{path}: not GRIT's prediction format (one JSON object): {exc}") from None
    if not isinstance(raw, dict):
        raise InputError(f"{path}: not GRIT's prediction format (a JSON object of documents)")
    out: dict[str, Fillers] = {}
    for docid, entry in raw.items():
        extracts = entry.get("pred_extracts") if isinstance(entry, dict) else None
        if not isinstance(extracts, dict):
            raise InputError(f"{path}: document {docid} has no pred_extracts object")
        out[str(docid)] = {
            role: [[str(m) for m in entity] for entity in extracts.get(role) or [] if isinstance(entity, list)]
            for role in MUC4_ROLES
        }
    return out


def to_grit_predictions(predictions: Mapping[str, Fillers], documents: Sequence[Muc4Document]) -> dict[str, Any]:
    """Predictions in GRIT's format (keyed by GRIT's id), for `read_grit_predictions` and ``eval.py``."""
    return {
        d.grit_id: {"doctext": d.text, "pred_extracts": predictions.get(d.docid) or _no_fillers()} for d in documents
    }


def _no_fillers() -> Fillers:
    return {role: [] for role in MUC4_ROLES}


# --------------------------------------------------------------------------------------------
# Our document's roles as MUC-4 role fillers.
# --------------------------------------------------------------------------------------------

_PLAIN_ROLES = {"targets": "Target", "victims": "Victim", "weapons": "Weapon"}  # `against` has no MUC-4 role
_PERSON_KINDS = {"person", "civilians"}
# Head nouns that name people rather than an organisation: the words MUC-4's keys put under
# PerpInd ("guerrillas", "two men", "members of the army", "death squads", "terrorist groups").
# fmt: off
_PEOPLE = {
    "guerrilla", "guerrillas", "guerilla", "guerillas", "terrorist", "terrorists", "narcoterrorist",
    "narcoterrorists", "rebel", "rebels", "man", "men", "woman", "women", "individual", "individuals", "person",
    "persons", "people", "member", "members", "soldier", "soldiers", "troops", "gunman", "gunmen", "attacker",
    "attackers", "assailant", "assailants", "assassin", "assassins", "killer", "killers", "hitman", "hitmen",
    "criminal", "criminals", "commando", "commandos", "commandoes", "trafficker", "traffickers", "narcotrafficker",
    "narcotraffickers", "dealer", "dealers", "subversive", "subversives", "extremist", "extremists", "perpetrator",
    "perpetrators", "officer", "officers", "lieutenant", "lieutenants", "colonel", "colonels", "captain",
    "captains", "sergeant", "sergeants", "major", "policeman", "policemen", "agent", "agents", "suspect",
    "suspects", "student", "students", "militant", "militants", "fighter", "fighters", "insurgent", "insurgents",
    "paramilitaries", "mercenary", "mercenaries", "militiamen", "guard", "guards", "bandit", "bandits", "kidnapper",
    "kidnappers", "murderer", "murderers", "bomber", "bombers", "sniper", "snipers", "youth", "youths",
    "demonstrators", "rioters", "personnel", "groups", "squads", "squad", "columns", "column", "units", "bands",
    "gangs",
}
# fmt: on
_COLLECTIVE = {"group", "groups", "column", "band", "gang", "number", "unit", "units", "squad", "team", "dozens"}
_QUALIFIER = re.compile(r"\b(?:of|in|with|wearing|from|who|dressed|riding|on)\b")


def _head_noun(name: str) -> str:
    """The head noun of a filler's name: "members of the army" -> "members", "group of armed
    men" -> "men", "heavily armed men in uniforms" -> "men"."""
    parts = _QUALIFIER.split(name.lower())
    words = re.findall(r"[a-z][a-z'\-]*", parts[0])
    head = words[-1].removesuffix("'s") if words else ""
    if head in _COLLECTIVE and len(parts) > 1:
        inner = re.findall(r"[a-z][a-z'\-]*", parts[1])
        head = inner[-1] if inner else head
    return head


def perp_role(name: str, kind: str | None) -> str:
    """PerpInd or PerpOrg for a `by` filler named `name` whose actor is of `kind` (None: no
    actor). MUC-4's rule: PerpInd are the individuals who did it, named or described ("pablo
    escobar", "gunmen", "two men", "members of the army", "death squads"); PerpOrg is the
    organisation responsible ("fmln", "armed forces", "medellin cartel"). So: a person (or
    civilians) is PerpInd; so is a name whose head noun names people; anything else is PerpOrg."""
    if kind in _PERSON_KINDS or _head_noun(name) in _PEOPLE:
        return "PerpInd"
    return "PerpOrg"


def _span_texts(item: Mapping[str, Any] | None) -> list[str]:
    return [t for m in items_of(item, "mentions") if (t := text_or_none(m.get("text")))]


def document_to_muc4(doc: Mapping[str, Any]) -> Fillers:
    """The MUC-4 role fillers of a summary document (its JSON dict), from its events' roles:
    `by` -> PerpInd or PerpOrg (`perp_role`), `targets` -> Target, `victims` -> Victim,
    `weapons` -> Weapon (`against` has no MUC-4 role). Fillers are pooled over the document's
    events (MUC-4 scores role fillers per document): one entity per actor or location a filler
    points to (`actor_id`, `location_id`), else per normalised name. An entity is given by one
    mention, its name (the actor's or place's name: the most complete form the text uses; else
    the filler's own words), as GRIT's predictions give one: CEAF-REE matches a predicted entity
    only when every mention it lists is one of the gold entity's, so listing every form the text
    uses ("Sapt", "Fritz Sapt", "Fritz") would only lose a match. A document without
    roles has no fillers."""
    actors = {a["id"]: a for a in items_of(doc, "actors") if isinstance(a.get("id"), str)}
    locations = {p["id"]: p for p in items_of(doc, "locations") if isinstance(p.get("id"), str)}
    entities: dict[str, dict[str, list[str]]] = {role: {} for role in MUC4_ROLES}
    for event in items_of(doc, "events"):
        for key in ("by", *_PLAIN_ROLES):
            for filler in items_of(event, key):
                actor = actors.get(str(filler.get("actor_id")))
                place = locations.get(str(filler.get("location_id")))
                referent = actor or place
                name = text_or_none(filler.get("name")) or text_or_none((referent or {}).get("name"))
                spans = _span_texts(filler)
                mentions = [name] if name else spans[:1]
                if not mentions:
                    continue
                if key == "by":
                    kind = actor.get("kind") if actor else None
                    role = perp_role(name or mentions[0], kind if isinstance(kind, str) else None)
                else:
                    role = _PLAIN_ROLES[key]
                ident = (
                    f"actor:{filler['actor_id']}"
                    if actor
                    else f"location:{filler['location_id']}"
                    if place
                    else f"name:{normalize_mention(name or mentions[0])}"
                )
                entity = entities[role].setdefault(ident, [])
                for mention in mentions:
                    if normalize_mention(mention) not in {normalize_mention(m) for m in entity}:
                        entity.append(mention)
    return {role: list(found.values()) for role, found in entities.items()}


# --------------------------------------------------------------------------------------------
# CEAF-REE.
# --------------------------------------------------------------------------------------------

_ARTICLES = re.compile(r"\b(?:a|an|the)\b")
_NO_PUNCT = str.maketrans("", "", string.punctuation)


def normalize_mention(text: str) -> str:
    """Lower-case, ASCII punctuation removed, "a"/"an"/"the" removed, whitespace folded."""
    return " ".join(_ARTICLES.sub(" ", text.lower().translate(_NO_PUNCT)).split())


@dataclass(frozen=True)
class RoleScore:
    """CEAF-REE counts of one role (or of all, micro): matched entity pairs, predicted and gold
    entities."""

    matched: int = 0
    predicted: int = 0
    gold: int = 0

    @property
    def precision(self) -> float:
        return self.matched / self.predicted if self.matched else 0.0

    @property
    def recall(self) -> float:
        return self.matched / self.gold if self.matched else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def __add__(self, other: RoleScore) -> RoleScore:
        return RoleScore(self.matched + other.matched, self.predicted + other.predicted, self.gold + other.gold)

    def to_dict(self) -> dict[str, float | int]:
        return {
            "precision": self.precision,
            "recall": self.recall,
            "f1": self.f1,
            "matched": self.matched,
            "predicted": self.predicted,
            "gold": self.gold,
        }


@dataclass(frozen=True)
class Muc4Score:
    """CEAF-REE per role and micro over `documents`; `missing`: documents with no prediction."""

    roles: dict[str, RoleScore]
    documents: int
    missing: tuple[str, ...] = ()

    @property
    def micro(self) -> RoleScore:
        return sum(self.roles.values(), RoleScore())

    def to_dict(self) -> dict[str, Any]:
        return {
            "metric": "CEAF-REE (phi-strict), as GRIT's eval.py",
            "documents": self.documents,
            "missing": list(self.missing),
            "roles": {role: s.to_dict() for role, s in self.roles.items()},
            "micro": self.micro.to_dict(),
        }


def _aligned(gold: Sequence[Sequence[str]], predicted: Sequence[Sequence[str]]) -> int:
    """Matched pairs of the best one-to-one alignment of gold and predicted entities
    (mentions normalised): a pair matches when the prediction's mentions are all the gold's."""
    gold_sets = [{normalize_mention(m) for m in entity} for entity in gold]
    pred_sets = [{normalize_mention(m) for m in entity} for entity in predicted]
    weights = [[int(p <= g) for p in pred_sets] for g in gold_sets]
    return len(max_weight_matching(weights))


def score_muc4(predictions: Mapping[str, Fillers], documents: Iterable[Muc4Document]) -> Muc4Score:
    """CEAF-REE of `predictions` (by docid or GRIT's id) against the gold of `documents`."""
    roles = {role: RoleScore() for role in MUC4_ROLES}
    missing: list[str] = []
    count = 0
    for doc in documents:
        count += 1
        predicted = predictions.get(doc.docid)
        if predicted is None:
            predicted = predictions.get(doc.grit_id)
        if predicted is None:
            missing.append(doc.docid)
            predicted = {}
        for role in MUC4_ROLES:
            gold = [entity for entity in doc.gold.get(role, []) if entity]
            pred = [entity for entity in predicted.get(role, []) if entity]
            roles[role] += RoleScore(_aligned(gold, pred), len(pred), len(gold))
    return Muc4Score(roles, count, tuple(missing))


# --------------------------------------------------------------------------------------------
# A model over MUC-4.
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DocumentFailure:
    """A document on which the model made no summary: the error's type, one line and exit code."""

    error_type: str
    error: str
    exit_code: int | None

    @property
    def model_failure(self) -> bool:
        return self.error_type == ExtractionError.__name__


@dataclass
class Muc4Run:
    """One model over MUC-4 documents: its fillers by docid, the failures, the score."""

    model: str
    score: Muc4Score
    predictions: dict[str, Fillers]
    failures: dict[str, DocumentFailure] = field(default_factory=dict)
    wall_s: float = 0.0

    def run_problems(self) -> list[tuple[str, DocumentFailure]]:
        """Failures that are not the model's own (provider, configuration, cassette)."""
        return [(d, f) for d, f in self.failures.items() if not f.model_failure]


def muc4_article(doc: Muc4Document) -> Article:
    """The Article the pipeline summarizes for a MUC-4 document (no title, no date)."""
    return Article(id=doc.docid, text=doc.text, origin="dataset")


def run_muc4(
    model: str,
    split: str | Sequence[Muc4Document],
    settings: Settings | None = None,
    *,
    limit: int | None = None,
    progress: Callable[[str, Fillers, DocumentFailure | None], None] | None = None,
) -> Muc4Run:
    """Summarize the documents of `split` ("dev" or "muc4:dev", or documents already loaded;
    the first `limit`) with `model` through `summarize` (cassettes, --offline and the response
    cache apply), map each summary with `document_to_muc4` and score CEAF-REE. The model is
    checked first (`check_model`); after that a document that fails predicts nothing and the
    run goes on (after a ConfigError the remaining documents fail with it)."""
    if isinstance(split, str):
        split = load_muc4(muc4_file(split if is_muc4(split) else f"muc4:{split}"))
    documents = list(split)[:limit] if limit else list(split)
    settings = settings or Settings()
    articles = [muc4_article(d) for d in documents]
    _runner.check_model(model, settings, articles)
    predictions: dict[str, Fillers] = {}
    failures: dict[str, DocumentFailure] = {}
    fatal: SummarizerError | None = None
    t0 = time.perf_counter()
    for doc, article in zip(documents, articles, strict=True):
        summary, error = _runner._summarize(article, model, settings, fatal)
        fatal = error if isinstance(error, ConfigError) else fatal
        fillers = document_to_muc4(summary) if summary is not None else _no_fillers()
        predictions[doc.docid] = fillers
        failure = None
        if error is not None:
            error_type, message, exit_code = _runner._error_fields(error)
            failure = failures[doc.docid] = DocumentFailure(error_type or "Error", message or "failed", exit_code)
        if progress is not None:
            progress(doc.docid, fillers, failure)
    score = score_muc4(predictions, documents)
    return Muc4Run(model, score, predictions, failures, time.perf_counter() - t0)
