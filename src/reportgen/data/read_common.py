"""What every reader hands to the loader: a table's cells as text, with their rows.

Readers only turn a file into text cells; they know nothing of types or
rules. Keeping every cell as text until conversion is what lets each bad
cell be reported with the row and column the user sees.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from reportgen.data.schema import Kind
from reportgen.errors import Problem

# Tells a reader which kind of cell a header holds (None: not a column we use),
# so that typed cells (Excel dates and numbers, Parquet timestamps) can be
# turned into the text the user sees, or kept as timestamps.
HeaderKind = Callable[[str], Kind | None]


@dataclass
class RawTable:
    """One table as read from its file, before conversion.

    ``cells[i]`` holds the column headed ``headers[i]``: text (blank cells as
    missing values) or, for dates from typed files, ``datetime64``.
    ``rows`` gives the spreadsheet row of each data row (the header is row 1).
    """

    table: str
    label: str
    path: Path
    headers: list[str]
    cells: list[pd.Series]
    rows: np.ndarray
    problems: list[Problem]  # problems found while reading (e.g. ragged rows)
    dropped_rows: int = 0  # rows the reader could not use (counted when skipping)

    @property
    def row_count(self) -> int:
        return len(self.rows)


class UnreadableFile(Exception):
    """A file that cannot be read at all; the loader turns it into a Problem."""

    def __init__(self, found: str, expected: str) -> None:
        super().__init__(found)
        self.found = found
        self.expected = expected


# Exports often put a title ("2024年9月催收记录") or notes above the header.
_HEADER_SEARCH_ROWS = 10


def pick_header_row(rows: list[list[str]], header_kind: HeaderKind) -> int | None:
    """Which of the first non-blank rows is the header: the one naming most known columns.

    Ties go to the earliest row; when no row names a known column, the first
    non-blank row is the header (so the missing-column error shows what it holds).
    ``None`` when every row is blank.
    """
    candidates = [i for i, row in enumerate(rows) if any(str(c).strip() for c in row)]
    candidates = candidates[:_HEADER_SEARCH_ROWS]
    if not candidates:
        return None
    known = [sum(header_kind(str(c).strip()) is not None for c in rows[i]) for i in candidates]
    return candidates[known.index(max(known))]


def strip_text(series: pd.Series) -> pd.Series:
    """Trim surrounding whitespace (incl. full-width spaces) and turn empty cells into missing."""
    if not (pd.api.types.is_string_dtype(series.dtype) or series.dtype == object):
        return series
    array = pa.array(series, from_pandas=True)  # pandas holds large_string: no cast
    if not (pa.types.is_string(array.type) or pa.types.is_large_string(array.type)):
        array = pa.array(series.astype("str"), from_pandas=True)
    trimmed = pc.utf8_trim_whitespace(array)
    empty = pc.equal(trimmed, "")
    if pc.any(empty).as_py():  # copy the column again only when some cell was all spaces
        trimmed = pc.if_else(empty, pa.scalar(None, trimmed.type), trimmed)
    return pd.Series(trimmed.to_pandas(), dtype="str", name=series.name).reset_index(drop=True)


def drop_blank_rows(raw: RawTable) -> RawTable:
    """Strip every cell, then drop rows whose every cell is blank.

    Spreadsheets leave such rows behind (formatting, deleted contents); they
    hold no data, so they are neither an error nor a skipped row.
    """
    raw.cells = [strip_text(s) for s in raw.cells]
    if not raw.cells or raw.row_count == 0:
        return raw
    filled = np.zeros(raw.row_count, dtype=bool)
    for series in raw.cells:
        filled |= series.notna().to_numpy()
    if filled.all():
        return raw
    keep = np.flatnonzero(filled)
    raw.cells = [s.iloc[keep].reset_index(drop=True) for s in raw.cells]
    raw.rows = raw.rows[keep]
    return raw
