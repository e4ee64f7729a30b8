"""The one JSON object ``reportgen metrics`` prints (end of spec/metrics.md)."""

from __future__ import annotations

from reportgen.config import Config
from reportgen.data.dataset import Dataset
from reportgen.errors import PeriodError
from reportgen.metrics.engine import MetricsEngine
from reportgen.periods import Period, parse_period
from reportgen.scope import Scope
from reportgen.store import Store


def scope_name(source: Dataset | Store | MetricsEngine, scope: Scope) -> str | None:
    """The collector's name or the team's name from the roster; ``None`` for everyone."""
    if scope.kind == "all":
        return None
    rows = (
        source.store.collector_rows
        if isinstance(source, MetricsEngine)
        else (source.collector_rows)
    )
    if scope.kind == "collector":
        names = [row["name"] for row in rows if row["collector_id"] == scope.id]
        return None if not names or names[0] is None else str(names[0])
    members = [row for row in rows if row["team_id"] == scope.id]
    if not members:
        return None
    # The first member's team name that is not blank; the id when every one is.
    names = [row.get("team_name", row["team_id"]) for row in members]
    known = [name for name in names if name is not None]
    return str(known[0]) if known else str(scope.id)


def _comparison(engine: MetricsEngine, make_period, scope: Scope) -> dict | None:
    """``{"period", "metrics"}`` for a comparison period, or ``None`` when not covered."""
    try:
        period = make_period()
    except PeriodError:  # before year 1: certainly not covered
        return None
    if not engine.covers(period):
        return None
    return {"period": period.as_json(), "metrics": engine.period_metrics(period).for_scope(scope)}


def _member_order(entry: dict) -> tuple:
    amount = entry["metrics"]["recovered_amount"]
    # Largest recovered amount first; ties and nulls (last) by id.
    return (amount is None, -(amount or 0.0), entry["id"])


def metrics_document(
    source: Dataset | Store | MetricsEngine,
    period: str | Period,
    scope: Scope,
    config: Config,
) -> dict:
    """The metrics of one scope and period with its previous and year-ago comparisons."""
    engine = source if isinstance(source, MetricsEngine) else MetricsEngine(source, config)
    period = parse_period(period) if isinstance(period, str) else period
    engine.require([scope], members=True)
    current = engine.period_metrics(period)
    document: dict = {
        "scope": {"kind": scope.kind, "id": scope.id, "name": scope_name(engine, scope)},
        "period": period.as_json(),
        "metrics": current.for_scope(scope),
        "previous": _comparison(engine, period.previous, scope),
        "year_ago": _comparison(engine, period.year_ago, scope),
    }
    if scope.kind in ("team", "all"):
        members = [
            {"id": cid, "name": engine.collector_name(cid), "metrics": current.collectors[cid]}
            for cid in engine.members(scope)
        ]
        document["members"] = sorted(members, key=_member_order)
    return document
