"""A ``.duckdb`` file written by ``reportgen import``: recognising, opening, checking it.

The file holds the six tables (checked when imported) and ``reportgen_meta``,
which says what wrote it (the schema version) and what it was imported from.
Opening it reads no row again: it is opened read-only and described.
"""

from __future__ import annotations

import json
from pathlib import Path

import duckdb

from reportgen.config import Engine
from reportgen.data.sql_schema import SCHEMA_VERSION
from reportgen.errors import ReportgenError
from reportgen.store.store import IN_MEMORY_SCHEMA, Store, connect, connection_settings

META_TABLE = "reportgen_meta"
FORMAT_NAME = "reportgen-store"
SUFFIX = ".duckdb"
# The name the imported file is attached under.
STORE_CATALOG = "centre"
# A DuckDB database file says "DUCK" at byte 8.
_MAGIC_OFFSET, _MAGIC = 8, b"DUCK"


def is_store_file(path: Path) -> bool:
    """Whether ``path`` is a DuckDB database file (by its name or its first bytes)."""
    if not path.is_file():
        return False
    if path.suffix.lower() == SUFFIX:
        return True
    try:
        with path.open("rb") as handle:
            head = handle.read(_MAGIC_OFFSET + len(_MAGIC))
    except OSError:
        return False
    return head[_MAGIC_OFFSET:] == _MAGIC


def open_store_file(path: Path, engine: Engine | None = None) -> Store:
    """Open an imported file read-only; one clear error when it is not one reportgen can read."""
    # The file is attached, read-only, to an in-memory database rather than opened
    # directly, so that the metrics have somewhere to keep a table every connection of
    # this process sees (a year's contacts folded once for the year and its months).
    settings = connection_settings(engine)
    try:
        resolved = path.resolve()
    except (OSError, RuntimeError) as exc:
        raise ReportgenError(f"{path}: cannot be opened ({exc})") from None
    # Spilled data goes beside the file, as DuckDB does for a file opened on its own (an
    # in-memory database would spill into the working folder).
    settings.setdefault("temp_directory", f"{resolved}.tmp")
    con = connect(":memory:", settings)
    try:
        con.execute(
            f"ATTACH {_sql_text(str(resolved))} AS {STORE_CATALOG} (TYPE DUCKDB, READ_ONLY)"
        )
        con.execute(f"USE {STORE_CATALOG}")
    except duckdb.Error as exc:
        con.close()
        raise ReportgenError(
            f"{path}: not a readable DuckDB database ({_first_line(exc)})"
        ) from None
    try:
        meta = _read_meta(con, path)
        store = Store.describe(
            con,
            sources=dict.fromkeys(json.loads(meta.get("tables", "[]")), path),
            skipped_rows={},
            path=path,
            catalog=STORE_CATALOG,
            scratch_schema=IN_MEMORY_SCHEMA,
        )
    except duckdb.Error as exc:
        con.close()
        raise ReportgenError(f"{path}: cannot be read ({_first_line(exc)})") from None
    except BaseException:
        con.close()
        raise
    return store


def _read_meta(con: duckdb.DuckDBPyConnection, path: Path) -> dict[str, str]:
    tables = {
        row[0]
        for row in con.execute(
            "SELECT table_name FROM duckdb_tables() WHERE database_name = current_database()"
        ).fetchall()
    }
    if META_TABLE not in tables:
        raise ReportgenError(
            f"{path}: a DuckDB database, but not one written by `reportgen import` "
            f"(it has no {META_TABLE} table)"
        )
    meta = dict(con.execute(f"SELECT key, value FROM {META_TABLE}").fetchall())
    if meta.get("format") != FORMAT_NAME:
        raise ReportgenError(f"{path}: not a reportgen data file ({META_TABLE} says otherwise)")
    version = meta.get("schema_version")
    if version != str(SCHEMA_VERSION):
        raise ReportgenError(
            f"{path}: written by a reportgen whose file version is {version}; this one reads "
            f"version {SCHEMA_VERSION}. Import the source again: reportgen import "
            f"{meta.get('source', 'SOURCE')} --to {path} --force"
        )
    return meta


def write_meta(con: duckdb.DuckDBPyConnection, meta: dict[str, str]) -> None:
    con.execute(f"CREATE TABLE {META_TABLE} (key VARCHAR PRIMARY KEY, value VARCHAR NOT NULL)")
    con.executemany(f"INSERT INTO {META_TABLE} VALUES (?, ?)", sorted(meta.items()))


def _sql_text(text: str) -> str:
    """``text`` as an SQL string literal (ATTACH takes no parameters)."""
    return "'" + text.replace("'", "''") + "'"


def _first_line(exc: BaseException) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0]
