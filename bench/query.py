"""Query overhead: the generated API class vs a hand-written SubnetsAPI subclass.

Both send the same generated `Dummy` synapse through their own real `bt.Dendrite` to
the same real `bt.Axon` on 127.0.0.1, alternately, and the time of each whole call
(`await api(axons=..., dummy_input=..., timeout=...)`) is recorded. Prints one JSON
line: {"generated": [...seconds], "handwritten": [...seconds]}.

Run by bench/run.py (needs bittensor 10: `pip install -e '.[dev,bench]'`).
"""

import argparse
import asyncio
import json
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def listening(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) == 0


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--apigen", required=True, help="the subnet-apigen executable")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="apigen-query-"))
    subprocess.run([args.apigen, str(ROOT / "schemas" / "dummy.yaml"), "--out", str(work / "gen")], check=True, capture_output=True)
    sys.path.insert(0, str(work / "gen"))

    import bittensor.utils.networking

    bittensor.utils.networking.get_external_ip = lambda: "127.0.0.1"  # loopback only: no IP lookup online

    import bittensor as bt
    from bittensor.utils.subnets import SubnetsAPI
    from bittensor_wallet import Wallet
    from dummy import Dummy, DummyAPI  # type: ignore[import-not-found]

    class HandWrittenDummyAPI(SubnetsAPI):
        """What a subnet team writes by hand today for the same synapse."""

        def prepare_synapse(self, dummy_input: int) -> Any:
            return Dummy(dummy_input=dummy_input)

        def process_responses(self, responses: list[Any]) -> list[int]:
            return [
                r.dummy_output
                for r in responses
                if r.dendrite is not None and r.dendrite.status_code == 200 and r.dummy_output is not None
            ]

    wallets = []
    for name in ("validator", "miner"):
        wallet = Wallet(name=name, hotkey="default", path=str(work / "wallets"))
        wallet.create_if_non_existent(coldkey_use_password=False, hotkey_use_password=False, suppress=True)
        wallets.append(wallet)

    def forward(synapse: Dummy) -> Dummy:  # the axon routes by this annotation
        synapse.dummy_output = synapse.dummy_input * 2
        return synapse

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    axon = bt.Axon(wallet=wallets[1], ip="127.0.0.1", port=port, external_ip="127.0.0.1")
    axon.attach(forward_fn=forward)
    axon.start()
    deadline = time.monotonic() + 10
    while not listening(port):
        if time.monotonic() > deadline:
            raise SystemExit("axon did not start")
        time.sleep(0.02)
    target = axon.info()

    apis = {"generated": DummyAPI(wallets[0]), "handwritten": HandWrittenDummyAPI(wallets[0])}
    times: dict[str, list[float]] = {name: [] for name in apis}

    async def run() -> None:
        for i in range(20):  # warm up both connections
            for api in apis.values():
                assert await api(axons=[target], dummy_input=i, timeout=5) == [2 * i]
        for i in range(args.queries):
            order = list(apis) if i % 2 == 0 else list(reversed(apis))
            for name in order:
                start = time.perf_counter()
                result = await apis[name](axons=[target], dummy_input=i, timeout=5)
                times[name].append(time.perf_counter() - start)
                assert result == [2 * i], (name, result)
        for api in apis.values():
            await api.dendrite.aclose_session()

    try:
        asyncio.run(run())
    finally:
        axon.stop()
    print(json.dumps(times))


if __name__ == "__main__":
    main()
