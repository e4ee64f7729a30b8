"""Markdown onto Typst: the parsed tokens of markdown-it-py become Typst markup.

The PDF says what the .md and the .docx say, in the same order, because all
three come from the same Markdown, parsed by the same parser as the Word
writer (docx_markdown.markdown_parser).

**Nothing from the data runs as Typst code.** Every piece of text (names,
notes, anything a template printed) is written as a Typst *string literal*,
``#"..."``, which Typst shows as it is: ``#read(...)``, ``$x$``, ``*bold*``,
``= heading``, ``<label>`` and ``@ref`` are letters, not markup. Only this
module writes Typst syntax, and only its own fixed function calls.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import unquote

from markdown_it.tree import SyntaxTreeNode

from reportgen.errors import TemplateError
from reportgen.render.docx_markdown import PAGE_BREAK, WIDE_TABLE_COLUMNS, parsed_markdown

_ALIGNMENTS = {"text-align:right": "right", "text-align:center": "center"}
# Links a PDF may carry: web pages and mail. Anything else is shown as its text only.
_LINK_SCHEMES = ("http://", "https://", "mailto:")
# Table text sizes and cell padding: the preamble's reportgen-table (pdf.py) is written
# with them.
TABLE_POINTS, SMALL_TABLE_POINTS = 9.5, 8.0
CELL_INSET_POINTS = 4.0  # left and right each
# Typst puts a quarter em between Han and Latin letters; a column gets a little more room
# than its text needs, so no measuring difference breaks a cell onto two lines.
_CJK_LATIN = re.compile(
    r"(?<=[\u3000-\u9fff\uff00-\uffef])(?=[0-9A-Za-z])|"
    r"(?<=[0-9A-Za-z])(?=[\u3000-\u9fff\uff00-\uffef])"
)
_SLACK_POINTS = 3.0
# The widest a table may be: an A4 page less the preamble's 2.2 cm margins each side.
TEXT_WIDTH_POINTS = (21.0 - 2 * 2.2) / 2.54 * 72


def typst_string(text: str) -> str:
    """``text`` as a Typst string literal: only the backslash, the quote and line ends
    are special inside one; control characters are dropped."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    escaped = escaped.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "\\n")
    escaped = "".join(ch for ch in escaped if ch == "\t" or ord(ch) >= 0x20 and ch != "\x7f")
    return f'"{escaped}"'


def text(value: str) -> str:
    """Literal text in markup."""
    return f"#{typst_string(value)}" if value else ""


@dataclass
class TypstWriter:
    """Writes one Markdown document as Typst markup.

    ``images`` maps an image link of the Markdown to the file name its picture has in
    the compiler's root folder.
    """

    images: dict[str, str]
    # How wide a text is in the PDF's font at a size (points → points); with it, tables of
    # plain text get their columns' widths written out (see _column_widths).
    text_width: Callable[[str, float], float] | None = None

    def write(self, markdown: str) -> str:
        tree = SyntaxTreeNode(list(parsed_markdown(markdown)))
        return self._blocks(tree.children)

    # --- blocks ------------------------------------------------------------------------

    def _blocks(self, nodes) -> str:
        return "".join(self._block(node) for node in nodes)

    def _block(self, node) -> str:
        kind = node.type
        if kind == "heading":
            return self._heading(node)
        if kind == "paragraph":
            return self._paragraph(node)
        if kind in ("bullet_list", "ordered_list"):
            return self._list(node)
        if kind == "table":
            return self._table(node)
        if kind == "blockquote":
            return f"#quote(block: true)[{self._blocks(node.children)}]\n\n"
        if kind in ("fence", "code_block"):
            return f"#raw(block: true, {typst_string(node.content.rstrip(chr(10)))})\n\n"
        if kind == "html_block" and PAGE_BREAK.match(node.content.strip()):
            return "#pagebreak(weak: true)\n\n"
        if kind == "hr":
            return "#line(length: 100%, stroke: 0.5pt)\n\n"
        return ""  # other HTML writes nothing, as in the Word file

    def _heading(self, node) -> str:
        # "# " is the title, "## " the sections under it: the PDF's bookmarks nest so.
        level = int(node.tag[1])
        return f"#heading(level: {level})[{self._inline(node.children[0])}]\n\n"

    def _paragraph(self, node) -> str:
        inline = node.children[0]
        children = inline.children or []
        pictures = [c for c in children if c.type == "image"]
        if pictures and all(c.type == "image" or not c.content.strip() for c in children):
            return "".join(self._figure(picture) for picture in pictures)
        return f"{self._inline(inline)}\n\n"

    def _figure(self, node) -> str:
        name = self._image_name(node)
        alt = "".join(child.content for child in node.children or [])
        return (
            f"#align(center, image({typst_string(name)}, width: 100%, "
            f"alt: {typst_string(alt)}))\n\n"
        )

    def _image_name(self, node) -> str:
        source = str(node.attrs.get("src", ""))
        name = self.images.get(source) or self.images.get(unquote(source))
        if name is None:
            available = ", ".join(sorted(self.images)) or "none"
            raise TemplateError(
                f"the report refers to image '{unquote(source)}', which was not rendered "
                f"(images available: {available})"
            )
        return name

    def _list(self, node) -> str:
        items = ", ".join(f"[{self._item(item)}]" for item in node.children)
        if node.type == "ordered_list":
            start = int(node.attrs.get("start", 1) or 1)
            return f"#enum(start: {start}, {items})\n\n"
        return f"#list({items})\n\n"

    def _item(self, node) -> str:
        parts = []
        for child in node.children:
            if child.type == "paragraph":
                parts.append(self._inline(child.children[0]))
            else:
                parts.append(self._block(child).rstrip("\n"))
        return "\n\n".join(part for part in parts if part)

    def _table(self, node) -> str:
        header_rows, body_rows = [], []
        for section in node.children:
            rows = header_rows if section.type == "thead" else body_rows
            rows.extend(section.children)
        first = (header_rows or body_rows or [None])[0]
        if first is None:
            return ""
        aligns = [
            _ALIGNMENTS.get(str(cell.attrs.get("style", "")), "left") for cell in first.children
        ]
        columns = len(aligns)

        def cells(row) -> list[str]:
            found = [
                self._cell(cell.children[0] if cell.children else None) for cell in row.children
            ]
            return (found + ["[]"] * columns)[:columns]

        header = ", ".join(c for row in header_rows for c in cells(row))
        body = ", ".join(c for row in body_rows for c in cells(row))
        small = columns >= WIDE_TABLE_COLUMNS
        widths = self._column_widths(header_rows + body_rows, columns, small)
        return (
            f"#reportgen-table(({', '.join(aligns)},){', small: true' if small else ''}"
            f"{f', widths: ({widths},)' if widths else ''}, "
            f"header: ({header},), body: ({body},))\n\n"
        )

    def _column_widths(self, rows, columns: int, small: bool) -> str:
        """Each column's width, as wide as its widest text: what Typst's automatic widths
        come to, without Typst laying out every cell once more to find them (a tenth of
        a report's typesetting). Empty (automatic widths) where a cell is not plain text,
        no measure was given, or the table would not fit the page."""
        if self.text_width is None:
            return ""
        points = SMALL_TABLE_POINTS if small else TABLE_POINTS
        widest = [0.0] * columns
        for row in rows:
            for index, cell in enumerate(row.children[:columns]):
                inline = cell.children[0] if cell.children else None
                children = (inline.children or []) if inline is not None else []
                if any(child.type != "text" for child in children):
                    return ""
                text = "".join(child.content for child in children)
                spacing = len(_CJK_LATIN.findall(text)) * points / 4
                widest[index] = max(widest[index], self.text_width(text, points) + spacing)
        sizes = [width + 2 * CELL_INSET_POINTS + _SLACK_POINTS for width in widest]
        if sum(sizes) > TEXT_WIDTH_POINTS:
            return ""
        return ", ".join(f"{size:.1f}pt" for size in sizes)

    def _cell(self, inline) -> str:
        """A table cell's content: a plain string literal where it is text only (most
        cells: Typst takes it without evaluating markup), else its markup in brackets."""
        children = inline.children if inline is not None else None
        if children and len(children) == 1 and children[0].type == "text":
            return typst_string(children[0].content)
        return f"[{self._inline(inline) if inline is not None else ''}]"

    # --- inline --------------------------------------------------------------------------

    def _inline(self, node) -> str:
        return "".join(self._span(child) for child in node.children or [])

    def _span(self, node) -> str:
        kind = node.type
        if kind == "text":
            return text(node.content)
        if kind == "softbreak":
            return text(" ")
        if kind == "hardbreak":
            return "#linebreak()"
        if kind == "code_inline":
            return f"#raw({typst_string(node.content)})"
        if kind == "strong":
            return f"#strong[{self._spans(node)}]"
        if kind == "em":
            return f"#emph[{self._spans(node)}]"
        if kind == "link":
            href = str(node.attrs.get("href", ""))
            if href.lower().startswith(_LINK_SCHEMES):
                return f"#link({typst_string(href)})[{self._spans(node)}]"
            return self._spans(node)
        if kind == "image":
            name = self._image_name(node)
            return f"#box(image({typst_string(name)}, height: 1em))"
        return ""  # html_inline and anything unknown: no text of its own

    def _spans(self, node) -> str:
        return "".join(self._span(child) for child in node.children or [])
