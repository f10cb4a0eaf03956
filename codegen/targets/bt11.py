"""bittensor 11: plain pydantic request/response models, signed HTTP (btauth/1) with httpx, a FastAPI miner."""

from __future__ import annotations

import re

from codegen.parser.imports import hook_imports, named_types
from codegen.parser.spec import SubnetSpec, SynapseSpec
from codegen.targets.openapi import openapi_json
from codegen.targets.target import Target


def runtime_modules(spec: SubnetSpec) -> list[str]:
    return ["_transport.py"]


def requirements(spec: SubnetSpec) -> list[str]:
    return ["fastapi>=0.110", "httpx>=0.27", "uvicorn>=0.29"]


def unsupported(spec: SubnetSpec) -> list[str]:
    return [what for what, used in (("streaming synapses", spec.streams), ("tensor fields", spec.uses_tensor)) if used]


def data_files(spec: SubnetSpec) -> dict[str, str]:
    return {"openapi.json": openapi_json(spec)}


def bt11_test_imports(s: SynapseSpec, spec: SubnetSpec) -> list[str]:
    return sorted(named_types(s, spec) | {f"{s.name}Request", f"{s.name}Response"})


def bt11_route_models(spec: SubnetSpec) -> list[str]:
    return [f"{s.name}{kind}" for s in spec.synapses for kind in ("Request", "Response")]


def bt11_protocol_names(spec: SubnetSpec) -> list[str]:
    return [e.name for e in spec.enums] + [m.name for m in spec.models] + bt11_route_models(spec)


def bt11_typing(spec: SubnetSpec) -> list[str]:
    """`typing` names protocol.py needs (no ClassVar: btauth signs the whole body)."""
    every = [f for m in spec.models for f in m.fields] + [f for s in spec.synapses for f in s.fields]
    names = {line.rsplit(" ", 1)[1] for f in every for line in f.type.imports(wire=True)}
    if spec.uses_bytes:
        names.update({"Annotated", "Any"})
    return sorted(names)


def bt11_value(text: str, s: SynapseSpec) -> str:
    """A value/result type with the synapse itself (no `deserialize`) spelled as its response model."""
    return text if s.deserialize else re.sub(rf"\b{s.name}\b", f"{s.name}Response", text)


def bt11_hook_imports(s: SynapseSpec) -> list[str]:
    names = set(hook_imports(s)) - {s.name} | {f"{s.name}Request"}
    if s.deserialize is None:
        names.add(f"{s.name}Response")
    return sorted(names)


TARGET = Target(
    major="11",
    templates="bt11/",
    runtime_modules=runtime_modules,
    test_modules=("test_openapi.py",),
    requirements=requirements,
    unsupported=unsupported,
    takes_python_input=False,
    data_files=data_files,
    filters={
        "bt11_test_imports": bt11_test_imports,
        "bt11_typing": bt11_typing,
        "bt11_protocol_names": bt11_protocol_names,
        "bt11_route_models": bt11_route_models,
        "bt11_hook_imports": bt11_hook_imports,
        "bt11_value": bt11_value,
    },
)
