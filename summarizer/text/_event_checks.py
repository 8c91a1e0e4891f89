"""Code's checks of a sentence the model called an event (brief-v4, after the model answered).

The model says whether a proposed sentence reports an event and of which type; these checks
use the sentence's own words where they are decisive:
  * `settled_type`: the ACLED type the words leave no doubt about ("shelled", "missiles" with
    no fighting on the ground is a strike; "fighting", "captured" with no strike word is a
    battle; "kidnapped" is violence against civilians), else None and the model's type stands;
  * `second_type`: a sentence that reports two actions ("pounded 30 villages after launching a
    ground offensive"): the other type, so both events are kept;
  * `not_reported_as_fact`: a negation ("had not been struck"), an accusation, an obligation
    ("Strelsau needs to be provided with ..."), a headline, a habitual or generic statement ("countless
    atrocities", "constant shelling"), history ("during the Second World War"), an evaluation
    ("Shamefully, ..."), a figure of speech ("verbal attack"), a statement about reports
    ("dismissed the claims"): not an incident the article reports.
"""

from __future__ import annotations

import re

from summarizer import rules
from summarizer.text._cues import dates_in, told_only_in_quotes
from summarizer.text._sentences import without_asides

__all__ = ["dated", "decided_by_words", "not_reported_as_fact", "only_said", "second_type", "settled_type"]


def _by_type(category: str) -> tuple[tuple[str, re.Pattern[str]], ...]:
    """Per event type, the union of the rules of `category` that are on and name it, in written
    order (a type all of whose rules are off keeps its place, with a regex that never fires)."""
    kinds = dict.fromkeys(r.data["type"] for r in rules.all_rules() if r.category == category)
    on = rules.category(category)
    return tuple((k, rules.union(r for r in on if r.data["type"] == k)) for k in kinds)


# Each table is built from the rules that are on, where it is used (`rules.table`).
@rules.table
def _decisive() -> tuple[tuple[str, re.Pattern[str]], ...]:
    """The words that settle a type, tried in this order (rules/events.toml, decisive_type)."""
    return _by_type("decisive_type")


@rules.table
def _standdown() -> re.Pattern[str]:
    return rules.union(r for r in rules.category("decisive_type") if r.data["type"] == "strategic_development")


@rules.table
def _second() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """The explicit words of a second action: (a strike, fighting on the ground)
    (rules/events.toml, second_type)."""
    second = dict(_by_type("second_type"))
    return second["explosion_remote_violence"], second["battle"]


_NotFact = tuple[tuple[re.Pattern[str], ...], tuple[re.Pattern[str], ...], re.Pattern[str], re.Pattern[str]]


def _not_fact_cues(scoped: bool) -> _NotFact:
    """Not-an-incident cues (rules/not_incident.toml): those read in the sentence; those read
    without its asides (habit, history); talks; weapons as goods (supplied, delivered,
    produced, not fired). `scoped`: without the cues whose scope is their clause (`clause_cues`)."""
    cues = [r for r in rules.category("not_fact") if not (scoped and r.data.get("scope") == "clause")]
    return (
        tuple(r.regex for r in cues if not r.data.get("without_asides")),
        tuple(r.regex for r in cues if r.data.get("without_asides")),
        rules.regex("not_incident.talks"),
        rules.regex("not_incident.arms_trade"),
    )


@rules.table
def _not_fact() -> _NotFact:
    return _not_fact_cues(scoped=False)


@rules.table
def _not_fact_scoped() -> _NotFact:
    return _not_fact_cues(scoped=True)


@rules.table
def _reports_themselves() -> re.Pattern[str]:
    return rules.union(rules.category("reported"))


@rules.table
def _overnight() -> re.Pattern[str]:
    return rules.regex("event.one_day")


def _types(sentence: str) -> list[str]:
    return [kind for kind, pattern in _decisive() if pattern.search(sentence)]


@rules.table
def _overruling() -> tuple[tuple[str, re.Pattern[str]], ...]:
    """Per event type, the decisive words that also say the incident happened
    (`overrules_model = true`): the model's not_an_event does not stand against them."""
    on = [r for r in rules.category("decisive_type") if r.data.get("overrules_model")]
    kinds = dict.fromkeys(r.data["type"] for r in on)
    return tuple((k, rules.union(r for r in on if r.data["type"] == k)) for k in kinds)


def decided_by_words(sentence: str) -> str | None:
    """The type of the incident a sentence reports in words that leave no doubt, where the
    model said it reports none: the sentence's decisive words settle exactly one type, and
    that type's words overrule the model ("Artillery shelled the village overnight"). None when
    the words settle no type or several, or only through words that do not overrule. The
    sentence must still pass code's checks (`not_reported_as_fact`, `only_said`)."""
    found = _types(sentence)
    if len(found) != 1:
        return None
    overruling = dict(_overruling()).get(found[0])
    return found[0] if overruling is not None and overruling.search(sentence) else None


def settled_type(sentence: str, model_type: str) -> str:
    """The model's type, unless the sentence's words point to exactly one other type."""
    found = _types(sentence)
    if len(found) == 1:
        return found[0]
    if model_type == "other" and found:
        return found[0]  # "wounded ... by detonating ammunition": the words name the type
    return model_type


def second_type(sentence: str, kind: str) -> str | None:
    """The other of strike/battle when the sentence reports both actions explicitly."""
    explicit_strike, explicit_ground = _second()
    if kind == "battle" and explicit_strike.search(sentence):
        return "explosion_remote_violence"
    if kind == "explosion_remote_violence" and explicit_ground.search(sentence):
        return "battle"
    return None


def only_said(sentence: str) -> bool:
    """Checked after the model answered (the events pass was recorded without it): the event
    is told only inside a quotation, or the sentence is about reports of it ("these reports of
    'Borduria kidnapping children' have been based on ...")."""
    return told_only_in_quotes(sentence) or bool(_reports_themselves().search(sentence))


def _headline(sentence: str) -> bool:
    """Title Case ("Bordurian Plot To Assassinate CEO ... Dismissed As 'Fake'"): a headline."""
    words = [w for w in re.findall(r"[A-Za-z][\w’'-]*", sentence) if len(w) > 3]
    return len(words) >= 4 and sum(w[0].isupper() for w in words) / len(words) >= 0.8


def not_reported_as_fact(sentence: str, published: str | None = None, *, scoped: bool = False) -> bool:
    """True when the sentence, though it has an event word, does not report one incident as
    fact: a headline, a habit or a generality, history, an evaluation, a figure of speech, or a
    statement about claims and reports. `scoped`: only the cues read on the whole sentence; the
    caller reads those whose scope is their clause (`clause_cues`) in the event word's clause."""
    bare = without_asides(sentence)
    not_fact, asides_read, talks, arms_trade = _not_fact_scoped() if scoped else _not_fact()
    return bool(
        any(p.search(sentence) for p in not_fact)
        or _headline(sentence)
        or any(p.search(bare) for p in asides_read)
        or (talks.search(sentence) and not _standdown().search(sentence) and "agree" not in sentence.casefold())
        or (arms_trade.search(sentence) and not any(p.search(sentence) for p in _second()))
        or _earlier_year(sentence, published)
    )


_YEAR = re.compile(r"\b(19\d\d|20\d\d)\b")


def _earlier_year(sentence: str, published: str | None) -> bool:
    """A year before the publication's: background ("in September 2022" in a 2023 article)."""
    if not published or not published[:4].isdigit():
        return False
    years = [int(y) for y in _YEAR.findall(sentence)]
    return bool(years) and max(years) < int(published[:4])


def dated(sentence: str) -> bool:
    """The sentence ties its action to a day ("On Tuesday", "March 24", "overnight"): one
    incident. The days are those `dates_in` reads; "overnight" and "early on" also count."""
    return bool(dates_in(sentence, None)) or bool(_overnight().search(sentence))
