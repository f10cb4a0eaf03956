"""Regeneration after protocol changes: exactly the affected files change, orphans go,
user-owned files and their edits stay, and files the generator does not own are never touched."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import yaml

from tests.conftest import SCHEMAS, run_cli


def snapshot(root: Path) -> dict[str, tuple[bytes, int]]:
    """Every file under ``root`` with its bytes and mtime (ns)."""
    return {
        p.relative_to(root).as_posix(): (p.read_bytes(), p.stat().st_mtime_ns)
        for p in sorted(root.rglob("*"))
        if p.is_file() and "__pycache__" not in p.parts
    }


def edit_schema(path: Path, change: object) -> None:
    """Load the YAML schema at ``path``, let ``change`` mutate the data, write it back."""
    data = yaml.safe_load(path.read_text())
    change(data)  # type: ignore[operator]
    path.write_text(yaml.safe_dump(data, sort_keys=False))


@pytest.fixture
def storage(tmp_path: Path) -> Path:
    schema = tmp_path / "storage.yaml"
    shutil.copy(SCHEMAS / "storage.yaml", schema)
    return schema


def gen(schema: Path, out: Path, *extra: str) -> tuple[int, str, str]:
    result = run_cli(schema, "--out", out, *extra)
    return result.exit_code, result.stdout, result.stderr


def changed_files(before: dict[str, tuple[bytes, int]], after: dict[str, tuple[bytes, int]]) -> set[str]:
    return {k for k in set(before) | set(after) if before.get(k) != after.get(k)}


# ---- determinism and the summary -----------------------------------------------------


def test_second_run_rewrites_nothing_and_keeps_mtimes(storage: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    code, stdout, _ = gen(storage, out)
    assert code == 0
    files = snapshot(out)
    assert f"{len(files)} written, 0 unchanged, 0 removed" in stdout
    code, stdout, _ = gen(storage, out)
    assert code == 0 and f"0 written, {len(files)} unchanged, 0 removed" in stdout
    assert snapshot(out) == files


def test_check_exits_0_when_fresh_and_1_when_stale_without_writing(storage: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    gen(storage, out)
    assert gen(storage, out, "--check")[0] == 0
    edit_schema(storage, lambda d: d["synapses"]["Retrieve"]["request"].update(offset="int | None"))
    before = snapshot(out)
    code, stdout, stderr = gen(storage, out, "--check")
    assert code == 1
    assert "stale: " in stdout and "storage/api.py" in stdout
    assert "stale: 7 to write" in stderr
    assert snapshot(out) == before
    code, stdout, _ = gen(storage, out, "--diff")
    assert code == 1 and "+    offset: int | None" in stdout
    assert snapshot(out) == before


# ---- schema changes -------------------------------------------------------------------


def test_new_field_rewrites_exactly_the_files_that_mention_it(storage: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    gen(storage, out)
    hook = out / "storage" / "hooks" / "retrieve.py"
    hook.write_text(hook.read_text() + "\n# my retrieval tweaks\n")
    before = snapshot(out)
    edit_schema(storage, lambda d: d["synapses"]["Retrieve"]["request"].update(offset="int | None"))
    code, stdout, _ = gen(storage, out)
    assert code == 0
    changed = changed_files(before, snapshot(out))
    assert changed == {
        "storage/protocol.py", "storage/api.py", "storage/client.py",
        "storage/tests/test_retrieve.py", "storage/tests/test_miner.py", "storage/.subnet-apigen.json",
        "storage/README.md",
    }
    assert f"7 written, {len(before) - 7} unchanged, 0 removed" in stdout
    assert hook.read_text().endswith("# my retrieval tweaks\n")


def test_removed_synapse_removes_its_generated_files_and_keeps_its_hook(storage: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    gen(storage, out)
    hook = out / "storage" / "hooks" / "retrieve.py"
    hook.write_text(hook.read_text() + "\n# keep me\n")
    edit_schema(storage, lambda d: d["synapses"].pop("Retrieve"))
    code, stdout, stderr = gen(storage, out, "--check")
    assert code == 1 and f"extra: {(out / 'storage/tests/test_retrieve.py').as_posix()}" in stdout
    code, stdout, stderr = gen(storage, out)
    assert code == 0
    assert "1 removed" in stdout
    assert not (out / "storage" / "tests" / "test_retrieve.py").exists()
    assert hook.read_text().endswith("# keep me\n")
    assert "hooks/retrieve.py: warning: its synapse is gone from the schema" in stderr
    manifest = json.loads((out / "storage" / ".subnet-apigen.json").read_text())
    assert "storage/tests/test_retrieve.py" not in manifest["files"]
    # Reported on every run until the user deals with it; deleting it ends the warning.
    assert "hooks/retrieve.py: warning" in gen(storage, out)[2]
    hook.unlink()
    (out / "storage" / "handlers" / "retrieve.py").unlink()  # the miner side's file is yours too
    code, _, stderr = gen(storage, out)
    assert code == 0 and "warning" not in stderr
    assert gen(storage, out, "--check")[0] == 0


def test_renamed_field_regenerates_and_keeps_hook_edits(storage: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    gen(storage, out)
    hook = out / "storage" / "hooks" / "store.py"
    hook.write_text(hook.read_text().replace("return synapse", "synapse.ttl_seconds = 60\n    return synapse"))
    edited = hook.read_text()

    def rename(d: dict) -> None:  # type: ignore[type-arg]
        request = d["synapses"]["Store"]["request"]
        d["synapses"]["Store"]["request"] = {("ttl" if k == "ttl_seconds" else k): v for k, v in request.items()}

    edit_schema(storage, rename)
    code, _, _ = gen(storage, out)
    assert code == 0
    assert "ttl: int | None" in (out / "storage" / "protocol.py").read_text()
    assert "ttl_seconds" not in (out / "storage" / "api.py").read_text()
    assert hook.read_text() == edited
    assert gen(storage, out, "--check")[0] == 0


def test_edited_generated_orphan_is_left_in_place(storage: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    gen(storage, out)
    test_file = out / "storage" / "tests" / "test_retrieve.py"
    test_file.write_text(test_file.read_text() + "# I changed a generated file\n")
    edit_schema(storage, lambda d: d["synapses"].pop("Retrieve"))
    code, stdout, stderr = gen(storage, out)
    assert code == 0 and "0 removed" in stdout
    assert test_file.exists()
    assert "test_retrieve.py: warning: is no longer generated, but it was edited" in stderr
    assert "test_retrieve.py" not in gen(storage, out)[2]  # no longer managed: reported once


def test_renamed_subnet_removes_the_old_package_but_not_user_files(storage: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    gen(storage, out)
    (out / "storage" / "notes.txt").write_text("mine\n")
    edit_schema(storage, lambda d: d.update(subnet="vault"))
    code, stdout, stderr = gen(storage, out)
    assert code == 0
    assert (out / "vault" / "api.py").exists()
    left = sorted(p.relative_to(out).as_posix() for p in (out / "storage").rglob("*") if p.is_file())
    assert left == [
        "storage/handlers/retrieve.py", "storage/handlers/store.py",
        "storage/hooks/retrieve.py", "storage/hooks/store.py", "storage/notes.txt",
    ]
    assert "package 'storage' is no longer generated" in stderr


def test_another_schema_into_the_same_out_leaves_the_first_alone(tmp_path: Path) -> None:
    out = tmp_path / "out"
    gen(SCHEMAS / "dummy.yaml", out)
    before = snapshot(out / "dummy")
    code, _, _ = gen(SCHEMAS / "storage.yaml", out)
    assert code == 0
    assert snapshot(out / "dummy") == before


# ---- ownership --------------------------------------------------------------------------


def test_a_hand_written_file_in_the_way_is_a_conflict_and_nothing_is_written(tmp_path: Path) -> None:
    out = tmp_path / "out"
    mine = out / "dummy" / "api.py"
    mine.parent.mkdir(parents=True)
    mine.write_text("# my own api\n")
    code, stdout, stderr = gen(SCHEMAS / "dummy.yaml", out)
    assert code == 2
    assert f"{mine.as_posix()}: conflict:" in stderr and "nothing written" in stderr
    assert sorted(p.name for p in out.rglob("*")) == ["api.py", "dummy"]
    assert mine.read_text() == "# my own api\n"
    assert gen(SCHEMAS / "dummy.yaml", out, "--check")[0] == 2


def test_a_directory_or_file_in_the_way_is_a_conflict(tmp_path: Path) -> None:
    out = tmp_path / "out"
    (out / "dummy" / "api.py").mkdir(parents=True)
    assert gen(SCHEMAS / "dummy.yaml", out)[0] == 2
    shutil.rmtree(out)
    (out / "dummy").mkdir(parents=True)
    (out / "dummy" / "tests").write_text("not a directory\n")
    code, _, stderr = gen(SCHEMAS / "dummy.yaml", out)
    assert code == 2 and "dummy/tests: conflict" in stderr
    assert sorted(p.name for p in (out / "dummy").iterdir()) == ["tests"]


def test_identical_file_is_adopted_and_lost_manifest_is_rebuilt(tmp_path: Path) -> None:
    out = tmp_path / "out"
    gen(SCHEMAS / "dummy.yaml", out)
    manifest = out / "dummy" / ".subnet-apigen.json"
    expected = manifest.read_text()
    manifest.unlink()
    api = out / "dummy" / "api.py"
    api.write_text(api.read_text() + "# stale but carries the generated header\n")
    code, stdout, _ = gen(SCHEMAS / "dummy.yaml", out)
    assert code == 0 and "2 written" in stdout  # api.py and the manifest
    assert manifest.read_text() == expected


def test_unreadable_manifest_is_a_conflict(tmp_path: Path) -> None:
    out = tmp_path / "out"
    gen(SCHEMAS / "dummy.yaml", out)
    manifest = out / "dummy" / ".subnet-apigen.json"
    manifest.write_text("<<<<<<< HEAD\n")
    code, _, stderr = gen(SCHEMAS / "dummy.yaml", out)
    assert code == 2 and ".subnet-apigen.json: conflict: not a subnet-apigen manifest" in stderr


def test_manifest_cannot_point_outside_its_package(tmp_path: Path) -> None:
    out = tmp_path / "out"
    gen(SCHEMAS / "dummy.yaml", out)
    victim = tmp_path / "victim.txt"
    victim.write_text("precious\n")
    manifest = out / "dummy" / ".subnet-apigen.json"
    data = json.loads(manifest.read_text())
    from codegen.output.writer import _digest

    data["files"]["dummy/../../victim.txt"] = _digest("precious\n")
    data["files"]["storage/x.py"] = _digest("precious\n")
    manifest.write_text(json.dumps(data))
    assert gen(SCHEMAS / "dummy.yaml", out)[0] == 0
    assert victim.read_text() == "precious\n"


def test_deleted_hook_is_written_again_and_check_reports_it_missing(tmp_path: Path) -> None:
    out = tmp_path / "out"
    gen(SCHEMAS / "dummy.yaml", out)
    hook = out / "dummy" / "hooks" / "dummy.py"
    original = hook.read_text()
    hook.unlink()
    code, stdout, _ = gen(SCHEMAS / "dummy.yaml", out, "--check")
    assert code == 1 and f"missing: {hook.as_posix()}" in stdout
    assert gen(SCHEMAS / "dummy.yaml", out)[0] == 0
    assert hook.read_text() == original


def test_diff_is_coloured_only_on_a_terminal_without_no_color(tmp_path: Path) -> None:
    import os
    import pty
    import subprocess
    import sys

    out = tmp_path / "out"
    gen(SCHEMAS / "dummy.yaml", out)
    api = out / "dummy" / "api.py"
    api.write_text(api.read_text() + "# edited\n")
    command = [sys.executable, "-m", "codegen", str(SCHEMAS / "dummy.yaml"), "--out", str(out), "--diff"]

    def on_terminal(env: dict[str, str]) -> bytes:
        leader, follower = pty.openpty()
        proc = subprocess.run(command, stdout=follower, stderr=subprocess.DEVNULL, env=env, timeout=120)
        os.close(follower)
        chunks = []
        while True:
            try:
                chunk = os.read(leader, 65536)
            except OSError:
                break
            if not chunk:
                break
            chunks.append(chunk)
        os.close(leader)
        assert proc.returncode == 1
        return b"".join(chunks)

    env = {k: v for k, v in os.environ.items() if k != "NO_COLOR"}
    assert b"\x1b[31m-# edited" in on_terminal(env)
    assert b"\x1b[" not in on_terminal({**env, "NO_COLOR": "1"})
    piped = subprocess.run(command, capture_output=True, env=env, timeout=120)
    assert b"-# edited" in piped.stdout and b"\x1b[" not in piped.stdout
