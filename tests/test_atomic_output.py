"""Atomic output: a run that fails anywhere (Black, a template, a write, Ctrl-C) leaves the previous
output tree exactly as it was: same files, same bytes, same mtimes, no new directories.

Faults are injected into the very calls the writer makes, at every position a run reaches.
"""

from __future__ import annotations

import errno
import functools
import os
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import black
import pytest

from codegen import pipeline
from codegen.output import writer
from codegen.render.files import RenderedFile
from tests.conftest import run_cli

OLD = """\
subnet: pkg
synapses:
  Alpha: {request: {a: int}, response: {b: int}}
  Gone: {request: {a: int}, response: {b: int}}
"""
# Changes every owned file, adds a synapse (new files), drops one (an orphan to remove),
# and adds a whole new package (new directories).
NEW = """\
subnet: pkg
description: The second version.
synapses:
  Alpha: {request: {a: int, c: str}, response: {b: int}}
  Fresh: {request: {a: int}, response: {b: int}}
"""
EXTRA = """\
subnet: extra
synapses:
  Solo: {response: {x: int}}
"""

Packages = dict[str, list[RenderedFile]]


def build(tmp: Path, **texts: str) -> Packages:
    paths = []
    for name, text in texts.items():
        path = tmp / f"{name}.yaml"
        path.write_text(text)
        paths.append(str(path))
    return pipeline.build(pipeline.load_all(paths, None))


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> tuple[Packages, Packages]:
    tmp = tmp_path_factory.mktemp("schemas")
    return build(tmp, old=OLD), build(tmp, new=NEW, extra=EXTRA)


@pytest.fixture(scope="module")
def pristine(tmp_path_factory: pytest.TempPathFactory, runs: tuple[Packages, Packages]) -> Path:
    """A previous output tree: the old packages, a user-edited hook and a user's own file."""
    out = tmp_path_factory.mktemp("pristine") / "out"
    writer.apply(writer.plan(out, runs[0]))
    hook = out / "pkg" / "hooks" / "alpha.py"
    hook.write_text(hook.read_text() + "# my edit\n")
    (out / "pkg" / "notes.txt").write_text("mine\n")
    return out


def snapshot(root: Path) -> dict[str, tuple[bytes, int] | None]:
    return {
        p.relative_to(root).as_posix(): (p.read_bytes(), p.stat().st_mtime_ns) if p.is_file() else None
        for p in sorted(root.rglob("*"))
    }


def copy_of(pristine: Path, tmp: Path) -> Path:
    out = tmp / "out"
    shutil.rmtree(out, ignore_errors=True)
    shutil.copytree(pristine, out)  # copy2: mtimes kept
    return out


class Fault:
    """Wraps a function so that its ``at``-th call (0-based) raises ``error``; other calls pass."""

    def __init__(self, real: Callable[..., Any], at: int | None, error: BaseException) -> None:
        self.real, self.at, self.error, self.calls = real, at, error, 0

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        n, self.calls = self.calls, self.calls + 1
        if n == self.at:
            raise self.error
        return self.real(*args, **kwargs)

    def __get__(self, instance: Any, owner: Any = None) -> Any:
        """Bind like a function when it replaces a method (Path.write_text, Path.mkdir)."""
        return self if instance is None else functools.partial(self, instance)


FAULTS: list[tuple[str, Callable[[], BaseException]]] = [
    ("disk full", lambda: OSError(errno.ENOSPC, "No space left on device")),
    ("Ctrl-C", lambda: KeyboardInterrupt()),
]
TARGETS: list[tuple[str, Any, str]] = [  # (name, object, attribute) the writer calls
    ("os.replace", os, "replace"),
    ("write_text", Path, "write_text"),
    ("mkdir", Path, "mkdir"),
]


def calls_in_a_good_run(pristine: Path, tmp: Path, new: Packages, obj: Any, attr: str) -> int:
    out = copy_of(pristine, tmp)
    counter = Fault(getattr(obj, attr), None, RuntimeError())
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(obj, attr, counter)
        writer.apply(writer.plan(out, new))
    return counter.calls


@pytest.mark.parametrize(("fault", "make_error"), FAULTS, ids=[f[0] for f in FAULTS])
@pytest.mark.parametrize(("target", "obj", "attr"), TARGETS, ids=[t[0] for t in TARGETS])
def test_a_fault_at_any_call_leaves_the_previous_tree(
    pristine: Path, runs: tuple[Packages, Packages], tmp_path: Path,
    fault: str, make_error: Callable[[], BaseException], target: str, obj: Any, attr: str,
) -> None:
    new = runs[1]
    total = calls_in_a_good_run(pristine, tmp_path, new, obj, attr)
    assert total >= 3, f"a run makes only {total} {target} calls"
    before = snapshot(pristine)
    for at in range(total):
        out = copy_of(pristine, tmp_path)
        error = make_error()
        with pytest.MonkeyPatch.context() as mp:
            mp.setattr(obj, attr, Fault(getattr(obj, attr), at, error))
            with pytest.raises(type(error)):
                writer.apply(writer.plan(out, new))
        assert snapshot(out) == before, f"{fault} at {target} call {at} of {total} changed the tree"


def test_a_good_run_after_all_that_writes_the_new_tree(pristine: Path, runs: tuple[Packages, Packages], tmp_path: Path) -> None:
    """The fault test must not pass merely because nothing is ever written."""
    out = copy_of(pristine, tmp_path)
    writer.apply(writer.plan(out, runs[1]))
    tree = snapshot(out)
    assert "pkg/tests/test_fresh.py" in tree and "extra/api.py" in tree
    assert "pkg/tests/test_gone.py" not in tree
    assert (out / "pkg" / "hooks" / "alpha.py").read_text().endswith("# my edit\n")
    assert (out / "pkg" / "notes.txt").read_text() == "mine\n"
    assert not [p for p in out.iterdir() if p.name.startswith(".subnet-apigen-")]
    assert not writer.plan(out, runs[1]).changed


def test_a_failed_first_run_leaves_no_output_directory(runs: tuple[Packages, Packages], tmp_path: Path) -> None:
    out = tmp_path / "deep" / "out"
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(os, "replace", Fault(os.replace, 5, KeyboardInterrupt()))
        with pytest.raises(KeyboardInterrupt):
            writer.apply(writer.plan(out, runs[1]))
    assert list(tmp_path.iterdir()) == []


def test_when_the_undo_fails_too_the_old_files_are_kept_and_named(
    pristine: Path, runs: tuple[Packages, Packages], tmp_path: Path
) -> None:
    out = copy_of(pristine, tmp_path)
    old_api = (out / "pkg" / "api.py").read_bytes()
    real = os.replace
    failed = []

    def flaky(src: Any, dst: Any) -> None:
        target = Path(dst)
        if not failed and target == out / "pkg" / "client.py":
            failed.append(target)
            raise OSError(errno.EIO, "I/O error")  # the run fails here (pkg/api.py is already new) ...
        if failed and target == out / "pkg" / "api.py":
            raise OSError(errno.EIO, "I/O error")  # ... and putting the old api.py back fails too
        real(src, dst)

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(os, "replace", flaky)
        with pytest.raises(OSError, match="previous versions are in"):
            writer.apply(writer.plan(out, runs[1]))
    kept = [p for p in out.glob(".subnet-apigen-*/old/pkg/api.py")]
    assert [p.read_bytes() for p in kept] == [old_api]


# ---- the same through the command line: faults before and during writing ----


@pytest.fixture
def cli_tree(tmp_path: Path) -> tuple[Path, Path]:
    """A schema and an output tree generated from its first version; the schema then changes."""
    schema = tmp_path / "pkg.yaml"
    schema.write_text(OLD)
    out = tmp_path / "out"
    assert run_cli(schema, "--out", out).exit_code == 0
    schema.write_text(NEW)
    return schema, out


def test_black_rejecting_a_file_writes_nothing(cli_tree: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    schema, out = cli_tree
    before = snapshot(out)
    real = black.format_str

    def picky(text: str, *, mode: black.Mode) -> str:
        if "class AlphaAPI" in text:
            raise black.InvalidInput("Cannot parse: 1:1")
        return real(text, mode=mode)

    monkeypatch.setattr(black, "format_str", picky)
    result = run_cli(schema, "--out", out)
    assert result.exit_code == 3  # Black refusing generated code is a generator bug (internal error)
    assert "internal error: generated pkg/api.py is not valid Python" in result.stderr
    assert "Traceback" not in result.stderr
    assert snapshot(out) == before


def test_a_template_error_writes_nothing(cli_tree: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    schema, out = cli_tree
    before = snapshot(out)
    from codegen.render import files as render

    real = render.environment().get_template

    def broken(name: str, *args: Any, **kwargs: Any) -> Any:
        if name == "client.py.jinja":
            raise RuntimeError("template exploded")
        return real(name, *args, **kwargs)

    monkeypatch.setattr(render.environment(), "get_template", broken)
    with pytest.raises(RuntimeError, match="template exploded"):
        run_cli(schema, "--out", out)
    assert snapshot(out) == before


def test_a_write_error_exits_2_and_writes_nothing(cli_tree: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    schema, out = cli_tree
    before = snapshot(out)
    monkeypatch.setattr(os, "replace", Fault(os.replace, 4, OSError(errno.EACCES, "Permission denied", str(out / "pkg" / "api.py"))))
    result = run_cli(schema, "--out", out)
    assert result.exit_code == 2
    assert "cannot write: Permission denied" in result.stderr
    assert "Traceback" not in result.stderr
    assert snapshot(out) == before


def test_ctrl_c_while_writing_writes_nothing(cli_tree: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    schema, out = cli_tree
    before = snapshot(out)
    monkeypatch.setattr(os, "replace", Fault(os.replace, 6, KeyboardInterrupt()))
    result = run_cli(schema, "--out", out)
    assert result.exit_code != 0
    assert "Traceback" not in result.output
    assert snapshot(out) == before
