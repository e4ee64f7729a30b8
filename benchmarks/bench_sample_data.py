"""Benchmark: `reportgen sample-data` at growing sizes, to show memory staying flat.

Runs the command in a fresh subprocess per size and records rows written per
table, wall time and the child's peak resident memory (from os.wait4, so each
size is measured on its own).

    .venv/bin/python benchmarks/bench_sample_data.py                    # 25/50/100/200 collectors
    .venv/bin/python benchmarks/bench_sample_data.py --collectors 25 50 --months 13 --format csv

Output files go to benchmarks/out/ (git-ignored) and are removed after counting.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "benchmarks" / "out" / "sample-data"


def count_rows(path: Path) -> int:
    """Data rows of one written table (header excluded)."""
    if path.suffix == ".parquet":
        return pq.ParquetFile(path).metadata.num_rows
    if path.suffix == ".xlsx":
        from openpyxl import load_workbook

        return load_workbook(path, read_only=True).active.max_row - 1
    lines = 0
    with pa.input_stream(str(path), compression="detect") as stream:
        while chunk := stream.read(1 << 24):
            lines += chunk.count(b"\n")
    return lines - 1


def run(collectors: int, months: int, fmt: str) -> dict:
    target = OUT / f"{collectors}x{months}-{fmt}"
    shutil.rmtree(target, ignore_errors=True)
    command = [
        sys.executable, "-c", "from reportgen.cli import main; main()",
        "sample-data", str(target), "--collectors", str(collectors),
        "--teams", str(max(1, collectors // 10)), "--months", str(months),
        "--format", fmt,
    ]  # fmt: skip
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    _pid, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - started
    stdout, stderr = process.communicate()
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"sample-data failed at {collectors} collectors:\n{stderr.decode()}")
    paths = [Path(line) for line in stdout.decode().splitlines()]
    rows = {p.name.split(".")[0]: count_rows(p) for p in paths}
    size = sum(p.stat().st_size for p in paths)
    shutil.rmtree(target)
    return {
        "collectors": collectors,
        "months": months,
        "accounts": 400 * collectors,
        "rows": rows,
        "total_rows": sum(rows.values()),
        "bytes": size,
        "wall_s": wall,
        "cpu_s": usage.ru_utime + usage.ru_stime,
        "peak_rss_mib": usage.ru_maxrss / 1024,  # Linux reports KiB
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--collectors", type=int, nargs="+", default=[25, 50, 100, 200])
    parser.add_argument("--months", type=int, default=13)
    parser.add_argument("--format", default="csv", choices=["csv", "xlsx", "parquet"])
    args = parser.parse_args()
    print(f"python {platform.python_version()}, {os.cpu_count()} cores, format {args.format}")
    # Wall time depends on what else the machine runs; CPU time (user + system) does not.
    print(f"load average before: {os.getloadavg()[0]:.1f}")
    print(
        "| collectors | accounts/month | contacts | all rows | output MB | wall s | CPU s "
        "| peak RSS MiB |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|---:|")
    for collectors in args.collectors:
        result = run(collectors, args.months, args.format)
        print(
            f"| {collectors} | {result['accounts']:,} | {result['rows']['contacts']:,} "
            f"| {result['total_rows']:,} | {result['bytes'] / 1e6:,.0f} "
            f"| {result['wall_s']:.1f} | {result['cpu_s']:.1f} | {result['peak_rss_mib']:.0f} |",
            flush=True,
        )


if __name__ == "__main__":
    main()
