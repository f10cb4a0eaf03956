"""Your code under hooks/ and handlers/ against the generated package (issue 15).

- The generated tests test the generated code: they hold whatever your hooks do.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from tests.conftest import generate

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
