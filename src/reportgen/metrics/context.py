"""What every metric group's queries share for one period: the store, the window, the scopes.

Scopes are rows of the temporary table ``reportgen_scopes`` (collector_id,
scope_kind, scope_id): joining a table's rows to it both keeps only the
rows of the scopes asked for (a collector's report reads that collector's
rows) and files every row under each scope it counts for (its collector,
its team, everyone). Grouping by (scope_kind, scope_id) then computes every
scope from its own rows, never from its members' figures.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from reportgen.config import Config
from reportgen.metrics.window import PeriodWindow
from reportgen.store import Store

SCOPES_TABLE = "reportgen_scopes"
# The period's contacts per (collector, account, day): see reportgen.metrics.contact_days.
CONTACT_DAYS_TABLE = "reportgen_contact_days"

# (scope kind, scope id); everyone's id is "" in SQL and None outside it.
ScopeKey = tuple[str, str]
ALL_KEY: ScopeKey = ("all", "")

# Outcome and channel codes of spec/data.md, written into query text (constants, not data).
CONNECTED_OUTCOMES = ("third_party", "right_party", "promise", "refused", "dispute")
RIGHT_PARTY_OUTCOMES = ("right_party", "promise", "refused", "dispute")
UNANSWERED_OUTCOMES = ("no_answer", "busy")
# Channels a debtor experiences as a contact at the moment it happens; letters and
# e-mail are not timed contacts, so the after-hours rule does not apply to them.
TIMED_CHANNELS = ("call", "sms", "visit", "im")

# Orders of the keys of per-channel and per-kind dictionaries: the spec's, then alphabetical.
CONTACT_CHANNELS = ("call", "sms", "letter", "visit", "im", "email")
PAYMENT_CHANNELS = ("call", "sms", "letter", "visit", "im", "agency", "legal", "self", "other")
ARRANGEMENT_KINDS = ("installment", "extension", "settlement")


def one_of(column: str, codes: Iterable[str]) -> str:
    """SQL: ``column`` is one of the (constant) ``codes``."""
    return f"{column} IN ({', '.join(repr(code) for code in codes)})"


def flag(condition: str) -> str:
    """SQL: 1 where ``condition`` holds, else 0."""
    return f"CASE WHEN {condition} THEN 1 ELSE 0 END"


def count_where(condition: str) -> str:
    """SQL aggregate: the number of rows where ``condition`` holds (0 where it is null).

    Not ``sum(CASE ... END)``: DuckDB keeps a sum of integers as a 128-bit number, which
    doubled the memory of the year's largest grouping (10 M contacts into 8.5 M
    groups); a count is a plain 64-bit one. PostgreSQL runs the same text.
    """
    return f"count(*) FILTER (WHERE {condition})"


def _split(columns: str) -> list[str]:
    return [column.strip() for column in columns.split(",") if column.strip()]


def ordered(labels: Iterable[str], known: tuple[str, ...]) -> list[str]:
    """``labels`` in ``known`` order first, then the others alphabetically."""
    found = set(labels)
    return [label for label in known if label in found] + sorted(found - set(known))


@dataclass
class PeriodQuery:
    """One period's queries against one store, for the scopes in ``reportgen_scopes``."""

    store: Store
    config: Config
    window: PeriodWindow
    scopes: tuple[ScopeKey, ...]
    # Dated tables present that cover every month of the period (their metrics are
    # null otherwise).
    covered: frozenset[str]
    # The metric keys asked for; None for all. A query whose figures are all unasked for
    # is not run (the engine then gives those keys as null).
    wanted: frozenset[str] | None = None
    # Where the period's contact days are read from: this connection's temporary table,
    # or a table of the whole year that the year and its months share.
    contact_days: str = CONTACT_DAYS_TABLE

    def wants(self, *keys: str) -> bool:
        """Whether any of ``keys`` is asked for."""
        return self.wanted is None or not self.wanted.isdisjoint(keys)

    def fetch(self, sql: str) -> list[tuple]:
        return self.store.con.execute(sql).fetchall()

    def execute(self, sql: str) -> None:
        self.store.con.execute(sql)

    def by_scope(self, sql: str) -> dict[ScopeKey, list[tuple]]:
        """Rows of a query whose first two columns are scope_kind, scope_id, per scope."""
        out: dict[ScopeKey, list[tuple]] = {}
        for row in self.fetch(sql):
            out.setdefault((row[0], row[1]), []).append(tuple(row[2:]))
        return out

    def rows(self, table: str, where: str) -> str:
        """SQL: ``table``'s rows matching ``where`` held by a collector of the scopes asked for."""
        return (
            f"SELECT * FROM {table} WHERE {where} "
            f"AND collector_id IN (SELECT collector_id FROM {SCOPES_TABLE})"
        )

    def rolled_up(self, per_collector: str, keys: str, sums: str) -> str:
        """SQL: partial results per collector re-grouped per scope.

        ``per_collector`` is a query with a ``collector_id`` column, already grouped
        as finely as the metric needs (collector, account, day ...); ``keys`` are its
        other grouping columns and ``sums`` the aggregates that combine partial rows
        (``sum(n) AS n``, ``max(reached) AS reached``). Grouping each collector's rows
        first and only then filing them under their scopes keeps the rows that are
        repeated per scope few.
        """
        group = ", ".join(["s.scope_kind", "s.scope_id", *(f"p.{k}" for k in _split(keys))])
        return (
            f"SELECT {group}, {sums} FROM ({per_collector}) p "
            f"JOIN {SCOPES_TABLE} s ON s.collector_id = p.collector_id GROUP BY {group}"
        )

    def scoped(self, table: str, where: str) -> str:
        """SQL: ``table``'s rows matching ``where``, once per scope they count for."""
        return (
            f"SELECT t.*, s.scope_kind, s.scope_id FROM {table} t "
            f"JOIN {SCOPES_TABLE} s ON s.collector_id = t.collector_id WHERE {where}"
        )

    def bucket(self, dpd: str) -> str:
        """SQL: the bucket number of ``dpd`` (0 = first bucket), -1 for current or NULL."""
        bounds = self.config.buckets.lower_bounds
        cases = " ".join(
            f"WHEN {dpd} >= {int(bounds[i])} THEN {i}" for i in reversed(range(len(bounds)))
        )
        return f"CASE {cases} ELSE -1 END"
