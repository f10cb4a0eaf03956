"""Golden record: regenerating every example schema reproduces the committed generated/ exactly."""

from __future__ import annotations

import filecmp
import json
import os
from pathlib import Path

import pytest

from tests.conftest import ROOT, SCHEMAS, generate

EXAMPLES = sorted(SCHEMAS.glob("*.yaml"))


def tree(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and "__pycache__" not in p.parts
    }


@pytest.mark.parametrize("schema", EXAMPLES, ids=lambda p: p.stem)
def test_committed_output_matches_a_fresh_run(schema: Path, tmp_path: Path) -> None:
    cwd = os.getcwd()
    os.chdir(ROOT)  # headers name the schema relative to the working directory
    try:
        generate(schema.relative_to(ROOT), tmp_path)
    finally:
        os.chdir(cwd)
    fresh = tree(tmp_path)
    assert fresh, "nothing generated"
    name = next(iter(fresh)).split("/")[0]
    committed = tree(ROOT / "generated" / name)
    assert sorted(fresh) == sorted(f"{name}/{k}" for k in committed)
    owned = json.loads(fresh[f"{name}/.subnet-apigen.json"])["files"]
    for rel, data in fresh.items():
        if rel in owned or rel.endswith(".subnet-apigen.json"):
            assert data == committed[rel.split("/", 1)[1]], f"{rel} differs from generated/{rel}"
        # the rest (hooks/, handlers/) are the user's: committed edits are expected


def test_two_runs_are_byte_identical(tmp_path: Path) -> None:
    a = generate(SCHEMAS / "storage.yaml", tmp_path / "a")
    b = generate(SCHEMAS / "storage.yaml", tmp_path / "b")
    assert tree(a) == tree(b)
    assert not filecmp.dircmp(a, b).diff_files
