"""Rows checked and converted in SQL come out exactly as the Python checks make them.

The loader hands the plain rows of a CSV chunk to DuckDB (reportgen.data.plain_rows)
and every other row to the Python checks. Whichever path a row takes, the tables,
the problems (wording, rows, order, counts) and the skipped rows must be the same:
each source here is loaded twice, with and without the SQL path, and compared.
The cells are drawn from plain values and from values next to plain that are not
(an impossible date, a space at an edge, a header's spelling, an alias of a code,
an amount beyond the limit), mixed in one file.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import reportgen.data.load as load_module
import reportgen.data.plain_rows as plain_rows_module
from reportgen.data import read_csv
from reportgen.data.load import load_source
from reportgen.errors import DataError

ROSTER = [
    ["collector_id", "name", "team_id"],
    ["C001", "王芳", "T01"],
    ["C002", "张伟", "T01"],
]

TIMES = [
    "2024-09-02 09:15:00", "2024-09-02T21:30:00", "2024-09-02 08:00:00", "2024-09-02 22:00:00",
    "2024-02-29 10:00:00", "2023-02-29 10:00:00", "2024-09-31 10:00:00", "2024-09-02 24:00:00",
    "2024-09-02 23:59:60", "1899-12-31 10:00:00", "2199-12-31 23:59:59", "2024/9/2 9:15",
    "2024-09-02", "2024-09-02 09:15", " 2024-09-02 09:15:00", "2024-09-02 09:15:00Z",
    "２０２４-09-02 09:15:00", "2024-09-02 09:15:00.5", "contacted_at", "",
]  # fmt: skip
IDS = [
    "A001", "000123", "A-001", "A 001", " A001", "A001\u3000", "A\x01B", "account_id",
    "Account ID", "ＡＢＣ", "abc", "账户1", "",
]  # fmt: skip
COLLECTORS = ["C001", "C002", "C003", " C001", "collector_id", "c001", ""]
CHANNELS = ["call", "CALL", "sms", "电话", "phone", " sms", "channel", "fax", ""]
OUTCOMES = ["promise", "right_party", "PROMISE", "no_answer", "bogus", "outcome", ""]
DURATIONS = ["", "0", "-1", "12.5", "12.", "1e3", "1,234", "１２", "12.1234567", "90"]
AMOUNTS = [
    "", "0", "-5", "100.5", "100.555", "1,234.50", "¥100", "10000000000000", "1000000000000",
    "999999999999.99", "1000000000000.01", ".5", "5.", "007",
]  # fmt: skip
DATES = [
    "", "2024-09-10", "2024-09-01", "2024-09-02", "2024/9/10", "2024-02-30", "2024-09-10 00:00:00",
    "1899-01-01", "2024-9-10",
]  # fmt: skip
MONTHS = ["2024-09", "2024-9", "2024/09", "2024-13", "2024年9月", "month", ""]
CATEGORIES = ["态度", " 态度", "category", "投诉类别", "A\x01", "x" * 70, ""]
UPHELD = ["true", "false", "是", "否", "Y", "n", "1", "0", "maybe", " yes", "upheld", ""]
WHOLE = ["0", "15", "-3", "30.5", "1,000", "1000000000000", "1000000000001", "dpd", "",
         "-9223372036854775808", "99999999999999999999"]  # fmt: skip


def _write(path: Path, rows: list[list[str]]) -> None:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8")


def _outcome(source: Path, *, plain_in_sql: bool, skip_bad_rows: bool):
    """What loading gives: the tables and skipped rows, or the problems' text."""
    original = load_module.PLAIN_ROWS_IN_SQL
    load_module.PLAIN_ROWS_IN_SQL = plain_in_sql
    try:
        dataset = load_source(source, skip_bad_rows=skip_bad_rows)
    except DataError as exc:
        return "problems", str(exc)
    finally:
        load_module.PLAIN_ROWS_IN_SQL = original
    names = ("accounts", "contacts", "payments", "complaints")
    tables = {name: dataset.table(name) for name in names}
    return "loaded", tables, dataset.skipped_rows


def _assert_same(source: Path) -> None:
    for skip in (False, True):
        in_sql = _outcome(source, plain_in_sql=True, skip_bad_rows=skip)
        in_python = _outcome(source, plain_in_sql=False, skip_bad_rows=skip)
        assert in_sql[0] == in_python[0], (in_sql, in_python)
        if in_sql[0] == "problems":
            assert in_sql[1] == in_python[1]
            continue
        for name, frame in in_python[1].items():
            pd.testing.assert_frame_equal(in_sql[1][name], frame, obj=name)
        assert in_sql[2] == in_python[2]


def _source(
    folder: Path,
    contacts: list[list[str]],
    accounts,
    payments,
    complaints=(),
    header=None,
    roster=ROSTER,
) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    _write(folder / "collectors.csv", roster)
    _write(folder / "accounts.csv", [["month", "account_id", "collector_id", "dpd", "balance"]]
           + accounts)  # fmt: skip
    names = header or [
        "contacted_at", "account_id", "collector_id", "channel", "outcome", "duration_s",
        "promise_amount", "promise_date",
    ]  # fmt: skip
    _write(folder / "contacts.csv", [names] + [row[: len(names)] for row in contacts])
    _write(folder / "payments.csv", [["paid_on", "account_id", "collector_id", "amount",
                                      "channel"]] + payments)  # fmt: skip
    _write(folder / "complaints.csv", [["received_on", "collector_id", "account_id", "category",
                                        "upheld"]] + list(complaints))  # fmt: skip
    return folder


def _plain_contact(day: int) -> list[str]:
    return [f"2024-09-{day:02d} 10:00:00", "A001", "C001", "call", "promise", "60", "100.50",
            f"2024-09-{day + 1:02d}"]  # fmt: skip


PLAIN_ACCOUNT = ["2024-09", "A001", "C001", "15", "1234.50"]
PLAIN_PAYMENT = ["2024-09-03", "A001", "C002", "100", ""]
PLAIN_COMPLAINT = ["2024-09-05", "C001", "A001", "态度", "是"]


def _rows(plain: st.SearchStrategy, pools: tuple[list[str], ...], most: int):
    """Lists of rows, each plain or with every cell drawn from its column's pool."""
    drawn = st.tuples(*(st.sampled_from(pool) for pool in pools)).map(list)
    return st.lists(st.one_of(plain, drawn), min_size=1, max_size=most)


contact_rows = _rows(
    st.builds(_plain_contact, st.integers(1, 20)),
    (TIMES, IDS, COLLECTORS, CHANNELS, OUTCOMES, DURATIONS, AMOUNTS, DATES),
    12,
)
account_rows = _rows(st.just(PLAIN_ACCOUNT), (MONTHS, IDS, COLLECTORS, WHOLE, AMOUNTS), 8)
payment_rows = _rows(st.just(PLAIN_PAYMENT), (DATES, IDS, COLLECTORS, AMOUNTS, CHANNELS), 8)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(contacts=contact_rows, accounts=account_rows, payments=payment_rows)
def test_mixed_rows_load_the_same_in_sql_and_in_python(tmp_path_factory, contacts, accounts,
                                                       payments):  # fmt: skip
    folder = tmp_path_factory.mktemp("mixed")
    _assert_same(_source(folder, contacts, accounts, payments))


def test_each_odd_value_loads_the_same_in_sql_and_in_python(tmp_path):
    """Every listed value once in each column it may be met in, among plain rows."""
    pools = {
        "contacts": [TIMES, IDS, COLLECTORS, CHANNELS, OUTCOMES, DURATIONS, AMOUNTS, DATES],
        "accounts": [MONTHS, IDS, COLLECTORS, WHOLE, AMOUNTS],
        "payments": [DATES, IDS, COLLECTORS, AMOUNTS, CHANNELS],
        "complaints": [DATES, COLLECTORS, IDS, CATEGORIES, UPHELD],
    }
    for table, columns in pools.items():
        for column, pool in enumerate(columns):
            tables = {
                "contacts": [_plain_contact(day) for day in range(1, 3)],
                "accounts": [PLAIN_ACCOUNT, ["2024-09", "A002", "C002", "0", "0"]],
                "payments": [PLAIN_PAYMENT, ["2024-09-04", "A002", "C001", "0.01", "im"]],
                "complaints": [PLAIN_COMPLAINT, ["2024-09-06", "C002", "", "", "否"]],
            }
            # Each value in a row of its own, between plain rows.
            for value in pool:
                row = list(tables[table][0])
                row[column] = value
                tables[table][1:1] = [row]
            _assert_same(_source(tmp_path / f"{table}-{column}", *tables.values()))


def test_promises_without_a_promise_date_column_load_the_same(tmp_path):
    header = ["contacted_at", "account_id", "collector_id", "channel", "outcome"]
    rows = [_plain_contact(day) for day in range(1, 4)]
    rows[1][4] = "right_party"
    _assert_same(_source(tmp_path / "s", rows, [PLAIN_ACCOUNT], [PLAIN_PAYMENT], header=header))


def test_two_header_cells_in_plain_rows_make_a_repeated_header(tmp_path):
    # A collector whose id is spelled like the header: on the roster, so the row
    # breaks no other rule, and only the repeated header can keep it out of SQL.
    roster = [*ROSTER, ["collector_id", "某", "T01"]]
    rows = [_plain_contact(day) for day in range(1, 4)]
    rows[1][1], rows[1][2] = "account_id", "collector_id"
    source = _source(tmp_path / "s", rows, [PLAIN_ACCOUNT], [PLAIN_PAYMENT], roster=roster)
    _assert_same(source)
    with pytest.raises(DataError, match="a second header row"):
        load_source(source)


def test_plain_rows_do_take_the_sql_path(tmp_path, monkeypatch):
    """Else the comparisons above would compare the Python checks with themselves."""
    seen: list[tuple[int, int]] = []
    original = plain_rows_module.append_plain_rows

    def spy(sink, table, text, rows, *args):
        result = original(sink, table, text, rows, *args)
        seen.append((len(rows), len(result.others)))
        return result

    monkeypatch.setattr(load_module, "append_plain_rows", spy)
    rows = [_plain_contact(day) for day in range(1, 6)]
    rows[3][6] = "1,234.50"  # read by the Python checks
    dataset = load_source(_source(tmp_path / "s", rows, [PLAIN_ACCOUNT], [PLAIN_PAYMENT]))
    assert (5, 1) in seen  # contacts: four rows in SQL, one left to Python
    assert dataset.contacts["promise_amount"].tolist() == [10050, 10050, 10050, 123450, 10050]
    assert dataset.payments["channel"].tolist() == ["other"]  # the blank's default, in SQL


def test_a_file_of_many_blocks_keeps_its_rows_in_file_order(tmp_path, monkeypatch):
    """DuckDB keeps rows in order unless a statement joins: a list of five values or
    more in IN is such a join, so codes and the roster are checked without one. (The
    chunk must span several of DuckDB's row groups, of about 122,880 rows, for a join to
    reorder them.)"""
    monkeypatch.setattr(read_csv, "STREAM_BLOCK_BYTES", 1 << 20)
    channels = ["call", "sms", "im", "visit", "letter", "email"]
    outcomes = ["no_answer", "busy", "right_party", "refused", "sent", "failed"]
    rows = [
        [f"2024-09-{1 + n // 20000:02d} {n // 3600 % 24:02d}:{n // 60 % 60:02d}:{n % 60:02d}",
         f"A{n:06d}", f"C00{1 + n % 2}", channels[n % 6], outcomes[n % 6], "", "", ""]
        for n in range(300_000)
    ]  # fmt: skip
    dataset = load_source(_source(tmp_path / "s", rows, [PLAIN_ACCOUNT], [PLAIN_PAYMENT]))
    assert dataset.contacts["account_id"].tolist() == [row[1] for row in rows]


def test_money_totals_are_exact_sums():
    values = pd.Series([10**14, -(10**14), 7] * 100_000, dtype="Int64")
    assert load_module.exact_total(values) == (2 * 10**14 + 7) * 100_000
