"""Cues the article's own words give, found by code: the sentences that may report an event, who
a sentence attributes a figure to, and the date an event sentence gives.

Nothing here decides alone what the article means; each cue is either offered to the model
(event sentences) or used where the text is explicit ("according to X", "X said", "on May 9").
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from summarizer.text._sentences import sentences as sentence_spans

_EVENT_WORDS = re.compile(
    r"\b(?:fight\w*|fought|clash\w*|battl\w*|assault\w*|offensive|counteroffensive|counter-offensive|advanc\w*|"
    r"attack\w*|storm\w*|captur\w*|seiz\w*|took control|taken control|liberat\w*|recaptur\w*|retak\w*|retook|"
    r"encircl\w*|repel\w*|repuls\w*|push\w* back|"
    r"strik\w*|struck|shell\w*|missiles?|drones?|rockets?|bomb\w*|artillery|explo\w*|blasts?|air ?raids?|"
    r"airstrikes?|pound\w*|fired|shot down|intercept\w*|downed|hit|hits|destroy\w*|damag\w*|"
    r"kill\w*|dead|died|wound\w*|injur\w*|executed|tortur\w*|kidnap\w*|abduct\w*|detain\w*|arrest\w*|"
    r"protest\w*|demonstrat\w*|riot\w*|rall(?:y|ied|ies)|"
    r"withdr\w*|retreat\w*|pull(?:ed|ing)? out|pullout|abandon\w*|flee\w*|fled|evacuat\w*|"
    r"dismiss\w*|sacked|removed|replac\w*|fired|refus\w*|mutin\w*|recruit\w*|mobili[sz]\w*|"
    r"sign\w* (?:an? )?(?:deal|agreement|treaty)|ceasefire|truce|exchang\w* (?:of )?prisoners|prisoner swap)\b",
    re.IGNORECASE,
)
# Words that make a sentence a prediction, a wish or a threat rather than a report.
_IRREALIS = re.compile(
    r"\b(?:will|would|could|might|should|must|shall|may be|may have|if|unless|threaten\w*|warn\w*|plans? to|"
    r"wants? to|intends? to|vow\w*|promis\w*|call\w* for|urg\w*)\b",
    re.IGNORECASE,
)
_QUESTION = re.compile(r"\?\s*[\"'”’]*$")
# A sentence in the first person, or that opens a quotation, is someone's account or opinion.
_FIRST_PERSON = re.compile(r"\b(?:I|we|We|our|Our|us|my|My|I’m|I'm)\b")
_OPENS_QUOTE = re.compile(r"^[\"“‘']")


def _unquoted(sentence: str) -> str:
    """The sentence without its quoted parts (“...”, "...")."""
    return re.sub(r"“[^”]*”|\"[^\"]*\"", " ", sentence)


def event_sentences(text: str, limit: int = 14, skip_until: int = 0) -> list[tuple[int, int]]:
    """(start, end) of the sentences that may report an event: a word of fighting, striking,
    harming, protesting, withdrawing, dismissing or agreeing, in a sentence that is not a
    question, a prediction or threat, a quotation, nor written in the first person (an
    opinion); the first `limit` of them."""
    out: list[tuple[int, int]] = []
    for s, e in sentence_spans(text):
        sentence = text[s:e]
        if s < skip_until or len(sentence.split()) < 5 or _QUESTION.search(sentence):
            continue
        if not _EVENT_WORDS.search(sentence) or _IRREALIS.search(sentence):
            continue
        if _OPENS_QUOTE.match(sentence) or _FIRST_PERSON.search(_unquoted(sentence)):
            continue
        out.append((s, e))
        if len(out) >= limit:
            break
    return out


# The words that make a sentence a candidate for each ACLED type (the model picks among the
# types the sentence's own words allow, or says it is not an event).
_TYPE_WORDS: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "battle",
        re.compile(
            r"\b(?:fight\w*|fought|clash\w*|battl\w*|assault\w*|offensive|counteroffensive|counter-offensive|"
            r"advanc\w*|storm\w*|captur\w*|seiz\w*|took control|taken control|liberat\w*|recaptur\w*|retak\w*|"
            r"retook|reclaim\w*|encircl\w*|repel\w*|repuls\w*|push\w* back|attack\w*|front ?line)\b",
            re.IGNORECASE,
        ),
    ),
    (
        "explosion_remote_violence",
        re.compile(
            r"\b(?:strik\w*|struck|shell\w*|missiles?|drones?|rockets?|bomb\w*|artillery|explo\w*|blasts?|"
            r"air ?raids?|airstrikes?|pound\w*|fired|hit|hits|destroy\w*|damag\w*|munitions?|thermite|phosphorus)\b",
            re.IGNORECASE,
        ),
    ),
    (
        "violence_against_civilians",
        re.compile(
            r"\b(?:execut\w*|tortur\w*|kidnap\w*|abduct\w*|rap(?:e|ed)|massacr\w*|civilians?|residents)\b", re.I
        ),
    ),
    ("protest_riot", re.compile(r"\b(?:protest\w*|demonstrat\w*|riot\w*|rall(?:y|ied|ies))\b", re.IGNORECASE)),
    (
        "strategic_development",
        re.compile(
            r"\b(?:withdr\w*|retreat\w*|pull(?:ed|ing)? out|pullout|abandon\w*|flee\w*|fled|evacuat\w*|"
            r"dismiss\w*|sacked|removed|replac\w*|fired|refus\w*|mutin\w*|recruit\w*|mobili[sz]\w*|arrest\w*|"
            r"detain\w*|sign\w* (?:an? )?(?:deal|agreement|treaty)|ceasefire|truce|exchang\w*|swap|shot down|"
            r"intercept\w*|downed|deploy\w*|handed over|entered|airspace|agree\w*)\b",
            re.IGNORECASE,
        ),
    ),
)


def event_types(sentence: str) -> tuple[str, ...]:
    """The ACLED types a sentence's own words allow ("shelled" allows a strike, "withdrew" a
    strategic development), in the contract's order; "other" when none does."""
    found = tuple(kind for kind, pattern in _TYPE_WORDS if pattern.search(sentence))
    return found or ("other",)


_SAY = re.compile(
    r"\b(?:said|says|say|saying|told|claim\w*|according to|reported|reports|estimat\w*|announc\w*|stated|"
    r"states|confirm\w*|added|wrote|posted|cited|citing|per)\b",
    re.IGNORECASE,
)


def claimant_in(sentence: str, names: dict[str, list[str]]) -> str | None:
    """The actor a sentence attributes what it says to: the actor named nearest a verb of saying
    ("according to X", "X said", "said X"), or None when the sentence has no such verb or names
    no actor. `names` maps each actor to the forms the article writes it in."""
    cues = list(_SAY.finditer(sentence))
    if not cues:
        return None
    best: tuple[int, str] | None = None
    for actor, forms in names.items():
        for form in forms:
            for m in re.finditer(rf"(?<!\w){re.escape(form)}(?!\w)", sentence):
                distances = [_distance(c, m) for c in cues]
                distance = min((d for d in distances if d is not None), default=None)
                if distance is not None and (best is None or distance < best[0]):
                    best = (distance, actor)
    return best[1] if best and best[0] <= 60 else None


_FORWARD = ("according to", "citing", "per")


def _distance(cue: re.Match[str], name: re.Match[str]) -> int | None:
    """How far a name is from a verb of saying; "according to X" looks only forward (in
    "Thousands of Russian troops died, according to a Ukrainian", the troops are not the source)."""
    if cue.group(0).casefold() in _FORWARD:
        return name.start() - cue.end() if name.start() >= cue.end() else None
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
_MONTH_DAY = re.compile(
    r"\b(?:on\s+)?(" + "|".join(_MONTHS) + r")\.?\s+(\d{1,2})(?:st|nd|rd|th)?\b(?:,?\s+(\d{4}))?", re.I
)
_DAY_MONTH = re.compile(
    r"\b(\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?(" + "|".join(_MONTHS) + r")\b\.?(?:,?\s+(\d{4}))?", re.I
)
_WEEKDAY = re.compile(r"\bon\s+(" + "|".join(_WEEKDAYS) + r")\b", re.I)
_RELATIVE = re.compile(r"\b(yesterday|today|last night|overnight|this morning)\b", re.I)


def event_date(sentence: str, published: str | None) -> str | None:
    """The date a sentence gives its event, resolved against the publication date: "on May 9"
    (the year of publication, or the year before when May 9 would fall after it), "on Tuesday"
    (the last Tuesday on or before publication), "yesterday". None when the sentence gives no
    day or the article has no publication date (nothing is guessed)."""
    if not published:
        return None
    try:
        pub = date.fromisoformat(published)
    except ValueError:
        return None
    for pattern, month_group, day_group in ((_MONTH_DAY, 1, 2), (_DAY_MONTH, 2, 1)):
        m = pattern.search(sentence)
        if m:
            month = _MONTHS[m.group(month_group).lower().rstrip(".")]
            day = int(m.group(day_group))
            year = int(m.group(3)) if m.group(3) else pub.year
            try:
                when = date(year, month, day)
            except ValueError:
                return None
            if not m.group(3) and when > pub:
                try:
                    when = date(year - 1, month, day)
                except ValueError:
                    return None
            return when.isoformat() if when <= pub else None
    m = _WEEKDAY.search(sentence)
    if m:
        back = (pub.weekday() - _WEEKDAYS.index(m.group(1).lower())) % 7
        return (pub - timedelta(days=back)).isoformat()
    m = _RELATIVE.search(sentence)
    if m:
        word = m.group(1).lower()
        return (pub - timedelta(days=1 if word == "yesterday" else 0)).isoformat()
    return None
