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
import re
import zipfile
from pathlib import Path, PurePosixPath
from typing import Any
from xml.etree import ElementTree

import numpy as np
import pandas as pd
import python_calamine

from reportgen.data.read_common import (
    HeaderKind,
    RawTable,
    UnreadableFile,
    above_header_problems,
    pick_header_row,
    rows_above_header,
)
from reportgen.data.schema import Kind

_EXCEL_EPOCH = dt.datetime(1899, 12, 30)  # serial 1 = 1900-01-01 (Lotus leap-year bug kept)
_MAC_EPOCH = dt.datetime(1904, 1, 1)  # serial 0 in the 1904 date system (old Mac Excel)
_DATE_KINDS = (Kind.DATE, Kind.DATETIME, Kind.MONTH)

# Limits checked before calamine reads anything, which holds the whole
# workbook's text and each sheet's used area (as a dense grid) in memory:
# a 5 KB file can declare gigabytes, or one cell at XFD1048576.
XLSX_MAX_BYTES = 2 << 30  # all parts of the workbook, uncompressed
XLSX_MAX_CELLS = 1 << 25  # a sheet's used area: a full-height sheet of 32 columns
_LIMIT_ADVICE = "save large tables as CSV (.csv.gz) or Parquet instead"
# The opening tag of a cell with content. Empty cells (<c .../> or <c ...></c>),
# such as formatting left far away, are skipped, as calamine skips them too.
_CELL = re.compile(rb'<(?:\w+:)?c\b[^>]*?\sr="([A-Z]{1,3})([0-9]{1,9})"[^>/]*>(?!</(?:\w+:)?c>)')
_CHUNK = 16 << 20


def _open(path: Path) -> python_calamine.CalamineWorkbook:
    _check_parts(path)
    try:
        return python_calamine.CalamineWorkbook.from_path(str(path))
    except Exception as exc:  # calamine raises several unrelated types for a bad file
        raise UnreadableFile(
            f"a workbook that cannot be opened ({type(exc).__name__}: {exc})",
            "an .xlsx workbook saved by Excel, WPS or LibreOffice",
        ) from None


def _unopenable(exc: BaseException) -> UnreadableFile:
    return UnreadableFile(
        f"a workbook that cannot be opened ({type(exc).__name__}: {exc})",
        "an .xlsx workbook saved by Excel, WPS or LibreOffice",
    )


def _check_parts(path: Path) -> None:
    """Refuse a workbook that is not a zip, or whose parts expand beyond XLSX_MAX_BYTES."""
    try:
        with zipfile.ZipFile(path) as archive:
            total = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise _unopenable(exc) from None
    if total > XLSX_MAX_BYTES:
        raise UnreadableFile(
            f"a workbook expanding to {total:,} bytes",
            f"a workbook of at most {XLSX_MAX_BYTES >> 30} GiB uncompressed; {_LIMIT_ADVICE}",
        )


def _workbook_facts(path: Path) -> tuple[bool, dict[str, str]]:
    """Whether the workbook uses the 1904 date system, and each sheet's part in the zip."""
    try:
        with zipfile.ZipFile(path) as archive:
            book = ElementTree.fromstring(archive.read("xl/workbook.xml"))
            names = set(archive.namelist())
            rels = (
                ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
                if "xl/_rels/workbook.xml.rels" in names
                else None
            )
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, ElementTree.ParseError) as exc:
        raise _unopenable(exc) from None
    uses_1904 = any(
        _local(e.tag) == "workbookPr" and e.get("date1904", "").lower() in ("1", "true")
        for e in book.iter()
    )
    targets = {}
    for rel in rels.iter() if rels is not None else ():
        if _local(rel.tag) == "Relationship" and rel.get("Target"):
            target = rel.get("Target", "")
            part = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
            targets[rel.get("Id")] = str(PurePosixPath(part))
    parts = {}
    for sheet in book.iter():
        if _local(sheet.tag) == "sheet":
            rel_id = next((v for k, v in sheet.attrib.items() if _local(k) == "id"), None)
            if rel_id in targets:
                parts[sheet.get("name", "")] = targets[rel_id]
    return uses_1904, parts


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _check_extent(path: Path, part: str | None) -> None:
    """Refuse a sheet whose used area (as calamine would hold it) exceeds XLSX_MAX_CELLS.

    Scans the cell references of the sheet's XML, streamed, without parsing it.
    """
    try:
        with zipfile.ZipFile(path) as archive:
            members = (
                [part]
                if part in archive.namelist()
                else [n for n in archive.namelist() if n.startswith("xl/worksheets/")]
            )
            rows, columns = 0, 0
            for member in members:
                found_rows, found_columns = _used_extent(archive, member)
                rows, columns = max(rows, found_rows), max(columns, found_columns)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, EOFError) as exc:
        raise _unopenable(exc) from None
    if rows * columns > XLSX_MAX_CELLS:
        raise UnreadableFile(
            f"a sheet whose cells reach row {rows:,}, column {_column_letters(columns)}",
            f"a sheet of at most {XLSX_MAX_CELLS:,} cells from A1 to its last filled cell "
            f"(clear cells far below or right of the table); {_LIMIT_ADVICE}",
        )


def _used_extent(archive: zipfile.ZipFile, member: str) -> tuple[int, int]:
    """The last row and column (1-based) of cells with content in one sheet part."""
    max_row, letters = 0, set()
    tail = b""
    with archive.open(member) as stream:
        while chunk := stream.read(_CHUNK):
            data = tail + chunk
            cut = data.rfind(b"<")  # a tag cut by the chunk's end is scanned with the next
            data, tail = (data[:cut], data[cut:]) if cut > 0 else (data, b"")
            found = _CELL.findall(data)
            if found:
                columns, rows = zip(*found, strict=True)
                letters.update(columns)
                longest = max(map(len, rows))
                max_row = max(max_row, int(max(r for r in rows if len(r) == longest)))
            if len(tail) > 4096:  # no tag is that long: junk, drop it
                tail = b""
    for column, row in _CELL.findall(tail):
        letters.add(column)
        max_row = max(max_row, int(row))
    return max_row, max((_column_number(c) for c in letters), default=0)


def _column_number(letters: bytes) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + letter - 64
    return number


def _column_letters(number: int) -> str:
    letters = ""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters or "A"


def sheet_names(path: Path) -> list[str]:
    return list(_open(path).sheet_names)


def read_sheet(path: Path, sheet: str, table: str, label: str, header_kind: HeaderKind) -> RawTable:
    """Read one sheet; the header is found among its first rows (titles above are skipped)."""
    workbook = _open(path)
    uses_1904, parts = _workbook_facts(path)
    _check_extent(path, parts.get(sheet))
    epoch = _MAC_EPOCH if uses_1904 else _EXCEL_EPOCH
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
    picked = pick_header_row(window, header_kind) or 0
    above = rows_above_header(window, picked, header_kind)
    problems = above_header_problems(label, window, above, first + 1)  # grid index 0 is row 1
    header_index = first + picked
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
                _apply_number_format(v, shown[i])
                if isinstance(v, float)
                else _cell_text(v, kind, epoch)
                for i, v in enumerate(values)
            ]
        else:
            texts = [_cell_text(v, kind, epoch) for v in values]
        cells.append(pd.Series(texts, dtype="str"))
    return RawTable(
        table=table,
        label=label,
        path=path,
        headers=headers,
        cells=cells,
        rows=rows,
        problems=problems,
        dropped_rows=len(problems),
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


def _cell_text(value: Any, kind: Kind | None, epoch: dt.datetime = _EXCEL_EPOCH) -> str | None:
    """The text of one cell, as the column's kind wants to read it."""
    if _is_blank(value):
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int | float):
        if kind in _DATE_KINDS:
            return _serial_to_text(float(value), epoch)
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


def _serial_to_text(serial: float, epoch: dt.datetime = _EXCEL_EPOCH) -> str:
    """An Excel serial date (days since ``epoch``, fraction = time of day) as ISO text.

    Calamine already honours the 1904 date system for date cells; plain numbers
    in a date column are serials in the workbook's system, hence ``epoch``.
    """
    if not math.isfinite(serial) or not 0 < serial < 2958466:  # up to 9999-12-31
        return repr(serial)
    moment = epoch + dt.timedelta(seconds=round(serial * 86400))
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
        return _read_formats(openpyxl, path, sheet, columns, first_row, count, formats)
    except Exception:  # openpyxl raises many types (zip, XML, KeyError) on a damaged file
        return formats  # calamine could read it; fall back to plain numbers


def _read_formats(
    openpyxl: Any,
    path: Path,
    sheet: str,
    columns: list[int],
    first_row: int,
    count: int,
    formats: dict[int, list[str]],
) -> dict[int, list[str]]:
    workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
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
