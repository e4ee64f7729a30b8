"""What surrounds the text: page setup, header, footer page numbers, contents, properties.

None of it reads the clock: the document properties carry the period's dates,
so the same report rendered twice is the same file.
"""

from __future__ import annotations

from datetime import date, datetime, time

from docx.document import Document as DocumentObject
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.oxml.xmlchemy import BaseOxmlElement
from docx.shared import Twips

from reportgen.render.docx_styles import insert_before, settings_successors
from reportgen.render.docx_tables import fit_columns
from reportgen.render.docx_text import core_property, escape_text, xml_text

_CONTENTS_TITLE = {"zh-CN": "目录", "zh-TW": "目錄", "en": "Contents"}
_CONTENTS_PLACEHOLDER = {
    "zh-CN": "打开文档时由 Word 生成目录；若未显示，请在此处右键并选择“更新域”。",
    "zh-TW": "開啟文件時由 Word 產生目錄；若未顯示，請在此處按右鍵並選擇「更新功能變數」。",
    "en": "Word fills in the table of contents when the document opens; "
    "if it is empty, right-click here and choose Update Field.",
}


def set_a4_page(document: DocumentObject) -> None:
    """A4 with Word's Chinese-edition margins, for documents without a reference."""
    for section in document.sections:
        # Word's own A4 in twips (210 x 297 mm, rounded as Word rounds it).
        section.page_width, section.page_height = Twips(11906), Twips(16838)
        section.top_margin = section.bottom_margin = Twips(1440)  # 2.54 cm
        section.left_margin = section.right_margin = Twips(1800)  # 3.17 cm
        section.header_distance, section.footer_distance = Twips(851), Twips(992)


def has_own_header(document: DocumentObject) -> bool:
    return bool(document.sections[-1]._sectPr.findall(qn("w:headerReference")))


def has_own_footer(document: DocumentObject) -> bool:
    return bool(document.sections[-1]._sectPr.findall(qn("w:footerReference")))


def field_runs(instruction: str, shown: str, run_properties: str, *, dirty: bool = False) -> str:
    """The runs of a complex field: Word recomputes ``shown`` from ``instruction``.

    ``dirty`` asks Word to recompute it on opening (a table of contents); a
    page number is recomputed on every page anyway.
    """
    mark = ' w:dirty="true"' if dirty else ""
    return (
        f'<w:r>{run_properties}<w:fldChar w:fldCharType="begin"{mark}/></w:r>'
        f'<w:r>{run_properties}<w:instrText xml:space="preserve"> {instruction} </w:instrText>'
        "</w:r>"
        f'<w:r>{run_properties}<w:fldChar w:fldCharType="separate"/></w:r>'
        f'<w:r>{run_properties}<w:t xml:space="preserve">{escape_text(shown)}</w:t></w:r>'
        f'<w:r>{run_properties}<w:fldChar w:fldCharType="end"/></w:r>'
    )


# A header is one line: a long organisation name or title (a 300-character collector name)
# is cut to what fits across A4 at the header's 9 pt, in half-em columns.
HEADER_COLUMNS = 90


def add_header(document: DocumentObject, text: str, style_id: str, run_properties: str) -> None:
    text = fit_columns(xml_text(text), HEADER_COLUMNS)
    header = document.sections[-1].header
    header.is_linked_to_previous = False
    paragraph = header.paragraphs[0]
    paragraph._p.style = style_id
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    shown = escape_text(text)
    run = f'<w:r {nsdecls("w")}>{run_properties}<w:t xml:space="preserve">{shown}</w:t></w:r>'
    paragraph._p.append(parse_xml(run))


def add_page_number_footer(document: DocumentObject, style_id: str, run_properties: str) -> None:
    footer = document.sections[-1].footer
    footer.is_linked_to_previous = False
    paragraph = footer.paragraphs[0]
    paragraph._p.style = style_id
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    wrapper = parse_xml(f"<w:p {nsdecls('w')}>{field_runs('PAGE', '1', run_properties)}</w:p>")
    for run in list(wrapper):
        paragraph._p.append(run)


def contents_paragraphs(
    language: str, heading_style_id: str, run_properties: str
) -> list[BaseOxmlElement]:
    """A "Contents" heading and a TOC field over Heading 1-3, updated when Word opens it."""
    title = parse_xml(
        f'<w:p {nsdecls("w")}><w:pPr><w:pStyle w:val="{heading_style_id}"/></w:pPr>'
        f'<w:r>{run_properties}<w:t xml:space="preserve">{_CONTENTS_TITLE[language]}</w:t>'
        "</w:r></w:p>"
    )
    field = parse_xml(
        f"<w:p {nsdecls('w')}>"
        + field_runs(
            'TOC \\o "1-3" \\h \\z \\u',
            _CONTENTS_PLACEHOLDER[language],
            run_properties,
            dirty=True,
        )
        + "</w:p>"
    )
    return [title, field]


def ask_to_update_fields(document: DocumentObject) -> None:
    """Have Word refresh fields (the table of contents) when it opens the document."""
    settings = document.settings.element
    if settings.find(qn("w:updateFields")) is None:
        element = parse_xml(f'<w:updateFields {nsdecls("w")} w:val="true"/>')
        insert_before(settings, element, settings_successors("w:updateFields"))


def set_core_properties(
    document: DocumentObject,
    *,
    title: str,
    subject: str,
    author: str,
    language: str,
    created: date,
    modified: date,
) -> None:
    """Replace every core property: no trace of the base document or of the clock."""
    element = document.core_properties._element
    for child in list(element):
        element.remove(child)
    properties = document.core_properties
    # Every value passes through core_property: XML-safe and within python-docx's 255 characters.
    properties.title = core_property(title)
    properties.subject = core_property(subject)
    properties.author = core_property(author)
    properties.last_modified_by = core_property(author)
    properties.language = core_property(language)
    properties.revision = 1
    properties.created = datetime.combine(created, time(0, 0))
    properties.modified = datetime.combine(modified, time(0, 0))
