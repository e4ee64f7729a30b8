"""The tables of a store: SQL types of every canonical column (spec/data.md).

The same column names and meanings as :mod:`reportgen.data.dataset`, in SQL
types that DuckDB and PostgreSQL both have: text for identifiers, BIGINT
cents for money, DATE for dates, TIMESTAMP (local wall-clock time, no zone)
for contact times. Optional columns the source did not have are absent from
the table, as they are absent from the loader's frames.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # only frames being copied in need pandas; queries never do
    import pandas as pd

# Bumped whenever a stored file's tables or meaning change; a file written with
# another version is refused with a message saying to import again.
SCHEMA_VERSION = 1

COLUMN_TYPES: dict[str, dict[str, str]] = {
    "collectors": {
        "collector_id": "VARCHAR",
        "name": "VARCHAR",
        "team_id": "VARCHAR",
        "team_name": "VARCHAR",
        "supervisor": "VARCHAR",
        "hired_on": "DATE",
    },
    "accounts": {
        "month": "VARCHAR",
        "account_id": "VARCHAR",
        "collector_id": "VARCHAR",
        "dpd": "BIGINT",
        "balance": "BIGINT",
    },
    "contacts": {
        "contacted_at": "TIMESTAMP",
        "account_id": "VARCHAR",
        "collector_id": "VARCHAR",
        "channel": "VARCHAR",
        "outcome": "VARCHAR",
        "duration_s": "DOUBLE",
        "promise_amount": "BIGINT",
        "promise_date": "DATE",
    },
    "payments": {
        "paid_on": "DATE",
        "account_id": "VARCHAR",
        "collector_id": "VARCHAR",
        "amount": "BIGINT",
        "channel": "VARCHAR",
    },
    "arrangements": {
        "created_on": "DATE",
        "account_id": "VARCHAR",
        "collector_id": "VARCHAR",
        "kind": "VARCHAR",
        "amount": "BIGINT",
        "installments": "BIGINT",
    },
    "complaints": {
        "received_on": "DATE",
        "collector_id": "VARCHAR",
        "account_id": "VARCHAR",
        "category": "VARCHAR",
        "upheld": "BOOLEAN",
    },
}

# Rows are stored in this order, so that a period's rows sit together and DuckDB's
# per-block minimum and maximum skip the blocks of other months.
SORT_COLUMNS = {
    "accounts": "month",
    "contacts": "contacted_at",
    "payments": "paid_on",
    "arrangements": "created_on",
    "complaints": "received_on",
}


def floor_times(frame: pd.DataFrame, types: dict[str, str]) -> pd.DataFrame:
    """``frame`` with its TIMESTAMP columns cut to whole microseconds (DuckDB's and
    PostgreSQL's precision).

    Cut, not rounded: 23:59:59.9999999 stays on its day and 07:59:59.9999999 stays
    before 08:00, as every rule compares them.
    """
    timed = [c for c, kind in types.items() if kind == "TIMESTAMP" and c in frame.columns]
    if not timed:
        return frame
    frame = frame.copy(deep=False)
    for column in timed:
        frame[column] = frame[column].dt.floor("us")
    return frame
