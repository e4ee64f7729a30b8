"""Markdown onto a Word body: the parsed tokens of markdown-it-py become WordprocessingML.

The .docx carries exactly the text of the Markdown the templates produced:
headings become real heading styles, lists real list paragraphs, pipe tables
real tables, images embedded pictures. Each block is written as one XML
string and parsed once, which is several times faster than building it run by
run through python-docx's object layer, and lets every run carry its fonts
and language explicitly.
"""

from __future__ import annotations

import functools
import io
import re
from dataclasses import dataclass
from urllib.parse import unquote

from docx.document import Document as DocumentObject
from docx.image.exceptions import UnrecognizedImageError
from docx.image.image import Image
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from lxml import etree
from markdown_it import MarkdownIt
from markdown_it.token import Token

from reportgen.errors import TemplateError
from reportgen.render.charts import ChartSpec
from reportgen.render.docx_charts import ChartEmbedder, ChartText, chart_width_emu
from reportgen.render.docx_lists import LEVELS, ListNumbering, indent_twips, new_ordered_list
from reportgen.render.docx_styles import RunFonts, StyleTable
from reportgen.render.docx_tables import (
    CELL_MARGIN_TWIPS,
    NARROW_CELL_MARGIN_TWIPS,
    column_widths,
    measure_columns,
    text_twips,
)
from reportgen.render.docx_text import escape_attribute, escape_text, xml_text
from reportgen.render.fonts import LanguageTag

PAGE_BREAK = re.compile(r"^<!--\s*pagebreak\s*-->$", re.IGNORECASE)
CODE_FONT = "Consolas"
_NAMESPACES = nsdecls("w", "r")
_ALIGNMENTS = {"text-align:right": "right", "text-align:center": "center"}
EMU_PER_TWIP = 635
WIDE_TABLE_COLUMNS = 7
SMALL_HALF_POINTS = 18
# Every cell paragraph, header, body and total row alike: no space above or below, single
# lines, whatever a reference's Normal style says. With the cells' vertical centring this
# keeps a row's texts on one line: a cell of Chinese (合计) has a taller line than a cell of
# figures in the Latin font, and top-aligned it sat lower than its neighbours.
CELL_PARAGRAPH_SPACING = '<w:spacing w:before="0" w:after="0" w:line="240" w:lineRule="auto"/>'
CELL_VERTICAL_ALIGNMENT = '<w:vAlign w:val="center"/>'
# A row's least height: 1.5 lines of its text (0.75 pt, 15 twips, per half-point), what a line
# of Chinese takes in 微软雅黑 or Noto Sans CJK with a little air.
ROW_HEIGHT_TWIPS_PER_HALF_POINT = 15
# After each table, an empty paragraph exactly this high (10 pt, what a Normal paragraph
# leaves after itself): a following paragraph, chart or heading does not touch the table,
# and two tables in a row stay two tables (Word merges adjacent ones).
TABLE_SPACE_AFTER_TWIPS = 200
TABLE_SPACER = (
    f'<w:p><w:pPr><w:spacing w:before="0" w:after="0" w:line="{TABLE_SPACE_AFTER_TWIPS}"'
    ' w:lineRule="exact"/></w:pPr></w:p>'
)
# Where a Chinese title may break when it is too wide for one line: before its period
# (许超（C001） | 2024年9月催收工作总结), so the name and the period each stay whole.
_TITLE_PERIOD = re.compile(r"(?<=\S)\s*(?=\d{4}\s*年)")


@functools.cache
def markdown_parser() -> MarkdownIt:
    """CommonMark with pipe tables; built once, since parsing does not change it."""
    return MarkdownIt("commonmark").enable("table")


@functools.lru_cache(maxsize=2)
def parsed_markdown(text: str) -> tuple[Token, ...]:
    """The tokens of ``text``, parsed once for the Word and the PDF writer alike (the
    last two documents are kept: parsing a review takes longer than writing its PDF).
    Neither writer changes a token."""
    return tuple(markdown_parser().parse(text))


@dataclass(frozen=True)
class _Format:
    bold: bool = False
    italic: bool = False
    code: bool = False
    link: bool = False
    small: bool = False  # text of a wide table


@dataclass
class _ListLevel:
    num_id: int
    level: int
    style: str  # "List Bullet" or "List Number"


class RunProperties:
    """The w:rPr of runs: fonts of their paragraph's style, emphasis, language; cached."""

    def __init__(self, styles: StyleTable, tag: LanguageTag, language: str) -> None:
        self._styles = styles
        self._tag = tag
        # In Chinese text, shared punctuation (“” … —) belongs in the Chinese font.
        self._hint = ' w:hint="eastAsia"' if language.startswith("zh") else ""
        self._cache: dict[tuple[str, _Format], str] = {}

    def xml(self, style_key: str, fmt: _Format = _Format()) -> str:
        key = (style_key, fmt)
        cached = self._cache.get(key)
        if cached is None:
            cached = self._cache[key] = self._build(self._styles.fonts[style_key], fmt)
        return cached

    def _build(self, fonts: RunFonts, fmt: _Format) -> str:
        latin = CODE_FONT if fmt.code else fonts.ascii
        h_ansi = CODE_FONT if fmt.code else fonts.h_ansi
        parts = ["<w:rPr>"]
        if fmt.link:
            parts.append(f'<w:rStyle w:val="{self._styles.ids["Hyperlink"]}"/>')
        parts.append(
            f'<w:rFonts w:ascii="{escape_attribute(latin)}" w:hAnsi="{escape_attribute(h_ansi)}"'
            f' w:eastAsia="{escape_attribute(fonts.east_asian)}"{self._hint}/>'
        )
        if fmt.bold:
            parts.append("<w:b/><w:bCs/>")
        if fmt.italic:
            parts.append("<w:i/><w:iCs/>")
        if fmt.small:
            size = SMALL_HALF_POINTS
            parts.append(f'<w:sz w:val="{size}"/><w:szCs w:val="{size}"/>')
        parts.append(f'<w:lang w:val="{self._tag.latin}" w:eastAsia="{self._tag.east_asian}"/>')
        parts.append("</w:rPr>")
        return "".join(parts)


class MarkdownWriter:
    """Writes one Markdown document into the (empty) body of ``document``."""

    def __init__(
        self,
        document: DocumentObject,
        *,
        styles: StyleTable,
        numbering: ListNumbering,
        run_properties: RunProperties,
        images: dict[str, bytes],
        max_image_width: int,
        charts: dict[str, ChartSpec] | None = None,
        chart_text: ChartText | None = None,
    ) -> None:
        self._document = document
        self._charts = charts or {}
        self._chart_embedder = (
            ChartEmbedder(document.part, chart_text, chart_width_emu(max_image_width))
            if self._charts and chart_text is not None
            else None
        )
        self._styles = styles
        self._numbering = numbering
        self._rpr = run_properties
        self._images = images
        self._max_image_width = max_image_width
        self._body = document.element.body
        self._section = self._body.find(qn("w:sectPr"))
        self._next_shape_id = document.part.next_id
        self._lists: list[_ListLevel] = []
        self._item_started = False
        self._quote_depth = 0
        self._blocks: list[str] = []  # the body's XML, block by block, parsed once at the end
        self._title_index: int | None = None
        self.title_element = None  # the Title paragraph, where a table of contents follows

    # --- blocks ------------------------------------------------------------------------

    def write(self, markdown: str) -> None:
        tokens = parsed_markdown(markdown)
        index = 0
        while index < len(tokens):
            index = self._block(tokens, index)
        # The parsed body replaces the document's whole, taking over what that held (its
        # section properties, after the blocks). Moving the blocks one by one into the old
        # body instead costs lxml a namespace lookup per node: 0.5 s for a table of 200
        # collectors, 25 times the parse.
        body = parse_xml(f"<w:body {_NAMESPACES}>{''.join(self._blocks)}</w:body>")
        elements = list(body)
        held = list(self._body)
        split = len(held) if self._section is None else held.index(self._section)
        for element in reversed(held[:split]):
            body.insert(0, element)
        body.extend(held[split:])
        body.attrib.update(self._body.attrib)
        self._body.getparent().replace(self._body, body)
        self._body = body
        if self._title_index is not None:
            self.title_element = elements[self._title_index]

    def _block(self, tokens: list[Token], index: int) -> int:
        token = tokens[index]
        kind = token.type
        if kind == "heading_open":
            self._heading(token, tokens[index + 1])
            return index + 3
        if kind == "paragraph_open":
            self._paragraph(tokens[index + 1])
            return index + 3
        if kind in ("bullet_list_open", "ordered_list_open"):
            self._open_list(token)
        elif kind in ("bullet_list_close", "ordered_list_close"):
            self._lists.pop()
        elif kind == "list_item_open":
            self._item_started = True
        elif kind == "blockquote_open":
            self._quote_depth += 1
        elif kind == "blockquote_close":
            self._quote_depth -= 1
        elif kind == "table_open":
            return self._table(tokens, index)
        elif kind in ("fence", "code_block"):
            self._code(token.content)
        elif kind == "html_block" and PAGE_BREAK.match(token.content.strip()):
            self._append('<w:p><w:r><w:br w:type="page"/></w:r></w:p>')
        elif kind == "hr":
            self._append(
                '<w:p><w:pPr><w:pBdr><w:bottom w:val="single" w:sz="6" w:space="1" '
                'w:color="auto"/></w:pBdr></w:pPr></w:p>'
            )
        # Any other HTML, and closing tokens handled above, write nothing.
        return index + 1

    def _heading(self, token: Token, inline: Token) -> None:
        level = int(token.tag[1])
        if level == 1 and self._title_index is None:
            key = "Title"
        else:
            # "## " is Heading 1: "# " is kept for the document title.
            key = f"Heading {min(max(level - 1, 1), 6)}"
        runs = self._title_runs(inline) if key == "Title" else None
        position = self._append(self._paragraph_xml(key, runs or self._runs(inline, key)))
        if key == "Title":
            self._title_index = position

    def _title_runs(self, inline: Token) -> str | None:
        """A title too wide for one line, broken before its period; None: as it is.

        Word and LibreOffice would break it anywhere (催收工/作总结). Only a plain-text
        title is broken (the templates write nothing else); English breaks at spaces.
        """
        children = inline.children or []
        if not children or any(child.type != "text" for child in children):
            return None
        text = "".join(child.content for child in children)
        width = self._max_image_width // EMU_PER_TWIP
        # 5 %: the Title's letter spacing (python-docx's is 0.25 pt) and bold Latin.
        if text_twips(text, self._styles.sizes["Title"]) * 105 // 100 <= width:
            return None
        match = _TITLE_PERIOD.search(text)
        if match is None:
            return None
        rpr = self._rpr.xml("Title")
        first, rest = text[: match.start()], text[match.end() :]
        return f"{self._text_run(first, rpr)}<w:r>{rpr}<w:br/></w:r>{self._text_run(rest, rpr)}"

    def _paragraph(self, inline: Token) -> None:
        key = "Normal"
        properties = ""
        if self._lists:
            current = self._lists[-1]
            key = current.style
            if self._item_started:
                properties = (
                    f'<w:numPr><w:ilvl w:val="{current.level}"/>'
                    f'<w:numId w:val="{current.num_id}"/></w:numPr>'
                )
            else:  # a later paragraph of the same item: aligned with its text, no number
                properties = f'<w:ind w:left="{indent_twips(current.level)}"/>'
            self._item_started = False
        elif self._quote_depth:
            key = "Quote"
        children = inline.children or []
        if children and all(c.type == "image" or not c.content.strip() for c in children):
            properties += '<w:jc w:val="center"/>'
        self._append(self._paragraph_xml(key, self._runs(inline, key), properties))

    def _open_list(self, token: Token) -> None:
        level = min(len(self._lists), LEVELS - 1)
        if token.type == "bullet_list_open":
            self._lists.append(_ListLevel(self._numbering.bullet_num_id, level, "List Bullet"))
        else:
            start = int(token.attrs.get("start", 1))
            num_id = new_ordered_list(self._document, self._numbering, level, start)
            self._lists.append(_ListLevel(num_id, level, "List Number"))

    def _code(self, content: str) -> None:
        rpr = self._rpr.xml("Normal", _Format(code=True))
        lines = content.rstrip("\n").split("\n")
        runs = "<w:r><w:br/></w:r>".join(self._text_run(line, rpr) for line in lines)
        self._append(self._paragraph_xml("Normal", runs))

    def _table(self, tokens: list[Token], index: int) -> int:
        rows: list[tuple[bool, list[tuple[Token, str]]]] = []
        in_head = False
        cells: list[tuple[Token, str]] = []
        while tokens[index].type != "table_close":
            token = tokens[index]
            if token.type == "thead_open":
                in_head = True
            elif token.type == "thead_close":
                in_head = False
            elif token.type == "tr_open":
                cells = []
            elif token.type == "tr_close":
                rows.append((in_head, cells))
            elif token.type in ("th_open", "td_open"):
                align = _ALIGNMENTS.get(str(token.attrs.get("style", "")), "")
                cells.append((tokens[index + 1], align))
            index += 1
        self._append(self._table_xml(rows))
        self._append(TABLE_SPACER)  # a block of its own: a block is one body element
        return index + 1

    def _table_xml(self, rows: list[tuple[bool, list[tuple[Token, str]]]]) -> str:
        columns = max((len(cells) for _, cells in rows), default=1)
        texts = [(is_header, [inline.content for inline, _ in cells]) for is_header, cells in rows]
        total = self._max_image_width // EMU_PER_TWIP
        # The body size; with many columns, or headers and figures that do not fit whole at it,
        # 9 pt (小五), as Chinese reports set their wide tables; if even that does not fit,
        # narrower cell margins too.
        layouts = [
            (self._styles.sizes["Table Grid"], CELL_MARGIN_TWIPS),
            (SMALL_HALF_POINTS, CELL_MARGIN_TWIPS),
            (SMALL_HALF_POINTS, NARROW_CELL_MARGIN_TWIPS),
        ]
        if columns >= WIDE_TABLE_COLUMNS:
            layouts = layouts[1:]
        for half_points, margin in layouts:
            needs = measure_columns(texts, columns, half_points, margin)
            if needs.fits(total):
                break
        small = half_points == SMALL_HALF_POINTS
        widths = column_widths(needs, total)
        grid = "".join(f'<w:gridCol w:w="{width}"/>' for width in widths)
        parts = [
            f'<w:tbl><w:tblPr><w:tblStyle w:val="{self._styles.ids["Table Grid"]}"/>'
            f'<w:tblW w:w="5000" w:type="pct"/>{_cell_margins(margin)}'
            '<w:tblLook w:val="04A0" w:firstRow="1" w:lastRow="0" w:firstColumn="0" '
            'w:lastColumn="0" w:noHBand="0" w:noVBand="1"/>'
            f"</w:tblPr><w:tblGrid>{grid}</w:tblGrid>"
        ]
        # Every row at least one line of Chinese high (its line is taller than one of figures
        # in the Latin font): a row of figures is as high as the 合计 row below it.
        least = half_points * ROW_HEIGHT_TWIPS_PER_HALF_POINT
        row_height = f'<w:trHeight w:val="{least}" w:hRule="atLeast"/>'
        for is_header, cells in rows:
            # The header row repeats on every page; no row is split across pages.
            header = "<w:tblHeader/>" if is_header else ""
            row_properties = f"<w:cantSplit/>{row_height}{header}"
            parts.append(f"<w:tr><w:trPr>{row_properties}</w:trPr>")
            padded = cells + [(None, "")] * (columns - len(cells))
            for (inline, align), width in zip(padded, widths, strict=True):
                runs = (
                    self._runs(inline, "Normal", bold=is_header, small=small)
                    if inline is not None
                    else ""
                )
                justification = f'<w:jc w:val="{align}"/>' if align else ""
                parts.append(
                    f'<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/>'
                    f"{CELL_VERTICAL_ALIGNMENT}</w:tcPr>"
                    f"<w:p><w:pPr>{CELL_PARAGRAPH_SPACING}{justification}</w:pPr>{runs}</w:p>"
                    "</w:tc>"
                )
            parts.append("</w:tr>")
        parts.append("</w:tbl>")
        return "".join(parts)

    def _paragraph_xml(self, key: str, runs: str, properties: str = "") -> str:
        style = f'<w:pStyle w:val="{self._styles.ids[key]}"/>' if key != "Normal" else ""
        paragraph_properties = f"<w:pPr>{style}{properties}</w:pPr>" if style or properties else ""
        return f"<w:p>{paragraph_properties}{runs}</w:p>"

    def _append(self, xml: str) -> int:
        """Queue one block; returns its position among the body's new elements."""
        self._blocks.append(xml)
        return len(self._blocks) - 1

    # --- inline ------------------------------------------------------------------------

    def _runs(
        self, inline: Token, style_key: str, *, bold: bool = False, small: bool = False
    ) -> str:
        out: list[str] = []
        link_stack: list[tuple[list[str], str]] = []
        bold_depth = 1 if bold else 0
        italic_depth = 0
        pending_text: list[str] = []
        pending_format: _Format | None = None

        def flush() -> None:
            nonlocal pending_format
            text = "".join(pending_text)
            if text and pending_format is not None:
                out.append(self._text_run(text, self._rpr.xml(style_key, pending_format)))
            pending_text.clear()
            pending_format = None

        def add_text(text: str, *, code: bool = False) -> None:
            nonlocal pending_format
            fmt = _Format(
                bold=bold_depth > 0,
                italic=italic_depth > 0,
                code=code,
                link=bool(link_stack),
                small=small,
            )
            if fmt != pending_format:
                flush()
                pending_format = fmt
            pending_text.append(text)

        for child in inline.children or []:
            kind = child.type
            if kind == "text":
                add_text(child.content)
            elif kind == "softbreak":
                add_text(" ")
            elif kind == "code_inline":
                add_text(child.content, code=True)
            elif kind == "strong_open":
                bold_depth += 1
            elif kind == "strong_close":
                bold_depth -= 1
            elif kind == "em_open":
                italic_depth += 1
            elif kind == "em_close":
                italic_depth -= 1
            elif kind == "hardbreak":
                flush()
                out.append("<w:r><w:br/></w:r>")
            elif kind == "image":
                flush()
                out.append(self._picture_run(child, self._rpr.xml(style_key)))
            elif kind == "link_open":
                flush()
                link_stack.append((out, str(child.attrs.get("href", ""))))
                out = []
            elif kind == "link_close" and link_stack:
                flush()
                outer, href = link_stack.pop()
                outer.append(self._hyperlink(href, "".join(out)))
                out = outer
            # html_inline and anything unknown: no text of its own.
        flush()
        while link_stack:  # an unclosed link cannot come from markdown-it, but stay safe
            outer, href = link_stack.pop()
            outer.append(self._hyperlink(href, "".join(out)))
            out = outer
        return "".join(out)

    @staticmethod
    def _text_run(text: str, rpr: str) -> str:
        pieces = text.split("\t")
        body = "<w:tab/>".join(
            f'<w:t xml:space="preserve">{escape_text(piece)}</w:t>' if piece else ""
            for piece in pieces
        )
        return f"<w:r>{rpr}{body}</w:r>"

    def _hyperlink(self, href: str, runs: str) -> str:
        if href.startswith("#"):
            return f'<w:hyperlink w:anchor="{escape_attribute(href[1:])}">{runs}</w:hyperlink>'
        rel_id = self._document.part.relate_to(xml_text(href), RT.HYPERLINK, is_external=True)
        return f'<w:hyperlink r:id="{rel_id}" w:history="1">{runs}</w:hyperlink>'

    def _picture_run(self, token: Token, rpr: str) -> str:
        source = str(token.attrs.get("src", ""))
        spec = self._charts.get(source, self._charts.get(unquote(source)))
        if spec is not None and self._chart_embedder is not None:
            # A chart of the report: Word's own chart, not a picture of one.
            drawing = self._chart_embedder.inline_drawing(spec, self._next_shape_id, token.content)
            self._next_shape_id += 1
            return f"<w:r>{rpr}{drawing}</w:r>"
        blob = self._images.get(source)
        if blob is None:
            blob = self._images.get(unquote(source))
        if blob is None:
            available = ", ".join(sorted(self._images)) or "none"
            raise TemplateError(
                f"the report refers to image '{unquote(source)}', which was not rendered "
                f"(images available: {available})"
            )
        try:
            image = Image.from_blob(blob)
        except UnrecognizedImageError:
            raise TemplateError(f"image '{unquote(source)}' is not a PNG, JPEG or GIF") from None
        width = min(image.width, self._max_image_width)
        inline = self._document.part.new_pic_inline(io.BytesIO(blob), width=width)
        # python-docx numbers shapes from the body, which does not hold this block yet.
        inline.docPr.id = self._next_shape_id
        self._next_shape_id += 1
        inline.docPr.set("descr", xml_text(token.content))
        drawing = etree.tostring(inline, encoding="unicode")
        return f"<w:r>{rpr}<w:drawing>{drawing}</w:drawing></w:r>"


def _cell_margins(margin: int) -> str:
    """A table's own w:tblCellMar when it narrows Table Grid's; nothing otherwise."""
    if margin == CELL_MARGIN_TWIPS:
        return ""
    return (
        f'<w:tblCellMar><w:left w:w="{margin}" w:type="dxa"/>'
        f'<w:right w:w="{margin}" w:type="dxa"/></w:tblCellMar>'
    )
