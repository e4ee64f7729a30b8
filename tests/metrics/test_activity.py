"""Activity metrics on the shared book (metrics_builders.BOOK) with these contacts:

    #   contacted_at      acct collector channel outcome         duration
    1   2024-09-02 09:00  A1   C1        call    no_answer       0
    2   2024-09-02 10:00  A1   C1        call    right_party     120
    3   2024-09-02 11:00  A2   C1        call    third_party     30
    4   2024-09-03 09:00  A2   C1        sms     sent            -
    5   2024-09-03 09:30  A9   C1        call    invalid_number  -   (blank)
    6   2024-09-04 09:00  A7   C1        im      right_party     -
    7   2024-09-02 09:00  A1   C2        call    busy            0   (C1's account)
    8   2024-09-05 14:00  A3   C2        visit   promise         -
    9   2024-09-05 15:00  A4   C2        call    invalid_number  -
    10  2024-09-06 15:00  A4   C2        call    no_answer       -
    --  2024-08-31 23:00  A5   C3        call    right_party         (before the period)
    --  2024-10-01 10:00  A5   C3        call    no_answer           (after the period)

Books (opening + new): C1 {A1, A2, A7, A9}, C2 {A3, A4}, C3 {A5, A6, A2},
T1 {A1, A2, A3, A4, A7, A9}, everyone {A1..A7, A9}.
"""

import pytest
from metrics_builders import ALL, BOOK, C1, C2, C3, T1, make_dataset, metrics_of

from reportgen.config import Config
from reportgen.errors import DataError
from reportgen.metrics import MetricsEngine
from reportgen.metrics.keys import ACTIVITY_KEYS, COMPLIANCE_KEYS, PROMISE_KEYS

CONTACTS = [
    ("2024-09-02 09:00:00", "A1", "C1", "call", "no_answer", 0),
    ("2024-09-02 10:00:00", "A1", "C1", "call", "right_party", 120),
    ("2024-09-02 11:00:00", "A2", "C1", "call", "third_party", 30),
    ("2024-09-03 09:00:00", "A2", "C1", "sms", "sent"),
    ("2024-09-03 09:30:00", "A9", "C1", "call", "invalid_number"),
    ("2024-09-04 09:00:00", "A7", "C1", "im", "right_party"),
    ("2024-09-02 09:00:00", "A1", "C2", "call", "busy", 0),
    ("2024-09-05 14:00:00", "A3", "C2", "visit", "promise", None, "300", "2024-09-10"),
    ("2024-09-05 15:00:00", "A4", "C2", "call", "invalid_number"),
    ("2024-09-06 15:00:00", "A4", "C2", "call", "no_answer"),
    ("2024-08-31 23:00:00", "A5", "C3", "call", "right_party", 50),
    ("2024-10-01 10:00:00", "A5", "C3", "call", "no_answer", 0),
]


@pytest.fixture(scope="module")
def september():
    dataset = make_dataset(BOOK, contacts=CONTACTS)
    return MetricsEngine(dataset, Config()).period_metrics("2024-09")


def test_collector(september):
    m = september.for_scope(C1)
    assert m["contacts"] == 6
    assert list(m["contacts_by_channel"].items()) == [("call", 4), ("sms", 1), ("im", 1)]
    assert m["calls"] == 4
    assert m["active_days"] == 3  # 09-02, 09-03, 09-04
    assert m["calls_per_day"] == 4 / 3
    assert (m["connected_calls"], m["connect_rate"]) == (2, 0.5)  # #2 and #3
    assert (m["rpc_calls"], m["rpc_rate"]) == (1, 0.25)  # #2 only: #6 is not a call
    assert m["talk_seconds"] == 150.0  # 0 + 120 + 30 + blank
    assert m["avg_talk_seconds"] == 75.0  # over the 2 connected calls
    assert m["accounts_attempted"] == 4  # A1, A2, A9, A7
    assert m["accounts_reached"] == 2  # A1 by call, A7 by im
    assert m["contact_coverage"] == 1.0  # all 4 of its book
    assert m["lost_contact_accounts"] == 1  # A9; A2 was answered by a third party


def test_collector_without_connected_calls(september):
    m = september.for_scope(C2)
    assert m["contacts"] == 4
    assert list(m["contacts_by_channel"].items()) == [("call", 3), ("visit", 1)]
    assert (m["calls"], m["active_days"], m["calls_per_day"]) == (3, 3, 1.0)
    assert (m["connected_calls"], m["connect_rate"]) == (0, 0.0)
    assert (m["rpc_calls"], m["rpc_rate"]) == (0, 0.0)
    assert m["talk_seconds"] == 0.0
    assert m["avg_talk_seconds"] is None  # no connected call to divide by
    assert (m["accounts_attempted"], m["accounts_reached"]) == (3, 1)  # A3 reached on a visit
    assert m["lost_contact_accounts"] == 1  # A4
    assert m["contact_coverage"] == 1.0


def test_collector_without_contacts_in_the_period(september):
    m = september.for_scope(C3)
    assert (m["contacts"], m["calls"], m["active_days"]) == (0, 0, 0)
    assert m["contacts_by_channel"] == {}
    for key in ("calls_per_day", "connect_rate", "rpc_rate", "avg_talk_seconds"):
        assert m[key] is None, key
    assert m["talk_seconds"] == 0.0
    assert m["contact_coverage"] == 0.0  # a book of 3, none contacted
    assert (m["accounts_attempted"], m["accounts_reached"], m["lost_contact_accounts"]) == (0, 0, 0)


def test_team_counts_distinct_accounts_from_rows(september):
    m = september.for_scope(T1)
    assert (m["contacts"], m["calls"]) == (10, 7)
    assert m["active_days"] == 6  # (C1, 09-02) and (C2, 09-02) are two collector-days
    assert m["calls_per_day"] == 7 / 6
    # A1 was attempted by both members: 6 distinct accounts, not 4 + 3.
    assert m["accounts_attempted"] == 6
    assert m["accounts_reached"] == 3
    assert m["lost_contact_accounts"] == 2
    assert m["contact_coverage"] == 1.0
    assert m["talk_seconds"] == 150.0
    assert m["avg_talk_seconds"] == 75.0


def test_everyone(september):
    m = september.for_scope(ALL)
    assert m["contacts"] == 10
    assert m["contact_coverage"] == 6 / 8


def test_channel_activity(september):
    assert september.channel_activity(C1) == {
        "call": {"contacts": 4, "connected": 2, "rpc": 1},
        "sms": {"contacts": 1, "connected": 0, "rpc": 0},
        "im": {"contacts": 1, "connected": 1, "rpc": 1},
    }
    assert september.channel_activity(C3) == {}


def test_missing_contacts_table_makes_contact_metrics_null():
    engine = MetricsEngine(make_dataset(BOOK), Config())
    metrics = engine.period_metrics("2024-09")
    m = metrics.for_scope(C1)
    for key in ACTIVITY_KEYS + PROMISE_KEYS + COMPLIANCE_KEYS:
        assert m[key] is None, key
    assert metrics.channel_activity(C1) is None


def test_missing_duration_column_makes_talk_time_null():
    dataset = make_dataset(BOOK, contacts=CONTACTS, contact_columns={"duration": False})
    m = metrics_of(dataset, "2024-09", C1)
    assert m["talk_seconds"] is None
    assert m["avg_talk_seconds"] is None
    assert m["connected_calls"] == 2


def test_contacts_not_covering_the_period_are_null():
    contacts = [("2024-10-02 10:00:00", "A1", "C1", "call", "no_answer")]
    m = metrics_of(make_dataset(BOOK, contacts=contacts), "2024-09", C1)
    assert all(m[key] is None for key in ACTIVITY_KEYS)


def test_a_blank_channel_is_a_data_error_not_a_miscount():
    contacts = [
        ("2024-09-02 10:00:00", "A1", "C1", "call", "no_answer"),
        ("2024-09-02 11:00:00", "A1", "C1", None, "no_answer"),
    ]
    with pytest.raises(DataError, match=r"contacts, row 3, column channel: found a blank"):
        MetricsEngine(make_dataset(BOOK, contacts=contacts), Config())
