"""Text as outlines: the chart font's glyphs, their advances and their shapes as SVG paths.

Charts draw every letter as a path taken from the bundled font (Noto Sans SC),
so an SVG looks the same in every viewer and on every machine: nothing is
left to a viewer's font substitution, and no font file travels with the
report. fontTools reads the font lazily, so a chart decodes only the glyphs
it uses; each glyph's path is decoded once per process.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field

from fontTools.pens.svgPathPen import SVGPathPen
from fontTools.ttLib import TTFont

from reportgen.render.fonts import chart_font_path

NOTDEF = ".notdef"  # the font's box for a character it does not have


@dataclass
class OutlineFont:
    """One font's metrics and glyph outlines, in font units (y pointing up)."""

    font: TTFont
    units_per_em: int = field(init=False)
    ascender: int = field(init=False)
    descender: int = field(init=False)  # negative: below the baseline

    def __post_init__(self) -> None:
        self.units_per_em = self.font["head"].unitsPerEm
        self.ascender = self.font["hhea"].ascent
        self.descender = self.font["hhea"].descent
        self._cmap = self.font.getBestCmap()
        self._metrics = self.font["hmtx"].metrics
        self._glyphs = self.font.getGlyphSet()
        self._outlines: dict[str, str] = {}

    def glyph_name(self, character: str) -> str:
        return self._cmap.get(ord(character), NOTDEF)

    def has(self, character: str) -> bool:
        return ord(character) in self._cmap

    def advance(self, glyph: str) -> int:
        return self._metrics[glyph][0]

    def width(self, text: str, points: float) -> float:
        """How wide ``text`` is at ``points`` size, in points."""
        units = sum(self.advance(self.glyph_name(ch)) for ch in text)
        return units * points / self.units_per_em

    def outline(self, glyph: str) -> str:
        """The glyph's shape as SVG path data in font units; empty for a space."""
        cached = self._outlines.get(glyph)
        if cached is None:
            pen = SVGPathPen(self._glyphs, ntos=_integral)
            self._glyphs[glyph].draw(pen)
            cached = self._outlines[glyph] = pen.getCommands()
        return cached


def _integral(number: float) -> str:
    """Coordinates as the font stores them (CFF outlines may carry halves), shortest form."""
    return str(int(number)) if number == int(number) else f"{number:.2f}".rstrip("0")


@functools.cache
def chart_font() -> OutlineFont:
    """The bundled Noto Sans SC, read once per process."""
    return OutlineFont(TTFont(str(chart_font_path()), lazy=True))
