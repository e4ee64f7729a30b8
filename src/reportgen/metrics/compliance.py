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
import pandas as pd

from reportgen.config import ComplianceProfile
from reportgen.metrics.grouping import Level, counts, ints, nulls
from reportgen.metrics.keys import COMPLIANCE_KEYS
from reportgen.metrics.period_data import PeriodData


def _ns(moment: time) -> int:
    seconds = moment.hour * 3600 + moment.minute * 60 + moment.second
    return (seconds * 10**6 + moment.microsecond) * 1000


class _DayCounts:
    """Calls per distinct (group, account, day), sorted, as one folded integer each.

    Days are shifted by ``pad`` inside a stride of ``span + pad`` so that looking
    back up to ``pad`` days from any day never reaches another account's days.
    """

    def __init__(
        self,
        keys: np.ndarray,
        account: np.ndarray,
        day_offset: np.ndarray,
        span: int,
        pad: int,
        accounts: int,
    ) -> None:
        stride = span + pad
        folded = (keys * accounts + account) * stride + day_offset + pad
        codes, uniques = pd.factorize(folded, sort=True)
        self.folded = np.asarray(uniques, dtype=np.int64)
        self.calls = np.bincount(codes, minlength=len(uniques)).astype(np.int64)
        self.group = self.folded // (accounts * stride)

    def over(self, limit: int, size: int) -> np.ndarray:
        """Distinct (account, day) pairs per group with more than ``limit`` calls."""
        return counts(self.group[self.calls > limit], size)


def compute(data: PeriodData, level: Level, state: dict) -> dict[str, list]:
    size = level.size
    contacts = data.prepared.contacts
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

    calls = rows[contacts.is_call[rows]]
    call_keys = level.key_of[contacts.collector[calls]]
    span = data.end_day - data.start_day + 1
    day_offset = contacts.day[calls] - data.start_day

    def day_counts(mask: np.ndarray, pad: int = 0) -> _DayCounts:
        return _DayCounts(
            call_keys[mask],
            contacts.account[calls][mask],
            day_offset[mask],
            span,
            pad,
            data.account_count,
        )

    if settings.profile == "cn":
        attempts = day_counts(contacts.unanswered[calls]).over(
            profile.max_unanswered_calls_per_day, size
        )
        connected = day_counts(contacts.connected[calls]).over(
            profile.max_connected_calls_per_day, size
        )
    else:
        pad = max(profile.call_window_days, profile.days_after_rpc) + 1
        every_call = np.ones(len(calls), dtype=bool)
        attempts = _rolling_excess(day_counts(every_call, pad), profile, size)
        connected = _calls_after_conversation(
            day_counts(every_call, pad), day_counts(contacts.right_party[calls], pad), profile, size
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
