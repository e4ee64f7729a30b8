"""The working calendar of a Chinese collection centre, for the sample data generator.

Activity is weighted per day: full on working days, less at weekends, near
none on the Chinese New Year and National Day holidays, with a dip on the
working days around them. Repayments have their own weights, with the rush to
settle debts before Chinese New Year.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np

# Chinese New Year's day (正月初一) by Gregorian year.
_NEW_YEAR = {
    2010: (2, 14), 2011: (2, 3), 2012: (1, 23), 2013: (2, 10), 2014: (1, 31),
    2015: (2, 19), 2016: (2, 8), 2017: (1, 28), 2018: (2, 16), 2019: (2, 5),
    2020: (1, 25), 2021: (2, 12), 2022: (2, 1), 2023: (1, 22), 2024: (2, 10),
    2025: (1, 29), 2026: (2, 17), 2027: (2, 6), 2028: (1, 26), 2029: (2, 13),
    2030: (2, 3), 2031: (1, 23), 2032: (2, 11), 2033: (1, 31), 2034: (2, 19),
    2035: (2, 8),
}  # fmt: skip

# Outside the table: the first mean new moon (Beijing time) on or after 21 January,
# which is right in most years and a day off in a few; fine for synthetic data.
_REFERENCE_NEW_MOON = 2451550.1 + 8 / 24  # 2000-01-06 18:14 UTC as a Julian day, in UTC+8
_SYNODIC_MONTH = 29.530588853
_JULIAN_DAY_OF_ORDINAL_1 = 1721425.5  # midnight starting 0001-01-01

WEEKDAY_ACTIVITY = (1.0, 1.0, 1.0, 1.0, 1.0, 0.35, 0.15)  # Monday .. Sunday
HOLIDAY_ACTIVITY = 0.02
NEAR_HOLIDAY_ACTIVITY = 0.75  # working days just before and after a long holiday
NEAR_HOLIDAY_DAYS = 3
PAYMENT_WEEKDAY = (1.0, 1.0, 1.0, 1.0, 1.0, 0.7, 0.6)
PAYMENT_HOLIDAY = 0.3
PRE_NEW_YEAR_RUSH = 2.2  # repayments in the ten days before Chinese New Year
PRE_NEW_YEAR_DAYS = 10


def chinese_new_year(year: int) -> date:
    if year in _NEW_YEAR:
        month, day = _NEW_YEAR[year]
        return date(year, month, day)
    earliest = date(year, 1, 21).toordinal() - 1 + _JULIAN_DAY_OF_ORDINAL_1
    lunations = np.ceil((earliest - _REFERENCE_NEW_MOON) / _SYNODIC_MONTH)
    moon = _REFERENCE_NEW_MOON + lunations * _SYNODIC_MONTH
    return date.fromordinal(int(np.floor(moon - _JULIAN_DAY_OF_ORDINAL_1)) + 1)


def holidays(year: int) -> set[date]:
    """Spring Festival (eve + six days) and National Day (1–7 October)."""
    new_year = chinese_new_year(year)
    spring = {new_year + timedelta(days=k) for k in range(-1, 6)}
    national = {date(year, 10, d) for d in range(1, 8)}
    return spring | national


@dataclass(frozen=True)
class MonthCalendar:
    """One month's days (index 0 = the 1st) and their weights."""

    year: int
    month: int
    first: np.datetime64  # the 1st, as datetime64[D]
    days: int
    activity: np.ndarray  # float64 per day: share of a normal working day's contacts
    office: np.ndarray  # float64 per day: letters go out on working days only
    payments: np.ndarray  # float64 per day: relative chance of a repayment
    working: np.ndarray  # bool per day: Monday–Friday and not a holiday

    @property
    def label(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"


def month_calendar(year: int, month: int) -> MonthCalendar:
    first = date(year, month, 1)
    following = date(year + (month == 12), month % 12 + 1, 1)
    days = [first + timedelta(days=k) for k in range((following - first).days)]
    off = holidays(year - 1) | holidays(year) | holidays(year + 1)
    near = {
        d + timedelta(days=k)
        for d in off
        for k in range(-NEAR_HOLIDAY_DAYS, NEAR_HOLIDAY_DAYS + 1)
        if d + timedelta(days=k) not in off
    }
    new_years = [chinese_new_year(y) for y in (year, year + 1)]
    rush = {ny - timedelta(days=k) for ny in new_years for k in range(2, PRE_NEW_YEAR_DAYS + 2)}

    weekday = np.array([d.weekday() for d in days])
    is_off = np.array([d in off for d in days])
    is_near = np.array([d in near for d in days])
    is_rush = np.array([d in rush for d in days])

    activity = np.asarray(WEEKDAY_ACTIVITY)[weekday]
    activity = np.where(is_near & (weekday < 5), activity * NEAR_HOLIDAY_ACTIVITY, activity)
    activity = np.where(is_off, HOLIDAY_ACTIVITY, activity)
    working = (weekday < 5) & ~is_off
    # A tiny floor keeps sampling defined for a span holding no working day.
    office = np.where(working, 1.0, 1e-6)
    payments = np.asarray(PAYMENT_WEEKDAY)[weekday]
    payments = np.where(is_off, PAYMENT_HOLIDAY, payments)
    payments = np.where(is_rush, payments * PRE_NEW_YEAR_RUSH, payments)
    return MonthCalendar(
        year=year,
        month=month,
        first=np.datetime64(first, "D"),
        days=len(days),
        activity=activity,
        office=office,
        payments=payments,
        working=working,
    )


def sample_days(
    rng: np.random.Generator, weights: np.ndarray, lo: np.ndarray, hi: np.ndarray
) -> np.ndarray:
    """One day index per row, drawn with ``weights`` restricted to [lo, hi] (0-based, inclusive)."""
    cumulative = np.concatenate([[0.0], np.cumsum(weights)])
    start = cumulative[lo]
    stop = cumulative[hi + 1]
    target = start + rng.random(len(lo)) * (stop - start)
    day = np.searchsorted(cumulative, target, side="right") - 1
    return np.clip(day, lo, hi)


def weight_between(weights: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    """Sum of ``weights`` over [lo, hi] per row (0-based, inclusive)."""
    cumulative = np.concatenate([[0.0], np.cumsum(weights)])
    return cumulative[hi + 1] - cumulative[lo]
