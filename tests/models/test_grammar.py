"""Compact answer grammars (issue 22): a flat answer shape of closed lists goes to llama-server as
a GBNF grammar with no whitespace; any other shape keeps its JSON schema."""

from __future__ import annotations

import json
import re

from pydantic import BaseModel

from summarizer.extraction._labels import entity_answers, event_answers
from summarizer.models._grammar import compact_grammar


def _admits(grammar: str, answer: str) -> bool:
    """Whether `answer` is the one string of the grammar's root with these choices (a small
    reader of what compact_grammar writes: literals and rules of alternatives)."""
    lines = grammar.splitlines()
    rules = {
        n: [json.loads(a.strip()) for a in b.split(" | ")] for n, b in (x.split(" ::= ", 1) for x in lines[2:] if x)
    }
    pattern = ""
    for token in re.findall(r'"(?:[^"\\]|\\.)*"|[\w-]+', lines[1].removeprefix("root ::= ")):
        if token.startswith('"'):
            pattern += re.escape(json.loads(token))
        else:
            pattern += "(?:" + "|".join(re.escape(c) for c in rules[token]) + ")"
    return re.fullmatch(pattern, answer) is not None


def test_a_flat_shape_of_closed_lists_is_written_with_no_whitespace() -> None:
    grammar = compact_grammar(entity_answers(["1", "2"]).model_json_schema())
    assert grammar is not None and grammar.startswith("# EntityLabels\n")
    assert _admits(grammar, '{"1":"person","2":"settlement"}')
    assert not _admits(grammar, '{"1": "person", "2": "settlement"}')  # no space after ':' or ','
    assert not _admits(grammar, '{"2":"person","1":"settlement"}')  # keys in order
    assert not _admits(grammar, '{"1":"Putin","2":"settlement"}')  # only the closed list


def test_each_key_keeps_its_own_list() -> None:
    shape = event_answers(["1", "2"], [("battle", "not_an_event"), ("explosion_remote_violence", "not_an_event")])
    grammar = compact_grammar(shape.model_json_schema())
    assert grammar is not None
    assert _admits(grammar, '{"1":"battle","2":"explosion_remote_violence"}')
    assert not _admits(grammar, '{"1":"explosion_remote_violence","2":"battle"}')


def test_any_other_shape_keeps_its_schema() -> None:
    class Free(BaseModel):
        summary: str

    class Optional_(BaseModel):
        kind: str = "x"

    assert compact_grammar(Free.model_json_schema()) is None
    assert compact_grammar(Optional_.model_json_schema()) is None
    assert compact_grammar({"type": "array"}) is None


def test_the_client_sends_the_grammar_instead_of_the_schema_only_when_asked(fake_model, fast_settings) -> None:  # type: ignore[no-untyped-def]
    from summarizer.models import ModelClient, Usage
    from summarizer.models._registry import resolve
    from tests.fakeserver import completion

    server = fake_model(lambda request: completion('{"1":"person","2":"none"}'))
    spec = resolve("fake/v", fast_settings)
    client = ModelClient(spec, server.base_url, fast_settings)
    shape = entity_answers(["1", "2"])
    messages = [{"role": "user", "content": "x"}]
    for compact in (False, True):
        answer = client.extract(messages, shape, max_tokens=20, usage=Usage(), compact=compact)
        assert [getattr(answer, k) for k in ("k0", "k1")] == ["person", "none"]
    spaced, compact_request = server.requests[-2:]
    assert spaced["response_format"]["type"] == "json_object" and "grammar" not in spaced
    assert compact_request["response_format"] == {"type": "text"}
    assert compact_request["grammar"] == compact_grammar(shape.model_json_schema())
