"""A realistic synthetic data source (spec/data.md), deterministic for a seed.

``write_sample_data(out_dir, SampleSpec(...))`` writes one file per table:
the roster, month-end snapshots from the month before the first active month
to ``end``, and every contact, payment, repayment plan and complaint of the
active months. It generates and writes month by month (contacts in chunks of
accounts), so memory stays flat from a handful of rows to tens of millions of
contacts. See :mod:`reportgen.data.sample_book` for the model.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import numpy as np
import pyarrow as pa

from reportgen.data.dataset import TABLES
from reportgen.data.sample_book import BookSimulator
from reportgen.data.sample_calendar import month_calendar
from reportgen.data.sample_roster import build_roster
from reportgen.data.sample_tables import MONEY_COLUMNS, SCHEMAS
from reportgen.data.sample_writers import (
    EXCEL_MAX_DATA_ROWS,
    CsvTableWriter,
    ParquetTableWriter,
    XlsxTableWriter,
)
from reportgen.errors import OutputError, ReportgenError
from reportgen.output import refuse_existing

FORMATS = ("csv", "xlsx", "parquet")
ACCOUNTS_PER_COLLECTOR = 400


class SampleSpecError(ReportgenError):
    """Raised when sample-data options cannot describe a data source (bad --end, more teams
    than collectors, a negative seed)."""


@dataclass(frozen=True)
class SampleSpec:
    """What to generate. ``accounts`` is the size of the book at a month end
    (``None``: 400 per collector); ``end`` is the last active month, ``YYYY-MM``."""

    collectors: int = 8
    teams: int = 2
    accounts: int | None = None
    months: int = 24
    end: str = "2024-12"
    seed: int = 1
    fmt: str = "csv"

    @property
    def book_size(self) -> int:
        return (
            self.accounts if self.accounts is not None else ACCOUNTS_PER_COLLECTOR * self.collectors
        )

    def active_months(self) -> list[tuple[int, int]]:
        """(year, month) of each active month, oldest first."""
        year, month = self._end()
        last = year * 12 + month - 1
        return [(index // 12, index % 12 + 1) for index in range(last - self.months + 1, last + 1)]

    def opening_month(self) -> tuple[int, int]:
        year, month = self.active_months()[0]
        return (year, month - 1) if month > 1 else (year - 1, 12)

    def _end(self) -> tuple[int, int]:
        found = re.fullmatch(r"(\d{4})-(\d{2})", self.end)
        if not found or not 1 <= int(found.group(2)) <= 12:
            raise SampleSpecError(f"--end must be a month such as 2024-12, found {self.end!r}")
        return int(found.group(1)), int(found.group(2))

    def check(self) -> None:
        """Raise :class:`SampleSpecError` naming the first option that cannot work."""
        for name in ("collectors", "teams", "months"):
            if getattr(self, name) < 1:
                raise SampleSpecError(f"--{name} must be at least 1")
        if self.accounts is not None and self.accounts < 1:
            raise SampleSpecError("--accounts must be at least 1")
        if self.teams > self.collectors:
            raise SampleSpecError(
                f"--teams {self.teams} is more than --collectors {self.collectors}: "
                "every team needs at least one collector"
            )
        if self.seed < 0:
            raise SampleSpecError(f"--seed must be 0 or more, found {self.seed}")
        if self.fmt not in FORMATS:
            raise SampleSpecError(f"--format must be one of {', '.join(FORMATS)}")
        year, _ = self._end()
        first_year = self.opening_month()[0]
        if first_year < 1900 or year > 9998:
            raise SampleSpecError(
                f"--end {self.end} with --months {self.months} reaches {first_year}; "
                "the data must lie between 1900 and 9998"
            )


def file_name(table: str, fmt: str) -> str:
    """contacts.csv.gz for CSV (the one table big enough to need compressing)."""
    if fmt == "csv":
        return f"{table}.csv.gz" if table == "contacts" else f"{table}.csv"
    return f"{table}.{fmt}"


def generate_tables(spec: SampleSpec) -> Iterator[tuple[str, pa.Table]]:
    """Every batch of every table, in writing order: (table name, batch)."""
    spec.check()
    rng = np.random.Generator(np.random.PCG64(spec.seed))
    opening_year, opening_month = spec.opening_month()
    first_year, first_month = spec.active_months()[0]
    roster = build_roster(rng, spec.collectors, spec.teams, date(first_year, first_month, 1))
    yield "collectors", roster.table
    simulator = BookSimulator(rng, roster, spec.book_size)
    yield "accounts", simulator.opening_snapshot(f"{opening_year:04d}-{opening_month:02d}")
    for year, month in spec.active_months():
        yield from simulator.step(month_calendar(year, month))


def count_rows(spec: SampleSpec) -> dict[str, int]:
    """Rows each table would get, without writing anything."""
    counts = dict.fromkeys(TABLES, 0)
    for name, batch in generate_tables(spec):
        counts[name] += batch.num_rows
    return counts


def _check_sheet_limits(spec: SampleSpec) -> None:
    too_big = {name: rows for name, rows in count_rows(spec).items() if rows > EXCEL_MAX_DATA_ROWS}
    if too_big:
        listing = ", ".join(f"{name} {rows:,} rows" for name, rows in too_big.items())
        raise OutputError(
            f"too many rows for an Excel sheet (at most {EXCEL_MAX_DATA_ROWS:,}): {listing}; "
            "use --format csv or parquet, or fewer --collectors, --accounts or --months"
        )


def _open_writer(fmt: str, path: Path, table: str):
    schema, money = SCHEMAS[table], MONEY_COLUMNS[table]
    if fmt == "csv":
        return CsvTableWriter(path, schema, money)
    if fmt == "parquet":
        return ParquetTableWriter(path, schema, money)
    return XlsxTableWriter(path, schema, money, title=table)


def write_sample_data(out_dir: Path, spec: SampleSpec, *, force: bool = False) -> list[Path]:
    """Write the data source into ``out_dir``; return the paths written, in table order.

    Refuses (before writing anything) to overwrite existing files without
    ``force``, and for XLSX a table longer than a sheet. Every file goes to a
    temporary name first and all are renamed into place at the end.
    """
    spec.check()
    out_dir = Path(out_dir)
    paths = {table: out_dir / file_name(table, spec.fmt) for table in TABLES}
    refuse_existing(paths.values(), force=force)
    if spec.fmt == "xlsx":
        _check_sheet_limits(spec)
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"cannot create {out_dir}: {exc.strerror}") from None

    writers = {}
    try:
        for table in TABLES:
            writers[table] = _open_writer(spec.fmt, paths[table], table)
        for table, batch in generate_tables(spec):
            writers[table].write(batch)
        for writer in writers.values():
            writer.finish()
        for writer in writers.values():
            writer.file.commit()
    except OSError as exc:
        for writer in writers.values():
            writer.abort()
        where = exc.filename or out_dir
        raise OutputError(
            f"cannot write the sample data to {where}: {exc.strerror or exc}"
        ) from None
    except BaseException:
        for writer in writers.values():
            writer.abort()
        raise
    return [paths[table] for table in TABLES]
