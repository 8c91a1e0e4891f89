"""Event roles: who did it (`by`), to which armed party (`against`), to whom (`victims`), to
what (`targets`) and with what (`weapons`), read from the event's own sentence.

Code, not the model: the sentence is parsed (spaCy's dependency parse, `summarizer.nlp.parse`)
and the participants of the event's predicate are read from the grammar, the ACLED way (actor 1
acts, actor 2 is acted on) and the MUC-4 way (perpetrator, target, victim, instrument):

- a predicate is a verb or noun of `rules/roles.toml` (harm, attack, arrest verbs; event nouns);
- active voice: its subject is `by`; passive: the `by`-phrase is `by` and the subject is acted on;
  a verb it completes lends its subject ("X sought to isolate Y"), or its object when that is a
  party ("ordered the army to attack"); a personal pronoun in a reported clause is the reporting
  verb's subject ("X said it had retaken the town", "X says its forces retook it");
- what is acted on goes by its head word: people harmed are `victims`, an armed party fought or
  attacked is `against` (for harm verbs soldiers killed are victims), a building or vehicle is a
  `target`; `with`/`using` phrases and weapon words in the sentence are `weapons`;
- a fight has two sides: a battle or strike whose every `by` is an actor with a side, and that
  the grammar gives nobody to be `against`, is against the armed actors the sentence names on
  another side ("Bordurian forces attacked the town held by Ruritanian troops");
- a phrase that is one of the document's actors is named by that actor (with its id), but a
  state's forces are not the state ("Ruritania's forces"), while a group's fighters are the group;
  a phrase whose head is one of its places is a place, not a participant; numbers and quantifiers
  are dropped ("at least 10 people" -> "people").

A role the sentence does not state stays empty: a reporting verb's subject ("police said") is
never a participant, because only the event's predicate is read. The word lists are data
(`summarizer/rules/roles.toml`, each with an example and a counter-example run by the tests).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from summarizer import rules
from summarizer.contract import EVENT_ROLES as ROLES
from summarizer.contract import Actor, Location, RoleFiller, Span
from summarizer.text import dateline_end, demonyms

__all__ = ["ROLES", "counted_noun", "dateline_end", "event_roles", "figure_victims", "role_rules", "sentence_roles"]

_DROP_DEPS = frozenset({"det", "nummod", "quantmod", "advmod", "punct", "predet", "case", "cc", "prep", "relcl", "acl"})
_NOUNISH = frozenset({"NOUN", "PROPN", "PRON", "ADJ", "NUM"})
_PRONOUNS = frozenset(
    {"it", "its", "they", "their", "he", "his", "she", "them", "him", "her", "we", "us", "our", "i", "you", "who"}
    | {"which", "that", "this", "these", "those", "one", "ones", "both", "all", "each", "some", "many", "others"}
)
_NOT_PARTICIPANTS = frozenset({"DATE", "TIME", "CARDINAL", "ORDINAL", "PERCENT", "MONEY", "QUANTITY"})
_RELATIVE = frozenset({"who", "which", "that"})
_PERSONAL = frozenset({"it", "its", "they", "their", "he", "his", "she", "her"})  # may stand for a named party
_PLACE_ENTS = frozenset({"GPE", "LOC", "FAC"})


def role_rules() -> dict[str, rules.Rule]:
    """The word lists of `summarizer/rules/roles.toml` by name (the rule id without `roles.`);
    each rule's data has the `role` its example fills."""
    return {r.id.removeprefix("roles."): r for r in rules.all_rules() if r.topic == "roles"}


@rules.table
def _word_sets() -> dict[str, frozenset[str]]:
    """Each list's words, casefolded; empty for a list switched off (`rules.disabled`)."""
    return {name: rules.words(r.id) for name, r in role_rules().items()}


def _words(name: str) -> frozenset[str]:
    return _word_sets()[name]


@dataclass(frozen=True)
class _Tok:
    i: int
    text: str
    start: int
    end: int
    pos: str
    dep: str
    head: int
    ent: str = ""

    @property
    def low(self) -> str:
        return self.text.lower()


class _Sentence:
    def __init__(self, tokens: Sequence[Any], offset: int) -> None:
        base = tokens[0].i if tokens else 0
        self.toks = [
            _Tok(t.i - base, t.text, t.start + offset, t.end + offset, t.pos, t.dep, t.head - base, t.ent)
            for t in tokens
        ]
        self.children: dict[int, list[_Tok]] = {}
        for t in self.toks:
            if t.head != t.i:
                self.children.setdefault(t.head, []).append(t)

    def kids(self, t: _Tok, *deps: str) -> list[_Tok]:
        return [c for c in self.children.get(t.i, []) if not deps or c.dep in deps]

    def conjuncts(self, t: _Tok) -> list[_Tok]:
        out = [t]
        for c in self.kids(t, "conj"):
            out.extend(self.conjuncts(c))
        return out

    def antecedent(self, t: _Tok) -> _Tok | None:
        """What a personal pronoun stands for when its clause is reported by a verb: the
        reporting verb's subject ("Ruritania said it had retaken the town" -> Ruritania; "the
        army says its forces retook it" -> the army, for "its"). None when the clause is not a
        verb's complement or that verb's subject is itself a pronoun."""
        verb = t
        while verb.pos not in ("VERB", "AUX") and verb.head != verb.i:
            verb = self.toks[verb.head]
        while verb.dep == "conj" and verb.head != verb.i:
            verb = self.toks[verb.head]
        if verb.dep != "ccomp" or verb.head == verb.i:
            return None
        teller = self.toks[verb.head]
        for s in self.kids(teller, "nsubj"):
            if s.low not in _PRONOUNS and s.pos in ("NOUN", "PROPN"):
                return s
        return None

    def head_of(self, t: _Tok) -> _Tok:
        """The participant a quantity stands for: "thousands of troops" -> troops."""
        if t.low in _words("quantity_heads") or t.pos == "NUM":
            for prep in self.kids(t, "prep"):
                if prep.low == "of":
                    for obj in self.kids(prep, "pobj"):
                        return obj
        return t

    def phrase(self, head: _Tok) -> tuple[int, int]:
        """The head's noun phrase: its left modifiers (compounds, adjectives, possessors, names)
        and the head, without determiners, numbers and quantifiers."""
        start = head
        for c in sorted(self.kids(head), key=lambda c: c.i):
            if c.i < head.i and c.dep not in _DROP_DEPS and c.pos not in ("NUM", "PRON") and not _quantifier(c):
                sub = self._subtree(c)
                left = min(sub, key=lambda x: x.i)
                hyphenated = all(x.pos != "NUM" or self._before_hyphen(x) for x in sub)  # "69-year-old"
                if left.i < start.i and hyphenated and all(x.dep not in _DROP_DEPS or x.text == "-" for x in sub):
                    start = left
                elif c.i < start.i:
                    start = c
        return start.start, head.end

    def _before_hyphen(self, t: _Tok) -> bool:
        return t.i + 1 < len(self.toks) and self.toks[t.i + 1].text == "-"

    def _subtree(self, t: _Tok) -> list[_Tok]:
        out = [t]
        for c in self.kids(t):
            out.extend(self._subtree(c))
        return out


def _quantifier(t: _Tok) -> bool:
    """A word that counts or orders, not names: "at least", "other", "second" (`roles.quantifiers`)."""
    return t.low in _words("quantifiers") or t.ent == "ORDINAL"


def _predicates(sent: _Sentence, event_type: str) -> list[tuple[_Tok, str]]:
    """The event's predicates in the sentence: (token, class) with class harm, attack, arrest
    or noun."""
    out = []
    for t in sent.toks:
        if t.pos in ("VERB", "AUX") or (t.pos == "NOUN" and t.dep in ("ROOT", "conj", "ccomp", "xcomp", "advcl")):
            for cls in ("harm", "attack", "arrest", "death", "movement", "placing", "agreement"):
                phrasal = cls == "agreement" and sent.kids(t, "prt")  # "signed up" is no agreement
                if t.low in _words(f"{cls}_verbs") and t.pos == "VERB" and not phrasal:
                    out.append((t, cls))
                    break
        if t.pos == "NOUN" and t.low in _words("event_nouns"):
            out.append((t, "noun"))
    return out


def _acted_on(sent: _Sentence, t: _Tok, cls: str) -> list[tuple[str, _Tok]]:
    """What the predicate acts on, with the role it takes by its head word."""
    out = []
    for obj in sent.conjuncts(t):
        low = obj.low
        if low in _words("target_nouns") and low not in _words("victim_nouns"):
            out.append(("targets", obj))
        elif cls == "harm" and (low in _words("victim_nouns") or obj.pos == "PROPN"):
            out.append(("victims", obj))
        elif cls == "arrest" or low in _words("armed_nouns") or obj.pos == "PROPN":
            out.append(("against", obj))
        elif low in _words("victim_nouns"):
            out.append(("victims", obj))
    return out


def _subject(sent: _Sentence, t: _Tok, s: _Tok) -> _Tok:
    """A relative clause's subject stands for the noun the clause is about: "the drones that
    attacked the fleet" -> drones."""
    if s.low in _RELATIVE and t.dep == "relcl":
        return sent.toks[t.head]
    return s


def _read_noun(sent: _Sentence, t: _Tok) -> list[tuple[str, _Tok]]:
    """An event told as a noun: its possessor or the name before it acts ("the Black Hand's
    attack", "a Hentzau attack", "a Bordurian strike"), its `by`-phrase acts, what it is on or against is acted
    on, what it is with is the weapon, a building it happened in or at is the target."""
    found: list[tuple[str, _Tok]] = [("by", c) for c in sent.kids(t, "poss")]
    for c in sent.kids(t, "compound", "amod"):
        if c.i < t.i and (c.ent == "NORP" or (c.pos == "PROPN" and c.ent not in _PLACE_ENTS)):
            found.append(("by", c))
    preps = sent.kids(t, "prep")
    verb = sent.toks[t.head]
    if t.dep == "nsubj" and verb.low in _words("occurrence_verbs"):  # "the blast occurred at a market"
        preps += [p for p in sent.kids(verb, "prep") if p.low in _words("at_target")]
    for prep in preps:
        for obj in sent.kids(prep, "pobj"):
            if prep.low == "by":
                found.extend(("by", o) for o in sent.conjuncts(obj))
            elif prep.low in ("on", "against", "targeting"):
                found.extend(_acted_on(sent, obj, "attack"))
            elif prep.low in ("with", "using"):
                found.extend(("weapons", o) for o in sent.conjuncts(obj))
            elif prep.low in _words("at_target"):
                found.extend(("targets", o) for o in sent.conjuncts(obj) if o.low in _words("target_nouns"))
    return found


def _read_predicate(sent: _Sentence, t: _Tok, cls: str) -> list[tuple[str, _Tok]]:
    found: list[tuple[str, _Tok]] = []
    passive = bool(sent.kids(t, "nsubjpass", "auxpass"))
    if cls == "noun":
        return _read_noun(sent, t)
    if cls == "agreement":  # "rebels and the army agreed a ceasefire": the parties
        return [("by", x) for s in sent.kids(t, "nsubj") for x in sent.conjuncts(_subject(sent, t, s))]
    if cls == "death":  # "Ruritanian troops have died": the subject is the victim
        return [("victims", x) for s in sent.kids(t, "nsubj") for x in sent.conjuncts(_subject(sent, t, s))]
    # "troops advanced on the town": who moved; a party moved against. "Gunmen planted a bomb":
    # who planted it; what they place is the weapon (`_weapons`), not a party acted on
    moves = cls in ("movement", "placing")
    places = cls == "placing"  # where a device is put is no party: "thrown to the front" (troops sent)
    if moves:
        cls = "attack"
    subjects = sent.kids(t, "nsubj") if not passive else []
    # "X stormed the base and killed ...": X; not through a copula ("the target is Y and captured ...");
    # "X sought to isolate ...": the verb it completes lends its subject, or its object when that is
    # a party ("ordered the army to attack": the army; "went to get supplies to attack": not the supplies)
    if not subjects and t.dep in ("conj", "xcomp") and not passive and sent.toks[t.head].pos == "VERB":
        governor = sent.toks[t.head]
        objects = sent.kids(governor, "dobj") if t.dep == "xcomp" else []
        parties = [o for o in objects if o.pos == "PROPN" or o.low in _words("armed_nouns")]
        subjects = parties or sent.kids(governor, "nsubj")
    for s in subjects:
        found.extend(("by", x) for x in sent.conjuncts(_subject(sent, t, s)))
    for s in [] if places else sent.kids(t, "nsubjpass"):  # "a bomb was planted": the weapon, read as one
        for x in sent.conjuncts(_subject(sent, t, s)):
            found.extend(_acted_on(sent, x, cls))
    for obj in [] if moves else sent.kids(t, "dobj"):  # "deployed forces", "entered the town": no party acted on
        found.extend(_acted_on(sent, obj, cls))
    for prep in sent.kids(t, "prep", "agent", "dative"):
        for obj in sent.kids(prep, "pobj"):
            if prep.dep == "agent" or prep.low == "by":
                found.extend(("by", x) for x in sent.conjuncts(obj))
            elif prep.low in ("with", "using") and obj.low in _words("weapon_nouns"):
                found.extend(("weapons", x) for x in sent.conjuncts(obj))
            elif prep.low == "with" and cls == "attack":  # "clashed with rebels"
                found.extend(("against", x) for x in sent.conjuncts(obj) if x.low not in _words("weapon_nouns"))
            elif prep.low in ("on", "at", "against", "into", "to") and cls in ("attack", "harm") and not places:
                found.extend(r for r in _acted_on(sent, obj, cls) if r[0] != "victims" or prep.low != "to")
            elif prep.low in _words("at_target") and cls in ("attack", "harm"):  # "exploded outside a bar"
                found.extend(("targets", x) for x in sent.conjuncts(obj) if x.low in _words("target_nouns"))
    return found


def _weapons(sent: _Sentence) -> list[tuple[str, _Tok]]:
    """Weapon words named anywhere in the event's sentence (not a person: 'suicide bombers')."""
    out = []
    for t in sent.toks:
        if t.pos != "NOUN":
            continue
        if t.low not in _words("weapon_nouns"):
            # "explosive devices", "a dynamite charge": a device a weapon word names
            named = any(k.low in _words("weapon_nouns") for k in sent.kids(t, "amod", "compound"))
            if t.low in _words("weapon_devices") and named:
                out.append(("weapons", t))
            continue
        head = sent.toks[t.head]
        if t.dep == "compound" and (head.low in _words("person_weapons") or head.low in _words("weapon_nouns")):
            continue  # part of a longer name: "suicide bombers", "car bomb" (taken at its head)
        out.append(("weapons", t))
    return out


def _actor_of_nationality(tok: _Tok, actors: Sequence[Actor]) -> Actor | None:
    """The document's actor a nationality word names ("Bordurian" -> the actor "Borduria"), if any."""
    country = demonyms().get(tok.low)
    if country is None:
        return None
    key = country.casefold()
    return next((a for a in actors if key in {a.name.casefold(), *(x.casefold() for x in a.aliases)}), None)


def event_roles(
    text: str,
    start: int,
    end: int,
    event_type: str,
    actors: Sequence[Actor],
    locations: Sequence[Location],
    tokens: Sequence[Any],
) -> dict[str, list[RoleFiller]]:
    """The roles of the event whose sentence is text[start:end], from its parsed `tokens`
    (offsets relative to `start`), named by the document's actors where they are one."""
    sent = _Sentence(tokens, start)
    dateline = start + dateline_end(text[start:end])
    found: list[tuple[str, _Tok]] = []
    for t, cls in _predicates(sent, event_type):
        found.extend(_read_predicate(sent, t, cls))
    if event_type in ("explosion_remote_violence", "battle", "violence_against_civilians"):
        found.extend(_weapons(sent))
    place_spans = [(m.start, m.end) for loc in locations for m in loc.mentions if start <= m.start < end]
    actor_at = [(m.start, m.end, a) for a in actors for m in a.mentions if start <= m.start < end]
    roles: dict[str, list[RoleFiller]] = {r: [] for r in ROLES}
    seen: set[tuple[str, str]] = set()
    for role, tok in found:
        tok = sent.head_of(tok)
        named = [c for c in sent.kids(tok, "appos") if c.pos == "PROPN" and c.i > tok.i]
        if named:  # "the lawyer, Rupert Hentzau": the name says who
            tok = named[0]
        told = sent.antecedent(tok) if tok.low in _PERSONAL else None
        if told is None and role == "by":  # "its forces": the forces of whom the reporting verb names
            owner = next((c for c in sent.kids(tok, "poss") if c.low in _PERSONAL), None)
            told = sent.antecedent(owner) if owner is not None else None
        tok = told or tok
        if tok.low in _PRONOUNS or tok.pos not in _NOUNISH or tok.ent in _NOT_PARTICIPANTS or tok.start < dateline:
            continue
        if tok.low in _words("event_nouns"):
            continue  # "a rocket attack killed ...": the attack is the event, not a participant
        if role == "by" and tok.low in _words("target_nouns") and tok.low not in _words("vehicle_weapons"):
            continue  # "their vehicle hit a mine", "a school that was hit": a thing acts on no one
        weapon = tok.low in _words("weapon_nouns") and tok.low not in _words("target_nouns")
        if (weapon and role in ("by", "against")) or (role == "by" and tok.low in _words("vehicle_weapons")):
            role = "weapons"  # "a drone struck ...", "warplanes pounded ...": the instrument
        p_start, p_end = sent.phrase(tok)
        if role in ("targets", "weapons"):  # a thing is named by an actor only when the actor is it
            actor = next((a for s, e, a in actor_at if s <= tok.start and tok.end <= e), None)
        else:
            actor = next((a for s, e, a in actor_at if s <= tok.start and tok.end <= e), None)
            if actor is None:  # "Ruritania's forces" are not the state Ruritania; "Black Hand fighters" are the group
                forces = tok.low in _words("armed_nouns")
                owners = [a for s, e, a in actor_at if s < p_end and p_start < e]
                actor = next((a for a in owners if not (forces and a.kind == "government")), None)
        if actor is None and tok.pos == "ADJ":
            actor = _actor_of_nationality(tok, actors)
            if actor is None:
                continue  # a nationality word alone names no participant
        if actor is None and tok.ent in _PLACE_ENTS and role != "by":
            continue  # a place that is none of the document's actors is where, not whom ("rocked southern Borduria")
        if actor is not None:
            name, actor_id, span = actor.name, actor.id, (p_start, p_end)
        else:
            if any(s < tok.end and tok.start < e for s, e in place_spans):  # the head: "Zenda's garrison" is no place
                continue
            name, actor_id, span = " ".join(text[p_start:p_end].split()), None, (p_start, p_end)
        key = (role, name.casefold())
        if not name or key in seen:
            continue
        seen.add(key)
        s, e = span
        roles[role].append(RoleFiller(name=name, actor_id=actor_id, mentions=[Span(start=s, end=e, text=text[s:e])]))
    if event_type in _OPPOSED_TYPES and roles["by"] and not roles["against"]:
        roles["against"] = _other_side(text, roles, [(s, e, a) for s, e, a in actor_at if s >= dateline])
    return roles


_OPPOSED_TYPES = frozenset({"battle", "explosion_remote_violence"})
_ARMED_KINDS = frozenset({"armed_forces", "armed_group", "military_unit"})


def _other_side(
    text: str, roles: dict[str, list[RoleFiller]], actor_at: list[tuple[int, int, Actor]]
) -> list[RoleFiller]:
    """A fight has two sides: where every `by` filler is an actor with a side, the armed actors
    the sentence names on another side are what the attack was against ("Bordurian forces
    attacked the town held by Ruritanian troops": by Borduria's forces, against Ruritania's)."""
    by_actors = {a.id: a for _s, _e, a in actor_at}
    sides = set()
    for f in roles["by"]:
        actor = by_actors.get(f.actor_id) if f.actor_id else None
        if actor is None or actor.side is None:
            return []
        sides.add(actor.side)
    taken = {f.actor_id for fillers in roles.values() for f in fillers if f.actor_id}
    out: dict[str, RoleFiller] = {}
    for s, e, a in actor_at:
        if (
            a.kind in _ARMED_KINDS
            and a.side is not None
            and a.side not in sides
            and a.id not in taken
            and a.id not in out
        ):
            out[a.id] = RoleFiller(name=a.name, actor_id=a.id, mentions=[Span(start=s, end=e, text=text[s:e])])
    return list(out.values())


def sentence_roles(
    text: str,
    read: str,
    start: int,
    end: int,
    event_type: str,
    actors: Sequence[Actor],
    locations: Sequence[Location],
) -> dict[str, list[RoleFiller]]:
    """`event_roles` of the sentence text[start:end], parsed from `read` (the text as the parse
    reads it: its case restored, same offsets) after its dateline, which is no part of the clause."""
    from summarizer.nlp import parse

    start += dateline_end(read[start:end])
    return event_roles(text, start, end, event_type, actors, locations, parse(read[start:end]))


def counted_noun(read: str, start: int, end: int, fig_start: int, fig_end: int) -> tuple[_Tok, _Tok, _Sentence] | None:
    """The noun a casualty figure read[fig_start:fig_end] counts in its sentence read[start:end],
    by the parse: the head its number modifies ("70 medical workers"), or the object of its "of"
    ("several of the terrorists", "dozens of people"); with the figure's last word and the parsed
    sentence. None where the figure counts no noun ("Dozens have died")."""
    from summarizer.nlp import parse

    sent = _Sentence(parse(read[start:end]), start)
    last = next((t for t in reversed(sent.toks) if t.end <= fig_end), None)
    if last is None or last.start < fig_start:
        return None
    head = sent.toks[last.head] if last.dep == "nummod" and last.head > last.i else None
    if head is None:
        of = next((t for t in sent.kids(last, "prep") if t.low == "of"), None)
        head = next(iter(sent.kids(of, "pobj")), None) if of is not None else None
    if head is None or head.pos != "NOUN":
        return None
    return last, head, sent


def figure_victims(
    text: str, read: str, start: int, end: int, fig_start: int, fig_end: int, actors: Sequence[Actor]
) -> RoleFiller | None:
    """The people a casualty figure counts, as its sentence text[start:end] names them, for the
    victims of the event the figure belongs to ("at least 54 people were killed in the suicide
    attacks" -> "people"; "the kidnappers of two Bordurian engineers" -> "Bordurian engineers"): the
    noun the figure counts (`counted_noun`), with its modifiers and without the number, named by
    the actor it is where it is one. None where the figure has no noun of its own ("Dozens have
    died"), or its noun names no unarmed people (`roles.victim_nouns` less `roles.armed_nouns`:
    "82 others", "64 fighters", "four vehicles")."""
    found = counted_noun(read, start, end, fig_start, fig_end)
    if found is None:
        return None
    _last, head, sent = found
    if head.ent in _PLACE_ENTS or head.low not in _words("victim_nouns") or head.low in _words("armed_nouns"):
        return None  # an armed party's toll is the fight's (`against`), not a victim the figure names
    p_start, p_end = sent.phrase(head)
    actor = next((a for a in actors for m in a.mentions if m.start <= head.start and head.end <= m.end), None)
    mention = Span(start=p_start, end=p_end, text=text[p_start:p_end])
    if actor is not None:
        return RoleFiller(name=actor.name, actor_id=actor.id, mentions=[mention])
    return RoleFiller(name=" ".join(text[p_start:p_end].split()), actor_id=None, mentions=[mention])
