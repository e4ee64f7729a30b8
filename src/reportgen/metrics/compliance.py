"""Compliance metrics, from contacts (spec/metrics.md, Compliance).

Profile ``cn`` counts (account, date) pairs over a daily limit; profile ``us``
uses Regulation F's rolling windows. Both count over the scope's own contacts
in the period, grouped by the scope: two collectors of one team calling the
same debtor on the same day add up for the team even when neither alone
crosses the limit.
"""

from __future__ import annotations

from datetime import time

import numpy as np

from reportgen.config import ComplianceProfile
from reportgen.metrics.grouping import Level, counts, ints, nulls, regroup, roll_up
from reportgen.metrics.keys import COMPLIANCE_KEYS
from reportgen.metrics.period_data import PeriodData, select


def _ns(moment: time) -> int:
    seconds = moment.hour * 3600 + moment.minute * 60 + moment.second
    return (seconds * 10**6 + moment.microsecond) * 1000


class _DayCounts:
    """Calls per distinct (group, account, day) of one level, in that order.

    Each combination is also folded into one integer, with days shifted by
    ``pad`` inside a stride of ``span + pad`` so that looking back up to ``pad``
    days from any day never reaches another account's days.
    """

    def __init__(
        self,
        rolled: tuple[np.ndarray, np.ndarray, list[np.ndarray]],
        span: int,
        pad: int,
        accounts: int,
    ) -> None:
        group, sub, (calls,) = rolled
        stride = span + pad
        account, day_offset = sub // span, sub % span
        self.group = group
        self.calls = calls
        self.folded = (group * accounts + account) * stride + day_offset + pad

    def over(self, limit: int, size: int) -> np.ndarray:
        """Distinct (account, day) pairs per group with more than ``limit`` calls."""
        return counts(self.group[self.calls > limit], size)


def compute(data: PeriodData, level: Level, state: dict) -> dict[str, list]:
    size = level.size
    contacts = data.contacts
    rows = data.contact_rows
    if contacts is None or rows is None:
        return {key: nulls(size) for key in COMPLIANCE_KEYS}
    settings = data.prepared.config.compliance
    profile: ComplianceProfile = settings.active

    keys = level.key_of[contacts.collector[rows]]
    tod = contacts.time_of_day[rows]
    after = contacts.timed_channel[rows] & (
        (tod < _ns(profile.day_start)) | (tod >= _ns(profile.day_end))
    )
    after_hours = counts(keys[after], size)

    span = data.end_day - data.start_day + 1
    accounts = data.account_count
    rolling = settings.profile != "cn"
    pad = max(profile.call_window_days, profile.days_after_rpc) + 1 if rolling else 0

    def day_counts(name: str, outcome_flags: np.ndarray | None) -> _DayCounts:
        """Calls (of the flagged outcomes) per (scope, account, day) for this level."""
        key = f"compliance_{name}"
        if key not in data.cache:
            calls = select(rows, contacts.is_call)
            if outcome_flags is not None:
                calls = calls[outcome_flags[calls]]
            data.cache[key] = regroup(
                contacts.collector[calls],
                contacts.account[calls] * span + (contacts.day[calls] - data.start_day),
                accounts * span,
                [np.ones(len(calls), dtype=np.int64)],
            )
        rolled = roll_up(data.cache[key], level, accounts * span, sort=rolling)
        return _DayCounts(rolled, span, pad, accounts)

    if not rolling:
        attempts = day_counts("unanswered", contacts.unanswered).over(
            profile.max_unanswered_calls_per_day, size
        )
        connected = day_counts("connected", contacts.connected).over(
            profile.max_connected_calls_per_day, size
        )
    else:
        every_call = day_counts("calls", None)
        attempts = _rolling_excess(every_call, profile, size)
        connected = _calls_after_conversation(
            every_call, day_counts("right_party", contacts.right_party), profile, size
        )
    flags = after_hours + attempts + connected
    return {
        "after_hours_contacts": ints(after_hours),
        "excess_attempt_days": ints(attempts),
        "excess_connected_days": ints(connected),
        "compliance_flags": ints(flags),
    }


def _rolling_excess(days: _DayCounts, profile: ComplianceProfile, size: int) -> np.ndarray:
    """(account, day) pairs whose calls in the window ending that day exceed the limit."""
    running = np.concatenate([[0], np.cumsum(days.calls)])
    first = np.searchsorted(days.folded, days.folded - (profile.call_window_days - 1), side="left")
    in_window = running[np.arange(1, len(days.folded) + 1)] - running[first]
    return counts(days.group[in_window > profile.max_calls_in_window], size)


def _calls_after_conversation(
    days: _DayCounts, conversations: _DayCounts, profile: ComplianceProfile, size: int
) -> np.ndarray:
    """(account, day) pairs with a call 1..days_after_rpc days after a right-party call."""
    low = np.searchsorted(conversations.folded, days.folded - profile.days_after_rpc, side="left")
    high = np.searchsorted(conversations.folded, days.folded - 1, side="right")
    return counts(days.group[high > low], size)
