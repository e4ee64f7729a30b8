"""Activity metrics, from contacts (spec/metrics.md, Activity).

One grouped query over the period's contacts per (scope, channel) gives the
counts that add up (contacts, calls, connected and right-party contacts,
promises, after-hours contacts, talk time); distinct accounts and days are
counted on each scope's own rows.
"""

from __future__ import annotations

from reportgen.metrics.contact_days import CONTACT_ACCOUNTS, split_counts
from reportgen.metrics.context import (
    CONNECTED_OUTCOMES,
    CONTACT_CHANNELS,
    RIGHT_PARTY_OUTCOMES,
    SCOPES_TABLE,
    TIMED_CHANNELS,
    PeriodQuery,
    ScopeKey,
    count_where,
    one_of,
    ordered,
)
from reportgen.metrics.figures import ratio
from reportgen.metrics.keys import ACTIVITY_KEYS
from reportgen.metrics.portfolio import book_sql

# Talk time is summed in whole milliseconds, so the total is exact and the same
# whatever order an engine adds rows in; it is shown to the millisecond.
_TALK_DECIMALS = 3

# Columns of the per-(scope, channel) query, after scope_kind, scope_id, channel.
_CHANNEL_COLUMNS = (
    "contacts",
    "connected",
    "rpc",
    "promises",
    "promised_cents",
    "after_hours",
    "talk_ms",
)


def contacts_sql(q: PeriodQuery) -> str:
    """SQL: the contacts dated in the period of the collectors of the scopes asked for."""
    return q.rows("contacts", q.window.times("contacted_at"))


def channel_counts(q: PeriodQuery) -> dict[ScopeKey, dict[str, dict[str, int]]]:
    """``{scope: {channel: {column: value}}}`` of :data:`_CHANNEL_COLUMNS` for the period."""
    profile = q.config.compliance.active
    clock = "CAST(c.contacted_at AS TIME)"
    after_hours = (
        f"{one_of('c.channel', TIMED_CHANNELS)} AND ({clock} < {_time(profile.day_start)} "
        f"OR {clock} >= {_time(profile.day_end)})"
    )
    has_amount = q.store.has_column("contacts", "promise_amount")
    has_duration = q.store.has_column("contacts", "duration_s")
    promised = "CASE WHEN c.outcome = 'promise' THEN COALESCE(c.promise_amount, 0) ELSE 0 END"
    # Half a millisecond rounds up, in every engine (PostgreSQL's round of a double
    # rounds half to even, DuckDB's away from zero); durations are never negative.
    talk = "CAST(floor(COALESCE(c.duration_s, 0) * 1000 + 0.5) AS BIGINT)"
    is_promise = "c.outcome = 'promise'"
    per_collector = (
        "SELECT c.collector_id, c.channel, count(*) AS contacts, "
        f"{count_where(one_of('c.outcome', CONNECTED_OUTCOMES))} AS connected, "
        f"{count_where(one_of('c.outcome', RIGHT_PARTY_OUTCOMES))} AS rpc, "
        f"{count_where(is_promise)} AS promises, "
        f"sum({promised if has_amount else '0'}) AS promised_cents, "
        f"{count_where(after_hours)} AS after_hours, "
        f"sum({talk if has_duration else '0'}) AS talk_ms "
        f"FROM ({contacts_sql(q)}) c GROUP BY 1, 2"
    )
    rows = q.by_scope(
        q.rolled_up(
            per_collector,
            "channel",
            ", ".join(f"sum(p.{column})" for column in _CHANNEL_COLUMNS),
        )
    )
    out: dict[ScopeKey, dict[str, dict[str, int]]] = {}
    for scope in q.scopes:
        found = {row[0]: row[1:] for row in rows.get(scope, [])}
        out[scope] = {
            channel: dict(zip(_CHANNEL_COLUMNS, map(int, found[channel]), strict=True))
            for channel in ordered(found, CONTACT_CHANNELS)
        }
    return out


def _time(moment) -> str:
    """SQL TIME literal of a configured clock time (to the microsecond)."""
    return f"TIME '{moment.isoformat()}'"


def compute(q: PeriodQuery, state: dict) -> dict[ScopeKey, dict]:
    if "contacts" not in q.covered:
        for scope in q.scopes:
            state[scope]["contacts"] = None
        return {scope: dict.fromkeys(ACTIVITY_KEYS) for scope in q.scopes}
    channels = channel_counts(q)
    # Active days are (collector, date) pairs: each belongs to one collector.
    active = (
        q.by_scope(
            q.rolled_up(
                f"SELECT collector_id, count(DISTINCT day) AS days FROM {q.contact_days} "
                "GROUP BY collector_id",
                "",
                "sum(p.days)",
            )
        )
        if q.wants("active_days", "calls_per_day")
        else {}
    )
    # Per (scope, account) attempted: was it reached, did a number fail.
    attempted = (
        split_counts(
            q,
            f"SELECT collector_id, account_id, reached, invalid FROM {CONTACT_ACCOUNTS}",
            "account_id",
            "max(p.reached) AS reached, max(p.invalid) AS invalid",
            {
                "attempted": "count(*)",
                "reached": "sum(reached)",
                "lost": count_where("reached = 0 AND invalid = 1"),
            },
        )
        if q.wants("accounts_attempted", "accounts_reached", "lost_contact_accounts")
        else dict.fromkeys(q.scopes, [0, 0, 0])
    )
    # Coverage: the share of the scope's book (opening plus new accounts) it contacted.
    contacted = (
        "SELECT DISTINCT s.scope_kind, s.scope_id, d.account_id FROM "
        f"{CONTACT_ACCOUNTS} d JOIN {SCOPES_TABLE} s ON s.collector_id = d.collector_id"
    )
    coverage = q.by_scope(
        "SELECT b.scope_kind, b.scope_id, count(*), count(a.account_id) "
        f"FROM ({book_sql(q)}) b LEFT JOIN ({contacted}) a "
        "ON a.scope_kind = b.scope_kind AND a.scope_id = b.scope_id "
        "AND a.account_id = b.account_id GROUP BY 1, 2"
    )
    has_duration = q.store.has_column("contacts", "duration_s")

    out: dict[ScopeKey, dict] = {}
    for scope in q.scopes:
        by_channel = channels[scope]
        call = by_channel.get("call", dict.fromkeys(_CHANNEL_COLUMNS, 0))
        total = sum(row["contacts"] for row in by_channel.values())
        calls, connected, rpc_calls = call["contacts"], call["connected"], call["rpc"]
        active_days = int(active[scope][0][0]) if scope in active else 0
        accounts_attempted, reached, lost = attempted[scope]
        book, covered = tuple(int(v) for v in coverage[scope][0]) if scope in coverage else (0, 0)
        talk = round(call["talk_ms"] / 1000, _TALK_DECIMALS) if has_duration else None
        state[scope]["contacts"] = total
        state[scope]["right_party_contacts"] = sum(row["rpc"] for row in by_channel.values())
        out[scope] = {
            "contacts": total,
            "contacts_by_channel": {ch: row["contacts"] for ch, row in by_channel.items()},
            "calls": calls,
            "active_days": active_days,
            "calls_per_day": ratio(calls, active_days),
            "connected_calls": connected,
            "connect_rate": ratio(connected, calls),
            "rpc_calls": rpc_calls,
            "rpc_rate": ratio(rpc_calls, calls),
            "talk_seconds": talk,
            "avg_talk_seconds": None if talk is None else ratio(talk, connected),
            "accounts_attempted": accounts_attempted,
            "accounts_reached": reached,
            "contact_coverage": ratio(covered, book),
            "lost_contact_accounts": lost,
        }
    state["channels"] = channels
    return out
