"""The data-problem listing: grouped per file, capped, with the count of the rest."""

from reportgen.errors import DataError, Problem


def test_problems_are_grouped_by_file_and_capped() -> None:
    problems = [
        Problem("accounts.csv", row, "dpd", "-1", "a whole number ≥ 0") for row in range(2, 9)
    ]
    problems.append(Problem("collectors.csv", None, "team_id", "(no such column)", "a column"))
    message = str(DataError(problems, shown_per_file=5))
    assert message.splitlines()[0] == "8 problem(s) found in the data source:"
    assert "accounts.csv, row 2, column dpd: found -1; expected a whole number ≥ 0" in message
    assert "accounts.csv, row 7" not in message
    assert "... and 2 more problem(s) in accounts.csv" in message
    assert "collectors.csv, column team_id: found (no such column)" in message
