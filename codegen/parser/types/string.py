"""`str`: length and pattern constraints."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from codegen.parser.types.base import SIZED, Sample, TypeRef


@dataclass(frozen=True)
class StrType(TypeRef):
    constraints_allowed = SIZED + ("pattern",)
    cli_kind = "str"

    def annotation(self, wire: bool = False) -> str:
        return "str"

    def json_schema(self) -> dict[str, Any]:
        return {"type": "string"}

    def samples(self, c: dict[str, Any]) -> list[Sample]:
        lo, hi = c.get("min_length") or 0, c.get("max_length")
        candidates = [_fit("hello", lo, hi), _fit("world", lo, hi), _fit("x", lo, hi)]
        if c.get("pattern") is not None:
            import re

            regex = re.compile(c["pattern"])
            extra = ["a", "abc", "A", "0", "1", "123", "a1", "test", "hello world", "x" * max(lo, 1), ""]
            candidates = [s for s in candidates + extra if regex.search(s) and lo <= len(s) <= (hi or len(s))]
            if not candidates:
                return []
        return [Sample(repr(s), s) for s in dict.fromkeys(candidates)]


def _fit(text: str, lo: int, hi: int | None) -> str:
    while len(text) < lo:
        text += text
    return text[:hi] if hi is not None else text
