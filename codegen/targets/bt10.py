"""bittensor 10: ``bt.Synapse`` classes, ``SubnetsAPI`` subclasses over a ``Dendrite``, a ``bt.Axon`` miner."""

from __future__ import annotations

from codegen.parser.spec import SubnetSpec
from codegen.targets.limits import max_answer_bytes
from codegen.targets.target import Target


def runtime_modules(spec: SubnetSpec) -> list[str]:
    return ["_dendrite.py", "_runtime.py"] + (["_stream.py"] if spec.streams else [])


def requirements(spec: SubnetSpec) -> list[str]:
    return ["torch>=2.1"] if spec.uses_tensor else []  # bittensor 10's Tensor needs torch


TARGET = Target(
    major="10",
    templates="",
    runtime_modules=runtime_modules,
    test_modules=("hostile.py", "test_miner.py"),
    requirements=requirements,
    filters={"bt10_max_answer_bytes": max_answer_bytes},
)
