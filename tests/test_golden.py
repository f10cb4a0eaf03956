"""Golden record: regenerating every example schema reproduces the committed generated/ exactly."""

from __future__ import annotations

import filecmp
import json
import os
from pathlib import Path

import pytest

from tests.conftest import ROOT, SCHEMAS, generate

EXAMPLES = sorted(SCHEMAS.glob("*.yaml"))
BT11_EXAMPLES = ["dummy", "storage"]  # committed under generated_bt11/
# Python input: schemas/<name>.py is generated as the dotted module `schemas.<name>` into the package <name>.
PY_EXAMPLES = sorted(SCHEMAS.glob("*.py"))


def tree(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and "__pycache__" not in p.parts
    }


def example_args(schema: Path) -> list[str]:
    """How CI (.ci/run) generates an example: YAML by path, Python input as a dotted module."""
    if schema.suffix == ".py":
        return [f"schemas.{schema.stem}", "--subnet", schema.stem]
    return [schema.relative_to(ROOT).as_posix()]


CASES = [(s, "10", "generated") for s in EXAMPLES + PY_EXAMPLES] + [
    (SCHEMAS / f"{n}.yaml", "11", "generated_bt11") for n in BT11_EXAMPLES
]


@pytest.mark.parametrize(("schema", "target", "committed_dir"), CASES, ids=lambda v: getattr(v, "name", v))
def test_committed_output_matches_a_fresh_run(schema: Path, target: str, committed_dir: str, tmp_path: Path) -> None:
    cwd = os.getcwd()
    os.chdir(ROOT)  # headers name the schema relative to the working directory
    try:
        schema_arg, *extra = example_args(schema)
        generate(schema_arg, tmp_path, *extra, "--bittensor", target)
    finally:
        os.chdir(cwd)
    fresh = tree(tmp_path)
    assert fresh, "nothing generated"
    name = next(iter(fresh)).split("/")[0]
    committed = tree(ROOT / committed_dir / name)
    assert sorted(fresh) == sorted(f"{name}/{k}" for k in committed)
    owned = json.loads(fresh[f"{name}/.subnet-apigen.json"])["files"]
    for rel, data in fresh.items():
        if rel in owned or rel.endswith(".subnet-apigen.json"):
            assert data == committed[rel.split("/", 1)[1]], f"{rel} differs from {committed_dir}/{rel}"
        # the rest (hooks/, handlers/) are the user's: committed edits are expected


def test_two_runs_are_byte_identical(tmp_path: Path) -> None:
    a = generate(SCHEMAS / "storage.yaml", tmp_path / "a")
    b = generate(SCHEMAS / "storage.yaml", tmp_path / "b")
    assert tree(a) == tree(b)
    assert not filecmp.dircmp(a, b).diff_files
