"""Finding the file (or sheet) that holds each table of a data source.

A data source is a folder with one file per table, named after the table
(``accounts.csv``, ``催收记录.xlsx``), or one workbook whose sheets are the
tables. Files and sheets that name no table are left alone (a README, a
notes sheet); two for the same table is an error naming both.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from reportgen.data.aliases import table_for_name
from reportgen.data.read_common import UnreadableFile
from reportgen.data.read_xlsx import sheet_names
from reportgen.errors import Problem

# Longest first, so "x.csv.gz" is not taken for a ".gz" of something else.
FORMATS = (".csv.gz", ".csv", ".xlsx", ".xlsm", ".parquet", ".pq")
WORKBOOK_FORMATS = (".xlsx", ".xlsm")
# Formats people will try, so that they get a clear answer instead of silence.
UNSUPPORTED = (".xls", ".xlsb", ".ods", ".json", ".txt", ".tsv", ".zip", ".csv.zip")


@dataclass(frozen=True)
class TableFile:
    table: str
    path: Path
    label: str  # how messages name it: "accounts.csv" or "data.xlsx (sheet 账户)"
    sheet: str | None = None  # the sheet, for a table inside a workbook
    database_table: str | None = None  # the table or view, for a table of a SQLite file
    database_columns: tuple[str, ...] | None = None  # its columns to read (None: all known)

    @property
    def format(self) -> str:
        return split_format(self.path.name)[1]


def split_format(name: str) -> tuple[str, str]:
    """``("contacts", ".csv.gz")`` for ``contacts.csv.gz``; ``(name, "")`` if unknown."""
    lowered = name.lower()
    for suffix in FORMATS + UNSUPPORTED:
        if lowered.endswith(suffix) and len(name) > len(suffix):
            return name[: -len(suffix)], suffix
    return name, ""


def source_label(source: Path) -> str:
    """How messages name the source itself: its name, also when given as ``.``."""
    if source.name:
        return source.name
    resolved = source.resolve()
    return resolved.name or str(resolved)  # "/" has no name


def locate_tables(source: Path) -> tuple[dict[str, TableFile], list[Problem]]:
    """Every table the source holds, and problems that stop it from being read."""
    if source.is_dir():
        return _locate_in_folder(source)
    if split_format(source.name)[1] in WORKBOOK_FORMATS:
        return _locate_in_workbook(source)
    return {}, [
        Problem(
            source_label(source),
            None,
            None,
            "a single file",
            "a folder with one file per table, or one .xlsx workbook with one sheet per table",
        )
    ]


def _locate_in_folder(folder: Path) -> tuple[dict[str, TableFile], list[Problem]]:
    found: dict[str, TableFile] = {}
    problems: list[Problem] = []
    for path in sorted(folder.iterdir(), key=lambda p: p.name):
        if path.name.startswith((".", "~$")):
            continue  # hidden files and Excel's lock files
        stem, suffix = split_format(path.name)
        table = table_for_name(stem)
        if table is None:
            continue
        if not path.is_file():
            if suffix in FORMATS:
                # A folder, pipe or device named like a table file is a mistake to name, not a
                # missing table to pass over in silence (and a pipe must never be opened).
                problems.append(Problem(path.name, None, None, _kind_of(path), "a regular file"))
            continue
        if suffix not in FORMATS:
            problems.append(
                Problem(
                    path.name,
                    None,
                    None,
                    f"a {suffix or 'file'} file for table {table}",
                    "CSV (.csv or .csv.gz), Excel (.xlsx) or Parquet (.parquet)",
                )
            )
            continue
        candidate = TableFile(table, path, path.name)
        if table in found:
            problems.append(_twice(table, found[table].label, candidate.label))
            continue
        found[table] = candidate
    return found, problems


def _kind_of(path: Path) -> str:
    """What a path that is not a regular file is, in a user's words."""
    if not path.exists():
        return "a link to nothing"
    if path.is_dir():
        return "a folder"
    if path.is_fifo():
        return "a named pipe"
    if path.is_socket():
        return "a socket"
    return "a device or other special file"


def _locate_in_workbook(path: Path) -> tuple[dict[str, TableFile], list[Problem]]:
    found: dict[str, TableFile] = {}
    problems: list[Problem] = []
    try:
        names = sheet_names(path)
    except UnreadableFile as exc:
        return {}, [Problem(path.name, None, None, exc.found, exc.expected)]
    for sheet in names:
        table = table_for_name(sheet)
        if table is None:
            continue
        candidate = TableFile(table, path, f"{path.name} (sheet {sheet})", sheet)
        if table in found:
            problems.append(_twice(table, found[table].label, candidate.label))
            continue
        found[table] = candidate
    return found, problems


def _twice(table: str, first: str, second: str) -> Problem:
    return Problem(
        second,
        None,
        None,
        f"a second {table} table (the first is {first})",
        f"one file or sheet per table; remove or rename one of {first} and {second}",
    )


def sheet_for_table(path: Path, table: str) -> str:
    """In a one-table workbook (``accounts.xlsx``): the sheet named after it, else the first."""
    names = sheet_names(path)
    if not names:
        raise UnreadableFile("a workbook without sheets", "a sheet holding the table")
    for name in names:
        if table_for_name(name) == table:
            return name
    return names[0]
