"""The generated bittensor 11 miner under load and under attack, side by side with its peers.

    pip install -e '.[bench11]'   # in a bittensor 11 venv: bittensor 11 and TaoWire
    python bench/miner.py

Throughput: three servers answer `POST /Dummy` of the dummy subnet with the same handler
(double the input), each in a process of its own, one at a time, in alternation:

- `generated`: the generated miner as `python -m dummy.miner` runs it (`_server.server`),
  every header-first check and limit on, its default options;
- `taowire`: a TaoWire `Miner` with the same route (btauth/1, its caller policy on a fake
  chain, rate limits raised out of the way as TaoWire's own `taowire bench` does);
- `bare`: a FastAPI route on uvicorn with no authentication at all (the ceiling).

A load process keeps 50 requests in flight over 50 keep-alive connections (raw HTTP/1.1,
so the client is not the bottleneck) with requests signed by //Alice just before each run;
it counts answers per second and the 99th percentile of latency.

Hostile figures, against the generated miner:

- one unsigned 100 MB body: the time to the refusal, and the miner's RSS growth;
- 1,100 slow connections held (trickling their headers, reconnecting when closed) against
  the miner's 1,024-file limit: how many of 20 signed requests get an answer within 5 s.

Prints a JSON summary on its last line.
"""


import argparse
import asyncio
import json
import os
import resource
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
ROUTE = "/Dummy"
SERVERS = ("generated", "taowire", "bare")


# ---- the servers (run as `python bench/miner.py --serve KIND --port N --package DIR`) --------


def serve(kind: str, port: int, package: Path) -> None:
    sys.path.insert(0, str(package))
    from bittensor.sp_core import Keypair
    from dummy.protocol import DummyRequest, DummyResponse

    bob = Keypair.create_from_uri("//Bob")

    async def forward(request: DummyRequest, caller: str) -> DummyResponse:
        return DummyResponse(dummy_output=request.dummy_input * 2)

    if kind == "generated":
        from dummy import _server
        from dummy.miner import build_app

        limits = _server.Limits()
        _server.server(build_app(bob.ss58_address, handlers={"Dummy": forward}, limits=limits), limits=limits).run(
            sockets=[_server.bind("127.0.0.1", port)]
        )
    elif kind == "bare":
        import uvicorn
        from fastapi import FastAPI

        app = FastAPI()

        @app.post(ROUTE)
        async def dummy(body: DummyRequest) -> DummyResponse:
            return await forward(body, "")

        uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning", access_log=False)
    elif kind == "taowire":
        from taowire.config import MinerSettings
        from taowire.miner.app import Miner
        from taowire.miner.routes import RouteContext
        from taowire.testing.bench import BENCH_NETUID, bench_chain
        from taowire.testing.metagraph import FakeMetagraphSource

        gateway = bench_chain([bob.ss58_address]).with_signer(bob.ss58_address)
        miner = Miner(
            MinerSettings.from_env(), gateway=gateway, metagraph=FakeMetagraphSource(gateway, BENCH_NETUID),
            hotkey=bob, check_sdk=False,
        )

        @miner.route(ROUTE, request=DummyRequest, response=DummyResponse)
        async def tw_dummy(req: DummyRequest, ctx: RouteContext) -> DummyResponse:
            return await forward(req, "")

        miner.run()
    else:
        raise SystemExit(f"unknown server {kind}")


def taowire_env(port: int) -> dict[str, str]:
    """TaoWire's settings as its own `taowire bench` sets them (rate limits out of the way)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("TW_")}
    env.update({
        "TW_NETUID": "1", "TW_WALLET_NAME": "bench", "TW_WALLET_PATH": tempfile.gettempdir(),
        "TW_EXTERNAL_IP": "127.0.0.2", "TW_ALLOW_PRIVATE_AXONS": "1", "TW_BIND_HOST": "127.0.0.1",
        "TW_BIND_PORT": str(port), "TW_METRICS_BIND": f"127.0.0.1:{free_port()}", "TW_NTP_SERVERS": "",
        "TW_WORKERS": "1", "TW_LOG_LEVEL": "WARNING",
        "TW_RATE_IP_PER_S": "1000000", "TW_RATE_IP_BURST": "1000000",
        "TW_RATE_HOTKEY_PER_S": "1000000", "TW_RATE_HOTKEY_BURST": "1000000",
    })
    return env


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


class Server:
    def __init__(self, kind: str, package: Path, files: int | None = None) -> None:
        self.kind = kind
        self.port = free_port()
        env = taowire_env(self.port) if kind == "taowire" else dict(os.environ)

        def limit_files() -> None:
            if files is not None:
                resource.setrlimit(resource.RLIMIT_NOFILE, (files, files))

        self.proc = subprocess.Popen(
            [sys.executable, __file__, "--serve", kind, "--port", str(self.port), "--package", str(package)],
            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, preexec_fn=limit_files,
        )
        end = time.monotonic() + 60
        while True:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                break
            except OSError:
                if self.proc.poll() is not None or time.monotonic() > end:
                    raise RuntimeError(f"{kind} did not start: {self.proc.stderr.read() if self.proc.stderr else ''}") from None
                time.sleep(0.1)

    def rss(self, field: str = "VmRSS") -> int:
        for line in Path(f"/proc/{self.proc.pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1]) * 1024
        return 0

    def stop(self) -> str:
        self.proc.terminate()
        try:
            _, err = self.proc.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            _, err = self.proc.communicate()
        return err or ""


# ---- the load ---------------------------------------------------------------------------------


def signed_requests(n: int, receiver: str, body: bytes) -> list[bytes]:
    from bittensor import http_auth
    from bittensor.sp_core import Keypair

    alice = Keypair.create_from_uri("//Alice")
    base = time.time_ns()
    out = []
    for i in range(n):
        headers = http_auth.sign(alice, method="POST", path=ROUTE, body=body, receiver_ss58=receiver, nonce_ns=base + i)
        head = f"POST {ROUTE} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: {len(body)}\r\n"
        head += "".join(f"{k}: {v}\r\n" for k, v in headers.items()) + "\r\n"
        out.append(head.encode() + body)
    return out


async def load(port: int, requests: list[bytes], concurrency: int, seconds: float) -> dict[str, Any]:
    latencies: list[float] = []
    statuses: Counter[int] = Counter()
    queue = iter(requests)
    start = time.perf_counter()
    end = start + seconds

    async def worker() -> None:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        try:
            while time.perf_counter() < end:
                request = next(queue, None)
                if request is None:
                    return
                sent = time.perf_counter()
                writer.write(request)
                head = await reader.readuntil(b"\r\n\r\n")
                lines = head.decode("latin-1").lower().split("\r\n")
                length = next((int(line.split(":", 1)[1]) for line in lines if line.startswith("content-length:")), 0)
                await reader.readexactly(length)
                latencies.append(time.perf_counter() - sent)
                statuses[int(lines[0].split()[1])] += 1
                if "connection: close" in lines:
                    writer.close()
                    reader, writer = await asyncio.open_connection("127.0.0.1", port)
        finally:
            writer.close()

    await asyncio.gather(*(worker() for _ in range(concurrency)))
    took = time.perf_counter() - start
    ok = statuses.get(200, 0)
    return {
        "rps": ok / took,
        "p99_ms": statistics.quantiles(latencies, n=100)[98] * 1000 if len(latencies) > 100 else float("nan"),
        "statuses": dict(statuses),
    }


def throughput(package: Path, rounds: int, seconds: float, concurrency: int) -> dict[str, Any]:
    from bittensor.sp_core import Keypair

    bob = Keypair.create_from_uri("//Bob").ss58_address
    body = b'{"dummy_input":21}'
    runs: dict[str, list[dict[str, Any]]] = {k: [] for k in SERVERS}
    for _ in range(rounds):
        for kind in SERVERS:
            server = Server(kind, package)
            try:
                # warm-up, then the measured run, each with requests signed just before
                asyncio.run(load(server.port, signed_requests(500, bob, body), concurrency, 1.0))
                requests = signed_requests(int(seconds * 6000), bob, body)
                runs[kind].append(asyncio.run(load(server.port, requests, concurrency, seconds)))
            finally:
                server.stop()
            print(kind, runs[kind][-1], file=sys.stderr, flush=True)
    out: dict[str, Any] = {}
    for kind, results in runs.items():
        out[kind] = {
            "rps": round(statistics.median(r["rps"] for r in results)),
            "p99_ms": round(statistics.median(r["p99_ms"] for r in results), 1),
            "statuses": [r["statuses"] for r in results],
        }
    out["generated/taowire"] = round(out["generated"]["rps"] / out["taowire"]["rps"], 2)
    out["generated/bare"] = round(out["generated"]["rps"] / out["bare"]["rps"], 2)
    return out


# ---- the attacks ------------------------------------------------------------------------------


def unsigned_100mb(package: Path, kind: str = "generated") -> dict[str, Any]:
    """Send a 100 MB unsigned body as fast as the socket takes it; time to the refusal, and RSS growth."""
    server = Server(kind, package)
    try:
        time.sleep(0.5)
        before = server.rss()
        size = 100 * 1024 * 1024
        head = f"POST {ROUTE} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: {size}\r\n\r\n".encode()
        sock = socket.create_connection(("127.0.0.1", server.port), timeout=30)
        answer: list[bytes] = []
        start = time.perf_counter()

        def send() -> None:
            chunk = b" " * (1024 * 1024)
            try:
                sock.sendall(head)
                for _ in range(100):
                    sock.sendall(chunk)
            except OSError:
                pass  # refused and closed: what we want

        sender = threading.Thread(target=send)
        sender.start()
        answer.append(sock.recv(65536))
        took = time.perf_counter() - start
        sender.join(timeout=30)
        sock.close()
        time.sleep(0.3)
        status = int(answer[0].split(b" ", 2)[1]) if answer[0] else None
        return {"server": kind, "status": status, "seconds": round(took, 3), "rss_growth_mb": round((server.rss("VmHWM") - before) / 2**20, 1)}
    finally:
        server.stop()


def slowloris(package: Path, slow: int = 1100, files: int = 1024, kind: str = "generated") -> dict[str, Any]:
    """`slow` connections trickling their headers (reconnecting when closed), then 20 signed requests."""
    from bittensor.sp_core import Keypair

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, max(soft, slow + 500)), hard))
    server = Server(kind, package, files=files)
    bob = Keypair.create_from_uri("//Bob").ss58_address
    stop = asyncio.Event()
    reconnects = 0

    async def trickler() -> None:
        nonlocal reconnects
        while not stop.is_set():
            try:
                reader, writer = await asyncio.open_connection("127.0.0.1", server.port)
                writer.write(f"POST {ROUTE} HTTP/1.1\r\nHost: x\r\n".encode())
                while not stop.is_set():
                    await asyncio.sleep(1.0)
                    writer.write(b"X-a: b\r\n")
                    await writer.drain()
                    if reader.at_eof():
                        break
            except OSError:
                await asyncio.sleep(0.1)
            reconnects += 1

    async def signed_one(request: bytes) -> tuple[int | None, float]:
        start = time.perf_counter()
        try:
            async with asyncio.timeout(5):
                reader, writer = await asyncio.open_connection("127.0.0.1", server.port)
                writer.write(request)
                head = await reader.readuntil(b"\r\n\r\n")
                writer.close()
                return int(head.split(b" ", 2)[1]), time.perf_counter() - start
        except (TimeoutError, OSError, asyncio.IncompleteReadError):
            return None, time.perf_counter() - start

    async def attack() -> dict[str, Any]:
        tasks = [asyncio.create_task(trickler()) for _ in range(slow)]
        await asyncio.sleep(3.0)  # every slow connection opened (and the miner full)
        results = []
        for request in signed_requests(20, bob, b'{"dummy_input":21}'):
            results.append(await signed_one(request))
            await asyncio.sleep(0.1)
        stop.set()
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        answered = [t for status, t in results if status == 200]
        return {
            "server": kind, "slow_connections": slow, "file_limit": files,
            "answered_within_5s": f"{len(answered)}/20",
            "worst_seconds": round(max((t for _, t in results), default=0), 2),
            "slow_reconnects": reconnects,
        }

    try:
        result = asyncio.run(attack())
    finally:
        err = server.stop()
    result["miner_log_lines"] = len(err.splitlines())
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--serve", choices=SERVERS)
    parser.add_argument("--port", type=int)
    parser.add_argument("--package", type=Path)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--seconds", type=float, default=4.0)
    parser.add_argument("--concurrency", type=int, default=50)
    args = parser.parse_args()
    if args.serve:
        serve(args.serve, args.port, args.package)
        return
    work = Path(tempfile.mkdtemp(prefix="apigen-miner-bench-"))
    apigen = Path(sys.executable).parent / "subnet-apigen"
    subprocess.run([str(apigen), str(ROOT / "schemas" / "dummy.yaml"), "--bittensor", "11", "--out", str(work)], check=True, capture_output=True)
    summary = {
        "throughput": throughput(work, args.rounds, args.seconds, args.concurrency),
        "unsigned_100mb": [unsigned_100mb(work, kind) for kind in ("generated", "taowire")],
        "slowloris": [slowloris(work, kind=kind) for kind in ("generated", "taowire")],
    }
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
