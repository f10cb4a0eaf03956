"""`subnet-apigen import`: the YAML schema equivalent to a Python protocol module.

The Pydantic loader already reads the classes as YAML-shaped schema data; this
dumps that data, after checking that it builds the same way from Python and,
once written out and read back, from YAML, so a team can move its protocol to
YAML and regenerate an API with the same signatures.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import yaml

from codegen.errors import InputError, Problem


def import_schema(arg: str, subnet: str, roles: Sequence[str] = (), report: Callable[[str], None] | None = None, name: str = "schema.yaml") -> str:
    """The YAML text for the Python protocol ``arg``; InputError if it can't be expressed."""
    from codegen.load.python_source import load_python
    from codegen.load.yaml_source import parse_yaml
    from codegen.parser.from_python import PythonBuilder, read_protocol
    from codegen.parser.from_yaml import spec_from_document, validate
    from codegen.parser.roles import RoleRules, parse_overrides

    try:
        rules = RoleRules(parse_overrides(roles))
    except ValueError as exc:
        raise InputError([Problem("--role", 0, 0, str(exc).removeprefix("--role "))]) from None
    protocol = read_protocol(load_python(arg), subnet, rules)
    for line in protocol.notes:
        (report or (lambda _: None))(line)
    PythonBuilder(protocol, validate(protocol.document())).build()
    text = dump(protocol.data, header(arg, protocol.caveats))
    try:
        spec_from_document(parse_yaml(text, name), None)
    except InputError as exc:  # e.g. enum values YAML can't name members for
        raise InputError([Problem(protocol.source.file, 0, 0, f"the YAML copy would not load: {p}") for p in exc.problems]) from None
    return text


def header(arg: str, caveats: list[str]) -> list[str]:
    lines = [
        f"Imported by subnet-apigen from {arg}: the YAML equivalent of its synapse classes.",
        "Request/response roles were inferred (see the README's rule): check them.",
    ]
    return lines + caveats


class _Dumper(yaml.SafeDumper):
    """Block style, multi-line text as `|` literals: a schema people will edit by hand."""


def _str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _str)


def dump(data: dict[str, Any], comments: list[str]) -> str:
    body = yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100, default_flow_style=False)
    head = "".join(f"# {line}\n" for line in comments)
    return head + body
