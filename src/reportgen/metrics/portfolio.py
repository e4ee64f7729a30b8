"""Portfolio metrics, from the month-end snapshots (spec/metrics.md, Portfolio)."""

from __future__ import annotations

import numpy as np

from reportgen.metrics.grouping import (
    Level,
    counts,
    counts_2d,
    ints,
    money,
    ratio,
    regroup,
    sums,
    sums_2d,
    table_of_buckets,
)
from reportgen.metrics.period_data import PeriodData, SnapshotRows


def _by_bucket(data: PeriodData, rows: SnapshotRows, keys: np.ndarray, size: int) -> list[dict]:
    width = len(data.bucket_labels)
    return table_of_buckets(
        data.bucket_labels,
        {
            "accounts": (counts_2d(keys, rows.bucket, size, width), False),
            "balance": (sums_2d(keys, rows.bucket, size, width, rows.balance), True),
        },
    )


def compute(data: PeriodData, level: Level, state: dict) -> dict[str, list]:
    size, width = level.size, len(data.bucket_labels)
    accounts = data.account_count
    opening, closing = data.opening, data.closing
    open_keys = level.key_of[opening.collector]
    close_keys = level.key_of[closing.collector]

    opening_accounts = counts(open_keys, size)
    opening_cents = sums(open_keys, size, opening.balance)
    closing_accounts = counts(close_keys, size)

    # New accounts: (scope, account) pairs overdue at some month end of the period that
    # are not among the scope's opening accounts; their balance is taken at the first
    # such month end (rows are in month order, so the first occurrence is the earliest).
    held = data.period_overdue
    held_pairs = level.key_of[held.collector] * accounts + held.account
    pair_values, first_row = np.unique(held_pairs, return_index=True)
    opening_pairs = open_keys * accounts + opening.account
    is_new = ~np.isin(pair_values, opening_pairs)
    new_pairs, new_rows = pair_values[is_new], first_row[is_new]
    new_keys = new_pairs // accounts
    new_accounts = counts(new_keys, size)
    new_cents = sums(new_keys, size, held.balance[new_rows])
    assigned_cents = opening_cents + new_cents

    # Opening accounts judged by their row in the whole closing snapshot (-1 = current/absent).
    closing_bucket = data.closing_bucket_of_account[opening.account]
    cured = counts(open_keys[closing_bucket < 0], size)
    worsened = counts(open_keys[closing_bucket > opening.bucket], size)
    roll = counts_2d(
        open_keys * width + opening.bucket, closing_bucket + 1, size * width, width + 1
    ).reshape(size, width, width + 1)
    closing_labels = ("current", *data.bucket_labels)
    roll_rows = roll.tolist()
    roll_matrix = [
        {
            label: dict(zip(closing_labels, roll_rows[g][b], strict=True))
            for b, label in enumerate(data.bucket_labels)
        }
        for g in range(size)
    ]

    book_group, book_account, _ = regroup(
        np.concatenate([open_keys, new_keys]),
        np.concatenate([opening.account, new_pairs % accounts]),
        accounts,
        [],
    )
    state.update(
        opening_accounts=opening_accounts,
        new_accounts=new_accounts,
        assigned_cents=assigned_cents,
        opening_bucket_cents=sums_2d(open_keys, opening.bucket, size, width, opening.balance),
        book_pairs=book_group * accounts + book_account,
    )
    return {
        "opening_accounts": ints(opening_accounts),
        "opening_balance": money(opening_cents),
        "opening_by_bucket": _by_bucket(data, opening, open_keys, size),
        "closing_accounts": ints(closing_accounts),
        "closing_balance": money(sums(close_keys, size, closing.balance)),
        "closing_by_bucket": _by_bucket(data, closing, close_keys, size),
        "overdue_accounts_change": ratio(closing_accounts - opening_accounts, opening_accounts),
        "new_accounts": ints(new_accounts),
        "new_balance": money(new_cents),
        "assigned_balance": money(assigned_cents),
        "cured_accounts": ints(cured),
        "cure_rate": ratio(cured, opening_accounts),
        "worsened_accounts": ints(worsened),
        "roll_forward_rate": ratio(worsened, opening_accounts),
        "roll_matrix": roll_matrix,
    }
