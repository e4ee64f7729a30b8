"""Reading a CSV file (plain or .csv.gz) as text cells, whatever its encoding.

Chinese Excel saves CSV in GBK/GB18030 by default, other tools in UTF-8 with
or without a BOM; users never say which. The encoding is guessed from the
first megabyte (UTF-8, then GB18030, then charset-normalizer) and, should
UTF-8 turn out wrong further down a big file, the file is read again as
GB18030. pyarrow's multi-threaded reader does the parsing, every column as
a string, so a 10-million-row contacts file loads in seconds.
"""

from __future__ import annotations

import codecs
import csv
import gzip
import io
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

import charset_normalizer
import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv

from reportgen.data.read_common import (
    HeaderKind,
    RawTable,
    UnreadableFile,
    above_header_problems,
    pick_header_row,
    rows_above_header,
)
from reportgen.errors import Problem

_SAMPLE_BYTES = 1 << 20
_FALLBACK = "gb18030"

# What a broken or truncated gzip file raises while decompressing (BadGzipFile is an OSError).
_GZIP_ERRORS = (OSError, EOFError, zlib.error)
# A .csv.gz may expand to this many times its own size, or to _GZIP_FLOOR,
# whichever is more. Real CSV compresses 5-15 times; a decompression bomb
# about 1000 times. The floor keeps small, very repetitive files readable.
GZIP_RATIO = 100
GZIP_FLOOR = 1 << 30


def is_gzip(path: Path) -> bool:
    return path.name.lower().endswith(".gz")


class _TooLarge(Exception):
    """A gzip file that expands beyond its limit."""


class _BoundedGzip(io.RawIOBase):
    """A gzip file's text, stopping with _TooLarge past ``limit`` bytes."""

    def __init__(self, path: Path, limit: int) -> None:
        super().__init__()
        self._inner = gzip.open(path, "rb")  # noqa: SIM115 - closed in close()
        self._limit = limit
        self._count = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:  # type: ignore[no-untyped-def]
        data = self._inner.read(len(buffer))
        self._count += len(data)
        if self._count > self._limit:
            raise _TooLarge
        buffer[: len(data)] = data
        return len(data)

    def close(self) -> None:
        self._inner.close()
        super().close()


def _gzip_limit(path: Path) -> int:
    return max(GZIP_FLOOR, GZIP_RATIO * path.stat().st_size)


def _too_large(path: Path) -> UnreadableFile:
    return UnreadableFile(
        f"a gzip file expanding to more than {_gzip_limit(path):,} bytes",
        f"a .csv.gz file expanding to at most {GZIP_RATIO} times its size "
        f"(or {GZIP_FLOOR >> 30} GiB); compress the CSV file itself, once",
    )


def _broken_gzip(exc: BaseException) -> UnreadableFile:
    return UnreadableFile(
        f"a damaged or truncated gzip file ({type(exc).__name__}: {exc})",
        "a complete .csv.gz file (compress it again, or send the plain .csv)",
    )


def _open(path: Path) -> BinaryIO | Path:
    """What pyarrow reads: the path, or for gzip a stream bounded in size."""
    if is_gzip(path):
        return io.BufferedReader(_BoundedGzip(path, _gzip_limit(path)), 1 << 20)  # type: ignore[return-value]
    return path


def _sample(path: Path) -> bytes:
    try:
        opener = gzip.open if is_gzip(path) else open
        with opener(path, "rb") as handle:
            return handle.read(_SAMPLE_BYTES)
    except _GZIP_ERRORS as exc:
        if is_gzip(path):
            raise _broken_gzip(exc) from None
        raise UnreadableFile(f"a file that cannot be read ({exc})", "a CSV file") from None


def _decodes(sample: bytes, encoding: str) -> bool:
    # Incremental, not final: the sample may end in the middle of a character.
    try:
        codecs.getincrementaldecoder(encoding)().decode(sample, final=False)
    except UnicodeDecodeError:
        return False
    return True


def guess_encoding(sample: bytes) -> str:
    """utf-8 (BOM or not), else gb18030, else what charset-normalizer finds."""
    if _decodes(sample, "utf-8"):
        return "utf-8"
    if _decodes(sample, _FALLBACK):
        return _FALLBACK
    best = charset_normalizer.from_bytes(sample).best()
    if best is None:
        raise UnreadableFile(
            "text in an unknown encoding", "a CSV file saved as UTF-8 or GBK/GB18030"
        )
    return best.encoding


def _header(
    sample: bytes, encoding: str, header_kind: HeaderKind, label: str
) -> tuple[list[str], int, list[Problem]]:
    """The header row's cells, its 0-based line, and problems with rows above it.

    Title lines above the header are skipped; other rows there are problems.
    """
    text = sample.decode(encoding, errors="replace")
    if text.startswith("\ufeff"):
        text = text[1:]
    reader = csv.reader(io.StringIO(text))
    first_rows: list[list[str]] = []
    try:
        for row in reader:
            first_rows.append(row)
            if len(first_rows) >= 20:
                break
    except csv.Error:
        pass  # the sample may end inside a quoted cell
    index = pick_header_row(first_rows, header_kind)
    if index is None:
        raise UnreadableFile("no header row", "column names in the first row")
    # csv counts physical lines, which differ from rows only for quoted line breaks.
    above = rows_above_header(first_rows, index, header_kind)
    return first_rows[index], index, above_header_problems(label, first_rows, above, 1)


def _read_bounded(
    path: Path, encoding: str, width: int, skip_rows: int
) -> tuple[pa.Table, list[tuple[int, int, str]]]:
    """:func:`_read`, with a broken or oversized gzip file turned into one clear problem."""
    try:
        return _read(path, encoding, width, skip_rows)
    except _TooLarge:
        raise _too_large(path) from None
    except (pa.ArrowInvalid, UnicodeDecodeError):
        raise
    except _GZIP_ERRORS as exc:
        if is_gzip(path):
            raise _broken_gzip(exc) from None
        raise UnreadableFile(f"a file that cannot be read ({exc})", "a CSV file") from None


def read_csv_table(path: Path, table: str, label: str, header_kind: HeaderKind) -> RawTable:
    """Read ``path`` with every cell as text (blank cells missing)."""
    sample = _sample(path)
    if not sample.strip():
        raise UnreadableFile("an empty file", "a header row and data rows")
    encoding = guess_encoding(sample)
    headers, skipped, above = _header(sample, encoding, header_kind, label)
    try:
        arrow, ragged = _read_bounded(path, encoding, len(headers), skipped + 1)
    except (pa.ArrowInvalid, UnicodeDecodeError):
        if encoding != "utf-8":
            raise UnreadableFile(
                f"text that is not valid {encoding}", "a CSV file saved as UTF-8 or GBK/GB18030"
            ) from None
        # UTF-8 held for the first megabyte but not beyond: Excel's GBK.
        headers, skipped, above = _header(sample, _FALLBACK, header_kind, label)
        try:
            arrow, ragged = _read_bounded(path, _FALLBACK, len(headers), skipped + 1)
        except (pa.ArrowInvalid, UnicodeDecodeError) as exc:
            raise UnreadableFile(
                f"a file that cannot be parsed as CSV ({exc})", "a CSV file"
            ) from None
    frame = arrow.to_pandas()
    cells = [frame[f"f{i}"].astype("str") for i in range(len(headers))]
    rows = _row_numbers(len(frame), [number for number, _, _ in ragged], first=skipped + 2)
    problems = [
        Problem(
            label,
            number,
            None,
            f"{actual} cells",
            f"{len(headers)} cells, one per header (check for an unquoted comma)",
        )
        for number, actual, _ in ragged
    ]
    problems = above + problems
    return RawTable(
        table=table,
        label=label,
        path=path,
        headers=[h.strip() for h in headers],
        cells=cells,
        rows=rows,
        problems=problems,
        dropped_rows=len(ragged) + len(above),
    )


# Bytes of a CSV file parsed at a time when streaming (a row may not be longer).
STREAM_BLOCK_BYTES = 16 << 20


class StreamInterrupted(Exception):
    """A CSV file that cannot be read as a stream of row batches after all.

    Rows of the wrong width (their row numbers are known only to the whole-file
    reader) or text that stops being UTF-8 part way through: the caller reads
    the file again whole with :func:`read_csv_table`, which handles both.
    """


def read_csv_chunks(
    path: Path, table: str, label: str, header_kind: HeaderKind, chunk_rows: int
) -> Iterator[RawTable]:
    """Read ``path`` in chunks of about ``chunk_rows`` rows, every cell as text.

    Memory stays that of one chunk whatever the file's size. The chunks together
    hold exactly what :func:`read_csv_table` would (the first one at least, even
    for a file with no data rows); see :class:`StreamInterrupted` for the files
    this reader hands back.
    """
    sample = _sample(path)
    if not sample.strip():
        raise UnreadableFile("an empty file", "a header row and data rows")
    encoding = guess_encoding(sample)
    headers, skipped, above = _header(sample, encoding, header_kind, label)
    names = [f"f{i}" for i in range(len(headers))]
    ragged: list[int] = []

    def set_aside(_row: pacsv.InvalidRow) -> str:
        ragged.append(1)
        return "skip"

    source = _open(path)
    try:
        try:
            reader = pacsv.open_csv(
                source,
                read_options=pacsv.ReadOptions(
                    encoding=encoding,
                    column_names=names,
                    skip_rows=skipped + 1,
                    use_threads=False,  # in order; the stream is read one block at a time
                    block_size=STREAM_BLOCK_BYTES,
                ),
                parse_options=pacsv.ParseOptions(
                    newlines_in_values=True, invalid_row_handler=set_aside
                ),
                convert_options=_text_columns(names),
            )
            next_row = skipped + 2
            first = True
            pending: list[pa.RecordBatch] = []
            pending_rows = 0
            while True:
                try:
                    batch = reader.read_next_batch()
                except StopIteration:
                    break
                if ragged:
                    raise StreamInterrupted("rows of the wrong width")
                pending.append(batch)
                pending_rows += batch.num_rows
                if pending_rows >= chunk_rows:
                    yield _chunk(table, label, path, headers, pending, next_row, above, first)
                    next_row += pending_rows
                    first, above, pending, pending_rows = False, [], [], 0
            if ragged:
                raise StreamInterrupted("rows of the wrong width")
            if pending or first:
                yield _chunk(table, label, path, headers, pending, next_row, above, first, names)
        except (pa.ArrowInvalid, UnicodeDecodeError) as exc:
            raise StreamInterrupted(str(exc)) from None
        except _TooLarge:
            raise _too_large(path) from None
        except _GZIP_ERRORS as exc:
            if is_gzip(path):
                raise _broken_gzip(exc) from None
            raise UnreadableFile(f"a file that cannot be read ({exc})", "a CSV file") from None
    finally:
        if not isinstance(source, Path):
            source.close()


def _text_columns(names: list[str]) -> pacsv.ConvertOptions:
    return pacsv.ConvertOptions(
        column_types={name: pa.large_string() for name in names},  # as pandas holds text
        strings_can_be_null=True,
        null_values=[""],
        quoted_strings_can_be_null=True,
    )


def _chunk(
    table: str,
    label: str,
    path: Path,
    headers: list[str],
    batches: list[pa.RecordBatch],
    first_row: int,
    above: list[Problem],
    first: bool,
    names: list[str] | None = None,
) -> RawTable:
    if batches:
        arrow = pa.Table.from_batches(batches)
    else:
        names = names or [f"f{i}" for i in range(len(headers))]
        arrow = pa.table({name: pa.array([], pa.large_string()) for name in names})
    return RawTable(
        table=table,
        label=label,
        path=path,
        headers=[h.strip() for h in headers],
        rows=np.arange(first_row, first_row + arrow.num_rows, dtype=np.int64),
        problems=list(above),
        dropped_rows=len(above) if first else 0,
        text=arrow,  # made pandas cells only for the rows left to the Python checks
    )


def _read(
    path: Path, encoding: str, width: int, skip_rows: int
) -> tuple[pa.Table, list[tuple[int, int, str]]]:
    """Parse with pyarrow; rows with the wrong number of cells are set aside, with their row."""
    names = [f"f{i}" for i in range(width)]
    ragged: list[tuple[int | None, int, str]] = []

    def set_aside(row: pacsv.InvalidRow) -> str:
        ragged.append((row.number, row.actual_columns, row.text))
        return "skip"

    def parse(threads: bool, newlines_in_values: bool = False) -> pa.Table:
        source = _open(path)
        try:
            return _parse(source, threads, newlines_in_values)
        finally:
            if not isinstance(source, Path):
                source.close()

    def _parse(source: BinaryIO | Path, threads: bool, newlines_in_values: bool) -> pa.Table:
        return pacsv.read_csv(
            source,
            read_options=pacsv.ReadOptions(
                encoding=encoding,
                column_names=names,
                skip_rows=skip_rows,
                use_threads=threads,
                block_size=16 << 20,
            ),
            parse_options=pacsv.ParseOptions(
                newlines_in_values=newlines_in_values, invalid_row_handler=set_aside
            ),
            convert_options=_text_columns(names),
        )

    # Parsing is half again as fast when no cell may hold a line break. A file
    # with such cells (quoted, from Excel) shows up as rows of the wrong width;
    # it is then read again allowing them, on one thread, where Arrow knows
    # each bad row's number.
    arrow = parse(threads=True)
    if ragged:
        ragged.clear()
        arrow = parse(threads=False, newlines_in_values=True)
    return arrow, [(int(n), a, t) for n, a, t in ragged]  # type: ignore[arg-type]


def _row_numbers(count: int, ragged_rows: list[int], first: int = 2) -> np.ndarray:
    """Spreadsheet row of each parsed row: first, first + 1, ... skipping the rows set aside."""
    if not ragged_rows:
        return np.arange(first, count + first, dtype=np.int64)
    candidates = np.arange(first, count + len(ragged_rows) + first, dtype=np.int64)
    keep = ~np.isin(candidates, np.asarray(ragged_rows, dtype=np.int64))
    return candidates[keep][:count]
