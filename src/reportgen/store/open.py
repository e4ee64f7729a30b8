"""One way in for every command: a data source → Store.

A folder, workbook or SQLite database is loaded and checked into an in-memory
DuckDB database; an imported ``.duckdb`` file is opened as it is; a PostgreSQL
database is checked and queried where it lives.
"""

from __future__ import annotations

from pathlib import Path

from reportgen.config import Config
from reportgen.scope import Scope
from reportgen.store.database_url import DatabaseUrl
from reportgen.store.store import IN_MEMORY_SCHEMA, Store, connect, in_memory_settings
from reportgen.store.stored_file import is_store_file, open_store_file

Source = Path | DatabaseUrl


def open_store(
    source: Source, config: Config, *, skip_bad_rows: bool = False, scope: Scope | None = None
) -> Store:
    """Open ``source`` as a Store; every rule of spec/data.md is checked unless it was
    checked when imported.

    ``scope``: the one scope a command reports on. A folder's CSV contacts file loaded
    for it keeps only the contacts that scope's figures read (every row is checked all
    the same); the store then computes that scope and its members only."""
    if isinstance(source, DatabaseUrl) and source.kind == "postgresql":
        from reportgen.store.postgres import open_postgres

        return open_postgres(source, config, skip_bad_rows=skip_bad_rows)
    if not isinstance(source, DatabaseUrl):
        source = Path(source)
        if is_store_file(source):
            return open_store_file(source, config.engine)
    from reportgen.data.load import load_into

    con = connect(":memory:", in_memory_settings(config.engine))
    try:
        loaded = load_into(con, source, config, skip_bad_rows=skip_bad_rows, contacts_of=scope)
        return Store.describe(
            con,
            sources=loaded.sources,
            skipped_rows=loaded.skipped_rows,
            scratch_schema=IN_MEMORY_SCHEMA,
            contacts_of=loaded.contacts_of,
            held_apart=loaded.held_apart,
        )
    except BaseException:
        con.close()
        raise


def source_path(source: Source) -> Path | None:
    """The file or folder a source is read from (a SQLite file's path); None for a server."""
    if isinstance(source, DatabaseUrl):
        return source.path
    return Path(source)
