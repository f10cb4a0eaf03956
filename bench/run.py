"""Benchmark subnet-apigen against datamodel-code-generator, and check the performance targets.

    python bench/run.py           # about two minutes on 2 cores
    python bench/run.py --quick   # fewer repetitions, for a first look

Needs `pip install -e '.[dev,bench]'` (bench adds datamodel-code-generator).

Every timed run is a fresh subprocess, exactly as a user runs the tools. The two tools
run alternately within this one invocation and the figures are medians, so load from
other work on the machine slows both alike: compare ratios, not absolute times. Each
cold run gets an empty output directory and an empty cache directory
(XDG_CACHE_HOME). Inputs are generated here: an N-synapse subnet-apigen schema with F
fields per synapse, and the same models as JSON Schema (bench/inputs.py).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import inputs  # noqa: E402

BIN = Path(sys.executable).parent
APIGEN = BIN / "subnet-apigen"
PEER = BIN / "datamodel-codegen"
FIELDS = 10


@dataclass
class Run:
    seconds: float
    max_rss_mb: float


def timed(argv: list[str], env: dict[str, str], cwd: Path) -> Run:
    """Run a command; its wall time and peak memory (the kernel's accounting of that one child)."""
    with tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(argv, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=err)
        _, status, usage = os.wait4(proc.pid, 0)
        elapsed = time.perf_counter() - start
        proc.returncode = code = os.waitstatus_to_exitcode(status)
        if code:
            err.seek(0)
            raise SystemExit(f"{' '.join(argv)} exited {code}:\n{err.read().decode(errors='replace')[-2000:]}")
    return Run(elapsed, usage.ru_maxrss / 1024)


class Bench:
    def __init__(self, work: Path, quick: bool) -> None:
        self.work = work
        self.quick = quick
        self.rows: list[tuple[str, str, str, str, str, bool | None]] = []

    def env(self, cache: Path | None = None) -> dict[str, str]:
        env = dict(os.environ)
        env["XDG_CACHE_HOME"] = str(cache or Path(tempfile.mkdtemp(dir=self.work, prefix="cache-")))
        env.pop("SUBNET_APIGEN_VERIFY_FORMAT", None)  # the test suite's self-checks: not what users run
        env.pop("SUBNET_APIGEN_VERIFY_CACHE", None)
        # Python caches bytecode by default (pip compiles installed packages, and a checkout gets
        # __pycache__ on its first run); a PYTHONDONTWRITEBYTECODE=1 left in the environment
        # would make every run recompile a checkout's sources, a cost users don't pay.
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        return env

    def schema(self, n: int, *, changed: int | None = None, name: str | None = None) -> Path:
        path = self.work / (name or f"s{n}.yaml")
        path.write_text(inputs.yaml_schema(n, FIELDS, changed=changed), encoding="utf-8")
        return path

    def json_schema(self, n: int) -> Path:
        path = self.work / f"s{n}.json"
        path.write_text(inputs.json_schema(n, FIELDS), encoding="utf-8")
        return path

    def ours_cold(self, schema: Path) -> Run:
        out = Path(tempfile.mkdtemp(dir=self.work, prefix="out-"))
        try:
            return timed([str(APIGEN), schema.name, "--out", str(out)], self.env(), self.work)
        finally:
            shutil.rmtree(out, ignore_errors=True)

    def peer_cold(self, schema: Path) -> Run:
        out = Path(tempfile.mkdtemp(dir=self.work, prefix="peer-"))
        argv = [
            str(PEER), "--input", schema.name, "--input-file-type", "jsonschema", "--formatters", "black",
            "--disable-timestamp", "--output", str(out / "models.py"),
        ]
        try:
            return timed(argv, self.env(), self.work)
        finally:
            shutil.rmtree(out, ignore_errors=True)

    def record(self, name: str, ours: str, base: str, ratio: float, goal: float | None) -> None:
        """A row of the table; with no goal, a figure shown for comparison only."""
        passed = None if goal is None else ratio <= goal
        self.rows.append((name, ours, base, f"{ratio:.2f}", "-" if goal is None else f"<= {goal:g}", passed))

    # ---- the targets ----------------------------------------------------

    def cold_vs_peer(self, n: int, reps: int) -> float:
        yaml_schema, json_schema = self.schema(n), self.json_schema(n)
        ours: list[float] = []
        peer: list[float] = []
        for _ in range(reps):
            ours.append(self.ours_cold(yaml_schema).seconds)
            peer.append(self.peer_cold(json_schema).seconds)
        mine, theirs = statistics.median(ours), statistics.median(peer)
        label = "1 synapse" if n == 1 else f"{n} synapses x {FIELDS} fields"
        self.record(f"cold, {label}", f"{mine:.2f} s", f"{theirs:.2f} s (datamodel-codegen)", mine / theirs, 0.5 if n == 1 else 1.0)
        return mine

    def warm(self, n: int, cold: float, reps: int) -> None:
        """Regenerate after one field of one synapse changes (a new edit each run, as a user
        makes them), one-shot; `--check` unchanged output."""
        cache = Path(tempfile.mkdtemp(dir=self.work, prefix="cache-warm-"))
        schema = self.work / "subnet.yaml"

        def regenerate(out: Path, env: dict[str, str], edits: range) -> list[float]:
            schema.write_text(inputs.yaml_schema(n, FIELDS), encoding="utf-8")
            timed([str(APIGEN), schema.name, "--out", str(out)], env, self.work)
            times = []
            for edit in edits:
                schema.write_text(inputs.yaml_schema(n, FIELDS, changed=n // 2, edit=edit), encoding="utf-8")
                times.append(timed([str(APIGEN), schema.name, "--out", str(out)], env, self.work).seconds)
            return times

        one_shot = regenerate(self.work / "warm-out", self.env(cache), range(1, reps + 1))
        check = [timed([str(APIGEN), schema.name, "--out", str(self.work / "warm-out"), "--check"], self.env(cache), self.work).seconds for _ in range(reps)]
        r, c = statistics.median(one_shot), statistics.median(check)
        label = f"regenerate after 1 field of 1 synapse changes ({n} x {FIELDS})"
        self.record(label, f"{r:.2f} s", f"{cold:.2f} s (our cold)", r / cold, 0.2)
        self.record(f"--check, output unchanged ({n} x {FIELDS})", f"{c:.3f} s", f"{cold:.2f} s (our cold)", c / cold, 0.1)

    def query_overhead(self, queries: int) -> None:
        proc = subprocess.run(
            [sys.executable, str(Path(__file__).parent / "query.py"), "--queries", str(queries), "--apigen", str(APIGEN)],
            capture_output=True, text=True, env=self.env(),
        )
        if proc.returncode:
            raise SystemExit(f"bench/query.py failed:\n{proc.stderr[-3000:]}")
        times = json.loads(proc.stdout.strip().splitlines()[-1])
        gen, hand = statistics.median(times["generated"]), statistics.median(times["handwritten"])
        self.record(
            f"query through a real loopback axon ({queries} each, alternating)",
            f"{gen * 1000:.2f} ms", f"{hand * 1000:.2f} ms (hand-written)", gen / hand, 1.05,
        )

    def scaling(self, sizes: list[int], reps: int) -> list[tuple[int, float, float, int]]:
        table = []
        for n in sizes:
            schema = self.schema(n)
            runs = [self.ours_cold(schema) for _ in range(reps)]
            out = Path(tempfile.mkdtemp(dir=self.work, prefix="lines-"))
            timed([str(APIGEN), schema.name, "--out", str(out)], self.env(), self.work)
            lines = sum(p.read_text(encoding="utf-8").count("\n") for p in out.rglob("*.py"))
            shutil.rmtree(out, ignore_errors=True)
            table.append((n, statistics.median(r.seconds for r in runs), max(r.max_rss_mb for r in runs), lines))
        return table


def marginal(table: list[tuple[int, float, float, int]], column: int) -> list[float]:
    """Cost per added synapse between consecutive sizes (fixed start-up costs cancel out)."""
    return [(b[column] - a[column]) / (b[0] - a[0]) for a, b in zip(table, table[1:])]


def linear(table: list[tuple[int, float, float, int]], column: int) -> bool:
    """Linear growth: the cost per added synapse over the last (largest) step is at most 1.5x
    that of the step before it; quadratic growth would make it about 10x."""
    *_, before, last = marginal(table, column)
    return last <= 1.5 * before


def machine() -> str:
    cpu = platform.processor() or "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{os.cpu_count()} CPUs ({cpu}), {platform.system()} {platform.release()}, Python {platform.python_version()}"


def versions() -> str:
    from importlib.metadata import version

    return ", ".join(f"{d} {version(d)}" for d in ("subnet-apigen", "black", "datamodel-code-generator", "bittensor"))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="fewer repetitions")
    parser.add_argument("--keep", action="store_true", help="keep the work directory")
    args = parser.parse_args()
    for tool in (APIGEN, PEER):
        if not tool.exists():
            return print(f"{tool} not found: run `pip install -e '.[dev,bench]'` in this venv", file=sys.stderr) or 2
    reps = 3 if args.quick else 9
    work = Path(tempfile.mkdtemp(prefix="apigen-bench-"))
    print(f"machine: {machine()}\nversions: {versions()}\nwork dir: {work}\n", flush=True)
    bench = Bench(work, args.quick)
    try:
        print("timing cold runs, alternating with datamodel-codegen...", flush=True)
        bench.ours_cold(bench.schema(1))  # untimed: lets each tool's bytecode be cached, as after install
        bench.peer_cold(bench.json_schema(1))
        bench.cold_vs_peer(1, 3 * reps)
        cold = bench.cold_vs_peer(200, max(3, reps // 2 + 1))
        print("timing regeneration and --check...", flush=True)
        bench.warm(200, cold, reps)
        print("timing queries through a loopback axon...", flush=True)
        bench.query_overhead(100 if args.quick else 300)
        print("timing scaling...", flush=True)
        table = bench.scaling([1, 10, 100, 1000], 1 if args.quick else 2)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)

    print()
    header = ("target", "subnet-apigen", "compared with", "ratio", "goal", "")
    rows = [(*row[:5], {True: "PASS", False: "FAIL", None: ""}[row[5]]) for row in bench.rows]
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(6)]
    for r in [header, *rows]:
        print("  ".join(str(c).ljust(w) for c, w in zip(r, widths)).rstrip())
    print(f"\nscaling, cold, {FIELDS} fields per synapse (median time, peak memory, lines of Python written):")
    print("  synapses      time   peak RSS     lines   ms per added synapse   MB per added synapse")
    steps = [(None, None), *zip(marginal(table, 1), marginal(table, 2))]
    for (n, seconds, rss, lines), (dt, dm) in zip(table, steps):
        extra = "" if dt is None else f"   {1000 * dt:20.1f}   {dm:20.3f}"
        print(f"  {n:8d}  {seconds:6.2f} s  {rss:6.0f} MB  {lines:8d}{extra}")
    time_ok, memory_ok = linear(table, 1), linear(table, 2)
    print(f"  time grows linearly: {'PASS' if time_ok else 'FAIL'}; memory grows linearly: {'PASS' if memory_ok else 'FAIL'}")
    print("\nTimes are medians of alternating runs in this one invocation; other work on the machine")
    print("moves absolute numbers, so judge the ratios.")
    failed = [r for r in bench.rows if r[5] is False] + ([None] if not (time_ok and memory_ok) else [])
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
