"""A folder loaded for one scope's report keeps only the contacts that scope's figures read.

Contacts are the bulk of a source, and every metric reads only those of the scope's
own collectors, so a collector's or a team's report from a folder keeps no one
else's. What must not change: every row is still checked (a bad row of another
collector is still a problem), the figures are those of the whole source, the row
counts and date spans are the whole source's (a table's span decides whether it
covers a period), and the store refuses to compute any scope it was not loaded for.
"""

from __future__ import annotations

import csv
import gzip
import io
from pathlib import Path

import pytest

from reportgen.config import Config
from reportgen.data.sample import SampleSpec, write_sample_data
from reportgen.errors import DataError
from reportgen.metrics.document import metrics_document
from reportgen.scope import Scope
from reportgen.store.open import open_store

SCOPES = [Scope.collector("C001"), Scope.collector("C003"), Scope.team("T01"), Scope.team("T02")]
PERIODS = ["2024-12", "2024-11", "2024-Q4"]


def _contacts(folder: Path) -> list[list[str]]:
    with gzip.open(folder / "contacts.csv.gz", "rt", encoding="utf-8-sig", newline="") as f:
        return list(csv.reader(f))


def _write_contacts(folder: Path, rows: list[list[str]]) -> None:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    (folder / "contacts.csv.gz").unlink()
    (folder / "contacts.csv").write_text(buffer.getvalue(), encoding="utf-8")


@pytest.fixture(scope="module")
def source(tmp_path_factory) -> Path:
    """Four collectors in two teams over three months, where C001 made contacts in
    November only (so both ends of the contacts' span are other collectors'), and a few
    November rows are written in ways only the Python checks read."""
    folder = tmp_path_factory.mktemp("scoped") / "source"
    write_sample_data(folder, SampleSpec(collectors=4, teams=2, months=3, seed=7), force=False)
    header, *rows = _contacts(folder)
    at, collector = header.index("contacted_at"), header.index("collector_id")
    rows = [r for r in rows if r[collector] != "C001" or r[at].startswith("2024-11")]
    november = [r for r in rows if r[at].startswith("2024-11")]
    for n, row in enumerate(november[:: max(1, len(november) // 40)]):
        if n % 2:
            row[at] = row[at].replace("-", "/")  # a slash date: read by Python, not SQL
        else:
            row[collector] = f" {row[collector]}"  # a space at the edge, trimmed by Python
    _write_contacts(folder, [header, *rows])
    return folder


@pytest.fixture(scope="module")
def whole(source):
    store = open_store(source, Config())
    yield store
    store.close()


@pytest.mark.parametrize("scope", SCOPES, ids=str)
def test_a_scope_has_the_figures_counts_and_spans_of_the_whole_source(source, whole, scope):
    store = open_store(source, Config(), scope=scope)
    try:
        for period in PERIODS:
            assert metrics_document(store, period, scope, Config()) == metrics_document(
                whole, period, scope, Config()
            ), period
        assert store.row_counts == whole.row_counts
        assert store.date_spans == whole.date_spans
        kept = store.con.execute("SELECT count(*) FROM contacts").fetchone()[0]
        assert kept < whole.row_counts["contacts"]  # the others' contacts were not kept
    finally:
        store.close()


def test_c001_worked_one_month_so_the_span_is_others(whole):
    """The fixture does what the test above relies on: C001 made contacts in November
    only, yet contacts cover every month (its figures are zeros there, not unknown)."""
    first, last = whole.con.execute(
        "SELECT min(contacted_at), max(contacted_at) FROM contacts WHERE collector_id = 'C001'"
    ).fetchone()
    span = whole.date_spans["contacts"]
    assert span[0] < "2024-11" <= first.isoformat() and last.isoformat() < "2024-12" <= span[1]
    december = metrics_document(whole, "2024-12", Scope.collector("C001"), Config())
    assert december["metrics"]["contacts"] == 0


def test_the_store_refuses_scopes_it_was_not_loaded_for(source):
    store = open_store(source, Config(), scope=Scope.collector("C001"))
    try:
        for other in (Scope.collector("C002"), Scope.team("T01"), Scope.everyone()):
            with pytest.raises(RuntimeError, match="holds the contacts of C001 only"):
                metrics_document(store, "2024-12", other, Config())
    finally:
        store.close()


def _copy(source: Path, folder: Path) -> tuple[list[str], list[list[str]]]:
    """Copy ``source`` into ``folder``; the contacts' header and rows."""
    folder.mkdir()
    for file in source.iterdir():
        (folder / file.name).write_bytes(file.read_bytes())
    with (folder / "contacts.csv").open(encoding="utf-8") as f:
        header, *rows = list(csv.reader(f))
    return header, rows


def _write(folder: Path, rows: list[list[str]]) -> None:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    (folder / "contacts.csv").write_text(buffer.getvalue(), encoding="utf-8")


def test_a_contacts_file_read_whole_keeps_everyones_and_says_so(source, tmp_path):
    """A row of the wrong width makes the loader read the file again whole, through the
    Python checks, which keep every row: the store then serves any scope."""
    spoiled = tmp_path / "spoiled"
    header, rows = _copy(source, spoiled)
    rows[10].append("one cell too many")
    _write(spoiled, [header, *rows])
    store = open_store(spoiled, Config(), skip_bad_rows=True, scope=Scope.collector("C001"))
    everyone = open_store(spoiled, Config(), skip_bad_rows=True)
    try:
        assert store.contacts_of is None
        other = Scope.collector("C002")
        assert metrics_document(store, "2024-12", other, Config()) == metrics_document(
            everyone, "2024-12", other, Config()
        )
    finally:
        store.close()
        everyone.close()


def test_another_collectors_bad_row_is_still_found(source, tmp_path):
    spoiled = tmp_path / "spoiled"
    header, rows = _copy(source, spoiled)
    collector, channel = header.index("collector_id"), header.index("channel")
    bad = next(n for n, row in enumerate(rows) if row[collector] == "C003")
    rows[bad][channel] = "fax"
    _write(spoiled, [header, *rows])

    with pytest.raises(DataError) as raised:
        open_store(spoiled, Config(), scope=Scope.collector("C001")).close()
    assert "fax" in str(raised.value) and f"{bad + 2}" in str(raised.value)

    skipping = open_store(spoiled, Config(), skip_bad_rows=True, scope=Scope.collector("C001"))
    everyone = open_store(spoiled, Config(), skip_bad_rows=True)
    try:
        assert skipping.skipped_rows == everyone.skipped_rows == {"contacts.csv": 1}
        assert skipping.row_counts == everyone.row_counts
    finally:
        skipping.close()
        everyone.close()
