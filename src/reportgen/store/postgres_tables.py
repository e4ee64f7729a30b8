"""The six tables of a PostgreSQL database as temporary views with the canonical columns.

Each view reads the centre's own table in place (PostgreSQL inlines a view,
so every filter of a metric query reaches the real table) and gives each
column its canonical name and SQL type: identifiers as trimmed text, money
as BIGINT cents, codes mapped from the values the system writes (``电话``)
to reportgen's (``call``), a time stamp with a zone as the centre's local
time. The metric queries then read ``contacts`` exactly as they read it in
DuckDB.

A column whose type cannot hold what the column means (text where a date
belongs, a floating-point amount) is refused here, by table and column.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from reportgen.data.aliases import AliasBook
from reportgen.data.read_sqlite import quote
from reportgen.data.schema import SCHEMA, Column, Kind
from reportgen.data.validate_cells import lookup_code
from reportgen.errors import Problem
from reportgen.store.mapping import DatabaseTable

TEXT_TYPES = _TEXT = {"text", "character varying", "character", "USER-DEFINED", "name"}
# Text passed to the queries as stored: any other text type is cast to ``text`` first
# (``character(n)`` pads with spaces; an extension's type such as citext compares
# ignoring case, where reportgen's identifiers are exact).
PLAIN_TEXT = {"text", "character varying"}
# Unicode white space, as files trim it (Arrow's utf8_trim_whitespace), in PostgreSQL's
# regular expressions.
WHITE = r"[[:space:]\u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]"


def as_text(name: str, data_type: str) -> str:
    """SQL: a column as ``text`` (as stored when it already is plain text)."""
    return name if data_type in PLAIN_TEXT else f"CAST({name} AS TEXT)"


def blank(text: str) -> str:
    """SQL: a text expression is missing or only white space (a blank cell of a file)."""
    return f"({text} IS NULL OR {text} ~ '^{WHITE}*$')"


def trimmed(text: str) -> str:
    """SQL: white space removed around a text expression, and blank made NULL."""
    return f"NULLIF(regexp_replace({text}, '^{WHITE}+|{WHITE}+$', '', 'g'), '')"


_WHOLE = {"smallint", "integer", "bigint"}
_DECIMAL = {"numeric"}
_FLOAT = {"real", "double precision"}
_DATE = {"date"}
_TIMESTAMP = {"timestamp without time zone"}
_ZONED = {"timestamp with time zone"}

# The database types each kind of column accepts, and how to say it when it is another.
_ACCEPTED: dict[Kind, tuple[set[str], str]] = {
    Kind.ID: (_TEXT | _WHOLE | _DECIMAL, "text or a whole number"),
    Kind.TEXT: (_TEXT, "text"),
    Kind.CODE: (_TEXT, "text"),
    Kind.BOOL: ({"boolean"} | _WHOLE | _TEXT, "boolean"),
    Kind.DATE: (_DATE | _TIMESTAMP | _ZONED, "date"),
    Kind.DATETIME: (_TIMESTAMP | _ZONED, "timestamp"),
    Kind.MONTH: (_TEXT | _DATE | _TIMESTAMP, "text such as 2024-09, or a date"),
    Kind.INT: (_WHOLE | _DECIMAL, "a whole number (integer)"),
    Kind.MONEY: (_WHOLE | _DECIMAL, "numeric (exact amounts; not real or double precision)"),
    Kind.NUMBER: (_WHOLE | _DECIMAL | _FLOAT, "a number"),
}


@dataclass
class MappedColumn:
    column: Column
    name: str  # in the database
    data_type: str  # information_schema's data_type
    # For codes: {value as stored: canonical code}, for every distinct value that maps,
    # and whether some stored value maps to nothing (blank, or unknown: refused).
    codes: dict[str, str] = field(default_factory=dict)
    unmapped: bool = False


@dataclass
class MappedTable:
    located: DatabaseTable
    schema: str
    columns: dict[str, MappedColumn]

    @property
    def relation(self) -> str:
        return f"{quote(self.schema)}.{quote(self.located.name)}"

    def header(self, column: str) -> str:
        mapped = self.columns.get(column)
        return mapped.name if mapped is not None else column


def check_types(
    located: DatabaseTable, found: dict[str, tuple[str, str]], timezone: str
) -> list[Problem]:
    """``found`` is ``{column: (database column, data_type)}``; a problem per unfit type."""
    problems = []
    for column_name, (name, data_type) in found.items():
        column = SCHEMA[located.table].column(column_name)
        assert column is not None
        accepted, expected = _ACCEPTED[column.kind]
        if data_type not in accepted:
            problems.append(
                Problem(
                    located.label,
                    None,
                    name,
                    f"a column of type {data_type}",
                    f"{expected}, for {column_name}",
                )  # fmt: skip
            )
        elif data_type in _ZONED and not timezone:
            problems.append(
                Problem(
                    located.label,
                    None,
                    name,
                    "a timestamp with time zone",
                    "[organisation] timezone set, so that its instants become the centre's "
                    "local clock times (or a timestamp without time zone)",
                )  # fmt: skip
            )
    return problems


def code_mapping(
    column: Column, values: list[str], book: AliasBook
) -> tuple[dict[str, str], list[str]]:
    """``({stored value: code}, [values that map to nothing])`` for a code or yes/no column."""
    allowed = set(column.allowed) if column.kind is Kind.CODE else {"true", "false"}
    mapping, unknown = {}, []
    for value in values:
        code = lookup_code(value.strip(), book.value_map(column.name), allowed)
        if code is None:
            unknown.append(value)
        else:
            mapping[value] = code
    return mapping, unknown


def view_sql(table: MappedTable, timezone: str) -> str:
    """``CREATE TEMP VIEW <table>`` with the canonical columns, in PostgreSQL's SQL."""
    selected = []
    for column in SCHEMA[table.located.table].columns:
        mapped = table.columns.get(column.name)
        if mapped is None:
            default = _default(column, table)
            if default is not None:
                selected.append(f"{default} AS {column.name}")
            continue
        expression = _expression(mapped, timezone)
        if column.default is not None:
            expression = f"COALESCE({expression}, {_default(column, table)})"
        selected.append(f"{expression} AS {column.name}")
    return (
        f"CREATE TEMP VIEW {table.located.table} AS SELECT {', '.join(selected)} "
        f"FROM {table.relation}"
    )


def _default(column: Column, table: MappedTable) -> str | None:
    if column.default is None:
        return None
    if column.default.startswith("="):
        other = table.columns.get(column.default[1:])
        return _expression(other, "") if other is not None else None
    return literal(column.default)


def literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _expression(mapped: MappedColumn, timezone: str) -> str:
    """SQL turning the stored column into the canonical one (checked types only).

    A column already in the canonical form is passed through untouched, so that
    PostgreSQL plans with its statistics (and indexes) rather than guessing about an
    expression: text identifiers (the checks refuse blanks and surrounding spaces),
    codes stored as reportgen writes them, whole numbers, dates and times.
    """
    kind, data_type, name = mapped.column.kind, mapped.data_type, quote(mapped.name)
    if kind is Kind.ID:
        # The checks refuse blanks and white space around an identifier: as stored.
        text = as_text(name, data_type)
        return text if mapped.column.required else f"NULLIF({text}, '')"
    if kind is Kind.TEXT:
        return trimmed(as_text(name, data_type))
    if kind is Kind.CODE or (kind is Kind.BOOL and data_type in _TEXT):
        identity = all(stored == code for stored, code in mapped.codes.items())
        if kind is Kind.CODE and identity and not mapped.unmapped:
            return as_text(name, data_type)
        cases = " ".join(
            f"WHEN {literal(stored)} THEN {_code_value(mapped.column, code)}"
            for stored, code in sorted(mapped.codes.items())
        )
        return f"CASE CAST({name} AS TEXT) {cases} END" if cases else "CAST(NULL AS TEXT)"
    if kind is Kind.BOOL:
        return name if data_type == "boolean" else f"({name} <> 0)"
    if kind is Kind.DATE:
        if data_type in _ZONED and timezone:
            return f"CAST(({name} AT TIME ZONE {literal(timezone)}) AS DATE)"
        return name if data_type in _DATE else f"CAST({name} AS DATE)"
    if kind is Kind.DATETIME:
        if data_type in _ZONED:
            return f"({name} AT TIME ZONE {literal(timezone)})"
        return name
    if kind is Kind.MONTH:
        if data_type in _TEXT:
            return as_text(name, data_type)
        return f"to_char({name}, 'YYYY-MM')"
    if kind is Kind.INT:
        return name if data_type in _WHOLE else f"CAST({name} AS BIGINT)"
    if kind is Kind.MONEY:
        return f"CAST(round(CAST({name} AS NUMERIC) * 100) AS BIGINT)"
    return f"CAST({name} AS DOUBLE PRECISION)"


def _code_value(column: Column, code: str) -> str:
    if column.kind is Kind.BOOL:
        return "TRUE" if code == "true" else "FALSE"
    return literal(code)
