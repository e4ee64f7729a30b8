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
    frame = source.store.collectors if isinstance(source, MetricsEngine) else source.collectors
    if scope.kind == "collector":
        found = frame.loc[frame["collector_id"] == scope.id, "name"]
    else:
        rows = frame.loc[frame["team_id"] == scope.id]
        found = rows["team_name"] if "team_name" in rows.columns else rows["team_id"]
        found = found.dropna()
        if found.empty and not rows.empty:
            return str(scope.id)
    return None if found.empty or found.isna().iloc[0] else str(found.iloc[0])


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
