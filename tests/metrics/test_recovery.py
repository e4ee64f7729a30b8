"""Recovery metrics on the book of test_portfolio.py, with these payments:

paid_on     account credited  amount  channel   opening bucket of the account
2024-08-31  A3      C2        999.00  call      (before the period)
2024-09-01  A1      C1        100.10  call      M1
2024-09-30  A1      C2          0.20  sms       M1 (another collector's account)
2024-09-15  A2      C1        200.20  call      M2
2024-09-10  A7      C1         30.00  visit     current → other
2024-09-11  A9      C1          1.00  self      absent → other
2024-09-12  A4      C2        400.00  legal     M3
2024-09-13  A5      C1         10.00  call      M3 (held by C3)
2024-10-01  A4      C2        999.00  call      (after the period)
"""

import pytest
from metrics_builders import ALL, BOOK, C1, C2, C3, T1, make_dataset, metrics_of

from reportgen.config import Config
from reportgen.metrics import MetricsEngine
from reportgen.metrics.keys import RECOVERY_KEYS

PAYMENTS = [
    ("2024-08-31", "A3", "C2", "999.00", "call"),
    ("2024-09-01", "A1", "C1", "100.10", "call"),
    ("2024-09-30", "A1", "C2", "0.20", "sms"),
    ("2024-09-15", "A2", "C1", "200.20", "call"),
    ("2024-09-10", "A7", "C1", "30.00", "visit"),
    ("2024-09-11", "A9", "C1", "1.00", "self"),
    ("2024-09-12", "A4", "C2", "400.00", "legal"),
    ("2024-09-13", "A5", "C1", "10.00", "call"),
    ("2024-10-01", "A4", "C2", "999.00", "call"),
]


@pytest.fixture(scope="module")
def september():
    dataset = make_dataset(BOOK, payments=PAYMENTS)
    return MetricsEngine(dataset, Config()).period_metrics("2024-09")


def test_collector(september):
    m = september.for_scope(C1)
    assert m["recovered_amount"] == 341.30
    assert list(m["recovered_by_channel"].items()) == [
        ("call", 310.30),
        ("visit", 30.00),
        ("self", 1.00),
    ]
    assert m["recovered_by_bucket"] == {
        "M1": 100.10,
        "M2": 200.20,
        "M3": 10.00,
        "M4+": 0.0,
        "other": 31.00,
    }
    assert m["recovery_rate"] == 34130 / 45030
    assert m["recovery_rate_by_bucket"] == {"M1": 1.0, "M2": 1.0, "M3": None, "M4+": None}
    assert m["paying_accounts"] == 5
    assert m["account_recovery_rate"] == 5 / 4
    # A1: 100.10 + 0.20 (credited to C2) ≥ 100.10; A2: 200.20 ≥ 200.20.
    assert m["paid_in_full_accounts"] == 2


def test_collector_credited_on_others_accounts(september):
    m = september.for_scope(C2)
    assert m["recovered_amount"] == 400.20
    assert list(m["recovered_by_channel"].items()) == [("sms", 0.20), ("legal", 400.00)]
    assert m["recovered_by_bucket"] == {
        "M1": 0.20,
        "M2": 0.0,
        "M3": 400.00,
        "M4+": 0.0,
        "other": 0.0,
    }
    assert m["recovery_rate"] == 40020 / 70000
    assert m["recovery_rate_by_bucket"] == {"M1": None, "M2": 0.0, "M3": 1.0, "M4+": None}
    assert (m["paying_accounts"], m["account_recovery_rate"]) == (2, 1.0)
    assert m["paid_in_full_accounts"] == 1  # A4; A3's 999.00 came before the period


def test_collector_without_payments(september):
    m = september.for_scope(C3)
    assert m["recovered_amount"] == 0.0
    assert m["recovered_by_channel"] == {}
    assert m["recovered_by_bucket"] == {"M1": 0.0, "M2": 0.0, "M3": 0.0, "M4+": 0.0, "other": 0.0}
    assert m["recovery_rate"] == 0.0
    assert m["recovery_rate_by_bucket"] == {"M1": None, "M2": None, "M3": 0.0, "M4+": 0.0}
    assert (m["paying_accounts"], m["account_recovery_rate"], m["paid_in_full_accounts"]) == (
        0,
        0.0,
        0,
    )


def test_team_counts_distinct_paying_accounts(september):
    m = september.for_scope(T1)
    assert m["recovered_amount"] == 741.50
    # A1 was paid through both C1 and C2: one paying account for the team, not two.
    assert m["paying_accounts"] == 6
    assert (
        september.for_scope(C1)["paying_accounts"] + september.for_scope(C2)["paying_accounts"] == 7
    )
    assert m["account_recovery_rate"] == 6 / 6
    assert m["paid_in_full_accounts"] == 3  # A1, A2, A4
    assert m["recovery_rate"] == 74150 / 115030


def test_everyone(september):
    m = september.for_scope(ALL)
    assert m["recovered_amount"] == 741.50
    assert m["paying_accounts"] == 6


def test_amounts_add_up_exactly_in_decimal():
    payments = [
        ("2024-09-01", "A1", "C1", "100.10"),
        ("2024-09-02", "A1", "C1", "200.20"),
    ]
    m = metrics_of(make_dataset(BOOK, payments=payments), "2024-09", C1)
    assert 100.10 + 200.20 != 300.30  # what float arithmetic would have given
    assert m["recovered_amount"] == 300.30
    assert m["recovered_by_channel"] == {"other": 300.30}


def test_missing_payments_table_makes_recovery_null():
    m = metrics_of(make_dataset(BOOK), "2024-09", C1)
    assert all(m[key] is None for key in RECOVERY_KEYS)
    assert m["opening_accounts"] == 2


def test_payments_not_covering_the_period_make_recovery_null():
    payments = [("2024-10-05", "A1", "C1", "10.00")]
    m = metrics_of(make_dataset(BOOK, payments=payments), "2024-09", C1)
    assert all(m[key] is None for key in RECOVERY_KEYS)
