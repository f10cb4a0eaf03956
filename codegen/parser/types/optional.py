"""`T | None`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from codegen.parser.types.base import Sample, TypeRef


@dataclass(frozen=True)
class OptionalType(TypeRef):
    inner: TypeRef

    @property
    def constraints_allowed(self) -> tuple[str, ...]:  # type: ignore[override]
        return self.inner.constraints_allowed

    @property
    def cli_kind(self) -> str:  # type: ignore[override]
        return self.inner.cli_kind

    def annotation(self, wire: bool = False) -> str:
        return f"{self.inner.annotation(wire)} | None"

    def imports(self, wire: bool = False) -> set[str]:
        return self.inner.imports(wire)

    def children(self) -> tuple[TypeRef, ...]:
        return (self.inner,)

    @property
    def nullable(self) -> bool:
        return True

    def non_null(self) -> TypeRef:
        return self.inner

    @property
    def mutable(self) -> bool:
        return self.inner.mutable

    def json_schema(self) -> dict[str, Any]:
        return {"anyOf": [self.inner.json_schema(), {"type": "null"}]}

    def samples(self, c: dict[str, Any]) -> list[Sample]:
        return self.inner.samples(c)


def optional(inner: TypeRef) -> TypeRef:
    return inner if isinstance(inner, OptionalType) else OptionalType(inner)
