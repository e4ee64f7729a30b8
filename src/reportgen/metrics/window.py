"""The dates and months one period's queries need, as SQL literals.

Every value here is made by reportgen from a parsed period (never taken
from data), so it is safe to write into query text; values from data go
into tables or parameters instead.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from reportgen.periods import Period, month_label


@dataclass(frozen=True)
class PeriodWindow:
    start: date
    end: date
    opening_month: str  # the snapshot before the period
    first_month: str
    last_month: str  # the closing snapshot's month

    @classmethod
    def of(cls, period: Period) -> PeriodWindow:
        return cls(
            start=period.start,
            end=period.end,
            opening_month=month_label(period.first_month_index - 1),
            first_month=month_label(period.first_month_index),
            last_month=month_label(period.last_month_index),
        )

    @property
    def start_date(self) -> str:
        return f"DATE '{self.start.isoformat()}'"

    @property
    def end_date(self) -> str:
        return f"DATE '{self.end.isoformat()}'"

    @property
    def start_time(self) -> str:
        return f"TIMESTAMP '{self.start.isoformat()} 00:00:00'"

    @property
    def after_end_time(self) -> str:
        """Midnight after the period's last day: contact times are below it."""
        return f"TIMESTAMP '{(self.end + timedelta(days=1)).isoformat()} 00:00:00'"

    def dates(self, column: str) -> str:
        """``column`` (a DATE) lies in the period."""
        return f"{column} BETWEEN {self.start_date} AND {self.end_date}"

    def times(self, column: str) -> str:
        """``column`` (a TIMESTAMP) lies in the period."""
        return f"{column} >= {self.start_time} AND {column} < {self.after_end_time}"


def month_text(label: str) -> str:
    return f"'{label}'"
