"""Benchmark: `reportgen metrics SOURCE --all --period 2024 --format json`, end to end.

For each size, writes a synthetic source with `reportgen sample-data` (25
months to 2024-12, so the previous year 2023 is covered too), then:

1. times the real command in a fresh subprocess (wall time and the child's
   peak resident memory from os.wait4);
2. runs the same work in a second subprocess split into its stages — load
   (engineer A's loader), prepare (MetricsEngine.__init__) and metrics (the
   three periods 2024, 2023 and their comparisons for every scope) — to show
   where the time goes.

    .venv/bin/python benchmarks/bench_metrics.py                      # 8 and 90 collectors
    .venv/bin/python benchmarks/bench_metrics.py --collectors 8 --format parquet

Sizes: 8 collectors ≈ 0.9 million contacts, 90 collectors ≈ 10 million.
Data goes to benchmarks/out/ (git-ignored) and is kept between runs.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "benchmarks" / "out" / "metrics"
PERIOD = "2024"

STAGES = r"""
import json, resource, sys, time
from reportgen.config import Config
from reportgen.data.load import load_source
from reportgen.metrics import MetricsEngine, metrics_document
from reportgen.metrics.output import format_document
from reportgen.scope import Scope

started = time.perf_counter()
dataset = load_source(sys.argv[1], Config())
loaded = time.perf_counter()
engine = MetricsEngine(dataset, Config())
prepared = time.perf_counter()
text = format_document(metrics_document(engine, sys.argv[2], Scope.everyone(), Config()), "json")
done = time.perf_counter()
rows = {name: (0 if dataset.table(name) is None else len(dataset.table(name)))
        for name in ("accounts", "contacts", "payments", "arrangements", "complaints")}
print(json.dumps({"load": loaded - started, "prepare": prepared - loaded,
                  "metrics": done - prepared, "rows": rows, "json_bytes": len(text.encode())}))
"""


def _timed(command: list[str]) -> tuple[float, int, bytes]:
    """Wall seconds, the child's own peak resident memory (MiB, from os.wait4) and stdout."""
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    # Read the output in full before reaping so the child never blocks on a full pipe.
    stdout = process.stdout.read()
    stderr = process.stderr.read()
    _pid, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"failed: {' '.join(command)}\n{stderr.decode()}")
    return wall, usage.ru_maxrss // 1024, stdout


def generate(collectors: int, fmt: str) -> Path:
    target = OUT / f"{collectors}-collectors-{fmt}"
    if (target / "collectors.csv").exists() or (target / f"collectors.{fmt}").exists():
        return target
    command = [
        sys.executable, "-c", "from reportgen.cli import main; main()", "sample-data",
        str(target), "--collectors", str(collectors), "--teams", str(max(1, collectors // 10)),
        "--months", "25", "--end", "2024-12", "--format", fmt, "--force",
    ]  # fmt: skip
    wall, peak, _ = _timed(command)
    print(f"generated {target.name} in {wall:.1f} s (peak {peak} MiB)", file=sys.stderr)
    return target


def bench(collectors: int, fmt: str) -> dict:
    source = generate(collectors, fmt)
    command = [
        sys.executable, "-c", "from reportgen.cli import main; main()", "metrics",
        str(source), "--all", "--period", PERIOD, "--format", "json",
    ]  # fmt: skip
    wall, peak, stdout = _timed(command)
    document = json.loads(stdout)
    assert document["metrics"]["contacts"] is not None
    stage_wall, stage_peak, stage_out = _timed([sys.executable, "-c", STAGES, str(source), PERIOD])
    stages = json.loads(stage_out)
    return {
        "collectors": collectors,
        "format": fmt,
        "wall": wall,
        "peak_mib": peak,
        **stages,
        "stages_peak_mib": stage_peak,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--collectors", type=int, nargs="+", default=[8, 90])
    parser.add_argument("--format", default="csv", choices=["csv", "parquet"])
    args = parser.parse_args()
    print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores")
    print(
        "| collectors | contacts | accounts rows | format | wall (s) | peak RSS (MiB) "
        "| load (s) | prepare (s) | metrics (s) |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    for collectors in args.collectors:
        result = bench(collectors, args.format)
        rows = result["rows"]
        print(
            f"| {collectors} | {rows['contacts']:,} | {rows['accounts']:,} | {args.format} "
            f"| {result['wall']:.1f} | {result['peak_mib']:,} | {result['load']:.1f} "
            f"| {result['prepare']:.1f} | {result['metrics']:.1f} |",
            flush=True,
        )


if __name__ == "__main__":
    main()
