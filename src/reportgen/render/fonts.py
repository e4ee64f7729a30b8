"""Fonts: the CJK font charts are drawn with, and the fonts and language tags of Word runs.

Chart pictures need a font file that covers Chinese on any machine, with no
system fonts installed: the ``pylopdf-fonts-zh-cn`` package ships Noto Sans SC
(SIL Open Font License) as a static OpenType file, whose glyph outlines the
SVG charts draw (glyphs.py). Its character set (Adobe-GB1) also covers the
traditional characters zh-TW reports use, and its Latin glyphs serve the
English reports.

Word documents do not embed fonts; they name them (``config.word.fonts``) and
tag text with its language, so Word picks a Chinese font for Chinese text.
Word's charts name the same fonts.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from reportgen.config import Config, Fonts

# w:lang of a document: the Latin-script language and the east-Asian one. The
# east-Asian tag is what keeps Word (and LibreOffice) from picking a Japanese
# font for Han characters; English reports still tag it, for Chinese names.
_LANGUAGE_TAGS = {
    "zh-CN": ("en-US", "zh-CN"),
    "zh-TW": ("en-US", "zh-TW"),
    "en": ("en-US", "zh-CN"),
}


def chart_font_path() -> Path:
    """The Noto Sans SC font file the charts are drawn with."""
    import pylopdf_fonts_zh_cn

    return Path(pylopdf_fonts_zh_cn.sans_path())


@dataclass(frozen=True)
class LanguageTag:
    """The ``w:lang`` of a document's text: ``latin`` for w:val, ``east_asian`` for w:eastAsia."""

    latin: str
    east_asian: str


def language_tag(language: str) -> LanguageTag:
    try:
        latin, east_asian = _LANGUAGE_TAGS[language]
    except KeyError:
        raise ValueError(f"no language tag for report language {language!r}") from None
    return LanguageTag(latin=latin, east_asian=east_asian)


def word_fonts(config: Config, language: str) -> Fonts:
    """The Latin and east-Asian fonts Word text of ``language`` is set in, from settings."""
    try:
        return config.word.fonts[language]
    except KeyError:
        raise ValueError(f"no Word fonts configured for language {language!r}") from None
