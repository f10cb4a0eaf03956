"""Each type kind: parsing (both spellings), annotation, and rejection of what can't be expressed."""

from __future__ import annotations

import pytest

from codegen.parser import types as t

ROLE = t.EnumRef("Role", (("user", "user"),))
MSG = t.ModelRef("Message")
NAMED: dict[str, t.TypeRef] = {"Role": ROLE, "Message": MSG}


@pytest.mark.parametrize(
    ("text", "wire", "plain"),
    [
        ("str", "str", "str"),
        ("int", "int", "int"),
        ("float", "float", "float"),
        ("bool", "bool", "bool"),
        ("bytes", "WireBytes", "bytes"),
        ("any", "Any", "Any"),
        ("Any", "Any", "Any"),
        ("list[int]", "list[int]", "list[int]"),
        ("List[bytes]", "list[WireBytes]", "list[bytes]"),
        ("dict[str, float]", "dict[str, float]", "dict[str, float]"),
        ("Dict[str, Any]", "dict[str, Any]", "dict[str, Any]"),
        ("int | None", "int | None", "int | None"),
        ("None | int", "int | None", "int | None"),
        ("optional[str]", "str | None", "str | None"),
        ("Optional[Optional[str]]", "str | None", "str | None"),
        ("Union[int, None]", "int | None", "int | None"),
        ("literal['a', 'b']", "Literal['a', 'b']", "Literal['a', 'b']"),
        ("Literal[1, -2]", "Literal[1, -2]", "Literal[1, -2]"),
        ("Role", "Role", "Role"),
        ("list[Message] | None", "list[Message] | None", "list[Message] | None"),
        ("dict[str, list[Role]]", "dict[str, list[Role]]", "dict[str, list[Role]]"),
        ("tensor", "Annotated[Tensor, TensorOf()]", "Tensor"),
        ("Tensor[float32]", "Annotated[Tensor, TensorOf('float32')]", "Tensor"),
        ("tensor[uint8, 3, None, None]", "Annotated[Tensor, TensorOf('uint8', (3, None, None))]", "Tensor"),
        ("tensor[None, 768]", "Annotated[Tensor, TensorOf(None, (None, 768))]", "Tensor"),
        ("list[tensor[bool]] | None", "list[Annotated[Tensor, TensorOf('bool')]] | None", "list[Tensor] | None"),
        ("int | str", "int | str", "int | str"),
        ("Union[int, str, None]", "int | str | None", "int | str | None"),
        ("str | (dict[str, any] | None) | list[int]", "str | dict[str, Any] | list[int] | None", "str | dict[str, Any] | list[int] | None"),
        ("Message | Message | None", "Message | None", "Message | None"),
        ("datetime", "WireDatetime", "datetime"),
        ("date | None", "WireDate | None", "date | None"),
        ("tuple[int, bytes]", "tuple[int, WireBytes]", "tuple[int, bytes]"),
        ("Tuple[str, ...]", "tuple[str, ...]", "tuple[str, ...]"),
        ("set[int]", "WireSet[int]", "set[int]"),
        ("FrozenSet[Role]", "WireFrozenset[Role]", "frozenset[Role]"),
        ("dict[Role, list[datetime]]", "dict[Role, list[WireDatetime]]", "dict[Role, list[datetime]]"),
    ],
)
def test_parse_and_annotate(text: str, wire: str, plain: str) -> None:
    typ = t.parse_type(text, NAMED)
    assert typ.annotation(wire=True) == wire
    assert typ.annotation() == plain


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("list[", "malformed type"),
        ("dict[int, str]", "dict keys must be `str`"),
        ("strr", "did you mean `str`"),
        ("Mesage", "did you mean `Message`"),
        ("bytes | str", "can't be one alternative of a union"),
        ("set[list[int]]", "set items must be hashable"),
        ("tuple[...]", "`tuple[T, ...]`"),
        ("dict[Message, int]", "dict keys must be `str` or an enum of strings"),
        ("literal[1.5]", "quoted strings or integers"),
        ("literal['a', 'a']", "repeats"),
        ("literal[True]", "quoted strings or integers"),
        ("list[int, str]", "takes 1 type argument"),
        ("list", "needs type arguments"),
        ("None", "`None` alone"),
        ("__import__('os')", "malformed type"),
        ("tensor[float33]", "unknown tensor dtype `float33`"),
        ("tensor[float32, 0]", "malformed tensor type"),
        ("tensor[3, float32]", "malformed tensor type"),
        ("tensor[1.5]", "malformed tensor type"),
        ("", "non-empty"),
    ],
)
def test_rejects_with_a_useful_message(text: str, fragment: str) -> None:
    with pytest.raises(t.TypeError_, match=None) as info:
        t.parse_type(text, NAMED)
    assert fragment in str(info.value)


@pytest.mark.parametrize(
    ("typ", "constraints"),
    [
        (t.IntType(), {"ge": 5, "le": 5}),
        (t.IntType(), {"gt": -3, "lt": -1}),
        (t.FloatType(), {"gt": 0, "lt": 1}),
        (t.StrType(), {"min_length": 3, "max_length": 3}),
        (t.StrType(), {"pattern": "^[0-9]+$"}),
        (t.ListType(t.IntType()), {"min_length": 3}),
        (t.DictType(t.BoolType()), {"max_length": 0}),
        (t.DictType(t.IntType(), ROLE), {}),
        (t.TupleType((t.IntType(), t.StrType())), {}),
        (t.TupleType((t.FloatType(),), variadic=True), {"min_length": 3}),
        (t.SetType(t.StrType()), {"max_length": 1}),
        (t.SetType(ROLE, frozen=True), {}),
        (t.UnionType((t.IntType(), t.ListType(t.StrType()))), {}),
        (t.DateTimeType(), {}),
        (t.DateType(), {}),
    ],
)
def test_samples_honour_constraints(typ: t.TypeRef, constraints: dict[str, object]) -> None:
    from codegen.parser.fields import check_value

    samples = typ.samples(constraints)
    assert samples
    for sample in samples:
        assert check_value(typ, sample.json, constraints) is None, sample
