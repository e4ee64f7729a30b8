"""Grouped, vectorised building blocks shared by the metric groups.

Every scope level (each collector, each team, everyone) is a set of groups
numbered 0..n-1; a row belongs to the group ``level.key_of[collector code]``.
The helpers here count and sum rows per group with ``numpy.bincount`` and
find distinct combinations with a hash factorisation, so no metric ever
loops over collectors or rows in Python.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from reportgen.errors import ReportgenError

LevelKind = Literal["collector", "team", "all"]

# Float sums of whole numbers are exact while every partial sum stays below 2**53.
_EXACT_FLOAT_LIMIT = 2**53
# int64 sums wrap around silently past 2**63; the float estimate of the total
# is within a hair of it, so stop well before.
_INT64_SUM_LIMIT = 2**62
# Combination spaces up to this size are counted densely with bincount instead of hashing.
_DENSE_MINIMUM = 1 << 22


@dataclass(frozen=True)
class Level:
    """One way of grouping rows into scopes."""

    kind: LevelKind
    ids: tuple[str | None, ...]  # the scope id of each group
    key_of: np.ndarray  # collector code → group number

    @property
    def size(self) -> int:
        return len(self.ids)


def counts(keys: np.ndarray, size: int) -> np.ndarray:
    """Rows per group."""
    return np.bincount(keys, minlength=size).astype(np.int64)


def sums(keys: np.ndarray, size: int, values: np.ndarray) -> np.ndarray:
    """Exact int64 sum of ``values`` (integers, e.g. cents) per group."""
    values = np.asarray(values, dtype=np.int64)
    if len(values) == 0:
        return np.zeros(size, dtype=np.int64)
    total = float(np.abs(values).sum(dtype=np.float64))
    if total < _EXACT_FLOAT_LIMIT:
        return np.rint(np.bincount(keys, weights=values, minlength=size)).astype(np.int64)
    if total >= _INT64_SUM_LIMIT:
        # The loader bounds each money column's total below this; only data
        # that did not come through it can get here. Never a wrapped-around sum.
        raise ReportgenError(
            f"amounts adding up to about {total / 100:.3g} are too large to add exactly"
        )
    # Astronomically large totals: slower, but still exact integer arithmetic.
    totals = pd.Series(values).groupby(keys).sum()
    out = np.zeros(size, dtype=np.int64)
    out[totals.index.to_numpy()] = totals.to_numpy()
    return out


def float_sums(keys: np.ndarray, size: int, values: np.ndarray) -> np.ndarray:
    return np.bincount(keys, weights=values, minlength=size)


def counts_2d(keys: np.ndarray, cats: np.ndarray, size: int, width: int) -> np.ndarray:
    """Rows per (group, category): a ``size × width`` int64 array."""
    return counts(keys * width + cats, size * width).reshape(size, width)


def sums_2d(
    keys: np.ndarray, cats: np.ndarray, size: int, width: int, values: np.ndarray
) -> np.ndarray:
    """Exact sum of ``values`` per (group, category)."""
    return sums(keys * width + cats, size * width, values).reshape(size, width)


def regroup(
    keys: np.ndarray,
    subs: np.ndarray,
    sub_bound: int,
    values: list[np.ndarray],
    *,
    sort: bool = False,
) -> tuple[np.ndarray, np.ndarray, list[np.ndarray]]:
    """Distinct (group, sub) combinations with ``values`` summed over their rows.

    ``subs`` are non-negative integers below ``sub_bound`` (an account code, or
    an account and day folded into one number). Returns the group and sub of
    each distinct combination (in (group, sub) order when ``sort``) and the
    per-combination int64 sums.
    """
    combined = keys.astype(np.int64, copy=False) * sub_bound + subs.astype(np.int64, copy=False)
    if len(combined) == 0:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, [empty.copy() for _ in values]
    space = (int(keys.max()) + 1) * sub_bound
    if space <= max(4 * len(combined), _DENSE_MINIMUM):
        # Few possible combinations: one bincount per column, already in (group, sub) order.
        present = np.flatnonzero(np.bincount(combined, minlength=space))
        summed = [
            np.rint(np.bincount(combined, weights=v, minlength=space)[present]).astype(np.int64)
            for v in values
        ]
        return present // sub_bound, present % sub_bound, summed
    codes, uniques = pd.factorize(combined, sort=sort)
    size = len(uniques)
    summed = [
        np.rint(np.bincount(codes, weights=v, minlength=size)).astype(np.int64) for v in values
    ]
    uniques = np.asarray(uniques, dtype=np.int64)
    return uniques // sub_bound, uniques % sub_bound, summed


def roll_up(
    finest: tuple[np.ndarray, np.ndarray, list[np.ndarray]],
    level: Level,
    sub_bound: int,
    *,
    sort: bool = False,
) -> tuple[np.ndarray, np.ndarray, list[np.ndarray]]:
    """Re-group per-(collector, sub) sums into per-(scope, sub) sums of ``level``.

    Sums of row counts are associative, so summing the collector-level partial
    sums of a team's members gives exactly what grouping the team's rows would,
    while touching far fewer values. Distinct counts and limits are then taken
    on the scope's own (scope, sub) combinations, never on members' figures.
    """
    collector, sub, values = finest
    if level.kind == "collector" and not sort:
        return level.key_of[collector], sub, values
    return regroup(level.key_of[collector], sub, sub_bound, values, sort=sort)


def distinct_counts(keys: np.ndarray, subs: np.ndarray, sub_bound: int, size: int) -> np.ndarray:
    """Distinct ``subs`` per group."""
    group, _sub, _ = regroup(keys, subs, sub_bound, [])
    return counts(group, size)


def ratio(numerator: np.ndarray, denominator: np.ndarray) -> list[float | None]:
    """numerator / denominator per group; ``None`` where the denominator is 0."""
    num = np.asarray(numerator, dtype=np.float64)
    den = np.asarray(denominator, dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        values = num / den
    return [None if d == 0 else v for v, d in zip(values.tolist(), den.tolist(), strict=True)]


def money(cents: np.ndarray) -> list[float]:
    """Cents → currency units; dividing a whole number by 100 gives the nearest double."""
    return (np.asarray(cents, dtype=np.int64) / 100).tolist()


def ints(values: np.ndarray) -> list[int]:
    return np.asarray(values, dtype=np.int64).tolist()


def nulls(size: int) -> list[None]:
    return [None] * size


def table_of_buckets(
    labels: tuple[str, ...], columns: dict[str, tuple[np.ndarray, bool]]
) -> list[dict]:
    """Per group, ``{label: {name: value}}`` from ``size × len(labels)`` arrays.

    ``columns`` maps an inner key to (array, is_money).
    """
    converted = {
        name: (array / 100).tolist() if is_money else array.tolist()
        for name, (array, is_money) in columns.items()
    }
    size = next(iter(columns.values()))[0].shape[0]
    return [
        {
            label: {name: rows[g][b] for name, rows in converted.items()}
            for b, label in enumerate(labels)
        }
        for g in range(size)
    ]


def present_only(labels: tuple[str, ...], values: list, present: np.ndarray) -> list[dict]:
    """Per group, ``{label: value}`` for the labels that occur (``present`` > 0)."""
    flags = (np.asarray(present) > 0).tolist()
    return [
        {label: row[c] for c, label in enumerate(labels) if flag_row[c]}
        for row, flag_row in zip(values, flags, strict=True)
    ]
