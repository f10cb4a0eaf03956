"""What every type kind shares: the TypeRef base, sample values, constraint names, type errors."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, ClassVar

NUMERIC = ("gt", "ge", "lt", "le")
SIZED = ("min_length", "max_length")
CONSTRAINTS = NUMERIC + SIZED + ("pattern",)


@dataclass(frozen=True)
class Sample:
    """A value for generated tests: a Python expression and its JSON form (for CLI options)."""

    expr: str
    json: Any


class TypeError_(ValueError):
    """A type expression that can't be expressed; message says what would work."""


@dataclass(frozen=True)
class TypeRef:
    """Base of all type kinds."""

    constraints_allowed: ClassVar[tuple[str, ...]] = ()
    cli_kind: ClassVar[str] = "json"  # how the example client reads it: int float str bool bytes json choice

    def annotation(self, wire: bool = False) -> str:
        raise NotImplementedError

    def imports(self, wire: bool = False) -> set[str]:
        return set()

    def samples(self, c: dict[str, Any]) -> list[Sample]:
        """Distinct (where the type allows) valid values honouring constraints ``c``."""
        raise NotImplementedError

    def json_schema(self) -> dict[str, Any]:
        """The JSON Schema of the value on the wire (for OpenAPI documents)."""
        raise NotImplementedError

    def children(self) -> tuple[TypeRef, ...]:
        return ()

    def protocol_names(self) -> set[str]:
        """Names the annotation uses that a module imports from protocol.py (or, for Python input, from
        where they are defined) besides the builtins and `typing`: enums, models, `datetime`..."""
        return set()

    def walk(self) -> list[TypeRef]:
        out: list[TypeRef] = [self]
        for child in self.children():
            out.extend(child.walk())
        return out

    @property
    def nullable(self) -> bool:
        return False

    def non_null(self) -> TypeRef:
        return self

    @property
    def mutable(self) -> bool:
        """Defaults of this type need a default_factory."""
        return False


def json_text(value: Any) -> str:
    """Compact JSON for a CLI option value."""
    return json.dumps(value, separators=(",", ":"), sort_keys=True)
