"""The JSON Schema of the YAML input format, generated from the models in ``codegen.load.schema``.

Editors with yaml-language-server use it to complete and check schema files
(``# yaml-language-server: $schema=<path or URL>`` on the first line). It is
derived, never hand-written, so it can't drift from what the loader accepts;
the repository commits it as ``subnet-apigen.schema.json`` and a test keeps
that copy fresh.
"""

from __future__ import annotations

import json
from typing import Any

from pydantic.json_schema import GenerateJsonSchema, NoDefault
from pydantic_core import core_schema

from codegen.load.schema import MISSING, SchemaDef

DIALECT = "https://json-schema.org/draft/2020-12/schema"
FILENAME = "subnet-apigen.schema.json"


class _Generator(GenerateJsonSchema):
    """Pydantic's generator, told that `MISSING` (no default/example given) is no default at all."""

    def get_default_value(self, schema: core_schema.WithDefaultSchema) -> Any:
        default = schema.get("default", NoDefault)
        return NoDefault if default is MISSING else default


def json_schema() -> dict[str, Any]:
    """The format as a JSON Schema document (draft 2020-12)."""
    body = _bounds_into_branches(SchemaDef.model_json_schema(schema_generator=_Generator))
    _name_rules(body)
    return {"$schema": DIALECT, "title": "subnet-apigen schema", **{k: v for k, v in body.items() if k != "title"}}


def _name_rules(body: dict[str, Any]) -> None:
    """The generator's naming rules (codegen.parser.names), where the names are written."""
    from pydantic import BaseModel

    from codegen.parser.names import json_schema_rules
    from codegen.parser.types import SCALARS

    rules = json_schema_rules(frozenset(SCALARS), frozenset(dir(BaseModel)))
    props, defs = body["properties"], body["$defs"]
    props["subnet"].update(rules["subnet"])
    props["enums"]["propertyNames"] = rules["class"]
    props["models"]["propertyNames"] = rules["class"]
    props["synapses"]["propertyNames"] = rules["synapse"]
    defs["SynapseDef"]["properties"]["request"]["propertyNames"] = rules["request"]
    defs["SynapseDef"]["properties"]["response"]["propertyNames"] = rules["response"]
    defs["ModelDef"]["properties"]["fields"]["propertyNames"] = rules["model_field"]


_BOUNDS = {"gt": "exclusiveMinimum", "ge": "minimum", "lt": "exclusiveMaximum", "le": "maximum"}


def _bounds_into_branches(node: Any) -> Any:
    """Pydantic leaves a bound on a union (`timeout: int | float` with `gt=0`) as a bare `gt` key,
    which JSON Schema ignores; move it into each numeric branch as the keyword it means."""
    if isinstance(node, list):
        return [_bounds_into_branches(item) for item in node]
    if not isinstance(node, dict):
        return node
    node = {k: _bounds_into_branches(v) for k, v in node.items()}
    bounds = {_BOUNDS[k]: node.pop(k) for k in list(node) if k in _BOUNDS and "anyOf" in node}
    for branch in node.get("anyOf", []) if bounds else []:
        if branch.get("type") in ("integer", "number"):
            branch.update(bounds)
    return node


def json_schema_text() -> str:
    """The document as stable text: the same bytes on every run."""
    return json.dumps(json_schema(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"
