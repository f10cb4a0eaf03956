"""Protocol defects: synapses that bittensor 10 itself can't carry as written.

Each rule here was confirmed by a real query through a bt.Axon and bt.Dendrite on 127.0.0.1
(tests/test_partial.py keeps one such round trip per rule):

- `required_hash_fields` as a class variable naming something that is not a field: the
  dendrite's `body_hash` looks every name up in the dumped synapse, and the query raises
  `KeyError` before it is sent.
- a field annotated without None but defaulting to None (`done: bool = None`): a synapse
  left at that default makes the axon answer 500 (pydantic rejects the None it rebuilds).

(A base class re-declaring `dendrite`/`axon`, and a frozen required field, answer 200: they are
not defects.)
"""

from __future__ import annotations

import enum
import types
import typing
from typing import Any, get_args, get_origin

from pydantic import BaseModel, TypeAdapter, ValidationError
from pydantic.fields import FieldInfo

from codegen.load.python_source import Where, attribute_position, class_position
from codegen.parser.py_annotations import show


def find(cls: type, own_fields: list[str]) -> list[tuple[Where | None, str]]:
    """Why ``cls`` can't be queried on bittensor 10, with where the cause is written; [] if it can."""
    out: list[tuple[Where | None, str]] = []
    fields: dict[str, Any] = getattr(cls, "model_fields", {})
    hashed = cls.__dict__.get("required_hash_fields", None) if "required_hash_fields" not in fields else None
    for owner in cls.__mro__:
        if "required_hash_fields" in owner.__dict__ and "required_hash_fields" not in fields:
            hashed = owner.__dict__["required_hash_fields"]
            break
    if isinstance(hashed, (list, tuple)):
        missing = [str(n) for n in hashed if n not in fields]
        if missing:
            out.append((attribute_position(cls, "required_hash_fields") or class_position(cls), f"`required_hash_fields` names {', '.join(f'`{m}`' for m in missing)}, which {'is' if len(missing) == 1 else 'are'} not a field: the dendrite's body hash raises KeyError before sending; list only fields"))
    for name in own_fields:
        info = fields[name]
        if info.default is None and info.default_factory is None and not _allows_none(info.annotation):
            out.append((attribute_position(cls, name), f"field `{name}`: annotated `{show(info.annotation)}` but defaults to None, which the axon rejects when it rebuilds the synapse (every query left at the default answers 500); annotate it `Optional[{show(info.annotation)}] = None`"))
    return out


def _allows_none(tp: Any) -> bool:
    while get_origin(tp) is typing.Annotated:
        tp = get_args(tp)[0]
    if tp is None or tp is type(None) or tp is Any or tp is object:
        return True
    if get_origin(tp) in (typing.Union, types.UnionType):
        return any(_allows_none(a) for a in get_args(tp))
    if get_origin(tp) is typing.Literal:
        return None in get_args(tp)
    return False


def header_problem(cls: type, name: str, info: FieldInfo) -> str | None:
    """Why bittensor can't carry this *required* field, or None if it can.

    For each required field the dendrite puts `type(value)()` in a JSON header and
    the axon rebuilds the synapse from those headers before reading the body, so
    that empty value must validate (and be JSON).
    """
    fix = f"give it a default (e.g. `Optional[{show(info.annotation)}] = None` with `json_schema_extra={{\"apigen\": \"request\"}}`)"
    tp = info.annotation
    while get_origin(tp) is typing.Annotated:
        tp = get_args(tp)[0]
    if get_origin(tp) in (typing.Union, types.UnionType) and type(None) in get_args(tp):
        return "it is Optional but has no default, so pydantic requires it, and bittensor drops None values from the headers the axon rebuilds the synapse from; give it a default: `= None`"
    if isinstance(tp, type) and issubclass(tp, enum.Enum):
        return f"bittensor sends a required field's empty value `{tp.__name__}()` in the headers, which an enum can't make; {fix}"
    if isinstance(tp, type) and issubclass(tp, BaseModel):
        return f"bittensor sends a required field's empty value `{tp.__name__}()` in a JSON header, which a model can't be; {fix}"
    origin = get_origin(tp) or tp
    if origin is typing.Literal:
        empty: Any = type(get_args(tp)[0])()
    elif origin in (int, float, str, bool, list, dict):
        empty = origin()
    else:
        return None
    try:
        assert issubclass(cls, BaseModel)
        if info.frozen:  # the axon builds the synapse from the headers, where frozen doesn't matter
            TypeAdapter(_annotated(info)).validate_python(empty)
        else:
            cls.__pydantic_validator__.validate_assignment(cls.model_construct(), name, empty)
    except ValidationError as exc:
        reason = exc.errors()[0]["msg"]
        return f"bittensor sends a required field's empty value {empty!r} in the headers and the axon rebuilds the synapse from it, which fails here ({reason}), so every query would be rejected; {fix}"
    except Exception:
        return None
    return None


def _annotated(info: FieldInfo) -> Any:
    """The field's annotation with its constraints (the class's own validators aside)."""
    if info.metadata:
        return typing.Annotated.__class_getitem__((info.annotation, *info.metadata))  # type: ignore[attr-defined]
    return info.annotation
