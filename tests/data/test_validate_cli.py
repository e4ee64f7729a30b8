"""`reportgen validate`: what a user sees on success and on bad input."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from reportgen.cli import cli

SUMMARY = """\
Tables:
  collectors               3 rows  from collectors.csv
  accounts                 5 rows  from accounts.csv
  contacts                 4 rows  from contacts.csv
  payments                 3 rows  from payments.csv
  arrangements             2 rows  from arrangements.csv
  complaints               2 rows  from complaints.csv
Months (accounts): 2024-08..2024-09, 2 month(s)
Span of contacts: 2024-09-02..2024-09-04
Span of payments: 2024-09-05..2024-09-07
Span of arrangements: 2024-09-03..2024-09-04
Span of complaints: 2024-09-10..2024-09-11
Collectors: 3
Teams: 2
"""


def test_validate_prints_what_the_source_holds(canonical_source: Path) -> None:
    result = CliRunner().invoke(cli, ["validate", str(canonical_source)])
    assert result.exit_code == 0, result.output
    assert result.stdout == SUMMARY
    assert result.stderr == ""


def test_validate_a_workbook_lacking_optional_tables(tmp_path: Path, make_workbook) -> None:
    import openpyxl

    path = make_workbook(tmp_path / "book.xlsx")
    workbook = openpyxl.load_workbook(path)
    for name in ("contacts", "payments", "arrangements", "complaints"):
        workbook.remove(workbook[name])
    workbook.save(path)
    result = CliRunner().invoke(cli, ["validate", str(path)])
    assert result.exit_code == 0, result.output
    assert "  contacts      (absent)\n" in result.stdout
    assert "Span of" not in result.stdout


def test_bad_input_exits_1_with_every_problem_on_stderr(canonical_source: Path) -> None:
    (canonical_source / "accounts.csv").write_text(
        "month,account_id,collector_id,dpd,balance\n2024-09,1,C001,-3,1\n2024-09,2,C404,3,1\n",
        "utf-8",
    )
    result = CliRunner().invoke(cli, ["validate", str(canonical_source)])
    assert result.exit_code == 1
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    assert result.stderr == (
        "Error: 2 problem(s) found in the data source:\n"
        "accounts.csv: 2 problem(s)\n"
        "  accounts.csv, row 2, column dpd: found '-3'; expected a whole number ≥ 0\n"
        "  accounts.csv, row 3, column collector_id: found 'C404'; "
        "expected a collector_id listed in collectors.csv\n"
    )


def test_skip_bad_rows_reports_the_counts_on_stderr(canonical_source: Path) -> None:
    (canonical_source / "payments.csv").write_text(
        "paid_on,account_id,collector_id,amount\n2024-09-05,1,C001,1\n2024-09-05,1,C001,x\n",
        "utf-8",
    )
    result = CliRunner().invoke(cli, ["validate", "--skip-bad-rows", str(canonical_source)])
    assert result.exit_code == 0
    assert result.stderr == "skipped 1 bad row(s) of payments.csv\n"
    assert "  payments                 1 rows  from payments.csv\n" in result.stdout


def test_a_bad_alias_in_the_configuration_is_a_clear_error(
    canonical_source: Path, tmp_path: Path
) -> None:
    config = tmp_path / "reportgen.toml"
    config.write_text('[aliases.headers]\n"欠款" = "debt"\n', encoding="utf-8")
    result = CliRunner().invoke(cli, ["validate", str(canonical_source), "--config", str(config)])
    assert result.exit_code == 1
    assert "'debt' is not a column of any table" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_source_given_as_dot_is_named_in_the_problems(
    tmp_path: Path, monkeypatch, make_canonical
) -> None:
    folder = make_canonical(tmp_path / "september", ("collectors",))
    monkeypatch.chdir(folder)
    result = CliRunner().invoke(cli, ["validate", "."])
    assert result.exit_code == 1
    assert result.stderr.splitlines()[1:] == [
        "september: 1 problem(s)",
        "  september: found no accounts table; expected a file or sheet named after it "
        "(accounts.csv, accounts.xlsx, 账户, 帳戶); it is required",
    ]


def _accounts_in_months(folder: Path, months: list[str]) -> None:
    rows = "".join(f"{month},000123,C001,5,10\n" for month in months)
    (folder / "accounts.csv").write_text(
        "month,account_id,collector_id,dpd,balance\n" + rows, "utf-8"
    )


def test_validate_names_months_missing_between_the_first_and_last(
    canonical_source: Path,
) -> None:
    _accounts_in_months(canonical_source, ["2024-06", "2024-07", "2024-09"])
    result = CliRunner().invoke(cli, ["validate", str(canonical_source)])
    assert result.exit_code == 0, result.output
    assert "Months (accounts): 2024-06..2024-09, 3 month(s); missing: 2024-08\n" in result.stdout


def test_many_missing_months_are_counted_after_the_first_few(canonical_source: Path) -> None:
    _accounts_in_months(canonical_source, ["2023-11", "2024-02", "2025-09"])
    result = CliRunner().invoke(cli, ["validate", str(canonical_source)])
    assert result.exit_code == 0, result.output
    assert (
        "Months (accounts): 2023-11..2025-09, 3 month(s); missing: 2023-12, 2024-01, "
        "2024-03, 2024-04, 2024-05, 2024-06, 2024-07, 2024-08, 2024-09, 2024-10, "
        "2024-11, 2024-12 and 8 more (20 in all)\n" in result.stdout
    )
