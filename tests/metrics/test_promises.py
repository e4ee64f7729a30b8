"""Promises to pay, each judged by hand (grace 3 days, kept share 100%).

    promise made      acct by  amount  due         payments on the account    verdict
    P1 2024-08-28     A1   C1  100.00  2024-09-02  09-05 100.00 (by C2)       kept, last grace day
    P2 2024-09-10     A2   C1  200.00  2024-09-12  09-16 200.00               a day late: not kept
    P3 2024-09-10     A3   C1  300.00  2024-09-15  09-11 100.00 + 09-14 199.99 part-paid: not kept
    P4 2024-09-20     A4   C1  (blank) 2024-09-25  09-20 0.01                 kept (one payment)
    P5 2024-09-25     A5   C1   50.00  2024-10-03  —                          due next period
    P7 2024-09-26     A6   C1   60.00  2024-09-27  09-28 60.00                kept
    P8 2024-09-26     A6   C2   60.00  2024-09-28  the same 60.00             kept too
    +  2024-09-01     A1   C1  right_party call (no promise)

C1 in 2024-09: promises P2 P3 P4 P5 P7 = 5 of 6 right-party contacts; due P1 P2 P3
P4 P7 = 5, kept P1 P4 P7 = 3.
"""

import pytest
from metrics_builders import BOOK, C1, C2, T1, make_dataset, metrics_of

from reportgen.config import Config, Promises

AUGUST_BOOK = [("2024-07", "A1", "C1", 20, "100.00")]  # so that 2024-08 is covered too

CONTACTS = [
    ("2024-08-28 10:00:00", "A1", "C1", "call", "promise", 60, "100.00", "2024-09-02"),
    ("2024-09-01 10:00:00", "A1", "C1", "call", "right_party", 60),
    ("2024-09-10 10:00:00", "A2", "C1", "call", "promise", 60, "200.00", "2024-09-12"),
    ("2024-09-10 11:00:00", "A3", "C1", "call", "promise", 60, "300.00", "2024-09-15"),
    ("2024-09-20 10:00:00", "A4", "C1", "visit", "promise", None, None, "2024-09-25"),
    ("2024-09-25 10:00:00", "A5", "C1", "call", "promise", 60, "50.00", "2024-10-03"),
    ("2024-09-26 10:00:00", "A6", "C1", "call", "promise", 60, "60.00", "2024-09-27"),
    ("2024-09-26 15:00:00", "A6", "C2", "im", "promise", None, "60.00", "2024-09-28"),
]

PAYMENTS = [
    ("2024-09-05", "A1", "C2", "100.00"),
    ("2024-09-16", "A2", "C1", "200.00"),
    ("2024-09-11", "A3", "C1", "100.00"),
    ("2024-09-14", "A3", "C1", "199.99"),
    ("2024-09-20", "A4", "C1", "0.01"),
    ("2024-09-28", "A6", "C3", "60.00"),
]


def september(config=None, **options):
    dataset = make_dataset(AUGUST_BOOK + BOOK, contacts=CONTACTS, payments=PAYMENTS, **options)
    return lambda scope: metrics_of(dataset, "2024-09", scope, config)


def test_collector():
    m = september()(C1)
    assert m["promises"] == 5
    assert m["promised_amount"] == 610.00  # 200 + 300 + blank + 50 + 60
    assert m["ptp_rate"] == 5 / 6
    assert m["promises_due"] == 5
    assert m["promises_kept"] == 3
    assert m["ptp_kept_rate"] == 3 / 5


def test_one_payment_keeps_two_promises():
    metrics = september()
    assert (metrics(C2)["promises_due"], metrics(C2)["promises_kept"]) == (1, 1)
    assert metrics(C2)["ptp_kept_rate"] == 1.0
    t1 = metrics(T1)
    assert (t1["promises"], t1["promises_due"], t1["promises_kept"]) == (6, 6, 4)


def test_promise_made_in_one_period_counts_when_made_and_is_judged_when_due():
    dataset = make_dataset(AUGUST_BOOK + BOOK, contacts=CONTACTS, payments=PAYMENTS)
    august = metrics_of(dataset, "2024-08", C1)
    assert (august["promises"], august["promises_due"]) == (1, 0)  # P1 made, due in September
    assert august["promises_kept"] is None  # payments do not cover August
    assert august["ptp_kept_rate"] is None


def test_grace_days_and_kept_share_are_configurable():
    longer_grace = Config(promises=Promises(grace_days=4))
    assert september(longer_grace)(C1)["promises_kept"] == 4  # P2 now on time
    half_share = Config(promises=Promises(kept_share=0.5))
    assert september(half_share)(C1)["promises_kept"] == 4  # P3's 299.99 ≥ 150.00
    no_grace = Config(promises=Promises(grace_days=0))
    assert september(no_grace)(C1)["promises_kept"] == 1  # only P4 was paid by its date


def test_without_payments_kept_is_null_but_due_is_counted():
    dataset = make_dataset(AUGUST_BOOK + BOOK, contacts=CONTACTS)
    m = metrics_of(dataset, "2024-09", C1)
    assert m["promises_due"] == 5
    assert m["promises_kept"] is None
    assert m["ptp_kept_rate"] is None


def test_without_promise_amount_any_payment_keeps():
    m = september(contact_columns={"promise_amount": False})(C1)
    assert m["promised_amount"] is None
    # P1, P3 (a payment in its window), P4, P7; P2's payment is late.
    assert m["promises_kept"] == 4


def test_without_promise_date_nothing_can_fall_due():
    m = september(contact_columns={"promise_date": False})(C1)
    assert m["promises"] == 5
    assert (m["promises_due"], m["promises_kept"], m["ptp_kept_rate"]) == (None, None, None)


def test_zero_right_party_contacts_gives_null_ptp_rate():
    contacts = [("2024-09-02 10:00:00", "A1", "C1", "call", "no_answer")]
    m = metrics_of(make_dataset(BOOK, contacts=contacts), "2024-09", C1)
    assert (m["promises"], m["ptp_rate"], m["promises_due"], m["ptp_kept_rate"]) == (
        0,
        None,
        0,
        None,
    )


@pytest.mark.parametrize("amount", ["0", None])
def test_zero_or_blank_amount_needs_one_payment(amount):
    contacts = [("2024-09-02 10:00:00", "A1", "C1", "call", "promise", 10, amount, "2024-09-05")]
    kept = [("2024-09-08", "A1", "C1", "0.01")]
    late = [("2024-09-09", "A1", "C1", "500.00")]
    assert (
        metrics_of(make_dataset(BOOK, contacts=contacts, payments=kept), "2024-09", C1)[
            "promises_kept"
        ]
        == 1
    )
    assert (
        metrics_of(make_dataset(BOOK, contacts=contacts, payments=late), "2024-09", C1)[
            "promises_kept"
        ]
        == 0
    )
