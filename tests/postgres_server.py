"""A throwaway PostgreSQL server for tests and benchmarks, and data to load into it.

The server is Debian's (``apt-get install -y postgresql``; ``.ci/run`` installs
it): a new cluster in a temporary folder, on a free local port, with a
password user, stopped and deleted at the end. PostgreSQL refuses to run as
root, so as root the cluster belongs to the ``postgres`` user the package
creates.

:func:`load_store` copies a data source (read by reportgen, so checked) into
tables of the server as a collection system would hold them: amounts in yuan
as NUMERIC, dates as DATE, contact times as TIMESTAMP, with any table and
column names.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

PASSWORD = "reportgen-test-password"
USER = "reportgen"

_SQL_TYPES = {
    "VARCHAR": "TEXT",
    "BIGINT": "BIGINT",
    "DATE": "DATE",
    "TIMESTAMP": "TIMESTAMP",
    "DOUBLE": "DOUBLE PRECISION",
    "BOOLEAN": "BOOLEAN",
}


def server_binaries() -> Path | None:
    """The folder holding initdb and pg_ctl, or None when PostgreSQL is not installed."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).resolve().parent if initdb else None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _as_owner(command: list[str], owner: str | None) -> list[str]:
    return ["runuser", "-u", owner, "--", *command] if owner else command


@contextmanager
def postgres_server(options: str = ""):
    """Start a cluster; yield ``(url without password, environment with PGPASSWORD)``.

    ``options`` adds server settings (``"-c work_mem=64MB"``).
    """
    binaries = server_binaries()
    if binaries is None:
        raise RuntimeError("PostgreSQL's server binaries are not installed")
    root = Path(tempfile.mkdtemp(prefix="reportgen-pg-"))
    owner = "postgres" if os.geteuid() == 0 else None
    data = root / "data"
    password_file = root / "password"
    password_file.write_text(PASSWORD + "\n")
    if owner:
        shutil.chown(root, owner)
        shutil.chown(password_file, owner)
    port = _free_port()
    try:
        subprocess.run(
            _as_owner(
                [str(binaries / "initdb"), "-D", str(data), "-U", USER, "-E", "UTF8",
                 "--locale=C.UTF-8", "--auth=scram-sha-256", f"--pwfile={password_file}"],
                owner,
            ),
            check=True, capture_output=True,
        )  # fmt: skip
        subprocess.run(
            _as_owner(
                [str(binaries / "pg_ctl"), "-D", str(data), "-l", str(root / "log"), "-w",
                 "-o", f"-p {port} -k {root} -c listen_addresses=127.0.0.1 -c fsync=off "
                 f"-c synchronous_commit=off -c full_page_writes=off {options}", "start"],
                owner,
            ),
            check=True, capture_output=True,
        )  # fmt: skip
        url = f"postgresql://{USER}@127.0.0.1:{port}/postgres"
        env = {**os.environ, "PGPASSWORD": PASSWORD}
        _wait_ready(url)
        yield url, env
    finally:
        subprocess.run(
            _as_owner(
                [str(binaries / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"], owner
            ),
            capture_output=True,
        )
        shutil.rmtree(root, ignore_errors=True)


def _wait_ready(url: str) -> None:
    import psycopg

    for _ in range(50):
        try:
            psycopg.connect(url, password=PASSWORD, connect_timeout=2).close()
            return
        except psycopg.OperationalError:
            time.sleep(0.1)
    raise RuntimeError("PostgreSQL did not start")


def create_database(url: str, name: str) -> str:
    """A new database on the server of ``url``; its URL."""
    import psycopg

    with psycopg.connect(url, password=PASSWORD, autocommit=True) as con:
        con.execute(f'CREATE DATABASE "{name}"')
    return url.rsplit("/", 1)[0] + "/" + name


def load_store(
    url: str,
    store,
    *,
    schema: str = "public",
    tables: dict[str, str] | None = None,
    columns: dict[str, dict[str, str]] | None = None,
) -> None:
    """Copy every table of ``store`` (a reportgen Store) into the database of ``url``.

    ``tables`` renames tables and ``columns`` renames columns (``{table: {column: name}}``);
    money becomes NUMERIC(16, 2) yuan. Rows travel as CSV through COPY.
    """
    import psycopg

    from reportgen.data.schema import SCHEMA, Kind
    from reportgen.data.sql_schema import COLUMN_TYPES

    tables, columns = tables or {}, columns or {}
    with psycopg.connect(url, password=PASSWORD, autocommit=True) as con:
        con.execute(f'CREATE SCHEMA IF NOT EXISTS "{schema}"')
        for table, present in store.columns.items():
            name = tables.get(table, table)
            renamed = columns.get(table, {})
            definitions, selected = [], []
            for column in present:
                kind = SCHEMA[table].column(column).kind
                sql_type = (
                    "NUMERIC(16, 2)"
                    if kind is Kind.MONEY
                    else "INTEGER"
                    if kind is Kind.INT
                    else _SQL_TYPES[COLUMN_TYPES[table][column]]
                )
                definitions.append(f'"{renamed.get(column, column)}" {sql_type}')
                selected.append(
                    f"CAST({column} AS DECIMAL(18, 2)) / 100" if kind is Kind.MONEY else column
                )
            con.execute(f'CREATE TABLE "{schema}"."{name}" ({", ".join(definitions)})')
            with tempfile.TemporaryDirectory() as folder:
                csv = Path(folder) / "rows.csv"
                store.con.execute(
                    f"COPY (SELECT {', '.join(selected)} FROM {table}) TO '{csv}' (HEADER false)"
                )
                with (
                    con.cursor() as cursor,
                    cursor.copy(f'COPY "{schema}"."{name}" FROM STDIN (FORMAT csv)') as copy,
                    csv.open("rb") as handle,
                ):
                    while chunk := handle.read(1 << 20):
                        copy.write(chunk)
            con.execute(f'ANALYZE "{schema}"."{name}"')
