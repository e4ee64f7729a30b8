"""Numbers as each language writes them; unknowns never shown as 0, None or nan."""

from __future__ import annotations

import math

import pytest

from reportgen.narrative.formatting import Formatter

CN, TW, EN = Formatter("zh-CN"), Formatter("zh-TW"), Formatter("en")


def test_money_in_chinese_uses_yuan_and_adds_wan_from_100000():
    assert CN.money(1234567.891) == "1,234,567.89 元（123.46 万元）"
    assert TW.money(1234567.891) == "1,234,567.89 元（123.46 萬元）"
    assert CN.money(99999.99) == "99,999.99 元"
    assert CN.money(100000) == "100,000.00 元（10.00 万元）"


def test_money_in_english_leads_with_the_currency_code():
    assert EN.money(1234567.891) == "CNY 1,234,567.89"
    assert Formatter("en", "USD").money(5) == "USD 5.00"


def test_other_currencies_in_chinese():
    assert Formatter("zh-CN", "USD").money(150000) == "150,000.00 美元（15.00 万美元）"
    assert Formatter("zh-CN", "EUR").money(12.5) == "12.50 EUR"


def test_wan_rounds_half_up_to_two_decimals():
    assert CN.wan(123450) == "12.35 万元"
    assert TW.wan(123449) == "12.34 萬元"


def test_percent_has_one_decimal_rounded_half_up():
    assert CN.pct(0.12345) == "12.3%"
    assert CN.pct(0.12355) == "12.4%"
    assert EN.pct(1) == "100.0%"
    assert TW.pct(0) == "0.0%"


def test_points_say_the_direction_in_each_language():
    assert CN.points(0.021) == "上升 2.1 个百分点"
    assert TW.points(-0.021) == "下降 2.1 個百分點"
    assert EN.points(0.021) == "up 2.1 percentage points"
    assert EN.points(-0.01) == "down 1.0 percentage point"
    assert CN.points(0.0004) == "持平"
    assert EN.points(0.0) == "unchanged"


def test_growth_of_amounts_in_percent():
    assert CN.growth(125, 100) == "增长 25.0%"
    assert TW.growth(125, 100) == "增加 25.0%"
    assert EN.growth(75, 100) == "down 25.0%"
    assert EN.growth(100, 100) == "unchanged"
    assert CN.growth(5, 0) == "由零增至此数"


def test_counts_and_dates():
    assert CN.count(1234567) == "1,234,567"
    assert EN.counted(1, "complaint") == "1 complaint"
    assert EN.counted(2, "complaint") == "2 complaints"
    assert CN.date("2024-09-30") == "2024年9月30日"
    assert EN.date("2024-09-30") == "September 30, 2024"


@pytest.mark.parametrize("unknown", [None, math.nan, math.inf])
def test_unknown_figures_are_named_as_such(unknown):
    for fmt, word in ((CN, "无法计算"), (TW, "無法計算"), (EN, "n/a")):
        for render in (fmt.money, fmt.pct, fmt.count, fmt.points, fmt.wan):
            assert render(unknown) == word
        assert fmt.growth(unknown, 1) == word


@pytest.mark.parametrize(
    ("language", "expected"),
    [("en", "down 0.1 percentage points"), ("zh-CN", "下降 0.1 个百分点")],
)
def test_points_between_agrees_with_the_printed_figures(language: str, expected: str) -> None:
    # 0.99266 prints as 99.3% and 0.99224 as 99.2%: the raw change (0.04 points) would
    # round to "unchanged" beside two different figures.
    fmt = Formatter(language)
    assert fmt.pct(0.99266) != fmt.pct(0.99224)
    assert fmt.points_between(0.99224, 0.99266) == expected
    assert fmt.points_between(0.5, None) == fmt.not_available
