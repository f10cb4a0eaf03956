"""How many bytes a well-behaved miner's answer can take on the wire (both targets' clients).

The generated client reads at most a bounded number of bytes from each miner. Where
the schema bounds every response field (`max_length` on strings, bytes and lists,
literals, enums, numbers, tensors of a fixed dtype and shape), the limit follows from
the schema; anywhere else it is DEFAULT_MAX_BYTES. Both are decided here, on the spec
model, and the template only writes the number down.
"""

from __future__ import annotations

import json
import math
from typing import Any

from codegen.parser import types as t
from codegen.parser.spec import FieldSpec, SubnetSpec, SynapseSpec

DEFAULT_MAX_BYTES = 8 * 1024 * 1024
"""A miner's answer when the schema leaves its size open (8 MiB): a few hundred MB at worst once parsed."""

# Worst case for one character of a JSON string: `\uXXXX`, or a surrogate pair (12 bytes)
# for a character outside the BMP, which Python counts as one.
_PER_CHAR = 12
_INT = 4310  # Python's int-from-text limit is 4300 digits
_ITEMSIZE = {"float16": 2, "float32": 4, "float64": 8, "uint8": 1, "int8": 1, "int16": 2, "int32": 4, "int64": 8, "bool": 1}


def max_answer_bytes(s: SynapseSpec, spec: SubnetSpec) -> int:
    """The most bytes the client reads from one miner answering `s` (see the module docstring)."""
    if s.stream is not None:
        return DEFAULT_MAX_BYTES  # any number of pieces, each in its own frame
    bound = _object_bound(s.response, {m.name: m.fields for m in spec.models}, set())
    if bound is None:
        return DEFAULT_MAX_BYTES
    # Twice the compact size: room for a miner that indents its JSON.
    return 2 * bound + 4096


def _object_bound(fields: list[FieldSpec], models: dict[str, list[FieldSpec]], seen: set[str]) -> int | None:
    total = 2
    for f in fields:
        one = _bound(f.type, f.constraints, models, seen)
        if one is None:
            return None
        total += len(json.dumps(f.name)) + 2 + max(one, 4)  # `"name":value,`; `null` when unset
    return total


def _bound(typ: t.TypeRef, c: dict[str, Any], models: dict[str, list[FieldSpec]], seen: set[str]) -> int | None:
    n = c.get("max_length")
    if isinstance(typ, t.OptionalType):
        inner = _bound(typ.inner, c, models, seen)
        return None if inner is None else max(inner, 4)
    if isinstance(typ, t.StrType):
        return None if n is None else 2 + _PER_CHAR * n
    if isinstance(typ, t.BytesType):
        return None if n is None else 2 + 4 * math.ceil(n / 3)
    if isinstance(typ, t.BoolType):
        return 5
    if isinstance(typ, t.IntType):
        return _INT
    if isinstance(typ, t.FloatType):
        return 32
    if isinstance(typ, (t.LiteralType, t.EnumRef)):
        return max(len(json.dumps(v)) for v in typ.values)
    if isinstance(typ, t.ListType):
        item = _bound(typ.item, {}, models, seen)
        return None if n is None or item is None else 2 + n * (item + 1)
    if isinstance(typ, t.ModelRef):
        if typ.name in seen or typ.name not in models:
            return None  # recursive models have no bound
        return _object_bound(models[typ.name], models, seen | {typ.name})
    if isinstance(typ, t.TensorType):
        if typ.dtype is None or typ.shape is None or None in typ.shape:
            return None
        size = math.prod(d for d in typ.shape if d is not None) * _ITEMSIZE[typ.dtype]
        return 64 + 21 * len(typ.shape) + 4 * math.ceil(size / 3)
    return None  # any, dict[str, T] (keys of any length)


DEFAULT_MAX_BODY = 4 * 1024 * 1024
"""The miner's limit on a request body the schema does not bound: 4 MiB (413 above it, unread)."""

MIN_MAX_BODY = 64 * 1024
"""The smallest request limit a route gets, however small its request: 64 KiB."""


def max_request_bytes(s: SynapseSpec, spec: SubnetSpec) -> int:
    """The generated miner's request-size limit for `s`: from the schema's bounds, else DEFAULT_MAX_BODY."""
    bound = _object_bound(s.request, {m.name: m.fields for m in spec.models}, set())
    if bound is None:
        return DEFAULT_MAX_BODY
    return max(MIN_MAX_BODY, 2 * bound + 4096)  # twice the compact size: room for indented JSON
