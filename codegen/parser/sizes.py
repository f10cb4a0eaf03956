"""How many bytes of JSON a value can take, from the schema's types and constraints.

A bittensor 11 miner refuses a request body over its route's limit (413) without
reading it. Where the schema bounds every request field (`max_length` on strings,
bytes and lists, ranges on integers, fixed-shape tensors, enums and literals), the
limit follows from the schema; elsewhere it is `DEFAULT_MAX_BODY`. Both can be
overridden when the miner starts (`--max-body-bytes`).
"""

from __future__ import annotations

import json
import math

from codegen.parser import types as t
from codegen.parser.spec import FieldSpec, SubnetSpec, SynapseSpec

DEFAULT_MAX_BODY = 4 * 1024 * 1024
"""A route whose request the schema does not bound: 4 MiB."""

MIN_MAX_BODY = 64 * 1024
"""The smallest limit a route gets, however small its request: 64 KiB."""

_NUMBER = 32  # digits, sign, exponent: more than any int64 or float repr needs
_ESCAPED_CHAR = 12  # one code point as JSON escapes (a surrogate pair of \\uXXXX)
_ITEMSIZE = {"float16": 2, "float32": 4, "float64": 8, "uint8": 1, "int8": 1, "int16": 2, "int32": 4, "int64": 8, "bool": 1}


def max_body(s: SynapseSpec, spec: SubnetSpec) -> int:
    """The route's request-size limit in bytes: twice the schema's bound (room for whitespace), or the default."""
    bound = object_bound(s.request, spec, frozenset())
    if bound is None:
        return DEFAULT_MAX_BODY
    return max(MIN_MAX_BODY, 2 * bound)


def object_bound(fields: list[FieldSpec], spec: SubnetSpec, seen: frozenset[str]) -> int | None:
    total = 2  # {}
    for f in fields:
        bound = value_bound(f.type, f.constraints, spec, seen)
        if bound is None:
            return None
        total += len(json.dumps(f.name)) + 2 + bound  # "name": value,
    return total


def value_bound(typ: t.TypeRef, c: dict[str, object], spec: SubnetSpec, seen: frozenset[str]) -> int | None:
    """The most bytes one JSON value of `typ` under constraints `c` can take, or None when unbounded."""
    n = c.get("max_length")
    limit = n if isinstance(n, int) else None
    if isinstance(typ, t.OptionalType):
        inner = value_bound(typ.inner, c, spec, seen)
        return None if inner is None else max(4, inner)
    if isinstance(typ, (t.IntType, t.FloatType)):
        return _NUMBER
    if isinstance(typ, t.BoolType):
        return 5
    if isinstance(typ, t.StrType):
        return None if limit is None else 2 + _ESCAPED_CHAR * limit
    if isinstance(typ, t.BytesType):
        return None if limit is None else 2 + 4 * math.ceil(limit / 3)
    if isinstance(typ, t.LiteralType):
        return max(_ESCAPED_CHAR * len(str(v)) + 2 for v in typ.values)
    if isinstance(typ, t.EnumRef):
        return max(_ESCAPED_CHAR * len(str(v)) + 2 for v in typ.values)
    if isinstance(typ, t.ListType):
        item = value_bound(typ.item, {}, spec, seen)
        return None if limit is None or item is None else 2 + limit * (item + 1)
    if isinstance(typ, t.ModelRef):
        model = next((m for m in spec.models if m.name == typ.name), None)
        if model is None or typ.name in seen:
            return None
        return object_bound(model.fields, spec, seen | {typ.name})
    if isinstance(typ, t.TensorType):
        if typ.dtype is None or typ.shape is None or any(d is None for d in typ.shape):
            return None
        count = math.prod(d for d in typ.shape if d is not None)
        data = 4 * math.ceil(count * _ITEMSIZE.get(typ.dtype, 8) / 3)
        return 64 + len(typ.dtype) + len(typ.shape) * 21 + data
    return None  # any, dict[str, T]: keys and values the schema doesn't bound
