"""The metric keys of spec/metrics.md, in the order the spec lists them.

This order is the key order of every metrics dict, of ``--format json`` and
of the rows of ``--format table`` and ``--format csv``.
"""

from __future__ import annotations

PORTFOLIO_KEYS = (
    "opening_accounts",
    "opening_balance",
    "opening_by_bucket",
    "closing_accounts",
    "closing_balance",
    "closing_by_bucket",
    "overdue_accounts_change",
    "new_accounts",
    "new_balance",
    "assigned_balance",
    "cured_accounts",
    "cure_rate",
    "worsened_accounts",
    "roll_forward_rate",
    "roll_matrix",
)

RECOVERY_KEYS = (
    "recovered_amount",
    "recovered_by_channel",
    "recovered_by_bucket",
    "recovery_rate",
    "recovery_rate_by_bucket",
    "paying_accounts",
    "account_recovery_rate",
    "paid_in_full_accounts",
)

ACTIVITY_KEYS = (
    "contacts",
    "contacts_by_channel",
    "calls",
    "active_days",
    "calls_per_day",
    "connected_calls",
    "connect_rate",
    "rpc_calls",
    "rpc_rate",
    "talk_seconds",
    "avg_talk_seconds",
    "accounts_attempted",
    "accounts_reached",
    "contact_coverage",
    "lost_contact_accounts",
)

PROMISE_KEYS = (
    "promises",
    "promised_amount",
    "ptp_rate",
    "promises_due",
    "promises_kept",
    "ptp_kept_rate",
)

ARRANGEMENT_COMPLAINT_KEYS = (
    "arrangements",
    "arrangements_by_kind",
    "arranged_amount",
    "complaints",
    "upheld_complaints",
    "complaints_per_1k_contacts",
)

COMPLIANCE_KEYS = (
    "after_hours_contacts",
    "excess_attempt_days",
    "excess_connected_days",
    "compliance_flags",
)

METRIC_KEYS: tuple[str, ...] = (
    PORTFOLIO_KEYS
    + RECOVERY_KEYS
    + ACTIVITY_KEYS
    + PROMISE_KEYS
    + ARRANGEMENT_COMPLAINT_KEYS
    + COMPLIANCE_KEYS
)

# Amounts of money (emitted as currency units, exact to the cent).
MONEY_KEYS = frozenset(
    {
        "opening_balance",
        "closing_balance",
        "new_balance",
        "assigned_balance",
        "recovered_amount",
        "recovered_by_channel",
        "recovered_by_bucket",
        "promised_amount",
        "arranged_amount",
    }
)

# Fractions (0.1234 = 12.34%), unrounded; reports round them for display.
RATIO_KEYS = frozenset(
    {
        "overdue_accounts_change",
        "cure_rate",
        "roll_forward_rate",
        "recovery_rate",
        "recovery_rate_by_bucket",
        "account_recovery_rate",
        "connect_rate",
        "rpc_rate",
        "contact_coverage",
        "ptp_rate",
        "ptp_kept_rate",
    }
)
