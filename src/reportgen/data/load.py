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

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import numpy as np
import pandas as pd

from reportgen.config import Config
from reportgen.data import validate_rules as rules
from reportgen.data.aliases import HEADER_ALIASES, TABLE_ALIASES, AliasBook, build_alias_book
from reportgen.data.dataset import REQUIRED_TABLES, TABLES, Dataset
from reportgen.data.numbers import MAX_AMOUNT
from reportgen.data.read_common import RawTable, UnreadableFile, drop_blank_rows, header_like
from reportgen.data.read_csv import read_csv_table
from reportgen.data.read_parquet import read_parquet_table
from reportgen.data.read_source import TableFile, locate_tables, sheet_for_table, source_label
from reportgen.data.read_xlsx import read_sheet
from reportgen.data.schema import SCHEMA, Kind
from reportgen.data.validate_cells import Reading, convert_column
from reportgen.data.validate_errors import UnlistedDataError
from reportgen.data.validate_rules import RuleBreach
from reportgen.errors import ConfigError, DataError, Problem

__all__ = ["load_source"]


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


def load_source(
    source: Path | str, config: Config | None = None, *, skip_bad_rows: bool = False
) -> Dataset:
    """Read and check every table of ``source`` (a folder or an .xlsx workbook).

    Raises :class:`DataError` listing every problem found, per file.
    """
    source = Path(source)
    config = config or Config()
    book = build_alias_book(config.aliases)
    reading = Reading(config.organisation.currency, _checked_zone(config.organisation.timezone))
    if not source.exists():
        raise DataError(
            [Problem(str(source), None, None, "nothing at this path", "a folder or .xlsx workbook")]
        )
    files, fatal = locate_tables(source)
    if not fatal:  # a source that is not a folder or workbook has no tables to miss
        fatal.extend(_missing_table(source, t) for t in REQUIRED_TABLES if t not in files)

    worded = 0 if skip_bad_rows else _WORDED_PER_FILE
    loaded: dict[str, _LoadedTable] = {}
    for table in TABLES:
        if table in files:
            result = _load_table(files[table], book, reading, fatal, worded)
            if result is not None:
                loaded[table] = result

    if "collectors" in loaded:
        collectors = loaded["collectors"]
        # Not skippable: with a collector twice, which team their work counts for is unknown.
        fatal.extend(collectors.report(_roster_duplicates(collectors), skippable=False))
        ids = collectors.frame["collector_id"]
        # When skipping, a collector whose roster row is dropped is not on the roster.
        on_roster = ids.notna().to_numpy() & (~collectors.bad if skip_bad_rows else True)
        roster = ids[on_roster]
        for name, table in loaded.items():
            if name != "collectors":
                usable = table.frame["collector_id"].notna().to_numpy()
                table.report(
                    rules.off_roster_rows(
                        table.frame["collector_id"], usable, roster, collectors.file.label
                    )
                )

    row_problems = [p for t in loaded.values() for p in t.problems]
    if skip_bad_rows and fatal:
        raise DataError(_in_reading_order(fatal))
    if not skip_bad_rows and (fatal or row_problems):
        not_listed = {t.file.label: t.not_listed for t in loaded.values() if t.not_listed}
        listing = _in_reading_order(fatal + row_problems)
        raise UnlistedDataError(listing, not_listed) if not_listed else DataError(listing)

    dataset = Dataset(collectors=None, accounts=None)  # type: ignore[arg-type]
    for name, table in loaded.items():
        dropped = int(table.bad.sum()) + table.raw.dropped_rows
        if dropped:
            dataset.skipped_rows[table.file.label] = dropped
        kept = table.frame[~table.bad].reset_index(drop=True) if dropped else table.frame
        setattr(dataset, name, _finish(name, kept))
        dataset.sources[name] = table.file.path
    return dataset


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
        return read_parquet_table(file.path, file.table, file.label, header_kind, timezone)
    sheet = file.sheet or sheet_for_table(file.path, file.table)
    return read_sheet(file.path, sheet, file.table, file.label, header_kind)


def _load_table(
    file: TableFile, book: AliasBook, reading: Reading, fatal: list[Problem], worded_limit: int
) -> _LoadedTable | None:
    """Read, match headers, convert and check one table; ``None`` if it cannot be used."""
    try:
        raw = drop_blank_rows(_read(file, book, reading.timezone))
    except UnreadableFile as exc:
        fatal.append(Problem(file.label, exc.row, exc.column, exc.found, exc.expected))
        return None
    schema = SCHEMA[file.table]
    header_of: dict[str, str] = {}
    position_of: dict[str, int] = {}
    usable = True
    for position, header in enumerate(raw.headers):
        column = book.column_for_header(file.table, header) if header else None
        if column is None:
            continue  # a column reportgen does not use
        if column in header_of:
            fatal.append(
                Problem(
                    file.label,
                    None,
                    header,
                    f"a second column for {column} (the first is '{header_of[column]}')",
                    f"one column for {column}; rename or remove one",
                )
            )
            usable = False
            continue
        header_of[column] = header
        position_of[column] = position
    for column in schema.required_names:
        if column not in header_of:
            fatal.append(_missing_column(file, column))
            usable = False
    if not usable:
        return None

    loaded = _LoadedTable(
        file,
        raw,
        header_of,
        pd.DataFrame(),
        np.zeros(raw.row_count, dtype=bool),
        worded_limit,
        problems=list(raw.problems),
    )
    _repeated_headers(loaded, book, position_of)
    frame: dict[str, pd.Series] = {}
    for column in schema.columns:
        if column.name not in header_of:
            continue
        cells = raw.cells[position_of[column.name]]
        converted = convert_column(cells, column, book.value_map(column.name), reading)
        frame[column.name] = converted.values
        if column.kind is Kind.MONEY:
            fatal.extend(_money_total(file, header_of[column.name], converted.values))
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


# Sums of money are int64 cents; bounding each column's total (of absolute
# values) keeps every sum of any of its rows exact. 2**62 leaves a factor two
# of headroom for adding two such sums (e.g. opening + new balances).
_MONEY_TOTAL_LIMIT = 2**62


def _money_total(file: TableFile, header: str, cents: pd.Series) -> list[Problem]:
    """A whole-column problem when the column's amounts could overflow a sum."""
    total = float(np.abs(cents.to_numpy(dtype="float64", na_value=0.0)).sum())
    if total < _MONEY_TOTAL_LIMIT:
        return []
    return [
        Problem(
            file.label,
            None,
            header,
            f"amounts adding up to about {total / 100:.3g}",
            f"a column whose amounts add up to less than {_MONEY_TOTAL_LIMIT / 100:.3g} "
            f"(each amount at most {MAX_AMOUNT:,})",
        )
    ]


def _repeated_headers(table: _LoadedTable, book: AliasBook, position_of: dict[str, int]) -> None:
    """Rows that repeat the header (or another header of the same columns) are errors.

    Concatenated exports repeat the header row inside the data; in a table of
    text columns (the roster) it would otherwise load as a row of data.
    """
    raw = table.raw
    hits = np.zeros(raw.row_count, dtype=np.int64)
    for column, position in position_of.items():
        names = {raw.headers[position], column}
        names.update(h for h, c in book.headers[raw.table].items() if c == column)
        hits += header_like(raw.cells[position], names)
    needed = min(2, len(position_of))
    positions = np.flatnonzero(hits >= needed)
    if len(positions):
        table.add(
            positions,
            None,
            "only data below the header row (remove the repeated header, or split the file)",
            lambda some: ["a second header row"] * len(some),
        )


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
    if name == "accounts":
        usable = ~table.bad
        table.report(rules.duplicate_snapshot_rows(frame, usable.copy(), table.raw.rows))
    if name == "contacts":
        promises = (frame["outcome"] == "promise").to_numpy(dtype=bool, na_value=False)
        if "promise_date" not in frame:
            if promises.any():
                fatal.append(
                    Problem(
                        table.file.label,
                        None,
                        "promise_date",
                        f"no such column, but {int(promises.sum())} contact(s) are promises",
                        "a promise_date column (承诺日期) saying when each promise falls due",
                    )
                )
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
