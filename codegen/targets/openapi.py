"""The OpenAPI 3.1 document of a bittensor 11 package, built from the spec.

Each synapse is `POST /<Synapse>` taking `<Synapse>Request` and answering
`<Synapse>Response`; the generated tests check it against the FastAPI app's own
document, so the two cannot drift.
"""

from __future__ import annotations

import ast
import base64
import json
from typing import Any

from codegen.parser import types as t
from codegen.parser.spec import FieldSpec, SubnetSpec, SynapseSpec

_SIZE_KEYS = {"array": ("minItems", "maxItems"), "object": ("minProperties", "maxProperties")}
_BOUNDS = {"gt": "exclusiveMinimum", "ge": "minimum", "lt": "exclusiveMaximum", "le": "maximum"}


def openapi_json(spec: SubnetSpec) -> str:
    return json.dumps(document(spec), indent=2, ensure_ascii=False) + "\n"


def document(spec: SubnetSpec) -> dict[str, Any]:
    from codegen.parser.imports import named_types

    schemas: dict[str, Any] = {}
    # Only the enums and models some route uses, as the miner app's own document has them.
    used = {name for s in spec.synapses for name in named_types(s, spec)}
    for e in spec.enums:
        if e.name not in used:
            continue
        values = [ast.literal_eval(value) for _, value in e.members]
        schemas[e.name] = {"title": e.name, "enum": values, "type": "integer" if e.base.endswith("IntEnum") else "string"}
    for m in spec.models:
        if m.name in used:
            schemas[m.name] = _object(m.name, m.description, m.fields, strict=True)
    paths: dict[str, Any] = {}
    for s in spec.synapses:
        schemas[f"{s.name}Request"] = _object(f"{s.name}Request", s.description, s.request, strict=True)
        schemas[f"{s.name}Response"] = _object(f"{s.name}Response", None, s.response, strict=False)
        paths[f"/{s.name}"] = {
            "post": {
                "operationId": s.name,
                "summary": s.description or s.name,
                "description": "Signed with btauth/1 (bittensor.http_auth) for the miner's hotkey. "
                "What the headers decide (version, receiver, freshness, signature shape, blacklist) is decided before the body is read.",
                "requestBody": {"required": True, "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{s.name}Request"}}}},
                "responses": {
                    "200": _events(s) if s.stream else {
                        "description": "The miner's answer",
                        "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{s.name}Response"}}},
                    },
                    "401": {"description": "Bad signature, stale or replayed request"},
                    "403": {"description": "Signed for another receiver, or caller blacklisted"},
                    "408": {"description": "The body did not arrive within the miner's body timeout"},
                    "413": {"description": "The body is over the route's size limit (refused without reading it)"},
                    "422": {"description": "The body doesn't fit the request model"},
                    "503": {"description": "The miner is busy, or its shared nonce store is unreachable"},
                },
            }
        }
    return {
        "openapi": "3.1.0",
        "info": {"title": f"{spec.name} miner", "version": "1", "description": spec.description or ""},
        "paths": paths,
        "components": {"schemas": dict(sorted(schemas.items()))},
    }


def _events(s: SynapseSpec) -> dict[str, Any]:
    """A streaming synapse's 200: server-sent events, each described as an item (OpenAPI 3.2's `itemSchema`)."""
    assert s.stream is not None
    streamed = s.stream.field.type.non_null()
    piece = streamed.item.json_schema() if isinstance(streamed, t.ListType) else streamed.json_schema()

    def event(name: str, data: dict[str, Any]) -> dict[str, Any]:
        return {
            "type": "object",
            "required": ["event", "data"],
            "properties": {"event": {"const": name}, "data": {"contentMediaType": "application/json", "contentSchema": data}},
        }

    return {
        "description": (
            f"Server-sent events: `event: chunk` per piece of `{s.stream.field.name}` as the miner produces it "
            "(`data:` the piece as JSON), then `event: final` (`data:` the other response fields, a JSON object), "
            "or `event: error` (`data:` a JSON string) when the miner fails mid-stream."
        ),
        "content": {
            "text/event-stream": {
                "schema": {"type": "string"},
                "itemSchema": {"oneOf": [
                    event("chunk", piece),
                    event("final", {"$ref": f"#/components/schemas/{s.name}Response"}),
                    event("error", {"type": "string"}),
                ]},
            }
        },
    }


def _object(name: str, description: str | None, fields: list[FieldSpec], strict: bool) -> dict[str, Any]:
    out: dict[str, Any] = {"title": name, "type": "object", "properties": {f.name: _property(f, strict) for f in fields}}
    required = [f.name for f in fields if strict and f.required]
    if required:
        out["required"] = required
    if description:
        out["description"] = description
    return out


def _property(f: FieldSpec, strict: bool) -> dict[str, Any]:
    """A field's schema. Response fields are optional: a failed miner leaves them unset."""
    may_be_unset = not strict and not (f.has_default and f.default is not None)
    typ = t.OptionalType(f.type) if may_be_unset and not f.type.nullable else f.type
    schema = typ.json_schema()
    target = schema["anyOf"][0] if "anyOf" in schema else schema
    for key, value in f.constraints.items():
        if key in _BOUNDS:
            target[_BOUNDS[key]] = value
        elif key == "pattern":
            target["pattern"] = value
        else:
            low, high = _SIZE_KEYS.get(target.get("type", ""), ("minLength", "maxLength"))
            if target.get("contentEncoding") == "base64":
                value = 4 * -(-value // 3)  # n bytes are 4*ceil(n/3) base64 characters
            target[low if key == "min_length" else high] = value
    if f.description:
        schema["description"] = f.description
    if f.has_default:
        schema["default"] = _jsonable(f.default)
    elif typ.nullable:
        schema["default"] = None
    return schema


def _jsonable(value: Any) -> Any:
    if isinstance(value, bytes):
        return base64.b64encode(value).decode("ascii")
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    return value
