"""What a target is: the answers every bittensor major version gives the renderer."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from codegen.parser.spec import SubnetSpec


@dataclass(frozen=True)
class Target:
    major: str  # "10", "11": the value of --bittensor
    templates: str  # folder under codegen/templates ("" for the templates' root)
    runtime_modules: Callable[[SubnetSpec], list[str]]  # modules besides the common ones
    test_modules: tuple[str, ...]  # tests/<name> rendered once per package
    requirements: Callable[[SubnetSpec], list[str]]
    unsupported: Callable[[SubnetSpec], list[str]] = lambda spec: []  # what this target can't generate, if used
    takes_python_input: bool = True  # can the package import the user's own bt.Synapse classes?
    filters: dict[str, Callable[..., object]] = field(default_factory=dict)
    data_files: Callable[[SubnetSpec], dict[str, str]] = lambda spec: {}  # path -> text, not rendered from a template

    @property
    def pin(self) -> str:
        return f"bittensor>={self.major},<{int(self.major) + 1}"
