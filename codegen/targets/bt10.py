"""bittensor 10: ``bt.Synapse`` classes, ``SubnetsAPI`` subclasses over a ``Dendrite``, a ``bt.Axon`` miner."""

from __future__ import annotations

from codegen.parser.spec import SubnetSpec
from codegen.targets.target import Target


def runtime_modules(spec: SubnetSpec) -> list[str]:
    return ["_runtime.py"] + (["_stream.py"] if spec.streams else [])


def requirements(spec: SubnetSpec) -> list[str]:
    return ["torch>=2.1"] if spec.uses_tensor else []  # bittensor 10's Tensor needs torch


TARGET = Target(
    major="10",
    templates="",
    runtime_modules=runtime_modules,
    test_modules=("test_miner.py",),
    requirements=requirements,
)
