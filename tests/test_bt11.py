"""The bittensor 11 target (--bittensor 11): shape of the package, and its own tests in a bittensor 11 venv.

bittensor 10 and 11 can't share a venv, so the generated packages' tests run
under the interpreter named by BT11_PYTHON (`.ci/run` makes that venv); without
it, only what needs no bittensor 11 is checked here.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from tests.conftest import TEST_SCHEMAS, generate

BT11_PYTHON = os.environ.get("BT11_PYTHON")


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return generate(TEST_SCHEMAS / "every_type.yaml", tmp_path_factory.mktemp("bt11"), "--bittensor", "11")


def test_package_has_no_bittensor_10_names(out: Path) -> None:
    for path in (out / "every_type").rglob("*.py"):
        text = path.read_text()
        compile(text, str(path), "exec")
        for name in ("bt.Synapse", "bt.Dendrite", "bt.Axon", "SubnetsAPI", "bittensor_wallet"):
            assert name not in text, f"{name} in {path}"


def test_openapi_document_has_a_route_per_synapse(out: Path) -> None:
    document = json.loads((out / "every_type" / "openapi.json").read_text())
    assert sorted(document["paths"]) == ["/Chat", "/Choices", "/Containers", "/Custom", "/Opaque", "/Scalars"]
    scalars = document["components"]["schemas"]["ScalarsRequest"]
    assert "text" in scalars["required"] and "maybe_text" not in scalars["required"]
    assert scalars["properties"]["count"] == {"type": "integer", "minimum": 1, "maximum": 100}
    assert scalars["properties"]["blob"]["contentEncoding"] == "base64"


def test_user_owned_handlers_and_hooks(out: Path) -> None:
    manifest = json.loads((out / "every_type" / ".subnet-apigen.json").read_text())
    owned = set(manifest["files"])
    assert "every_type/handlers/scalars.py" not in owned and "every_type/hooks/scalars.py" not in owned
    assert "every_type/miner.py" in owned and "every_type/openapi.json" in owned


@pytest.mark.skipif(not BT11_PYTHON, reason="set BT11_PYTHON to a bittensor 11 venv's python (.ci/run does)")
def test_generated_tests_pass_under_bittensor_11(out: Path) -> None:
    assert BT11_PYTHON
    proc = subprocess.run(
        [BT11_PYTHON, "-m", "pytest", "-q", "-p", "no:cacheprovider", "every_type/tests"],
        cwd=out, capture_output=True, text=True, timeout=900,
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-2000:]
    mypy = subprocess.run([BT11_PYTHON, "-m", "mypy", "--strict", "every_type"], cwd=out, capture_output=True, text=True, timeout=600)
    assert mypy.returncode == 0, mypy.stdout[-3000:]


@pytest.mark.skipif(not BT11_PYTHON, reason="set BT11_PYTHON to a bittensor 11 venv's python (.ci/run does)")
def test_readme_loopback_demo_prints_6(tmp_path: Path) -> None:
    """The README's bittensor 11 demo, run as written (twice: pasting it again must work too)."""
    import re
    import shutil

    from tests.conftest import ROOT
    from tests.loopback import free_port

    section = (ROOT / "README.md").read_text(encoding="utf-8").split("## Moving a subnet to bittensor 11", 1)[1]
    match = re.search(r"```sh\n(.*?)```", section, re.S)
    assert match, "no ```sh block in the README's bittensor 11 section"
    shutil.copytree(ROOT / "generated_bt11", tmp_path / "generated_bt11", ignore=shutil.ignore_patterns("__pycache__"))
    script = match.group(1).replace("8091", str(free_port())).replace("/tmp/w", str(tmp_path / "wallets"))
    env = {**os.environ, "PATH": os.pathsep.join([str(Path(BT11_PYTHON).parent), os.environ["PATH"]])}  # type: ignore[arg-type]
    for _ in range(2):
        proc = subprocess.run(
            ["bash", "-c", "set -e\ntrap 'kill $(jobs -p) 2>/dev/null || true' EXIT\n" + script],
            cwd=tmp_path, env=env, capture_output=True, text=True, timeout=180,
        )
        assert proc.returncode == 0, proc.stdout + proc.stderr
        assert proc.stdout.strip().splitlines()[-1] == "[6]", proc.stdout + proc.stderr


def test_fresh_handlers_answer_valid_samples(out: Path) -> None:
    """Issue 15 item 7: a fresh bittensor 11 handler fills every response field, as bittensor 10's do."""
    text = (out / "every_type" / "handlers" / "scalars.py").read_text()
    assert "return ScalarsResponse()" not in text
    answer = text.split("return ScalarsResponse(", 1)[1]
    for name in ("echo", "doubled", "half", "flipped", "blob_back", "anything_back"):
        assert f"{name}=" in answer


def test_miner_body_limits_follow_the_schema() -> None:
    """A request the schema bounds gets a limit from the bounds; one it doesn't, the documented default."""
    from codegen.parser.memo import load_yaml_spec
    from codegen.parser.sizes import DEFAULT_MAX_BODY, MIN_MAX_BODY, max_body

    path = TEST_SCHEMAS / "every_type.yaml"
    spec = load_yaml_spec(path, str(path), None)
    limits = {s.name: max_body(s, spec) for s in spec.synapses}
    assert limits["Opaque"] == DEFAULT_MAX_BODY  # `any` is unbounded
    assert all(MIN_MAX_BODY <= n for n in limits.values())
