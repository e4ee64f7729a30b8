"""PDF output: a report's Markdown, its chart SVGs and its properties in; PDF/A-2b bytes out.

Typeset by Typst (the ``typst`` wheel: the compiler in-process, nothing to
install). The document is this module's preamble (page, type, the report's
title block and tables), an organisation's optional style file, and the body
that typst_markup.py writes from the same Markdown as the .md and the .docx.

What keeps it safe and the same everywhere:

- Fonts: only the bundled Noto Sans SC (Latin and digits in its own matching
  face), embedded and subset; system fonts are never looked at.
- The compiler's root is a fresh folder holding only this report's pictures,
  so no file outside it can be read; package imports are refused in the style
  file, and the body is written as string literals (see typst_markup.py).
- The document's date is the period's last day, not the clock, so the same
  report gives the same bytes.
"""

from __future__ import annotations

import re
import tempfile
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from pathlib import Path

from reportgen.errors import ReportgenError, TemplateError
from reportgen.render.fonts import chart_font_path
from reportgen.render.glyphs import chart_font
from reportgen.render.typst_markup import (
    CELL_INSET_POINTS,
    SMALL_TABLE_POINTS,
    TABLE_POINTS,
    TypstWriter,
    typst_string,
)

PDF_STANDARD = "a-2b"
STYLE_FILE = "style.typ"  # an organisation's look, in the --templates folder
STYLE_LIMIT_BYTES = 256 * 1024
# A style file sets the look; it may not reach outside its document.
_STYLE_REFUSED = re.compile(
    r"#?\b(import|include|read|json|yaml|toml|csv|xml|cbor|plugin|sys)\b\s*[(\"@]"
    r"|#\s*(import|include)\b"
)
# Typst's text language and region: the PDF's /Lang is zh-CN, zh-TW or en.
_LANGUAGES = {"zh-CN": ("zh", "CN"), "zh-TW": ("zh", "TW"), "en": ("en", None)}
_PAGE_OF = {
    "zh-CN": ("第 ", " 页 共 ", " 页"),
    "zh-TW": ("第 ", " 頁 共 ", " 頁"),
    "en": ("Page ", " of ", ""),
}
FONT_FAMILY = "Noto Sans SC"


@dataclass(frozen=True)
class PdfProperties:
    """What the PDF says about itself: its metadata and running header."""

    title: str
    subject: str
    author: str  # the collector or the team
    organisation: str
    keywords: tuple[str, ...]
    period_end: date
    language: str
    header_text: str


# The table's alignments and header fill are fixed values, not functions of each cell's
# position: Typst calls such a function for every cell, a tenth of a report's typesetting.
_PREAMBLE = """\
#let reportgen-table(aligns, header: (), body: (), small: false, widths: none) = {
  set text(size: if small { SMALL_TABLE_SIZE } else { TABLE_SIZE })
  table(
    columns: if widths == none { aligns.len() } else { widths },
    align: aligns.map(a => a + horizon),
    fill: none,
    stroke: 0.5pt + luma(120),
    inset: (x: CELL_INSET, y: 3pt),
    table.header(..header.map(cell => table.cell(fill: luma(235), strong(cell)))),
    ..body,
  )
}
#set text(font: FONT, size: 10.5pt, lang: LANG, region: REGION)
#set page(paper: "a4", margin: (x: 2.2cm, top: 2.5cm, bottom: 2.2cm),
  header: context align(center, text(size: 9pt, fill: luma(80), HEADER)),
  footer: context align(center, text(size: 9pt, PAGE_BEFORE + counter(page).display()
    + PAGE_MIDDLE + str(counter(page).final().first()) + PAGE_AFTER)))
#set par(leading: 0.75em, spacing: 1.1em, justify: false)
#show raw: set text(font: FONT)
#show heading: set block(sticky: true, above: 1.4em, below: 0.8em)
#show heading: set text(fill: rgb("#2F5597"))
#show heading.where(level: 1): set text(size: 17pt, fill: rgb("#1F3864"))
#show heading.where(level: 1): set block(above: 0pt, below: 1.2em)
#show heading.where(level: 2): set text(size: 13.5pt)
#show heading.where(level: 3): set text(size: 11.5pt)
#show figure: set block(breakable: false)
#set table(stroke: 0.5pt)
"""
# The sizes typst_markup.py measures the tables' column widths with.
_PREAMBLE = (
    _PREAMBLE.replace("SMALL_TABLE_SIZE", f"{SMALL_TABLE_POINTS}pt")
    .replace("TABLE_SIZE", f"{TABLE_POINTS}pt")
    .replace("CELL_INSET", f"{CELL_INSET_POINTS}pt")
)


class PdfBuilder:
    """Writes many reports' PDFs in one language; the compiler and its fonts load once."""

    def __init__(self, language: str, templates_dir: Path | None = None) -> None:
        import typst

        self.language = language
        self._style = read_style(templates_dir)
        self._compiler = typst.Compiler(
            font_paths=[str(chart_font_path().parent)], ignore_system_fonts=True
        )

    def build(self, markdown: str, pictures: dict[str, bytes], properties: PdfProperties) -> bytes:
        """The PDF/A of one report. ``pictures`` maps each image link to its SVG bytes."""
        import typst

        with tempfile.TemporaryDirectory(prefix="reportgen-pdf-") as folder:
            root = Path(folder)
            names = {}
            for index, (link, svg) in enumerate(sorted(pictures.items()), 1):
                name = f"picture-{index}.svg"
                (root / name).write_bytes(svg)
                names[link] = name
            # With an organisation's style file the tables' type may differ from what the
            # widths are measured in: Typst then finds the widths itself.
            measure = None if self._style else chart_font().width
            body = TypstWriter(images=names, text_width=measure).write(markdown)
            source = self._preamble(properties) + self._style + "\n" + body
            (root / "report.typ").write_text(source, encoding="utf-8")
            try:
                return self._compiler.compile(
                    input=str(root / "report.typ"),
                    root=str(root),
                    format="pdf",
                    pdf_standards=PDF_STANDARD,
                    timestamp=_timestamp(properties.period_end),
                )
            except typst.TypstError as error:
                raise TemplateError(f"the PDF could not be typeset: {_first_line(error)}") from None

    def _preamble(self, properties: PdfProperties) -> str:
        lang, region = _LANGUAGES[properties.language]
        before, middle, after = _PAGE_OF[properties.language]
        end = properties.period_end
        authors = [a for a in (properties.author, properties.organisation) if a] or ["reportgen"]
        document = (
            f"#set document(title: {typst_string(properties.title)}, "
            f"author: ({', '.join(typst_string(a) for a in authors)},), "
            f"description: {typst_string(properties.subject)}, "
            f"keywords: ({', '.join(typst_string(k) for k in properties.keywords)},), "
            f"date: datetime(year: {end.year}, month: {end.month}, day: {end.day}, "
            "hour: 0, minute: 0, second: 0))\n"
        )
        preamble = (
            _PREAMBLE.replace("HEADER", typst_string(properties.header_text))
            .replace("PAGE_BEFORE", typst_string(before))
            .replace("PAGE_MIDDLE", typst_string(middle))
            .replace("PAGE_AFTER", typst_string(after))
            .replace("FONT", typst_string(FONT_FAMILY))
            .replace("LANG", typst_string(lang))
            .replace("REGION", typst_string(region) if region else "none")
        )
        return document + preamble


def read_style(templates_dir: Path | None) -> str:
    """The organisation's ``style.typ`` from the templates folder, checked; empty if none."""
    if templates_dir is None:
        return ""
    path = Path(templates_dir) / STYLE_FILE
    if not path.is_file():
        return ""
    from reportgen.small_files import SmallFileError, read_small_text

    try:
        style = read_small_text(path, STYLE_LIMIT_BYTES, what="Typst style file")
    except SmallFileError as error:
        raise TemplateError(str(error)) from None
    found = _STYLE_REFUSED.search(style)
    if found:
        line = style.count("\n", 0, found.start()) + 1
        raise TemplateError(
            f"{path}, line {line}: a style file may set the look of the page and text, "
            f"but not import, include or read files ('{found.group(0).strip()}')"
        )
    return style


def _timestamp(day: date) -> int:
    """The compiler's "now": the period's last day, so nothing depends on the clock."""
    return int(datetime.combine(day, time(0), tzinfo=UTC).timestamp())


def _first_line(error: Exception) -> str:
    lines = [line for line in str(error).splitlines() if line.strip()]
    return lines[0] if lines else type(error).__name__


def check_pdf_available() -> None:
    """A clear error when the Typst compiler cannot be imported."""
    try:
        import typst  # noqa: F401
    except ImportError:
        raise ReportgenError(
            "PDF output needs the Typst compiler: pip install typst (it is a dependency "
            "of reportgen; reinstall reportgen)"
        ) from None
