"""A year-end review's months compute only the figures a month row shows (ROW_KEYS):
those must be exactly what the full computation gives, month by month, collector by
collector, in both compliance profiles; every other key is null, never a wrong number."""

from __future__ import annotations

import pytest

from reportgen.config import Compliance, Config
from reportgen.metrics import MetricsEngine
from reportgen.periods import parse_period
from reportgen.render.model import ROW_KEYS
from reportgen.resources import sample_data_dir
from reportgen.scope import Scope
from reportgen.store.open import open_store


@pytest.fixture(scope="module")
def folder_store():
    store = open_store(sample_data_dir(), Config())
    yield store
    store.close()


@pytest.mark.parametrize("profile", ["cn", "us"])
def test_the_months_narrowed_to_the_row_figures_equal_the_full_ones(folder_store, profile):
    config = Config(compliance=Compliance(profile=profile))
    engine = MetricsEngine(folder_store, config)
    collectors = [Scope.collector(c) for c in engine.collector_ids]
    full = engine.narrowed(collectors)
    rows_only = engine.narrowed(collectors, keys=ROW_KEYS)
    checked = 0
    for month in parse_period("2024").months:
        if not engine.covers(parse_period(month)):
            continue
        every, narrowed = full.period_metrics(month), rows_only.period_metrics(month)
        for collector in engine.collector_ids:
            whole, part = every.collectors[collector], narrowed.collectors[collector]
            assert {k: part[k] for k in ROW_KEYS} == {k: whole[k] for k in ROW_KEYS}, month
            assert list(part) == list(whole)  # every key, in the spec's order
            assert all(part[k] is None for k in part if k not in ROW_KEYS)
            checked += 1
    assert checked >= 12 * len(collectors)
