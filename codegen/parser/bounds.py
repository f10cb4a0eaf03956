"""How large a valid answer can be on the wire: the size limits of the generated clients.

A miner's answer is read up to a limit. Where the schema bounds every response
field (`max_length` on strings, bytes and lists, literals, enums, numbers and
models of those), the limit is the largest JSON a valid answer can take, so a
healthy miner is never cut off and a hostile one is cut off early. Where it
doesn't (a `str` without `max_length`, `any`, dicts, tensors) the answer has no
bound here and the client's documented default applies.

Sizes are upper bounds of JSON text in bytes: a character counts 6 (`\\uXXXX`),
an `int` at most 4301 (Python refuses to read longer ones), a `float` 24.
"""

from __future__ import annotations

import json
import math

from codegen.parser import types as t
from codegen.parser.spec import FieldSpec, ModelSpec, SubnetSpec, SynapseSpec

INT_BYTES = 4301  # sys.int_info.default_max_str_digits (4300) and a sign
FLOAT_BYTES = 24  # len("-1.7976931348623157e+308")
CHAR_BYTES = 6  # a control character escaped as \uXXXX; UTF-8 needs at most 4
FRAME_BYTES = 16  # one streamed piece's frame: {"chunk":...}\n


def answer_bytes(s: SynapseSpec, spec: SubnetSpec) -> int | None:
    """The most bytes a valid answer's response fields take on the wire; None where the schema doesn't bound them."""
    models = {m.name: m for m in spec.models}
    if s.stream is None:
        return _object_bytes(s.response, models)
    final = [f for f in s.response if f.name != s.stream.field.name]
    rest = _object_bytes(final, models)
    pieces = _stream_bytes(s.stream.field, s.stream.kind, models)
    if rest is None or pieces is None:
        return None
    return pieces + rest + FRAME_BYTES


def _stream_bytes(f: FieldSpec, kind: str, models: dict[str, ModelSpec]) -> int | None:
    """Every piece of a streamed field in its own frame (a piece may be one character or item)."""
    n = f.constraints.get("max_length")
    if n is None:
        return None
    if kind == "text":
        return n * (CHAR_BYTES + FRAME_BYTES)
    item = f.type.non_null()
    assert isinstance(item, t.ListType)
    one = value_bytes(item.item, {}, models)
    return None if one is None else n * (one + FRAME_BYTES)


def _object_bytes(fields: list[FieldSpec], models: dict[str, ModelSpec], depth: int = 0) -> int | None:
    total = 2
    for f in fields:
        size = value_bytes(f.type, f.constraints, models, depth)
        if size is None:
            return None
        total += len(json.dumps(f.name)) + 2 + size
    return total


def value_bytes(typ: t.TypeRef, c: dict[str, object], models: dict[str, ModelSpec], depth: int = 0) -> int | None:
    """The most bytes of one value of `typ` under constraints `c`; None: unbounded."""
    if depth > 32:
        return None
    if isinstance(typ, t.OptionalType):
        inner = value_bytes(typ.inner, c, models, depth)
        return None if inner is None else max(inner, 4)
    if isinstance(typ, t.BoolType):
        return 5
    if isinstance(typ, t.IntType):
        return INT_BYTES
    if isinstance(typ, t.FloatType):
        return FLOAT_BYTES
    n = c.get("max_length")
    if isinstance(typ, t.StrType):
        return None if not isinstance(n, int) else 2 + CHAR_BYTES * n
    if isinstance(typ, t.BytesType):
        return None if not isinstance(n, int) else 2 + 4 * math.ceil(n / 3)
    if isinstance(typ, t.LiteralType):
        return max(len(json.dumps(v)) for v in typ.values)
    if isinstance(typ, t.EnumRef):
        return max(len(json.dumps(v)) for _, v in typ.members)
    if isinstance(typ, t.ListType):
        item = value_bytes(typ.item, {}, models, depth + 1)
        return None if not isinstance(n, int) or item is None else 2 + n * (item + 1)
    if isinstance(typ, t.ModelRef) and typ.name in models:
        return _object_bytes(models[typ.name].fields, models, depth + 1)
    return None  # any, dict (keys unbounded), tensor, a model defined elsewhere
