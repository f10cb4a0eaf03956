"""Build the SubnetSpec from a validated YAML schema, collecting every problem with its position."""

from __future__ import annotations

import dataclasses
import difflib
import re
from collections.abc import Iterable
from typing import Any

from pydantic import BaseModel

from codegen.errors import Collector
from codegen.load.yaml_source import Document, Path_
from codegen.parser import types as t
from codegen.parser.spec import EnumSpec, FieldSpec, ModelSpec, StreamSpec, SubnetSpec, SynapseSpec
from codegen.load.schema import MISSING, FieldDef, SchemaDef
from codegen.parser.fields import as_def, check_value, contains, decide_field, default_expr, jsonable, member_name, model_samples, py_literal, safe_samples
from codegen.parser.names import API_PARAMS, BUILTINS, CLASS_BODY_NAMES, CLIENT_OPTIONS, DENIED_PACKAGES, GENERATED_NAMES, PACKAGE_RE, SYNAPSE_NAMES, TYPE_WORDS, is_keyword, reserved_route, snake_case  # noqa: E501


class Builder:
    def __init__(
        self, doc: Document, schema: SchemaDef, subnet_override: str | None = None, broken: set[Path_] | None = None
    ) -> None:
        self.doc = doc
        self.schema = schema
        self.broken = broken or set()  # units whose shape was already reported: skip their contents
        self.broken_names = {str(p[1]) for p in self.broken if len(p) == 2 and p[0] in ("enums", "models")}
        self.errors = Collector(doc.file)
        self.subnet_override = subnet_override
        self.named: dict[str, t.TypeRef] = {}
        self.model_samples: dict[str, list[t.Sample]] = {}
        self.forward: set[str] = set()  # while building models: those not defined yet
        self.rebuilt: list[str] = []  # models with forward references

    # ---- error helpers -------------------------------------------------
    def error(self, path: Path_, message: str, *, value: bool = False) -> None:
        self.errors.add(message, *self.doc.position(path, value=value))

    # ---- entry ---------------------------------------------------------
    def build(self) -> SubnetSpec:
        s = self.schema
        name = self.subnet_override or s.subnet
        if self.subnet_override:
            self.check_package(name, (), "--subnet")
        elif ("subnet",) not in self.broken:
            self.check_package(name, ("subnet",), "subnet")
        self.check_type_names()
        enums = [self.build_enum(n, v) for n, v in s.enums.items()]
        model_refs = {n: t.ModelRef(n) for n in s.models}
        self.named.update(model_refs)
        models = self.build_models()
        synapses = [self.build_synapse(n, d) for n, d in s.synapses.items()]
        self.errors.raise_if_any()
        spec = SubnetSpec(
            name=name,
            source=self.doc.file,
            netuid=s.netuid if s.netuid is not None else 1,
            description=s.description,
            enums=enums,
            models=models,
            synapses=[],
            protocol_imports=[],
            uses_bytes=False,
            rebuilt_models=list(dict.fromkeys(self.rebuilt)),
        )
        return with_synapses(spec, synapses)

    # ---- names ---------------------------------------------------------
    def check_package(self, name: str, path: Path_, what: str) -> None:
        """The package name becomes a directory under --out: it must be a plain identifier, never a path."""

        def report(message: str) -> None:
            if path:
                self.error(path, message, value=True)
            else:
                self.errors.add(message)  # a command-line option: no position in the file

        if not PACKAGE_RE.fullmatch(name):
            report(f"{what} {name!r} is not a valid package name; use lowercase letters, digits and _, starting with a letter (e.g. `my_subnet`)")
        elif is_keyword(name):
            report(f"{what} {name!r} is a Python keyword, so it can't be imported; pick another name (e.g. `{name}_subnet`)")
        elif name in DENIED_PACKAGES:
            report(f"{what} {name!r} would shadow the `{name}` module; pick another name (e.g. `{name}_subnet`)")

    def check_identifier(self, name: str, path: Path_, what: str) -> bool:
        if not name.isidentifier() or not name.isascii():
            self.error(path, f"{what} {name!r} is not a valid Python identifier; use ASCII letters, digits and _, not starting with a digit")
            return False
        if is_keyword(name):
            self.error(path, f"{what} {name!r} is a Python keyword; rename it (e.g. `{name}_`)")
            return False
        return True

    def check_type_names(self) -> None:
        seen: dict[str, tuple[str, str, Path_]] = {}
        groups: list[tuple[str, str, Iterable[str]]] = [
            ("enum", "enums", self.schema.enums), ("model", "models", self.schema.models), ("synapse", "synapses", self.schema.synapses)
        ]
        for what, key, names in groups:
            for name in names:
                path = (key, name)
                if not self.check_identifier(name, path, what):
                    continue
                if name.startswith("_"):  # the generated modules' private names start so
                    self.error(path, f"{what} {name!r} must not start with `_`; rename it (e.g. {name.lstrip('_') or 'Name'!r})")
                    continue
                derived = any(name.endswith(end) and name[: -len(end)] in self.schema.synapses for end in ("API", "Request", "Response"))
                if what == "synapse" and reserved_route(name):
                    self.error(path, reserved_route(name) or "")
                elif name in GENERATED_NAMES or derived:  # <Synapse>API, and the bittensor 11 target's models
                    self.error(path, f"{what} name {name!r} clashes with a name the generated code defines; rename it")
                elif name in t.SCALARS or name.lower() in TYPE_WORDS:
                    self.error(path, f"{what} name {name!r} is a built-in type name; rename it")
                elif name in BUILTINS:
                    self.error(path, f"{what} name {name!r} would shadow the Python builtin `{name}` in the generated code; rename it")
                lower = name.lower()
                if lower in seen:
                    other_what, other, other_path = seen[lower]
                    line = self.doc.position(other_path)[0]
                    same = "the same name as" if other == name else "a name that differs only in case from"
                    self.error(path, f"{what} {name!r} has {same} {other_what} {other!r} (line {line}); enum, model and synapse names must differ, ignoring case")
                else:
                    seen[lower] = (what, name, path)
        modules: dict[str, str] = {}
        for name in self.schema.synapses:
            if not name.isidentifier() or is_keyword(name):
                continue  # reported above
            module = snake_case(name)
            path = ("synapses", name)
            if is_keyword(module):
                self.error(path, f"synapse {name!r} would get the module name `{module}`, a Python keyword; rename it")
            elif module in modules and modules[module].lower() != name.lower():  # same-but-case: reported above
                self.error(path, f"synapses {modules[module]!r} and {name!r} would both get the module name `{module}`; rename one")
            modules.setdefault(module, name)

    def check_field_name(self, name: str, path: Path_, *, on_synapse: bool, request: bool = False) -> bool:
        if not self.check_identifier(name, path, "field"):
            return False
        schema_names = {*self.schema.enums, *self.schema.models, *self.schema.synapses}
        if name in CLASS_BODY_NAMES or name in schema_names or name.endswith("_hooks"):
            self.error(path, f"field {name!r} would shadow the name `{name}` that the generated code uses; rename it (e.g. `{name.lower()}_value`)")
            return False
        if request and name in CLIENT_OPTIONS:
            self.error(path, f"request field {name!r} clashes with the example client's `{CLIENT_OPTIONS[name]}` option; rename it (e.g. `{name}_value`)")
            return False
        if name.startswith("_"):
            self.error(path, f"field {name!r}: names starting with `_` are private attributes in pydantic, not fields; rename it")
            return False
        if on_synapse and name in SYNAPSE_NAMES:
            self.error(path, f"field {name!r} shadows bittensor.Synapse.{name}; rename it (e.g. `{name}_value`)")
            return False
        if on_synapse and name in API_PARAMS:
            self.error(path, f"field {name!r} clashes with a parameter of the generated API call; rename it (e.g. `{name}_value`)")
            return False
        if hasattr(BaseModel, name):
            self.error(path, f"field {name!r} shadows pydantic.BaseModel.{name}; rename it (e.g. `{name}_value`)")
            return False
        return True

    # ---- enums and models ----------------------------------------------
    def build_enum(self, name: str, values: list[str | int]) -> EnumSpec:
        path: Path_ = ("enums", name)
        members: list[tuple[str, str | int]] = []
        if path in self.broken:
            values = []
        if not values and path not in self.broken:
            self.error(path, f"enum {name!r} needs at least one value")
        kinds = {type(v) for v in values}
        if len(kinds) > 1:
            self.error(path, f"enum {name!r} mixes strings and integers; use one kind")
        seen_names: dict[str, str | int] = {}
        for i, value in enumerate(values):
            if values.index(value) != i:
                self.error(path + (i,), f"enum {name!r}: value {value!r} repeats", value=True)
                continue
            if isinstance(value, str) and (not value or value != value.strip()):
                self.error(path + (i,), f"enum {name!r}: value {value!r} must be non-empty with no surrounding spaces", value=True)
                continue
            member = member_name(value)
            base, n = member, 2
            while member in seen_names:  # values that differ only in punctuation, e.g. 'a b' and 'a-b'
                member, n = f"{base}_{n}", n + 1
            seen_names[member] = value
            members.append((member, value))
        ref = t.EnumRef(name, tuple(members))
        self.named[name] = ref
        base = t.enum_base(values)
        return EnumSpec(name, base, [(m, repr(v)) for m, v in members])

    def build_models(self) -> list[ModelSpec]:
        deps: dict[str, set[str]] = {}
        parsed: dict[str, dict[str, tuple[FieldDef, t.TypeRef | None]]] = {}
        for mname, mdef in self.schema.models.items():
            parsed[mname] = {}
            for fname, entry in mdef.fields.items():
                fdef = as_def(entry)
                fpath: Path_ = ("models", mname, "fields", fname)
                typ = None if fpath in self.broken else self.parse(fdef.type, fpath)
                parsed[mname][fname] = (fdef, typ)
            deps[mname] = {
                r.name for _, typ in parsed[mname].values() if typ for r in typ.walk() if isinstance(r, t.ModelRef)
            }
        order = self.topological(deps)
        models = []
        defined: set[str] = set()
        for mname in order:
            fields = []
            self.forward = {n for n in deps if n not in defined}  # models a field here refers to ahead of their class
            for fname, (fdef, typ) in parsed[mname].items():
                path: Path_ = ("models", mname, "fields", fname)
                if typ is not None and any(isinstance(r, t.ModelRef) and r.name in self.broken_names for r in typ.walk()):
                    continue  # refers to a malformed model, reported once at the model
                if self.check_field_name(fname, path, on_synapse=False) and typ is not None:
                    f = self.build_field(fname, fdef, typ, path, role="model")
                    if f and self.refers_ahead(typ):
                        f.annotation = repr(f.annotation)  # a forward reference: pydantic resolves it
                        self.rebuilt.append(mname)
                    if f:
                        fields.append(f)
            defined.add(mname)
            models.append(ModelSpec(mname, self.schema.models[mname].description, fields))
            self.model_samples[mname] = model_samples(mname, fields, self.model_call)
            ref = self.named[mname]
            assert isinstance(ref, t.ModelRef)
            object.__setattr__(ref, "sample_list", self.model_samples[mname])
        self.forward = set()
        return models

    def refers_ahead(self, typ: t.TypeRef) -> bool:
        """Whether a model field's type names a model whose class comes later (or is its own: recursion)."""
        return any(isinstance(r, t.ModelRef) and r.name in self.forward for r in typ.walk())

    def model_call(self, name: str, args: list[tuple[str, str]]) -> str:
        """The expression that builds model ``name`` from (field, expression) pairs, in generated tests."""
        return f"{name}(" + ", ".join(f"{k}={v}" for k, v in args) + ")"

    def topological(self, deps: dict[str, set[str]]) -> list[str]:
        order: list[str] = []
        state: dict[str, int] = {}

        def visit(name: str, trail: list[str]) -> None:
            if state.get(name) == 2:
                return
            if state.get(name) == 1:  # recursion (a tree): fields that refer ahead are forward references
                return
            state[name] = 1
            for dep in sorted(deps[name]):
                if dep in deps:
                    visit(dep, trail + [name])
            state[name] = 2
            order.append(name)

        for name in deps:
            visit(name, [])
        return order

    # ---- fields --------------------------------------------------------
    def parse(self, text: str, path: Path_) -> t.TypeRef | None:
        try:
            typ = t.parse_type(text, self.named)
        except t.TypeError_ as exc:
            where = path + ("type",) if (path + ("type",)) in self.doc.values else path
            self.error(where, str(exc), value=True)
            return None
        if any(isinstance(r, (t.EnumRef, t.ModelRef)) and r.name in self.broken_names for r in typ.walk()):
            return None  # uses an enum or model whose own problems were reported
        return typ

    def build_field(self, name: str, fdef: FieldDef, typ: t.TypeRef, path: Path_, role: str) -> FieldSpec | None:
        ok = True
        base = typ.non_null()
        constraints = {k: getattr(fdef, k) for k in t.CONSTRAINTS if getattr(fdef, k) is not None}
        for key in constraints:
            if key not in base.constraints_allowed:
                fits = {"gt": "int/float", "ge": "int/float", "lt": "int/float", "le": "int/float", "pattern": "str"}.get(key, "str, bytes, list or dict")
                self.error(path + (key,), f"`{key}` does not apply to `{fdef.type}`; it fits {fits} fields")
                ok = False
        ok = self.check_bounds(constraints, path) and ok
        if "pattern" in constraints:
            try:
                re.compile(constraints["pattern"])
            except re.error as exc:
                self.error(path + ("pattern",), f"invalid regular expression: {exc}", value=True)
                ok = False
        if fdef.hash and role != "request":
            self.error(path + ("hash",), "`hash` applies only to request fields (they are what the axon verifies)")
            ok = False
        default = fdef.default
        if default is not MISSING:
            problem = check_value(typ, default, constraints)
            if problem is None and isinstance(base, (t.ListType, t.DictType, t.SetType)) and default and contains(base.children()[-1], (t.EnumRef, t.ModelRef)):
                problem = "defaults of containers of enums or models can only be empty; give it in code"
            if problem:
                self.error(path + ("default",), f"bad default {default!r}: {problem}", value=True)
                ok = False
        if not ok:
            return None
        samples = self.samples_for(typ, constraints, fdef, path)
        if samples is None:
            return None
        return decide_field(name, fdef, typ, constraints, role, samples or [])

    def check_bounds(self, c: dict[str, Any], path: Path_) -> bool:
        lows = [(k, c[k]) for k in ("gt", "ge") if k in c]
        highs = [(k, c[k]) for k in ("lt", "le") if k in c]
        ok = True
        for lk, lv in lows:
            for hk, hv in highs:
                if lv > hv or (lv == hv and (lk == "gt" or hk == "lt")):
                    self.error(path + (lk,), f"`{lk}: {lv}` and `{hk}: {hv}` leave no valid value")
                    ok = False
        if "min_length" in c and "max_length" in c and c["min_length"] > c["max_length"]:
            self.error(path + ("min_length",), f"`min_length: {c['min_length']}` is greater than `max_length: {c['max_length']}`")
            ok = False
        return ok

    def samples_for(self, typ: t.TypeRef, c: dict[str, Any], fdef: FieldDef, path: Path_) -> list[t.Sample] | None:
        if fdef.example is not MISSING:
            problem = check_value(typ, fdef.example, c)
            if problem or fdef.example is None or contains(typ, (t.TensorType,)):
                self.error(path + ("example",), f"bad example {fdef.example!r}: {problem or 'give a non-null value of a type other than tensor'}", value=True)
                return None
            return [t.Sample(default_expr(typ, fdef.example), jsonable(fdef.example))]
        samples = safe_samples(typ, c)
        if not samples and self.refers_ahead(typ) and (typ.nullable or fdef.default is not MISSING):
            return []  # a recursive link the samples leave out (they fill required fields only)
        if not samples:
            self.error(path, f"can't derive a sample value of `{path[-1]}` for the generated tests (e.g. from `pattern`); add `example: <a valid value>`")
            return None
        return samples

    # ---- synapses ------------------------------------------------------
    def build_synapse(self, name: str, sdef: Any) -> SynapseSpec:
        path: Path_ = ("synapses", name)
        roles: dict[str, list[FieldSpec]] = {"request": [], "response": []}
        seen: dict[str, str] = {}
        for role in ("request", "response"):
            for fname, entry in getattr(sdef, role).items():
                fpath = path + (role, fname)
                if fname in seen:
                    self.error(fpath, f"field {fname!r} is both a {seen[fname]} and a {role} field; a field has one role")
                    continue
                seen[fname] = role
                if not self.check_field_name(fname, fpath, on_synapse=True, request=role == "request") or fpath in self.broken:
                    continue
                fdef = as_def(entry)
                typ = self.parse(fdef.type, fpath)
                if typ is None:
                    continue
                f = self.build_field(fname, fdef, typ, fpath, role)
                if f:
                    roles[role].append(f)
        response = roles["response"]
        target: FieldSpec | None = None
        if sdef.deserialize == "self":
            pass  # deserialize() returns the synapse itself
        elif sdef.deserialize is not None:
            target = next((f for f in response if f.name == sdef.deserialize), None)
            if target is None and sdef.deserialize not in seen:
                names = [f for f, r in seen.items() if r == "response"]
                close = difflib.get_close_matches(sdef.deserialize, names, n=1)
                hint = f"; did you mean {close[0]!r}?" if close else f"; response fields: {', '.join(names) or 'none'}"
                self.error(path + ("deserialize",), f"`deserialize: {sdef.deserialize}` names no response field{hint}", value=True)
            elif target is None and seen.get(sdef.deserialize) == "request":
                self.error(path + ("deserialize",), f"`deserialize` must name a response field; {sdef.deserialize!r} is a request field", value=True)
        elif len(sdef.response) == 1:
            target = response[0] if response else None
        if target is not None:
            value_type = target.type.non_null().annotation()
            deser_ann = f"{value_type} | None" if target.annotation.endswith("| None") else value_type
        else:
            value_type = deser_ann = name
        snake = snake_case(name)
        result = result_type(sdef.aggregate, value_type, snake)
        return SynapseSpec(
            name=name,
            snake=snake,
            description=sdef.description,
            request=roles["request"],
            response=response,
            deserialize=target,
            value_type=value_type,
            deserialize_annotation=deser_ann,
            aggregate=sdef.aggregate,
            result_type=result,
            timeout=float(sdef.timeout),
            hash_fields=[f.name for f in roles["request"] if f.hash],
            stream=self.build_stream(sdef, snake, target, response, path) if sdef.stream else None,
        )

    def build_stream(self, sdef: Any, snake: str, target: FieldSpec | None, response: list[FieldSpec], path: Path_) -> StreamSpec | None:
        """`stream: true`: the `deserialize` field travels in pieces (text joined, or list items appended)."""
        where = path + ("stream",)
        if target is None and sdef.deserialize is not None:
            return None  # already reported
        if target is None:
            what = "name the response field to stream with `deserialize`" if sdef.response else "add a response field to stream"
            self.error(where, f"`stream: true` streams one response field; {what}")
            return None
        base = target.type.non_null()
        if isinstance(base, t.StrType):
            kind, chunk, wire = "text", "str", "str"
            text = str(target.samples[0].json)
            half = len(text) // 2
            pieces = [text[:half], text[half:]] if half else [text]
            samples = [t.Sample(repr(p), p) for p in pieces]
        elif isinstance(base, t.ListType):
            kind, chunk, wire = "items", base.item.annotation(), base.item.annotation(wire=True)
            items = safe_samples(base.item, {})
            count = min(2, target.constraints.get("max_length", 2))
            samples = [items[i % len(items)] for i in range(count)] if items else []
        else:
            self.error(where, f"a streamed field must be `str` (sent as text pieces) or `list[T]` (sent item by item); {target.name!r} is `{target.type.annotation()}`")
            return None
        for key in ("min_length", "pattern"):
            if key in target.constraints:
                self.error(where, f"the streamed field {target.name!r} can't have `{key}`: it is validated as it grows, piece by piece")
                return None
        return StreamSpec(
            field=target,
            kind=kind,
            chunk_annotation=chunk,
            chunk_wire=wire,
            chunk_samples=samples,
            final=[f.name for f in response if f is not target],
            frames_name=f"{snake.upper()}_STREAM",
        )


def with_synapses(spec: SubnetSpec, synapses: list[SynapseSpec]) -> SubnetSpec:
    """``spec`` holding ``synapses``, with what follows from all of them (imports, bytes, tensors)."""
    fields = [f for m in spec.models for f in m.fields] + [f for s in synapses for f in s.fields]
    refs = [ref for f in fields for ref in f.type.walk()]
    kinds = {type(ref) for ref in refs}
    uses_bytes, uses_tensor = t.needs_wire_bytes(kinds), t.TensorType in kinds
    helpers = t.temporal_helpers(kinds) + t.set_helpers(refs)
    imports = protocol_imports(spec, synapses, fields, uses_bytes, uses_tensor, helpers)
    return dataclasses.replace(
        spec, synapses=synapses, protocol_imports=imports, uses_bytes=uses_bytes, uses_tensor=uses_tensor, wire_helpers=helpers
    )


def protocol_imports(
    spec: SubnetSpec, synapses: list[SynapseSpec], fields: list[FieldSpec], uses_bytes: bool, uses_tensor: bool, helpers: list[str]
) -> list[str]:
    """The standard-library imports protocol.py needs (``fields``: every model's and synapse's)."""
    typing_names = {"ClassVar"} if any(s.hash_fields for s in synapses) else set()
    for f in fields:
        for line in f.type.imports(wire=True):
            typing_names.add(line.rsplit(" ", 1)[1])
    streams = any(s.stream for s in synapses)
    if uses_bytes:
        typing_names.update({"Annotated", "Any"})
    if uses_tensor:
        typing_names.update({"Annotated", "Any", "cast"})
    if streams:
        typing_names.add("Any")
    typing_names.update(t.helper_typing(helpers))
    lines = []
    if uses_bytes:
        lines.append("import base64")
    if spec.enums:
        lines.append("import enum")
    if {"WireSet", "WireFrozenset"} & set(helpers):
        lines.append("import json")
    abc = (["AsyncIterator"] if streams else []) + (["Sequence"] if uses_tensor else [])
    if abc:
        lines.append("from collections.abc import " + ", ".join(abc))
    if uses_tensor:
        lines.append("from dataclasses import dataclass")
    dates = sorted({name for f in fields for ref in f.type.walk() if isinstance(ref, t.DateTimeType) for name in ref.protocol_names()})
    if dates:  # re-exported: the other modules import them from protocol like its own names
        lines.append("from datetime import " + ", ".join(f"{n} as {n}" for n in dates))
    if typing_names:
        lines.append("from typing import " + ", ".join(sorted(typing_names)))
    return lines


def result_type(aggregate: str, value_type: str, snake: str) -> str:
    """What process_responses returns for ``aggregate`` over deserialized values of ``value_type``."""
    return {
        "all": f"list[{value_type}]",
        "first": f"{value_type} | None",
        "majority": f"{value_type} | None",
        "by_hotkey": f"dict[str, {value_type}]",
        "custom": f"{snake}_hooks.Result",
    }[aggregate]


