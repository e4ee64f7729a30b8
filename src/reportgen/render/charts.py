"""Charts for reports: plain data in (a :class:`ChartSpec`), PNG bytes out.

The report model decides which charts a report has and fills their specs
with figures already computed; this module only draws them.
"""

from __future__ import annotations

import dataclasses
import io
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

import numpy as np

from reportgen.render.docx_tables import fit_columns
from reportgen.render.fonts import register_chart_font

if TYPE_CHECKING:  # matplotlib is imported on first drawing: ChartSpec alone stays light
    from matplotlib.axes import Axes

ChartKind = Literal["bar", "grouped_bar", "bar_line"]
ValueFormat = Literal["money", "percent", "count"]


@dataclass(frozen=True)
class ChartSpec:
    """One chart, described in plain values.

    ``name`` is the file stem of the PNG (``recovery-by-channel``), unique in a
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


# --- drawing -------------------------------------------------------------------------------

# Fixed size and resolution: the same spec gives the same pixels, and the Word
# writer reads the size back from the PNG (its pHYs chunk) to fit the page.
FIGURE_SIZE_INCHES = (6.4, 3.6)
DPI = 150
_BAR_COLOURS = ("#2F5597", "#ED7D31", "#70AD47", "#7F7F7F", "#FFC000", "#5B9BD5")
_LINE_COLOUR = "#C00000"
_MAX_LABELLED_BARS = 24  # above this, value labels on bars would overlap
_SLANT_DEGREES = 35
_PNG_COMPRESS_LEVEL = 3  # as small as 6 for flat charts, a third faster
_TEXT_POINTS = 9
_TITLE_POINTS = 11
_PAD_INCHES = 0.08
_TICK_INCHES = 7 / 72  # tick length and tick-label padding, 3.5 pt each
_LABEL_PAD_INCHES = 4 / 72
_TITLE_PAD_INCHES = 6 / 72
_LEGEND_GAP_INCHES = 0.12
# A category label (a collector's name) longer than this many half-em columns (a Chinese
# character takes two) is cut with an ellipsis; the table beside the chart keeps it whole.
MAX_LABEL_COLUMNS = 20
# The plot keeps at least this share of the figure, whatever the texts around it measure.
_MIN_AXES_SHARE = 0.35
# Characters a label cannot show: control characters, lone surrogates, non-characters.
_NOT_LABEL = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
_UNITS = {
    "zh-CN": ((1e8, "亿"), (1e4, "万")),
    "zh-TW": ((1e8, "億"), (1e4, "萬")),
    "en": ((1e9, "B"), (1e6, "M"), (1e3, "K")),
}


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


def render_chart(spec: ChartSpec, language: str) -> bytes:
    """Draw ``spec`` as a PNG; the same spec and language always give the same bytes."""
    import matplotlib
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from PIL import Image

    _check(spec)
    spec = dataclasses.replace(spec, categories=tuple(category_label(c) for c in spec.categories))
    family = register_chart_font()
    # Built-in defaults plus our few settings, so a user's matplotlibrc never
    # changes a report; rc_context restores the caller's settings afterwards.
    with matplotlib.rc_context():
        matplotlib.rcdefaults()
        matplotlib.rcParams.update(
            {
                "font.family": "sans-serif",
                "font.sans-serif": [family, "DejaVu Sans"],
                "font.size": _TEXT_POINTS,
                "axes.spines.top": False,
                "axes.spines.right": False,
                "axes.titlesize": _TITLE_POINTS,
            }
        )
        # A bare Figure (no pyplot): nothing global to leak or lock when a
        # process draws hundreds of charts.
        figure = Figure(figsize=FIGURE_SIZE_INCHES, dpi=DPI)
        canvas = FigureCanvasAgg(figure)
        axes = figure.add_subplot()
        right = None
        if spec.kind == "bar_line":
            right = _draw_bar_line(axes, spec, language)
        else:
            _draw_bars(axes, spec, language, legend=spec.kind == "grouped_bar")
        axes.set_title(spec.title)
        rotated = _label_categories(axes, spec.categories)
        _fit_margins(figure, axes, right, spec, language, rotated=rotated)
        canvas.draw()
        pixels = np.asarray(canvas.buffer_rgba())
    # Opaque RGB (the background is white) and PIL's own PNG writer: smaller and
    # faster than savefig's RGBA, and no Software or time chunk, only the dpi.
    buffer = io.BytesIO()
    Image.fromarray(np.ascontiguousarray(pixels[:, :, :3])).save(
        buffer, format="png", dpi=(DPI, DPI), compress_level=_PNG_COMPRESS_LEVEL
    )
    return buffer.getvalue()


def _check(spec: ChartSpec) -> None:
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


def _draw_bars(axes: Axes, spec: ChartSpec, language: str, *, legend: bool) -> None:
    series = spec.series if spec.kind != "bar_line" else spec.series[:1]
    positions = np.arange(len(spec.categories), dtype=float)
    width = 0.8 / len(series)
    # Value labels only where they stay legible and clear of a line drawn on top.
    label_bars = (
        spec.kind != "bar_line" and len(series) * len(spec.categories) <= _MAX_LABELLED_BARS
    )
    for index, (label, values) in enumerate(series):
        # Only the known values become bars: a missing value is a gap, never a 0.
        known = [i for i, value in enumerate(values) if value is not None]
        heights = [float(values[i]) for i in known]
        offset = (index - (len(series) - 1) / 2) * width
        bars = axes.bar(
            positions[known] + offset,
            heights,
            width=width,
            label=label,
            color=_BAR_COLOURS[index % len(_BAR_COLOURS)],
        )
        if label_bars:
            axes.bar_label(
                bars,
                labels=[format_value(h, spec.value_format, language) for h in heights],
                padding=2,
                fontsize=7,
            )
    _format_axis(axes.yaxis, spec.value_format, language)
    axes.set_ylabel(spec.value_axis_label)
    axes.margins(y=0.12)
    if legend:
        _legend(axes, *axes.get_legend_handles_labels())


def _draw_bar_line(axes: Axes, spec: ChartSpec, language: str) -> Axes:
    _draw_bars(axes, spec, language, legend=False)
    line_label, line_values = spec.series[1]
    right = axes.twinx()
    right.spines["right"].set_visible(True)
    # NaN breaks the line: a missing month shows as a gap, not a dip to zero.
    ys = np.array([np.nan if v is None else float(v) for v in line_values])
    right.plot(
        np.arange(len(spec.categories)),
        ys,
        color=_LINE_COLOUR,
        marker="o",
        markersize=4,
        label=line_label,
    )
    _format_axis(right.yaxis, spec.line_format, language)
    right.set_ylabel(spec.line_axis_label)
    if np.nanmin(ys, initial=0.0) >= 0:
        right.set_ylim(bottom=0)
    handles = axes.get_legend_handles_labels()[0] + right.get_legend_handles_labels()[0]
    _legend(axes, handles, [spec.series[0][0], line_label])
    return right


def _legend(axes: Axes, handles: list, labels: list[str]) -> None:
    # Below everything, rotated category labels included; _fit_margins makes room.
    figure = axes.figure
    figure.legend(
        handles,
        labels,
        loc="lower center",
        bbox_to_anchor=(0.5, _PAD_INCHES / FIGURE_SIZE_INCHES[1]),
        bbox_transform=figure.transFigure,
        ncols=len(labels),
        frameon=False,
        borderaxespad=0,
    )


def _format_axis(axis, value_format: ValueFormat, language: str) -> None:
    from matplotlib.ticker import FuncFormatter

    axis.set_major_formatter(FuncFormatter(lambda v, _pos: format_value(v, value_format, language)))


def category_label(text: str, columns: int = MAX_LABEL_COLUMNS) -> str:
    """A category as its tick label shows it: control characters dropped, whitespace runs as
    one space, and cut to ``columns`` half-em columns with an ellipsis."""
    return fit_columns(" ".join(_NOT_LABEL.sub(" ", text).split()), columns)


def _label_categories(axes: Axes, categories: tuple[str, ...]) -> bool:
    """Put the category names under the bars; slanted when many or long. Returns slanted."""
    axes.set_xticks(np.arange(len(categories)), labels=list(categories))
    crowded = len(categories) > 8 or max((len(c) for c in categories), default=0) > 8
    if crowded:
        axes.tick_params(axis="x", labelrotation=_SLANT_DEGREES)
        for tick_label in axes.get_xticklabels():
            tick_label.set_horizontalalignment("right")
    return crowded


def _fit_margins(
    figure, axes: Axes, right: Axes | None, spec: ChartSpec, language: str, *, rotated: bool
) -> None:
    """Margins that just hold the title, tick labels, axis labels and legend.

    Measures only those few texts, where matplotlib's constrained layout
    measures every text twice over and doubled the drawing time.
    """
    from matplotlib.font_manager import FontProperties

    renderer = figure.canvas.get_renderer()
    family = matplotlib_family()

    def size(text: str, points: float) -> tuple[float, float]:
        if not text:
            return 0.0, 0.0
        prop = FontProperties(family=family, size=points)
        width, height, _descent = renderer.get_text_width_height_descent(text, prop, ismath=False)
        return width / DPI, height / DPI

    line = size("国Ag", _TEXT_POINTS)[1]
    width_in, height_in = FIGURE_SIZE_INCHES
    ticks = _TICK_INCHES

    def tick_labels_width(ax: Axes, value_format: ValueFormat) -> float:
        low, high = ax.get_ylim()
        shown = [v for v in ax.get_yticks() if low <= v <= high]
        labels = [format_value(v, value_format, language) for v in shown]
        return max((size(label, _TEXT_POINTS)[0] for label in labels), default=0.0)

    def axis_label(text: str) -> float:
        return size(text, _TEXT_POINTS)[1] + _LABEL_PAD_INCHES if text else 0.0

    left = _PAD_INCHES + axis_label(spec.value_axis_label)
    left += tick_labels_width(axes, spec.value_format) + ticks
    right_margin = 2 * _PAD_INCHES
    if right is not None:
        right_margin = _PAD_INCHES + axis_label(spec.line_axis_label)
        right_margin += tick_labels_width(right, spec.line_format) + ticks
    top = _PAD_INCHES + size(spec.title, _TITLE_POINTS)[1] + _TITLE_PAD_INCHES
    widest = max((size(c, _TEXT_POINTS)[0] for c in spec.categories), default=0.0)
    if rotated:
        slant = np.radians(_SLANT_DEGREES)
        labels_height = widest * np.sin(slant) + line * np.cos(slant)
        # Right-aligned slanted labels reach left of the first bar: keep them on the page.
        low, high = axes.get_xlim()
        axes_width = width_in - left - right_margin
        first_tick = (0 - low) / (high - low) * axes_width
        left = max(left, _PAD_INCHES + widest * np.cos(slant) - first_tick + _PAD_INCHES)
    else:
        labels_height = line
    bottom = _PAD_INCHES + ticks + labels_height
    if figure.legends:
        bottom += line + _LEGEND_GAP_INCHES
    left, right_margin = _within(left, right_margin, width_in)
    top, bottom = _within(top, bottom, height_in)
    figure.subplots_adjust(
        left=left / width_in,
        right=1 - right_margin / width_in,
        top=1 - top / height_in,
        bottom=bottom / height_in,
    )


def _within(first: float, second: float, length: float) -> tuple[float, float]:
    """Two opposite margins, shrunk in proportion when together they would leave the plot
    less than its minimum share: matplotlib refuses margins that meet or cross."""
    room = length * (1 - _MIN_AXES_SHARE)
    if first + second <= room:
        return first, second
    scale = room / (first + second)
    return first * scale, second * scale


def matplotlib_family() -> list[str]:
    import matplotlib

    return list(matplotlib.rcParams["font.sans-serif"])
