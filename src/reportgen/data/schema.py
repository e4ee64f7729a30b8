"""The tables of a data source, their canonical columns, types and allowed values.

This is spec/data.md in code form. The loader reads it to know what to look
for in each file and how to convert and check every cell; the aliases that
real exports use for these names live in :mod:`reportgen.data.aliases`.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from reportgen.data.dataset import OPTIONAL_TABLES, REQUIRED_TABLES, TABLES

__all__ = [
    "CHANNELS",
    "OUTCOMES",
    "KINDS",
    "PAYMENT_CHANNELS",
    "Column",
    "Kind",
    "Table",
    "SCHEMA",
    "OPTIONAL_TABLES",
    "REQUIRED_TABLES",
    "TABLES",
    "all_column_names",
    "allowed_codes",
]


class Kind(StrEnum):
    """How a column's cells are read and what they become in the Dataset."""

    ID = "id"  # text exactly as the user sees it ("000123" stays "000123")
    TEXT = "text"  # free text, surrounding spaces removed
    CODE = "code"  # one of a fixed list of values (after value aliases)
    BOOL = "bool"  # yes / no
    DATE = "date"  # a day: datetime64[ns] at midnight
    DATETIME = "datetime"  # a moment in local wall-clock time
    MONTH = "month"  # text "YYYY-MM"
    INT = "int"  # a whole number
    MONEY = "money"  # exact decimal amount, held as integer cents
    NUMBER = "number"  # any real number (float64)


# What each kind of cell should look like, for "expected ..." in error messages.
EXPECTED = {
    Kind.ID: "an identifier (letters, digits and signs; no control characters)",
    Kind.TEXT: "some text",
    Kind.CODE: "one of the allowed values",
    Kind.BOOL: "yes or no (是/否, Y/N, true/false, 1/0)",
    Kind.DATE: "a date such as 2024-09-30, 2024/9/30 or 2024年9月30日",
    Kind.DATETIME: "a date and time such as 2024-09-30 14:05:00",
    Kind.MONTH: "a month such as 2024-09, 2024/09 or 2024年9月",
    Kind.INT: "a whole number",
    Kind.MONEY: (
        "an amount such as 1234.50 or 1,234.50 "
        "(a point for decimals; a comma only between groups of three digits)"
    ),
    Kind.NUMBER: "a number",
}

CHANNELS = ("call", "sms", "letter", "visit", "im", "email")
OUTCOMES = (
    "no_answer",
    "busy",
    "invalid_number",
    "third_party",
    "right_party",
    "promise",
    "refused",
    "dispute",
    "sent",
    "failed",
)
KINDS = ("installment", "extension", "settlement")
PAYMENT_CHANNELS = ("call", "sms", "visit", "letter", "im", "agency", "legal", "self", "other")


@dataclass(frozen=True)
class Column:
    """One canonical column of a table.

    ``required``: the column must be present and every cell filled.
    ``minimum``/``above_zero``: bounds for numeric kinds (``minimum`` inclusive).
    ``default``: what a blank cell of an optional column becomes (``"=team_id"``
    copies another column of the same row).
    """

    name: str
    kind: Kind
    required: bool = True
    allowed: tuple[str, ...] = ()
    minimum: int | None = None
    above_zero: bool = False
    default: str | None = None

    def expected(self) -> str:
        if self.kind is Kind.CODE:
            return "one of " + ", ".join(self.allowed)
        return EXPECTED[self.kind]


@dataclass(frozen=True)
class Table:
    name: str
    columns: tuple[Column, ...]

    def column(self, name: str) -> Column | None:
        for column in self.columns:
            if column.name == name:
                return column
        return None

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    @property
    def required_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns if c.required)


def _id(name: str, required: bool = True) -> Column:
    return Column(name, Kind.ID, required=required)


SCHEMA: dict[str, Table] = {
    "collectors": Table(
        "collectors",
        (
            _id("collector_id"),
            Column("name", Kind.TEXT),
            _id("team_id"),
            Column("team_name", Kind.TEXT, required=False, default="=team_id"),
            Column("supervisor", Kind.TEXT, required=False),
            Column("hired_on", Kind.DATE, required=False),
        ),
    ),
    "accounts": Table(
        "accounts",
        (
            Column("month", Kind.MONTH),
            _id("account_id"),
            _id("collector_id"),
            Column("dpd", Kind.INT, minimum=0),
            Column("balance", Kind.MONEY, minimum=0),
        ),
    ),
    "contacts": Table(
        "contacts",
        (
            Column("contacted_at", Kind.DATETIME),
            _id("account_id"),
            _id("collector_id"),
            Column("channel", Kind.CODE, allowed=CHANNELS),
            Column("outcome", Kind.CODE, allowed=OUTCOMES),
            Column("duration_s", Kind.NUMBER, required=False, minimum=0),
            Column("promise_amount", Kind.MONEY, required=False, minimum=0),
            Column("promise_date", Kind.DATE, required=False),
        ),
    ),
    "payments": Table(
        "payments",
        (
            Column("paid_on", Kind.DATE),
            _id("account_id"),
            _id("collector_id"),
            Column("amount", Kind.MONEY, above_zero=True),
            Column("channel", Kind.CODE, required=False, allowed=PAYMENT_CHANNELS, default="other"),
        ),
    ),
    "arrangements": Table(
        "arrangements",
        (
            Column("created_on", Kind.DATE),
            _id("account_id"),
            _id("collector_id"),
            Column("kind", Kind.CODE, allowed=KINDS),
            Column("amount", Kind.MONEY, minimum=0),
            Column("installments", Kind.INT, required=False, minimum=1),
        ),
    ),
    "complaints": Table(
        "complaints",
        (
            Column("received_on", Kind.DATE),
            _id("collector_id"),
            _id("account_id", required=False),
            Column("category", Kind.TEXT, required=False),
            Column("upheld", Kind.BOOL, required=False),
        ),
    ),
}

assert tuple(SCHEMA) == TABLES


def all_column_names() -> set[str]:
    """Every canonical column name of every table."""
    return {c.name for table in SCHEMA.values() for c in table.columns}


def allowed_codes(column_name: str) -> set[str] | None:
    """The values a code column accepts in any table (``None``: not a code column).

    ``channel`` is a code column of both contacts and payments; a value alias
    for it may name a value either one accepts. Boolean columns accept
    ``true``/``false``.
    """
    codes: set[str] = set()
    found = False
    for table in SCHEMA.values():
        column = table.column(column_name)
        if column is None:
            continue
        if column.kind is Kind.CODE:
            codes.update(column.allowed)
            found = True
        elif column.kind is Kind.BOOL:
            codes.update(("true", "false"))
            found = True
    return codes if found else None
