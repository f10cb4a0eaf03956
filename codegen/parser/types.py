"""Type kinds of the schema language: one class per kind.

Each kind knows its Python annotation (for the wire and for the typed API),
what it imports, which constraints fit it, how it is read from the command
line, and how to make sample values for the generated tests. Adding a type is
one class here plus a branch in ``parse_type``.
"""

from __future__ import annotations

import ast
import base64
import json
from dataclasses import dataclass
from typing import Any, ClassVar

NUMERIC = ("gt", "ge", "lt", "le")
SIZED = ("min_length", "max_length")
CONSTRAINTS = NUMERIC + SIZED + ("pattern",)


@dataclass(frozen=True)
class Sample:
    """A value for generated tests: a Python expression and its JSON form (for CLI options)."""

    expr: str
    json: Any


class TypeError_(ValueError):
    """A type expression that can't be expressed; message says what would work."""


@dataclass(frozen=True)
class TypeRef:
    """Base of all type kinds."""

    constraints_allowed: ClassVar[tuple[str, ...]] = ()
    cli_kind: ClassVar[str] = "json"  # how the example client reads it: int float str bool bytes json choice

    def annotation(self, wire: bool = False) -> str:
        raise NotImplementedError

    def imports(self, wire: bool = False) -> set[str]:
        return set()

    def samples(self, c: dict[str, Any]) -> list[Sample]:
        """Distinct (where the type allows) valid values honouring constraints ``c``."""
        raise NotImplementedError

    def json_schema(self) -> dict[str, Any]:
        """The JSON Schema of the value on the wire (for OpenAPI documents)."""
        raise NotImplementedError

    def children(self) -> tuple[TypeRef, ...]:
        return ()

    def walk(self) -> list[TypeRef]:
        out: list[TypeRef] = [self]
        for child in self.children():
            out.extend(child.walk())
        return out

    @property
    def nullable(self) -> bool:
        return False

    def non_null(self) -> TypeRef:
        return self

    @property
    def mutable(self) -> bool:
        """Defaults of this type need a default_factory."""
        return False


@dataclass(frozen=True)
class IntType(TypeRef):
    constraints_allowed = NUMERIC
    cli_kind = "int"

    def annotation(self, wire: bool = False) -> str:
        return "int"

    def json_schema(self) -> dict[str, Any]:
        return {"type": "integer"}

    def samples(self, c: dict[str, Any]) -> list[Sample]:
        lo = _low(c, 1, integer=True)
        hi = _high(c, lo + 2, integer=True)
        values = sorted({v for v in (lo, min(lo + 1, hi), hi) if lo <= v <= hi})
        values = values or [lo]
        return [Sample(repr(v), v) for v in values]


@dataclass(frozen=True)
class FloatType(TypeRef):
    constraints_allowed = NUMERIC
    cli_kind = "float"

    def annotation(self, wire: bool = False) -> str:
        return "float"

    def json_schema(self) -> dict[str, Any]:
        return {"type": "number"}

    def samples(self, c: dict[str, Any]) -> list[Sample]:
        lo = _low(c, 0.5, integer=False)
        hi = _high(c, lo + 1.0, integer=False)
        mid = (lo + hi) / 2
        values = sorted({float(v) for v in (lo, mid, hi)})
        return [Sample(repr(v), v) for v in values]


def _low(c: dict[str, Any], fallback: float, integer: bool) -> Any:
    step = 1 if integer else 0.25
    if c.get("ge") is not None:
        low = c["ge"]
    elif c.get("gt") is not None:
        low = c["gt"] + step
    elif c.get("le") is not None or c.get("lt") is not None:
        top = c["le"] if c.get("le") is not None else c["lt"] - step
        low = min(fallback, top)
    else:
        low = fallback
    return int(-(-low // 1)) if integer else float(low)


def _high(c: dict[str, Any], fallback: float, integer: bool) -> Any:
    step = 1 if integer else 0.25
    if c.get("le") is not None:
        high = c["le"]
    elif c.get("lt") is not None:
        high = c["lt"] - step
    else:
        high = fallback
    return int(high // 1) if integer else float(high)


@dataclass(frozen=True)
class BoolType(TypeRef):
    cli_kind = "bool"

    def annotation(self, wire: bool = False) -> str:
        return "bool"

    def json_schema(self) -> dict[str, Any]:
        return {"type": "boolean"}

    def samples(self, c: dict[str, Any]) -> list[Sample]:
        return [Sample("True", True), Sample("False", False)]


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


@dataclass(frozen=True)
class AnyType(TypeRef):
    def annotation(self, wire: bool = False) -> str:
        return "Any"

    def imports(self, wire: bool = False) -> set[str]:
        return {"from typing import Any"}

    def json_schema(self) -> dict[str, Any]:
        return {}

    def samples(self, c: dict[str, Any]) -> list[Sample]:
        return [Sample(repr(v), v) for v in ({"key": [1, "two"]}, "text", 7)]


@dataclass(frozen=True)
class ListType(TypeRef):
    item: TypeRef
    constraints_allowed = SIZED

    def annotation(self, wire: bool = False) -> str:
        return f"list[{self.item.annotation(wire)}]"

    def imports(self, wire: bool = False) -> set[str]:
        return self.item.imports(wire)

    def children(self) -> tuple[TypeRef, ...]:
        return (self.item,)

    @property
    def mutable(self) -> bool:
        return True

    def json_schema(self) -> dict[str, Any]:
        return {"type": "array", "items": self.item.json_schema()}

    def samples(self, c: dict[str, Any]) -> list[Sample]:
        items = self.item.samples({})
        if not items:
            return []
        lo, hi = c.get("min_length") or 0, c.get("max_length")
        out = []
        for shift in range(2):
            n = max(lo, min(2, hi if hi is not None else 2))
            chosen = [items[(i + shift) % len(items)] for i in range(n)]
            out.append(Sample("[" + ", ".join(s.expr for s in chosen) + "]", [s.json for s in chosen]))
        return list({s.expr: s for s in out}.values())


@dataclass(frozen=True)
class DictType(TypeRef):
    value: TypeRef
    constraints_allowed = SIZED

    def annotation(self, wire: bool = False) -> str:
        return f"dict[str, {self.value.annotation(wire)}]"

    def imports(self, wire: bool = False) -> set[str]:
        return self.value.imports(wire)

    def children(self) -> tuple[TypeRef, ...]:
        return (self.value,)

    @property
    def mutable(self) -> bool:
        return True

    def json_schema(self) -> dict[str, Any]:
        return {"type": "object", "additionalProperties": self.value.json_schema()}

    def samples(self, c: dict[str, Any]) -> list[Sample]:
        values = self.value.samples({})
        if not values:
            return []
        lo, hi = c.get("min_length") or 0, c.get("max_length")
        out = []
        for shift in range(2):
            n = max(lo, min(1, hi if hi is not None else 1))
            chosen = [(f"k{i}", values[(i + shift) % len(values)]) for i in range(n)]
            out.append(
                Sample(
                    "{" + ", ".join(f"{k!r}: {s.expr}" for k, s in chosen) + "}",
                    {k: s.json for k, s in chosen},
                )
            )
        return list({s.expr: s for s in out}.values())


@dataclass(frozen=True)
class OptionalType(TypeRef):
    inner: TypeRef

    @property
    def constraints_allowed(self) -> tuple[str, ...]:  # type: ignore[override]
        return self.inner.constraints_allowed

    @property
    def cli_kind(self) -> str:  # type: ignore[override]
        return self.inner.cli_kind

    def annotation(self, wire: bool = False) -> str:
        return f"{self.inner.annotation(wire)} | None"

    def imports(self, wire: bool = False) -> set[str]:
        return self.inner.imports(wire)

    def children(self) -> tuple[TypeRef, ...]:
        return (self.inner,)

    @property
    def nullable(self) -> bool:
        return True

    def non_null(self) -> TypeRef:
        return self.inner

    @property
    def mutable(self) -> bool:
        return self.inner.mutable

    def json_schema(self) -> dict[str, Any]:
        return {"anyOf": [self.inner.json_schema(), {"type": "null"}]}

    def samples(self, c: dict[str, Any]) -> list[Sample]:
        return self.inner.samples(c)


@dataclass(frozen=True)
class LiteralType(TypeRef):
    values: tuple[str | int, ...]
    cli_kind = "choice"

    def annotation(self, wire: bool = False) -> str:
        return "Literal[" + ", ".join(repr(v) for v in self.values) + "]"

    def imports(self, wire: bool = False) -> set[str]:
        return {"from typing import Literal"}

    def json_schema(self) -> dict[str, Any]:
        return {"enum": list(self.values)}

    def samples(self, c: dict[str, Any]) -> list[Sample]:
        return [Sample(repr(v), v) for v in self.values]


@dataclass(frozen=True)
class EnumRef(TypeRef):
    name: str
    members: tuple[tuple[str, str | int], ...]  # (member name, value)
    cli_kind = "choice"

    def annotation(self, wire: bool = False) -> str:
        return self.name

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

    def json_schema(self) -> dict[str, Any]:
        return {"$ref": f"#/components/schemas/{self.name}"}

    def samples(self, c: dict[str, Any]) -> list[Sample]:
        # Set by the spec builder once the model's fields are known.
        return list(getattr(self, "sample_list", []))


# bittensor.Tensor's dtypes (numpy spelling; torch's "torch.X" spelling is accepted on the wire).
DTYPES = ("float16", "float32", "float64", "uint8", "int8", "int16", "int32", "int64", "bool")


@dataclass(frozen=True)
class TensorType(TypeRef):
    """`bittensor.Tensor`, optionally of one dtype and shape (`None` for a free dimension).

    On the generated synapse it is `Annotated[Tensor, TensorOf(dtype, shape)]`:
    checked on arrival, and also buildable from nested lists or a number.
    """

    dtype: str | None = None
    shape: tuple[int | None, ...] | None = None

    def annotation(self, wire: bool = False) -> str:
        if not wire:
            return "Tensor"
        args = [repr(self.dtype)] if self.dtype or self.shape is not None else []
        if self.shape is not None:
            args.append(repr(self.shape))
        return f"Annotated[Tensor, TensorOf({', '.join(args)})]"

    def imports(self, wire: bool = False) -> set[str]:
        return {"from typing import Annotated"} if wire else set()

    def json_schema(self) -> dict[str, Any]:
        """The bittensor 11 wire form: dtype, shape and the standard base64 of the C-order little-endian bytes."""
        return {
            "type": "object",
            "properties": {
                "dtype": {"enum": [self.dtype] if self.dtype else list(DTYPES)},
                "shape": {"type": "array", "items": {"type": "integer", "minimum": 0}},
                "data": {"type": "string", "contentEncoding": "base64"},
            },
            "required": ["dtype", "shape", "data"],
        }

    @property
    def sample_shape(self) -> tuple[int, ...] | None:
        """The schema's shape with 1 for each free dimension."""
        return None if self.shape is None else tuple(1 if d is None else d for d in self.shape)

    def samples(self, c: dict[str, Any]) -> list[Sample]:
        dtype = self.dtype or "float32"
        values: list[Any] = {"bool": [True, False]}.get(dtype) or ([0.5, 1.5] if dtype.startswith("float") else [1, 2])
        out = []
        for v in values:
            if self.shape is None:
                data: Any = [v, v]
                out.append(Sample(f"to_tensor({data!r}, {dtype!r})", data))
            else:
                out.append(Sample(f"to_tensor({v!r}, {dtype!r}, {self.sample_shape!r})", v))
        return out


SCALARS: dict[str, TypeRef] = {
    "str": StrType(),
    "int": IntType(),
    "float": FloatType(),
    "bool": BoolType(),
    "bytes": BytesType(),
    "any": AnyType(),
    "Any": AnyType(),
}
_LIST = {"list", "List"}
_DICT = {"dict", "Dict"}
_OPTIONAL = {"optional", "Optional"}
_LITERAL = {"literal", "Literal"}
_UNION = {"Union", "union"}
_TENSOR = {"tensor", "Tensor"}
HINT = (
    "use str, int, float, bool, bytes, any, list[T], dict[str, T], T | None, "
    "optional[T], literal[...], tensor, or a name from `enums:`/`models:`"
)


def parse_type(text: str, named: dict[str, TypeRef]) -> TypeRef:
    """Parse a type expression (Python syntax, never evaluated) into a TypeRef."""
    if not isinstance(text, str) or not text.strip():
        raise TypeError_(f"a type must be a non-empty string; {HINT}")
    try:
        tree = ast.parse(text.strip(), mode="eval")
    except SyntaxError:
        raise TypeError_(f"malformed type {text!r}: {_syntax_hint(text)}; {HINT}") from None
    return _from_ast(tree.body, text, named)


def _from_ast(node: ast.expr, text: str, named: dict[str, TypeRef]) -> TypeRef:
    if isinstance(node, ast.Constant) and node.value is None:
        raise TypeError_(f"`None` alone is not a field type in {text!r}; write `T | None`")
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
        return _union([node.left, node.right], text, named)
    if isinstance(node, ast.Name):
        name = node.id
        if name in SCALARS:
            return SCALARS[name]
        if name in named:
            return named[name]
        if name in _TENSOR:
            return TensorType()
        if name in _LIST | _DICT | _OPTIONAL | _LITERAL:
            raise TypeError_(f"`{name}` needs type arguments, e.g. `{name}[...]`, in {text!r}")
        raise TypeError_(_unknown(name, named))
    if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name):
        head = node.value.id
        args = list(node.slice.elts) if isinstance(node.slice, ast.Tuple) else [node.slice]
        if head in _LIST:
            _arity(head, args, 1, text)
            return ListType(_from_ast(args[0], text, named))
        if head in _DICT:
            _arity(head, args, 2, text)
            key = _from_ast(args[0], text, named)
            if not isinstance(key, StrType):
                raise TypeError_(f"dict keys must be `str` (JSON object keys), in {text!r}; write `dict[str, T]`")
            return DictType(_from_ast(args[1], text, named))
        if head in _OPTIONAL:
            _arity(head, args, 1, text)
            return _optional(_from_ast(args[0], text, named))
        if head in _UNION:
            return _union(args, text, named)
        if head in _LITERAL:
            return _literal(args, text)
        if head in _TENSOR:
            return _tensor(args, text)
        raise TypeError_(_unknown(head, named) if head not in SCALARS else f"`{head}` takes no type arguments")
    raise TypeError_(f"malformed type {text!r}; {HINT}")


def _syntax_hint(text: str) -> str:
    opened, closed = text.count("["), text.count("]")
    if opened > closed:
        return "a `[` is never closed"
    if closed > opened:
        return "a `]` has no matching `[`"
    if "[]" in text.replace(" ", ""):
        return "`[]` needs at least one argument"
    return "it is not a type expression"


def _arity(head: str, args: list[ast.expr], n: int, text: str) -> None:
    if len(args) != n:
        raise TypeError_(f"`{head}` takes {n} type argument{'s' if n > 1 else ''}, got {len(args)} in {text!r}")


def _optional(inner: TypeRef) -> TypeRef:
    return inner if isinstance(inner, OptionalType) else OptionalType(inner)


def _union(parts: list[ast.expr], text: str, named: dict[str, TypeRef]) -> TypeRef:
    members: list[ast.expr] = []
    stack = list(parts)
    while stack:
        part = stack.pop(0)
        if isinstance(part, ast.BinOp) and isinstance(part.op, ast.BitOr):
            stack[:0] = [part.left, part.right]
        else:
            members.append(part)
    nones = [m for m in members if isinstance(m, ast.Constant) and m.value is None]
    others = [m for m in members if m not in nones]
    if len(others) != 1 or not nones:
        raise TypeError_(
            f"unions other than `T | None` are not supported ({text!r}); use `any`, or a model with optional fields"
        )
    return _optional(_from_ast(others[0], text, named))


def _literal(args: list[ast.expr], text: str) -> LiteralType:
    values: list[str | int] = []
    for arg in args:
        value = arg.value if isinstance(arg, ast.Constant) else None
        if isinstance(arg, ast.UnaryOp) and isinstance(arg.op, ast.USub) and isinstance(arg.operand, ast.Constant):
            value = -arg.operand.value if isinstance(arg.operand.value, int) else None
        if isinstance(value, bool) or not isinstance(value, (str, int)):
            raise TypeError_(f"literal values must be quoted strings or integers, in {text!r}")
        if value in values:
            raise TypeError_(f"literal value {value!r} repeats in {text!r}")
        values.append(value)
    if not values:
        raise TypeError_(f"`literal[...]` needs at least one value, in {text!r}")
    return LiteralType(tuple(values))


def _tensor(args: list[ast.expr], text: str) -> TensorType:
    """`tensor[DTYPE]`, `tensor[DTYPE, D1, D2...]` or `tensor[D1, D2...]`; a dimension is a size or None."""
    dtype: str | None = None
    dims: list[int | None] = []
    for i, arg in enumerate(args):
        if isinstance(arg, ast.Name) and i == 0:
            if arg.id not in DTYPES:
                raise TypeError_(f"unknown tensor dtype `{arg.id}` in {text!r}; use one of {', '.join(DTYPES)}")
            dtype = arg.id
        elif isinstance(arg, ast.Constant) and (arg.value is None or (type(arg.value) is int and arg.value > 0)):
            dims.append(arg.value)
        else:
            raise TypeError_(
                f"malformed tensor type {text!r}; write `tensor[DTYPE, D1, D2, ...]` with a dtype first "
                "(optional) and dimensions that are positive sizes or None, e.g. `tensor[float32, None, 768]`"
            )
    return TensorType(dtype, tuple(dims) if dims else None)


def _unknown(name: str, named: dict[str, TypeRef]) -> str:
    import difflib

    known = sorted(set(SCALARS) | set(named) | {"list", "dict", "optional", "literal", "tensor"})
    close = difflib.get_close_matches(name, known, n=1)
    hint = f"; did you mean `{close[0]}`?" if close else f"; {HINT}"
    return f"unknown type `{name}`{hint}"


def json_text(value: Any) -> str:
    """Compact JSON for a CLI option value."""
    return json.dumps(value, separators=(",", ":"), sort_keys=True)
