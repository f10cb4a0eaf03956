"""Field decisions shared by the YAML and Pydantic loaders: defaults, constraints, sample values."""

from __future__ import annotations

import datetime
import enum
import functools
import keyword
import math
import re
from typing import Any, Callable


from codegen.parser import types as t
from codegen.parser.spec import FieldSpec
from codegen.load.schema import MISSING, FieldDef

def decide_field(name: str, fdef: FieldDef, typ: t.TypeRef, constraints: dict[str, Any], role: str, samples: list[t.Sample]) -> FieldSpec:
    """Decide how a field is declared on the wire and in the typed API.

    Request fields the schema requires are declared optional on the synapse
    (default None) so bittensor sends no `type(value)()` header placeholder
    that could fail validation on the axon; prepare_synapse requires them.
    """
    default = fdef.default
    has_default = default is not MISSING
    wire = typ.annotation(wire=True)
    plain = typ.annotation()
    required = not has_default and not typ.nullable
    extra = [f"{k}={constraints[k]!r}" for k in t.CONSTRAINTS if k in constraints]
    if fdef.description:
        extra.append(f"description={fdef.description!r}")
    # A plain model field: required unless it has a default or may be None.
    strict = [_default_kw(typ, default)] if has_default else (["default=None"] if typ.nullable else [])
    strict_call = f"Field({', '.join(strict + extra)})" if strict + extra else ""
    if role == "model":
        annotation, field_call = wire, strict_call
    else:
        # On a bt.Synapse every field is optional: see the docstring.
        on_wire = [_default_kw(typ, default)] if has_default else ["default=None"]
        annotation = wire if typ.nullable or (has_default and default is not None) else f"{wire} | None"
        field_call = f"Field({', '.join(on_wire + extra)})"
    # typed API parameter
    if required:
        param_ann, param_default, value_expr = plain, None, name
    elif not has_default or default is None:
        param_ann = plain if typ.nullable else f"{plain} | None"
        param_default, value_expr = "None", name
    elif typ.mutable:
        param_ann = plain if typ.nullable else f"{plain} | None"
        param_default = "None"
        value_expr = f"{name} if {name} is not None else {default_expr(typ, default)}"
    else:
        param_ann, param_default, value_expr = plain, default_expr(typ, default), name
    base = typ.non_null()
    choices: list[Any] = list(getattr(base, "values", ()))
    return FieldSpec(
        name=name,
        type=typ,
        description=fdef.description,
        hash=fdef.hash,
        constraints=constraints,
        annotation=annotation,
        field_call=field_call,
        strict_annotation=wire,
        strict_field_call=strict_call,
        default=default if has_default else None,
        has_default=has_default,
        param_annotation=param_ann,
        param_default=param_default,
        value_expr=value_expr,
        required=required,
        samples=samples,
        cli_kind=typ.cli_kind,
        choices=choices,
        cli_annotation=base.annotation(wire=True),
    )


def _default_kw(typ: t.TypeRef, default: Any) -> str:
    if default is not None and typ.mutable:
        value = default_expr(typ, default)
        if default and isinstance(typ.non_null(), (t.ListType, t.DictType)):
            # Built through its own type: mypy infers a bare display from its items
            # (['a'] is list[str], not list[Literal['a']]; [[1], ['x']] is list[object]).
            value = f"{typ.non_null().annotation(wire=True)}({value})"
        return f"default_factory=lambda: {value}"
    return f"default={default_expr(typ, default)}"


def default_expr(typ: t.TypeRef, value: Any) -> str:
    """A Python expression for a (checked) default: floats as floats, enum values as members."""
    base = typ.non_null()
    if value is None:
        return "None"
    if isinstance(base, t.EnumRef):
        member = next(m for m, v in base.members if v == value)
        return f"{base.name}.{member}"
    if isinstance(base, t.FloatType):
        return py_literal(float(value))
    if isinstance(base, t.ListType):
        return "[" + ", ".join(default_expr(base.item, v) for v in value) + "]"
    if isinstance(base, t.DictType):
        return "{" + ", ".join(f"{default_expr(base.key, k)}: {default_expr(base.value, v)}" for k, v in value.items()) + "}"
    if isinstance(base, t.TupleType):
        items = [default_expr(base.items[0 if base.variadic else i], v) for i, v in enumerate(value)]
        return "(" + ", ".join(items) + ("," if len(items) == 1 else "") + ")"
    if isinstance(base, t.SetType):
        inner = "{" + ", ".join(default_expr(base.item, v) for v in value) + "}" if value else ""
        return f"frozenset({inner})" if base.frozen else (inner or "set()")
    if isinstance(base, t.DateTimeType):
        text = value.isoformat() if not isinstance(value, str) else value
        return f"{base.python_name}.fromisoformat({text!r})"
    if isinstance(base, t.ModelRef):
        return f"{base.name}.model_validate({py_literal(jsonable(value))})"
    if isinstance(base, t.UnionType):
        fits = next((m for m in base.members if _check_type(m, value) is None), base.members[0])
        return default_expr(fits, value)
    return py_literal(value)


def py_literal(value: Any) -> str:
    """A Python literal for a YAML value; repr() of plain data is always valid, inert code."""
    return repr(value)


def check_value(typ: t.TypeRef, value: Any, c: dict[str, Any]) -> str | None:
    """Why ``value`` isn't a valid ``typ`` under constraints ``c``, or None if it is."""
    problem = _check_type(typ, value)
    if problem or value is None:
        return problem
    for k, ok in (("gt", lambda b: value > b), ("ge", lambda b: value >= b), ("lt", lambda b: value < b), ("le", lambda b: value <= b)):
        if k in c and not ok(c[k]):
            return f"violates `{k}: {c[k]}`"
    if "min_length" in c and len(value) < c["min_length"]:
        return f"shorter than `min_length: {c['min_length']}`"
    if "max_length" in c and len(value) > c["max_length"]:
        return f"longer than `max_length: {c['max_length']}`"
    if "pattern" in c and not re.search(c["pattern"], value):
        return f"does not match `pattern: {c['pattern']}`"
    return None


def _check_type(typ: t.TypeRef, value: Any) -> str | None:
    name = typ.annotation()
    if value is None:
        return None if typ.nullable or isinstance(typ, t.AnyType) else f"null is not a valid `{name}`; make the type `{name} | None`"
    typ = typ.non_null()
    checks: dict[type, Callable[[Any], bool]] = {
        t.IntType: lambda v: isinstance(v, int) and not isinstance(v, bool),
        t.FloatType: lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
        t.StrType: lambda v: isinstance(v, str),
        t.BoolType: lambda v: isinstance(v, bool),
        t.BytesType: lambda v: isinstance(v, bytes),
    }
    if type(typ) in checks:
        if not checks[type(typ)](value):
            hint = {t.BytesType: " (use YAML !!binary)", t.BoolType: " (true or false)"}.get(type(typ), "")
            return f"expected {name}{hint}"
        if isinstance(value, float) and not math.isfinite(value):
            return "not a finite number; Python and JSON have no literal for inf/nan"
        return None
    if isinstance(typ, t.AnyType):
        return _check_plain(value)
    if isinstance(typ, (t.LiteralType, t.EnumRef)):
        ok = any(value == v and type(value) is type(v) for v in typ.values)
        return None if ok else f"expected one of {', '.join(repr(v) for v in typ.values)}"
    if isinstance(typ, t.ListType):
        if not isinstance(value, list):
            return f"expected a list for `{name}`"
        return next((p for p in (_check_type(typ.item, v) for v in value) if p), None)
    if isinstance(typ, t.DictType):
        if not isinstance(value, dict):
            return f"expected a mapping for `{name}`"
        keys = (p for p in (_check_type(typ.key, k) for k in value) if p)
        return next(keys, None) or next((p for p in (_check_type(typ.value, v) for v in value.values()) if p), None)
    if isinstance(typ, t.UnionType):
        if any(_check_type(m, value) is None for m in typ.members):
            return None
        return f"expected a value of one of `{name}`"
    if isinstance(typ, t.TupleType):
        if not isinstance(value, (list, tuple)) or (not typ.variadic and len(value) != len(typ.items)):
            return f"expected a list of {len(typ.items)} items for `{name}`" if not typ.variadic else f"expected a list for `{name}`"
        items = typ.items * len(value) if typ.variadic else typ.items
        return next((p for p in (_check_type(i, v) for i, v in zip(items, value)) if p), None)
    if isinstance(typ, t.SetType):
        if not isinstance(value, (list, tuple, set, frozenset)):
            return f"expected a list for `{name}`"
        if isinstance(value, (list, tuple)) and len({repr(v) for v in value}) != len(value):
            return f"items of `{name}` repeat"
        return next((p for p in (_check_type(typ.item, v) for v in value) if p), None)
    if isinstance(typ, t.DateTimeType):
        return _check_date(typ, value)
    if isinstance(typ, t.ModelRef):
        if not isinstance(value, dict) or not all(isinstance(k, str) for k in value):
            return f"expected a mapping of `{name}`'s fields"
        return _check_plain(value)
    if isinstance(typ, t.TensorType):
        return "tensor values can't be given in the schema"
    return f"unsupported value for `{name}`"


def _check_date(typ: t.DateTimeType, value: Any) -> str | None:
    """A date or datetime (YAML reads unquoted ones as such), or its ISO 8601 text."""
    want = datetime.date if isinstance(typ, t.DateType) else datetime.datetime
    if isinstance(value, want) and (want is datetime.datetime or not isinstance(value, datetime.datetime)):
        return None
    if isinstance(value, str):
        try:
            want.fromisoformat(value)
            return None
        except ValueError:
            pass
    return f"expected an ISO 8601 {typ.python_name} (e.g. {typ.examples[0][1]!r})"


def _check_plain(value: Any) -> str | None:
    if isinstance(value, float) and not math.isfinite(value):
        return "non-finite floats can't be sent as JSON"
    if isinstance(value, (list, tuple)):
        return next((p for p in map(_check_plain, value) if p), None)
    if isinstance(value, dict):
        return next((p for p in map(_check_plain, value.values()) if p), None)
    if value is None or isinstance(value, (str, int, float, bool)):
        return None
    return f"{type(value).__name__} values can't be sent as JSON; quote it to mean text"


def contains(typ: t.TypeRef, kinds: tuple[type, ...]) -> bool:
    return any(isinstance(r, kinds) for r in typ.walk())


def jsonable(value: Any) -> Any:
    if isinstance(value, bytes):
        import base64

        return base64.b64encode(value).decode("ascii")
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    if isinstance(value, (list, tuple, set, frozenset)):
        return [jsonable(v) for v in value]
    if isinstance(value, dict):
        return {k: jsonable(v) for k, v in value.items()}
    return value


def safe_samples(typ: t.TypeRef, c: dict[str, Any]) -> list[t.Sample]:
    """The type's samples that meet the constraints. A schema repeats the same few (type,
    constraints) pairs across its fields, so they are cached -- except for types holding a
    model, whose samples are attached per schema (a model name is not its identity)."""
    if contains(typ, (t.ModelRef,)):
        return _filter_samples(typ, c)
    try:
        # each value with its type: 1, 1.0 and True are equal keys but may give other samples
        return list(_safe_samples_cached(typ, tuple(sorted((k, type(v).__name__, v) for k, v in c.items()))))
    except TypeError:  # an unhashable constraint value: nothing to share
        return _filter_samples(typ, c)


@functools.lru_cache(maxsize=1024)
def _safe_samples_cached(typ: t.TypeRef, c: tuple[tuple[str, str, Any], ...]) -> tuple[t.Sample, ...]:
    return tuple(_filter_samples(typ, {k: v for k, _, v in c}))


def _filter_samples(typ: t.TypeRef, c: dict[str, Any]) -> list[t.Sample]:
    return [s for s in typ.samples(c) if not _has_problem(typ, s, c)]


def _has_problem(typ: t.TypeRef, sample: t.Sample, c: dict[str, Any]) -> bool:
    if contains(typ, (t.EnumRef, t.ModelRef, t.BytesType, t.TensorType)):
        return False  # built from valid parts; no plain value to check
    return check_value(typ, sample.json, c) is not None


def model_samples(name: str, fields: list[FieldSpec], call: Callable[[str, list[tuple[str, str]]], str]) -> list[t.Sample]:
    # required fields, and tags (a one-value literal) that tell the model apart in a union
    required = [f for f in fields if f.required or (isinstance(f.type, t.LiteralType) and len(f.type.values) == 1)]
    out = []
    for shift in range(2):
        parts = [(f, f.samples[shift % len(f.samples)]) for f in required if f.samples]
        out.append(
            t.Sample(
                call(name, [(f.name, s.expr) for f, s in parts]),
                {f.name: s.json for f, s in parts},
            )
        )
    return list({s.expr: s for s in out}.values())


# Names a member must not take: they would shadow Enum machinery or str/int methods.
_MEMBER_RESERVED = frozenset(dir(enum.StrEnum)) | frozenset(dir(enum.IntEnum)) | {"name", "value", "mro"}


def member_name(value: str | int) -> str:
    """A readable identifier for an enum value (the value itself is always written with repr)."""
    if isinstance(value, int):
        return f"V{value}" if value >= 0 else f"MINUS_{-value}"
    name = re.sub(r"\W", "_", value, flags=re.ASCII)
    if not name or name[0].isdigit():
        name = "V_" + name
    if name.startswith("_"):
        name = "V" + name
    if keyword.iskeyword(name) or keyword.issoftkeyword(name) or name in _MEMBER_RESERVED:
        name += "_"
    return name


def as_def(entry: str | FieldDef) -> FieldDef:
    return FieldDef(type=entry) if isinstance(entry, str) else entry
