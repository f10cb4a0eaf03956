"""Shared helpers for the generator's own tests."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from codegen.cli import main

# Every generation in this suite also formats each file with Black itself and fails on any
# difference from the formatter's shortcuts (codegen.format.files).
os.environ["SUBNET_APIGEN_VERIFY_FORMAT"] = "1"
os.environ["SUBNET_APIGEN_VERIFY_CACHE"] = "1"  # every reused spec is also built from scratch and compared
# A developer's `subnet-apigen serve` must not run the suite's subprocesses (tests/test_server.py
# starts servers of its own).
os.environ["SUBNET_APIGEN_SERVER"] = "off"

ROOT = Path(__file__).resolve().parent.parent
SCHEMAS = ROOT / "schemas"
TEST_SCHEMAS = Path(__file__).resolve().parent / "schemas"


@pytest.fixture(autouse=True, scope="session")
def format_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Keep the format cache of the runs under test out of the user's cache directory."""
    path = tmp_path_factory.mktemp("xdg-cache")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("XDG_CACHE_HOME", str(path))
        yield path


def run_cli(*args: str | Path) -> Result:
    """Run `subnet-apigen ARGS` in-process; never raises on a non-zero exit."""
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


def generate(schema: str | Path, out: Path, *extra: str) -> Path:
    result = run_cli(schema, "--out", out, *extra)
    assert result.exit_code == 0, result.stderr
    return out


@pytest.fixture
def on_path() -> Iterator[list[str]]:
    """Put directories on sys.path for one test, and forget modules imported from them."""
    added: list[str] = []
    before = set(sys.modules)
    yield added
    for path in added:
        sys.path.remove(path)
    for name in set(sys.modules) - before:
        module = sys.modules.get(name)
        if module is not None and any(str(getattr(module, "__file__", "") or "").startswith(p) for p in added):
            del sys.modules[name]
