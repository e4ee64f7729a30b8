"""Word's own charts: each chart of a report is a chart part with its figures in a workbook.

What a supervisor relies on when they restyle a chart or open "Edit Data": the
series, categories and values are the report's figures, the titles are in the
report's language, and Word (or LibreOffice) draws the chart.
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import zipfile
from dataclasses import replace

import pytest
from docx import Document
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from lxml import etree
from openpyxl import load_workbook

from reportgen.config import Config
from reportgen.render import docx_charts
from reportgen.render.charts import ChartSpec
from reportgen.render.docx import DocxBuilder
from reportgen.render.docx_charts import ChartText, chart_part_xml, number_format
from reportgen.render.fonts import word_fonts

C = "http://schemas.openxmlformats.org/drawingml/2006/chart"
A = "http://schemas.openxmlformats.org/drawingml/2006/main"
NS = {"c": C, "a": A}

BY_CHANNEL = ChartSpec(
    name="recovery-by-channel",
    kind="bar",
    title="按渠道回收金额",
    categories=("电话", "短信", "外访"),
    series=(("回收金额", (123456.78, 4567.0, None)),),
    value_axis_label="回收金额（元）",
)
BOOK = ChartSpec(
    name="book-by-bucket",
    kind="grouped_bar",
    title="期初與期末各賬齡段餘額",
    categories=("M1", "M2"),
    series=(("期初", (1000.5, 2000.0)), ("期末", (1500.25, 0.0))),
)
MONTHS = ChartSpec(
    name="twelve-months",
    kind="bar_line",
    title="Recovery by month",
    categories=("Jan", "Feb", "Mar"),
    series=(("Recovered", (500000.0, None, 700000.0)), ("Recovery rate", (0.25, None, 0.3))),
    value_axis_label="Recovered (CNY)",
    line_axis_label="Recovery rate",
)


def _chart_document(build_report, chart_path, spec: ChartSpec, language: str = "zh-CN"):
    """REPORT_MARKDOWN built with its one image link made a chart of ``spec``."""
    data = build_report(language=language, images={}, charts={chart_path: spec})
    return data, Document(io.BytesIO(data))


def _chart_parts(document):
    return [rel.target_part for rel in document.part.rels.values() if rel.reltype == RT.CHART]


def _workbook(chart_part):
    (rel,) = [r for r in chart_part.rels.values() if r.reltype == RT.PACKAGE]
    return load_workbook(io.BytesIO(rel.target_part.blob))["Sheet1"]


def _xml(chart_part):
    return etree.fromstring(chart_part.blob)


@pytest.mark.parametrize(
    ("spec", "language"), [(BY_CHANNEL, "zh-CN"), (BOOK, "zh-TW"), (MONTHS, "en")]
)
def test_each_chart_is_a_chart_part_whose_workbook_holds_the_figures(
    build_report, chart_path, spec, language
):
    _data, document = _chart_document(build_report, chart_path, spec, language)
    (part,) = _chart_parts(document)
    assert not document.inline_shapes._body.xpath(".//pic:pic")  # a chart, not a picture
    sheet = _workbook(part)
    assert [sheet.cell(row=r, column=1).value for r in range(2, 2 + len(spec.categories))] == list(
        spec.categories
    )
    for column, (label, values) in enumerate(spec.series, 2):
        assert sheet.cell(row=1, column=column).value == label
        cells = [sheet.cell(row=r, column=column).value for r in range(2, 2 + len(values))]
        assert cells == list(values)  # exact figures; a missing value stays empty
    root = _xml(part)
    # The chart's own caches say the same as the workbook, series by series.
    series = root.findall(".//c:ser", NS)
    assert [s.findtext("c:tx//c:v", namespaces=NS) for s in series] == [
        label for label, _ in spec.series
    ]
    for element, (_label, values) in zip(series, spec.series, strict=True):
        cached = {
            int(pt.get("idx")): float(pt.findtext("c:v", namespaces=NS))
            for pt in element.findall("c:val//c:pt", NS)
        }
        assert cached == {i: v for i, v in enumerate(values) if v is not None}
        categories = [v.text for v in element.findall("c:cat//c:v", NS)]
        assert categories == list(spec.categories)
    title = "".join(root.find("c:chart/c:title", NS).itertext())
    assert title == spec.title
    assert root.find("c:lang", NS).get("val") == language


def test_the_chart_is_drawn_as_wide_as_the_text_with_its_title_as_description(
    build_report, chart_path
):
    _data, document = _chart_document(build_report, chart_path, BY_CHANNEL)
    (inline,) = document.element.body.iter(
        "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}inline"
    )
    section = document.sections[-1]
    extent = inline.find(
        "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}extent"
    )
    text_width = section.page_width - section.left_margin - section.right_margin
    assert 0 < int(extent.get("cx")) <= text_width
    assert int(extent.get("cy")) == round(int(extent.get("cx")) * 3.6 / 6.4)
    docpr = inline.find(
        "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}docPr"
    )
    assert docpr.get("descr") == "按渠道回收金额"


def test_bars_and_line_sit_on_two_axes_with_money_and_percent_formats(build_report, chart_path):
    _data, document = _chart_document(build_report, chart_path, MONTHS, "en")
    root = _xml(_chart_parts(document)[0])
    plot = root.find("c:chart/c:plotArea", NS)
    bar_axes = [a.get("val") for a in plot.findall("c:barChart/c:axId", NS)]
    line_axes = [a.get("val") for a in plot.findall("c:lineChart/c:axId", NS)]
    assert len(set(bar_axes + line_axes)) == 4  # two pairs of axes
    value_axes = {a.find("c:axId", NS).get("val"): a for a in plot.findall("c:valAx", NS)}
    left, right = value_axes[bar_axes[1]], value_axes[line_axes[1]]
    assert left.find("c:axPos", NS).get("val") == "l"
    assert right.find("c:axPos", NS).get("val") == "r"
    assert left.find("c:numFmt", NS).get("formatCode") == '#,##0,"K"'
    assert right.find("c:numFmt", NS).get("formatCode") == "0.0%"
    assert "".join(left.find("c:title", NS).itertext()) == "Recovered (CNY)"
    assert "".join(right.find("c:title", NS).itertext()) == "Recovery rate"
    # A missing month is a gap in the bars and the line, not a zero.
    assert root.find("c:chart/c:dispBlanksAs", NS).get("val") == "gap"
    legend = root.find("c:chart/c:legend/c:legendPos", NS)
    assert legend.get("val") == "b"


@pytest.mark.parametrize(
    ("values", "language", "expected"),
    [
        ([123456.78], "zh-CN", '0"."0,"万"'),
        ([250_000_000.0], "zh-TW", '0"."00,,"億"'),
        ([9999.0], "zh-CN", "#,##0"),
        ([2_500_000.0], "en", '#,##0.0,,"M"'),
        ([], "en", "#,##0"),
    ],
)
def test_money_is_shown_in_the_units_a_reader_expects(values, language, expected):
    assert number_format("money", values, language) == expected
    assert number_format("percent", values, language) == "0.0%"


def test_chart_text_names_the_reports_fonts_and_language(build_report, chart_path):
    _data, document = _chart_document(build_report, chart_path, BY_CHANNEL)
    root = _xml(_chart_parts(document)[0])
    properties = list(root.iter(f"{{{A}}}defRPr", f"{{{A}}}rPr"))
    assert properties
    for element in properties:
        assert element.get("lang") == "zh-CN"
        assert element.find("a:ea", NS).get("typeface") == "微软雅黑"
        assert element.find("a:latin", NS).get("typeface") == "Calibri"


def test_same_report_same_bytes_with_charts(build_report, chart_path, properties, report_markdown):
    first, _ = _chart_document(build_report, chart_path, MONTHS)
    second, _ = _chart_document(build_report, chart_path, MONTHS)
    assert first == second
    with zipfile.ZipFile(io.BytesIO(first)) as package:
        (workbook,) = [n for n in package.namelist() if n.endswith(".xlsx")]
        inner = zipfile.ZipFile(io.BytesIO(package.read(workbook)))
    assert {info.date_time for info in inner.infolist()} == {(1980, 1, 1, 0, 0, 0)}
    assert b"1980-01-01T00:00:00Z" in inner.read("docProps/core.xml")


def test_a_report_carries_one_chart_part_per_chart_link(demo_output):
    out, paths = demo_output
    for docx in [p for p in paths if p.suffix == ".docx"]:
        markdown = docx.with_suffix(".md").read_text(encoding="utf-8")
        links = re.findall(r"!\[([^\]]*)\]\(([^)]+)\)", markdown)
        document = Document(str(docx))
        parts = _chart_parts(document)
        assert len(parts) == len(links) > 0
        titles = {"".join(_xml(p).find("c:chart/c:title", NS).itertext()) for p in parts}
        assert titles == {title for title, _ in links}


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
def test_libreoffice_draws_the_charts_with_their_titles(tmp_path, properties):
    """Where LibreOffice is installed: the charts it draws carry their titles into the PDF."""
    markdown = "# 报告\n\n![按渠道回收金额](a.svg)\n\n![Recovery by month](b.svg)\n"
    builder = DocxBuilder(Config(), "zh-CN")
    data = builder.build(markdown, {}, properties, {"a.svg": BY_CHANNEL, "b.svg": MONTHS})
    source = tmp_path / "charts.docx"
    source.write_bytes(data)
    subprocess.run(
        ["soffice", "--headless", f"-env:UserInstallation=file://{tmp_path}/profile",
         "--convert-to", "pdf", "--outdir", str(tmp_path), str(source)],
        check=True, capture_output=True, timeout=180,
    )  # fmt: skip
    pdf = tmp_path / "charts.pdf"
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    text = subprocess.run(
        ["pdftotext", str(pdf), "-"], check=True, capture_output=True, text=True
    ).stdout
    compact = re.sub(r"\s+", "", text)
    assert "按渠道回收金额" in compact
    assert "Recoverybymonth" in compact
    assert "12.3万" in compact  # the data label, in 万 as the format says


def test_a_name_that_looks_like_a_formula_stays_text_in_the_workbook(build_report, chart_path):
    hostile = ChartSpec(
        name="members",
        kind="bar",
        title="组员回收金额",
        categories=("=HYPERLINK(A1)", "=1+1", "王小明", "<r>&</r>", "00123", "http://x.test"),
        series=(("<r><t>回收金额</t></r>", (1.0, 2.0, 3.0, 4.0, 5.0, 6.0)),),
    )
    _data, document = _chart_document(build_report, chart_path, hostile)
    (part,) = _chart_parts(document)
    (rel,) = [r for r in part.rels.values() if r.reltype == RT.PACKAGE]
    with zipfile.ZipFile(io.BytesIO(rel.target_part.blob)) as workbook:
        sheet = workbook.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet  # no formula anywhere
    values = load_workbook(io.BytesIO(rel.target_part.blob))["Sheet1"]
    assert values.cell(row=2, column=1).value == "=HYPERLINK(A1)"
    # Text that looks like the workbook writer's own markup, a number or a link is the
    # same text when read back (and the workbook still opens).
    assert [values.cell(row=r, column=1).value for r in range(5, 8)] == [
        "<r>&</r>",
        "00123",
        "http://x.test",
    ]
    assert values.cell(row=1, column=2).value == "<r><t>回收金额</t></r>"


def _other_figures(spec: ChartSpec, factor: float) -> ChartSpec:
    """``spec`` with every known figure scaled: the same shape, other numbers."""
    series = tuple(
        (label, tuple(None if v is None else v * factor for v in values))
        for label, values in spec.series
    )
    return replace(spec, series=series)


@pytest.mark.parametrize("spec", [BY_CHANNEL, BOOK, MONTHS], ids=lambda s: s.kind)
@pytest.mark.parametrize("language", ["zh-CN", "zh-TW", "en"])
def test_a_chart_of_a_shape_seen_before_is_the_chart_styled_afresh(spec, language):
    """A chart whose shape (everything but its figures) was styled before is a copy of that
    one with its own figures: byte for byte what styling it afresh writes."""
    text = ChartText(word_fonts(Config(), language), language)
    # 1.1 keeps every axis unit; -1 turns the line negative (its axis no longer starts at
    # 0); 1e-3 drops the money axis from 万 to plain figures: other shapes.
    variants = [_other_figures(spec, f) for f in (1.0, 1.1, 1.3, -1.0, 1e-3, 1.1)]
    fresh = []
    for variant in variants:
        docx_charts._STYLED.clear()
        fresh.append(chart_part_xml(variant, text))
    docx_charts._STYLED.clear()
    reused = [chart_part_xml(variant, text) for variant in variants]
    assert reused == fresh
    assert len(set(fresh[:3])) == 3  # the figures do reach the copies
    assert len(docx_charts._STYLED) < len(variants)  # and copies were made


def test_a_missing_figure_makes_another_shape():
    text = ChartText(word_fonts(Config(), "zh-CN"), "zh-CN")
    docx_charts._STYLED.clear()
    gap_moved = replace(BY_CHANNEL, series=(("回收金额", (None, 4567.0, 89.5)),))
    fresh = chart_part_xml(gap_moved, text)
    docx_charts._STYLED.clear()
    chart_part_xml(BY_CHANNEL, text)
    assert chart_part_xml(gap_moved, text) == fresh
    assert len(docx_charts._STYLED) == 2
