"""Python annotations -> type expressions of the schema language.

The Pydantic loader writes each field's runtime annotation in the same type
language a YAML schema uses (`list[str]`, `Role | None`, `Literal['a', 'b']`),
so one parser (`types.parse_type`) and one builder serve both inputs. Enums and
nested models met on the way are recorded: the generated package imports them
from the user's modules, it never redeclares them.
"""

from __future__ import annotations

import datetime
import enum
import types
import typing
from typing import Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel

from codegen.parser import types as t

NoneType = type(None)
WORKS = (
    "str, int, float, bool, bytes, Any, datetime, date, list[T], dict[str, T], tuple[...], set[T], Union[...], "
    "Optional[T], Literal[...], an Enum or a pydantic model"
)


class Unsupported(Exception):
    """An annotation the generator can't express; the message says what it is and what would work."""


def show(tp: Any) -> str:
    """An annotation as the user wrote it, near enough: `Optional[int]`, `Role`, `tuple[int, str]`."""
    if isinstance(tp, type) and not get_args(tp):
        return tp.__name__
    return repr(tp).replace("typing.", "").replace("NoneType", "None")


def tensor_supported() -> bool:
    """Whether the type language has a `tensor` kind yet."""
    try:
        t.parse_type("tensor", {})
    except t.TypeError_:
        return False
    return True


class Annotations:
    """Converts annotations to type text, collecting the enums and models they use (by name)."""

    def __init__(self, synapse_base: type) -> None:
        self.synapse_base = synapse_base
        self.enums: dict[str, type[enum.Enum]] = {}
        self.models: dict[str, type[BaseModel]] = {}

    def text(self, tp: Any) -> str:
        origin, args = get_origin(tp), get_args(tp)
        if origin is typing.Annotated:
            return self.text(args[0])
        if tp is Any or tp is object:
            return "any"
        if tp in (int, float, str, bool, bytes):
            return str(tp.__name__)
        if tp is datetime.datetime or tp is datetime.date:
            return tp.__name__
        if tp is None or tp is NoneType:
            raise Unsupported("`None` alone is not a field type; write `Optional[T]`")
        if origin in (Union, types.UnionType):
            return self._union(tp, args)
        if tp is list or origin is list:
            return f"list[{self.text(args[0]) if args else 'any'}]"
        if tp is dict or origin is dict:
            return self._dict(tp, args)
        if origin is Literal:
            return self._literal(tp, args)
        if isinstance(tp, (str, typing.ForwardRef)):
            name = tp if isinstance(tp, str) else tp.__forward_arg__
            raise Unsupported(f"`{name}` can't be resolved: a forward reference to a name its module doesn't define at import time")
        if tp is tuple or origin is tuple:
            return self._tuple(tp, args)
        if origin in (set, frozenset) or tp in (set, frozenset):
            return f"{(origin or tp).__name__}[{self.text(args[0]) if args else 'any'}]"
        if isinstance(tp, type):
            return self._class(tp)
        raise Unsupported(f"`{show(tp)}` is not a type the generator can express; use {WORKS}")

    def _union(self, tp: Any, args: tuple[Any, ...]) -> str:
        members = [self.text(a) for a in args if a is not NoneType]
        text = " | ".join(f"({m})" if " | " in m else m for m in members)
        return f"{text} | None" if len(members) < len(args) else text

    def _tuple(self, tp: Any, args: tuple[Any, ...]) -> str:
        if not args:
            return "tuple[any, ...]"
        if len(args) == 2 and args[1] is Ellipsis:
            return f"tuple[{self.text(args[0])}, ...]"
        if args == ((),):
            raise Unsupported(f"`{show(tp)}`: an empty tuple carries nothing; drop the field")
        return "tuple[" + ", ".join(self.text(a) for a in args) + "]"

    def _dict(self, tp: Any, args: tuple[Any, ...]) -> str:
        if not args:
            return "dict[str, any]"
        key, value = args
        if isinstance(key, type) and issubclass(key, enum.Enum) and all(isinstance(m.value, str) for m in key):
            return f"dict[{self._class(key)}, {self.text(value)}]"
        if key is not str:
            raise Unsupported(f"`{show(tp)}`: dict keys must be `str` or an enum of strings (JSON object keys are text); use `dict[str, T]`")
        return f"dict[str, {self.text(value)}]"

    def _literal(self, tp: Any, args: tuple[Any, ...]) -> str:
        for value in args:
            if isinstance(value, bool) or not isinstance(value, (str, int)) or isinstance(value, enum.Enum):
                raise Unsupported(f"`{show(tp)}`: literal values must be strings or integers")
        return "Literal[" + ", ".join(repr(v) for v in args) + "]"

    def _class(self, cls: type) -> str:
        if cls.__name__ == "Tensor" and cls.__module__.startswith("bittensor"):
            if tensor_supported():
                return "tensor"
            raise Unsupported("`bt.Tensor` is not supported yet; send the values as `list[float]` (e.g. `tensor.tolist()`) for now")
        if issubclass(cls, enum.Enum):
            self._check_importable(cls, "enum")
            self._register(self.enums, cls)
            return cls.__name__
        if issubclass(cls, self.synapse_base):
            raise Unsupported(f"`{cls.__name__}` is a synapse; a field can't hold a synapse, use a pydantic model")
        if issubclass(cls, BaseModel):
            self._check_importable(cls, "model")
            self._register(self.models, cls)
            return cls.__name__
        raise Unsupported(f"`{show(cls)}` is not a type the generator can express; use {WORKS}")

    def _check_importable(self, cls: type, what: str) -> None:
        if "." in cls.__qualname__ or "[" in cls.__name__:
            raise Unsupported(
                f"{what} `{cls.__qualname__}` is not defined at module level, so the generated package can't import it; "
                "move it to the top level of its module"
            )
        values = [m.value for m in cls] if issubclass(cls, enum.Enum) else []
        kinds = {type(v) for v in values}
        if what == "enum" and (not values or any(isinstance(v, bool) or not isinstance(v, (str, int)) for v in values) or len({k is str for k in kinds}) > 1):
            raise Unsupported(f"enum `{cls.__name__}`: members must all be strings or all integers (they travel as JSON values)")

    @staticmethod
    def _register(seen: dict[str, Any], cls: type) -> None:
        other = seen.setdefault(cls.__name__, cls)
        if other is not cls:
            raise Unsupported(
                f"two classes are named `{cls.__name__}` ({other.__module__} and {cls.__module__}); "
                "the generated package imports both by name, so rename one"
            )
