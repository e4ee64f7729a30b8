"""The Word document, read back with python-docx: what a reader sees, not zip bytes."""

from __future__ import annotations

import io
import zipfile
from dataclasses import replace
from datetime import UTC, datetime

import pytest
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Twips

from reportgen.config import Config, config_from_dict
from reportgen.errors import ReportgenError, TemplateError
from reportgen.render.docx import DocxBuilder, render_docx
from reportgen.render.docx_tables import (
    column_widths,
    display_width,
    measure_columns,
    text_twips,
    unbreakable_pieces,
)

EXPECTED_HEADINGS = [
    ("Title", "张三 2024年12月工作总结"),
    ("Heading 1", "一、工作概况"),
    ("Heading 1", "二、工作成果"),
    ("Heading 2", "明细"),
    ("Heading 3", "电话"),
]


def read(data: bytes):
    return Document(io.BytesIO(data))


def paragraph_with(document, text: str):
    (found,) = [p for p in document.paragraphs if text in p.text]
    return found


def text_runs(element):
    """Every run that carries text, in the body, header or footer given."""
    return [r for r in element.iter(qn("w:r")) if r.find(qn("w:t")) is not None]


# --- structure ---------------------------------------------------------------------------


def test_headings_use_the_title_and_built_in_heading_styles(build_report):
    document = read(build_report())
    headings = [
        (p.style.name, p.text)
        for p in document.paragraphs
        if p.style.name == "Title" or p.style.name.startswith("Heading")
    ]
    assert headings == EXPECTED_HEADINGS
    # The navigation pane and a TOC find headings by their outline level.
    heading_1 = document.styles["Heading 1"].element
    assert heading_1.find(qn("w:pPr")).find(qn("w:outlineLvl")).get(qn("w:val")) == "0"


def test_paragraph_text_is_the_markdown_text_with_escapes_resolved(build_report):
    document = read(build_report())
    paragraph = paragraph_with(document, "本月共联系")
    assert paragraph.text == "本月共联系 1,234 次，其中电话 980 次。a | b * c 第二行。"
    runs = {run.text: run for run in paragraph.runs}
    assert runs["1,234"].italic is True
    assert runs["980"].font.name == "Consolas"  # `code`
    assert paragraph_with(document, "报告期间").runs[0].bold is True
    assert paragraph_with(document, "报告期间").runs[0].text == "报告期间："


def _numbering(paragraph) -> tuple[int, int]:
    num_pr = paragraph._p.pPr.numPr
    return num_pr.ilvl.val, num_pr.numId.val


def test_lists_are_real_list_paragraphs_and_each_numbered_list_counts_from_its_start(
    build_report,
):
    document = read(build_report())
    bullets = [p for p in document.paragraphs if p.style.name == "List Bullet"]
    numbered = [p for p in document.paragraphs if p.style.name == "List Number"]
    assert [p.text for p in bullets] == ["电话：980 次", "短信：254 次", "其中营销短信 0 次"]
    assert [_numbering(p)[0] for p in bullets] == [0, 0, 1]
    assert [p.text for p in numbered] == ["先打电话", "再发短信", "外访跟进"]
    first, second, third = (_numbering(p)[1] for p in numbered)
    assert first == second != third
    numbering = document.part.numbering_part.element
    starts = {
        num_id: numbering.num_having_numId(num_id)
        .find(qn("w:lvlOverride"))
        .find(qn("w:startOverride"))
        .get(qn("w:val"))
        for num_id in (first, third)
    }
    assert starts == {first: "1", third: "3"}


def test_pipe_table_becomes_a_word_table_with_repeating_header_and_aligned_columns(
    build_report,
):
    document = read(build_report())
    (table,) = document.tables
    assert table.style.name == "Table Grid"
    cells = [[cell.text for cell in row.cells] for row in table.rows]
    assert cells == [
        ["渠道", "回收金额（元）", "占比"],
        ["电话", "123,456.78", "45.6%"],
        ["短信", "4,567.00", "1.7%"],
    ]
    repeats = [row._tr.trPr.find(qn("w:tblHeader")) is not None for row in table.rows]
    assert repeats == [True, False, False]
    alignments = [[cell.paragraphs[0].alignment for cell in row.cells] for row in table.rows]
    assert all(
        row == [None, WD_ALIGN_PARAGRAPH.RIGHT, WD_ALIGN_PARAGRAPH.CENTER] for row in alignments
    )
    assert all(run.bold for cell in table.rows[0].cells for run in cell.paragraphs[0].runs)
    assert not any(run.bold for cell in table.rows[1].cells for run in cell.paragraphs[0].runs)


def test_picture_is_embedded_within_the_page_width_with_its_alt_text(build_report, chart_png):
    document = read(build_report())
    (shape,) = document.inline_shapes
    section = document.sections[-1]
    text_width = section.page_width - section.left_margin - section.right_margin
    assert 0 < shape.width <= text_width
    blip = shape._inline.graphic.graphicData.pic.blipFill.blip
    assert document.part.related_parts[blip.embed].blob == chart_png
    assert shape._inline.docPr.get("descr") == "按渠道回收金额"


def test_page_break_comes_where_the_marker_was_and_other_html_is_dropped(build_report):
    document = read(build_report())
    body = document.element.body
    breaks = [br for br in body.iter(qn("w:br")) if br.get(qn("w:type")) == "page"]
    assert len(breaks) == 1
    texts = [p.text for p in document.paragraphs]
    break_paragraph = breaks[0].getparent().getparent()
    position = list(body).index(break_paragraph)
    assert list(body)[position + 1] is paragraph_with(document, "明细")._p
    assert not any("不应出现" in t or "<div>" in t for t in texts)


def test_link_is_a_real_hyperlink(build_report):
    document = read(build_report())
    paragraph = paragraph_with(document, "详见")
    (hyperlink,) = paragraph._p.iter(qn("w:hyperlink"))
    rel = document.part.rels[hyperlink.get(qn("r:id"))]
    assert rel.target_ref == "https://example.com/rules"
    assert "".join(t.text for t in hyperlink.iter(qn("w:t"))) == "制度"


def test_a_second_top_level_heading_is_heading_1_and_no_title_means_no_title_style(
    build_report,
):
    document = read(build_report(markdown="## 概况\n\n正文\n\n# 另一个\n"))
    assert [(p.style.name, p.text) for p in document.paragraphs] == [
        ("Heading 1", "概况"),
        ("Normal", "正文"),
        ("Title", "另一个"),
    ]
    document = read(build_report(markdown="# 标题\n\n# 第二个一级标题\n"))
    assert [p.style.name for p in document.paragraphs] == ["Title", "Heading 1"]


# --- Chinese typography ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "east_asian_font", "east_asian_tag", "hint"),
    [
        ("zh-CN", "微软雅黑", "zh-CN", "eastAsia"),
        ("zh-TW", "微軟正黑體", "zh-TW", "eastAsia"),
        ("en", "微软雅黑", "zh-CN", None),
    ],
)
def test_every_run_carries_fonts_and_language(
    build_report, language, east_asian_font, east_asian_tag, hint
):
    document = read(build_report(language=language))
    runs = text_runs(document.element.body)
    runs += text_runs(document.sections[0].header._element)
    assert len(runs) > 30
    for run in runs:
        fonts = run.find(qn("w:rPr")).find(qn("w:rFonts"))
        assert fonts.get(qn("w:eastAsia")) == east_asian_font
        assert fonts.get(qn("w:ascii")) in ("Calibri", "Consolas")
        assert fonts.get(qn("w:hint")) == hint
        lang = run.find(qn("w:rPr")).find(qn("w:lang"))
        assert (lang.get(qn("w:val")), lang.get(qn("w:eastAsia"))) == ("en-US", east_asian_tag)


def test_document_defaults_styles_and_theme_language_say_chinese(build_report):
    document = read(build_report(language="zh-TW"))
    styles = document.styles.element
    defaults = styles.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    for rpr in [defaults] + [
        document.styles[name].element.find(qn("w:rPr"))
        for name in ("Normal", "Title", "Heading 1", "Heading 2", "List Number", "Table Grid")
    ]:
        fonts = rpr.find(qn("w:rFonts"))
        assert fonts.get(qn("w:eastAsia")) == "微軟正黑體"
        assert fonts.get(qn("w:ascii")) == "Calibri"
        # A theme font would follow the machine's language, Japanese on some.
        assert fonts.get(qn("w:eastAsiaTheme")) is None
        assert rpr.find(qn("w:lang")).get(qn("w:eastAsia")) == "zh-TW"
    theme_language = document.settings.element.find(qn("w:themeFontLang"))
    assert theme_language.get(qn("w:eastAsia")) == "zh-TW"


def test_fonts_come_from_the_configuration(build_report):
    config = config_from_dict(
        {"word": {"fonts": {"zh-CN": {"east_asian": "宋体", "latin": "Times New Roman"}}}}
    )
    document = read(build_report(config=config))
    for run in text_runs(document.element.body):
        fonts = run.find(qn("w:rPr")).find(qn("w:rFonts"))
        assert fonts.get(qn("w:eastAsia")) == "宋体"
        assert fonts.get(qn("w:ascii")) in ("Times New Roman", "Consolas")


# --- furniture and properties ------------------------------------------------------------


def test_header_has_the_title_and_period_and_footer_a_page_number(build_report):
    document = read(build_report())
    section = document.sections[0]
    assert [p.text for p in section.header.paragraphs] == ["张三 · 2024年12月工作总结"]
    instructions = [t.text.strip() for t in section.footer._element.iter(qn("w:instrText"))]
    assert instructions == ["PAGE"]


def test_page_is_a4_without_a_reference(build_report):
    section = read(build_report()).sections[0]
    assert (section.page_width, section.page_height) == (Twips(11906), Twips(16838))  # A4
    assert (section.left_margin, section.top_margin) == (Twips(1800), Twips(1440))


def test_core_properties_come_from_the_report_not_the_clock(build_report, properties):
    core = read(build_report()).core_properties
    assert core.title == "张三 2024年12月工作总结"
    assert core.subject == "催收员月度工作总结"
    assert core.author == "reportgen"  # no organisation configured
    assert core.created == datetime(2024, 12, 1, tzinfo=UTC)
    assert core.modified == datetime(2024, 12, 31, tzinfo=UTC)
    assert core.revision == 1
    assert core.last_printed is None
    assert core.comments == "" and core.keywords == ""  # python-docx's own text is gone
    named = read(build_report(props=replace(properties, author="某银行信用卡中心")))
    assert named.core_properties.author == "某银行信用卡中心"


def test_table_of_contents_follows_the_title_when_configured(build_report):
    plain = read(build_report())
    assert not [t for t in plain.element.body.iter(qn("w:instrText")) if "TOC" in t.text]
    config = config_from_dict({"word": {"table_of_contents": True}})
    document = read(build_report(config=config))
    paragraphs = document.paragraphs
    assert paragraphs[0].style.name == "Title"
    assert (paragraphs[1].style.name, paragraphs[1].text) == ("TOC Heading", "目录")
    (instruction,) = paragraphs[2]._p.iter(qn("w:instrText"))
    assert instruction.text.strip().startswith('TOC \\o "1-3"')
    assert document.settings.element.find(qn("w:updateFields")).get(qn("w:val")) == "true"


# --- same input, same bytes; bad input, clear error --------------------------------------


def test_same_input_gives_identical_bytes(build_report, chart_png, properties, report_markdown):
    first = build_report()
    assert first == build_report()
    builder = DocxBuilder(Config(), "zh-CN")
    images = {"张三_2024-12_zh-CN_files/recovery-by-channel.png": chart_png}
    assert builder.build(report_markdown, images, properties) == first
    assert builder.build(report_markdown, images, properties) == first
    assert render_docx(report_markdown, images, properties, Config()) == first


def test_zip_entries_carry_a_fixed_time_and_no_thumbnail(build_report):
    with zipfile.ZipFile(io.BytesIO(build_report())) as package:
        infos = package.infolist()
        core = package.read("docProps/core.xml").decode()
    assert infos[0].filename == "[Content_Types].xml"
    assert {info.date_time for info in infos} == {(1980, 1, 1, 0, 0, 0)}
    assert not [info for info in infos if "thumbnail" in info.filename]
    assert core.count("W3CDTF") == 2  # created and modified, nothing else dated


def test_a_missing_image_names_the_path(build_report):
    with pytest.raises(TemplateError, match="张三_2024-12_zh-CN_files/recovery-by-channel.png"):
        build_report(images={})


def test_an_image_that_is_not_a_picture_is_a_clear_error(build_report, chart_path):
    with pytest.raises(ReportgenError, match="not a PNG"):
        build_report(images={chart_path: b"not an image"})


# --- table layout ------------------------------------------------------------------------


def test_columns_are_as_wide_as_their_content_and_fill_the_text_width():
    rows = [(True, ["渠道", "金额"]), (False, ["电话", "123,456.78"])]
    needs = measure_columns(rows, 2, 22)
    widths = column_widths(needs, 8306)
    assert sum(widths) == 8306
    assert widths[1] > widths[0]  # the figures' column is the wider
    assert display_width("电话 ab") == 7
    # A Chinese character is one em (22 half-points: 220 twips), a Latin one 0.6 em.
    assert text_twips("电话", 22) == 440 and text_twips("ab", 22) == 264


@pytest.mark.parametrize(
    ("header", "pieces"),
    [
        ("回收金额（元）", ["回收金额", "（元）"]),  # a line may break before the bracket
        ("Accounts at start", ["Accounts", "at", "start"]),
        ("Right-party", ["Right-party"]),  # one word: no break inside it
        ("期初 → 期末", ["期初", "→", "期末"]),
    ],
)
def test_a_header_breaks_only_between_its_unbreakable_pieces(header, pieces):
    assert unbreakable_pieces(header) == pieces


def test_long_text_wraps_in_balanced_lines_and_headers_stay_whole():
    rows = [
        (True, ["指标", "本年", "变化"]),
        (False, ["回收金额", "5,955,877.92 元（595.59 万元）" * 3, "上升 2.5 个百分点"]),
    ]
    needs = measure_columns(rows, 3, 22)
    widths = column_widths(needs, 8306)
    assert sum(widths) == 8306
    assert all(w >= m for w, m in zip(widths, needs.minimum, strict=True))


def test_headers_too_wide_for_the_page_keep_four_characters_whole():
    # Seven headers of 4 to 52 characters: far too wide; the long ones give way first.
    rows = [(True, ["期初户数" + "甲乙丙丁戊己庚辛" * i for i in range(7)])]
    needs = measure_columns(rows, 7, 18)
    assert not needs.fits(8306)
    widths = column_widths(needs, 8306)
    assert sum(widths) == 8306
    assert all(w - needs.margin >= text_twips("期初户数", 18) for w in widths)
    assert widths[0] == needs.minimum[0]  # the short header keeps what it needs


def test_the_word_table_carries_the_content_widths(build_report):
    (table,) = read(build_report()).tables
    grid = [int(col.get(qn("w:w"))) for col in table._tbl.tblGrid.iter(qn("w:gridCol"))]
    assert sum(grid) == 8306  # A4 less Word's Chinese margins, in twips
    cells = [int(tc.tcPr.find(qn("w:tcW")).get(qn("w:w"))) for tc in table.rows[0]._tr.tc_lst]
    assert cells == grid
    assert grid[1] == max(grid)  # 回收金额（元） and its figures


def test_a_wide_table_is_set_in_nine_point_type(build_report):
    header = "| " + " | ".join(f"列{i}" for i in range(7)) + " |"
    rule = "|" + "---|" * 7
    row = "| " + " | ".join(str(i) for i in range(7)) + " |"
    document = read(build_report(markdown=f"{header}\n{rule}\n{row}\n"))
    (wide,) = document.tables
    assert {run.font.size.pt for cell in wide._cells for run in cell.paragraphs[0].runs} == {9.0}
    (narrow,) = read(build_report()).tables
    assert {run.font.size for cell in narrow._cells for run in cell.paragraphs[0].runs} == {None}
