"""Word output: a report's Markdown, its charts and its properties in; .docx bytes out.

The Word document is built from the same Markdown as the .md file (parsed with
markdown-it-py), so both say the same. :class:`DocxBuilder` does once what
every document of an archive shares — opening the reference document,
creating and styling the styles, resolving fonts, defining list numbering —
and keeps the result as bytes; each :meth:`DocxBuilder.build` starts from a
copy of them.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from docx import Document
from docx.shared import Mm, Twips

from reportgen.config import Config
from reportgen.render.charts import ChartSpec
from reportgen.render.docx_charts import ChartText
from reportgen.render.docx_furniture import (
    add_header,
    add_page_number_footer,
    ask_to_update_fields,
    contents_paragraphs,
    has_own_footer,
    has_own_header,
    set_a4_page,
    set_core_properties,
)
from reportgen.render.docx_lists import add_list_definitions
from reportgen.render.docx_markdown import MarkdownWriter, RunProperties
from reportgen.render.docx_package import document_bytes
from reportgen.render.docx_reference import open_base_document
from reportgen.render.docx_styles import (
    drop_unused_table_styles,
    prepare_styles,
    set_title_size,
)
from reportgen.render.fonts import language_tag, word_fonts

DEFAULT_AUTHOR = "reportgen"


@dataclass(frozen=True)
class DocProperties:
    """What the document says about itself: core properties and the page header."""

    title: str
    subject: str
    author: str  # the organisation; empty means "reportgen"
    period_start: date | str  # a date, or its ISO text as the report model keeps it
    period_end: date | str
    language: str
    header_text: str


class DocxBuilder:
    """Writes many reports in one language with one configuration and reference document."""

    def __init__(self, config: Config, language: str, reference_docx: Path | None = None) -> None:
        self.language = language
        self._table_of_contents = config.word.table_of_contents
        tag = language_tag(language)
        document = open_base_document(reference_docx)
        if reference_docx is None:
            set_a4_page(document)
            drop_unused_table_styles(document)
            set_title_size(document)
        self._styles = prepare_styles(document, word_fonts(config, language), tag)
        self._numbering = add_list_definitions(document)
        self._run_properties = RunProperties(self._styles, tag, language)
        self._own_header = has_own_header(document)
        self._own_footer = has_own_footer(document)
        self._max_image_width = _text_width(document)
        self._chart_text = ChartText(word_fonts(config, language), language)
        self._base = document_bytes(document)

    def build(
        self,
        markdown: str,
        images: dict[str, bytes],
        properties: DocProperties,
        charts: dict[str, ChartSpec] | None = None,
    ) -> bytes:
        """The .docx of one report; the same arguments always give the same bytes.

        An image link whose path is a key of ``charts`` becomes Word's own chart of that
        spec; any other image link must name a picture in ``images``.
        """
        document = Document(io.BytesIO(self._base))
        writer = MarkdownWriter(
            document,
            styles=self._styles,
            numbering=self._numbering,
            run_properties=self._run_properties,
            images=images,
            max_image_width=self._max_image_width,
            charts=charts,
            chart_text=self._chart_text,
        )
        writer.write(markdown)
        if self._table_of_contents:
            self._add_contents(document, writer.title_element)
        if not self._own_header:
            add_header(
                document,
                properties.header_text,
                self._styles.ids["Header"],
                self._run_properties.xml("Header"),
            )
        if not self._own_footer:
            add_page_number_footer(
                document, self._styles.ids["Footer"], self._run_properties.xml("Footer")
            )
        set_core_properties(
            document,
            title=properties.title,
            subject=properties.subject,
            author=properties.author or DEFAULT_AUTHOR,
            language=properties.language,
            created=_as_date(properties.period_start),
            modified=_as_date(properties.period_end),
        )
        return document_bytes(document)

    def _add_contents(self, document, title_element) -> None:
        paragraphs = contents_paragraphs(
            self.language, self._styles.ids["TOC Heading"], self._run_properties.xml("TOC Heading")
        )
        body = document.element.body
        anchor = title_element
        for paragraph in paragraphs:
            if anchor is None:
                body.insert(0, paragraph)
            else:
                anchor.addnext(paragraph)
            anchor = paragraph
        ask_to_update_fields(document)


def render_docx(
    markdown: str,
    images: dict[str, bytes],
    properties: DocProperties,
    config: Config,
    reference_docx: Path | None = None,
) -> bytes:
    """One report's .docx; for many reports, keep one :class:`DocxBuilder` instead."""
    builder = DocxBuilder(config, properties.language, reference_docx)
    return builder.build(markdown, images, properties)


def _as_date(value: date | str) -> date:
    return value if isinstance(value, date) else date.fromisoformat(value)


def _text_width(document) -> int:
    """Width between the margins, in EMU: the widest a picture or table may be."""
    section = document.sections[-1]
    page = section.page_width or Mm(210)
    left = section.left_margin if section.left_margin is not None else Twips(1800)
    right = section.right_margin if section.right_margin is not None else Twips(1800)
    return max(int(page - left - right), int(Mm(50)))
