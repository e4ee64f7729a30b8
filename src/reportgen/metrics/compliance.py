"""Compliance metrics, from contacts (spec/metrics.md, Compliance).

Profile ``cn`` counts (account, date) pairs over a daily limit; any other
profile (``us``) uses Regulation F's rolling windows. Both count over the
scope's own calls in the period, grouped by the scope: two collectors of one
team calling the same debtor on the same day add up for the team even when
neither alone crosses the limit. After-hours contacts are counted with the
other per-channel counts (:mod:`reportgen.metrics.activity`).
"""

from __future__ import annotations

from reportgen.metrics.activity import contacts_sql
from reportgen.metrics.context import (
    CONNECTED_OUTCOMES,
    RIGHT_PARTY_OUTCOMES,
    UNANSWERED_OUTCOMES,
    PeriodQuery,
    ScopeKey,
    flag,
    one_of,
)
from reportgen.metrics.keys import COMPLIANCE_KEYS


def compute(q: PeriodQuery, state: dict) -> dict[ScopeKey, dict]:
    if "contacts" not in q.covered:
        return {scope: dict.fromkeys(COMPLIANCE_KEYS) for scope in q.scopes}
    settings = q.config.compliance
    profile = settings.active
    # Calls per (scope, account, day), with how many were unanswered, connected, right-party.
    days = q.rolled_up(
        "SELECT collector_id, account_id, CAST(contacted_at AS DATE) AS day, "
        "count(*) AS calls, "
        f"sum({flag(one_of('outcome', UNANSWERED_OUTCOMES))}) AS unanswered, "
        f"sum({flag(one_of('outcome', CONNECTED_OUTCOMES))}) AS connected, "
        f"sum({flag(one_of('outcome', RIGHT_PARTY_OUTCOMES))}) AS rpc "
        f"FROM ({contacts_sql(q)}) c WHERE channel = 'call' GROUP BY 1, 2, 3",
        "account_id, day",
        "sum(p.calls) AS calls, sum(p.unanswered) AS unanswered, "
        "sum(p.connected) AS connected, sum(p.rpc) AS rpc",
    )
    if settings.profile == "cn":
        attempts = flag(f"unanswered > {int(profile.max_unanswered_calls_per_day)}")
        connected = flag(f"connected > {int(profile.max_connected_calls_per_day)}")
        source = days
    else:
        # Calls in the window of call_window_days days ending on the day; a call on a day
        # 1..days_after_rpc days after a right-party call. Only the period's calls count.
        account = "PARTITION BY scope_kind, scope_id, account_id ORDER BY day"
        window = int(profile.call_window_days) - 1
        after = int(profile.days_after_rpc)
        recent_rpc = (
            f"sum(rpc) OVER ({account} RANGE BETWEEN INTERVAL '{after} days' PRECEDING "
            "AND INTERVAL '1 days' PRECEDING)"
            if after >= 1
            else "0"
        )
        source = (
            f"SELECT scope_kind, scope_id, sum(calls) OVER ({account} RANGE BETWEEN "
            f"INTERVAL '{window} days' PRECEDING AND CURRENT ROW) AS window_calls, "
            f"{recent_rpc} AS recent_rpc FROM ({days}) d"
        )
        attempts = flag(f"window_calls > {int(profile.max_calls_in_window)}")
        connected = flag("recent_rpc > 0")
    rows = q.by_scope(
        f"SELECT scope_kind, scope_id, sum({attempts}), sum({connected}) FROM ({source}) s "
        "GROUP BY 1, 2"
    )
    out: dict[ScopeKey, dict] = {}
    for scope in q.scopes:
        after_hours = sum(row["after_hours"] for row in state["channels"][scope].values())
        excess_attempts, excess_connected = (
            tuple(int(v) for v in rows[scope][0]) if scope in rows else (0, 0)
        )
        out[scope] = {
            "after_hours_contacts": after_hours,
            "excess_attempt_days": excess_attempts,
            "excess_connected_days": excess_connected,
            "compliance_flags": after_hours + excess_attempts + excess_connected,
        }
    return out
