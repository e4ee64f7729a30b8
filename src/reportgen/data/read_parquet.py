"""Reading a Parquet file as text cells (dates stay timestamps).

Parquet columns are typed. Timestamps and dates in date columns are kept
as they are (no round trip through text); every other column is cast to text
by Arrow (floats in their shortest exact form, so 1234.5 stays "1234.5" and
an id stored as 123.0 becomes "123"), then read like any CSV cell. A "row" in
a Parquet file is counted as in a spreadsheet: the first record is row 2.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from reportgen.data.read_common import HeaderKind, RawTable, UnreadableFile
from reportgen.data.schema import Kind


def read_parquet_table(path: Path, table: str, label: str, header_kind: HeaderKind) -> RawTable:
    try:
        arrow = pq.read_table(path)
    except (pa.ArrowException, OSError) as exc:
        raise UnreadableFile(
            f"a file that cannot be read as Parquet ({exc})", "a Parquet file"
        ) from None
    headers = [str(name) for name in arrow.column_names]
    cells = [_column(arrow.column(i), header_kind(header)) for i, header in enumerate(headers)]
    rows = np.arange(2, arrow.num_rows + 2, dtype=np.int64)
    return RawTable(
        table=table, label=label, path=path, headers=headers, cells=cells, rows=rows, problems=[]
    )


def _column(column: pa.ChunkedArray, kind: Kind | None) -> pd.Series:
    kind_type = column.type
    if pa.types.is_dictionary(kind_type):
        column = column.cast(kind_type.value_type)
        kind_type = column.type
    if kind in (Kind.DATE, Kind.DATETIME, Kind.MONTH) and (
        pa.types.is_timestamp(kind_type) or pa.types.is_date(kind_type)
    ):
        if pa.types.is_timestamp(kind_type) and kind_type.tz is not None:
            # Times are local wall-clock time of the collection centre.
            column = pc.local_timestamp(column)
        return pd.Series(column.cast(pa.timestamp("ns")).to_pandas(), dtype="datetime64[ns]")
    if pa.types.is_boolean(kind_type):
        text = pc.if_else(column, "true", "false")
    else:
        # Arrow writes integral floats without ".0" and others in shortest form.
        text = column.cast(pa.string())
    return pd.Series(text.to_pandas(), dtype="str")
