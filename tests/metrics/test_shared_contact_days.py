"""A year-end review's months read their contact days from the year's, folded once
(MetricsEngine.shared_contact_days): every figure must be exactly what folding each
month's own contacts gives, for the year and for each month, in both compliance
profiles, from a folder and from an imported file; and at the edges a slice could get
wrong: a contact at the last instant of a month and the first of the next, an account
moving between collectors, an account two collectors share in one month but not in
another."""

from __future__ import annotations

import pytest
from metrics_builders import make_dataset

from reportgen.config import Compliance, Config
from reportgen.metrics import MetricsEngine
from reportgen.periods import parse_period
from reportgen.resources import sample_data_dir
from reportgen.scope import Scope
from reportgen.store import Store
from reportgen.store.importer import import_source
from reportgen.store.open import open_store


def _year_and_months(
    store, config: Config, *, shared: bool, period: str = "2024"
) -> dict[str, dict]:
    """Every collector's metrics of ``period`` and of each month of it; with
    ``shared``, the months computed by narrowed engines inside shared_contact_days, as
    build_report_models does."""
    engine = MetricsEngine(store, config)
    year = parse_period(period)
    collectors = [Scope.collector(c) for c in engine.collector_ids]
    engine.require([*collectors, Scope.everyone()], members=True)
    found: dict[str, dict] = {}
    months = [parse_period(m) for m in year.months if engine.covers(parse_period(m))]
    if shared:
        with engine.shared_contact_days(year):
            assert engine._shared.fold is not None  # the fold is made: the slices are tested
            found[year.label] = engine.period_metrics(year).collectors
            months_engine = engine.narrowed(collectors, own_connection=True)
            assert months_engine._shared.fold is engine._shared.fold
            try:
                for month in months:
                    found[month.label] = months_engine.period_metrics(month).collectors
            finally:
                months_engine.store.close()
        assert engine._shared.fold is None
    else:
        found[year.label] = engine.period_metrics(year).collectors
        months_engine = engine.narrowed(collectors)
        for month in months:
            found[month.label] = months_engine.period_metrics(month).collectors
    return found


@pytest.fixture(scope="module")
def sample_stores(tmp_path_factory):
    """The bundled sample data from its folder and from a file it was imported into."""
    target = tmp_path_factory.mktemp("shared") / "sample.duckdb"
    import_source(sample_data_dir(), target, Config())
    stores = {
        "folder": open_store(sample_data_dir(), Config()),
        "file": open_store(target, Config()),
    }
    yield stores
    for store in stores.values():
        store.close()


@pytest.mark.parametrize("profile", ["cn", "us"])
@pytest.mark.parametrize("source", ["folder", "file"])
def test_months_from_the_years_fold_equal_months_folded_alone(sample_stores, source, profile):
    store = sample_stores[source]
    config = Config(compliance=Compliance(profile=profile))
    alone = _year_and_months(store, config, shared=False)
    from_year = _year_and_months(store, config, shared=True)
    assert len(alone) >= 13  # the year and its twelve months
    assert from_year == alone


def test_the_shared_table_is_gone_afterwards_and_the_file_untouched(sample_stores):
    store: Store = sample_stores["file"]
    before = store.path.read_bytes()
    _year_and_months(store, Config(), shared=True)
    engine = MetricsEngine(store, Config())
    engine.require([Scope.everyone()], members=True)
    with engine.shared_contact_days(parse_period("2024")):
        seen = _shared_objects(store)
    assert len(seen) == 13  # a table per month and the view of their union
    assert _shared_objects(store) == []
    assert store.path.read_bytes() == before


def _shared_objects(store: Store) -> list[str]:
    found = store.con.execute(
        "SELECT table_name FROM duckdb_tables() WHERE table_name LIKE 'reportgen_shared%' "
        "UNION ALL SELECT view_name FROM duckdb_views() WHERE view_name LIKE 'reportgen_shared%'"
    ).fetchall()
    return sorted(name for (name,) in found)


def test_months_of_some_collectors_only_take_their_rows(sample_stores):
    """A review of two collectors beside the whole centre's year: their months copy their
    own rows out of the month's table."""
    store = sample_stores["file"]
    engine = MetricsEngine(store, Config())
    some = [Scope.collector(c) for c in engine.collector_ids[:2]]
    engine.require([*some, Scope.everyone()], members=True)
    alone = {m: engine.narrowed(some).period_metrics(m).collectors for m in ("2024-02", "2024-11")}
    with engine.shared_contact_days(parse_period("2024")):
        months_engine = engine.narrowed(some)
        shared = {m: months_engine.period_metrics(m).collectors for m in ("2024-02", "2024-11")}
    assert shared == alone
    assert set(shared["2024-02"]) == {scope.id for scope in some}


BOOK = [
    (month, account, collector, 40, "100")
    for month in ("2023-12", "2024-01", "2024-02", "2024-03")
    for account, collector in (("A1", "C1"), ("A2", "C2"), ("A3", "C3"))
]


def test_month_edges_moving_and_shared_accounts():
    """A1 is called by C1 at the last instant of January and by C2 at the first of
    February: one account each month, worked by one collector each month, though two
    collectors worked it in the year. A2 is called by C2 and C3 on one March day: shared
    in March only."""
    contacts = [
        ("2024-01-31 23:59:59.9999999", "A1", "C1", "call", "right_party"),
        ("2024-01-31 10:00:00.0000000", "A1", "C1", "call", "no_answer"),
        ("2024-02-01 00:00:00.0000000", "A1", "C2", "call", "no_answer"),
        ("2024-02-01 09:00:00.0000000", "A1", "C2", "call", "invalid_number"),
        ("2024-03-05 09:00:00.0000000", "A2", "C2", "call", "right_party"),
        ("2024-03-05 10:00:00.0000000", "A2", "C3", "call", "no_answer"),
        ("2024-03-05 11:00:00.0000000", "A2", "C3", "call", "no_answer"),
    ]
    dataset = make_dataset(BOOK, contacts=contacts)
    store = Store.from_dataset(dataset)
    try:
        alone = _year_and_months(store, Config(), shared=False, period="2024-Q1")
        from_year = _year_and_months(store, Config(), shared=True, period="2024-Q1")
    finally:
        store.close()
    assert from_year == alone
    # Counted by hand.
    january, february, march = alone["2024-01"], alone["2024-02"], alone["2024-03"]
    assert (january["C1"]["contacts"], january["C1"]["calls"]) == (2, 2)
    assert january["C1"]["accounts_attempted"] == january["C1"]["accounts_reached"] == 1
    assert january["C2"]["contacts"] == 0
    assert (february["C2"]["contacts"], february["C2"]["accounts_attempted"]) == (2, 1)
    assert (february["C2"]["accounts_reached"], february["C2"]["lost_contact_accounts"]) == (0, 1)
    assert february["C1"]["contacts"] == 0
    assert (march["C2"]["accounts_reached"], march["C3"]["accounts_attempted"]) == (1, 1)
    assert march["C3"]["accounts_reached"] == 0
    assert alone["2024-Q1"]["C2"]["accounts_attempted"] == 2


def test_an_engine_narrowed_in_the_block_folds_its_own_after_it(sample_stores):
    store = sample_stores["folder"]
    engine = MetricsEngine(store, Config())
    collector = Scope.collector(engine.collector_ids[0])
    engine.require([collector])
    alone = engine.narrowed([collector]).period_metrics("2024-03").collectors
    with engine.shared_contact_days(parse_period("2024")):
        narrowed = engine.narrowed([collector])
        assert narrowed._shared.fold is not None
    assert narrowed._shared.fold is None  # dropped: it must not be read any more
    assert narrowed.period_metrics("2024-03").collectors == alone


def test_no_fold_is_made_for_a_period_already_computed(sample_stores):
    """archive's scope-by-scope fallback asks again for a year already computed: folding it
    once more per collector would serve only that collector's months."""
    engine = MetricsEngine(sample_stores["file"], Config())
    year = parse_period("2024")
    engine.period_metrics(year)
    with engine.shared_contact_days(year):
        assert engine._shared.fold is None
