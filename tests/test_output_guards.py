"""The writer among neighbours: concurrent runs into one output directory, directory symlinks
inside the tree, the umask, and errors that name paths the user can see.

Runs that must be separate processes are forks of this one (imports and caches warm), each
running the real command line; as root, a fork drops to `nobody` where permissions matter.
"""

from __future__ import annotations

import json
import os
import shutil
import stat
import sys
import tempfile
import time
import traceback
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from codegen.cli import main
from codegen.output import lock, writer
from tests.conftest import ROOT, run_cli

V1 = """\
subnet: race
synapses:
  Alpha: {request: {a: int}, response: {b: int}}
  Beta: {request: {a: str}, response: {b: str}}
"""
V2 = """\
subnet: race
description: The second version.
synapses:
  Alpha: {request: {a: int, c: float}, response: {b: int}}
  Gamma: {request: {a: bool}, response: {b: bool}}
"""
NOBODY = 65534
CANNOT_DROP = 77  # a child's exit status: it could not become `nobody`


@pytest.fixture(autouse=True)
def no_verification(monkeypatch: pytest.MonkeyPatch) -> None:
    """Formatting and caches are checked elsewhere; here they would only multiply the runs' cost."""
    for name in ("SUBNET_APIGEN_VERIFY_FORMAT", "SUBNET_APIGEN_VERIFY_CACHE"):
        monkeypatch.delenv(name, raising=False)


def spawn(args: list[str], log: Path, *, gate: int | None = None, uid: int | None = None, env: dict[str, str | None] | None = None, slow: bool = False) -> int:
    """Fork, and run `subnet-apigen ARGS` in the child (output in `log`): the child's pid.
    The child waits for a byte on `gate` first, runs as `uid` if given, and with `slow` takes
    a millisecond for each rename (so that two runs' writes overlap, unless they are kept apart)."""
    sys.stdout.flush()
    sys.stderr.flush()
    pid = os.fork()
    if pid:
        return pid
    code = 99
    try:
        fd = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o666)
        os.dup2(fd, 1)
        os.dup2(fd, 2)
        sys.stdout = sys.stderr = open(fd, "w", buffering=1, closefd=False)
        if gate is not None:
            os.read(gate, 1)
        if uid is not None:
            try:
                os.setgroups([])
                os.setgid(uid)
                os.setuid(uid)
            except OSError:
                code = CANNOT_DROP
                raise
        if slow:
            replace = os.replace

            def slow_replace(src: Any, dst: Any) -> None:
                time.sleep(0.004)
                replace(src, dst)

            os.replace = slow_replace  # type: ignore[assignment]
        for name, value in (env or {}).items():
            os.environ.pop(name, None) if value is None else os.environ.__setitem__(name, value)
        try:
            main.main(args=args, prog_name="subnet-apigen", standalone_mode=True)
            code = 0
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    except BaseException:
        traceback.print_exc()
    finally:
        sys.stdout.flush()
        os._exit(code)


def wait(pid: int) -> int:
    return os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1])


def tree(root: Path) -> dict[str, tuple[bytes, int] | None]:
    """Every path under `root` (links not followed) with its bytes and mtime."""
    found: dict[str, tuple[bytes, int] | None] = {}
    for path in sorted(root.rglob("*")):
        if path.is_file() and not path.is_symlink():
            found[path.relative_to(root).as_posix()] = (path.read_bytes(), path.stat().st_mtime_ns)
        else:
            found[path.relative_to(root).as_posix()] = None
    return found


# ---- concurrent runs -------------------------------------------------------


def one_version(out: Path, schemas: dict[str, Path]) -> str:
    """The version the tree holds; fails unless manifest and files are all of it."""
    manifest = json.loads((out / "race" / ".subnet-apigen.json").read_text())
    (winner,) = [name for name, path in schemas.items() if manifest["source"].endswith(path.name)]
    on_disk = {p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()}
    owned = set(manifest["files"]) | {"race/.subnet-apigen.json"}
    assert owned <= on_disk and on_disk <= owned | set(manifest["user_files"]), f"mixed tree: {sorted(on_disk ^ owned)}"
    check = run_cli(schemas[winner], "--out", out, "--check")
    assert check.exit_code == 0, check.output
    return winner


def test_concurrent_runs_of_two_versions_leave_one_version(tmp_path: Path) -> None:
    schemas = {"v1": tmp_path / "v1.yaml", "v2": tmp_path / "v2.yaml"}
    schemas["v1"].write_text(V1)
    schemas["v2"].write_text(V2)
    for path in schemas.values():  # warm this process (the forks inherit it)
        assert run_cli(path, "--out", tmp_path / "warm").exit_code == 0
    out = tmp_path / "out"
    winners = []
    for round_ in range(12):
        if round_ % 4 == 0:
            shutil.rmtree(out, ignore_errors=True)  # also race to create the output directory
        read, write = os.pipe()
        logs = [tmp_path / f"{round_}-{name}.log" for name in schemas]
        pids = [spawn([str(path), "--out", str(out)], log, gate=read, slow=True) for path, log in zip(schemas.values(), logs)]
        os.write(write, b"go")  # both start at once
        codes = [wait(pid) for pid in pids]
        os.close(read)
        os.close(write)
        for code, log in zip(codes, logs):
            text = log.read_text()
            assert code == 0 or (code == 2 and "locked by another run (pid " in text), text
            assert "Traceback" not in text, text
        winners.append(one_version(out, schemas))
        assert not [p for p in out.iterdir() if p.name.startswith(".subnet-apigen-")], "a staging directory left behind"


def test_a_run_that_waits_too_long_exits_2_naming_the_holder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    schema = tmp_path / "v1.yaml"
    schema.write_text(V1)
    out = tmp_path / "out"
    monkeypatch.setenv(lock.WAIT_ENV, "0.2")
    with lock.locked(out, write=True):  # a missing output: made, and held
        assert out.is_dir()
        for extra in ([], ["--check"]):
            result = run_cli(schema, "--out", out, *extra)
            assert result.exit_code == 2
            holder = f"pid {os.getpid()}: " if Path("/proc/locks").exists() else "another process"  # Linux names it
            assert f"{out.as_posix()}: locked by another run ({holder}" in result.stderr
            assert "waited 0.2s" in result.stderr and "Traceback" not in result.stderr
    assert not out.exists(), "the directory made for the lock goes when the run leaves it empty"
    assert run_cli(schema, "--out", out).exit_code == 0
    with lock.locked(out, write=False):  # readers share the lock; writers wait for them
        assert run_cli(schema, "--out", out, "--check").exit_code == 0
        assert run_cli(schema, "--out", out).exit_code == 0  # up to date: only reads
        schema.write_text(V2)
        assert run_cli(schema, "--out", out).exit_code == 2
    assert run_cli(schema, "--out", out).exit_code == 0
    assert [p.name for p in out.iterdir()] == ["race"], "no lock file, no leftovers"


# ---- directory symlinks inside the tree --------------------------------------


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    """A directory outside the output tree, holding a file that looks generated."""
    path = tmp_path / "outside"
    path.mkdir()
    (path / "api.py").write_text(f"{writer.GENERATED_MARK}; but not for this tree\n")
    return path


def refused(result_args: list[str | Path], out: Path, outside: Path) -> None:
    before_out, before_outside = tree(out), tree(outside)
    result = run_cli(*result_args)
    assert result.exit_code == 2, result.output
    assert "conflict: a symbolic link is where the directory for " in result.stderr
    assert "nothing written" in result.stderr
    assert tree(out) == before_out and tree(outside) == before_outside


def test_a_linked_directory_is_never_written_through(tmp_path: Path, outside: Path) -> None:
    schema = tmp_path / "race.yaml"
    schema.write_text(V1)
    out = tmp_path / "out"
    (out / "race").mkdir(parents=True)
    (out / "race" / "hooks").symlink_to(outside)  # new files would land outside
    refused([schema, "--out", out], out, outside)
    shutil.rmtree(out / "race")
    (out / "race").symlink_to(outside)  # a generated-looking file outside would be overwritten
    refused([schema, "--out", out], out, outside)
    refused([schema, "--out", out, "--check"], out, outside)


def test_a_linked_directory_is_never_removed_through(tmp_path: Path, outside: Path) -> None:
    schema = tmp_path / "race.yaml"
    schema.write_text(V1)
    out = tmp_path / "out"
    assert run_cli(schema, "--out", out).exit_code == 0
    shutil.move(out / "race" / "tests", outside / "tests")  # the generated tests, now outside ...
    (out / "race" / "tests").symlink_to(outside / "tests")  # ... reached through a link
    schema.write_text(V2)  # Beta goes: its test file would be removed
    refused([schema, "--out", out], out, outside)
    (out / "race" / "tests").unlink()
    shutil.move(outside / "tests", out / "race" / "tests")
    shutil.move(out / "race", outside / "race")
    (out / "race").symlink_to(outside / "race")
    schema.write_text(V1.replace("subnet: race", "subnet: renamed"))  # the whole package would go
    refused([schema, "--out", out], out, outside)
    assert not (out / "renamed").exists()


def test_a_link_made_after_planning_stops_the_write(tmp_path: Path, outside: Path) -> None:
    schema = tmp_path / "race.yaml"
    schema.write_text(V1)
    out = tmp_path / "out"
    from codegen import pipeline

    packages = pipeline.build(pipeline.load_all([str(schema)], None))
    plan = writer.plan(out, packages)
    (out / "race").mkdir(parents=True)
    (out / "race" / "tests").symlink_to(outside)
    before = tree(outside)
    with pytest.raises(OSError, match="symbolic link"):
        writer.apply(plan)
    assert tree(outside) == before
    assert [p.name for p in (out / "race").iterdir()] == ["tests"]


# ---- modes and error paths ----------------------------------------------------


@pytest.fixture
def umask() -> Iterator[None]:
    previous = os.umask(0o027)
    try:
        yield
    finally:
        os.umask(previous)


def test_every_file_written_honours_the_umask(tmp_path: Path, umask: None) -> None:
    schema = tmp_path / "race.yaml"
    schema.write_text(V1)
    assert run_cli(schema, "--out", tmp_path / "out").exit_code == 0
    assert run_cli("json-schema", "-o", tmp_path / "schema.json").exit_code == 0
    protocol = ROOT / "tests" / "protocols" / "template_protocol.py"
    imported = run_cli("import", protocol, "--subnet", "template", "-o", tmp_path / "template.yaml")
    assert imported.exit_code == 0, imported.stderr
    files = [p for p in tmp_path.rglob("*") if p.is_file() and p.suffix != ".log" and p != schema]
    assert len(files) > 10
    assert {p.relative_to(tmp_path).as_posix(): oct(stat.S_IMODE(p.stat().st_mode)) for p in files} == {
        p.relative_to(tmp_path).as_posix(): "0o640" for p in files
    }
    dirs = [p for p in (tmp_path / "out").rglob("*") if p.is_dir()]
    assert {oct(stat.S_IMODE(p.stat().st_mode)) for p in dirs} == {"0o750"}


@pytest.fixture
def shared_tmp(tmp_path: Path) -> Iterator[Path]:
    """A directory `nobody` can reach when the tests run as root (pytest's own is private)."""
    if os.geteuid() != 0:
        yield tmp_path
        return
    path = Path(tempfile.mkdtemp(prefix="subnet-apigen-test-"))
    path.chmod(0o755)
    try:
        yield path
    finally:
        for p in path.rglob("*"):
            if p.is_dir() and not p.is_symlink():
                p.chmod(0o755)
        shutil.rmtree(path)


def test_a_read_only_output_names_a_path_the_user_can_see(shared_tmp: Path, tmp_path: Path) -> None:
    schema = shared_tmp / "race.yaml"
    schema.write_text(V1)
    out = shared_tmp / "out"
    assert run_cli(schema, "--out", out).exit_code == 0
    schema.write_text(V2)
    cache = shared_tmp / "xdg"
    cache.mkdir(mode=0o777)
    cache.chmod(0o777)
    uid = None
    if os.geteuid() == 0:  # root writes anywhere: the runs under test are nobody's, in nobody's tree
        uid = NOBODY
        for path in [out, *out.rglob("*")]:
            os.chown(path, NOBODY, NOBODY)
    runs = [  # (what is made read-only, the command)
        (out, [str(schema), "--out", str(out)]),
        (out / "race", [str(schema), "--out", str(out)]),
        (out, ["json-schema", "-o", str(out / "schema.json")]),
    ]
    for read_only, args in runs:
        before = tree(out)
        read_only.chmod(0o555)
        log = tmp_path / "run.log"
        try:
            code = wait(spawn(args, log, uid=uid, env={"XDG_CACHE_HOME": str(cache)}))
        finally:
            read_only.chmod(0o755)
        text = log.read_text()
        if code == CANNOT_DROP:
            pytest.skip("running as root, and this system has no user `nobody` to drop to")
        assert code == 2, text
        (line,) = [line for line in text.splitlines() if ": cannot write: " in line]
        named, _, why = line.partition(": cannot write: ")
        assert why.startswith("Permission denied"), text
        assert Path(named) == read_only or Path(named).parent == read_only, text
        assert Path(named).exists() or args[0] == "json-schema", text
        assert ".subnet-apigen-" not in text and ".schema.json." not in text and "Traceback" not in text
        assert tree(out) == before
