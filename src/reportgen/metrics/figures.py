"""Turning the integer counts and cents that queries return into the figures of the JSON.

Division happens here, in Python, on exact integers: a ratio of two whole
numbers is the nearest double to the true fraction on every engine.
"""

from __future__ import annotations


def ratio(numerator: int | float, denominator: int | float) -> float | None:
    """numerator / denominator; ``None`` when the denominator is 0 (spec: never NaN)."""
    if denominator == 0:
        return None
    # int / int is Python's correctly rounded true division, even beyond 2**53.
    return numerator / denominator


def money(cents: int) -> float:
    """Cents → currency units; dividing a whole number by 100 gives the nearest double."""
    return int(cents) / 100
