"""SQLite as SOURCE: read through the loader, so every rule and figure is a file's.

The sample data is written into a SQLite file twice: with reportgen's names,
and under Chinese table and column names mapped through reportgen.toml. Both
must give the folder's figures and reports; a bad row is named by its rowid.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from hostile.corpus import assert_clean_failure, run, tiny_source
from reportgen.config import Config
from reportgen.resources import sample_data_dir
from reportgen.store.open import open_store
from sqlite_source import write_sqlite

SAMPLE = sample_data_dir()

MAPPED_SETTINGS = """
[database.tables]
collectors = "坐席"
accounts = "月末账户"

[database.columns.collectors]
collector_id = "坐席工号"

[database.columns.accounts]
collector_id = "坐席工号"
balance = "欠款余额"
"""


@pytest.fixture(scope="module")
def canonical(folder_store, tmp_path_factory) -> str:
    path = tmp_path_factory.mktemp("sqlite") / "centre.db"
    write_sqlite(path, folder_store)
    return f"sqlite:///{path}"


@pytest.fixture(scope="module")
def mapped(folder_store, tmp_path_factory) -> tuple[str, Path]:
    base = tmp_path_factory.mktemp("sqlite-mapped")
    path = base / "催收系统.db"
    write_sqlite(
        path,
        folder_store,
        tables={"collectors": "坐席", "accounts": "月末账户", "contacts": "催收记录"},
        columns={
            "collectors": {"collector_id": "坐席工号", "team_id": "组别"},
            "accounts": {"collector_id": "坐席工号", "balance": "欠款余额", "month": "月份"},
            "contacts": {"contacted_at": "联系时间", "channel": "渠道"},
        },
    )
    settings = base / "reportgen.toml"
    settings.write_text(MAPPED_SETTINGS, encoding="utf-8")
    return f"sqlite:///{path}", settings


@pytest.mark.parametrize("which", ["canonical", "mapped"])
def test_sqlite_gives_the_folders_figures(which, request):
    if which == "canonical":
        url, extra = request.getfixturevalue("canonical"), []
    else:
        url, settings = request.getfixturevalue("mapped")
        extra = ["--config", settings]
    for period in ("2024-09", "2023-11..2024-02"):
        folder = run("metrics", SAMPLE, "--period", period, "--all", "--format", "json")
        database = run("metrics", url, "--period", period, "--all", "--format", "json", *extra)
        assert database.exit_code == 0, database.output + database.stderr
        assert database.output == folder.output, period


def test_sqlite_report_is_byte_identical(canonical, tmp_path):
    common = ["--period", "2024-09", "--team", "T01", "--format", "md,docx"]
    assert run("report", SAMPLE, *common, "--out", tmp_path / "folder").exit_code == 0
    result = run("report", canonical, *common, "--out", tmp_path / "db")
    assert result.exit_code == 0, result.output + result.stderr

    def files(folder: Path) -> dict[str, bytes]:
        return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*")
                if p.is_file()}  # fmt: skip

    assert files(tmp_path / "db") == files(tmp_path / "folder")


def test_sqlite_imports_into_a_duckdb_file(canonical, tmp_path):
    target = tmp_path / "centre.duckdb"
    result = run("import", canonical, "--to", target)
    assert result.exit_code == 0, result.output + result.stderr
    asked = ["--period", "2024-Q3", "--collector", "C001", "--format", "json"]
    folder = run("metrics", SAMPLE, *asked)
    imported = run("metrics", target, *asked)
    assert imported.output == folder.output


def test_a_bad_row_is_named_by_table_rowid_and_column(tmp_path):
    source = open_store(tiny_source(tmp_path / "tiny"), Config())
    path = tmp_path / "bad.db"
    try:
        write_sqlite(path, source)
    finally:
        source.close()
    with sqlite3.connect(path) as con:
        con.execute("UPDATE accounts SET dpd = 'abc' WHERE rowid = 3")
        con.execute("UPDATE contacts SET channel = '飞鸽传书' WHERE rowid = 5")
    result = run("validate", f"sqlite:///{path}")
    assert_clean_failure(
        result,
        "table accounts, row 3, column dpd: found 'abc'",
        "table contacts, row 5, column channel: found '飞鸽传书'",
    )


def test_missing_sqlite_file_and_missing_table(tmp_path):
    result = run("validate", f"sqlite:///{tmp_path / 'nothing.db'}")
    assert result.exit_code == 2
    assert "no such SQLite file" in result.output + result.stderr
    empty = tmp_path / "empty.db"
    sqlite3.connect(empty).close()
    assert_clean_failure(run("validate", f"sqlite:///{empty}"), "no collectors table")


def test_the_column_the_settings_name_wins_over_a_look_alike(tmp_path):
    """As for PostgreSQL: with [database.columns] naming 坐席工号, a column that is also
    called collector_id (a stale copy, here all wrong) is not read."""
    source = open_store(tiny_source(tmp_path / "tiny"), Config())
    path = tmp_path / "centre.db"
    try:
        write_sqlite(path, source, columns={"accounts": {"collector_id": "坐席工号"}})
    finally:
        source.close()
    with sqlite3.connect(path) as con:
        con.execute("ALTER TABLE accounts ADD COLUMN collector_id TEXT DEFAULT 'C999'")
    settings = tmp_path / "reportgen.toml"
    settings.write_text('[database.columns.accounts]\ncollector_id = "坐席工号"\n', "utf-8")
    asked = ["--period", "2024-12", "--all", "--format", "json"]
    from_db = run("metrics", f"sqlite:///{path}", *asked, "--config", settings)
    assert from_db.exit_code == 0, from_db.output + from_db.stderr
    assert from_db.output == run("metrics", tmp_path / "tiny", *asked).output
