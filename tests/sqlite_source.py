"""Writing a data source into a SQLite file, as a collection system would keep it."""

from __future__ import annotations

import sqlite3
from pathlib import Path


def write_sqlite(
    path: Path,
    store,
    *,
    tables: dict[str, str] | None = None,
    columns: dict[str, dict[str, str]] | None = None,
) -> None:
    """Every table of ``store`` (a reportgen Store) into a new SQLite file at ``path``.

    Money is written in yuan as text (``1234.50``, exact), dates and times as ISO text;
    ``tables`` and ``columns`` rename as in :func:`postgres_server.load_store`.
    """
    from reportgen.data.schema import SCHEMA, Kind

    tables, columns = tables or {}, columns or {}
    con = sqlite3.connect(path)
    try:
        for table, present in store.columns.items():
            renamed = columns.get(table, {})
            selected = []
            for column in present:
                kind = SCHEMA[table].column(column).kind
                if kind is Kind.MONEY:
                    selected.append(f"CAST(CAST({column} AS DECIMAL(18, 2)) / 100 AS VARCHAR)")
                elif kind in (Kind.DATE, Kind.DATETIME):
                    selected.append(f"CAST({column} AS VARCHAR)")
                else:
                    selected.append(column)
            rows = store.con.execute(f"SELECT {', '.join(selected)} FROM {table}").fetchall()
            names = ", ".join(f'"{renamed.get(c, c)}"' for c in present)
            con.execute(f'CREATE TABLE "{tables.get(table, table)}" ({names})')
            marks = ", ".join("?" for _ in present)
            con.executemany(f'INSERT INTO "{tables.get(table, table)}" VALUES ({marks})', rows)
        con.commit()
    finally:
        con.close()
