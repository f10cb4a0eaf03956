"""bittensor 11: plain pydantic request/response models, signed HTTP (btauth/1) with httpx, a FastAPI miner."""

from __future__ import annotations

import base64
import math
import re
from typing import Any

from codegen.parser import types as t
from codegen.parser.imports import handler_imports, hook_imports, named_types
from codegen.parser.spec import SubnetSpec, SynapseSpec
from codegen.targets.limits import max_answer_bytes, max_request_bytes
from codegen.targets.openapi import openapi_json
from codegen.targets.target import Target


def runtime_modules(spec: SubnetSpec) -> list[str]:
    return ["_transport.py", "_server.py", "_v10bridge.py"]  # _v10bridge: bittensor 10's wire, for the migration


def requirements(spec: SubnetSpec) -> list[str]:
    return ["fastapi>=0.110", "httpx>=0.27", "redis>=5  # only for --nonce-store redis://", "uvicorn>=0.29"] + (
        ["numpy>=1.26"] if spec.uses_tensor else []
    )


def data_files(spec: SubnetSpec) -> dict[str, str]:
    return {"openapi.json": openapi_json(spec)}


def bt11_test_imports(s: SynapseSpec, spec: SubnetSpec) -> list[str]:
    uses = any(isinstance(ref, t.TensorType) for f in s.fields for ref in f.type.walk())
    tensors = {"Tensor", "to_tensor"} if uses else set()
    stream = {s.stream.frames_name} if s.stream else set()
    return sorted(named_types(s, spec) | tensors | stream | {f"{s.name}Request", f"{s.name}Response"})


def bt11_handler_imports(s: SynapseSpec, spec: SubnetSpec) -> list[str]:
    """Names the default handler needs: its route models, and what its response samples build."""
    return sorted(set(handler_imports(s, spec)) - {s.name} | {f"{s.name}Request", f"{s.name}Response"})


def bt11_miner_imports(spec: SubnetSpec) -> list[str]:
    """What miner.py takes from protocol.py: the route models, and each streaming synapse's frames."""
    return sorted(bt11_route_models(spec) + [s.stream.frames_name for s in spec.synapses if s.stream])


def bt11_tensor_probe(spec: SubnetSpec) -> dict[str, Any] | None:
    """For the miner's tests: the first request tensor field, and wire values it must refuse (422)."""
    for s in spec.synapses:
        for f in s.request:
            tensor = next((r for r in f.type.walk() if isinstance(r, t.TensorType)), None)
            if tensor is None:
                continue
            dtype = tensor.dtype or "float32"
            shape = list(tensor.sample_shape or (2,))

            def wire(dt: str, dims: list[int]) -> dict[str, Any]:
                count = math.prod(dims) * _ITEMSIZE[dt]
                return {"dtype": dt, "shape": dims, "data": base64.b64encode(bytes(count)).decode("ascii")}

            bad = [{"dtype": dtype, "shape": [3], "data": "AAAA"}]  # data that doesn't hold 3 values
            if tensor.dtype is not None:
                bad.append(wire("float64" if dtype != "float64" else "float32", shape))
            if tensor.shape is not None:
                bad.append(wire(dtype, [*shape, 2]))
            return {"synapse": s, "field": f.name, "bad": bad}
    return None


_ITEMSIZE = {"float16": 2, "float32": 4, "float64": 8, "uint8": 1, "int8": 1, "int16": 2, "int32": 4, "int64": 8, "bool": 1}


def bt11_route_models(spec: SubnetSpec) -> list[str]:
    return [f"{s.name}{kind}" for s in spec.synapses for kind in ("Request", "Response")]


def bt11_protocol_names(spec: SubnetSpec) -> list[str]:
    tensor = ["Tensor", "TensorOf", "decode_tensor", "encode_tensor", "to_tensor"] if spec.uses_tensor else []
    return tensor + [e.name for e in spec.enums] + [m.name for m in spec.models] + bt11_route_models(spec)


def bt11_typing(spec: SubnetSpec) -> list[str]:
    """`typing` names protocol.py needs (no ClassVar: btauth signs the whole body)."""
    every = [f for m in spec.models for f in m.fields] + [f for s in spec.synapses for f in s.fields]
    names = {line.rsplit(" ", 1)[1] for f in every for line in f.type.imports(wire=True)}
    if spec.uses_bytes:
        names.update({"Annotated", "Any"})
    if spec.uses_tensor:
        names.update({"Annotated", "Any", "TypeAlias"})
    if spec.streams:
        names.update({"Any", "Generic", "TypeVar"})
    return sorted(names)


def bt11_value(text: str, s: SynapseSpec) -> str:
    """A value/result type with the synapse itself (no `deserialize`) spelled as its response model."""
    return text if s.deserialize else re.sub(rf"\b{s.name}\b", f"{s.name}Response", text)


def v10_synapses(spec: SubnetSpec) -> list[SynapseSpec]:
    """The synapses the package also serves and sends over bittensor 10's wire (_v10bridge.py).
    A filter, not a SubnetSpec property: the render memo digests those, and this one lists synapses."""
    return [s for s in spec.synapses if s.v10_bridge]


def bt11_hook_imports(s: SynapseSpec) -> list[str]:
    names = set(hook_imports(s)) - {s.name} | {f"{s.name}Request"}
    if s.deserialize is None:
        names.add(f"{s.name}Response")
    return sorted(names)


TARGET = Target(
    major="11",
    templates="bt11/",
    runtime_modules=runtime_modules,
    test_modules=("test_openapi.py", "test_transport.py", "test_miner.py", "test_v10bridge.py"),
    requirements=requirements,
    takes_python_input=False,
    data_files=data_files,
    filters={
        "bt11_test_imports": bt11_test_imports,
        "bt11_typing": bt11_typing,
        "bt11_protocol_names": bt11_protocol_names,
        "bt11_route_models": bt11_route_models,
        "bt11_hook_imports": bt11_hook_imports,
        "bt11_value": bt11_value,
        "v10_synapses": v10_synapses,
        "bt11_max_body": max_request_bytes,
        "bt11_miner_imports": bt11_miner_imports,
        "bt11_handler_imports": bt11_handler_imports,
        "bt11_max_bytes": max_answer_bytes,
        "bt11_tensor_probe": bt11_tensor_probe,
    },
)
