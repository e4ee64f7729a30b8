"""The chart font's cache: the same drawing from the cache as from the font, and a cache
file that is damaged, planted or unwritable is not believed and never stops a run."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from reportgen.render import glyph_cache
from reportgen.render.charts import ChartSpec
from reportgen.render.fonts import chart_font_path
from reportgen.render.glyph_cache import GlyphCache
from reportgen.render.glyphs import OutlineFont

SPEC = ChartSpec(
    name="members",
    kind="grouped_bar",
    title="各成員回收金額 Recovered",
    categories=("王小明", "李美麗", "張偉"),
    series=(("本期", (210000.0, 180000.0, 95000.0)), ("上期", (190000.0, None, 99000.0))),
)

# Draws SPEC with the chart font read through the cache folder in XDG_CACHE_HOME and
# prints the SVG's digest and whether fontTools was imported.
_DRAW = """
import hashlib, pickle, sys
from reportgen.render.charts import render_chart
from reportgen.render.glyphs import save_chart_font_cache
spec = pickle.loads(bytes.fromhex(sys.argv[1]))
svg = render_chart(spec, "zh-TW")
save_chart_font_cache()
print(hashlib.sha256(svg).hexdigest(), "fontTools" in sys.modules)
"""


def _draw(cache_home: Path) -> tuple[str, bool]:
    import pickle

    result = subprocess.run(
        [sys.executable, "-c", _DRAW, pickle.dumps(SPEC).hex()],
        capture_output=True,
        text=True,
        env={**os.environ, "XDG_CACHE_HOME": str(cache_home)},
        check=True,
    )
    digest, imported = result.stdout.split()
    return digest, imported == "True"


def _cache_file(cache_home: Path) -> Path:
    [found] = (cache_home / "reportgen").glob("glyphs-*.json")
    return found


def test_a_second_run_draws_the_same_bytes_from_the_cache_without_opening_the_font(tmp_path):
    cold, cold_imported = _draw(tmp_path)
    assert cold_imported  # nothing cached yet: the font was read
    assert _cache_file(tmp_path).stat().st_mode & 0o777 == 0o600
    warm, warm_imported = _draw(tmp_path)
    assert warm == cold
    assert not warm_imported


@pytest.mark.parametrize(
    "damage",
    [
        lambda text: text[: len(text) // 2],  # cut short
        lambda text: "[" * 100_000,
        lambda text: text.replace('"M', '"<script>M', 1),  # not path data
        lambda text: json.dumps({**json.loads(text), "identity": "another font"}),
        lambda text: json.dumps({**json.loads(text), "metrics": [1000, 880, "x"]}),
        lambda text: json.dumps({**json.loads(text), "metrics": [0, 880, -120]}),
        lambda text: _planted(text, "advances", 10**400),
        lambda text: _planted(text, "advances", -5),
        lambda text: _planted(text, "outlines", "M0 0" + " L1 1" * 10_000),
        lambda text: _planted(text, "characters", "cid<01>"),
        lambda text: json.dumps({**json.loads(text), "characters": {"ab": "cid00001"}}),
    ],
)
def test_a_damaged_or_foreign_cache_is_ignored_and_rewritten(tmp_path, damage):
    expected, _ = _draw(tmp_path)
    cache = _cache_file(tmp_path)
    cache.write_text(damage(cache.read_text(encoding="utf-8")), encoding="utf-8")
    drawn, imported = _draw(tmp_path)
    assert drawn == expected
    assert imported  # the damaged file was not believed
    json.loads(cache.read_text(encoding="utf-8"))  # and was written again whole


def _planted(text: str, table: str, value: object) -> str:
    """The cache with every entry of ``table`` set to ``value``."""
    stored = json.loads(text)
    stored[table] = dict.fromkeys(stored[table], value)
    return json.dumps(stored)


def test_a_cache_that_is_not_a_regular_file_is_not_read(tmp_path):
    expected, _ = _draw(tmp_path)
    cache = _cache_file(tmp_path)
    cache.unlink()
    os.mkfifo(cache)  # reading a pipe with no writer would wait for ever
    drawn, imported = _draw(tmp_path)
    assert (drawn, imported) == (expected, True)


def test_a_cache_folder_that_cannot_be_written_is_not_used(tmp_path):
    blocked = tmp_path / "file-not-folder"
    blocked.write_text("")
    drawn, imported = _draw(blocked)  # $XDG_CACHE_HOME/reportgen cannot be made
    assert imported
    assert drawn == _draw(tmp_path / "fresh")[0]


def test_the_cached_figures_are_the_fonts_own(tmp_path, monkeypatch):
    from fontTools.pens.svgPathPen import SVGPathPen
    from fontTools.ttLib import TTFont

    from reportgen.render.glyphs import _integral

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    path = chart_font_path()
    text = "回收 Recovery 2024年 ％𠀋"
    # The font read directly with fontTools, as the charts were drawn before the cache.
    font = TTFont(str(path), lazy=True)
    cmap, hmtx, glyph_set = font.getBestCmap(), font["hmtx"].metrics, font.getGlyphSet()
    names = [cmap.get(ord(c), ".notdef") for c in text]
    expected = [(name, hmtx[name][0] * 10 / font["head"].unitsPerEm) for name in names]
    outlines = []
    for name in names:
        pen = SVGPathPen(glyph_set, ntos=_integral)
        glyph_set[name].draw(pen)
        outlines.append(pen.getCommands())

    learning = OutlineFont(path, GlyphCache.for_font(path))
    assert [(learning.glyph_name(c), learning.width(c, 10)) for c in text] == expected
    assert [learning.outline(learning.glyph_name(c)) for c in text] == outlines
    learning.save_cache()

    cached = GlyphCache.for_font(path)
    assert cached.metrics == (
        learning.units_per_em, learning.ascender, learning.descender
    )  # fmt: skip
    answering = OutlineFont(path, cached)
    assert [(answering.glyph_name(c), answering.width(c, 10)) for c in text] == expected
    assert [answering.outline(answering.glyph_name(c)) for c in text] == outlines
    assert answering._font is None  # answered without opening the font file


def test_a_new_font_or_fonttools_starts_a_new_cache_file(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    font = tmp_path / "font.otf"
    font.write_bytes(chart_font_path().read_bytes()[:1000])
    first = GlyphCache.for_font(font).file
    os.utime(font, ns=(0, 0))
    assert GlyphCache.for_font(font).file != first
    monkeypatch.setattr(glyph_cache, "FORMAT", glyph_cache.FORMAT + 1)
    assert GlyphCache.for_font(font).file not in (first, None)


def test_without_a_home_folder_the_font_is_read_and_nothing_is_cached(monkeypatch):
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    monkeypatch.delenv("HOME", raising=False)

    def no_home() -> Path:
        raise RuntimeError("Could not determine home directory.")

    monkeypatch.setattr(Path, "home", staticmethod(no_home))
    cache = GlyphCache.for_font(chart_font_path())
    assert cache.file is None
    font = OutlineFont(chart_font_path(), cache)
    assert font.has("回") and font.outline(font.glyph_name("回"))
    font.save_cache()  # nowhere to write: nothing happens
