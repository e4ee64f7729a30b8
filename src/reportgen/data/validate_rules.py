"""Rules that look across cells: duplicates, the roster, promises.

Each rule takes converted columns and returns the rows that break it with a
description of each, vectorised (no Python loop over rows except to word the
few problems found).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd


@dataclass
class RuleBreach:
    """Rows breaking one rule.

    ``describe(some_positions)`` words what was found in those rows; it is
    only called for the rows that will be listed, which matters when a
    wrong file breaks a rule on millions of rows.
    """

    column: str  # canonical column the problem is reported under
    positions: np.ndarray
    describe: Callable[[np.ndarray], list[str]]
    expected: str


def cell(value: object) -> str:
    """A cell's value quoted for a message, long text shortened."""
    text = str(value)
    if len(text) > 60:
        text = text[:57] + "..."
    return f"'{text}'"


def later_duplicates(
    frame: pd.DataFrame, keys: list[str], usable: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Positions of rows repeating an earlier row's ``keys``, and that earlier row's position.

    Only ``usable`` rows (keys readable) take part.
    """
    candidates = np.flatnonzero(usable)
    subset = frame.iloc[candidates][keys].reset_index(drop=True)
    repeated = subset.duplicated(keys, keep="first").to_numpy()
    if not repeated.any():
        empty = np.array([], dtype=np.int64)
        return empty, empty
    group = subset.groupby(keys, sort=False, dropna=False).ngroup().to_numpy()
    first_of_group = np.full(group.max() + 1, len(subset), dtype=np.int64)
    np.minimum.at(first_of_group, group, np.arange(len(subset)))
    later = np.flatnonzero(repeated)
    return candidates[later], candidates[first_of_group[group[later]]]


def duplicate_roster_rows(
    collectors: pd.DataFrame, usable: np.ndarray, rows: np.ndarray
) -> RuleBreach | None:
    """A collector may appear once on the roster (else which team would count?)."""
    later, first = later_duplicates(collectors, ["collector_id"], usable)
    if not len(later):
        return None
    first_row = dict(zip(later.tolist(), rows[first].tolist(), strict=True))

    def describe(some: np.ndarray) -> list[str]:
        ids = collectors["collector_id"].iloc[some]
        return [
            f"{cell(cid)} again (first at row {first_row[p]})"
            for cid, p in zip(ids, some.tolist(), strict=True)
        ]

    return RuleBreach("collector_id", later, describe, "each collector_id once on the roster")


def off_roster_rows(
    ids: pd.Series, usable: np.ndarray, roster: pd.Series, roster_label: str
) -> RuleBreach | None:
    """Every collector_id in any table must be on the roster."""
    missing = usable & ~ids.isin(roster).to_numpy(dtype=bool)
    positions = np.flatnonzero(missing)
    if not len(positions):
        return None
    return RuleBreach(
        "collector_id",
        positions,
        lambda some: [cell(v) for v in ids.iloc[some]],
        f"a collector_id listed in {roster_label}",
    )


def promise_without_date(contacts: pd.DataFrame, usable: np.ndarray) -> RuleBreach | None:
    """A promise to pay must say when (promise_date present and filled)."""
    promise = usable & (contacts["outcome"] == "promise").to_numpy(dtype=bool, na_value=False)
    blank = contacts["promise_date"].isna().to_numpy()
    positions = np.flatnonzero(promise & blank)
    if not len(positions):
        return None
    return RuleBreach(
        "promise_date",
        positions,
        lambda some: ["a blank cell on a promise"] * len(some),
        "the date the debtor promised to pay (outcome is promise)",
    )


def promise_before_contact(contacts: pd.DataFrame, usable: np.ndarray) -> RuleBreach | None:
    """A promise cannot fall due before the contact in which it was made."""
    contact_day = contacts["contacted_at"].dt.normalize()
    promised = contacts["promise_date"]
    early = usable & (promised < contact_day).to_numpy(dtype=bool, na_value=False)
    positions = np.flatnonzero(early)
    if not len(positions):
        return None

    def describe(some: np.ndarray) -> list[str]:
        return [
            f"{p:%Y-%m-%d}, before the contact on {c:%Y-%m-%d}"
            for p, c in zip(promised.iloc[some], contact_day.iloc[some], strict=True)
        ]

    return RuleBreach("promise_date", positions, describe, "a date on or after the contact's date")
