"""Loading a data source into a :class:`Dataset`, checking everything on the way.

The steps, for each table: find its file (read_source), read every cell as
text (read_csv / read_xlsx / read_parquet), match headers to canonical
columns (aliases), convert and check each column (validate_cells), then the
rules across cells and tables (validate_rules). Every problem of every file
is gathered before anything is raised, so the user fixes them all in one go.

With ``skip_bad_rows`` the rows with problems are dropped and counted per
file instead; problems with a whole file or column, or a collector listed
twice on the roster, cannot be skipped and still raise.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import duckdb
import numpy as np
import pandas as pd

from reportgen.config import Config
from reportgen.data import validate_rules as rules
from reportgen.data.aliases import HEADER_ALIASES, TABLE_ALIASES, AliasBook, build_alias_book
from reportgen.data.dataset import REQUIRED_TABLES, TABLES, Dataset
from reportgen.data.numbers import MAX_AMOUNT
from reportgen.data.plain_rows import (
    HeldApart,
    PlainPlan,
    TextColumn,
    append_plain_rows,
    plan_plain_rows,
)
from reportgen.data.prefetch import Prefetched
from reportgen.data.read_common import RawTable, UnreadableFile, drop_blank_rows, header_like
from reportgen.data.read_csv import StreamInterrupted, read_csv_chunks, read_csv_table
from reportgen.data.read_parquet import read_parquet_chunks
from reportgen.data.read_source import TableFile, locate_tables, sheet_for_table, source_label
from reportgen.data.read_sqlite import read_sqlite_chunks, sqlite_tables
from reportgen.data.read_xlsx import read_sheet
from reportgen.data.schema import SCHEMA, Kind
from reportgen.data.sink import TableSink
from reportgen.data.validate_cells import Reading, convert_column
from reportgen.data.validate_errors import UnlistedDataError
from reportgen.data.validate_rules import RuleBreach
from reportgen.errors import ConfigError, DataError, Problem
from reportgen.scope import Scope
from reportgen.store.database_url import DatabaseUrl
from reportgen.store.mapping import (
    database_alias_book,
    locate_database_tables,
    map_columns,
    missing_named_columns,
)

__all__ = ["load_into", "load_source"]


# Problems worded per file; beyond this they are only counted. The message
# shows 50 per file, and wording millions of problems would take minutes.
_WORDED_PER_FILE = 1000


@dataclass
class _LoadedTable:
    """One table while it is being loaded."""

    file: TableFile
    raw: RawTable
    header_of: dict[str, str]  # canonical column -> header as the user wrote it
    frame: pd.DataFrame
    bad: np.ndarray
    worded_limit: int  # 0 when skipping bad rows: they are counted, not listed
    problems: list[Problem] = field(default_factory=list)  # row problems (skippable)
    not_listed: int = 0  # row problems beyond worded_limit
    money: dict[str, int] = field(default_factory=dict)  # header → total of |cents|
    promises_without_dates: int = 0  # contacts: promises when there is no promise_date column

    def add(
        self,
        positions: np.ndarray,
        header: str | None,
        expected: str,
        describe: Callable[[np.ndarray], list[str]],
    ) -> None:
        """Mark rows bad; word the problem for as many as the listing takes."""
        self.bad[positions] = True
        room = max(self.worded_limit - len(self.problems), 0)
        worded = positions[:room]
        self.problems.extend(
            Problem(self.file.label, int(self.raw.rows[p]), header, text, expected)
            for p, text in zip(worded, describe(worded), strict=True)
        )
        self.not_listed += len(positions) - len(worded)

    def report(self, breach: RuleBreach | None, *, skippable: bool = True) -> list[Problem]:
        """Mark the rows of ``breach`` bad and word its problems.

        Problems that cannot be skipped are returned, all worded; skippable
        ones join the table's row problems.
        """
        if breach is None:
            return []
        header = self.header_of.get(breach.column, breach.column)
        if skippable:
            self.add(breach.positions, header, breach.expected, breach.describe)
            return []
        self.bad[breach.positions] = True
        return [
            Problem(self.file.label, int(self.raw.rows[p]), header, text, breach.expected)
            for p, text in zip(breach.positions, breach.describe(breach.positions), strict=True)
        ]


# Plain rows of CSV chunks are checked and converted in SQL (see plain_rows); tests
# turn this off to compare with the Python checks alone.
PLAIN_ROWS_IN_SQL = True

# Rows read, checked and appended at a time: memory stays that of one chunk (a few
# hundred MB) however large a table's file is.
CHUNK_ROWS = 1_000_000


@dataclass
class Loaded:
    """What :func:`load_into` tells about the tables it wrote."""

    sources: dict[str, Path] = field(default_factory=dict)
    skipped_rows: dict[str, int] = field(default_factory=dict)
    # With contacts_of: the collectors whose contacts were all kept, where some others'
    # were not (None: everyone's were), and per table the good rows checked but not kept.
    contacts_of: frozenset[str] | None = None
    held_apart: dict[str, HeldApart] = field(default_factory=dict)


def load_source(
    source: Path | str, config: Config | None = None, *, skip_bad_rows: bool = False
) -> Dataset:
    """Read and check every table of ``source`` (a folder or an .xlsx workbook) into frames.

    Raises :class:`DataError` listing every problem found, per file. The tables pass
    through an in-memory DuckDB database (see :func:`load_into`); commands use that
    database directly, this whole-frame form is for Python callers and tests.
    """
    from reportgen.store.store import connect, in_memory_settings

    engine = config.engine if config is not None else None
    con = connect(":memory:", in_memory_settings(engine))
    try:
        loaded = load_into(con, source, config, skip_bad_rows=skip_bad_rows)
        dataset = Dataset(collectors=None, accounts=None)  # type: ignore[arg-type]
        for name in TABLES:
            if name in loaded.sources:
                setattr(dataset, name, _finish(name, con.execute(f"SELECT * FROM {name}").df()))
        dataset.sources = loaded.sources
        dataset.skipped_rows = loaded.skipped_rows
        return dataset
    finally:
        con.close()


def load_into(
    con: duckdb.DuckDBPyConnection,
    source: Path | str | DatabaseUrl,
    config: Config | None = None,
    *,
    skip_bad_rows: bool = False,
    chunk_rows: int | None = None,
    contacts_of: Scope | None = None,
) -> Loaded:
    """Read and check every table of ``source`` into tables of ``con``, a chunk at a time.

    Raises :class:`DataError` listing every problem found, per file; the tables
    written so far are then of no use (the caller discards the database).

    ``contacts_of``: the one scope the tables are loaded for (a collector's or a team's
    report). Every row is checked all the same, but of the contacts (the bulk of a
    source, and read only for the scopes' own collectors) only that scope's collectors'
    are sure to be kept; :attr:`Loaded.contacts_of` says whose.
    """
    config = config or Config()
    chunk_rows = chunk_rows or CHUNK_ROWS
    book = build_alias_book(config.aliases)
    reading = Reading(config.organisation.currency, _checked_zone(config.organisation.timezone))
    if isinstance(source, DatabaseUrl):
        book = database_alias_book(book, config.database)
        files, fatal = _locate_in_sqlite(source, config, book)
    else:
        source = Path(source)
        if not source.exists():
            found = "nothing at this path"
            raise DataError([Problem(str(source), None, None, found, "a folder or .xlsx workbook")])
        files, fatal = locate_tables(source)
        if not fatal:  # a source that is not a folder or workbook has no tables to miss
            fatal.extend(_missing_table(source, t) for t in REQUIRED_TABLES if t not in files)

    run = _Run(
        book=book,
        reading=reading,
        fatal=fatal,
        worded=0 if skip_bad_rows else _WORDED_PER_FILE,
        sink=TableSink(con),
        skip_bad_rows=skip_bad_rows,
    )
    sink, worded = run.sink, run.worded
    states: dict[str, _FileState] = {}
    tables = [table for table in TABLES if table in files]
    rows_of = {table: chunk_rows if table != "collectors" else None for table in tables}
    ahead: dict[str, Iterator | None] = {}
    try:
        for index, table in enumerate(tables):
            if index + 1 < len(tables):  # so that no file starts with a wait for its first chunk
                following = tables[index + 1]
                ahead[following] = _read_ahead(files[following], run, rows_of[following])
            state = _load_streamed(files[table], run, rows_of[table], ahead.pop(table, None))
            if state is None:
                continue
            states[table] = state
            if table == "collectors":
                run.roster, run.roster_label = state.roster, files[table].label
                run.kept_contacts = _collectors_of(contacts_of, sink)
    finally:
        for chunks in ahead.values():
            if chunks is not None:
                _close(chunks)

    if "accounts" in states:
        _snapshot_duplicates(states["accounts"], sink, worded)
    for state in states.values():
        state.add_deferred(worded)

    row_problems = [p for state in states.values() for p in state.problems]
    if skip_bad_rows and fatal:
        raise DataError(_in_reading_order(fatal))
    if not skip_bad_rows and (fatal or row_problems):
        not_listed = {s.file.label: s.not_listed for s in states.values() if s.not_listed}
        listing = _in_reading_order(fatal + row_problems)
        raise UnlistedDataError(listing, not_listed) if not_listed else DataError(listing)

    # Whose contacts were all kept is worth saying only when some were not: a file read
    # whole (a workbook, a CSV file read again after a bad row) keeps everyone's.
    contacts = states.get("contacts")
    filtered = contacts is not None and contacts.held_apart is not None
    loaded = Loaded(contacts_of=run.kept_contacts if filtered else None)
    for name, state in states.items():
        if state.held_apart is not None and state.held_apart.rows:
            loaded.held_apart[name] = state.held_apart
        dropped = sink.bad_rows(name) + state.unusable_rows + state.dropped_rows
        if dropped:
            loaded.skipped_rows[state.file.label] = dropped
        sink.finish(name, drop_bad=skip_bad_rows)
        loaded.sources[name] = state.file.path
    return loaded


@dataclass
class _FileState:
    """One table's file while its chunks are read: what has been found so far."""

    file: TableFile
    header_of: dict[str, str]
    problems: list[Problem] = field(default_factory=list)
    not_listed: int = 0
    dropped_rows: int = 0
    unusable_rows: int = 0  # rows with a cell that could not be read (never appended)
    money: dict[str, int] = field(default_factory=dict)  # column → total of |cents|
    roster: pd.Series | None = None  # collectors only: the ids on the roster
    promises_without_dates: int = 0
    deferred: list[list[Problem]] = field(default_factory=list)  # off-roster, worded later
    deferred_unworded: int = 0
    held_apart: HeldApart | None = None  # good rows checked and not kept (see contacts_of)

    def merge(self, chunk: _LoadedTable) -> None:
        self.problems.extend(chunk.problems)
        self.not_listed += chunk.not_listed
        self.dropped_rows += chunk.raw.dropped_rows
        self.promises_without_dates += chunk.promises_without_dates

    def defer(self, rows: np.ndarray, breach: RuleBreach, limit: int) -> None:
        """Keep a breach's problems (at most ``limit`` worded) to add after later rules."""
        header = self.header_of.get(breach.column, breach.column)
        room = max(limit - sum(len(d) for d in self.deferred), 0)
        shown = breach.positions[:room]
        self.deferred.append(
            [
                Problem(self.file.label, int(rows[p]), header, text, breach.expected)
                for p, text in zip(shown, breach.describe(shown), strict=True)
            ]
        )
        self.deferred_unworded += len(breach.positions) - len(shown)

    def add_deferred(self, limit: int) -> None:
        """Add the deferred problems within the file's listing limit; count the rest."""
        pending = [problem for batch in self.deferred for problem in batch]
        room = max(limit - len(self.problems), 0)
        self.problems.extend(pending[:room])
        self.not_listed += len(pending) - len(pending[:room]) + self.deferred_unworded
        self.deferred, self.deferred_unworded = [], 0


def _chunks(
    file: TableFile, book: AliasBook, timezone: str, chunk_rows: int | None
) -> Iterator[tuple[RawTable, PlainPlan | None]]:
    """The table's rows as RawTable chunks (one chunk when ``chunk_rows`` is None), each
    with what appending its plain rows in SQL needs (worked out ahead, in the reading
    thread, for big files)."""

    def header_kind(header: str) -> Kind | None:
        column = book.column_for_header(file.table, header)
        return SCHEMA[file.table].column(column).kind if column else None  # type: ignore[union-attr]

    def planned(chunks: Iterator[RawTable]) -> Iterator[tuple[RawTable, PlainPlan | None]]:
        return ((raw, _plain_plan(file, raw, book)) for raw in chunks)

    if file.database_table is not None:
        return planned(read_sqlite_chunks(
            file.path, file.table, file.database_table, file.label, header_kind,
            chunk_rows or 1 << 30, file.database_columns,
        ))  # fmt: skip
    if chunk_rows is not None and file.format in (".csv", ".csv.gz"):
        return Prefetched(
            planned(read_csv_chunks(file.path, file.table, file.label, header_kind, chunk_rows))
        )
    if chunk_rows is not None and file.format in (".parquet", ".pq"):
        return Prefetched(
            planned(
                read_parquet_chunks(
                    file.path, file.table, file.label, header_kind, timezone, chunk_rows
                )
            )
        )
    return planned(iter([_read(file, book, timezone)]))


@dataclass
class _Run:
    """What loading every table of one source shares."""

    book: AliasBook
    reading: Reading
    fatal: list[Problem]  # whole-file problems of every file
    worded: int  # problems worded per file (0 when skipping bad rows)
    sink: TableSink
    skip_bad_rows: bool
    roster: pd.Series | None = None  # the collector ids, once the roster is loaded
    roster_label: str = ""
    _roster_ids: frozenset[str] | None = None
    # Whose contacts are sure to be kept (None: everyone's), once the roster is loaded.
    kept_contacts: frozenset[str] | None = None

    def roster_ids(self) -> frozenset[str] | None:
        """The roster's ids as a set, for the plain rows' SQL; ``None`` before the roster."""
        if self.roster is None:
            return None
        if self._roster_ids is None:
            self._roster_ids = frozenset(self.roster.astype("str").tolist())
        return self._roster_ids


def _load_streamed(
    file: TableFile, run: _Run, chunk_rows: int | None, ahead: Iterator | None = None
) -> _FileState | None:
    """Load one table chunk by chunk into ``sink``; ``None`` if it cannot be used.

    ``ahead``: the file's chunks, already being read (see :func:`_read_ahead`).
    A CSV file the stream cannot read to the end (rows of the wrong width, text
    that stops being UTF-8) is read again whole, which handles both.
    """
    fatal = run.fatal
    fatal_before = len(fatal)
    for rows in (chunk_rows, None):
        chunks: Iterator | None = ahead
        ahead = None
        try:
            # A file read whole (a workbook) is read here, and may raise UnreadableFile.
            chunks = chunks or _chunks(file, run.book, run.reading.timezone, rows)
            return _load_chunks(chunks, file, run)
        except StreamInterrupted:
            del fatal[fatal_before:]
            run.sink.discard(file.table)
        except UnreadableFile as exc:
            del fatal[fatal_before:]
            run.sink.discard(file.table)
            fatal.append(Problem(file.label, exc.row, exc.column, exc.found, exc.expected))
            return None
        finally:
            if chunks is not None:
                _close(chunks)
    raise AssertionError("the whole-file reader does not stop part way")


def _read_ahead(file: TableFile, run: _Run, chunk_rows: int | None) -> Iterator | None:
    """The chunks of a file read as a stream, its reading started now (so while the
    file before it is loaded); ``None`` for a file read whole when its turn comes."""
    streamed = (".csv", ".csv.gz", ".parquet", ".pq")
    if chunk_rows is None or file.database_table is not None or file.format not in streamed:
        return None
    return _chunks(file, run.book, run.reading.timezone, chunk_rows)


def _close(chunks: Iterator) -> None:
    """Stop reading ``chunks`` (a reading thread, open files), if not done already."""
    close = getattr(chunks, "close", None)
    if close is not None:
        close()


def _load_chunks(chunks, file: TableFile, run: _Run) -> _FileState | None:
    fatal, worded, roster = run.fatal, run.worded, run.roster
    state: _FileState | None = None
    for whole, plan in chunks:
        raw, plain_money, held = _append_plain_rows(file, whole, plan, run)
        room = max(worded - len(state.problems), 0) if state is not None else worded
        found: list[Problem] = []
        chunk = _load_table(
            file, drop_blank_rows(raw), run.book, run.reading, found, room,
            state.money if state is not None else {},
        )  # fmt: skip
        # The header is the same in every chunk: a whole-file problem is said once.
        said = {(p.file, p.column) for p in fatal}
        fatal.extend(p for p in found if state is None or (p.file, p.column) not in said)
        if chunk is None:
            return None
        if state is None:
            state = _FileState(file, chunk.header_of, money=chunk.money)
        for column, total in plain_money.items():
            header = chunk.header_of[column]
            state.money[header] = state.money.get(header, 0) + total
        if held is not None:
            state.held_apart = held if state.held_apart is None else state.held_apart + held
        # Rows whose cells all read take part in the rules across rows (and are kept).
        usable = ~chunk.bad.copy()
        if file.table == "collectors":
            # Not skippable: with a collector twice, which team their work counts for is unknown.
            fatal.extend(chunk.report(_roster_duplicates(chunk), skippable=False))
            ids = chunk.frame["collector_id"]
            on_roster = ids.notna().to_numpy() & (~chunk.bad if run.skip_bad_rows else True)
            state.roster = ids[on_roster]
        elif roster is not None:
            ids = chunk.frame["collector_id"]
            breach = rules.off_roster_rows(ids, ids.notna().to_numpy(), roster, run.roster_label)
            if breach is not None:
                # Worded after the rules across the whole table, as they come first.
                chunk.bad[breach.positions] = True
                state.defer(chunk.raw.rows, breach, worded)
        state.merge(chunk)
        state.unusable_rows += int((~usable).sum())
        failing = not run.skip_bad_rows and (fatal or state.problems)
        if file.table == "accounts" or not failing:
            keep = np.flatnonzero(usable)
            frame = _finish(file.table, chunk.frame.iloc[keep].reset_index(drop=True))
            frame["_source_row"] = chunk.raw.rows[keep]
            frame["_usable"] = True
            frame["_bad"] = chunk.bad[keep]
            run.sink.append(file.table, frame)
    if state is not None:
        fatal.extend(
            problem
            for column, total in state.money.items()
            if (problem := _money_total(file, column, total)) is not None
        )
        if state.promises_without_dates:
            fatal.append(_undated_promises(file, state.promises_without_dates))
    return state


def _plain_plan(file: TableFile, raw: RawTable, book: AliasBook) -> PlainPlan | None:
    """What appending the chunk's plain rows in SQL needs (see :mod:`plain_rows`);
    ``None`` when the chunk goes whole to the Python checks.

    Only for chunks read as Arrow text (CSV files), and not the roster, whose rules
    look across its rows.
    """
    if not PLAIN_ROWS_IN_SQL or raw.text is None or file.table == "collectors":
        return None
    if raw.row_count == 0:
        return None
    _, position_of, problems = _match_headers(file, raw, book)
    if problems:
        return None
    schema = SCHEMA[file.table]
    columns = [
        TextColumn(
            schema.column(name),  # type: ignore[arg-type]
            position,
            frozenset(_header_names(raw, book, name, position)),
        )
        for name, position in position_of.items()
    ]
    value_maps = {name: book.value_map(name) for name in position_of}
    return plan_plain_rows(raw.text, columns, value_maps)


def _append_plain_rows(
    file: TableFile, raw: RawTable, plan: PlainPlan | None, run: _Run
) -> tuple[RawTable, dict[str, int], HeldApart | None]:
    """Append the chunk's plain rows in SQL; the rest of the chunk, left to the Python
    checks, the money (column -> |cents|) of the plain rows, and the plain rows checked
    but not kept (see ``contacts_of``)."""
    if plan is None or raw.text is None:
        return raw, {}, None
    keep = run.kept_contacts if file.table == "contacts" else None
    if keep is not None and len(keep) > _MOST_KEPT_COLLECTORS:
        keep = None  # kept all: a longer filter would cost what it saves
    plain = append_plain_rows(
        run.sink, file.table, raw.text, raw.rows, plan, run.roster_ids(), keep
    )
    if plain is None:
        return raw, {}, None
    return raw.subset(plain.others), plain.money, plain.held_apart


# Collectors whose contacts a load keeps, beyond which it keeps everyone's (the filter is
# written as comparisons, one per collector; see plain_rows).
_MOST_KEPT_COLLECTORS = 64


def _collectors_of(scope: Scope | None, sink: TableSink) -> frozenset[str] | None:
    """The collectors whose contacts ``scope``'s metrics read; None for everyone's.

    A team's members as the roster lists them: a member whose row turns out bad only
    makes the set larger than needed, which keeps rows, never loses one."""
    if scope is None or scope.kind == "all":
        return None
    if scope.kind == "collector":
        return frozenset({str(scope.id)})
    if not sink.has("collectors"):
        return None
    found = sink.con.execute(
        "SELECT DISTINCT collector_id FROM collectors WHERE team_id = ? "
        "AND collector_id IS NOT NULL",
        [str(scope.id)],
    ).fetchall()
    return frozenset(row[0] for row in found)


def _undated_promises(file: TableFile, count: int) -> Problem:
    return Problem(
        file.label,
        None,
        "promise_date",
        f"no such column, but {count} contact(s) are promises",
        "a promise_date column (承诺日期) saying when each promise falls due",
    )


def _snapshot_duplicates(state: _FileState, sink: TableSink, worded: int) -> None:
    """An account may appear once in each month's snapshot (checked across every chunk)."""
    if not sink.has("accounts"):
        return
    room = max(worded - len(state.problems), 0)
    shown, total = sink.later_duplicates("accounts", ("account_id", "month"), room)
    header = state.header_of.get("account_id", "account_id")
    state.problems.extend(
        Problem(
            state.file.label,
            int(row),
            header,
            f"{rules.cell(account)} again for month {month} (first at row {first})",
            "each account once per month",
        )
        for row, account, month, first in shown
    )
    state.not_listed += total - len(shown)


def _checked_zone(name: str) -> str:
    """The configured time zone, once checked, so a typo fails before any file is read."""
    if not name:
        return ""
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(
            f"[organisation] timezone: unknown time zone {name!r}; "
            'expected an IANA name such as "Asia/Shanghai"'
        ) from None
    return name


def _locate_in_sqlite(
    source: DatabaseUrl, config: Config, book: AliasBook
) -> tuple[dict[str, TableFile], list[Problem]]:
    """The tables of a SQLite file, found as [database] says or by name, as TableFiles.

    Each table's columns are chosen as for PostgreSQL (:func:`map_columns`): the one
    the settings name wins over another that only looks like it, and only the chosen
    ones are read.
    """
    assert source.path is not None
    try:
        listed = sqlite_tables(source.path)
    except UnreadableFile as exc:
        return {}, [Problem(source.shown, None, None, exc.found, exc.expected)]
    found, problems = locate_database_tables(source.shown, list(listed), config.database)
    files = {}
    for table, located in found.items():
        problems.extend(missing_named_columns(located, listed[located.name], config.database))
        chosen = map_columns(table, listed[located.name], book, config.database)
        files[table] = TableFile(
            table, source.path, located.label, database_table=located.name,
            database_columns=tuple(chosen.values()),
        )  # fmt: skip
    return files, problems


def _missing_table(source: Path, table: str) -> Problem:
    examples = ", ".join([f"{table}.csv", f"{table}.xlsx", *TABLE_ALIASES[table][:2]])
    return Problem(
        source_label(source),
        None,
        None,
        f"no {table} table",
        f"a file or sheet named after it ({examples}); it is required",
    )


def _read(file: TableFile, book: AliasBook, timezone: str) -> RawTable:
    def header_kind(header: str) -> Kind | None:
        column = book.column_for_header(file.table, header)
        return SCHEMA[file.table].column(column).kind if column else None  # type: ignore[union-attr]

    if file.format in (".csv", ".csv.gz"):
        return read_csv_table(file.path, file.table, file.label, header_kind)
    if file.format in (".parquet", ".pq"):
        return next(read_parquet_chunks(file.path, file.table, file.label, header_kind, timezone))
    sheet = file.sheet or sheet_for_table(file.path, file.table)
    return read_sheet(file.path, sheet, file.table, file.label, header_kind)


def _load_table(
    file: TableFile,
    raw: RawTable,
    book: AliasBook,
    reading: Reading,
    fatal: list[Problem],
    worded_limit: int,
    money: dict[str, int],
) -> _LoadedTable | None:
    """Match headers, convert and check one chunk of a table; ``None`` if it cannot be used.

    Problems with the whole file go to ``fatal`` (given only for the first chunk); the
    money columns' totals of absolute cents are added up in ``money``.
    """
    header_of, position_of, found = _match_headers(file, raw, book)
    fatal.extend(found)
    if found:
        return None

    loaded = _LoadedTable(
        file,
        raw,
        header_of,
        pd.DataFrame(),
        np.zeros(raw.row_count, dtype=bool),
        worded_limit,
        problems=list(raw.problems),
        money=money,
    )
    _repeated_headers(loaded, book, position_of)
    frame: dict[str, pd.Series] = {}
    for column in SCHEMA[file.table].columns:
        if column.name not in header_of:
            continue
        cells = raw.cells[position_of[column.name]]
        converted = convert_column(cells, column, book.value_map(column.name), reading)
        frame[column.name] = converted.values
        if column.kind is Kind.MONEY:
            header = header_of[column.name]
            money[header] = money.get(header, 0) + exact_total(converted.values)
        for issue in converted.issues:
            loaded.add(
                np.flatnonzero(issue.mask),
                header_of[column.name],
                issue.expected,
                lambda some, cells=cells: [_found(v) for v in cells.iloc[some]],
            )
    loaded.frame = pd.DataFrame(frame, index=pd.RangeIndex(raw.row_count))
    _table_rules(loaded, fatal)
    return loaded


def _match_headers(
    file: TableFile, raw: RawTable, book: AliasBook
) -> tuple[dict[str, str], dict[str, int], list[Problem]]:
    """Which column of the file holds each canonical column, and the problems with that.

    Returns the header of each column as the user wrote it, its position among the
    file's columns, and the whole-file problems (a column twice, a required one missing).
    """
    header_of: dict[str, str] = {}
    position_of: dict[str, int] = {}
    problems: list[Problem] = []
    for position, header in enumerate(raw.headers):
        column = book.column_for_header(file.table, header) if header else None
        if column is None:
            continue  # a column reportgen does not use
        if column in header_of:
            problems.append(
                Problem(
                    file.label,
                    None,
                    header,
                    f"a second column for {column} (the first is '{header_of[column]}')",
                    f"one column for {column}; rename or remove one",
                )
            )
            continue
        header_of[column] = header
        position_of[column] = position
    for column in SCHEMA[file.table].required_names:
        if column not in header_of:
            problems.append(_missing_column(file, column))
    return header_of, position_of, problems


# Sums of money are int64 cents; bounding each column's total (of absolute
# values) keeps every sum of any of its rows exact. 2**62 leaves a factor two
# of headroom for adding two such sums (e.g. opening + new balances).
_MONEY_TOTAL_LIMIT = 2**62


def exact_total(cents: pd.Series) -> int:
    """The sum of the absolute values, exactly (as the SQL path's sum): each cell is at
    most MAX_AMOUNT yuan, but a million of them may pass int64, so the high and low 32
    bits are added up apart."""
    values = np.abs(cents.to_numpy(dtype="int64", na_value=0))
    return int((values >> 32).sum()) * 2**32 + int((values & 0xFFFFFFFF).sum())


def _money_total(file: TableFile, header: str, total: int) -> Problem | None:
    """A whole-column problem when the column's amounts (``total`` |cents|) could overflow."""
    if total < _MONEY_TOTAL_LIMIT:
        return None
    return Problem(
        file.label,
        None,
        header,
        f"amounts adding up to about {total / 100:.3g}",
        f"a column whose amounts add up to less than {_MONEY_TOTAL_LIMIT / 100:.3g} "
        f"(each amount at most {MAX_AMOUNT:,})",
    )


def _repeated_headers(table: _LoadedTable, book: AliasBook, position_of: dict[str, int]) -> None:
    """Rows that repeat the header (or another header of the same columns) are errors.

    Concatenated exports repeat the header row inside the data; in a table of
    text columns (the roster) it would otherwise load as a row of data.
    """
    raw = table.raw
    hits = np.zeros(raw.row_count, dtype=np.int64)
    needed = min(2, len(position_of))
    # Account ids are by far the costliest column to look through (hundreds of thousands
    # of distinct values), so they come last: by then only the rows that one more hit
    # would flag can still be a header row, and that is usually none.
    ordered = sorted(position_of.items(), key=lambda item: item[0] == "account_id")
    for index, (column, position) in enumerate(ordered):
        names = _header_names(raw, book, column, position)
        columns_left = len(ordered) - index
        rows = np.flatnonzero(hits + columns_left >= needed)
        if len(rows) == raw.row_count:
            hits += header_like(raw.cells[position], names)
        elif len(rows):
            hits[rows] += header_like(raw.cells[position].iloc[rows], names)
    positions = np.flatnonzero(hits >= needed)
    if len(positions):
        table.add(
            positions,
            None,
            "only data below the header row (remove the repeated header, or split the file)",
            lambda some: ["a second header row"] * len(some),
        )


def _header_names(raw: RawTable, book: AliasBook, column: str, position: int) -> set[str]:
    """What a cell of ``column`` holds in a repeated header row: any of its headers."""
    names = {raw.headers[position], column}
    names.update(h for h, c in book.headers[raw.table].items() if c == column)
    return names


def _found(value: object) -> str:
    return rules.cell(value) if isinstance(value, str) else "a blank cell"


def _missing_column(file: TableFile, column: str) -> Problem:
    aliases = HEADER_ALIASES.get(column, ())[:3]
    also = f" (or {', '.join(aliases)})" if aliases else ""
    return Problem(
        file.label,
        None,
        column,
        "no such column",
        f"a column headed {column}{also}; it is required",
    )


def _table_rules(table: _LoadedTable, fatal: list[Problem]) -> None:
    name = table.file.table
    frame = table.frame
    if name == "contacts":
        promises = (frame["outcome"] == "promise").to_numpy(dtype=bool, na_value=False)
        if "promise_date" not in frame:
            # Said once for the whole file, with the count over every chunk (see
            # _undated_promises); a missing column is not a row problem.
            table.promises_without_dates = int(promises.sum())
            return
        usable = ~table.bad
        table.report(rules.promise_without_date(frame, usable.copy()))
        table.report(rules.promise_before_contact(frame, usable & ~table.bad))


def _roster_duplicates(collectors: _LoadedTable) -> RuleBreach | None:
    usable = collectors.frame["collector_id"].notna().to_numpy()
    return rules.duplicate_roster_rows(collectors.frame, usable, collectors.raw.rows)


def _in_reading_order(problems: list[Problem]) -> list[Problem]:
    """Per file in first-seen order; whole-file problems first, then by row."""
    files = list(dict.fromkeys(p.file for p in problems))
    return sorted(
        problems,
        key=lambda p: (files.index(p.file), p.row is not None, p.row or 0),
    )


def _finish(table: str, frame: pd.DataFrame) -> pd.DataFrame:
    """Final dtypes and defaults of the Dataset contract (bad rows are gone by now)."""
    schema = SCHEMA[table]
    for column in schema.columns:
        if column.name not in frame:
            if column.default is not None:
                frame[column.name] = _default(column.default, frame)
            continue
        series = frame[column.name]
        if column.default is not None:
            series = series.fillna(_default(column.default, frame))
        if column.kind in (Kind.INT, Kind.MONEY):
            series = series.astype("int64" if column.required else "Int64")
        elif column.kind is Kind.NUMBER:
            series = series.astype("float64")
        elif column.kind in (Kind.DATE, Kind.DATETIME):
            series = series.astype("datetime64[ns]")
        elif column.kind is Kind.BOOL:
            series = series.astype("boolean")
        else:
            series = series.astype("str")
        frame[column.name] = series
    ordered = [c.name for c in schema.columns if c.name in frame]
    return frame[ordered]


def _default(default: str, frame: pd.DataFrame) -> pd.Series | str:
    if default.startswith("="):
        return frame[default[1:]]
    return pd.Series([default] * len(frame), dtype="str", index=frame.index)
