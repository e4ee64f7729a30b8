"""A second reader: pandoc reads the .docx back; it must say what the Markdown says."""

from __future__ import annotations

import re

import pypandoc
import pytest


@pytest.fixture
def docx_path(build_report, tmp_path):
    path = tmp_path / "report.docx"
    path.write_bytes(build_report())
    return path


def words(plain: str) -> list[str]:
    """The words of pandoc's plain text, without table rules and list markers.

    Table layout and list numbering style differ between a pipe table and a
    Word table; the words, and their order, must not.
    """
    tokens = plain.split()
    return [t for t in tokens if not re.fullmatch(r"-+|\d+[.)]", t)]


def test_text_read_back_is_the_markdown_text(docx_path, report_markdown):
    from_docx = pypandoc.convert_file(str(docx_path), "plain", extra_args=["--wrap=none"])
    without_title = report_markdown.split("\n", 1)[1]  # pandoc makes the Title metadata
    from_markdown = pypandoc.convert_text(
        without_title, "plain", format="gfm", extra_args=["--wrap=none"]
    )
    assert words(from_docx) == words(from_markdown)
    assert "a | b * c" in from_docx


def test_headings_title_and_table_survive(docx_path):
    markdown = pypandoc.convert_file(str(docx_path), "gfm", extra_args=["--wrap=none", "-s"])
    lines = markdown.splitlines()
    assert "title: 张三 2024年12月工作总结" in lines
    assert [line for line in lines if line.startswith("#")] == [
        "# 一、工作概况",
        "# 二、工作成果",
        "## 明细",
        "### 电话",
    ]
    rows = [
        [cell.strip().strip("*") for cell in line.strip("|").split("|")]
        for line in lines
        if line.startswith("|")
    ]
    assert rows[0] == ["渠道", "回收金额（元）", "占比"]
    assert rows[1][1].endswith(":") and not rows[1][1].startswith(":")  # right-aligned
    assert rows[2:] == [["电话", "123,456.78", "45.6%"], ["短信", "4,567.00", "1.7%"]]
