"""Turning one column of text cells into typed values, finding every bad cell.

Each converter takes the column's cells (stripped text, blanks missing; or
timestamps from typed files) and returns the values plus a mask per kind of
problem, so the loader can name each bad cell's row and column.

Speed: every converter has a vectorised fast path for the form most files
use (pyarrow compute kernels over the whole column) and falls back to a
forgiving Python parser only for the *distinct* values the fast path could
not read, which are few even in a 10-million-row file.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import NamedTuple

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from reportgen.data import numbers
from reportgen.data.aliases import name_key
from reportgen.data.schema import Column, Kind
from reportgen.folding import fold_text
from reportgen.periods import month_from_text


@dataclass
class Issue:
    """Cells of one column with the same problem."""

    mask: np.ndarray  # bool per row
    expected: str


@dataclass
class Converted:
    values: pd.Series
    issues: list[Issue] = field(default_factory=list)

    def add(self, mask: np.ndarray, expected: str) -> None:
        if mask.any():
            self.issues.append(Issue(mask, expected))

    @property
    def bad(self) -> np.ndarray:
        bad = np.zeros(len(self.values), dtype=bool)
        for issue in self.issues:
            bad |= issue.mask
        return bad


@dataclass(frozen=True)
class Reading:
    """What the configuration says about reading cells."""

    currency: str = "CNY"  # [organisation] currency: the only currency amounts may be in
    timezone: str = ""  # [organisation] timezone: where zoned times are converted to


def convert_column(
    cells: pd.Series, column: Column, value_map: dict[str, str], reading: Reading = Reading()
) -> Converted:
    """Convert and check one column: blanks, readability, allowed values and bounds."""
    blank = cells.isna().to_numpy()
    own: list[Issue] = []  # problems with their own wording, not "cannot be read"
    if column.kind in (Kind.DATE, Kind.DATETIME):
        times = parse_datetimes(cells, reading.timezone)
        values, readable = times.values, times.readable | times.zoned
        own.append(Issue(times.zoned, ZONE_EXPECTED))
        if column.kind is Kind.DATETIME:
            values = values.mask(times.alone)
            own.append(Issue(times.alone, DATE_ALONE_EXPECTED))
        else:
            # A date column may hold a date-time (Excel often exports 2024-09-30
            # 00:00:00); the day is what counts.
            values = values.dt.normalize()
    elif column.kind in (Kind.INT, Kind.MONEY):
        values, readable, own = _whole_units(cells, column, reading)
    else:
        values, readable = _CONVERTERS[column.kind](cells, column, value_map)
    result = Converted(values.reset_index(drop=True))
    if column.required:
        result.add(blank, f"a value ({column.name} may not be blank)")
    result.add(~blank & ~readable, column.expected())
    for issue in own:
        result.add(issue.mask, issue.expected)
    if column.kind in (Kind.INT, Kind.MONEY, Kind.NUMBER):
        found = values.to_numpy(dtype="float64", na_value=np.nan)
        if column.above_zero:
            result.add(readable & ~blank & (found <= 0), "an amount above 0")
        elif column.minimum is not None:
            scaled = column.minimum * (100 if column.kind is Kind.MONEY else 1)
            below = readable & ~blank & (found < scaled)
            what = "an amount" if column.kind is Kind.MONEY else "a number"
            if column.kind is Kind.INT:
                what = "a whole number"
            result.add(below, f"{what} ≥ {column.minimum}")
    return result


def _text_array(cells: pd.Series) -> pa.Array:
    """The cells as one contiguous Arrow string array (big files arrive in chunks)."""
    array = pa.array(cells.astype("str"), from_pandas=True)  # large_string, as pandas holds it
    if isinstance(array, pa.ChunkedArray):
        array = array.combine_chunks() if array.num_chunks else pa.array([], array.type)
    return array


# --- text, ids, codes, booleans -----------------------------------------------


# Control characters (C0, DEL, C1): no identifier holds one, and an id names files,
# folders and Word text, so such a cell is a problem to report, not a value to carry on.
_CONTROL = r"[\x00-\x1f\x7f-\x9f]"


def _as_text(cells: pd.Series, column: Column, value_map: dict[str, str]):
    if pd.api.types.is_datetime64_any_dtype(cells.dtype):
        cells = cells.dt.strftime("%Y-%m-%d").where(cells.notna())
    text = cells.astype("str")
    if column.kind is not Kind.ID:
        return text, np.ones(len(cells), dtype=bool)
    # Checked on the distinct ids (a few thousand), not on every one of millions of cells.
    array = pa.array(text, from_pandas=True)
    distinct = pc.unique(array).drop_null()
    bad = distinct.filter(pc.match_substring_regex(distinct, _CONTROL))
    if len(bad) == 0:
        return text, np.ones(len(cells), dtype=bool)
    spoiled = np.array(pc.fill_null(pc.is_in(array, value_set=bad), False), dtype=bool)
    return text, ~spoiled


def _as_code(cells: pd.Series, column: Column, value_map: dict[str, str]):
    # Map each distinct value once (Arrow's dictionary encoding), then take.
    encoded = pc.dictionary_encode(_text_array(cells))
    allowed = set(column.allowed) if column.kind is Kind.CODE else {"true", "false"}
    mapped = [lookup_code(str(u), value_map, allowed) for u in encoded.dictionary.to_pylist()]
    indices = encoded.indices
    values = pa.array(mapped, pa.string()).take(indices)
    codes = np.array(pc.fill_null(indices, -1), dtype=np.int64)
    known = np.array([m is not None for m in mapped] + [True], dtype=bool)
    # Blank cells (index -1) pick the sentinel at the end: blank is not "unknown".
    return pd.Series(values.to_pandas(), dtype="str"), known[codes]


def lookup_code(value: str, value_map: dict[str, str], allowed: set[str]) -> str | None:
    """The canonical code a cell's value stands for (aliases, case, spelling), or None."""
    found = value_map.get(name_key(value), name_key(value))
    return found if found in allowed else None


def _as_bool(cells: pd.Series, column: Column, value_map: dict[str, str]):
    text, readable = _as_code(cells, column, value_map)
    values = pd.Series(pd.array(text.map({"true": True, "false": False}), dtype="boolean"))
    return values, readable


# --- numbers ----------------------------------------------------------------


def parse_decimal(
    cells: pd.Series, scale: int, currency: str | None = None
) -> tuple[pd.Series, np.ndarray, np.ndarray, np.ndarray]:
    """Exact decimal text to integers in units of 10**-scale (cents for scale 2).

    Accepts exactly the forms of :mod:`reportgen.data.numbers` (``currency``:
    whose markers may surround an amount; ``None``: none). Rounds half away
    from zero at the next digit. Returns the values (Int64, missing where not
    read), which cells were read (blank cells count as read), which were
    exact (no non-zero digit beyond ``scale``; a dpd of 30.5 is readable but
    not a whole number), and which were numbers too large to hold.
    """
    array = _text_array(cells)
    missing = cells.isna().to_numpy()
    fast = _plain_decimals(array, scale)
    if fast is not None:
        values, ok, exact = fast, ~missing, np.ones(len(array), dtype=bool)
        huge = np.zeros(len(array), dtype=bool)
    else:
        parsed = numbers.parse_numbers(array, scale, currency)
        values, ok, exact, huge = parsed.values, parsed.ok, parsed.exact, parsed.huge
    result = pd.Series(pd.array(values, dtype="Int64"))
    result[~ok | huge] = pd.NA
    return result, (ok & ~huge) | missing, exact | ~ok, huge


def _plain_decimals(array: pa.Array, scale: int) -> np.ndarray | None:
    """The common case, fast: every cell plain digits with at most ``scale`` decimals.

    Such text converts to float64 and back exactly: below 10**13 a double is
    within 0.2 of a hundredth, so rounding value * 100 gives the exact cents.
    ``None`` when any cell needs the full parser.
    """
    pattern = rf"^-?\d{{1,13}}(?:\.\d{{0,{scale}}})?$" if scale else r"^-?\d{1,13}$"
    plain = pc.match_substring_regex(array, pattern)
    if not pc.all(pc.or_kleene(plain, pc.is_null(array))).as_py():
        return None
    floats = pc.cast(array, pa.float64()).to_numpy(zero_copy_only=False)
    return np.nan_to_num(np.round(floats * 10**scale)).astype(np.int64)


def _whole_units(
    cells: pd.Series, column: Column, reading: Reading
) -> tuple[pd.Series, np.ndarray, list[Issue]]:
    """INT and MONEY columns: exact integers (cents for money), with their own problems.

    Returns the values, which cells were read or have a problem of their own
    (too large, another currency), and those problems.
    """
    money = column.kind is Kind.MONEY
    scale = 2 if money else 0
    currency = reading.currency if money else None
    values, readable, exact, huge = parse_decimal(cells, scale, currency)
    if not money:  # a dpd of 30.5 is not a whole number
        readable &= exact
        values[~readable] = pd.NA
    limit = numbers.MAX_AMOUNT * 10**scale
    large = huge | (values.abs() > limit).to_numpy(dtype=bool, na_value=False)
    values[large] = pd.NA
    what = "an amount" if money else "a whole number"
    issues = [Issue(large, f"{what} of at most {numbers.MAX_AMOUNT:,}")]
    if money:
        unread = np.flatnonzero(~readable & ~cells.isna().to_numpy())
        foreign = np.zeros(len(cells), dtype=bool)
        if len(unread):  # few cells: only they are looked at again
            some = _text_array(cells).take(pa.array(unread))
            foreign[unread] = numbers.foreign_currency(some, reading.currency)
        issues.append(Issue(foreign, _currency_expected(reading.currency)))
        readable = readable | foreign
    return values, readable | large, issues


def _currency_expected(currency: str) -> str:
    prefixes, suffixes = numbers.currency_markers(currency)
    marked = f"{prefixes[0]}1,234.50" if prefixes else "1,234.50"
    return (
        f"an amount in {currency} (the currency set as [organisation] currency), "
        f"such as 1,234.50 or {marked}"
    )


def _as_number(cells: pd.Series, column: Column, value_map: dict[str, str]):
    array = _text_array(cells)
    plain = pc.match_substring_regex(array, r"^-?[0-9]{1,15}(?:\.[0-9]*)?$")
    if pc.all(pc.or_kleene(plain, pc.is_null(array))).as_py():  # the common case, one pass
        values = np.array(pc.cast(array, pa.float64()).to_numpy(zero_copy_only=False), float)
        read = ~np.isnan(values)
    else:
        values, read = numbers.parse_floats(array)
    missing = cells.isna().to_numpy()
    return pd.Series(values, dtype="float64"), read | missing


# --- dates --------------------------------------------------------------------

# Forms Excel and Chinese users write, tried in turn on what ISO parsing left.
# Arrow's strptime rolls an impossible day, hour or second over (2024-09-31
# becomes October 1st), so what these read is checked against _WRITTEN.
_STRPTIME_FORMATS = (
    "%Y/%m/%d %H:%M:%S",
    "%Y/%m/%d %H:%M",
    "%Y/%m/%d",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%dT%H:%M",
    "%Y-%m-%d",
    "%Y.%m.%d %H:%M",
    "%Y.%m.%d",
)
# The fields as written in those forms; a cell read otherwise goes to _datetime_text.
_WRITTEN = (
    r"^(?P<year>\d{4})[-/.](?P<month>\d{1,2})[-/.](?P<day>\d{1,2})"
    r"(?:[ T](?P<hour>\d{1,2}):(?P<minute>\d{1,2})(?::(?P<second>\d{1,2}))?)?$"
)
_FIELDS = {
    "year": pc.year,
    "month": pc.month,
    "day": pc.day,
    "hour": pc.hour,
    "minute": pc.minute,
    "second": pc.second,
}
_ISO_DATE_LENGTH = len("2024-09-30")
_PROBE_CELLS = 1000
_DATE_TEXT = re.compile(
    r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*[日号號]?"
    r"(?:\s*T?\s*(\d{1,2})\s*[:时時点點]\s*(\d{1,2})\s*"
    r"(?:[:分]\s*(\d{1,2})(?:\.(\d{1,9}))?\s*秒?|分)?)?$"
)
_COMPACT_DATE = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_EARLIEST_YEAR, _LATEST_YEAR = 1900, 2200


class ParsedTimes(NamedTuple):
    """A date or date-time column read (see :func:`parse_datetimes`)."""

    values: pd.Series  # datetime64[ns], NaT where not read
    readable: np.ndarray  # read, or blank
    alone: np.ndarray  # read from text holding a date without a time of day
    zoned: np.ndarray  # text with a time zone while no [organisation] timezone is set


# A time of day followed by a zone: "Z", "+08:00", "-0500", "+08" (ISO 8601).
_ZONED = r"[0-9]{1,2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]+)?)?\s*(?:Z|z|[+-][0-9]{2}(?::?[0-9]{2})?)$"

ZONE_EXPECTED = (
    "a local time without a time zone, or the centre's time zone set as "
    '[organisation] timezone (e.g. "Asia/Shanghai") so that zoned times are converted to it'
)


def parse_datetimes(cells: pd.Series, timezone: str = "") -> ParsedTimes:
    """Datetime text (or timestamps) to datetime64[ns], local wall-clock time.

    Text carrying a zone (``2024-09-02T01:30:00Z``, ``...+08:00``) is
    converted to ``timezone`` and made naive; with no ``timezone`` it is not
    read but marked ``zoned`` (never a guess). Timestamps from typed files
    never count as a date alone. An impossible date or time (``2024-09-31``,
    ``2023-02-29``, ``10:60``) is not read.
    """
    missing = cells.isna().to_numpy()
    if pd.api.types.is_datetime64_any_dtype(cells.dtype):
        every = np.ones(len(cells), bool)
        values = cells.astype("datetime64[ns]").reset_index(drop=True)
        return ParsedTimes(values, every, ~every, ~every)
    array = _text_array(cells)
    zoned = _zoned(array)
    if zoned.any():
        array = pc.if_else(pa.array(zoned), pa.scalar(None, array.type), array)
    values, alone = _local_datetimes(array, cells, missing | zoned)
    if zoned.any() and timezone:
        values[zoned] = _zoned_to_local(cells[zoned], timezone)
        zoned = np.zeros(len(cells), dtype=bool)
    readable = values.notna().to_numpy() | missing
    return ParsedTimes(values, readable, alone, zoned)


def _zoned(array: pa.Array) -> np.ndarray:
    """Which cells hold a time with a zone (:data:`_ZONED`).

    A zone ends the text: "Z" or "z", or a sign followed by at most five ASCII characters
    ("+08:00"), so a sign within its last six bytes (in UTF-8 no byte of a longer
    character is a sign). Only such cells go through the regular expression, which
    costs several times the pre-check over a column of plain local times.
    """
    tail = pc.binary_slice(array.cast(pa.large_binary()), -6)
    maybe = pc.or_(
        pc.or_(pc.ends_with(tail, b"Z"), pc.ends_with(tail, b"z")),
        pc.or_(pc.match_substring(tail, b"+"), pc.match_substring(tail, b"-")),
    )
    candidates = np.flatnonzero(np.array(pc.fill_null(maybe, False), dtype=bool))
    zoned = np.zeros(len(array), dtype=bool)
    if len(candidates):
        found = pc.match_substring_regex(array.take(pa.array(candidates)), _ZONED)
        zoned[candidates] = np.array(pc.fill_null(found, False), dtype=bool)
    return zoned


def _zoned_to_local(cells: pd.Series, timezone: str) -> np.ndarray:
    """ISO text with a zone as naive wall-clock time in ``timezone`` (NaT if unreadable)."""
    text = cells.astype(str).to_numpy()
    distinct, codes = np.unique(text, return_inverse=True)
    moments = pd.to_datetime(pd.Series(distinct), format="ISO8601", utc=True, errors="coerce")
    local = moments.dt.tz_convert(timezone).dt.tz_localize(None).astype("datetime64[ns]")
    return local.to_numpy()[codes]


def _local_datetimes(
    array: pa.Array, cells: pd.Series, skip: np.ndarray
) -> tuple[pd.Series, np.ndarray]:
    """Zone-less text: ISO first, then the usual forms; and which held a date alone."""
    try:  # ISO 8601, strict: Arrow's cast refuses 2024-09-31
        # Probing the first cells first: a cast that fails costs a second per million cells.
        pc.cast(array.slice(0, _PROBE_CELLS), pa.timestamp("ns"))
        stamps = pc.cast(array, pa.timestamp("ns"))
        date_only = pc.equal(pc.utf8_length(array), _ISO_DATE_LENGTH)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        # Each distinct text once: dates repeat a lot (a few hundred days in a year).
        encoded = pc.dictionary_encode(array)
        stamps, date_only = _strptime_forms(encoded.dictionary)
        stamps, date_only = stamps.take(encoded.indices), date_only.take(encoded.indices)
    values = pd.Series(stamps.to_pandas(), dtype="datetime64[ns]")
    alone = np.array(pc.fill_null(date_only, False), dtype=bool)
    leftovers = values.isna().to_numpy() & ~skip
    if leftovers.any():
        positions = np.flatnonzero(leftovers)
        codes, distinct = pd.factorize(cells.iloc[positions].astype(str).to_numpy())
        parsed = [_datetime_parts(str(text)) for text in distinct]
        stamp_of = pd.Series([p[0] if p else None for p in parsed], dtype="datetime64[ns]")
        values.iloc[positions] = stamp_of.to_numpy()[codes]
        alone[positions] = np.array([p is not None and not p[1] for p in parsed], bool)[codes]
    return values, alone


def _strptime_forms(array: pa.Array) -> tuple[pa.Array, pa.Array]:
    """Each of _STRPTIME_FORMATS in turn, keeping only what matches the text's own fields.

    Returns the timestamps (null where unread) and which were a date alone.
    """
    stamps = pa.nulls(len(array), pa.timestamp("ns"))
    for form in _STRPTIME_FORMATS:
        if pc.sum(pc.and_(pc.is_null(stamps), pc.is_valid(array))).as_py() in (0, None):
            break
        parsed = pc.strptime(array, format=form, unit="ns", error_is_null=True)
        stamps = pc.coalesce(stamps, parsed)
    written = pc.extract_regex(array, _WRITTEN)
    agrees = pc.is_valid(written)
    for name, field_of in _FIELDS.items():
        text = pc.struct_field(written, name)
        number = pc.cast(pc.if_else(pc.equal(text, ""), "0", text), pa.int64())
        agrees = pc.and_kleene(agrees, pc.equal(field_of(stamps), number))
    stamps = pc.if_else(pc.fill_null(agrees, False), stamps, pa.scalar(None, stamps.type))
    date_only = pc.equal(pc.struct_field(written, "hour"), "")
    return stamps, pc.and_(pc.is_valid(stamps), pc.fill_null(date_only, False))


def _datetime_parts(text: str) -> tuple[pd.Timestamp, bool] | None:
    """Any date form users write, read forgivingly; and whether it held a time of day."""
    folded = fold_text(text)
    if folded is None:
        return None
    match = _DATE_TEXT.match(folded) or _COMPACT_DATE.match(folded)
    if match is None:
        return None
    groups = match.groups()
    parts = [int(p) if p is not None else 0 for p in groups[:6]]
    parts += [0] * (6 - len(parts))
    if not _EARLIEST_YEAR <= parts[0] <= _LATEST_YEAR:
        return None  # surely a typo, and beyond what datetime64[ns] can hold
    fraction = groups[6] if len(groups) > 6 else None
    micro = int((fraction or "0").ljust(6, "0")[:6])
    try:
        stamp = pd.Timestamp(dt.datetime(*parts, micro))  # type: ignore[misc]
    except ValueError:
        return None  # 2024-02-30, 25:00 ...
    return stamp, len(groups) > 3 and groups[3] is not None


def _datetime_text(text: str) -> pd.Timestamp | None:
    found = _datetime_parts(text)
    return found[0] if found else None


# A date-time column (contacted_at) needs the time of day: read as midnight, a
# date alone would make every such contact an after-hours one. Typed cells (an
# Excel date-time cell, a Parquet timestamp) are taken as they are.
DATE_ALONE_EXPECTED = "a date and time such as 2024-09-30 14:05:00, not a date alone"


def _as_month(cells: pd.Series, column: Column, value_map: dict[str, str]):
    missing = cells.isna().to_numpy()
    if pd.api.types.is_datetime64_any_dtype(cells.dtype):
        values = cells.dt.strftime("%Y-%m").where(cells.notna()).astype("str")
        return values.reset_index(drop=True), np.ones(len(cells), dtype=bool)
    text = cells.astype("str")
    canonical = text.str.fullmatch(r"\d{4}-(?:0[1-9]|1[0-2])").to_numpy(dtype=bool, na_value=False)
    values = text.where(canonical)
    leftovers = ~canonical & ~missing
    if leftovers.any():
        positions = np.flatnonzero(leftovers)
        texts = text.iloc[positions].to_numpy()
        parsed = {t: _month_text(str(t)) for t in pd.unique(texts)}
        values.iloc[positions] = [parsed[t] for t in texts]
    readable = values.notna().to_numpy() | missing
    return values.astype("str"), readable


def _month_text(text: str) -> str | None:
    """A month as exports write it; the same forms ``--period`` takes (one definition, in
    :mod:`reportgen.periods`), or a date-time whose month is meant."""
    if (month := month_from_text(text)) is not None:
        return month
    stamp = _datetime_text(text)
    if stamp is None:
        return None
    return f"{stamp.year:04d}-{stamp.month:02d}"


_Converter = Callable[[pd.Series, Column, dict[str, str]], tuple[pd.Series, np.ndarray]]
_CONVERTERS: dict[Kind, _Converter] = {
    Kind.ID: _as_text,
    Kind.TEXT: _as_text,
    Kind.CODE: _as_code,
    Kind.BOOL: _as_bool,
    Kind.MONTH: _as_month,
    Kind.NUMBER: _as_number,
}
