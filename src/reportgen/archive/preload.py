"""What the forkserver prepares once, before it forks any rendering worker.

Importing this module imports the whole render stack (Jinja, python-docx,
python-pptx's chart writer, XlsxWriter, Typst) and reads the chart font's
character map and metrics (even when the glyph cache could answer: a name
no run has drawn yet would make every worker read the font): a few hundred
milliseconds that every worker would otherwise pay again. The forkserver
imports it while the parent is still computing the metrics (see
:func:`reportgen.archive.runner.warm_up`), and each worker it forks inherits
it all already done.
"""

from __future__ import annotations

import xlsxwriter  # noqa: F401  (imported by the chart writer when it first runs)

import reportgen.archive.workers  # noqa: F401  (the worker's own code)
import reportgen.render.docx_charts  # noqa: F401
import reportgen.render.pdf  # noqa: F401
import reportgen.render.report  # noqa: F401
from reportgen.render.glyphs import chart_font

chart_font().open_now()
