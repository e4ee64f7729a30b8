"""Word's own charts: a :class:`ChartSpec` becomes an editable chart part of the .docx.

Each chart is a DrawingML chart part (``c:chartSpace``) with its figures in
an embedded workbook, so Word and LibreOffice draw it, a user can restyle it,
and "Edit Data" opens the numbers. The chart XML is python-pptx's: its chart
writer and chart object model produce the same parts for PowerPoint, and a
chart part is the same in Word. Only what python-pptx does not model is
added here: the bar-plus-line combination on two axes, the east-Asian font,
the language and square corners. The workbook is written by XlsxWriter,
which zips with fixed times, so the Word file stays byte-deterministic.
"""

from __future__ import annotations

import copy
import dataclasses
import datetime as dt
import io
import math
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.part import Part
from docx.oxml.ns import nsdecls
from lxml import etree
from pptx.chart.axis import ValueAxis
from pptx.chart.chart import Chart
from pptx.chart.data import CategoryChartData
from pptx.chart.xmlwriter import ChartXmlWriter
from pptx.dml.color import RGBColor
from pptx.enum.chart import XL_CHART_TYPE, XL_LABEL_POSITION, XL_LEGEND_POSITION, XL_MARKER_STYLE
from pptx.oxml import parse_xml
from pptx.util import Pt

from reportgen.config import Fonts
from reportgen.render.chart_style import (
    BAR_COLOURS,
    FIGURE_SIZE_INCHES,
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
    is_crowded,
    labels_bars,
    shown_spec,
)
from reportgen.render.docx_package import FIXED_ZIP_TIME
from reportgen.render.docx_text import escape_attribute, xml_text

_C = "http://schemas.openxmlformats.org/drawingml/2006/chart"
_A = "http://schemas.openxmlformats.org/drawingml/2006/main"
_NS = {"c": _C, "a": _A}
# The workbook's own creation time: fixed, like the zip entries' times.
_WORKBOOK_TIME = dt.datetime(*FIXED_ZIP_TIME)
_SHEET = "Sheet1"  # python-pptx's chart XML refers to the figures on this sheet
# Axis ids of the line's own (secondary) axes; python-pptx's fixed ids serve the bars.
_SECONDARY_CATEGORY_AXIS, _SECONDARY_VALUE_AXIS = "50020", "50021"
_EMU_PER_INCH = 914400
# Excel number formats of the axes and labels. Chinese money is shown in 万/萬: the
# format divides by 1,000 (the final comma) and puts a literal point before the last
# digit: the common way Chinese spreadsheets show ten-thousands, which Excel and
# LibreOffice both read (a quoted point; LibreOffice takes Excel's 0!.0 as a decimal).
_MONEY_FORMATS = {
    "zh-CN": ((1e8, '0"."00,,"亿"'), (1e4, '0"."0,"万"')),
    "zh-TW": ((1e8, '0"."00,,"億"'), (1e4, '0"."0,"萬"')),
    "en": ((1e6, '#,##0.0,,"M"'), (1e4, '#,##0,"K"')),
}
_PLAIN_MONEY = "#,##0"
_PERCENT = "0.0%"
_COUNT = "#,##0"
# How the figures are kept in the workbook: exact cents and rates, whatever the axis shows.
_CELL_FORMATS = {"money": "#,##0.00", "percent": "0.00%", "count": "#,##0"}


@dataclass(frozen=True)
class ChartText:
    """The fonts and language of a chart's text: the report's own."""

    fonts: Fonts
    language: str


def chart_part_xml(spec: ChartSpec, text: ChartText) -> bytes:
    """The ``c:chartSpace`` of ``spec`` (without its workbook link)."""
    spec = shown_spec(spec)
    bar_format = number_format(spec.value_format, _known(bar_series(spec)), text.language)
    figures = [tuple(_value(v) for v in values) for _label, values in spec.series]
    shape = _ChartShape.of(spec, figures, bar_format, text)
    styled = _STYLED.get(shape)
    if styled is None:
        styled = _styled_chart(spec, bar_format, text)
        _remember(shape, styled)
    else:
        _STYLED.move_to_end(shape)
    chart_space = copy.deepcopy(styled)
    _put_figures(chart_space, figures)
    return etree.tostring(chart_space, xml_declaration=True, encoding="UTF-8", standalone=True)


def _styled_chart(spec: ChartSpec, bar_format: str, text: ChartText):
    chart_space = parse_xml(
        _chart_xml(XL_CHART_TYPE.COLUMN_CLUSTERED, _chart_data(spec, bar_series(spec), bar_format))
    )
    if spec.kind == "bar_line":
        _add_line_on_second_axis(chart_space, spec, text.language)
    chart = Chart(chart_space, None)
    _style(chart, spec, bar_format)
    _set_fonts(chart_space, text)
    _square_corners_and_language(chart_space, text.language)
    return chart_space


@dataclass(frozen=True)
class _ChartShape:
    """Everything of a chart but its figures: two charts of one shape differ only in the
    numbers of their data points (the same chart of two collectors' reports, mostly).
    Styling a chart through python-pptx's object model takes several milliseconds; a
    chart of a shape already styled is a copy of that one with its own figures put in."""

    spec: ChartSpec  # with each value replaced by whether it is missing
    bar_format: str  # chosen by the largest value shown
    line_from_zero: bool  # the line's axis starts at 0 when no value is negative
    text: ChartText

    @classmethod
    def of(cls, spec: ChartSpec, figures, bar_format: str, text: ChartText) -> _ChartShape:
        missing = tuple(
            (label, tuple(v is None for v in values))
            for (label, _), values in zip(spec.series, figures, strict=True)
        )
        line_from_zero = min(_known(spec.series[1:]), default=0.0) >= 0
        return cls(dataclasses.replace(spec, series=missing), bar_format, line_from_zero, text)


# Styled charts by shape, the most recently used last; a worker renders many reports.
_STYLED: OrderedDict[_ChartShape, Any] = OrderedDict()
_STYLED_LIMIT = 64


def _remember(shape: _ChartShape, chart_space) -> None:
    _STYLED[shape] = chart_space
    while len(_STYLED) > _STYLED_LIMIT:
        _STYLED.popitem(last=False)


def _put_figures(chart_space, figures) -> None:
    """Write each series' figures into its data points, as python-pptx writes them (the
    points of missing figures are absent, as in the chart the shape was styled from)."""
    series = chart_space.findall(".//c:ser/c:val", _NS)
    for values, val in zip(figures, series, strict=True):
        points = val.findall("c:numRef/c:numCache/c:pt/c:v", _NS)
        known = [v for v in values if v is not None]
        for point, value in zip(points, known, strict=True):
            point.text = f"{value}"


def number_format(value_format: ValueFormat, values: list[float], language: str) -> str:
    """The Excel number format of an axis and its labels, by the largest value shown."""
    if value_format == "percent":
        return _PERCENT
    if value_format == "count":
        return _COUNT
    largest = max((abs(v) for v in values), default=0.0)
    for size, code in _MONEY_FORMATS.get(language, _MONEY_FORMATS["en"]):
        if largest >= size:
            return code
    return _PLAIN_MONEY


def _chart_data(spec: ChartSpec, series, shown_format: str) -> CategoryChartData:
    data = CategoryChartData(number_format=shown_format)
    data.categories = spec.categories
    for label, values in series:
        data.add_series(label, tuple(_value(v) for v in values))
    return data


def _add_line_on_second_axis(chart_space, spec: ChartSpec, language: str) -> None:
    """Graft the line series (python-pptx writes it as a chart of its own) onto the bars'
    plot, on a category axis of its own (hidden) and a value axis on the right."""
    label, values = spec.series[1]
    data = CategoryChartData(number_format=number_format(spec.line_format, [], language))
    data.categories = spec.categories
    data.add_series(label, tuple(_value(v) for v in values))
    line_space = parse_xml(_chart_xml(XL_CHART_TYPE.LINE_MARKERS, data))
    line_chart = line_space.find("c:chart/c:plotArea/c:lineChart", _NS)
    series = line_chart.find("c:ser", _NS)
    # The workbook has the line's figures in the column after the bars'.
    series.find("c:idx", _NS).set("val", "1")
    series.find("c:order", _NS).set("val", "1")
    for formula in series.iterfind(".//c:f", _NS):
        formula.text = formula.text.replace("$B$", "$C$")
    for ax_id, new in zip(
        line_chart.findall("c:axId", _NS),
        (_SECONDARY_CATEGORY_AXIS, _SECONDARY_VALUE_AXIS),
        strict=True,
    ):
        ax_id.set("val", new)
    plot_area = chart_space.find("c:chart/c:plotArea", _NS)
    bar_chart = plot_area.find("c:barChart", _NS)
    bar_chart.addnext(line_chart)
    category_axis = copy.deepcopy(plot_area.find("c:catAx", _NS))
    value_axis = copy.deepcopy(plot_area.find("c:valAx", _NS))
    category_axis.find("c:axId", _NS).set("val", _SECONDARY_CATEGORY_AXIS)
    category_axis.find("c:crossAx", _NS).set("val", _SECONDARY_VALUE_AXIS)
    category_axis.find("c:delete", _NS).set("val", "1")
    value_axis.find("c:axId", _NS).set("val", _SECONDARY_VALUE_AXIS)
    value_axis.find("c:crossAx", _NS).set("val", _SECONDARY_CATEGORY_AXIS)
    value_axis.find("c:axPos", _NS).set("val", "r")
    value_axis.find("c:crosses", _NS).set("val", "max")
    gridlines = value_axis.find("c:majorGridlines", _NS)
    if gridlines is not None:
        value_axis.remove(gridlines)
    last_axis = plot_area.findall("c:valAx", _NS)[-1]
    last_axis.addnext(category_axis)
    category_axis.addnext(value_axis)


def _style(chart: Chart, spec: ChartSpec, bar_format: str) -> None:
    chart.has_title = True
    chart.chart_title.text_frame.text = spec.title
    title_font = chart.chart_title.text_frame.paragraphs[0].runs[0].font
    title_font.size, title_font.bold = Pt(TITLE_POINTS), False
    chart.font.size = Pt(TEXT_POINTS)
    chart.font.color.rgb = _rgb(TEXT_COLOUR)
    chart.has_legend = spec.kind != "bar"
    if chart.has_legend:
        chart.legend.position = XL_LEGEND_POSITION.BOTTOM
        chart.legend.include_in_layout = False

    bar_plot = chart.plots[0]
    bar_plot.gap_width = 25  # bars take 80% of a category's slot, as in the pictures
    bar_plot.overlap = 0
    for index, series in enumerate(bar_plot.series):
        series.format.fill.solid()
        series.format.fill.fore_color.rgb = _rgb(BAR_COLOURS[index % len(BAR_COLOURS)])
        series.invert_if_negative = False
    if labels_bars(spec):
        bar_plot.has_data_labels = True
        labels = bar_plot.data_labels
        labels.number_format, labels.number_format_is_linked = bar_format, False
        labels.position = XL_LABEL_POSITION.OUTSIDE_END
        labels.font.size = Pt(VALUE_LABEL_POINTS)
        labels.show_value = True

    # Not chart.value_axis: with two value axes python-pptx returns the second.
    value_axes = chart._chartSpace.valAx_lst
    _format_value_axis(ValueAxis(value_axes[0]), bar_format, spec.value_axis_label)
    if spec.kind == "bar_line":
        line_plot = chart.plots[1]
        line = line_plot.series[0]
        line.format.line.color.rgb = _rgb(LINE_COLOUR)
        line.format.line.width = Pt(1.5)
        line.smooth = False
        line.marker.style = XL_MARKER_STYLE.CIRCLE
        line.marker.size = 5
        line.marker.format.fill.solid()
        line.marker.format.fill.fore_color.rgb = _rgb(LINE_COLOUR)
        line.marker.format.line.color.rgb = _rgb(LINE_COLOUR)
        rate_axis = ValueAxis(value_axes[1])
        _format_value_axis(rate_axis, _PERCENT, spec.line_axis_label)
        if min(_known(spec.series[1:]), default=0.0) >= 0:
            rate_axis.minimum_scale = 0.0
    category_axis = chart.category_axis
    category_axis.has_major_gridlines = False
    if is_crowded(spec.categories):
        _slant_tick_labels(category_axis._element)


def _format_value_axis(axis, code: str, title: str) -> None:
    axis.tick_labels.number_format = code
    axis.tick_labels.number_format_is_linked = False
    axis.has_major_gridlines = axis._element.find("c:axPos", _NS).get("val") == "l"
    if axis.has_major_gridlines:
        axis.major_gridlines.format.line.color.rgb = _rgb("#D9D9D9")
        axis.major_gridlines.format.line.width = Pt(0.5)
    if title:
        axis.has_title = True
        axis.axis_title.text_frame.text = title
        axis.axis_title.text_frame.paragraphs[0].runs[0].font.bold = False


def _slant_tick_labels(axis_element) -> None:
    """Category names turned up 35°, as the pictures slant them when many or long."""
    tx_pr = axis_element.get_or_add_txPr()
    tx_pr.find("a:bodyPr", _NS).set("rot", str(-SLANT_DEGREES * 60000))
    tx_pr.find("a:bodyPr", _NS).set("vert", "horz")


def _set_fonts(chart_space, text: ChartText) -> None:
    """Every run property of the chart names the report's Latin and east-Asian fonts and its
    language, so Word does not pick a Japanese face for Han characters."""
    for properties in chart_space.iter(f"{{{_A}}}defRPr", f"{{{_A}}}rPr"):
        properties.set("lang", text.language)
        properties.set("altLang", "en-US")
        for tag in ("latin", "ea", "cs"):
            existing = properties.find(f"a:{tag}", _NS)
            if existing is not None:
                properties.remove(existing)
        for tag, face in (("latin", text.fonts.latin), ("ea", text.fonts.east_asian)):
            element = etree.SubElement(properties, f"{{{_A}}}{tag}")
            element.set("typeface", face)


def _square_corners_and_language(chart_space, language: str) -> None:
    # Without roundedCorners="0" Word frames the chart in a rounded box; c:lang and both
    # follow c:date1904 in the schema's order.
    date1904 = chart_space.find("c:date1904", _NS)
    lang = etree.Element(f"{{{_C}}}lang")
    lang.set("val", language)
    corners = etree.Element(f"{{{_C}}}roundedCorners")
    corners.set("val", "0")
    date1904.addnext(lang)
    lang.addnext(corners)
    # No frame round the chart and a white ground: as the pictures.
    frame = etree.fromstring(
        f'<c:spPr {nsdecls("c", "a")}><a:solidFill><a:srgbClr val="FFFFFF"/></a:solidFill>'
        "<a:ln><a:noFill/></a:ln></c:spPr>"
    )
    chart_space.find("c:chart", _NS).addnext(frame)


def chart_workbook(spec: ChartSpec) -> bytes:
    """The .xlsx "Edit Data" opens: categories in column A, one column per series, exact
    figures (cents, rates) with a number format, laid out where the chart's formulas look.

    Written with XlsxWriter (python-pptx's own choice for chart workbooks): it stamps
    fixed times into the zip entries, so the same figures give the same bytes, and it
    imports in a third of openpyxl's time (openpyxl also loads numpy).
    """
    from xlsxwriter import Workbook

    spec = shown_spec(spec)
    buffer = io.BytesIO()
    # Text stays text: a name such as "=HYPERLINK(...)" from the data is never a formula,
    # "00123" never a number, and "http://..." never a link.
    book = Workbook(
        buffer,
        {
            "in_memory": True,
            "strings_to_formulas": False,
            "strings_to_numbers": False,
            "strings_to_urls": False,
        },
    )
    book.set_properties({"author": "reportgen", "created": _WORKBOOK_TIME})
    sheet = book.add_worksheet(_SHEET)
    cell_formats = {name: book.add_format({"num_format": f}) for name, f in _CELL_FORMATS.items()}
    formats = [spec.value_format] * len(spec.series)
    if spec.kind == "bar_line":
        formats[1] = spec.line_format
    for column, ((label, values), shown) in enumerate(zip(spec.series, formats, strict=True), 1):
        _write_text(sheet, 0, column, label)
        for row, value in enumerate(values, 1):
            number = _value(value)
            if number is None:  # no figure: an empty cell, as the chart shows a gap
                sheet.write_blank(row, column, None, cell_formats[shown])
            else:
                sheet.write_number(row, column, number, cell_formats[shown])
        sheet.set_column(column, column, 16)
    for row, category in enumerate(spec.categories, 1):
        _write_text(sheet, row, 0, category)
    sheet.set_column(0, 0, 24)
    book.close()
    return buffer.getvalue()


def _write_text(sheet, row: int, column: int, text: str) -> None:
    """Write ``text`` as a plain string cell.

    XlsxWriter copies a string that starts with ``<r>`` and ends with ``</r>`` into the
    workbook unescaped, as ready-made rich-text markup; a name like that from the data
    would break the workbook. Written as unformatted rich-text runs instead (XlsxWriter
    wants at least three), it is escaped, and reads back as the same text.
    """
    if text.startswith("<r>") and text.endswith("</r>"):
        sheet.write_rich_string(row, column, text[:1], text[1:2], text[2:])
    else:
        sheet.write_string(row, column, text)


class ChartEmbedder:
    """Adds chart parts (with their workbooks) to one document and writes their drawings."""

    def __init__(self, document_part, text: ChartText, width_emu: int) -> None:
        self._part = document_part
        self._text = text
        self._width = width_emu
        self._height = round(width_emu * FIGURE_SIZE_INCHES[1] / FIGURE_SIZE_INCHES[0])

    def inline_drawing(self, spec: ChartSpec, shape_id: int, description: str) -> str:
        """The ``w:drawing`` that shows ``spec`` as a chart part of the document."""
        package = self._part.package
        workbook = Part(
            package.next_partname("/word/embeddings/Microsoft_Excel_Worksheet%d.xlsx"),
            CT.SML_SHEET,
            chart_workbook(spec),
            package,
        )
        chart_name = package.next_partname("/word/charts/chart%d.xml")
        chart = _ChartPart(chart_name, CT.DML_CHART, b"", package)
        workbook_id = chart.relate_to(workbook, RT.PACKAGE)
        chart.set_blob(_with_workbook(chart_part_xml(spec, self._text), workbook_id))
        chart_id = self._part.relate_to(chart, RT.CHART)
        return (
            f'<w:drawing><wp:inline distT="0" distB="0" distL="0" distR="0" {nsdecls("wp")}>'
            f'<wp:extent cx="{self._width}" cy="{self._height}"/>'
            '<wp:effectExtent l="0" t="0" r="0" b="0"/>'
            f'<wp:docPr id="{shape_id}" name="Chart {shape_id}" '
            f'descr="{escape_attribute(xml_text(description))}"/>'
            "<wp:cNvGraphicFramePr/>"
            f'<a:graphic {nsdecls("a")}><a:graphicData uri="{_C}">'
            f'<c:chart {nsdecls("c", "r")} r:id="{chart_id}"/>'
            "</a:graphicData></a:graphic></wp:inline></w:drawing>"
        )


class _ChartPart(Part):
    """A chart part whose XML is written after its workbook link has an id."""

    def set_blob(self, blob: bytes) -> None:
        self._blob = blob


def _with_workbook(chart_xml: bytes, relationship_id: str) -> bytes:
    root = etree.fromstring(chart_xml)
    external = etree.SubElement(root, f"{{{_C}}}externalData")
    external.set("{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id",
                 relationship_id)  # fmt: skip
    auto_update = etree.SubElement(external, f"{{{_C}}}autoUpdate")
    auto_update.set("val", "0")
    # The schema puts externalData after txPr: move txPr before it if python-pptx wrote one.
    tx_pr = root.find("c:txPr", _NS)
    if tx_pr is not None:
        external.addprevious(tx_pr)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _value(value: float | None) -> float | None:
    return None if value is None or not math.isfinite(value) else float(value)


def _known(series) -> list[float]:
    return [v for _label, values in series for v in values if _value(v) is not None]


def _rgb(colour: str) -> RGBColor:
    return RGBColor.from_string(colour.lstrip("#"))


def chart_width_emu(max_width_emu: int) -> int:
    """Charts are as wide as the figure, or the text, whichever is narrower."""
    return min(max_width_emu, int(FIGURE_SIZE_INCHES[0] * _EMU_PER_INCH))


def _chart_xml(chart_type, data: CategoryChartData) -> bytes:
    """python-pptx's chart XML for ``data``, as bytes (it declares its encoding)."""
    return ChartXmlWriter(chart_type, data).xml.encode("utf-8")
