"""Breaking-change report: which protocol changes split a subnet whose nodes upgrade at different times.

Validators and miners upgrade independently, so for a while old validators
query new miners and new validators query old ones. A change is **breaking**
when traffic that works today fails once one side upgrades: a synapse or
field disappears, a value that was valid is now rejected, a value one side
relies on is no longer sent, or the body hash no longer matches. A change that
only *allows* new values (a loosened constraint, a new enum value, a wider
type) breaks nothing until a node sends such a value; it is a **note**: roll
it out to the receivers first. An **api** change breaks Python code that uses
the generated package (a result type, a package name) but not the network.

Each rule is one function registered with ``@rule``; it compares two
SubnetSpecs and yields Changes that point into the old or the new schema.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Literal

from codegen.parser import types as t
from codegen.parser.spec import FieldSpec, ModelSpec, SubnetSpec, SynapseSpec

Level = Literal["breaking", "api", "note"]
Path_ = tuple[str | int, ...]


@dataclass(frozen=True, order=True)
class Change:
    """One difference between two schemas, located in the old or the new one."""

    side: Literal["old", "new"]
    path: Path_  # where in that schema, as a path of keys
    rule: str
    level: Level
    message: str


RuleFn = Callable[[SubnetSpec, SubnetSpec], Iterable[Change]]
RULES: dict[str, RuleFn] = {}


def rule(name: str) -> Callable[[RuleFn], RuleFn]:
    def register(fn: RuleFn) -> RuleFn:
        RULES[name] = fn
        return fn

    return register


def compare(old: SubnetSpec, new: SubnetSpec) -> list[Change]:
    """Every change from ``old`` to ``new`` that matters to a mixed-version network, rule by rule."""
    return [change for fn in RULES.values() for change in fn(old, new)]


# ---- walking both specs --------------------------------------------------


@dataclass(frozen=True)
class FieldPair:
    """The same field in both schemas: a synapse's request/response field or a model's field."""

    path: Path_  # ("synapses", S, "request", f) or ("models", M, "fields", f)
    role: str  # "request" | "response" | "model"
    owner: str  # "`Dummy`'s request" etc., for messages
    old: FieldSpec
    new: FieldSpec
    hashed: bool  # in required_hash_fields on both sides


def synapse_pairs(old: SubnetSpec, new: SubnetSpec) -> Iterator[tuple[SynapseSpec, SynapseSpec]]:
    by_name = {s.name: s for s in new.synapses}
    for s in old.synapses:
        if s.name in by_name:
            yield s, by_name[s.name]


def model_pairs(old: SubnetSpec, new: SubnetSpec) -> Iterator[tuple[ModelSpec, ModelSpec]]:
    by_name = {m.name: m for m in new.models}
    for m in old.models:
        if m.name in by_name:
            yield m, by_name[m.name]


def field_groups(old: SubnetSpec, new: SubnetSpec) -> Iterator[tuple[Path_, str, str, list[FieldSpec], list[FieldSpec]]]:
    """(path, role, owner, old fields, new fields) for every field list present in both schemas."""
    for o, n in synapse_pairs(old, new):
        for role in ("request", "response"):
            yield ("synapses", o.name, role), role, f"`{o.name}`'s {role}", getattr(o, role), getattr(n, role)
    for om, nm in model_pairs(old, new):
        yield ("models", om.name, "fields"), "model", f"model `{om.name}`", om.fields, nm.fields


def field_pairs(old: SubnetSpec, new: SubnetSpec) -> Iterator[FieldPair]:
    hashed = {(o.name, f) for o, n in synapse_pairs(old, new) for f in set(o.hash_fields) & set(n.hash_fields)}
    for path, role, owner, olds, news in field_groups(old, new):
        by_name = {f.name: f for f in news}
        for f in olds:
            if f.name in by_name:
                yield FieldPair(path + (f.name,), role, owner, f, by_name[f.name], (path[1], f.name) in hashed and role == "request")


def always_set(f: FieldSpec) -> bool:
    """The sender always fills it: required, or defaulted to a non-null value."""
    return f.required or f.param_default not in (None, "None") or f.value_expr != f.name


def readers(role: str) -> str:
    return {"request": "miners", "response": "validators"}.get(role, "receivers")


def senders(role: str) -> str:
    return {"request": "validators", "response": "miners"}.get(role, "senders")


# ---- synapses and the package -------------------------------------------


@rule("synapse-removed")
def synapse_removed(old: SubnetSpec, new: SubnetSpec) -> Iterator[Change]:
    names = {s.name for s in new.synapses}
    added = [s for s in new.synapses if s.name not in {o.name for o in old.synapses}]
    for s in old.synapses:
        if s.name in names:
            continue
        twin = next((a for a in added if _shape(a) == _shape(s)), None)
        what = f"renamed to `{twin.name}`" if twin else "removed"
        yield Change("old", ("synapses", s.name), "synapse-removed", "breaking",
                     f"synapse `{s.name}` was {what}: upgraded miners no longer answer older validators' `{s.name}` queries (the route is the class name)")


@rule("package-renamed")
def package_renamed(old: SubnetSpec, new: SubnetSpec) -> Iterator[Change]:
    if old.name != new.name:
        yield Change("new", ("subnet",), "package-renamed", "api", f"the package is now `{new.name}` (was `{old.name}`): code that imports `{old.name}` must change")


@rule("hash-fields-changed")
def hash_fields_changed(old: SubnetSpec, new: SubnetSpec) -> Iterator[Change]:
    for o, n in synapse_pairs(old, new):
        if tuple(o.hash_fields) != tuple(n.hash_fields):
            before, after = ", ".join(o.hash_fields) or "none", ", ".join(n.hash_fields) or "none"
            changed = sorted(set(o.hash_fields) ^ set(n.hash_fields))
            path: Path_ = ("synapses", n.name, "request", changed[0], "hash") if changed and changed[0] in {f.name for f in n.request} else ("synapses", n.name)
            yield Change("new", path, "hash-fields-changed", "breaking",
                         f"`{n.name}`'s required_hash_fields changed ({before} -> {after}): the axon recomputes the body hash its own way, so mixed versions reject each other's requests")


@rule("deserialize-changed")
def deserialize_changed(old: SubnetSpec, new: SubnetSpec) -> Iterator[Change]:
    for o, n in synapse_pairs(old, new):
        before = o.deserialize.name if o.deserialize else None
        after = n.deserialize.name if n.deserialize else None
        if before == after:
            continue
        path: Path_ = ("synapses", n.name, "deserialize")
        if after is not None and after not in {f.name for f in o.response}:
            yield Change("new", path, "deserialize-changed", "breaking",
                         f"`{n.name}` now deserializes `{after}`, which older miners never fill: upgraded validators drop every older miner's answer")
        else:
            yield Change("new", path, "deserialize-changed", "api",
                         f"`{n.name}` now deserializes `{after or 'the synapse'}` (was `{before or 'the synapse'}`): its result type changes from `{o.result_type}` to `{n.result_type}`")


@rule("aggregate-changed")
def aggregate_changed(old: SubnetSpec, new: SubnetSpec) -> Iterator[Change]:
    for o, n in synapse_pairs(old, new):
        if o.aggregate == n.aggregate:
            continue
        level: Level = "api" if o.result_type != n.result_type else "note"
        effect = f"the result type changes from `{o.result_type}` to `{n.result_type}`" if level == "api" else "same result type, different answer"
        yield Change("new", ("synapses", n.name, "aggregate"), "aggregate-changed", level,
                     f"`{n.name}` aggregates `{n.aggregate}` (was `{o.aggregate}`): {effect}; validator-side only, the wire is unchanged")


# ---- fields ---------------------------------------------------------------


@rule("field-removed")
def field_removed(old: SubnetSpec, new: SubnetSpec) -> Iterator[Change]:
    for path, role, owner, olds, news in field_groups(old, new):
        names = {f.name for f in news}
        added = [f for f in news if f.name not in {o.name for o in olds}]
        for f in olds:
            if f.name in names:
                continue
            twin = next((a for a in added if a.type.annotation() == f.type.annotation()), None)
            what = f"renamed to `{twin.name}`" if twin else "removed"
            yield Change("old", path + (f.name,), "field-removed", "breaking",
                         f"{owner} field `{f.name}` was {what}: older {readers(role)} no longer get it from upgraded {senders(role)}")


@rule("required-field-added")
def required_field_added(old: SubnetSpec, new: SubnetSpec) -> Iterator[Change]:
    for path, role, owner, olds, news in field_groups(old, new):
        if role == "response":
            continue  # miners fill response fields; validators already cope with unset ones
        names = {f.name for f in olds}
        for f in news:
            if f.name not in names and f.required:
                yield Change("new", path + (f.name,), "required-field-added", "breaking",
                             f"new required {owner} field `{f.name}`: older {senders(role)} never send it; give it a default or make it `| None`")


@rule("field-made-required")
def field_made_required(old: SubnetSpec, new: SubnetSpec) -> Iterator[Change]:
    for p in field_pairs(old, new):
        if p.role != "response" and p.new.required and not always_set(p.old):
            yield Change("new", p.path, "field-made-required", "breaking",
                         f"{p.owner} field `{p.new.name}` is now required: older {senders(p.role)} may leave it unset")


@rule("field-made-optional")
def field_made_optional(old: SubnetSpec, new: SubnetSpec) -> Iterator[Change]:
    for p in field_pairs(old, new):
        if p.role != "response" and always_set(p.old) and not always_set(p.new):
            yield Change("new", p.path, "field-made-optional", "note",
                         f"{p.owner} field `{p.new.name}` may now be unset: older {readers(p.role)} expect a value; upgrade them before sending none")


@rule("null-rejected")
def null_rejected(old: SubnetSpec, new: SubnetSpec) -> Iterator[Change]:
    for p in field_pairs(old, new):
        if p.role == "response":
            could_be_null = _wire_nullable(p.old)  # any miner may leave a response field unset
        elif p.new.required and not always_set(p.old):
            continue  # field-made-required says it
        else:
            could_be_null = p.old.type.nullable  # callers could pass None explicitly
        if could_be_null and not _wire_nullable(p.new):
            yield Change("new", p.path, "null-rejected", "breaking",
                         f"{p.owner} field `{p.new.name}` no longer accepts null: older {senders(p.role)} may send it unset")


def _wire_nullable(f: FieldSpec) -> bool:
    return f.annotation.endswith("| None")


@rule("type-changed")
def type_changed(old: SubnetSpec, new: SubnetSpec) -> Iterator[Change]:
    for p in field_pairs(old, new):
        o, n = p.old.type.non_null(), p.new.type.non_null()  # a field's own null is the presence rules' business
        verdicts = [v for a, b in aligned(o, n) if (v := type_verdict(a, b, old, new)) is not None]
        worst = next((v for v in verdicts if v[0] == "breaking"), verdicts[0] if verdicts else None)
        if worst is None:
            continue
        level, reason = worst
        before, after = p.old.type.annotation(), p.new.type.annotation()
        if level == "wider" and p.hashed:
            yield Change("new", p.path + ("type",), "type-changed", "breaking",
                         f"{p.owner} field `{p.new.name}` is a hash field and its type changed (`{before}` -> `{after}`): the body hash is taken over its Python value, so mixed versions disagree")
        elif level == "wider":
            yield Change("new", p.path + ("type",), "type-changed", "note",
                         f"{p.owner} field `{p.new.name}` widened from `{before}` to `{after}` ({reason}): older {readers(p.role)} reject the new values")
        else:
            yield Change("new", p.path + ("type",), "type-changed", "breaking",
                         f"{p.owner} field `{p.new.name}` changed type from `{before}` to `{after}`: {reason}")


@rule("literal-value-removed")
def literal_value_removed(old: SubnetSpec, new: SubnetSpec) -> Iterator[Change]:
    for p in field_pairs(old, new):
        for a, b in aligned(p.old.type, p.new.type):
            a, b = a.non_null(), b.non_null()
            if not (isinstance(a, t.LiteralType) and isinstance(b, t.LiteralType)):
                continue
            gone = [v for v in a.values if v not in b.values]
            extra = [v for v in b.values if v not in a.values]
            if gone:
                yield Change("new", p.path + ("type",), "literal-value-removed", "breaking",
                             f"{p.owner} field `{p.new.name}` no longer accepts {_values(gone)}: upgraded {readers(p.role)} reject it from older {senders(p.role)}")
            elif extra:
                yield Change("new", p.path + ("type",), "literal-value-removed", "note",
                             f"{p.owner} field `{p.new.name}` also accepts {_values(extra)}: older {readers(p.role)} reject it; upgrade them before sending it")


@rule("enum-value-removed")
def enum_value_removed(old: SubnetSpec, new: SubnetSpec) -> Iterator[Change]:
    used = {r.name for f in _all_fields(old) for r in f.type.walk() if isinstance(r, t.EnumRef)}
    by_name = {e.name: e for e in new.enums}
    for e in old.enums:
        if e.name not in by_name or e.name not in used:
            continue
        before, after = [v for _, v in e.members], [v for _, v in by_name[e.name].members]  # reprs
        gone = [v for v in before if v not in after]
        extra = [v for v in after if v not in before]
        if gone:
            yield Change("new", ("enums", e.name), "enum-value-removed", "breaking",
                         f"enum `{e.name}` lost {', '.join(gone)}: upgraded nodes reject it from older ones")
        elif extra:
            yield Change("new", ("enums", e.name), "enum-value-removed", "note",
                         f"enum `{e.name}` gained {', '.join(extra)}: older nodes reject it; upgrade them before sending it")


@rule("constraint-tightened")
def constraint_tightened(old: SubnetSpec, new: SubnetSpec) -> Iterator[Change]:
    for p in field_pairs(old, new):
        integer = isinstance(p.new.type.non_null(), t.IntType) and isinstance(p.old.type.non_null(), t.IntType)
        for key, tighter, text in constraint_changes(p.old.constraints, p.new.constraints, integer):
            if tighter:
                yield Change("new", p.path + (key,), "constraint-tightened", "breaking",
                             f"{p.owner} field `{p.new.name}`: {text}: upgraded {readers(p.role)} reject values older {senders(p.role)} may send")
            else:
                yield Change("new", p.path, "constraint-loosened", "note",
                             f"{p.owner} field `{p.new.name}`: {text}: older {readers(p.role)} reject the newly allowed values")


# ---- type comparison --------------------------------------------------------

Verdict = tuple[Literal["breaking", "wider"], str]


def aligned(old: t.TypeRef, new: t.TypeRef) -> Iterator[tuple[t.TypeRef, t.TypeRef]]:
    """Pairs of types at the same place in both (the pair itself, then list items, dict values)."""
    yield old, new
    a, b = old.non_null(), new.non_null()
    if isinstance(a, t.ListType) and isinstance(b, t.ListType):
        yield from aligned(a.item, b.item)
    elif isinstance(a, t.DictType) and isinstance(b, t.DictType):
        yield from aligned(a.value, b.value)


def type_verdict(old: t.TypeRef, new: t.TypeRef, old_spec: SubnetSpec, new_spec: SubnetSpec) -> Verdict | None:
    """How the type at one place changed, ignoring what ``aligned`` visits below it; None if not at all."""
    if old.nullable and not new.nullable:
        return "breaking", "null is no longer accepted"
    a, b = old.non_null(), new.non_null()
    if type(a) is type(b):
        if isinstance(a, t.ModelRef) and isinstance(b, t.ModelRef) and a.name != b.name:
            same = _model_shape(old_spec, a.name) == _model_shape(new_spec, b.name)
            return None if same else ("breaking", f"model `{b.name}` is not shaped like `{a.name}`")
        if isinstance(a, t.EnumRef) and isinstance(b, t.EnumRef) and a.name != b.name:
            return _value_sets(a.values, b.values)
        wider = "it may now be null" if new.nullable and not old.nullable else None
        return ("wider", wider) if wider else None
    if isinstance(a, (t.LiteralType, t.EnumRef)) and isinstance(b, (t.LiteralType, t.EnumRef)):
        return _value_sets(a.values, b.values)
    if _widens(a, b):
        return "wider", f"`{b.annotation()}` accepts every `{a.annotation()}`"
    return "breaking", f"a `{a.annotation()}` is not a valid `{b.annotation()}` (nor the other way round), so mixed versions reject each other's values"


def _widens(a: t.TypeRef, b: t.TypeRef) -> bool:
    if isinstance(b, t.AnyType):
        return True
    if isinstance(a, t.IntType) and isinstance(b, t.FloatType):
        return True
    if isinstance(a, (t.LiteralType, t.EnumRef)):
        kinds = {type(v) for v in a.values}
        return (kinds == {str} and isinstance(b, t.StrType)) or (kinds == {int} and isinstance(b, (t.IntType, t.FloatType)))
    return False


def _value_sets(before: tuple[str | int, ...], after: tuple[str | int, ...]) -> Verdict | None:
    gone = [v for v in before if v not in after]
    if gone:
        return "breaking", f"{_values(gone)} no longer accepted"
    extra = [v for v in after if v not in before]
    return ("wider", f"adds {_values(extra)}") if extra else None


# ---- constraints ------------------------------------------------------------


def constraint_changes(old: dict[str, object], new: dict[str, object], integer: bool) -> Iterator[tuple[str, bool, str]]:
    """(constraint key, tightened?, description) for each bound or pattern that moved."""
    for side in ("low", "high"):
        before, after = _bound(old, side, integer), _bound(new, side, integer)
        if before == after:
            continue
        key = next((k for k in (("gt", "ge") if side == "low" else ("lt", "le")) if k in new), "gt" if side == "low" else "lt")
        text = f"{_show_bound(before, side)} -> {_show_bound(after, side)}"
        yield key, _tighter(before, after, side), text
    for key, tighter_if_higher in (("min_length", True), ("max_length", False)):
        was, now = old.get(key), new.get(key)
        if was == now:
            continue
        if key == "min_length":
            was, now = was or 0, now or 0  # no minimum is a minimum of 0
            if was == now:
                continue
        if was is None or now is None:
            tighter = was is None
        else:
            tighter = (now > was) == tighter_if_higher  # type: ignore[operator]
        yield key, tighter, f"`{key}` {was if was is not None else 'none'} -> {now if now is not None else 'none'}"
    was, now = old.get("pattern"), new.get("pattern")
    if was != now:
        if now is None:
            yield "pattern", False, f"`pattern` {was!r} removed"
        else:
            text = f"`pattern` {was!r} -> {now!r}" if was is not None else f"`pattern` {now!r} added"
            yield "pattern", True, text  # two regexes can't be compared: assume the worst


Bound = tuple[float, bool] | None  # (value, exclusive)


def _bound(c: dict[str, object], side: str, integer: bool) -> Bound:
    strict, loose = ("gt", "ge") if side == "low" else ("lt", "le")
    if c.get(strict) is not None:
        value = float(c[strict])  # type: ignore[arg-type]
        if integer:  # gt 0 on an int is ge 1
            return (value + 1 if side == "low" else value - 1), False
        return value, True
    if c.get(loose) is not None:
        return float(c[loose]), False  # type: ignore[arg-type]
    return None


def _tighter(before: Bound, after: Bound, side: str) -> bool:
    if after is None:
        return False
    if before is None:
        return True
    sign = 1 if side == "low" else -1
    if after[0] != before[0]:
        return (after[0] - before[0]) * sign > 0
    return after[1] and not before[1]


def _show_bound(b: Bound, side: str) -> str:
    if b is None:
        return "unbounded"
    op = (">" if b[1] else ">=") if side == "low" else ("<" if b[1] else "<=")
    value = int(b[0]) if b[0].is_integer() else b[0]
    return f"{op} {value}"


# ---- shapes (for rename guesses) ---------------------------------------------


def _shape(s: SynapseSpec) -> tuple[object, ...]:
    return tuple((role, f.name, f.type.annotation()) for role in ("request", "response") for f in getattr(s, role))


def _model_shape(spec: SubnetSpec, name: str) -> tuple[object, ...] | None:
    model = next((m for m in spec.models if m.name == name), None)
    return tuple((f.name, f.type.annotation(), f.required) for f in model.fields) if model else None


def _all_fields(spec: SubnetSpec) -> list[FieldSpec]:
    return [f for s in spec.synapses for f in s.fields] + [f for m in spec.models for f in m.fields]


def _values(values: Sequence[str | int]) -> str:
    return ", ".join(repr(v) for v in values)
