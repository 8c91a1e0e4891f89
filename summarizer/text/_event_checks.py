"""Code's checks of a sentence the model called an event (brief-v4, after the model answered).

The model says whether a proposed sentence reports an event and of which type; these checks
use the sentence's own words where they are decisive:
  * `settled_type`: the ACLED type the words leave no doubt about ("shelled", "missiles" with
    no fighting on the ground is a strike; "fighting", "captured" with no strike word is a
    battle; "kidnapped" is violence against civilians), else None and the model's type stands;
  * `second_type`: a sentence that reports two actions ("pounded 30 villages after launching a
    ground offensive"): the other type, so both events are kept;
  * `not_reported_as_fact`: a negation ("had not been struck"), an accusation, an obligation
    ("Kyiv needs to be provided with ..."), a headline, a habitual or generic statement ("countless
    atrocities", "constant shelling"), history ("during the Second World War"), an evaluation
    ("Shamefully, ..."), a figure of speech ("verbal attack"), a statement about reports
    ("dismissed the claims"): not an incident the article reports.
"""

from __future__ import annotations

import re

from summarizer.text._cues import dates_in, told_only_in_quotes
from summarizer.text._sentences import without_asides

__all__ = ["dated", "not_reported_as_fact", "only_said", "second_type", "settled_type"]

_STRIKE = re.compile(
    r"\b(?:shell(?:s|ed|ing)|struck|strikes?|missiles?|drones?|rockets?|artillery|mortars?|bomb(?:s|ed|ing)|"
    r"bombardment|air ?strikes?|air ?raids?|pound(?:ed|ing)|explosions?|detonat\w*|blasts?|aerial|kamikaze|"
    r"cluster munitions?|glide bombs?|thermite|phosphorus|caught fire|set on fire)\b",
    re.IGNORECASE,
)
# Ground fighting; a bare "attack" or "assault" is not decisive ("aerial assault", "drone attack").
_GROUND = re.compile(
    r"\b(?:fighting|fought|clash(?:es|ed)?|battles?|ground (?:offensive|operation|assault)|"
    r"(?:counter-?)?offensive|advanc(?:e|es|ed|ing)|storm(?:s|ed|ing)|captur(?:e|es|ed|ing)|seiz(?:e|es|ed|ing)|"
    r"took control|taken control|recaptur\w*|retak(?:e|es|en|ing)|retook|liberat(?:e|es|ed|ing)|encircl\w*|"
    r"repel(?:s|led|ling)?|repuls\w*|push(?:ed|ing)? back|troops|infantry|assaults|enter the|"
    r"(?:bid|attempt|effort|push)s? to (?:take|capture|seize|storm))\b",
    re.IGNORECASE,
)
_CIVILIAN_HARM = re.compile(
    r"\b(?:kidnap\w*|abduct\w*|execut(?:e|ed|ing|ion)|tortur\w*|rap(?:e|ed)|massacr\w*)\b", re.I
)
_STANDDOWN = re.compile(
    r"\b(?:withdr(?:ew|awn|awal|aws|aw)|abandon(?:ed|ing)|pull(?:ed|ing)? out|pullout|retreat(?:ed|s)?|"
    r"dismiss(?:ed|al)|sacked|arrest(?:ed|s)?|detained|shot down|intercept(?:ed|s|ion)|downed|"
    r"violated .{0,20}airspace|refus(?:ed|al) to|replac(?:ed|e|ing) (?:these|the|them)|sent in to replace)\b",
    re.IGNORECASE,
)
_TYPE_RULES = (
    ("violence_against_civilians", _CIVILIAN_HARM),
    ("strategic_development", _STANDDOWN),
    ("explosion_remote_violence", _STRIKE),
    ("battle", _GROUND),
)


def _types(sentence: str) -> list[str]:
    return [kind for kind, pattern in _TYPE_RULES if pattern.search(sentence)]


def settled_type(sentence: str, model_type: str) -> str:
    """The model's type, unless the sentence's words point to exactly one other type."""
    found = _types(sentence)
    if len(found) == 1:
        return found[0]
    if model_type == "other" and found:
        return found[0]  # "wounded ... by detonating ammunition": the words name the type
    return model_type


_EXPLICIT_STRIKE = re.compile(r"\b(?:pound(?:ed|ing)|shell(?:ed|ing)|bombed|struck|hit) ", re.IGNORECASE)
_EXPLICIT_GROUND = re.compile(
    r"\b(?:ground offensive|fighting|clashes|captured|seized|stormed|recaptured|retook|liberated)\b", re.I
)


def second_type(sentence: str, kind: str) -> str | None:
    """The other of strike/battle when the sentence reports both actions explicitly."""
    if kind == "battle" and _EXPLICIT_STRIKE.search(sentence):
        return "explosion_remote_violence"
    if kind == "explosion_remote_violence" and _EXPLICIT_GROUND.search(sentence):
        return "battle"
    return None


_HABITUAL = re.compile(
    r"\b(?:countless|constant(?:ly)?|repeatedly|routinely|regularly|frequently|often|so far|to date|"
    r"ever since|throughout|for (?:days|weeks|months|years)|over the (?:past|last) (?:few )?(?:weeks|months|years)|"
    r"in recent (?:days|weeks|months)|has been going on|have been going on|continues? to|continued to|"
    r"previously|used to|hallmark|record of|ha(?:s|ve) struggled|struggling to)\b",
    re.IGNORECASE,
)
_NEGATED = re.compile(r"\b(?:had|has|have|was|were|is|are|did|does|do)\s+not\b|\b\w+n[’']t\b", re.IGNORECASE)
_ACCUSATION = re.compile(r"\b(?:accus\w*|alleg\w*|insinuat\w*|headlin\w*|so-called|rumou?r\w*|conspirac\w*)\b", re.I)
_OBLIGATION = re.compile(r"\b(?:needs? to|has to|have to|ought to)\b", re.IGNORECASE)
_HISTORY = re.compile(
    r"\b(?:during|in|of|endgame of)\s+(?:the\s+)?(?:World War (?:I|II|One|Two)|Second World War|First World War|"
    r"Cold War|Soviet era)\b",
    re.IGNORECASE,
)
# Talks are not events; an agreement they reach is (a strategic development).
_TALKS = re.compile(r"\b(?:negotiations?|talks)\b", re.IGNORECASE)
_DISCOURSE = re.compile(r"\b(?:quotes|quoting|quoted|mouthpieces?|narrative|explanation of|headlined|reports:)", re.I)
# Weapons as goods: supplied, delivered, produced, not fired.
_ARMS_TRADE = re.compile(
    r"\b(?:suppl(?:y|ies|ied|ier|iers|ying)|deliver\w*|provid\w*|shipments?|donat\w*|manufactur\w*|"
    r"produc(?:e|es|ed|er|ers|tion)|stockpiles?|arsenal)\b",
    re.IGNORECASE,
)
_EVALUATIVE = re.compile(
    r"^\W*(?:Shamefully|Laughably|Ironically|Sadly|Tragically|Clearly|Of course|After all)\b", re.I
)
_FIGURATIVE = re.compile(
    r"\b(?:verbal(?:ly)? attack\w*|war of words|attack\w* on (?:free speech|democracy)|charade)\b", re.I
)
_ABOUT_REPORTS = re.compile(
    r"\b(?:(?:dismiss\w*|deni\w*|reject\w*|refut\w*)\s+(?:the\s+|these\s+|those\s+|such\s+)?"
    r"(?:claims?|reports?|allegations?|accusations?|story|stories)|"
    # an inquiry into an incident, or reports confirmed: about the telling, not the incident
    r"(?:investigation|probe|inquiry|investigators?)\s+(?:in)?to\s+(?:the\s+)?|confirmed\s+(?:media\s+)?reports)\b",
    re.IGNORECASE,
)


_REPORTS_THEMSELVES = re.compile(
    r"\b(?:these|those|such|the) (?:reports|claims|allegations|accounts) (?:of|that|about)\b", re.I
)


def only_said(sentence: str) -> bool:
    """Checked after the model answered (the events pass was recorded without it): the event
    is told only inside a quotation, or the sentence is about reports of it ("these reports of
    'Russia kidnapping children' have been based on ...")."""
    return told_only_in_quotes(sentence) or bool(_REPORTS_THEMSELVES.search(sentence))


def _headline(sentence: str) -> bool:
    """Title Case ("Russian Plot To Assassinate CEO ... Dismissed As 'Fake'"): a headline."""
    words = [w for w in re.findall(r"[A-Za-z][\w’'-]*", sentence) if len(w) > 3]
    return len(words) >= 4 and sum(w[0].isupper() for w in words) / len(words) >= 0.8


def not_reported_as_fact(sentence: str, published: str | None = None) -> bool:
    """True when the sentence, though it has an event word, does not report one incident as
    fact: a headline, a habit or a generality, history, an evaluation, a figure of speech, or a
    statement about claims and reports."""
    return bool(
        _NEGATED.search(sentence)
        or _ACCUSATION.search(sentence)
        or _OBLIGATION.search(sentence)
        or _headline(sentence)
        or _HABITUAL.search(without_asides(sentence))
        or _HISTORY.search(without_asides(sentence))
        or _EVALUATIVE.search(sentence)
        or _FIGURATIVE.search(sentence)
        or _ABOUT_REPORTS.search(sentence)
        or _DISCOURSE.search(sentence)
        or (_TALKS.search(sentence) and not _STANDDOWN.search(sentence) and "agree" not in sentence.casefold())
        or (
            _ARMS_TRADE.search(sentence)
            and not _EXPLICIT_STRIKE.search(sentence)
            and not _EXPLICIT_GROUND.search(sentence)
        )
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
    return bool(dates_in(sentence, None)) or bool(_OVERNIGHT.search(sentence))


_OVERNIGHT = re.compile(r"\b(?:overnight|last night|this morning|yesterday|early on)\b", re.IGNORECASE)
