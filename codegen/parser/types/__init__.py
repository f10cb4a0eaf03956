"""Type kinds of the schema language: one module per kind, one class per kind.

Each kind knows its Python annotation (for the wire and for the typed API),
what it imports, which constraints fit it, how it is read from the command
line, and how to make sample values for the generated tests. Adding a type is
one module here plus a branch in ``parse.parse_type``.
"""

from codegen.parser.types.any import AnyType
from codegen.parser.types.base import CONSTRAINTS, NUMERIC, SIZED, Sample, TypeError_, TypeRef, json_text
from codegen.parser.types.binary import BytesType, needs_wire_bytes
from codegen.parser.types.boolean import BoolType
from codegen.parser.types.container import DictType, ListType
from codegen.parser.types.literal import LiteralType
from codegen.parser.types.named import EnumRef, ModelRef, enum_base
from codegen.parser.types.number import FloatType, IntType
from codegen.parser.types.optional import OptionalType
from codegen.parser.types.parse import HINT, SCALARS, parse_type
from codegen.parser.types.sequence import SetType, TupleType, set_helpers
from codegen.parser.types.string import StrType
from codegen.parser.types.temporal import DateTimeType, DateType, helper_typing, temporal_helpers
from codegen.parser.types.tensor import DTYPES, TensorType
from codegen.parser.types.union import UnionType

__all__ = [
    "CONSTRAINTS", "DTYPES", "HINT", "NUMERIC", "SCALARS", "SIZED",
    "AnyType", "BoolType", "BytesType", "DateTimeType", "DateType", "DictType", "EnumRef", "FloatType", "IntType", "ListType", "LiteralType",
    "ModelRef", "OptionalType", "Sample", "SetType", "StrType", "TensorType", "TupleType", "TypeError_", "TypeRef", "UnionType",
    "enum_base", "helper_typing", "json_text", "set_helpers", "temporal_helpers", "needs_wire_bytes", "parse_type",
]
