"""Column widths of Word tables, from the text of their cells.

Word lays a table out from the widths written in it (LibreOffice follows
them exactly), and Markdown has none; so they are derived from the content.
"""

from __future__ import annotations

import re
import unicodedata

_MIN_COLUMN_UNITS = 6
_CELL_PADDING_UNITS = 2
# A column asks for at most this much: a 300-character name wraps in its cell instead of
# squeezing every figure beside it to a digit per line.
_MAX_COLUMN_UNITS = 60


def column_widths(rows: list[tuple[bool, list[str]]], columns: int, total_twips: int) -> list[int]:
    """Share the text width among columns by the widest text of each, in twips.

    Equal columns wrap long figures (1,324,494.36) in a narrow column beside a
    wide, nearly empty one; widths in proportion to content keep figures on
    one line wherever the page allows. A header may take two lines (but never
    breaks a word), so it asks for half its width. Every column keeps a
    minimum share, and none asks for more than a maximum. ``rows`` holds (is a header row,
    cell texts).
    """
    widest = [_MIN_COLUMN_UNITS] * columns
    for is_header, texts in rows:
        for index, text in enumerate(texts):
            needed = header_width(text) if is_header else display_width(text)
            needed = min(needed, _MAX_COLUMN_UNITS)
            widest[index] = max(widest[index], needed + _CELL_PADDING_UNITS)
    total_units = sum(widest)
    widths = [total_twips * units // total_units for units in widest]
    widths[-1] += total_twips - sum(widths)  # rounding: the columns fill the width exactly
    return widths


def header_width(text: str) -> int:
    """Half-ems a header needs on two lines: half its width, or its longest word."""
    # Chinese breaks between any two characters; Latin only at spaces.
    words = re.findall(r"[^\s\u2e80-\u9fff\uff00-\uffef]+", text)
    longest_word = max((display_width(word) for word in words), default=0)
    return max(longest_word, -(-display_width(text) // 2))


def display_width(text: str) -> int:
    """Width in half-em units: a Chinese character is two, a Latin letter or digit one."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def fit_columns(text: str, columns: int, ellipsis: str = "…") -> str:
    """``text`` cut to ``columns`` half-em units (a Chinese character takes two), the
    ellipsis marking the cut: for a page header or a chart label, never for body text."""
    if display_width(text) <= columns:
        return text
    kept, width = [], display_width(ellipsis)
    for character in text:
        width += display_width(character)
        if width > columns:
            break
        kept.append(character)
    return "".join(kept).rstrip() + ellipsis
