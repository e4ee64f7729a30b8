"""Reading a table of a SQLite database as text cells, a chunk of rows at a time.

SQLite is read through the loader, like a file, not queried in place: a
SQLite file is one machine's data, small next to a warehouse, and going
through the loader gives it every rule and message a CSV file gets. A
cell's stored value becomes the text a user would see (``1234.5``,
``2024-09-30 14:05:00``); a row is named by SQLite's ``rowid`` (a view, which
has none, by its position from 1).

Python's own ``sqlite3`` reads the file, opened read-only: nothing to install.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd

from reportgen.data.read_common import HeaderKind, RawTable, UnreadableFile


def connect_read_only(path: Path) -> sqlite3.Connection:
    """Open ``path`` read-only (``mode=ro``): reading a source never changes it."""
    try:
        con = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        con.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlite3.Error as exc:
        raise UnreadableFile(f"a file SQLite cannot read ({exc})", "a SQLite database") from None
    return con


def sqlite_tables(path: Path) -> dict[str, list[str]]:
    """``{table or view: [column names]}`` of the database."""
    con = connect_read_only(path)
    try:
        names = [
            row[0]
            for row in con.execute(
                "SELECT name FROM sqlite_master WHERE type IN ('table', 'view') "
                "AND name NOT LIKE 'sqlite_%' ORDER BY name"
            )
        ]
        return {name: [row[1] for row in con.execute(f"PRAGMA table_info({quote(name)})")]
                for name in names}  # fmt: skip
    except sqlite3.Error as exc:
        raise UnreadableFile(f"a file SQLite cannot read ({exc})", "a SQLite database") from None
    finally:
        con.close()


def quote(name: str) -> str:
    """An SQL identifier, quoted (names come from the database or the settings)."""
    return '"' + name.replace('"', '""') + '"'


def read_sqlite_chunks(
    path: Path,
    table: str,
    database_table: str,
    label: str,
    header_kind: HeaderKind,
    chunk_rows: int = 1 << 30,
    columns_to_read: tuple[str, ...] | None = None,
) -> Iterator[RawTable]:
    """The table's rows in chunks of at most ``chunk_rows`` (at least one chunk); only
    ``columns_to_read`` when given, else every column whose header names a column."""
    con = connect_read_only(path)
    try:
        columns = [row[1] for row in con.execute(f"PRAGMA table_info({quote(database_table)})")]
        used = [
            c
            for c in columns
            if header_kind(str(c)) is not None and (columns_to_read is None or c in columns_to_read)
        ]
        selected = ", ".join(quote(c) for c in used) or "NULL"
        try:
            cursor = con.execute(f"SELECT rowid, {selected} FROM {quote(database_table)}")
            numbered = True
        except sqlite3.OperationalError:  # a view or a WITHOUT ROWID table
            cursor = con.execute(f"SELECT {selected} FROM {quote(database_table)}")
            numbered = False
        position, first = 1, True
        while True:
            rows = cursor.fetchmany(min(chunk_rows, 1 << 20))
            if not rows and not first:
                return
            yield _raw(rows, used, numbered, position, table, label, path)
            position += len(rows)
            first = False
    except sqlite3.Error as exc:
        raise UnreadableFile(f"a table SQLite cannot read ({exc})", "a readable table") from None
    finally:
        con.close()


def _raw(
    rows: list[tuple],
    used: list[str],
    numbered: bool,
    position: int,
    table: str,
    label: str,
    path: Path,
) -> RawTable:
    offset = 1 if numbered else 0
    numbers = (
        np.array([row[0] for row in rows], dtype=np.int64)
        if numbered
        else np.arange(position, position + len(rows), dtype=np.int64)
    )
    cells = [
        pd.Series([_text(row[i + offset]) for row in rows], dtype="str", name=name)
        for i, name in enumerate(used)
    ]
    return RawTable(
        table=table, label=label, path=path, headers=list(used), cells=cells,
        rows=numbers, problems=[],
    )  # fmt: skip


def _text(value: object) -> str | None:
    """A stored value as the text a user sees: floats in their shortest exact form."""
    if value is None:
        return None
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="replace")
    return str(value)
