"""Impossible dates are problems, never rolled into the next month; a contact needs its time."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from reportgen.data.load import load_source
from reportgen.data.schema import SCHEMA
from reportgen.data.validate_cells import convert_column
from reportgen.errors import DataError, Problem

DATE_EXPECTED = "a date such as 2024-09-30, 2024/9/30 or 2024年9月30日"
DATETIME_EXPECTED = "a date and time such as 2024-09-30 14:05:00"

# Every form the fast paths read (ISO cast, each strptime format) and the
# forgiving parser reads, each with a day, hour, minute or second out of range.
IMPOSSIBLE_DATES = [
    "2024-09-31",
    "2024/2/30",
    "2023-02-29",
    "2024.9.31",
    "2024-9-31",
    "2024/09/31",
    "2024-13-01",
    "2024/0/10",
    "2024-09-00",
    "20240931",
    "2024年9月31日",
]
IMPOSSIBLE_DATETIMES = [
    "2024-09-31 10:00",
    "2024/9/31 10:00",
    "2024-09-31T10:00",
    "2024/9/31 10:00:00",
    "2024-09-31 10:00:00",
    "2024-09-31T10:00:00",
    "2024.9.31 10:00",
    "2023-02-29 09:15",
    "2024年9月31日 10:00",
    "2024-09-30 24:00",
    "2024/9/30 10:60",
    "2024/9/30 10:00:60",
    "2024-09-30 10:00:61",
]


def _convert(table: str, column: str, texts: list[str]):
    series = pd.Series(texts, dtype="str")
    return convert_column(series, SCHEMA[table].column(column), {})  # type: ignore[arg-type]


@pytest.mark.parametrize("text", IMPOSSIBLE_DATES)
@pytest.mark.parametrize(
    ("table", "column"),
    [
        ("payments", "paid_on"),
        ("contacts", "promise_date"),
        ("collectors", "hired_on"),
        ("complaints", "received_on"),
        ("arrangements", "created_on"),
    ],
)
def test_an_impossible_date_is_reported_not_rolled_over(table: str, column: str, text: str):
    # Alone, and among good dates (which send the column down another path).
    for texts in ([text], ["2024-09-30", text, "2024/9/30"]):
        converted = _convert(table, column, texts)
        bad = converted.bad
        assert bad.tolist() == [t == text for t in texts], (text, texts)
        assert pd.isna(converted.values[texts.index(text)])
        [issue] = converted.issues
        assert issue.expected == DATE_EXPECTED


@pytest.mark.parametrize("text", IMPOSSIBLE_DATETIMES)
def test_an_impossible_datetime_is_reported_not_rolled_over(text: str) -> None:
    for texts in ([text], ["2024-09-30 14:05:00", text, "2024/9/30 14:05"]):
        converted = _convert("contacts", "contacted_at", texts)
        assert converted.bad.tolist() == [t == text for t in texts], (text, texts)
        [issue] = converted.issues
        assert issue.expected == DATETIME_EXPECTED


@pytest.mark.parametrize("text", IMPOSSIBLE_DATETIMES)
def test_a_date_column_rejects_an_impossible_datetime_too(text: str) -> None:
    converted = _convert("payments", "paid_on", ["2024-09-30", text])
    assert converted.bad.tolist() == [False, True]


def test_possible_dates_in_every_form_still_load() -> None:
    texts = [
        "2024-02-29",
        "2024/2/29",
        "2024.2.29",
        "2024-2-9",
        "2024/12/31",
        "2024-09-30 23:59:59",
        "2024/9/30 0:00",
        "20240229",
        "2024年2月29日",
    ]
    converted = _convert("payments", "paid_on", texts)
    assert converted.issues == []
    assert converted.values.tolist() == [
        pd.Timestamp(day)
        for day in (
            "2024-02-29",
            "2024-02-29",
            "2024-02-29",
            "2024-02-09",
            "2024-12-31",
            "2024-09-30",
            "2024-09-30",
            "2024-02-29",
            "2024-02-29",
        )
    ]


def test_possible_datetimes_in_every_form_still_load() -> None:
    texts = [
        "2024-09-30 14:05:00",
        "2024-09-30T14:05:00",
        "2024-09-30 14:05",
        "2024-09-30T14:05",
        "2024/9/30 14:05",
        "2024/9/30 14:05:07",
        "2024.9.30 9:05",
        "2024年9月30日 14时05分",
        "2024-02-29 23:59:59",
    ]
    converted = _convert("contacts", "contacted_at", texts)
    assert converted.issues == []
    assert converted.values.tolist() == [
        pd.Timestamp(moment)
        for moment in (
            "2024-09-30 14:05:00",
            "2024-09-30 14:05:00",
            "2024-09-30 14:05:00",
            "2024-09-30 14:05:00",
            "2024-09-30 14:05:00",
            "2024-09-30 14:05:07",
            "2024-09-30 09:05:00",
            "2024-09-30 14:05:00",
            "2024-02-29 23:59:59",
        )
    ]


# --- whole files: the problem names file, row, column, value, expectation ------


@pytest.fixture
def source(tmp_path: Path, make_canonical) -> Path:
    return make_canonical(tmp_path / "src")


def problems(folder: Path) -> list[Problem]:
    with pytest.raises(DataError) as caught:
        load_source(folder)
    return caught.value.problems


def test_impossible_paid_on_dates_are_problems(source: Path) -> None:
    (source / "payments.csv").write_text(
        "paid_on,account_id,collector_id,amount\n"
        "2024-09-31,000123,C001,1\n"
        "2024/2/30,000123,C001,1\n"
        "2023-02-29,000123,C001,1\n"
        "2024-09-30,000123,C001,1\n",
        "utf-8",
    )
    assert problems(source) == [
        Problem("payments.csv", 2, "paid_on", "'2024-09-31'", DATE_EXPECTED),
        Problem("payments.csv", 3, "paid_on", "'2024/2/30'", DATE_EXPECTED),
        Problem("payments.csv", 4, "paid_on", "'2023-02-29'", DATE_EXPECTED),
    ]


def test_impossible_contacted_at_and_promise_date_are_problems(source: Path) -> None:
    (source / "contacts.csv").write_text(
        "contacted_at,account_id,collector_id,channel,outcome,promise_date\n"
        "2024-09-31 10:00,000123,C001,call,sent,\n"
        "2024/9/31 10:00,000123,C001,call,sent,\n"
        "2024-09-02 10:00,000123,C001,call,promise,2024.9.31\n",
        "utf-8",
    )
    assert problems(source) == [
        Problem("contacts.csv", 2, "contacted_at", "'2024-09-31 10:00'", DATETIME_EXPECTED),
        Problem("contacts.csv", 3, "contacted_at", "'2024/9/31 10:00'", DATETIME_EXPECTED),
        Problem("contacts.csv", 4, "promise_date", "'2024.9.31'", DATE_EXPECTED),
    ]


def test_impossible_dates_in_the_other_tables_are_problems(source: Path) -> None:
    (source / "collectors.csv").write_text(
        "collector_id,name,team_id,hired_on\nC001,a,T01,2021/2/29\nC002,b,T01,\n007,c,T02,\n",
        "utf-8",
    )
    (source / "arrangements.csv").write_text(
        "created_on,account_id,collector_id,kind,amount\n2024.6.31,000124,C002,installment,1\n",
        "utf-8",
    )
    (source / "complaints.csv").write_text("received_on,collector_id\n2024-04-31,C002\n", "utf-8")
    assert problems(source) == [
        Problem("collectors.csv", 2, "hired_on", "'2021/2/29'", DATE_EXPECTED),
        Problem("arrangements.csv", 2, "created_on", "'2024.6.31'", DATE_EXPECTED),
        Problem("complaints.csv", 2, "received_on", "'2024-04-31'", DATE_EXPECTED),
    ]


# --- contacted_at: a date alone is not a contact time ---------------------------

DATE_ALONE = "a date and time such as 2024-09-30 14:05:00, not a date alone"


@pytest.mark.parametrize(
    "text", ["2024-09-30", "20240930", "2024/9/30", "2024.9.30", "2024-9-30", "2024年9月30日"]
)
def test_a_contact_time_without_the_time_is_a_problem(text: str) -> None:
    for texts in ([text], ["2024-09-30 14:05:00", text], ["2024/9/30 14:05", text]):
        converted = _convert("contacts", "contacted_at", texts)
        assert converted.bad.tolist() == [t == text for t in texts], (text, texts)
        [issue] = converted.issues
        assert issue.expected == DATE_ALONE
        assert pd.isna(converted.values[texts.index(text)])


def test_contacts_dated_without_a_time_are_problems_in_the_file(source: Path) -> None:
    (source / "contacts.csv").write_text(
        "contacted_at,account_id,collector_id,channel,outcome\n"
        "2024-09-30,000123,C001,call,sent\n"
        "20240930,000123,C001,call,sent\n"
        "2024/9/30,000123,C001,call,sent\n"
        "2024/9/30 0:00,000123,C001,call,sent\n",
        "utf-8",
    )
    assert problems(source) == [
        Problem("contacts.csv", 2, "contacted_at", "'2024-09-30'", DATE_ALONE),
        Problem("contacts.csv", 3, "contacted_at", "'20240930'", DATE_ALONE),
        Problem("contacts.csv", 4, "contacted_at", "'2024/9/30'", DATE_ALONE),
    ]


def test_an_excel_date_time_cell_at_midnight_is_still_a_contact_time(
    tmp_path: Path, make_workbook
) -> None:
    path = make_workbook(tmp_path / "book.xlsx")
    workbook = openpyxl.load_workbook(path)
    sheet = workbook["contacts"]
    sheet["A2"] = dt.datetime(2024, 9, 2, 0, 0)  # a real date-time cell: kept as is
    sheet["A3"] = "2024-09-02"  # text: a date alone
    workbook.save(path)
    with pytest.raises(DataError) as caught:
        load_source(path)
    assert caught.value.problems == [
        Problem("book.xlsx (sheet contacts)", 3, "contacted_at", "'2024-09-02'", DATE_ALONE)
    ]
    sheet["A3"] = dt.date(2024, 9, 2)  # a date cell
    workbook.save(path)
    contacts = load_source(path).contacts
    assert contacts is not None
    assert contacts["contacted_at"][:2].tolist() == [pd.Timestamp("2024-09-02")] * 2


def test_a_date_column_still_takes_a_date_alone() -> None:
    converted = _convert("contacts", "promise_date", ["2024-09-30", "20240930", "2024/9/30"])
    assert converted.issues == []
    assert converted.values.tolist() == [pd.Timestamp("2024-09-30")] * 3
