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
import json, sys, time
from reportgen.config import Config
from reportgen.data.load import load_source
from reportgen.metrics import MetricsEngine, metrics_document
from reportgen.metrics.output import format_document
from reportgen.scope import Scope

marks = [(time.perf_counter(), time.process_time())]
dataset = load_source(sys.argv[1], Config())
marks.append((time.perf_counter(), time.process_time()))
engine = MetricsEngine(dataset, Config())
marks.append((time.perf_counter(), time.process_time()))
text = format_document(metrics_document(engine, sys.argv[2], Scope.everyone(), Config()), "json")
marks.append((time.perf_counter(), time.process_time()))
stages = {}
for name, (start, end) in zip(("load", "prepare", "metrics"), zip(marks, marks[1:])):
    stages[name] = end[0] - start[0]
    stages[name + "_cpu"] = end[1] - start[1]
rows = {name: (0 if dataset.table(name) is None else len(dataset.table(name)))
        for name in ("accounts", "contacts", "payments", "arrangements", "complaints")}
print(json.dumps({**stages, "rows": rows, "json_bytes": len(text.encode())}))
"""


def compile_bytecode() -> None:
    """Write reportgen's bytecode first, as ``pip install .`` does.

    An installed reportgen starts from compiled modules. A development checkout run
    with PYTHONDONTWRITEBYTECODE set (as on the project's machine) would compile every
    module of the package again on each run, about 0.3 s no user pays.
    """
    import compileall

    import reportgen

    compileall.compile_dir(str(Path(reportgen.__file__).parent), quiet=1)


def _timed(command: list[str]) -> tuple[float, int, bytes, float]:
    """Wall seconds, the child's peak resident memory (MiB), stdout and CPU seconds.

    Peak memory and CPU (user + system) come from os.wait4, so they are the
    child's own; CPU time shows the work done even when other processes share
    the machine and stretch the wall time.
    """
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    # Read the output in full before reaping so the child never blocks on a full pipe.
    stdout = process.stdout.read()
    stderr = process.stderr.read()
    _pid, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"failed: {' '.join(command)}\n{stderr.decode()}")
    return wall, usage.ru_maxrss // 1024, stdout, usage.ru_utime + usage.ru_stime


def generate(collectors: int, fmt: str) -> Path:
    target = OUT / f"{collectors}-collectors-{fmt}"
    if (target / "collectors.csv").exists() or (target / f"collectors.{fmt}").exists():
        return target
    command = [
        sys.executable, "-c", "from reportgen.cli import main; main()", "sample-data",
        str(target), "--collectors", str(collectors), "--teams", str(max(1, collectors // 10)),
        "--months", "25", "--end", "2024-12", "--format", fmt, "--force",
    ]  # fmt: skip
    wall, peak, _, _cpu = _timed(command)
    print(f"generated {target.name} in {wall:.1f} s (peak {peak} MiB)", file=sys.stderr)
    return target


def bench(collectors: int, fmt: str) -> dict:
    source = generate(collectors, fmt)
    command = [
        sys.executable, "-c", "from reportgen.cli import main; main()", "metrics",
        str(source), "--all", "--period", PERIOD, "--format", "json",
    ]  # fmt: skip
    wall, peak, stdout, cpu = _timed(command)
    document = json.loads(stdout)
    assert document["metrics"]["contacts"] is not None
    _wall, stage_peak, stage_out, _cpu = _timed([sys.executable, "-c", STAGES, str(source), PERIOD])
    stages = json.loads(stage_out)
    return {
        "collectors": collectors,
        "format": fmt,
        "wall": wall,
        "cpu": cpu,
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
    print(f"load average before: {os.getloadavg()[0]:.1f}")
    print(
        "| collectors | contacts | accounts rows | format | wall (s) | CPU (s) | peak RSS (MiB) "
        "| load wall/CPU (s) | prepare wall/CPU (s) | metrics wall/CPU (s) |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|")
    for collectors in args.collectors:
        result = bench(collectors, args.format)
        rows = result["rows"]
        print(
            f"| {collectors} | {rows['contacts']:,} | {rows['accounts']:,} | {args.format} "
            f"| {result['wall']:.1f} | {result['cpu']:.1f} | {result['peak_mib']:,} "
            + "".join(
                f"| {result[stage]:.1f} / {result[stage + '_cpu']:.1f} "
                for stage in ("load", "prepare", "metrics")
            )
            + "|",
            flush=True,
        )


if __name__ == "__main__":
    main()
