"""Benchmark: the DuckDB engine on a centre-size source, side by side with DuckDB alone.

Issue "Engine: DuckDB at the core". On one source written with

    reportgen sample-data DIR --collectors 200 --teams 20 --months 13 --seed 5

(about 11 M contacts; kept in benchmarks/out/engine between runs) it times,
each in a fresh subprocess (wall time, CPU time and peak resident memory
from os.wait4, so the figures are the child's own):

- DuckDB alone reading the CSV files once (every table into an in-memory
  database with read_csv): the floor for any tool that reads those files;
- ``reportgen import`` of the folder into a .duckdb file;
- one collector's monthly report (md + docx) from the .duckdb file and from
  the CSV folder, and the same collector's year-end review from the file
  (each the median of ``--repeat`` runs, 5 by default);
- ``metrics --all --period 2024`` from the file, beside a plain DuckDB
  ``GROUP BY collector_id`` over contacts, payments and accounts of that
  year in the same file, and beside DuckDB grouping the year's contacts by
  (collector, account, day): the floor of any exact count of distinct
  accounts and days, which several metrics are.

    .venv/bin/python benchmarks/bench_engine.py
    .venv/bin/python benchmarks/bench_engine.py --collectors 20 --teams 2   # a quick look

Prints a Markdown table (docs/performance.md keeps the latest).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import sys
import tempfile
from pathlib import Path

# The scripts of benchmarks/ time their children one way (this folder is on sys.path
# when a script here runs).
from bench_metrics import _timed as child_usage
from bench_metrics import compile_bytecode

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "benchmarks" / "out" / "engine"
CLI = [sys.executable, "-c", "from reportgen.cli import main; main()"]

DUCKDB_READ_CSV = r"""
import sys, duckdb
from pathlib import Path
con = duckdb.connect()
for path in sorted(Path(sys.argv[1]).glob("*.csv*")):
    name = path.name.split(".")[0]
    con.execute(f"CREATE TABLE {name} AS SELECT * FROM read_csv('{path}', all_varchar=true)")
print(con.execute("SELECT count(*) FROM contacts").fetchone()[0])
"""

DUCKDB_GROUP_BY = r"""
import sys, duckdb
con = duckdb.connect(sys.argv[1], read_only=True)
year = "BETWEEN DATE '2024-01-01' AND DATE '2024-12-31'"
rows = 0
for sql in (
    "SELECT collector_id, count(*), sum(CASE WHEN channel = 'call' THEN 1 ELSE 0 END) "
    f"FROM contacts WHERE CAST(contacted_at AS DATE) {year} GROUP BY collector_id",
    f"SELECT collector_id, count(*), sum(amount) FROM payments WHERE paid_on {year} "
    "GROUP BY collector_id",
    "SELECT collector_id, count(*), sum(balance) FROM accounts "
    "WHERE month BETWEEN '2023-12' AND '2024-12' GROUP BY collector_id",
):
    rows += len(con.execute(sql).fetchall())
print(rows)
"""


# The least any exact count of distinct accounts and days per collector costs: one grouping
# of the year's contacts by (collector, account, day), as the compliance limits and the
# accounts attempted and reached need, counted per collector. Not a metric: a floor.
DUCKDB_DISTINCT_DAYS = r"""
import sys, duckdb
con = duckdb.connect(sys.argv[1], read_only=True)
print(len(con.execute(
    "SELECT collector_id, count(*) FROM (SELECT collector_id, account_id, "
    "CAST(contacted_at AS DATE) AS day FROM contacts WHERE contacted_at >= "
    "TIMESTAMP '2024-01-01' AND contacted_at < TIMESTAMP '2025-01-01' GROUP BY 1, 2, 3) d "
    "GROUP BY collector_id"
).fetchall()))
"""


def timed(command: list[str], repeat: int = 1) -> dict:
    """Wall seconds, CPU seconds (user + system) and peak resident MiB of one child process;
    with ``repeat``, of the run with the median wall time of that many (a 2-core virtual
    machine's timings of a one-second job vary by a quarter from run to run)."""
    runs = []
    for _ in range(repeat):
        wall, peak, stdout, cpu = child_usage(command)
        runs.append({"wall": wall, "cpu": cpu, "peak_mib": peak, "stdout": stdout})
    runs.sort(key=lambda run: run["wall"])
    return runs[len(runs) // 2]


def source(collectors: int, teams: int) -> Path:
    folder = OUT / f"{collectors}-collectors"
    if not (folder / "collectors.csv").exists():
        run = timed([*CLI, "sample-data", str(folder), "--collectors", str(collectors),
                     "--teams", str(teams), "--months", "13", "--seed", "5",
                     "--force"])  # fmt: skip
        print(f"generated {folder.name} in {run['wall']:.0f} s", file=sys.stderr)
    return folder


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--collectors", type=int, default=200)
    parser.add_argument("--teams", type=int, default=20)
    parser.add_argument(
        "--repeat", type=int, default=5, help="runs of each report job; the median is shown"
    )
    args = parser.parse_args()
    compile_bytecode()
    folder = source(args.collectors, args.teams)
    store = OUT / f"{args.collectors}-collectors.duckdb"
    reports = Path(tempfile.mkdtemp(prefix="bench-engine-"))
    collector = "C001"
    rows: list[tuple[str, dict]] = []
    try:
        rows.append(("DuckDB alone: read the CSV files once", timed(
            [sys.executable, "-c", DUCKDB_READ_CSV, str(folder)])))  # fmt: skip
        rows.append(("`reportgen import` (CSV folder → .duckdb)", timed(
            [*CLI, "import", str(folder), "--to", str(store), "--force"])))  # fmt: skip
        for label, src, period in (
            ("collector's monthly report (md + docx) from .duckdb", store, "2024-09"),
            ("collector's year-end review (md + docx) from .duckdb", store, "2024"),
            ("collector's monthly report (md + docx) from the CSV folder", folder, "2024-09"),
        ):
            out = reports / label.split()[1] / src.name
            rows.append((label, timed([*CLI, "report", str(src), "--period", period,
                                       "--collector", collector, "--format", "md,docx",
                                       "--out", str(out), "--force"],
                                      repeat=args.repeat)))  # fmt: skip
        rows.append(("DuckDB alone: GROUP BY collector_id over the year, same file", timed(
            [sys.executable, "-c", DUCKDB_GROUP_BY, str(store)])))  # fmt: skip
        rows.append(("DuckDB alone: (collector, account, day) groups of the year, same file",
                     timed([sys.executable, "-c", DUCKDB_DISTINCT_DAYS, str(store)])))  # fmt: skip
        metrics = [*CLI, "metrics", str(store), "--all", "--period", "2024", "--format", "json"]
        run = timed(metrics)
        json.loads(run["stdout"])  # whole and nothing else (DuckDB once drew a progress bar in it)
        rows.append(("`metrics --all --period 2024 --format json` from .duckdb", run))
    finally:
        shutil.rmtree(reports, ignore_errors=True)

    print(f"machine: {platform.machine()}, {os.cpu_count()} cores; "
          f"source: {args.collectors} collectors × 13 months; "
          f"load average before: {os.getloadavg()[0]:.1f}")  # fmt: skip
    print("| job | wall (s) | CPU (s) | peak RSS (MiB) |")
    print("|---|---|---|---|")
    for label, run in rows:
        print(f"| {label} | {run['wall']:.2f} | {run['cpu']:.2f} | {run['peak_mib']:,} |")


if __name__ == "__main__":
    main()
