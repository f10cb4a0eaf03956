"""`bool`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from codegen.parser.types.base import Sample, TypeRef


@dataclass(frozen=True)
class BoolType(TypeRef):
    cli_kind = "bool"

    def annotation(self, wire: bool = False) -> str:
        return "bool"

    def json_schema(self) -> dict[str, Any]:
        return {"type": "boolean"}

    def samples(self, c: dict[str, Any]) -> list[Sample]:
        return [Sample("True", True), Sample("False", False)]
