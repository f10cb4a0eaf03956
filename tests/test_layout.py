"""The generator's layout stays what the README shows: a pipeline readable in one look."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CODEGEN = ROOT / "codegen"
MAX_LINES = 500
MAX_TOP_LEVEL = 12


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def import_graph() -> dict[str, set[str]]:
    """Every import between codegen's modules, TYPE_CHECKING and function-local ones included."""
    modules = {module_name(p): p for p in CODEGEN.rglob("*.py")}
    graph: dict[str, set[str]] = {m: set() for m in modules}
    for name, path in modules.items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == "codegen":
                for alias in node.names:
                    full = f"{node.module}.{alias.name}"
                    graph[name].add(full if full in modules else node.module)
            elif isinstance(node, ast.Import):
                graph[name].update(a.name for a in node.names if a.name.split(".")[0] == "codegen")
    return graph


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}

    def visit(node: str, stack: list[str]) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for dep in sorted(graph.get(node, ())):
            if dep == node:
                continue
            if state.get(dep) == 1:
                return stack[stack.index(dep):] + [dep]
            if dep not in state and (found := visit(dep, stack)):
                return found
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state and (found := visit(node, [])):
            return found
    return None


def test_no_import_cycle_between_modules_or_stages() -> None:
    graph = import_graph()
    assert find_cycle(graph) is None, f"import cycle: {' -> '.join(find_cycle(graph) or [])}"
    stage = lambda m: ".".join(m.split(".")[:2])  # noqa: E731
    stages: dict[str, set[str]] = {}
    for module, deps in graph.items():
        stages.setdefault(stage(module), set()).update(stage(d) for d in deps if stage(d) != stage(module))
    assert find_cycle(stages) is None, f"stages import each other: {' -> '.join(find_cycle(stages) or [])}"


def test_no_module_passes_500_lines() -> None:
    long = {str(p.relative_to(ROOT)): n for p in CODEGEN.rglob("*.py") if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES}
    assert not long, f"split these modules (at most {MAX_LINES} lines): {long}"


def test_top_level_is_small_and_every_package_says_what_it_does() -> None:
    entries = sorted(p.name for p in CODEGEN.iterdir() if p.name != "__pycache__")
    assert len(entries) <= MAX_TOP_LEVEL, entries
    for package in [p for p in CODEGEN.iterdir() if (p / "__init__.py").is_file()]:
        assert ast.get_docstring(ast.parse((package / "__init__.py").read_text(encoding="utf-8"))), f"{package.name}/__init__.py needs a docstring"


def test_readme_layout_matches_the_tree() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = readme.split("## Layout of the generator", 1)[1].split("```", 2)[1]
    listed_dirs = set(re.findall(r"^  ([a-z_]+)/", block, re.M))
    listed_top = set(re.findall(r"^  ([a-z_]+\.py)", block, re.M))
    on_disk_dirs = {p.name for p in CODEGEN.iterdir() if p.is_dir() and p.name != "__pycache__"}
    on_disk_top = {p.name for p in CODEGEN.glob("*.py")} - {"__init__.py", "__main__.py"}
    assert listed_dirs == on_disk_dirs
    assert listed_top == on_disk_top
    for directory in on_disk_dirs - {"templates"}:
        for module in (CODEGEN / directory).glob("*.py"):
            if module.name != "__init__.py" and not (CODEGEN / directory / module.stem).is_dir():
                assert module.name in block or module.stem in block, f"README's layout doesn't mention {directory}/{module.name}"
