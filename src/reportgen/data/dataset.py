"""The in-memory form of a data source, as every later stage sees it.

This is the contract between loading and everything after it. The loader
guarantees these column names and dtypes; the metrics rely on them and never
re-check input.

Conventions:

* Text (identifiers, names, codes) is pandas' string dtype (``"str"``);
  identifiers are never numbers, so ``000123`` stays ``000123``.
* Money is **integer cents** (``int64``; nullable ``Int64`` for optional
  amounts), so sums are exact: 100.10 + 200.20 == 300.30. Metrics divide by
  100 only when they emit a figure.
* Dates are ``datetime64[ns]`` at midnight; datetimes keep their time of day.
  ``accounts.month`` is text ``YYYY-MM``.
* An optional column that the source did not have is **absent** from the
  frame (so a metric needing it can be ``null``); a present column may hold
  blanks (NaN / NaT / <NA>).
* An optional table the source did not have is ``None``.

Tables and columns (canonical names of spec/data.md):

collectors   collector_id, name, team_id, team_name (filled from team_id),
             [supervisor], [hired_on]
accounts     month, account_id, collector_id, dpd (int64), balance (int64 cents)
contacts     contacted_at, account_id, collector_id, channel, outcome,
             [duration_s (float64)], [promise_amount (Int64 cents)], [promise_date]
payments     paid_on, account_id, collector_id, amount (int64 cents),
             channel (always present; blank filled with "other")
arrangements created_on, account_id, collector_id, kind, amount (int64 cents),
             [installments (Int64)]
complaints   received_on, collector_id, [account_id], [category], [upheld (boolean)]
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the frames are made by the loader; naming the tables needs no pandas
    import pandas as pd

REQUIRED_TABLES = ("collectors", "accounts")
OPTIONAL_TABLES = ("contacts", "payments", "arrangements", "complaints")
TABLES = REQUIRED_TABLES + OPTIONAL_TABLES

# The date or datetime column that places each dated table's rows in time.
DATE_COLUMNS = {
    "contacts": "contacted_at",
    "payments": "paid_on",
    "arrangements": "created_on",
    "complaints": "received_on",
}


@dataclass
class Dataset:
    collectors: pd.DataFrame
    accounts: pd.DataFrame
    contacts: pd.DataFrame | None = None
    payments: pd.DataFrame | None = None
    arrangements: pd.DataFrame | None = None
    complaints: pd.DataFrame | None = None
    # The file (or workbook) each table was read from, for fingerprints.
    sources: dict[str, Path] = field(default_factory=dict)
    # Rows skipped per file when loading with skip_bad_rows.
    skipped_rows: dict[str, int] = field(default_factory=dict)

    def table(self, name: str) -> pd.DataFrame | None:
        return getattr(self, name)

    def has(self, name: str) -> bool:
        return self.table(name) is not None

    @property
    def collector_rows(self) -> tuple[dict[str, Any], ...]:
        """The roster as :attr:`reportgen.store.Store.collector_rows` gives it."""
        return roster_rows(self.collectors)


def roster_value(column: str, value: Any) -> Any:
    """One roster cell as plain rows hold it, from any source: ``None`` for a blank,
    ``hired_on`` as an ISO date, everything else as ``str``."""
    if value is None:
        return None
    if column == "hired_on":
        return value.isoformat()[:10]  # a date, datetime or pandas Timestamp
    return str(value)


def roster_rows(frame: pd.DataFrame) -> tuple[dict[str, Any], ...]:
    """The roster frame's rows as plain values (see :func:`roster_value`)."""
    import pandas as pd

    return tuple(
        {
            column: roster_value(
                column, None if not isinstance(value, str) and pd.isna(value) else value
            )
            for column, value in record.items()
        }
        for record in frame.to_dict("records")
    )
