"""What the user's own classes do with a value (Python input): validate it, dump it as the axon and
the dendrite of bittensor 10 do, rebuild it from the headers."""

from __future__ import annotations

import json
import typing
from typing import Any

from pydantic import BaseModel, TypeAdapter, ValidationError
from pydantic.fields import FieldInfo
from pydantic_core import PydanticSerializationError

UNKNOWN: Any = object()  # what a validator made of a value, when it can't be told


def validated(owner: type[BaseModel] | None, name: str, value: Any) -> tuple[bool, Any]:
    """Whether ``owner`` validates ``value`` for field ``name`` (and can answer with it as the axon
    does, in JSON mode), and what its validators make of it, as JSON data (UNKNOWN when unknown)."""
    if owner is None or name not in owner.model_fields:
        return True, UNKNOWN
    info = owner.model_fields[name]
    try:
        if info.frozen:  # validate_assignment refuses frozen fields
            out = _adapter(info).validate_python(value)
            _adapter(info).dump_json(out)
        else:
            model = owner.model_construct()
            owner.__pydantic_validator__.validate_assignment(model, name, value)
            out = getattr(model, name)
            model.model_dump_json(include={name})  # as the axon answers: bytes must be UTF-8, for one
    except (ValidationError, PydanticSerializationError, UnicodeError):
        return False, UNKNOWN
    except Exception:  # a validator that needs the other fields: can't tell, keep the value
        return True, UNKNOWN
    try:
        annotation: Any = info.annotation
        return True, TypeAdapter(annotation).dump_python(out, mode="json")
    except Exception:
        return True, UNKNOWN


def unsendable(owner: type[BaseModel] | None, name: str, value: Any) -> str | None:
    """Why bittensor 10's dendrite can't send request field ``name`` of ``owner`` holding ``value``,
    or None. It posts ``synapse.model_dump()`` (Python mode) as JSON, where bytes, dates and sets
    don't serialize unless the field has a serializer; and for a required field it puts
    ``type(value)()`` in the headers, from which the axon rebuilds the synapse."""
    if owner is None or name not in owner.model_fields:
        return None
    try:
        model = owner.model_construct()
        owner.__pydantic_validator__.validate_assignment(model, name, value)
        dumped = model.model_dump(include={name})
    except Exception:
        return None
    try:
        json.dumps(dumped)
    except (TypeError, ValueError) as exc:
        return (
            f"field `{name}`: the dendrite sends `model_dump()` as JSON, which fails here ({exc}); give the type a "
            "serializer to JSON data (e.g. `Annotated[datetime, PlainSerializer(lambda v: v.isoformat(), return_type=str)]`), "
            "or describe the subnet in YAML, where these types travel as JSON"
        )
    raw = dumped.get(name)
    if not owner.model_fields[name].is_required() or raw is None:
        return None
    try:
        text = json.dumps(type(raw)())
    except Exception as exc:
        return f"field `{name}` is required, so the dendrite puts its empty value `{type(raw).__name__}()` in the headers, which fails ({exc}); give it a default"
    try:
        owner.__pydantic_validator__.validate_assignment(owner.model_construct(), name, json.loads(text))
    except ValidationError as exc:
        reason = exc.errors()[0]["msg"]
        return (
            f"field `{name}` is required, so the dendrite sends its empty value {text} in the headers and the axon rebuilds "
            f"the synapse from it, which fails ({reason}); give it a default"
        )
    except Exception:
        return None
    return None


def _adapter(info: FieldInfo) -> TypeAdapter[Any]:
    """A validator of the field's annotation and constraints (the class's own field validators aside)."""
    annotation: Any = info.annotation
    if info.metadata:
        annotation = typing.Annotated.__class_getitem__((annotation, *info.metadata))  # type: ignore[attr-defined]
    return TypeAdapter(annotation)
