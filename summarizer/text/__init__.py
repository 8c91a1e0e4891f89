"""Pure text processing: sentences, normalisation, names, figures, alignment, candidates.

No I/O, no pydantic, no HTTP, and nothing of the other subpackages (enforced by import-linter,
see pyproject.toml): everything here is a function of strings.

  _sentences   the one sentence splitter
  _normalize   the one normaliser (alignment form with an index map; the name-matching key)
  _names       the contract's name-matching rule
  _numbers     figures as written: "as many as 40,000" -> count/low/high/approximate
  _align       grounding: where in the article is this quote or name (exact char offsets)
  _candidates  what code finds for the model: capitalised names, casualty sentences and figures
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
)
from summarizer.text._names import GENERIC_WORDS, any_match, names_match, tokens
from summarizer.text._normalize import normalize, normalize_name, normalize_with_map, strip_marks
from summarizer.text._numbers import VAGUE_BOUNDS, Figure, figure_spans, numbers_in, parse_figure
from summarizer.text._sentences import crosses_terminal, sentence_bounds, sentences

__all__ = [
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
