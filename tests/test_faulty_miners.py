"""Faulty miners: the generated API and example client against real loopback servers that time
out, fail, answer garbage, hang up, or aren't there, next to two healthy real axons.

``process_responses`` must return the aggregate of the healthy answers (or the empty
result) and never raise; the client must name every failed axon on stderr and exit 0
if any miner answered, 1 if none did.
"""

from __future__ import annotations

import asyncio
import importlib
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import bittensor as bt
import pytest

from tests import faulty_miners as fm
from tests.conftest import generate
from tests.loopback import make_wallets, start_axon

SCHEMA = """\
subnet: faulty
synapses:
  All: {request: {n: int}, response: {value: int}, aggregate: all}
  First: {request: {n: int}, response: {value: int}, aggregate: first}
  Majority: {request: {n: int}, response: {value: int}, aggregate: majority}
  ByHotkey: {request: {n: int}, response: {value: int}, aggregate: by_hotkey}
  Custom: {request: {n: int}, response: {value: int}, aggregate: custom}
"""
SYNAPSES = ["All", "First", "Majority", "ByHotkey", "Custom"]
TIMEOUT = 2.0

# Every way a miner can fail: none of these may count, none may raise.
FAULTS: dict[str, fm.Behaviour | None] = {
    "times out": fm.hang,
    "stalls mid-body": fm.hang_mid_body,
    "answers 500": fm.answer_json(500, {"message": "boom"}),
    "answers 500 with HTML": fm.answer(500, b"<html>oops</html>", content_type="text/html"),
    "answers 503 with a JSON list": fm.answer_json(503, [1, 2]),
    "answers 200 with malformed JSON": fm.answer(200, b'{"value": 1', fm.SUCCESS),
    "answers 200 with a wrongly typed value": fm.answer_json(200, {"value": "twelve"}, fm.SUCCESS),
    "answers 200 with a JSON list": fm.answer_json(200, [1, 2, 3], fm.SUCCESS),
    "answers 200 with a JSON string": fm.answer_json(200, "value", fm.SUCCESS),
    "answers 200 overwriting the dendrite": fm.answer_json(200, {"value": 7, "dendrite": "x"}, fm.SUCCESS),
    "answers 200 with garbage status headers": fm.answer_json(200, {"value": 7}, {"bt_header_axon_status_code": "ok"}),
    "answers 200 without axon headers": fm.answer_json(200, {"value": 7}),
    "hangs up mid-request": fm.close_mid_request,
    "hangs up mid-response": fm.close_mid_response,
    "doesn't speak HTTP": fm.not_http,
    "isn't listening": None,
}
# A 200 answer that leaves the value unset: it carries nothing, so it is a failed miner too.
UNFILLED = fm.answer_json(200, {"value": None}, fm.SUCCESS)


@pytest.fixture(scope="module")
def pkg(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ModuleType]:
    tmp = tmp_path_factory.mktemp("faulty")
    (tmp / "faulty.yaml").write_text(SCHEMA)
    out = generate(tmp / "faulty.yaml", tmp / "out")
    sys.path.insert(0, str(out))
    try:
        yield importlib.import_module("faulty")
    finally:
        sys.path.remove(str(out))
        for name in [n for n in sys.modules if n == "faulty" or n.startswith("faulty.")]:
            del sys.modules[name]


@pytest.fixture(scope="module")
def wallets(tmp_path_factory: pytest.TempPathFactory) -> list[Any]:
    return make_wallets(tmp_path_factory.mktemp("wallets"), ["validator", "healthy0", "healthy1", "liar"])


@pytest.fixture(autouse=True)
def loopback_ip(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("bittensor.utils.networking.get_external_ip", lambda: "127.0.0.1")


@pytest.fixture(scope="module")
def healthy(pkg: ModuleType, wallets: list[Any]) -> Iterator[list[bt.Axon]]:
    """Two real axons answering every synapse with n * 10 + their index."""
    axons = []
    for i in (0, 1):
        forwards = []
        for name in SYNAPSES:
            cls = getattr(pkg, name)

            def forward(synapse: Any, i: int = i) -> Any:
                synapse.value = synapse.n * 10 + i
                return synapse

            forward.__annotations__ = {"synapse": cls, "return": cls}
            forwards.append(forward)
        axons.append(start_axon(wallets[1 + i], *forwards))
    yield axons
    for axon in axons:
        axon.stop()


@pytest.fixture(scope="module")
def faulty(wallets: list[Any]) -> Iterator[dict[str, bt.AxonInfo]]:
    """One server per fault, each addressed as an axon with its own made-up hotkey."""
    with fm.faulty_miners() as miners:
        out = {}
        for i, (name, behaviour) in enumerate(FAULTS.items()):
            port = miners.start(behaviour) if behaviour else fm.free_port()
            out[name] = info(port, f"5Fault{i:02d}" + "x" * 40)
        out["unfilled"] = info(miners.start(UNFILLED), "5Unfilled" + "x" * 39)
        yield out


def info(port: int, hotkey: str) -> bt.AxonInfo:
    return bt.AxonInfo(version=0, ip="127.0.0.1", port=port, ip_type=4, hotkey=hotkey, coldkey="")


def query_all(pkg: ModuleType, wallet: Any, axons: list[Any], n: int = 4) -> dict[str, Any]:
    """Every synapse's API called at once on the same axons: {synapse: result}."""

    async def one(name: str) -> Any:
        api = getattr(pkg, f"{name}API")(wallet)
        try:
            return await api(axons=axons, n=n, timeout=TIMEOUT)
        finally:
            await api.dendrite.aclose_session()

    async def run() -> list[Any]:
        return await asyncio.gather(*(one(name) for name in SYNAPSES))

    return dict(zip(SYNAPSES, asyncio.run(run())))


def test_healthy_answers_are_aggregated_and_faults_ignored(
    pkg: ModuleType, wallets: list[Any], healthy: list[bt.Axon], faulty: dict[str, bt.AxonInfo]
) -> None:
    # every faulty miner comes first, so `first` and `majority` must look past them
    axons = list(faulty.values()) + [a.info() for a in healthy]
    results = query_all(pkg, wallets[0], axons)
    hk0, hk1 = (a.wallet.hotkey.ss58_address for a in healthy)
    assert results == {
        "All": [40, 41],
        "First": 40,
        "Majority": 40,  # a tie: the first answer seen wins
        "ByHotkey": {hk0: 40, hk1: 41},
        "Custom": [40, 41],  # the default hook keeps every value
    }


def test_no_healthy_miner_gives_the_empty_result(
    pkg: ModuleType, wallets: list[Any], faulty: dict[str, bt.AxonInfo]
) -> None:
    results = query_all(pkg, wallets[0], list(faulty.values()))
    assert results == {"All": [], "First": None, "Majority": None, "ByHotkey": {}, "Custom": []}


def test_process_responses_never_raises_on_junk(pkg: ModuleType, wallets: list[Any]) -> None:
    odd = pkg.All(n=1)
    odd.dendrite = bt.TerminalInfo(status_code=200)  # no axon info at all
    odd.axon = None
    junk: list[Any] = [None, 5, "x", object(), pkg.All(), pkg.All(n=1, value=None), bt.Synapse(), odd]
    for name in SYNAPSES:
        api = getattr(pkg, f"{name}API")(wallets[0])
        result = api.process_responses(junk)
        assert result in ([], None, {}), (name, result)


def test_a_miner_cannot_claim_another_miners_hotkey(
    pkg: ModuleType, wallets: list[Any], healthy: list[bt.Axon]
) -> None:
    """A liar answers first with a victim's hotkey in its headers and body; by_hotkey keys by whom we asked."""
    victim = healthy[0].wallet.hotkey.ss58_address
    liar_hotkey = wallets[3].hotkey.ss58_address
    claim = {**fm.SUCCESS, "bt_header_axon_hotkey": victim}
    with fm.faulty_miners() as miners:
        liar = info(miners.start(fm.answer_json(200, {"value": 999, "axon": {"hotkey": victim}}, claim)), liar_hotkey)
        results = query_all(pkg, wallets[0], [liar, healthy[0].info()])
    assert results["ByHotkey"] == {liar_hotkey: 999, victim: 40}


def client_argv(wallet: Any, axons: list[bt.AxonInfo], command: str = "all") -> list[str]:
    argv = ["--wallet.path", str(Path(wallet.path).expanduser()), "--wallet.name", "validator", "--wallet.hotkey", "default"]
    for axon in axons:
        argv += ["--axon", f"{axon.ip}:{axon.port}:{axon.hotkey}"]
    return argv + ["--timeout", str(TIMEOUT), command, "--n=4"]


def failed_ports(stderr: str) -> set[int]:
    lines = [line for line in stderr.splitlines() if line.startswith("axon 127.0.0.1:") and " failed: " in line]
    return {int(line.split(":")[1].split()[0]) for line in lines}


def test_client_reports_failed_axons_and_exits_0_when_one_answered(
    pkg: ModuleType, wallets: list[Any], healthy: list[bt.Axon], faulty: dict[str, bt.AxonInfo],
    capsys: pytest.CaptureFixture[str],
) -> None:
    axons = list(faulty.values()) + [healthy[0].info()]
    # `by-hotkey`: a subcommand whose module name has an underscore (by_hotkey)
    assert importlib.import_module("faulty.client").main(client_argv(wallets[0], axons, "by-hotkey")) == 0
    captured = capsys.readouterr()
    assert json.loads(captured.out.strip().splitlines()[-1]) == {healthy[0].wallet.hotkey.ss58_address: 40}
    assert failed_ports(captured.err) == {a.port for a in faulty.values()}


def test_client_exits_1_when_no_miner_answered(
    pkg: ModuleType, wallets: list[Any], faulty: dict[str, bt.AxonInfo], capsys: pytest.CaptureFixture[str]
) -> None:
    axons = [a for name, a in faulty.items() if name != "unfilled"]
    assert importlib.import_module("faulty.client").main(client_argv(wallets[0], axons)) == 1
    captured = capsys.readouterr()
    assert captured.out.strip().splitlines()[-1] == "[]"
    assert failed_ports(captured.err) == {a.port for a in axons}
