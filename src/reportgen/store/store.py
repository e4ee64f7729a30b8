"""A data source held in DuckDB: the tables the metric queries read.

A folder or workbook is loaded and checked by :mod:`reportgen.data.load`,
then copied table by table into an in-memory DuckDB database (the pandas
frame of a table is let go as soon as it is copied). A ``.duckdb`` file
written by ``reportgen import`` is opened as it is, read-only, without
checking its rows again. Either way the rest of reportgen sees one thing: a
:class:`Store`.

What is kept outside DuckDB is small and read often: the roster (plain rows,
for names and teams), the months the snapshots hold, and the span of every
dated table (for coverage). Nothing here imports pandas unless a frame is
asked for (:attr:`Store.collectors`, :meth:`Store.from_dataset`): a report from
a ``.duckdb`` file does not pay the half second pandas takes to import.
"""

from __future__ import annotations

import os
import secrets
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

import duckdb

from reportgen.config import Engine
from reportgen.data.dataset import DATE_COLUMNS, OPTIONAL_TABLES, TABLES, Dataset, roster_value
from reportgen.data.sql_schema import COLUMN_TYPES, SORT_COLUMNS, floor_times
from reportgen.errors import DataError, Problem
from reportgen.store.database_url import DatabaseUrl

if TYPE_CHECKING:
    import pandas as pd

    from reportgen.data.plain_rows import HeldApart


# The schema of a DuckDB database opened as ":memory:" (the catalog is named "memory").
IN_MEMORY_SCHEMA = "memory.main"


@dataclass
class Store:
    """The tables of one data source inside a DuckDB connection."""

    con: duckdb.DuckDBPyConnection
    # The roster, one dict per row in table order: text as str (None when blank),
    # hired_on as an ISO date.
    collector_rows: tuple[dict[str, Any], ...]
    # Canonical columns present in each table; an absent optional table is not a key.
    columns: dict[str, tuple[str, ...]]
    row_counts: dict[str, int]
    snapshot_months: tuple[str, ...]
    # (first date, last date) of each dated table as ISO text; None when it has no rows.
    date_spans: dict[str, tuple[str, str] | None]
    sources: dict[str, Path] = field(default_factory=dict)
    skipped_rows: dict[str, int] = field(default_factory=dict)
    # The file the store was opened from (a ``.duckdb`` file); None when built in memory.
    path: Path | None = None
    # The database the tables are read from in place (postgresql://); None otherwise,
    # and the table or view each table is read from there ("催收.催收记录").
    origin: DatabaseUrl | None = None
    relations: dict[str, str] = field(default_factory=dict)
    # The catalog every new connection must USE to find the tables: an imported file is
    # attached to an in-memory database under this name. None when they are in the
    # default catalog.
    catalog: str | None = None
    # A schema that every connection of this store sees and this process may create
    # tables in (DuckDB's in-memory database): the metrics share work between threads
    # there. None where there is none (a PostgreSQL server is only read).
    scratch_schema: str | None = None
    # The collectors whose contacts the store holds, when it was loaded for one scope's
    # report (see load_into's contacts_of); None when it holds everyone's. Row counts and
    # date spans are still the whole source's.
    contacts_of: frozenset[str] | None = None

    def has(self, name: str) -> bool:
        return name in self.columns

    @cached_property
    def collectors(self) -> pd.DataFrame:
        """The roster as the loader's frame has it: text columns as ``str``, ``hired_on``
        as datetime64 (for callers that work on frames)."""
        import pandas as pd

        columns = list(self.columns["collectors"])
        frame = pd.DataFrame(
            [[row[c] for c in columns] for row in self.collector_rows],
            columns=columns,
            dtype=object,
        )
        for column in columns:
            if column == "hired_on":
                frame[column] = pd.to_datetime(frame[column]).astype("datetime64[ns]")
            else:
                frame[column] = frame[column].astype("str").where(frame[column].notna())
        return frame

    def has_column(self, table: str, column: str) -> bool:
        return column in self.columns.get(table, ())

    def month_span(self, name: str) -> tuple[str, str] | None:
        """(first month, last month) ``YYYY-MM`` of a dated table's rows; None when it has none."""
        span = self.date_spans.get(name)
        return None if span is None else (span[0][:7], span[1][:7])

    def close(self) -> None:
        self.con.close()

    def on_own_connection(self) -> Store:
        """The same tables through a second connection to the same database, for another
        thread: a DuckDB connection is used by one thread at a time, and each has its own
        temporary tables (the metrics' scopes and contact days)."""
        con = self.con.cursor()
        if self.catalog is not None:
            try:
                con.execute(f"USE {self.catalog}")
            except BaseException:
                con.close()
                raise
        return replace(self, con=con)

    @classmethod
    def from_dataset(cls, dataset: Dataset, engine: Engine | None = None) -> Store:
        """Copy a loaded dataset into a new in-memory DuckDB database."""
        check_rows(dataset)
        con = connect(":memory:", in_memory_settings(engine))
        copy_tables(con, dataset)
        return cls.describe(
            con,
            sources=dict(dataset.sources),
            skipped_rows=dict(dataset.skipped_rows),
            scratch_schema=IN_MEMORY_SCHEMA,
        )

    @classmethod
    def describe(
        cls,
        con: duckdb.DuckDBPyConnection,
        *,
        sources: dict[str, Path],
        skipped_rows: dict[str, int],
        path: Path | None = None,
        tables: dict[str, list[str]] | None = None,
        origin: DatabaseUrl | None = None,
        relations: dict[str, str] | None = None,
        catalog: str | None = None,
        scratch_schema: str | None = None,
        contacts_of: frozenset[str] | None = None,
        held_apart: Mapping[str, HeldApart] | None = None,
    ) -> Store:
        """Read what the store holds (tables, columns, months, spans) from its tables.

        ``tables`` (``{table: [columns]}``) is given for a database whose catalogue is not
        DuckDB's; it is read from DuckDB otherwise. ``held_apart``: per table, the good
        rows a load checked but did not keep, counted in and spanned as if kept.
        """
        held_apart = held_apart or {}
        tables = tables if tables is not None else _duckdb_tables(con)
        columns: dict[str, tuple[str, ...]] = {}
        for name in TABLES:
            if name in tables:
                columns[name] = tuple(c for c in COLUMN_TYPES[name] if c in tables[name])
        row_counts = {
            name: int(con.execute(f"SELECT count(*) FROM {name}").fetchone()[0]) for name in columns
        }
        months = tuple(
            row[0]
            for row in con.execute(
                "SELECT DISTINCT month FROM accounts WHERE month IS NOT NULL ORDER BY month"
            ).fetchall()
        )
        spans: dict[str, tuple[str, str] | None] = {}
        for name in OPTIONAL_TABLES:
            if name not in columns:
                continue
            column = DATE_COLUMNS[name]
            # The date of the first and last time (a date only grows with its time), so
            # the engine can answer from each block's stored minimum and maximum.
            first, last = con.execute(
                f"SELECT CAST(min({column}) AS DATE), CAST(max({column}) AS DATE) FROM {name}"
            ).fetchone()
            apart = held_apart.get(name)
            if apart is not None and apart.first is not None:
                first = apart.first if first is None else min(first, apart.first)
                last = apart.last if last is None else max(last, apart.last)
            spans[name] = None if first is None else (first.isoformat(), last.isoformat())
        for name, apart in held_apart.items():
            row_counts[name] += apart.rows
        return cls(
            con=con,
            collector_rows=_collector_rows(con, columns["collectors"]),
            columns=columns,
            row_counts=row_counts,
            snapshot_months=months,
            date_spans=spans,
            sources=sources,
            skipped_rows=skipped_rows,
            path=path,
            origin=origin,
            relations=relations or {},
            catalog=catalog,
            scratch_schema=scratch_schema,
            contacts_of=contacts_of,
        )

    def create_temp_table(
        self, name: str, columns: Sequence[str], rows: Sequence[Sequence[str]]
    ) -> None:
        """A temporary table of text ``columns`` holding ``rows``, for this connection's
        queries (a few hundred rows: the scopes asked for)."""
        if not isinstance(self.con, duckdb.DuckDBPyConnection):
            self.con.create_temp_table(name, columns, rows)
            return
        self.con.execute(f"DROP TABLE IF EXISTS {name}")
        typed = ", ".join(f"{column} VARCHAR" for column in columns)
        self.con.execute(f"CREATE TEMP TABLE {name} ({typed})")
        if rows:
            # One statement with parameters: values from data never enter query text.
            row = "(" + ", ".join("?" for _ in columns) + ")"
            self.con.execute(
                f"INSERT INTO {name} VALUES {', '.join(row for _ in rows)}",
                [value for values in rows for value in values],
            )


def _duckdb_tables(con: duckdb.DuckDBPyConnection) -> dict[str, list[str]]:
    listed = con.execute(
        "SELECT table_name FROM duckdb_tables() WHERE database_name = current_database()"
    ).fetchall()
    present = {row[0] for row in listed}
    return {
        name: [row[0] for row in con.execute(f"DESCRIBE {name}").fetchall()]
        for name in TABLES
        if name in present
    }


def connect(database: str, settings: dict[str, str]) -> duckdb.DuckDBPyConnection:
    """A DuckDB connection to ``database`` with ``settings`` (see :func:`connection_settings`),
    quiet: DuckDB's Python client draws a progress bar on standard output for any query
    that runs over two seconds, which would land in the middle of ``metrics --format
    json`` written to a pipe or a file."""
    con = duckdb.connect(database, config=settings)
    try:
        con.execute("SET enable_progress_bar = false")  # a connection's setting, not global
    except BaseException:
        con.close()
        raise
    return con


def connection_settings(engine: Engine | None = None) -> dict[str, str]:
    """DuckDB settings of a connection: the ``[engine]`` settings that are set."""
    settings: dict[str, str] = {}
    if engine is not None and engine.memory_limit:
        settings["memory_limit"] = engine.memory_limit
    if engine is not None and engine.temp_directory:
        settings["temp_directory"] = engine.temp_directory
    return settings


def in_memory_settings(engine: Engine | None = None) -> dict[str, str]:
    """DuckDB settings of an in-memory database (a folder, workbook or SQLite source).

    Unless ``[engine] temp_directory`` says otherwise, data spilled to disk goes into a
    folder of its own under the system's temporary folder, not DuckDB's default ``.tmp``
    in the working folder (a user's documents folder, or the data folder). DuckDB makes
    the folder when it first spills and removes it when the database is closed.
    """
    settings = connection_settings(engine)
    spill = Path(tempfile.gettempdir()) / f"reportgen-{os.getpid()}-{secrets.token_hex(4)}.tmp"
    settings.setdefault("temp_directory", str(spill))
    return settings


def sort_by_date(con: duckdb.DuckDBPyConnection, name: str) -> None:
    """Store ``name``'s rows in date order, unless they already are.

    For a file written once and read many times: a query for a few months then
    reads only their blocks. No metric depends on the order of rows.
    """
    column = SORT_COLUMNS.get(name)
    if column is None:
        return
    unordered = con.execute(
        f"SELECT count(*) FROM (SELECT {column} AS this_date, lag({column}) OVER () AS last_date "
        f"FROM {name}) o WHERE this_date < last_date"
    ).fetchone()[0]
    if unordered:
        con.execute(f"CREATE TABLE reportgen_sorting AS SELECT * FROM {name} ORDER BY {column}")
        con.execute(f"DROP TABLE {name}")
        con.execute(f"ALTER TABLE reportgen_sorting RENAME TO {name}")


def copy_tables(con: duckdb.DuckDBPyConnection, dataset: Dataset) -> None:
    """Create each table of ``dataset`` in ``con`` with its SQL types.

    Each frame is read through DuckDB's zero-copy pandas scan and cast to the
    column types of :data:`COLUMN_TYPES`; only the canonical columns are kept.
    """
    for name in TABLES:
        frame = dataset.table(name)
        if frame is None:
            continue
        types = {c: t for c, t in COLUMN_TYPES[name].items() if c in frame.columns}
        select = ", ".join(f"CAST({col} AS {kind}) AS {col}" for col, kind in types.items())
        view = f"reportgen_frame_{name}"
        con.register(view, floor_times(frame, types))
        try:
            con.execute(f"CREATE TABLE {name} AS SELECT {select} FROM {view}")
        finally:
            con.unregister(view)


# Text columns the metric queries group or join by: a blank would be counted as a
# category of its own, or fall out of every scope, without a word.
_REQUIRED_TEXT = {
    "accounts": ("account_id", "collector_id"),
    "contacts": ("account_id", "collector_id", "channel", "outcome"),
    "payments": ("account_id", "collector_id"),
    "arrangements": ("collector_id", "kind"),
    "complaints": ("collector_id",),
}


def check_rows(dataset: Dataset) -> None:
    """The guarantees the queries rely on, for frames that did not come through the loader.

    The loader already refuses blanks in these columns and collectors that are
    not on the roster; a dataset built in code gets the same errors here rather
    than silently different figures.
    """
    import numpy as np

    roster = set(dataset.collectors["collector_id"].dropna().astype(str))
    problems: list[Problem] = []
    for name, columns in _REQUIRED_TEXT.items():
        frame = dataset.table(name)
        if frame is None:
            continue
        for column in columns:
            blank = np.flatnonzero(frame[column].isna().to_numpy())
            if len(blank):
                problems.append(Problem(name, int(blank[0]) + 2, column, "a blank", "a value"))
        known = frame["collector_id"].isin(roster).to_numpy() | frame["collector_id"].isna()
        unknown = np.flatnonzero(~np.asarray(known, dtype=bool))
        if len(unknown):
            found = sorted(set(frame["collector_id"].iloc[unknown].astype(str)))
            problems.append(
                Problem(
                    file=name,
                    row=int(unknown[0]) + 2,
                    column="collector_id",
                    found=", ".join(found[:10]),
                    expected="a collector_id on the collectors roster",
                )
            )
    accounts = dataset.accounts
    repeated = np.flatnonzero(accounts.duplicated(["month", "account_id"]).to_numpy())
    if len(repeated):
        row = accounts.iloc[int(repeated[0])]
        problems.append(
            Problem(
                "accounts",
                int(repeated[0]) + 2,
                "account_id",
                f"{row['account_id']} again for month {row['month']}",
                "each account once per month",
            )
        )
    if problems:
        raise DataError(problems)


def _collector_rows(
    con: duckdb.DuckDBPyConnection, columns: tuple[str, ...]
) -> tuple[dict[str, Any], ...]:
    """The roster as plain rows (:func:`~reportgen.data.dataset.roster_value`), so that
    every source gives the same values (a PostgreSQL ``char(n)`` or ``citext`` id arrives
    as ``str`` through its view)."""
    found = con.execute(f"SELECT {', '.join(columns)} FROM collectors").fetchall()
    return tuple(
        {column: roster_value(column, value) for column, value in zip(columns, values, strict=True)}
        for values in found
    )
