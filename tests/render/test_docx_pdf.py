"""Optional: LibreOffice lays the demo documents out as PDF, Chinese set in a CJK font.

Skipped unless ``soffice`` (or ``libreoffice``) is on PATH; CI does not need it.
LibreOffice has no 微软雅黑 on Linux, so fontconfig is pointed at the Noto Sans
SC file the charts use: the check is that Chinese text comes out as text in a
real CJK font (no empty boxes), page numbers and all.
"""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest

from render.libreoffice import SOFFICE, convert_to_pdf

# Family names of faces that carry Chinese glyphs, as PDFs name them (subset prefix aside).
_CJK_FACE = re.compile(
    r"CJK|SansSC|SerifSC|SansTC|SerifTC|SourceHan|WenQuanYi|DroidSansFallback|Hei|Song|Ming|"
    r"Kai|YaHei|JhengHei|PingFang|UMing|UKai|ARPL",
    re.IGNORECASE,
)
pytestmark = pytest.mark.skipif(SOFFICE is None, reason="LibreOffice is not installed")


def test_demo_documents_convert_to_pdf_with_chinese_in_a_cjk_font(demo_output, tmp_path):
    out, written = demo_output
    documents = [path for path in written if path.suffix == ".docx"]
    assert len(documents) == 3
    convert_to_pdf(documents, tmp_path / "pdf", tmp_path)
    for document in documents:
        pdf = tmp_path / "pdf" / f"{document.stem}.pdf"
        assert pdf.stat().st_size > 0
        if shutil.which("pdftotext"):
            text = subprocess.run(
                ["pdftotext", str(pdf), "-"], check=True, capture_output=True, text=True
            ).stdout
            title = (out / f"{document.stem}.md").read_text(encoding="utf-8").splitlines()[0]
            assert title.removeprefix("# ").replace(" ", "") in text.replace(" ", "").replace(
                "\n", ""
            )
        if shutil.which("pdffonts"):
            fonts = subprocess.run(
                ["pdffonts", str(pdf)], check=True, capture_output=True, text=True
            ).stdout
            # Which CJK face LibreOffice picks depends on the machine (Noto Sans SC from
            # the package, Debian's Noto Sans CJK JP/SC, WenQuanYi...): any CJK face is a right
            # answer, embedded, so the PDF shows the Chinese the same everywhere.
            rows = [line.split() for line in fonts.splitlines()[2:] if line.strip()]
            assert rows and all(row[-5] == "yes" for row in rows), fonts  # embedded
            assert any(_CJK_FACE.search(row[0]) for row in rows), fonts
