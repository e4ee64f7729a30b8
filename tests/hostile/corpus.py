"""The hostile corpus: a small valid source, generated, and ways to spoil it.

Every hostile case starts from the same tiny source (two collectors, one team,
three months, written by ``reportgen sample-data``'s own generator, so nothing
is checked in) and changes one thing an attacker or a careless export would.
Tests in this folder, one file per class of root cause, each build their cases
from here.
"""

from __future__ import annotations

import csv
import io
import shutil
from collections.abc import Callable
from pathlib import Path

from click.testing import CliRunner, Result

from reportgen.cli import cli
from reportgen.data.sample import SampleSpec, write_sample_data

TINY = SampleSpec(collectors=2, teams=1, accounts=None, months=3, end="2024-12", seed=3, fmt="csv")
PERIOD = "2024-12"

_cache: dict[str, Path] = {}


def tiny_source(folder: Path) -> Path:
    """Write the tiny valid source into ``folder`` (generated once per session, then copied)."""
    if "tiny" not in _cache:
        import tempfile

        base = Path(tempfile.mkdtemp(prefix="reportgen-hostile-")) / "tiny"
        write_sample_data(base, TINY, force=False)
        _cache["tiny"] = base
    folder.mkdir(parents=True, exist_ok=True)
    for file in _cache["tiny"].iterdir():
        shutil.copy2(file, folder / file.name)
    return folder


def read_rows(path: Path) -> list[list[str]]:
    """The rows of a plain (not gzipped) CSV table, header first."""
    text = path.read_text(encoding="utf-8-sig")
    return [row for row in csv.reader(io.StringIO(text))]


def write_rows(path: Path, rows: list[list[str]]) -> None:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8")


def spoil_cell(source: Path, table: str, row: int, column: str, value: str) -> None:
    """Set one cell: ``row`` counts data rows from 0; ``table`` names a plain CSV file."""
    path = source / f"{table}.csv"
    rows = read_rows(path)
    rows[row + 1][rows[0].index(column)] = value
    write_rows(path, rows)


def spoil_rows(
    source: Path, table: str, change: Callable[[list[list[str]]], list[list[str]]]
) -> None:
    """Rewrite a plain CSV table through ``change(rows)`` (header first)."""
    path = source / f"{table}.csv"
    write_rows(path, change(read_rows(path)))


def run(*args: str | Path) -> Result:
    """Run the command line in-process, as a user would, and keep stderr apart."""
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=True)


def assert_clean_failure(result: Result, *needles: str) -> None:
    """Exit 1, no traceback, and a message naming every needle (file, row, column...)."""
    output = result.output + result.stderr
    assert result.exit_code == 1, output
    assert result.exc_info is None or result.exc_info[0] is SystemExit, result.exc_info
    assert "Traceback" not in output, output
    for needle in needles:
        assert needle in output, (needle, output)
