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
import unicodedata

# Text is folded before it is matched (the article itself is never changed): NFKC (fullwidth
# letters, ligatures, no-break spaces), invisible characters removed (zero-width, soft hyphen,
# word joiner, bidi controls: they split words without showing), common Cyrillic and Hellenic
# look-alikes of Latin letters mapped to them; a line with a right-to-left override is also
# matched reversed (its characters are stored backwards to be shown forwards).
_INVISIBLE = dict.fromkeys(
    map(
        ord,
        "\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180e\u200b\u200c\u200d\u200e\u200f"
        "\u202a\u202b\u202c\u202d\u202e\u2060\u2061\u2062\u2063\u2064\u2066\u2067\u2068\u2069\ufeff",
    ),
    None,
)
_LOOKALIKES = str.maketrans(
    "АВЕКМНОРСТХаеорсухіІјЈѕЅԁΑΒΕΗΙΚΜΝΟΡΤΧΥΖνοκ“”„‟″",
    'ABEKMHOPCTXaeopcyxiIjJsSdABEHIKMNOPTXYZvok"""""',
)
_REVERSING = ("\u202e", "\u2067", "\u202b")


def _folded(line: str) -> list[str]:
    """The forms of a line that are matched: folded, and folded reversed after an RTL override."""
    folded = unicodedata.normalize("NFKC", line.translate(_INVISIBLE)).translate(_LOOKALIKES)
    folded = unicodedata.normalize("NFKC", folded)
    forms = [folded]
    if any(c in line for c in _REVERSING):
        forms.append(folded[::-1])
    return forms


# An instruction to ignore what came before counts only when it is an imperative: at the start
# of a line or sentence, after "please", "now", "you must" ..., or after "AI," / "assistant,". Its
# object must be the prompt itself ("all previous instructions", "your rules", "the above"),
# not something a news line tells people to ignore ("the previous evacuation instructions",
# "the international rules of war"): where a pattern cannot tell them apart, the line stays
# visible, and grounding keeps injected text out of the output.
_ADJ = r"(?:previous|prior|above|earlier|preceding|foregoing|original|initial|system|other|old|former)"
_NOUN = (
    r"(?:instructions?|prompts?|rules|directions|directives|guidelines|context|messages|commands|constraints"
    r"|programming)"
)
_IGNORE_OBJECT = (
    rf"(?:(?:all|any|every)\s+(?:of\s+)?(?:the\s+|your\s+|my\s+|these\s+|those\s+)?(?:{_ADJ}\s+)*{_NOUN}"
    rf"|(?:your|my)\s+(?:{_ADJ}\s+)*{_NOUN}"
    rf"|(?:the\s+|these\s+|those\s+)?(?:{_ADJ}\s+)+{_NOUN}"
    r"|(?:the|everything|anything|all)\s+(?:above|before\s+this|said\s+before|you\s+were\s+told)"
    # "the above" is the prompt only when no noun follows ("ignore the above warnings" is news)
    r"(?![ \t]+(?!(?:and|then|now|instead|entirely|completely|and\s+\w+)\b)[a-z]))\b"
)
_LEAD = (
    r"(?:^|(?<=[.!?:;>\]\)\*#\"'(\[{\-–—|])"
    r"|\b(?:please|kindly|now|just|simply|first|ai|assistant|model|chatbot|llm|gpt)\b[\s,:]*"
    r"|\byou\s+(?:must|should|need\s+to|have\s+to|are\s+to|will|shall|can)\s+)\s*"
)
_IGNORE = re.compile(rf"{_LEAD}(?:ignore|disregard|forget|override|bypass|discard)\s+{_IGNORE_OBJECT}", re.IGNORECASE)
# An order quoted in a news line and attributed to someone ("Disregard all prior instructions, the
# commander told his troops"; "..., residents were told") is reported speech, not an order to
# the model: the line stays visible.
_REPORTED = re.compile(
    r"[\s,;:'\"’”-]*(?:[\w'’-]+\s+){0,6}?(?:told|said|says|ordered|urged|warned|wrote|added|announced|declared"
    r"|instructed|shouted|insisted)\b",
    re.IGNORECASE,
)
_INJECTION = re.compile(
    r"\byou are (?:now|no longer) (?:an? (?:ai|assistant|model|chatbot|llm|different|new|unrestricted|jailbroken)\b"
    r"|in (?:developer|debug|god|jailbreak|admin) mode|bound|restricted|allowed|required|extracting|summari[sz]ing"
    r"|following|acting|playing|free to|dan\b)"
    # a system prompt named as a heading ("SYSTEM PROMPT: ...", "[system prompt]"), not as a topic
    r"|\b(?:new\s+)?(?:system|developer)[ _-](?:prompt|override)\s*[:\]>]|^\W*(?:system|developer)[ _-]override\b"
    r"|\bdeveloper mode\b|\bsystem instructions?\s*:"
    r"|\b(?:note|message|instructions?) (?:to|for) (?:the |any )?(?:assistant|ai|model|llm|language model|chatbot)\b"
    r"|\b(?:as an|dear) (?:ai (?:language model|assistant|model)|language model|llm|assistant|ai)\b(?![ \t]+[a-z])"
    r"|\b(?:copy|output|print|repeat|reproduce|return) (?:it|this|that|these words|the following(?: text| json)?"
    r"|the json|the text below) (?:exactly|verbatim)\b|\b(?:output|print) (?:exactly|verbatim)\b"
    r"|\bwrite the summary as\b"
    r"|\bthe (?:correct|expected|required) (?:output|json)\b|\bthe (?:correct|expected) answer is\s*:"
    r"|<\|[^<>|\s]{1,40}\|>|<(?:/?start_of_turn|/?end_of_turn)>|\[/?INST\]|<</?SYS>>"
    r"|<\s*/?\s*article\b[^<>]*>",
    re.IGNORECASE,
)
_OUTPUT_KEYS = re.compile(r'"(?:actors|locations|events|casualties|summary|sentences|figure|quote)"\s*:')
_HIDDEN = "[hidden: text addressed to an AI model]"
_JSON_BLOCK_LINES = 80  # a JSON answer spread over lines is looked for this far


def _addressed_to_model(line: str) -> bool:
    return any(
        _INJECTION.search(form) or len(_OUTPUT_KEYS.findall(form)) >= 2 or _ordered(form) for form in _folded(line)
    )


def _ordered(form: str) -> bool:
    """An order to ignore the prompt, unless the line reports it as someone's words."""
    return any(not _REPORTED.match(form, m.end()) for m in _IGNORE.finditer(form))


def _json_blocks(lines: list[str]) -> set[int]:
    """Indexes of the lines of each JSON object or array spread over several lines that holds
    two or more of this tool's output keys (a prepared "answer")."""
    found: set[int] = set()
    i = 0
    while i < len(lines):
        head = _folded(lines[i])[0].strip()
        if not head.startswith(("{", "[", "```")):
            i += 1
            continue
        fenced = head.startswith("```")
        depth = 0
        keys = 0
        j = i
        while j < len(lines) and j - i < _JSON_BLOCK_LINES:
            form = _folded(lines[j])[0]
            keys += len(_OUTPUT_KEYS.findall(form))
            if fenced:
                if j > i and form.strip().startswith("```"):
                    break
            else:
                depth += form.count("{") + form.count("[") - form.count("}") - form.count("]")
                if depth <= 0:
                    break
            j += 1
        if keys >= 2 and j > i:
            found.update(k for k in range(i, min(j, len(lines) - 1) + 1) if lines[k].strip())
            i = j + 1
        else:
            i += 1
    return found


def hidden_passages(text: str) -> list[tuple[int, int]]:
    """(start, end) of each line that looks written to a language model rather than to readers:
    an instruction to it, a chat-template control token or article tag, or a JSON object (on one
    line or spread over several) with the keys of this tool's output. Lines are split on "\\n"."""
    found: list[tuple[int, int]] = []
    lines = text.split("\n")
    blocks = _json_blocks(lines)
    pos = 0
    for index, line in enumerate(lines):
        body = line.rstrip("\r")
        if body.strip() and (index in blocks or _addressed_to_model(body)):
            found.append((pos, pos + len(body)))
        pos += len(line) + 1
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
