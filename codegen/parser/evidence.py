"""Roles from evidence: what the subnet's own validator and miner code does with each field.

The protocol's package root (the folder its top-level package is imported from) and every
`--scan DIR` are read with `ast` (never imported):

- a validator building a synapse, `Foo(a=..., b=...)`, or setting `synapse.a = ...` on one
  it built or is about to send -> `a` is a **request** field;
- a miner's handler (a function taking the synapse, that doesn't send it on) assigning
  `synapse.x = ...` -> `x` is a **response** field.

`Foo(x=[])` / `Foo(x=None)` is a validator initialising an answer slot, and a handler's
`synapse.x = None` clears a big input before answering: such empty values only count where
nothing else speaks. Otherwise the side more places show wins (request on a tie).
"""

from __future__ import annotations

import ast
import os
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from codegen.load.python_source import display_path

Role = Literal["request", "response"]
_SKIP_DIRS = {"site-packages", "node_modules", "__pycache__", "build", "dist", "generated", "test", "tests", "docs"}
_SEND = {"dendrite", "forward", "query", "__call__", "call", "call_stream", "aquery"}
_MAX_FILES = 3000
_MAX_BYTES = 1_000_000


@dataclass(frozen=True)
class Evidence:
    file: str
    line: int
    role: Role
    why: str
    strength: int  # 2: a value set by a validator, or a miner's assignment; 1: an empty value in a constructor


def python_files(roots: Iterable[Path]) -> list[Path]:
    """The .py files under ``roots`` (hidden folders, virtualenvs and installed packages left out)."""
    out: list[Path] = []
    seen: set[Path] = set()
    for root in roots:
        if root.is_file():
            out.append(root)
            continue
        for dirpath, dirnames, filenames in os.walk(root):
            dirnames[:] = sorted(d for d in dirnames if not d.startswith(".") and d not in _SKIP_DIRS and not (Path(dirpath, d) / "pyvenv.cfg").exists())
            for name in sorted(filenames):
                path = Path(dirpath, name).resolve()
                if name.endswith(".py") and not name.startswith("test_") and not name.endswith("_test.py") and path not in seen:
                    seen.add(path)
                    out.append(path)
                    if len(out) >= _MAX_FILES:
                        return out
    return out


def scan(files: Iterable[Path], synapses: dict[str, set[str]], display: Callable[[Path], str]) -> dict[tuple[str, str], list[Evidence]]:
    """Evidence for each (synapse, field) of ``synapses`` (name -> own field names) in ``files``."""
    found: dict[tuple[str, str], list[Evidence]] = {}
    for path in files:
        try:
            if path.stat().st_size > _MAX_BYTES:
                continue
            source = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        if not any(name in source for name in synapses):
            continue
        try:
            tree = ast.parse(source, str(path))
        except (SyntaxError, ValueError):
            continue
        _FileScan(display(path), synapses, found).visit_module(tree, path)
    return found


def _class_name(node: ast.expr | None) -> str | None:
    """`Foo`, `protocol.Foo`, `"Foo"` -> Foo; Optional[Foo] / Foo | None -> Foo."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value.rsplit(".", 1)[-1]
    if isinstance(node, ast.Subscript):
        return _class_name(node.slice)
    if isinstance(node, ast.BinOp):
        return _class_name(node.left) or _class_name(node.right)
    return None


def _is_empty(node: ast.expr) -> bool:
    if isinstance(node, ast.Constant):
        return node.value is None or node.value in ("", 0, 0.0, False)
    if isinstance(node, (ast.List, ast.Dict, ast.Tuple, ast.Set)):
        return not (node.elts if not isinstance(node, ast.Dict) else node.keys)
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ("list", "dict", "set", "str") and not node.args:
        return True
    return False


class _FileScan:
    def __init__(self, file: str, synapses: dict[str, set[str]], found: dict[tuple[str, str], list[Evidence]]) -> None:
        self.file = file
        self.synapses = synapses
        self.found = found
        lowered = file.lower()
        self.side: str | None = "miner" if "miner" in lowered and "validator" not in lowered else "validator" if "validator" in lowered and "miner" not in lowered else None

    def add(self, synapse: str, field: str, line: int, role: Role, why: str, strength: int = 2) -> None:
        if field in self.synapses.get(synapse, ()):
            self.found.setdefault((synapse, field), []).append(Evidence(self.file, line, role, why, strength))

    def visit_module(self, tree: ast.Module, path: Path) -> None:
        funcs = [n for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))]
        for func in funcs:
            self.function(func)
        in_functions = {id(n) for f in funcs for n in ast.walk(f)}
        for node in ast.walk(tree):  # constructor calls outside functions
            if isinstance(node, ast.Call) and id(node) not in in_functions:
                self.constructor(node, answer=False)

    def constructor(self, node: ast.Call, answer: bool) -> None:
        """`Foo(a=...)`: the request being built, or (``answer``) a handler building its answer."""
        name = _class_name(node.func) if isinstance(node.func, (ast.Name, ast.Attribute)) else None
        if name not in self.synapses:
            return
        for kw in node.keywords:
            if kw.arg is None:
                continue
            if answer:
                self.add(name, kw.arg, node.lineno, "response", f"a handler answers with {name}({kw.arg}=...)")
                continue
            empty = _is_empty(kw.value)
            self.add(name, kw.arg, node.lineno, "request", f"{name}({kw.arg}=...) builds the request" if not empty else f"{name}({kw.arg}={ast.unparse(kw.value)}) is only an empty slot", 1 if empty else 2)

    def function(self, func: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        typed: dict[str, str] = {}  # variable -> synapse class
        built: set[str] = set()  # variables this function built with a constructor
        args = func.args.posonlyargs + func.args.args + func.args.kwonlyargs
        for arg in args:
            name = _class_name(arg.annotation)
            if name in self.synapses:
                typed[arg.arg] = name
        body = list(ast.walk(func))
        for node in body:
            if isinstance(node, (ast.Assign, ast.AnnAssign)) and isinstance(node.value, ast.Call):
                name = _class_name(node.value.func) if isinstance(node.value.func, (ast.Name, ast.Attribute)) else None
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                if name in self.synapses:
                    for t in targets:
                        if isinstance(t, ast.Name):
                            typed[t.id] = name
                            built.add(t.id)
                elif name is not None and name.endswith("copy") and isinstance(node.value.func, ast.Attribute):
                    pass
            if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
                name = _class_name(node.annotation)
                if name in self.synapses:
                    typed[node.target.id] = name
        sent = self._sent(body)
        # an axon handler: takes the synapse and gives it back (whichever side runs the axon)
        handler = bool(typed) and (_class_name(func.returns) in self.synapses or "forward" in func.name)
        for node in body:
            if isinstance(node, ast.Call):
                self.constructor(node, answer=handler and not self._assigned_to_sent(func, node, sent))
        for node in body:
            assigned: list[ast.expr] = []
            if isinstance(node, ast.Assign):
                assigned = node.targets
            elif isinstance(node, (ast.AugAssign, ast.AnnAssign)):
                assigned = [node.target]
            for t in assigned:
                if not (isinstance(t, ast.Attribute) and isinstance(t.value, ast.Name)):
                    continue
                var, field = t.value.id, t.attr
                if var in typed:
                    owners = [typed[var]]
                elif "synapse" in var.lower():
                    owners = [s for s, fields in self.synapses.items() if field in fields]
                else:
                    continue
                for owner in owners:
                    if var in built or var in sent or (self.side == "validator" and var not in typed):
                        why = f"{var}.{field} = ... before sending" if var in sent else f"{var}.{field} = ... on a synapse built here"
                        self.add(owner, field, t.lineno, "request", why)
                    elif self.side == "validator" and var in typed and not handler:
                        continue  # a validator's helper given a synapse: can't tell
                    elif isinstance(node, ast.Assign) and _is_empty(node.value):  # clearing a big input before answering
                        self.add(owner, field, t.lineno, "response", f"{func.name}() clears {var}.{field}", 1)
                    else:
                        self.add(owner, field, t.lineno, "response", f"{func.name}() assigns {var}.{field}")

    @staticmethod
    def _assigned_to_sent(func: ast.AST, call: ast.Call, sent: set[str]) -> bool:
        """Whether ``call``'s value is assigned to a variable that is then sent (or passed straight to a send)."""
        for node in ast.walk(func):
            if isinstance(node, ast.Assign) and node.value is call:
                return any(isinstance(t, ast.Name) and t.id in sent for t in node.targets)
        return False

    def _sent(self, body: list[ast.AST]) -> set[str]:
        """Variables passed to a dendrite-like call (`self.dendrite(..., synapse=x)`, `dendrite.forward(axons, x)`)."""
        out: set[str] = set()
        for node in body:
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            callee = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
            owner = ast.unparse(func).lower()
            if callee in _SEND or "dendrite" in owner:
                for a in [*node.args, *(k.value for k in node.keywords)]:
                    if isinstance(a, ast.Name):
                        out.add(a.id)
        return out


def decide(evidence: list[Evidence]) -> Evidence | None:
    """The evidence that decides: values beat empty slots; among those, the side more places show (request on a tie)."""
    for strength in (2, 1):
        request = [e for e in evidence if e.role == "request" and e.strength >= strength]
        response = [e for e in evidence if e.role == "response" and e.strength >= strength]
        if request or response:
            group = response if len(response) > len(request) else request
            return min(group, key=lambda e: (e.file, e.line))
    return None


def for_source(source: Any, dirs: list[str], base_fields: set[str]) -> dict[tuple[str, str], list[Evidence]]:
    """What the subnet's validator and miner code shows about each field (its package root and --scan DIRs)."""
    top = sys.modules.get(source.module_name.split(".")[0])
    top_file = getattr(top, "__file__", None) or source.file
    root = Path(top_file).resolve().parent
    if top is not None and getattr(top, "__path__", None):
        root = root.parent  # a package: the folder it is imported from holds the neurons too
    roots = [root, *(Path(d) for d in dirs)]
    fields = {cls.__name__: {f for f in getattr(cls, "model_fields", {}) if f not in base_fields} for cls in source.classes}
    # the protocol module's own helpers (factories, deserialize) say nothing about who sends what
    own = {Path(f).resolve() for f in (getattr(source.module, "__file__", None), source.file) if f}
    return scan([f for f in python_files(roots) if f.resolve() not in own], fields, display_path)
