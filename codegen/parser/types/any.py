"""`any`: any JSON value."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from codegen.parser.types.base import Sample, TypeRef


@dataclass(frozen=True)
class AnyType(TypeRef):
    def annotation(self, wire: bool = False) -> str:
        return "Any"

    def imports(self, wire: bool = False) -> set[str]:
        return {"from typing import Any"}

    def json_schema(self) -> dict[str, Any]:
        return {}

    def samples(self, c: dict[str, Any]) -> list[Sample]:
        return [Sample(repr(v), v) for v in ({"key": [1, "two"]}, "text", 7)]
