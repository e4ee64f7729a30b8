"""Hostile data files: no silent wrong number, no crash, one clear error naming the place.

One section per root cause found in loading: number forms, currencies, rows
above or repeating the header, Excel's 1904 date system, time zones, huge
amounts, damaged files, and files that explode when read.
"""

from __future__ import annotations

import datetime as dt
import gzip
import os
import zipfile
from pathlib import Path

import openpyxl
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from hostile.corpus import (
    assert_clean_failure,
    read_rows,
    run,
    spoil_cell,
    spoil_rows,
    tiny_source,
    write_rows,
)
from metrics.metrics_builders import cents, make_dataset
from reportgen.config import Config, Organisation
from reportgen.data import read_csv, read_xlsx
from reportgen.data.load import load_source
from reportgen.errors import DataError
from reportgen.metrics import MetricsEngine
from reportgen.scope import Scope


@pytest.fixture
def source(tmp_path: Path) -> Path:
    return tiny_source(tmp_path / "data")


def _config(tmp_path: Path, **organisation: str) -> Path:
    path = tmp_path / "reportgen.toml"
    lines = ["[organisation]"] + [f'{key} = "{value}"' for key, value in organisation.items()]
    path.write_text("\n".join(lines) + "\n", "utf-8")
    return path


# --- 1. numbers: only the documented forms ------------------------------------


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("balance", "1972,40"),  # a decimal comma: was read as 197,240.00
        ("balance", "1.972,40"),  # European grouping: was read as 1.97
        ("balance", "1,97"),  # a group of two
        ("balance", "0,50"),
        ("dpd", "1,5"),  # was read as 15
        ("dpd", "1.5"),
    ],
)
def test_ambiguous_numbers_are_errors_naming_the_cell(source: Path, column: str, value: str):
    spoil_cell(source, "accounts", 3, column, value)
    assert_clean_failure(run("validate", source), "accounts.csv, row 5", column, f"'{value}'")


def test_documented_number_forms_give_the_same_amounts(source: Path, tmp_path: Path):
    plain = load_source(source).accounts

    def dress(rows: list[list[str]]) -> list[list[str]]:
        at = rows[0].index("balance")
        forms = ["¥{:,.2f}", "{:,.2f} 元", "RMB {:,.2f}", "￥{:,.2f}", "{:,.2f}"]
        width = str.maketrans("0123456789.,", "０１２３４５６７８９．，")
        for i, row in enumerate(rows[1:]):
            text = forms[i % len(forms)].format(float(row[at]))
            row[at] = text.translate(width) if i % 7 == 0 else text
        return rows

    spoil_rows(source, "accounts", dress)
    dressed = load_source(source).accounts
    assert dressed["balance"].tolist() == plain["balance"].tolist()


# --- 2. currencies: only the configured one ----------------------------------


@pytest.mark.parametrize("value", ["$100", "€100", "£100", "NT$3,913", "US$5", "HK$5", "100 USD"])
def test_other_currencies_are_errors(source: Path, value: str):
    spoil_cell(source, "payments", 0, "amount", value)
    result = run("validate", source)
    assert_clean_failure(
        result, "payments.csv, row 2", "amount", f"'{value}'", "[organisation] currency"
    )


def test_a_configured_currency_accepts_its_markers_and_refuses_yuan(source: Path, tmp_path: Path):
    spoil_cell(source, "payments", 0, "amount", "US$1,000.50")
    config = _config(tmp_path, currency="USD")
    assert run("validate", source, "--config", config).exit_code == 0
    spoil_cell(source, "payments", 1, "amount", "¥100")
    assert_clean_failure(
        run("validate", source, "--config", config), "payments.csv, row 3", "'¥100'", "USD"
    )


# --- 3. rows above the header, and a header repeated in the data -----------------


def test_a_second_header_above_the_real_one_is_an_error(source: Path):
    # An English header naming some columns above the full one: it used to vanish.
    spoil_rows(source, "collectors", lambda rows: [["collector_id", "name"]] + rows)
    assert_clean_failure(run("validate", source), "collectors.csv, row 1", "above the header")


def test_data_above_the_header_is_an_error(source: Path):
    def data_first(rows: list[list[str]]) -> list[list[str]]:
        return [rows[1], rows[0], *rows[2:]]

    spoil_rows(source, "collectors", data_first)
    assert_clean_failure(run("validate", source), "collectors.csv, row 1")


def test_a_title_above_the_header_is_still_fine(source: Path):
    spoil_rows(source, "collectors", lambda rows: [["2024年12月催收员名单"], [""]] + rows)
    assert run("validate", source).exit_code == 0


def test_a_header_repeated_in_the_data_is_an_error(source: Path):
    spoil_rows(source, "collectors", lambda rows: rows[:2] + [rows[0]] + rows[2:])
    assert_clean_failure(run("validate", source), "collectors.csv, row 3", "second header row")
    result = run("validate", source, "--skip-bad-rows")
    assert result.exit_code == 0
    assert "skipped 1 bad row(s) of collectors.csv" in result.output + result.stderr


# --- 4. Excel's 1904 date system --------------------------------------------------


def test_a_1904_workbook_reads_dates_and_serials_right(source: Path):
    (source / "payments.csv").unlink()
    book = openpyxl.Workbook()
    book.epoch = openpyxl.utils.datetime.CALENDAR_MAC_1904
    sheet = book.active
    sheet.title = "payments"
    sheet.append(["paid_on", "account_id", "collector_id", "amount"])
    sheet.append([dt.date(2024, 12, 5), "A00000001", "C001", 10])
    serial = (dt.date(2024, 12, 6) - dt.date(1904, 1, 1)).days  # a plain number
    sheet.append([serial, "A00000002", "C001", 20])
    sheet["A3"].number_format = "General"
    book.save(source / "payments.xlsx")
    paid = load_source(source).payments["paid_on"].tolist()
    assert paid == [pd.Timestamp("2024-12-05"), pd.Timestamp("2024-12-06")]


# --- 5. time zones ------------------------------------------------------------------


def _utc_contacts(source: Path) -> None:
    contacts = pd.read_csv(source / "contacts.csv.gz", dtype=str)
    (source / "contacts.csv.gz").unlink()
    local = pd.to_datetime(contacts["contacted_at"])
    utc = local.dt.tz_localize("Asia/Shanghai").dt.tz_convert("UTC")
    table = pa.table({**{c: contacts[c] for c in contacts if c != "contacted_at"}})
    table = table.append_column("contacted_at", pa.array(utc))
    pq.write_table(table, source / "contacts.parquet")


def test_utc_parquet_needs_a_time_zone_setting(source: Path):
    _utc_contacts(source)
    assert_clean_failure(
        run("validate", source), "contacts.parquet", "contacted_at", "[organisation] timezone"
    )


def test_utc_parquet_is_converted_to_the_configured_zone(source: Path):
    expected = load_source(source).contacts["contacted_at"]
    _utc_contacts(source)
    config = Config(organisation=Organisation(timezone="Asia/Shanghai"))
    got = load_source(source, config).contacts["contacted_at"]
    assert got.tolist() == expected.tolist()


def test_zoned_text_needs_the_setting_and_is_converted_with_it(source: Path, tmp_path: Path):
    spoil_cell(source, "payments", 0, "paid_on", "2024-12-05T20:00:00Z")
    assert_clean_failure(
        run("validate", source), "payments.csv, row 2", "paid_on", "[organisation] timezone"
    )
    config = Config(organisation=Organisation(timezone="Asia/Shanghai"))
    # 20:00 UTC is 04:00 the next day in Shanghai: that day counts.
    assert load_source(source, config).payments["paid_on"][0] == pd.Timestamp("2024-12-06")


# --- 6. huge amounts ------------------------------------------------------------------


def test_an_amount_beyond_the_maximum_is_an_error(source: Path):
    spoil_cell(source, "accounts", 0, "balance", "99999999999999999999")
    assert_clean_failure(
        run("validate", source), "accounts.csv, row 2", "balance", "1,000,000,000,000"
    )


def test_amounts_that_would_overflow_a_sum_are_an_error(source: Path):
    rows = [["paid_on", "account_id", "collector_id", "amount"]]
    rows += [["2024-12-05", f"A{i:08d}", "C001", "1000000000000"] for i in range(47_000)]
    write_rows(source / "payments.csv", rows)
    assert_clean_failure(run("validate", source), "payments.csv", "amount", "add up")


def test_money_sums_never_wrap_around():
    """Amounts that would overflow 64 bits when added stay exact (the engine sums in
    128-bit integers), even for data that did not come through the loader."""
    huge = (2**62 - 1) / 100  # in currency units
    dataset = make_dataset(
        collectors=[("C1", "Ann", "T1")],
        accounts=[("2024-08", "A1", "C1", 40, "1"), ("2024-09", "A1", "C1", 40, "1")],
        payments=[(f"2024-09-0{day}", "A1", "C1", f"{huge:.2f}") for day in (1, 2, 3)],
    )
    metrics = MetricsEngine(dataset, Config()).period_metrics("2024-09")
    recovered = metrics.for_scope(Scope.collector("C1"))["recovered_amount"]
    assert recovered == float(3 * cents(f"{huge:.2f}")) / 100 > 0


# --- 7. damaged files: one clear error -------------------------------------------------


def test_a_truncated_gzip_is_one_clear_error(source: Path):
    path = source / "contacts.csv.gz"
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    assert_clean_failure(run("validate", source), "contacts.csv.gz", "gzip")


def test_a_corrupt_gzip_is_one_clear_error(source: Path):
    path = source / "contacts.csv.gz"
    data = bytearray(path.read_bytes())
    data[len(data) // 3 : len(data) // 3 + 64] = b"\xff" * 64
    path.write_bytes(bytes(data))
    assert_clean_failure(run("validate", source), "contacts.csv.gz")


@pytest.mark.parametrize("kind", ["junk", "no-workbook-part", "truncated"])
def test_a_corrupt_workbook_is_one_clear_error(source: Path, kind: str):
    (source / "payments.csv").unlink()
    path = source / "payments.xlsx"
    if kind == "junk":
        path.write_bytes(b"PK\x03\x04" + b"\x00" * 200)
    elif kind == "no-workbook-part":
        with zipfile.ZipFile(path, "w") as archive:
            archive.writestr("[Content_Types].xml", "<Types/>")
    else:
        book = openpyxl.Workbook()
        book.active.append(["paid_on", "account_id", "collector_id", "amount"])
        book.save(path)
        path.write_bytes(path.read_bytes()[:-200])
    assert_clean_failure(run("validate", source), "payments.xlsx")


def test_parquet_with_unused_nested_and_binary_columns_loads(source: Path):
    payments = pd.read_csv(source / "payments.csv", dtype=str)
    (source / "payments.csv").unlink()
    n = len(payments)
    table = pa.table(
        {
            **{c: payments[c] for c in payments},
            "meta": pa.array([{"a": 1, "b": "x"}] * n),
            "tags": pa.array([[1, 2]] * n),
            "attrs": pa.array([[("k", "v")]] * n, pa.map_(pa.string(), pa.string())),
            "blob": pa.array([b"\xff\x00"] * n, pa.binary()),
        }
    )
    pq.write_table(table, source / "payments.parquet")
    assert run("validate", source).exit_code == 0


def test_a_used_nested_parquet_column_is_one_clear_error(source: Path):
    payments = pd.read_csv(source / "payments.csv", dtype=str)
    (source / "payments.csv").unlink()
    columns = {c: payments[c] for c in payments if c != "amount"}
    columns["amount"] = pa.array([{"value": 1}] * len(payments))
    pq.write_table(pa.table(columns), source / "payments.parquet")
    assert_clean_failure(run("validate", source), "payments.parquet", "amount")


def test_parquet_dates_beyond_pandas_range_are_cell_problems(source: Path):
    payments = pd.read_csv(source / "payments.csv", dtype=str)
    (source / "payments.csv").unlink()
    days = [dt.date(2024, 12, 5)] * len(payments)
    days[1] = dt.date(3000, 1, 1)
    moments = [dt.datetime(2024, 12, 5)] * len(payments)
    moments[2] = dt.datetime(1500, 1, 1)
    columns = {c: payments[c] for c in payments if c != "paid_on"}
    pq.write_table(pa.table({**columns, "paid_on": pa.array(days)}), source / "payments.parquet")
    assert_clean_failure(run("validate", source), "payments.parquet, row 3", "paid_on")
    table = pa.table({**columns, "paid_on": pa.array(moments, pa.timestamp("us"))})
    pq.write_table(table, source / "payments.parquet")
    assert_clean_failure(run("validate", source), "payments.parquet, row 4", "paid_on")


# --- 8. files that explode when read ------------------------------------------------------


def _accounts_workbook(path: Path) -> openpyxl.Workbook:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "accounts"
    for row in read_rows(path.parent / "accounts.csv"):
        sheet.append(row)
    return book


def test_one_far_away_cell_is_a_clear_error_not_an_abort(source: Path):
    book = _accounts_workbook(source / "accounts.xlsx")
    book.active["XFD1048576"] = 1
    (source / "accounts.csv").unlink()
    book.save(source / "accounts.xlsx")
    assert_clean_failure(run("validate", source), "accounts.xlsx", "XFD", "cells")


def test_far_away_empty_formatting_is_harmless(source: Path):
    book = _accounts_workbook(source / "accounts.xlsx")
    book.active["XFD1048576"].number_format = "0.00"  # formatted, no value
    (source / "accounts.csv").unlink()
    book.save(source / "accounts.xlsx")
    assert run("validate", source).exit_code == 0


def test_a_workbook_expanding_beyond_the_limit_is_refused(source: Path, monkeypatch):
    monkeypatch.setattr(read_xlsx, "XLSX_MAX_BYTES", 100_000)
    book = _accounts_workbook(source / "accounts.xlsx")
    book.active["A5000"] = "x" * 200_000  # highly compressible
    (source / "accounts.csv").unlink()
    book.save(source / "accounts.xlsx")
    assert_clean_failure(run("validate", source), "accounts.xlsx", "uncompressed")


def test_a_gzip_bomb_is_refused(source: Path, monkeypatch):
    monkeypatch.setattr(read_csv, "GZIP_FLOOR", 1 << 20)
    rows = read_rows(source / "payments.csv")
    text = "\n".join(",".join(r) for r in rows) + "\n" + "\n" * (30 << 20)
    (source / "payments.csv").unlink()
    (source / "payments.csv.gz").write_bytes(gzip.compress(text.encode(), 9))
    assert_clean_failure(run("validate", source), "payments.csv.gz", "expanding")


# --- ids stay text ---------------------------------------------------------------------------


def test_ids_stay_text_exactly(source: Path):
    spoil_cell(source, "accounts", 0, "account_id", "000123")
    spoil_cell(source, "accounts", 1, "account_id", "1,234")
    spoil_cell(source, "accounts", 2, "account_id", "1.5E+3")
    ids = load_source(source).accounts["account_id"].tolist()[:3]
    assert ids == ["000123", "1,234", "1.5E+3"]


def test_hostile_data_never_raises_anything_but_data_errors(source: Path):
    spoil_cell(source, "accounts", 0, "balance", "1e999")
    with pytest.raises(DataError):
        load_source(source)


# --------------------------------------------- table files that are not files


@pytest.mark.parametrize(
    ("make", "found"),
    [
        (lambda path: path.mkdir(), "a folder"),
        (lambda path: os.mkfifo(path), "a named pipe"),
        (lambda path: path.symlink_to(path.parent / "nowhere"), "a link to nothing"),
    ],
)
def test_a_table_file_that_is_not_a_regular_file_is_named_not_skipped(tmp_path, make, found):
    source = tiny_source(tmp_path / "data")
    (source / "payments.csv").unlink()
    make(source / "payments.csv")
    assert_clean_failure(run("validate", source), "payments.csv", found, "a regular file")


def test_an_id_with_a_control_character_is_a_problem_naming_the_cell(tmp_path):
    source = tiny_source(tmp_path / "data")
    spoil_cell(source, "collectors", 0, "collector_id", "C0\x1b[31m01")
    assert_clean_failure(
        run("validate", source), "collectors.csv, row 2, column collector_id", "no control"
    )


@pytest.mark.parametrize("amount", ["1377¹", "1234₅", "2⁵", "1,234.50²", "①②③", "𝟏𝟐𝟑"])
def test_a_superscript_or_styled_digit_is_a_problem_not_another_number(tmp_path, amount):
    source = tiny_source(tmp_path / "data")
    spoil_cell(source, "payments", 0, "amount", amount)
    assert_clean_failure(run("validate", source), "payments.csv, row 2, column amount", amount)


def test_full_width_digits_still_read_as_the_same_number(tmp_path):
    plain = tiny_source(tmp_path / "plain")
    wide = tiny_source(tmp_path / "wide")
    value = read_rows(plain / "payments.csv")[1][
        read_rows(plain / "payments.csv")[0].index("amount")
    ]
    spoil_cell(
        wide, "payments", 0, "amount", value.translate({c: c + 0xFEE0 for c in range(0x21, 0x7F)})
    )
    a = run("metrics", plain, "--period", "2024-10", "--all", "--format", "json").output
    b = run("metrics", wide, "--period", "2024-10", "--all", "--format", "json").output
    assert a == b


def test_a_superscript_month_in_a_period_is_refused(tmp_path):
    source = tiny_source(tmp_path / "data")
    result = run("metrics", source, "--period", "2024-1²", "--all")
    assert result.exit_code == 2 and "not a period label" in result.output


def test_a_header_repeated_in_a_table_of_account_ids_is_an_error(source: Path):
    """Account ids are looked through last, only on the rows one more header cell would
    flag: a row whose account id and one other cell repeat the header is still found."""

    def repeated(rows: list[list[str]]) -> list[list[str]]:
        header = rows[0]
        half = list(rows[1])
        for column in ("account_id", "collector_id"):
            half[header.index(column)] = column
        return rows[:5] + [half] + rows[5:]

    spoil_rows(source, "payments", repeated)
    assert_clean_failure(run("validate", source), "payments.csv, row 6", "second header row")
