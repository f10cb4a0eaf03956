"""Which fields of a hand-written synapse are the request and which the response.

Real protocols don't say, so the role is inferred from evidence, first rule that applies:

1. explicit: `--role SYNAPSE.FIELD=request|response` on the command line, else
   `Field(json_schema_extra={"apigen": "request"})` (or `"response"`) on the field;
2. the subnet's own code (``evidence.py``): a validator building `Foo(a=...)` or setting
   `synapse.a` before sending -> request; a miner's handler assigning `synapse.x` -> response;
3. no default (pydantic requires it): request — the caller must give it;
4. read in a `return` of the class's own `deserialize()`: response — it is the answer;
5. frozen: request — only the caller sets it;
6. default `None` or empty (`""`, `[]`, `{}`): response — miners fill it; but once
   `deserialize()` names the answer, an empty `""`/`[]`/`{}` is a parameter left empty: request;
7. any other default (`temperature: float = 0.7`): request — a parameter with a default.

`deserialize()` is read with `ast`, never called.
"""

from __future__ import annotations

import ast
import enum
import sys
import typing
from dataclasses import dataclass, field
from typing import Any, Literal

from pydantic.fields import FieldInfo
from pydantic_core import PydanticUndefined

from codegen.load.python_source import method_node
from codegen.parser.evidence import Evidence
from codegen.parser.evidence import decide as decide_evidence

Role = Literal["request", "response"]
ROLES = ("request", "response")
MARKER = "apigen"
MISSING: Any = object()


@dataclass(frozen=True)
class Deserialize:
    """What a synapse's `deserialize()` gives back, as far as its source shows."""

    kind: Literal["inherited", "self", "field", "computed"]
    field: str | None = None  # kind == "field": the one field it returns
    returned: frozenset[str] = frozenset()  # `self.X` names read in its return expressions
    annotation: Any = MISSING  # the resolved return annotation, if it has one
    line: int = 0


def analyse_deserialize(cls: type, fields: set[str]) -> Deserialize:
    """Read ``cls.deserialize``: inherited from bittensor, returning self, one field, or computed."""
    owner = next(c for c in cls.__mro__ if "deserialize" in c.__dict__)
    if owner.__module__.startswith("bittensor"):
        return Deserialize("inherited")
    node, _ = method_node(owner, "deserialize")
    annotation = _return_annotation(owner)
    line = node.lineno if node else 0
    if node is None:
        return Deserialize("computed", annotation=annotation, line=line)
    returns = [r.value for r in _returns(node)]
    returned = frozenset(
        n.attr for r in returns if r is not None for n in ast.walk(r)
        if isinstance(n, ast.Attribute) and isinstance(n.value, ast.Name) and n.value.id == "self" and n.attr in fields
    )
    if returns and all(isinstance(r, ast.Name) and r.id == "self" for r in returns):
        return Deserialize("self", returned=returned, annotation=annotation, line=line)
    attrs = [_self_attribute(r) for r in returns]
    if returns and None not in attrs and len(set(attrs)) == 1 and attrs[0] in fields:
        return Deserialize("field", field=attrs[0], returned=returned, annotation=annotation, line=line)
    return Deserialize("computed", returned=returned, annotation=annotation, line=line)


def _self_attribute(node: ast.expr | None) -> str | None:
    """``X`` for the expression ``self.X``, else None."""
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "self":
        return node.attr
    return None


def _returns(func: ast.AST) -> list[ast.Return]:
    """Return statements of ``func`` itself, not of functions nested in it."""
    out: list[ast.Return] = []
    stack = list(ast.iter_child_nodes(func))
    while stack:
        node = stack.pop()
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)):
            continue
        if isinstance(node, ast.Return):
            out.append(node)
        stack.extend(ast.iter_child_nodes(node))
    return out


def _return_annotation(owner: type) -> Any:
    func = owner.__dict__["deserialize"]
    if "return" not in getattr(func, "__annotations__", {}):
        return MISSING
    module = sys.modules.get(owner.__module__)
    try:
        hints = typing.get_type_hints(func, globalns=vars(module) if module else None, localns={owner.__name__: owner})
    except Exception:  # an unresolvable forward reference: treat as unannotated
        return MISSING
    return hints.get("return", MISSING)


@dataclass
class Decision:
    role: Role
    reason: str
    at: str | None = None  # FILE:LINE of the code that shows the role, when code does


@dataclass
class RoleRules:
    """Applies the rules above; ``overrides`` are the command line's `--role` choices."""

    overrides: dict[tuple[str, str], Role] = field(default_factory=dict)
    scan: list[str] = field(default_factory=list)  # --scan DIR: more code to read for evidence
    evidence: dict[tuple[str, str], list[Evidence]] = field(default_factory=dict)  # what the subnet's code shows

    def decide(self, synapse: str, name: str, info: FieldInfo, deser: Deserialize) -> Decision:
        if (synapse, name) in self.overrides:
            return Decision(self.overrides[synapse, name], "--role")
        marker = marker_of(info)
        if marker is not None:
            return Decision(marker, f'json_schema_extra={{"{MARKER}": "{marker}"}}')
        shown = decide_evidence(self.evidence.get((synapse, name), []))
        if shown is not None and not (shown.role == "response" and info.is_required()):
            return Decision(shown.role, shown.why, f"{shown.file}:{shown.line}")
        # No code speaks: the class's own signals.
        if info.is_required():
            return Decision("request", "required (no default)")
        if name in deser.returned:
            return Decision("response", "returned by deserialize()")
        if info.frozen:
            return Decision("request", "frozen: set by the caller")
        default = default_of(info)
        if default is None or (isinstance(default, (str, list, dict, tuple)) and not default):
            if deser.returned and default is not None:
                return Decision("request", f"default {default!r}, and deserialize() names the answer: a parameter left empty")
            return Decision("response", f"default {default!r}: miners fill it")
        return Decision("request", f"default {_short(default)}: a parameter")


def marker_of(info: FieldInfo) -> Role | None:
    """The field's explicit role marker, or None. Raises ValueError for a marker that names no role."""
    extra = info.json_schema_extra
    if not isinstance(extra, dict) or MARKER not in extra:
        return None
    value = extra[MARKER]
    if value not in ROLES:
        raise ValueError(f'`json_schema_extra={{"{MARKER}": {value!r}}}`: use "request" or "response"')
    return typing.cast(Role, value)


def default_of(info: FieldInfo) -> Any:
    """The field's default value (calling a default_factory), or MISSING when it has none."""
    if info.default_factory is not None:
        try:
            return info.default_factory()  # type: ignore[call-arg]
        except Exception:
            return MISSING
    return MISSING if info.default is PydanticUndefined else info.default


def parse_overrides(values: typing.Iterable[str]) -> dict[tuple[str, str], Role]:
    """`SYNAPSE.FIELD=request|response` options; ValueError with a usage hint for a malformed one."""
    out: dict[tuple[str, str], Role] = {}
    for value in values:
        target, _, role = value.partition("=")
        synapse, _, name = target.partition(".")
        if role not in ROLES or not synapse or not name:
            raise ValueError(f"--role {value!r}: expected SYNAPSE.FIELD=request or SYNAPSE.FIELD=response")
        out[synapse, name] = typing.cast(Role, role)
    return out


def _short(value: Any) -> str:
    text = f"{type(value).__name__}.{value.name}" if isinstance(value, enum.Enum) else repr(value)
    return text if len(text) <= 30 else text[:27] + "..."

