"""Stage 2: pydantic models of the YAML input format, exactly as a user writes it.

Only shape is checked here (keys, scalar kinds); meaning (types, names,
constraints that fit their type) is checked when building the spec, in ``parser``.
These models are also the source of the published JSON Schema of the format.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, FiniteFloat

Aggregate = Literal["all", "first", "majority", "by_hotkey", "custom"]
Number = int | FiniteFloat  # inf/nan have no Python literal to generate

class _Missing:
    """Marks a field `default` the user did not give (None is a real default); survives copying."""

    def __repr__(self) -> str:
        return "MISSING"

    def __copy__(self) -> _Missing:
        return self

    def __deepcopy__(self, memo: Any) -> _Missing:
        return self


MISSING: Any = _Missing()


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


class FieldDef(_Strict):
    """One field in its long form: ``name: {type: ..., default: ..., ...}``."""

    type: str = Field(description="The field's type, e.g. `int`, `list[str]`, `Role | None`.")
    default: Any = Field(default=MISSING, description="A literal YAML value; makes the field optional.")
    description: str | None = Field(default=None, description="Shown in docstrings and --help.")
    hash: bool = Field(default=False, description="List the field in the synapse's required_hash_fields.")
    example: Any = Field(
        default=MISSING,
        description="A valid value the generated tests send; needed only when one can't be derived (e.g. a `pattern`).",
    )
    gt: Number | None = None
    ge: Number | None = None
    lt: Number | None = None
    le: Number | None = None
    min_length: int | None = Field(default=None, ge=0)
    max_length: int | None = Field(default=None, ge=0)
    pattern: str | None = None


FieldEntry = str | FieldDef


class ModelDef(_Strict):
    """A nested pydantic model usable as a field type."""

    description: str | None = None
    fields: dict[str, FieldEntry] = Field(min_length=1)


class SynapseDef(_Strict):
    """One synapse: what the caller sends, what miners fill, how answers combine."""

    description: str | None = None
    request: dict[str, FieldEntry] = Field(default_factory=dict)
    response: dict[str, FieldEntry] = Field(default_factory=dict)
    deserialize: str | None = Field(
        default=None,
        description="The response field deserialize() returns; defaults to the only one. `self`: the synapse itself.",
    )
    aggregate: Aggregate = "all"
    timeout: Number = Field(default=12.0, gt=0, description="Default query timeout in seconds.")
    stream: bool = Field(
        default=False,
        description="Miners send the `deserialize` field in pieces as they are ready (a bt.StreamingSynapse):"
        " a `str` as text pieces joined in order, a `list[T]` one item at a time.",
    )


class SchemaDef(_Strict):
    """A whole schema file: one subnet."""

    subnet: str = Field(description="snake_case package name of the generated client.")
    netuid: int | None = Field(default=None, ge=0)
    description: str | None = None
    enums: dict[str, list[str | int]] = Field(default_factory=dict)
    models: dict[str, ModelDef] = Field(default_factory=dict)
    synapses: dict[str, SynapseDef] = Field(min_length=1)
