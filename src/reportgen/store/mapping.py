"""Which table of a database holds each of the six tables, and which column each column.

A centre points reportgen at its collection system as it is: ``[database.tables]``
and ``[database.columns.<table>]`` in reportgen.toml name them where they differ,
and everything not named is found by the same names and aliases as a file's
headers (``催收记录``, ``联系时间``, traditional spellings included). One
module serves SQLite (read through the loader) and PostgreSQL (queried in place).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from reportgen.config import Database
from reportgen.data.aliases import AliasBook, name_key, table_for_name
from reportgen.data.dataset import REQUIRED_TABLES, TABLES
from reportgen.errors import Problem


@dataclass(frozen=True)
class DatabaseTable:
    """One of the six tables as the database holds it."""

    table: str  # canonical: "contacts"
    name: str  # in the database: "催收记录"
    label: str  # how messages name it: "postgresql://…/centre table 催收记录"


def locate_database_tables(
    shown: str, listed: list[str], database: Database
) -> tuple[dict[str, DatabaseTable], list[Problem]]:
    """Each table the database holds (by the settings, then by name), and what is missing."""
    found: dict[str, DatabaseTable] = {}
    problems: list[Problem] = []
    present = set(listed)
    for table, name in database.tables.items():
        if name not in present:
            problems.append(
                Problem(
                    f"{shown} table {name}",
                    None,
                    None,
                    "no such table or view",
                    f"the table holding {table}, as [database.tables] {table} says",
                )
            )
            continue
        found[table] = DatabaseTable(table, name, f"{shown} table {name}")
    named = set(database.tables.values())
    for name in sorted(listed):
        table = table_for_name(name)
        if table is None or table in database.tables or name in named:
            continue
        if table in found:
            problems.append(
                Problem(
                    f"{shown} table {name}",
                    None,
                    None,
                    f"a second {table} table (the first is {found[table].name})",
                    f"one table per table; name the right one in [database.tables] {table}",
                )
            )
            continue
        found[table] = DatabaseTable(table, name, f"{shown} table {name}")
    for table in REQUIRED_TABLES:
        if table not in found and table not in database.tables:
            problems.append(
                Problem(
                    shown,
                    None,
                    None,
                    f"no {table} table",
                    f"a table or view named {table} (or an alias such as those of a file), "
                    f"or its name in [database.tables] {table}",
                )
            )
    ordered = {t: found[t] for t in TABLES if t in found}
    return ordered, problems


def database_alias_book(book: AliasBook, database: Database) -> AliasBook:
    """``book`` with the columns named in ``[database.columns]`` as headers of their tables."""
    headers = {table: dict(mapping) for table, mapping in book.headers.items()}
    for table, columns in database.columns.items():
        for column, name in columns.items():
            headers[table][name_key(name)] = column
    return replace(book, headers=headers)


def map_columns(
    table: str, names: list[str], book: AliasBook, database: Database
) -> dict[str, str]:
    """``{column: database column}`` of ``table``: the settings' first, then by alias.

    A database column is used once; a column the settings name wins over one that
    only looks like it.
    """
    mapped: dict[str, str] = {}
    used: set[str] = set()
    present = set(names)
    for column, name in database.columns.get(table, {}).items():
        if name in present:
            mapped[column] = name
            used.add(name)
    for name in names:
        if name in used:
            continue
        column = book.column_for_header(table, name)
        if column is not None and column not in mapped:
            mapped[column] = name
            used.add(name)
    return mapped


def missing_named_columns(
    found: DatabaseTable, names: list[str], database: Database
) -> list[Problem]:
    """A column ``[database.columns]`` names that the table does not have."""
    present = set(names)
    return [
        Problem(
            found.label,
            None,
            name,
            "no such column",
            f"the column holding {column}, as [database.columns.{found.table}] {column} says "
            f"(the table has {', '.join(names[:20])})",
        )
        for column, name in database.columns.get(found.table, {}).items()
        if name not in present
    ]
