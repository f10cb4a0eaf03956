"""`list[T]` and `dict[str, T]`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from codegen.parser.types.base import SIZED, Sample, TypeRef


@dataclass(frozen=True)
class ListType(TypeRef):
    item: TypeRef
    constraints_allowed = SIZED

    def annotation(self, wire: bool = False) -> str:
        return f"list[{self.item.annotation(wire)}]"

    def imports(self, wire: bool = False) -> set[str]:
        return self.item.imports(wire)

    def children(self) -> tuple[TypeRef, ...]:
        return (self.item,)

    @property
    def mutable(self) -> bool:
        return True

    def json_schema(self) -> dict[str, Any]:
        return {"type": "array", "items": self.item.json_schema()}

    def samples(self, c: dict[str, Any]) -> list[Sample]:
        items = self.item.samples({})
        if not items:
            return []
        lo, hi = c.get("min_length") or 0, c.get("max_length")
        out = []
        for shift in range(2):
            n = max(lo, min(2, hi if hi is not None else 2))
            chosen = [items[(i + shift) % len(items)] for i in range(n)]
            out.append(Sample("[" + ", ".join(s.expr for s in chosen) + "]", [s.json for s in chosen]))
        return list({s.expr: s for s in out}.values())


@dataclass(frozen=True)
class DictType(TypeRef):
    value: TypeRef
    constraints_allowed = SIZED

    def annotation(self, wire: bool = False) -> str:
        return f"dict[str, {self.value.annotation(wire)}]"

    def imports(self, wire: bool = False) -> set[str]:
        return self.value.imports(wire)

    def children(self) -> tuple[TypeRef, ...]:
        return (self.value,)

    @property
    def mutable(self) -> bool:
        return True

    def json_schema(self) -> dict[str, Any]:
        return {"type": "object", "additionalProperties": self.value.json_schema()}

    def samples(self, c: dict[str, Any]) -> list[Sample]:
        values = self.value.samples({})
        if not values:
            return []
        lo, hi = c.get("min_length") or 0, c.get("max_length")
        out = []
        for shift in range(2):
            n = max(lo, min(1, hi if hi is not None else 1))
            chosen = [(f"k{i}", values[(i + shift) % len(values)]) for i in range(n)]
            out.append(
                Sample(
                    "{" + ", ".join(f"{k!r}: {s.expr}" for k, s in chosen) + "}",
                    {k: s.json for k, s in chosen},
                )
            )
        return list({s.expr: s for s in out}.values())
