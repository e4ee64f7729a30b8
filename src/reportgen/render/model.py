"""The report model: everything a report says, as plain picklable data.

:func:`build_report_models` computes the metrics once per period (the
report's, the previous, the year-ago and, for a year-end review, each month)
and fills one :class:`ReportModel` per scope with plain values: no
DataFrames, so the archive can send models to worker processes, and no
words, so one model renders in every language.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from reportgen.config import Config
from reportgen.data.dataset import OPTIONAL_TABLES
from reportgen.narrative.findings import Finding, Target, find_problems, next_targets
from reportgen.scope import Scope
from reportgen.store import Store

if TYPE_CHECKING:
    from reportgen.metrics import MetricsEngine
    from reportgen.metrics.engine import PeriodMetrics
    from reportgen.periods import Period

ReportKind = Literal["collector", "team", "review"]

# The figures kept for each member of a team and each month of a year.
ROW_KEYS = (
    "recovered_amount",
    "recovery_rate",
    "assigned_balance",
    "contacts",
    "connect_rate",
    "rpc_rate",
    "ptp_kept_rate",
    "contact_coverage",
    "complaints",
    "compliance_flags",
)


@dataclass(frozen=True)
class PeriodInfo:
    label: str
    kind: str
    months: tuple[str, ...]
    start: str  # ISO date
    end: str

    @classmethod
    def of(cls, period: Period) -> PeriodInfo:
        return cls(
            period.label,
            period.kind,
            tuple(period.months),
            period.start.isoformat(),
            period.end.isoformat(),
        )


@dataclass(frozen=True)
class ScopeInfo:
    kind: str  # collector | team | all
    id: str | None
    name: str | None
    team_id: str | None = None
    team_name: str | None = None
    supervisor: str | None = None
    hired_on: str | None = None  # ISO date from collectors.hired_on; collectors only


@dataclass(frozen=True)
class Comparison:
    """A comparison period; ``metrics`` is None when ``accounts`` does not cover it."""

    period: PeriodInfo
    metrics: dict[str, Any] | None


@dataclass(frozen=True)
class MemberRow:
    id: str
    name: str
    figures: dict[str, Any]  # ROW_KEYS of this period
    previous: dict[str, Any] | None  # ROW_KEYS of the previous period, when covered


@dataclass(frozen=True)
class MonthRow:
    month: str
    figures: dict[str, Any] | None  # None when accounts does not cover the month


@dataclass(frozen=True)
class ReportModel:
    kind: ReportKind
    scope: ScopeInfo
    period: PeriodInfo
    metrics: dict[str, Any]
    previous: Comparison
    year_ago: Comparison
    channel_activity: dict[str, dict[str, int]]
    missing_tables: tuple[str, ...]  # optional tables the source does not have
    uncovered_tables: tuple[str, ...]  # tables present that do not cover the whole period
    findings: tuple[Finding, ...]
    targets: tuple[Target, ...]
    bucket_labels: tuple[str, ...]
    organisation: str = ""
    currency: str = "CNY"
    members: tuple[MemberRow, ...] = ()
    months: tuple[MonthRow, ...] = ()

    @property
    def no_data(self) -> bool:
        """True when the scope had nothing in the period to report on: see :func:`holds_no_data`."""
        return holds_no_data(self.metrics)

    @property
    def joined(self) -> Literal["after", "during"] | None:
        """Where the collector's ``hired_on`` falls against the period: after its end, inside
        it, or ``None`` (before it, or not known). ISO dates compare as text."""
        hired = self.scope.hired_on
        if hired is None:
            return None
        if hired > self.period.end:
            return "after"
        if hired >= self.period.start:
            return "during"
        return None

    @property
    def basename_scope(self) -> str:
        if self.scope.kind == "collector":
            return str(self.scope.id)
        if self.scope.kind == "team":
            return f"team-{self.scope.id}"
        return "all"


# What a scope does in a period, each counted from its own rows: with none of them and an
# empty book, a report has nothing to say (and must not praise what it could not see).
ACTIVITY_KEYS = ("contacts", "recovered_amount", "arrangements", "complaints")


def holds_no_data(metrics: Mapping[str, Any]) -> bool:
    """The one definition of a report without data.

    True when the scope held no overdue account in the opening snapshot, none became
    overdue in its hands during the period (``new_accounts``), and no contact, payment,
    arrangement or complaint of the period is credited to it. A table that is absent or
    does not cover the period counts as holding nothing for the scope: the report cannot
    show anything from it either way.
    """
    book = (metrics.get("opening_accounts") or 0) + (metrics.get("new_accounts") or 0)
    return book == 0 and not any(metrics.get(key) for key in ACTIVITY_KEYS)


def report_kind(scope: Scope, period: Period) -> ReportKind:
    """A collector's year is a year-end review; teams and all collectors get the roll-up."""
    if scope.kind == "collector":
        return "review" if period.kind == "year" else "collector"
    return "team"


MONTH_THREADS = 2  # threads sharing a year-end review's months


@dataclass(frozen=True)
class SideJob:
    """Periods one thread computes, in order, for ``scopes`` (and, with ``members``, every
    collector of a team or of everyone); only the metric ``keys`` when given."""

    scopes: tuple[Scope, ...]
    members: bool
    periods: tuple[Period, ...]
    keys: tuple[str, ...] | None = None


class SideMetrics:
    """Periods computed in threads while the caller computes the report's own period.

    Each period is a couple of dozen small queries that leave a core idle, so the
    comparisons (the previous period, the year before) and a year-end review's months
    run beside the period itself. Each thread queries through a connection of its own
    (see Store.on_own_connection) and computes only the scopes its job names: a
    review's months are the reviewed collectors', not every team's and the centre's.
    """

    def __init__(self, engine: MetricsEngine, jobs: list[SideJob]) -> None:
        self._jobs = [job for job in jobs if job.periods]
        self._engines: list[MetricsEngine] = []
        try:
            for job in self._jobs:
                self._engines.append(
                    engine.narrowed(
                        job.scopes, members=job.members, own_connection=True, keys=job.keys
                    )
                )
        except BaseException:  # a later connection failed: close the earlier ones
            for opened in self._engines:
                opened.store.close()
            raise
        self._pool = None
        self._futures: list = []

    def __enter__(self) -> SideMetrics:
        from concurrent.futures import ThreadPoolExecutor

        if self._engines:
            self._pool = ThreadPoolExecutor(len(self._engines), thread_name_prefix="periods")
            self._futures = [
                self._pool.submit(_compute_periods, engine, job.periods)
                for engine, job in zip(self._engines, self._jobs, strict=True)
            ]
        return self

    def result(self) -> dict[str, PeriodMetrics]:
        """Period label → its metrics, for every period of every job."""
        found: dict[str, PeriodMetrics] = {}
        for future in self._futures:
            found.update(future.result())
        return found

    def __exit__(self, *exc_info) -> None:
        if self._pool is not None:
            # On an error in the caller, wait for the threads (queries cannot be
            # abandoned mid-way) and drop their results.
            self._pool.shutdown(wait=True, cancel_futures=True)
        for engine in self._engines:
            engine.store.close()


def _compute_periods(engine: MetricsEngine, periods: tuple[Period, ...]) -> dict:
    return {period.label: engine.period_metrics(period) for period in periods}


def _side_jobs(
    engine: MetricsEngine, scopes: list[Scope], reviewed: list[Scope], period: Period
) -> list[SideJob]:
    """The comparisons the snapshots cover, for every scope asked for and its members; and
    the months the snapshots cover of the reviewed collectors, shared by MONTH_THREADS."""
    from reportgen.periods import parse_period

    comparisons = tuple(
        p
        for p in (period.previous(), period.year_ago())
        if engine.covers(p) and engine.cached(p) is None
    )
    jobs = [SideJob(tuple(scopes), True, comparisons)]
    if reviewed:
        months = [parse_period(m) for m in period.months]
        covered = tuple(m for m in months if engine.covers(m))
        threads = min(MONTH_THREADS, len(covered))
        # A month row shows ROW_KEYS only: the months' queries that feed nothing else
        # are not run.
        jobs += [
            SideJob(tuple(reviewed), False, covered[i::threads], ROW_KEYS) for i in range(threads)
        ]
    return jobs


def build_report_models(
    engine: MetricsEngine, period: Period, scopes: list[Scope], config: Config
) -> list[ReportModel]:
    """One model per scope, with every period's metrics computed once for all of them."""
    from reportgen.metrics import scope_name

    dataset: Store = engine.store
    engine.require(scopes, members=True)
    engine.check_covered(period)  # before the other periods start computing
    reviewed = [scope for scope in scopes if report_kind(scope, period) == "review"]
    # A review's months read their contact days from the year's, folded once.
    shared = engine.shared_contact_days(period) if reviewed else contextlib.nullcontext()
    with shared, SideMetrics(engine, _side_jobs(engine, scopes, reviewed, period)) as side:
        current = engine.period_metrics(period)
        found = side.result()
    previous_period, year_ago_period = period.previous(), period.year_ago()
    previous = engine.cached(previous_period) or found.get(previous_period.label)
    year_ago = engine.cached(year_ago_period) or found.get(year_ago_period.label)
    monthly = {month: found.get(month) for month in period.months}
    missing, uncovered = table_availability(dataset, period)
    roster = _roster(dataset)

    models = []
    for scope in scopes:
        kind = report_kind(scope, period)
        metrics = dict(current.for_scope(scope))
        before = dict(previous.for_scope(scope)) if previous is not None else None
        last_year = dict(year_ago.for_scope(scope)) if year_ago is not None else None
        members: tuple[MemberRow, ...] = ()
        if kind == "team":
            ids = _member_ids(roster, scope)
            members = _member_rows(ids, roster, current.collectors, previous)
        findings = tuple(find_problems(metrics, before, last_year, config))
        months: tuple[MonthRow, ...] = ()
        if kind == "review":
            months = tuple(
                MonthRow(m, _row(pm.for_scope(scope)) if pm is not None else None)
                for m, pm in monthly.items()
            )
        models.append(
            ReportModel(
                kind=kind,
                scope=_scope_info(dataset, roster, scope, clean_name(scope_name(dataset, scope))),
                period=PeriodInfo.of(period),
                metrics=metrics,
                previous=Comparison(PeriodInfo.of(previous_period), before),
                year_ago=Comparison(PeriodInfo.of(year_ago_period), last_year),
                channel_activity={
                    channel: dict(values)
                    for channel, values in (current.channel_activity(scope) or {}).items()
                },
                missing_tables=missing,
                uncovered_tables=uncovered,
                findings=findings,
                targets=tuple(next_targets(metrics, config, findings)),
                bucket_labels=tuple(config.buckets.labels),
                organisation=config.organisation.name,
                currency=config.organisation.currency,
                members=members,
                months=months,
            )
        )
    return models


def table_availability(store: Store, period: Period) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(optional tables absent, optional tables present that do not cover every month)."""
    missing, uncovered = [], []
    for name in OPTIONAL_TABLES:
        if not store.has(name):
            missing.append(name)
            continue
        span = store.month_span(name)
        if span is None:
            uncovered.append(name)
            continue
        first, last = span
        if period.months[0] < first or period.months[-1] > last:
            uncovered.append(name)
    return tuple(missing), tuple(uncovered)


def _row(metrics: Mapping[str, Any] | None) -> dict[str, Any] | None:
    if metrics is None:
        return None
    return {key: metrics.get(key) for key in ROW_KEYS}


def _roster(dataset: Store) -> dict[str, dict[str, Any]]:
    """collector_id → {name, team_id, team_name, supervisor} from the collectors table."""
    roster: dict[str, dict[str, Any]] = {}
    for row in dataset.collector_rows:
        record = {
            key: None if _blank(row[key]) else clean_name(str(row[key]))
            for key in ("name", "team_id", "team_name", "supervisor")
            if key in row
        }
        roster.setdefault(str(row["collector_id"]), record)
    return roster


# Control characters (C0 with tab and line breaks, DEL, C1), lone surrogates and the two
# non-characters: no name means them, XML and UTF-8 files cannot hold some of them, and a
# terminal or a Markdown viewer would act on others. Whitespace runs become one space.
_NOT_IN_NAME = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]+")
_SPACES = re.compile(r"\s+")


def clean_name(value: str | None) -> str | None:
    """A name from the data as reports show it: no control characters, single spaces,
    trimmed; ``None`` when nothing readable is left (the caller shows the id instead)."""
    if value is None:
        return None
    text = _SPACES.sub(" ", _NOT_IN_NAME.sub(" ", value)).strip()
    return text or None


def _hired_on(dataset: Store, collector_id: str) -> str | None:
    """The collector's ``hired_on`` as an ISO date, or None (no column, blank, no row)."""
    for row in dataset.collector_rows:
        if str(row["collector_id"]) == collector_id and row.get("hired_on") is not None:
            return str(row["hired_on"])
    return None


def _blank(value: Any) -> bool:
    return (
        value is None
        or (isinstance(value, float) and value != value)
        or str(value) in ("", "nan", "<NA>")
    )


def _member_ids(roster: Mapping[str, Mapping[str, Any]], scope: Scope) -> list[str]:
    if scope.kind == "all":
        return sorted(roster)
    return sorted(cid for cid, rec in roster.items() if rec.get("team_id") == scope.id)


def _member_rows(
    ids: list[str],
    roster: Mapping[str, Mapping[str, Any]],
    current: Mapping[str, Mapping[str, Any]],
    previous: Any,
) -> tuple[MemberRow, ...]:
    rows = [
        MemberRow(
            cid,
            roster[cid].get("name") or cid,
            _row(current.get(cid)) or dict.fromkeys(ROW_KEYS),
            _row(previous.collectors.get(cid)) if previous is not None else None,
        )
        for cid in ids
    ]
    # The ranking: recovered amount, largest first; ties and unknowns by id.
    known = [r for r in rows if r.figures.get("recovered_amount") is not None]
    unknown = [r for r in rows if r.figures.get("recovered_amount") is None]
    known.sort(key=lambda r: (-r.figures["recovered_amount"], r.id))
    return tuple(known + sorted(unknown, key=lambda r: r.id))


def _scope_info(
    dataset: Store, roster: Mapping[str, Mapping[str, Any]], scope: Scope, name: str | None
) -> ScopeInfo:
    if scope.kind == "collector":
        record = roster.get(str(scope.id), {})
        return ScopeInfo(
            "collector",
            scope.id,
            name or record.get("name"),
            record.get("team_id"),
            record.get("team_name") or record.get("team_id"),
            record.get("supervisor"),
            _hired_on(dataset, str(scope.id)),
        )
    if scope.kind == "team":
        supervisors = sorted(
            {
                rec["supervisor"]
                for rec in roster.values()
                if rec.get("team_id") == scope.id and rec.get("supervisor")
            }
        )
        # Several supervisors are kept one per line; the context joins them in the
        # report's language (、 or ", ").
        return ScopeInfo("team", scope.id, name, scope.id, name, "\n".join(supervisors) or None)
    return ScopeInfo("all", None, None)
