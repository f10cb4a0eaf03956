"""Python input as real subnets write it (tests/protocols/partial_subnet/): a synapse that can't be
generated is skipped with a warning at its cause and the rest is generated; protocol defects
bittensor 10 can't carry are reported, and each claim is checked by a real axon round trip;
roles come from the subnet's own validator and miner code."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import typing
from pathlib import Path
from typing import Any, Literal, Optional

import bittensor as bt
import pytest
from pydantic import Field

from tests.conftest import run_cli
from tests.loopback import make_wallets, start_axon
from tests.test_python_input import PROTOCOLS, cwd

SCHEMA = "partial_subnet.protocol"


@pytest.fixture(autouse=True)
def loopback_ip(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("bittensor.utils.networking.get_external_ip", lambda: "127.0.0.1")


def _generate(out: Path, *extra: str) -> Any:
    with cwd(PROTOCOLS):
        return run_cli(SCHEMA, "--subnet", "partial_api", "--out", out, *extra)


def test_unsupported_synapses_are_skipped_and_the_rest_generated_with_passing_tests(tmp_path: Path) -> None:
    result = _generate(tmp_path)
    assert result.exit_code == 0, result.stderr
    err = result.stderr
    # a field in a model of another file costs only the synapse that uses it
    assert "partial_subnet/models.py:10:5: warning: Measure skipped: model `Reading`: field `value`: `complex` is not a type" in err
    # defects, at their cause
    assert "partial_subnet/protocol.py:35:5: warning: Flagged can't be queried on bittensor 10: field `done`: annotated `bool` but defaults to None" in err
    assert "partial_subnet/protocol.py:42:5: warning: Hashed can't be queried on bittensor 10: `required_hash_fields` names `missing`, which is not a field" in err
    # roles: the validator's and the miner's code decide, with the line that shows it
    assert "partial_subnet/neurons/validator.py:9: Search.top_k -> request (Search(top_k=...) builds the request)" in err
    assert "partial_subnet/neurons/validator.py:10: Search.language -> request (synapse.language = ... before sending)" in err
    assert "partial_subnet/neurons/miner.py:11: Search.process_time -> response (forward() assigns synapse.process_time)" in err
    # no code speaks: deserialize() names the answer, so an empty default is a parameter
    assert "Caption.image_b64 -> request (default '', and deserialize() names the answer" in err
    tests = sorted(p.name for p in (tmp_path / "partial_api" / "tests").glob("test_*.py"))
    assert tests == ["test_caption.py", "test_miner.py", "test_search.py"]
    api = (tmp_path / "partial_api" / "api.py").read_text()
    assert "top_k: int | None = None" in api and "language: str" in api and "Measure" not in api
    # the frozen required field (the template's idiom) is generated, and its real queries pass
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "partial_api/tests"],
        cwd=tmp_path, capture_output=True, text=True, timeout=600, env={**os.environ, "PYTHONPATH": str(PROTOCOLS)},
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-2000:]


def test_strict_makes_skips_errors_and_writes_nothing(tmp_path: Path) -> None:
    result = _generate(tmp_path / "out", "--strict")
    assert result.exit_code == 2
    assert "partial_subnet/models.py:10:5: model `Reading`: field `value`" in result.stderr
    assert "partial_subnet/protocol.py:35:5: Flagged can't be queried on bittensor 10" in result.stderr
    assert "warning:" not in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "out").exists()


def test_scan_adds_evidence_from_another_folder(tmp_path: Path) -> None:
    neurons = tmp_path / "elsewhere"
    neurons.mkdir()
    (neurons / "miner.py").write_text(
        "from partial_subnet.protocol import Caption\n\n\ndef forward(synapse: Caption) -> Caption:\n    synapse.image_b64 = 'x'\n    return synapse\n"
    )
    result = _generate(tmp_path / "out", "--scan", str(neurons), "--role", "Search.language=response")
    assert result.exit_code == 0, result.stderr
    assert "elsewhere/miner.py:5: Caption.image_b64 -> response (forward() assigns synapse.image_b64)" in result.stderr
    assert "Search.language -> response (--role)" in result.stderr


# ---- each defect and each remaining refusal, proved by a real query -----------------------


class FrozenQuery(bt.Synapse):
    query: str = Field(..., frozen=True)
    answer: Optional[str] = None


class NoneBool(bt.Synapse):
    done: bool = None  # type: ignore[assignment]
    answer: Optional[str] = None


class HashVar(bt.Synapse):
    required_hash_fields: typing.ClassVar[tuple[str, ...]] = ("prompt", "missing")
    prompt: str = ""
    answer: Optional[str] = None


class RequiredAtLeastOne(bt.Synapse):
    n: int = Field(..., ge=1)
    answer: Optional[str] = None


class RequiredLiteral(bt.Synapse):
    mode: Literal["a", "b"]
    answer: Optional[str] = None


def _answer(cls: type[bt.Synapse]) -> Any:
    async def forward(synapse: Any) -> Any:
        synapse.answer = "ok"
        return synapse

    forward.__annotations__ = {"synapse": cls, "return": cls}
    return forward


def test_each_claim_is_what_a_real_query_does(tmp_path: Path) -> None:
    """Frozen required fields work (no refusal); the defects and the remaining refusals fail."""
    classes = [FrozenQuery, NoneBool, HashVar, RequiredAtLeastOne, RequiredLiteral]
    validator, miner = make_wallets(tmp_path, ["validator", "miner"])
    axon = start_axon(miner, *map(_answer, classes))
    dendrite = bt.Dendrite(wallet=validator)

    async def query(synapse: bt.Synapse) -> Any:
        try:
            [answer] = await dendrite(axons=[axon.info()], synapse=synapse, timeout=10, deserialize=False)
            return answer.dendrite.status_code, answer.answer
        except Exception as exc:  # the defect raises in the dendrite itself
            return type(exc).__name__

    async def main() -> list[Any]:
        try:
            return [
                await query(FrozenQuery(query="cats")),
                await query(NoneBool()),
                await query(HashVar(prompt="p")),
                await query(RequiredAtLeastOne(n=3)),
                await query(RequiredLiteral(mode="b")),
            ]
        finally:
            await dendrite.aclose_session()

    try:
        frozen, none_bool, hash_var, at_least_one, literal = asyncio.run(main())
    finally:
        axon.stop()
    assert frozen == (200, "ok")
    assert none_bool[0] == 500
    assert hash_var == "KeyError"
    assert at_least_one[0] != 200 and literal[0] != 200
