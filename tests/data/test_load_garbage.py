"""Garbage in any cell never crashes the loader: only ReportgenError comes out."""

from __future__ import annotations

import contextlib
import csv
import io
import tempfile
from pathlib import Path

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reportgen.data.load import load_source
from reportgen.data.schema import SCHEMA
from reportgen.data.validate_cells import convert_column
from reportgen.errors import ReportgenError

# Text that looks almost right is the dangerous kind: digits, separators,
# date words, currency signs, full-width forms, plus anything at all.
_NEAR_MISS = st.text(
    alphabet=st.sampled_from(list("0123456789-/.:, T年月日时分秒¥￥$元+eE０１２３４５６７８９")),
    max_size=24,
)
CELLS = st.one_of(_NEAR_MISS, st.text(max_size=12), st.just(""), st.sampled_from(["NaN", "inf"]))
COLUMNS = [column for table in SCHEMA.values() for column in table.columns]


@settings(max_examples=200, deadline=None)
@given(index=st.integers(0, len(COLUMNS) - 1), cells=st.lists(CELLS, min_size=1, max_size=8))
def test_any_cells_convert_or_are_reported(index: int, cells: list[str]) -> None:
    column = COLUMNS[index]
    series = pd.Series([c.strip() or None for c in cells], dtype="str")
    converted = convert_column(series, column, {})
    assert len(converted.values) == len(cells)
    # A cell is either read or reported; a read cell has a value unless blank.
    bad = converted.bad
    values_missing = converted.values.isna().to_numpy()
    blank = series.isna().to_numpy()
    assert not (values_missing & ~bad & ~blank).any()


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    table=st.sampled_from(["accounts", "contacts", "payments"]),
    rows=st.lists(st.lists(CELLS, min_size=1, max_size=9), min_size=1, max_size=5),
)
def test_garbage_files_raise_only_reportgen_errors(table: str, rows: list[list[str]]) -> None:
    header = list(SCHEMA[table].names)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(rows)
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        (root / "collectors.csv").write_text("collector_id,name,team_id\nC1,A,T\n", "utf-8")
        if table != "accounts":
            (root / "accounts.csv").write_text(
                "month,account_id,collector_id,dpd,balance\n", "utf-8"
            )
        (root / f"{table}.csv").write_text(buffer.getvalue(), "utf-8")
        with contextlib.suppress(ReportgenError):
            load_source(root)
        with contextlib.suppress(ReportgenError):
            load_source(root, skip_bad_rows=True)


EXCEL_CELLS = st.one_of(
    st.none(),
    st.integers(-(10**17), 10**17),
    st.floats(allow_nan=False, allow_infinity=False),
    st.dates(),
    st.datetimes(),
    st.booleans(),
    st.text(alphabet=st.characters(categories=["L", "N", "P", "Zs"]), max_size=10),
    _NEAR_MISS,
)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    table=st.sampled_from(["accounts", "contacts", "complaints"]),
    rows=st.lists(st.lists(EXCEL_CELLS, min_size=1, max_size=9), min_size=1, max_size=4),
    number_format=st.sampled_from(["General", "000000", '"C"000', "0.00", "yyyy-mm-dd", "@"]),
)
def test_garbage_workbooks_raise_only_reportgen_errors(
    table: str, rows: list[list[object]], number_format: str
) -> None:
    import openpyxl

    workbook = openpyxl.Workbook()
    roster = workbook.active
    roster.title = "collectors"
    roster.append(["collector_id", "name", "team_id"])
    roster.append(["C1", "A", "T"])
    if table != "accounts":
        workbook.create_sheet("accounts").append(list(SCHEMA["accounts"].names))
    sheet = workbook.create_sheet(table)
    sheet.append(list(SCHEMA[table].names))
    for row in rows:
        sheet.append(row)
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            cell.number_format = number_format
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "book.xlsx"
        workbook.save(path)
        with contextlib.suppress(ReportgenError):
            load_source(path)
        with contextlib.suppress(ReportgenError):
            load_source(path, skip_bad_rows=True)
