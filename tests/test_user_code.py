"""Your code under hooks/ and handlers/ against the generated package (issue 15).

- Code that reads or writes a field the schema no longer has is reported (items 3).
- The generated tests test the generated code: they hold whatever your hooks do (item 4).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.conftest import ROOT, SCHEMAS, generate, run_cli

BT11_PYTHON = os.environ.get("BT11_PYTHON")

AGGREGATES = ("all", "first", "majority", "by_hotkey", "custom")

SCHEMA = "subnet: hooked\nsynapses:\n" + "".join(
    f"  {name.title().replace('_', '')}:\n"
    f"    request: {{x: {{type: int, ge: 0}}}}\n"
    f"    response: {{y: int, confidence: float}}\n"
    f"    deserialize: y\n"
    f"    aggregate: {name}\n"
    for name in AGGREGATES
)

# What a user may well write in hooks/: a prepare that changes the request on every call
# (a nonce), a postprocess that drops low-confidence answers (here: every one), a custom
# aggregate of their own.
EMPTY = {"all": "result[:0]", "first": "None", "majority": "None", "by_hotkey": "{}", "custom": "result[:0]"}


def edit_hooks(package: Path, synapse_param: str) -> None:
    for name in AGGREGATES:
        path = package / "hooks" / f"{name}.py"
        text = path.read_text()
        text = text.replace(f"    return {synapse_param}\n", f"    {synapse_param}.x = int.from_bytes(os.urandom(2), 'big')\n    return {synapse_param}\n", 1)
        text = text.replace("    return result\n", f"    return {EMPTY[name]}  # drops low-confidence answers\n")
        text = text.replace("return [answer.value for answer in answers]", "return [answer.value * 2 for answer in answers][::-1]")
        path.write_text("import os\n" + text)


def run_generated_tests(python: str, out: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [python, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-k", "aggregate or hooks or healthy", "hooked/tests"],
        cwd=out, capture_output=True, text=True, timeout=600,
    )


def test_generated_tests_hold_for_any_hook(tmp_path: Path) -> None:
    schema = tmp_path / "hooked.yaml"
    schema.write_text(SCHEMA)
    out = generate(schema, tmp_path / "out")
    edit_hooks(out / "hooked", "synapse")
    run = run_generated_tests(sys.executable, out)
    assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-2000:]
    assert " passed" in run.stdout


@pytest.mark.skipif(not BT11_PYTHON, reason="set BT11_PYTHON to a bittensor 11 venv's python (.ci/run does)")
def test_generated_bt11_tests_hold_for_any_hook(tmp_path: Path) -> None:
    assert BT11_PYTHON
    schema = tmp_path / "hooked.yaml"
    schema.write_text(SCHEMA)
    out = generate(schema, tmp_path / "out", "--bittensor", "11")
    edit_hooks(out / "hooked", "request")
    run = run_generated_tests(BT11_PYTHON, out)
    assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-2000:]


def rename_fields(schema: Path) -> None:
    data = yaml.safe_load(schema.read_text())
    synapse = data["synapses"]["Dummy"]
    synapse["request"] = {"number": synapse["request"].pop("dummy_input")}
    synapse["response"] = {"doubled": synapse["response"].pop("dummy_output")}
    schema.write_text(yaml.safe_dump(data, sort_keys=False))


@pytest.mark.parametrize("target", ["10", "11"])
def test_user_code_using_renamed_fields_is_reported(tmp_path: Path, target: str) -> None:
    schema = tmp_path / "dummy.yaml"
    schema.write_text((SCHEMAS / "dummy.yaml").read_text())
    out = tmp_path / "out"
    generate(schema, out, "--bittensor", target)
    hook = out / "dummy" / "hooks" / "dummy.py"
    param = "synapse" if target == "10" else "request"
    hook.write_text(hook.read_text().replace(f"    return {param}\n", f"    {param}.dummy_input += 1\n    return {param}\n"))
    handler = out / "dummy" / "handlers" / "dummy.py"
    # The committed example's handler: it doubles dummy_input into dummy_output.
    handler.write_text((ROOT / ("generated" if target == "10" else "generated_bt11") / "dummy" / "handlers" / "dummy.py").read_text())
    assert "dummy_output" in handler.read_text()
    rename_fields(schema)

    for extra in ((), ("--check",)):
        result = run_cli(schema, "--out", out, "--bittensor", target, *extra)
        assert result.exit_code == 0, result.stderr  # warnings never change the exit code
        warnings = [line for line in result.stderr.splitlines() if ": warning: " in line]
        where = {(line.split(":")[0].rsplit("/", 2)[-2], int(line.split(":")[1])) for line in warnings}
        text = "\n".join(warnings)
        assert f"reads `{param}.dummy_input`" in text and "its fields now: " in text and "`number`" in text, result.stderr
        assert all(line.split(":")[2].isdigit() and int(line.split(":")[2]) > 0 for line in warnings), text
        assert {place for place, _ in where} == {"hooks", "handlers"}, text
        if target == "10":
            assert "assigns `synapse.dummy_output`, but `Dummy` has no field `dummy_output`" in text
            assert f"{out.as_posix()}/dummy/handlers/dummy.py:12:9: warning: assigns `synapse.dummy_output`" in text
        else:
            assert "passes `dummy_output=` to `DummyResponse()`, which has no field `dummy_output`" in text
    # Fixed code is quiet.
    for path in (hook, handler):
        path.write_text(path.read_text().replace("dummy_input", "number").replace("dummy_output", "doubled"))
    result = run_cli(schema, "--out", out, "--bittensor", target)
    assert result.exit_code == 0 and "warning" not in result.stderr, result.stderr
