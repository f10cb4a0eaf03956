"""Equivalent benchmark inputs: an N-synapse subnet-apigen YAML schema and the same models as JSON Schema.

Each synapse has F fields, the first half request fields (the caller fills), the rest
response fields (miners fill). Field types, constraints and descriptions cycle through a
fixed list that both formats can say, so both tools generate the same pydantic models.
"""

from __future__ import annotations

import json
from typing import Any

# (YAML type, JSON Schema, extra YAML options) -- the same field in both languages.
KINDS: list[tuple[str, dict[str, Any], dict[str, Any]]] = [
    ("int", {"type": "integer", "minimum": 0}, {"ge": 0}),
    ("str", {"type": "string", "maxLength": 256}, {"max_length": 256}),
    ("float", {"type": "number"}, {}),
    ("bool", {"type": "boolean"}, {}),
    ("list[str]", {"type": "array", "items": {"type": "string"}}, {}),
    ("dict[str, int]", {"type": "object", "additionalProperties": {"type": "integer"}}, {}),
    ("int | None", {"anyOf": [{"type": "integer"}, {"type": "null"}]}, {}),
    ("list[float]", {"type": "array", "items": {"type": "number"}}, {}),
    ("str | None", {"anyOf": [{"type": "string"}, {"type": "null"}]}, {}),
    ("list[int]", {"type": "array", "items": {"type": "integer"}}, {}),
]
AGGREGATES = ["all", "first", "majority", "by_hotkey"]


def synapse_name(i: int) -> str:
    return f"Task{i:04d}"


def field_name(i: int, j: int) -> str:
    return f"{'input' if j < 0 else 'field'}_{j:02d}"


def fields(i: int, f: int, changed: bool = False, edit: int = 0) -> list[tuple[str, str, dict[str, Any], dict[str, Any], str]]:
    """(name, yaml type, json schema, yaml options, description) of synapse i's fields."""
    out = []
    for j in range(f):
        ytype, jschema, opts = KINDS[(i + j) % len(KINDS)]
        description = f"Field {j} of task {i}."
        if changed and j == 0:
            description = f"Field {j} of task {i}, changed{f' ({edit})' if edit else ''}."
        out.append((f"field_{j:02d}", ytype, jschema, opts, description))
    return out


def yaml_schema(n: int, f: int, *, changed: int | None = None, edit: int = 0) -> str:
    """The subnet-apigen schema; `changed` alters one field of that synapse (the edit benchmark),
    differently for each `edit` number, so that no run finds its edit in a cache."""
    lines = ["subnet: bench", "netuid: 1", "description: A generated benchmark subnet.", "synapses:"]
    n_request = max(1, f // 2) if f > 1 else 1
    for i in range(n):
        lines += [f"  {synapse_name(i)}:", f"    description: Benchmark task {i}."]
        fs = fields(i, f, changed=(i == changed), edit=edit)
        for part, chunk in (("request", fs[:n_request]), ("response", fs[n_request:])):
            if not chunk:
                continue
            lines.append(f"    {part}:")
            for name, ytype, _, opts, description in chunk:
                entry = {"type": ytype, "description": description, **opts}
                lines.append(f"      {name}: {json.dumps(entry)}")
        if len(fs) > n_request:
            lines.append(f"    deserialize: {fs[n_request][0]}")
        lines.append(f"    aggregate: {AGGREGATES[i % len(AGGREGATES)]}")
    return "\n".join(lines) + "\n"


def json_schema(n: int, f: int, *, changed: int | None = None) -> str:
    """The same synapses as JSON Schema models (one object per synapse, every field)."""
    defs: dict[str, Any] = {}
    n_request = max(1, f // 2) if f > 1 else 1
    for i in range(n):
        props = {}
        required = []
        for j, (name, _, jschema, _, description) in enumerate(fields(i, f, changed=(i == changed))):
            props[name] = {**jschema, "description": description}
            if j < n_request and "anyOf" not in jschema:
                required.append(name)
        defs[synapse_name(i)] = {
            "type": "object",
            "description": f"Benchmark task {i}.",
            "properties": props,
            "required": required,
        }
    root = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "Bench",
        "description": "A generated benchmark subnet.",
        "type": "object",
        "properties": {name.lower(): {"$ref": f"#/$defs/{name}"} for name in defs},
        "$defs": defs,
    }
    return json.dumps(root, indent=2) + "\n"
