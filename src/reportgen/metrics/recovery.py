"""Recovery metrics, from payments (spec/metrics.md, Recovery)."""

from __future__ import annotations

from reportgen.metrics.context import PAYMENT_CHANNELS, PeriodQuery, ScopeKey, ordered
from reportgen.metrics.figures import money, ratio
from reportgen.metrics.keys import RECOVERY_KEYS
from reportgen.metrics.portfolio import opening_sql


def compute(q: PeriodQuery, state: dict) -> dict[ScopeKey, dict]:
    if "payments" not in q.covered:
        return {scope: dict.fromkeys(RECOVERY_KEYS) for scope in q.scopes}
    w = q.window
    labels = q.config.buckets.labels
    width = len(labels)
    payments = q.scoped("payments", w.dates("t.paid_on"))

    # By channel and by the account's bucket in the whole opening snapshot (whoever
    # held it); an account current or absent there is "other" (-1 here).
    channel = (
        "COALESCE(p.channel, 'other')" if q.store.has_column("payments", "channel") else ("'other'")
    )
    parts = q.by_scope(
        f"SELECT p.scope_kind, p.scope_id, {channel}, {q.bucket('o.dpd')}, "
        f"count(*), sum(p.amount) FROM ({payments}) p LEFT JOIN accounts o "
        f"ON o.account_id = p.account_id AND o.month = '{w.opening_month}' GROUP BY 1, 2, 3, 4"
    )
    paying = (
        q.by_scope(
            f"SELECT scope_kind, scope_id, count(DISTINCT account_id) FROM ({payments}) p "
            "GROUP BY 1, 2"
        )
        if q.wants("paying_accounts", "account_recovery_rate")
        else {}
    )
    # Paid in full: the opening accounts with a balance above 0 whose payments in the
    # period, whoever is credited, reach that balance.
    paid_in_full = (
        q.by_scope(
            f"SELECT o.scope_kind, o.scope_id, count(*) FROM ({opening_sql(q)}) o JOIN ("
            f"SELECT account_id, sum(amount) AS cents FROM payments WHERE {w.dates('paid_on')} "
            f"AND account_id IN (SELECT account_id FROM ({opening_sql(q)}) b) GROUP BY account_id"
            ") paid ON paid.account_id = o.account_id "
            "WHERE o.balance > 0 AND paid.cents >= o.balance GROUP BY 1, 2"
        )
        if q.wants("paid_in_full_accounts")
        else {}
    )

    out: dict[ScopeKey, dict] = {}
    for scope in q.scopes:
        channel_cents: dict[str, int] = {}
        bucket_cents = [0] * (width + 1)  # the last one is "other"
        for channel, bucket, _count, cents in parts.get(scope, []):
            channel_cents[channel] = channel_cents.get(channel, 0) + int(cents)
            bucket_cents[bucket if bucket >= 0 else width] += int(cents)
        recovered = sum(bucket_cents)
        opening_bucket_cents = state[scope]["opening_bucket_cents"]
        paying_accounts = int(paying[scope][0][0]) if scope in paying else 0
        book = state[scope]["opening_accounts"] + state[scope]["new_accounts"]
        out[scope] = {
            "recovered_amount": money(recovered),
            "recovered_by_channel": {
                channel: money(channel_cents[channel])
                for channel in ordered(channel_cents, PAYMENT_CHANNELS)
            },
            "recovered_by_bucket": {
                label: money(bucket_cents[b]) for b, label in enumerate((*labels, "other"))
            },
            "recovery_rate": ratio(recovered, state[scope]["assigned_cents"]),
            "recovery_rate_by_bucket": {
                label: ratio(bucket_cents[b], opening_bucket_cents[b])
                for b, label in enumerate(labels)
            },
            "paying_accounts": paying_accounts,
            "account_recovery_rate": ratio(paying_accounts, book),
            "paid_in_full_accounts": int(paid_in_full[scope][0][0]) if scope in paid_in_full else 0,
        }
    return out
