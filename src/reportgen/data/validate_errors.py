"""A DataError whose listing was cut short while loading.

Wording a problem costs time and memory; a wrong file can have a problem on
every one of ten million rows, of which the message shows 50 per file. The
loader words the first thousand per file and only counts the rest; this
error keeps the counts right.
"""

from __future__ import annotations

from reportgen.errors import DataError, Problem


class UnlistedDataError(DataError):
    """Raised instead of DataError when some problems were counted but not worded."""

    def __init__(
        self, problems: list[Problem], not_listed: dict[str, int], *, shown_per_file: int = 50
    ) -> None:
        self.not_listed = not_listed
        super().__init__(problems, shown_per_file=shown_per_file)

    @property
    def total(self) -> int:
        return len(self.problems) + sum(self.not_listed.values())

    def _message(self) -> str:
        by_file: dict[str, list[Problem]] = {}
        for problem in self.problems:
            by_file.setdefault(problem.file, []).append(problem)
        lines = [f"{self.total} problem(s) found in the data source:"]
        for file, problems in by_file.items():
            count = len(problems) + self.not_listed.get(file, 0)
            lines.append(f"{file}: {count} problem(s)")
            shown = problems[: self.shown_per_file]
            lines.extend("  " + problem.describe() for problem in shown)
            hidden = count - len(shown)
            if hidden > 0:
                lines.append(f"  ... and {hidden} more problem(s) in {file}")
        return "\n".join(lines)
