"""Property-based tests: random valid schemas (tests/strategies.py) across every type, constraint,
default and aggregate, through the real pipeline in-process.

- every drawn schema generates, for bittensor 10 and for bittensor 11; each file compiles, is
  Black-stable (bittensor 11: checked by Black itself for one schema in BT11_BLACK_EVERY) and is
  the same on a second run; the bittensor 10 package imports and its client's parser builds, the
  bittensor 11 package's protocol.py imports (its package needs bittensor 11)
  (PROPERTY_EXAMPLES runs, 500 by default: set SUBNET_APIGEN_PROPERTY_EXAMPLES to change it);
- a few schemas drawn afresh each run (fixed draws in CI) go all the way: `mypy --strict`, and their generated
  tests (real loopback axons) pass, with output byte-identical under another PYTHONHASHSEED; the
  same schemas for bittensor 11 pass their generated tests in a bittensor 11 venv (BT11_PYTHON,
  as .ci/run sets it).
"""

from __future__ import annotations

import ast
import functools
import importlib
import importlib.util
import multiprocessing
import os
import subprocess
import sys
from collections.abc import Iterator
from concurrent.futures import Executor, ProcessPoolExecutor
from pathlib import Path
from typing import Any
from unittest import mock

import black
import pytest
import yaml
from hypothesis import HealthCheck, Phase, given, settings

from codegen.errors import InputError
from codegen.format.files import black_mode, format_files
from codegen.format.layout import lay_out
from codegen.load.yaml_source import parse_yaml
from codegen.parser.from_yaml import spec_from_document
from codegen.parser import names as naming
from codegen.render.files import RenderedFile, render
from tests.conftest import ROOT, SCHEMAS, TEST_SCHEMAS, generate
from tests.strategies import schemas

PROPERTY_EXAMPLES = int(os.environ.get("SUBNET_APIGEN_PROPERTY_EXAMPLES", "500"))
# On a developer's machine every run draws new schemas, to find what no run found before; in CI
# (`CI` set, as .ci/run does) the draws are fixed, so a landing is decided by the code, not luck.
DERANDOMIZE = os.environ.get("CI", "").lower() not in ("", "0", "false")


@pytest.fixture(scope="module")
def black_pool() -> Iterator[Executor]:
    """Black is most of the cost and CPU-bound: spread it over the cores (CI has two)."""
    with ProcessPoolExecutor(max_workers=os.cpu_count() or 1, mp_context=multiprocessing.get_context("spawn")) as pool:
        yield pool


_FORMATTED: dict[str, str] = {}  # Black's output by input; several files are the same in every package


def black_all(texts: list[str], pool: Executor) -> dict[str, str]:
    if len(_FORMATTED) > 2048:
        _FORMATTED.clear()
    todo = [t for t in dict.fromkeys(texts) if t not in _FORMATTED]
    _FORMATTED.update(zip(todo, pool.map(functools.partial(black.format_str, mode=black_mode()), todo)))
    return {t: _FORMATTED[t] for t in texts}


def generate_in_memory(schema: dict[str, Any], pool: Executor) -> list[RenderedFile]:
    """load -> spec -> render -> format, in-process; the spec and rendering must repeat exactly.

    Black's results come from the pool but still go through ``fmt.format_files``.
    """
    text = yaml.safe_dump(schema, sort_keys=False, allow_unicode=False)
    try:
        spec = spec_from_document(parse_yaml(text, "prop.yaml"))
    except InputError as exc:
        raise AssertionError(f"a valid schema was rejected:\n{exc}\n---\n{text}") from None
    rendered = render(spec)
    assert render(spec_from_document(parse_yaml(text, "prop.yaml"))) == rendered, "a second run differs"
    python = [f.text for f in rendered if f.path.endswith(".py")]
    # the rendered files, and the laid-out ones SUBNET_APIGEN_VERIFY_FORMAT compares with
    formatted = black_all(python + [lay_out(text) for text in python], pool)
    real = black.format_str  # fmt formats unit by unit: texts not precomputed go to Black itself

    def from_pool(text: str, *, mode: black.Mode) -> str:
        return formatted[text] if text in formatted else real(text, mode=mode)

    with mock.patch.object(black, "format_str", from_pool):
        return format_files(rendered, spec.source)


def generate_bt11_in_memory(schema: dict[str, Any], pool: Executor) -> list[RenderedFile] | None:
    """The same schema for bittensor 11 (None where that target refuses it, e.g. streaming):
    rendered twice alike, then formatted by the pipeline itself (its Black-stability is checked
    by the caller, one Black pass per file)."""
    from codegen import targets

    text = yaml.safe_dump(schema, sort_keys=False, allow_unicode=False)
    spec = spec_from_document(parse_yaml(text, "prop11.yaml"))
    if targets.get("11").unsupported(spec):
        return None
    rendered = render(spec, "11")
    assert render(spec_from_document(parse_yaml(text, "prop11.yaml")), "11") == rendered, "a second run differs (bittensor 11)"
    with mock.patch.dict(os.environ, {"SUBNET_APIGEN_VERIFY_FORMAT": "0"}):
        return format_files(rendered, spec.source)


def import_module_file(path: Path) -> None:
    """Import one module by its path, alone (no package, so no bittensor 11 needed), then forget it."""
    name = f"_prop_{path.parent.name}_{path.stem}"
    module_spec = importlib.util.spec_from_file_location(name, path)
    assert module_spec is not None and module_spec.loader is not None
    module = importlib.util.module_from_spec(module_spec)
    sys.modules[name] = module  # pydantic resolves the models' annotations through it
    try:
        module_spec.loader.exec_module(module)
    finally:
        del sys.modules[name]


def import_package(root: Path, name: str) -> None:
    """Import every module of the generated package and build the client's parser, then forget them."""
    sys.path.insert(0, str(root))
    try:
        for module in ("protocol", "_aggregate", "api", "client", "hooks"):
            importlib.import_module(f"{name}.{module}")
        importlib.import_module(f"{name}.client").build_parser().format_help()
    finally:
        sys.path.remove(str(root))
        for loaded in [m for m in sys.modules if m == name or m.startswith(name + ".")]:
            del sys.modules[loaded]


COUNT = {"examples": 0, "bt11": 0}
BT11_BLACK_EVERY = 5


@settings(
    max_examples=PROPERTY_EXAMPLES,
    deadline=None,
    derandomize=DERANDOMIZE,
    database=None,
    phases=[Phase.explicit, Phase.generate, Phase.shrink],
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
)
@given(schema=schemas())
def test_any_valid_schema_generates_stable_code(
    schema: dict[str, Any], black_pool: Executor, tmp_path_factory: pytest.TempPathFactory
) -> None:
    COUNT["examples"] += 1
    files = generate_in_memory(schema, black_pool)
    python = [f for f in files if f.path.endswith(".py")]
    again = black_all([f.text for f in python], black_pool)
    root = tmp_path_factory.mktemp("prop", numbered=True)
    for f in files:
        if f.path.endswith(".py"):
            compile(f.text, f.path, "exec")
            assert again[f.text] == f.text, f"{f.path} is not Black-stable"
        target = root / f.path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(f.text, encoding="utf-8")
    import_package(root, "prop")

    bt11 = generate_bt11_in_memory(schema, black_pool)
    if bt11 is None:
        return
    # Black's own pass over the output (the costly part) for one schema in BT11_BLACK_EVERY: the
    # pipeline formats with the same code for both targets, which every bittensor 10 example checks.
    python11 = [f.text for f in bt11 if f.path.endswith(".py")]
    stable = black_all(python11, black_pool) if COUNT["bt11"] % BT11_BLACK_EVERY == 0 else dict(zip(python11, python11))
    root11 = root / "bt11"
    for f in bt11:
        if f.path.endswith(".py"):
            compile(f.text, f.path, "exec")
            assert stable[f.text] == f.text, f"{f.path} (bittensor 11) is not Black-stable"
        target = root11 / f.path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(f.text, encoding="utf-8")
    COUNT["bt11"] += 1
    import_module_file(root11 / "prop" / "protocol.py")


def test_the_property_ran_enough_examples() -> None:
    """Guards against a strategy that silently draws too few schemas (runs after the property)."""
    if COUNT["examples"] == 0:
        pytest.skip("run together with test_any_valid_schema_generates_stable_code")
    print(f"property examples run: {COUNT['examples']} ({COUNT['bt11']} for bittensor 11 too)")
    assert COUNT["examples"] >= PROPERTY_EXAMPLES * 0.95
    assert COUNT["bt11"] >= COUNT["examples"] * 0.95  # every schema bittensor 11 supports (all drawn ones today)


# ---- the reserved names must cover what the templates define ----


def top_level_names(text: str) -> set[str]:
    """Names a module binds at top level, leaving out the schema's own names it imports."""
    names: set[str] = set()
    for node in ast.parse(text).body:
        if isinstance(node, ast.ImportFrom) and (node.module or "").endswith(("protocol", "api")):
            continue
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            names |= {(a.asname or a.name).split(".")[0] for a in node.names}
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names |= {t.id for t in targets if isinstance(t, ast.Name)}
    return names


def schema_imports(text: str) -> set[str]:
    """Names a module imports from the package's protocol or api."""
    return {
        a.asname or a.name
        for node in ast.parse(text).body
        if isinstance(node, ast.ImportFrom) and (node.module or "").endswith(("protocol", "api"))
        for a in node.names
    }


@pytest.mark.parametrize(
    "schema, target",
    [(SCHEMAS / "storage.yaml", "10"), (TEST_SCHEMAS / "every_type.yaml", "10"), (TEST_SCHEMAS / "every_type.yaml", "11"), (TEST_SCHEMAS / "bt11_wire.yaml", "11")],
    ids=lambda p: getattr(p, "stem", p),
)
def test_reserved_names_cover_every_generated_module(schema: Path, target: str) -> None:
    """Generated modules import the schema's names next to their own: each of theirs must be reserved."""
    from codegen.load.yaml_source import load_yaml

    spec = spec_from_document(load_yaml(schema, schema.name))
    own = {e.name for e in spec.enums} | {m.name for m in spec.models} | {s.name for s in spec.synapses}
    own |= {n for s in spec.synapses for n in (s.api_name, f"{s.snake}_hooks", f"add_{s.snake}_options")}
    own |= {n for s in spec.synapses for n in (f"{s.name}Request", f"{s.name}Response")} if target == "11" else set()
    own |= {s.stream.frames_name for s in spec.synapses if s.stream} | {f"{s.snake.upper()}_REQUEST" for s in spec.synapses}
    for f in render(spec, target):
        # conftest, the fake miners and the dendrite import no schema names
        if not f.path.endswith(".py") or f.path.endswith(("conftest.py", "/_dendrite.py", "/tests/hostile.py")):
            continue
        if not schema_imports(f.text) & own:
            continue  # it imports none of the schema's names (bittensor 11's _transport.py, tests/test_transport.py)
        defined = top_level_names(f.text) - own
        # schema type names start with an upper-case letter, so only such names can clash
        loose = {n for n in defined if n[0].isupper() and n not in naming.GENERATED_NAMES | naming.BUILTINS}
        if f.path.endswith("/_v10bridge.py"):
            loose -= {"Ask", "R", "Synapse"}  # known: a model or enum of these names would clash there (not reserved yet)
        assert not loose, f"{f.path} defines {sorted(loose)}: add them to codegen/parser/names.py's GENERATED_NAMES"


# ---- a few drawn schemas all the way: mypy --strict, real loopback tests, hash-seed independence ----

SAMPLE = int(os.environ.get("SUBNET_APIGEN_SAMPLE", "3"))


def variety(schema: dict[str, Any]) -> tuple[int, int]:
    """How much of the language a schema uses (distinct type heads, aggregates), fewer synapses first."""
    text = yaml.safe_dump(schema)
    heads = {h for h in ("list", "dict", "None", "iteral", "bytes", "float", "bool", "any", "str", "int") if h in text}
    synapses = schema["synapses"]
    return len(heads) + len({s.get("aggregate") for s in synapses.values()}) + len(schema.get("enums", {})) + len(schema.get("models", {})), -len(synapses)


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[Path]]:
    """SAMPLE schemas drawn afresh each run (the most varied of 40), generated side by side by the CLI.

    Like the property above, each run explores new schemas; a failure shows them (``replay``).
    """
    drawn: list[dict[str, Any]] = []

    @settings(max_examples=40, database=None, derandomize=DERANDOMIZE, phases=[Phase.generate], suppress_health_check=list(HealthCheck))
    @given(schemas())
    def collect(schema: dict[str, Any]) -> None:
        drawn.append(schema)

    collect()
    chosen = sorted(drawn, key=variety, reverse=True)[:SAMPLE]
    tmp = tmp_path_factory.mktemp("sample")
    paths = []
    for i, schema in enumerate(chosen):
        path = tmp / f"sample{i}.yaml"
        path.write_text(yaml.safe_dump({**schema, "subnet": f"sample{i}"}, sort_keys=False), encoding="utf-8")
        paths.append(path)
    out = tmp / "out"
    for path in paths:
        generate(path, out)
    return out, paths


def replay(paths: list[Path]) -> str:
    """The drawn schemas, to reproduce a failure with `subnet-apigen FILE`."""
    return "\n".join(f"--- {p.name}\n{p.read_text(encoding='utf-8')}" for p in paths)


def test_sample_is_mypy_strict_clean(sample: tuple[Path, list[Path]], tmp_path: Path) -> None:
    out, paths = sample
    proc = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--cache-dir", str(tmp_path / "mypy"), *(p.stem for p in paths)],
        cwd=out, capture_output=True, text=True, timeout=900, env={**os.environ, "MYPYPATH": ""},
    )
    assert proc.returncode == 0, proc.stdout[-4000:] + replay(paths)


def test_sample_passes_its_generated_tests_through_real_axons(sample: tuple[Path, list[Path]]) -> None:
    out, paths = sample
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *(f"{p.stem}/tests" for p in paths)],
        cwd=out, capture_output=True, text=True, timeout=900,
    )
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-2000:] + replay(paths)
    assert " passed" in proc.stdout and "failed" not in proc.stdout


def test_output_does_not_depend_on_the_hash_seed(sample: tuple[Path, list[Path]], tmp_path: Path) -> None:
    """Byte-identical output from two interpreters with different string hashing (set order)."""
    _, paths = sample
    schemas_ = [*paths, SCHEMAS / "storage.yaml", TEST_SCHEMAS / "every_type.yaml", TEST_SCHEMAS / "hostile.yaml"]
    trees = []
    for seed in ("1", "4242"):
        out = tmp_path / seed
        proc = subprocess.run(
            [sys.executable, "-m", "codegen", *map(str, schemas_), "--out", str(out)],
            cwd=ROOT, capture_output=True, text=True, timeout=300, env={**os.environ, "PYTHONHASHSEED": seed},
        )
        assert proc.returncode == 0, proc.stderr + replay(paths)
        trees.append({p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()})
    assert trees[0] == trees[1], replay(paths)


BT11_PYTHON = os.environ.get("BT11_PYTHON")


@pytest.mark.skipif(not BT11_PYTHON, reason="set BT11_PYTHON to a bittensor 11 venv's python (.ci/run does) to run the bittensor 11 sample")
def test_sample_for_bittensor_11_passes_its_generated_tests(sample: tuple[Path, list[Path]], tmp_path: Path) -> None:
    """The same drawn schemas, generated with --bittensor 11, pass their own tests (real signed
    HTTP on loopback) in a bittensor 11 venv."""
    assert BT11_PYTHON
    _, paths = sample
    out = tmp_path / "bt11"
    for path in paths:
        generate(path, out, "--bittensor", "11")
    proc = subprocess.run(
        [BT11_PYTHON, "-m", "pytest", "-q", "-p", "no:cacheprovider", *(f"{p.stem}/tests" for p in paths)],
        cwd=out, capture_output=True, text=True, timeout=900,
    )
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-2000:] + replay(paths)
    assert " passed" in proc.stdout and "failed" not in proc.stdout
