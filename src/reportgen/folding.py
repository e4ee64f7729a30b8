"""Folding what people type into the forms the parsers read: full-width digits and
signs (１２３，４５６．７８) become ASCII, and nothing else turns into a digit.

NFKC does the folding, but it also turns superscripts, subscripts, circled and
mathematical digits into plain ones (1377¹ would read as 13771). A cell holding
one of those is not folded, so it stays unreadable and is reported, never read
as a different number.
"""

from __future__ import annotations

import re
import unicodedata
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pyarrow as pa

# Characters NFKC turns into ASCII digits that are not the full-width digits people
# type: super- and subscripts, vulgar fractions, number forms, circled and
# parenthesised numbers, mathematical and other styled digits.
COMPATIBILITY_DIGITS = (
    "[\u00b2\u00b3\u00b9\u00bc-\u00be\u2070-\u209f\u2150-\u218f\u2460-\u24ff"
    "\u2776-\u2793\u3220-\u3229\u3248-\u324f\u3251-\u325f\u3280-\u3289\u32b1-\u32bf"
    "\U0001d7ce-\U0001d7ff\U0001f100-\U0001f10c]"
)
_COMPATIBILITY = re.compile(COMPATIBILITY_DIGITS)


def fold_text(text: str) -> str | None:
    """``text`` folded and trimmed; ``None`` when it holds a compatibility digit."""
    if _COMPATIBILITY.search(text):
        return None
    return unicodedata.normalize("NFKC", text).strip()


def fold_array(array: pa.Array) -> pa.Array:
    """:func:`fold_text` over an Arrow string array; cells with a compatibility digit
    become null (unreadable). Plain ASCII columns are returned as they are."""
    # Imported here: period labels are folded on every command, Arrow arrays only when
    # files are read, and a report from a .duckdb file should not pay for Arrow.
    import pyarrow as pa
    import pyarrow.compute as pc

    if pc.all(pc.fill_null(pc.string_is_ascii(array), True)).as_py() is not False:
        return array
    spoiled = pc.match_substring_regex(array, COMPATIBILITY_DIGITS)
    folded = pc.utf8_normalize(array, form="NFKC")
    return pc.if_else(pc.fill_null(spoiled, False), pa.scalar(None, folded.type), folded)
