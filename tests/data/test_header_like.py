"""Repeated header rows are found by folding each distinct short cell (NFKC, case,
separators) and comparing it with the header's spellings; cells that start with a digit
are passed over before the costly part. The result must be what the plain rule below
says, cell by cell, whether or not a spelling holds a digit."""

from __future__ import annotations

import unicodedata

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from reportgen.data.read_common import _header_key, header_like

NAMES = {"account_id", "账户号", "Account ID"}
WITH_A_DIGIT = {"dpd_30", "逾期30天"}


def _plain_rule(cell: str | None, names: set[str]) -> bool:
    """A header spelling: short, not starting with a digit, folding to a spelling."""
    if cell is None or len(cell) > 40 or (cell and cell[0].isdigit()):
        return False
    wanted = {_header_key(n) for n in names} | names
    return _header_key(cell) in wanted


def _variants(name: str) -> list[str]:
    wide = "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in name)
    return [name, name.upper(), wide, name.replace("_", " "), f" {name.replace('_', '-')} "]


_HEADERS = [v for n in sorted(NAMES | WITH_A_DIGIT) for v in _variants(n)]
_CELLS = st.one_of(
    st.sampled_from(_HEADERS),
    st.integers(0, 10**7).map(lambda n: f"A{n:07d}"),
    st.integers(0, 99).map(lambda n: f"dpd_{n}"),
    st.integers(0, 99).map(lambda n: unicodedata.normalize("NFKC", f"account_id{n}")),
    st.sampled_from(["１２３", "account_id１", "①account_id", "accountid", "", "2024-09-30"]),
    st.text(max_size=12),
    st.none(),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(_CELLS, max_size=40), st.sampled_from([NAMES, WITH_A_DIGIT]))
def test_a_cell_is_a_header_spelling_exactly_when_the_plain_rule_says(cells, names):
    found = header_like(pd.Series(cells, dtype="str"), names)
    assert list(found) == [_plain_rule(cell, names) for cell in cells]


def test_spellings_are_found_among_a_million_ids():
    ids = [f"A{n:07d}" for n in range(1_000_000)]
    ids[17], ids[999_998] = "ＡＣＣＯＵＮＴ_ＩＤ", "账户号"
    found = header_like(pd.Series(ids, dtype="str"), NAMES)
    assert list(np.flatnonzero(found)) == [17, 999_998]
