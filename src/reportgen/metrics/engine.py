"""The metrics engine: SQL queries over a :class:`~reportgen.store.Store`, one period at a time.

Each metric group (portfolio, recovery, activity, promises, arrangements and
complaints, compliance) runs a few grouped queries for a period; every scope
asked for is computed in the same queries, each from its own rows (see
:mod:`reportgen.metrics.context`). The database does the heavy work over the
rows; Python turns the small per-scope results into the metric dicts.

Only the scopes a caller asks for are computed (:meth:`MetricsEngine.require`):
a collector's report reads that collector's rows, ``--all`` and ``archive``
read everyone's in one grouped pass.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from reportgen.config import Config
from reportgen.data.dataset import OPTIONAL_TABLES, Dataset
from reportgen.errors import PeriodError, ScopeError
from reportgen.metrics import (
    activity,
    arrangements,
    compliance,
    contact_days,
    portfolio,
    promises,
    recovery,
)
from reportgen.metrics.context import ALL_KEY, SCOPES_TABLE, PeriodQuery, ScopeKey
from reportgen.metrics.keys import METRIC_KEYS
from reportgen.metrics.roster import Roster
from reportgen.metrics.window import PeriodWindow
from reportgen.periods import Period, parse_period
from reportgen.scope import Scope
from reportgen.store import Store

# In dependency order: later groups read what earlier ones leave in the shared state.
_GROUPS = (portfolio, recovery, activity, promises, arrangements, compliance)


@dataclass
class PeriodMetrics:
    """The metrics of the scopes computed for one period.

    The dicts are shared with the engine's cache: treat them as read-only.
    """

    period: Period
    collectors: dict[str, dict]
    teams: dict[str, dict]
    everyone: dict | None
    _channels: dict[ScopeKey, dict | None] = field(default_factory=dict, repr=False)
    _roster: Roster | None = field(default=None, repr=False)

    def for_scope(self, scope: Scope) -> dict:
        """The metrics dict of ``scope``.

        Raises :class:`ScopeError` for an id not on the roster, and LookupError for a
        scope the engine was not asked to compute (see :meth:`MetricsEngine.require`).
        """
        if self._roster is not None:
            _check_scope(self._roster, scope)
        if scope.kind == "all":
            found = self.everyone
        else:
            found = (self.collectors if scope.kind == "collector" else self.teams).get(
                str(scope.id)
            )
        if found is None:
            raise LookupError(f"the metrics of {scope} were not asked of the engine")
        return found

    def channel_activity(self, scope: Scope) -> dict | None:
        """``{channel: {"contacts", "connected", "rpc"}}`` over the scope's contacts.

        ``None`` when contacts are missing or do not cover the period; ``{}`` when
        the scope made no contact. Channels in the spec's order.
        """
        if self._roster is not None:
            _check_scope(self._roster, scope)
        return self._channels[_key(scope)]


def _key(scope: Scope) -> ScopeKey:
    return ALL_KEY if scope.kind == "all" else (scope.kind, str(scope.id))


def _unknown_scope(scope: Scope, known: Iterable[str]) -> str:
    kind = "collector" if scope.kind == "collector" else "team"
    known = list(known)
    listing = ", ".join(known[:20]) + (" ..." if len(known) > 20 else "")
    return f"{kind} '{scope.id}' is not on the collectors roster; known {kind}s: {listing}"


def _check_scope(roster: Roster, scope: Scope) -> None:
    if scope.kind == "collector" and scope.id not in roster.team_of:
        raise ScopeError(_unknown_scope(scope, roster.collector_ids))
    if scope.kind == "team" and scope.id not in roster.team_ids:
        raise ScopeError(_unknown_scope(scope, roster.team_ids))


@dataclass
class _SharedFoldHolder:
    fold: contact_days.SharedFold | None = None


class MetricsEngine:
    """Computes and caches each period's metrics for the scopes asked for."""

    def __init__(self, source: Store | Dataset, config: Config) -> None:
        self.store = source if isinstance(source, Store) else Store.from_dataset(source)
        self.config = config
        self.roster = Roster.of(self.store.collector_rows)
        # The scopes asked for; None until something is asked, and then every scope
        # is computed.
        self._wanted: set[ScopeKey] | None = None
        # The metric keys computed; None for all (see narrowed).
        self._keys: frozenset[str] | None = None
        self._cache: dict[str, PeriodMetrics] = {}
        # Contact days of a period folded once for it and the engines narrowed from this
        # one (see shared_contact_days); the holder is shared with them, so none of them
        # reads the fold once it is dropped.
        self._shared = _SharedFoldHolder()

    @property
    def collector_ids(self) -> tuple[str, ...]:
        return self.roster.collector_ids

    @property
    def team_ids(self) -> tuple[str, ...]:
        return self.roster.team_ids

    def collector_name(self, collector_id: str) -> str | None:
        if collector_id not in self.roster.team_of:
            return None
        return self.roster.collector_names[self.roster.collector_ids.index(collector_id)]

    def team_name(self, team_id: str) -> str | None:
        if team_id not in self.roster.team_ids:
            return None
        return self.roster.team_names[self.roster.team_ids.index(team_id)]

    def members(self, scope: Scope) -> tuple[str, ...]:
        """Collector ids of a team or of everyone, sorted; the collector itself otherwise."""
        self.check_scope(scope)
        if scope.kind == "collector":
            return (str(scope.id),)
        if scope.kind == "all":
            return self.roster.collector_ids
        return self.roster.members(str(scope.id))

    def check_scope(self, scope: Scope) -> None:
        _check_scope(self.roster, scope)

    def require(self, scopes: Iterable[Scope], *, members: bool = False) -> None:
        """Ask for ``scopes`` (and, with ``members``, every collector of a team or all).

        Until something is asked for, every scope is computed; periods already computed
        for every scope serve any request. Asking for more than was asked before
        computes the periods again, for the wider set.
        """
        wanted: set[ScopeKey] = set()
        for scope in scopes:
            self.check_scope(scope)
            wanted.add(_key(scope))
            if members and scope.kind != "collector":
                wanted.update(("collector", c) for c in self.members(scope))
        if self._wanted is None:
            if not self._cache:  # nothing computed yet: compute only what is asked
                self._wanted = wanted
        elif not wanted <= self._wanted:
            self._wanted |= wanted
            self._cache.clear()

    def narrowed(
        self,
        scopes: Iterable[Scope],
        *,
        members: bool = False,
        own_connection: bool = False,
        keys: Iterable[str] | None = None,
    ) -> MetricsEngine:
        """An engine over the same source computing only ``scopes`` (and, with ``members``,
        their collectors; see :meth:`require`), with its own cache. With ``keys``, only
        those metrics are sure to be computed: queries that feed none of them are not run,
        and every other key is null (a year-end review's months need ten figures of sixty).

        For figures only some scopes need (a year-end review's months, collectors only):
        each query then joins and groups a third of the rows it would for every scope.
        With ``own_connection`` it queries through a connection of its own, so it can run
        in another thread beside this engine.
        """
        engine = MetricsEngine.__new__(MetricsEngine)
        engine.store = self.store.on_own_connection() if own_connection else self.store
        engine.config, engine.roster = self.config, self.roster
        engine._wanted = None
        engine._keys = None if keys is None else frozenset(keys)
        engine._cache = {}
        engine._shared = self._shared
        try:
            engine.require(scopes, members=members)
        except BaseException:
            if own_connection:
                engine.store.close()
            raise
        return engine

    def _every_scope(self) -> set[ScopeKey]:
        every = {("collector", c) for c in self.roster.collector_ids}
        return every | {("team", t) for t in self.roster.team_ids} | {ALL_KEY}

    def _scopes(self) -> tuple[ScopeKey, ...]:
        wanted = self._every_scope() if self._wanted is None else self._wanted
        order = {"collector": 0, "team": 1, "all": 2}
        return tuple(sorted(wanted, key=lambda key: (order[key[0]], key[1])))

    def covers(self, period: Period | str) -> bool:
        """Whether ``accounts`` has the opening snapshot and every month-end of the period."""
        period = parse_period(period) if isinstance(period, str) else period
        return not self._missing_snapshot_months(period)

    def _missing_snapshot_months(self, period: Period) -> list[str]:
        from reportgen.periods import month_label

        held = set(self.store.snapshot_months)
        needed = range(period.first_month_index - 1, period.last_month_index + 1)
        return [month_label(m) for m in needed if month_label(m) not in held]

    def _covered_tables(self, period: Period) -> frozenset[str]:
        covered = set()
        for name in OPTIONAL_TABLES:
            span = self.store.month_span(name) if self.store.has(name) else None
            if span is not None and span[0] <= period.months[0] and period.months[-1] <= span[1]:
                covered.add(name)
        return frozenset(covered)

    def cached(self, period: Period) -> PeriodMetrics | None:
        """``period``'s metrics if this engine has computed them for the scopes asked for."""
        return self._cache.get(period.label)

    def check_covered(self, period: Period) -> None:
        """Raise :class:`PeriodError` when the snapshots do not cover ``period`` (see
        :meth:`covers`): the check :meth:`period_metrics` starts with, without the work."""
        missing = self._missing_snapshot_months(period)
        if missing:
            held = self.store.snapshot_months
            holds = f"{held[0]}..{held[-1]}" if held else "no month"
            raise PeriodError(
                f"accounts has no snapshot for {', '.join(missing)}; period {period.label} needs "
                f"the opening snapshot {period.opening_month} and every month from "
                f"{period.months[0]} to {period.months[-1]} (accounts holds {holds})"
            )

    def period_metrics(self, period: Period | str) -> PeriodMetrics:
        period = parse_period(period) if isinstance(period, str) else period
        cached = self._cache.get(period.label)
        if cached is not None:
            return cached
        query, collectors = self._period_query(period)
        scopes = query.scopes
        state: dict = {scope: {} for scope in scopes}
        values: dict[ScopeKey, dict] = {scope: {} for scope in scopes}
        if "contacts" in query.covered:
            contact_days.create(query, collectors, self._shared.fold)
        try:
            for group in _GROUPS:
                for scope, found in group.compute(query, state).items():
                    values[scope].update(found)
        finally:
            contact_days.drop(query)
        keys = self._keys
        ordered = {
            s: {key: found[key] if keys is None or key in keys else None for key in METRIC_KEYS}
            for s, found in values.items()
        }
        channels = state.get("channels")
        metrics = PeriodMetrics(
            period=period,
            collectors={s[1]: m for s, m in ordered.items() if s[0] == "collector"},
            teams={s[1]: m for s, m in ordered.items() if s[0] == "team"},
            everyone=ordered.get(ALL_KEY),
            _channels={
                scope: None if channels is None else _channel_activity(channels[scope])
                for scope in scopes
            },
            _roster=self.roster,
        )
        self._cache[period.label] = metrics
        return metrics

    @contextlib.contextmanager
    def shared_contact_days(self, period: Period) -> Iterator[None]:
        """Fold ``period``'s contacts once, for the scopes asked for, into a table that this
        engine and every engine narrowed from it inside the block read instead of folding
        their own: a year-end review's months take their slices of the year's (folding the
        contacts is the largest query of a period). Does nothing where the store has no
        table that its connections share, or contacts do not cover the period."""
        schema = self.store.scratch_schema
        if (
            schema is None
            or self._shared.fold is not None
            or self.cached(period) is not None  # its months alone would read it
            or "contacts" not in self._covered_tables(period)
        ):
            yield
            return
        query, collectors = self._period_query(period)
        months = [PeriodWindow.of(parse_period(month)) for month in period.months]
        fold = contact_days.share(query, schema, collectors, months)
        self._shared.fold = fold
        try:
            yield
        finally:
            self._shared.fold = None
            contact_days.drop_shared(query, fold)

    def _period_query(self, period: Period) -> tuple[PeriodQuery, frozenset[str]]:
        """The queries' context for ``period`` over the scopes asked for (their table
        written), and the collectors of those scopes; PeriodError when not covered."""
        self.check_covered(period)
        scopes = self._scopes()
        collectors = self._write_scopes_table(scopes)
        held = self.store.contacts_of
        if held is not None and not collectors <= held:
            # A programming error, not the user's: the store was loaded for one scope.
            raise RuntimeError(
                f"this store holds the contacts of {', '.join(sorted(held)) or 'no one'} "
                f"only, not of {', '.join(sorted(collectors - held))}"
            )
        query = PeriodQuery(
            store=self.store,
            config=self.config,
            window=PeriodWindow.of(period),
            scopes=scopes,
            covered=self._covered_tables(period),
            wanted=self._keys,
        )
        return query, collectors

    def _write_scopes_table(self, scopes: tuple[ScopeKey, ...]) -> frozenset[str]:
        """(collector_id, scope_kind, scope_id): each collector once per scope it counts for.
        Returns the collectors written."""
        wanted = set(scopes)
        rows = []
        for collector in self.roster.collector_ids:
            team = self.roster.team_of[collector]
            if ("collector", collector) in wanted:
                rows.append((collector, "collector", collector))
            if ("team", team) in wanted:
                rows.append((collector, "team", team))
            if ALL_KEY in wanted:
                rows.append((collector, "all", ""))
        self.store.create_temp_table(SCOPES_TABLE, ("collector_id", "scope_kind", "scope_id"), rows)
        return frozenset(row[0] for row in rows)


def _channel_activity(channels: dict[str, dict[str, int]]) -> dict:
    return {
        channel: {"contacts": row["contacts"], "connected": row["connected"], "rpc": row["rpc"]}
        for channel, row in channels.items()
    }
