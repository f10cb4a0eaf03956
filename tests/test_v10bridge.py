"""The migration bridge across two venvs: bittensor 10 and 11 nodes of one subnet talk to each other.

This process (bittensor 10) runs a real bt.Axon of the generated bittensor 10 package; a
BT11_PYTHON process (tests/v10bridge_bt11_side.py) runs the generated bittensor 11 miner and API.
Every check compares with bittensor 10 talking to bittensor 10: same answers, same refusals.
"""

from __future__ import annotations

import asyncio
import base64
import json
import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import TEST_SCHEMAS, generate
from tests.loopback import free_port, make_wallets

BT11_PYTHON = os.environ.get("BT11_PYTHON")
pytestmark = pytest.mark.skipif(not BT11_PYTHON, reason="set BT11_PYTHON to a bittensor 11 venv's python (.ci/run does)")

REQUEST: dict[str, Any] = {
    "n": 3, "x": 2.5, "text": "héllo", "blob": base64.b64encode(b"\x00\xffdata").decode(), "flag": True,
    "mode": "slow", "tags": ["a", "b"], "pair": {"left": 1, "right": "r", "tag": "AAE=", "mode": "fast"}, "maybe": None,
    "meta": {"z": 1, "a": 2}, "choice": "b", "note": "unhashed",
}
FIELDS = [*REQUEST, "echo", "size"]

HANDLERS_V10 = '''
import json

from ..protocol import Mixed, Ping

async def forward(synapse: Mixed) -> Mixed:
    seen = synapse.model_dump(mode="json", include={"n", "x", "text", "blob", "flag", "mode", "tags", "pair", "maybe", "meta", "choice", "note"})
    synapse.echo = json.dumps(seen, sort_keys=True)
    synapse.size = len(synapse.blob or b"")
    return synapse

async def forward_ping(synapse: Ping) -> Ping:
    synapse.pong = 7
    return synapse

async def blacklist(synapse: Mixed) -> tuple[bool, str]:
    banned = synapse.dendrite is not None and synapse.dendrite.hotkey == BANNED
    return banned, "caller is blacklisted" if banned else "accepted"

async def priority(synapse: object) -> float:
    return 0.0
'''

HANDLERS_V11 = '''
import json

from ..protocol import MixedRequest, MixedResponse, PingRequest, PingResponse

async def forward(request: MixedRequest, caller: str) -> MixedResponse:
    return MixedResponse(echo=json.dumps(request.model_dump(mode="json"), sort_keys=True), size=len(request.blob))

async def forward_ping(request: PingRequest, caller: str) -> PingResponse:
    return PingResponse(pong=7)

def blacklist(caller: str) -> bool:
    return caller == BANNED
'''


def write_handlers(package: Path, text: str, banned: str) -> None:
    """The same miner logic on both sides (handlers/ are the user's files), refusing the hotkey `banned`."""
    text = text.replace("\nasync def forward(", f"\nBANNED = {banned!r}\n\nasync def forward(", 1)
    (package / "handlers" / "mixed.py").write_text(text)
    (package / "handlers" / "ping.py").write_text(text.replace("async def forward(", "async def _mixed(").replace("forward_ping", "forward"))


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """A bittensor 10 axon here, and the bittensor 11 side's miners (with and without the bridge) there."""
    root = tmp_path_factory.mktemp("v10bridge")
    v10_out = generate(TEST_SCHEMAS / "bridge.yaml", root / "v10")
    v11_out = generate(TEST_SCHEMAS / "bridge.yaml", root / "v11", "--bittensor", "11")
    wallets = root / "wallets"
    m10, v10, _, _, banned = make_wallets(wallets, ["m10", "v10", "m11", "v11", "banned"])
    write_handlers(v10_out / "bridge", HANDLERS_V10, banned.hotkey.ss58_address)
    write_handlers(v11_out / "bridge", HANDLERS_V11, banned.hotkey.ss58_address)
    sys.path.insert(0, str(v10_out))
    try:
        from bridge.miner import build_axon

        axon = build_axon(m10, ip="127.0.0.1", port=free_port())
        axon.start()
        info = axon.info()
        side = subprocess.Popen(
            [BT11_PYTHON or "", str(Path(__file__).with_name("v10bridge_bt11_side.py")), str(v11_out), str(wallets), f"{info.ip}:{info.port}:{info.hotkey}"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
        )
        assert side.stdin and side.stdout
        side.stdin.write(json.dumps(REQUEST) + "\n")
        side.stdin.flush()
        ready = json.loads(side.stdout.readline() or "null")
        results = json.loads(side.stdout.readline() or "null")
        assert ready and results, "the bittensor 11 side failed (its stderr is above)"
        import bittensor as bt

        def at(port: int) -> Any:
            return bt.AxonInfo(version=0, ip="127.0.0.1", port=port, ip_type=4, hotkey=ready["hotkey"], coldkey="")

        yield {
            "v10": info, "v11": at(ready["bridge"]), "v11_off": at(ready["no_bridge"]),
            "validator": v10, "banned": banned, "bt11": results, "ready": ready,
        }
        side.stdin.close()
        side.wait(timeout=30)
        axon.stop()
    finally:
        sys.path.remove(str(v10_out))
        for name in [m for m in sys.modules if m == "bridge" or m.startswith("bridge.")]:
            del sys.modules[name]


@pytest.fixture
def dendrite(world: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    import bittensor as bt

    monkeypatch.setattr("bittensor.utils.networking.get_external_ip", lambda: "10.0.0.1")
    d = bt.Dendrite(world["validator"])
    yield d
    asyncio.run(d.aclose_session())


def expected_echo() -> str:
    return json.dumps(REQUEST, sort_keys=True)


def test_bittensor_10_api_and_dendrite_get_the_same_from_the_bittensor_11_miner(world: dict[str, Any], dendrite: Any) -> None:
    from bridge.api import MixedAPI, PingAPI
    from bridge.protocol import Mixed, Ping

    async def run() -> tuple[Any, ...]:
        api = MixedAPI(world["validator"])
        from_v10 = await api(axons=[world["v10"]], **REQUEST)
        from_v11 = await api(axons=[world["v11"]], **REQUEST)
        pings = await PingAPI(world["validator"])(axons=[world["v10"], world["v11"]], seq=1)
        raw = [await dendrite.call(world[k], Mixed(**REQUEST), deserialize=False) for k in ("v10", "v11")]
        ping = await dendrite.call(world["v11"], Ping(seq=1), deserialize=False)
        return from_v10, from_v11, pings, raw, ping

    from_v10, from_v11, pings, (a, b), ping = asyncio.run(run())
    assert list(from_v10.values()) == list(from_v11.values()) == [expected_echo()]
    assert pings == [7, 7]
    assert a.model_dump(include=set(FIELDS)) == b.model_dump(include=set(FIELDS))
    assert a.size == 6 and a.echo == expected_echo()
    for side, keys in (("dendrite", ("status_code", "status_message", "hotkey", "ip", "port", "version")), ("axon", ("status_code", "status_message", "ip"))):
        for key in keys:
            assert getattr(getattr(a, side), key) == getattr(getattr(b, side), key), (side, key)
    assert b.is_success and b.dendrite.status_code == 200 and b.axon.status_message == "Success"
    assert b.axon.hotkey == world["ready"]["hotkey"] and a.dendrite.uuid == b.dendrite.uuid
    assert ping.pong == 7 and ping.is_success


def test_tampered_or_badly_signed_v10_requests_are_refused_alike(world: dict[str, Any], dendrite: Any) -> None:
    import aiohttp
    from bridge.protocol import Mixed

    def resign(h: dict[str, str], body: dict[str, Any], nonce: int) -> None:
        message = f"{nonce}.{h['bt_header_dendrite_hotkey']}.{h['bt_header_axon_hotkey']}.{h['bt_header_dendrite_uuid']}.{h['computed_body_hash']}"
        h["bt_header_dendrite_nonce"] = body["dendrite"]["nonce"] = str(nonce)
        h["bt_header_dendrite_signature"] = "0x" + world["validator"].hotkey.sign(message).hex()

    cases: dict[str, Callable[[dict[str, str], dict[str, Any]], None]] = {
        "as sent": lambda h, b: None,
        "hashed field changed": lambda h, b: b.update(n=4),
        "hashed model changed": lambda h, b: b.update(pair={**REQUEST["pair"], "tag": "AAI="}),
        "unhashed field changed": lambda h, b: b.update(note="changed"),  # bittensor 10 doesn't protect it
        "body hash replaced": lambda h, b: h.update(computed_body_hash="0" * 64),
        "signature of another": lambda h, b: h.update(bt_header_dendrite_signature="0x" + "11" * 64),
        "signature not hex": lambda h, b: h.update(bt_header_dendrite_signature="nothex"),
        "no signature": lambda h, b: h.pop("bt_header_dendrite_signature"),
        "no nonce": lambda h, b: h.pop("bt_header_dendrite_nonce"),
        "nonce not a number": lambda h, b: h.update(bt_header_dendrite_nonce="soon"),
        "stale but signed": lambda h, b: resign(h, b, time.time_ns() - 60 * 10**9),
        "invalid body": lambda h, b: b.update(blob="!!not base64"),
    }

    async def send(key: str, change: Callable[[dict[str, str], dict[str, Any]], None], twice: bool = False) -> list[tuple[int, str | None, str]]:
        info = world[key]
        synapse = dendrite.preprocess_synapse_for_request(info, Mixed(**REQUEST), 12.0)
        headers, body = synapse.to_headers(), synapse.model_dump(mode="json")
        headers["Content-Type"] = "application/json"
        change(headers, body)
        out = []
        async with aiohttp.ClientSession() as session:
            for _ in range(2 if twice else 1):
                async with session.post(f"http://127.0.0.1:{info.port}/Mixed", headers=headers, data=json.dumps(body)) as reply:
                    message = (await reply.json()).get("message")
                    out.append((reply.status, reply.headers.get("bt_header_axon_status_code"), str(message)[:24]))
        return out

    async def run() -> dict[str, Any]:
        found = {}
        for name, change in cases.items():
            found[name] = [await send(key, change) for key in ("v10", "v11")]
        found["replayed"] = [await send(key, lambda h, b: None, twice=True) for key in ("v10", "v11")]
        return found

    found = asyncio.run(run())
    for name, (v10, v11) in found.items():
        assert [(s, h) for s, h, _ in v10] == [(s, h) for s, h, _ in v11], (name, v10, v11)
        if not v10[-1][2].startswith("Internal Server Error"):  # those carry a random error id
            assert [m for _, _, m in v10] == [m for _, _, m in v11], (name, v10, v11)
    assert found["hashed field changed"][1][0][0] == 500
    assert found["signature of another"][1][0][0] == 401 and found["replayed"][1][1][0] == 401
    assert found["as sent"][1][0][0] == found["unhashed field changed"][1][0][0] == 200


def test_a_blacklisted_caller_is_refused_alike(world: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    import bittensor as bt
    from bridge.protocol import Mixed

    monkeypatch.setattr("bittensor.utils.networking.get_external_ip", lambda: "10.0.0.1")

    async def run() -> list[Any]:
        async with bt.Dendrite(world["banned"]) as d:
            return [await d.call(world[k], Mixed(**REQUEST), deserialize=False) for k in ("v10", "v11")]

    a, b = asyncio.run(run())
    assert (a.dendrite.status_code, a.dendrite.status_message) == (b.dendrite.status_code, b.dendrite.status_message)
    assert b.dendrite.status_code == 403 and b.echo is None


def test_bridge_off_refuses_bittensor_10(world: dict[str, Any], dendrite: Any) -> None:
    from bridge.protocol import Mixed

    refused = asyncio.run(dendrite.call(world["v11_off"], Mixed(**REQUEST), deserialize=False))
    assert refused.dendrite.status_code == 401 and refused.echo is None


def test_bittensor_11_api_reaches_the_bittensor_10_axon(world: dict[str, Any]) -> None:
    got, v10, v11 = world["bt11"], world["v10"].hotkey, world["ready"]["hotkey"]
    echo = expected_echo()
    assert got["auto_v10"] == got["auto_v10_again"] == got["forced_v10"] == {v10: echo}
    assert got["remembered"] is True and got["v11_remembered"] is False
    assert got["forced_btauth_status"] == 401  # what a bittensor 10 axon answers btauth/1
    assert got["ping_v10"] == [7]
    assert got["auto_v11"] == got["v10_wire_to_v11"] == {v11: echo}
    assert got["both"] == {v10: echo, v11: echo}
