"""Period labels and their arithmetic (spec/metrics.md, Periods).

A period is a run of whole calendar months: a month (``2024-09``), a quarter
(``2024-Q3``), a half year (``2024-H2``), a year (``2024``) or an explicit
run (``2024-03..2024-08``). Months are handled as one integer each
(``year * 12 + month - 1``) so that "the month before" and "one year
earlier" are plain subtraction.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date
from typing import Literal

from reportgen.errors import PeriodError
from reportgen.folding import fold_text

PeriodKind = Literal["month", "quarter", "half", "year", "range"]

ACCEPTED_FORMS = (
    "2024-09 (a month; also 2024-9, 2024/09, 2024年9月 as in the data), 2024-Q3 (a quarter), "
    "2024-H2 (a half year), 2024 (a year) or 2024-03..2024-08 (a run of whole months)"
)

_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
# The month forms the data files accept (2024-09, 2024-9, 2024/09, 2024.9, 2024年9月,
# 202409), so a period is written on the command line as it is in the data.
_MONTH_FORMS = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*月?$")
_COMPACT_MONTH = re.compile(r"^(\d{4})(\d{2})$")
_QUARTER = re.compile(r"^(\d{4})-Q([1-4])$", re.IGNORECASE)
_HALF = re.compile(r"^(\d{4})-H([12])$", re.IGNORECASE)
_YEAR = re.compile(r"^(\d{4})$")
_RANGE = re.compile(r"^(.+?)\s*\.\.\s*(.+)$")


def month_from_text(text: str) -> str | None:
    """A month as exports write it (see ``_MONTH_FORMS``) → ``"YYYY-MM"``; None if it is not
    one. Full-width digits and punctuation are folded first."""
    folded = fold_text(str(text))
    if folded is None:
        return None
    match = _MONTH_FORMS.match(folded) or _COMPACT_MONTH.match(folded)
    if match is None:
        return None
    year, month = int(match.group(1)), int(match.group(2))
    return f"{year:04d}-{month:02d}" if 1 <= month <= 12 else None


def month_index(label: str) -> int:
    """``"2024-09"`` → one integer per month, consecutive across year ends."""
    match = _MONTH.match(label)
    if not match:
        raise PeriodError(f"'{label}' is not a month; expected YYYY-MM such as 2024-09")
    year, month = int(match.group(1)), int(match.group(2))
    if not 1 <= month <= 12:
        raise PeriodError(f"'{label}' is not a month: month {month} is not between 01 and 12")
    return year * 12 + month - 1


def month_label(index: int) -> str:
    """Inverse of :func:`month_index`."""
    year, month0 = divmod(index, 12)
    return f"{year:04d}-{month0 + 1:02d}"


@dataclass(frozen=True)
class Period:
    label: str
    kind: PeriodKind
    months: tuple[str, ...]  # "YYYY-MM", in order
    start: date
    end: date

    @property
    def first_month_index(self) -> int:
        return month_index(self.months[0])

    @property
    def last_month_index(self) -> int:
        return month_index(self.months[-1])

    @property
    def opening_month(self) -> str:
        """The month whose end-of-month snapshot opens the period."""
        return month_label(self.first_month_index - 1)

    @property
    def closing_month(self) -> str:
        """The month whose end-of-month snapshot closes the period."""
        return self.months[-1]

    def previous(self) -> Period:
        """The period of the same kind just before this one."""
        first, count = self.first_month_index, len(self.months)
        if self.kind == "range":
            return _range_period(first - count, first - 1)
        return _period_of_kind(self.kind, first - count)

    def year_ago(self) -> Period:
        """The same months one year earlier, of the same kind."""
        first, last = self.first_month_index, self.last_month_index
        if self.kind == "range":
            return _range_period(first - 12, last - 12)
        return _period_of_kind(self.kind, first - 12)

    def as_json(self) -> dict[str, str]:
        return {"label": self.label, "start": self.start.isoformat(), "end": self.end.isoformat()}


def parse_period(label: str) -> Period:
    """Parse a period label; a bad one raises :class:`PeriodError` naming the accepted forms."""
    text = fold_text(str(label)) or str(label).strip()
    if month := month_from_text(text):
        return _period_of_kind("month", month_index(month))
    if match := _QUARTER.match(text):
        year, quarter = int(match.group(1)), int(match.group(2))
        return _period_of_kind("quarter", year * 12 + (quarter - 1) * 3)
    if match := _HALF.match(text):
        year, half = int(match.group(1)), int(match.group(2))
        return _period_of_kind("half", year * 12 + (half - 1) * 6)
    if match := _YEAR.match(text):
        return _period_of_kind("year", int(match.group(1)) * 12)
    if (match := _RANGE.match(text)) and all(map(month_from_text, match.groups())):
        first = month_index(month_from_text(match.group(1)) or "")
        last = month_index(month_from_text(match.group(2)) or "")
        if last < first:
            raise PeriodError(
                f"period '{label}' ends before it starts; expected the first month before the last"
            )
        return _range_period(first, last)
    raise PeriodError(f"'{label}' is not a period label; expected {ACCEPTED_FORMS}")


_KIND_MONTHS = {"month": 1, "quarter": 3, "half": 6, "year": 12}


def _period_of_kind(kind: PeriodKind, first: int) -> Period:
    """The calendar period of ``kind`` starting at month index ``first`` (already aligned)."""
    count = _KIND_MONTHS[kind]
    year, month0 = divmod(first, 12)
    if year < 1:
        raise PeriodError(f"a period before year 1 is out of range (from {month_label(first)})")
    if kind == "month":
        label = month_label(first)
    elif kind == "quarter":
        label = f"{year:04d}-Q{month0 // 3 + 1}"
    elif kind == "half":
        label = f"{year:04d}-H{month0 // 6 + 1}"
    else:
        label = f"{year:04d}"
    return _build(label, kind, first, first + count - 1)


def _range_period(first: int, last: int) -> Period:
    if first // 12 < 1:
        raise PeriodError(f"a period before year 1 is out of range (from {month_label(first)})")
    return _build(f"{month_label(first)}..{month_label(last)}", "range", first, last)


def _build(label: str, kind: PeriodKind, first: int, last: int) -> Period:
    months = tuple(month_label(i) for i in range(first, last + 1))
    first_year, first_month0 = divmod(first, 12)
    last_year, last_month0 = divmod(last, 12)
    start = date(first_year, first_month0 + 1, 1)
    end_day = calendar.monthrange(last_year, last_month0 + 1)[1]
    end = date(last_year, last_month0 + 1, end_day)
    return Period(label=label, kind=kind, months=months, start=start, end=end)
