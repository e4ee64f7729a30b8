"""Charts for reports: plain data in (a :class:`ChartSpec`), a picture out.

The report model decides which charts a report has and fills their specs
with figures already computed. This module holds what every way of showing
a chart shares (the spec, its checks, value labels and axis ticks) and hands
the drawing to chart_svg.py; a PNG is that SVG rasterised. Word files carry
their own editable charts instead (docx_charts.py).
"""

from __future__ import annotations

import dataclasses
import math
import re
from dataclasses import dataclass
from typing import Literal

from reportgen.errors import ReportgenError
from reportgen.render.chart_style import MAX_LABELLED_BARS, PNG_DPI
from reportgen.render.docx_tables import fit_columns

ChartKind = Literal["bar", "grouped_bar", "bar_line"]
ValueFormat = Literal["money", "percent", "count"]
ImageFormat = Literal["svg", "png"]
IMAGE_FORMATS: tuple[ImageFormat, ...] = ("svg", "png")


@dataclass(frozen=True)
class ChartSpec:
    """One chart, described in plain values.

    ``name`` is the file stem of the picture (``recovery-by-channel``), unique in a
    report. ``series`` holds (label, values) pairs, one value per category;
    ``None`` is a missing value (drawn as a gap, never as 0). For
    ``bar_line`` the first series is drawn as bars on the left axis
    (``value_format``) and the second as a line on the right axis
    (``line_format``), e.g. twelve months of recovery and recovery rate.
    """

    name: str
    kind: ChartKind
    title: str
    categories: tuple[str, ...]
    series: tuple[tuple[str, tuple[float | None, ...]], ...]
    value_format: ValueFormat = "money"
    line_format: ValueFormat = "percent"
    value_axis_label: str = ""
    line_axis_label: str = ""


# A category label (a collector's name) longer than this many half-em columns (a Chinese
# character takes two) is cut with an ellipsis; the table beside the chart keeps it whole.
MAX_LABEL_COLUMNS = 20
# Characters a label cannot show: control characters, lone surrogates, non-characters.
_NOT_LABEL = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
_UNITS = {
    "zh-CN": ((1e8, "亿"), (1e4, "万")),
    "zh-TW": ((1e8, "億"), (1e4, "萬")),
    "en": ((1e9, "B"), (1e6, "M"), (1e3, "K")),
}
_NICE_STEPS = (1.0, 2.0, 2.5, 5.0, 10.0)
_TARGET_TICKS = 5
_CROWDED_CATEGORIES = 8  # more categories than this, or one longer, and labels slant


def format_value(value: float, value_format: ValueFormat, language: str) -> str:
    """A chart label: money in 万/萬 (Chinese) or M (English), percent from a fraction."""
    if value_format == "percent":
        return f"{_trim(f'{value * 100:.1f}')}%"
    if value_format == "count":
        return f"{value:,.0f}"
    for size, unit in _UNITS.get(language, _UNITS["en"]):
        if abs(value) >= size:
            return f"{_trim(f'{value / size:,.2f}')}{unit}"
    return f"{value:,.0f}"


def _trim(number: str) -> str:
    """Drop trailing zeros of a fixed-point number: 12.50 -> 12.5, 10.00 -> 10."""
    return number.rstrip("0").rstrip(".") if "." in number else number


def nice_ticks(low: float, high: float) -> tuple[float, ...]:
    """About five evenly spaced round ticks (steps of 1, 2, 2.5 or 5 × 10ⁿ) covering
    ``low``..``high``; the first and last are the axis's ends."""
    if not (math.isfinite(low) and math.isfinite(high)) or high <= low:
        low, high = min(low, 0.0) if math.isfinite(low) else 0.0, 1.0
        high = max(high, low + 1.0)
    rough = (high - low) / _TARGET_TICKS
    power = 10.0 ** math.floor(math.log10(rough))
    step = next(s * power for s in _NICE_STEPS if s * power >= rough * (1 - 1e-9))
    first, last = math.floor(low / step + 1e-9), math.ceil(high / step - 1e-9)
    # Rounded to the step's own precision: 3 × 0.1 is 0.3, not 0.30000000000000004.
    places = max(0, -math.floor(math.log10(step)) + 2)
    return tuple(round(i * step, places) + 0.0 for i in range(first, last + 1))


def category_label(text: str, columns: int = MAX_LABEL_COLUMNS) -> str:
    """A category as its tick label shows it: control characters dropped, whitespace runs as
    one space, and cut to ``columns`` half-em columns with an ellipsis."""
    return fit_columns(" ".join(_NOT_LABEL.sub(" ", text).split()), columns)


def is_crowded(categories: tuple[str, ...]) -> bool:
    """Whether category labels slant: many of them, or a long one."""
    longest = max((len(c) for c in categories), default=0)
    return len(categories) > _CROWDED_CATEGORIES or longest > _CROWDED_CATEGORIES


def check_spec(spec: ChartSpec) -> None:
    """Refuse a spec no chart can show, naming it: the report model made a mistake."""
    expected = {"bar": 1, "bar_line": 2}.get(spec.kind)
    if spec.kind not in ("bar", "grouped_bar", "bar_line"):
        raise ValueError(f"chart {spec.name!r}: unknown kind {spec.kind!r}")
    if expected is not None and len(spec.series) != expected:
        raise ValueError(
            f"chart {spec.name!r}: a {spec.kind} chart takes {expected} series, "
            f"got {len(spec.series)}"
        )
    if not spec.series:
        raise ValueError(f"chart {spec.name!r}: no series")
    for label, values in spec.series:
        if len(values) != len(spec.categories):
            raise ValueError(
                f"chart {spec.name!r}: series {label!r} has {len(values)} values "
                f"for {len(spec.categories)} categories"
            )


def bar_series(spec: ChartSpec) -> tuple[tuple[str, tuple[float | None, ...]], ...]:
    """The series drawn as bars: all of them, or the first of a bar-plus-line chart."""
    return spec.series if spec.kind != "bar_line" else spec.series[:1]


def labels_bars(spec: ChartSpec) -> bool:
    """Whether each bar carries its value: not beside a line, and not so many that the
    labels would overlap."""
    return (
        spec.kind != "bar_line"
        and len(bar_series(spec)) * len(spec.categories) <= MAX_LABELLED_BARS
    )


def shown_spec(spec: ChartSpec) -> ChartSpec:
    """``spec`` as it is shown: checked, category labels cleaned and cut to length."""
    check_spec(spec)
    return dataclasses.replace(spec, categories=tuple(category_label(c) for c in spec.categories))


def render_chart(spec: ChartSpec, language: str, image_format: ImageFormat = "svg") -> bytes:
    """Draw ``spec`` as an SVG (or a PNG); the same spec and language give the same bytes."""
    from reportgen.render.chart_svg import render_svg

    svg = render_svg(shown_spec(spec), language)
    if image_format == "svg":
        return svg
    if image_format == "png":
        return svg_to_png(svg)
    raise ValueError(f"unknown chart image format {image_format!r}")


PNG_EXTRA_MESSAGE = (
    "PNG charts need the resvg rasteriser: pip install 'reportgen[png]' "
    '(or set [charts] image_format = "svg")'
)


_POINT_SIZE = re.compile(r'\b(width|height)="([\d.]+)pt"')


def svg_to_png(svg: bytes) -> bytes:
    """The SVG rasterised at PNG_DPI on white. Its text is outlines already, so no font is
    looked up: the pixels are the same on every machine."""
    try:
        import resvg_py
    except ImportError:
        raise ReportgenError(PNG_EXTRA_MESSAGE) from None
    # resvg's binding takes sizes in pixels only: 460.8pt becomes 460.8 pixels of 1/72 in,
    # then the zoom sets the resolution.
    text = _POINT_SIZE.sub(r'\1="\2"', svg.decode("utf-8"), count=2)
    png = resvg_py.svg_to_bytes(
        svg_string=text,
        skip_system_fonts=True,
        background="#ffffff",
        zoom=PNG_DPI / 72,
    )
    return bytes(png)
