"""`reportgen import`: a source checked once, kept as a DuckDB file every command reads.

The file must give exactly what the folder gives (figures and reports, byte for
byte); a failed import writes nothing; an existing file is replaced only with
--force, never when it is one of the inputs; a file reportgen cannot read is one
clear error.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from hostile.corpus import assert_clean_failure, run, spoil_cell, tiny_source
from reportgen.config import Config, Engine
from reportgen.store.open import open_store
from reportgen.store.stored_file import META_TABLE


@pytest.fixture(scope="module")
def imported(tmp_path_factory) -> tuple[Path, Path]:
    """(the source folder, the file it was imported into)."""
    base = tmp_path_factory.mktemp("import")
    source = tiny_source(base / "source")
    target = base / "centre.duckdb"
    result = run("import", source, "--to", target)
    assert result.exit_code == 0, result.output + result.stderr
    assert str(target) in result.output and "contacts" in result.output
    return source, target


def _months(source: Path) -> list[str]:
    store = open_store(source, Config())
    try:
        return list(store.snapshot_months)
    finally:
        store.close()


def test_the_file_gives_the_same_figures_as_the_folder(imported):
    source, target = imported
    months = _months(source)
    for scope in (["--collector", "C001"], ["--team", "T01"], ["--all"]):
        for period in (months[-1], f"{months[-2]}..{months[-1]}"):
            from_folder = run("metrics", source, "--period", period, *scope, "--format", "json")
            from_file = run("metrics", target, "--period", period, *scope, "--format", "json")
            assert from_folder.exit_code == 0, from_folder.output + from_folder.stderr
            assert from_file.output == from_folder.output, (period, scope)


def test_the_file_gives_the_same_report_as_the_folder(imported, tmp_path):
    source, target = imported
    last = _months(source)[-1]
    outputs = []
    for name, src in (("folder", source), ("file", target)):
        out = tmp_path / name
        result = run("report", src, "--period", last, "--team", "T01", "--format", "md",
                     "--out", out)  # fmt: skip
        assert result.exit_code == 0, result.output + result.stderr
        outputs.append(sorted((p.name, p.read_bytes()) for p in out.iterdir() if p.is_file()))
    assert outputs[0] == outputs[1]


def test_validate_describes_the_file_without_checking_rows_again(imported):
    source, target = imported
    folder = run("validate", source).output
    file = run("validate", target).output
    # Same tables, rows, months and spans; only where each table came from differs.
    strip = [line.split("  from ")[0] for line in folder.splitlines()]
    assert [line.split("  from ")[0] for line in file.splitlines()] == strip
    assert f"from {target.name}" in file


def test_a_bad_source_writes_nothing(tmp_path):
    source = tiny_source(tmp_path / "source")
    spoil_cell(source, "accounts", 0, "dpd", "many")
    target = tmp_path / "out" / "centre.duckdb"
    target.parent.mkdir()
    assert_clean_failure(run("import", source, "--to", target), "accounts.csv", "dpd", "many")
    assert list(target.parent.iterdir()) == []


def test_an_existing_file_is_replaced_only_with_force(imported, tmp_path):
    source, _ = imported
    target = tmp_path / "centre.duckdb"
    target.write_bytes(b"keep me")
    assert_clean_failure(run("import", source, "--to", target), "--force")
    assert target.read_bytes() == b"keep me"
    assert run("import", source, "--to", target, "--force").exit_code == 0
    assert run("validate", target).exit_code == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["centre.duckdb"]


def test_an_input_is_never_replaced(tmp_path):
    source = tiny_source(tmp_path / "source")
    before = (source / "collectors.csv").read_bytes()
    result = run("import", source, "--to", source / "collectors.csv", "--force")
    assert_clean_failure(result, "collectors.csv")
    assert (source / "collectors.csv").read_bytes() == before


def test_a_file_of_another_version_says_to_import_again(imported, tmp_path):
    _, target = imported
    copy = tmp_path / "old.duckdb"
    copy.write_bytes(target.read_bytes())
    con = duckdb.connect(str(copy))
    con.execute(f"UPDATE {META_TABLE} SET value = '0' WHERE key = 'schema_version'")
    con.close()
    result = run("validate", copy)
    assert_clean_failure(result, "old.duckdb", "file version is 0", "reportgen import")


def test_files_reportgen_cannot_read_are_one_clear_error(tmp_path):
    other = tmp_path / "other.duckdb"
    con = duckdb.connect(str(other))
    con.execute("CREATE TABLE accounts (x INTEGER)")
    con.close()
    assert_clean_failure(run("validate", other), "other.duckdb", "reportgen import")
    garbage = tmp_path / "garbage.duckdb"
    garbage.write_bytes(b"not a database at all" * 100)
    assert_clean_failure(run("validate", garbage), "garbage.duckdb")


def test_engine_settings_reach_duckdb(imported):
    _, target = imported
    store = open_store(target, Config(engine=Engine(memory_limit="300MiB")))
    try:
        limit = store.con.execute("SELECT current_setting('memory_limit')").fetchone()[0]
    finally:
        store.close()
    assert limit.replace(" ", "") in ("300.0MiB", "314.5MB", "300MiB")


_PROGRESS_BARS = """
import sys
from pathlib import Path
from reportgen.config import Config
from reportgen.store.open import open_store
stores = [open_store(Path(source), Config()) for source in sys.argv[1:]]
stores.append(stores[-1].on_own_connection())
for store in stores:
    print(store.con.execute("SELECT current_setting('enable_progress_bar')").fetchone()[0])
"""


def test_no_connection_draws_a_progress_bar(imported):
    """DuckDB's Python client draws a progress bar on standard output for any query over
    two seconds: on a centre's data it landed in the middle of ``metrics --format json``.
    Every connection reportgen opens has it off. Asked in a process of its own: under
    pytest's capture DuckDB starts with the bar off anyway, and a test cannot make a
    query draw it sooner (setting ``progress_bar_time`` turns the bar back on)."""
    source, target = imported
    found = subprocess.run(
        [sys.executable, "-c", _PROGRESS_BARS, str(source), str(target)],
        capture_output=True,
        text=True,
        check=True,
    )
    assert found.stdout.split() == ["False", "False", "False"]


def test_data_spilled_from_a_file_goes_beside_it_unless_set(imported, tmp_path):
    """Opened within an in-memory database, the file would otherwise spill into the
    working folder (DuckDB's default for memory); beside it is what DuckDB does for a
    file opened alone."""
    _, target = imported
    for engine, expected in (
        (Engine(), f"{target.resolve()}.tmp"),
        (Engine(temp_directory=str(tmp_path / "spill")), str(tmp_path / "spill")),
    ):
        store = open_store(target, Config(engine=engine))
        try:
            found = store.con.execute("SELECT current_setting('temp_directory')").fetchone()[0]
        finally:
            store.close()
        assert found == expected


def test_a_memory_limit_without_unit_is_a_settings_error(imported, tmp_path):
    _, target = imported
    settings = tmp_path / "reportgen.toml"
    settings.write_text('[engine]\nmemory_limit = "8"\n', encoding="utf-8")
    assert_clean_failure(run("validate", target, "--config", settings), "memory_limit", "8GB")


def test_a_report_from_the_file_does_not_load_pandas_numpy_or_pyarrow(imported, tmp_path):
    """The file's rows were checked on import: reporting from it needs none of the
    loader's frame libraries (half a second of a one-second report to import)."""
    import subprocess
    import sys

    source, target = imported
    last = _months(source)[-1]
    script = (
        "import sys\n"
        "from reportgen.cli import main\n"
        "try:\n"
        "    main()\n"
        "except SystemExit as end:\n"
        "    assert not end.code, end.code\n"
        "print(sorted(m for m in ('pandas', 'numpy', 'pyarrow') if m in sys.modules))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, "report", str(target), "--period", last,
         "--collector", "C001", "--format", "md,docx,pdf", "--out", str(tmp_path / "out")],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[-1] == "[]"
    assert (tmp_path / "out" / f"C001_{last}_zh-CN.docx").is_file()


def test_a_file_whose_name_holds_quotes_and_sql_is_read_as_that_file(imported, tmp_path):
    """The file is attached by an SQL statement (ATTACH takes no parameters): its name
    must reach it as one quoted literal, whatever it holds."""
    source, target = imported
    odd = tmp_path / 'it\'s "odd" 中文 ; DROP TABLE x; --.duckdb'
    odd.write_bytes(target.read_bytes())
    month = _months(source)[-1]
    from_odd = run("metrics", odd, "--period", month, "--all", "--format", "json")
    from_file = run("metrics", target, "--period", month, "--all", "--format", "json")
    assert from_odd.exit_code == 0, from_odd.output + from_odd.stderr
    assert from_odd.output == from_file.output


def test_a_folder_spills_into_a_private_temp_folder_not_the_working_folder(
    imported, tmp_path, monkeypatch
):
    """DuckDB's own default for an in-memory database is ``.tmp`` in the working folder,
    which may be a user's documents or the data folder. Spilled data goes under the
    system's temporary folder instead, in a folder DuckDB removes on close."""
    import tempfile

    source, _ = imported
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    store = open_store(source, Config())
    try:
        spill = Path(store.con.execute("SELECT current_setting('temp_directory')").fetchone()[0])
        # A table larger than the memory limit: its blocks go to the spill folder.
        store.con.execute("SET memory_limit = '32MB'")
        store.con.execute(
            "CREATE TEMP TABLE big AS SELECT range AS n, md5(range::VARCHAR) AS s "
            "FROM range(2000000)"
        )
        assert spill.is_dir() and any(spill.iterdir())
    finally:
        store.close()
    assert spill.parent == Path(tempfile.gettempdir())
    assert not spill.exists()  # removed with the database
    assert list(work.iterdir()) == []
    chosen = tmp_path / "spill"
    store = open_store(source, Config(engine=Engine(temp_directory=str(chosen))))
    try:
        found = store.con.execute("SELECT current_setting('temp_directory')").fetchone()[0]
    finally:
        store.close()
    assert found == str(chosen)
