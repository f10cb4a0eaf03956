"""Runs that skip the pipeline because a stamp proves the output fresh -- and only then."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from codegen import pipeline
from codegen.output import stamp
from tests.conftest import SCHEMAS, run_cli


@pytest.fixture
def fresh_out(tmp_path: Path) -> tuple[Path, Path]:
    schema = tmp_path / "storage.yaml"
    shutil.copy(SCHEMAS / "storage.yaml", schema)
    out = tmp_path / "out"
    assert run_cli(schema, "--out", out).exit_code == 0
    assert run_cli(schema, "--out", out, "--check").exit_code == 0  # an up-to-date run leaves the stamp
    return schema, out


@pytest.fixture
def full_run(fresh_out: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch) -> tuple[str, str]:
    """What a full run (no stamp) reports for the fresh output: (--check stderr, run stdout)."""
    schema, out = fresh_out
    with monkeypatch.context() as mp:
        mp.setattr(stamp, "fresh", lambda *args: None)
        return run_cli(schema, "--out", out, "--check").stderr, run_cli(schema, "--out", out).stdout


@pytest.fixture
def pipeline_must_not_run(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("the pipeline ran")

    monkeypatch.setattr(pipeline, "load_all", refuse)


def test_check_of_fresh_output_skips_the_pipeline(
    fresh_out: tuple[Path, Path], full_run: tuple[str, str], pipeline_must_not_run: None
) -> None:
    schema, out = fresh_out
    result = run_cli(schema, "--out", out, "--check")
    assert result.exit_code == 0
    assert result.stderr == full_run[0] and result.stderr.startswith("up to date: 0 to write")


def test_a_run_with_nothing_to_do_skips_the_pipeline(
    fresh_out: tuple[Path, Path], full_run: tuple[str, str], pipeline_must_not_run: None
) -> None:
    schema, out = fresh_out
    result = run_cli(schema, "--out", out)
    assert result.exit_code == 0
    assert result.stdout == full_run[1] and "0 written" in result.stdout


def test_a_hand_edited_file_is_still_caught(fresh_out: tuple[Path, Path]) -> None:
    schema, out = fresh_out
    api = out / "storage" / "api.py"
    api.write_text(api.read_text() + "# edited\n")
    result = run_cli(schema, "--out", out, "--check")
    assert result.exit_code == 1
    assert "stale: " in result.stdout and "storage/api.py" in result.stdout


def test_a_deleted_hook_is_still_caught(fresh_out: tuple[Path, Path]) -> None:
    schema, out = fresh_out
    (out / "storage" / "hooks" / "store.py").unlink()
    result = run_cli(schema, "--out", out, "--check")
    assert result.exit_code == 1
    assert "missing: " in result.stdout


def test_a_changed_schema_option_or_output_dir_is_not_fresh(fresh_out: tuple[Path, Path]) -> None:
    schema, out = fresh_out
    options = {"subnet": None, "bittensor": "10", "roles": [], "complete": False}
    assert stamp.fresh([str(schema)], out, options) is not None
    assert stamp.fresh([str(schema)], out, {**options, "subnet": "other"}) is None
    (out / "other").mkdir()
    (out / "other" / ".subnet-apigen.json").write_text("{}")
    assert stamp.fresh([str(schema)], out, options) is None, "a package appeared"
    (out / "other" / ".subnet-apigen.json").unlink()
    assert stamp.fresh([str(schema)], out, options) is not None
    schema.write_text(schema.read_text().replace("Fetch a chunk", "Get a chunk"))
    assert stamp.fresh([str(schema)], out, options) is None
    result = run_cli(schema, "--out", out, "--check")
    assert result.exit_code == 1


def test_a_changed_generator_is_not_fresh(fresh_out: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    schema, out = fresh_out
    options = {"subnet": None, "bittensor": "10", "roles": [], "complete": False}
    assert stamp.fresh([str(schema)], out, options) is not None
    monkeypatch.setattr(stamp, "generator_digest", lambda: "an edited template")
    assert stamp.fresh([str(schema)], out, options) is None
