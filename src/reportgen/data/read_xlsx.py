"""Reading an Excel sheet as the text the user sees in each cell.

python-calamine reads the values quickly; Excel stores numbers as floats and
dates as date cells, so each cell is turned into text according to the column
it sits in: an id ``123.0`` becomes ``"123"``, a date cell becomes ISO text,
a number in a date column is an Excel serial date. Excel can show the number
123 as ``000123`` through a number format such as ``000000``; calamine does
not report formats, so for id columns holding numbers openpyxl is asked for
them (only then, as it is much slower).
"""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import python_calamine

from reportgen.data.read_common import HeaderKind, RawTable, UnreadableFile, pick_header_row
from reportgen.data.schema import Kind

_EXCEL_EPOCH = dt.datetime(1899, 12, 30)  # serial 1 = 1900-01-01 (Lotus leap-year bug kept)
_DATE_KINDS = (Kind.DATE, Kind.DATETIME, Kind.MONTH)


def _open(path: Path) -> python_calamine.CalamineWorkbook:
    try:
        return python_calamine.CalamineWorkbook.from_path(str(path))
    except Exception as exc:  # calamine raises several unrelated types for a bad file
        raise UnreadableFile(
            f"a workbook that cannot be opened ({type(exc).__name__}: {exc})",
            "an .xlsx workbook saved by Excel, WPS or LibreOffice",
        ) from None


def sheet_names(path: Path) -> list[str]:
    return list(_open(path).sheet_names)


def read_sheet(path: Path, sheet: str, table: str, label: str, header_kind: HeaderKind) -> RawTable:
    """Read one sheet; the header is found among its first rows (titles above are skipped)."""
    workbook = _open(path)
    try:
        grid = workbook.get_sheet_by_name(sheet).to_python(skip_empty_area=False)
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException as exc:  # calamine panics (a BaseException) on e.g. a date beyond 9999
        raise UnreadableFile(
            f"a sheet that cannot be read ({type(exc).__name__}: {exc})",
            "a worksheet whose date cells hold dates Excel can show (1900-9999)",
        ) from None
    first = next((i for i, row in enumerate(grid) if any(not _is_blank(c) for c in row)), None)
    if first is None:
        raise UnreadableFile("an empty sheet", "a header row and data rows")
    window = [[_plain_text(c) for c in row] for row in grid[first : first + 20]]
    header_index = first + (pick_header_row(window, header_kind) or 0)
    header_cells = list(grid[header_index])
    while header_cells and _is_blank(header_cells[-1]):
        header_cells.pop()
    headers = [_plain_text(c).strip() for c in header_cells]
    width = len(headers)
    body = grid[header_index + 1 :]
    padded = [list(row[:width]) + [""] * (width - len(row)) for row in body]
    columns: list[tuple[Any, ...]] = list(zip(*padded, strict=True)) if padded else []
    if not columns:
        columns = [() for _ in headers]
    # Spreadsheet rows are 1-based; grid index 0 is row 1.
    rows = np.arange(header_index + 2, header_index + 2 + len(body), dtype=np.int64)

    kinds = [header_kind(header) for header in headers]
    numeric_ids = [
        position
        for position, (kind, values) in enumerate(zip(kinds, columns, strict=True))
        if kind is Kind.ID and any(isinstance(v, float) for v in values)
    ]
    formats = _number_formats(path, sheet, numeric_ids, header_index + 2, len(body))
    cells: list[pd.Series] = []
    for position, (kind, values) in enumerate(zip(kinds, columns, strict=True)):
        if position in formats:
            shown = formats[position]
            texts = [
                _apply_number_format(v, shown[i]) if isinstance(v, float) else _cell_text(v, kind)
                for i, v in enumerate(values)
            ]
        else:
            texts = [_cell_text(v, kind) for v in values]
        cells.append(pd.Series(texts, dtype="str"))
    return RawTable(
        table=table, label=label, path=path, headers=headers, cells=cells, rows=rows, problems=[]
    )


def _is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _plain_text(value: Any) -> str:
    if _is_blank(value):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    return str(value)


def _cell_text(value: Any, kind: Kind | None) -> str | None:
    """The text of one cell, as the column's kind wants to read it."""
    if _is_blank(value):
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int | float):
        if kind in _DATE_KINDS:
            return _serial_to_text(float(value))
        if isinstance(value, float) and not math.isfinite(value):
            return str(value)
        if float(value).is_integer() and abs(value) < 1e16:
            return str(int(value))
        return repr(float(value))
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        if kind is Kind.DATETIME:  # calamine gives a date-time cell at midnight as a date
            return dt.datetime.combine(value, dt.time()).isoformat(sep=" ")
        return value.isoformat()
    if isinstance(value, dt.time):
        if kind is Kind.NUMBER:  # a talk time formatted as 0:02:35
            return str(value.hour * 3600 + value.minute * 60 + value.second)
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        if kind is Kind.NUMBER:
            return repr(value.total_seconds())
        return str(value)
    return str(value)


def _serial_to_text(serial: float) -> str:
    """An Excel serial date (days since 1899-12-30, fraction = time of day) as ISO text."""
    if not math.isfinite(serial) or not 0 < serial < 2958466:  # up to 9999-12-31
        return repr(serial)
    moment = _EXCEL_EPOCH + dt.timedelta(seconds=round(serial * 86400))
    return moment.isoformat(sep=" ")


def _number_formats(
    path: Path, sheet: str, columns: list[int], first_row: int, count: int
) -> dict[int, list[str]]:
    """The number format of each data cell of some columns, in one openpyxl pass."""
    if not columns or count == 0:
        return {}
    import openpyxl

    formats = {column: ["General"] * count for column in columns}
    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception:
        return formats  # calamine could read it; fall back to plain numbers
    try:
        low, high = min(columns), max(columns)
        rows = workbook[sheet].iter_rows(
            min_row=first_row, max_row=first_row + count - 1, min_col=low + 1, max_col=high + 1
        )
        for offset, row in enumerate(rows):
            for column in columns:
                index = column - low
                if offset < count and index < len(row):
                    shown = getattr(row[index], "number_format", None) or "General"
                    formats[column][offset] = shown
    finally:
        workbook.close()
    return formats


def _apply_number_format(value: float, number_format: str) -> str:
    """Render a whole number the way Excel shows it under a zero-padding format.

    Handles what id columns use in practice: ``000000``, ``"C"0000``,
    ``\\A000``; anything else (General, decimals, dates) shows the plain number.
    """
    if not value.is_integer() or value < 0:
        return repr(value)
    digits = str(int(value))
    section = number_format.split(";")[0]
    if section in ("General", "@", ""):
        return digits
    out: list[str] = []
    zeros = 0
    placed = False
    i = 0
    while i < len(section):
        ch = section[i]
        if ch == '"':
            end = section.find('"', i + 1)
            end = len(section) if end < 0 else end
            out.append(section[i + 1 : end])
            i = end + 1
        elif ch == "\\" and i + 1 < len(section):
            out.append(section[i + 1])
            i += 2
        elif ch == "[":
            end = section.find("]", i)
            i = len(section) if end < 0 else end + 1
        elif ch in "_*":
            i += 2
        elif ch in "0#,":
            while i < len(section) and section[i] in "0#,":
                zeros += section[i] == "0"
                i += 1
            if not placed:
                out.append("\0")
                placed = True
        elif ch in ".%eE/:hHmMsSdDyY":
            return digits  # a decimal, percent, scientific or date format
        else:
            out.append(ch)
            i += 1
    if not placed:
        return digits
    return "".join(out).replace("\0", digits.zfill(zeros))
