"""Checking a PostgreSQL source in place: the loader's rules as queries, one scan per table.

A database has no row numbers, so each problem is named by table, column
and how many rows have it, with a few examples named by their key (account
and date, or collector). Every check of a table is one aggregate over one
scan (``count(*) FILTER (WHERE ...)``); only the checks that fail are asked
for examples. Every problem of every table is gathered before anything is
raised, as for files.
"""

from __future__ import annotations

from dataclasses import dataclass

from reportgen.data.numbers import MAX_AMOUNT
from reportgen.data.read_sqlite import quote
from reportgen.data.schema import EXPECTED, SCHEMA, Kind
from reportgen.errors import Problem
from reportgen.store.postgres_session import PostgresSession
from reportgen.store.postgres_tables import (
    TEXT_TYPES,
    WHITE,
    MappedTable,
    as_text,
    blank,
    literal,
)

EXAMPLES = 3
# What names a row in examples, per table (canonical columns of the view).
_KEYS = {
    "collectors": ("collector_id",),
    "accounts": ("month", "account_id"),
    "contacts": ("account_id", "contacted_at"),
    "payments": ("account_id", "paid_on"),
    "arrangements": ("account_id", "created_on"),
    "complaints": ("collector_id", "received_on"),
}


@dataclass(frozen=True)
class Check:
    """Rows of one table breaking one rule: ``condition`` over the raw and the view's columns."""

    column: str  # canonical
    condition: str  # SQL over the table aliased ``t`` (raw columns) joined to nothing
    found: str  # "blank", "a value below 0" ...
    expected: str


def column_checks(table: MappedTable) -> list[Check]:
    """The per-cell rules of spec/data.md for each mapped column, as SQL conditions."""
    checks: list[Check] = []
    for column in SCHEMA[table.located.table].columns:
        mapped = table.columns.get(column.name)
        if mapped is None:
            continue
        raw = f"t.{quote(mapped.name)}"
        is_text = mapped.data_type in TEXT_TYPES
        # The column as the views read it (text as stored, other text types cast).
        text = as_text(raw, mapped.data_type)
        # Only text can be blank without being NULL, or hold a control character: other
        # types are not cast to text row by row.
        if column.required:
            missing = blank(text) if is_text else f"{raw} IS NULL"
            checks.append(Check(column.name, missing, "a blank", "a value"))
        if column.kind is Kind.ID and is_text:
            checks.append(
                Check(column.name, f"{text} ~ '[[:cntrl:]]'", "a control character",
                      EXPECTED[Kind.ID])
            )  # fmt: skip
            # Passed to the queries as stored (so the server plans with its statistics):
            # " A3" would be another account than "A3", where a file's cell is trimmed.
            checks.append(
                Check(column.name, f"{text} ~ '^{WHITE}|{WHITE}$'", "spaces around the value",
                      "the identifier without spaces before or after it")
            )  # fmt: skip
        if column.kind is Kind.MONTH and is_text:
            checks.append(
                Check(
                    column.name,
                    f"NOT ({text} ~ '^[0-9]{{4}}-(0[1-9]|1[0-2])$')",
                    "a value that is not a month",
                    "a month written 2024-09",
                )  # fmt: skip
            )
        if column.kind is Kind.CODE or (column.kind is Kind.BOOL and is_text):
            known = ", ".join(literal(v) for v in sorted(mapped.codes))
            # NOT IN of an empty list would be NULL for every row: nothing known, all bad.
            unknown = f" AND CAST({raw} AS TEXT) NOT IN ({known})" if known else ""
            checks.append(
                Check(
                    column.name,
                    f"(NOT {blank(f'CAST({raw} AS TEXT)')}{unknown})",
                    "a value that is not allowed",
                    column.expected(),
                )  # fmt: skip
            )
        if column.kind is Kind.BOOL and mapped.data_type in ("smallint", "integer", "bigint"):
            checks.append(
                Check(column.name, f"{raw} NOT IN (0, 1)", "a number other than 0 or 1",
                      EXPECTED[Kind.BOOL])
            )  # fmt: skip
        numeric = f"CAST({raw} AS NUMERIC)"
        if column.kind is Kind.INT and mapped.data_type == "numeric":
            checks.append(
                Check(
                    column.name, f"{numeric} <> trunc({numeric})", "a fraction", EXPECTED[Kind.INT]
                )  # fmt: skip
            )
        if column.kind is Kind.MONEY:
            checks.append(
                Check(
                    column.name,
                    f"{numeric} * 100 <> trunc({numeric} * 100)",
                    "fractions of a cent",
                    "an amount in whole cents",
                )  # fmt: skip
            )
            checks.append(
                Check(
                    column.name,
                    f"abs({numeric}) > {MAX_AMOUNT}",
                    "an amount too large",
                    f"an amount of at most {MAX_AMOUNT:,}",
                )  # fmt: skip
            )
        if column.minimum is not None:
            checks.append(
                Check(
                    column.name,
                    f"{numeric} < {int(column.minimum)}",
                    f"a value below {column.minimum}",
                    f"{column.minimum} or more",
                )  # fmt: skip
            )
        if column.above_zero:
            checks.append(
                Check(column.name, f"{numeric} <= 0", "zero or less", "an amount above zero")
            )
    return checks


def check_table(session: PostgresSession, table: MappedTable) -> list[Problem]:
    """Every per-cell rule of one table, in one scan; examples for those that fail."""
    checks = column_checks(table)
    if not checks:
        return []
    counts = session.run(
        "SELECT "
        + ", ".join(f"count(*) FILTER (WHERE {check.condition})" for check in checks)
        + f" FROM {table.relation} t"
    ).fetchone()
    assert counts is not None
    problems = []
    for check, count in zip(checks, counts, strict=True):
        if not count:
            continue
        examples = _examples(session, table, check.condition, check.column)
        problems.append(
            Problem(
                table.located.label,
                None,
                table.header(check.column),
                f"{count:,} row(s) with {check.found}, e.g. {examples}",
                check.expected,
            )
        )
    return problems


def _examples(session: PostgresSession, table: MappedTable, condition: str, column: str) -> str:
    keys = [k for k in _KEYS[table.located.table] if k in table.columns and k != column]
    shown = [*keys, column]
    selected = ", ".join(f"CAST(t.{quote(table.header(k))} AS TEXT)" for k in shown)
    rows = session.run(
        f"SELECT {selected} FROM {table.relation} t WHERE {condition} "
        f"ORDER BY {', '.join(str(i + 1) for i in range(len(shown)))} LIMIT {EXAMPLES}"
    ).fetchall()
    return "; ".join(
        ", ".join(f"{table.header(k)} {_cell(v)}" for k, v in zip(shown, row, strict=True))
        for row in rows
    )


def _cell(value: object) -> str:
    return "(blank)" if value is None or str(value).strip() == "" else repr(str(value))


def cross_table_problems(session: PostgresSession, tables: dict[str, MappedTable]) -> list[Problem]:
    """Rules across rows and tables, over the canonical views: the roster, snapshots, promises."""
    problems: list[Problem] = []
    roster = tables["collectors"]
    twice = session.run(
        "SELECT collector_id, count(*) FROM collectors WHERE collector_id IS NOT NULL "
        f"GROUP BY 1 HAVING count(*) > 1 ORDER BY 1 LIMIT {EXAMPLES + 1}"
    ).fetchall()
    if twice:
        problems.append(
            Problem(
                roster.located.label,
                None,
                roster.header("collector_id"),
                ", ".join(f"{cid!r} {n} times" for cid, n in twice[:EXAMPLES]),
                "each collector once on the roster",
            )  # fmt: skip
        )
    for name, table in tables.items():
        if name == "collectors" or "collector_id" not in table.columns:
            continue
        off = session.run(
            f"SELECT collector_id, count(*) FROM {name} WHERE collector_id IS NOT NULL AND "
            "collector_id NOT IN (SELECT collector_id FROM collectors WHERE collector_id "
            f"IS NOT NULL) GROUP BY 1 ORDER BY 1"
        ).fetchall()
        if off:
            rows = sum(int(n) for _cid, n in off)
            problems.append(
                Problem(table.located.label, None, table.header("collector_id"),
                        f"{rows:,} row(s) of collector(s) not on the roster: "
                        + ", ".join(repr(cid) for cid, _n in off[:10]),
                        f"a collector_id on the collectors roster ({roster.located.label})")
            )  # fmt: skip
    repeated = session.run(
        "SELECT month, account_id, count(*) FROM accounts GROUP BY 1, 2 HAVING count(*) > 1 "
        f"ORDER BY 1, 2 LIMIT {EXAMPLES}"
    ).fetchall()
    if repeated:
        accounts = tables["accounts"]
        problems.append(
            Problem(
                accounts.located.label,
                None,
                accounts.header("account_id"),
                "; ".join(f"{a!r} {n} times in month {m}" for m, a, n in repeated),
                "each account once per month",
            )  # fmt: skip
        )
    if "contacts" in tables:
        problems.extend(_promise_problems(session, tables["contacts"]))
    return problems


def _promise_problems(session: PostgresSession, contacts: MappedTable) -> list[Problem]:
    label = contacts.located.label
    if "promise_date" not in contacts.columns:
        count = session.run("SELECT count(*) FROM contacts WHERE outcome = 'promise'").fetchone()
        if count and count[0]:
            return [
                Problem(label, None, "promise_date",
                        f"no such column, but {count[0]:,} contact(s) are promises",
                        "a promise_date column (承诺日期) saying when each promise falls due")
            ]  # fmt: skip
        return []
    header = contacts.header("promise_date")
    problems = []
    for condition, found, expected in (
        ("promise_date IS NULL", "a blank on a promise",
         "the date the debtor promised to pay (outcome is promise)"),
        ("promise_date < CAST(contacted_at AS DATE)", "a date before the contact's date",
         "a date on or after the contact's date"),
    ):  # fmt: skip
        rows = session.run(
            f"SELECT count(*) FROM contacts WHERE outcome = 'promise' AND {condition}"
        ).fetchone()
        if rows and rows[0]:
            shown = session.run(
                "SELECT account_id, CAST(contacted_at AS TEXT) FROM contacts WHERE "
                f"outcome = 'promise' AND {condition} ORDER BY 1, 2 LIMIT {EXAMPLES}"
            ).fetchall()
            examples = "; ".join(f"account {a!r} at {t}" for a, t in shown)
            problems.append(
                Problem(
                    label,
                    None,
                    header,
                    f"{rows[0]:,} row(s) with {found}, e.g. {examples}",
                    expected,
                )  # fmt: skip
            )
    return problems
