"""Stage 1 for Python input: import a subnet's protocol module and pick its synapse classes.

`SCHEMA` may be a `.py` file, a dotted module (`mysubnet.protocol`) or either with
`:ClassName`. The module is imported as the user would import it (the working
directory and the file's own package root on `sys.path`), because the generated
package imports the user's classes from it by that name. Only `bittensor.Synapse`
subclasses *defined* in the module count, not ones it imports.

Importing runs the user's code (and bittensor): this module is only ever loaded
for Python input, so generating from YAML never imports bittensor.
"""

from __future__ import annotations

import ast
import contextlib
import importlib
import importlib.util
import re
import sys
import traceback
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from types import ModuleType
from typing import Any

from codegen.errors import InputError, Problem

_DOTTED = re.compile(r"^[A-Za-z_]\w*(\.[A-Za-z_]\w*)*$")


def is_python_schema(arg: str) -> bool:
    """Whether a SCHEMA argument names Python input (a .py file or a dotted module)."""
    target, _, cls = arg.partition(":") if not _is_windows_drive(arg) else (arg, "", "")
    if target.endswith(".py"):
        return True
    return bool(_DOTTED.match(target)) and not Path(target).exists() and (not cls or cls.isidentifier())


def _is_windows_drive(arg: str) -> bool:
    return len(arg) > 2 and arg[1] == ":" and arg[0].isalpha() and arg[2] in "\\/"


@dataclass
class PythonSource:
    """An imported protocol module and the synapse classes to generate from."""

    arg: str  # the module as given (a file relative to the working directory), named in generated headers
    module: ModuleType
    module_name: str  # the dotted name the generated package imports from
    file: str  # the module's file, for messages (relative to the working directory)
    classes: list[type]  # the selected synapse classes, in source order
    synapse_base: type  # bittensor.Synapse
    skipped: list[Problem] = field(default_factory=list)  # warnings: synapses left out (streaming...)
    notes: list[str] = field(default_factory=list)  # classes left out on purpose (bases of others)


def load_python(arg: str) -> PythonSource:
    """Import the module ``arg`` names and collect its synapse classes; InputError if that fails."""
    target, _, class_name = arg.partition(":")
    if target.endswith(".py"):
        module_name, root, file = _module_of_file(target, arg)
        arg = file + (f":{class_name}" if class_name else "")  # as headers name it: relative, '/'-separated
    else:
        module_name, root, file = target, Path.cwd(), ""
    module = _import(module_name, root, arg, file)
    file = display_path(getattr(module, "__file__", None) or file or arg)
    base = _synapse_base()
    defined = _defined_synapses(module, base)
    if class_name:
        return PythonSource(arg, module, module_name, file, [_pick(module, class_name, defined, base, file)], base)
    classes, skipped, notes = _wire_synapses(defined)
    if not classes:
        if skipped:
            raise InputError([Problem(w.file, w.line, w.col, w.message.removeprefix("warning: ")) for w in skipped])
        hint = "; " + " ".join(notes) if notes else ""
        raise InputError([Problem(file, 0, 0, f"no bittensor.Synapse subclasses are defined in `{module_name}` (imported ones don't count){hint}")])
    return PythonSource(arg, module, module_name, file, classes, base, skipped, notes)


def display_path(path: str | Path) -> str:
    """A path as messages show it: relative to the working directory where possible, '/'-separated."""
    p = Path(path)
    try:
        return p.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return p.as_posix()


# ---- resolving and importing ---------------------------------------------


def _module_of_file(target: str, arg: str) -> tuple[str, Path, str]:
    """The dotted name a .py file is imported by: its package's parents up to the first dir without __init__.py."""
    path = Path(target)
    if not path.is_file():
        raise InputError([Problem(display_path(path), 0, 0, "no such file" if not path.exists() else "not a file")])
    path = path.resolve()
    parts = [path.stem]
    root = path.parent
    while (root / "__init__.py").is_file():
        parts.insert(0, root.name)
        root = root.parent
    name = ".".join(parts)
    if not _DOTTED.match(name) or any(not p.isidentifier() for p in parts):
        raise InputError([Problem(display_path(path), 0, 0, f"`{name}` is not an importable module name; rename the file (and its package folders) to Python identifiers")])
    return name, root, display_path(path)


@contextlib.contextmanager
def _search_path(root: Path) -> Iterator[None]:
    """The working directory and the module's package root on sys.path, for the import only."""
    added = [str(p) for p in dict.fromkeys([root, Path.cwd()]) if str(p) not in sys.path]
    sys.path[:0] = added
    try:
        yield
    finally:
        for p in added:
            with contextlib.suppress(ValueError):
                sys.path.remove(p)


def _import(name: str, root: Path, arg: str, file: str) -> ModuleType:
    where = file or arg
    # The user's prints must not mix with our stdout (e.g. `import ... > schema.yaml`).
    with _search_path(root), contextlib.redirect_stdout(sys.stderr):
        existing = sys.modules.get(name)
        if existing is not None and file and getattr(existing, "__file__", None):
            if Path(existing.__file__ or "").resolve() != (Path.cwd() / file).resolve():
                raise InputError([Problem(where, 0, 0, f"module name `{name}` is already taken by {display_path(existing.__file__ or '')}; rename the file")])
        try:
            spec = importlib.util.find_spec(name)
        except (ImportError, ValueError) as exc:
            raise InputError([_import_problem(exc, root, where, name)]) from None
        except BaseException as exc:  # a parent package's __init__ ran and raised
            raise InputError([_import_problem(exc, root, where, name)]) from None
        if spec is None:
            raise InputError([Problem(where, 0, 0, f"no module named `{name}` (looked in the working directory and on sys.path); give a .py file, or run from the folder that holds the package")])
        try:
            return importlib.import_module(name)
        except BaseException as exc:  # user code may raise anything, even SystemExit
            if isinstance(exc, KeyboardInterrupt):
                raise
            raise InputError([_import_problem(exc, root, where, name)]) from None


def _import_problem(exc: BaseException, root: Path, where: str, name: str) -> Problem:
    """The import error's own message, at the deepest line of the user's own code that raised it."""
    message = f"importing `{name}` failed: {type(exc).__name__}: {exc}"
    if isinstance(exc, ModuleNotFoundError) and exc.name and name.startswith(exc.name):
        return Problem(where, 0, 0, f"no module named `{name}` (looked in the working directory and on sys.path)")
    if isinstance(exc, SyntaxError) and exc.filename and exc.lineno:
        detail = exc.msg
        return Problem(display_path(exc.filename), exc.lineno, exc.offset or 1, f"importing `{name}` failed: SyntaxError: {detail}")
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if _is_users(f.filename, root)]
    if frames:
        last = frames[-1]
        return Problem(display_path(last.filename), last.lineno or 0, (last.colno or 0) + 1 if last.colno is not None else 1, message)
    return Problem(where, 0, 0, message)


def _is_users(filename: str, root: Path) -> bool:
    """A traceback frame in the user's own code (under the module's root), not an installed library's."""
    if filename.startswith("<"):
        return False
    path = Path(filename).resolve()
    if any(part in ("site-packages", "dist-packages") for part in path.parts):
        return False
    roots = {root.resolve(), Path.cwd().resolve()}
    return any(path.is_relative_to(r) for r in roots) and not path.is_relative_to(Path(__file__).resolve().parent)


def _synapse_base() -> type:
    bt = sys.modules.get("bittensor")
    base = getattr(bt, "Synapse", None)
    if not isinstance(base, type):
        return type("NoSynapse", (), {})  # the module did not use bittensor: it defines no synapses
    return base


# ---- picking the classes ----------------------------------------------------


def _defined_synapses(module: ModuleType, base: type) -> dict[str, type]:
    """Synapse subclasses defined in ``module`` itself, by name, in definition order."""
    out: dict[str, type] = {}
    for name, obj in vars(module).items():
        if isinstance(obj, type) and obj is not base and issubclass(obj, base) and obj.__module__ == module.__name__ and obj.__name__ == name:
            out[name] = obj
    return dict(sorted(out.items(), key=lambda item: source_line(item[1])))


def _wire_synapses(defined: dict[str, type]) -> tuple[list[type], list[Problem], list[str]]:
    """Drop streaming synapses (warnings; not supported yet) and classes that only serve as bases of others (notes)."""
    keep: list[type] = []
    skipped: list[Problem] = []
    notes: list[str] = []
    for name, cls in defined.items():
        if any(other is not cls and issubclass(other, cls) for other in defined.values()):
            notes.append(f"`{name}` is a base of other synapses here: skipped (name it as MODULE:{name} to generate it).")
        elif is_streaming(cls) and not STREAMING:
            where = class_position(cls) or Where(display_path(sys.modules[cls.__module__].__file__ or cls.__module__), 0, 0)
            skipped.append(Problem(where.file, where.line, where.col, f"warning: {name} skipped: it is a StreamingSynapse, which Python input doesn't support yet; describe it in YAML with `stream: true`"))
        else:
            keep.append(cls)
    return keep, skipped, notes


STREAMING = False  # StreamingSynapse subclasses as Python input


def is_streaming(cls: type) -> bool:
    return any(c.__name__ == "StreamingSynapse" and c.__module__.startswith("bittensor") for c in cls.__mro__)


def _pick(module: ModuleType, name: str, defined: dict[str, type], base: type, file: str) -> type:
    if name in defined:
        if is_streaming(defined[name]):
            raise InputError([Problem(file, source_line(defined[name]), 1, f"`{name}` is a StreamingSynapse; streaming synapses are not supported yet")])
        return defined[name]
    obj = getattr(module, name, None)
    if isinstance(obj, type) and issubclass(obj, base) and obj is not base:
        raise InputError([Problem(file, 0, 0, f"`{name}` is imported into `{module.__name__}`, not defined there; name the module that defines it")])
    if obj is not None:
        raise InputError([Problem(file, 0, 0, f"`{name}` in `{module.__name__}` is not a bittensor.Synapse subclass")])
    import difflib

    close = difflib.get_close_matches(name, list(defined), n=1)
    hint = f"; did you mean `{close[0]}`?" if close else f"; synapses defined there: {', '.join(defined) or 'none'}"
    raise InputError([Problem(file, 0, 0, f"`{module.__name__}` has no class `{name}`{hint}")])


# ---- where things are in the source -----------------------------------------


@dataclass(frozen=True)
class Where:
    file: str
    line: int
    col: int


def source_line(cls: type) -> int:
    where = class_position(cls)
    return where.line if where else 0


def class_position(cls: type) -> Where | None:
    node, file = _class_node(cls)
    return Where(file, node.lineno, node.col_offset + 1) if node else None


def attribute_position(cls: type, name: str) -> Where | None:
    """Where ``name`` is declared (annotated or assigned) in the class of ``cls``'s MRO that declares it."""
    for owner in cls.__mro__:
        if name not in owner.__dict__.get("__annotations__", {}) and name not in owner.__dict__:
            continue
        node, file = _class_node(owner)
        if node is None:
            return None
        for stmt in node.body:
            targets: list[ast.expr] = []
            if isinstance(stmt, ast.AnnAssign):
                targets = [stmt.target]
            elif isinstance(stmt, ast.Assign):
                targets = stmt.targets
            elif isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)) and stmt.name == name:
                return Where(file, stmt.lineno, stmt.col_offset + 1)
            if any(isinstance(t, ast.Name) and t.id == name for t in targets):
                return Where(file, stmt.lineno, stmt.col_offset + 1)
        return Where(file, node.lineno, node.col_offset + 1)
    return class_position(cls)


def method_node(cls: type, name: str) -> tuple[ast.FunctionDef | ast.AsyncFunctionDef | None, str]:
    """The ast of method ``name`` as written in ``cls`` itself (not inherited)."""
    node, file = _class_node(cls)
    for stmt in node.body if node else []:
        if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)) and stmt.name == name:
            return stmt, file
    return None, file


def _class_node(cls: type) -> tuple[ast.ClassDef | None, str]:
    module = sys.modules.get(cls.__module__)
    filename = getattr(module, "__file__", None)
    if not filename:
        return None, cls.__module__
    try:
        stamp = Path(filename).stat().st_mtime_ns
    except OSError:
        return None, display_path(filename)
    tree = _parse(filename, stamp)
    node: Any = tree
    for part in cls.__qualname__.split("."):
        found = next((n for n in getattr(node, "body", []) if isinstance(n, ast.ClassDef) and n.name == part), None)
        if found is None:
            return None, display_path(filename)
        node = found
    return node, display_path(filename)


@cache
def _parse(filename: str, stamp: int) -> ast.Module:
    """The file's ast (``stamp``, its mtime, keeps a cached tree fresh after an edit)."""
    try:
        return ast.parse(Path(filename).read_text(encoding="utf-8"), filename)
    except (OSError, SyntaxError, UnicodeDecodeError):
        return ast.Module(body=[], type_ignores=[])
