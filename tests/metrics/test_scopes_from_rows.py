"""Scopes are computed from rows: a team's figures equal those of one collector
holding all of the team's rows.

On random books, renaming every member of team T1 to a single collector "M"
must give "M" exactly the team's metrics (except active_days, which counts
(collector, date) pairs and so depends on who the members are). This checks
that no team figure is a sum or average of members' figures.
"""

import numpy as np
import pytest
from metrics_builders import make_dataset

from reportgen.config import Compliance, Config
from reportgen.metrics import METRIC_KEYS, MetricsEngine
from reportgen.metrics.figures import ratio
from reportgen.scope import Scope

ROSTER = [("C1", "Ann", "T1"), ("C2", "Bob", "T1"), ("C3", "Cai", "T2")]
MERGED = [("M", "Merged", "T1"), ("C3", "Cai", "T2")]
OUTCOMES = ["no_answer", "busy", "invalid_number", "third_party", "right_party", "promise",
            "refused", "dispute", "sent"]  # fmt: skip
CHANNELS = ["call", "call", "call", "sms", "visit", "im"]


def random_rows(seed: int, rename: dict[str, str]):
    """The same random rows for a seed; collector ids passed through ``rename``."""
    rng = np.random.default_rng(seed)

    def who():
        return rename[str(rng.choice(["C1", "C2", "C3"]))]

    def money(high: int) -> str:
        return f"{rng.integers(0, high)}.{rng.integers(0, 100):02d}"

    def day(first_month: int = 7, last_day: int = 28) -> str:
        month = int(rng.integers(first_month, 10))
        return f"2024-{month:02d}-{int(rng.integers(1, last_day + 1)):02d}"

    dpds = [0, 5, 30, 31, 60, 61, 90, 91, 150]
    accounts = [
        (month, f"A{account}", who(), int(rng.choice(dpds)), money(50000))
        for month in ("2024-06", "2024-07", "2024-08", "2024-09")
        for account in range(25)
        if rng.random() < 0.8
    ]
    contacts = []
    for _ in range(400):
        stamp = f"{day(last_day=30)} {int(rng.integers(0, 24)):02d}:{int(rng.integers(0, 60)):02d}"
        outcome = str(rng.choice(OUTCOMES))
        promised = outcome == "promise"
        contacts.append(
            (
                stamp + ":00",
                f"A{rng.integers(0, 8)}",
                who(),
                str(rng.choice(CHANNELS)),
                outcome,
                float(rng.integers(0, 300)),
                money(500) if promised else None,
                day(first_month=9) if promised else None,
            )
        )
    payments = [
        (day(), f"A{rng.integers(0, 25)}", who(), money(900), str(rng.choice(["call", "self"])))
        for _ in range(80)
    ]
    kinds = ["installment", "settlement"]
    arrangements = [
        (day(), f"A{rng.integers(0, 25)}", who(), str(rng.choice(kinds)), money(100))
        for _ in range(10)
    ]
    complaints = [(day(), who(), bool(rng.random() < 0.5)) for _ in range(6)]
    return accounts, contacts, payments, arrangements, complaints


def dataset(seed: int, merged: bool):
    rename = {"C1": "M", "C2": "M", "C3": "C3"} if merged else {c: c for c in ("C1", "C2", "C3")}
    accounts, contacts, payments, arrangements, complaints = random_rows(seed, rename)
    # A merged account held by both members in one month cannot happen: rows are per account.
    return make_dataset(
        accounts,
        collectors=MERGED if merged else ROSTER,
        contacts=contacts,
        payments=payments,
        arrangements=arrangements,
        complaints=complaints,
    )


@pytest.mark.parametrize("profile", ["cn", "us"])
@pytest.mark.parametrize("period", ["2024-09", "2024-Q3"])
@pytest.mark.parametrize("seed", range(4))
def test_team_equals_one_collector_holding_its_rows(seed, period, profile):
    config = Config(compliance=Compliance(profile=profile))
    team = MetricsEngine(dataset(seed, merged=False), config).period_metrics(period)
    merged = MetricsEngine(dataset(seed, merged=True), config).period_metrics(period)
    as_team = team.for_scope(Scope.team("T1"))
    as_collector = merged.for_scope(Scope.collector("M"))
    for key in METRIC_KEYS:
        if key == "active_days":
            continue
        if key == "calls_per_day":
            continue  # calls / active_days
        assert as_team[key] == as_collector[key], key
    assert as_team["contacts"] > 0 and as_team["opening_accounts"] > 0
    # And the centre is the same in both.
    assert team.for_scope(Scope.everyone()) | {"active_days": 0, "calls_per_day": 0} == (
        merged.for_scope(Scope.everyone()) | {"active_days": 0, "calls_per_day": 0}
    )


def test_ratio_is_null_for_a_zero_denominator():
    assert [ratio(1, 2), ratio(0, 0), ratio(3, 0)] == [0.5, None, None]


def test_money_sums_are_exact_beyond_float_precision():
    """2**53 cents + 1 cent: a float sum would lose the cent; the engine's does not."""
    dataset = make_dataset(
        collectors=[("C1", "Ann", "T1")],
        accounts=[
            ("2024-08", "A1", "C1", 40, "90071992547409.92"),
            ("2024-08", "A2", "C1", 40, "0.01"),
            ("2024-09", "A1", "C1", 40, "1"),
            ("2024-09", "A2", "C1", 40, "1"),
        ],
    )
    engine = MetricsEngine(dataset, Config())
    cells = engine.period_metrics("2024-09").for_scope(Scope.collector("C1"))
    assert cells["opening_by_bucket"]["M2"]["balance"] == (2**53 + 1) / 100
