"""The rules code applies to an article's words, kept as data: one TOML file per topic beside
this module, each rule with an example it must fire on, a counter-example it must not, and where
it came from (`tests/test_rules.py` runs them all).

  events.toml         event cues: which sentences are proposed to the model, which ACLED types
                      their words allow, the words that settle a type
  not_incident.toml   cues that a sentence with an event word reports no incident as fact:
                      negation, habit, history, hypothesis, reported speech, figures of speech
  sides.toml          nationality words, possessives and the country they name; the states an
                      article's sides start from; who backs a party ("X-backed")
  outlets.toml        social networks and news agencies: channels, never actors; the words of
                      relaying the news and of an outlet's own staff and work
  casualties.toml     casualty nouns and kinds, what a figure counts, who suffered an unattributed toll
  forces.toml         force nouns after a nationality and the group each names, victims, the words of
                      an organisation's or a group's name
  place_words.toml    region nouns, places that speak or modify, directions and institutions that are
                      no settlements, the verbs after a name that acts, the words before a name that
                      make it where something happens, a reference point or a place the story goes to
  groups.toml         international bodies and known armed groups (kind, side, source)
  titles.toml         title words, abbreviated ranks, role nouns and modifiers through which a name
                      takes a side
  figures.toml        who suffered a casualty figure (bystander and people nouns, bystander
                      places) and who claims it (institutions, claim verbs, not-a-claim cues)
  names.toml          words that are no name on their own, and what makes a name a thing, a day,
                      a war, a weapon or a modifier rather than a party
  dates.toml          the words before a date that make it another day than its event's
  countries.toml      common names of countries that GeoNames spells otherwise, with their ISO code,
                      and the names the output gives a few countries
  places.toml         where the article says a place is (summarizer/nlp/_places.py): a nationality
                      word beside it, a direction word before it, a region's own words, the words
                      that tie it to another place or set it a distance from one
  roles.toml          event roles: the predicate words and the participant words read from an
                      event's parsed sentence (`summarizer.extraction._roles`); each rule's
                      `role` is the one its example fills

A rule that `bench/rule_ablation.py` found does not help validation is dropped: its file gives
the reason (`dropped = "..."`), and it is off after the model; where it shapes what the model is
asked it stays on until the next recording (the recorded requests must replay). A rule that
changes what the model is asked carries the first prompt version that asks with it (`since`):
summarizing under an older prompt switches it off (`newer_than`), so its recordings still replay;
a rule of a prompt tried and not adopted also carries the last version that asks with it
(`until`), so later prompts of the family do not inherit it.
Rules can be switched off for an ablation (`disabled`, `SUMMARIZER_RULES_OFF`): code reads them
through tables built at use time (`table`); see `_load`.

The lowest layer of the package: pure data and `re`, imported by `summarizer.text` and up.
"""

from summarizer.rules._load import (
    NEVER,
    REQUIRED,
    Rule,
    RuleError,
    Trace,
    all_rules,
    asking,
    category,
    disabled,
    dropped,
    end_trace,
    everything_on,
    expand,
    files,
    newer_than,
    off,
    regex,
    rule,
    table,
    trace,
    union,
    words,
)

__all__ = [
    "NEVER",
    "REQUIRED",
    "Rule",
    "RuleError",
    "Trace",
    "all_rules",
    "asking",
    "category",
    "disabled",
    "dropped",
    "end_trace",
    "everything_on",
    "expand",
    "files",
    "newer_than",
    "off",
    "regex",
    "rule",
    "table",
    "trace",
    "union",
    "words",
]
