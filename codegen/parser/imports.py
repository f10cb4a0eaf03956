"""Which names a generated module imports: questions about the spec model that several targets ask."""

from __future__ import annotations

from codegen.parser import types as t
from codegen.parser.spec import SubnetSpec, SynapseSpec


def value_types(s: SynapseSpec) -> list[t.TypeRef]:
    """The types the deserialized value is written with (the hooks' signatures)."""
    if s.result_ref is not None:
        return [s.result_ref]
    return [s.deserialize.type] if s.deserialize else []


def named_types(s: SynapseSpec, spec: SubnetSpec) -> set[str]:
    """Enums and models one synapse's fields use, through nested models too."""
    fields_of = {m.name: m.fields for m in spec.models}
    names: set[str] = set()
    todo = list(s.fields)
    while todo:
        for ref in todo.pop().type.walk():
            if isinstance(ref, (t.EnumRef, t.ModelRef)) and ref.name not in names:
                names.add(ref.name)
                todo += fields_of.get(ref.name, [])
    return names


def hook_imports(s: SynapseSpec) -> list[str]:
    names = {s.name}
    for typ in value_types(s):
        for ref in typ.walk():
            if isinstance(ref, (t.EnumRef, t.ModelRef)):
                names.add(ref.name)
            elif isinstance(ref, t.TensorType):
                names.add("Tensor")
    return sorted(names)


def handler_imports(s: SynapseSpec, spec: SubnetSpec) -> list[str]:
    """Names the default miner handler needs: the synapse, and what its response samples build."""
    models = {m.name: m for m in spec.models}
    names = {s.name}
    pending = [f.type for f in s.response]
    while pending:
        for ref in pending.pop().walk():
            if isinstance(ref, (t.EnumRef, t.ModelRef)) and ref.name not in names:
                names.add(ref.name)
                if ref.name in models:
                    pending += [f.type for f in models[ref.name].fields if f.required]
            elif isinstance(ref, t.TensorType):
                names.add("to_tensor")
    if s.stream is not None and any(isinstance(r, t.TensorType) for r in s.stream.field.type.walk()):
        names.add("Tensor")  # the streamed pieces' annotation
    return sorted(names)
