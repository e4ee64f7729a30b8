"""Charts as SVG: a :class:`ChartSpec` in, a vector picture with its text as outlines out.

Drawn directly rather than through a plotting library: a report's charts are
three simple kinds (bars, grouped bars, bars with a line on a second axis),
and writing their few dozen shapes takes a couple of milliseconds where a
plotting library's figure, layout and rasteriser took about 80 ms a chart.
Every letter is a path from the bundled font (see glyphs.py), defined once
per chart and reused, so no viewer substitutes a font. Coordinates are in
points with two decimals: the same spec always gives the same bytes.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from xml.sax.saxutils import escape, quoteattr

from reportgen.render.chart_style import (
    BAR_COLOURS,
    FIGURE_SIZE_POINTS,
    LINE_COLOUR,
    SLANT_DEGREES,
    TEXT_COLOUR,
    TEXT_POINTS,
    TITLE_POINTS,
    VALUE_LABEL_POINTS,
)
from reportgen.render.charts import (
    ChartSpec,
    ValueFormat,
    bar_series,
    format_value,
    is_crowded,
    labels_bars,
    nice_ticks,
)
from reportgen.render.glyphs import OutlineFont, chart_font

_PAD = 5.76  # points round the edge (0.08 in)
_TICK = 3.5  # tick length, and the gap between a tick and its label
_LABEL_GAP = 4.0  # between an axis label and the tick labels
_TITLE_GAP = 6.0
_LEGEND_GAP = 8.64
_LEGEND_SWATCH = (10.0, 7.0)
_LEGEND_SPACING = 14.0
_MIN_PLOT_SHARE = 0.35  # the plot keeps at least this share of each dimension
_BAR_SHARE = 0.8  # of a category's slot; the rest is the gap between groups
_HEADROOM = 0.12  # above the tallest bar, for its value label
_GRID_COLOUR = "#D9D9D9"
_AXIS_COLOUR = "#404040"
_MARKER_RADIUS = 2.0


@dataclass(frozen=True)
class _Axis:
    """A value axis: its range (the outer ticks), its ticks and how they are labelled."""

    low: float
    high: float
    ticks: tuple[float, ...]
    value_format: ValueFormat

    @classmethod
    def fitting(cls, values: list[float], value_format: ValueFormat) -> _Axis:
        low, high = min([0.0, *values]), max([0.0, *values])
        span = high - low
        high += span * _HEADROOM if high > 0 else 0.0
        low -= span * _HEADROOM if low < 0 else 0.0
        ticks = nice_ticks(low, high)
        return cls(ticks[0], ticks[-1], ticks, value_format)

    def labels(self, language: str) -> list[str]:
        return [format_value(tick, self.value_format, language) for tick in self.ticks]


class _Canvas:
    """SVG elements in drawing order, and the glyphs their text uses."""

    def __init__(self, font: OutlineFont) -> None:
        self.font = font
        self.elements: list[str] = []
        self._glyph_ids: dict[str, str] = {}

    def add(self, element: str) -> None:
        self.elements.append(element)

    def text(
        self,
        text: str,
        x: float,
        y: float,
        points: float,
        *,
        anchor: str = "start",
        middle: bool = False,
        rotate: float = 0.0,
        fill: str = TEXT_COLOUR,
    ) -> None:
        """``text`` at (x, y): y is its baseline, or its middle when ``middle``; turned
        ``rotate`` degrees clockwise about (x, y); ``anchor`` as in SVG."""
        if not text:
            return
        scale = points / self.font.units_per_em
        width = self.font.width(text, points)
        dx = {"start": 0.0, "middle": -width / 2, "end": -width}[anchor]
        dy = _middle_offset(points) if middle else 0.0
        uses, cursor = [], 0
        for character in text:
            glyph = self.font.glyph_name(character)
            if self.font.outline(glyph):
                uses.append(f'<use xlink:href="#{self._glyph_id(glyph)}" x="{cursor}"/>')
            cursor += self.font.advance(glyph)
        turn = f" rotate({_n(rotate)})" if rotate else ""
        self.add(
            f'<g aria-label={quoteattr(text)} fill="{fill}" transform="translate({_n(x)} {_n(y)})'
            f'{turn} translate({_n(dx)} {_n(dy)}) scale({_n(scale, 5)} {_n(-scale, 5)})">'
            f"{''.join(uses)}</g>"
        )

    def _glyph_id(self, glyph: str) -> str:
        known = self._glyph_ids.get(glyph)
        if known is None:
            known = self._glyph_ids[glyph] = f"g{len(self._glyph_ids)}"
        return known

    def definitions(self) -> str:
        return "".join(
            f'<path id="{gid}" d="{self.font.outline(glyph)}"/>'
            for glyph, gid in self._glyph_ids.items()
        )


def _middle_offset(points: float) -> float:
    # The middle of a line of text sits about 0.36 em above its baseline (digits and Han).
    return 0.36 * points


def render_svg(spec: ChartSpec, language: str) -> bytes:
    """``spec`` drawn as an SVG document (UTF-8 bytes)."""
    font = chart_font()
    canvas = _Canvas(font)
    width, height = FIGURE_SIZE_POINTS
    bars = bar_series(spec)
    line = spec.series[1] if spec.kind == "bar_line" else None
    left_axis = _Axis.fitting(_known(bars), spec.value_format)
    right_axis = _Axis.fitting(_known([line]), spec.line_format) if line else None
    legend = [
        (label, "bar", BAR_COLOURS[i % len(BAR_COLOURS)]) for i, (label, _) in enumerate(bars)
    ]
    if line is not None:
        legend.append((line[0], "line", LINE_COLOUR))
    show_legend = spec.kind != "bar"

    # Margins: just room for the title, tick labels, axis labels, category labels and legend.
    line_height = _line_height(font, TEXT_POINTS)
    slanted = is_crowded(spec.categories)
    widest = max((font.width(c, TEXT_POINTS) for c in spec.categories), default=0.0)
    left = _PAD + _axis_room(font, left_axis, spec.value_axis_label, language)
    right = 2 * _PAD
    if right_axis is not None:
        right = _PAD + _axis_room(font, right_axis, spec.line_axis_label, language)
    top = _PAD + _line_height(font, TITLE_POINTS) + _TITLE_GAP
    slant = math.radians(SLANT_DEGREES)
    if slanted:
        labels_height = widest * math.sin(slant) + line_height * math.cos(slant)
        # Right-aligned slanted labels reach left of the first category: keep them in.
        first_slot = (width - left - right) / max(len(spec.categories), 1) / 2
        left = max(left, 2 * _PAD + widest * math.cos(slant) - first_slot)
    else:
        labels_height = line_height
    bottom = _PAD + 2 * _TICK + labels_height
    if show_legend:
        bottom += line_height + _LEGEND_GAP
    left, right = _within(left, right, width)
    top, bottom = _within(top, bottom, height)
    plot = _Plot(left, top, width - left - right, height - top - bottom, len(spec.categories))

    canvas.add(f'<rect width="{_n(width)}" height="{_n(height)}" fill="#FFFFFF"/>')
    _draw_grid(canvas, plot, left_axis)
    _draw_bars(canvas, plot, left_axis, spec, bars, language)
    if line is not None and right_axis is not None:
        _draw_line(canvas, plot, right_axis, line[1])
    _draw_frame(canvas, plot, right_axis is not None)
    _draw_value_ticks(canvas, plot, left_axis, language, side="left")
    if right_axis is not None:
        _draw_value_ticks(canvas, plot, right_axis, language, side="right")
    _draw_categories(canvas, plot, spec.categories, slanted)
    # Axis labels read upwards, centred on the plot's height, at the figure's edges.
    middle_y = plot.top + plot.height / 2
    canvas.text(
        spec.value_axis_label, _PAD + _ascent(font, TEXT_POINTS), middle_y, TEXT_POINTS,
        anchor="middle", rotate=-90,
    )  # fmt: skip
    if right_axis is not None:
        canvas.text(
            spec.line_axis_label, width - _PAD + _descent(font, TEXT_POINTS), middle_y, TEXT_POINTS,
            anchor="middle", rotate=-90,
        )  # fmt: skip
    title_baseline = _PAD + _ascent(font, TITLE_POINTS)
    canvas.text(spec.title, plot.left + plot.width / 2, title_baseline, TITLE_POINTS,
                anchor="middle")  # fmt: skip
    if show_legend:
        _draw_legend(canvas, legend, width / 2, height - _PAD - line_height / 2)

    return _document(canvas, spec.title, width, height)


@dataclass(frozen=True)
class _Plot:
    left: float
    top: float
    width: float
    height: float
    slots: int

    @property
    def bottom(self) -> float:
        return self.top + self.height

    @property
    def right(self) -> float:
        return self.left + self.width

    def slot_centre(self, index: int) -> float:
        return self.left + (index + 0.5) * self.width / max(self.slots, 1)

    def slot_width(self) -> float:
        return self.width / max(self.slots, 1)

    def y(self, axis: _Axis, value: float) -> float:
        return self.bottom - (value - axis.low) / (axis.high - axis.low) * self.height


def _draw_grid(canvas: _Canvas, plot: _Plot, axis: _Axis) -> None:
    lines = [
        f"M{_n(plot.left)} {_n(plot.y(axis, tick))}H{_n(plot.right)}"
        for tick in axis.ticks[1:]
        if tick != 0
    ]
    if lines:
        canvas.add(f'<path d="{"".join(lines)}" stroke="{_GRID_COLOUR}" stroke-width="0.5"/>')


def _draw_bars(
    canvas: _Canvas,
    plot: _Plot,
    axis: _Axis,
    spec: ChartSpec,
    bars: tuple[tuple[str, tuple[float | None, ...]], ...],
    language: str,
) -> None:
    width = plot.slot_width() * _BAR_SHARE / len(bars)
    zero = plot.y(axis, 0.0)
    labelled = labels_bars(spec)
    labels: list[tuple[str, float, float]] = []
    for index, (_label, values) in enumerate(bars):
        offset = (index - (len(bars) - 1) / 2) * width
        rects = []
        for slot, value in enumerate(values):
            if value is None or not math.isfinite(value):
                continue  # a missing value is a gap, never a 0
            x = plot.slot_centre(slot) + offset - width / 2
            top = plot.y(axis, value)
            rects.append(
                f'<rect x="{_n(x)}" y="{_n(min(top, zero))}" width="{_n(width)}" '
                f'height="{_n(abs(zero - top))}"/>'
            )
            below = top + 2 + VALUE_LABEL_POINTS * 0.75
            labels.append((value, x + width / 2, top - 2 if value >= 0 else below))
        colour = BAR_COLOURS[index % len(BAR_COLOURS)]
        canvas.add(f'<g fill="{colour}">{"".join(rects)}</g>')
    # Labels after every bar, so a neighbouring series never covers one.
    for value, x, y in labels if labelled else ():
        text = format_value(value, spec.value_format, language)
        canvas.text(text, x, y, VALUE_LABEL_POINTS, anchor="middle")


def _draw_line(canvas: _Canvas, plot: _Plot, axis: _Axis, values: tuple[float | None, ...]) -> None:
    path, markers, pen_down = [], [], False
    for slot, value in enumerate(values):
        if value is None or not math.isfinite(value):
            pen_down = False  # a missing month breaks the line
            continue
        x, y = plot.slot_centre(slot), plot.y(axis, value)
        path.append(f"{'L' if pen_down else 'M'}{_n(x)} {_n(y)}")
        markers.append(f'<circle cx="{_n(x)}" cy="{_n(y)}" r="{_MARKER_RADIUS}"/>')
        pen_down = True
    if path:
        canvas.add(
            f'<path d="{"".join(path)}" fill="none" stroke="{LINE_COLOUR}" stroke-width="1.5" '
            'stroke-linejoin="round"/>'
        )
        canvas.add(f'<g fill="{LINE_COLOUR}">{"".join(markers)}</g>')


def _draw_frame(canvas: _Canvas, plot: _Plot, right_spine: bool) -> None:
    d = f"M{_n(plot.left)} {_n(plot.top)}V{_n(plot.bottom)}H{_n(plot.right)}"
    if right_spine:
        d += f"V{_n(plot.top)}"
    canvas.add(f'<path d="{d}" fill="none" stroke="{_AXIS_COLOUR}" stroke-width="0.8"/>')


def _draw_value_ticks(
    canvas: _Canvas, plot: _Plot, axis: _Axis, language: str, *, side: str
) -> None:
    x = plot.left if side == "left" else plot.right
    direction = -1 if side == "left" else 1
    marks = []
    for tick, label in zip(axis.ticks, axis.labels(language), strict=True):
        y = plot.y(axis, tick)
        marks.append(f"M{_n(x)} {_n(y)}h{_n(direction * _TICK)}")
        canvas.text(
            label, x + direction * 2 * _TICK, y, TEXT_POINTS,
            anchor="end" if side == "left" else "start", middle=True,
        )  # fmt: skip
    canvas.add(f'<path d="{"".join(marks)}" stroke="{_AXIS_COLOUR}" stroke-width="0.8"/>')


def _draw_categories(
    canvas: _Canvas, plot: _Plot, categories: tuple[str, ...], slanted: bool
) -> None:
    marks = []
    baseline = plot.bottom + 2 * _TICK + _line_height(canvas.font, TEXT_POINTS) * 0.75
    for slot, category in enumerate(categories):
        x = plot.slot_centre(slot)
        marks.append(f"M{_n(x)} {_n(plot.bottom)}v{_TICK}")
        if slanted:
            canvas.text(
                category, x, plot.bottom + 2 * _TICK, TEXT_POINTS,
                anchor="end", middle=True, rotate=-SLANT_DEGREES,
            )  # fmt: skip
        else:
            canvas.text(category, x, baseline, TEXT_POINTS, anchor="middle")
    if marks:
        canvas.add(f'<path d="{"".join(marks)}" stroke="{_AXIS_COLOUR}" stroke-width="0.8"/>')


def _draw_legend(
    canvas: _Canvas, entries: list[tuple[str, str, str]], centre_x: float, middle_y: float
) -> None:
    swatch_w, swatch_h = _LEGEND_SWATCH
    widths = [swatch_w + 4 + canvas.font.width(label, TEXT_POINTS) for label, _, _ in entries]
    x = centre_x - (sum(widths) + _LEGEND_SPACING * (len(entries) - 1)) / 2
    for (label, kind, colour), entry_width in zip(entries, widths, strict=True):
        if kind == "bar":
            canvas.add(
                f'<rect x="{_n(x)}" y="{_n(middle_y - swatch_h / 2)}" width="{_n(swatch_w)}" '
                f'height="{_n(swatch_h)}" fill="{colour}"/>'
            )
        else:
            canvas.add(
                f'<path d="M{_n(x)} {_n(middle_y)}h{_n(swatch_w)}" stroke="{colour}" '
                f'stroke-width="1.5"/><circle cx="{_n(x + swatch_w / 2)}" cy="{_n(middle_y)}" '
                f'r="{_MARKER_RADIUS}" fill="{colour}"/>'
            )
        canvas.text(label, x + swatch_w + 4, middle_y, TEXT_POINTS, middle=True)
        x += entry_width + _LEGEND_SPACING


def _document(canvas: _Canvas, title: str, width: float, height: float) -> bytes:
    header = (
        '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
        f'version="1.1" width="{_n(width)}pt" height="{_n(height)}pt" '
        f'viewBox="0 0 {_n(width)} {_n(height)}" role="img" aria-label={quoteattr(title)}>'
    )
    body = (
        f"{header}<title>{escape(title)}</title><defs>{canvas.definitions()}</defs>"
        f"{''.join(canvas.elements)}</svg>\n"
    )
    return body.encode("utf-8")


def _axis_room(font: OutlineFont, axis: _Axis, label: str, language: str) -> float:
    """Width beside the plot for an axis: its ticks, tick labels and its label."""
    widest = max((font.width(text, TEXT_POINTS) for text in axis.labels(language)), default=0.0)
    room = 2 * _TICK + widest
    if label:
        room += _line_height(font, TEXT_POINTS) + _LABEL_GAP
    return room


def _ascent(font: OutlineFont, points: float) -> float:
    return font.ascender * points / font.units_per_em


def _descent(font: OutlineFont, points: float) -> float:
    """Negative: how far below the baseline the lowest glyphs reach."""
    return font.descender * points / font.units_per_em


def _line_height(font: OutlineFont, points: float) -> float:
    return (font.ascender - font.descender) * points / font.units_per_em


def _within(first: float, second: float, length: float) -> tuple[float, float]:
    """Two opposite margins, shrunk in proportion when together they would leave the plot
    less than its minimum share."""
    room = length * (1 - _MIN_PLOT_SHARE)
    if first + second <= room:
        return first, second
    scale = room / (first + second)
    return first * scale, second * scale


def _known(series) -> list[float]:
    return [
        float(value)
        for _label, values in series
        for value in values
        if value is not None and math.isfinite(value)
    ]


def _n(number: float, places: int = 2) -> str:
    """A coordinate in its shortest fixed form: 12.50 -> 12.5, -0.00 -> 0."""
    text = f"{number:.{places}f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text
