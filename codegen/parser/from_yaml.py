"""Validate a loaded YAML document against the input-format models, then build the spec.

Validation degrades unit by unit: each field, enum, model and synapse, and the
top-level keys, are checked on their own. A malformed unit is reported and left
out (its name stays known, so nothing else reports it missing), and the rest of
the file still goes through the semantic checks: one run shows every problem.
"""

from __future__ import annotations

import difflib
from typing import Any

from pydantic import BaseModel, ValidationError

from codegen.errors import Collector, InputError
from codegen.load.yaml_source import Document, Path_
from codegen.parser.build import Builder
from codegen.parser.spec import SubnetSpec
from codegen.load.schema import FieldDef, ModelDef, SchemaDef, SynapseDef


def spec_from_document(doc: Document, subnet: str | None = None) -> SubnetSpec:
    check = Validation(doc)
    schema = check.schema()
    try:
        spec = Builder(doc, schema, subnet, broken=check.broken).build()
    except InputError as exc:
        raise InputError(check.errors.problems + exc.problems) from None
    check.errors.raise_if_any()
    return spec


def validate(doc: Document) -> SchemaDef:
    """Check a document's shape and return it, raising every problem found (for loaders that build on it)."""
    check = Validation(doc)
    schema = check.schema()
    check.errors.raise_if_any()
    return schema


FIELD_FORMS = "a field is `name: TYPE` or `name: {type: TYPE, ...}`"
# Valid stand-ins for a unit's already-checked entries while its own keys are validated.
_STAND_IN: dict[str, Any] = {
    "enums": [],
    "models": {"fields": {"x": "any"}},
    "synapses": {},
    "request": "any",
    "response": "any",
    "fields": "any",
}
_EMPTY_SYNAPSE = SynapseDef.model_construct()  # what validating `{}` gives: every default (never mutated)
# What a required key holds when it is missing or malformed (already reported).
_FALLBACK: dict[str, Any] = {"subnet": "", "synapses": {}, "fields": {}, "type": "any"}


class Validation:
    """Checks a Document's shape; ``broken`` lists units reported here that the builder must skip."""

    def __init__(self, doc: Document) -> None:
        self.doc = doc
        self.errors = Collector(doc.file)
        self.broken: set[Path_] = set()

    def error(self, path: Path_, message: str, *, value: bool = True) -> None:
        self.errors.add(message, *self.doc.position(path, value=value))

    # ---- units -----------------------------------------------------------
    def schema(self) -> SchemaDef:
        data = self.doc.data
        entries = {
            "enums": self.entries(data, ("enums",), self.enum),
            "models": self.entries(data, ("models",), self.model),
            "synapses": self.entries(data, ("synapses",), self.synapse),
        }
        return self.unit(SchemaDef, data, (), entries)

    def enum(self, raw: Any, path: Path_) -> list[str | int]:
        if not isinstance(raw, list):
            self.error(path, f"enum {path[-1]!r} must be a list of values, e.g. `{path[-1]}: [red, green]`")
            self.broken.add(path)
            return []
        for i, value in enumerate(raw):
            if isinstance(value, bool) or not isinstance(value, (str, int)):
                hint = f"; quote it (`'{str(value).lower()}'`) to mean text" if isinstance(value, bool) else ""
                hint = "; an empty entry: write a value or remove the comma" if value is None else hint
                self.error(path + (i,), f"enum {path[-1]!r}: value {value!r} is not a string or an integer{hint}")
                self.broken.add(path)
        return raw if path not in self.broken else []

    def model(self, raw: Any, path: Path_) -> ModelDef:
        if not isinstance(raw, dict):
            self.error(path, f"model {path[-1]!r} must be a mapping with a `fields:` mapping, e.g. `{path[-1]}: {{fields: {{x: int}}}}`")
            self.broken.add(path)
            return ModelDef.model_construct(fields={})
        fields = self.entries(raw, path + ("fields",), self.field)
        return self.unit(ModelDef, raw, path, {"fields": fields})

    def synapse(self, raw: Any, path: Path_) -> SynapseDef:
        if not isinstance(raw, dict):
            self.error(path, f"synapse {path[-1]!r} must be a mapping (with `request:`, `response:`, ...); write `{path[-1]}: {{}}` for an empty one")
            self.broken.add(path)
            return SynapseDef.model_construct()
        if not raw:
            return _EMPTY_SYNAPSE  # `Name: {}`, as every synapse reused from the last run is read
        roles = {role: self.entries(raw, path + (role,), self.field) for role in ("request", "response")}
        return self.unit(SynapseDef, raw, path, roles)

    def field(self, raw: Any, path: Path_) -> FieldDef:
        if isinstance(raw, str):
            return FieldDef.model_construct(type=raw)
        if not isinstance(raw, dict):
            hint = f"; did you mean `{path[-1]}: list[{raw[0]}]`?" if isinstance(raw, list) and len(raw) == 1 and isinstance(raw[0], str) else ""
            self.error(path, f"field {path[-1]!r}: {FIELD_FORMS}, not {_kind(raw)}{hint}")
            self.broken.add(path)
            return FieldDef.model_construct(type="any")
        return self.unit(FieldDef, raw, path, {})

    # ---- machinery -------------------------------------------------------
    def entries(self, parent: Any, path: Path_, check: Any) -> dict[str, Any] | None:
        """Check each entry of the mapping at ``path`` on its own; None if it is not a mapping."""
        raw = parent.get(path[-1]) if isinstance(parent, dict) else None
        if not isinstance(raw, dict):
            return None
        return {name: check(value, path + (name,)) for name, value in raw.items()}

    def unit(self, model: type[BaseModel], raw: dict[str, Any], path: Path_, entries: dict[str, Any]) -> Any:
        """Validate a unit's own keys (entries stand in as valid placeholders); drop the bad ones."""
        shell = dict(raw)
        for key, checked in entries.items():
            if checked is not None:
                shell[key] = {name: _STAND_IN[key] for name in checked}
        bad: set[str] = set()
        try:
            model.model_validate(shell)
        except ValidationError as exc:
            bad = self.report(exc, raw, path)
        good = {k: v for k, v in raw.items() if k in model.model_fields and k not in bad}
        good.update({k: v for k, v in entries.items() if v is not None})
        for key, info in model.model_fields.items():
            if info.is_required() and key not in good:
                good[key] = _FALLBACK[key]
                self.broken.add(path + (key,) if key == "subnet" else path)
        if bad & {"type"}:
            self.broken.add(path)
        return model.model_construct(**good)

    def report(self, exc: ValidationError, raw: dict[str, Any], path: Path_) -> set[str]:
        """Report a unit's shape errors; return its top-level keys that were wrong."""
        bad: set[str] = set()
        found: dict[Path_, list[Any]] = {}
        for err in exc.errors(include_url=False):
            sub = _data_path(raw, err["loc"])
            if sub:
                bad.add(str(sub[0]))
            found.setdefault(path + sub, []).append(err)
        for where, errs in found.items():
            if len(errs) > 1:  # one error per branch of a union (int | float): keep the branch that fit
                fitted = [e for e in errs if not e["type"].endswith("_type")]
                errs = fitted or [{**errs[0], "type": "number_type"}]
            for message in dict.fromkeys(_message(e, where) for e in errs):
                self.error(where, message, value=errs[0]["type"] not in ("missing", "extra_forbidden"))
        return bad


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
        elif isinstance(node, dict) and isinstance(part, str) and not path and part not in _TAGS:
            path.append(part)  # a missing key of the unit itself
            node = None
    return tuple(path)


_TAGS = {"str", "int", "float", "bool", "[key]"}


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


def _kind(value: Any) -> str:
    """What the user wrote, in YAML terms."""
    if value is None:
        return "empty (null)"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, (int, float)):
        return f"the number {value!r}"
    kinds: dict[type, str] = {list: "a list", dict: "a mapping", str: "a string"}
    return kinds.get(type(value), type(value).__name__)


# What a key of each kind must hold, said the way a user would fix it.
_EXPECT = {
    "int_type": "an integer",
    "float_type": "a number",
    "number_type": "a number",
    "bool_type": "true or false",
    "string_type": "text (a string)",
    "dict_type": "a mapping",
    "model_type": "a mapping",
    "list_type": "a list",
}
_CONTAINERS = {
    "synapses": "a mapping of synapse names to synapses, e.g. `synapses: {Ping: {response: {pong: str}}}`",
    "models": "a mapping of model names to models, e.g. `models: {Point: {fields: {x: int}}}`",
    "enums": "a mapping of enum names to value lists, e.g. `enums: {Color: [red, green]}`",
    "request": "a mapping of field names to types, e.g. `request: {text: str}`",
    "response": "a mapping of field names to types, e.g. `response: {answer: int}`",
    "fields": "a mapping of field names to types, e.g. `fields: {x: int}`",
    "subnet": "the package name, e.g. `subnet: my_subnet`",
    "type": "the field's type, e.g. `type: str`",
}


def _message(err: Any, path: Path_) -> str:
    kind = err["type"]
    key = str(path[-1]) if path else ""
    got = err.get("input")
    if kind == "missing":
        return f"missing required key `{key}`" + (f": {_CONTAINERS[key]}" if key in _CONTAINERS else "")
    if kind == "extra_forbidden":
        model = _level(path)
        allowed = sorted(model.model_fields) if model else []
        close = difflib.get_close_matches(key, allowed, n=1)
        hint = f"; did you mean `{close[0]}`?" if close else (f"; allowed keys: {', '.join(allowed)}" if allowed else "")
        return f"unknown key `{key}`{hint}"
    if kind == "literal_error" and key == "aggregate":
        close = difflib.get_close_matches(str(got).lower(), ["all", "first", "majority", "by_hotkey", "custom"], n=1)
        hint = f"did you mean `{close[0]}`? " if close else ""
        return f"unknown aggregate {got!r}; {hint}use one of: all, first, majority, by_hotkey, custom"
    if kind == "too_short" and key in _CONTAINERS:
        return f"`{key}` needs at least one entry: {_CONTAINERS[key]}"
    if kind in ("dict_type", "model_type") and key in _CONTAINERS:
        return f"`{key}` must be {_CONTAINERS[key]}, not {_kind(got)}"
    if kind in _EXPECT:
        return f"`{key}` must be {_EXPECT[kind]}, not {_kind(got)}"
    if kind in ("greater_than", "greater_than_equal"):
        bound = err["ctx"]["gt" if kind == "greater_than" else "ge"]
        return f"`{key}` must be {'greater than' if kind == 'greater_than' else 'at least'} {bound}, not {got!r}"
    if kind == "finite_number":
        return f"`{key}` must be a finite number, not {got!r}"
    return f"`{key}`: {err['msg']}" + (f" (got {got!r})" if not isinstance(got, (dict, list)) else "")
