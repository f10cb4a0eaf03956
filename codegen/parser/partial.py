"""Partial generation for Python input: a synapse that can't be generated costs only itself.

A real protocol module is the user's, written before this generator existed: one field the
generator can't express (even in a model of another file that a synapse uses) skips that
synapse with a warning at the field (`FILE:LINE:COL: warning: <Synapse> skipped: <why>`),
and every other synapse of the module is generated. `--strict` makes the warnings errors;
a module none of whose synapses can be generated is an error either way.
"""

from __future__ import annotations

import re
from typing import Any

from codegen.errors import InputError, Problem
from codegen.load.yaml_source import Path_

Protocol = Any  # from_python.Protocol (which imports this module)

_WORD = re.compile(r"[A-Za-z_]\w*")
DEFECT = "\0defect:"  # marks a reason that is a protocol defect, not a limit of the generator


def skip_owned(p: Protocol, owned: dict[Path_, list[Problem]], strict: bool, defects: dict[str, list[Problem]] | None = None) -> None:
    """Skip every synapse with a problem of its own or in a model it uses (``owned`` by synapse or model),
    and every synapse bittensor 10 can't carry (``defects``, reported as such)."""
    users = _users(p)
    reasons: dict[str, list[Problem]] = {}
    for name, problems in (defects or {}).items():
        reasons.setdefault(name, []).extend(Problem(q.file, q.line, q.col, DEFECT + q.message) for q in problems)
    for path, problems in owned.items():
        kind, name = str(path[0]), str(path[1])
        for synapse in users.get((kind, name), set()):
            via = f"model `{name}`: " if kind == "models" else ""
            reasons.setdefault(synapse, []).extend(Problem(q.file, q.line, q.col, via + q.message) for q in problems)
    _skip(p, reasons, strict)


def skip_for(p: Protocol, exc: InputError, strict: bool) -> None:
    """Skip the synapses a later stage's problems point at; re-raise when one points at no synapse."""
    users = _users(p)
    reasons: dict[str, list[Problem]] = {}
    for problem in exc.problems:
        hit: set[str] = set()
        for path, where in p.where.items():
            if (where.line, where.col) == (problem.line, problem.col) and problem.file in (where.file, p.source.arg) and len(path) >= 2:
                hit |= users.get((str(path[0]), str(path[1])), set())
        if not hit:
            raise exc
        for synapse in hit:
            reasons.setdefault(synapse, []).append(problem)
    _skip(p, reasons, strict)


def _skip(p: Protocol, reasons: dict[str, list[Problem]], strict: bool) -> None:
    if not reasons and not (strict and p.warnings):
        return
    warnings = [Problem(q.file, q.line, q.col, f"warning: {_say(name, q.message)}") for name, problems in reasons.items() for q in problems]
    left = [name for name in p.data.get("synapses", {}) if name not in reasons]
    if strict or not left:
        errors = [Problem(q.file, q.line, q.col, _say(name, q.message) if q.message.startswith(DEFECT) else q.message) for name, problems in reasons.items() for q in problems]
        errors += [Problem(w.file, w.line, w.col, w.message.removeprefix("warning: ")) for w in p.warnings]
        if not left and not strict:
            errors.append(Problem(p.source.file, 0, 0, "none of the module's synapses can be generated (each reason above)"))
        raise InputError(errors)
    p.warnings += warnings
    for name in reasons:
        p.data["synapses"].pop(name, None)
        p.synapses.pop(name, None)
        p.results.pop(name, None)
        p.own_deserialize.pop(name, None)
        p.computed.discard(name)
        for path in [path for path in p.where if path[:2] == ("synapses", name)]:
            del p.where[path]
    _prune(p)


def _say(synapse: str, message: str) -> str:
    if message.startswith(DEFECT):
        return f"{synapse} can't be queried on bittensor 10: {message.removeprefix(DEFECT)}"
    return f"{synapse} skipped: {message}"


def _prune(p: Protocol) -> None:
    """Drop the models and enums no synapse left uses."""
    used = _reachable(p, set(p.data.get("synapses", {})))
    for kind, table in (("models", p.models), ("enums", p.enums)):
        data = p.data.get(kind, {})
        for name in [n for n in data if n not in used]:
            del data[name]
            table.pop(name, None)  # type: ignore[attr-defined]
            for path in [path for path in p.where if path[:2] == (kind, name)]:
                del p.where[path]
        if kind in p.data and not data:
            del p.data[kind]


def _names(value: Any) -> set[str]:
    """Identifiers in a field entry's type text (and its nested entries)."""
    if isinstance(value, str):
        return set(_WORD.findall(value))
    if isinstance(value, dict):
        out: set[str] = set()
        for key, v in value.items():
            if key in ("type", "request", "response", "fields") or isinstance(v, dict):
                out |= _names(v)
        return out
    return set()


def _refs(p: Protocol) -> dict[tuple[str, str], set[str]]:
    """What each synapse and model names directly (models and enums)."""
    known = set(p.data.get("models", {})) | set(p.data.get("enums", {}))
    out: dict[tuple[str, str], set[str]] = {}
    for name, sdef in p.data.get("synapses", {}).items():
        out["synapses", name] = (_names(sdef) | _names(p.results.get(name, ""))) & known
    for name, mdef in p.data.get("models", {}).items():
        out["models", name] = _names(mdef) & known
    return out


def _reachable(p: Protocol, synapses: set[str]) -> set[str]:
    refs = _refs(p)
    kinds = {n: "models" for n in p.data.get("models", {})} | {n: "enums" for n in p.data.get("enums", {})}
    seen: set[str] = set()
    stack = [n for s in synapses for n in refs.get(("synapses", s), set())]
    while stack:
        name = stack.pop()
        if name in seen:
            continue
        seen.add(name)
        stack.extend(refs.get((kinds.get(name, ""), name), set()))
    return seen


def _users(p: Protocol) -> dict[tuple[str, str], set[str]]:
    """For each synapse, model and enum: the synapses that use it (a synapse uses itself)."""
    out: dict[tuple[str, str], set[str]] = {}
    kinds = {n: "models" for n in p.data.get("models", {})} | {n: "enums" for n in p.data.get("enums", {})}
    # models whose fields were dropped aren't in data any more: the types reader still knows them
    for name in p.models:
        kinds.setdefault(name, "models")
    for synapse in p.data.get("synapses", {}):
        out["synapses", synapse] = {synapse}
        for name in _reachable(p, {synapse}):
            out.setdefault((kinds.get(name, "models"), name), set()).add(synapse)
    return out
