"""Where a regeneration's time goes: each stage of `subnet-apigen SCHEMA` timed in its own process.

    python bench/stages.py            # 200 synapses x 10 fields, one field edited per run
    python bench/stages.py --runs 15

Each run is a fresh interpreter that does what the CLI does for a schema whose one field
changed since the last run (the caches warm, as on a developer's machine), timing the
stages: importing, loading (YAML, validation, spec; unchanged synapses come from the
cache), rendering, formatting, planning the writes, checking the hooks, writing. The
interpreter's own start is measured as `python -c pass`. Prints the median of each.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import inputs  # noqa: E402

STAGES = ["imports", "load", "render", "format", "plan", "hooks", "write"]


def child(schema: str, out: str) -> None:
    """One regeneration, in stages (the CLI's `generate` without its reporting)."""
    marks = [time.perf_counter()]
    from codegen import cli  # noqa: F401  (sets up what the CLI sets up)
    from codegen import pipeline, targets
    from codegen.output import gap
    from codegen.parser import memo as spec_memo
    from codegen.output import stamp
    from codegen.output import writer
    from codegen.format.files import format_files

    marks.append(time.perf_counter())
    spec = spec_memo.load_yaml_spec(Path(schema), schema, None)
    marks.append(time.perf_counter())
    files = pipeline.render_package(spec, targets.get("10"))
    marks.append(time.perf_counter())
    packages = {spec.name: format_files(files, spec.source)}
    marks.append(time.perf_counter())
    plan = writer.plan(Path(out), packages, {spec.name: spec.source})
    marks.append(time.perf_counter())
    gap.check(Path(out), packages)
    marks.append(time.perf_counter())
    writer.apply(plan)
    stamp.record([schema], Path(out), {}, [spec.name], plan, [])
    marks.append(time.perf_counter())
    print(json.dumps({name: b - a for name, a, b in zip(STAGES, marks, marks[1:])}))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--synapses", type=int, default=200)
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(*args.child)
        return 0
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONDONTWRITEBYTECODE", "SUBNET_APIGEN_VERIFY_FORMAT", "SUBNET_APIGEN_VERIFY_CACHE")}
    with tempfile.TemporaryDirectory(prefix="apigen-stages-") as work:
        env["XDG_CACHE_HOME"] = os.path.join(work, "cache")
        versions = [inputs.yaml_schema(args.synapses, 10), inputs.yaml_schema(args.synapses, 10, changed=args.synapses // 2)]
        schema = os.path.join(work, "subnet.yaml")
        rows: list[dict[str, float]] = []
        starts: list[float] = []
        for i in range(args.runs + 2):  # the first two runs fill the caches
            Path(schema).write_text(versions[i % 2], encoding="utf-8")
            argv = [sys.executable, __file__, "--child", schema, os.path.join(work, "out")]
            done = subprocess.run(argv, env=env, capture_output=True, text=True, check=True)
            begin = time.perf_counter()
            subprocess.run([sys.executable, "-c", "pass"], env=env, check=True)
            starts.append(time.perf_counter() - begin)
            if i >= 2:
                rows.append(json.loads(done.stdout))
    medians = {"interpreter start": statistics.median(starts)}
    medians.update({name: statistics.median(r[name] for r in rows) for name in STAGES})
    total = sum(medians.values())
    print(f"regeneration of {args.synapses} synapses x 10 fields after one field changed, median of {len(rows)} runs:")
    for name, seconds in medians.items():
        print(f"  {name:18} {1000 * seconds:6.1f} ms  {100 * seconds / total:4.0f}%")
    print(f"  {'total':18} {1000 * total:6.1f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
