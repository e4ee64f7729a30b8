"""The cell parsers against plain, obviously-correct reference implementations.

Numbers: a Decimal, written in each accepted form, reads back as exactly its
cents; any near-miss text is either refused or read as the reference reads
it. Dates: a datetime written in each accepted form reads back as itself;
zoned text converts as zoneinfo says. Ids: any text stays exactly itself.
The parsers are vectorised, so each is run on whole lists at once.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd
import pyarrow as pa
from hypothesis import given, settings
from hypothesis import strategies as st

from reportgen.data.numbers import MAX_AMOUNT, parse_numbers
from reportgen.data.schema import Column, Kind
from reportgen.data.validate_cells import convert_column, parse_datetimes

# --- the reference number reader: obvious, slow, one cell at a time --------------

_PREFIXES = ("¥", "RMB", "CNY", "人民币")
_SUFFIXES = ("元", "RMB", "CNY", "人民币")
_FULL_WIDTH = str.maketrans("０１２３４５６７８９．，＋－ｅＥ　￥", "0123456789.,+-eE ¥")


def reference_cents(text: str, scale: int = 2, money: bool = True) -> int | None:
    """The value of ``text`` in units of 10**-scale, or None when it is not a number."""
    text = text.translate(_FULL_WIDTH).strip()
    sign = ""
    if text[:1] in "+-" and text[:1]:
        sign, text = text[0], text[1:].lstrip()
    if money:
        for marker in _PREFIXES:
            if text.upper().startswith(marker):
                text = text[len(marker) :].lstrip()
                break
        for marker in _SUFFIXES:
            if text.upper().endswith(marker):
                text = text[: -len(marker)].rstrip()
                break
    if text[:1] in "+-" and text[:1]:
        if sign:
            return None
        sign, text = text[0], text[1:]
    mantissa, marked, exponent = text.partition("e") if "e" in text else text.partition("E")
    if marked and not re.fullmatch(r"[+-]?[0-9]{1,4}", exponent):
        return None
    whole, dot, fraction = mantissa.partition(".")
    if not re.fullmatch(r"[0-9]*", fraction) or not (whole or fraction):
        return None
    if "," in whole:
        groups = whole.split(",")
        if exponent or not (1 <= len(groups[0]) <= 3 and groups[0][0] != "0"):
            return None
        if any(len(g) != 3 for g in groups[1:]):
            return None
        whole = "".join(groups)
    if not re.fullmatch(r"[0-9]*", whole):
        return None
    number = Decimal(f"{sign}{whole or '0'}.{fraction or '0'}e{exponent or '0'}")
    if abs(number) >= Decimal(10) ** 15:
        return None
    return int(number.quantize(Decimal(1).scaleb(-scale), rounding=ROUND_HALF_UP).scaleb(scale))


def _parse(texts: list[str], scale: int = 2, money: bool = True):
    parsed = parse_numbers(pa.array(texts, pa.large_string()), scale, "CNY" if money else None)
    return [
        int(v) if ok and not huge else None
        for v, ok, huge in zip(parsed.values, parsed.ok, parsed.huge, strict=True)
    ]


AMOUNTS = st.decimals(
    min_value=-Decimal(MAX_AMOUNT), max_value=Decimal(MAX_AMOUNT), places=2, allow_nan=False
)


def _forms(amount: Decimal) -> list[str]:
    plain = f"{amount:f}"
    grouped = f"{amount:,.2f}"
    width = str.maketrans("0123456789.,-", "０１２３４５６７８９．，－")
    return [
        plain,
        grouped,
        f"¥{grouped}",
        f"{grouped} 元",
        f"RMB {plain}",
        f"￥{grouped}",
        grouped.translate(width),
        f"{plain}0",  # a trailing zero beyond the cents
    ]


@settings(max_examples=300, deadline=None)
@given(st.lists(AMOUNTS, min_size=1, max_size=20))
def test_every_accepted_form_reads_as_its_exact_cents(amounts: list[Decimal]) -> None:
    texts = [form for amount in amounts for form in _forms(amount)]
    expected = [int(a.scaleb(2)) for a in amounts for _ in _forms(a)]
    assert _parse(texts) == expected


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(-(10**12), 10**12), min_size=1, max_size=20))
def test_whole_numbers_read_with_or_without_thousands_separators(values: list[int]) -> None:
    texts = [f"{v}" for v in values] + [f"{v:,}" for v in values]
    assert _parse(texts, scale=0, money=False) == values + values


NEAR_MISS = st.text(
    alphabet=st.sampled_from(list("0123456789,.+-eE ¥$元RMBCNY０１２３，．")), max_size=16
)


@settings(max_examples=500, deadline=None)
@given(st.lists(NEAR_MISS, min_size=1, max_size=30), st.sampled_from([0, 2]))
def test_near_misses_are_refused_or_read_as_the_reference_reads_them(
    texts: list[str], scale: int
) -> None:
    texts = [t.strip() or "0" for t in texts]
    money = scale == 2
    got = _parse(texts, scale, money)
    for text, value in zip(texts, got, strict=True):
        assert value == reference_cents(text, scale, money), text


@settings(max_examples=100, deadline=None)
@given(st.lists(st.sampled_from(["1972,40", "1.972,40", "1,5", "12,34", "0,123", "1,2345"])))
def test_decimal_commas_and_bad_groups_are_never_read(texts: list[str]) -> None:
    assert all(value is None for value in _parse(texts))


# --- dates and times ------------------------------------------------------------------

MOMENTS = st.datetimes(min_value=dt.datetime(1900, 1, 1), max_value=dt.datetime(2200, 12, 31))
_DATETIME_FORMS = (
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%dT%H:%M:%S",
    "%Y/%m/%d %H:%M:%S",
    "{y}/{m}/{d} %H:%M:%S",
    "%Y年{m}月{d}日 %H时%M分%S秒",
)


def _write(moment: dt.datetime, form: str) -> str:
    filled = form.format(y=moment.year, m=moment.month, d=moment.day)
    return moment.strftime(filled.replace("%Y", f"{moment.year:04d}"))


@settings(max_examples=200, deadline=None)
@given(st.lists(MOMENTS, min_size=1, max_size=10), st.sampled_from(_DATETIME_FORMS))
def test_every_datetime_form_reads_as_itself(moments: list[dt.datetime], form: str) -> None:
    moments = [m.replace(microsecond=0) for m in moments]
    texts = pd.Series([_write(m, form) for m in moments], dtype="str")
    parsed = parse_datetimes(texts)
    assert parsed.readable.all()
    assert parsed.values.tolist() == [pd.Timestamp(m) for m in moments]


def reference_datetime(text: str) -> pd.Timestamp | None:
    """Strict strptime over the plain forms."""
    for form in ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y/%m/%d %H:%M:%S", "%Y/%m/%d %H:%M"):
        try:
            moment = dt.datetime.strptime(text, form)
        except ValueError:
            continue
        return pd.Timestamp(moment) if 1900 <= moment.year <= 2200 else None
    return None


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.text(alphabet=st.sampled_from(list("0123456789-/: ")), min_size=8, max_size=19),
        min_size=1,
        max_size=20,
    )
)
def test_date_garbage_is_refused_or_read_as_the_reference_reads_it(texts: list[str]) -> None:
    texts = [t.strip() or "x" for t in texts]
    parsed = parse_datetimes(pd.Series(texts, dtype="str"))
    for text, value, ok in zip(texts, parsed.values, parsed.readable, strict=True):
        expected = reference_datetime(text)
        if expected is not None and text == text.strip():
            assert ok and value == expected, text


# Offsets in whole minutes (before ~1930 zones had local mean time, +08:05:43).
RECENT = st.datetimes(min_value=dt.datetime(1970, 1, 1), max_value=dt.datetime(2200, 12, 31))
ZONES = st.sampled_from(["UTC", "Asia/Shanghai", "America/New_York", "Asia/Kolkata"])


@settings(max_examples=100, deadline=None)
@given(st.lists(RECENT, min_size=1, max_size=10), ZONES, st.sampled_from(["Z", "offset"]))
def test_zoned_text_converts_as_zoneinfo_says(
    moments: list[dt.datetime], zone: str, style: str
) -> None:
    moments = [m.replace(microsecond=0, tzinfo=dt.UTC) for m in moments]
    source = ZoneInfo(zone)
    texts = [
        m.strftime("%Y-%m-%dT%H:%M:%SZ") if style == "Z" else m.astimezone(source).isoformat()
        for m in moments
    ]
    parsed = parse_datetimes(pd.Series(texts, dtype="str"), "Asia/Shanghai")
    shanghai = ZoneInfo("Asia/Shanghai")
    expected = [pd.Timestamp(m.astimezone(shanghai).replace(tzinfo=None)) for m in moments]
    assert parsed.values.tolist() == expected
    unset = parse_datetimes(pd.Series(texts, dtype="str"))
    assert unset.zoned.all() and unset.values.isna().all()


# --- ids ----------------------------------------------------------------------------------

ID_TEXT = st.text(alphabet=st.characters(categories=["L", "N", "P", "S"]), min_size=1, max_size=16)


@settings(max_examples=200, deadline=None)
@given(st.lists(ID_TEXT, min_size=1, max_size=20))
def test_ids_stay_exactly_the_text_given(ids: list[str]) -> None:
    column = Column("account_id", Kind.ID)
    converted = convert_column(pd.Series(ids, dtype="str"), column, {})
    assert not converted.bad.any()
    assert converted.values.tolist() == ids
    assert np.array_equal(converted.values.str.len().to_numpy(), [len(i) for i in ids])


_ZONE_ALPHABET = st.sampled_from(list("0123456789:+-Zz T.年月日") + ["＋", "Ｚ", "é", "中"])


@settings(max_examples=400, deadline=None)
@given(
    st.lists(
        st.one_of(
            st.none(),
            st.text(_ZONE_ALPHABET, max_size=24),
            st.builds(
                lambda time, zone: f"2024-09-02 {time}{zone}",
                st.sampled_from(["01:30", "1:30:05", "01:30:05.123"]),
                st.sampled_from(["", "Z", "z", " +08", "+0800", "-05:00", "+8", "+08:000"]),
            ),
        ),
        max_size=30,
    )
)
def test_the_zone_pre_check_finds_exactly_what_the_expression_finds(texts):
    from reportgen.data.validate_cells import _ZONED, _zoned

    array = pa.array(texts, pa.string())
    expected = [bool(re.search(_ZONED, t)) if t is not None else False for t in texts]
    assert list(_zoned(array)) == expected
