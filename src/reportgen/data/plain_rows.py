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
from datetime import date

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from reportgen.data import numbers
from reportgen.data.dataset import DATE_COLUMNS
from reportgen.data.read_common import header_keys, header_like
from reportgen.data.schema import SCHEMA, Column, Kind
from reportgen.data.sink import TableSink
from reportgen.data.sql_schema import COLUMN_TYPES
from reportgen.data.validate_cells import lookup_code

__all__ = [
    "HeldApart",
    "PlainPlan",
    "PlainRows",
    "TextColumn",
    "append_plain_rows",
    "plan_plain_rows",
]

# The plain form of each other kind of cell (RE2, as DuckDB matches the whole cell).
_PLAIN = {
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


@dataclass(frozen=True)
class PlainPlan:
    """What the SQL pass needs to know of a chunk besides its cells, worked out with
    pyarrow alone (so while DuckDB appends the chunk before, see prefetch)."""

    columns: list[TextColumn]
    value_maps: dict[str, dict[str, str]]  # code and yes/no columns: their value aliases
    spellings: dict[str, pa.Array]  # see _spellings
    collectors: pa.Array  # the distinct collector ids (to find those off the roster)


def plan_plain_rows(
    text: pa.Table, columns: list[TextColumn], value_maps: dict[str, dict[str, str]]
) -> PlainPlan:
    distinct = {
        c.column.name: pc.unique(text.column(c.position).combine_chunks()).drop_null()
        for c in columns
        if c.column.kind in (Kind.ID, Kind.TEXT, Kind.CODE, Kind.BOOL)
    }
    collectors = distinct.get("collector_id", pa.array([], pa.large_string()))
    return PlainPlan(columns, value_maps, _spellings(distinct, columns), collectors)


@dataclass
class PlainRows:
    """What the SQL pass did with one chunk."""

    others: np.ndarray  # positions of the rows left to the Python checks (blank rows aside)
    money: dict[str, int] = field(default_factory=dict)  # column -> |cents| of plain rows
    held_apart: HeldApart | None = None  # plain rows checked but not appended (see keep)


@dataclass(frozen=True)
class HeldApart:
    """Good rows of a table checked but not kept (the contacts of collectors a report
    does not need): how many, and the dates of the first and last, which the table's
    date span still takes in."""

    rows: int
    first: date | None
    last: date | None

    def __add__(self, other: HeldApart) -> HeldApart:
        firsts = [d for d in (self.first, other.first) if d is not None]
        lasts = [d for d in (self.last, other.last) if d is not None]
        return HeldApart(
            self.rows + other.rows,
            min(firsts) if firsts else None,
            max(lasts) if lasts else None,
        )


def append_plain_rows(
    sink: TableSink,
    table: str,
    text: pa.Table,
    rows: np.ndarray,
    plan: PlainPlan,
    roster: frozenset[str] | None,
    keep: frozenset[str] | None = None,
) -> PlainRows | None:
    """Append the plain rows of ``text`` (the chunk's cells, columns f0, f1, ...;
    ``rows``: their spreadsheet rows, ascending) to ``table`` through ``sink``; ``None``
    when the chunk is left whole to the Python checks.

    ``roster``: the roster's collector ids, or ``None`` while the table being loaded is
    the roster itself. ``keep``: when given, only the plain rows of these collectors are
    appended; the others are checked all the same, and counted (see :class:`HeldApart`).
    """
    con = sink.con
    view = "reportgen_plain_chunk"
    con.register(view, text.append_column("_row", pa.array(rows, pa.int64())))
    registered = [view]  # what is handed to DuckDB for this chunk
    try:
        return _append(sink, table, view, text.num_columns, rows, plan, roster, keep, registered)
    finally:
        for name in registered:
            con.unregister(name)


def _append(
    sink: TableSink,
    table: str,
    view: str,
    width: int,
    rows: np.ndarray,
    plan: PlainPlan,
    roster: frozenset[str] | None,
    keep: frozenset[str] | None,
    registered: list[str],
) -> PlainRows | None:
    con = sink.con
    columns, value_maps, spellings = plan.columns, plan.value_maps, plan.spellings
    by_name = {c.column.name: c for c in columns}
    values: dict[str, str] = {}  # column -> SQL of its value
    checks: list[str] = []  # SQL of each condition a plain row meets
    for column in SCHEMA[table].columns:
        found = by_name.get(column.name)
        literal_default = column.default is not None and not column.default.startswith("=")
        if found is None:
            if literal_default:
                values[column.name] = _literal(column.default)
            continue
        distinct = spellings.get(column.name)
        converted = _convert(con, found, distinct, value_maps.get(column.name, {}), registered)
        if converted is None:
            return None
        value, plain = converted
        cell = f"f{found.position}"
        values[column.name] = (
            f"coalesce({value}, {_literal(column.default)})" if literal_default else value
        )
        checks.append(f"{cell} IS NOT NULL AND {plain}" if column.required
                      else f"{cell} IS NULL OR ({plain})")  # fmt: skip
    # The rules across a row's cells see its values, so they are checked a level up.
    rules = _rule_checks(table, set(by_name))
    if roster is not None and "collector_id" in by_name:
        # Ids off the roster, among the chunk's few distinct ones: usually none.
        off = [v for v in plan.collectors.to_pylist() if v not in roster]
        position = by_name["collector_id"].position
        checks.append(_not_in(con, position, pa.array(off, pa.large_string()), registered))
    names = list(values)
    types = COLUMN_TYPES[table]
    converted_cells = ", ".join(f"CAST({values[n]} AS {types[n]}) AS {n}" for n in names)
    cell_checks = " AND ".join(f"({check})" for check in checks) or "true"
    plain = " AND ".join(["_cells_plain", *(f"({rule})" for rule in rules)])
    blank = " AND ".join(f"f{i} IS NULL" for i in range(width)) or "false"

    # Each non-blank row's cells converted once, and whether the row is plain.
    # DuckDB keeps the rows in file order unless the statement joins a table (a long
    # list of odd values): then the table is put back in order when finished.
    checked = (
        f"SELECT {', '.join(names)}, _row, coalesce({plain}, false) AS _plain FROM (SELECT "
        f"{converted_cells}, _row, {cell_checks} AS _cells_plain FROM {view} "
        f"WHERE NOT ({blank})) c"
    )
    in_order = registered == [view]
    money = [c.column.name for c in columns if c.column.kind is Kind.MONEY]
    if keep is not None and "collector_id" in by_name:
        return _append_kept(sink, table, names, checked, rows, money, keep, in_order)
    # Every row but the blank ones goes in. Those not plain were stored only to be found
    # again here: they are taken out, and the Python checks append them (or word their
    # problems).
    first, last = int(rows[0]), int(rows[-1])
    sink.insert_rows(table, names, checked, (first, last), in_order=in_order)
    these = f"_source_row BETWEEN {first} AND {last}"
    found = con.execute(
        f"SELECT {_others_and_money('_source_row', '_usable', money)} FROM {table} WHERE {these}"
    ).fetchall()[0]
    others, totals = _read_others_and_money(found, rows, money)
    if len(others):
        con.execute(f"DELETE FROM {table} WHERE {these} AND NOT _usable")
    return PlainRows(others, totals)


def _others_and_money(row: str, plain: str, money: list[str]) -> str:
    """SQL aggregates: the rows that are not plain, then each money column's total of
    absolute cents over the plain ones (see :func:`_read_others_and_money`)."""
    sums = "".join(f", coalesce(sum(abs({m})) FILTER (WHERE {plain}), 0)" for m in money)
    return f"list({row}) FILTER (WHERE NOT {plain}){sums}"


def _read_others_and_money(
    found: tuple, rows: np.ndarray, money: list[str]
) -> tuple[np.ndarray, dict[str, int]]:
    """The positions of the rows that are not plain and the money totals, from the first
    values of ``found`` (see :func:`_others_and_money`)."""
    others = np.sort(np.asarray(found[0] or [], dtype=np.int64))
    totals = {m: int(total) for m, total in zip(money, found[1 : 1 + len(money)], strict=True)}
    return np.searchsorted(rows, others), totals


def _append_kept(
    sink: TableSink,
    table: str,
    names: list[str],
    checked: str,
    rows: np.ndarray,
    money: list[str],
    keep: frozenset[str],
    in_order: bool,
) -> PlainRows:
    """Append the plain rows of the ``keep`` collectors only; of the chunk's other plain
    rows, keep their count and first and last date.

    Two statements over the chunk: one that converts and checks every row (storing
    nothing), and the append, whose filter on the collector DuckDB applies before it
    converts the other cells. Storing rows is what costs most, not checking them.
    """
    # Comparisons, not IN: see _not_in. A plain collector cell is the id as written.
    kept = " OR ".join(f"collector_id = {_literal(v)}" for v in sorted(keep)) or "false"
    date = DATE_COLUMNS[table]
    apart = f"_plain AND NOT ({kept})"
    found = sink.con.execute(
        f"SELECT {_others_and_money('_row', '_plain', money)}, count(*) FILTER (WHERE {apart}), "
        f"CAST(min({date}) FILTER (WHERE {apart}) AS DATE), "
        f"CAST(max({date}) FILTER (WHERE {apart}) AS DATE) FROM ({checked}) c"
    ).fetchall()[0]
    sink.insert_rows(
        table,
        names,
        f"SELECT * FROM ({checked}) c WHERE _plain AND ({kept})",
        (int(rows[0]), int(rows[-1])),
        in_order=in_order,
    )
    others, totals = _read_others_and_money(found, rows, money)
    count, first, last = found[1 + len(money) :]
    return PlainRows(others, totals, HeldApart(int(count), first, last))


def _spellings(distinct: dict[str, pa.Array], columns: list[TextColumn]) -> dict[str, pa.Array]:
    """Of the ``distinct`` values of the chunk's text and code columns, those Python
    must look at.

    For a code or yes/no column, every spelling. For an id or text column, the values
    that are not printable ASCII holding a digit (usually none of millions of account
    ids), or all of them when a header's spelling holds a digit.
    """
    found: dict[str, pa.Array] = {}
    for column in columns:
        values = distinct.get(column.column.name)
        if values is None:
            continue
        if column.column.kind in (Kind.ID, Kind.TEXT) and not _header_has_digit(column):
            values = values.filter(pc.invert(pc.match_substring_regex(values, f"^{_PLAIN_TEXT}$")))
        found[column.column.name] = values
    return found


def _header_has_digit(found: TextColumn) -> bool:
    """Whether a header spelling of the column holds a digit once folded.

    Folding (NFKC, case, separators) keeps every ASCII digit, so while no spelling holds
    one, a cell holding a digit cannot be a header's spelling.
    """
    keys = header_keys(set(found.header_spellings))
    return any(ch.isdigit() for key in keys for ch in key)


def _convert(
    con: duckdb.DuckDBPyConnection,
    found: TextColumn,
    distinct: pa.Array | None,
    value_map: dict[str, str],
    registered: list[str],
) -> tuple[str, str] | None:
    """The SQL of a plain cell's value and of "this non-blank cell is plain"."""
    column, cell = found.column, f"f{found.position}"
    kind = column.kind
    if kind in (Kind.ID, Kind.TEXT):
        assert distinct is not None
        odd = _odd_text(distinct, found, control=kind is Kind.ID)
        return cell, _not_in(con, found.position, odd, registered)
    if kind in (Kind.CODE, Kind.BOOL):
        assert distinct is not None
        return _codes(distinct, found, value_map)
    if kind in (Kind.DATE, Kind.DATETIME):
        # The cell is plain when DuckDB writes the value it read back as the very same
        # text (2024-09-30, 2024-09-30 14:05:00; or with a T for the space): a check as
        # exact as a pattern, at half its cost. Years 1900-2199: the Python checks read
        # them however else the chunk is written.
        value = f"TRY_CAST({cell} AS {'DATE' if kind is Kind.DATE else 'TIMESTAMP'})"
        written = f"CAST({value} AS VARCHAR)"
        same = f"{written} = {cell}"
        if kind is Kind.DATETIME:
            same = f"({same} OR {written} = replace({cell}, 'T', ' '))"
        return value, f"{same} AND year({value}) BETWEEN 1900 AND 2199"
    plain = f"regexp_full_match({cell}, '{_PLAIN[kind]}')"
    if kind is Kind.MONTH:
        return cell, plain
    if kind is Kind.NUMBER:
        value = f"TRY_CAST({cell} AS DOUBLE)"
        return value, f"{plain} AND {_bounds(column, value, 1)}"
    scale = 2 if kind is Kind.MONEY else 0
    # Only a cell of the plain form is cast (DuckDB works out every part of an AND, so
    # abs() of a cast -9223372036854775808 would overflow): at most 13 digits.
    matched = f"CASE WHEN {plain} THEN {cell} END"
    value = (
        f"CAST(TRY_CAST({matched} AS DECIMAL(15, 2)) * 100 AS BIGINT)"
        if scale
        else f"TRY_CAST({matched} AS BIGINT)"
    )
    limit = numbers.MAX_AMOUNT * 10**scale
    bounds = _bounds(column, value, 10**scale)
    return value, f"{value} IS NOT NULL AND abs({value}) <= {limit} AND {bounds}"


def _bounds(column: Column, value: str, unit: int) -> str:
    if column.above_zero:
        return f"{value} > 0"
    if column.minimum is not None:
        return f"{value} >= {column.minimum * unit}"
    return "true"


def _not_as_written(distinct: pa.Array, found: TextColumn) -> np.ndarray:
    """Which of ``distinct`` cannot be taken as written: a space at an edge (the Python
    checks trim it), or a header's spelling (a repeated header row)."""
    odd = pc.not_equal(pc.utf8_trim_whitespace(distinct), distinct).to_numpy(zero_copy_only=False)
    if found.header_spellings and len(distinct):
        odd |= header_like(_as_series(distinct), set(found.header_spellings))
    return odd


def _odd_text(distinct: pa.Array, found: TextColumn, *, control: bool) -> pa.Array:
    """Which of a text column's ``distinct`` values (see :func:`_spellings`) are not plain:
    see :func:`_not_as_written`, and a control character (ids)."""
    if len(distinct) == 0:
        return distinct
    odd = _not_as_written(distinct, found)
    if control:
        odd |= pc.match_substring_regex(distinct, r"[\x00-\x1f\x7f-\x9f]").to_numpy(
            zero_copy_only=False
        )
    return distinct.filter(pa.array(odd))


def _codes(
    distinct: pa.Array, found: TextColumn, value_map: dict[str, str]
) -> tuple[str, str] | None:
    """A code or yes/no column, from its spellings in the chunk; ``None`` when too many."""
    column, cell = found.column, f"f{found.position}"
    if len(distinct) > _MAX_CODE_SPELLINGS:
        return None
    allowed = set(column.allowed) if column.kind is Kind.CODE else {"true", "false"}
    odd = _not_as_written(distinct, found)
    # A CASE, not IN: DuckDB makes a list of five values or more a join, and a join
    # does not keep the rows in file order.
    branches = []
    for spelling, not_as_written in zip(distinct.to_pylist(), odd, strict=True):
        code = None if not_as_written else lookup_code(spelling, value_map, allowed)
        if code is None:
            continue
        value = code if column.kind is Kind.CODE else code == "true"
        branches.append(f"WHEN {_literal(spelling)} THEN {_literal(value)}")
    if not branches:
        return "NULL", "false"
    value = f"CASE {cell} {' '.join(branches)} END"
    return value, f"{value} IS NOT NULL"


def _not_in(
    con: duckdb.DuckDBPyConnection, position: int, odd: pa.Array, registered: list[str]
) -> str:
    """SQL for "the cell is not one of ``odd``" (usually no value at all).

    Written as comparisons, not NOT IN: DuckDB makes a list of five values or more a
    join, which does not keep the rows in file order. Beyond 64 values the list is a
    table (see :func:`append_plain_rows` for the order then).
    """
    if len(odd) == 0:
        return "true"
    cell = f"f{position}"
    if len(odd) <= 64:
        return " AND ".join(f"{cell} <> {_literal(v)}" for v in odd.to_pylist())
    name = f"reportgen_odd_{position}"
    con.register(name, pa.table({"value": odd}))
    registered.append(name)
    return f"{cell} NOT IN (SELECT value FROM {name})"


def _rule_checks(table: str, present: set[str]) -> list[str]:
    """The rules across cells of one row, as conditions a plain row meets."""
    checks = []
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
