"""The metrics of spec/metrics.md, computed for every scope of a period in one pass.

Public API::

    engine = MetricsEngine(dataset, config)
    engine.covers(period) -> bool
    engine.period_metrics(period) -> PeriodMetrics  # .collectors, .teams, .everyone
    metrics_document(dataset_or_engine, period, scope, config) -> dict
    scope_name(dataset, scope) -> str | None
"""

from reportgen.metrics.document import metrics_document, scope_name
from reportgen.metrics.engine import MetricsEngine, PeriodMetrics
from reportgen.metrics.keys import METRIC_KEYS, MONEY_KEYS, RATIO_KEYS

__all__ = [
    "METRIC_KEYS",
    "MONEY_KEYS",
    "RATIO_KEYS",
    "MetricsEngine",
    "PeriodMetrics",
    "metrics_document",
    "scope_name",
]
