"""The bittensor 11 target (--bittensor 11): shape of the package, and its own tests in a bittensor 11 venv.

bittensor 10 and 11 can't share a venv, so the generated packages' tests run
under the interpreter named by BT11_PYTHON (`.ci/run` makes that venv); without
it, only what needs no bittensor 11 is checked here.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
from pathlib import Path

import pytest

from tests.conftest import TEST_SCHEMAS, generate

BT11_PYTHON = os.environ.get("BT11_PYTHON")


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """every_type, and wire (streaming, tensors, no request fields), generated side by side."""
    out = tmp_path_factory.mktemp("bt11")
    generate(TEST_SCHEMAS / "bt11_wire.yaml", out, "--bittensor", "11")
    return generate(TEST_SCHEMAS / "every_type.yaml", out, "--bittensor", "11")


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
    """Both packages' own tests (wire's: streaming over SSE, tensors, hostile miners, the pool,
    the metagraph helper) in one run, and mypy --strict over both."""
    assert BT11_PYTHON
    proc = subprocess.run(
        [BT11_PYTHON, "-m", "pytest", "-q", "-p", "no:cacheprovider", "every_type/tests", "wire/tests"],
        cwd=out, capture_output=True, text=True, timeout=900,
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-2000:]
    mypy = subprocess.run([BT11_PYTHON, "-m", "mypy", "--strict", "every_type", "wire"], cwd=out, capture_output=True, text=True, timeout=600)
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
    from codegen.targets.limits import DEFAULT_MAX_BODY, MIN_MAX_BODY, max_request_bytes

    path = TEST_SCHEMAS / "every_type.yaml"
    spec = load_yaml_spec(path, str(path), None)
    limits = {s.name: max_request_bytes(s, spec) for s in spec.synapses}
    assert limits["Opaque"] == DEFAULT_MAX_BODY  # `any` is unbounded
    assert all(MIN_MAX_BODY <= n for n in limits.values())


NO_REQUEST = """\
subnet: caps
synapses:
  Capabilities:
    response:
      version: {type: str, max_length: 32}
      ready: bool
    deserialize: version
    aggregate: majority
"""


def test_a_synapse_without_request_fields_is_valid_python(tmp_path: Path) -> None:
    """Issue 15, item 1: `prepare_synapse(self, *)` was a SyntaxError, written with exit 0."""
    schema = tmp_path / "caps.yaml"
    schema.write_text(NO_REQUEST, encoding="utf-8")
    out = generate(schema, tmp_path / "out", "--bittensor", "11")
    for path in (out / "caps").rglob("*.py"):
        compile(path.read_text(encoding="utf-8"), str(path), "exec")
    api = (out / "caps" / "api.py").read_text(encoding="utf-8")
    assert "def prepare_synapse(self) -> CapabilitiesRequest:" in api
    # the schema bounds the answer: a limit of its own, well under the default
    from codegen.targets.limits import DEFAULT_MAX_BYTES

    limit = int(re.search(r"max_bytes = (\d+)", api).group(1))  # type: ignore[union-attr]
    assert 0 < limit < 10_000 < DEFAULT_MAX_BYTES


def test_streaming_tensor_and_no_request_synapses_generate(out: Path) -> None:
    wire = out
    document = json.loads((wire / "wire" / "openapi.json").read_text())
    prompt = document["paths"]["/Prompt"]["post"]["responses"]["200"]
    assert "text/event-stream" in prompt["content"]
    events = prompt["content"]["text/event-stream"]["itemSchema"]["oneOf"]
    assert [e["properties"]["event"]["const"] for e in events] == ["chunk", "final", "error"]
    assert sorted(document["components"]["schemas"]["PromptResponse"]["properties"]) == ["completion", "tokens"]
    embedding = document["components"]["schemas"]["EmbedResponse"]["properties"]["embedding"]["anyOf"][0]
    assert embedding["required"] == ["dtype", "shape", "data"]
    requirements = (wire / "wire" / "requirements.txt").read_text()
    assert "numpy" in requirements and "torch" not in requirements
    for path in (wire / "wire").rglob("*.py"):
        assert "import torch" not in path.read_text(), path


def test_answer_limits_follow_the_schema() -> None:
    from codegen import pipeline
    from codegen.targets.limits import DEFAULT_MAX_BYTES, max_answer_bytes

    [spec] = pipeline.load_all([str(TEST_SCHEMAS / "bt11_wire.yaml")], None)
    limits = {s.name: max_answer_bytes(s, spec) for s in spec.synapses}
    assert limits["Prompt"] == limits["Video"] == DEFAULT_MAX_BYTES  # streams: any number of pieces
    assert limits["Embed"] == DEFAULT_MAX_BYTES  # a tensor with a free dimension
    assert 1_000 < limits["Check"] < 10_000  # bool + str of at most 100 characters
    assert limits["Capabilities"] < limits["Check"] * 5
