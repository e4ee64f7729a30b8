"""Reading a Parquet file as text cells (dates stay timestamps).

Parquet columns are typed. Only the columns reportgen uses are read (a file
may carry anything else: nested structs, lists, binary blobs). Timestamps and
dates in date columns are kept as they are (no round trip through text);
every other column is cast to text by Arrow (floats in their shortest exact
form, so 1234.5 stays "1234.5" and an id stored as 123.0 becomes "123"), then
read like any CSV cell. A "row" in a Parquet file is counted as in a
spreadsheet: the first record is row 2.

Time zones: a timestamp column with a zone holds instants. They become the
wall-clock time of ``[organisation] timezone``; unset, a column in a named
region's zone ("Asia/Shanghai") is taken in that zone, as the file says, and
a column in UTC or a bare offset is an error naming the setting (the centre
is never guessed to sit on UTC).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from reportgen.data.read_common import HeaderKind, RawTable, UnreadableFile
from reportgen.data.schema import Kind

_DATE_KINDS = (Kind.DATE, Kind.DATETIME, Kind.MONTH)
# datetime64[ns] holds 1677-09-21 .. 2262-04-11; a little inside, to be safe.
_EARLIEST = dt.datetime(1678, 1, 1)
_LATEST = dt.datetime(2262, 1, 1)
# Zones that name no place: the centre's local time cannot be read from them.
_PLACELESS = ("UTC", "ETC/", "GMT", "Z", "+", "-", "UNIVERSAL", "ZULU")


def read_parquet_chunks(
    path: Path,
    table: str,
    label: str,
    header_kind: HeaderKind,
    timezone: str = "",
    chunk_rows: int = 1 << 62,
) -> Iterator[RawTable]:
    """Read ``path`` in chunks of at most ``chunk_rows`` records (at least one chunk)."""
    try:
        file = pq.ParquetFile(path)
        used = [name for name in file.schema_arrow.names if header_kind(str(name)) is not None]
        batches = file.iter_batches(batch_size=min(chunk_rows, 1 << 30), columns=used)
        first_row, first = 2, True
        while True:
            batch = next(batches, None)
            if batch is None and not first:
                return
            arrow = (
                pa.Table.from_batches([batch])
                if batch is not None
                else file.schema_arrow.empty_table().select(used)
            )
            yield _raw(arrow, table, label, path, header_kind, timezone, first_row)
            first_row += arrow.num_rows
            first = False
    except (pa.ArrowException, OSError, ValueError) as exc:
        raise UnreadableFile(
            f"a file that cannot be read as Parquet ({exc})", "a Parquet file"
        ) from None


def _raw(
    arrow: pa.Table,
    table: str,
    label: str,
    path: Path,
    header_kind: HeaderKind,
    timezone: str,
    first_row: int,
) -> RawTable:
    headers = [str(name) for name in arrow.column_names]
    cells = [
        _column(arrow.column(i), header, header_kind(header), timezone)
        for i, header in enumerate(headers)
    ]
    rows = np.arange(first_row, first_row + arrow.num_rows, dtype=np.int64)
    return RawTable(
        table=table, label=label, path=path, headers=headers, cells=cells, rows=rows, problems=[]
    )


def _column(column: pa.ChunkedArray, header: str, kind: Kind | None, timezone: str) -> pd.Series:
    try:
        if pa.types.is_dictionary(column.type):
            column = column.cast(column.type.value_type)
        if kind in _DATE_KINDS and pa.types.is_timestamp(column.type):
            return _moments(_to_local(column, header, timezone))
        if kind in _DATE_KINDS and pa.types.is_date(column.type):
            return _moments(column.cast(pa.timestamp("s")))
        if pa.types.is_boolean(column.type):
            text = pc.if_else(column, "true", "false")
        else:
            # Arrow writes integral floats without ".0" and others in shortest form.
            text = column.cast(pa.string())
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError, pa.ArrowTypeError) as exc:
        raise UnreadableFile(
            f"a column of type {column.type} that cannot be read ({exc})",
            "a column of text, numbers, dates or timestamps",
            column=header,
        ) from None
    return pd.Series(text.to_pandas(), dtype="str")


def _to_local(column: pa.ChunkedArray, header: str, timezone: str) -> pa.ChunkedArray:
    """Zoned timestamps as naive wall-clock time of the centre (see the module's notes)."""
    zone = column.type.tz
    if zone is None:
        return column  # already local time, as the spec says
    target = timezone or (None if zone.upper().startswith(_PLACELESS) else zone)
    if target is None:
        raise UnreadableFile(
            f"timestamps in time zone {zone} in column {header}, "
            "and no [organisation] timezone set",
            'the centre\'s time zone set as [organisation] timezone (e.g. "Asia/Shanghai") '
            "in the configuration, so these times can be converted to local time",
            column=header,
        )
    unit = column.type.unit
    return pc.local_timestamp(column.cast(pa.timestamp(unit, tz=target)))


def _moments(column: pa.ChunkedArray) -> pd.Series:
    """Naive timestamps as datetime64[ns]; a column with any beyond that range as ISO text.

    As text, the out-of-range cells are reported like any unreadable date,
    with their rows, and the others read as usual.
    """
    kind = column.type
    if kind.unit != "ns":  # an ns column cannot hold a moment beyond the range
        early = pc.less(column, pa.scalar(_EARLIEST, kind))
        late = pc.greater(column, pa.scalar(_LATEST, kind))
        if pc.any(pc.or_(early, late)).as_py():
            # Arrow writes "<value out of range: ...>" for years it cannot show: unreadable too.
            text = column.cast(pa.string())
            return pd.Series(text.to_pandas(), dtype="str")
    return pd.Series(column.cast(pa.timestamp("ns")).to_pandas(), dtype="datetime64[ns]")
