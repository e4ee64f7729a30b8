"""Benchmark: a centre of 2,000 collectors on one machine, with DuckDB held to 8 GiB.

Issue "Engine: DuckDB at the core" asks that, on this machine (2 cores, 24 GiB),

    reportgen sample-data DIR --collectors 2000 --teams 100 --months 13 --format parquet

(about 100 M contacts), then ``import``, ``metrics --all --period 2024`` and
``archive --period 2024 --format md`` complete with DuckDB's memory limit at
8 GiB. This script runs those jobs in that order, each in a fresh subprocess,
and prints each one's wall time, CPU time (user + system) and peak resident
memory (from os.wait4: the child's own), then checks the archive with
``reportgen verify``.

    .venv/bin/python benchmarks/bench_scale.py                  # the issue's run, about 40 min
    .venv/bin/python benchmarks/bench_scale.py --collectors 100 --teams 5   # a quick look

The sample data is kept in benchmarks/out/scale between runs (written again
only when absent); the .duckdb file, the archive and DuckDB's spill folder are
written there too and replaced on each run. Prints a Markdown table
(docs/performance.md keeps the latest).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import sys
from pathlib import Path

# The scripts of benchmarks/ time their children one way (this folder is on sys.path
# when a script here runs).
from bench_metrics import _timed as child_usage
from bench_metrics import compile_bytecode

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "benchmarks" / "out" / "scale"
CLI = [sys.executable, "-c", "from reportgen.cli import main; main()"]


def run(label: str, command: list[str], rows: list[tuple[str, dict]]) -> bytes:
    """Time ``command`` and keep its row; returns its standard output."""
    print(f"{label} ...", file=sys.stderr, flush=True)
    wall, peak, stdout, cpu = child_usage(command)
    rows.append((label, {"wall": wall, "cpu": cpu, "peak_mib": peak}))
    print(f"  {wall:.0f} s, peak {peak:,} MiB", file=sys.stderr, flush=True)
    return stdout


def minutes(seconds: float) -> str:
    whole = round(seconds)
    return f"{whole // 60} min {whole % 60:02d} s" if whole >= 60 else f"{seconds:.1f} s"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--collectors", type=int, default=2000)
    parser.add_argument("--teams", type=int, default=100)
    parser.add_argument("--memory-limit", default="8GB", help="[engine] memory_limit")
    args = parser.parse_args()
    compile_bytecode()

    base = OUT / f"{args.collectors}-collectors"
    source = base / "parquet"
    store = base / "centre.duckdb"
    archive = base / "archive-2024"
    spill = base / "spill"
    spill.mkdir(parents=True, exist_ok=True)
    config = base / "reportgen.toml"
    config.write_text(
        f'[engine]\nmemory_limit = "{args.memory_limit}"\ntemp_directory = "{spill}"\n',
        encoding="utf-8",
    )
    settings = ["--config", str(config)]
    rows: list[tuple[str, dict]] = []

    if not (source / "collectors.parquet").exists():
        run("`sample-data` (parquet)", [*CLI, "sample-data", str(source),
            "--collectors", str(args.collectors), "--teams", str(args.teams),
            "--months", "13", "--format", "parquet", "--force"], rows)  # fmt: skip
    run("`import`", [*CLI, "import", str(source), "--to", str(store), "--force", *settings], rows)
    figures = run("`metrics --all --period 2024 --format json`", [*CLI, "metrics", str(store),
                  "--all", "--period", "2024", "--format", "json", *settings], rows)  # fmt: skip
    json.loads(figures)  # whole and nothing else (DuckDB once drew a progress bar in it)
    run("`archive --period 2024 --format md`", [*CLI, "archive", str(store), "--period", "2024",
        "--format", "md", "--out", str(archive), "--force", *settings], rows)  # fmt: skip
    run("`verify` of the archive", [*CLI, "verify", str(archive)], rows)

    import duckdb  # only for the sizes in the heading

    with duckdb.connect(str(store), read_only=True) as con:
        contacts = con.execute("SELECT count(*) FROM contacts").fetchone()[0]
    reports = sum(1 for _ in archive.rglob("*.md")) - 1  # index.md is not a report
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores; "
          f"source: {args.collectors} collectors, {args.teams} teams, 13 months, "
          f"{contacts:,} contacts; memory_limit {args.memory_limit}; "
          f"metrics JSON {len(figures) / 1e6:.1f} MB; archive {reports:,} reports; "
          f"load average after: {os.getloadavg()[0]:.1f}")  # fmt: skip
    print("| job | wall | CPU (s) | peak RSS (MiB) |")
    print("|---|---:|---:|---:|")
    for label, timing in rows:
        print(f"| {label} | {minutes(timing['wall'])} | {timing['cpu']:.0f} "
              f"| {timing['peak_mib']:,} |")  # fmt: skip
    shutil.rmtree(spill, ignore_errors=True)


if __name__ == "__main__":
    main()
