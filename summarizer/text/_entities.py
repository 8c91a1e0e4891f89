"""Candidate actors and places of an article, found by code for the model to classify.

Three finders, merged:
  * named entities from spaCy's `en_core_web_sm` (people, organisations, places), with their
    labels as votes;
  * capitalised phrases (`capitalised_names`), which catch what the small NER model misses
    ("1442nd Regiment") and are filtered by the NER, the gazetteer or an organisation word so
    that headlines and advertising copy ("Fulvic Acid Complex") stay out;
  * common-noun actors that no NER tags: a nationality and a force ("Ruritanian forces",
    "Bordurian troops", "Ruritania's defence ministry") and victims ("civilians", "residents");
    and places by the words around them ("Zenda region", "the village of Hofbau").

Each candidate is written as in the article (its most complete form) with the other forms the
article uses for it ("Sapt" for "Fritz Sapt"), so the model never has to type a name.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from summarizer import rules
from summarizer.text._nationality import demonyms, nation_of, nationality, peoples

# (start, end, label) of named entities; label is spaCy's (PERSON, ORG, GPE, LOC, FAC, NORP).
Entity = tuple[int, int, str]

PERSON, ORG, PLACE = "PERSON", "ORG", "PLACE"
_LABELS = {"PERSON": PERSON, "ORG": ORG, "GPE": PLACE, "LOC": PLACE, "FAC": PLACE}


# What a nationality word before it makes an actor ("Ruritanian troops"), the words that may stand
# between ("Ruritanian mobilized troops"), victims ("civilians", "residents"), the words of an
# organisation's name (rules/forces.toml); a region or a settlement by the words around it
# ("Zenda region", "the village of Hofbau": small places no gazetteer of towns knows and NER
# often misses; the name is group 1) (rules/place_words.toml).
@rules.table
def force_nouns() -> re.Pattern[str]:
    return rules.union(rules.category("force_noun"))


@rules.table
def _common_actor() -> re.Pattern[str]:
    mods, force = rules.union(rules.category("force_modifier")).pattern, force_nouns().pattern
    return re.compile(rf"\b{nationality()}(?:[ \t]+(?:{mods}))?[ \t]+(?:{force})\b")


# A non-state force named only by a common noun ("Islamic militants", "separatists"; also after a
# nationality word: "Bordurian rebels") (rules/forces.toml, group_noun).
@rules.table
def _group_noun() -> re.Pattern[str]:
    nouns = rules.union(rules.category("group_noun"))
    if nouns is rules.NEVER:
        return nouns
    return re.compile(rf"(?:\b{nationality()}[ \t]+)?(?:{nouns.pattern})")


def group_noun_name(name: str) -> bool:
    """The name is a non-state force's common noun and nothing else ("militants", "Islamist
    extremists", "Bordurian rebels"), not a group's own name ("Black Hand fighters")."""
    return _group_noun().fullmatch(" ".join(name.split())) is not None


@rules.table
def _victims() -> re.Pattern[str]:
    return rules.regex("force.victims")


@rules.table
def org_words() -> re.Pattern[str]:
    return rules.regex("force.org_words")


@rules.table
def _region() -> re.Pattern[str]:
    return rules.regex("place.region_in_text")


@rules.table
def _settlement_of() -> re.Pattern[str]:
    return rules.regex("place.settlement_of")


def named_settlements(text: str) -> set[str]:
    """The names `text` introduces as a village, town or city ("the village of Hofbau")."""
    return {clean_name(m.group(1)) for m in _settlement_of().finditer(text)}


_POSSESSIVE = re.compile(r"[’']s?$")
_LEAD = re.compile(r"^(?:the|The|a|A)\s+")
_TRIM = " \t\"“”‘’'•*().,;:!?-–—"


def clean_name(name: str) -> str:
    """A name as a candidate: no leading article, no possessive, no surrounding punctuation."""
    name = " ".join(name.split()).strip(_TRIM)
    while name and not name[0].isalnum():  # an emoji or a symbol before a name ("🎙️ Voice")
        name = name[1:].lstrip()
    name = _LEAD.sub("", name)
    name = _POSSESSIVE.sub("", name) if name.endswith(("’s", "'s", "’", "'")) else name
    return name.strip(_TRIM)


def _norm(name: str) -> str:
    return re.sub(r"[^\w]+", " ", name.casefold()).strip()


@dataclass
class Candidate:
    """One thing the article names: its most complete form, other forms, where it is written."""

    name: str
    forms: list[str] = field(default_factory=list)
    votes: dict[str, int] = field(default_factory=dict)  # PERSON / ORG / PLACE / COMMON / CAPS
    first: int = 0
    mentions: int = 0

    @property
    def label(self) -> str | None:
        named = {k: v for k, v in self.votes.items() if k in (PERSON, ORG, PLACE)}
        if named:
            return max(named, key=lambda k: (named[k], k == PERSON))
        return "COMMON" if "COMMON" in self.votes else None

    def all_forms(self) -> list[str]:
        return [self.name, *[f for f in self.forms if f != self.name]]


def _person_tokens(name: str) -> set[str]:
    return set(_norm(name).split())


def find_candidates(
    text: str,
    entities: Sequence[Entity],
    capitalised: Sequence[str],
    known_place: Callable[[str], bool],
    limit: int = 40,
    beyond_limit: Callable[[Candidate], bool] = lambda c: False,
) -> list[Candidate]:
    """The merged candidates of `text`, most mentioned and earliest first, at most `limit`
    and those past it that `beyond_limit` keeps (places code settles, which cost the model nothing).

    `entities` come from the NER, `capitalised` from `capitalised_names`, and `known_place`
    says whether the gazetteer knows a name (a capitalised phrase that no NER tagged is kept
    only if the gazetteer knows it, it carries an organisation word, or it is written twice). Long on purpose: the
    three finders and their filters read in the order they apply."""
    by_key: dict[str, Candidate] = {}

    def add(raw: str, start: int, vote: str) -> None:
        name = clean_name(raw)
        if len(name) < 2 or "\n" in raw or len(name) > 60 or not any(ch.isalpha() for ch in name):
            return
        key = _norm(name)
        cand = by_key.get(key)
        if cand is None:
            cand = by_key[key] = Candidate(name=name, first=start)
        cand.votes[vote] = cand.votes.get(vote, 0) + 1
        cand.mentions += 1
        cand.first = min(cand.first, start)

    for start, end, label in entities:
        if label in _LABELS:
            add(text[start:end], start, _LABELS[label])
    for m in _common_actor().finditer(text):
        add(m.group(0), m.start(), "COMMON")
    for m in _region().finditer(text):
        add(m.group(0), m.start(), PLACE)
    for m in _settlement_of().finditer(text):
        add(m.group(1), m.start(1), PLACE)
    for m in _victims().finditer(text):
        add(m.group(0), m.start(), "COMMON")
    for m in _group_noun().finditer(text):
        add(m.group(0), m.start(), "COMMON")
    tagged = set(by_key)
    demonyms = {_norm(clean_name(text[s:e])) for s, e, label in entities if label == "NORP"}
    for name in capitalised:
        cname = clean_name(name)
        key = _norm(cname)
        if not key or key in tagged or (key in demonyms and not known_place(cname)):
            continue
        count = len(re.findall(rf"(?<!\w){re.escape(cname)}(?!\w)", text))
        if count == 0:
            continue
        if known_place(cname) or org_words().search(cname) or count >= 2:
            pos = text.find(cname)
            for _ in range(count):
                add(cname, pos, "CAPS")

    title_end = text.find("\n")
    for key, cand in list(by_key.items()):
        if key in demonyms and not (set(cand.votes) & {PERSON, ORG, PLACE}) and not known_place(cand.name):
            del by_key[key]
        elif len(cand.name.split()) >= 4 and 0 <= cand.first < title_end and text.count(cand.name) == 1:
            del by_key[key]  # a headline read as a name
    merged = _merge(list(by_key.values()))
    merged.sort(key=lambda c: (-min(c.mentions, 3), c.first))
    kept = merged[:limit] + [c for c in merged[limit:] if beyond_limit(c)]
    kept.sort(key=lambda c: c.first)
    return kept


# The group each force noun after a nationality names: one actor per nationality and group
# (rules/forces.toml).
@rules.table
def _group_of() -> dict[str, str]:
    return {w: r.data["group"] for r in rules.category("force_group") for w in r.words}


# Words between a nationality and its force noun that leave the group as it is ("mobilised
# troops" are its forces) (rules/forces.toml).
@rules.table
def _group_fillers() -> frozenset[str]:
    return rules.words("force.group_fillers")


def force_group(name: str) -> tuple[str, str] | None:
    """(country, group) of a common-noun actor: "Ruritanian troops" and "Elphberg's forces" are both
    ("Ruritania", "forces"); "Ruritania's defence ministry" is ("Ruritania", "ministry") (the nationality
    words of rules/sides.toml with role f). None for other names."""
    words = _norm(name).split()
    nations = nation_of()
    for cut in (2, 1):
        nation = nations.get(" ".join(words[:cut]))
        if nation:
            rest = " ".join(w for w in words[cut:] if w not in _group_fillers())
            group = _group_of().get(rest)
            return (nation, group) if group else None
    return None


# Words between a nationality and "forces" that name a branch of the same country's forces
# ("Bordurian special forces", "Borduria's security forces") (rules/forces.toml).
@rules.table
def _branch_words() -> frozenset[str]:
    return rules.words("force.branch_words")


def national_force(name: str, country_of: Callable[[str], str | None]) -> tuple[str, str] | None:
    """The country whose armed forces a common-noun name is, for any country: a nationality word
    ("Ruritanian military", "Bordurian troops") or a country's possessive ("Borduria's security
    forces"; `country_of` reads the country's name), then a force noun of rules/forces.toml,
    perhaps after branch words: (country, branch), the branch "" for the forces as a whole
    ("Ruritanian army", "Ruritanian troops": one party), "special" for "Bordurian special forces".
    None for other names ("Ruritanian government", "Islamic militants") and for a people's own
    forces ("Zendan forces" where Zendan is a people of Ruritania, role p). Read after the model
    answered: unlike `force_group` it settles no candidate before the model is asked."""
    words = _norm(name).split()
    nations = demonyms()
    for cut in (3, 2, 1):
        if cut >= len(words):
            continue
        head = " ".join(words[:cut])
        if head in peoples():  # "Zendan forces": a people's own force, not the state's
            return None
        country = nations.get(head) or nation_of().get(head)
        if country is None and cut > 1 and words[cut - 1] == "s":  # "cameroon s": a possessive
            country = country_of(" ".join(words[: cut - 1]))
        if country is None:
            continue
        rest = [w for w in words[cut:] if w not in _group_fillers()]
        branch = []
        while rest and rest[0] in _branch_words():
            branch.append(rest.pop(0))
        return (country, " ".join(branch)) if rest and _group_of().get(" ".join(rest)) == "forces" else None
    return None


def _merge(cands: list[Candidate]) -> list[Candidate]:
    """Fold a short form into the longer name it is part of: a surname into the full name of a
    person ("Sapt" into "Fritz Sapt"), an acronym into its expansion when both are
    written ("ISW" into "Institute for the Study of War")."""
    people = [c for c in cands if c.label == PERSON and len(_person_tokens(c.name)) >= 2]
    groups: dict[tuple[str, str], Candidate] = {}
    for c in sorted(cands, key=lambda c: (-c.mentions, c.first)):
        fg = force_group(c.name)
        if fg is None:
            continue
        leader = groups.setdefault(fg, c)
        if leader is not c:
            leader.forms.append(c.name)
            leader.mentions += c.mentions
            leader.first = min(leader.first, c.first)
            c.mentions = -1  # folded
    cands = [c for c in cands if c.mentions >= 0]
    out: list[Candidate] = []
    for c in sorted(cands, key=lambda c: -len(c.name)):
        toks = _person_tokens(c.name)
        host: Candidate | None = None
        if len(toks) == 1 and c.label in (PERSON, None, ORG):
            host = next((p for p in people if p is not c and toks <= _person_tokens(p.name)), None)
        if host is None and c.name.isupper() and 2 <= len(c.name) <= 6:
            host = next(
                (o for o in out if "".join(w[0] for w in o.name.split() if w[0].isupper()) == c.name),
                None,
            )
        if host is not None and host is not c:
            host.forms.append(c.name)
            host.mentions += c.mentions
            host.first = min(host.first, c.first)
            continue
        out.append(c)
    return out
