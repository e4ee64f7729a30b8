"""Charts: labels per language, text as outlines of the bundled font, same spec same bytes."""

from __future__ import annotations

import re
import struct
import sys
import xml.etree.ElementTree as ET

import pytest

from reportgen.errors import ReportgenError
from reportgen.render.chart_style import FIGURE_SIZE_POINTS, PNG_DPI
from reportgen.render.charts import ChartSpec, format_value, nice_ticks, render_chart
from reportgen.render.glyphs import chart_font

SVG = "{http://www.w3.org/2000/svg}"
XLINK_HREF = "{http://www.w3.org/1999/xlink}href"

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


def _svg(spec: ChartSpec, language: str) -> ET.Element:
    return ET.fromstring(render_chart(spec, language))


def _texts(root: ET.Element) -> list[str]:
    """Every piece of text the chart draws, as its outline group is labelled."""
    return [g.get("aria-label") for g in root.iter(f"{SVG}g") if g.get("aria-label")]


@pytest.mark.parametrize(
    ("spec", "language"), [(BY_CHANNEL, "zh-CN"), (MEMBERS, "zh-TW"), (YEAR, "en")]
)
def test_every_kind_is_an_svg_of_fixed_size_with_text_as_outlines_of_the_font(spec, language):
    root = _svg(spec, language)
    width, height = FIGURE_SIZE_POINTS
    assert (root.get("width"), root.get("height")) == (f"{width:g}pt", f"{height:g}pt")
    assert root.find(f"{SVG}title").text == spec.title
    # No <text>: nothing is left to a viewer's fonts. Every glyph drawn is defined once.
    assert not list(root.iter(f"{SVG}text"))
    defined = {p.get("id"): p.get("d") for p in root.find(f"{SVG}defs")}
    used = {u.get(XLINK_HREF).lstrip("#") for u in root.iter(f"{SVG}use")}
    assert used == set(defined)
    texts = _texts(root)
    assert spec.title in texts
    # Every character has a glyph in the bundled font: no box for a missing one.
    font = chart_font()
    assert [ch for text in texts for ch in text if not ch.isspace() and not font.has(ch)] == []


def test_the_outlines_are_the_fonts_own_glyphs():
    root = _svg(BY_CHANNEL, "zh-CN")
    font = chart_font()
    paths = {p.get("d") for p in root.find(f"{SVG}defs")}
    for character in "按渠道回收金额电话万":
        assert font.outline(font.glyph_name(character)) in paths, character


def test_the_missing_glyph_check_can_fail():
    assert not chart_font().has("\U0001f600")
    assert chart_font().has("萬") and chart_font().has("亿")


def test_labels_say_the_values_in_the_reports_units():
    zh = _texts(_svg(BY_CHANNEL, "zh-CN"))
    assert {"12.35万", "4,567", "9.88万", "电话", "外访"} <= set(zh)
    en = _texts(_svg(YEAR, "en"))
    assert {"CNY", "rate", "Recovered", "Recovery rate", "2024-05"} <= set(en)
    assert {"0%", "15%"} <= set(en) and "1.5M" in en


def test_bar_heights_are_proportional_to_the_values():
    root = _svg(BY_CHANNEL, "zh-CN")
    (bars,) = [g for g in root.iter(f"{SVG}g") if g.get("fill") == "#2F5597"]
    heights = [float(rect.get("height")) for rect in bars]
    # Three bars: the missing value (外访) is a gap, not a bar of 0.
    assert len(heights) == 3
    values = (123456.78, 4567.0, 98765.0)
    for height, value in zip(heights, values, strict=True):
        assert height / heights[0] == pytest.approx(value / values[0], abs=0.01)


def test_a_missing_month_breaks_the_line():
    root = _svg(YEAR, "en")
    (line,) = [p for p in root.iter(f"{SVG}path") if p.get("stroke") == "#C00000"
               and p.get("fill") == "none"]  # fmt: skip
    assert len(re.findall("M", line.get("d"))) == 2  # January–April, then June–December
    assert len(re.findall("L", line.get("d"))) == 3 + 6


@pytest.mark.parametrize(("spec", "language"), [(BY_CHANNEL, "zh-CN"), (YEAR, "en")])
def test_same_spec_same_bytes(spec, language):
    assert render_chart(spec, language) == render_chart(spec, language)
    assert render_chart(spec, language, "png") == render_chart(spec, language, "png")


def test_png_is_the_svg_rasterised_at_the_set_resolution():
    png = render_chart(YEAR, "en", "png")
    width, height = FIGURE_SIZE_POINTS
    assert _png_size(png) == (round(width / 72 * PNG_DPI), round(height / 72 * PNG_DPI))
    assert b"tIME" not in png


def test_png_without_its_extra_is_one_clear_error(monkeypatch):
    monkeypatch.setitem(sys.modules, "resvg_py", None)
    with pytest.raises(ReportgenError, match=r"reportgen\[png\]"):
        render_chart(YEAR, "en", "png")


def test_language_changes_the_labels():
    assert render_chart(BY_CHANNEL, "zh-CN") != render_chart(BY_CHANNEL, "zh-TW")


@pytest.mark.parametrize(
    ("low", "high", "expected"),
    [
        (0.0, 138271.59, (0.0, 50000.0, 100000.0, 150000.0)),
        (0.0, 0.1344, (0.0, 0.05, 0.1, 0.15)),
        (0.0, 0.0, (0.0, 0.2, 0.4, 0.6, 0.8, 1.0)),  # nothing to show: a plain 0..1
        (-1200.0, 5600.0, (-2000.0, 0.0, 2000.0, 4000.0, 6000.0)),
        (0.0, 0.3, (0.0, 0.1, 0.2, 0.3)),  # 0.30000000000000004 would print as 30.000…%
    ],
)
def test_ticks_are_round_numbers_covering_the_values(low, high, expected):
    assert nice_ticks(low, high) == expected


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
