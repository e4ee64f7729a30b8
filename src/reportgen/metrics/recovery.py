"""Recovery metrics, from payments (spec/metrics.md, Recovery)."""

from __future__ import annotations

import numpy as np

from reportgen.metrics.grouping import (
    Level,
    counts,
    counts_2d,
    distinct_counts,
    ints,
    money,
    nulls,
    present_only,
    ratio,
    sums,
    sums_2d,
)
from reportgen.metrics.keys import RECOVERY_KEYS
from reportgen.metrics.period_data import PeriodData


def compute(data: PeriodData, level: Level, state: dict) -> dict[str, list]:
    size, width = level.size, len(data.bucket_labels)
    payments = data.payments
    rows = data.payment_rows
    if payments is None or rows is None:
        return {key: nulls(size) for key in RECOVERY_KEYS}

    keys = level.key_of[payments.collector[rows]]
    account = payments.account[rows]
    amount = payments.amount[rows]
    recovered = sums(keys, size, amount)

    channel_width = len(payments.channel_labels)
    channel = payments.channel[rows]
    by_channel = present_only(
        payments.channel_labels,
        money(sums_2d(keys, channel, size, channel_width, amount)),
        counts_2d(keys, channel, size, channel_width),
    )

    # The account's bucket in the whole opening snapshot; current or absent → "other".
    bucket = data.opening_bucket_of_account[account]
    bucket = np.where(bucket < 0, width, bucket)
    bucket_cents = sums_2d(keys, bucket, size, width + 1, amount)
    bucket_rows = money(bucket_cents)
    labels = (*data.bucket_labels, "other")
    by_bucket = [dict(zip(labels, row, strict=True)) for row in bucket_rows]

    opening_bucket_cents = state["opening_bucket_cents"]
    rate_columns = [ratio(bucket_cents[:, b], opening_bucket_cents[:, b]) for b in range(width)]
    rate_by_bucket = [
        {label: rate_columns[b][g] for b, label in enumerate(data.bucket_labels)}
        for g in range(size)
    ]

    paying = distinct_counts(keys, account, data.account_count, size)

    # Paid in full: payments on the account in the period, whoever is credited,
    # reach the opening balance (accounts with an opening balance above 0 only).
    paid_per_account = sums(account, data.account_count, amount)
    opening = data.opening
    full = (opening.balance > 0) & (paid_per_account[opening.account] >= opening.balance)
    paid_in_full = counts(level.key_of[opening.collector[full]], size)

    return {
        "recovered_amount": money(recovered),
        "recovered_by_channel": by_channel,
        "recovered_by_bucket": by_bucket,
        "recovery_rate": ratio(recovered, state["assigned_cents"]),
        "recovery_rate_by_bucket": rate_by_bucket,
        "paying_accounts": ints(paying),
        "account_recovery_rate": ratio(paying, state["opening_accounts"] + state["new_accounts"]),
        "paid_in_full_accounts": ints(paid_in_full),
    }
