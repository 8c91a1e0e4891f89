"""Passages of an article addressed to a language model rather than to readers.

An article is data, but a line of it may be written to a language model ("ignore all previous
instructions", a fake system turn, a JSON block posing as the answer). Small local models obey
such lines, so the pipeline hides them from the model (the article itself is not changed: spans
and sha256 are of the text as read) and says so in a warning. A heuristic, and one defence of
several: the delimiters and chat-control tokens are neutralized too, and grounding drops
whatever the model invents. A paraphrased injection can still get through.
"""

from __future__ import annotations

import re

_INJECTION = re.compile(
    r"\b(?:ignore|disregard|forget|override)\b[^\n]{0,40}?\b(?:previous|prior|above|earlier|preceding|all|your|the|any)"
    r"\b[^\n]{0,20}?\b(?:instructions?|rules|prompts?|directions|directives|guidelines|context)\b"
    r"|\byou are (?:now|no longer)\b"
    r"|\b(?:system|developer)[ _-](?:prompt|override|message|instructions?|mode)\b"
    r"|\b(?:note|message|instructions?) (?:to|for) (?:the |any )?(?:assistant|ai|model|llm|language model|chatbot)\b"
    r"|\b(?:as an|dear) (?:ai|assistant|language model|llm)\b"
    r"|\b(?:copy|output|return|print|repeat) (?:it|this|the following|the json|that)? ?(?:exactly|verbatim)\b"
    r"|\bwrite the summary as\b"
    r"|\bthe (?:correct|expected|required) (?:output|answer|json|response)\b"
    r"|<\|[^<>|\s]{1,40}\|>|<(?:/?start_of_turn|/?end_of_turn)>|\[/?INST\]|<</?SYS>>"
    r"|<\s*/?\s*article\b[^<>]*>",
    re.IGNORECASE,
)
_OUTPUT_KEYS = re.compile(r'"(?:actors|locations|events|casualties|summary|sentences|figure|quote)"\s*:')
_HIDDEN = "[hidden: text addressed to an AI model]"


def hidden_passages(text: str) -> list[tuple[int, int]]:
    """(start, end) of each line that looks written to a language model rather than to readers:
    an instruction to it, a chat-template control token or article tag, or a JSON object with
    the keys of this tool's output."""
    found: list[tuple[int, int]] = []
    pos = 0
    for line in text.splitlines(keepends=True):
        body = line.rstrip("\r\n")
        if body.strip() and (_INJECTION.search(body) or len(_OUTPUT_KEYS.findall(body)) >= 2):
            found.append((pos, pos + len(body)))
        pos += len(line)
    return found


def hide_passages(text: str, passages: list[tuple[int, int]]) -> str:
    """`text` with each passage replaced by a same-length placeholder (so offsets still agree)."""
    if not passages:
        return text
    out: list[str] = []
    last = 0
    for start, end in passages:
        width = end - start
        mark = _HIDDEN if width >= len(_HIDDEN) else "[hidden]"[:width]
        out.append(text[last:start] + mark + " " * (width - len(mark)))
        last = end
    out.append(text[last:])
    return "".join(out)


def hidden_warning(passages: list[tuple[int, int]]) -> str:
    where = ", ".join(f"{s}-{e}" for s, e in passages[:5]) + (" ..." if len(passages) > 5 else "")
    return (
        f"{len(passages)} line(s) of the article look like instructions to an AI model "
        f"(characters {where}); they were hidden from the model"
    )

