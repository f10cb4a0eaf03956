"""The types real subnets' protocols use (issue 14): unions, dates, tuples, sets, enum-keyed
dicts, bytes, recursive models, model defaults, `model_` names, lower-case class names.

One YAML schema (tests/schemas/real_types.yaml) and one protocol module
(tests/protocols/subnet_types.py) hold them all, each as a request and a response field; their
generated tests run real Dendrite -> Axon round trips, in one pytest run.
"""

from __future__ import annotations

import asyncio
import datetime
import importlib
import inspect
import os
import subprocess
import sys
from pathlib import Path
from typing import Any, Optional

import bittensor as bt
import pytest

from tests.conftest import TEST_SCHEMAS, run_cli
from tests.loopback import make_wallets, start_axon
from tests.test_python_input import PROTOCOLS, cwd, put_on_path, signatures


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("out")
    result = run_cli(TEST_SCHEMAS / "real_types.yaml", "--out", out)
    assert result.exit_code == 0, result.stderr
    with cwd(PROTOCOLS):
        result = run_cli("subnet_types.py", "--subnet", "real_types_py", "--out", out)
    assert result.exit_code == 0, result.stderr
    return out


def test_generated_tests_round_trip_every_type_through_real_axons(out: Path) -> None:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(PROTOCOLS), os.environ.get("PYTHONPATH", "")])}
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-k", "round_trip or client_queries", "real_types/tests", "real_types_py/tests"],
        cwd=out, capture_output=True, text=True, timeout=600, env=env,
    )
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-2000:]
    assert "failed" not in proc.stdout and "skipped" not in proc.stdout


def test_generated_code_is_mypy_strict_clean(out: Path, tmp_path: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--follow-imports=silent", "--cache-dir", str(tmp_path / "mypy"),
         "-p", "real_types", "-p", "real_types_py"],
        cwd=out, capture_output=True, text=True, timeout=600, env={**os.environ, "MYPYPATH": str(PROTOCOLS)},
    )
    assert proc.returncode == 0, proc.stdout[-3000:]


def test_protocol_shapes(out: Path) -> None:
    text = (out / "real_types" / "protocol.py").read_text()
    # types whose Python form isn't JSON travel through wire annotations
    for line in ("at: WireDatetime | None", "tags: WireSet[str] | None", "frozen: WireFrozenset[int] | None", "by_kind: dict[Kind, int] | None"):
        assert line in text
    assert 'children: "list[Node]"' in text and "Node.model_rebuild()" in text  # recursion: a forward reference
    assert "model_config = ConfigDict(protected_namespaces=())" in text  # `model_` fields
    assert "class job(BaseModel):" in text and "class lowercase_synapse(bt.Synapse):" in text
    assert 'default_factory=lambda: Settings.model_validate({"model_name": "big"})' in text


def test_python_input_api(out: Path, on_path: list[str]) -> None:
    put_on_path(on_path, out, PROTOCOLS)
    api = importlib.import_module("real_types_py.api")
    params = inspect.signature(api.EverythingAPI.prepare_synapse).parameters
    # Optional[int] with no default: the API requires an int (None would never arrive: bittensor leaves
    # it out of the headers the axon rebuilds the synapse from)
    assert params["limit"].default is inspect.Parameter.empty and params["limit"].annotation in ("int", int)
    assert params["since"].default == datetime.datetime(2024, 1, 2, 3, 4, 5)
    test = (out / "real_types_py" / "tests" / "test_everything.py").read_text()
    assert '"lang": "en"' in test  # the only value passing the field's own validator: its default
    assert '"tasks": {"a": TextTask.model_validate({"prompt": "hi"})}' in test  # an example of `dict[str, Model]`


def test_import_gives_yaml_with_the_same_api(tmp_path: Path, on_path: list[str]) -> None:
    yaml_file = tmp_path / "real.yaml"
    with cwd(PROTOCOLS):
        imported = run_cli("import", "subnet_types.py", "--subnet", "real_imported", "-o", yaml_file)
        assert imported.exit_code == 0, imported.stderr
        from_python = run_cli("subnet_types.py", "--subnet", "real_py2", "--out", tmp_path / "py")
        assert from_python.exit_code == 0, from_python.stderr
    from_yaml = run_cli(yaml_file, "--subnet", "real_yaml2", "--out", tmp_path / "yaml")
    assert from_yaml.exit_code == 0, from_yaml.stderr
    put_on_path(on_path, tmp_path / "py", tmp_path / "yaml", PROTOCOLS)
    assert signatures(importlib.import_module("real_py2.api")) == signatures(importlib.import_module("real_yaml2.api"))


UNSENDABLE = '''
import datetime
from typing import Annotated, Optional

import bittensor as bt
from pydantic import PlainSerializer


class RawDate(bt.Synapse):
    day: datetime.date = datetime.date(2024, 1, 2)
    out: Optional[str] = None


class RequiredTime(bt.Synapse):
    at: Annotated[datetime.datetime, PlainSerializer(lambda v: v.isoformat(), return_type=str)]
    out: Optional[str] = None
'''


def test_what_bittensor_10_cant_send_is_reported_and_a_real_query_fails(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, on_path: list[str]) -> None:
    module = tmp_path / "unsendable_protocol.py"
    module.write_text(UNSENDABLE)
    result = run_cli(module, "--subnet", "unsendable", "--out", tmp_path / "out")
    assert f"{module.name}:10:5: RawDate can't be queried on bittensor 10: field `day`: the dendrite sends `model_dump()` as JSON" in result.stderr
    assert "RequiredTime can't be queried on bittensor 10: field `at` is required, so the dendrite sends its empty value \"\"" in result.stderr
    # the premises, on a real axon: both queries fail
    put_on_path(on_path, tmp_path)
    protocol = importlib.import_module("unsendable_protocol")
    monkeypatch.setattr("bittensor.utils.networking.get_external_ip", lambda: "127.0.0.1")
    wallet = make_wallets(tmp_path / "wallets", ["w"])[0]

    def fill(synapse: Any) -> Any:
        synapse.out = "seen"
        return synapse

    def forward_raw(synapse: Any) -> Any:
        return fill(synapse)

    def forward_required(synapse: Any) -> Any:
        return fill(synapse)

    # bittensor reads each forward's synapse class from its annotations (strings in this module)
    forward_raw.__annotations__ = {"synapse": protocol.RawDate, "return": protocol.RawDate}
    forward_required.__annotations__ = {"synapse": protocol.RequiredTime, "return": protocol.RequiredTime}

    axon = start_axon(wallet, forward_raw, forward_required)

    async def query() -> list[Optional[str]]:
        dendrite = bt.Dendrite(wallet=wallet)
        try:
            answers = []
            for synapse in (protocol.RawDate(), protocol.RequiredTime(at=datetime.datetime(2024, 1, 2))):
                [answer] = await dendrite(axons=[axon.info()], synapse=synapse, timeout=5, deserialize=False)
                answers.append(answer.out)
            return answers
        finally:
            await dendrite.aclose_session()

    try:
        assert asyncio.run(query()) == [None, None]
    finally:
        axon.stop()
