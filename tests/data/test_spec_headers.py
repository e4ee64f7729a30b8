"""Every header spec/data.md names as understood without configuration is understood,
in every table that has the column it maps to."""

from __future__ import annotations

from hostile.corpus import read_rows, run, tiny_source, write_rows
from reportgen.data.load import load_source


def _rename(source, table, column, header):
    rows = read_rows(source / f"{table}.csv")
    rows[0][rows[0].index(column)] = header
    write_rows(source / f"{table}.csv", rows)


def test_an_arrangements_table_headed_huankuan_jine_loads(tmp_path):
    plain = load_source(tiny_source(tmp_path / "plain"))
    source = tiny_source(tmp_path / "data")
    _rename(source, "arrangements", "amount", "还款金额")
    _rename(source, "payments", "amount", "還款金額")
    assert run("validate", source).exit_code == 0
    renamed = load_source(source)
    assert renamed.arrangements["amount"].tolist() == plain.arrangements["amount"].tolist()
    assert renamed.payments["amount"].tolist() == plain.payments["amount"].tolist()
