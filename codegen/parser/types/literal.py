"""`literal[...]` of strings or integers."""

from __future__ import annotations

import ast
from dataclasses import dataclass
from typing import Any

from codegen.parser.types.base import Sample, TypeError_, TypeRef


@dataclass(frozen=True)
class LiteralType(TypeRef):
    values: tuple[str | int, ...]
    cli_kind = "choice"

    def annotation(self, wire: bool = False) -> str:
        return "Literal[" + ", ".join(repr(v) for v in self.values) + "]"

    def imports(self, wire: bool = False) -> set[str]:
        return {"from typing import Literal"}

    def json_schema(self) -> dict[str, Any]:
        return {"enum": list(self.values)}

    def samples(self, c: dict[str, Any]) -> list[Sample]:
        return [Sample(repr(v), v) for v in self.values]


def parse_literal(args: list[ast.expr], text: str) -> LiteralType:
    values: list[str | int] = []
    for arg in args:
        value = arg.value if isinstance(arg, ast.Constant) else None
        if isinstance(arg, ast.UnaryOp) and isinstance(arg.op, ast.USub) and isinstance(arg.operand, ast.Constant):
            value = -arg.operand.value if isinstance(arg.operand.value, int) else None
        if isinstance(value, bool) or not isinstance(value, (str, int)):
            raise TypeError_(f"literal values must be quoted strings or integers, in {text!r}")
        if value in values:
            raise TypeError_(f"literal value {value!r} repeats in {text!r}")
        values.append(value)
    if not values:
        raise TypeError_(f"`literal[...]` needs at least one value, in {text!r}")
    return LiteralType(tuple(values))
