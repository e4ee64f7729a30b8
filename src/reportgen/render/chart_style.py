"""How charts look, shared by the SVG and PNG pictures and by Word's own charts.

One place for the sizes, colours and type sizes, so a chart in the Markdown
and the same chart in the Word file look alike.
"""

from __future__ import annotations

# 6.4 × 3.6 inches: the width of an A4 page's text, at a 16:9 shape.
FIGURE_SIZE_INCHES = (6.4, 3.6)
FIGURE_SIZE_POINTS = (FIGURE_SIZE_INCHES[0] * 72, FIGURE_SIZE_INCHES[1] * 72)
PNG_DPI = 150  # a PNG's resolution: sharp on screen and in print at the page's width

# Office's first palette colours: the series of a Word chart and of a picture match.
BAR_COLOURS = ("#2F5597", "#ED7D31", "#70AD47", "#7F7F7F", "#FFC000", "#5B9BD5")
LINE_COLOUR = "#C00000"
TEXT_COLOUR = "#262626"

TEXT_POINTS = 9
TITLE_POINTS = 11
VALUE_LABEL_POINTS = 7
MAX_LABELLED_BARS = 24  # above this, value labels on bars would overlap
SLANT_DEGREES = 35  # category labels slant when many or long
