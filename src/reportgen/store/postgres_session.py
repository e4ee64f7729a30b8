"""A PostgreSQL connection that runs the metric queries, written once in DuckDB's SQL.

The metric queries are written in the SQL that DuckDB and PostgreSQL share;
what little differs in spelling (``DOUBLE``, ``VARCHAR``, typed literals) is
turned into PostgreSQL's by SQLGlot, once per distinct query text. So one
definition of every metric runs in both engines, and the server does the
aggregation: only the small per-scope results come back, counted in
:attr:`PostgresSession.traffic` so that push-down can be shown, not assumed.

psycopg (3) is the driver; the password comes from ``PGPASSWORD`` or
``~/.pgpass`` through libpq, never from reportgen. Every driver error becomes
one line naming the database (without a password) and what went wrong.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from reportgen.errors import ReportgenError
from reportgen.store.database_url import DatabaseUrl

POSTGRES_EXTRA = "pip install 'reportgen[postgres]'"
# How long to wait for the server before saying it cannot be reached.
CONNECT_TIMEOUT_S = 10


def _driver() -> Any:
    try:
        import psycopg
    except ImportError:
        raise ReportgenError(
            f"PostgreSQL sources need the PostgreSQL driver: {POSTGRES_EXTRA}"
        ) from None
    return psycopg


@functools.lru_cache(maxsize=4096)
def to_postgres(sql: str) -> str:
    """A metric query (DuckDB's SQL) in PostgreSQL's SQL."""
    try:
        import sqlglot
    except ImportError:
        raise ReportgenError(
            f"PostgreSQL sources need SQLGlot to translate the queries: {POSTGRES_EXTRA}"
        ) from None
    return ";\n".join(sqlglot.transpile(sql, read="duckdb", write="postgres"))


@dataclass
class Traffic:
    """What came back from the server: the proof that the work stayed there.

    Shared by the sessions of one source, which run in several threads (the
    comparisons, a review's months): counted under a lock, so no count is lost.
    """

    queries: int = 0
    rows: int = 0
    bytes: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    def add(self, rows: int, size: int) -> None:
        with self._lock:
            self.queries += 1
            self.rows += rows
            self.bytes += size


@dataclass
class _Result:
    rows: list[tuple]

    def fetchall(self) -> list[tuple]:
        return self.rows

    def fetchone(self) -> tuple | None:
        return self.rows[0] if self.rows else None


@dataclass
class PostgresSession:
    """One connection, set up with the canonical tables as temporary views.

    Everything a run reads comes from one snapshot of the database: the session
    holds one REPEATABLE READ transaction from the checks to the last metric, so a
    collection system writing while reportgen reads cannot make the checks, the
    code mapping and the figures see different rows. ``setup`` holds the statements
    that create the views; a second session for another thread (:meth:`cursor`)
    opens its own connection, joins the first one's snapshot and runs them again, as
    temporary views belong to one connection.
    """

    source: DatabaseUrl
    setup: list[str] = field(default_factory=list)
    traffic: Traffic = field(default_factory=Traffic)
    snapshot: str | None = None  # another session's exported snapshot, to read the same
    _connection: Any = None

    def __post_init__(self) -> None:
        self._connection = connect(self.source, self.snapshot)
        try:
            for statement in self.setup:
                self.run(statement)
        except BaseException:
            self.close()
            raise

    def execute(self, sql: str, parameters: tuple | None = None) -> _Result:
        """Run a query written in DuckDB's SQL; its rows, money and counts as ``int``."""
        return self.run(to_postgres(sql), parameters)

    def run(self, sql: str, parameters: tuple | None = None) -> _Result:
        """Run a statement already in PostgreSQL's SQL."""
        try:
            with self._connection.cursor() as cursor:
                cursor.execute(sql, parameters)
                if cursor.description is None:
                    return _Result([])
                rows = cursor.fetchall()
                self._count(cursor.pgresult)
        except _driver().Error as exc:
            raise self.error(exc) from None
        return _Result([tuple(_plain(v) for v in row) for row in rows])

    def _count(self, result: Any) -> None:
        if result is None:
            self.traffic.add(0, 0)
            return
        # The bytes of every value as the server sent it (results are small: aggregates).
        size = sum(
            len(result.get_value(row, column) or b"")
            for row in range(result.ntuples)
            for column in range(result.nfields)
        )
        self.traffic.add(result.ntuples, size)

    def create_temp_table(
        self, name: str, columns: Sequence[str], rows: Sequence[Sequence[str]]
    ) -> None:
        """A temporary table of text ``columns`` holding ``rows`` (the scopes asked for)."""
        typed = ", ".join(f"{column} TEXT" for column in columns)
        self.run(f"DROP TABLE IF EXISTS {name}")
        self.run(f"CREATE TEMP TABLE {name} ({typed})")
        try:
            with (
                self._connection.cursor() as cursor,
                cursor.copy(f"COPY {name} ({', '.join(columns)}) FROM STDIN") as copy,
            ):
                for row in rows:
                    copy.write_row(tuple(row))
            self.run(f"ANALYZE {name}")
        except _driver().Error as exc:
            raise self.error(exc) from None

    def cursor(self) -> PostgresSession:
        """A session of its own (a new connection, the same snapshot and views), for
        another thread."""
        row = self.run("SELECT pg_export_snapshot()").fetchone()
        assert row is not None
        return PostgresSession(self.source, list(self.setup), self.traffic, str(row[0]))

    def close(self) -> None:
        """End the transaction (it wrote nothing but temporary objects) and disconnect."""
        if self._connection is not None:
            try:
                self._connection.close()
            finally:
                self._connection = None

    def error(self, exc: BaseException) -> ReportgenError:
        return database_error(self.source, exc)


# - Every metric query aggregates large sets, and many join to grouped subqueries whose
#   row counts PostgreSQL cannot estimate; guessing "1 row" it picks a nested loop that
#   scans a table once per outer row (seconds become minutes). Hash and merge joins are
#   the right plans for these queries, so nested loops are ruled out for this session.
# - Literals are written with quotes doubled, which is all the escaping needed only with
#   standard_conforming_strings on (older Greenplum defaults to off).
# - The session's clock zone never enters a figure (zoned times are converted with
#   [organisation] timezone, explicitly); it is fixed so that nothing else can either.
SESSION_SETTINGS = (
    "SET enable_nestloop = off",
    "SET standard_conforming_strings = on",
    "SET TimeZone = 'UTC'",
)


def connect(source: DatabaseUrl, snapshot: str | None = None) -> Any:
    """A connection inside one REPEATABLE READ transaction (``snapshot``: another
    session's, to read exactly what it reads)."""
    psycopg = _driver()
    connection = None
    try:
        connection = psycopg.connect(
            source.url,
            autocommit=False,
            connect_timeout=CONNECT_TIMEOUT_S,
            application_name="reportgen",
        )
        connection.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
        if snapshot is not None:  # must come first in the transaction
            connection.execute(f"SET TRANSACTION SNAPSHOT '{snapshot}'")
        for setting in SESSION_SETTINGS:
            connection.execute(setting)
        return connection
    except psycopg.Error as exc:
        if connection is not None:
            connection.close()
        raise database_error(source, exc) from None


def database_error(source: DatabaseUrl, exc: BaseException) -> ReportgenError:
    """One line: the database as shown (no password) and what the server or driver said."""
    primary = getattr(getattr(exc, "diag", None), "message_primary", None)
    if primary:
        return ReportgenError(f"{source.shown}: {primary}")
    text = str(exc).strip()
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    # libpq says "connection failed: connection to server at "127.0.0.1", port 1 failed: ..."
    # over several lines; the last is the reason.
    reason = lines[-1] if lines else type(exc).__name__
    if reason.startswith("FATAL:"):
        reason = reason.removeprefix("FATAL:").strip()
    if getattr(exc, "sqlstate", None) is None and "connection" in text.lower():
        return ReportgenError(f"{source.shown}: cannot connect ({reason})")
    return ReportgenError(f"{source.shown}: {reason}")


def _plain(value: Any) -> Any:
    """PostgreSQL's sum of BIGINT is NUMERIC: a whole Decimal becomes an int, as DuckDB gives."""
    if isinstance(value, Decimal) and value == value.to_integral_value():
        return int(value)
    return value
