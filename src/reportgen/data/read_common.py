"""What every reader hands to the loader: a table's cells as text, with their rows.

Readers only turn a file into text cells; they know nothing of types or
rules. Keeping every cell as text until conversion is what lets each bad
cell be reported with the row and column the user sees.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
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


class RawTable:
    """One table as read from its file, before conversion.

    ``cells[i]`` holds the column headed ``headers[i]``: text (blank cells as
    missing values) or, for dates from typed files, ``datetime64``.
    ``rows`` gives the spreadsheet row of each data row (the header is row 1).

    A CSV reader gives ``text`` instead, the same cells as Arrow text (columns f0,
    f1, ...): its plain rows go to SQL (see plain_rows) and never need to be pandas
    cells, so ``cells`` are made from ``text`` only when first asked for.
    """

    def __init__(
        self,
        *,
        table: str,
        label: str,
        path: Path,
        headers: list[str],
        rows: np.ndarray,
        problems: list[Problem],
        cells: list[pd.Series] | None = None,
        dropped_rows: int = 0,
        text: pa.Table | None = None,
    ) -> None:
        if cells is None and text is None:
            raise ValueError("a RawTable needs its cells or its text")
        self.table = table
        self.label = label
        self.path = path
        self.headers = headers
        self.rows = rows
        self.problems = problems  # problems found while reading (e.g. ragged rows)
        self.dropped_rows = dropped_rows  # rows the reader could not use (counted when skipping)
        self.text = text
        self._cells = cells

    @property
    def cells(self) -> list[pd.Series]:
        if self._cells is None:
            assert self.text is not None
            frame = self.text.to_pandas()
            self._cells = [frame[name].astype("str") for name in self.text.column_names]
        return self._cells

    @cells.setter
    def cells(self, cells: list[pd.Series]) -> None:
        self._cells = cells

    @property
    def row_count(self) -> int:
        return len(self.rows)

    def subset(self, positions: np.ndarray) -> RawTable:
        """The rows at ``positions`` alone (what the reader found is kept as it is)."""
        cells, text = None, None
        if self._cells is not None:
            cells = [c.iloc[positions].reset_index(drop=True) for c in self._cells]
        elif len(positions):
            text = self.text.take(pa.array(positions, pa.int64()))  # type: ignore[union-attr]
        else:  # the usual case: a take of no rows would still copy every column's chunks
            text = self.text.slice(0, 0)  # type: ignore[union-attr]
        return RawTable(
            table=self.table,
            label=self.label,
            path=self.path,
            headers=self.headers,
            rows=self.rows[positions],
            problems=self.problems,
            dropped_rows=self.dropped_rows,
            cells=cells,
            text=text,
        )


class UnreadableFile(Exception):
    """A file that cannot be read at all; the loader turns it into a Problem.

    ``column`` (as headed in the file) and ``row`` when one column or row is to blame.
    """

    def __init__(
        self, found: str, expected: str, *, column: str | None = None, row: int | None = None
    ) -> None:
        super().__init__(found)
        self.found = found
        self.expected = expected
        self.column = column
        self.row = row


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


def rows_above_header(rows: list[list[str]], header: int, header_kind: HeaderKind) -> list[int]:
    """Rows above the header that are not a title or a note, which would be left out silently.

    A title or note fills one cell, or two naming no column (``导出时间：, 2024-10-01``).
    A row filling more, or naming columns (a second, poorer header such as an
    English one above the Chinese), may be data: it must not vanish unnoticed.
    """
    found = []
    for index in range(header):
        filled = [str(c).strip() for c in rows[index] if str(c).strip()]
        names = sum(header_kind(c) is not None for c in filled)
        if len(filled) > 2 or (len(filled) == 2 and names):
            found.append(index)
    return found


def above_header_problems(
    label: str, rows: list[list[str]], found: list[int], first_row: int
) -> list[Problem]:
    """One problem per row of :func:`rows_above_header` (``first_row``: row number of rows[0])."""
    return [
        Problem(
            label,
            first_row + index,
            None,
            "a row above the header row: " + cell_list(rows[index]),
            "the header (column names) in the first row, or only a title or note above it; "
            "rows above the header are not read",
        )
        for index in found
    ]


def cell_list(row: list[str]) -> str:
    shown = ", ".join(str(c).strip() for c in row if str(c).strip())
    return f"'{shown[:57]}...'" if len(shown) > 60 else f"'{shown}'"


_SEPARATORS = r"[\s_\-.·/]+"


def _header_key(text: str) -> str:
    """Roughly aliases.name_key, in a form Arrow can apply to a whole column."""
    return re.sub(_SEPARATORS, "", unicodedata.normalize("NFKC", text).lower())


def header_keys(names: set[str]) -> set[str]:
    """What a cell's folded value is compared with by :func:`header_like`."""
    return {_header_key(n) for n in names} | names


def header_like(cells: pd.Series, names: set[str]) -> np.ndarray:
    """Which cells hold one of ``names`` (header spellings), ignoring case and separators."""
    if pd.api.types.is_datetime64_any_dtype(cells.dtype) or not len(cells):
        return np.zeros(len(cells), dtype=bool)
    array = pa.array(cells.astype("str"), from_pandas=True)
    # Fold each distinct value once, not every cell: a column of millions of rows holds
    # far fewer distinct values, and folding (NFKC, case, separators) is the costly part.
    # Headers are short and never start with a digit: dates, times, amounts and counts
    # (most cells of a big table) are passed over before anything costly.
    first = pc.utf8_slice_codeunits(array, 0, 1)
    candidate = pc.and_(
        pc.less_equal(pc.utf8_length(array), 40), pc.invert(pc.utf8_is_digit(first))
    )
    distinct = pc.unique(array.filter(pc.fill_null(candidate, False))).drop_null()
    keys = pc.utf8_lower(pc.utf8_normalize(distinct, form="NFKC"))
    keys = pc.replace_substring_regex(keys, _SEPARATORS, "")
    wanted = pa.array(sorted(header_keys(names)), keys.type)
    spellings = distinct.filter(pc.is_in(keys, value_set=wanted))
    if len(spellings) == 0:
        return np.zeros(len(cells), dtype=bool)
    return np.array(pc.fill_null(pc.is_in(array, value_set=spellings), False), dtype=bool)


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
