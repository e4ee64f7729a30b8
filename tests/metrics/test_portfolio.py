"""Portfolio metrics on hand-built snapshots; every expected value worked out by hand.

The book of 2024-09 (opening snapshot 2024-08, closing 2024-09), default buckets
M1 1–30, M2 31–60, M3 61–90, M4+ 91+:

    account  2024-08 (opening)     2024-09 (closing)
    A1       C1 dpd 30  100.10     absent (left collection)
    A2       C1 dpd 31  200.20     C3 dpd 61 190.00  (transferred to the other team)
    A3       C2 dpd 60  300.00     C2 dpd 0    0.00
    A4       C2 dpd 61  400.00     C2 dpd 91 410.00
    A5       C3 dpd 90  500.00     C3 dpd 30 450.00
    A6       C3 dpd 91  600.00     C3 dpd 120 600.00
    A7       C1 dpd 0     0.00     C1 dpd 5   70.00
    A8       C1 dpd 0    50.00     absent
    A9       —                     C1 dpd 10  80.00
"""

import pytest
from metrics_builders import ALL, BOOK, C1, C2, C3, T1, T2, make_dataset, metrics_of

from reportgen.config import Buckets, Config
from reportgen.errors import PeriodError
from reportgen.metrics import MetricsEngine


def bucket_table(**cells):
    """{bucket: {"accounts", "balance"}} with zeros for buckets not given."""
    table = {label: {"accounts": 0, "balance": 0.0} for label in ("M1", "M2", "M3", "M4+")}
    for label, (accounts, balance) in cells.items():
        table[label.replace("M4", "M4+")] = {"accounts": accounts, "balance": balance}
    return table


def roll(**cells):
    grid = {
        o: {c: 0 for c in ("current", "M1", "M2", "M3", "M4+")} for o in ("M1", "M2", "M3", "M4+")
    }
    for name, count in cells.items():
        opening, closing = name.split("_")
        grid[opening.replace("M4", "M4+")][closing.replace("M4", "M4+")] = count
    return grid


@pytest.fixture(scope="module")
def september():
    return MetricsEngine(make_dataset(BOOK), Config()).period_metrics("2024-09")


def test_collector_with_a_transfer_out_a_cure_and_new_accounts(september):
    m = september.for_scope(C1)
    assert m["opening_accounts"] == 2  # A1, A2; A7 and A8 are current
    assert m["opening_balance"] == 300.30  # 100.10 + 200.20, exact
    assert m["opening_by_bucket"] == bucket_table(M1=(1, 100.10), M2=(1, 200.20))
    assert m["closing_accounts"] == 2  # A7, A9
    assert m["closing_balance"] == 150.00
    assert m["closing_by_bucket"] == bucket_table(M1=(2, 150.00))
    assert m["overdue_accounts_change"] == 0.0
    assert m["new_accounts"] == 2  # A7 (current at opening), A9 (absent at opening)
    assert m["new_balance"] == 150.00
    assert m["assigned_balance"] == 450.30
    assert m["cured_accounts"] == 1  # A1 left the snapshot
    assert m["cure_rate"] == 0.5
    assert m["worsened_accounts"] == 1  # A2: M2 → M3 in C3's hands
    assert m["roll_forward_rate"] == 0.5
    assert m["roll_matrix"] == roll(M1_current=1, M2_M3=1)


def test_dpd_edges_30_31_60_61_90_91(september):
    everyone = september.for_scope(ALL)
    assert everyone["opening_by_bucket"] == bucket_table(
        M1=(1, 100.10), M2=(2, 500.20), M3=(2, 900.00), M4=(1, 600.00)
    )


def test_collector_with_a_cure_to_dpd_0_and_a_roll_forward(september):
    m = september.for_scope(C2)
    assert (m["opening_accounts"], m["opening_balance"]) == (2, 700.00)
    assert (m["closing_accounts"], m["closing_balance"]) == (1, 410.00)
    assert m["overdue_accounts_change"] == -0.5
    assert (m["new_accounts"], m["new_balance"], m["assigned_balance"]) == (0, 0.0, 700.00)
    assert (m["cured_accounts"], m["worsened_accounts"]) == (1, 1)
    assert m["roll_matrix"] == roll(M2_current=1, M3_M4=1)


def test_collector_receiving_a_transferred_account(september):
    m = september.for_scope(C3)
    assert (m["opening_accounts"], m["opening_balance"]) == (2, 1100.00)
    assert (m["closing_accounts"], m["closing_balance"]) == (3, 1240.00)
    assert m["overdue_accounts_change"] == 0.5
    assert (m["new_accounts"], m["new_balance"]) == (1, 190.00)  # A2 arrives from C1
    assert m["assigned_balance"] == 1290.00
    assert (m["cured_accounts"], m["worsened_accounts"]) == (0, 0)  # A5 improved, A6 stayed
    assert m["roll_matrix"] == roll(M3_M1=1, M4_M4=1)
    assert september.for_scope(T2) == m  # T2 is C3 alone


def test_team_from_rows(september):
    m = september.for_scope(T1)
    assert (m["opening_accounts"], m["opening_balance"]) == (4, 1000.30)
    assert (m["closing_accounts"], m["closing_balance"]) == (3, 560.00)  # A4, A7, A9
    assert m["overdue_accounts_change"] == -0.25
    assert (m["new_accounts"], m["new_balance"], m["assigned_balance"]) == (2, 150.00, 1150.30)
    assert (m["cured_accounts"], m["cure_rate"]) == (2, 0.5)
    assert (m["worsened_accounts"], m["roll_forward_rate"]) == (2, 0.5)


def test_everyone(september):
    m = september.for_scope(ALL)
    assert (m["opening_accounts"], m["closing_accounts"]) == (6, 6)
    # A2 changed hands inside the centre, so it is not new for everyone.
    assert (m["new_accounts"], m["new_balance"]) == (2, 150.00)
    assert m["opening_balance"] == 2100.30
    assert m["assigned_balance"] == 2250.30


QUARTER_BOOK = [
    ("2024-06", "B1", "C1", 10, "100.00"),
    ("2024-07", "B1", "C2", 40, "100.00"),
    ("2024-07", "B2", "C1", 0, "0"),
    ("2024-07", "B3", "C3", 5, "20.00"),
    ("2024-08", "B1", "C2", 70, "90.00"),
    ("2024-08", "B2", "C1", 15, "55.55"),
    ("2024-08", "B3", "C1", 35, "30.00"),
    ("2024-09", "B2", "C1", 45, "66.66"),
    ("2024-09", "B3", "C3", 65, "40.00"),
]


@pytest.fixture(scope="module")
def quarter():
    return MetricsEngine(make_dataset(QUARTER_BOOK), Config()).period_metrics("2024-Q3")


def test_new_balance_is_taken_at_the_first_month_end_held_overdue(quarter):
    c1 = quarter.for_scope(C1)
    assert (c1["opening_accounts"], c1["opening_balance"]) == (1, 100.00)  # B1
    # B2 entered the book mid-period (current in July, overdue in August: 55.55);
    # B3 was C1's only at the end of August (30.00).
    assert (c1["new_accounts"], c1["new_balance"]) == (2, 85.55)
    assert (c1["closing_accounts"], c1["closing_balance"]) == (1, 66.66)
    assert (c1["cured_accounts"], c1["cure_rate"]) == (1, 1.0)  # B1 left in September


def test_zero_opening_accounts_gives_null_rates(quarter):
    c2 = quarter.for_scope(C2)
    assert c2["opening_accounts"] == 0
    assert c2["overdue_accounts_change"] is None
    assert c2["cure_rate"] is None
    assert c2["roll_forward_rate"] is None
    assert (c2["new_accounts"], c2["new_balance"]) == (1, 100.00)  # B1 from July


def test_new_accounts_are_judged_per_scope(quarter):
    assert (quarter.for_scope(C3)["new_accounts"], quarter.for_scope(C3)["new_balance"]) == (
        1,
        20.0,
    )
    # B1 moved C1 → C2 inside T1: an opening account of T1, not a new one.
    t1 = quarter.for_scope(T1)
    assert (t1["opening_accounts"], t1["new_accounts"], t1["new_balance"]) == (1, 2, 85.55)
    everyone = quarter.for_scope(ALL)
    assert (everyone["new_accounts"], everyone["new_balance"]) == (2, 75.55)  # B3 first in July


def test_configured_buckets():
    config = Config(buckets=Buckets(lower_bounds=(1, 61), labels=("early", "late")))
    m = metrics_of(make_dataset(BOOK), "2024-09", ALL, config)
    assert m["opening_by_bucket"] == {
        "early": {"accounts": 3, "balance": 600.30},
        "late": {"accounts": 3, "balance": 1500.00},
    }
    assert set(m["roll_matrix"]) == {"early", "late"}
    assert m["roll_matrix"]["late"] == {"current": 0, "early": 1, "late": 2}


def test_period_the_snapshots_do_not_cover_names_the_missing_months():
    engine = MetricsEngine(make_dataset(BOOK), Config())
    assert engine.covers("2024-09") and not engine.covers("2024-08")
    with pytest.raises(PeriodError, match=r"2024-10, 2024-11, 2024-12") as caught:
        engine.period_metrics("2024-Q4")
    assert "2024-08..2024-09" in str(caught.value)
    with pytest.raises(PeriodError, match="2024-07"):
        engine.period_metrics("2024-08")  # its opening snapshot 2024-07 is missing
