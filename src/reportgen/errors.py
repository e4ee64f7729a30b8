"""Every error reportgen raises on purpose.

The command line catches :class:`ReportgenError` once, prints its message to
stderr and exits 1. Anything else escaping is a bug and may show a traceback.
"""

from __future__ import annotations

from dataclasses import dataclass


class ReportgenError(Exception):
    """Base class: a problem the user can fix (bad input, bad option)."""


class ConfigError(ReportgenError):
    """Raised when the TOML configuration has an unknown key or a bad value."""


class PeriodError(ReportgenError):
    """Raised for a period label that cannot be parsed, or a period the data does not cover."""


class ScopeError(ReportgenError):
    """Raised when a collector or team asked for is not on the roster."""


@dataclass(frozen=True)
class Problem:
    """One problem found in an input file, as the user sees it in a spreadsheet.

    ``row`` is the spreadsheet row number (the header is row 1, so the first data
    row is 2); ``None`` for a problem with the whole file or a whole column.
    """

    file: str
    row: int | None
    column: str | None
    found: str
    expected: str

    def describe(self) -> str:
        where = self.file
        if self.row is not None:
            where += f", row {self.row}"
        if self.column is not None:
            where += f", column {self.column}"
        return f"{where}: found {self.found!s}; expected {self.expected}"


class DataError(ReportgenError):
    """Raised when a data source has problems; carries every problem found."""

    def __init__(self, problems: list[Problem], *, shown_per_file: int = 50) -> None:
        self.problems = problems
        self.shown_per_file = shown_per_file
        super().__init__(self._message())

    def _message(self) -> str:
        by_file: dict[str, list[Problem]] = {}
        for problem in self.problems:
            by_file.setdefault(problem.file, []).append(problem)
        lines = [f"{len(self.problems)} problem(s) found in the data source:"]
        for file, problems in by_file.items():
            lines.append(f"{file}: {len(problems)} problem(s)")
            for problem in problems[: self.shown_per_file]:
                lines.append("  " + problem.describe())
            hidden = len(problems) - self.shown_per_file
            if hidden > 0:
                lines.append(f"  ... and {hidden} more problem(s) in {file}")
        return "\n".join(lines)


class TemplateError(ReportgenError):
    """Raised when a template fails: unknown variable, syntax error, sandbox violation."""


class OutputError(ReportgenError):
    """Raised when an output file exists (without --force) or cannot be written."""
