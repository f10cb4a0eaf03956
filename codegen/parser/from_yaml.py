"""Validate a loaded YAML document against the input-format models, then build the spec."""

from __future__ import annotations

import difflib
from typing import Any

from pydantic import BaseModel, ValidationError

from codegen.errors import Collector
from codegen.load_yaml import Document, Path_
from codegen.parser.build import Builder
from codegen.parser.spec import SubnetSpec
from codegen.schema import FieldDef, ModelDef, SchemaDef, SynapseDef


def spec_from_document(doc: Document, subnet: str | None = None) -> SubnetSpec:
    schema = validate(doc)
    return Builder(doc, schema, subnet).build()


def validate(doc: Document) -> SchemaDef:
    try:
        return SchemaDef.model_validate(doc.data)
    except ValidationError as exc:
        errors = Collector(doc.file)
        seen: set[tuple[Path_, str]] = set()
        for err in exc.errors(include_url=False):
            path = _data_path(doc.data, err["loc"])
            message = _message(err, path, doc.data)
            if (path, message) in seen:
                continue
            seen.add((path, message))
            value = err["type"] not in ("missing", "extra_forbidden")
            errors.add(message, *doc.position(path, value=value))
        errors.raise_if_any()
        raise  # unreachable: a ValidationError always has errors


def _data_path(data: Any, loc: tuple[Any, ...]) -> Path_:
    """Drop pydantic's union-branch tags from ``loc``, keeping only real keys and indexes."""
    path: list[str | int] = []
    node = data
    for part in loc:
        if isinstance(node, dict) and part in node:
            node = node[part]
            path.append(part)
        elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            node = node[part]
            path.append(part)
        elif isinstance(node, dict) and isinstance(part, str) and part not in _TAGS and not part.startswith(("function-", "list[", "dict[")):
            path.append(part)  # a missing or extra key
            node = None
    return tuple(path)


_TAGS = {"str", "int", "float", "bool", "FieldDef", "ModelDef", "SynapseDef", "[key]"}


def _level(path: Path_) -> type[BaseModel] | None:
    if len(path) == 1:
        return SchemaDef
    if len(path) == 3 and path[0] == "synapses":
        return SynapseDef
    if len(path) == 3 and path[0] == "models":
        return ModelDef
    if (len(path) == 5 and path[0] == "synapses" and path[2] in ("request", "response")) or (
        len(path) == 5 and path[0] == "models" and path[2] == "fields"
    ):
        return FieldDef
    return None


def _message(err: Any, path: Path_, data: Any) -> str:
    kind = err["type"]
    key = path[-1] if path else ""
    if kind == "missing":
        return f"missing required key `{key}`"
    if kind == "extra_forbidden":
        model = _level(path)
        allowed = sorted(model.model_fields) if model else []
        close = difflib.get_close_matches(str(key), allowed, n=1)
        hint = f"; did you mean `{close[0]}`?" if close else (f"; allowed keys: {', '.join(allowed)}" if allowed else "")
        return f"unknown key `{key}`{hint}"
    if _level(path) is FieldDef and kind in ("string_type", "model_type", "dict_type"):
        return "a field is `name: TYPE` or `name: {type: TYPE, ...}`"
    if kind == "literal_error" and key == "aggregate":
        return f"unknown aggregate {err.get('input')!r}; use one of: all, first, majority, by_hotkey, custom"
    if kind == "too_short" and key in ("synapses", "fields"):
        return f"`{key}` needs at least one entry"
    where = f"`{key}`: " if key != "" else ""
    return f"{where}{err['msg']} (got {err.get('input')!r})" if "input" in err and not isinstance(err.get("input"), (dict, list)) else f"{where}{err['msg']}"
