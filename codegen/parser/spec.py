"""The intermediate spec model: every decision the templates need, already made.

Loaders (YAML, Pydantic) produce a SubnetSpec; templates only lay it out.
Strings here that end up in code are either validated identifiers, annotations
built from them, or ``repr()``s of user values.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import Any

from codegen.parser.types import Sample, TensorType, TypeRef


@dataclass
class FieldSpec:
    """A field of a synapse or model, with its generated-code renderings."""

    name: str
    type: TypeRef
    description: str | None
    hash: bool
    constraints: dict[str, Any]
    # decisions
    annotation: str  # on the synapse/model (wire-safe)
    field_call: str  # right-hand side: `Field(...)`, or "" for a bare annotation
    param_annotation: str  # in prepare_synapse / __call__
    param_default: str | None  # None = required keyword
    value_expr: str  # what prepare_synapse passes to the synapse
    required: bool  # the schema requires a value from the caller
    samples: list[Sample]
    cli_kind: str
    choices: list[Any] = field(default_factory=list)
    # As a plain pydantic model field (models, and bittensor 11 requests): required stays required.
    strict_annotation: str = ""
    strict_field_call: str = ""
    default: Any = None  # the schema's default (plain data), when has_default
    has_default: bool = False

    @property
    def value_annotation(self) -> str:
        """The type of a present value (no None), e.g. for sample lists in tests."""
        return self.type.non_null().annotation()

    @property
    def option(self) -> str:
        return "--" + self.name.replace("_", "-")


@dataclass
class EnumSpec:
    name: str
    base: str  # "enum.StrEnum" | "enum.IntEnum"
    members: list[tuple[str, str]]  # (member name, repr of value)


@dataclass
class ModelSpec:
    name: str
    description: str | None
    fields: list[FieldSpec]


@dataclass
class StreamSpec:
    """How a streaming synapse's miners send their answer in pieces."""

    field: FieldSpec  # the response field that grows piece by piece
    kind: str  # "text": str pieces joined in order | "items": list items appended in order
    chunk_annotation: str  # one piece, as API users see it
    chunk_wire: str  # one piece, as validated off the wire
    chunk_samples: list[Sample]  # pieces the generated tests stream
    final: list[str]  # the other response fields, sent after the last piece
    frames_name: str  # protocol.py's module-level description of the frames


@dataclass
class SynapseSpec:
    name: str
    snake: str
    description: str | None
    request: list[FieldSpec]
    response: list[FieldSpec]
    deserialize: FieldSpec | None  # None: deserialize() returns the synapse itself
    value_type: str  # T: what deserialize() yields once None is dropped
    deserialize_annotation: str
    aggregate: str
    result_type: str
    timeout: float
    hash_fields: list[str]
    result_ref: TypeRef | None = None  # Python input: deserialize()'s own return type, when it has one
    own_deserialize: bool = True  # False: the class inherits bt.Synapse.deserialize (typed `-> Synapse`)
    stream: StreamSpec | None = None  # set for `stream: true` (a bt.StreamingSynapse)

    @property
    def deserializer(self) -> str:
        """What process_responses applies to each answer (in api.py)."""
        return f"{self.name}.deserialize" if self.own_deserialize else "_aggregate.itself"

    @property
    def drops_missing(self) -> bool:
        """A 200 answer can still leave the deserialized value unset (None): it is dropped."""
        return self.deserialize_annotation.endswith("| None")

    @property
    def deserialize_conflicts(self) -> bool:
        """bt.Synapse.deserialize() returns a Synapse: any other annotation but `Any` is an
        override mypy rejects (and an ignore it doesn't need is an error under --strict)."""
        return self.deserialize_annotation != "Any"

    @property
    def api_name(self) -> str:
        return f"{self.name}API"

    @property
    def forward_return(self) -> str:
        """What an axon's forward function returns for this synapse."""
        return "bt.StreamingSynapse.BTStreamingResponse" if self.stream else self.name

    @property
    def fields(self) -> list[FieldSpec]:
        return self.request + self.response

    @property
    def v10_bridge(self) -> bool:
        """The bittensor 11 package speaks bittensor 10's wire for this synapse (_v10bridge.py): not for
        streams or tensors, which bittensor 10 carries in forms of their own."""
        return self.stream is None and not any(isinstance(ref, TensorType) for f in self.fields for ref in f.type.walk())


@dataclass
class SubnetSpec:
    """One generated package."""

    name: str
    source: str  # schema path as given, relative to the working directory
    netuid: int
    description: str | None
    enums: list[EnumSpec]
    models: list[ModelSpec]  # dependency order
    synapses: list[SynapseSpec]
    protocol_imports: list[str]
    uses_bytes: bool
    # Python input: the user's module that defines the synapses. No protocol.py is
    # generated; the package imports each synapse, enum and model from `origins`.
    protocol_module: str | None = None
    origins: dict[str, str] = field(default_factory=dict)
    uses_tensor: bool = False  # protocol.py then defines Tensor, TensorOf and to_tensor
    # YAML input: synapse name -> digest of everything its spec was built from (see parser/memo.py);
    # the render cache keys each synapse's files by it. Empty when unknown.
    synapse_keys: dict[str, str] = field(default_factory=dict)
    # Python input: `FILE:LINE:COL: warning: ...` lines (skipped synapses, protocol defects), for stderr.
    warnings: list[str] = field(default_factory=list)

    @functools.cached_property
    def streams(self) -> bool:
        """Whether any synapse streams (the package then has _stream.py). Templates ask once per
        synapse: computed once (a spec with other synapses is a new SubnetSpec)."""
        return any(s.stream is not None for s in self.synapses)
