"""PostgreSQL as SOURCE, against a real server: same figures, same reports, clear errors.

The server is Debian's PostgreSQL, started for this module in a temporary
folder (tests/postgres_server.py). The bundled sample data is loaded twice:
once with reportgen's own names, once as a collection system might keep it
(its own schema, Chinese table and column names, channels written in Chinese)
and mapped through reportgen.toml. Every metric of every scope, for every
kind of period, must equal the folder's; reports must be the same bytes.

Without server binaries the module is skipped, except where
``REPORTGEN_REQUIRE_POSTGRES`` is set (CI), where that is a failure.
"""

from __future__ import annotations

import os
from pathlib import Path

import psycopg
import pytest

from hostile.corpus import assert_clean_failure, run
from postgres_server import PASSWORD, create_database, load_store, postgres_server, server_binaries
from reportgen.config import Config, load_config
from reportgen.metrics import MetricsEngine
from reportgen.resources import sample_data_dir
from reportgen.store.database_url import parse_database_url
from reportgen.store.open import open_store

if server_binaries() is None:
    if os.environ.get("REPORTGEN_REQUIRE_POSTGRES"):
        raise RuntimeError("REPORTGEN_REQUIRE_POSTGRES is set but PostgreSQL is not installed")
    pytest.skip("PostgreSQL server binaries are not installed", allow_module_level=True)

SAMPLE = sample_data_dir()
PERIODS = ("2024-09", "2024-Q3", "2024-H1", "2024", "2023-11..2024-02")

# The sample data as a collection system might name it. Tables and columns the
# settings name are mapped by reportgen.toml; the others are found by their aliases.
MAPPED_SCHEMA = "催收系统"
MAPPED_TABLES = {
    "collectors": "坐席花名册",  # named in the settings
    "accounts": "账户",  # an alias
    "contacts": "催收记录",
    "payments": "还款记录",
    "arrangements": "还款计划",
    "complaints": "投诉",
}
MAPPED_COLUMNS = {
    "collectors": {"collector_id": "坐席工号", "name": "姓名", "team_id": "组别"},
    "accounts": {"month": "月份", "account_id": "卡号", "collector_id": "坐席工号",
                 "dpd": "逾期天数", "balance": "欠款余额"},
    "contacts": {"contacted_at": "联系时间", "account_id": "卡号", "collector_id": "坐席工号",
                 "channel": "渠道", "outcome": "结果", "duration_s": "通话秒数",
                 "promise_amount": "承诺金额", "promise_date": "承诺日期"},
    "payments": {"paid_on": "还款日期", "account_id": "卡号", "collector_id": "坐席工号",
                 "amount": "还款金额", "channel": "渠道"},
    "arrangements": {"created_on": "签订日期", "account_id": "卡号", "collector_id": "坐席工号",
                     "kind": "方案", "amount": "金额", "installments": "期数"},
    "complaints": {"received_on": "投诉日期", "collector_id": "坐席工号", "account_id": "卡号",
                   "category": "类别", "upheld": "是否成立"},
}  # fmt: skip
MAPPED_SETTINGS = f"""
[database]
schema = "{MAPPED_SCHEMA}"

[database.tables]
collectors = "坐席花名册"

[database.columns.collectors]
collector_id = "坐席工号"
team_id = "组别"

[database.columns.accounts]
account_id = "卡号"
collector_id = "坐席工号"
balance = "欠款余额"

[database.columns.contacts]
account_id = "卡号"
collector_id = "坐席工号"
duration_s = "通话秒数"

[database.columns.payments]
account_id = "卡号"
collector_id = "坐席工号"

[database.columns.arrangements]
account_id = "卡号"
collector_id = "坐席工号"

[database.columns.complaints]
account_id = "卡号"
collector_id = "坐席工号"
"""
CHINESE_CHANNELS = {"call": "电话", "sms": "短信", "visit": "外访", "im": "微信"}


@pytest.fixture(scope="module")
def server():
    with postgres_server() as (url, env):
        previous = os.environ.get("PGPASSWORD")
        os.environ["PGPASSWORD"] = env["PGPASSWORD"]
        try:
            yield url
        finally:
            if previous is None:
                os.environ.pop("PGPASSWORD", None)
            else:
                os.environ["PGPASSWORD"] = previous


@pytest.fixture(scope="module")
def canonical(server, folder_store) -> str:
    url = create_database(server, "canonical")
    load_store(url, folder_store)
    return url


@pytest.fixture(scope="module")
def mapped(server, folder_store, tmp_path_factory) -> tuple[str, Path]:
    """(URL, settings file) of the sample data under Chinese names in its own schema."""
    url = create_database(server, "mapped")
    load_store(url, folder_store, schema=MAPPED_SCHEMA, tables=MAPPED_TABLES,
               columns=MAPPED_COLUMNS)  # fmt: skip
    with psycopg.connect(url, password=PASSWORD, autocommit=True) as con:
        cases = " ".join(f"WHEN '{code}' THEN '{name}'" for code, name in CHINESE_CHANNELS.items())
        con.execute(
            f'UPDATE "{MAPPED_SCHEMA}"."催收记录" SET "渠道" = CASE "渠道" {cases} ELSE "渠道" END'
        )
    settings = tmp_path_factory.mktemp("mapped") / "reportgen.toml"
    settings.write_text(MAPPED_SETTINGS, encoding="utf-8")
    return url, settings


def _every_figure(store, config: Config) -> str:
    """Every scope's metrics of every period, as JSON (so 3, 3.0 and Decimal differ)."""
    import json

    engine = MetricsEngine(store, config)
    figures = {}
    for label in PERIODS:
        metrics = engine.period_metrics(label)
        figures[label] = [metrics.collectors, metrics.teams, metrics.everyone]
    return json.dumps(figures, sort_keys=True, ensure_ascii=False)


@pytest.mark.parametrize("which", ["canonical", "mapped"])
def test_every_metric_of_every_scope_equals_the_folders(which, request, folder_store):
    if which == "canonical":
        url, config = request.getfixturevalue("canonical"), Config()
    else:
        url, settings = request.getfixturevalue("mapped")
        config = load_config(settings)
    expected = _every_figure(folder_store, Config())
    store = open_store(parse_database_url(url), config)
    try:
        assert _every_figure(store, config) == expected
    finally:
        store.close()


def test_metrics_command_gives_the_same_json(mapped):
    url, settings = mapped
    for scope in (["--collector", "C001"], ["--team", "T01"], ["--all"]):
        from_folder = run("metrics", SAMPLE, "--period", "2024-Q3", *scope, "--format", "json")
        from_db = run("metrics", url, "--period", "2024-Q3", *scope, "--format", "json",
                      "--config", settings)  # fmt: skip
        assert from_folder.exit_code == 0, from_folder.output
        assert from_db.exit_code == 0, from_db.output + from_db.stderr
        assert from_db.output == from_folder.output, scope


def _files(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


@pytest.mark.parametrize("which", ["canonical", "mapped"])
def test_report_is_byte_identical_to_the_folders(which, request, tmp_path):
    if which == "canonical":
        url, extra = request.getfixturevalue("canonical"), []
    else:
        url, settings = request.getfixturevalue("mapped")
        extra = ["--config", settings]
    common = ["--period", "2024-09", "--collector", "C001", "--format", "md,docx,pdf"]
    folder = run("report", SAMPLE, *common, "--out", tmp_path / "folder")
    database = run("report", url, *common, "--out", tmp_path / "db", *extra)
    assert folder.exit_code == 0, folder.output
    assert database.exit_code == 0, database.output + database.stderr
    expected = _files(tmp_path / "folder")
    assert len(expected) >= 4
    assert _files(tmp_path / "db") == expected


def test_archive_from_the_database_matches_and_names_no_password(canonical, tmp_path):
    import json

    folder = run("archive", SAMPLE, "--period", "2024-Q3", "--format", "md",
                 "--out", tmp_path / "folder")  # fmt: skip
    database = run("archive", canonical, "--period", "2024-Q3", "--format", "md",
                   "--out", tmp_path / "db")  # fmt: skip
    assert folder.exit_code == 0, folder.output
    assert database.exit_code == 0, database.output + database.stderr
    expected = _files(tmp_path / "folder")
    found = _files(tmp_path / "db")
    assert set(found) == set(expected)
    for name in expected:
        if name != "manifest.json":
            assert found[name] == expected[name], name
    manifest = json.loads(found["manifest.json"])
    (entry,) = manifest["inputs"]
    assert entry["database"] == canonical
    assert entry["rows"]["contacts"] == 924_222
    assert PASSWORD not in found["manifest.json"].decode()
    verified = run("verify", tmp_path / "db")
    assert verified.exit_code == 0, verified.output


def test_the_work_stays_in_the_server(canonical):
    """A year of every scope's metrics brings back aggregate rows only."""
    store = open_store(parse_database_url(canonical), Config())
    try:
        before = store.con.traffic.rows
        MetricsEngine(store, Config()).period_metrics("2024")
        rows = store.con.traffic.rows - before
        contacts = store.row_counts["contacts"]
        # Every scope's figures: a few hundred rows, against 924,222 contacts.
        assert 0 < rows < 2_000 < contacts
        assert store.con.traffic.bytes < 100_000
    finally:
        store.close()


# --- what goes wrong ------------------------------------------------------------------


def test_wrong_password_is_one_line_without_the_password(canonical, monkeypatch):
    monkeypatch.setenv("PGPASSWORD", "not-the-password-123")
    result = run("validate", canonical)
    assert_clean_failure(result, canonical, "password authentication failed")
    assert "not-the-password-123" not in result.output + result.stderr


def test_a_password_in_the_url_is_refused_and_not_echoed(canonical):
    with_password = canonical.replace("reportgen@", "reportgen:hunter2secret@")
    result = run("validate", with_password)
    assert result.exit_code == 2  # a usage error, as for any bad argument
    assert "PGPASSWORD" in result.output + result.stderr
    assert "hunter2secret" not in result.output + result.stderr


def test_unreachable_host_is_one_clear_line():
    import socket

    with socket.socket() as sock:  # a port nothing listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    url = f"postgresql://reportgen@127.0.0.1:{port}/centre"
    assert_clean_failure(run("validate", url), url, "cannot connect")


@pytest.fixture()
def scratch(server, request) -> str:
    """An empty database of its own, for one broken source."""
    return create_database(server, f"scratch_{request.node.name[:40].lower()}")


def _execute(url: str, *statements: str) -> None:
    with psycopg.connect(url, password=PASSWORD, autocommit=True) as con:
        for statement in statements:
            con.execute(statement)


_ROSTER = (
    "CREATE TABLE collectors (collector_id text, name text, team_id text)",
    "INSERT INTO collectors VALUES ('C001', '王芳', 'T01'), ('C002', '李明', 'T01')",
)


def test_missing_table_named_in_settings(scratch, tmp_path):
    _execute(scratch, *_ROSTER)
    settings = tmp_path / "reportgen.toml"
    settings.write_text('[database.tables]\naccounts = "账户快照表"\n', encoding="utf-8")
    result = run("validate", scratch, "--config", settings)
    assert_clean_failure(result, "table 账户快照表", "no such table or view", "accounts")


def test_missing_table_and_column(scratch):
    _execute(scratch, "CREATE TABLE collectors (collector_id text, team_id text)")
    result = run("validate", scratch)
    assert_clean_failure(result, "table collectors", "column name", "no such column",
                         "no accounts table")  # fmt: skip


def test_column_of_the_wrong_type(scratch):
    _execute(
        scratch,
        *_ROSTER,
        "CREATE TABLE accounts (month text, account_id text, collector_id text, dpd integer, "
        "balance double precision)",
        "CREATE TABLE contacts (contacted_at text, account_id text, collector_id text, "
        "channel text, outcome text)",
    )
    result = run("validate", scratch)
    assert_clean_failure(
        result,
        "table accounts, column balance: found a column of type double precision",
        "table contacts, column contacted_at: found a column of type text; expected timestamp",
    )


def test_bad_values_are_counted_with_examples_all_at_once(scratch):
    _execute(
        scratch,
        *_ROSTER,
        "CREATE TABLE accounts (month text, account_id text, collector_id text, dpd integer, "
        "balance numeric)",
        "INSERT INTO accounts VALUES ('2024-08', 'A1', 'C001', 10, 100.00), "
        "('2024-8', 'A2', 'C001', -3, 1.005), ('2024-09', 'A1', 'C009', 0, 5), "
        "('2024-09', 'A1', 'C001', 0, 5), ('2024-09', ' A3', 'C002', 1, -2)",
        "CREATE TABLE contacts (contacted_at timestamp, account_id text, collector_id text, "
        "channel text, outcome text)",
        "INSERT INTO contacts VALUES ('2024-09-01 10:00', 'A1', 'C001', '飞鸽传书', 'promise')",
    )
    result = run("validate", scratch)
    assert_clean_failure(
        result,
        "table accounts, column month: found 1 row(s) with a value that is not a month",
        "table accounts, column dpd: found 1 row(s) with a value below 0",
        "column balance: found 1 row(s) with fractions of a cent",
        "column balance: found 1 row(s) with a value below 0",
        "column account_id: found 1 row(s) with spaces around the value",
        "table contacts, column channel: found 1 row(s) with a value that is not allowed, "
        "e.g. account_id 'A1', contacted_at '2024-09-01 10:00:00', channel '飞鸽传书'",
    )


def test_off_roster_and_repeated_accounts(scratch):
    _execute(
        scratch,
        *_ROSTER,
        "CREATE TABLE accounts (month text, account_id text, collector_id text, dpd integer, "
        "balance numeric(14, 2))",
        "INSERT INTO accounts VALUES ('2024-09', 'A1', 'C001', 0, 5), "
        "('2024-09', 'A1', 'C002', 0, 5), ('2024-09', 'A2', 'C404', 3, 5)",
    )
    result = run("validate", scratch)
    assert_clean_failure(
        result,
        "1 row(s) of collector(s) not on the roster: 'C404'",
        "'A1' 2 times in month 2024-09",
    )


def test_lost_connection_mid_archive_leaves_no_archive(canonical, tmp_path, monkeypatch):
    """The server drops the connection part way through: one clear line, nothing written."""
    from reportgen.store import postgres_session

    original = postgres_session.PostgresSession.run
    dropped = []

    def run_then_drop(self, sql, parameters=None):
        # Well into the metrics, after the checks: the first per-day fold of the contacts.
        if not dropped and "CREATE TEMPORARY TABLE reportgen_contact_days" in sql:
            dropped.append(sql)
            original(self, "SELECT pg_terminate_backend(pg_backend_pid())")
        return original(self, sql, parameters)

    monkeypatch.setattr(postgres_session.PostgresSession, "run", run_then_drop)
    out = tmp_path / "archive"
    result = run("archive", canonical, "--period", "2024-Q3", "--format", "md", "--out", out)
    assert_clean_failure(result, canonical, "terminating connection")
    assert dropped
    assert not out.exists()
    assert list(tmp_path.iterdir()) == []


def test_messy_but_valid_columns_read_as_files_read_them(server, tmp_path):
    """Padded char(n) ids, a blank team name, a name with a space after it and blank
    payment channels mean what they mean in a file: the same figures and report."""
    from hostile.corpus import PERIOD, spoil_cell, spoil_rows, tiny_source

    folder = tiny_source(tmp_path / "files")
    clean = open_store(folder, Config())
    url = create_database(server, "messy")
    try:
        load_store(url, clean)
    finally:
        clean.close()
    account = "A00000322"
    spoil_cell(folder, "collectors", 0, "team_name", "   ")
    spoil_cell(folder, "collectors", 1, "name", "李明\u3000")
    spoil_rows(folder, "payments", lambda rows: [rows[0]] + [
        [*r[:4], ""] if r[1] == account else r for r in rows[1:]
    ])  # fmt: skip
    _execute(
        url,
        *(f"ALTER TABLE {t} ALTER COLUMN collector_id TYPE character(8)"
          for t in ("collectors", "accounts", "contacts", "payments", "arrangements",
                    "complaints")),
        "UPDATE collectors SET team_name = '   ' WHERE collector_id = 'C001'",
        "UPDATE collectors SET name = '李明' || chr(12288) WHERE collector_id = 'C002'",
        f"UPDATE payments SET channel = '' WHERE account_id = '{account}'",
    )  # fmt: skip
    for scope in (["--all"], ["--team", "T01"], ["--collector", "C002"]):
        asked = ["--period", PERIOD, *scope, "--format", "json"]
        from_files = run("metrics", folder, *asked)
        from_db = run("metrics", url, *asked)
        assert from_files.exit_code == 0, from_files.output
        assert from_db.exit_code == 0, from_db.output + from_db.stderr
        assert from_db.output == from_files.output, scope
    assert '"other"' in run("metrics", url, "--period", PERIOD, "--all", "--format", "json").output
    report = ["--period", PERIOD, "--team", "T01", "--format", "md"]
    assert run("report", folder, *report, "--out", tmp_path / "a").exit_code == 0
    assert run("report", url, *report, "--out", tmp_path / "b").exit_code == 0
    assert _files(tmp_path / "b") == _files(tmp_path / "a")


def test_refused_where_a_file_would_be_refused(scratch):
    """A zoned date with no [organisation] timezone; white space inside an identifier's
    edges that is not an ASCII space; a yes/no stored as 2."""
    _execute(
        scratch,
        *_ROSTER,
        "CREATE TABLE accounts (month text, account_id text, collector_id text, dpd integer, "
        "balance numeric)",
        "INSERT INTO accounts VALUES ('2024-09', 'A1' || chr(12288), 'C001', 0, 5)",
        "CREATE TABLE payments (paid_on timestamptz, account_id text, collector_id text, "
        "amount numeric)",
        "CREATE TABLE complaints (received_on date, collector_id text, upheld integer)",
        "INSERT INTO complaints VALUES ('2024-09-02', 'C001', 2)",
    )
    assert_clean_failure(
        run("validate", scratch),
        "table payments, column paid_on: found a timestamp with time zone",
        "[organisation] timezone",
    )
    _execute(scratch, "ALTER TABLE payments ALTER COLUMN paid_on TYPE date")
    assert_clean_failure(
        run("validate", scratch),
        "column account_id: found 1 row(s) with spaces around the value",
        "table complaints, column upheld: found 1 row(s) with a number other than 0 or 1",
    )
