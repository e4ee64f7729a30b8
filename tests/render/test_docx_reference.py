"""--reference-docx: the organisation's styles, page setup, header and footer are used."""

from __future__ import annotations

import io
import zipfile
from datetime import datetime

import pytest
from docx import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.oxml.ns import qn
from docx.shared import Cm, Twips

from reportgen.errors import ReportgenError

TEMPLATE_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml"
DOCUMENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"


def read(data: bytes):
    return Document(io.BytesIO(data))


def make_reference(path, chart_png, *, with_footer: bool = False):
    """An organisation's Word file: its own margins, header, style and heading font, old
    content and properties, and without "List Number" and "Table Grid"."""
    reference = Document()
    section = reference.sections[0]
    section.page_width, section.page_height = Twips(12240), Twips(15840)  # US Letter
    section.left_margin = section.right_margin = Cm(4)
    section.header.paragraphs[0].text = "ACME 银行 · 内部资料"
    if with_footer:
        section.footer.paragraphs[0].text = "ACME 页脚"
    reference.styles.add_style("Org Body", WD_STYLE_TYPE.PARAGRAPH)
    heading_fonts = reference.styles["Heading 1"].element.find(qn("w:rPr")).find(qn("w:rFonts"))
    heading_fonts.set(qn("w:eastAsia"), "黑体")
    del heading_fonts.attrib[qn("w:eastAsiaTheme")]
    for name in ("List Number", "Table Grid"):
        element = reference.styles[name].element
        element.getparent().remove(element)
    reference.add_paragraph("旧正文，不应留下")
    reference.add_picture(io.BytesIO(chart_png))
    reference.core_properties.author = "Old Author"
    reference.core_properties.last_printed = datetime(2020, 1, 1)
    reference.save(path)
    return path


@pytest.fixture
def reference(tmp_path, chart_png):
    return make_reference(tmp_path / "acme.docx", chart_png)


def test_reference_page_setup_header_and_styles_are_kept(build_report, reference):
    document = read(build_report(reference=reference))
    section = document.sections[0]
    assert (section.page_width, section.page_height) == (Twips(12240), Twips(15840))
    assert section.left_margin == Document(reference).sections[0].left_margin
    assert [p.text for p in section.header.paragraphs] == ["ACME 银行 · 内部资料"]
    # The reference has no footer: the page number is added.
    instructions = [t.text.strip() for t in section.footer._element.iter(qn("w:instrText"))]
    assert instructions == ["PAGE"]
    assert "Org Body" in [style.name for style in document.styles]


def test_reference_footer_is_kept_as_it_is(build_report, tmp_path, chart_png):
    reference = make_reference(tmp_path / "with-footer.docx", chart_png, with_footer=True)
    footer = read(build_report(reference=reference)).sections[0].footer
    assert [p.text for p in footer.paragraphs] == ["ACME 页脚"]
    assert not list(footer._element.iter(qn("w:instrText")))


def test_styles_the_reference_lacks_are_created_and_used(build_report, reference):
    document = read(build_report(reference=reference))
    numbered = [p.text for p in document.paragraphs if p.style.name == "List Number"]
    assert numbered == ["先打电话", "再发短信", "外访跟进"]
    assert document.tables[0].style.name == "Table Grid"
    borders = document.tables[0].style.element.find(qn("w:tblPr")).find(qn("w:tblBorders"))
    assert borders is not None  # a real grid, not an empty style


def test_reference_fonts_are_respected_and_theme_fonts_replaced(build_report, reference):
    document = read(build_report(reference=reference))

    def east_asian_fonts(style_name: str) -> set[str]:
        return {
            run._r.rPr.rFonts.get(qn("w:eastAsia"))
            for p in document.paragraphs
            if p.style.name == style_name
            for run in p.runs
            if run._r.find(qn("w:t")) is not None  # page breaks carry no text or font
        }

    assert east_asian_fonts("Heading 1") == {"黑体"}  # the organisation's choice
    assert east_asian_fonts("Normal") == {"微软雅黑"}  # theme font: the configured one


def test_none_of_the_reference_content_or_properties_travel(build_report, reference):
    data = build_report(reference=reference)
    document = read(data)
    assert not [p for p in document.paragraphs if "旧正文" in p.text]
    assert len(document.inline_shapes) == 1  # the report's chart only
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        media = [n for n in package.namelist() if n.startswith("word/media/")]
    assert len(media) == 1
    assert document.core_properties.author == "reportgen"
    assert document.core_properties.last_printed is None


def test_same_reference_same_bytes(build_report, reference):
    assert build_report(reference=reference) == build_report(reference=reference)


def test_a_word_template_is_accepted_as_reference(build_report, reference, tmp_path):
    with zipfile.ZipFile(reference) as source:
        entries = {info.filename: source.read(info) for info in source.infolist()}
    entries["[Content_Types].xml"] = (
        entries["[Content_Types].xml"].decode().replace(DOCUMENT_TYPE, TEMPLATE_TYPE).encode()
    )
    template = tmp_path / "acme.dotx"
    with zipfile.ZipFile(template, "w") as target:
        for name, payload in entries.items():
            target.writestr(name, payload)
    document = read(build_report(reference=template))
    assert [p.text for p in document.sections[0].header.paragraphs] == ["ACME 银行 · 内部资料"]


@pytest.mark.parametrize("content", [b"not a zip", b""])
def test_a_reference_that_is_not_a_word_file_is_a_clear_error(build_report, tmp_path, content):
    path = tmp_path / "notes.docx"
    path.write_bytes(content)
    with pytest.raises(ReportgenError, match="notes.docx: not a Word"):
        build_report(reference=path)


def test_a_zip_that_is_not_a_word_file_is_a_clear_error(build_report, tmp_path):
    path = tmp_path / "other.docx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("hello.txt", "hi")
    with pytest.raises(ReportgenError, match="other.docx: not a Word"):
        build_report(reference=path)
