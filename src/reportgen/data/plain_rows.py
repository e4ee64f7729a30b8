"""The plain rows of a chunk, checked and converted by DuckDB in one statement.

Most rows of a big export are written the plain way: ISO dates and times,
amounts as digits with at most two decimals, ids of printable ASCII, codes
the export always spells the same way. The Python checks (validate_cells,
validate_rules) read every form users write and word every problem, but
cost about a second per million rows. This module finds, with one SQL
statement per chunk run by DuckDB on every core, the rows in which every
cell is plain, within its bounds and breaking no rule, converts them
exactly as the Python checks would, and appends them. Every other row that
is not blank goes through the Python checks, which read it or word its
problems, so what a user sees does not depend on which path a row took.

"Plain" is narrow on purpose: a cell is plain only where the Python checks
would surely read the same value. Anything else (a slash date, a comma in
an amount, a space at a cell's edge, a date 2024-02-30) simply is not plain.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from reportgen.data import numbers
from reportgen.data.read_common import header_keys, header_like
from reportgen.data.schema import SCHEMA, Column, Kind
from reportgen.data.sink import TableSink
from reportgen.data.sql_schema import COLUMN_TYPES
from reportgen.data.validate_cells import lookup_code

__all__ = ["PlainRows", "TextColumn", "append_plain_rows"]

# The plain form of each kind of cell (RE2, as DuckDB matches the whole cell).
# Years 1900-2199: the Python checks read them however else the chunk is written.
_DATE = r"(?:19[0-9]{2}|2[01][0-9]{2})-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12][0-9]|3[01])"
_PLAIN = {
    Kind.DATE: _DATE,
    Kind.DATETIME: _DATE + r"[ T](?:[01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]",
    Kind.MONTH: r"[0-9]{4}-(?:0[1-9]|1[0-2])",
    Kind.INT: r"-?[0-9]{1,13}",
    Kind.MONEY: r"-?[0-9]{1,13}(?:\.[0-9]{1,2})?",
    Kind.NUMBER: r"-?[0-9]{1,15}(?:\.[0-9]{1,6})?",
}
# Text cells made of printable ASCII (no space) holding a digit: no edge to trim, no
# control character, and no header spelling (unless one holds a digit, see below).
_PLAIN_TEXT = r"[!-~]*[0-9][!-~]*"
# Distinct spellings of a code column beyond which a chunk is left to the Python checks.
_MAX_CODE_SPELLINGS = 200


@dataclass(frozen=True)
class TextColumn:
    """One column of the chunk's file that the table uses."""

    column: Column
    position: int  # which of the chunk's text columns (f0, f1, ...) holds it
    header_spellings: frozenset[str]  # cell values that would make a row a repeated header


@dataclass
class PlainRows:
    """What the SQL pass did with one chunk."""

    others: np.ndarray  # positions of the rows left to the Python checks (blank rows aside)
    money: dict[str, float] = field(default_factory=dict)  # column -> |cents| appended


def append_plain_rows(
    sink: TableSink,
    table: str,
    text: pa.Table,
    rows: np.ndarray,
    columns: list[TextColumn],
    value_maps: dict[str, dict[str, str]],
    roster: str | None,
) -> PlainRows | None:
    """Append the plain rows of ``text`` (the chunk's cells, columns f0, f1, ...;
    ``rows``: their spreadsheet rows) to ``table`` through ``sink``; ``None`` when the
    chunk is left whole to the Python checks.

    ``roster``: a table of the sink's database with the roster's collector ids (column
    ``id``), or ``None`` while the table being loaded is the roster itself.
    """
    con = sink.con
    registered: list[str] = []  # lists of values handed to DuckDB for this chunk
    try:
        return _append(sink, table, text, rows, columns, value_maps, roster, registered)
    finally:
        for name in registered:
            con.unregister(name)


def _append(
    sink: TableSink,
    table: str,
    text: pa.Table,
    rows: np.ndarray,
    columns: list[TextColumn],
    value_maps: dict[str, dict[str, str]],
    roster: str | None,
    registered: list[str],
) -> PlainRows | None:
    con = sink.con
    by_name = {c.column.name: c for c in columns}
    values: dict[str, str] = {}  # column -> SQL of its value
    checks: list[str] = []  # each must hold for a row to be plain
    for column in SCHEMA[table].columns:
        found = by_name.get(column.name)
        literal_default = column.default is not None and not column.default.startswith("=")
        if found is None:
            if literal_default:
                values[column.name] = _literal(column.default)
            continue
        converted = _convert(con, text, found, value_maps.get(column.name, {}), registered)
        if converted is None:
            return None
        value, plain = converted
        cell = f"f{found.position}"
        values[column.name] = (
            f"coalesce({value}, {_literal(column.default)})" if literal_default else value
        )
        checks.append(f"_ok_{column.name}")
        required = f"{cell} IS NOT NULL AND {plain}"
        values[f"_ok_{column.name}"] = (
            required if column.required else f"{cell} IS NULL OR ({plain})"
        )
    checks.extend(_rule_checks(table, set(by_name), roster))

    names = [name for name in values if not name.startswith("_ok_")]
    types = COLUMN_TYPES[table]
    every_cell = [f"f{i}" for i in range(text.num_columns)]
    blank = " AND ".join(f"{cell} IS NULL" for cell in every_cell) or "false"
    cells = ", ".join(
        f"CAST({sql} AS {types[name]}) AS {name}" if name in types else f"({sql}) AS {name}"
        for name, sql in values.items()
    )
    plain = " AND ".join(f"({check})" for check in checks) or "true"
    money = [c.column.name for c in columns if c.column.kind is Kind.MONEY]
    view = "reportgen_plain_chunk"

    # First which rows are plain, with the money they hold; then the plain rows'
    # values, appended. Nothing is stored in between: the checks are the costly part,
    # and the values cost less to work out again than to keep.
    chunk = text.append_column("_position", pa.array(np.arange(len(rows), dtype=np.int64)))
    con.register(view, chunk)
    try:
        found = con.execute(
            "SELECT list(_position ORDER BY _position) FILTER (WHERE NOT _plain AND NOT _blank)"
            + "".join(f", coalesce(sum(abs({m})) FILTER (WHERE _plain), 0)::DOUBLE" for m in money)
            + f" FROM (SELECT *, coalesce({plain}, false) AS _plain FROM (SELECT {cells}, "
            f"{blank} AS _blank, _position FROM {view}) c) p"
        ).fetchall()[0]
    finally:
        con.unregister(view)
    others = np.asarray(found[0] or [], dtype=np.int64)
    other = np.zeros(len(rows), dtype=bool)
    other[others] = True
    chunk = text.append_column("_row", pa.array(rows, pa.int64())).append_column(
        "_other", pa.array(other)
    )
    con.register(view, chunk)
    try:
        kept = ", ".join(f"CAST({values[name]} AS {types[name]}) AS {name}" for name in names)
        sink.insert_rows(
            table,
            names,
            f"SELECT {kept}, _row FROM {view} WHERE NOT ({blank}) AND NOT _other",
            (int(rows[0]), int(rows[-1])),
        )
    finally:
        con.unregister(view)
    totals = {m: float(total) for m, total in zip(money, found[1:], strict=True)}
    return PlainRows(others, totals)


def _convert(
    con: duckdb.DuckDBPyConnection,
    text: pa.Table,
    found: TextColumn,
    value_map: dict[str, str],
    registered: list[str],
) -> tuple[str, str] | None:
    """The SQL of a plain cell's value and of "this non-blank cell is plain"."""
    column, cell = found.column, f"f{found.position}"
    kind = column.kind
    if kind in (Kind.ID, Kind.TEXT):
        odd = _odd_text(text.column(found.position), found, control=kind is Kind.ID)
        return cell, _not_in(con, found.position, odd, registered)
    if kind in (Kind.CODE, Kind.BOOL):
        return _codes(text.column(found.position), found, value_map)
    plain = f"regexp_full_match({cell}, '{_PLAIN[kind]}')"
    if kind is Kind.DATE:
        return f"TRY_CAST({cell} AS DATE)", f"{plain} AND TRY_CAST({cell} AS DATE) IS NOT NULL"
    if kind is Kind.DATETIME:
        value = f"TRY_CAST({cell} AS TIMESTAMP)"
        return value, f"{plain} AND {value} IS NOT NULL"
    if kind is Kind.MONTH:
        return cell, plain
    if kind is Kind.NUMBER:
        value = f"TRY_CAST({cell} AS DOUBLE)"
        return value, f"{plain} AND {_bounds(column, value, 1)}"
    scale = 2 if kind is Kind.MONEY else 0
    value = (
        f"CAST(TRY_CAST({cell} AS DECIMAL(15, 2)) * 100 AS BIGINT)"
        if scale
        else f"TRY_CAST({cell} AS BIGINT)"
    )
    limit = numbers.MAX_AMOUNT * 10**scale
    return value, f"{plain} AND abs({value}) <= {limit} AND {_bounds(column, value, 10**scale)}"


def _bounds(column: Column, value: str, unit: int) -> str:
    if column.above_zero:
        return f"{value} > 0"
    if column.minimum is not None:
        return f"{value} >= {column.minimum * unit}"
    return "true"


def _odd_text(array: pa.ChunkedArray, found: TextColumn, *, control: bool) -> pa.Array:
    """The distinct values of a text column that are not plain: surrounding spaces, a
    control character (ids), or a header's spelling."""
    distinct = pc.unique(array.combine_chunks()).drop_null()
    keys = header_keys(set(found.header_spellings))
    if not any(ch.isdigit() for key in keys for ch in key):
        # No header spelling holds a digit, and folding keeps digits: a value of printable
        # ASCII with a digit is plain. Only the rest are looked at one by one.
        plain = pc.match_substring_regex(distinct, f"^{_PLAIN_TEXT}$")
        distinct = distinct.filter(pc.invert(plain))
    if len(distinct) == 0:
        return distinct
    odd = pc.not_equal(pc.utf8_trim_whitespace(distinct), distinct)
    if control:
        odd = pc.or_(odd, pc.match_substring_regex(distinct, r"[\x00-\x1f\x7f-\x9f]"))
    if found.header_spellings:
        names = set(found.header_spellings)
        odd = pc.or_(odd, pa.array(header_like(_as_series(distinct), names)))
    return distinct.filter(odd)


def _codes(
    array: pa.ChunkedArray, found: TextColumn, value_map: dict[str, str]
) -> tuple[str, str] | None:
    """A code or yes/no column, from its spellings in the chunk; ``None`` when too many."""
    column, cell = found.column, f"f{found.position}"
    distinct = pc.unique(array.combine_chunks()).drop_null()
    if len(distinct) > _MAX_CODE_SPELLINGS:
        return None
    allowed = set(column.allowed) if column.kind is Kind.CODE else {"true", "false"}
    header = (
        header_like(_as_series(distinct), set(found.header_spellings))
        if found.header_spellings
        else np.zeros(len(distinct), dtype=bool)
    )
    edges = pc.not_equal(pc.utf8_trim_whitespace(distinct), distinct).to_numpy(zero_copy_only=False)
    known: list[str] = []  # spellings read as a code, as SQL literals
    truthy: list[str] = []  # (yes/no columns) the spellings of yes
    renamed: list[str] = []  # "WHEN spelling THEN code" where the code is not the spelling
    for spelling, is_header, has_edge in zip(distinct.to_pylist(), header, edges, strict=True):
        code = None if is_header or has_edge else lookup_code(spelling, value_map, allowed)
        if code is None:
            continue
        literal = _literal(spelling)
        known.append(literal)
        if column.kind is Kind.BOOL and code == "true":
            truthy.append(literal)
        elif column.kind is Kind.CODE and code != spelling:
            renamed.append(f"WHEN {literal} THEN {_literal(code)}")
    if not known:
        return "NULL", "false"
    plain = f"{cell} IN ({', '.join(known)})"
    if column.kind is Kind.BOOL:
        return (
            f"{cell} IN ({', '.join(truthy)})"
            if truthy
            else f"CASE WHEN {cell} IS NOT NULL THEN false END"
        ), plain
    if renamed:  # an export's own spellings (电话, Phone) turned into the codes
        return f"CASE {cell} {' '.join(renamed)} ELSE {cell} END", plain
    return cell, plain


def _not_in(
    con: duckdb.DuckDBPyConnection, position: int, odd: pa.Array, registered: list[str]
) -> str:
    """SQL for "the cell is not one of ``odd``" (usually no value at all)."""
    if len(odd) == 0:
        return "true"
    if len(odd) <= 64:
        return f"f{position} NOT IN ({', '.join(_literal(v) for v in odd.to_pylist())})"
    name = f"reportgen_odd_{position}"
    con.register(name, pa.table({"value": odd}))
    registered.append(name)
    return f"f{position} NOT IN (SELECT value FROM {name})"


def _rule_checks(table: str, present: set[str], roster: str | None) -> list[str]:
    """The rules across cells of one row, as conditions a plain row meets."""
    checks = []
    if roster is not None and "collector_id" in present:
        checks.append(f"collector_id IN (SELECT id FROM {roster})")
    if table == "contacts":
        if "promise_date" in present:
            checks.append("outcome <> 'promise' OR promise_date IS NOT NULL")
            checks.append("promise_date IS NULL OR promise_date >= CAST(contacted_at AS DATE)")
        else:
            # Said once for the whole file, with their count, by the Python checks.
            checks.append("outcome <> 'promise'")
    return checks


def _literal(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return "'" + str(value).replace("'", "''") + "'"


def _as_series(array: pa.Array):  # noqa: ANN202 - a pandas Series, imported lazily
    import pandas as pd

    return pd.Series(array.to_pandas(), dtype="str")
