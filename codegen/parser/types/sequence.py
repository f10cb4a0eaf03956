"""`tuple[A, B]`, `tuple[T, ...]`, `set[T]` and `frozenset[T]`: JSON arrays on the wire.

Sets dump as lists (`WireSet`/`WireFrozenset` in protocol.py's `_types.jinja`):
bittensor's dendrite posts ``model_dump()`` (Python mode) as JSON, where a set is
not serializable. Tuples are JSON arrays as they stand.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from codegen.parser.types.base import SIZED, Sample, TypeRef


@dataclass(frozen=True)
class TupleType(TypeRef):
    """`tuple[A, B]` (fixed) or, with ``variadic``, `tuple[T, ...]` (``items`` holds T alone)."""

    items: tuple[TypeRef, ...]
    variadic: bool = False

    @property
    def constraints_allowed(self) -> tuple[str, ...]:  # type: ignore[override]
        return SIZED if self.variadic else ()

    def annotation(self, wire: bool = False) -> str:
        inner = ", ".join(i.annotation(wire) for i in self.items) + (", ..." if self.variadic else "")
        return f"tuple[{inner}]"

    def imports(self, wire: bool = False) -> set[str]:
        return set().union(*(i.imports(wire) for i in self.items))

    def children(self) -> tuple[TypeRef, ...]:
        return self.items

    def json_schema(self) -> dict[str, Any]:
        if self.variadic:
            return {"type": "array", "items": self.items[0].json_schema()}
        n = len(self.items)
        return {"type": "array", "prefixItems": [i.json_schema() for i in self.items], "minItems": n, "maxItems": n}

    def samples(self, c: dict[str, Any]) -> list[Sample]:
        per_item = [i.samples({}) for i in self.items]
        if any(not s for s in per_item):
            return []
        out = []
        for shift in range(2):
            if self.variadic:
                lo, hi = c.get("min_length") or 0, c.get("max_length")
                n = max(lo, min(2, hi if hi is not None else 2))
                chosen = [per_item[0][(i + shift) % len(per_item[0])] for i in range(n)]
            else:
                chosen = [s[shift % len(s)] for s in per_item]
            expr = "(" + ", ".join(s.expr for s in chosen) + ("," if len(chosen) == 1 else "") + ")"
            out.append(Sample(expr, [s.json for s in chosen]))
        return list({s.expr: s for s in out}.values())


@dataclass(frozen=True)
class SetType(TypeRef):
    item: TypeRef
    frozen: bool = False
    constraints_allowed = SIZED
    wire_names: ClassVar[dict[bool, str]] = {False: "WireSet", True: "WireFrozenset"}

    def annotation(self, wire: bool = False) -> str:
        name = self.wire_names[self.frozen] if wire else ("frozenset" if self.frozen else "set")
        return f"{name}[{self.item.annotation(wire)}]"

    def imports(self, wire: bool = False) -> set[str]:
        return self.item.imports(wire)

    def children(self) -> tuple[TypeRef, ...]:
        return (self.item,)

    @property
    def mutable(self) -> bool:
        return not self.frozen

    def json_schema(self) -> dict[str, Any]:
        return {"type": "array", "items": self.item.json_schema(), "uniqueItems": True}

    def samples(self, c: dict[str, Any]) -> list[Sample]:
        items = list({s.expr: s for s in self.item.samples({})}.values())
        lo, hi = c.get("min_length") or 0, c.get("max_length")
        n = max(lo, min(2, len(items), hi if hi is not None else 2))
        if len(items) < n:
            return []
        out = []
        for shift in range(2):
            chosen = [items[(i + shift) % len(items)] for i in range(n)]
            if not chosen:
                expr = "frozenset()" if self.frozen else "set()"
            else:
                expr = "{" + ", ".join(s.expr for s in chosen) + "}"
                expr = f"frozenset({expr})" if self.frozen else expr
            out.append(Sample(expr, [s.json for s in chosen]))
        return list({s.expr: s for s in out}.values())


def set_helpers(refs: list[TypeRef]) -> list[str]:
    """The wire annotations protocol.py (`_types.jinja`) defines for the package's sets (``refs``: every type used)."""
    return sorted({SetType.wire_names[r.frozen] for r in refs if isinstance(r, SetType)})
