"""Charts: labels per language, Chinese drawn with a real font, same spec gives the same PNG."""

from __future__ import annotations

import struct
import warnings

import matplotlib
import pytest

from reportgen.render.charts import DPI, FIGURE_SIZE_INCHES, ChartSpec, format_value, render_chart

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"

BY_CHANNEL = ChartSpec(
    name="recovery-by-channel",
    kind="bar",
    title="按渠道回收金额（元）",
    categories=("电话", "短信", "外访", "微信"),
    series=(("回收金额", (123456.78, 4567.0, None, 98765.0)),),
)
MEMBERS = ChartSpec(
    name="members",
    kind="grouped_bar",
    title="各成員回收金額",
    categories=("王小明", "李美麗", "張偉"),
    series=(("本期", (210000.0, 180000.0, 95000.0)), ("上期", (190000.0, None, 99000.0))),
)
YEAR = ChartSpec(
    name="monthly",
    kind="bar_line",
    title="Monthly recovery and recovery rate",
    categories=tuple(f"2024-{m:02d}" for m in range(1, 13)),
    series=(
        ("Recovered", tuple(float(100000 * m) for m in range(1, 13))),
        ("Recovery rate", tuple(None if m == 5 else m / 100 for m in range(1, 13))),
    ),
    value_axis_label="CNY",
    line_axis_label="rate",
)


@pytest.mark.parametrize(
    ("value", "value_format", "language", "expected"),
    [
        (123456.78, "money", "zh-CN", "12.35万"),
        (100000.0, "money", "zh-CN", "10万"),
        (150000000.0, "money", "zh-CN", "1.5亿"),
        (9999.0, "money", "zh-CN", "9,999"),
        (123456.78, "money", "zh-TW", "12.35萬"),
        (250000000.0, "money", "zh-TW", "2.5億"),
        (1234567.0, "money", "en", "1.23M"),
        (12345.0, "money", "en", "12.35K"),
        (999.0, "money", "en", "999"),
        (0.0, "money", "en", "0"),
        (0.1234, "percent", "zh-CN", "12.3%"),
        (0.1, "percent", "en", "10%"),
        (-0.021, "percent", "en", "-2.1%"),
        (12345.0, "count", "zh-CN", "12,345"),
    ],
)
def test_format_value(value, value_format, language, expected):
    assert format_value(value, value_format, language) == expected


def _png_size(png: bytes) -> tuple[int, int]:
    assert png[:8] == PNG_SIGNATURE
    width, height = struct.unpack(">II", png[16:24])
    return width, height


def _render_capturing_warnings(spec: ChartSpec, language: str) -> tuple[bytes, list[str]]:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        png = render_chart(spec, language)
    return png, [str(w.message) for w in caught]


@pytest.mark.parametrize(
    ("spec", "language"), [(BY_CHANNEL, "zh-CN"), (MEMBERS, "zh-TW"), (YEAR, "en")]
)
def test_every_kind_renders_a_png_of_fixed_size_with_no_missing_glyph(spec, language):
    png, messages = _render_capturing_warnings(spec, language)
    assert _png_size(png) == (FIGURE_SIZE_INCHES[0] * DPI, FIGURE_SIZE_INCHES[1] * DPI)
    assert not [m for m in messages if "missing from" in m], messages


def test_the_missing_glyph_check_can_fail():
    # A character outside the font's repertoire does warn: the test above would see it.
    spec = ChartSpec("x", "bar", "\U0001f600", ("a",), (("s", (1.0,)),))
    _png, messages = _render_capturing_warnings(spec, "en")
    assert any("missing from" in m for m in messages)


@pytest.mark.parametrize(("spec", "language"), [(BY_CHANNEL, "zh-CN"), (YEAR, "en")])
def test_same_spec_same_bytes(spec, language):
    assert render_chart(spec, language) == render_chart(spec, language)


def test_png_carries_no_software_or_time_stamp():
    png = render_chart(BY_CHANNEL, "zh-CN")
    assert b"matplotlib" not in png.lower()
    assert b"tIME" not in png


def test_language_changes_the_labels():
    assert render_chart(BY_CHANNEL, "zh-CN") != render_chart(BY_CHANNEL, "zh-TW")


def test_a_missing_value_is_not_drawn_as_zero():
    as_gap = render_chart(BY_CHANNEL, "zh-CN")
    with_zero = ChartSpec(
        BY_CHANNEL.name,
        "bar",
        BY_CHANNEL.title,
        BY_CHANNEL.categories,
        (("回收金额", (123456.78, 4567.0, 0.0, 98765.0)),),
    )
    # A zero bar gets a "0" label; a gap gets nothing.
    assert as_gap != render_chart(with_zero, "zh-CN")


def test_callers_matplotlib_settings_are_left_alone():
    before = dict(matplotlib.rcParams)
    render_chart(YEAR, "en")
    assert dict(matplotlib.rcParams) == before


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        (ChartSpec("bad", "bar", "t", ("a", "b"), (("s", (1.0,)),)), "1 values for 2"),
        (ChartSpec("bad", "bar_line", "t", ("a",), (("s", (1.0,)),)), "takes 2 series"),
        (ChartSpec("bad", "pie", "t", ("a",), (("s", (1.0,)),)), "unknown kind"),  # type: ignore[arg-type]
    ],
)
def test_a_malformed_spec_is_refused_with_its_name(spec, message):
    with pytest.raises(ValueError, match=message):
        render_chart(spec, "en")
