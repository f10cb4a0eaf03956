"""`list[T]` and `dict[K, T]`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from codegen.parser.types.base import SIZED, Sample, TypeRef
from codegen.parser.types.string import StrType


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
        lo, hi = c.get("min_length") or 0, c.get("max_length")
        if not items:  # e.g. a tree's children, while the tree's own samples are being made
            return [Sample("[]", [])] if not lo else []
        out = []
        for shift in range(2):
            n = max(lo, min(2, hi if hi is not None else 2))
            chosen = [items[(i + shift) % len(items)] for i in range(n)]
            out.append(Sample("[" + ", ".join(s.expr for s in chosen) + "]", [s.json for s in chosen]))
        return list({s.expr: s for s in out}.values())


@dataclass(frozen=True)
class DictType(TypeRef):
    """`dict[K, T]`: K is `str`, or an enum of strings (JSON object keys are text)."""

    value: TypeRef
    key: TypeRef = StrType()
    constraints_allowed = SIZED

    def annotation(self, wire: bool = False) -> str:
        return f"dict[{self.key.annotation(wire)}, {self.value.annotation(wire)}]"

    def imports(self, wire: bool = False) -> set[str]:
        return self.key.imports(wire) | self.value.imports(wire)

    def children(self) -> tuple[TypeRef, ...]:
        return (self.key, self.value) if not isinstance(self.key, StrType) else (self.value,)

    @property
    def mutable(self) -> bool:
        return True

    def json_schema(self) -> dict[str, Any]:
        out: dict[str, Any] = {"type": "object", "additionalProperties": self.value.json_schema()}
        if not isinstance(self.key, StrType):
            out["propertyNames"] = self.key.json_schema()
        return out

    def samples(self, c: dict[str, Any]) -> list[Sample]:
        values = self.value.samples({})
        keys = [(f"k{i}", repr(f"k{i}")) for i in range(4)] if isinstance(self.key, StrType) else [(k.json, k.expr) for k in self.key.samples({})]
        if not values or not keys:
            return []
        lo, hi = c.get("min_length") or 0, c.get("max_length")
        out = []
        for shift in range(2):
            n = min(max(lo, min(1, hi if hi is not None else 1)), len(keys))
            chosen = [(keys[i], values[(i + shift) % len(values)]) for i in range(n)]
            out.append(
                Sample(
                    "{" + ", ".join(f"{k[1]}: {s.expr}" for k, s in chosen) + "}",
                    {k[0]: s.json for k, s in chosen},
                )
            )
        return list({s.expr: s for s in out}.values())
