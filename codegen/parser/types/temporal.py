"""`datetime` and `date`: ISO 8601 text on the wire.

bittensor's dendrite posts ``synapse.model_dump()`` (Python mode) as JSON, where a
datetime is not serializable, so the generated synapse declares them through
`WireDatetime`/`WireDate` (protocol.py's `_types.jinja`), which dump as ISO text.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from codegen.parser.types.base import Sample, TypeRef


@dataclass(frozen=True)
class DateTimeType(TypeRef):
    python_name: ClassVar[str] = "datetime"
    wire_name: ClassVar[str] = "WireDatetime"
    examples: ClassVar[tuple[tuple[str, str], ...]] = (
        ("datetime(2024, 1, 2, 3, 4, 5, tzinfo=timezone.utc)", "2024-01-02T03:04:05Z"),
        ("datetime(2025, 6, 7, 8, 9, 10, tzinfo=timezone.utc)", "2025-06-07T08:09:10Z"),
    )

    def annotation(self, wire: bool = False) -> str:
        return self.wire_name if wire else self.python_name

    def protocol_names(self) -> set[str]:
        return {self.python_name, "timezone"} if self.python_name == "datetime" else {self.python_name}

    def json_schema(self) -> dict[str, Any]:
        return {"type": "string", "format": "date-time"}

    def samples(self, c: dict[str, Any]) -> list[Sample]:
        return [Sample(expr, text) for expr, text in self.examples]


@dataclass(frozen=True)
class DateType(DateTimeType):
    python_name: ClassVar[str] = "date"
    wire_name: ClassVar[str] = "WireDate"
    examples: ClassVar[tuple[tuple[str, str], ...]] = (("date(2024, 1, 2)", "2024-01-02"), ("date(2025, 6, 7)", "2025-06-07"))

    def json_schema(self) -> dict[str, Any]:
        return {"type": "string", "format": "date"}


def temporal_helpers(kinds: set[type[TypeRef]]) -> list[str]:
    """The wire annotations protocol.py (`_types.jinja`) defines for the package's dates and times."""
    return [k.wire_name for k in (DateTimeType, DateType) if k in kinds]


def helper_typing(helpers: list[str]) -> set[str]:
    """`typing` names protocol.py's wire helpers (``helpers``) need."""
    names = {"Annotated"} if helpers else set()
    if {"WireSet", "WireFrozenset"} & set(helpers):
        names |= {"Any", "TypeVar"}
    return names
