"""Word tables as a reader sees them: headers whole, space after, a total row level with the rest.

Widths are read back from the .docx (w:tcW, twips) and compared with the text at the size it
is set in: a Chinese character takes one em. The demo documents (a month, a team quarter
and a year-end review) are checked in zh-CN, zh-TW and en. Where LibreOffice is installed,
a year-end review is also laid out as PDF and its lines read back.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from docx import Document
from docx.oxml.ns import qn

from render.libreoffice import SOFFICE, convert_to_pdf
from reportgen.render.docx_tables import HEADER_CJK_KEPT

TOTAL_LABELS = {"合计", "合計", "Total"}
# A run of Chinese characters (and the full-width forms they are set with), as a line may
# not break inside a header of a few of them.
CJK_RUN = re.compile(r"[\u3400-\u9fff]+")
TEXT_WIDTH_TWIPS = 8306  # A4 less Word's Chinese-edition margins


@pytest.fixture(scope="module")
def documents(demo_output, small_source, tmp_path_factory) -> dict[str, list[Path]]:
    """The demo's .docx files by language: a month, a team quarter and a year-end review."""
    from reportgen.render.demo import run_demo

    found = {"zh-CN": [path for path in demo_output[1] if path.suffix == ".docx"]}
    for language in ("zh-TW", "en"):
        out = tmp_path_factory.mktemp(f"demo-{language}")
        written = run_demo(out, language=language, source=small_source)
        found[language] = [path for path in written if path.suffix == ".docx"]
    return found


def all_documents(documents):
    return [(language, path) for language, paths in documents.items() for path in paths]


def _half_points(document, rpr) -> int:
    """The size a run is set in: its own, else Normal's, else the document default."""
    for element in (rpr, document.styles["Normal"].element.rPr):
        size = element.find(qn("w:sz")) if element is not None else None
        if size is not None:
            return int(size.get(qn("w:val")))
    defaults = document.styles.element.find(qn("w:docDefaults"))
    size = defaults.find(".//" + qn("w:sz")) if defaults is not None else None
    return int(size.get(qn("w:val"))) if size is not None else 20


def _cell_margins(table) -> int:
    """Left plus right cell margin of a table, its own or its style's, in twips."""
    for tbl_pr in (table._tbl.tblPr, table.style.element.find(qn("w:tblPr"))):
        margins = tbl_pr.find(qn("w:tblCellMar")) if tbl_pr is not None else None
        if margins is not None:
            return sum(
                int(margins.find(qn(f"w:{side}")).get(qn("w:w"))) for side in ("left", "right")
            )
    return 2 * 108


def _cell_width(cell) -> int:
    return int(cell._tc.tcPr.find(qn("w:tcW")).get(qn("w:w")))


def test_every_header_keeps_its_chinese_runs_whole(documents):
    checked = 0
    for language, path in all_documents(documents):
        document = Document(str(path))
        for table in document.tables:
            widths = [int(col.get(qn("w:w"))) for col in table._tbl.tblGrid.iter(qn("w:gridCol"))]
            assert sum(widths) == TEXT_WIDTH_TWIPS, path.name
            margins = _cell_margins(table)
            for cell in table.rows[0].cells:
                runs = cell.paragraphs[0].runs
                if not runs:
                    continue
                em = _half_points(document, runs[0]._r.rPr) * 10  # twips
                longest = max((len(run) for run in CJK_RUN.findall(cell.text)), default=0)
                # Up to six characters (期初户数, 承诺兑现率) on one line; a longer run may
                # take two lines, but four characters never wrap.
                kept = longest if longest <= HEADER_CJK_KEPT else 4
                usable = _cell_width(cell) - margins
                assert usable >= kept * em, (language, path.name, cell.text, usable, kept * em)
                checked += 1
    assert checked > 50


def test_every_table_is_followed_by_space(documents):
    for _language, path in all_documents(documents):
        document = Document(str(path))
        for tbl in document.element.body.iter(qn("w:tbl")):
            following = tbl.getnext()
            assert following is not None and following.tag == qn("w:p"), path.name
            assert not "".join(following.itertext()).strip()  # an empty spacer, no text
            spacing = following.find(qn("w:pPr")).find(qn("w:spacing"))
            # An exact line of at least 6 pt: the next paragraph or chart does not touch it.
            assert spacing.get(qn("w:lineRule")) == "exact"
            assert int(spacing.get(qn("w:line"))) >= 120


def _paragraph_look(cell) -> tuple:
    """What places a cell's text vertically: cell alignment, spacing, size and style."""
    v_align = cell._tc.tcPr.find(qn("w:vAlign"))
    paragraph = cell.paragraphs[0]
    p_pr = paragraph._p.pPr
    spacing = p_pr.find(qn("w:spacing")) if p_pr is not None else None
    sizes = {run.font.size for run in paragraph.runs}
    return (
        v_align.get(qn("w:val")) if v_align is not None else None,
        tuple(sorted(spacing.attrib.items())) if spacing is not None else None,
        paragraph.style.name,
        frozenset(sizes),
    )


def test_the_total_row_is_set_like_its_neighbours(documents):
    totals = 0
    for language, path in all_documents(documents):
        for table in Document(str(path)).tables:
            for index, row in enumerate(table.rows):
                if row.cells[0].text.strip() not in TOTAL_LABELS:
                    continue
                totals += 1
                looks = {_paragraph_look(cell) for cell in row.cells}
                assert len(looks) == 1, (language, path.name, looks)
                (look,) = looks
                assert look[0] == "center"  # vertically centred like every other cell
                above = {_paragraph_look(cell) for cell in table.rows[index - 1].cells}
                assert above == looks
                heights = {
                    r._tr.trPr.find(qn("w:trHeight")).get(qn("w:val"))
                    for r in (row, table.rows[index - 1])
                }
                assert len(heights) == 1  # the same least height as the row above
    assert totals >= 9  # the bucket and channel tables of every document with totals


def test_titles_fit_one_line_at_the_title_size(documents):
    for language, path in all_documents(documents):
        document = Document(str(path))
        title = document.paragraphs[0]
        assert title.style.name == "Title"
        size = document.styles["Title"].font.size
        assert size is not None and size.pt <= 18
        if language.startswith("zh"):
            # Measured as it is set: a Chinese character one em, a Latin one under 0.6 em.
            wide = sum(1 for ch in title.text if "\u3000" <= ch <= "\uffef")
            width_pt = wide * size.pt + (len(title.text) - wide) * 0.6 * size.pt
            assert width_pt * 20 <= TEXT_WIDTH_TWIPS, (path.name, title.text)


def test_a_title_too_wide_breaks_before_its_period(build_report, properties):
    markdown = "# 催收二组（北京朝阳分部）团队2024年第三季度催收工作报告\n\n正文。\n"
    document = Document(__import__("io").BytesIO(build_report(markdown=markdown)))
    title = document.paragraphs[0]
    assert title.text == "催收二组（北京朝阳分部）团队\n2024年第三季度催收工作报告"


# --- as LibreOffice lays it out ----------------------------------------------------------


@pytest.mark.skipif(
    SOFFICE is None or shutil.which("pdftotext") is None,
    reason="LibreOffice or pdftotext is not installed",
)
def test_year_end_review_pdf_keeps_headers_and_title_on_one_line(documents, tmp_path):
    (review,) = [path for path in documents["zh-CN"] if re.search(r"_\d{4}_zh-CN", path.name)]
    convert_to_pdf([review], tmp_path, tmp_path)
    text = subprocess.run(
        ["pdftotext", "-layout", str(tmp_path / f"{review.stem}.pdf"), "-"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    lines = [re.sub(r"\s+", "", line) for line in text.splitlines()]
    for header in ("期初户数", "期末户数", "承诺兑现率", "合规提示", "回收金额", "本人接触率"):
        assert any(header in line for line in lines), header
        # No line ends with the first part of it and the next starts with the rest.
        for cut in range(1, len(header)):
            head, tail = header[:cut], header[cut:]
            assert not any(
                re.search(re.escape(head) + r"$", line) and lines[i + 1].startswith(tail)
                for i, line in enumerate(lines[:-1])
            ), header
    title = Document(str(review)).paragraphs[0].text
    assert any(title in line for line in lines), title
