"""The slices of the prepared tables one period needs, cut once for all scopes."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TypeVar

import numpy as np

from reportgen.metrics.prepared import (
    Arrangements,
    Complaints,
    Contacts,
    DatedTable,
    Payments,
    PreparedData,
    day_number,
)
from reportgen.periods import Period

T = TypeVar("T", bound=DatedTable)


@dataclass(frozen=True)
class SnapshotRows:
    """Rows of one or more snapshots (column arrays of equal length)."""

    account: np.ndarray
    collector: np.ndarray
    balance: np.ndarray
    bucket: np.ndarray


@dataclass
class PeriodData:
    period: Period
    prepared: PreparedData
    start_day: int
    end_day: int
    # Accounts overdue (dpd ≥ 1) in the opening / closing snapshot, with their holder there.
    opening: SnapshotRows
    closing: SnapshotRows
    # Every account's bucket in the whole opening / closing snapshot, whoever holds it;
    # -1 for current (dpd 0) or absent.
    opening_bucket_of_account: np.ndarray
    closing_bucket_of_account: np.ndarray
    # Overdue rows of the period's own month-end snapshots, in month order.
    period_overdue: SnapshotRows
    # Each dated table cut to the period's rows; None when the table is absent or
    # does not cover the period (its metrics are then null). ``*_rows`` are the
    # matching all-rows slices, None alike.
    contacts: Contacts | None
    payments: Payments | None
    arrangements: Arrangements | None
    complaints: Complaints | None
    # Results shared by all scope levels of this period (e.g. which promises were kept).
    cache: dict = field(default_factory=dict)

    @property
    def contact_rows(self) -> slice | None:
        return _all_rows(self.contacts)

    @property
    def payment_rows(self) -> slice | None:
        return _all_rows(self.payments)

    @property
    def arrangement_rows(self) -> slice | None:
        return _all_rows(self.arrangements)

    @property
    def complaint_rows(self) -> slice | None:
        return _all_rows(self.complaints)

    @property
    def bucket_labels(self) -> tuple[str, ...]:
        return self.prepared.bucket_labels

    @property
    def account_count(self) -> int:
        return self.prepared.account_count


def _all_rows(table: DatedTable | None) -> slice | None:
    return None if table is None else slice(0, len(table.day))


def _cut(table: T | None, period: Period, start: int, end: int) -> T | None:
    if table is None or not table.covers(period.first_month_index, period.last_month_index):
        return None
    return table.only(start, end)


def _snapshot_rows(prepared: PreparedData, rows: slice | np.ndarray) -> SnapshotRows:
    snaps = prepared.snapshots
    return SnapshotRows(
        account=snaps.account[rows],
        collector=snaps.collector[rows],
        balance=snaps.balance[rows],
        bucket=snaps.bucket[rows],
    )


def _bucket_by_account(prepared: PreparedData, rows: slice) -> np.ndarray:
    buckets = np.full(prepared.account_count, -1, dtype=np.int64)
    buckets[prepared.snapshots.account[rows]] = prepared.snapshots.bucket[rows]
    return buckets


def period_data(prepared: PreparedData, period: Period) -> PeriodData:
    """Cut the period's slices; the caller has checked that ``accounts`` covers it."""
    snaps = prepared.snapshots
    opening_rows = snaps.month_rows(period.first_month_index - 1)
    closing_rows = snaps.month_rows(period.last_month_index)
    start = day_number(period.start)
    end = day_number(period.end)

    def overdue(rows: slice) -> np.ndarray:
        return np.arange(rows.start, rows.stop)[snaps.dpd[rows] >= 1]

    # Snapshot rows are sorted by month, so the period's months are one contiguous run.
    first = snaps.month_rows(period.first_month_index).start
    last = closing_rows.stop
    period_slice = slice(first, last)
    return PeriodData(
        period=period,
        prepared=prepared,
        start_day=start,
        end_day=end,
        opening=_snapshot_rows(prepared, overdue(opening_rows)),
        closing=_snapshot_rows(prepared, overdue(closing_rows)),
        opening_bucket_of_account=_bucket_by_account(prepared, opening_rows),
        closing_bucket_of_account=_bucket_by_account(prepared, closing_rows),
        period_overdue=_snapshot_rows(prepared, overdue(period_slice)),
        contacts=_cut(prepared.contacts, period, start, end),
        payments=_cut(prepared.payments, period, start, end),
        arrangements=_cut(prepared.arrangements, period, start, end),
        complaints=_cut(prepared.complaints, period, start, end),
    )


def select(rows: slice, flags: np.ndarray) -> np.ndarray:
    """Row numbers (of the whole table) of the rows in ``rows`` whose ``flags[rows]`` hold."""
    return np.flatnonzero(flags[rows]) + rows.start
