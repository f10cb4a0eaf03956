"""`A | B | ...` (`Union[A, B]`): scalars, containers, and models told apart by a literal tag."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from codegen.parser.types.base import Sample, TypeRef


@dataclass(frozen=True)
class UnionType(TypeRef):
    """Two or more alternatives, None aside (`A | B | None` is an OptionalType around one)."""

    members: tuple[TypeRef, ...]

    def annotation(self, wire: bool = False) -> str:
        return " | ".join(m.annotation(wire) for m in self.members)

    def imports(self, wire: bool = False) -> set[str]:
        return set().union(*(m.imports(wire) for m in self.members))

    def children(self) -> tuple[TypeRef, ...]:
        return self.members

    @property
    def mutable(self) -> bool:
        return any(m.mutable for m in self.members)

    def json_schema(self) -> dict[str, Any]:
        return {"anyOf": [m.json_schema() for m in self.members]}

    def samples(self, c: dict[str, Any]) -> list[Sample]:
        """One sample of each alternative in turn (so tests send more than the first kind)."""
        per = [m.samples({}) for m in self.members]
        out: list[Sample] = []
        for i in range(max((len(p) for p in per), default=0)):
            out += [p[i] for p in per if i < len(p)]
        return list({s.expr: s for s in out}.values())
