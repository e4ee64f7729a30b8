"""One way in for every command: a data source (folder, workbook or ``.duckdb`` file) → Store."""

from __future__ import annotations

from pathlib import Path

from reportgen.config import Config
from reportgen.store.store import Store
from reportgen.store.stored_file import is_store_file, open_store_file


def open_store(source: Path, config: Config, *, skip_bad_rows: bool = False) -> Store:
    """Open an imported ``.duckdb`` file as it is, or load and check a folder or workbook.

    A folder or workbook is read whole by the loader (every rule of spec/data.md),
    copied into an in-memory DuckDB database, and its pandas frames let go.
    """
    source = Path(source)
    if is_store_file(source):
        return open_store_file(source, config.engine)
    from reportgen.data.load import load_source

    dataset = load_source(source, config, skip_bad_rows=skip_bad_rows)
    return Store.from_dataset(dataset, config.engine)
