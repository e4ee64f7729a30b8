"""Promise-to-pay metrics, from contacts and payments (spec/metrics.md, Promises to pay)."""

from __future__ import annotations

import numpy as np

from reportgen.metrics.grouping import Level, counts, ints, money, nulls, ratio, sums
from reportgen.metrics.keys import PROMISE_KEYS
from reportgen.metrics.period_data import PeriodData, select
from reportgen.metrics.prepared import DAY_OFFSET


def compute(data: PeriodData, level: Level, state: dict) -> dict[str, list]:
    size = level.size
    contacts = data.contacts  # the period's contacts; due promises come from the whole log
    rows = data.contact_rows
    if contacts is None or rows is None:
        return {key: nulls(size) for key in PROMISE_KEYS}

    made = select(rows, contacts.promise)
    made_keys = level.key_of[contacts.collector[made]]
    promises = counts(made_keys, size)
    if contacts.promise_amount is not None:
        promised: list = money(sums(made_keys, size, contacts.promise_amount[made]))
    else:
        promised = nulls(size)

    out: dict[str, list] = {
        "promises": ints(promises),
        "promised_amount": promised,
        "ptp_rate": ratio(promises, state["right_party_contacts"]),
        "promises_due": nulls(size),
        "promises_kept": nulls(size),
        "ptp_kept_rate": nulls(size),
    }
    if contacts.promise_day is None:
        return out

    due = _due_promises(data)  # row numbers of the whole contact log
    whole_log = data.prepared.contacts
    assert whole_log is not None
    due_keys = level.key_of[whole_log.collector[due]]
    promises_due = counts(due_keys, size)
    out["promises_due"] = ints(promises_due)
    kept_flags = _kept(data, due)
    if kept_flags is not None:
        promises_kept = counts(due_keys[kept_flags], size)
        out["promises_kept"] = ints(promises_kept)
        out["ptp_kept_rate"] = ratio(promises_kept, promises_due)
    return out


def _due_promises(data: PeriodData) -> np.ndarray:
    """Row numbers of promise contacts, made at any time, due inside the period."""
    if "due_rows" in data.cache:
        return data.cache["due_rows"]
    contacts = data.prepared.contacts
    assert contacts is not None and contacts.promise_day is not None
    due_day = contacts.promise_day
    mask = (
        contacts.promise
        & contacts.promise_date_given
        & (due_day >= data.start_day)
        & (due_day <= data.end_day)
    )
    due = np.flatnonzero(mask)
    data.cache["due_rows"] = due
    return due


def _kept(data: PeriodData, due: np.ndarray) -> np.ndarray | None:
    """Which due promises were kept; ``None`` when payments are missing or do not cover.

    Each promise is judged on its own: the payments on its account (whoever is
    credited) dated from the contact's date to the promise date plus the grace
    days, inclusive, must reach the kept share of the promised amount, or number
    at least one when no amount was promised.
    """
    if "kept_flags" in data.cache:
        return data.cache["kept_flags"]
    payments = data.prepared.payments
    contacts = data.prepared.contacts
    assert contacts is not None and contacts.promise_day is not None
    if payments is None or data.payments is None:
        return None
    settings = data.prepared.config.promises
    keys, running = payments.by_account_day()
    account = contacts.account[due] * 2**32
    window_start = account + (contacts.day[due] - DAY_OFFSET)
    window_end = account + (contacts.promise_day[due] + settings.grace_days - DAY_OFFSET)
    low = np.searchsorted(keys, window_start, side="left")
    high = np.searchsorted(keys, window_end, side="right")
    paid = running[high] - running[low]
    paid_count = high - low
    if contacts.promise_amount is not None:
        amount = contacts.promise_amount[due]
    else:
        amount = np.zeros(len(due), dtype=np.int64)
    # kept_share is a fraction of cents; float comparison is exact for the default 1.0
    # and within a billionth of a cent otherwise.
    kept = np.where(amount > 0, paid >= settings.kept_share * amount, paid_count >= 1)
    data.cache["kept_flags"] = kept
    return kept
