"""The vectorised engine against a slow, literal reading of spec/metrics.md.

The reference below loops over collectors and rows in plain Python, straight
from the definitions, on random books (the rows of test_scopes_from_rows.py);
the engine must agree with it for every collector, team and the centre.
"""

from datetime import date, timedelta

import numpy as np
import pandas as pd
import pytest
from metrics_builders import make_dataset
from test_scopes_from_rows import ROSTER, random_rows

from reportgen.config import Compliance, Config
from reportgen.metrics import MetricsEngine
from reportgen.scope import Scope

CONNECTED = {"third_party", "right_party", "promise", "refused", "dispute"}
RIGHT_PARTY = {"right_party", "promise", "refused", "dispute"}
START, END = date(2024, 9, 1), date(2024, 9, 30)


def bucket(dpd: int) -> int:
    return -1 if dpd == 0 else sum(dpd >= edge for edge in (1, 31, 61, 91)) - 1


def reference(ds, members: set[str]) -> dict:
    """A handful of metrics for the scope made of ``members``, for 2024-09."""
    accounts = ds.accounts
    opening_rows = accounts[(accounts.month == "2024-08") & (accounts.dpd >= 1)]
    opening = {
        row.account_id: row for row in opening_rows.itertuples() if row.collector_id in members
    }
    closing = {row.account_id: row for row in accounts[accounts.month == "2024-09"].itertuples()}
    cured = sum(1 for a in opening if a not in closing or closing[a].dpd == 0)
    worsened = sum(
        1 for a, row in opening.items() if a in closing and bucket(closing[a].dpd) > bucket(row.dpd)
    )
    september = accounts[(accounts.month == "2024-09") & (accounts.dpd >= 1)]
    new = {
        row.account_id
        for row in september.itertuples()
        if row.collector_id in members and row.account_id not in opening
    }

    payments = ds.payments
    paid_on = payments.paid_on.dt.date
    in_period = payments[(paid_on >= START) & (paid_on <= END)]
    own_payments = in_period[in_period.collector_id.isin(members)]
    paid_by_account = in_period.groupby("account_id")["amount"].sum()
    paid_in_full = sum(
        1
        for a, row in opening.items()
        if row.balance > 0 and paid_by_account.get(a, 0) >= row.balance
    )

    contacts = ds.contacts
    day = contacts.contacted_at.dt.date
    mine = contacts[(day >= START) & (day <= END) & contacts.collector_id.isin(members)]
    attempted = set(mine.account_id)
    reached = set(mine[mine.outcome.isin(RIGHT_PARTY)].account_id)
    invalid = set(mine[mine.outcome == "invalid_number"].account_id)
    calls = mine[mine.channel == "call"]
    per_day = calls.assign(day=calls.contacted_at.dt.date)
    unanswered = per_day[per_day.outcome.isin(["no_answer", "busy"])].groupby(["account_id", "day"])
    connected = per_day[per_day.outcome.isin(CONNECTED)].groupby(["account_id", "day"])
    hours = mine.contacted_at.dt.hour
    after_hours = mine[
        mine.channel.isin(["call", "sms", "visit", "im"]) & ((hours < 8) | (hours >= 22))
    ]

    promises = contacts[(contacts.outcome == "promise") & contacts.collector_id.isin(members)]
    due = promises[
        (promises.promise_date.dt.date >= START) & (promises.promise_date.dt.date <= END)
    ]
    kept = 0
    for promise in due.itertuples():
        first, last = promise.contacted_at.date(), promise.promise_date.date() + timedelta(days=3)
        window = payments[
            (payments.account_id == promise.account_id) & (paid_on >= first) & (paid_on <= last)
        ]
        if pd.isna(promise.promise_amount) or promise.promise_amount == 0:
            kept += len(window) >= 1
        else:
            kept += window.amount.sum() >= promise.promise_amount

    return {
        "opening_accounts": len(opening),
        "opening_balance": sum(int(row.balance) for row in opening.values()) / 100,
        "new_accounts": len(new),
        "cured_accounts": cured,
        "worsened_accounts": worsened,
        "recovered_amount": int(own_payments.amount.sum()) / 100,
        "paying_accounts": own_payments.account_id.nunique(),
        "paid_in_full_accounts": paid_in_full,
        "contacts": len(mine),
        "calls": len(calls),
        "accounts_attempted": len(attempted),
        "accounts_reached": len(reached),
        "lost_contact_accounts": len((attempted - reached) & invalid),
        "contact_coverage": (
            len((set(opening) | new) & attempted) / len(set(opening) | new)
            if opening or new
            else None
        ),
        "excess_attempt_days": int((unanswered.size() > 6).sum()),
        "excess_connected_days": int((connected.size() > 3).sum()),
        "after_hours_contacts": len(after_hours),
        "promises_due": len(due),
        "promises_kept": int(kept),
    }


SCOPES = {
    Scope.collector("C1"): {"C1"},
    Scope.collector("C2"): {"C2"},
    Scope.collector("C3"): {"C3"},
    Scope.team("T1"): {"C1", "C2"},
    Scope.everyone(): {"C1", "C2", "C3"},
}


def crowded_calls(seed: int) -> list[tuple]:
    """Many calls on few accounts and days, so that the daily limits are crossed, and
    accounts only ever answered by an invalid number or not at all (lost contact)."""
    rng = np.random.default_rng(1000 + seed)
    outcomes = ["no_answer", "busy", "invalid_number", "third_party", "right_party"]
    rows = []
    for _ in range(300):
        account = f"A{rng.integers(10, 15)}"
        stamp = f"2024-09-{rng.integers(5, 7):02d} {rng.integers(6, 23):02d}:00:00"
        outcome = str(rng.choice(outcomes, p=[0.4, 0.2, 0.2, 0.1, 0.1]))
        rows.append((stamp, account, f"C{rng.integers(1, 4)}", "call", outcome, 10.0))
    for _ in range(20):
        account = f"A{rng.integers(15, 25)}"
        outcome = str(rng.choice(["invalid_number", "no_answer"]))
        rows.append(("2024-09-10 10:00:00", account, f"C{rng.integers(1, 4)}", "call", outcome))
    return rows


@pytest.mark.parametrize("seed", range(4))
def test_engine_agrees_with_the_literal_reference(seed):
    accounts, contacts, payments, arrangements, complaints = random_rows(
        seed, {c: c for c in ("C1", "C2", "C3")}
    )
    ds = make_dataset(
        accounts,
        collectors=ROSTER,
        contacts=contacts + crowded_calls(seed),
        payments=payments,
        arrangements=arrangements,
        complaints=complaints,
    )
    metrics = MetricsEngine(ds, Config()).period_metrics("2024-09")
    for scope, members in SCOPES.items():
        expected = reference(ds, members)
        got = metrics.for_scope(scope)
        assert {key: got[key] for key in expected} == expected, scope
    # The crowded calls make every rule bite, so the comparison above means something.
    everyone = reference(ds, SCOPES[Scope.everyone()])
    assert everyone["excess_attempt_days"] > 0 and everyone["excess_connected_days"] > 0
    assert everyone["lost_contact_accounts"] > 0 and everyone["promises_kept"] > 0


def reference_us(ds, members: set[str]) -> dict:
    """Profile us, literally: 7-day windows and calls in the 6 days after a conversation."""
    contacts = ds.contacts
    day = contacts.contacted_at.dt.date
    calls = contacts[
        (day >= START)
        & (day <= END)
        & contacts.collector_id.isin(members)
        & (contacts.channel == "call")
    ]
    call_days: dict[str, list[date]] = {}
    conversation_days: dict[str, set[date]] = {}
    for row in calls.itertuples():
        call_days.setdefault(row.account_id, []).append(row.contacted_at.date())
        if row.outcome in RIGHT_PARTY:
            conversation_days.setdefault(row.account_id, set()).add(row.contacted_at.date())
    attempts = connected = 0
    for account, days in call_days.items():
        for when in sorted(set(days)):
            window = [d for d in days if when - timedelta(days=6) <= d <= when]
            attempts += len(window) > 7
            talked = conversation_days.get(account, set())
            connected += any(when - timedelta(days=k) in talked for k in range(1, 7))
    timed = contacts[(day >= START) & (day <= END) & contacts.collector_id.isin(members)]
    timed = timed[timed.channel.isin(["call", "sms", "visit", "im"])]
    hours = timed.contacted_at.dt.hour
    return {
        "after_hours_contacts": int(((hours < 8) | (hours >= 21)).sum()),
        "excess_attempt_days": attempts,
        "excess_connected_days": connected,
    }


@pytest.mark.parametrize("seed", range(3))
def test_us_profile_agrees_with_the_literal_reference(seed):
    accounts, contacts, payments, _arrangements, _complaints = random_rows(
        seed, {c: c for c in ("C1", "C2", "C3")}
    )
    ds = make_dataset(accounts, collectors=ROSTER, contacts=contacts + crowded_calls(seed))
    config = Config(compliance=Compliance(profile="us"))
    metrics = MetricsEngine(ds, config).period_metrics("2024-09")
    for scope, members in SCOPES.items():
        expected = reference_us(ds, members)
        got = metrics.for_scope(scope)
        assert {key: got[key] for key in expected} == expected, scope
    everyone = reference_us(ds, SCOPES[Scope.everyone()])
    assert everyone["excess_attempt_days"] > 0 and everyone["excess_connected_days"] > 0
