"""Loading a table a chunk at a time gives exactly what loading it whole gives.

The loader reads big CSV and Parquet files in chunks of rows (memory stays
that of one chunk). Here chunks are made a few rows long, so every rule that
looks across rows, every count and every message must come out the same as
with one chunk: figures, duplicate snapshot rows far apart, problems beyond
the listing limit, skipped rows, rows of the wrong width and a file that
turns out not to be UTF-8 after its first megabyte.
"""

from __future__ import annotations

import gzip
import shutil
from pathlib import Path

import reportgen.data.load as load_module
from hostile.corpus import read_rows, run, spoil_cell, tiny_source, write_rows
from reportgen.data import read_csv
from reportgen.data.sample import SampleSpec, write_sample_data


def _both(*args, chunk_rows: int = 3) -> tuple[str, str]:
    """(output with the default chunks, output with small chunks) of one command.

    CSV is parsed in 16 KB blocks (a chunk is at least one block, a few hundred rows);
    Parquet's chunks are exactly ``chunk_rows``.
    """
    whole = run(*args)
    original = load_module.CHUNK_ROWS, read_csv.STREAM_BLOCK_BYTES
    load_module.CHUNK_ROWS, read_csv.STREAM_BLOCK_BYTES = chunk_rows, 16384
    try:
        chunked = run(*args)
    finally:
        load_module.CHUNK_ROWS, read_csv.STREAM_BLOCK_BYTES = original
    assert whole.exit_code == chunked.exit_code, (whole.output, chunked.output)
    return whole.output + whole.stderr, chunked.output + chunked.stderr


def _period(source: Path) -> str:
    return sorted({row[0] for row in read_rows(source / "accounts.csv")[1:]})[-1]


def test_figures_are_the_same_in_chunks(tmp_path):
    source = tiny_source(tmp_path / "source")
    whole, chunked = _both("metrics", source, "--period", _period(source), "--all",
                           "--format", "json")  # fmt: skip
    assert '"contacts"' in whole
    assert chunked == whole


def test_parquet_figures_are_the_same_in_chunks(tmp_path):
    source = tmp_path / "parquet"
    spec = SampleSpec(collectors=2, teams=1, accounts=None, months=3, end="2024-12", seed=3,
                      fmt="parquet")  # fmt: skip
    write_sample_data(source, spec, force=False)
    whole, chunked = _both(
        "metrics", source, "--period", "2024-12", "--all", "--format", "json", chunk_rows=4000
    )
    assert '"contacts"' in whole
    assert chunked == whole


def test_a_duplicate_snapshot_row_far_from_the_first_is_found(tmp_path):
    source = tiny_source(tmp_path / "source")
    rows = read_rows(source / "accounts.csv")
    rows.append(list(rows[1]))  # the first data row again, at the very end
    write_rows(source / "accounts.csv", rows)
    whole, chunked = _both("validate", source)
    assert "again for month" in whole and "first at row 2" in whole
    assert chunked == whole


def test_problems_beyond_the_listing_and_skipped_rows_count_the_same(tmp_path):
    source = tiny_source(tmp_path / "source")
    for row in range(0, 40, 3):
        spoil_cell(source, "accounts", row, "dpd", "many")
    whole, chunked = _both("validate", source)
    assert "many" in whole
    assert chunked == whole
    whole, chunked = _both("validate", source, "--skip-bad-rows")
    assert "skipped 14 bad row(s) of accounts.csv" in whole
    assert chunked == whole


def test_a_row_of_the_wrong_width_late_in_a_file(tmp_path):
    source = tiny_source(tmp_path / "source")
    rows = read_rows(source / "accounts.csv")
    rows[30] = rows[30] + ["extra"]
    write_rows(source / "accounts.csv", rows)
    whole, chunked = _both("validate", source)
    assert "row 31" in whole and "cells" in whole
    assert chunked == whole


def test_a_file_that_stops_being_utf8_after_its_first_megabyte(tmp_path):
    source = tiny_source(tmp_path / "source")
    contacts = source / "contacts.csv.gz"
    if contacts.exists():
        with gzip.open(contacts, "rt", encoding="utf-8") as handle:
            text = handle.read()
        contacts.unlink()
    else:
        text = (source / "contacts.csv").read_text(encoding="utf-8")
    header, *lines = text.splitlines()
    # ASCII for more than the megabyte the encoding is guessed from, then a row saying
    # "call" in Chinese as Excel's GBK writes it.
    filler = (lines * (1 + (1 << 20) // max(len(text), 1) * 2))[:40_000]
    last = lines[-1].split(",")
    last[header.split(",").index("channel")] = "电话"
    body = "\n".join([header, *filler, ",".join(last)]) + "\n"
    (source / "contacts.csv").write_bytes(body.encode("gb18030"))
    assert len(body) > 1 << 20
    whole, chunked = _both("validate", source)
    assert "contacts" in whole and "Tables:" in whole, whole
    assert chunked == whole
    shutil.rmtree(source)
