"""One way in for every command: a data source (folder, workbook or ``.duckdb`` file) → Store."""

from __future__ import annotations

from pathlib import Path

import duckdb

from reportgen.config import Config
from reportgen.store.store import Store, connection_settings
from reportgen.store.stored_file import is_store_file, open_store_file


def open_store(source: Path, config: Config, *, skip_bad_rows: bool = False) -> Store:
    """Open an imported ``.duckdb`` file as it is, or load and check a folder or workbook.

    A folder or workbook is read by the loader (every rule of spec/data.md) a chunk
    of rows at a time into an in-memory DuckDB database.
    """
    source = Path(source)
    if is_store_file(source):
        return open_store_file(source, config.engine)
    from reportgen.data.load import load_into

    con = duckdb.connect(":memory:", config=connection_settings(config.engine))
    try:
        loaded = load_into(con, source, config, skip_bad_rows=skip_bad_rows)
        return Store.describe(con, sources=loaded.sources, skipped_rows=loaded.skipped_rows)
    except BaseException:
        con.close()
        raise
