"""Extraction: from an article to its summary document through schema-constrained passes.

  _prompts    versioned prompt files (prompts/*.toml, shipped in the wheel)
  _shapes     the per-pass pydantic models the model fills, and the schema hash
  _chunking   the chunk budget and paragraph-boundary splitting of long articles
  _passes     the four passes, each typed by its answer shape
  _assembly   dedupe, ground, link and number: the findings become the document's parts
  _summarize  `summarize`: the steps above, one function each
  _preflight  `check_model`: can a model run at all (before a run of many articles)
brief-v4 (code finds, the model classifies under a grammar, code checks):
  _findings   candidates and what code settles (gazetteer places, national forces, acting states)
  _labels     the per-article answer shapes (closed lists, one answer per item)
  _classify   the four label passes and their order
  _steps      the post-model steps declared in one list (SUMMARIZER_DEBUG_PIPELINE=1 prints it)
  _found      what was found, before it becomes the document
  _linking    actors and places: labels, sides, countries, pruning of passing mentions
  _events     event sentences: places, actors, dates, twins
  _compose    the document's parts, exact spans, the composed summary
both, after the model answered:
  _where      each place's namesake, region, precision and point in the article's context
"""

from summarizer.extraction._assembly import Extraction, Grounded, ground
from summarizer.extraction._chunking import CHARS_PER_TOKEN, PROMPT_OVERHEAD_TOKENS, chunk_chars, split_chunks
from summarizer.extraction._passes import neutralize_delimiters
from summarizer.extraction._preflight import check_model
from summarizer.extraction._prompts import Prompt, available, load
from summarizer.extraction._shapes import PASSES, schema_hash
from summarizer.extraction._summarize import summarize

__all__ = [
    "CHARS_PER_TOKEN",
    "PASSES",
    "PROMPT_OVERHEAD_TOKENS",
    "Extraction",
    "Grounded",
    "Prompt",
    "available",
    "check_model",
    "chunk_chars",
    "ground",
    "load",
    "neutralize_delimiters",
    "schema_hash",
    "split_chunks",
    "summarize",
]
