"""`bytes`: base64 text on the wire (the `WireBytes` annotation protocol.py defines)."""

from __future__ import annotations

import base64
from dataclasses import dataclass
from typing import Any

from codegen.parser.types.base import SIZED, Sample, TypeRef


@dataclass(frozen=True)
class BytesType(TypeRef):
    """bytes travel as base64 strings: bittensor's JSON body can't carry raw bytes."""

    constraints_allowed = SIZED
    cli_kind = "bytes"

    def annotation(self, wire: bool = False) -> str:
        return "WireBytes" if wire else "bytes"

    def json_schema(self) -> dict[str, Any]:
        return {"type": "string", "contentEncoding": "base64"}

    def samples(self, c: dict[str, Any]) -> list[Sample]:
        lo, hi = c.get("min_length") or 0, c.get("max_length")
        out = []
        for seed in (b"\x00\xffdata", b"\x01bytes\x7f"):
            raw = seed
            while len(raw) < lo:
                raw += seed
            raw = raw[:hi] if hi is not None else raw
            out.append(Sample(repr(raw), base64.b64encode(raw).decode("ascii")))
        return list({s.expr: s for s in out}.values())


def needs_wire_bytes(kinds: set[type[TypeRef]]) -> bool:
    """Whether protocol.py (`_types.jinja`) defines `WireBytes`: some field of the package holds bytes."""
    return BytesType in kinds
