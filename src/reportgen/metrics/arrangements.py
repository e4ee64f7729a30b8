"""Arrangement and complaint metrics (spec/metrics.md, Arrangements and complaints)."""

from __future__ import annotations

from reportgen.metrics.grouping import (
    Level,
    counts,
    counts_2d,
    ints,
    money,
    nulls,
    present_only,
    ratio,
    sums,
)
from reportgen.metrics.period_data import PeriodData


def compute(data: PeriodData, level: Level, state: dict) -> dict[str, list]:
    size = level.size
    out: dict[str, list] = {}

    arrangements = data.arrangements
    rows = data.arrangement_rows
    if arrangements is None or rows is None:
        out.update(arrangements=nulls(size), arrangements_by_kind=nulls(size))
        out["arranged_amount"] = nulls(size)
    else:
        keys = level.key_of[arrangements.collector[rows]]
        per_kind = counts_2d(keys, arrangements.kind[rows], size, len(arrangements.kind_labels))
        out["arrangements"] = ints(counts(keys, size))
        out["arrangements_by_kind"] = present_only(
            arrangements.kind_labels, per_kind.tolist(), per_kind
        )
        out["arranged_amount"] = money(sums(keys, size, arrangements.amount[rows]))

    complaints = data.complaints
    rows = data.complaint_rows
    if complaints is None or rows is None:
        out.update(complaints=nulls(size), upheld_complaints=nulls(size))
        out["complaints_per_1k_contacts"] = nulls(size)
        return out
    keys = level.key_of[complaints.collector[rows]]
    received = counts(keys, size)
    out["complaints"] = ints(received)
    if complaints.upheld is not None:
        out["upheld_complaints"] = ints(counts(keys[complaints.upheld[rows]], size))
    else:
        out["upheld_complaints"] = nulls(size)
    contacts = state.get("contacts")
    out["complaints_per_1k_contacts"] = (
        nulls(size) if contacts is None else ratio(received * 1000, contacts)
    )
    return out
