"""A tiny data source whose figures can be worked out by hand.

Three collectors (C001, C002 on team T01; C003 on team T02), snapshots for
2024-07..2024-09, and a handful of contacts, payments, one arrangement and
one complaint. The report for C001, 2024-09 has:

* opening book (2024-08 snapshot): A1 (M1, 1,000.00) and A2 (M2, 2,000.00)
* new account A5 (M1 at end of September, 150,000.00), so assigned 153,000.00
* September payments credited to C001: 1,000.00 (A1, call) + 1,234.56 (A5, sms)
  = 2,234.56; recovery rate 2,234.56 / 153,000.00 = 1.4605...% → 1.5%
* August payments credited to C001: 200.00 (the previous period)
"""

from __future__ import annotations

import pandas as pd
import pytest

from reportgen.config import Config
from reportgen.data.dataset import Dataset


def _frame(rows: list[dict], text: list[str], money: tuple[str, ...] = (), dates=()):
    frame = pd.DataFrame(rows)
    for column in text:
        frame[column] = frame[column].astype("str")
    for column in money:
        frame[column] = (frame[column] * 100).round().astype("int64")
    for column in dates:
        frame[column] = pd.to_datetime(frame[column]).astype("datetime64[ns]")
    return frame


def tiny_dataset(*, contacts: bool = True, payments: bool = True) -> Dataset:
    collectors = _frame(
        [
            {
                "collector_id": "C001",
                "name": "张三",
                "team_id": "T01",
                "team_name": "一组",
                "supervisor": "李主管",
            },
            {
                "collector_id": "C002",
                "name": "王五",
                "team_id": "T01",
                "team_name": "一组",
                "supervisor": "李主管",
            },
            {
                "collector_id": "C003",
                "name": "Zhao|*Li*",
                "team_id": "T02",
                "team_name": "二组",
                "supervisor": "陈主管",
            },
        ],
        ["collector_id", "name", "team_id", "team_name", "supervisor"],
    )
    snapshot = [
        ("2024-07", "A1", "C001", 10, 1000.00),
        ("2024-07", "A2", "C001", 40, 2000.00),
        ("2024-07", "A3", "C002", 70, 3000.00),
        ("2024-08", "A1", "C001", 20, 1000.00),
        ("2024-08", "A2", "C001", 45, 2000.00),
        ("2024-08", "A3", "C002", 100, 3000.00),
        ("2024-08", "A4", "C003", 5, 500.00),
        ("2024-09", "A1", "C001", 0, 0.00),
        ("2024-09", "A2", "C001", 75, 2000.00),
        ("2024-09", "A3", "C002", 130, 3000.00),
        ("2024-09", "A4", "C003", 35, 500.00),
        ("2024-09", "A5", "C001", 10, 150000.00),
    ]
    accounts = _frame(
        [
            dict(zip(("month", "account_id", "collector_id", "dpd", "balance"), r, strict=True))
            for r in snapshot
        ],
        ["month", "account_id", "collector_id"],
        money=("balance",),
    )
    accounts["dpd"] = accounts["dpd"].astype("int64")
    dataset = Dataset(collectors=collectors, accounts=accounts)
    if payments:
        dataset.payments = _frame(
            [
                {
                    "paid_on": "2024-08-10",
                    "account_id": "A1",
                    "collector_id": "C001",
                    "amount": 200.00,
                    "channel": "call",
                },
                {
                    "paid_on": "2024-09-05",
                    "account_id": "A3",
                    "collector_id": "C002",
                    "amount": 300.00,
                    "channel": "visit",
                },
                {
                    "paid_on": "2024-09-10",
                    "account_id": "A1",
                    "collector_id": "C001",
                    "amount": 1000.00,
                    "channel": "call",
                },
                {
                    "paid_on": "2024-09-20",
                    "account_id": "A5",
                    "collector_id": "C001",
                    "amount": 1234.56,
                    "channel": "sms",
                },
            ],
            ["account_id", "collector_id", "channel"],
            money=("amount",),
            dates=("paid_on",),
        )
    if contacts:
        rows = [
            ("2024-08-05 10:00", "A1", "C001", "call", "right_party", 60.0, None, None),
            ("2024-08-06 10:00", "A2", "C001", "call", "busy", 0.0, None, None),
            ("2024-09-02 10:00", "A1", "C001", "call", "right_party", 120.0, None, None),
            ("2024-09-03 10:00", "A1", "C001", "call", "promise", 180.0, 1000.00, "2024-09-10"),
            ("2024-09-04 10:00", "A2", "C001", "call", "no_answer", 0.0, None, None),
            ("2024-09-05 23:00", "A2", "C001", "call", "invalid_number", 0.0, None, None),
            ("2024-09-06 12:00", "A5", "C001", "sms", "sent", None, None, None),
            ("2024-09-04 15:00", "A3", "C002", "visit", "right_party", None, None, None),
        ]
        frame = pd.DataFrame(
            rows,
            columns=[
                "contacted_at",
                "account_id",
                "collector_id",
                "channel",
                "outcome",
                "duration_s",
                "promise_amount",
                "promise_date",
            ],
        )
        for column in ("account_id", "collector_id", "channel", "outcome"):
            frame[column] = frame[column].astype("str")
        frame["contacted_at"] = pd.to_datetime(frame["contacted_at"]).astype("datetime64[ns]")
        frame["promise_date"] = pd.to_datetime(frame["promise_date"]).astype("datetime64[ns]")
        frame["duration_s"] = frame["duration_s"].astype("float64")
        frame["promise_amount"] = (frame["promise_amount"] * 100).round().astype("Int64")
        dataset.contacts = frame
    dataset.arrangements = _frame(
        [
            {
                "created_on": "2024-09-06",
                "account_id": "A3",
                "collector_id": "C002",
                "kind": "installment",
                "amount": 3000.00,
            }
        ],
        ["account_id", "collector_id", "kind"],
        money=("amount",),
        dates=("created_on",),
    )
    complaints = _frame(
        [{"received_on": "2024-09-15", "collector_id": "C001", "account_id": "A2", "upheld": True}],
        ["collector_id", "account_id"],
        dates=("received_on",),
    )
    complaints["upheld"] = complaints["upheld"].astype("boolean")
    dataset.complaints = complaints
    return dataset


@pytest.fixture
def dataset() -> Dataset:
    return tiny_dataset()


@pytest.fixture
def config() -> Config:
    return Config()


@pytest.fixture
def make_dataset():
    """``make_dataset(contacts=False)`` etc.: the tiny source with a table left out."""
    return tiny_dataset


MONEY_COLUMNS = {"balance", "amount", "promise_amount"}


def write_csv_source(dataset: Dataset, folder) -> None:
    """Write a Dataset back out as a CSV folder (money as decimals), for command-line tests."""
    folder.mkdir(parents=True, exist_ok=True)
    for name in ("collectors", "accounts", "contacts", "payments", "arrangements", "complaints"):
        frame = dataset.table(name)
        if frame is None:
            continue
        out = frame.copy()
        for column in out.columns:
            if column in MONEY_COLUMNS:
                out[column] = [
                    "" if pd.isna(v) else f"{int(v) // 100}.{int(v) % 100:02d}" for v in out[column]
                ]
            elif str(out[column].dtype).startswith("datetime"):
                fmt = "%Y-%m-%d %H:%M:%S" if column == "contacted_at" else "%Y-%m-%d"
                out[column] = out[column].dt.strftime(fmt).fillna("")
        out.to_csv(folder / f"{name}.csv", index=False)


@pytest.fixture
def csv_source(tmp_path):
    """The tiny source as a folder of CSV files."""
    folder = tmp_path / "source"
    write_csv_source(tiny_dataset(), folder)
    return folder
