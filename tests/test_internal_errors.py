"""A generator bug can't ship a broken package with exit 0 (issue 15): every emitted .py is
compiled in memory before the run reports anything; one that doesn't compile is an internal
error (exit 3), and the previous tree is kept as it was."""

from __future__ import annotations

from pathlib import Path

import pytest

from codegen import pipeline
from codegen.render.files import RenderedFile
from tests.conftest import SCHEMAS, generate, run_cli

# Python that Black formats happily but the compiler refuses (what item 1 of the issue emitted).
BUGS = {
    "api.py": ("def broken(*):\n    return 1\n", "named arguments must follow bare *"),
    "client.py": ("def broken():\n    nonlocal x\n", "no binding for nonlocal 'x' found"),
    "tests/test_dummy.py": ("return 1\n", "'return' outside function"),
}


def snapshot(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.mark.parametrize("target", ["10", "11"])
def test_generated_code_that_does_not_compile_is_an_internal_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, target: str) -> None:
    out = generate(SCHEMAS / "dummy.yaml", tmp_path / "out", "--bittensor", target)
    before = snapshot(out)
    real = pipeline.render_package

    for name, (bug, message) in BUGS.items():

        def buggy(spec: object, tgt: object, name: str = name, bug: str = bug) -> list[RenderedFile]:
            files = real(spec, tgt)  # type: ignore[arg-type]
            return [RenderedFile(f.path, f.text + "\n\n" + bug, f.user_owned) if f.path == f"dummy/{name}" else f for f in files]

        monkeypatch.setattr(pipeline, "render_package", buggy)
        for extra in ((), ("--check",), ("--diff",)):
            result = run_cli(SCHEMAS / "dummy.yaml", "--out", out, "--bittensor", target, *extra)
            assert result.exit_code == 3, (name, extra, result.stderr)
            assert f"internal error: generated dummy/{name}:" in result.stderr and message in result.stderr, result.stderr
            assert "Traceback" not in result.stderr and "bug in subnet-apigen" in result.stderr
            assert snapshot(out) == before
