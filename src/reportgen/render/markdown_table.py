"""GitHub pipe tables whose cells cannot break the table or the page.

Names come from users' spreadsheets, so a cell may hold ``|``, ``*``, ``_``,
backticks, brackets or angle brackets; each is backslash-escaped (the form
CommonMark and markdown-it read back as the literal character), and line
breaks become spaces.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

_SPECIAL = re.compile(r"([\\|*_`\[\]<>#~])")


def escape_cell(text: object) -> str:
    """Cell text with Markdown's active characters escaped and line breaks flattened."""
    flat = " ".join(str(text).split())
    return _SPECIAL.sub(r"\\\1", flat)


def pipe_table(
    headers: Sequence[str], rows: Sequence[Sequence[str]], numeric: Sequence[bool]
) -> str:
    """A pipe table; ``numeric[i]`` right-aligns column i (``---:``). Cells are escaped here."""
    if not (len(headers) == len(numeric) and all(len(r) == len(headers) for r in rows)):
        raise ValueError("every row needs one cell per header")
    lines = [
        "| " + " | ".join(escape_cell(h) for h in headers) + " |",
        "|" + "|".join("---:" if right else "---" for right in numeric) + "|",
    ]
    lines += ["| " + " | ".join(escape_cell(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)
