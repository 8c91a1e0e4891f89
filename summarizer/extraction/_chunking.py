"""Chunking: an article longer than the model's context budget is split on paragraph
boundaries, consecutive parts sharing one paragraph; the parts' findings are merged and
grounded against the whole article."""

from __future__ import annotations

import re

from summarizer.config import Settings
from summarizer.models import ModelSpec

CHARS_PER_TOKEN = 3.2  # conservative for English news text
PROMPT_OVERHEAD_TOKENS = 1_800  # system message, task, schema, pass-1 names
_PARAGRAPH_BREAK = re.compile(r"\n\s*\n")


def chunk_chars(spec: ModelSpec, settings: Settings) -> int:
    """The most characters of article one call can carry: the context budget (the model's, or
    --context-tokens) less the answer and the prompt's own tokens."""
    context = settings.context_tokens or spec.context_tokens
    return max(2_000, int((context - spec.max_output_tokens - PROMPT_OVERHEAD_TOKENS) * CHARS_PER_TOKEN))


def split_chunks(text: str, max_chars: int, overlap: int = 1) -> list[tuple[int, int]]:
    """Split text into (start, end) parts of at most ~max_chars on paragraph boundaries,
    consecutive parts sharing `overlap` paragraphs. A paragraph longer than max_chars is cut
    at sentence or word boundaries. Parts cover the whole text."""
    if len(text) <= max_chars:
        return [(0, len(text))]
    paras: list[tuple[int, int]] = []
    pos = 0
    for m in _PARAGRAPH_BREAK.finditer(text):
        paras.append((pos, m.end()))
        pos = m.end()
    paras.append((pos, len(text)))
    pieces: list[tuple[int, int]] = []
    for s, e in paras:
        while e - s > max_chars:
            cut = max(text.rfind(". ", s, s + max_chars), text.rfind(" ", s, s + max_chars))
            cut = cut + 1 if cut > s else s + max_chars
            pieces.append((s, cut))
            s = cut
        if e > s:
            pieces.append((s, e))
    chunks: list[tuple[int, int]] = []
    i = 0
    while i < len(pieces):
        j = i
        while j + 1 < len(pieces) and pieces[j + 1][1] - pieces[i][0] <= max_chars:
            j += 1
        chunks.append((pieces[i][0], pieces[j][1]))
        if j + 1 >= len(pieces):
            break
        i = max(j + 1 - overlap, i + 1)
    return chunks
