"""A tiny Dataset builder: rows as tuples, frames exactly as dataset.py promises them.

Money is written as decimal text ("100.10") and converted to int64 cents here,
the way the loader does, so tests read like the spreadsheets users keep.
"""

from __future__ import annotations

from decimal import Decimal

import pandas as pd

from reportgen.config import Config
from reportgen.data.dataset import Dataset
from reportgen.metrics import MetricsEngine
from reportgen.scope import Scope


def cents(value) -> int | None:
    if value is None:
        return None
    return int((Decimal(str(value)) * 100).to_integral_value())


def _text(values) -> pd.Series:
    return pd.Series(values, dtype="str")


def collectors_frame(rows) -> pd.DataFrame:
    """rows: (collector_id, name, team_id[, team_name])."""
    return pd.DataFrame(
        {
            "collector_id": _text([r[0] for r in rows]),
            "name": _text([r[1] for r in rows]),
            "team_id": _text([r[2] for r in rows]),
            "team_name": _text([r[3] if len(r) > 3 else r[2] for r in rows]),
        }
    )


def accounts_frame(rows) -> pd.DataFrame:
    """rows: (month, account_id, collector_id, dpd, balance)."""
    return pd.DataFrame(
        {
            "month": _text([r[0] for r in rows]),
            "account_id": _text([r[1] for r in rows]),
            "collector_id": _text([r[2] for r in rows]),
            "dpd": pd.Series([r[3] for r in rows], dtype="int64"),
            "balance": pd.Series([cents(r[4]) for r in rows], dtype="int64"),
        }
    )


def contacts_frame(rows, *, duration=True, promise_amount=True, promise_date=True) -> pd.DataFrame:
    """rows: (contacted_at, account_id, collector_id, channel, outcome
    [, duration_s[, promise_amount[, promise_date]]])."""

    def column(i):
        return [r[i] if len(r) > i else None for r in rows]

    frame = pd.DataFrame(
        {
            "contacted_at": pd.to_datetime(pd.Series([r[0] for r in rows], dtype="object")),
            "account_id": _text(column(1)),
            "collector_id": _text(column(2)),
            "channel": _text(column(3)),
            "outcome": _text(column(4)),
        }
    )
    if duration:
        frame["duration_s"] = pd.Series(column(5), dtype="float64")
    if promise_amount:
        frame["promise_amount"] = pd.array([cents(v) for v in column(6)], dtype="Int64")
    if promise_date:
        frame["promise_date"] = pd.to_datetime(pd.Series(column(7), dtype="object"))
    return frame


def payments_frame(rows) -> pd.DataFrame:
    """rows: (paid_on, account_id, collector_id, amount[, channel])."""
    return pd.DataFrame(
        {
            "paid_on": pd.to_datetime(pd.Series([r[0] for r in rows], dtype="object")),
            "account_id": _text([r[1] for r in rows]),
            "collector_id": _text([r[2] for r in rows]),
            "amount": pd.Series([cents(r[3]) for r in rows], dtype="int64"),
            "channel": _text([r[4] if len(r) > 4 else "other" for r in rows]),
        }
    )


def arrangements_frame(rows) -> pd.DataFrame:
    """rows: (created_on, account_id, collector_id, kind, amount)."""
    return pd.DataFrame(
        {
            "created_on": pd.to_datetime(pd.Series([r[0] for r in rows], dtype="object")),
            "account_id": _text([r[1] for r in rows]),
            "collector_id": _text([r[2] for r in rows]),
            "kind": _text([r[3] for r in rows]),
            "amount": pd.Series([cents(r[4]) for r in rows], dtype="int64"),
        }
    )


def complaints_frame(rows, *, upheld=True) -> pd.DataFrame:
    """rows: (received_on, collector_id[, upheld])."""
    frame = pd.DataFrame(
        {
            "received_on": pd.to_datetime(pd.Series([r[0] for r in rows], dtype="object")),
            "collector_id": _text([r[1] for r in rows]),
        }
    )
    if upheld:
        frame["upheld"] = pd.array([r[2] if len(r) > 2 else None for r in rows], dtype="boolean")
    return frame


ROSTER = [
    ("C1", "Ann", "T1", "Team One"),
    ("C2", "Bob", "T1", "Team One"),
    ("C3", "Cai", "T2", "Team Two"),
]


def make_dataset(
    accounts,
    *,
    collectors=ROSTER,
    contacts=None,
    payments=None,
    arrangements=None,
    complaints=None,
    contact_columns: dict | None = None,
    complaint_upheld: bool = True,
) -> Dataset:
    return Dataset(
        collectors=collectors_frame(collectors),
        accounts=accounts_frame(accounts),
        contacts=None if contacts is None else contacts_frame(contacts, **(contact_columns or {})),
        payments=None if payments is None else payments_frame(payments),
        arrangements=None if arrangements is None else arrangements_frame(arrangements),
        complaints=None
        if complaints is None
        else complaints_frame(complaints, upheld=complaint_upheld),
    )


def metrics_of(dataset: Dataset, period: str, scope: Scope, config: Config | None = None) -> dict:
    engine = MetricsEngine(dataset, config or Config())
    return engine.period_metrics(period).for_scope(scope)


C1, C2, C3 = Scope.collector("C1"), Scope.collector("C2"), Scope.collector("C3")
T1, T2, ALL = Scope.team("T1"), Scope.team("T2"), Scope.everyone()


# The book most metric tests share (drawn in test_portfolio.py's docstring).
BOOK = [
    ("2024-08", "A1", "C1", 30, "100.10"),
    ("2024-08", "A2", "C1", 31, "200.20"),
    ("2024-08", "A3", "C2", 60, "300.00"),
    ("2024-08", "A4", "C2", 61, "400.00"),
    ("2024-08", "A5", "C3", 90, "500.00"),
    ("2024-08", "A6", "C3", 91, "600.00"),
    ("2024-08", "A7", "C1", 0, "0"),
    ("2024-08", "A8", "C1", 0, "50.00"),
    ("2024-09", "A2", "C3", 61, "190.00"),
    ("2024-09", "A3", "C2", 0, "0"),
    ("2024-09", "A4", "C2", 91, "410.00"),
    ("2024-09", "A5", "C3", 30, "450.00"),
    ("2024-09", "A6", "C3", 120, "600.00"),
    ("2024-09", "A7", "C1", 5, "70.00"),
    ("2024-09", "A9", "C1", 10, "80.00"),
]
