"""The JSON Schema of the YAML input format, generated from the models in ``codegen.schema``.

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

from codegen.schema import MISSING, SchemaDef

DIALECT = "https://json-schema.org/draft/2020-12/schema"
FILENAME = "subnet-apigen.schema.json"


class _Generator(GenerateJsonSchema):
    """Pydantic's generator, told that `MISSING` (no default/example given) is no default at all."""

    def get_default_value(self, schema: core_schema.WithDefaultSchema) -> Any:
        default = schema.get("default", NoDefault)
        return NoDefault if default is MISSING else default


def json_schema() -> dict[str, Any]:
    """The format as a JSON Schema document (draft 2020-12)."""
    body = SchemaDef.model_json_schema(schema_generator=_Generator)
    return {"$schema": DIALECT, "title": "subnet-apigen schema", **{k: v for k, v in body.items() if k != "title"}}


def json_schema_text() -> str:
    """The document as stable text: the same bytes on every run."""
    return json.dumps(json_schema(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"
