"""Streaming table writers for the sample data: CSV (plain or gzip), Parquet and XLSX.

Each writer takes batches in the generator's form (canonical columns, money as
int64 cents) and writes them to a temporary file beside the final one; the
caller renames every file into place only once all tables are complete, so an
interrupted run leaves no half-written data source. Output is byte-for-byte
deterministic: gzip carries no time or file name, XLSX zip entries and
document properties carry a fixed date.
"""

from __future__ import annotations

import contextlib
import gzip
import io
import os
import queue
import re
import shutil
import tempfile
import threading
import zipfile
from datetime import datetime
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv
import pyarrow.parquet as pq

EXCEL_MAX_DATA_ROWS = 1_048_576 - 1  # one row of the sheet holds the header
CSV_SLICE_ROWS = 100_000
FIXED_ZIP_TIME = (1980, 1, 1, 0, 0, 0)
FIXED_DOC_TIME = datetime(2000, 1, 1)
UTF8_BOM = "\ufeff"
GZIP_LEVEL = 6  # level 9 is twice as slow for a few per cent smaller


def money_as_text(cents: pa.Array) -> pa.Array:
    """Integer cents to ``1234.50`` (amounts are never negative); nulls stay null."""
    whole = pc.divide(cents, 100)  # integer division for integers
    fraction = pc.subtract(cents, pc.multiply(whole, 100))
    return pc.binary_join_element_wise(
        whole.cast(pa.string()), pc.utf8_lpad(fraction.cast(pa.string()), 2, "0"), "."
    )


def money_as_float(cents: pa.Array) -> pa.Array:
    return pc.divide(cents.cast(pa.float64()), 100.0)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


class _TempFile:
    """A temporary file next to ``path``, renamed onto it by :meth:`commit`."""

    def __init__(self, path: Path) -> None:
        self.path = path
        fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        os.close(fd)
        self.temp = Path(name)

    def commit(self) -> None:
        # mkstemp makes the file private; a data file gets the usual permissions.
        os.chmod(self.temp, 0o666 & ~_umask())
        os.replace(self.temp, self.path)

    def discard(self) -> None:
        with contextlib.suppress(FileNotFoundError):
            self.temp.unlink()


class _CompressingSink:
    """Gzip-compresses on a background thread, so compression (zlib releases the GIL)
    overlaps with generating and formatting the next batch. Order is preserved; the
    queue is short so memory stays bounded."""

    def __init__(self, raw) -> None:
        self.gzip = gzip.GzipFile(
            filename="", mode="wb", fileobj=raw, mtime=0, compresslevel=GZIP_LEVEL
        )
        self.queue: queue.Queue[bytes | None] = queue.Queue(maxsize=4)
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._drain, name="sample-gzip", daemon=True)
        self.thread.start()

    def _drain(self) -> None:
        while (data := self.queue.get()) is not None:
            if self.error is None:
                try:
                    self.gzip.write(data)
                except BaseException as exc:  # reported to the writer on its next call
                    self.error = exc

    def write(self, data: bytes) -> None:
        if self.error is not None:
            raise self.error
        self.queue.put(data)

    def close(self) -> None:
        self.queue.put(None)
        self.thread.join()
        if self.error is not None:
            raise self.error
        self.gzip.close()


class CsvTableWriter:
    """UTF-8 with BOM (what Excel needs to show Chinese), optionally gzip-compressed."""

    def __init__(self, path: Path, schema: pa.Schema, money: tuple[str, ...]) -> None:
        self.file = _TempFile(path)
        self.money = money
        self.raw = open(self.file.temp, "wb")  # noqa: SIM115 - closed in finish/abort
        self.sink = _CompressingSink(self.raw) if path.name.endswith(".gz") else None
        header = UTF8_BOM + ",".join(schema.names) + "\n"
        try:
            self._emit(header.encode("utf-8"))
        except BaseException:
            self.abort()
            raise

    def _emit(self, data: bytes) -> None:
        if self.sink is not None:
            self.sink.write(data)
        else:
            self.raw.write(data)

    def write(self, table: pa.Table) -> None:
        for name in self.money:
            index = table.schema.get_field_index(name)
            table = table.set_column(index, name, money_as_text(table.column(name)))
        options = pa_csv.WriteOptions(include_header=False, quoting_style="none")
        for offset in range(0, table.num_rows, CSV_SLICE_ROWS):
            buffer = io.BytesIO()
            pa_csv.write_csv(table.slice(offset, CSV_SLICE_ROWS), buffer, options)
            self._emit(buffer.getvalue())

    def finish(self) -> None:
        if self.sink is not None:
            sink, self.sink = self.sink, None
            sink.close()
        self.raw.flush()
        os.fsync(self.raw.fileno())
        self.raw.close()

    def abort(self) -> None:
        with contextlib.suppress(BaseException):
            self.finish()
        self.file.discard()


class ParquetTableWriter:
    """One row group per batch; money as float64 (a number, as data.md asks)."""

    def __init__(self, path: Path, schema: pa.Schema, money: tuple[str, ...]) -> None:
        self.file = _TempFile(path)
        self.money = money
        fields = [pa.field(f.name, pa.float64()) if f.name in money else f for f in schema]
        self.schema = pa.schema(fields)
        try:
            self.writer = pq.ParquetWriter(self.file.temp, self.schema, compression="zstd")
        except BaseException:
            self.file.discard()
            raise

    def write(self, table: pa.Table) -> None:
        for name in self.money:
            index = table.schema.get_field_index(name)
            table = table.set_column(index, name, money_as_float(table.column(name)))
        self.writer.write_table(table.cast(self.schema))

    def finish(self) -> None:
        self.writer.close()

    def abort(self) -> None:
        with contextlib.suppress(Exception):
            self.writer.close()
        self.file.discard()


class XlsxTableWriter:
    """One sheet named after the table, real Excel dates, streamed (openpyxl write-only)."""

    def __init__(self, path: Path, schema: pa.Schema, money: tuple[str, ...], title: str) -> None:
        from openpyxl import Workbook

        self.file = _TempFile(path)
        self.money = money
        self.workbook = Workbook(write_only=True)
        self.sheet = self.workbook.create_sheet(title=title)
        self.sheet.append(schema.names)

    def write(self, table: pa.Table) -> None:
        columns = []
        for name in table.column_names:
            column = table.column(name)
            if name in self.money:
                column = money_as_float(column)
            columns.append(column.to_pylist())
        for row in zip(*columns, strict=True):
            self.sheet.append(row)

    def finish(self) -> None:
        properties = self.workbook.properties
        properties.creator = "reportgen sample-data"
        properties.created = FIXED_DOC_TIME
        self.workbook.save(self.file.temp)
        _make_zip_deterministic(self.file.temp)

    def abort(self) -> None:
        self.file.discard()


def _make_zip_deterministic(path: Path) -> None:
    """Rewrite a zip with fixed entry times and a fixed 'modified' document property.

    Entries are streamed, so a sheet of a million rows is never held in memory.
    """
    stamp = FIXED_DOC_TIME.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    rewritten = _TempFile(path)
    try:
        with zipfile.ZipFile(path) as source, zipfile.ZipFile(rewritten.temp, "w") as target:
            for entry in source.infolist():
                info = zipfile.ZipInfo(entry.filename, date_time=FIXED_ZIP_TIME)
                info.compress_type = zipfile.ZIP_DEFLATED
                info.external_attr = 0o600 << 16
                if entry.filename == "docProps/core.xml":
                    data = source.read(entry)
                    data = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*", rb"\g<1>" + stamp, data)
                    target.writestr(info, data)
                    continue
                with source.open(entry) as reader, target.open(info, "w") as writer:
                    shutil.copyfileobj(reader, writer, 1 << 20)
        rewritten.commit()
    except BaseException:
        rewritten.discard()
        raise
