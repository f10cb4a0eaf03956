"""The generation gap: user-owned hooks are never overwritten, and a schema change that
leaves one behind is reported (a warning; --check still passes) without importing it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from codegen import pipeline
from codegen.output import gap
from tests.conftest import ROOT, SCHEMAS, run_cli


@pytest.fixture
def dummy(tmp_path: Path) -> Path:
    schema = tmp_path / "dummy.yaml"
    shutil.copy(SCHEMAS / "dummy.yaml", schema)
    return schema


def set_synapse(schema: Path, **values: object) -> None:
    data = yaml.safe_load(schema.read_text())
    data["synapses"]["Dummy"].update(values)
    schema.write_text(yaml.safe_dump(data, sort_keys=False))


def run(schema: Path, out: Path, *extra: str) -> tuple[int, str, str]:
    result = run_cli(schema, "--out", out, *extra)
    return result.exit_code, result.stdout, result.stderr


def test_fresh_defaults_fit_their_schema() -> None:
    specs = pipeline.load_all([str(p) for p in sorted(SCHEMAS.glob("*.yaml"))], None)
    assert gap.check(ROOT / "generated", pipeline.build(specs)) == []


def test_custom_aggregate_added_reports_what_the_hook_lacks(dummy: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    run(dummy, out)
    hook = out / "dummy" / "hooks" / "dummy.py"
    mine = hook.read_text() + "\n# my code\n"
    hook.write_text(mine)
    set_synapse(dummy, aggregate="custom")
    code, _, stderr = run(dummy, out)
    assert code == 0
    assert hook.read_text() == mine  # never overwritten
    assert f"{hook.as_posix()}: warning: `aggregate()` is missing" in stderr
    assert f"{hook.as_posix()}: warning: `Result` is missing" in stderr
    assert f"{hook.as_posix()}:14:17: warning: `postprocess(result: list[int])` but the generated code now passes `Result`" in stderr
    # --check passes (the generated files are fresh) but still says so.
    code, _, stderr = run(dummy, out, "--check")
    assert code == 0 and "`aggregate()` is missing" in stderr


def test_custom_aggregate_removed_reports_dead_hooks(dummy: Path, tmp_path: Path) -> None:
    set_synapse(dummy, aggregate="custom")
    out = tmp_path / "out"
    run(dummy, out)
    assert run(dummy, out)[2] == ""
    set_synapse(dummy, aggregate="first")
    _, _, stderr = run(dummy, out)
    assert "`aggregate` is no longer used: the synapse's aggregate is no longer `custom`" in stderr
    assert "`postprocess(result: Result)` but the generated code now passes `int | None`" in stderr


def test_result_type_change_reports_postprocess_annotation(dummy: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    run(dummy, out)
    data = yaml.safe_load(dummy.read_text())
    data["synapses"]["Dummy"]["response"]["dummy_output"]["type"] = "str"
    dummy.write_text(yaml.safe_dump(data, sort_keys=False))
    _, _, stderr = run(dummy, out)
    assert "`postprocess(result: list[int])` but the generated code now passes `list[str]`" in stderr
    assert "`postprocess()` returns `list[int]` but the generated code now expects `list[str]`" in stderr


def test_equivalent_annotation_spellings_are_not_reported(dummy: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    run(dummy, out)
    hook = out / "dummy" / "hooks" / "dummy.py"
    hook.write_text(hook.read_text().replace("result: list[int]", "result: 'list[int]'").replace(") -> list[int]", ")->list[ int ]"))
    assert run(dummy, out)[2] == ""


def test_import_of_a_name_the_protocol_lost(tmp_path: Path) -> None:
    schema = tmp_path / "s.yaml"
    data = {"subnet": "colors", "enums": {"Color": ["red"]}, "synapses": {"Paint": {"request": {"color": "Color"}, "response": {"ok": "bool"}}}}
    schema.write_text(yaml.safe_dump(data))
    out = tmp_path / "out"
    run(schema, out)
    hook = out / "colors" / "hooks" / "paint.py"
    hook.write_text(hook.read_text().replace("from ..protocol import Paint", "from ..protocol import Color, Paint"))
    assert run(schema, out)[2] == ""
    data["enums"] = {"Hue": ["red"]}
    data["synapses"]["Paint"]["request"]["color"] = "Hue"
    schema.write_text(yaml.safe_dump(data))
    _, _, stderr = run(schema, out)
    assert f"{hook.as_posix()}:6:1: warning: imports `Color` from `..protocol`, which no longer defines it" in stderr


def test_hook_that_cannot_take_the_call(dummy: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    run(dummy, out)
    hook = out / "dummy" / "hooks" / "dummy.py"
    hook.write_text(hook.read_text().replace("def prepare(synapse: Dummy)", "def prepare(synapse: Dummy, extra: int)"))
    assert "`prepare()` must take 1 positional argument(s)" in run(dummy, out)[2]


def test_broken_hook_is_reported_never_imported(dummy: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    run(dummy, out)
    marker = tmp_path / "imported"
    hook = out / "dummy" / "hooks" / "dummy.py"
    hook.write_text(f"open({str(marker)!r}, 'w').write('x')\n" + hook.read_text())
    assert run(dummy, out)[2] == ""
    hook.write_text(hook.read_text() + "\ndef broken(:\n")
    code, _, stderr = run(dummy, out)
    assert code == 0 and f"{hook.as_posix()}:19:12: warning: not valid Python" in stderr
    assert not marker.exists()


def test_star_import_silences_missing_names(dummy: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    run(dummy, out)
    hook = out / "dummy" / "hooks" / "dummy.py"
    hook.write_text("from .impl import *  # noqa: F403\n")
    set_synapse(dummy, aggregate="custom")
    assert "is missing" not in run(dummy, out)[2]
