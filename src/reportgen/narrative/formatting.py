"""Numbers, dates and changes written the way each report language expects.

Every figure in a report passes through here (as a Jinja filter or from
Python), so a template never formats or computes a number itself. ``None``
(an unknown figure) is written as the language's "not available" word,
never as 0, ``None`` or ``nan``.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass
from datetime import date, datetime

from babel import Locale
from babel.dates import format_date
from babel.numbers import NumberPattern, format_decimal, format_percent, parse_pattern

from reportgen.narrative.chinese import to_traditional

BABEL_LOCALES = {"zh-CN": "zh_Hans_CN", "zh-TW": "zh_Hant_TW", "en": "en"}

# How Chinese readers name a currency after the figure (1,234.00 元). Other
# currencies are written with their ISO code.
_CHINESE_UNITS = {
    "CNY": "元",
    "RMB": "元",
    "TWD": "元",
    "HKD": "港元",
    "MOP": "澳门元",
    "USD": "美元",
}

# From this amount up, Chinese prose also gives the figure in 万 / 萬.
WAN_FROM = 100_000
_WAN = {"zh-CN": "万", "zh-TW": "萬"}

_NOT_AVAILABLE = {"zh-CN": "无法计算", "zh-TW": "無法計算", "en": "n/a"}


# Babel parses a locale name and a number pattern on every call unless it is given the
# parsed objects; a report formats a few hundred figures.
@functools.cache
def _babel_locale(name: str) -> Locale:
    return Locale.parse(name)


@functools.cache
def _number_pattern(pattern: str) -> NumberPattern:
    return parse_pattern(pattern)


def is_known(value: object) -> bool:
    """True for a real number (not None, NaN or infinite)."""
    if value is None or isinstance(value, bool):
        return False
    if isinstance(value, int | float):
        return math.isfinite(value)
    return False


@dataclass(frozen=True)
class Formatter:
    """Formats figures for one language and currency."""

    language: str
    currency: str = "CNY"

    @property
    def locale(self) -> Locale:
        return _babel_locale(BABEL_LOCALES[self.language])

    @property
    def chinese(self) -> bool:
        return self.language.startswith("zh")

    @property
    def not_available(self) -> str:
        return _NOT_AVAILABLE[self.language]

    def currency_unit(self) -> str:
        """The word written after an amount in Chinese (元), or the ISO code."""
        unit = _CHINESE_UNITS.get(self.currency.upper())
        if self.chinese and unit:
            return to_traditional(unit) if self.language == "zh-TW" else unit
        return self.currency.upper()

    # -- plain figures -------------------------------------------------------

    def number(self, value: float | int | None, decimals: int = 2) -> str:
        if not is_known(value):
            return self.not_available
        pattern = _number_pattern("#,##0" + ("." + "0" * decimals if decimals else ""))
        return format_decimal(_round(value, decimals), pattern, locale=self.locale)

    def count(self, value: float | int | None) -> str:
        """A whole count with grouping (1,234)."""
        return self.number(value, 0)

    def counted(self, value: float | int | None, singular: str, plural: str = "") -> str:
        """A count with its noun: '1 promise', '2 promises' (Chinese nouns do not change)."""
        word = singular if value == 1 else (plural or singular + "s")
        return f"{self.count(value)} {word}"

    def amount(self, value: float | int | None) -> str:
        """An amount without its unit, for table cells whose header names the unit."""
        return self.number(value, 2)

    def money(self, value: float | int | None) -> str:
        """An amount with its unit; Chinese adds the 万 form for large amounts."""
        if not is_known(value):
            return self.not_available
        figure = self.amount(value)
        if not self.chinese:
            return f"{self.currency_unit()} {figure}"
        text = f"{figure} {self.currency_unit()}"
        if abs(value) >= WAN_FROM:
            text += f"（{self.wan(value)}）"
        return text

    def wan(self, value: float | int | None) -> str:
        """An amount in 万 / 萬 of the currency unit (12.35 万元); plain money in English."""
        if not is_known(value):
            return self.not_available
        if not self.chinese:
            return self.money(value)
        return f"{self.number(value / 10_000, 2)} {_WAN[self.language]}{self.currency_unit()}"

    def pct(self, value: float | None) -> str:
        """A ratio as a percentage with one decimal (0.1234 → 12.3%)."""
        if not is_known(value):
            return self.not_available
        return format_percent(_round(value, 3), _number_pattern("#,##0.0%"), locale=self.locale)

    def per_thousand(self, value: float | None) -> str:
        return self.number(value, 2)

    def date(self, value: date | datetime | str | None) -> str:
        if value is None:
            return self.not_available
        if isinstance(value, str):
            value = date.fromisoformat(value[:10])
        return format_date(value, "long", locale=self.locale)

    # -- changes -------------------------------------------------------------

    def points(self, change: float | None) -> str:
        """A ratio change in percentage points: 上升 2.1 个百分点 / up 2.1 percentage points."""
        if not is_known(change):
            return self.not_available
        size = _round(abs(change) * 100, 1)
        figure = self.number(size, 1)
        if size == 0:
            return {"zh-CN": "持平", "zh-TW": "持平", "en": "unchanged"}[self.language]
        if self.language == "en":
            unit = "percentage point" if size == 1 else "percentage points"
            return f"{'up' if change > 0 else 'down'} {figure} {unit}"
        verb = "上升" if change > 0 else "下降"
        unit = "个百分点" if self.language == "zh-CN" else "個百分點"
        return f"{verb} {figure} {unit}"

    def points_between(self, current: float | None, previous: float | None) -> str:
        """The change from ``previous`` to ``current`` in percentage points, as printed.

        Each ratio is rounded to the one decimal of a percentage the report shows
        before subtracting, so the words agree with the two figures beside them:
        99.3% → 99.2% reads "down 0.1 points", never "unchanged".
        """
        if not (is_known(current) and is_known(previous)):
            return self.not_available
        return self.points(printed_ratio(current) - printed_ratio(previous))

    def growth(self, current: float | None, previous: float | None) -> str:
        """A change of an amount or count in percent: 增长 12.3% / up 12.3%."""
        if not (is_known(current) and is_known(previous)):
            return self.not_available
        if previous == 0:
            if current == 0:
                return {"zh-CN": "持平", "zh-TW": "持平", "en": "unchanged"}[self.language]
            return {
                "zh-CN": "由零增至此数",
                "zh-TW": "由零增至此數",
                "en": "up from nothing",
            }[self.language]
        ratio = (current - previous) / abs(previous)
        size = _round(abs(ratio), 3)
        if size == 0:
            return {"zh-CN": "持平", "zh-TW": "持平", "en": "unchanged"}[self.language]
        figure = self.pct(size)
        if self.language == "en":
            return f"{'up' if ratio > 0 else 'down'} {figure}"
        # 增加 in zh-TW: 成長 carries praise, wrong for a rising count of overdue accounts.
        verb = {"zh-CN": ("增长", "下降"), "zh-TW": ("增加", "下降")}[self.language]
        return f"{verb[0] if ratio > 0 else verb[1]} {figure}"


def printed_ratio(value: float) -> float:
    """A ratio as the report prints it: rounded to one decimal of a percentage."""
    return _round(value, 3)


def printed_number(value: float, decimals: int = 2) -> float:
    """A figure as :meth:`Formatter.number` prints it (half away from zero)."""
    return _round(value, decimals)


def _round(value: float, decimals: int) -> float:
    """Round half away from zero, as people do by hand (Python's round() is banker's)."""
    from decimal import ROUND_HALF_UP, Decimal

    quantum = Decimal(1).scaleb(-decimals)
    return float(Decimal(repr(float(value))).quantize(quantum, rounding=ROUND_HALF_UP))
