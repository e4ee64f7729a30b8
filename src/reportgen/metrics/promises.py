"""Promise-to-pay metrics, from contacts and payments (spec/metrics.md, Promises to pay)."""

from __future__ import annotations

from decimal import Decimal

from reportgen.metrics.context import SCOPES_TABLE, PeriodQuery, ScopeKey, count_where
from reportgen.metrics.figures import money, ratio
from reportgen.metrics.keys import PROMISE_KEYS


def compute(q: PeriodQuery, state: dict) -> dict[ScopeKey, dict]:
    if "contacts" not in q.covered:
        return {scope: dict.fromkeys(PROMISE_KEYS) for scope in q.scopes}
    channels = state["channels"]
    has_amount = q.store.has_column("contacts", "promise_amount")
    out: dict[ScopeKey, dict] = {}
    for scope in q.scopes:
        made = sum(row["promises"] for row in channels[scope].values())
        cents = sum(row["promised_cents"] for row in channels[scope].values())
        out[scope] = {
            "promises": made,
            "promised_amount": money(cents) if has_amount else None,
            "ptp_rate": ratio(made, state[scope]["right_party_contacts"]),
            "promises_due": None,
            "promises_kept": None,
            "ptp_kept_rate": None,
        }
    if not q.store.has_column("contacts", "promise_date"):
        return out
    judged = q.by_scope(_due_sql(q, judge="payments" in q.covered))
    for scope in q.scopes:
        due, kept = tuple(judged[scope][0]) if scope in judged else (0, 0)
        out[scope]["promises_due"] = int(due)
        if "payments" in q.covered:
            out[scope]["promises_kept"] = int(kept)
            out[scope]["ptp_kept_rate"] = ratio(int(kept), int(due))
    return out


def _due_sql(q: PeriodQuery, *, judge: bool) -> str:
    """SQL: per scope, (promises due in the period, how many of them were kept).

    Due promises are the scopes' ``promise`` contacts, made at any time, whose
    promise date falls in the period. Each is judged on its own: the payments on
    its account (whoever is credited) dated from the contact's date to the
    promise date plus the grace days, inclusive, must reach the kept share of the
    promised amount, or number at least one when no amount was promised.
    """
    settings = q.config.promises
    amount = (
        "COALESCE(c.promise_amount, 0)" if q.store.has_column("contacts", "promise_amount") else "0"
    )
    due = (
        "SELECT row_number() OVER () AS promise_no, c.collector_id, c.account_id, "
        f"CAST(c.contacted_at AS DATE) AS made_on, c.promise_date AS due_on, {amount} AS cents "
        "FROM contacts c WHERE c.outcome = 'promise' AND c.promise_date IS NOT NULL "
        f"AND {q.window.dates('c.promise_date')} "
        f"AND c.collector_id IN (SELECT collector_id FROM {SCOPES_TABLE})"
    )
    if judge:
        # The share as the decimal the user wrote (0.55, not the binary 0.55000000000000004),
        # so 55 cents keep a promise of 1.00 at 55%, exactly as a hand check says.
        share = format(Decimal(repr(float(settings.kept_share))), "f")
        kept = count_where(
            f"(d.cents > 0 AND d.paid >= {share} * d.cents) OR (d.cents <= 0 AND d.payments >= 1)"
        )
        judged = (
            "SELECT p.promise_no, p.collector_id, p.cents, count(pay.amount) AS payments, "
            "COALESCE(sum(pay.amount), 0) AS paid "
            f"FROM ({due}) p LEFT JOIN payments pay ON pay.account_id = p.account_id "
            "AND pay.paid_on >= p.made_on "
            f"AND pay.paid_on <= p.due_on + {int(settings.grace_days)} "
            "GROUP BY p.promise_no, p.collector_id, p.cents"
        )
    else:
        kept = "0"  # no payments table: nothing is judged kept
        judged = due
    return (
        f"SELECT s.scope_kind, s.scope_id, count(*), {kept} FROM ({judged}) d "
        f"JOIN {SCOPES_TABLE} s ON s.collector_id = d.collector_id GROUP BY 1, 2"
    )
