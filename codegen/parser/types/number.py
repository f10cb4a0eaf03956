"""`int` and `float`: numeric constraints (gt ge lt le) and samples inside them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from codegen.parser.types.base import NUMERIC, Sample, TypeRef


@dataclass(frozen=True)
class IntType(TypeRef):
    constraints_allowed = NUMERIC
    cli_kind = "int"

    def annotation(self, wire: bool = False) -> str:
        return "int"

    def json_schema(self) -> dict[str, Any]:
        return {"type": "integer"}

    def samples(self, c: dict[str, Any]) -> list[Sample]:
        lo = _low(c, 1, integer=True)
        hi = _high(c, lo + 2, integer=True)
        values = sorted({v for v in (lo, min(lo + 1, hi), hi) if lo <= v <= hi})
        values = values or [lo]
        return [Sample(repr(v), v) for v in values]


@dataclass(frozen=True)
class FloatType(TypeRef):
    constraints_allowed = NUMERIC
    cli_kind = "float"

    def annotation(self, wire: bool = False) -> str:
        return "float"

    def json_schema(self) -> dict[str, Any]:
        return {"type": "number"}

    def samples(self, c: dict[str, Any]) -> list[Sample]:
        lo = _low(c, 0.5, integer=False)
        hi = _high(c, lo + 1.0, integer=False)
        mid = (lo + hi) / 2
        values = sorted({float(v) for v in (lo, mid, hi)})
        return [Sample(repr(v), v) for v in values]


def _low(c: dict[str, Any], fallback: float, integer: bool) -> Any:
    step = 1 if integer else 0.25
    if c.get("ge") is not None:
        low = c["ge"]
    elif c.get("gt") is not None:
        low = c["gt"] + step
    elif c.get("le") is not None or c.get("lt") is not None:
        top = c["le"] if c.get("le") is not None else c["lt"] - step
        low = min(fallback, top)
    else:
        low = fallback
    return int(-(-low // 1)) if integer else float(low)


def _high(c: dict[str, Any], fallback: float, integer: bool) -> Any:
    step = 1 if integer else 0.25
    if c.get("le") is not None:
        high = c["le"]
    elif c.get("lt") is not None:
        high = c["lt"] - step
    else:
        high = fallback
    return int(high // 1) if integer else float(high)
