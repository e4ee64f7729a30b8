"""A PostgreSQL database as SOURCE: checked and queried in place, nothing copied.

Opening one:

1. connects (password from ``PGPASSWORD`` or ``~/.pgpass``);
2. lists the schema's tables and columns and maps them to the six tables
   (:mod:`reportgen.store.mapping`), refusing a missing table or column and a
   column of the wrong type, by name;
3. reads the distinct values of each code column (a few dozen) to map them;
4. runs the loader's rules as queries (:mod:`reportgen.store.postgres_checks`);
5. creates the canonical tables as temporary views of this connection.

The metric queries then run inside the server through
:class:`~reportgen.store.postgres_session.PostgresSession`.
"""

from __future__ import annotations

from reportgen.config import Config
from reportgen.data.aliases import AliasBook, build_alias_book
from reportgen.data.dataset import REQUIRED_TABLES
from reportgen.data.read_sqlite import quote
from reportgen.data.schema import SCHEMA, Kind
from reportgen.errors import DataError, Problem, ReportgenError
from reportgen.store.database_url import DatabaseUrl
from reportgen.store.mapping import (
    database_alias_book,
    locate_database_tables,
    map_columns,
    missing_named_columns,
)
from reportgen.store.postgres_checks import check_table, cross_table_problems
from reportgen.store.postgres_session import PostgresSession
from reportgen.store.postgres_tables import (
    TEXT_TYPES,
    MappedColumn,
    MappedTable,
    check_types,
    code_mapping,
    view_sql,
)
from reportgen.store.store import Store


def open_postgres(source: DatabaseUrl, config: Config, *, skip_bad_rows: bool = False) -> Store:
    """The database's tables, checked, as a :class:`Store` whose queries run in the server."""
    if skip_bad_rows:
        raise ReportgenError(
            f"{source.shown}: --skip-bad-rows reads files; a database's rows are fixed where "
            "they live (the problems are listed without it)"
        )
    session = PostgresSession(source)
    try:
        tables = _mapped_tables(session, source, config)
        # From here on an unqualified name is one of reportgen's temporary objects, never a
        # table of the user's that happens to share its name (the centre's tables are
        # always named with their schema).
        session.run(ONLY_TEMPORARY_NAMES)
        # The views are created before the checks (creating one reads no row): the rules
        # across tables read them, and the metrics then use the very same views.
        setup = [view_sql(table, config.organisation.timezone) for table in tables.values()]
        for statement in setup:
            session.run(statement)
        session.setup = [ONLY_TEMPORARY_NAMES, *setup]
        _check(session, tables)
        return Store.describe(
            session,
            sources={},
            skipped_rows={},
            tables={name: list(table.columns) for name, table in tables.items()},
            origin=source,
            relations={
                name: f"{table.schema}.{table.located.name}" for name, table in tables.items()
            },
        )
    except BaseException:
        session.close()
        raise


ONLY_TEMPORARY_NAMES = "SET search_path = pg_temp"


def _schema(session: PostgresSession, config: Config) -> str:
    if config.database.schema:
        return config.database.schema
    row = session.run("SELECT current_schema()").fetchone()
    if row is None or row[0] is None:
        raise ReportgenError(
            f"{session.source.shown}: no schema on the search path; set [database] schema"
        )
    return str(row[0])


def _mapped_tables(
    session: PostgresSession, source: DatabaseUrl, config: Config
) -> dict[str, MappedTable]:
    schema = _schema(session, config)
    listing: dict[str, list[tuple[str, str]]] = {}
    for table, column, data_type in session.run(
        "SELECT table_name, column_name, data_type FROM information_schema.columns "
        "WHERE table_schema = %s ORDER BY table_name, ordinal_position",
        (schema,),
    ).fetchall():
        listing.setdefault(table, []).append((column, data_type))
    if not listing:
        raise ReportgenError(
            f"{source.shown}: schema {schema!r} holds no table this user can read"
            + ("" if config.database.schema else "; set [database] schema")
        )
    shown = source.shown if schema == "public" else f"{source.shown} schema {schema}"
    located, problems = locate_database_tables(shown, list(listing), config.database)
    book = database_alias_book(build_alias_book(config.aliases), config.database)
    tables: dict[str, MappedTable] = {}
    for name, where in located.items():
        names = [column for column, _type in listing[where.name]]
        types = dict(listing[where.name])
        problems.extend(missing_named_columns(where, names, config.database))
        found = map_columns(name, names, book, config.database)
        for column in SCHEMA[name].required_names:
            if column not in found:
                problems.append(
                    Problem(
                        where.label,
                        None,
                        column,
                        "no such column",
                        f"a column {column} (or an alias of it), or its name in "
                        f"[database.columns.{name}] {column}",
                    )  # fmt: skip
                )
        pairs = {column: (db_name, types[db_name]) for column, db_name in found.items()}
        problems.extend(check_types(where, pairs, config.organisation.timezone))
        columns = {
            column: MappedColumn(SCHEMA[name].column(column), db_name, types[db_name])  # type: ignore[arg-type]
            for column, db_name in found.items()
        }
        tables[name] = MappedTable(where, schema, columns)
    if problems:
        raise DataError(problems)
    for table in tables.values():
        _map_codes(session, table, book)
    missing = [t for t in REQUIRED_TABLES if t not in tables]
    assert not missing, missing
    return tables


def _map_codes(session: PostgresSession, table: MappedTable, book: AliasBook) -> None:
    """Each code column's distinct stored values, mapped to reportgen's codes."""
    for mapped in table.columns.values():
        column = mapped.column
        text_bool = column.kind is Kind.BOOL and mapped.data_type in TEXT_TYPES
        if column.kind is not Kind.CODE and not text_bool:
            continue
        values = [
            row[0]
            for row in session.run(
                f"SELECT DISTINCT CAST({quote(mapped.name)} AS TEXT) FROM {table.relation} "
                f"WHERE {quote(mapped.name)} IS NOT NULL"
            ).fetchall()
        ]
        mapped.codes, unknown = code_mapping(column, values, book)  # unknown: checked later
        mapped.unmapped = bool(unknown)


def _check(session: PostgresSession, tables: dict[str, MappedTable]) -> None:
    """Every rule, every table; one DataError listing them all.

    The rules of each cell read the stored columns; only when they all hold do the
    rules across tables read the canonical views (a bad cell would fail a cast there).
    """
    problems: list[Problem] = []
    for table in tables.values():
        problems.extend(check_table(session, table))
    if problems:
        raise DataError(problems)
    problems.extend(cross_table_problems(session, tables))
    if problems:
        raise DataError(problems)
