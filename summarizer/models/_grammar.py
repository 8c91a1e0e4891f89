"""Compact answer grammars: a GBNF grammar for llama-server that admits exactly one JSON object of
an answer shape, written with no whitespace (issue 22: "write only what is new").

llama-server turns a JSON schema into a grammar that lets the model put a space after every ':'
and ',' ("space" rule); a small model takes that option, and each space costs a decoding step
(a quarter of the tokens of brief-v9's answers). For the shapes whose every property is required
and holds a string from a closed list (an enum, directly or through `$defs`), or a fixed string,
`compact_grammar` writes the object out with its keys in order and no whitespace at all; for any
other shape it returns None and the caller keeps the schema. Its first line is a comment naming
the shape (the schema's title), as the schema did.
"""

from __future__ import annotations

import json
import re
from typing import Any


def _literal(text: str) -> str:
    """`text` as a GBNF string literal."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
    return f'"{escaped}"'


def _json(value: str) -> str:
    """`value` as JSON writes it (a quoted string, non-ASCII kept)."""
    return json.dumps(value, ensure_ascii=False)


def _choices(prop: dict[str, Any], defs: dict[str, Any]) -> tuple[str | None, list[str]] | None:
    """The closed list of strings a property admits, with the name of the `$defs` entry it comes
    from (None when written in place), or None when the property is not one."""
    name = None
    ref = prop.get("$ref")
    if isinstance(ref, str) and ref.startswith("#/$defs/"):
        name = ref.removeprefix("#/$defs/")
        prop = defs.get(name, {})
    if "const" in prop and isinstance(prop["const"], str):
        return name, [prop["const"]]
    values = prop.get("enum")
    if isinstance(values, list) and values and all(isinstance(v, str) for v in values):
        return name, list(values)
    return None


def compact_grammar(schema: dict[str, Any]) -> str | None:
    """A GBNF grammar for the JSON object `schema` describes, with no whitespace, or None when the
    schema is not a flat object of required closed-list strings (then the schema itself is sent)."""
    props = schema.get("properties")
    if schema.get("type") != "object" or not isinstance(props, dict) or not props:
        return None
    if set(schema.get("required", [])) != set(props):
        return None
    defs = schema.get("$defs", {})
    rules: dict[str, str] = {}  # rule name (the `$defs` entry's, else v0, v1 ...) -> alternatives
    parts: list[str] = []
    for i, (key, prop) in enumerate(props.items()):
        found = _choices(prop, defs) if isinstance(prop, dict) else None
        if found is None:
            return None
        named, choices = found
        alternatives = " | ".join(_literal(_json(c)) for c in choices)
        rule = re.sub(r"[^A-Za-z0-9-]", "-", named) if named else None
        if rule is None or rules.get(rule, alternatives) != alternatives:
            rule = next((n for n, alt in rules.items() if alt == alternatives), f"v{len(rules)}")
        rules[rule] = alternatives
        parts.append(("" if i == 0 else '"," ') + _literal(_json(key) + ":") + " " + rule)
    title = str(schema.get("title", "answer")).replace("\n", " ")
    lines = [f"# {title}", 'root ::= "{" ' + " ".join(parts) + ' "}"']
    lines += [f"{name} ::= {alternatives}" for name, alternatives in rules.items()]
    return "\n".join(lines) + "\n"
