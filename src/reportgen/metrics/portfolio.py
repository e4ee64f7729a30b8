"""Portfolio metrics, from the month-end snapshots (spec/metrics.md, Portfolio)."""

from __future__ import annotations

from reportgen.metrics.context import PeriodQuery, ScopeKey
from reportgen.metrics.figures import money, ratio


def held_sql(q: PeriodQuery) -> str:
    """SQL: (scope_kind, scope_id, account_id, first_month) of every account a scope held
    overdue at a month end of the period, with the first such month.

    Each collector's first month per account comes first (one row per collector and
    account, not per month); a team's first month is the earliest of its members'.
    """
    w = q.window
    months = f"month BETWEEN '{w.first_month}' AND '{w.last_month}' AND dpd >= 1"
    per_collector = (
        "SELECT collector_id, account_id, min(month) AS first_month FROM ("
        f"{q.rows('accounts', months)}) a GROUP BY 1, 2"
    )
    return q.rolled_up(per_collector, "account_id", "min(p.first_month) AS first_month")


def opening_sql(q: PeriodQuery) -> str:
    """SQL: the scopes' opening accounts (overdue in the opening snapshot), one row each."""
    return q.scoped("accounts", f"t.month = '{q.window.opening_month}' AND t.dpd >= 1")


def book_sql(q: PeriodQuery) -> str:
    """SQL: distinct (scope_kind, scope_id, account_id) of each scope's book.

    The book is the opening accounts plus the new ones; new accounts are the
    accounts held overdue at a month end of the period that are not opening
    accounts, so the book is simply every account of either kind.
    """
    return (
        f"SELECT scope_kind, scope_id, account_id FROM ({opening_sql(q)}) o "
        f"UNION SELECT scope_kind, scope_id, account_id FROM ({held_sql(q)}) h"
    )


def compute(q: PeriodQuery, state: dict) -> dict[ScopeKey, dict]:
    w = q.window
    labels = q.config.buckets.labels
    width = len(labels)

    def by_bucket(month: str) -> dict[ScopeKey, list[list[int]]]:
        rows_sql = q.scoped("accounts", f"t.month = '{month}' AND t.dpd >= 1")
        rows = q.by_scope(
            f"SELECT scope_kind, scope_id, {q.bucket('dpd')}, count(*), sum(balance) "
            f"FROM ({rows_sql}) r GROUP BY 1, 2, 3"
        )
        grid: dict[ScopeKey, list[list[int]]] = {}
        for scope in q.scopes:
            cells = [[0, 0] for _ in range(width)]
            for bucket, count, cents in rows.get(scope, []):
                cells[bucket] = [int(count), int(cents)]
            grid[scope] = cells
        return grid

    opening = by_bucket(w.opening_month)
    # The closing snapshot and the roll feed only their own keys (not the recovery rate).
    closing_keys = ("closing_accounts", "closing_balance", "closing_by_bucket")
    closing = (
        by_bucket(w.last_month)
        if q.wants(*closing_keys, "overdue_accounts_change")
        else {scope: [[0, 0] for _ in range(width)] for scope in q.scopes}
    )

    # Opening accounts judged by their row in the whole closing snapshot, whoever holds
    # it; absent or dpd 0 there is "current" (-1).
    roll_keys = ("cured_accounts", "cure_rate", "worsened_accounts", "roll_forward_rate")
    roll = (
        q.by_scope(
            f"SELECT o.scope_kind, o.scope_id, {q.bucket('o.dpd')}, {q.bucket('c.dpd')}, "
            f"count(*) FROM ({opening_sql(q)}) o LEFT JOIN accounts c "
            f"ON c.account_id = o.account_id AND c.month = '{w.last_month}' GROUP BY 1, 2, 3, 4"
        )
        if q.wants(*roll_keys, "roll_matrix")
        else {}
    )
    # New accounts: held overdue at some month end of the period, not opening accounts;
    # their balance is the one at the first such month end.
    # (An account has one row per month, so (account, first month) is one snapshot row.)
    new = q.by_scope(
        "SELECT h.scope_kind, h.scope_id, count(*), sum(a.balance) "
        f"FROM ({held_sql(q)}) h JOIN accounts a "
        "ON a.account_id = h.account_id AND a.month = h.first_month "
        f"WHERE NOT EXISTS (SELECT 1 FROM ({opening_sql(q)}) o "
        "WHERE o.scope_kind = h.scope_kind AND o.scope_id = h.scope_id "
        "AND o.account_id = h.account_id) GROUP BY 1, 2"
    )

    closing_labels = ("current", *labels)
    out: dict[ScopeKey, dict] = {}
    for scope in q.scopes:
        open_cells, close_cells = opening[scope], closing[scope]
        opening_accounts = sum(cell[0] for cell in open_cells)
        opening_cents = sum(cell[1] for cell in open_cells)
        closing_accounts = sum(cell[0] for cell in close_cells)
        closing_cents = sum(cell[1] for cell in close_cells)
        new_accounts, new_cents = next(iter(new.get(scope, [])), (0, 0))
        new_accounts, new_cents = int(new_accounts), int(new_cents)
        matrix = [[0] * (width + 1) for _ in range(width)]
        cured = worsened = 0
        for from_bucket, to_bucket, count in roll.get(scope, []):
            matrix[from_bucket][to_bucket + 1] += int(count)
            if to_bucket < 0:
                cured += int(count)
            elif to_bucket > from_bucket:
                worsened += int(count)
        state[scope] = {
            "opening_accounts": opening_accounts,
            "new_accounts": new_accounts,
            "assigned_cents": opening_cents + new_cents,
            "opening_bucket_cents": [cell[1] for cell in open_cells],
        }
        out[scope] = {
            "opening_accounts": opening_accounts,
            "opening_balance": money(opening_cents),
            "opening_by_bucket": _bucket_table(labels, open_cells),
            "closing_accounts": closing_accounts,
            "closing_balance": money(closing_cents),
            "closing_by_bucket": _bucket_table(labels, close_cells),
            "overdue_accounts_change": ratio(closing_accounts - opening_accounts, opening_accounts),
            "new_accounts": new_accounts,
            "new_balance": money(new_cents),
            "assigned_balance": money(opening_cents + new_cents),
            "cured_accounts": cured,
            "cure_rate": ratio(cured, opening_accounts),
            "worsened_accounts": worsened,
            "roll_forward_rate": ratio(worsened, opening_accounts),
            "roll_matrix": {
                label: dict(zip(closing_labels, matrix[b], strict=True))
                for b, label in enumerate(labels)
            },
        }
    return out


def _bucket_table(labels: tuple[str, ...], cells: list[list[int]]) -> dict:
    return {
        label: {"accounts": cells[b][0], "balance": money(cells[b][1])}
        for b, label in enumerate(labels)
    }
