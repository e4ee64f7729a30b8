"""PDF tables: columns as wide as their widest text, measured in the PDF's own font, so
Typst does not lay every cell out once more to find the widths; automatic widths where
that measure cannot be trusted."""

from __future__ import annotations

import re
from datetime import date

from reportgen.render.glyphs import chart_font
from reportgen.render.typst_markup import (
    CELL_INSET_POINTS,
    TABLE_POINTS,
    TEXT_WIDTH_POINTS,
    TypstWriter,
)

TABLE = """\
| 账龄段 | 期初余额（元） | 回收率 |
|---|---:|---:|
| M1 | 586,455.47 | 85.9% |
| 其他（期初未逾期或不在册） | — | 2024年 |
"""


def _widths(markdown: str, measure=None) -> list[float] | None:
    writer = TypstWriter(images={}, text_width=measure)
    found = re.search(r"widths: \(([^)]*)\)", writer.write(markdown))
    if found is None:
        return None
    return [float(w.strip(" ,").removesuffix("pt")) for w in found.group(1).split(",") if w.strip()]


def test_each_column_is_as_wide_as_its_widest_text_and_a_little_more():
    width = chart_font().width
    widths = _widths(TABLE, width)
    assert widths is not None and len(widths) == 3
    padding = 2 * CELL_INSET_POINTS
    assert widths[0] >= width("其他（期初未逾期或不在册）", TABLE_POINTS) + padding
    assert widths[1] >= width("期初余额（元）", TABLE_POINTS) + padding
    # Han next to Latin letters gets Typst's quarter-em space.
    assert widths[2] >= width("2024年", TABLE_POINTS) + TABLE_POINTS / 4 + padding
    assert widths[2] < widths[1] < widths[0]


def test_automatic_widths_without_a_measure_with_markup_or_when_too_wide():
    assert _widths(TABLE) is None  # a style file: no measure given
    bold = TABLE.replace("| M1 |", "| **M1** |")
    assert _widths(bold, chart_font().width) is None
    wide = "| " + " | ".join(["一二三四五六七八九十" * 2] * 4) + " |\n|---|---|---|---|\n"
    assert _widths(wide, chart_font().width) is None
    assert 4 * chart_font().width("一二三四五六七八九十" * 2, TABLE_POINTS) > TEXT_WIDTH_POINTS


def test_a_style_file_leaves_the_widths_to_typst(tmp_path, monkeypatch):
    """A style file may set another font or size than the widths are measured in."""
    import reportgen.render.pdf as pdf

    given = []

    class Recording(TypstWriter):
        def __init__(self, images, text_width=None):
            given.append(text_width)
            super().__init__(images=images, text_width=text_width)

    monkeypatch.setattr(pdf, "TypstWriter", Recording)
    (tmp_path / "style.typ").write_text('#set text(font: "Noto Serif SC")\n', encoding="utf-8")
    properties = pdf.PdfProperties("t", "s", "a", "o", ("k",), date(2024, 9, 30), "zh-CN", "h")
    pdf.PdfBuilder("zh-CN").build(TABLE, {}, properties)
    pdf.PdfBuilder("zh-CN", tmp_path).build(TABLE, {}, properties)
    assert given[0] is not None and given[1] is None
