"""Benchmark: a PostgreSQL database as SOURCE, the metrics computed inside the server.

Issue "Sources where the data lives". On the 200-collector source of
bench_engine.py (about 11 M contacts; its imported .duckdb file is reused, or
written if missing), loaded into a throwaway PostgreSQL server started from
the machine's own binaries (tests/postgres_server.py), it measures:

- ``reportgen metrics URL --period 2024 --all --format json`` in a fresh
  subprocess: wall time, and the rows and bytes that came back from the
  server (counted by the session in a second, in-process run that also
  records every statement it sent);
- the same statements run by ``psql -f`` against the same server: the time
  the server itself needs for the work, the floor for any client;
- both split into opening the source (the checks as queries and the views)
  and the metric queries.

    .venv/bin/python benchmarks/bench_postgres.py
    .venv/bin/python benchmarks/bench_postgres.py --collectors 20 --teams 2   # a quick look

Prints a Markdown table (docs/performance.md keeps the latest).
"""

from __future__ import annotations

import argparse
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench_metrics import _timed as child_usage

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from postgres_server import create_database, load_store, postgres_server  # noqa: E402

OUT = ROOT / "benchmarks" / "out" / "engine"
CLI = [sys.executable, "-c", "from reportgen.cli import main; main()"]
# A server as a small warehouse would set it; the same for reportgen and psql.
SERVER_OPTIONS = "-c shared_buffers=2GB -c work_mem=128MB -c max_parallel_workers_per_gather=2"


def source_file(collectors: int, teams: int) -> Path:
    """The imported .duckdb file of the source (written once, kept between runs)."""
    name = f"{collectors}-collectors"
    target = OUT / f"{name}.duckdb"
    if target.exists():
        return target
    folder = OUT / name
    if not (folder / "collectors.csv").exists():
        subprocess.run(
            [*CLI, "sample-data", str(folder), "--collectors", str(collectors), "--teams",
             str(teams), "--months", "13", "--seed", "5", "--force"],
            check=True,
        )  # fmt: skip
    subprocess.run([*CLI, "import", str(folder), "--to", str(target)], check=True)
    return target


def recorded_run(url: str, period: str) -> tuple[list[str], list[str], dict, float, float]:
    """Run open + metrics in-process, recording every statement sent to the server.

    Returns (opening statements, metric statements, traffic of the metrics,
    seconds opening, seconds of metrics).
    """
    from reportgen.config import Config
    from reportgen.metrics.document import metrics_document
    from reportgen.scope import Scope
    from reportgen.store import postgres_session
    from reportgen.store.database_url import parse_database_url
    from reportgen.store.open import open_store

    sent: list[str] = []
    session = postgres_session.PostgresSession
    run, create = session.run, session.create_temp_table

    def recording_run(self, sql, parameters=None):
        text = sql if parameters is None else sql.replace("%s", "'" + str(parameters[0]) + "'")
        sent.append(text)
        return run(self, sql, parameters)

    def recording_create(self, name, columns, rows):
        values = ", ".join("(" + ", ".join(f"'{v}'" for v in row) + ")" for row in rows)
        typed = ", ".join(f"{c} TEXT" for c in columns)
        sent.append(f"DROP TABLE IF EXISTS {name}")
        sent.append(f"CREATE TEMP TABLE {name} ({typed})")
        sent.append(f"INSERT INTO {name} VALUES {values}")
        sent.append(f"ANALYZE {name}")
        calls = len(sent)
        create(self, name, columns, rows)
        del sent[calls:]  # the real COPY's own DROP/CREATE/ANALYZE: recorded above

    postgres_session.PostgresSession.run = recording_run
    postgres_session.PostgresSession.create_temp_table = recording_create
    try:
        started = time.perf_counter()
        store = open_store(parse_database_url(url), Config())
        opened = time.perf_counter() - started
        opening = list(sent)
        sent.clear()
        before = (store.con.traffic.rows, store.con.traffic.bytes)
        started = time.perf_counter()
        metrics_document(store, period, Scope.everyone(), Config())
        computed = time.perf_counter() - started
        traffic = {
            "rows": store.con.traffic.rows - before[0],
            "bytes": store.con.traffic.bytes - before[1],
        }
        store.close()
    finally:
        postgres_session.PostgresSession.run = run
        postgres_session.PostgresSession.create_temp_table = create
    return opening, list(sent), traffic, opened, computed


def psql_seconds(url: str, env: dict, statements: list[str], folder: Path) -> float:
    """Wall seconds of ``psql -f`` running ``statements`` in one session, output discarded."""
    script = folder / "statements.sql"
    script.write_text(
        "SET enable_nestloop = off;\n" + ";\n".join(statements) + ";\n", encoding="utf-8"
    )
    started = time.perf_counter()
    subprocess.run(
        ["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", url, "-f", str(script), "-o",
         os.devnull],
        check=True, env=env,
    )  # fmt: skip
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--collectors", type=int, default=200)
    parser.add_argument("--teams", type=int, default=20)
    parser.add_argument("--period", default="2024")
    args = parser.parse_args()

    from reportgen.config import Config
    from reportgen.store.open import open_store

    stored = source_file(args.collectors, args.teams)
    with postgres_server(SERVER_OPTIONS) as (server, env), tempfile.TemporaryDirectory() as tmp:
        os.environ["PGPASSWORD"] = env["PGPASSWORD"]
        url = create_database(server, "centre")
        store = open_store(stored, Config())
        started = time.perf_counter()
        load_store(url, store)
        loaded = time.perf_counter() - started
        contacts = store.row_counts["contacts"]
        store.close()
        print(f"loaded {contacts:,} contacts into PostgreSQL in {loaded:.0f} s", file=sys.stderr)

        opening, metric_sql, traffic, opened, computed = recorded_run(url, args.period)
        command = [*CLI, "metrics", url, "--period", args.period, "--all", "--format", "json"]
        runs = [child_usage(command) for _ in range(2)]
        # (The child's peak memory is not shown: wait4 counts the pages it had from this
        # process before exec, which holds the loaded source.)
        wall, _peak, _out, cpu = min(runs)
        psql_open = min(psql_seconds(url, env, opening, Path(tmp)) for _ in range(2))
        psql_all = min(psql_seconds(url, env, opening + metric_sql, Path(tmp)) for _ in range(2))

    print(f"\n{platform.machine()}, {os.cpu_count()} cores, PostgreSQL server on the same "
          f"machine ({SERVER_OPTIONS}); {contacts:,} contacts\n")  # fmt: skip
    print("| `metrics --all --period " + args.period + "` | wall | rows back | bytes back |")
    print("|---|---:|---:|---:|")
    print(f"| reportgen (subprocess; CPU {cpu:.1f} s) | {wall:.1f} s | "
          f"{traffic['rows']:,} (metrics) | {traffic['bytes']:,} |")  # fmt: skip
    print(f"| the same {len(opening) + len(metric_sql)} statements in `psql -f` | "
          f"{psql_all:.1f} s | | |")  # fmt: skip
    print(f"| ratio | {wall / psql_all:.2f}× | | |")
    print("\nSplit (in-process run):\n")
    print("| phase | reportgen | psql, same statements |")
    print("|---|---:|---:|")
    print(f"| open: checks as queries, views ({len(opening)} statements) | {opened:.1f} s | "
          f"{psql_open:.1f} s |")  # fmt: skip
    print(f"| metrics ({len(metric_sql)} statements) | {computed:.1f} s | "
          f"{psql_all - psql_open:.1f} s |")  # fmt: skip
    print(f"\nRows a copy would have moved: {contacts:,} contacts alone.")


if __name__ == "__main__":
    main()
