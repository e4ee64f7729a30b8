"""Text as outlines: the chart font's glyphs, their advances and their shapes as SVG paths.

Charts draw every letter as a path taken from the bundled font (Noto Sans SC),
so an SVG looks the same in every viewer and on every machine: nothing is
left to a viewer's font substitution, and no font file travels with the
report.

Opening the font is the dearest part of a one-report run: importing fontTools
and reading the font's character map, advances and glyph names of 31,000
glyphs take about a quarter of a second, for the few hundred characters a
report draws. So what a run learns of a character (its glyph, advance and
outline) is kept in a small cache file (:mod:`reportgen.render.glyph_cache`),
and the next run opens the font only for a character it has not seen. The
figures are the font's own either way: a drawing is the same byte for byte
from the cache or from the font.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import TYPE_CHECKING

from reportgen.render.fonts import chart_font_path
from reportgen.render.glyph_cache import GlyphCache

if TYPE_CHECKING:
    from fontTools.ttLib import TTFont

NOTDEF = ".notdef"  # the font's box for a character it does not have


class OutlineFont:
    """One font's metrics and glyph outlines, in font units (y pointing up).

    Answers from ``cache`` where it can and opens the font file only for what the
    cache does not hold; :meth:`save_cache` writes back what was learnt.
    """

    def __init__(self, path: Path, cache: GlyphCache | None = None) -> None:
        self._path = path
        self._cache = cache if cache is not None else GlyphCache.empty()
        self._font: TTFont | None = None
        if self._cache.metrics is None:
            self._open()

    # -- the font file, opened on the first question the cache cannot answer

    def open_now(self) -> None:
        """Read the font file now, cache or not: a process that forks workers (the
        archive's forkserver) reads it once for all of them."""
        self._open()

    def _open(self) -> TTFont:
        if self._font is None:
            from fontTools.ttLib import TTFont

            font = TTFont(str(self._path), lazy=True)
            self._font = font
            self._cmap = font.getBestCmap()
            self._metrics = font["hmtx"].metrics
            self._glyphs = font.getGlyphSet()
            if self._cache.metrics is None:
                self._cache.set_metrics(
                    (font["head"].unitsPerEm, font["hhea"].ascent, font["hhea"].descent)
                )
        return self._font

    @property
    def units_per_em(self) -> int:
        return self._metrics_tuple()[0]

    @property
    def ascender(self) -> int:
        return self._metrics_tuple()[1]

    @property
    def descender(self) -> int:
        """Negative: below the baseline."""
        return self._metrics_tuple()[2]

    def _metrics_tuple(self) -> tuple[int, int, int]:
        metrics = self._cache.metrics
        assert metrics is not None  # set from the cache or by _open in __init__
        return metrics

    # -- characters and glyphs

    def glyph_name(self, character: str) -> str:
        known = self._cache.glyph_of(character)
        if known is None:
            self._open()
            known = self._cmap.get(ord(character), NOTDEF)
            self._cache.add_character(character, known, self._metrics[known][0])
        return known

    def has(self, character: str) -> bool:
        return self.glyph_name(character) != NOTDEF

    def advance(self, glyph: str) -> int:
        known = self._cache.advance_of(glyph)
        if known is None:
            self._open()
            known = self._metrics[glyph][0]
            self._cache.add_advance(glyph, known)
        return known

    def width(self, text: str, points: float) -> float:
        """How wide ``text`` is at ``points`` size, in points."""
        units = sum(self.advance(self.glyph_name(ch)) for ch in text)
        return units * points / self.units_per_em

    def outline(self, glyph: str) -> str:
        """The glyph's shape as SVG path data in font units; empty for a space."""
        known = self._cache.outline_of(glyph)
        if known is None:
            from fontTools.pens.svgPathPen import SVGPathPen

            self._open()
            pen = SVGPathPen(self._glyphs, ntos=_integral)
            self._glyphs[glyph].draw(pen)
            known = pen.getCommands()
            self._cache.add_outline(glyph, known)
        return known

    def save_cache(self) -> None:
        """Write what this process learnt of the font to the cache file, if anything."""
        self._cache.save()


def _integral(number: float) -> str:
    """Coordinates as the font stores them (CFF outlines may carry halves), shortest form."""
    return str(int(number)) if number == int(number) else f"{number:.2f}".rstrip("0")


def save_chart_font_cache() -> None:
    """Write back what this process learnt of the chart font, if it drew anything."""
    if chart_font.cache_info().currsize:
        chart_font().save_cache()


@functools.cache
def chart_font() -> OutlineFont:
    """The bundled Noto Sans SC, with what earlier runs learnt of it; once per process."""
    path = chart_font_path()
    return OutlineFont(path, GlyphCache.for_font(path))
