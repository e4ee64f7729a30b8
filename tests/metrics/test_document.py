"""The JSON document of ``reportgen metrics``: its exact shape, comparisons and members."""

import json
import re

import pytest
from metrics_builders import ALL, BOOK, C1, C3, T1, make_dataset

from reportgen.config import Config
from reportgen.errors import PeriodError, ScopeError
from reportgen.metrics import METRIC_KEYS, MetricsEngine, metrics_document, scope_name
from reportgen.scope import Scope

# Every key of spec/metrics.md, typed out again from the spec so that a key
# dropped from (or added to) the engine fails here.
SPEC_KEYS = re.findall(
    r"\w+",
    """
opening_accounts opening_balance opening_by_bucket closing_accounts closing_balance
closing_by_bucket overdue_accounts_change new_accounts new_balance assigned_balance
cured_accounts cure_rate worsened_accounts roll_forward_rate roll_matrix
recovered_amount recovered_by_channel recovered_by_bucket recovery_rate
recovery_rate_by_bucket paying_accounts account_recovery_rate paid_in_full_accounts
contacts contacts_by_channel calls active_days calls_per_day connected_calls connect_rate
rpc_calls rpc_rate talk_seconds avg_talk_seconds accounts_attempted accounts_reached
contact_coverage lost_contact_accounts
promises promised_amount ptp_rate promises_due promises_kept ptp_kept_rate
arrangements arrangements_by_kind arranged_amount complaints upheld_complaints
complaints_per_1k_contacts
after_hours_contacts excess_attempt_days excess_connected_days compliance_flags
""",
)


def two_years():
    """Snapshots 2022-12..2024-12 (one account per collector); contacts and payments from 2024."""
    months = [f"{y}-{m:02d}" for y in (2023, 2024) for m in range(1, 13)]
    accounts = [("2022-12", f"A-{c}", c, 10, "100.00") for c in ("C1", "C2", "C3")]
    for month in months:
        accounts += [(month, f"A-{c}", c, 10, "100.00") for c in ("C1", "C2", "C3")]
    contacts = [
        (f"{month}-15 10:00:00", "A-C1", "C1", "call", "right_party", 60)
        for month in months
        if month >= "2024"
    ]
    payments = [(f"{month}-20", "A-C1", "C1", "10.00") for month in months if month >= "2024"]
    return make_dataset(accounts, contacts=contacts, payments=payments)


@pytest.fixture(scope="module")
def engine():
    return MetricsEngine(two_years(), Config())


def test_metric_keys_are_exactly_the_spec_keys():
    assert list(METRIC_KEYS) == SPEC_KEYS


@pytest.mark.parametrize("scope", [C1, T1, ALL], ids=["collector", "team", "all"])
@pytest.mark.parametrize("period", ["2024-09", "2024-Q3", "2024"])
def test_document_shape(engine, scope, period):
    document = metrics_document(engine, period, scope, Config())
    expected = ["scope", "period", "metrics", "previous", "year_ago"]
    if scope.kind != "collector":
        expected.append("members")
    assert list(document) == expected
    assert list(document["scope"]) == ["kind", "id", "name"]
    assert list(document["period"]) == ["label", "start", "end"]
    assert list(document["metrics"]) == SPEC_KEYS
    for comparison in ("previous", "year_ago"):
        assert list(document[comparison]) == ["period", "metrics"]
        assert list(document[comparison]["metrics"]) == SPEC_KEYS
    for member in document.get("members", []):
        assert list(member) == ["id", "name", "metrics"]
        assert list(member["metrics"]) == SPEC_KEYS
    json.dumps(document, allow_nan=False)  # plain JSON: no NaN, no numpy types


def test_scope_and_period_objects(engine):
    document = metrics_document(engine, "2024-Q3", T1, Config())
    assert document["scope"] == {"kind": "team", "id": "T1", "name": "Team One"}
    assert document["period"] == {"label": "2024-Q3", "start": "2024-07-01", "end": "2024-09-30"}
    assert document["previous"]["period"]["label"] == "2024-Q2"
    assert document["year_ago"]["period"]["label"] == "2023-Q3"
    everyone = metrics_document(engine, "2024", ALL, Config())
    assert everyone["scope"] == {"kind": "all", "id": None, "name": None}
    assert [m["id"] for m in everyone["members"]] == ["C1", "C2", "C3"]


def test_year_ago_before_the_contact_log_has_null_contact_metrics(engine):
    document = metrics_document(engine, "2024-09", C1, Config())
    year_ago = document["year_ago"]["metrics"]
    assert year_ago["opening_accounts"] == 1
    assert year_ago["contacts"] is None
    assert year_ago["recovered_amount"] is None
    assert document["metrics"]["contacts"] == 1
    assert document["metrics"]["recovered_amount"] == 10.0


def test_comparisons_not_covered_by_accounts_are_null(engine):
    document = metrics_document(engine, "2023", C1, Config())
    assert document["previous"] is None  # 2022 needs snapshots 2021-12..2022-12
    assert document["year_ago"] is None
    document = metrics_document(engine, "2023-01", C1, Config())
    assert document["previous"] is None  # 2022-12 needs the 2022-11 snapshot
    assert document["year_ago"] is None


def test_members_ordered_by_recovered_amount_then_id():
    payments = [
        ("2024-09-02", "A3", "C2", "50.00"),
        ("2024-09-03", "A5", "C3", "50.00"),
        ("2024-09-04", "A1", "C1", "10.00"),
    ]
    document = metrics_document(make_dataset(BOOK, payments=payments), "2024-09", ALL, Config())
    assert [m["id"] for m in document["members"]] == ["C2", "C3", "C1"]
    assert document["members"][0]["name"] == "Bob"
    without_payments = metrics_document(make_dataset(BOOK), "2024-09", ALL, Config())
    assert [m["id"] for m in without_payments["members"]] == ["C1", "C2", "C3"]


def test_team_members_are_the_roster_with_or_without_activity():
    document = metrics_document(make_dataset(BOOK), "2024-09", T1, Config())
    assert sorted(m["id"] for m in document["members"]) == ["C1", "C2"]


def test_unknown_scopes_and_uncovered_periods_are_clear_errors(engine):
    with pytest.raises(ScopeError, match="collector 'C9' is not on the collectors roster"):
        metrics_document(engine, "2024-09", Scope.collector("C9"), Config())
    with pytest.raises(ScopeError, match="team 'T9'"):
        metrics_document(engine, "2024-09", Scope.team("T9"), Config())
    with pytest.raises(ScopeError):
        engine.period_metrics("2024-09").for_scope(Scope.collector("C9"))
    with pytest.raises(PeriodError, match="2025-01"):
        metrics_document(engine, "2025-01", C1, Config())
    with pytest.raises(PeriodError, match="not a period label"):
        metrics_document(engine, "Q3 2024", C1, Config())


def test_scope_name():
    dataset = make_dataset(BOOK)
    assert scope_name(dataset, C3) == "Cai"
    assert scope_name(dataset, T1) == "Team One"
    assert scope_name(dataset, ALL) is None


def test_same_input_same_document(engine):
    first = json.dumps(metrics_document(two_years(), "2024", ALL, Config()), ensure_ascii=False)
    again = json.dumps(metrics_document(engine, "2024", ALL, Config()), ensure_ascii=False)
    assert first == again
