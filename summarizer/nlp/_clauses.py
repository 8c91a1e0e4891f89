"""Clauses of a sentence: a long sentence shortened at a clause boundary, never inside a clause
(issue 20: "descriptions not cut mid-clause"), and the scope of a not-an-incident cue (`in_open_clause`).

An event's description is its own sentence. Past `max_words` words it is cut where a clause
that depends on the main one starts (spaCy's dependency parse, `parse`): an adverbial clause
("..., killing three civilians"), a relative clause ("... paratroopers who were transferred"),
a coordinated clause ("... and are now fighting"), a clause beside it ("...; ..."), the next
sentence, or a phrase set off by a comma after what it modifies ("..., to the southwest of
Zenda"). A cut is taken only where everything before it is a whole clause: the words the
dropped clause hangs from, their subjects, objects and complements all come before the cut (so
"Rudolf Rassendyll, governor of the Zenda region, said ..." is never cut after "region"), no word
kept hangs from a word dropped, and no "according to ..." is dropped (a claim would read as a
fact). Of the cuts that leave from MIN_WORDS to `max_words` words, the longest is taken and
marked with "…"; where there is none (or every one is inside a quotation or parentheses), the
sentence is kept whole.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from summarizer import rules
from summarizer.nlp._ner import Token, parse
from summarizer.text import CUT_MARK

__all__ = ["DESCRIPTION_WORDS", "clause_cut", "in_open_clause"]

DESCRIPTION_WORDS = 30  # an event's description: its sentence, cut past this many words
MIN_WORDS = 8  # a shorter head ("The 1442nd's video comes…") says too little: the sentence is kept whole

# where a clause that may be dropped begins: adverbial, relative, reduced relative, coordinated
# (of a verb), paratactic
_CLAUSES = frozenset({"advcl", "relcl", "acl", "conj", "parataxis"})
# a phrase set off by a comma after the words it modifies ("..., to the southwest of Zenda")
_SET_OFF = frozenset({"prep", "npadvmod", "advmod"})  # not appos: a list ("morale, a lack of ...") reads as one
# what a word a kept clause hangs from must keep: its subjects, objects, complements, auxiliaries
_CORE = frozenset(
    {"nsubj", "nsubjpass", "csubj", "csubjpass", "expl", "aux", "auxpass", "neg", "dobj", "dative", "attr"}
    | {"acomp", "oprd", "ccomp", "xcomp", "prt", "pobj", "agent", "pcomp"}
)
_VERBAL = frozenset({"VERB", "AUX"})
_JOINERS = frozenset({"CCONJ", "SCONJ"})  # what a head does not end with: ", and", ", while"
_CLOSING = frozenset({".", "!", "?", '"', "”", "’", ")", "]"})  # what it keeps: a sentence's end, a closed quote


def _subtrees(toks: Sequence[Token]) -> tuple[list[int], dict[int, list[Token]]]:
    """Each token's left edge (the first token of its subtree) and each token's children."""
    children: dict[int, list[Token]] = {}
    for t in toks:
        if t.head != t.i:
            children.setdefault(t.head, []).append(t)
    left = [t.i for t in toks]
    for t in sorted(toks, key=lambda t: _depth(toks, t), reverse=True):  # children before heads
        for c in children.get(t.i, []):
            left[t.i] = min(left[t.i], left[c.i])
    return left, children


def _depth(toks: Sequence[Token], t: Token) -> int:
    depth = 0
    while toks[t.i].head != t.i and depth < len(toks):
        t = toks[t.head]
        depth += 1
    return depth


def _ancestors(toks: Sequence[Token], t: Token) -> list[Token]:
    out: list[Token] = []
    while t.head != t.i and len(out) < len(toks):
        t = toks[t.head]
        out.append(t)
    return out


def _whole_before(toks: Sequence[Token], children: dict[int, list[Token]], t: Token, cut: int) -> bool:
    """Whether cutting at token `cut` (dropping the clause `t` and what follows) leaves whole
    clauses: every word `t` hangs from comes before the cut, with its core dependents."""
    if t.head == t.i:  # the root of a later sentence: everything before it is whole sentences
        return True
    for a in _ancestors(toks, t):
        if a.i >= cut:
            return False
        if any(c.i >= cut and c.dep in _CORE for c in children.get(a.i, [])):
            return False
    return True


def _head_end(toks: Sequence[Token], cut: int) -> int | None:
    """The index of the last token kept before a cut at `cut`: trailing commas, dashes and
    conjunctions ("killed two, and") are left out; a sentence's end or a closing quote is kept."""
    k = cut - 1
    while k >= 0 and (
        toks[k].pos in _JOINERS
        or toks[k].dep in ("cc", "mark", "preconj")
        or (toks[k].pos == "PUNCT" and toks[k].text not in _CLOSING)
    ):
        k -= 1
    return k if k >= 0 else None


def _attribution() -> re.Pattern[str]:
    """The words a description is never cut before ("according to ...": a claim would read as a
    fact; rule `not_incident.attribution_kept`)."""
    return rules.regex("not_incident.attribution_kept")


_APOSTROPHE = re.compile(r"(?<=\w)’(?=\w)")  # "Elphberg’s": not a closing quotation mark


def _dangling(toks: Sequence[Token], end: int) -> bool:
    """A kept word hangs from a dropped one, or a kept subordinator has no verb after it ("The UN
    audience applauded when at the end of his remarks | Rassendyll said ...", a parse that hangs
    "when" from "applauded")."""
    if any(toks[k].head > end for k in range(end + 1)):
        return True
    verbs = [k for k in range(end + 1) if toks[k].pos in _VERBAL]
    return any(
        (toks[k].pos == "SCONJ" or toks[k].tag == "WRB" or toks[k].dep == "mark") and not any(v > k for v in verbs)
        for k in range(end + 1)
    )


def _balanced(head: str) -> bool:
    """No quotation or parenthesis left open: a cut inside a quotation is inside its clause."""
    return (
        head.count('"') % 2 == 0
        and head.count("“") <= head.count("”")
        and head.count("‘") <= _APOSTROPHE.sub("", head).count("’")
        and head.count("(") == head.count(")")
        and head.count("[") == head.count("]")
    )


def clause_cut(sentence: str, max_words: int) -> str:
    """`sentence` with its whitespace folded; past `max_words` words, cut at the clause boundary
    that keeps the most words within `max_words` and marked with CUT_MARK, or kept whole when no
    boundary leaves whole clauses. Always the sentence's own words, in order."""
    folded = " ".join(sentence.split())
    if len(folded.split(" ")) <= max_words:
        return folded
    toks = parse(folded)
    if not toks:
        return folded
    left, children = _subtrees(toks)
    best: tuple[int, str] | None = None
    for t in toks:
        later_root = t.head == t.i and t.i > 0
        clause = t.dep in _CLAUSES and (t.dep != "conj" or (t.pos in _VERBAL and toks[t.head].pos in _VERBAL))
        set_off = t.dep in _SET_OFF and t.head < t.i and left[t.i] > 0 and toks[left[t.i] - 1].text == ","
        if not (later_root or clause or set_off):
            continue
        cut = left[t.i]
        if cut == 0 or not _whole_before(toks, children, t, cut) or _attribution().search(folded, toks[cut].start):
            continue
        end = _head_end(toks, cut)
        if end is None:
            continue
        if _dangling(toks, end):
            continue
        head = folded[: toks[end].end]
        words = len(head.split(" "))
        if MIN_WORDS <= words <= max_words and _balanced(head) and (best is None or words > best[0]):
            best = (words, head)
    return best[1] + CUT_MARK if best else folded


# The scope of a not-an-incident cue (medspaCy ConText's scope, read from the parse): its clause,
# and the clauses that hang from it as its complement or share its subject and auxiliaries
# ("warned that the dam could be destroyed", "could strike the town and advance"); it ends
# (ConText's TERMINATE) where a clause with an assertion of its own begins: an adverbial, a
# relative or reduced relative clause, a clause beside it ("..., the airstrike that killed 40").
# A complement that shares its subject is no clause of its own ("threatened to strike").
_SCOPE_ENDS = _CLAUSES - {"conj"}  # a description's droppable clauses, but for a coordinated verb
_INHERITS = frozenset({"ccomp", "csubj", "csubjpass"})  # and "conj" of a verb


def _clause_of(toks: Sequence[Token], i: int) -> int:
    """The head of the clause the i-th word belongs to."""
    t = toks[i]
    while t.head != t.i and not _opens_clause(t):
        t = toks[t.head]
    return t.i


def _opens_clause(t: Token) -> bool:
    return t.dep in _SCOPE_ENDS or t.dep in _INHERITS or (t.dep == "conj" and t.pos in _VERBAL)


def _in_scope(toks: Sequence[Token], i: int, blocked: set[int]) -> bool:
    """The i-th word lies in the scope of a cue whose clause is in `blocked`: in that clause, or
    in a clause that inherits from it."""
    head = _clause_of(toks, i)
    while True:
        if head in blocked:
            return True
        t = toks[head]
        if t.head == t.i or t.dep in _SCOPE_ENDS:
            return False
        head = _clause_of(toks, t.head)


def _asserted(toks: Sequence[Token], i: int) -> bool:
    """The i-th word tells an action as done: a verb in the past tense ("killed"), a passive
    participle ("was arrested"), or the complement of one ("was shot dead")."""
    t = toks[i]
    if t.dep in ("oprd", "acomp") and t.head != t.i:
        t = toks[t.head]
    if t.tag == "VBD":
        return True
    return t.tag == "VBN" and any(c.head == t.i and c.dep == "auxpass" for c in toks)


def in_open_clause(sentence: str, words: re.Pattern[str], cues: Sequence[re.Pattern[str]]) -> bool:
    """Some match of `words` (an event word) tells an action as done (a past tense, a passive)
    outside the scope of every match of `cues` (a hypothesis, a negation, an accusation, a
    habit): "Strelsau called for an inquiry into an airstrike that killed 40 people" (the
    killing is told as fact in a relative clause), not "Officials warned that the dam could be
    destroyed" (the cue is in the event word's clause), nor "... could hit civilians, though
    attacks continue" (no action told as done)."""
    if not words.search(sentence):
        return False
    toks, blocked, at = _scopes(sentence, words, cues)
    return any(_asserted(toks, k) and not _in_scope(toks, k, blocked) for k in at)


def only_in_scope(sentence: str, words: re.Pattern[str], cues: Sequence[re.Pattern[str]]) -> bool:
    """Every match of `words` (an event word), whatever its tense, lies in the scope of a match
    of `cues`: "Last month, an attack in Zenda killed 19", not "Troops have retaken Zenda,
    which the rebels last year declared their capital" (the retaking is out of the cue's
    clause). False when no cue or no event word is found."""
    if not words.search(sentence) or not any(c.search(sentence) for c in cues):
        return False
    toks, blocked, at = _scopes(sentence, words, cues)
    return bool(at) and all(_in_scope(toks, k, blocked) for k in at)


def _scopes(
    sentence: str, words: re.Pattern[str], cues: Sequence[re.Pattern[str]]
) -> tuple[list[Token], set[int], list[int]]:
    """The parsed sentence, the clauses the cues sit in, and the words' token indices."""
    toks = parse(sentence)

    def word_at(pos: int) -> int | None:
        return next((t.i for t in toks if t.start <= pos < t.end), None)

    cued = [word_at(m.start()) for cue in cues for m in cue.finditer(sentence)]
    blocked = {_clause_of(toks, k) for k in cued if k is not None}
    at = [k for m in words.finditer(sentence) if (k := word_at(m.start())) is not None]
    return list(toks), blocked, at
