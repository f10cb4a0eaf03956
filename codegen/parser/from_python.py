"""Python input -> SubnetSpec: a protocol module's synapse classes read as a schema.

The classes are written out as the very data a YAML schema holds (types in the
schema's type language, defaults as literals, roles inferred by ``roles.py``),
with the source position of every class and field. The YAML path's validation
and ``Builder`` then make every decision, so both inputs give the same spec;
``PythonBuilder`` only adds what the user's own classes know better (enum
member names, validators, `deserialize()`'s return type) and points errors at
the user's source. `subnet-apigen import` writes the same data out as YAML.
"""

from __future__ import annotations

import enum
import inspect
import sys
import types
import typing
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, get_args, get_origin

from pydantic import BaseModel, TypeAdapter, ValidationError
from pydantic.fields import FieldInfo

from codegen.errors import InputError, Problem
from codegen.load.python_source import PythonSource, Where, attribute_position, class_position, display_path
from codegen.load.yaml_source import Document, Path_
from codegen.parser import defects, evidence, partial
from codegen.parser import types as t
from codegen.parser.build import Builder, result_type
from codegen.parser.names import snake_case
from codegen.parser.from_yaml import validate
from codegen.parser.py_annotations import Annotations, Unsupported, show
from codegen.parser.roles import MISSING, Deserialize, RoleRules, analyse_deserialize, default_of
from codegen.parser.spec import EnumSpec, SubnetSpec, SynapseSpec
from codegen.load.schema import SchemaDef

Report = Callable[[str], None]


def spec_from_python(source: PythonSource, subnet: str, rules: RoleRules | None = None, report: Report | None = None, strict: bool = False) -> SubnetSpec:
    """Build the spec of ``source``'s synapses; ``report`` receives the inferred roles, one line each.

    A synapse that can't be generated is skipped (``spec.warnings`` says why, at the user's
    source) and the others are generated; ``strict`` makes those warnings errors instead.
    """
    protocol = read_protocol(source, subnet, rules or RoleRules(), strict=strict)
    for line in protocol.notes:
        (report or (lambda _: None))(line)
    while True:  # a later stage's problem costs its own synapse(s) only
        try:
            schema = validate(protocol.document())
            spec = PythonBuilder(protocol, schema).build()
        except InputError as exc:
            partial.skip_for(protocol, exc, strict)
            continue
        spec.warnings = [str(w) for w in protocol.warnings]
        return spec


@dataclass
class Protocol:
    """The schema data read from a module, where each part came from, and what only the classes know."""

    source: PythonSource
    data: dict[str, Any]
    where: dict[Path_, Where]
    synapses: dict[str, type[BaseModel]]
    enums: dict[str, type[enum.Enum]]
    models: dict[str, type[BaseModel]]
    results: dict[str, str] = field(default_factory=dict)  # synapse -> deserialize()'s return type (text)
    own_deserialize: dict[str, bool] = field(default_factory=dict)
    computed: set[str] = field(default_factory=set)  # synapses whose deserialize() computes its value
    notes: list[str] = field(default_factory=list)  # inferred roles, for stderr
    warnings: list[Problem] = field(default_factory=list)  # skipped synapses and protocol defects (FILE:LINE:COL: warning: ...)
    caveats: list[str] = field(default_factory=list)  # what a YAML copy can't say

    def locate(self, path: Path_) -> Where:
        while path:
            if path in self.where:
                return self.where[path]
            path = path[:-1]
        return Where(self.source.file, 0, 0)

    def document(self) -> Document:
        """The data as a Document (positions are those of the user's source)."""
        doc = Document(self.source.arg, self.data)
        for path, where in self.where.items():
            doc.keys[path] = doc.values[path] = (where.line, where.col)
        return doc

    def accepts(self, path: Path_, value: Any) -> bool:
        """Whether the user's own class validates ``value`` for the field at ``path``."""
        owner = self.synapses.get(str(path[1])) if path[0] == "synapses" else self.models.get(str(path[1]))
        name = str(path[-1])
        if owner is None or name not in owner.model_fields:
            return True
        info = owner.model_fields[name]
        try:
            if info.frozen:  # validate_assignment refuses frozen fields
                _adapter(info).validate_python(value)
            else:
                owner.__pydantic_validator__.validate_assignment(owner.model_construct(), name, value)
        except ValidationError:
            return False
        except Exception:  # a validator that needs the other fields: can't tell, keep the value
            return True
        return True


# ---- reading the classes ------------------------------------------------------


class _Reader:
    def __init__(self, source: PythonSource, rules: RoleRules) -> None:
        self.source = source
        self.rules = rules
        self.types = Annotations(source.synapse_base)
        self.problems: list[Problem] = []
        base_fields = getattr(source.synapse_base, "model_fields", {})
        self.synapse_fields = set(base_fields) | {"required_hash_fields"}
        self.protocol = Protocol(source, {}, {("subnet",): Where("--subnet", 0, 0)}, {}, {}, {})
        self.owner: Path_ | None = None  # ("synapses"|"models", NAME) being read: its problems cost it only
        self.owned: dict[Path_, list[Problem]] = {}
        self.defects: dict[str, list[Problem]] = {}  # synapse -> why bittensor 10 can't carry it

    def problem(self, where: Where | None, message: str) -> None:
        where = where or Where(self.source.file, 0, 0)
        problem = Problem(where.file, where.line, where.col, message)
        if self.owner is None:
            self.problems.append(problem)
        else:
            self.owned.setdefault(self.owner, []).append(problem)

    def read(self, subnet: str, strict: bool = False) -> Protocol:
        p = self.protocol
        self.rules.evidence = evidence.for_source(self.source, self.rules.scan, self.synapse_fields)
        synapses = {}
        for cls in self.source.classes:
            self.owner = ("synapses", cls.__name__)
            synapses[cls.__name__] = self.synapse(cls)
        models = self.models()
        self.owner = None
        p.enums = dict(self.types.enums)
        p.data = {"subnet": subnet}
        if doc := _doc(self.source.module):
            p.data["description"] = doc
        if p.enums:
            p.data["enums"] = {name: [m.value for m in cls] for name, cls in p.enums.items()}
            for name, cls in p.enums.items():
                self.place(("enums", name), class_position(cls))
        if models:
            p.data["models"] = models
        p.data["synapses"] = synapses
        self.check_overrides()
        if subnet == self.source.module_name.split(".")[0]:
            self.problem(Where("--subnet", 0, 0), f"{subnet!r} is the name of your protocol's own package, which the generated package would shadow; pick another name")
        if self.problems:
            raise InputError(self.problems)
        p.notes[:0] = self.source.notes
        p.warnings += self.source.skipped
        partial.skip_owned(p, self.owned, strict, self.defects)
        return p

    def place(self, path: Path_, where: Where | None) -> None:
        if where is not None:
            self.protocol.where[path] = where

    # ---- synapses --------------------------------------------------------
    def synapse(self, cls: type) -> dict[str, Any]:
        assert issubclass(cls, BaseModel)
        _resolve(cls)
        name = cls.__name__
        self.protocol.synapses[name] = cls
        self.place(("synapses", name), class_position(cls))
        own = [f for f in cls.model_fields if f not in self.synapse_fields]
        for where, why in defects.find(cls, own):
            w = where or Where(self.source.file, 0, 0)
            self.defects.setdefault(name, []).append(Problem(w.file, w.line, w.col, why))
        deser = analyse_deserialize(cls, set(own))
        hashed = set(_hash_fields(cls))
        out: dict[str, Any] = {}
        if doc := _doc(cls):
            out["description"] = doc
        roles: dict[str, dict[str, Any]] = {"request": {}, "response": {}}
        for fname in own:
            info = cls.model_fields[fname]
            where = attribute_position(cls, fname)
            try:
                decision = self.rules.decide(name, fname, info, deser)
            except ValueError as exc:
                self.problem(where, f"field `{fname}`: {exc}")
                continue
            self.protocol.notes.append(f"{decision.at or _at(where)}: {name}.{fname} -> {decision.role} ({decision.reason})")
            self.place(("synapses", name, decision.role, fname), where)
            entry = self.field(cls, fname, info, where, decision.role, hash=fname in hashed and decision.role == "request")
            if entry is not None:
                roles[decision.role][fname] = entry
        for role in ("request", "response"):
            if roles[role]:
                out[role] = roles[role]
        out["deserialize"] = self.deserialize(cls, deser, roles["response"])
        timeout = cls.model_fields["timeout"].default if "timeout" in cls.model_fields else None
        if isinstance(timeout, (int, float)) and not isinstance(timeout, bool) and timeout > 0 and timeout != 12.0:
            out["timeout"] = timeout
        return out

    def deserialize(self, cls: type, d: Deserialize, response: dict[str, Any]) -> str:
        """The YAML `deserialize:` value; records deserialize()'s own return type where it has one."""
        name = cls.__name__
        p = self.protocol
        node_where = _at_class(cls) if d.kind == "inherited" else attribute_position(cls, "deserialize") or _at_class(cls)
        self.place(("synapses", name, "deserialize"), node_where)
        returns_self = isinstance(d.annotation, type) and issubclass(d.annotation, self.source.synapse_base)
        if d.kind in ("inherited", "self") or returns_self:
            p.own_deserialize[name] = d.kind != "inherited" and (d.annotation is MISSING or d.annotation is cls)
            return "self"
        p.own_deserialize[name] = True
        annotation = d.annotation
        if d.kind == "field" and d.field in response:
            if annotation is not MISSING:
                self.result(name, annotation, node_where)
            return str(d.field)
        if annotation is MISSING and d.kind == "field":
            annotation = cls.model_fields[str(d.field)].annotation  # type: ignore[attr-defined]
        if annotation is MISSING:
            self.problem(node_where, f"{name}.deserialize() returns a computed value and has no return annotation; annotate it (e.g. `-> list[float]`) so the API's result can be typed")
            return "self"
        self.result(name, annotation, node_where)
        p.computed.add(name)
        fields = d.returned & set(response)
        if len(fields) == 1 and _same_type(p.results.get(name), response[next(iter(fields))]):
            field = next(iter(fields))
            p.caveats.append(f"{name}.deserialize() computes its value from `{field}`; this copy says `deserialize: {field}` (the same type): move the rest of that logic to hooks/{snake_case(name)}.py")
            return field
        p.caveats.append(f"{name}.deserialize() computes its value ({show(annotation)}); YAML can only name a field or `self`, so this copy says `deserialize: self`: move that logic to hooks/{snake_case(name)}.py")
        return "self"

    def result(self, name: str, annotation: Any, where: Where) -> None:
        try:
            self.protocol.results[name] = self.types.text(annotation)
        except Unsupported as exc:
            self.problem(where, f"{name}.deserialize() return type: {exc}")

    # ---- fields ----------------------------------------------------------
    def field(self, owner: type, name: str, info: FieldInfo, where: Where | None, role: str, hash: bool = False) -> Any:
        """One field's schema entry (`TYPE` or `{type: ..., default: ..., ...}`), or None after a problem."""
        what = f"field `{name}`"
        if info.alias is not None and info.alias != name:
            self.problem(where, f"{what}: aliases are not supported (the generated API passes fields by name); drop `alias={info.alias!r}`")
            return None
        try:
            text = self.types.text(info.annotation)
        except Unsupported as exc:
            self.problem(where, f"{what}: {exc}")
            return None
        default = default_of(info)
        if role == "response" and info.is_required():
            self.problem(where, f"{what}: a response field needs a default (miners fill it, the caller doesn't); write `Optional[{show(info.annotation)}] = None`")
            return None
        if info.is_required():
            problem = defects.header_problem(owner, name, info) if role == "request" else None
            if problem:
                self.problem(where, f"{what}: {problem}")
                return None
        elif default is MISSING:
            self.problem(where, f"{what}: its default_factory raised, so its default can't be known; give a literal default")
            return None
        if default is None and not text.endswith("| None"):
            if role == "request" and owner not in self.protocol.synapses.values():
                self.problem(where, f"{what}: annotated `{show(info.annotation)}` but defaults to None, and the API would send None explicitly, which pydantic rejects; annotate it `Optional[{show(info.annotation)}] = None`")
                return None
            text += " | None"
        entry: dict[str, Any] = {"type": text}
        if not info.is_required():
            try:
                entry["default"] = _literal(default)
            except ValueError:
                self.problem(where, f"{what}: the default {default!r} can't be written as a literal; use `Optional[{show(info.annotation)}] = None`, or a default of plain values")
                return None
        if info.description:
            entry["description"] = info.description
        if hash:
            entry["hash"] = True
        entry.update(_constraints(info))
        if info.examples and not _has_named(info.annotation):
            try:
                entry["example"] = _literal(info.examples[0])
            except ValueError:
                pass
        return entry if list(entry) != ["type"] else text

    def models(self) -> dict[str, Any]:
        """Every model the synapses use (and the models those use), in the order first met."""
        out: dict[str, Any] = {}
        done: set[str] = set()
        while pending := [n for n in self.types.models if n not in done]:
            for name in pending:
                done.add(name)
                self.owner = ("models", name)
                cls = self.types.models[name]
                _resolve(cls)
                self.protocol.models[name] = cls
                self.place(("models", name), class_position(cls))
                fields: dict[str, Any] = {}
                for fname, info in cls.model_fields.items():
                    where = attribute_position(cls, fname)
                    self.place(("models", name, "fields", fname), where)
                    entry = self.field(cls, fname, info, where, "model")
                    if entry is not None:
                        fields[fname] = entry
                doc = _doc(cls)
                out[name] = {"description": doc, "fields": fields} if doc else {"fields": fields}
        return out

    def check_overrides(self) -> None:
        for synapse, name in self.rules.overrides:
            cls = self.protocol.synapses.get(synapse)
            if cls is None:
                self.problem(Where("--role", 0, 0), f"no synapse `{synapse}` here; synapses: {', '.join(self.protocol.synapses)}")
            elif name not in cls.model_fields or name in self.synapse_fields:
                self.problem(Where("--role", 0, 0), f"`{synapse}` has no field `{name}`")


def read_protocol(source: PythonSource, subnet: str, rules: RoleRules, strict: bool = False) -> Protocol:
    """Read ``source``'s classes into schema data, skipping (with a warning) each synapse that can't be expressed."""
    return _Reader(source, rules).read(subnet, strict)


# ---- the builder, pointed at the user's classes -------------------------------


class PythonBuilder(Builder):
    """The YAML Builder with the user's classes behind it: their enum members, validators and results."""

    def __init__(self, protocol: Protocol, schema: SchemaDef) -> None:
        super().__init__(protocol.document(), schema, None)
        self.py = protocol

    def error(self, path: Path_, message: str, *, value: bool = False) -> None:
        where = self.py.locate(path)
        for yaml_word, python_word in _WORDING:
            message = message.replace(yaml_word, python_word)
        self.errors.problems.append(Problem(where.file, where.line, where.col, message))

    def build_enum(self, name: str, values: list[str | int]) -> EnumSpec:
        spec = super().build_enum(name, values)
        members = tuple((m.name, m.value) for m in self.py.enums[name])
        self.named[name] = t.EnumRef(name, members)
        return EnumSpec(name, spec.base, [(m, repr(v)) for m, v in members])

    def samples_for(self, typ: t.TypeRef, c: dict[str, Any], fdef: Any, path: Path_) -> list[t.Sample] | None:
        samples = super().samples_for(typ, c, fdef, path)
        if not samples:
            return samples
        accepted = [s for s in samples if self.py.accepts(path, s.json)]
        if not accepted:
            self.error(path, "the generated tests need a valid value of this field and none derived from its type passes its validation; give one with `Field(examples=[...])`")
            return None
        return accepted

    def model_call(self, name: str, args: list[tuple[str, str]]) -> str:
        # As in prepare_synapse: mypy without pydantic's plugin takes `Field(default, ...)` fields for required ones.
        return f"{name}.model_validate({{" + ", ".join(f"{k!r}: {v}" for k, v in args) + "})"

    def build_synapse(self, name: str, sdef: Any) -> SynapseSpec:
        s = super().build_synapse(name, sdef)
        s.own_deserialize = self.py.own_deserialize.get(name, True)
        text = self.py.results.get(name)
        ref = self.parse(text, ("synapses", name, "deserialize")) if text else None
        if ref is None:
            return s
        s.result_ref = ref
        s.value_type = ref.non_null().annotation()
        # An unfilled answer deserializes to None (and is dropped) only when deserialize() returns the field as is.
        nullable = name not in self.py.computed and s.deserialize is not None and s.deserialize.annotation.endswith("| None")
        s.deserialize_annotation = f"{s.value_type} | None" if nullable else s.value_type
        s.result_type = result_type(s.aggregate, s.value_type, s.snake)
        return s

    def build(self) -> SubnetSpec:
        spec = super().build()
        module = self.py.source.module_name
        spec.protocol_module = module
        spec.origins = {name: cls.__module__ for name, cls in {**self.py.enums, **self.py.models}.items()}
        spec.origins.update({name: module for name in self.py.synapses})
        spec.protocol_imports = []
        return spec


_WORDING = [("add `example: <a valid value>`", "give one with `Field(examples=[...])`")]


# ---- helpers ------------------------------------------------------------------


def _resolve(cls: type[BaseModel]) -> None:
    """Resolve forward references (`from __future__ import annotations`, models defined later)."""
    module = sys.modules.get(cls.__module__)
    try:
        cls.model_rebuild(_types_namespace=dict(vars(module)) if module else None)
    except Exception:  # left unresolved: reported with the field that uses it
        pass


def _adapter(info: FieldInfo) -> TypeAdapter[Any]:
    """A validator of the field's annotation and constraints (the class's own field validators aside)."""
    annotation: Any = info.annotation
    if info.metadata:
        annotation = typing.Annotated.__class_getitem__((annotation, *info.metadata))  # type: ignore[attr-defined]
    return TypeAdapter(annotation)


def _doc(obj: Any) -> str | None:
    """The first paragraph of the object's own docstring (not one inherited from bittensor), on one line."""
    doc = obj.__dict__.get("__doc__") if isinstance(obj, type) else getattr(obj, "__doc__", None)
    if not isinstance(doc, str) or not doc.strip():
        return None
    return " ".join(inspect.cleandoc(doc).split("\n\n")[0].split())


def _hash_fields(cls: type) -> list[str]:
    fields: Any = getattr(cls, "model_fields", {})
    if "required_hash_fields" in fields:
        value = fields["required_hash_fields"].default
    else:
        value = getattr(cls, "required_hash_fields", ())
    return [str(v) for v in value] if isinstance(value, (list, tuple)) else []


def _constraints(info: FieldInfo) -> dict[str, Any]:
    """gt/ge/lt/le/min_length/max_length/pattern from pydantic's metadata (annotated_types objects)."""
    out: dict[str, Any] = {}
    for item in info.metadata:
        for key in t.CONSTRAINTS:
            value = getattr(item, key, None)
            if key == "pattern" and value is not None:
                value = getattr(value, "pattern", value)
                if isinstance(value, str):
                    out[key] = value
            elif isinstance(value, (int, float)) and not isinstance(value, bool):
                out[key] = value
    return out


def _literal(value: Any) -> Any:
    """A default as plain YAML data; ValueError for values that aren't plain (model instances...)."""
    if isinstance(value, enum.Enum):
        return _literal(value.value)
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    if isinstance(value, (list, tuple)):
        return [_literal(v) for v in value]
    if isinstance(value, dict) and all(isinstance(k, str) for k in value):
        return {k: _literal(v) for k, v in value.items()}
    raise ValueError(value)


def _has_named(tp: Any) -> bool:
    """Whether an annotation mentions an enum or a model (their examples can't be plain data)."""
    if isinstance(tp, type) and issubclass(tp, (enum.Enum, BaseModel)):
        return True
    return any(_has_named(a) for a in get_args(tp))


def _same_type(result: str | None, entry: Any) -> bool:
    """Whether deserialize()'s result type is the field's own type, None aside."""
    text = entry if isinstance(entry, str) else entry.get("type")
    return result is not None and result.removesuffix(" | None") == str(text).removesuffix(" | None")


def _at(where: Where | None) -> str:
    return f"{where.file}:{where.line}" if where else "?"


def _at_class(cls: type) -> Where:
    return class_position(cls) or Where(cls.__module__, 0, 0)

