"""The period's contacts folded once per (collector, account, day), for the per-account metrics.

Distinct accounts attempted, reached and lost, and the compliance limits per
debtor and day, must be counted on each scope's own rows: a team's figure is
not the sum of its members' when two of them worked the same account. But
most accounts are worked by one collector in a period, and for those the
team's and the centre's rows are exactly that collector's. So:

- ``reportgen_contact_days`` holds, per (collector, account, day) of the period,
  the counts those metrics need (one pass over the period's contacts);
- ``reportgen_contact_accounts`` holds, per (collector, account), whether the
  account was reached and whether a number failed: the twentieth part of the
  rows of the days, which the per-account metrics and the list of shared
  accounts read instead of grouping the days again each;
- ``reportgen_shared_accounts`` lists the accounts two or more collectors worked;
- :func:`split_counts` counts an account worked by one collector once per
  collector and adds the counts up per scope, and re-groups only the shared
  accounts' rows by scope.

The result is the same as grouping every row by scope, with far fewer rows
repeated per scope.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from reportgen.metrics.context import (
    CONNECTED_OUTCOMES,
    CONTACT_DAYS_TABLE,
    RIGHT_PARTY_OUTCOMES,
    SCOPES_TABLE,
    UNANSWERED_OUTCOMES,
    PeriodQuery,
    ScopeKey,
    count_where,
    flag,
    one_of,
)
from reportgen.metrics.window import PeriodWindow

CONTACT_DAYS = CONTACT_DAYS_TABLE
CONTACT_ACCOUNTS = "reportgen_contact_accounts"
SHARED_ACCOUNTS = "reportgen_shared_accounts"
# Names of the tables shared between connections, one per fold made by this process.
_SHARED_NAMES = itertools.count(1)


@dataclass(frozen=True)
class SharedFold:
    """A period's contact days kept where every connection of the store sees them, so a
    year-end review's months read theirs instead of folding their contacts again.

    It is folded month by month, one table each (a day never crosses a month), and
    ``table`` is their union: a month reads its own table as it is, and nothing is copied.
    """

    table: str  # qualified name of the whole period's rows (a view of the months' tables)
    start: date
    end: date
    collectors: frozenset[str]  # the collectors whose contacts it holds
    months: tuple[tuple[date, date, str], ...] = ()  # (first day, last day, table)

    def serves(self, q: PeriodQuery, collectors: frozenset[str]) -> bool:
        """Whether it holds every contact day of ``q``'s period for ``collectors``."""
        return (
            self.start <= q.window.start
            and q.window.end <= self.end
            and collectors <= self.collectors
        )

    def is_exactly(self, q: PeriodQuery, collectors: frozenset[str]) -> bool:
        return (self.start, self.end, self.collectors) == (q.window.start, q.window.end, collectors)

    def month_table(self, q: PeriodQuery) -> str | None:
        """The table of exactly ``q``'s period when that is one of its months."""
        for start, end, table in self.months:
            if (start, end) == (q.window.start, q.window.end):
                return table
        return None


def _fold(q: PeriodQuery, window: PeriodWindow | None = None) -> str:
    """SQL: the contacts of ``window`` (default: the period) of the scopes' collectors per
    (collector, account, day)."""
    window = window or q.window
    is_call = "channel = 'call'"
    calls_with = {
        "unanswered_calls": one_of("outcome", UNANSWERED_OUTCOMES),
        "connected_calls": one_of("outcome", CONNECTED_OUTCOMES),
        "rpc_calls": one_of("outcome", RIGHT_PARTY_OUTCOMES),
    }
    invalid = "outcome = 'invalid_number'"
    columns = [
        f"{count_where(is_call)} AS calls",
        *(f"{count_where(f'{is_call} AND {cond}')} AS {name}" for name, cond in calls_with.items()),
        f"{count_where(one_of('outcome', RIGHT_PARTY_OUTCOMES))} AS rpc",
        f"{count_where(invalid)} AS invalid",
    ]
    return (
        f"SELECT collector_id, account_id, CAST(contacted_at AS DATE) AS day, "
        f"{', '.join(columns)} FROM ({q.rows('contacts', window.times('contacted_at'))}) c "
        "GROUP BY 1, 2, 3"
    )


def create(q: PeriodQuery, collectors: frozenset[str], shared: SharedFold | None = None) -> None:
    """Make the period's contact days readable as ``q.contact_days``, its contacted accounts
    per collector, and the accounts two collectors worked (contacts must cover the
    period). ``collectors`` are those of the scopes table. From ``shared`` when it holds
    them: as it is when it is exactly this period's, else this period's slice of
    it; from the contacts otherwise."""
    drop(q)  # CREATE OR REPLACE TABLE is DuckDB's alone
    month = shared.month_table(q) if shared is not None else None
    if shared is not None and shared.is_exactly(q, collectors):
        q.contact_days = shared.table
    elif month is not None and collectors == shared.collectors:
        q.contact_days = month
    elif shared is not None and shared.serves(q, collectors):
        q.execute(
            f"CREATE TEMP TABLE {CONTACT_DAYS} AS SELECT * FROM {month or shared.table} "
            f"WHERE {q.window.dates('day')} "
            f"AND collector_id IN (SELECT collector_id FROM {SCOPES_TABLE})"
        )
    else:
        q.execute(f"CREATE TEMP TABLE {CONTACT_DAYS} AS {_fold(q)}")
    q.execute(
        f"CREATE TEMP TABLE {CONTACT_ACCOUNTS} AS SELECT collector_id, account_id, "
        f"max({flag('rpc > 0')}) AS reached, max({flag('invalid > 0')}) AS invalid "
        f"FROM {q.contact_days} GROUP BY 1, 2"
    )
    # Each (collector, account) is one row of it: more than one row, more than one collector.
    q.execute(
        f"CREATE TEMP TABLE {SHARED_ACCOUNTS} AS SELECT account_id "
        f"FROM {CONTACT_ACCOUNTS} GROUP BY account_id HAVING count(*) > 1"
    )


def share(
    q: PeriodQuery, schema: str, collectors: frozenset[str], months: list[PeriodWindow]
) -> SharedFold:
    """Fold the period's contacts, month by month (``months`` cover the period), into new
    tables of ``schema`` that every connection of the store sees, and their union into a
    view; ``collectors`` are those of the scopes table. Folding each month on its own
    costs what folding the period at once does."""
    name = f"{schema}.reportgen_shared_contact_days_{next(_SHARED_NAMES)}"
    tables: list[tuple[date, date, str]] = []
    try:
        for index, window in enumerate(months, 1):
            table = f"{name}_m{index}"
            q.execute(f"CREATE TABLE {table} AS {_fold(q, window)}")
            tables.append((window.start, window.end, table))
        union = " UNION ALL ".join(f"SELECT * FROM {table}" for _, _, table in tables)
        q.execute(f"CREATE VIEW {name} AS {union}")
    except BaseException:
        _drop_tables(q, [table for _, _, table in tables])
        raise
    return SharedFold(name, q.window.start, q.window.end, collectors, tuple(tables))


def drop(q: PeriodQuery) -> None:
    for table in (CONTACT_DAYS, CONTACT_ACCOUNTS, SHARED_ACCOUNTS):
        q.execute(f"DROP TABLE IF EXISTS {table}")
    q.contact_days = CONTACT_DAYS


def drop_shared(q: PeriodQuery, fold: SharedFold) -> None:
    q.execute(f"DROP VIEW IF EXISTS {fold.table}")
    _drop_tables(q, [table for _, _, table in fold.months])


def _drop_tables(q: PeriodQuery, tables: list[str]) -> None:
    for table in tables:
        q.execute(f"DROP TABLE IF EXISTS {table}")


def split_counts(
    q: PeriodQuery,
    rows: str,
    keys: str,
    combine: str,
    counts: dict[str, str],
    derive: Callable[[str, str], str] | None = None,
) -> dict[ScopeKey, list[int]]:
    """Per scope, the ``counts`` (alias → aggregate) over rows keyed by account.

    ``rows`` is a query of per-(collector, account, ...) rows, with ``keys`` the
    grouping columns after collector_id (account_id first) and ``combine`` the
    aggregates that merge two collectors' rows of one key (``sum(p.calls) AS
    calls``). ``derive(source, owner)``, when given, wraps a query of such rows with
    columns computed per account (window functions), ``owner`` being the columns
    that say whose rows they are (``collector_id`` or ``scope_kind, scope_id``).
    """
    derive = derive or (lambda source, _owner: source)
    selected = ", ".join(f"{expression} AS {alias}" for alias, expression in counts.items())
    single = (
        f"SELECT collector_id, {selected} FROM ("
        f"{derive(_only(rows, shared=False), 'collector_id')}) r GROUP BY collector_id"
    )
    by_scope = q.by_scope(q.rolled_up(single, "", ", ".join(f"sum(p.{alias})" for alias in counts)))
    regrouped = q.rolled_up(_only(rows, shared=True), keys, combine)
    shared = q.by_scope(
        f"SELECT scope_kind, scope_id, {selected} FROM ("
        f"{derive(regrouped, 'scope_kind, scope_id')}) r GROUP BY 1, 2"
    )
    out: dict[ScopeKey, list[int]] = {}
    for scope in q.scopes:
        parts = [by_scope.get(scope, [()])[0], shared.get(scope, [()])[0]]
        out[scope] = [
            sum(int(part[i]) for part in parts if part and part[i] is not None)
            for i in range(len(counts))
        ]
    return out


def _only(rows: str, *, shared: bool) -> str:
    test = "IN" if shared else "NOT IN"
    return (
        f"SELECT * FROM ({rows}) a WHERE account_id {test} "
        f"(SELECT account_id FROM {SHARED_ACCOUNTS})"
    )
