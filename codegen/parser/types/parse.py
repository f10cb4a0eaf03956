"""Type expressions (Python syntax, never evaluated) -> TypeRefs."""

from __future__ import annotations

import ast

from codegen.parser.types.any import AnyType
from codegen.parser.types.base import TypeError_, TypeRef
from codegen.parser.types.binary import BytesType
from codegen.parser.types.boolean import BoolType
from codegen.parser.types.container import DictType, ListType
from codegen.parser.types.literal import parse_literal
from codegen.parser.types.number import FloatType, IntType
from codegen.parser.types.named import EnumRef
from codegen.parser.types.optional import OptionalType, optional
from codegen.parser.types.sequence import SetType, TupleType
from codegen.parser.types.string import StrType
from codegen.parser.types.temporal import DateTimeType, DateType
from codegen.parser.types.tensor import TensorType, parse_tensor
from codegen.parser.types.union import UnionType

SCALARS: dict[str, TypeRef] = {
    "str": StrType(),
    "int": IntType(),
    "float": FloatType(),
    "bool": BoolType(),
    "bytes": BytesType(),
    "any": AnyType(),
    "Any": AnyType(),
    "datetime": DateTimeType(),
    "date": DateType(),
}
_LIST = {"list", "List"}
_DICT = {"dict", "Dict"}
_OPTIONAL = {"optional", "Optional"}
_LITERAL = {"literal", "Literal"}
_UNION = {"Union", "union"}
_TENSOR = {"tensor", "Tensor"}
_TUPLE = {"tuple", "Tuple"}
_SET = {"set", "Set"}
_FROZENSET = {"frozenset", "FrozenSet"}
_HEADS = _LIST | _DICT | _OPTIONAL | _LITERAL | _TUPLE | _SET | _FROZENSET
HINT = (
    "use str, int, float, bool, bytes, any, datetime, date, list[T], dict[str, T], tuple[...], set[T], "
    "frozenset[T], A | B, T | None, optional[T], literal[...], tensor, or a name from `enums:`/`models:`"
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
        if name in _HEADS:
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
            if isinstance(key, EnumRef) and all(isinstance(v, str) for v in key.values):
                return DictType(_from_ast(args[1], text, named), key)
            if not isinstance(key, StrType):
                raise TypeError_(
                    f"dict keys must be `str` or an enum of strings (JSON object keys are text), in {text!r}; write `dict[str, T]`"
                )
            return DictType(_from_ast(args[1], text, named))
        if head in _TUPLE:
            return _tuple(args, text, named)
        if head in _SET | _FROZENSET:
            _arity(head, args, 1, text)
            item = _from_ast(args[0], text, named)
            if item.mutable or any(isinstance(r, (BytesType, TensorType)) for r in item.walk()):
                raise TypeError_(f"set items must be hashable scalars (str, int, float, enums, dates), not `{item.annotation()}`, in {text!r}")
            return SetType(item, frozen=head in _FROZENSET)
        if head in _OPTIONAL:
            _arity(head, args, 1, text)
            return optional(_from_ast(args[0], text, named))
        if head in _UNION:
            return _union(args, text, named)
        if head in _LITERAL:
            return parse_literal(args, text)
        if head in _TENSOR:
            return parse_tensor(args, text)
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
    if not others:
        raise TypeError_(f"`None` alone is not a field type in {text!r}; write `T | None`")
    kinds: list[TypeRef] = []
    nullable = bool(nones)
    for member in others:
        typ = _from_ast(member, text, named)
        nullable = nullable or typ.nullable
        base = typ.non_null()
        for kind in base.members if isinstance(base, UnionType) else (base,):
            if kind not in kinds:
                kinds.append(kind)
    for kind in kinds:
        if len(kinds) > 1 and isinstance(kind, (BytesType, TensorType, AnyType)):
            raise TypeError_(
                f"`{kind.annotation()}` can't be one alternative of a union ({text!r}): its values can't be told apart "
                "from the others'; use it alone"
            )
    typ = kinds[0] if len(kinds) == 1 else UnionType(tuple(kinds))
    return optional(typ) if nullable else typ


def _tuple(args: list[ast.expr], text: str, named: dict[str, TypeRef]) -> TupleType:
    """`tuple[A, B]` or `tuple[T, ...]`."""
    if len(args) == 2 and isinstance(args[1], ast.Constant) and args[1].value is Ellipsis:
        return TupleType((_from_ast(args[0], text, named),), variadic=True)
    if not args or any(isinstance(a, ast.Constant) and a.value is Ellipsis for a in args):
        raise TypeError_(f"write `tuple[A, B, ...types]` (a fixed length) or `tuple[T, ...]` (any length), in {text!r}")
    return TupleType(tuple(_from_ast(a, text, named) for a in args))


def _unknown(name: str, named: dict[str, TypeRef]) -> str:
    import difflib

    known = sorted(set(SCALARS) | set(named) | {"list", "dict", "optional", "literal", "tensor", "tuple", "set", "frozenset"})
    close = difflib.get_close_matches(name, known, n=1)
    hint = f"; did you mean `{close[0]}`?" if close else f"; {HINT}"
    return f"unknown type `{name}`{hint}"
