"""The bittensor 11 side of tests/test_v10bridge.py, run under BT11_PYTHON (bittensor 11 only).

    python v10bridge_bt11_side.py OUT WALLETS V10_AXON_IP:PORT:HOTKEY

Serves the generated bittensor 11 `bridge` miner (in OUT) twice, with the bridge and without it,
prints one JSON line with their ports and hotkey, then queries the bittensor 10 axon and its own
miners with the generated bittensor 11 API on every wire and prints one JSON line of results.
It stops when stdin closes.
"""

from __future__ import annotations

import asyncio
import json
import socket
import sys
import threading
import time
from typing import Any

OUT, WALLETS, V10_AXON = sys.argv[1:4]
sys.path.insert(0, OUT)

import bittensor as bt  # noqa: E402
import uvicorn  # noqa: E402

from bridge import _v10bridge  # noqa: E402
from bridge._transport import Endpoint  # noqa: E402
from bridge.api import MixedAPI, PingAPI  # noqa: E402
from bridge.miner import build_app  # noqa: E402

REQUEST: dict[str, Any] = json.loads(sys.stdin.readline())


def serve(hotkey: str, v10_bridge: bool) -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    config = uvicorn.Config(build_app(hotkey, v10_bridge=v10_bridge), host="127.0.0.1", port=port, log_level="critical")
    server = uvicorn.Server(config)
    threading.Thread(target=server.run, daemon=True).start()
    end = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > end:
            raise TimeoutError("miner did not start")
        time.sleep(0.01)
    return port


async def queries(validator: bt.Wallet, v10: Endpoint, v11: Endpoint) -> dict[str, Any]:
    out: dict[str, Any] = {}
    out["auto_v10"] = await MixedAPI(validator)(axons=[v10], **REQUEST)
    out["remembered"] = v10.hotkey in _v10bridge.V10_HOTKEYS
    out["auto_v10_again"] = await MixedAPI(validator)(axons=[v10], **REQUEST)  # straight to v10 now
    out["forced_v10"] = await MixedAPI(validator, wire="v10")(axons=[v10], **REQUEST)
    api = MixedAPI(validator, wire="btauth")
    [outcome] = await api.query([v10], api.prepare_synapse(**REQUEST))
    out["forced_btauth_status"] = outcome.status
    out["ping_v10"] = await PingAPI(validator)(axons=[v10], seq=1)
    out["auto_v11"] = await MixedAPI(validator)(axons=[v11], **REQUEST)
    out["v11_remembered"] = v11.hotkey in _v10bridge.V10_HOTKEYS
    out["v10_wire_to_v11"] = await MixedAPI(validator, wire="v10")(axons=[v11], **REQUEST)
    out["both"] = await MixedAPI(validator)(axons=[v10, v11], **REQUEST)
    return out


def main() -> None:
    miner = bt.Wallet(name="m11", hotkey="default", path=WALLETS)
    validator = bt.Wallet(name="v11", hotkey="default", path=WALLETS)
    hotkey = miner.hotkey.ss58_address
    ports = {"bridge": serve(hotkey, True), "no_bridge": serve(hotkey, False)}
    print(json.dumps({"hotkey": hotkey, "validator": validator.hotkey.ss58_address, **ports}), flush=True)
    ip, port, v10_hotkey = V10_AXON.split(":")
    results = asyncio.run(queries(validator, Endpoint(ip, int(port), v10_hotkey), Endpoint("127.0.0.1", ports["bridge"], hotkey)))
    print(json.dumps(results), flush=True)
    sys.stdin.read()  # serve until the test is done


if __name__ == "__main__":
    main()
