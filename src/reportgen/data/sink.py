"""Where the loader puts checked rows: tables in a DuckDB database, a chunk at a time.

Every row read is appended with three columns of its own: ``_source_row`` (the
row as the user sees it in the file), ``_usable`` (its cells could be read, so
it takes part in the rules across rows) and ``_bad`` (it has a problem). The
rules that look across chunks (an account twice in one month's snapshot) run
as queries once every chunk is in; then bad rows are deleted (when skipping
them) and the helper columns dropped.
"""

from __future__ import annotations

import duckdb
import pandas as pd
import pyarrow as pa

from reportgen.data.sql_schema import COLUMN_TYPES, floor_times

HELPER_COLUMNS = ("_source_row", "_usable", "_bad")


class TableSink:
    """Appends loaded chunks to the tables of ``con``."""

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self.con = con
        self._created: set[str] = set()
        # Rows come in file order, except where a chunk's plain rows (appended in SQL)
        # come before its other rows (checked in Python): such tables are put back in
        # file order when finished, as a user reading them expects.
        self._last_row: dict[str, int] = {}
        self._unordered: set[str] = set()

    def _arriving(self, table: str, first: int, last: int) -> None:
        """Note rows ``first`` to ``last`` arriving, to know whether the table stays in order."""
        if first < self._last_row.get(table, first):
            self._unordered.add(table)
        self._last_row[table] = max(last, self._last_row.get(table, last))

    def _create(self, table: str, columns: list[str]) -> None:
        """Create ``table`` with ``columns`` and the helper columns, unless it exists."""
        if table in self._created:
            return
        types = COLUMN_TYPES[table]
        declared = ", ".join(f"{col} {types[col]}" for col in columns)
        self.con.execute(
            f"CREATE TABLE {table} ({declared}, _source_row BIGINT, _usable BOOLEAN, _bad BOOLEAN)"
        )
        self._created.add(table)

    def insert_rows(
        self,
        table: str,
        columns: list[str],
        query: str,
        rows: tuple[int, int],
        *,
        in_order: bool = True,
    ) -> None:
        """Append the rows of ``query``: ``columns``, then the source row and whether the
        row is usable; none is bad. ``rows``: the first and last source row they may hold;
        ``in_order``: whether DuckDB keeps them in the order of the query's source.
        """
        self._create(table, columns)
        self._arriving(table, *rows)
        if not in_order:
            self._unordered.add(table)
        listed = ", ".join(columns)
        self.con.execute(
            f"INSERT INTO {table} ({listed}, _source_row, _usable, _bad) "
            f"SELECT *, false FROM ({query}) q"
        )

    def append(self, table: str, frame: pd.DataFrame) -> None:
        """Append a finished frame (canonical columns plus the helper columns)."""
        types = {c: t for c, t in COLUMN_TYPES[table].items() if c in frame.columns}
        if len(frame):
            rows = frame["_source_row"]
            self._arriving(table, int(rows.min()), int(rows.max()))
        casts = ", ".join(f"CAST({col} AS {kind}) AS {col}" for col, kind in types.items())
        view = f"reportgen_chunk_{table}"
        # Handed over as Arrow: DuckDB reads Arrow columns in place, where scanning the
        # pandas frame converts them (about twice the time of the insert).
        self.con.register(
            view, pa.Table.from_pandas(floor_times(frame, types), preserve_index=False)
        )
        try:
            self._create(table, list(types))
            self.con.execute(
                f"INSERT INTO {table} ({', '.join(types)}, _source_row, _usable, _bad) "
                f"SELECT {casts}, CAST(_source_row AS BIGINT), CAST(_usable AS BOOLEAN), "
                f"CAST(_bad AS BOOLEAN) FROM {view}"
            )
        finally:
            self.con.unregister(view)

    def discard(self, table: str) -> None:
        """Forget what was appended to ``table`` (it is read again from the start)."""
        self.con.execute(f"DROP TABLE IF EXISTS {table}")
        self._created.discard(table)
        self._last_row.pop(table, None)
        self._unordered.discard(table)

    def has(self, table: str) -> bool:
        return table in self._created

    def later_duplicates(
        self, table: str, keys: tuple[str, ...], limit: int
    ) -> tuple[list[tuple], int]:
        """Usable rows repeating an earlier usable row's ``keys``, in row order.

        Returns up to ``limit`` rows as (source row, *keys, first source row) and how
        many there are in all; marks every one of them bad.
        """
        key_list = ", ".join(keys)
        later = (
            f"SELECT _source_row, {key_list}, first_row FROM (SELECT _source_row, {key_list}, "
            f"min(_source_row) OVER (PARTITION BY {key_list}) AS first_row FROM {table} "
            "WHERE _usable) d WHERE _source_row > first_row"
        )
        total = int(self.con.execute(f"SELECT count(*) FROM ({later}) l").fetchone()[0])
        if not total:
            return [], 0
        shown = self.con.execute(f"{later} ORDER BY _source_row LIMIT {int(limit)}").fetchall()
        self.con.execute(
            f"UPDATE {table} SET _bad = true WHERE _source_row IN (SELECT _source_row FROM "
            f"({later}) l)"
        )
        return shown, total

    def bad_rows(self, table: str) -> int:
        return int(self.con.execute(f"SELECT count(*) FROM {table} WHERE _bad").fetchone()[0])

    def finish(self, table: str, *, drop_bad: bool) -> None:
        """Delete the bad rows (when skipping them) and the helper columns."""
        if table in self._unordered:
            where = "WHERE NOT _bad " if drop_bad else ""
            self.con.execute(
                f"CREATE OR REPLACE TABLE {table} AS SELECT * FROM {table} {where}"
                "ORDER BY _source_row"
            )
        elif drop_bad:
            self.con.execute(f"DELETE FROM {table} WHERE _bad")
        for column in HELPER_COLUMNS:
            self.con.execute(f"ALTER TABLE {table} DROP COLUMN {column}")
