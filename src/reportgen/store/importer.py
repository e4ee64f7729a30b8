"""``reportgen import``: check a source once and keep it as a DuckDB file to report from.

The file is written under a temporary name beside the target and renamed
into place only when complete, so an interrupted or failed import leaves
nothing behind, and an existing file is replaced only with ``force``.
"""

from __future__ import annotations

import json
import os
import secrets
from pathlib import Path

from reportgen import __version__
from reportgen.config import Config
from reportgen.data.dataset import TABLES
from reportgen.data.sql_schema import SCHEMA_VERSION
from reportgen.errors import OutputError
from reportgen.output import refuse_existing, refuse_replacing_inputs, run_inputs
from reportgen.store.database_url import DatabaseUrl
from reportgen.store.store import connect, connection_settings, sort_by_date
from reportgen.store.stored_file import FORMAT_NAME, write_meta


def import_source(
    source: Path | DatabaseUrl,
    target: Path,
    config: Config,
    *,
    skip_bad_rows: bool = False,
    force: bool = False,
) -> tuple[dict[str, int], dict[str, int]]:
    """Load and check ``source``, write it to ``target``.

    Returns the rows of each table written and the bad rows skipped per file.
    """
    from reportgen.data.load import load_into

    target = Path(target)
    if isinstance(source, DatabaseUrl) and source.kind == "postgresql":
        raise OutputError(
            f"{source.shown}: a PostgreSQL database is not imported; every command reads it "
            "in place, with the metrics computed inside the server"
        )
    refuse_existing([target], force=force)
    refuse_replacing_inputs([target], run_inputs(source, [], config.source))
    temporary = target.with_name(f".{target.name}.importing-{os.getpid()}-{secrets.token_hex(4)}")
    try:
        con = connect(str(temporary), connection_settings(config.engine))
        try:
            loaded = load_into(con, source, config, skip_bad_rows=skip_bad_rows)
            refuse_replacing_inputs(
                [target], run_inputs(source, loaded.sources.values(), config.source)
            )
            for name in loaded.sources:
                sort_by_date(con, name)
            counts = {
                name: int(con.execute(f"SELECT count(*) FROM {name}").fetchone()[0])
                for name in TABLES
                if name in loaded.sources
            }
            write_meta(
                con,
                {
                    "format": FORMAT_NAME,
                    "schema_version": str(SCHEMA_VERSION),
                    "reportgen_version": __version__,
                    "source": (
                        source.shown
                        if isinstance(source, DatabaseUrl)
                        else str(Path(source).resolve())
                    ),
                    "tables": json.dumps(list(counts)),
                    "rows": json.dumps(counts),
                    "skipped_rows": json.dumps(loaded.skipped_rows, sort_keys=True),
                },
            )
            con.execute("CHECKPOINT")
        finally:
            con.close()
        os.replace(temporary, target)
    except OSError as exc:
        raise OutputError(f"{target}: cannot be written ({exc.strerror or exc})") from None
    finally:
        for leftover in (temporary, temporary.with_name(temporary.name + ".wal")):
            leftover.unlink(missing_ok=True)
    return counts, dict(loaded.skipped_rows)
