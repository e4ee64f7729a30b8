"""Bad input: every problem named by file, row and column, all of them at once."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from reportgen.data.load import load_source
from reportgen.errors import DataError, Problem


@pytest.fixture
def source(tmp_path: Path, make_canonical) -> Path:
    """A valid canonical source; tests overwrite one table with bad rows."""
    return make_canonical(tmp_path / "src")


def problems(folder: Path, **options) -> list[Problem]:
    with pytest.raises(DataError) as caught:
        load_source(folder, **options)
    return caught.value.problems


def where(found: list[Problem]) -> list[tuple]:
    return [(p.file, p.row, p.column) for p in found]


def test_missing_required_table(source: Path) -> None:
    (source / "accounts.csv").unlink()
    [problem] = problems(source)
    assert (problem.file, problem.row, problem.column) == ("src", None, None)
    assert "no accounts table" in problem.found


def test_missing_required_column(source: Path) -> None:
    (source / "accounts.csv").write_text("month,account_id,collector_id,balance\n", "utf-8")
    [problem] = problems(source)
    assert where([problem]) == [("accounts.csv", None, "dpd")]
    assert "逾期天数" in problem.expected  # the message suggests the Chinese header too


def test_missing_column_names_chinese_header_as_user_wrote_it(source: Path) -> None:
    (source / "accounts.csv").unlink()
    (source / "账户.csv").write_bytes(
        "月份,客户编号,催收员,逾期天数,欠款金额\n2024-09,1,C001,abc,5\n".encode("gbk")
    )
    [problem] = problems(source)
    assert where([problem]) == [("账户.csv", 2, "逾期天数")]
    assert problem.found == "'abc'"


def test_unreadable_values_are_all_listed_with_row_and_column(source: Path) -> None:
    (source / "contacts.csv").write_text(
        "contacted_at,account_id,collector_id,channel,outcome,duration_s,promise_amount\n"
        "2024-09-02 09:15:00,000123,C001,call,sent,12,\n"
        "2024-02-30 10:00:00,000123,C001,call,sent,abc,1.2.3\n"
        "yesterday,000123,C001,call,sent,-5,\n",
        "utf-8",
    )
    found = problems(source)
    assert where(found) == [
        ("contacts.csv", 3, "contacted_at"),
        ("contacts.csv", 3, "duration_s"),
        ("contacts.csv", 3, "promise_amount"),
        ("contacts.csv", 4, "contacted_at"),
        ("contacts.csv", 4, "duration_s"),
    ]
    assert found[0].found == "'2024-02-30 10:00:00'"
    assert "date and time" in found[0].expected
    assert found[4].expected == "a number ≥ 0"


def test_value_not_allowed(source: Path) -> None:
    (source / "contacts.csv").write_text(
        "contacted_at,account_id,collector_id,channel,outcome\n"
        "2024-09-02 09:15:00,000123,C001,fax,maybe\n",
        "utf-8",
    )
    found = problems(source)
    assert where(found) == [("contacts.csv", 2, "channel"), ("contacts.csv", 2, "outcome")]
    assert found[0].found == "'fax'"
    assert found[0].expected.startswith("one of call, sms, letter")


def test_negative_and_zero_amounts(source: Path) -> None:
    (source / "accounts.csv").write_text(
        "month,account_id,collector_id,dpd,balance\n2024-09,1,C001,3,-0.01\n", "utf-8"
    )
    (source / "payments.csv").write_text(
        "paid_on,account_id,collector_id,amount\n2024-09-05,1,C001,0\n2024-09-05,1,C001,-1\n",
        "utf-8",
    )
    found = problems(source)
    assert where(found) == [
        ("accounts.csv", 2, "balance"),
        ("payments.csv", 2, "amount"),
        ("payments.csv", 3, "amount"),
    ]
    assert found[0].expected == "an amount ≥ 0"
    assert found[1].expected == "an amount above 0"


def test_dpd_must_be_a_whole_number_not_below_zero(source: Path) -> None:
    (source / "accounts.csv").write_text(
        "month,account_id,collector_id,dpd,balance\n"
        "2024-09,1,C001,4.5,1\n2024-09,2,C001,-1,1\n2024-09,3,C001,30.0,1\n",
        "utf-8",
    )
    found = problems(source)
    assert where(found) == [("accounts.csv", 2, "dpd"), ("accounts.csv", 3, "dpd")]
    assert [p.expected for p in found] == ["a whole number", "a whole number ≥ 0"]


def test_blank_required_cell(source: Path) -> None:
    (source / "accounts.csv").write_text(
        "month,account_id,collector_id,dpd,balance\n2024-09, ,C001,3,1\n", "utf-8"
    )
    [problem] = problems(source)
    assert where([problem]) == [("accounts.csv", 2, "account_id")]
    assert problem.found == "a blank cell"


def test_promise_without_date_and_before_the_contact(source: Path) -> None:
    (source / "contacts.csv").write_text(
        "contacted_at,account_id,collector_id,channel,outcome,promise_date\n"
        "2024-09-02 09:15:00,000123,C001,call,promise,\n"
        "2024-09-02 09:15:00,000123,C001,call,promise,2024-09-01\n"
        "2024-09-02 23:15:00,000123,C001,call,promise,2024-09-02\n",
        "utf-8",
    )
    found = problems(source)
    assert where(found) == [
        ("contacts.csv", 2, "promise_date"),
        ("contacts.csv", 3, "promise_date"),
    ]
    assert "2024-09-01, before the contact on 2024-09-02" in found[1].found


def test_promises_without_a_promise_date_column(source: Path) -> None:
    (source / "contacts.csv").write_text(
        "contacted_at,account_id,collector_id,channel,outcome\n"
        "2024-09-02 09:15:00,000123,C001,call,promise\n",
        "utf-8",
    )
    [problem] = problems(source, skip_bad_rows=True)  # cannot be skipped
    assert where([problem]) == [("contacts.csv", None, "promise_date")]


def test_duplicate_account_in_one_months_snapshot(source: Path) -> None:
    (source / "accounts.csv").write_text(
        "month,account_id,collector_id,dpd,balance\n"
        "2024-09,000123,C001,3,1\n"
        "2024-08,000123,C001,3,1\n"
        "2024/9,000123,C002,5,1\n",  # the same month written differently
        "utf-8",
    )
    [problem] = problems(source)
    assert where([problem]) == [("accounts.csv", 4, "account_id")]
    assert problem.found == "'000123' again for month 2024-09 (first at row 2)"


def test_duplicate_collector_on_the_roster_cannot_be_skipped(source: Path) -> None:
    (source / "collectors.csv").write_text(
        "collector_id,name,team_id\nC001,A,T01\nC002,B,T01\nC001,C,T02\n007,D,T02\n", "utf-8"
    )
    [problem] = problems(source, skip_bad_rows=True)
    assert where([problem]) == [("collectors.csv", 4, "collector_id")]
    assert problem.found == "'C001' again (first at row 2)"


def test_collector_not_on_the_roster_in_any_table(source: Path) -> None:
    (source / "payments.csv").write_text(
        "paid_on,account_id,collector_id,amount\n2024-09-05,1,C001,1\n2024-09-05,1,C404,1\n",
        "utf-8",
    )
    (source / "complaints.csv").write_text("received_on,collector_id\n2024-09-05,C405\n", "utf-8")
    found = problems(source)
    assert where(found) == [
        ("payments.csv", 3, "collector_id"),
        ("complaints.csv", 2, "collector_id"),
    ]
    assert found[0].expected == "a collector_id listed in collectors.csv"


def test_row_with_too_many_cells(source: Path) -> None:
    (source / "payments.csv").write_text(
        "paid_on,account_id,collector_id,amount\n"
        "2024-09-05,1,C001,1\n2024-09-05,1,C001,1,234.50\n2024-09-06,2,C002,x\n",
        "utf-8",
    )
    found = problems(source)
    assert where(found) == [("payments.csv", 3, None), ("payments.csv", 4, "amount")]
    assert found[0].found == "5 cells"


def test_two_files_for_one_table(source: Path) -> None:
    (source / "账户.csv").write_text((source / "accounts.csv").read_text("utf-8"), "utf-8")
    [problem] = problems(source)
    assert problem.file == "账户.csv" and "accounts.csv" in problem.found
    assert "accounts.csv" in problem.expected and "账户.csv" in problem.expected


def test_two_headers_for_one_column(source: Path) -> None:
    (source / "accounts.csv").write_text(
        "month,account_id,卡号,collector_id,dpd,balance\n2024-09,1,1,C001,3,1\n", "utf-8"
    )
    [problem] = problems(source)
    assert where([problem]) == [("accounts.csv", None, "卡号")]


def test_unsupported_format_and_single_file_source(source: Path) -> None:
    (source / "contacts.xls").write_bytes(b"not really")
    [problem] = problems(source)
    assert problem.file == "contacts.xls"
    [problem] = problems(source / "accounts.csv")
    assert "a folder" in problem.expected


def test_empty_file(source: Path) -> None:
    (source / "complaints.csv").write_bytes(b"")
    [problem] = problems(source)
    assert (problem.file, problem.found) == ("complaints.csv", "an empty file")


def test_a_problem_in_an_xlsx_names_the_sheet_and_spreadsheet_row(tmp_path: Path, make_workbook):
    path = make_workbook(tmp_path / "book.xlsx")
    workbook = openpyxl.load_workbook(path)
    workbook["accounts"].insert_rows(1, amount=2)  # a blank band above the header
    workbook["accounts"]["D6"] = "soon"  # the 3rd data row: header is now row 3
    workbook["accounts"].title = "账户"
    workbook.save(path)
    [problem] = problems(path)
    assert where([problem]) == [("book.xlsx (sheet 账户)", 6, "dpd")]


def test_listing_is_capped_per_file_and_says_how_many_more(source: Path) -> None:
    rows = "".join(f"2024-09,{i},C001,x,1\n" for i in range(60))
    (source / "accounts.csv").write_text("month,account_id,collector_id,dpd,balance\n" + rows)
    with pytest.raises(DataError) as caught:
        load_source(source)
    assert len(caught.value.problems) == 60
    assert "... and 10 more problem(s) in accounts.csv" in str(caught.value)


def test_skip_bad_rows_drops_them_and_counts_per_file(source: Path) -> None:
    (source / "collectors.csv").write_text(
        "collector_id,name,team_id,hired_on\nC001,A,T01,\nC002,B,T01,someday\n007,C,T02,\n",
        "utf-8",
    )
    (source / "accounts.csv").write_text(
        "month,account_id,collector_id,dpd,balance\n"
        "2024-09,1,C001,3,1\n"
        "2024-09,2,C002,3,1\n"  # C002's roster row is dropped, so this row goes too
        "2024-09,3,C001,x,1\n"
        "2024-09,1,C001,4,1\n"  # a duplicate: the first row is kept
        "2024-09,4,007,3,1,9\n",  # ragged
        "utf-8",
    )
    dataset = load_source(source, skip_bad_rows=True)
    # Every other table loses its C002 rows (one each, two contacts) with the roster row.
    assert dataset.skipped_rows == {
        "collectors.csv": 1,
        "accounts.csv": 4,
        "contacts.csv": 2,
        "payments.csv": 1,
        "arrangements.csv": 1,
        "complaints.csv": 1,
    }
    assert dataset.collectors["collector_id"].tolist() == ["C001", "007"]
    assert dataset.accounts["account_id"].tolist() == ["1"]
    assert dataset.accounts["dpd"].tolist() == [3]
    assert dataset.accounts["dpd"].dtype == "int64"
    assert dataset.contacts["collector_id"].tolist() == ["C001", "007"]


def test_blank_rows_are_neither_errors_nor_skipped(source: Path) -> None:
    (source / "arrangements.csv").write_text(
        "created_on,account_id,collector_id,kind,amount\n,,,,\n2024-09-03,1,C001,分期,5\n ,  ,,,\n",
        "utf-8",
    )
    dataset = load_source(source)
    assert dataset.arrangements["kind"].tolist() == ["installment"]
    assert dataset.skipped_rows == {}


def test_arrangement_kind_payment_channel_and_installments(source: Path) -> None:
    (source / "arrangements.csv").write_text(
        "created_on,account_id,collector_id,kind,amount,installments\n"
        "2024-09-03,1,C001,lease,5,0\n",
        "utf-8",
    )
    (source / "payments.csv").write_text(
        "paid_on,account_id,collector_id,amount,channel\n2024-09-05,1,C001,1,pigeon\n", "utf-8"
    )
    found = problems(source)
    assert where(found) == [
        ("payments.csv", 2, "channel"),
        ("arrangements.csv", 2, "kind"),
        ("arrangements.csv", 2, "installments"),
    ]
    assert found[0].expected.endswith("agency, legal, self, other")
    assert found[2].expected == "a whole number ≥ 1"


def test_a_file_bad_on_every_row_is_counted_not_worded_in_full(source: Path) -> None:
    rows = "".join(f"2024-09,{i},C001,x,{'-1' if i % 12 == 0 else '1'}\n" for i in range(1200))
    (source / "accounts.csv").write_text("month,account_id,collector_id,dpd,balance\n" + rows)
    with pytest.raises(DataError) as caught:
        load_source(source)
    message = str(caught.value)
    # 1,200 bad dpd cells and 100 negative balances; 1,000 worded, 50 shown.
    assert message.startswith("1300 problem(s) found in the data source:\n")
    assert "accounts.csv: 1300 problem(s)\n" in message
    assert message.endswith("  ... and 1250 more problem(s) in accounts.csv")
    assert len(caught.value.problems) == 1000


def test_title_rows_above_the_header_are_skipped_and_rows_still_count(
    source: Path, tmp_path: Path, make_workbook
) -> None:
    # CSV: a title and a note above the header (Excel pads them with commas).
    (source / "accounts.csv").unlink()
    (source / "账户.csv").write_bytes(
        (
            "2024年9月逾期账户快照,,,,\n"
            "导出时间：2024-10-01,,,,\n"
            "月份,客户编号,催收员,逾期天数,欠款金额\n"
            "2024-09,000123,C001,15,1234.50\n"
            "2024-09,000124,C002,x,1\n"
        ).encode("gbk")
    )
    [problem] = problems(source)
    assert where([problem]) == [("账户.csv", 5, "逾期天数")]

    # XLSX: a merged-looking title in row 1, the header in row 3.
    path = make_workbook(tmp_path / "book.xlsx")
    workbook = openpyxl.load_workbook(path)
    sheet = workbook["accounts"]
    sheet.insert_rows(1, amount=2)
    sheet["A1"] = "2024年9月逾期账户快照"
    sheet["D5"] = "soon"  # the 2nd data row
    workbook.save(path)
    [problem] = problems(path)
    assert where([problem]) == [("book.xlsx (sheet accounts)", 5, "dpd")]
