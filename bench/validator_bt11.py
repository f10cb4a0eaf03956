"""The bittensor 11 validator side: fan-out rounds and hostile miners, side by side in one run.

    .venv11/bin/python bench/validator_bt11.py            # about a minute on 2 cores
    .venv11/bin/python bench/validator_bt11.py --quick

Needs a bittensor 11 venv with `pip install -e '.[bench11]'` (bt11 and taowire; without taowire
the TaoWire column is left out and said so). It queries the committed generated_bt11/dummy package.

The miners are one separate process of raw asyncio servers on 127.0.0.1 (one port per miner,
HTTP/1.1 keep-alive, a fixed `{"dummy_output": 6}` answer without checking signatures), so that
what is measured is the client: every client runs in its own fresh process, its CPU time is that
process's, and the clients take turns within this one invocation (medians of alternating rounds:
load from other work slows them alike).

Sections, each printed as one JSON line and summed up at the end:
- fanout: one round to 256 miners, steady state (the pool warm from the round before): wall time
  and CPU per round, for the generated `DummyAPI`, TaoWire's `ValidatorClient` (max_concurrency
  256, verify_responses off since these miners don't sign answers), and plain httpx + gather
  (one AsyncClient for every miner; 2 rounds per turn, it is the slowest by far).
- silent: 256 miners of which the first 110 never answer, timeout 12 s: healthy answers, wall time.
- hostile: 5 healthy miners, one sending 200 MB, one sending an endless body: answers kept,
  peak RSS over the baseline, wall time.
- calls: RSS growth over 1,000 calls of one API object to 8 miners.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "generated_bt11"))

ANSWER = b'{"dummy_output":6}'


# ---- the miners' process --------------------------------------------------------------------


async def serve_miners(count: int, silent: int, hostile: bool) -> None:
    """`count` miners; the first `silent` never answer; with `hostile`, two more: 200 MB and endless."""

    def miner(kind: str) -> Any:
        async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            try:
                while True:
                    head = await reader.readuntil(b"\r\n\r\n")
                    length = 0
                    for line in head.split(b"\r\n"):
                        if line.lower().startswith(b"content-length:"):
                            length = int(line.split(b":", 1)[1])
                    await reader.readexactly(length)
                    if kind == "silent":
                        await asyncio.sleep(3600)
                    elif kind == "ok":
                        writer.write(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s" % (len(ANSWER), ANSWER))
                        await writer.drain()
                        continue
                    total = 200 * 1024 * 1024 if kind == "huge" else None
                    writer.write(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n{\"dummy_output\": \"")
                    block, sent = b"x" * 65536, 0
                    while total is None or sent < total:
                        writer.write(block)
                        sent += len(block)
                        await writer.drain()
                    writer.write(b'"}')
                    await writer.drain()
                    break
            except (asyncio.IncompleteReadError, ConnectionError, asyncio.LimitOverrunError):
                pass
            finally:
                writer.close()

        return handle

    kinds = ["silent"] * silent + ["ok"] * (count - silent) + (["huge", "endless"] if hostile else [])
    ports = []
    servers = []
    for kind in kinds:
        server = await asyncio.start_server(miner(kind), "127.0.0.1", 0, backlog=1024)
        servers.append(server)
        ports.append(server.sockets[0].getsockname()[1])
    asyncio.get_running_loop().set_exception_handler(lambda loop, context: None)  # connections cut at the end
    print(json.dumps({"ports": ports, "kinds": kinds}), flush=True)
    await asyncio.get_running_loop().run_in_executor(None, sys.stdin.read)  # until the parent closes stdin


class Miners:
    def __init__(self, count: int, silent: int = 0, hostile: bool = False) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, __file__, "--serve", str(count), str(silent), "1" if hostile else "0"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
        )
        assert self.proc.stdout is not None
        info = json.loads(self.proc.stdout.readline())
        self.ports: list[int] = info["ports"]
        self.kinds: list[str] = info["kinds"]

    def close(self) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.close()
        self.proc.wait(timeout=30)


# ---- the clients (each in a process of its own) ----------------------------------------------


def keys(count: int) -> list[str]:
    from bittensor.sp_core import Keypair

    return [Keypair.create_from_uri(f"//Miner{i}").ss58_address for i in range(count)]


def rss_mb() -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


async def client_rounds(kind: str, ports: list[int], rounds: int, timeout: float) -> dict[str, Any]:
    """`rounds` fan-out rounds by one client object (the first warms the pool and is reported apart)."""
    from bittensor.sp_core import Keypair

    from dummy import DummyAPI, Endpoint
    from dummy.protocol import DummyResponse

    validator = Keypair.create_from_uri("//Validator")
    hotkeys = keys(len(ports))
    walls: list[float] = []
    cpus: list[float] = []
    answered: list[int] = []
    errors: dict[str, int] = {}
    if kind == "generated":
        api = DummyAPI(validator)
        axons = [Endpoint("127.0.0.1", p, h) for p, h in zip(ports, hotkeys)]

        async def round_() -> int:
            outcomes = await api.query(axons, api.prepare_synapse(dummy_input=3), timeout)
            for o in outcomes:
                if not o.ok:
                    errors[o.reason[:40]] = errors.get(o.reason[:40], 0) + 1
            return sum(o.ok for o in outcomes)

        close = api.aclose
    elif kind == "taowire":
        from taowire import RequestSigner, ValidatorClient
        from taowire.chain.axon import parse_axon
        from taowire.chain.gateway import NeuronView

        client = ValidatorClient(
            RequestSigner(validator), timeout_s=timeout, max_concurrency=len(ports), verify_responses=False
        )
        neurons = [
            NeuronView(
                uid=i, hotkey=h, coldkey=h, validator_permit=False, active=True, total_stake_tao=0.0, alpha_stake=0.0,
                tao_stake=0.0, axon=parse_axon(f"127.0.0.1:{p}", allow_private=True), last_update=0, incentive=0.0, dividends=0.0,
            )
            for i, (p, h) in enumerate(zip(ports, hotkeys))
        ]

        async def round_() -> int:
            body = b'{"dummy_input":3}'
            results = await client.query_many(neurons, "/Dummy", body, response_model=DummyResponse, timeout_s=timeout)
            for r in results.values():
                if not r.ok:
                    errors[str(r.error_code)] = errors.get(str(r.error_code), 0) + 1
            return sum(r.ok for r in results.values())

        close = client.aclose
    else:  # plain httpx: one client, sign and post each, gather
        import httpx
        from bittensor import http_auth

        http = httpx.AsyncClient(timeout=timeout, limits=httpx.Limits(max_connections=None, max_keepalive_connections=None))

        async def one(port: int, hotkey: str) -> bool:
            body = b'{"dummy_input":3}'
            headers = http_auth.sign(validator, method="POST", path="/Dummy", body=body, receiver_ss58=hotkey)
            headers["Content-Type"] = "application/json"
            try:
                reply = await http.post(f"http://127.0.0.1:{port}/Dummy", content=body, headers=headers)
                return reply.status_code == 200 and DummyResponse.model_validate_json(reply.content) is not None
            except Exception:
                return False

        async def round_() -> int:
            return sum(await asyncio.gather(*(one(p, h) for p, h in zip(ports, hotkeys))))

        close = http.aclose
    for _ in range(rounds + 1):
        cpu, wall = time.process_time(), time.perf_counter()
        answered.append(await round_())
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    await close()
    return {"client": kind, "first_wall": walls[0], "walls": walls[1:], "cpus": cpus[1:], "answered": answered, "errors": errors}


async def hostile_round(ports: list[int], kinds: list[str]) -> dict[str, Any]:
    from bittensor.sp_core import Keypair

    from dummy import DummyAPI, Endpoint

    validator = Keypair.create_from_uri("//Validator")
    axons = [Endpoint("127.0.0.1", p, h) for p, h in zip(ports, keys(len(ports)))]
    from dummy._transport import DEFAULT_MAX_BYTES

    base = rss_mb()
    out: dict[str, Any] = {"kinds": kinds, "baseline_rss_mb": round(base, 1)}
    # the schema's own limit (dummy_output is an int), then the default a schema without bounds gets
    for name, limit in (("schema_limit", DummyAPI.max_bytes), ("default_limit", DEFAULT_MAX_BYTES)):
        async with DummyAPI(validator, max_bytes=limit) as api:
            start = time.perf_counter()
            outcomes = await api.query(axons, api.prepare_synapse(dummy_input=3), 12.0)
            wall = time.perf_counter() - start
        out[name] = {
            "limit_bytes": limit, "ok": [o.ok for o in outcomes], "reasons": [o.reason for o in outcomes if not o.ok],
            "peak_over_baseline_mb": round(peak_mb() - base, 1), "wall_s": round(wall, 3),
        }
    return out


async def many_calls(ports: list[int], calls: int) -> dict[str, Any]:
    from bittensor.sp_core import Keypair

    from dummy import DummyAPI, Endpoint

    validator = Keypair.create_from_uri("//Validator")
    axons = [Endpoint("127.0.0.1", p, h) for p, h in zip(ports, keys(len(ports)))]
    api = DummyAPI(validator)
    for _ in range(20):
        await api(axons=axons, dummy_input=3, timeout=12.0)
    start_rss = rss_mb()
    for _ in range(calls):
        await api(axons=axons, dummy_input=3, timeout=12.0)
    end_rss = rss_mb()
    await api.aclose()
    return {"calls": calls, "axons": len(axons), "rss_start_mb": round(start_rss, 1), "rss_end_mb": round(end_rss, 1), "growth_mb": round(end_rss - start_rss, 1)}


def in_process(section: str, *args: str) -> dict[str, Any]:
    """Run one client section in a fresh process (its own CPU time and RSS)."""
    proc = subprocess.run([sys.executable, __file__, "--client", section, *args], capture_output=True, text=True, timeout=900)
    if proc.returncode != 0:
        raise RuntimeError(proc.stderr[-3000:])
    result: dict[str, Any] = json.loads(proc.stdout.strip().splitlines()[-1])
    return result


def has_taowire() -> bool:
    try:
        import taowire  # noqa: F401
    except ImportError:
        return False
    return True


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--serve", nargs=3, type=int, help=argparse.SUPPRESS)
    parser.add_argument("--client", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        asyncio.run(serve_miners(args.serve[0], args.serve[1], bool(args.serve[2])))
        return
    if args.client:
        section, *rest = args.client
        if section == "fanout":
            kind, ports, rounds = rest[0], json.loads(rest[1]), int(rest[2])
            out = asyncio.run(client_rounds(kind, ports, rounds, 12.0))
        elif section == "hostile":
            out = asyncio.run(hostile_round(json.loads(rest[0]), json.loads(rest[1])))
        else:
            out = asyncio.run(many_calls(json.loads(rest[0]), int(rest[1])))
        print(json.dumps(out))
        return

    rounds, repeats, calls = (3, 2, 200) if args.quick else (6, 3, 1000)
    clients = ["generated"] + (["taowire"] if has_taowire() else []) + ["httpx"]
    if "taowire" not in clients:
        print("taowire is not installed (pip install -e '.[bench11]'): its column is left out", file=sys.stderr)
    summary: dict[str, Any] = {"cpus": os.cpu_count(), "python": sys.version.split()[0]}

    miners = Miners(256)
    try:
        runs: dict[str, list[dict[str, Any]]] = {c: [] for c in clients}
        for _ in range(repeats):
            for kind in clients:  # alternating: load from other work slows them alike
                # plain httpx is an order of magnitude slower (one pool for every miner): fewer rounds
                runs[kind].append(in_process("fanout", kind, json.dumps(miners.ports), str(rounds if kind != "httpx" else 2)))
    finally:
        miners.close()
    fanout = {}
    for kind, results in runs.items():
        walls = [w for r in results for w in r["walls"]]
        cpus = [c for r in results for c in r["cpus"]]
        fanout[kind] = {
            "wall_ms_median": round(1000 * statistics.median(walls), 1),
            "cpu_ms_median": round(1000 * statistics.median(cpus), 1),
            "first_round_ms_median": round(1000 * statistics.median(r["first_wall"] for r in results), 1),
            "answered_min": min(min(r["answered"]) for r in results),
            "failures": {k: sum(r["errors"].get(k, 0) for r in results) for r in results for k in r["errors"]},
        }
    summary["fanout_256"] = fanout
    if "taowire" in fanout:
        summary["fanout_256"]["wall_ratio_generated_over_taowire"] = round(fanout["generated"]["wall_ms_median"] / fanout["taowire"]["wall_ms_median"], 2)
        summary["fanout_256"]["cpu_ratio_generated_over_taowire"] = round(fanout["generated"]["cpu_ms_median"] / fanout["taowire"]["cpu_ms_median"], 2)
    print(json.dumps({"fanout_256": fanout}), flush=True)

    miners = Miners(256, silent=110)
    try:
        silent = in_process("fanout", "generated", json.dumps(miners.ports), "1")
    finally:
        miners.close()
    summary["silent_110_of_256"] = {"healthy_answered": silent["answered"][-1], "healthy": 146, "wall_s": round(silent["walls"][-1], 2), "timeout_s": 12.0}
    print(json.dumps({"silent_110_of_256": summary["silent_110_of_256"]}), flush=True)

    miners = Miners(5, hostile=True)
    try:
        summary["hostile_200mb_and_endless"] = in_process("hostile", json.dumps(miners.ports), json.dumps(miners.kinds))
    finally:
        miners.close()
    print(json.dumps({"hostile": summary["hostile_200mb_and_endless"]}), flush=True)

    miners = Miners(8)
    try:
        summary["rss_over_calls"] = in_process("calls", json.dumps(miners.ports), str(calls))
    finally:
        miners.close()
    print(json.dumps({"calls": summary["rss_over_calls"]}), flush=True)
    print(json.dumps(summary, indent=2))


if __name__ == "__main__":
    main()
