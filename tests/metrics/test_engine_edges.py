"""Edges of the SQL engine found by review: each compared with a hand count."""

from __future__ import annotations

import pytest
from metrics_builders import make_dataset, metrics_of

from reportgen.config import Config, Promises
from reportgen.errors import ScopeError
from reportgen.metrics import MetricsEngine
from reportgen.scope import Scope

C1 = Scope.collector("C1")
BOOK = [("2024-08", "A1", "C1", 40, "100"), ("2024-09", "A1", "C1", 40, "100"),
        ("2024-10", "A1", "C1", 40, "100")]  # fmt: skip


def test_times_below_a_microsecond_stay_on_their_day_and_side_of_the_clock():
    """23:59:59.9999999 is still the 30th, and 07:59:59.9999999 still before 08:00."""
    dataset = make_dataset(
        BOOK,
        collectors=[("C1", "Ann", "T1")],
        contacts=[
            ("2024-09-30 23:59:59.9999999", "A1", "C1", "call", "no_answer"),
            ("2024-09-03 07:59:59.9999999", "A1", "C1", "sms", "sent"),
            ("2024-09-03 21:59:59.9999999", "A1", "C1", "sms", "sent"),
        ],
    )
    metrics = metrics_of(dataset, "2024-09", C1)
    assert (metrics["contacts"], metrics["calls"], metrics["active_days"]) == (3, 1, 2)
    # The call at 23:59:59.9999999 and the sms at 07:59:59.9999999 are after hours;
    # the sms a hair before 22:00 is not.
    assert metrics["after_hours_contacts"] == 2


def test_a_kept_share_is_applied_as_the_decimal_written():
    """55% of a 1.00 promise is 0.55: a payment of 0.55 keeps it."""
    dataset = make_dataset(
        BOOK,
        collectors=[("C1", "Ann", "T1")],
        contacts=[
            ("2024-09-02 10:00:00", "A1", "C1", "call", "promise", 60, "1.00", "2024-09-10")
        ],  # fmt: skip
        payments=[("2024-09-05", "A1", "C1", "0.55")],
    )
    config = Config(promises=Promises(grace_days=3, kept_share=0.55))
    metrics = metrics_of(dataset, "2024-09", C1, config)
    assert (metrics["promises_due"], metrics["promises_kept"]) == (1, 1)
    stricter = Config(promises=Promises(grace_days=3, kept_share=0.56))
    assert metrics_of(dataset, "2024-09", C1, stricter)["promises_kept"] == 0


def test_channel_activity_of_an_unknown_scope_is_a_scope_error():
    dataset = make_dataset(BOOK, collectors=[("C1", "Ann", "T1")])
    period = MetricsEngine(dataset, Config()).period_metrics("2024-09")
    with pytest.raises(ScopeError, match="C9"):
        period.channel_activity(Scope.collector("C9"))


def test_asking_for_every_scope_after_computing_them_all_computes_nothing_again():
    dataset = make_dataset(BOOK, collectors=[("C1", "Ann", "T1")])
    engine = MetricsEngine(dataset, Config())
    first = engine.period_metrics("2024-09")
    engine.require([C1, Scope.team("T1"), Scope.everyone()], members=True)
    assert engine.period_metrics("2024-09") is first


def test_a_hand_built_book_with_an_account_twice_in_a_month_is_refused():
    from reportgen.errors import DataError

    dataset = make_dataset([*BOOK, ("2024-09", "A1", "C1", 10, "5")],
                           collectors=[("C1", "Ann", "T1")])  # fmt: skip
    with pytest.raises(DataError, match="again for month 2024-09"):
        MetricsEngine(dataset, Config())
