"""Pure text processing: sentences, normalisation, names, figures, alignment, candidates.

No I/O, no pydantic, no HTTP, and nothing of the other subpackages (enforced by import-linter,
see pyproject.toml): everything here is a function of strings.

  _sentences   the one sentence splitter
  _normalize   the one normaliser (alignment form with an index map; the name-matching key)
  _names       the contract's name-matching rule
  _numbers     figures as written: "as many as 40,000" -> count/low/high/approximate
  _align       grounding: where in the article is this quote or name (exact char offsets)
  _candidates  what code finds for the model: capitalised names, casualty sentences and figures
  _entities    candidate actors and places merged from NER entities, capitalised names and
               common-noun actors ("Ruritanian troops"), with the forms the article uses for each
  _cues        sentences that may report an event and the types their words allow, who a
               sentence attributes a figure to, the date a sentence gives its event
  _nationality  nationality words, possessives and short state names (rules/sides.toml)
  _context     what the words around a name or a figure say: side, what a figure counts, where
               an unknown village is
  _event_checks  code's checks of a sentence the model called an event: decisive type words,
               headlines, habits, history, figures of speech
  _faithful    whether a written sentence has only the article's names and numbers, or copies it
"""

from summarizer.text._align import Match, MatchMethod, find_all, find_span
from summarizer.text._candidates import (
    CasualtyFigure,
    CasualtyKind,
    candidate_names,
    casualty_figures,
    casualty_sentence_spans,
    casualty_sentences,
    kind_near,
    not_names,
)
from summarizer.text._context import (
    backed_side,
    country_nearby,
    counts_things,
    figure_counts,
    introduced_as_expert,
    is_demonym,
    name_nationality,
    nationality_before,
    outlet_only,
    relays_only,
    side_cue,
    staff_only,
    staff_section,
    stated_side,
    title_words,
)
from summarizer.text._cues import (
    EVENT_SENTENCES,
    claimant_in,
    clause_cues,
    dates_in,
    event_date,
    event_sentences,
    event_types,
    event_words,
    institution_claimant,
    introduces_source,
    is_day_of_date,
)
from summarizer.text._entities import (
    Candidate,
    clean_name,
    find_candidates,
    force_group,
    force_nouns,
    group_noun_name,
    named_settlements,
    national_force,
    org_words,
)
from summarizer.text._event_checks import (
    dated,
    decided_by_words,
    not_reported_as_fact,
    only_said,
    second_type,
    settled_type,
)
from summarizer.text._faithful import copies_article, unsupported
from summarizer.text._names import GENERIC_WORDS, any_match, names_match, tokens
from summarizer.text._nationality import demonyms, nationality_words, peoples, short_names, state_words
from summarizer.text._normalize import normalize, normalize_name, normalize_with_map, strip_marks
from summarizer.text._numbers import VAGUE_BOUNDS, Figure, figure_at, figure_spans, numbers_in, parse_figure
from summarizer.text._sentences import CUT_MARK, crosses_terminal, dateline_end, sentence_bounds, sentences
from summarizer.text._victims import among_bystanders, noun_class, victim_noun

__all__ = [
    "CUT_MARK",
    "EVENT_SENTENCES",
    "dateline_end",
    "demonyms",
    "peoples",
    "nationality_words",
    "short_names",
    "state_words",
    "Candidate",
    "among_bystanders",
    "backed_side",
    "claimant_in",
    "institution_claimant",
    "introduces_source",
    "clean_name",
    "copies_article",
    "dates_in",
    "is_day_of_date",
    "country_nearby",
    "dated",
    "event_date",
    "named_settlements",
    "org_words",
    "not_names",
    "not_reported_as_fact",
    "only_said",
    "second_type",
    "settled_type",
    "decided_by_words",
    "event_sentences",
    "event_types",
    "event_words",
    "clause_cues",
    "counts_things",
    "figure_counts",
    "find_candidates",
    "force_group",
    "national_force",
    "force_nouns",
    "group_noun_name",
    "is_demonym",
    "name_nationality",
    "nationality_before",
    "noun_class",
    "victim_noun",
    "outlet_only",
    "staff_only",
    "staff_section",
    "relays_only",
    "introduced_as_expert",
    "side_cue",
    "stated_side",
    "title_words",
    "unsupported",
    "GENERIC_WORDS",
    "VAGUE_BOUNDS",
    "CasualtyFigure",
    "CasualtyKind",
    "Figure",
    "Match",
    "MatchMethod",
    "any_match",
    "candidate_names",
    "casualty_figures",
    "casualty_sentence_spans",
    "casualty_sentences",
    "crosses_terminal",
    "figure_at",
    "figure_spans",
    "find_all",
    "find_span",
    "kind_near",
    "names_match",
    "normalize",
    "normalize_name",
    "normalize_with_map",
    "numbers_in",
    "parse_figure",
    "sentence_bounds",
    "sentences",
    "strip_marks",
    "tokens",
]
