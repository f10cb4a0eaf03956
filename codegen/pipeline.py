"""The whole run: load every schema -> spec -> render -> format -> plan -> write.

Nothing touches the output tree until every input has loaded, validated,
rendered and formatted without error.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from codegen.errors import InputError, Problem, display_path

if TYPE_CHECKING:
    from codegen.parser.spec import SubnetSpec
    from codegen.render.files import RenderedFile
    from codegen.targets import Target


@dataclass
class Options:
    out: Path
    subnet: str | None = None


def load_spec(arg: str, subnet: str | None, roles: Sequence[str] = (), report: Callable[[str], None] | None = None, strict: bool = False, scan: Sequence[str] = ()) -> SubnetSpec:
    """Load one schema argument: a YAML file, or Python input (a .py file or dotted module)."""
    display = display_path(arg)
    if arg.endswith((".yaml", ".yml")) or Path(arg).is_dir():
        from codegen.parser.memo import load_yaml_spec

        if roles:
            raise InputError([Problem("--role", 0, 0, "applies to Python input only; in YAML, list the field under `request:` or `response:`")])
        return load_yaml_spec(Path(arg), display, subnet)
    from codegen.load.python_source import is_python_schema

    if is_python_schema(arg):
        return load_python_spec(arg, subnet, roles, report, strict, scan)
    raise InputError(
        [Problem(display, 0, 0, "unsupported schema: give a YAML file (.yaml/.yml), a Python file (.py) or a dotted module (pkg.protocol)")]
    )


def load_python_spec(arg: str, subnet: str | None, roles: Sequence[str] = (), report: Callable[[str], None] | None = None, strict: bool = False, scan: Sequence[str] = ()) -> SubnetSpec:
    """Python input: import the protocol module (this runs the user's code and bittensor) and read it."""
    if not subnet:
        raise InputError([Problem(display_path(arg), 0, 0, "Python input needs --subnet NAME: the name of the package to generate")])
    from codegen.load.python_source import load_python
    from codegen.parser.from_python import spec_from_python
    from codegen.parser.roles import RoleRules, parse_overrides

    try:
        rules = RoleRules(parse_overrides(roles), scan=list(scan))
    except ValueError as exc:
        raise InputError([Problem("--role", 0, 0, str(exc).removeprefix("--role "))]) from None
    return spec_from_python(load_python(arg), subnet, rules, report, strict)


def split_subnet(arg: str) -> tuple[str, str | None]:
    """`pkg.module[:Class]=NAME` is Python input with its package name (for several in one run or config)."""
    schema, sep, name = arg.rpartition("=")
    if sep and schema and name.isidentifier() and not schema.endswith((".yaml", ".yml")):
        return schema, name
    return arg, None


def load_all(args: list[str], subnet: str | None, roles: Sequence[str] = (), report: Callable[[str], None] | None = None, strict: bool = False, scan: Sequence[str] = ()) -> list[SubnetSpec]:
    """Load every schema, reporting the problems of all of them together."""
    problems: list[Problem] = []
    specs: list[SubnetSpec] = []
    if subnet and len(args) > 1:
        raise InputError([Problem("subnet-apigen", 0, 0, "--subnet names one package; give one schema with it")])
    for arg in args:
        arg, own_subnet = split_subnet(arg)
        try:
            specs.append(load_spec(arg, own_subnet or subnet, roles, report, strict, scan))
        except InputError as exc:
            problems += exc.problems
    seen: dict[str, str] = {}
    for spec in specs:
        if spec.name in seen:
            problems.append(Problem(spec.source, 0, 0, f"subnet {spec.name!r} is also generated from {seen[spec.name]}; each subnet needs its own name"))
        seen[spec.name] = spec.source
    if problems:
        raise InputError(problems)
    return specs


def build(specs: list[SubnetSpec], major: str = "10") -> dict[str, list[RenderedFile]]:
    """Render and format every package for bittensor `major` ("10" or "11")."""
    from codegen import targets
    from codegen.format.files import format_files

    target = targets.get(major)
    problems = [
        Problem(spec.source, 0, 0, f"--bittensor {major} does not support {what} yet; generate this subnet for bittensor 10")
        for spec in specs for what in target.unsupported(spec)
    ]
    problems += [
        Problem(spec.source, 0, 0, f"--bittensor {major} can't import your bt.Synapse classes (bittensor {major} removed them); "
                f"write the YAML with `subnet-apigen import {spec.source} --subnet {spec.name} -o {spec.name}.yaml` and generate from that")
        for spec in specs if spec.protocol_module and not target.takes_python_input
    ]
    if problems:
        raise InputError(problems)
    return {spec.name: format_files(render_package(spec, target), spec.source) for spec in specs}


def render_package(spec: SubnetSpec, target: Target) -> list[RenderedFile]:
    """Render one package, reusing the last run's rendering of what no change reached."""
    from codegen.render.memo import VERIFY_ENV, RenderMemo
    from codegen.render.files import render

    memo = RenderMemo(spec, target.major)
    files = render(spec, target, memo)
    memo.save()
    if os.environ.get(VERIFY_ENV):
        fresh = render(spec, target, whole=True)
        if [(f.path, f.text) for f in files] != [(f.path, f.text) for f in fresh]:
            raise AssertionError(f"{spec.source}: rendering piece by piece, or reusing pieces, differs from rendering whole")
    return files
