"""Activity metrics, from contacts (spec/metrics.md, Activity)."""

from __future__ import annotations

import numpy as np

from reportgen.metrics.grouping import (
    Level,
    counts,
    counts_2d,
    float_sums,
    ints,
    nulls,
    present_only,
    ratio,
    regroup,
    roll_up,
)
from reportgen.metrics.keys import ACTIVITY_KEYS
from reportgen.metrics.period_data import PeriodData

# Talk time is a sum of floats; rounding to the millisecond keeps the JSON free of
# binary noise such as 1234.5000000001 without changing any real figure.
_TALK_DECIMALS = 3


def compute(data: PeriodData, level: Level, state: dict) -> dict[str, list]:
    size = level.size
    contacts = data.contacts
    rows = data.contact_rows
    if contacts is None or rows is None:
        state["contacts"] = None
        return {key: nulls(size) for key in ACTIVITY_KEYS}

    collector = contacts.collector[rows]
    keys = level.key_of[collector]
    account = contacts.account[rows]
    channel = contacts.channel[rows]
    is_call = contacts.is_call[rows]
    connected_call = is_call & contacts.connected[rows]
    right_party = contacts.right_party[rows]

    total = counts(keys, size)
    width = len(contacts.channel_labels)
    per_channel = counts_2d(keys, channel, size, width)
    calls = counts(keys[is_call], size)
    connected = counts(keys[connected_call], size)
    rpc_calls = counts(keys[is_call & right_party], size)

    # Active days are (collector, date) pairs; each belongs to exactly one collector,
    # so grouping the distinct pairs by the level's key counts them per scope.
    if "active_collector" not in data.cache:
        day_span = data.end_day - data.start_day + 1
        data.cache["active_collector"], _day, _ = regroup(
            collector, contacts.day[rows] - data.start_day, day_span, []
        )
    active_days = counts(level.key_of[data.cache["active_collector"]], size)

    if contacts.duration is not None:
        talk = np.round(
            float_sums(keys[is_call], size, contacts.duration[rows][is_call]), _TALK_DECIMALS
        )
        talk_seconds: list = talk.tolist()
        avg_talk = ratio(talk, connected)
    else:
        talk_seconds = avg_talk = nulls(size)

    # One row per distinct (scope, account) attempted, with how often it was reached
    # and how often an invalid number came back (built once per period by collector).
    if "attempted_pairs" not in data.cache:
        data.cache["attempted_pairs"] = regroup(
            collector,
            account,
            data.account_count,
            [right_party.astype(np.int64), contacts.invalid_number[rows].astype(np.int64)],
        )
    pair_group, pair_account, (reached_n, invalid_n) = roll_up(
        data.cache["attempted_pairs"], level, data.account_count
    )
    attempted = counts(pair_group, size)
    reached = counts(pair_group[reached_n > 0], size)
    lost = counts(pair_group[(reached_n == 0) & (invalid_n > 0)], size)

    # Coverage: share of the scope's book (opening plus new accounts) it contacted.
    book_pairs = state["book_pairs"]
    contacted = np.isin(book_pairs, pair_group * data.account_count + pair_account)
    book_keys = book_pairs // data.account_count
    covered = counts(book_keys[contacted], size)
    book_size = counts(book_keys, size)

    state["contacts"] = total
    state["right_party_contacts"] = counts(keys[right_party], size)
    return {
        "contacts": ints(total),
        "contacts_by_channel": present_only(
            contacts.channel_labels, per_channel.tolist(), per_channel
        ),
        "calls": ints(calls),
        "active_days": ints(active_days),
        "calls_per_day": ratio(calls, active_days),
        "connected_calls": ints(connected),
        "connect_rate": ratio(connected, calls),
        "rpc_calls": ints(rpc_calls),
        "rpc_rate": ratio(rpc_calls, calls),
        "talk_seconds": talk_seconds,
        "avg_talk_seconds": avg_talk,
        "accounts_attempted": ints(attempted),
        "accounts_reached": ints(reached),
        "contact_coverage": ratio(covered, book_size),
        "lost_contact_accounts": ints(lost),
    }


def channel_activity(data: PeriodData, level: Level) -> list[dict | None]:
    """Per group, ``{channel: {"contacts", "connected", "rpc"}}`` over its contacts in the period.

    ``None`` when contacts are missing or do not cover the period; ``{}`` for a
    scope without contacts. "connected" and "rpc" count the outcomes whatever the
    channel (an ``im`` conversation with the debtor is a right-party contact).
    """
    contacts = data.contacts
    rows = data.contact_rows
    if contacts is None or rows is None:
        return nulls(level.size)
    keys = level.key_of[contacts.collector[rows]]
    channel = contacts.channel[rows]
    size, width = level.size, len(contacts.channel_labels)
    total = counts_2d(keys, channel, size, width)
    connected = counts_2d(
        keys[contacts.connected[rows]], channel[contacts.connected[rows]], size, width
    )
    rpc_mask = contacts.right_party[rows]
    rpc = counts_2d(keys[rpc_mask], channel[rpc_mask], size, width)
    stacked = np.stack([total, connected, rpc], axis=-1).tolist()
    present = (total > 0).tolist()
    return [
        {
            label: dict(zip(("contacts", "connected", "rpc"), stacked[g][c], strict=True))
            for c, label in enumerate(contacts.channel_labels)
            if present[g][c]
        }
        for g in range(size)
    ]
