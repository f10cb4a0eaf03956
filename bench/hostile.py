"""Generated validators against hostile miners: time, answers and memory (a script, not a test).

    python bench/hostile.py                  # every scenario, bittensor 10, as in docs/HOSTILE.md
    python bench/hostile.py --baseline       # also bittensor's own Dendrite (fanout, rss)
    python bench/hostile.py --calls 200 --only rss
    python bench/hostile.py --only fanout --answering 40 --baseline   # 110 silent, 40 + 3 answering

Three processes, so that what is measured is only the validator:
- the *miners* process serves fake miners (tests/faulty_miners.py: silent, answering, a 200 MB
  chunked answer, an endless one) and three real `bt.Axon`s on 127.0.0.1;
- each scenario runs in a fresh *client* process (`--client SCENARIO`), which imports the
  generated package, measures, and prints one JSON line;
- this one generates the package, starts the others and prints the table.

Scenarios (bittensor 10; `--target 11` rows are left to the bittensor 11 client's authors,
see CLIENTS below):
- fanout: 256 miners, the 110 silent first, then 143 answering fake miners and 3 real axons,
  timeout 12 s: healthy answers (of 146) and wall time.
- rss: N calls (default 1,000) to 64 miners (61 fake, 3 real): RSS after 10 warm-up calls,
  after 200, after N.
- huge / endless: one miner sends 200 MB (chunked: no length to refuse it by) or never stops,
  beside 5 healthy ones: healthy answers, peak RSS over the process's RSS before the call,
  wall time, whether anything raised.

The schema's answer is an unbounded `str`, so the default limit (8 MiB) applies.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SCHEMA = """\
subnet: hostile_bench
synapses:
  Echo: {request: {n: int}, response: {text: str}, aggregate: all}
"""
TIMEOUT = 12.0
SILENT, ANSWERING, REAL = 110, 143, 3
BIG = 200 * 1024 * 1024


def rss_mb() -> float:
    return _status("VmRSS")


def peak_mb() -> float:
    return _status("VmHWM")


def _status(key: str) -> float:
    with open("/proc/self/status") as f:
        return next(int(line.split()[1]) for line in f if line.startswith(key + ":")) / 1024


def reset_peak() -> None:
    with open("/proc/self/clear_refs", "w") as f:  # Linux: VmHWM restarts from the current RSS
        f.write("5")


# ---- the miners' process ---------------------------------------------------


def serve_miners(pkg_dir: str, wallets_dir: str) -> None:
    """Start the fake miners and the real axons, print their addresses, serve until stdin closes."""
    sys.path[:0] = [str(ROOT), pkg_dir]
    import bittensor.utils.networking

    bittensor.utils.networking.get_external_ip = lambda: "127.0.0.1"
    from hostile_bench import Echo  # type: ignore[import-not-found]

    from tests import faulty_miners as fm
    from tests.loopback import make_wallets, start_axon

    def forward(synapse: Echo) -> Echo:
        synapse.text = "ok"
        return synapse

    forward.__annotations__ = {"synapse": Echo, "return": Echo}  # classes, not this module's strings

    wallets = make_wallets(Path(wallets_dir), ["validator", "real0", "real1", "real2", "real3", "real4"])
    axons = [start_axon(w, forward) for w in wallets[1:]]
    miners = fm.FaultyMiners()
    ports = {
        "silent": miners.start(fm.hang),
        "answering": miners.start(fm.answer_json(200, {"text": "ok"}, fm.SUCCESS)),
        "huge": miners.start(fm.chunked(BIG, b'{"text": "')),
        "endless": miners.start(fm.chunked(None, b'{"text": "')),
    }
    real = [[a.port, a.wallet.hotkey.ss58_address] for a in axons]
    print(json.dumps({"ports": ports, "real": real}), flush=True)
    sys.stdin.read()
    miners.close()
    for axon in axons:
        axon.stop()


# ---- a client process: bittensor 10 ------------------------------------------


def client_bt10(
    scenario: str, pkg_dir: str, wallets_dir: str, where: dict[str, Any], calls: int, baseline: bool, answering: int
) -> dict[str, Any]:
    sys.path.insert(0, pkg_dir)
    import bittensor as bt
    from bittensor_wallet import Wallet
    from hostile_bench import Echo, EchoAPI  # type: ignore[import-not-found]

    wallet = Wallet(name="validator", hotkey="default", path=wallets_dir)
    ports = where["ports"]

    def info(port: int, hotkey: str) -> Any:
        return bt.AxonInfo(version=0, ip="127.0.0.1", port=port, ip_type=4, hotkey=hotkey, coldkey="")

    def fakes(kind: str, n: int) -> list[Any]:
        return [info(ports[kind], f"5{kind[:6]}{i:04d}".ljust(48, "x")) for i in range(n)]

    real = [info(port, hotkey) for port, hotkey in where["real"]]

    if baseline:  # what a hand-written SubnetsAPI does: bittensor's own Dendrite
        import bittensor.utils.networking

        bittensor.utils.networking.get_external_ip = lambda: "127.0.0.1"
        dendrite = bt.Dendrite(wallet)

        async def query(axons: list[Any]) -> list[Any]:
            out = await dendrite(axons=axons, synapse=Echo(n=1), deserialize=False, timeout=TIMEOUT)
            return list(out)

        history = lambda: len(dendrite.synapse_history)  # noqa: E731
    else:
        api = EchoAPI(wallet)

        async def query(axons: list[Any]) -> list[Any]:
            out = await api.query_synapse(Echo(n=1), axons=axons, timeout=TIMEOUT)
            return list(out)

        history = lambda: len(api.dendrite.synapse_history)  # noqa: E731

    def ok(responses: list[Any]) -> int:
        return sum(1 for r in responses if r.dendrite is not None and r.dendrite.status_code == 200 and r.text == "ok")

    async def run() -> dict[str, Any]:
        if scenario == "fanout":
            axons = fakes("silent", SILENT) + fakes("answering", answering) + real[:REAL]
            start = time.monotonic()
            responses = await query(axons)
            return {"miners": len(axons), "healthy": ok(responses), "of": answering + REAL, "seconds": round(time.monotonic() - start, 2)}
        if scenario == "rss":
            axons = fakes("answering", 64 - REAL) + real[:REAL]
            points: dict[str, float] = {}
            start = time.monotonic()
            for i in range(1, calls + 1):
                await query(axons)
                if i in (10, 200, calls):
                    points[str(i)] = round(rss_mb(), 1)
            return {
                "rss_mb": points,
                "growth_10_to_200": round(points["200"] - points["10"], 1) if "200" in points else None,
                "growth_10_to_end": round(points[str(calls)] - points["10"], 1),
                "calls": calls,
                "history": history(),
                "seconds": round(time.monotonic() - start, 1),
            }
        # huge / endless: one hostile miner beside five healthy real axons
        await query(real)  # warm up: imports, connections
        before = rss_mb()
        reset_peak()
        start = time.monotonic()
        try:
            responses = await query(fakes(scenario, 1) + real)
            raised = None
        except Exception as exc:  # what the validator would see
            responses, raised = [], f"{type(exc).__name__}: {exc}"[:200]
        took = time.monotonic() - start
        hostile = responses[0].dendrite if responses else None
        return {
            "healthy": ok(responses),
            "of": len(real),
            "seconds": round(took, 2),
            "rss_before_mb": round(before, 1),
            "peak_over_before_mb": round(peak_mb() - before, 1),
            "raised": raised,
            "hostile": f"{hostile.status_code} {hostile.status_message}"[:120] if hostile else None,
        }

    async def main() -> dict[str, Any]:
        try:
            return await run()
        finally:
            if baseline:
                await dendrite.aclose_session()
            else:
                await api.dendrite.aclose_session()

    return asyncio.run(main())


CLIENTS = {"10": client_bt10}
"""The client of each target. bittensor 11: add `client_bt11` with the same scenarios and
result keys (run it with a bittensor 11 interpreter: `--python .venv11/bin/python`)."""


# ---- the driver --------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--target", choices=sorted(CLIENTS), default="10")
    parser.add_argument("--only", default="fanout,rss,huge,endless", help="comma-separated scenarios")
    parser.add_argument("--calls", type=int, default=1000, help="calls in the rss scenario")
    parser.add_argument("--answering", type=int, default=ANSWERING, help="answering fake miners in the fanout scenario")
    parser.add_argument("--baseline", action="store_true", help="also measure bittensor's own Dendrite")
    parser.add_argument("--python", default=sys.executable, help="the client's interpreter")
    parser.add_argument("--serve", nargs=2, metavar=("PKG", "WALLETS"), help=argparse.SUPPRESS)
    parser.add_argument("--client", nargs=4, metavar=("SCENARIO", "PKG", "WALLETS", "WHERE"), help=argparse.SUPPRESS)
    parser.add_argument("--as-baseline", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.serve:
        serve_miners(*args.serve)
        return
    if args.client:
        scenario, pkg, wallets, where = args.client
        result = CLIENTS[args.target](scenario, pkg, wallets, json.loads(where), args.calls, args.as_baseline, args.answering)
        print(json.dumps(result), flush=True)
        return

    work = Path(tempfile.mkdtemp(prefix="apigen-hostile-"))
    (work / "schema.yaml").write_text(SCHEMA)
    gen = subprocess.run(
        [sys.executable, "-m", "codegen", str(work / "schema.yaml"), "--out", str(work / "gen"), "--bittensor", args.target],
        capture_output=True, text=True, cwd=ROOT,
    )
    if gen.returncode:
        sys.exit(gen.stderr)
    env = {**os.environ, "PYTHONWARNINGS": "ignore"}
    miners = subprocess.Popen(
        [sys.executable, __file__, "--serve", str(work / "gen"), str(work / "wallets")],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=env,
    )
    assert miners.stdout is not None and miners.stdin is not None
    where = miners.stdout.readline()
    if not where:
        sys.exit("the miners' process failed")
    try:
        runs = [(s, False) for s in args.only.split(",")]
        if args.baseline:
            runs += [(s, True) for s in args.only.split(",") if s in ("fanout", "rss")]  # not 200 MB: 1.7 GB
        for scenario, baseline in runs:
            calls = str(args.calls if not baseline else min(args.calls, 200))
            argv = [args.python, __file__, "--target", args.target, "--calls", calls, "--answering", str(args.answering)]
            argv += ["--client", scenario, str(work / "gen"), str(work / "wallets"), where.strip()]
            argv += ["--as-baseline"] if baseline else []
            done = subprocess.run(argv, capture_output=True, text=True, env=env, cwd=ROOT)
            lines = done.stdout.strip().splitlines()
            result = json.loads(lines[-1]) if done.returncode == 0 and lines else {"failed": done.returncode, "stderr": done.stderr[-500:]}
            who = "bittensor Dendrite" if baseline else f"generated (bittensor {args.target})"
            print(json.dumps({"scenario": scenario, "client": who, **result}), flush=True)
    finally:
        miners.stdin.close()
        miners.wait(30)


if __name__ == "__main__":
    main()
