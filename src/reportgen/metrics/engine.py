"""The metrics engine: every scope's metrics for a period, in one grouped pass.

For a period, each metric group runs once per scope *level* (collectors,
teams, everyone); inside a level every scope is computed at once with
grouped numpy operations over the rows. Teams and the centre are computed
from their rows, never from their members' figures.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from reportgen.config import Config
from reportgen.data.dataset import Dataset
from reportgen.errors import PeriodError, ScopeError
from reportgen.metrics import activity, arrangements, compliance, portfolio, promises, recovery
from reportgen.metrics.grouping import Level
from reportgen.metrics.keys import METRIC_KEYS
from reportgen.metrics.period_data import PeriodData, period_data
from reportgen.metrics.prepared import PreparedData
from reportgen.periods import Period, parse_period
from reportgen.scope import Scope

# In dependency order: later groups read what earlier ones leave in the level's state.
_GROUPS = (portfolio, recovery, activity, promises, arrangements, compliance)


@dataclass
class PeriodMetrics:
    """Every scope's metrics for one period.

    The dicts are shared with the engine's cache: treat them as read-only.
    """

    period: Period
    collectors: dict[str, dict]
    teams: dict[str, dict]
    everyone: dict
    _channels: dict[str, dict[str | None, dict | None]] = field(default_factory=dict, repr=False)

    def for_scope(self, scope: Scope) -> dict:
        """The metrics dict of ``scope`` (raises :class:`ScopeError` for an unknown id)."""
        if scope.kind == "all":
            return self.everyone
        table = self.collectors if scope.kind == "collector" else self.teams
        if scope.id not in table:
            raise ScopeError(_unknown_scope(scope, table))
        return table[scope.id]

    def channel_activity(self, scope: Scope) -> dict | None:
        """``{channel: {"contacts", "connected", "rpc"}}`` over the scope's contacts.

        ``None`` when contacts are missing or do not cover the period; ``{}`` when
        the scope made no contact. Channels in the spec's order.
        """
        self.for_scope(scope)  # same ScopeError for an unknown id
        return self._channels[scope.kind][scope.id]


def _unknown_scope(scope: Scope, known: dict) -> str:
    kind = "collector" if scope.kind == "collector" else "team"
    listing = ", ".join(list(known)[:20]) + (" ..." if len(known) > 20 else "")
    return f"{kind} '{scope.id}' is not on the collectors roster; known {kind}s: {listing}"


class MetricsEngine:
    """Prepares a dataset once, then computes and caches each period's metrics."""

    def __init__(self, dataset: Dataset, config: Config) -> None:
        self.dataset = dataset
        self.config = config
        self.prepared = PreparedData(dataset, config)
        roster = self.prepared.roster
        count = len(roster.collector_ids)
        self.levels = (
            Level("collector", roster.collector_ids, np.arange(count, dtype=np.int64)),
            Level("team", roster.team_ids, roster.team_of),
            Level("all", (None,), np.zeros(count, dtype=np.int64)),
        )
        self._cache: dict[str, PeriodMetrics] = {}

    @property
    def collector_ids(self) -> tuple[str, ...]:
        return self.prepared.roster.collector_ids

    @property
    def team_ids(self) -> tuple[str, ...]:
        return self.prepared.roster.team_ids

    def collector_name(self, collector_id: str) -> str | None:
        roster = self.prepared.roster
        if collector_id not in roster.collector_ids:
            return None
        return roster.collector_names[roster.collector_ids.index(collector_id)]

    def team_name(self, team_id: str) -> str | None:
        roster = self.prepared.roster
        if team_id not in roster.team_ids:
            return None
        return roster.team_names[roster.team_ids.index(team_id)]

    def members(self, scope: Scope) -> tuple[str, ...]:
        """Collector ids of a team or of everyone, sorted; the collector itself otherwise."""
        self.check_scope(scope)
        roster = self.prepared.roster
        if scope.kind == "collector":
            return (str(scope.id),)
        if scope.kind == "all":
            return roster.collector_ids
        team = roster.team_ids.index(scope.id)
        return tuple(
            c for c, t in zip(roster.collector_ids, roster.team_of, strict=True) if t == team
        )

    def check_scope(self, scope: Scope) -> None:
        roster = self.prepared.roster
        if scope.kind == "collector" and scope.id not in roster.collector_ids:
            raise ScopeError(_unknown_scope(scope, dict.fromkeys(roster.collector_ids)))
        if scope.kind == "team" and scope.id not in roster.team_ids:
            raise ScopeError(_unknown_scope(scope, dict.fromkeys(roster.team_ids)))

    def covers(self, period: Period | str) -> bool:
        """Whether ``accounts`` has the opening snapshot and every month-end of the period."""
        period = parse_period(period) if isinstance(period, str) else period
        return not self.prepared.missing_snapshot_months(period)

    def period_metrics(self, period: Period | str) -> PeriodMetrics:
        period = parse_period(period) if isinstance(period, str) else period
        cached = self._cache.get(period.label)
        if cached is not None:
            return cached
        missing = self.prepared.missing_snapshot_months(period)
        if missing:
            held = self.prepared.snapshot_months()
            holds = f"{held[0]}..{held[-1]}" if held else "no month"
            raise PeriodError(
                f"accounts has no snapshot for {', '.join(missing)}; period {period.label} needs "
                f"the opening snapshot {period.opening_month} and every month from "
                f"{period.months[0]} to {period.months[-1]} (accounts holds {holds})"
            )
        data = period_data(self.prepared, period)
        results = {level.kind: _level_metrics(data, level) for level in self.levels}
        channels = {
            level.kind: dict(zip(level.ids, activity.channel_activity(data, level), strict=True))
            for level in self.levels
        }
        metrics = PeriodMetrics(
            period=period,
            collectors=results["collector"],
            teams=results["team"],
            everyone=results["all"][None],
            _channels=channels,
        )
        self._cache[period.label] = metrics
        return metrics


def _level_metrics(data: PeriodData, level: Level) -> dict[str | None, dict]:
    state: dict = {}
    columns: dict[str, list] = {}
    for group in _GROUPS:
        columns.update(group.compute(data, level, state))
    ordered = [columns[key] for key in METRIC_KEYS]
    return {
        scope_id: dict(zip(METRIC_KEYS, values, strict=True))
        for scope_id, values in zip(level.ids, zip(*ordered, strict=True), strict=True)
    }
