"""Cues the article's own words give, found by code: the sentences that may report an event, who
a sentence attributes a figure to, and the date an event sentence gives.

Nothing here decides alone what the article means; each cue is either offered to the model
(event sentences) or used where the text is explicit ("according to X", "X said", "on May 9").
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from datetime import date, timedelta

from summarizer import rules
from summarizer.text._sentences import sentences as sentence_spans
from summarizer.text._sentences import without_asides


# The events gate: the cues that propose a sentence to the model (rules/events.toml).
@rules.table
def _event_words() -> re.Pattern[str]:
    return rules.union(r for r in rules.category("event_cue") if r.data["proposes"])


# A prediction, a wish or a threat; a question; a sentence in the first person or that opens
# a quotation (someone's account or opinion): never proposed (rules/not_incident.toml).
@rules.table
def _not_proposed() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    """(irrealis, question, first person, opens a quote)."""
    return (
        rules.union(r for r in rules.category("not_proposed") if r.data.get("irrealis")),
        rules.regex("not_incident.question"),
        rules.regex("not_incident.first_person"),
        rules.regex("not_incident.opens_quote"),
    )


def told_only_in_quotes(sentence: str) -> bool:
    """Every word of an event in the sentence is inside a quotation ("She added: “The
    terrorists in Strelsau destroyed their country ...”"): someone's words, not the article's."""
    event_words = _event_words()
    return bool(event_words.search(sentence)) and not event_words.search(_unquoted(sentence))


def _unquoted(sentence: str) -> str:
    """The sentence without its quoted parts (“...”, "...")."""
    return re.sub(r"“[^”]*”|\"[^\"]*\"", " ", sentence)


def event_words() -> re.Pattern[str]:
    """The words that propose a sentence to the events pass (rules/events.toml, `proposes`)."""
    return _event_words()


@rules.table
def clause_cues() -> tuple[re.Pattern[str], ...]:
    """The not-an-incident cues whose scope is their clause (`scope = "clause"` in
    rules/not_incident.toml: a hypothesis, a negation, an accusation, an obligation, a habit),
    read by the clause gate of brief-v8 on (`summarizer.nlp.in_open_clause`)."""
    return tuple(
        r.regex for c in ("not_proposed", "not_fact") for r in rules.category(c) if r.data.get("scope") == "clause"
    )


EVENT_SENTENCES = 16  # the most sentences of one part the events pass asks about


def event_sentences(
    text: str,
    limit: int = EVENT_SENTENCES,
    skip_until: int = 0,
    keep: Callable[[str], bool] | None = None,
    *,
    scoped: bool = False,
) -> list[tuple[int, int]]:
    """(start, end) of the sentences that may report an event: a word of fighting, striking,
    harming, protesting, withdrawing, dismissing or agreeing, in a sentence that is not a
    question, a prediction or threat, a quotation, nor written in the first person (an
    opinion); the first `limit` of them. `scoped`: a prediction or threat does not take the
    whole sentence out (the caller's `keep` reads it in its clause)."""
    out: list[tuple[int, int]] = []
    event_words = _event_words()
    irrealis, question, first_person, opens_quote = _not_proposed()
    for s, e in sentence_spans(text):
        sentence = text[s:e]
        if s < skip_until or len(sentence.split()) < 5 or question.search(sentence):
            continue
        if not event_words.search(sentence) or (not scoped and irrealis.search(without_asides(sentence))):
            continue
        if opens_quote.match(sentence) or first_person.search(_unquoted(sentence)):
            continue
        if keep is not None and not keep(sentence):
            continue
        out.append((s, e))
        if len(out) >= limit:
            break
    return out


# The words that make a sentence a candidate for each ACLED type (the model picks among the
# types the sentence's own words allow, or says it is not an event): for each type, the union of
# the cues that allow it, in the contract's order.
_TYPE_ORDER = (
    "battle",
    "explosion_remote_violence",
    "violence_against_civilians",
    "protest_riot",
    "strategic_development",
)


@rules.table
def _type_words() -> tuple[tuple[str, re.Pattern[str]], ...]:
    cues = rules.category("event_cue")
    return tuple((kind, rules.union(r for r in cues if kind in r.data["types"])) for kind in _TYPE_ORDER)


def event_types(sentence: str) -> tuple[str, ...]:
    """The ACLED types a sentence's own words allow ("shelled" allows a strike, "withdrew" a
    strategic development), in the contract's order; "other" when none does."""
    found = tuple(kind for kind, pattern in _type_words() if pattern.search(sentence))
    return found or ("other",)


# The verbs of saying that may attribute a figure, and those that look only forward for their
# source ("according to X") (rules/figures.toml).
@rules.table
def _say() -> re.Pattern[str]:
    return rules.regex("figures.say")


@rules.table
def _forward() -> frozenset[str]:
    return rules.words("figures.forward")


@rules.table
def _claim_verbs() -> re.Pattern[str]:
    return rules.union(rules.category("claim_verb"))


@rules.table
def _not_a_claim() -> re.Pattern[str]:
    return rules.union(rules.category("not_a_claim"))


@rules.table
def _institutions() -> re.Pattern[str]:
    return rules.union(rules.category("claimant_institution"))


@rules.table
def _introduced() -> re.Pattern[str]:
    return rules.union(rules.category("claimant_introduced"))


def _claim_cues(sentence: str) -> list[re.Match[str]]:
    """The verbs of saying of a sentence that may attribute a figure; not one that claims an
    attack ("claimed responsibility")."""
    cues = [*_say().finditer(sentence), *_claim_verbs().finditer(sentence)]
    return [c for c in cues if not _not_a_claim().match(sentence[c.start() :])]


def claimant_in(sentence: str, names: dict[str, list[str]]) -> str | None:
    """The actor a sentence attributes what it says to: the actor named nearest a verb of saying
    ("according to X", "X said", "said X"), or None when the sentence has no such verb or names
    no actor. `names` maps each actor to the forms the article writes it in."""
    cues = _claim_cues(sentence)
    if not cues:
        return None
    best: tuple[int, str] | None = None
    for actor, forms in names.items():
        for form in forms:
            for m in re.finditer(rf"(?<!\w){re.escape(form)}(?!\w)", sentence):
                distances = [_distance(sentence, c, m) for c in cues]
                distance = min((d for d in distances if d is not None), default=None)
                if distance is not None and (best is None or distance < best[0]):
                    best = (distance, actor)
    return best[1] if best and best[0] <= 60 else None


def institution_claimant(sentence: str) -> str | None:
    """An institution the sentence attributes a figure to without naming a person or a party
    actor ("..., police said", "according to the military"), as written; None for a bare
    "officials said" (rules/figures.toml claimant_institution)."""
    for cue in _claim_cues(sentence):
        before = sentence[max(0, cue.start() - 45) : cue.start()]
        after = sentence[cue.end() : cue.end() + 45]
        if cue.group(0).casefold() not in _forward():
            m = _institutions().search(before)
            if m and not before[m.end() :].strip():
                return m.group(0)
        m = _institutions().match(after.lstrip())
        if m:
            return m.group(0)
    return None


def introduces_source(sentence: str) -> bool:
    """The sentence attributes what it says to a source it only introduces ("according to a
    Bordurian close to the action"), whom the next sentence's speaker may name."""
    return _introduced().search(sentence) is not None


_APPOSITION = re.compile(r"^\s*,[^,;]{1,100},\s*$")


def _distance(sentence: str, cue: re.Match[str], name: re.Match[str]) -> int | None:
    """How far a name is from a verb of saying; "according to X" looks only forward (in
    "Thousands of Ruritanian troops died, according to a Bordurian", the troops are not the source),
    any other verb back to its subject or just past it ("said Holf", "said the governor X").
    A name with its apposition before the verb is next to it ("Karl Moritz, a fellow at the
    Strelsau Institute, says"); a name before another subject of the verb is not its subject
    ("..., leader Rupert Hentzau, Black Hand commanders said")."""
    if cue.group(0).casefold() in _forward():
        return name.start() - cue.end() if name.start() >= cue.end() else None
    if name.start() >= cue.end() and name.start() - cue.end() > 25:
        return None  # what is said, not who says it ("Estimates suggest 40,000 Black Hand fighters were killed")
    if name.end() <= cue.start():
        between = sentence[name.end() : cue.start()]
        if _APPOSITION.match(between):
            return 1
        if "," in between and between.rstrip()[-1:] != ",":
            return None  # another subject stands between the name and the verb
    return min(abs(cue.start() - name.start()), abs(cue.start() - name.end()))


_MONTHS = {
    m: i
    for i, names in enumerate(
        [
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sept", "sep"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ],
        1,
    )
    for m in names
}
_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_MONTH = "|".join(sorted(_MONTHS, key=len, reverse=True))
_WEEKDAY = "|".join(_WEEKDAYS)
# One date as a sentence writes it; the first group that matched says which form.
_DATE = re.compile(
    rf"\b(?P<md_month>{_MONTH})\.?\s+(?P<md_day>\d{{1,2}})(?:st|nd|rd|th)?\b(?:,?\s+(?P<md_year>\d{{4}})\b)?"
    rf"|\b(?P<dm_day>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<dm_month>{_MONTH})\b\.?(?:,?\s+(?P<dm_year>\d{{4}})\b)?"
    r"|\b(?P<iso>\d{4}-\d{2}-\d{2})\b"
    rf"|\b(?P<last>last\s+)?(?P<weekday>{_WEEKDAY})(?!s\b)\b"
    r"|\b(?P<relative>yesterday|today|last night|overnight|this morning)\b",
    re.IGNORECASE,
)


# Words before a date that make it something else than the day of the sentence's event: a
# start, an end, a deadline, a future day ("since February 24", "until Friday", "next Monday"),
# or the day something was said ("said Monday", "told reporters on Tuesday") (rules/dates.toml).
@rules.table
def _not_the_event() -> re.Pattern[str]:
    return rules.regex("date.not_the_event")


def dates_in(sentence: str, published: str | None) -> list[tuple[int, str | None]]:
    """Every date the sentence writes, in order, as (offset, ISO date resolved against the
    publication date, or None when it cannot be resolved); see `event_date` for the forms."""
    try:
        pub = date.fromisoformat(published) if published else None
    except ValueError:
        pub = None
    return [(m.start(), _resolve(m, pub)) for m in _dates(sentence)]


def _dates(sentence: str) -> Iterator[re.Match[str]]:
    """The date mentions of a sentence (`_DATE`), less "may" the verb and weekdays not capitalised."""
    for m in _DATE.finditer(sentence):
        if (m.group("md_month") or m.group("dm_month") or "").casefold() == "may" and "May" not in m.group(0):
            continue  # "may" the verb, not the month
        if m.group("weekday") and not m.group("weekday")[0].isupper():
            continue
        yield m


def is_day_of_date(sentence: str, start: int, end: int) -> bool:
    """sentence[start:end] (a number) is the day of a date the sentence writes ("on Feb. 15,
    killing two", "on 15 February"), not a count; read as `dates_in` reads dates."""
    for m in _dates(sentence):
        for day in ("md_day", "dm_day"):
            if m.group(day) is not None and m.start(day) <= start and end <= m.end(day):
                return True
    return False


def _resolve(m: re.Match[str], pub: date | None) -> str | None:
    """The ISO date of one date mention; None when the text and the publication date do not
    settle it (no publication date for a relative day, no such day, a day after publication)."""
    if m.group("iso"):
        try:
            when = date.fromisoformat(m.group("iso"))
        except ValueError:
            return None
        return when.isoformat() if pub is None or when <= pub else None
    if pub is None:
        year = m.group("md_year") or m.group("dm_year")
        if not year:
            return None
        pub = date(int(year), 12, 31)
    if m.group("weekday"):
        back = (pub.weekday() - _WEEKDAYS.index(m.group("weekday").casefold())) % 7
        if m.group("last") and back == 0:
            back = 7  # "last Tuesday" written on a Tuesday: a week before
        return (pub - timedelta(days=back)).isoformat()
    if m.group("relative"):
        return (pub - timedelta(days=1 if m.group("relative").casefold() == "yesterday" else 0)).isoformat()
    month = _MONTHS[(m.group("md_month") or m.group("dm_month")).casefold()]
    written_year = m.group("md_year") or m.group("dm_year")
    try:
        day = int(m.group("md_day") or m.group("dm_day"))
        when = date(int(written_year) if written_year else pub.year, month, day)
        if not written_year and when > pub:
            when = date(pub.year - 1, month, day)  # "May 9" in January: last year's
    except ValueError:
        return None
    return when.isoformat() if when <= pub else None


def event_date(sentence: str, published: str | None) -> str | None:
    """The date a sentence gives its event, resolved in code against the publication date:
    "on May 9", "May 9" and "9 May" (the year of publication, or the year before when May 9
    would fall after it), "March 5, 2023" and "5 March 2023" as written (none after
    publication), "2023-05-09", "on Tuesday" and a bare "Tuesday" (the last Tuesday on or before
    publication; "last Tuesday" strictly before), "yesterday", "today", "last night",
    "overnight", "this morning". The first date that is the event's: not a start, an end, a
    deadline or a future day ("since February 24", "until Friday", "next Monday"), nor the day
    something was said ("said Monday", "said on Monday that"). None when the sentence gives
    no such day, or the article has no publication date and the sentence no full date;
    vaguer times ("last week", "in May", "earlier this month") are None too: nothing is guessed."""
    for at, when in dates_in(sentence, published):
        if _not_the_event().search(sentence[max(0, at - 40) : at]):
            continue
        return when
    return None
