"""Names from the schema's `enums:` and `models:`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from codegen.parser.types.base import Sample, TypeRef


@dataclass(frozen=True)
class EnumRef(TypeRef):
    name: str
    members: tuple[tuple[str, str | int], ...]  # (member name, value)
    cli_kind = "choice"

    def annotation(self, wire: bool = False) -> str:
        return self.name

    def protocol_names(self) -> set[str]:
        return {self.name}

    @property
    def values(self) -> tuple[str | int, ...]:
        return tuple(v for _, v in self.members)

    def json_schema(self) -> dict[str, Any]:
        return {"$ref": f"#/components/schemas/{self.name}"}

    def samples(self, c: dict[str, Any]) -> list[Sample]:
        return [Sample(f"{self.name}.{m}", v) for m, v in self.members]


@dataclass(frozen=True)
class ModelRef(TypeRef):
    name: str

    def annotation(self, wire: bool = False) -> str:
        return self.name

    def protocol_names(self) -> set[str]:
        return {self.name}

    @property
    def mutable(self) -> bool:
        """A model instance as a default is built afresh for each synapse (default_factory)."""
        return True

    def json_schema(self) -> dict[str, Any]:
        return {"$ref": f"#/components/schemas/{self.name}"}

    def samples(self, c: dict[str, Any]) -> list[Sample]:
        # Set by the spec builder once the model's fields are known.
        return list(getattr(self, "sample_list", []))


# bittensor.Tensor's dtypes (numpy spelling; torch's "torch.X" spelling is accepted on the wire).


def enum_base(values: list[str | int] | tuple[str | int, ...]) -> str:
    """The base class protocol.py's `_types.jinja` gives an enum of these values."""
    return "enum.IntEnum" if values and all(type(v) is int for v in values) else "enum.StrEnum"
