"""Tables with headers but no rows: a clear message or null metrics, never a traceback."""

import csv
import io
import json

import pytest
from click.testing import CliRunner
from metrics_builders import BOOK, ROSTER, make_dataset

from reportgen.cli import cli
from reportgen.config import Config
from reportgen.errors import PeriodError
from reportgen.metrics import MetricsEngine

ROSTER_CSV = """collector_id,name,team_id,team_name
C1,Ann,T1,One
C2,Bob,T1,One
C3,Cai,T2,Two
"""
ACCOUNTS_HEADER = "month,account_id,collector_id,dpd,balance\n"
ACCOUNTS_CSV = ACCOUNTS_HEADER + "2024-08,A1,C1,10,100.00\n2024-09,A1,C1,20,50.00\n"
HEADERS = {
    "contacts.csv": "contacted_at,account_id,collector_id,channel,outcome,duration_s,"
    "promise_amount,promise_date\n",
    "payments.csv": "paid_on,account_id,collector_id,amount,channel\n",
    "arrangements.csv": "created_on,account_id,collector_id,kind,amount\n",
    "complaints.csv": "received_on,collector_id,upheld\n",
}
# Metrics drawn from each dated table: null when that table has no rows.
DRAWN_FROM = {
    "contacts.csv": ("contacts", "calls", "connect_rate", "promises", "compliance_flags"),
    "payments.csv": ("recovered_amount", "recovery_rate", "paying_accounts", "promises_kept"),
    "arrangements.csv": ("arrangements", "arranged_amount"),
    "complaints.csv": ("complaints", "upheld_complaints"),
}
MISSING = "accounts has no snapshot for 2024-08, 2024-09"


def write_source(folder, files: dict[str, str]):
    folder.mkdir()
    for name, text in {"collectors.csv": ROSTER_CSV, **files}.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def invoke(*args):
    return CliRunner().invoke(cli, [*map(str, args)])


def assert_clear_error(result, message: str):
    assert result.exit_code == 1, result.output
    assert isinstance(result.exception, SystemExit), repr(result.exception)  # not a crash
    assert "Traceback" not in result.output
    assert message in result.output


@pytest.mark.parametrize("command", ["metrics", "report"])
def test_header_only_accounts_names_the_missing_months(tmp_path, command):
    source = write_source(tmp_path / "data", {"accounts.csv": ACCOUNTS_HEADER})
    extra = ["--out", tmp_path / "out"] if command == "report" else []
    result = invoke(command, source, "--period", "2024-09", "--all", *extra)
    assert_clear_error(result, MISSING)


def test_accounts_emptied_by_skip_bad_rows_names_the_missing_months(tmp_path):
    bad = ACCOUNTS_HEADER + "2024-09,A1,C1,not-a-number,10.00\n"
    source = write_source(tmp_path / "data", {"accounts.csv": bad})
    result = invoke("metrics", source, "--period", "2024-09", "--all", "--skip-bad-rows")
    assert_clear_error(result, MISSING)


def test_empty_accounts_in_the_engine_is_a_period_error():
    engine = MetricsEngine(make_dataset([]), Config())
    assert not engine.covers("2024-09")
    with pytest.raises(PeriodError, match=MISSING):
        engine.period_metrics("2024-09")


@pytest.mark.parametrize("empty", sorted(HEADERS))
@pytest.mark.parametrize("fmt", ["json", "csv", "table"])
def test_a_header_only_dated_table_makes_its_metrics_null(tmp_path, empty, fmt):
    files = {"accounts.csv": ACCOUNTS_CSV, **HEADERS}
    files["payments.csv"] += "2024-09-05,A1,C1,50.00,call\n"
    files["contacts.csv"] += "2024-09-02 10:00:00,A1,C1,call,right_party,60,,\n"
    files["arrangements.csv"] += "2024-09-03,A1,C1,installment,40.00\n"
    files["complaints.csv"] += "2024-09-04,C1,true\n"
    files[empty] = HEADERS[empty]
    source = write_source(tmp_path / "data", files)
    result = invoke("metrics", source, "--period", "2024-09", "--team", "T1", "--format", fmt)
    assert result.exit_code == 0, result.output
    if fmt != "json":
        return
    document = json.loads(result.output)
    for key in DRAWN_FROM[empty]:
        assert document["metrics"][key] is None, key
        assert all(m["metrics"][key] is None for m in document["members"]), key
    for table, keys in DRAWN_FROM.items():
        if table != empty and not (empty == "payments.csv" and "promises_kept" in keys):
            assert document["metrics"][keys[0]] is not None, keys[0]
    assert document["metrics"]["opening_accounts"] == 1


def test_every_dated_table_empty_and_a_collector_without_rows(tmp_path):
    source = write_source(tmp_path / "data", {"accounts.csv": ACCOUNTS_CSV, **HEADERS})
    for scope in (["--all"], ["--team", "T2"], ["--collector", "C3"]):
        for fmt in ("json", "csv", "table"):
            result = invoke("metrics", source, "--period", "2024-09", *scope, "--format", fmt)
            assert result.exit_code == 0, result.output
    result = invoke("metrics", source, "--period", "2024-09", "--all", "--format", "json")
    document = json.loads(result.output)
    assert [m["id"] for m in document["members"]] == ["C1", "C2", "C3"]
    c3 = next(m for m in document["members"] if m["id"] == "C3")["metrics"]
    assert c3["opening_accounts"] == 0 and c3["recovered_amount"] is None
    assert c3["recovery_rate"] is None and c3["contacts"] is None
    rows = list(
        csv.reader(
            io.StringIO(
                invoke("metrics", source, "--period", "2024-09", "--all", "--format", "csv").output
            )
        )
    )
    assert rows[0][:4] == ["metric", "value", "previous", "year_ago"]
    result = invoke(
        "report", source, "--period", "2024-09", "--collector", "C3", "--out", tmp_path / "out"
    )
    assert result.exit_code == 0, result.output


def test_a_roster_collector_without_rows_gets_zeros_and_nulls():
    dataset = make_dataset(
        BOOK,
        collectors=[*ROSTER, ("C4", "Dee", "T3", "Team Three")],
        contacts=[("2024-09-02 10:00:00", "A1", "C1", "call", "right_party", 60)],
        payments=[("2024-09-05", "A1", "C1", "1.00")],
    )
    metrics = MetricsEngine(dataset, Config()).period_metrics("2024-09")
    c4 = metrics.collectors["C4"]
    assert metrics.teams["T3"] == c4
    assert c4["opening_accounts"] == 0 and c4["new_accounts"] == 0
    assert c4["recovered_amount"] == 0.0 and c4["recovery_rate"] is None
    assert c4["contacts"] == 0 and c4["connect_rate"] is None
    assert c4["arrangements"] is None and c4["complaints"] is None
