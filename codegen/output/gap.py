"""The generation gap: report user-owned files that no longer fit the schema.

User-owned files (``hooks/<synapse>.py``) are written once and never touched
again, so a schema change can leave them behind: ``aggregate: custom`` added
but no ``aggregate()``, a result type that ``postprocess`` no longer matches,
an import of a class the protocol no longer defines. The contract a user file
must meet is the default the generator would write for it today, so each user
file is compared with that freshly rendered default: both are parsed with
``ast`` (the user's code is never imported or run) and every difference that
would break the generated code that calls it is reported as a warning.
"""

from __future__ import annotations

import ast
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path, PurePosixPath

from codegen.errors import Problem
from codegen.render.files import RenderedFile

Def = ast.FunctionDef | ast.AsyncFunctionDef

# Names a default defines only under some schemas; a user file that still has
# one the default no longer defines holds code that is no longer called.
CONDITIONAL = {"aggregate": "the synapse's aggregate is no longer `custom`", "Result": "the synapse's aggregate is no longer `custom`"}


def check(out: Path, packages: Mapping[str, list[RenderedFile]]) -> list[Problem]:
    """Warnings for every existing user-owned file that its current default has outgrown."""
    problems: list[Problem] = []
    for files in packages.values():
        modules = {f.path: f.text for f in files if f.path.endswith(".py") and not f.user_owned}  # your files define what they like
        for f in files:
            path = out / f.path
            if f.user_owned and path.is_file():
                problems += check_file(path.as_posix(), _read(path), f, modules)
    return sorted(problems)


def check_file(display: str, text: str | None, default: RenderedFile, modules: Mapping[str, str]) -> list[Problem]:
    """Compare one user file with the default the generator would write for it now."""
    if text is None:
        return [Problem(display, 0, 0, "warning: cannot read it as UTF-8 text; not checked against the schema")]
    if text == default.text:
        return []  # still the current default, which fits the generated code it is rendered with
    try:
        user = ast.parse(text, filename=display)
    except SyntaxError as exc:
        return [Problem(display, exc.lineno or 0, exc.offset or 0, f"warning: not valid Python ({exc.msg}); not checked against the schema")]
    expected = ast.parse(default.text)
    theirs, ours = top_level(user), top_level(expected)
    found: list[tuple[int, int, str]] = []
    if not _has_star_import(user):
        found += missing_names(theirs, ours, user)
    found += stale_names(theirs, ours)
    for name, node in ours.items():
        mine = theirs.get(name)
        if isinstance(node, Def) and isinstance(mine, Def):
            found += signature_changes(mine, node)
    found += missing_imports(user, default.path, modules)
    protocol = modules.get(f"{PurePosixPath(default.path).parts[0]}/protocol.py")
    if protocol is not None:  # (Python input: the classes are yours, and so are their fields)
        found += stale_fields(user, expected, _protocol_classes(protocol))
    return [Problem(display, line, col, f"warning: {message}") for line, col, message in sorted(found)]


def top_level(tree: ast.Module) -> dict[str, ast.AST]:
    """Module-level names and the statement that binds each (last binding wins)."""
    names: dict[str, ast.AST] = {}
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names[node.name] = node
        elif isinstance(node, ast.Assign):
            for target in node.targets:
                for name in ast.walk(target):
                    if isinstance(name, ast.Name):
                        names[name.id] = node
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names[node.target.id] = node
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            for alias in node.names:
                names[(alias.asname or alias.name).split(".")[0]] = node
    return names


def missing_names(theirs: Mapping[str, ast.AST], ours: Mapping[str, ast.AST], user: ast.Module) -> list[tuple[int, int, str]]:
    """Functions and aliases the generated code uses that the user file lacks."""
    out = []
    for name, node in ours.items():
        if name in theirs or isinstance(node, (ast.Import, ast.ImportFrom)):
            continue
        what = f"`{name}()`" if isinstance(node, Def) else f"`{name}`"
        out.append((0, 0, f"{what} is missing; the generated code now uses it (the default is `{_signature_line(node)}`)"))
    return out


def stale_names(theirs: Mapping[str, ast.AST], ours: Mapping[str, ast.AST]) -> list[tuple[int, int, str]]:
    """Hooks the user still defines that the generated code no longer calls."""
    out = []
    for name, why in CONDITIONAL.items():
        node = theirs.get(name)
        if node is not None and name not in ours and not isinstance(node, (ast.Import, ast.ImportFrom)):
            out.append((_line(node), _col(node), f"`{name}` is no longer used: {why}"))
    return out


def signature_changes(mine: Def, ours: Def) -> list[tuple[int, int, str]]:
    """A user function that can't take the generated call, or whose annotations no longer match it."""
    out = []
    wanted = ours.args.posonlyargs + ours.args.args
    have = mine.args.posonlyargs + mine.args.args
    required = len(have) - len(mine.args.defaults)
    if required > len(wanted) or (len(have) < len(wanted) and mine.args.vararg is None):
        out.append((mine.lineno, mine.col_offset + 1, f"`{mine.name}()` must take {len(wanted)} positional argument(s) like `{_signature_line(ours)}`"))
        return out
    for arg, want in zip(have, wanted):
        if arg.annotation is not None and want.annotation is not None and _norm(arg.annotation) != _norm(want.annotation):
            out.append((arg.lineno, arg.col_offset + 1, f"`{mine.name}({arg.arg}: {_norm(arg.annotation)})` but the generated code now passes `{_norm(want.annotation)}`"))
    if mine.returns is not None and ours.returns is not None and _norm(mine.returns) != _norm(ours.returns):
        out.append((mine.returns.lineno, mine.returns.col_offset + 1, f"`{mine.name}()` returns `{_norm(mine.returns)}` but the generated code now expects `{_norm(ours.returns)}`"))
    return out


def missing_imports(user: ast.Module, path: str, modules: Mapping[str, str]) -> list[tuple[int, int, str]]:
    """Names imported from a generated module of the package that it no longer defines."""
    out = []
    here = PurePosixPath(path).parent
    for node in ast.walk(user):
        if not isinstance(node, ast.ImportFrom) or node.level == 0 or not node.module:
            continue
        base = here
        for _ in range(node.level - 1):
            base = base.parent
        target = (base / node.module.replace(".", "/")).as_posix() + ".py"
        if target not in modules:
            continue
        defined = _defined_names(modules[target])
        for alias in node.names:
            if alias.name != "*" and alias.name not in defined:
                out.append((node.lineno, node.col_offset + 1, f"imports `{alias.name}` from `{'.' * node.level}{node.module}`, which no longer defines it"))
    return out


def stale_fields(user: ast.Module, default: ast.Module, classes: Mapping[str, frozenset[str]]) -> list[tuple[int, int, str]]:
    """Reads and writes of fields a protocol class no longer has (`synapse.old_name = ...` after
    a rename): mypy can't see them on a `bt.Synapse`, whose `__setattr__` takes any name, and the
    miner would answer 500. A variable counts as an instance of a protocol class when it is a
    parameter annotated with one (or, unannotated, in the place the default annotates), or is
    assigned a call of one; keyword arguments of such a call count as writes."""
    defaults = {node.name: node for node in default.body if isinstance(node, Def)}
    out: list[tuple[int, int, str]] = []
    for func in ast.walk(user):
        if not isinstance(func, Def):
            continue
        known: dict[str, str] = {}
        ours = defaults.get(func.name)
        theirs_args = func.args.posonlyargs + func.args.args + func.args.kwonlyargs
        wanted = (ours.args.posonlyargs + ours.args.args) if ours else []
        for i, arg in enumerate(theirs_args):
            annotation = arg.annotation or (wanted[i].annotation if i < len(wanted) else None)
            cls = _class_of(annotation, classes)
            if cls:
                known[arg.arg] = cls
        for node in _own_nodes(func):
            if isinstance(node, (ast.Assign, ast.AnnAssign)) and node.value is not None:
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                cls = _called_class(node.value, classes) or (_class_of(node.annotation, classes) if isinstance(node, ast.AnnAssign) else None)
                for target in targets:
                    if isinstance(target, ast.Name):
                        if cls:
                            known[target.id] = cls
                        else:
                            known.pop(target.id, None)
        for node in _own_nodes(func):
            if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id in known:
                cls = known[node.value.id]
                if not _has_attribute(node.attr, classes[cls]):
                    verb = "assigns" if isinstance(node.ctx, ast.Store) else "deletes" if isinstance(node.ctx, ast.Del) else "reads"
                    out.append((node.lineno, node.col_offset + 1, f"{verb} `{node.value.id}.{node.attr}`, but `{cls}` has no field `{node.attr}`{_did_you_mean(node.attr, classes[cls])}"))
            elif isinstance(node, ast.Call) and (cls := _called_class(node, classes)):
                for keyword in node.keywords:
                    if keyword.arg is not None and not _has_attribute(keyword.arg, classes[cls]):
                        out.append((keyword.lineno, keyword.col_offset + 1, f"passes `{keyword.arg}=` to `{cls}()`, which has no field `{keyword.arg}`{_did_you_mean(keyword.arg, classes[cls])}"))
    return out


def _own_nodes(func: Def) -> list[ast.AST]:
    """The nodes of a function's body, in source order, without those of functions nested in it."""
    nodes: list[ast.AST] = []
    todo: list[ast.AST] = list(reversed(func.body))
    while todo:
        node = todo.pop()
        nodes.append(node)
        if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)):
            todo += reversed(list(ast.iter_child_nodes(node)))
    return nodes


def _class_of(annotation: ast.expr | None, classes: Mapping[str, frozenset[str]]) -> str | None:
    """The protocol class an annotation names (`Dummy`, `protocol.Dummy`, `"Dummy"`, `Dummy | None`)."""
    if annotation is None:
        return None
    if isinstance(annotation, ast.Constant) and isinstance(annotation.value, str):
        try:
            annotation = ast.parse(annotation.value, mode="eval").body
        except SyntaxError:
            return None
    if isinstance(annotation, ast.BinOp) and isinstance(annotation.op, ast.BitOr):
        sides = [s for s in (annotation.left, annotation.right) if not (isinstance(s, ast.Constant) and s.value is None)]
        return _class_of(sides[0], classes) if len(sides) == 1 else None
    if isinstance(annotation, ast.Subscript) and isinstance(annotation.value, (ast.Name, ast.Attribute)):
        outer = annotation.value.id if isinstance(annotation.value, ast.Name) else annotation.value.attr
        return _class_of(annotation.slice, classes) if outer == "Optional" else None
    name = annotation.id if isinstance(annotation, ast.Name) else annotation.attr if isinstance(annotation, ast.Attribute) else None
    return name if name in classes else None


def _called_class(node: ast.expr, classes: Mapping[str, frozenset[str]]) -> str | None:
    if isinstance(node, ast.Call):
        return _class_of(node.func, classes)
    return None


def _has_attribute(name: str, attributes: frozenset[str]) -> bool:
    return name.startswith("_") or name in attributes or name in _BASE_ATTRIBUTES


def _did_you_mean(name: str, attributes: frozenset[str]) -> str:
    import difflib

    fields = sorted(a[len(_FIELD):] for a in attributes if a.startswith(_FIELD))
    close = difflib.get_close_matches(name, fields, n=1, cutoff=0.6)
    if close:
        return f"; did you mean `{close[0]}`?"
    return f"; its fields now: {', '.join(f'`{f}`' for f in fields)}" if fields else ""


@lru_cache(maxsize=1)
def _base_attributes() -> frozenset[str]:
    from pydantic import BaseModel

    from codegen.parser.names import SYNAPSE_NAMES

    return frozenset(dir(BaseModel)) | SYNAPSE_NAMES


class _Base:
    def __contains__(self, name: object) -> bool:
        return name in _base_attributes()


_BASE_ATTRIBUTES = _Base()
"""Attributes every protocol class has: pydantic's, and (on a synapse) bittensor.Synapse's."""


@lru_cache(maxsize=32)
def _protocol_classes(source: str) -> dict[str, frozenset[str]]:
    """Each class of a generated protocol.py with the names its body defines (fields, methods)."""
    classes: dict[str, frozenset[str]] = {}
    for node in ast.parse(source).body:
        if isinstance(node, ast.ClassDef) and {ast.unparse(b) for b in node.bases} & {"BaseModel", "bt.Synapse", "bt.StreamingSynapse"}:
            fields = {
                _FIELD + item.target.id for item in node.body
                if isinstance(item, ast.AnnAssign) and isinstance(item.target, ast.Name) and "ClassVar" not in ast.unparse(item.annotation)
            }
            classes[node.name] = frozenset(top_level(ast.Module(body=node.body, type_ignores=[]))) | fields
    return classes


_FIELD = " field:"
"""Marks the pydantic fields among a class's names (a prefix no identifier has)."""


@lru_cache(maxsize=32)
def _defined_names(source: str) -> frozenset[str]:
    """A generated module's top-level names, parsed once however many hook files import it."""
    return frozenset(top_level(ast.parse(source)))


def _has_star_import(tree: ast.Module) -> bool:
    return any(isinstance(n, ast.ImportFrom) and any(a.name == "*" for a in n.names) for n in tree.body)


def _norm(annotation: ast.expr) -> str:
    """An annotation as canonical text; a string annotation counts as the expression it holds."""
    if isinstance(annotation, ast.Constant) and isinstance(annotation.value, str):
        try:
            return ast.unparse(ast.parse(annotation.value, mode="eval").body)
        except SyntaxError:
            return annotation.value
    return ast.unparse(annotation)


def _signature_line(node: ast.AST) -> str:
    if isinstance(node, Def):
        args = ", ".join(f"{a.arg}: {_norm(a.annotation)}" if a.annotation else a.arg for a in node.args.args)
        returns = f" -> {_norm(node.returns)}" if node.returns else ""
        return f"def {node.name}({args}){returns}"
    return ast.unparse(node).splitlines()[0]


def _line(node: ast.AST) -> int:
    return int(getattr(node, "lineno", 0))


def _col(node: ast.AST) -> int:
    return int(getattr(node, "col_offset", -1)) + 1


def _read(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
