"""Compliance metrics, from contacts (spec/metrics.md, Compliance).

Profile ``cn`` counts (account, date) pairs over a daily limit; any other
profile (``us``) uses Regulation F's rolling windows. Both count over the
scope's own calls in the period, grouped by the scope: two collectors of one
team calling the same debtor on the same day add up for the team even when
neither alone crosses the limit. After-hours contacts are counted with the
other per-channel counts (:mod:`reportgen.metrics.activity`).
"""

from __future__ import annotations

from reportgen.metrics.contact_days import split_counts
from reportgen.metrics.context import PeriodQuery, ScopeKey, count_where
from reportgen.metrics.keys import COMPLIANCE_KEYS


def compute(q: PeriodQuery, state: dict) -> dict[ScopeKey, dict]:
    if "contacts" not in q.covered:
        return {scope: dict.fromkeys(COMPLIANCE_KEYS) for scope in q.scopes}
    settings = q.config.compliance
    profile = settings.active
    # Calls per (collector, account, day), with how many were unanswered, connected and
    # right-party; merged per scope where two collectors called one account.
    days = (
        "SELECT collector_id, account_id, day, calls, unanswered_calls AS unanswered, "
        f"connected_calls AS connected, rpc_calls AS rpc FROM {q.contact_days} WHERE calls > 0"
    )
    combine = (
        "sum(p.calls) AS calls, sum(p.unanswered) AS unanswered, "
        "sum(p.connected) AS connected, sum(p.rpc) AS rpc"
    )
    derive = None
    if settings.profile == "cn":
        counts = {
            "attempts": count_where(f"unanswered > {int(profile.max_unanswered_calls_per_day)}"),
            "connected": count_where(f"connected > {int(profile.max_connected_calls_per_day)}"),
        }
    else:
        # Calls in the window of call_window_days days ending on the day; a call on a day
        # 1..days_after_rpc days after a right-party call. Only the period's calls count.
        window = int(profile.call_window_days) - 1
        after = int(profile.days_after_rpc)

        def derive(source: str, owner: str) -> str:
            account = f"PARTITION BY {owner}, account_id ORDER BY day"
            recent_rpc = (
                f"sum(rpc) OVER ({account} RANGE BETWEEN INTERVAL '{after} days' PRECEDING "
                "AND INTERVAL '1 days' PRECEDING)"
                if after >= 1
                else "0"
            )
            return (
                f"SELECT {owner}, sum(calls) OVER ({account} RANGE BETWEEN "
                f"INTERVAL '{window} days' PRECEDING AND CURRENT ROW) AS window_calls, "
                f"{recent_rpc} AS recent_rpc FROM ({source}) d"
            )

        counts = {
            "attempts": count_where(f"window_calls > {int(profile.max_calls_in_window)}"),
            "connected": count_where("recent_rpc > 0"),
        }
    found = split_counts(q, days, "account_id, day", combine, counts, derive)
    out: dict[ScopeKey, dict] = {}
    for scope in q.scopes:
        after_hours = sum(row["after_hours"] for row in state["channels"][scope].values())
        excess_attempts, excess_connected = found[scope]
        out[scope] = {
            "after_hours_contacts": after_hours,
            "excess_attempt_days": excess_attempts,
            "excess_connected_days": excess_connected,
            "compliance_flags": after_hours + excess_attempts + excess_connected,
        }
    return out
