"""Reading number cells: exactly the documented forms, vectorised.

A number cell is, after folding full-width forms (NFKC):

    [sign] [currency marker] [sign] digits [. digits] [e exponent] [currency marker]

where *digits* are plain (``1972``) or grouped by commas in threes
(``1,972`` / ``12,345,678``), at most one sign is given, an exponent
(``1.2E+3``, as Excel exports) only follows plain digits, and currency
markers are allowed only in money columns, and only those of the configured
currency. Anything else — a decimal comma (``1972,40``), European grouping
(``1.972,40``), a bad group (``1,5``), another currency (``$100``) — is not
read, so it is reported instead of becoming a wrong number.

Everything runs as Arrow compute kernels over the whole column; only cells
with an exponent (rare) go through Python's Decimal, once per distinct value.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from reportgen.folding import fold_array

__all__ = [
    "MAX_AMOUNT",
    "ParsedNumbers",
    "currency_markers",
    "foreign_currency",
    "parse_numbers",
]

# The largest amount (in yuan, or whatever the configured currency is) a cell
# may hold. Ten thousand times any real credit-card balance, and small enough
# that 92,000 such amounts still add up exactly in int64 cents.
MAX_AMOUNT = 10**12
# Digits of the whole part the int64 arithmetic below takes; longer is "too large".
_MAX_WHOLE_DIGITS = 15

# Markers people write before or after an amount, per currency. ``¥``/``￥``
# always means yuan (NFKC folds ``￥`` to ``¥``); letters match in any case.
_MARKERS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "CNY": (("¥", "RMB", "CNY", "人民币"), ("元", "RMB", "CNY", "人民币")),
    "USD": (("US$", "$", "USD"), ("USD", "美元")),
    "EUR": (("€", "EUR"), ("€", "EUR", "欧元")),
    "GBP": (("£", "GBP"), ("GBP", "英镑")),
    "HKD": (("HK$", "HKD"), ("HKD", "港元", "港币")),
    "TWD": (("NT$", "NTD", "TWD"), ("NTD", "TWD", "新台币")),
    "JPY": (("JPY",), ("JPY", "円", "日元")),
}
# Any other currency sign, or a three-letter code, marks a foreign amount.
_OTHER_MARKS = ("[$€£₩₹₽฿₫₱]", "[A-Za-z]{1,3}\\$", "[A-Za-z]{3}")

_NO_MARKER = "[^\\s\\S]"  # a class matching nothing: no marker allowed


@dataclass(frozen=True)
class ParsedNumbers:
    """One column read as integers in units of 10**-scale.

    ``ok``: the cell was read (blank cells are not). ``exact``: no non-zero
    digit was dropped beyond ``scale``. ``huge``: the cell is a number of
    more than 15 whole digits (its value is not kept).
    """

    values: np.ndarray  # int64, 0 where not read
    ok: np.ndarray
    exact: np.ndarray
    huge: np.ndarray


def currency_markers(currency: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(prefixes, suffixes) accepted for ``currency``: its known markers, else its code."""
    code = currency.strip().upper()
    return _MARKERS.get(code, ((code,), (code,)) if code else ((), ()))


def _alternatives(markers: tuple[str, ...], *extra: str) -> str:
    """A regex group matching any of ``markers`` (any letter case) or ``extra`` patterns."""
    if not markers and not extra:
        return _NO_MARKER
    # Longest first, so "US$" is tried before "$".
    ordered = sorted(markers, key=len, reverse=True)
    return "(?i:" + "|".join([re.escape(m) for m in ordered] + list(extra)) + ")"


def number_pattern(prefix: str = _NO_MARKER, suffix: str = _NO_MARKER) -> str:
    """The grammar of a number cell (RE2 and Python ``re`` alike), as named groups.

    ``prefix``/``suffix``: regexes of the currency markers allowed around it.
    """
    return (
        r"^(?P<sign1>[+-]?)\s*"
        rf"(?:(?P<pre>{prefix})\s*)?"
        r"(?P<sign2>[+-]?)"
        r"(?P<whole>[1-9][0-9]{0,2}(?:,[0-9]{3})+|[0-9]*)"
        r"(?:\.(?P<frac>[0-9]*))?"
        r"(?:[eE](?P<exp>[+-]?[0-9]{1,4}))?"
        rf"\s*(?P<post>{suffix})?$"
    )


def currency_pattern(currency: str | None) -> str:
    """The number grammar with ``currency``'s markers (``None``: no marker at all)."""
    if currency is None:
        return number_pattern()
    prefixes, suffixes = currency_markers(currency)
    return number_pattern(_alternatives(prefixes), _alternatives(suffixes))


def _fold(array: pa.Array) -> pa.Array:
    """Full-width digits, signs and separators to ASCII, only when needed; a cell with a
    superscript or other compatibility digit is left unreadable (see reportgen.folding)."""
    return fold_array(array)


def _well_formed(parts: pa.StructArray) -> pa.Array:
    """Which matches are numbers: some digit, one sign at most, exponent after plain digits."""
    whole, frac = parts.field("whole"), parts.field("frac")
    digits = pc.or_(pc.greater(pc.utf8_length(whole), 0), pc.greater(pc.utf8_length(frac), 0))
    two_signs = pc.and_(
        pc.greater(pc.utf8_length(parts.field("sign1")), 0),
        pc.greater(pc.utf8_length(parts.field("sign2")), 0),
    )
    grouped_exponent = pc.and_(
        pc.match_substring(whole, ","), pc.greater(pc.utf8_length(parts.field("exp")), 0)
    )
    good = pc.and_(digits, pc.invert(pc.or_(two_signs, grouped_exponent)))
    return pc.fill_null(pc.and_(parts.is_valid(), good), False)


def parse_numbers(array: pa.Array, scale: int, currency: str | None = None) -> ParsedNumbers:
    """Read a text column as integers in units of 10**-scale (cents for scale 2).

    ``currency``: the currency whose markers (``¥``, ``元`` ...) may surround
    the number; ``None`` for plain numbers. Rounds half away from zero at the
    first dropped digit.
    """
    parts = pc.extract_regex(_fold(array), currency_pattern(currency))
    readable = np.array(_well_formed(parts), dtype=bool)
    whole = pc.replace_substring(parts.field("whole"), ",", "")
    whole = pc.utf8_ltrim(whole, "0")
    frac = parts.field("frac")
    huge = readable & np.array(
        pc.fill_null(pc.greater(pc.utf8_length(whole), _MAX_WHOLE_DIGITS), False), dtype=bool
    )
    exponent = readable & np.array(
        pc.fill_null(pc.greater(pc.utf8_length(parts.field("exp")), 0), False), dtype=bool
    )

    safe = pc.if_else(pa.array(readable & ~huge), whole, "")
    safe = pc.if_else(pc.fill_null(pc.equal(safe, ""), True), "0", safe)
    value = pc.multiply(pc.cast(safe, pa.int64()), 10**scale)
    if scale:
        kept = pc.utf8_rpad(pc.utf8_slice_codeunits(frac, 0, scale), scale, "0")
        value = pc.add(value, pc.cast(pc.fill_null(kept, "0" * scale), pa.int64()))
    next_digit = pc.fill_null(pc.utf8_slice_codeunits(frac, scale, scale + 1), "")
    value = pc.add(value, pc.cast(pc.greater_equal(next_digit, "5"), pa.int64()))
    beyond = pc.utf8_slice_codeunits(frac, scale, 1 << 20)
    exact = np.array(pc.invert(pc.fill_null(pc.match_substring_regex(beyond, "[1-9]"), False)))
    negative = pc.fill_null(
        pc.or_(pc.equal(parts.field("sign1"), "-"), pc.equal(parts.field("sign2"), "-")), False
    )
    value = pc.if_else(negative, pc.negate(value), value)

    values = np.array(pc.fill_null(value, 0), dtype=np.int64)  # a writable copy
    exact = exact.astype(bool)
    if exponent.any():
        _with_exponents(parts, exponent, scale, values, exact, huge)
    values[~readable | huge] = 0
    return ParsedNumbers(values, readable, exact | ~readable, huge)


def _with_exponents(
    parts: pa.StructArray,
    rows: np.ndarray,
    scale: int,
    values: np.ndarray,
    exact: np.ndarray,
    huge: np.ndarray,
) -> None:
    """Cells such as ``1.2E+3``: Python's Decimal, once per distinct value."""
    positions = np.flatnonzero(rows)
    taken = parts.take(pa.array(positions)).to_pylist()
    texts = [
        f"{p['sign1']}{p['sign2']}{p['whole'] or ''}.{p['frac'] or ''}e{p['exp']}" for p in taken
    ]
    parsed = {text: decimal_units(text, scale) for text in set(texts)}
    for position, text in zip(positions, texts, strict=True):
        found = parsed[text]
        if found is None:
            huge[position] = True
        else:
            values[position], exact[position] = found


def decimal_units(text: str, scale: int) -> tuple[int, bool] | None:
    """``text`` (Decimal syntax) in units of 10**-scale and whether exact; None if too large."""
    try:
        number = Decimal(text.replace(",", ""))
    except InvalidOperation:
        return None
    if not number.is_finite() or abs(number) >= Decimal(10) ** _MAX_WHOLE_DIGITS:
        return None
    quantum = Decimal(1).scaleb(-scale)
    rounded = number.quantize(quantum, rounding=ROUND_HALF_UP)
    return int(rounded.scaleb(scale)), rounded == number


def parse_floats(array: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """Read a text column as float64 (same grammar, no currency): values and which were read."""
    folded = _fold(array)
    readable = _well_formed(pc.extract_regex(folded, number_pattern()))
    # The grammar leaves commas only between digit groups, and spaces only after a sign.
    cleaned = pc.replace_substring_regex(folded, r"[\s,]", "")
    kept = pc.if_else(readable, cleaned, pa.scalar(None, cleaned.type))
    numbers = np.array(pc.cast(kept, pa.float64()).to_numpy(zero_copy_only=False), dtype=float)
    numbers[~np.isfinite(numbers)] = np.nan  # 1e999 reads as inf: not a usable number
    return numbers, ~np.isnan(numbers)


def foreign_currency(array: pa.Array, currency: str) -> np.ndarray:
    """Cells that are amounts marked with another currency than ``currency``."""
    prefixes, suffixes = currency_markers(currency)
    own = {m.upper() for m in prefixes + suffixes}
    others = tuple(m for pre, post in _MARKERS.values() for m in pre + post if m.upper() not in own)
    marks = _alternatives(others, *_OTHER_MARKS)
    parts = pc.extract_regex(_fold(array), number_pattern(marks, marks))
    marked = pc.or_(
        pc.greater(pc.utf8_length(parts.field("pre")), 0),
        pc.greater(pc.utf8_length(parts.field("post")), 0),
    )
    return np.array(pc.fill_null(pc.and_(_well_formed(parts), marked), False), dtype=bool)
