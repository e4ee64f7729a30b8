"""Column widths of Word tables, from the text of their cells, and text measured as it is set.

Word lays a table out from the widths written in it (LibreOffice follows them exactly), and
Markdown has none; so they are derived from the content. Text is measured by display width
(:func:`display_width`, East Asian Width: a Chinese character is two half-ems, a Latin letter
or digit one), then turned into twips at the font size the cells are set in.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

# Table Grid's left and right cell margins (108 twips each), which the text cannot use; a
# table too wide even at 9 pt narrows them to 0.1 cm (57 twips) each.
CELL_MARGIN_TWIPS = 108
NARROW_CELL_MARGIN_TWIPS = 57
# A Latin letter or digit, in ems: about 0.5 in Calibri, 0.64 in DejaVu Sans (LibreOffice's
# stand-in for Calibri on Linux) and a little more in bold. 0.6 keeps figures on one line in
# both without starving the other columns.
_LATIN_EM = 0.6
# Header text is bold: DejaVu Sans Bold's letters average nearly 0.7 em (Calibri Bold's 0.5).
_BOLD_LATIN_EM = 0.7
# Room beyond the measured text: a bold header, rounding between Word's and our measure.
_SLACK_EMS = 0.5
# A column asks for at most this many ems: a 300-character name wraps in its cell instead
# of squeezing every figure beside it to a digit per line.
_MAX_COLUMN_EMS = 30
# A run of up to this many Chinese characters in a header stays on one line (期初余额, 承诺兑现率,
# 本人接触率); a longer one may take two balanced lines.
HEADER_CJK_KEPT = 6
# When the headers cannot all fit the page, runs are cut down to this many characters,
# widest columns first; a header of up to four Chinese characters is never wrapped.
HEADER_CJK_PROTECTED = 4
_LATIN_PROTECTED = 8
# Body text: a figure or Latin word of up to this many characters is never split, nor a
# run of up to four Chinese characters (个百分点); longer text wraps where it has to.
_BODY_WORD_KEPT = 20
_BODY_CJK_KEPT = 4
# Texts too long for the page wrap into at most this many lines each before the minimums
# alone decide.
_MAX_LINES = 4

# Where a line may break inside a piece of text without spaces: before an opening
# bracket, after a closing bracket or Chinese punctuation (回收金额 | （元）).
_OPENING = "（【《「『〔〈(["
_CLOSING = "）】》」』〕〉)]、，。；：！？"
_PIECES = re.compile(
    rf"[{re.escape(_OPENING)}]?[^\s{re.escape(_OPENING + _CLOSING)}]*[{re.escape(_CLOSING)}]*"
)


def display_width(text: str) -> int:
    """Width in half-em units: a Chinese character is two, a Latin letter or digit one."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def wide_characters(text: str) -> int:
    """How many characters of ``text`` are wide (Chinese, full-width punctuation)."""
    return display_width(text) - len(text)


def text_twips(text: str, half_points: int, *, bold: bool = False) -> int:
    """The width ``text`` takes set at ``half_points`` (Word's w:sz), in twips.

    A wide character is one em (``half_points`` * 10 twips); any other character is
    measured at :data:`_LATIN_EM` (bold: :data:`_BOLD_LATIN_EM`), which covers the Latin
    fonts Word and LibreOffice use.
    """
    em = half_points * 10
    wide = wide_characters(text)
    latin = _BOLD_LATIN_EM if bold else _LATIN_EM
    return round(wide * em + (len(text) - wide) * em * latin)


def unbreakable_pieces(text: str) -> list[str]:
    """The pieces of ``text`` a line may break between (spaces, brackets, punctuation).

    Conservative: a change from Chinese to Latin is not taken as a break, so a piece is
    never measured narrower than it will be set.
    """
    return [piece for piece in _PIECES.findall(text) if piece]


@dataclass(frozen=True)
class ColumnNeeds:
    """What each column of a table asks for, in twips, cell margins included.

    ``desired``: its widest text on one line. ``minimum``: its header's longest unbreakable
    piece (a Chinese run up to :data:`HEADER_CJK_KEPT` whole) and its body's figures.
    ``floor``: what is left when even the minimums do not fit the page.
    """

    desired: list[int]
    minimum: list[int]
    floor: list[int]
    margin: int  # of each: cell margins and slack, which text cannot use

    def fits(self, total_twips: int) -> bool:
        """Whether every header keeps its unbreakable pieces whole within ``total_twips``."""
        return sum(self.minimum) <= total_twips


def measure_columns(
    rows: list[tuple[bool, list[str]]],
    columns: int,
    half_points: int,
    cell_margin: int = CELL_MARGIN_TWIPS,
) -> ColumnNeeds:
    """What each column needs at ``half_points`` with ``cell_margin`` twips either side of
    its text; ``rows`` holds (is a header row, texts)."""
    extra = 2 * cell_margin + round(_SLACK_EMS * half_points * 10)
    desired = [text_twips("国国", half_points)] * columns  # no column narrower than two characters
    minimum = list(desired)
    floor = list(desired)
    cap = _MAX_COLUMN_EMS * half_points * 10
    for is_header, texts in rows:
        for index, text in enumerate(texts[:columns]):
            width = text_twips(text, half_points, bold=is_header)
            desired[index] = max(desired[index], min(width, cap))
            for piece in unbreakable_pieces(text):
                kept, protected = _piece_needs(piece, half_points, header=is_header)
                minimum[index] = max(minimum[index], min(kept, cap))
                floor[index] = max(floor[index], min(protected, cap))
    desired = [max(d, m) + extra for d, m in zip(desired, minimum, strict=True)]
    minimum = [m + extra for m in minimum]
    floor = [f + extra for f in floor]
    return ColumnNeeds(desired=desired, minimum=minimum, floor=floor, margin=extra)


def _piece_needs(piece: str, half_points: int, *, header: bool) -> tuple[int, int]:
    """(width that keeps ``piece`` whole or balanced, width it may be cut down to)."""

    def twips(text: str) -> int:
        return text_twips(text, half_points, bold=header)

    wide = wide_characters(piece)
    if wide == 0:  # Latin: a word or a figure is never split, if it is not absurdly long
        if not header:
            # A figure split across lines (458,651.6 | 8) misreads worse than a header word.
            kept = twips(piece) if len(piece) <= _BODY_WORD_KEPT else 0
            return kept, kept
        return twips(piece), twips(piece[:_LATIN_PROTECTED])
    if not header:
        return (twips(piece), 0) if len(piece) <= _BODY_CJK_KEPT else (0, 0)
    if len(piece) <= HEADER_CJK_KEPT:
        kept = twips(piece)
    else:  # a long run may take two lines: as balanced as the characters allow
        half = -(-len(piece) // 2)
        kept = max(twips(piece[:half]), twips(piece[half:]))
    return kept, min(kept, twips(piece[:HEADER_CJK_PROTECTED]))


def column_widths(needs: ColumnNeeds, total_twips: int) -> list[int]:
    """Share ``total_twips`` among the columns; the widths add up to it exactly.

    Everything fits on one line: each column gets what it asks for, and the rest of the page
    is shared in proportion (figures stay on one line, nothing is stretched far beyond its
    content). Otherwise the long texts wrap, all into as few lines as the page allows (two
    each before any takes three: a label column and a comment column wrap alike), never
    below the minimums; the rest goes to the columns still wrapping, by what they lack. If
    even the minimums do not fit, the widest columns are narrowed first, down to the
    floors; past that, in proportion.
    """
    if sum(needs.desired) <= total_twips:
        return _proportional(needs.desired, total_twips)
    if sum(needs.minimum) <= total_twips:
        lower = needs.minimum
        for lines in range(2, _MAX_LINES + 1):
            candidate = [
                max(least, needs.margin + -(-(wanted - needs.margin) // lines))
                for wanted, least in zip(needs.desired, needs.minimum, strict=True)
            ]
            if sum(candidate) <= total_twips:
                lower = candidate
                break
        lacking = [wanted - width for wanted, width in zip(needs.desired, lower, strict=True)]
        extra = _proportional(lacking, total_twips - sum(lower))
        return [width + more for width, more in zip(lower, extra, strict=True)]
    if sum(needs.floor) <= total_twips:
        return _narrow_widest(needs.floor, needs.minimum, total_twips)
    return _proportional(needs.floor, total_twips)


def _proportional(weights: list[int], total: int) -> list[int]:
    if sum(weights) <= 0:
        weights = [1] * len(weights)
    widths = [total * weight // sum(weights) for weight in weights]
    widths[-1] += total - sum(widths)  # rounding: the columns fill the width exactly
    return widths


def _narrow_widest(lower: list[int], upper: list[int], total: int) -> list[int]:
    """Widths between ``lower`` and ``upper`` adding up to ``total`` (which lies between their
    sums), found by lowering one cap on all columns: the widest give way first."""

    def capped(cap: int) -> list[int]:
        return [max(low, min(up, cap)) for low, up in zip(lower, upper, strict=True)]

    low_cap, high_cap = 0, max(upper)
    while low_cap < high_cap:  # the largest cap whose widths still fit
        middle = (low_cap + high_cap + 1) // 2
        if sum(capped(middle)) <= total:
            low_cap = middle
        else:
            high_cap = middle - 1
    widths = capped(low_cap)
    widest = max(range(len(widths)), key=lambda index: (widths[index], -index))
    widths[widest] += total - sum(widths)  # the few twips one more cap step would overshoot
    return widths


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
