"""``reportgen metrics`` end to end: CSV files in a folder → each output format."""

import csv
import io
import json

import pytest
from click.testing import CliRunner

from reportgen.cli import cli

FILES = {
    "collectors.csv": """collector_id,name,team_id,team_name
C1,张三,T1,一组
C2,Bob,T1,一组
""",
    "accounts.csv": """month,account_id,collector_id,dpd,balance
2024-07,A1,C1,10,100.10
2024-07,A2,C2,40,200.20
2024-08,A1,C1,20,100.10
2024-08,A2,C2,50,200.20
2024-09,A2,C2,70,150.00
""",
    "payments.csv": """paid_on,account_id,collector_id,amount,channel
2024-08-05,A1,C1,10.00,call
2024-09-05,A1,C1,100.10,call
2024-09-06,A2,C1,50.20,sms
""",
    "contacts.csv": """contacted_at,account_id,collector_id,channel,outcome,duration_s
2024-08-02 10:00:00,A1,C1,call,right_party,60
2024-09-02 10:00:00,A1,C1,call,right_party,90
2024-09-02 22:00:00,A2,C2,call,no_answer,0
""",
}


@pytest.fixture
def source(tmp_path):
    folder = tmp_path / "data"
    folder.mkdir()
    for name, text in FILES.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def run(*args):
    result = CliRunner().invoke(cli, ["metrics", *map(str, args)])
    return result


def test_json_is_the_document(source):
    result = run(source, "--period", "2024-09", "--team", "T1", "--format", "json")
    assert result.exit_code == 0, result.output
    document = json.loads(result.output)
    assert document["scope"] == {"kind": "team", "id": "T1", "name": "一组"}
    assert "一组" in result.output  # ensure_ascii=False
    metrics = document["metrics"]
    assert metrics["opening_balance"] == 300.30
    assert metrics["recovered_amount"] == 150.30
    assert metrics["recovery_rate"] == 15030 / 30030  # the ratio of exact cents
    assert metrics["after_hours_contacts"] == 1
    assert document["previous"]["period"]["label"] == "2024-08"
    assert document["previous"]["metrics"]["recovered_amount"] == 10.0
    assert document["year_ago"] is None
    assert [m["id"] for m in document["members"]] == ["C1", "C2"]
    assert result.output.endswith("}\n")


def test_csv_has_one_row_per_metric_leaf(source):
    result = run(source, "--period", "2024-09", "--collector", "C1", "--format", "csv")
    assert result.exit_code == 0, result.output
    rows = list(csv.reader(io.StringIO(result.output)))
    assert rows[0] == ["metric", "value", "previous", "year_ago"]
    by_name = {row[0]: row[1:] for row in rows[1:]}
    assert by_name["recovered_amount"] == ["150.3", "10.0", ""]
    assert by_name["opening_by_bucket.M1.balance"] == ["100.1", "100.1", ""]
    assert by_name["recovered_by_channel.sms"] == ["50.2", "", ""]
    assert by_name["roll_matrix.M1.current"] == ["1", "0", ""]
    assert by_name["cure_rate"] == ["1.0", "0.0", ""]


def test_table_is_readable_text(source):
    result = run(source, "--period", "2024-09", "--all")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "Metrics for all collectors, 2024-09 (2024-09-01 to 2024-09-30)"
    assert "  previous: 2024-08" in lines
    assert "  year ago: not covered by the accounts snapshots" in lines
    assert any(line.split()[:3] == ["recovered_amount", "150.30", "10.00"] for line in lines)
    assert any(line.split()[:2] == ["cure_rate", "50.00%"] for line in lines)
    assert "Members" in result.output and "张三" in result.output


def test_same_input_same_bytes(source):
    first = run(source, "--period", "2024-Q3", "--all", "--format", "json").output
    assert first == run(source, "--period", "2024-Q3", "--all", "--format", "json").output


def test_errors_are_one_clear_message(source):
    result = run(source, "--period", "2024-Q4", "--all")
    assert result.exit_code == 1
    assert "2024-10, 2024-11, 2024-12" in result.output
    assert "Traceback" not in result.output
    result = run(source, "--period", "Sept", "--all")
    assert result.exit_code == 2 and "not a period label" in result.output
    result = run(source, "--period", "2024-09", "--collector", "C7")
    assert result.exit_code == 1 and "collector 'C7'" in result.output
    result = run(source, "--period", "2024-09")
    assert result.exit_code == 2  # Click usage error: no scope given


def test_csv_of_a_team_has_one_column_per_member(source):
    result = run(source, "--period", "2024-09", "--team", "T1", "--format", "csv")
    assert result.exit_code == 0, result.output
    rows = list(csv.reader(io.StringIO(result.output)))
    # Members in the JSON's order: recovered_amount, largest first (C1 150.30, C2 none).
    assert rows[0] == ["metric", "value", "previous", "year_ago", "C1", "C2"]
    assert all(len(row) == 6 for row in rows)
    names = [row[0] for row in rows[1:]]
    assert len(names) == len(set(names))  # still one row per metric
    by_name = {row[0]: row[1:] for row in rows[1:]}
    assert by_name["recovered_amount"] == ["150.3", "10.0", "", "150.3", "0.0"]
    assert by_name["opening_accounts"] == ["2", "2", "", "1", "1"]
    assert by_name["opening_by_bucket.M2.balance"] == ["200.2", "200.2", "", "0.0", "200.2"]
    assert by_name["after_hours_contacts"] == ["1", "0", "", "0", "1"]
    document = json.loads(
        run(source, "--period", "2024-09", "--team", "T1", "--format", "json").output
    )
    for column, member in enumerate(document["members"], start=4):
        for key in ("recovered_amount", "contacts", "recovery_rate", "cure_rate"):
            value = member["metrics"][key]
            assert by_name[key][column - 1] == ("" if value is None else json.dumps(value))
    assert (
        result.output
        == run(source, "--period", "2024-09", "--team", "T1", "--format", "csv").output
    )


def test_csv_of_all_collectors_has_member_columns_but_a_collector_has_none(source):
    rows = list(
        csv.reader(
            io.StringIO(run(source, "--period", "2024-09", "--all", "--format", "csv").output)
        )
    )
    assert rows[0][4:] == ["C1", "C2"]
    rows = list(
        csv.reader(
            io.StringIO(
                run(source, "--period", "2024-09", "--collector", "C2", "--format", "csv").output
            )
        )
    )
    assert rows[0] == ["metric", "value", "previous", "year_ago"]
