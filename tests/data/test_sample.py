"""The sample data generator: deterministic, consistent, realistic, in every format."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

import reportgen.data.sample as sample
import reportgen.data.sample_calendar as sample_calendar
import reportgen.data.sample_contacts as sample_contacts
from reportgen.cli import cli
from reportgen.data.dataset import TABLES
from reportgen.data.sample import SampleSpec, SampleSpecError, file_name, write_sample_data
from reportgen.errors import OutputError
from reportgen.resources import sample_data_dir

CONNECTED = {"third_party", "right_party", "promise", "refused", "dispute"}
RIGHT_PARTY = {"right_party", "promise", "refused", "dispute"}
# Four active months around Chinese New Year 2024 (10 February), three collectors of
# the default book size: big enough for the realism checks, small enough to be quick.
MEDIUM = SampleSpec(collectors=3, teams=2, months=4, end="2024-03", seed=5)


def read_csv_source(folder: Path) -> dict[str, pd.DataFrame]:
    """Every table as text, exactly as written (blanks as NaN)."""
    return {
        table: pd.read_csv(folder / file_name(table, "csv"), dtype=str, encoding="utf-8-sig")
        for table in TABLES
    }


def money(column: pd.Series) -> pd.Series:
    """Text amounts to integer cents, exactly."""
    parts = column.str.split(".", expand=True)
    return parts[0].astype("int64") * 100 + parts[1].astype("int64")


@pytest.fixture(scope="module")
def medium(tmp_path_factory) -> dict[str, pd.DataFrame]:
    folder = tmp_path_factory.mktemp("medium")
    write_sample_data(folder, MEDIUM)
    return read_csv_source(folder)


@pytest.fixture(scope="module")
def chunked(tmp_path_factory) -> dict[str, pd.DataFrame]:
    """The medium source with contacts made in many small chunks of accounts."""
    folder = tmp_path_factory.mktemp("chunked")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(sample_contacts, "CHUNK_ROWS", 2_000)
        write_sample_data(folder, MEDIUM)
    return read_csv_source(folder)


# ---- determinism -------------------------------------------------------------------------


def test_same_seed_same_bytes_and_another_seed_other_data(tmp_path):
    spec = SampleSpec(collectors=2, teams=1, accounts=80, months=2, seed=11)
    first = write_sample_data(tmp_path / "a", spec)
    second = write_sample_data(tmp_path / "b", spec)
    other = write_sample_data(tmp_path / "c", SampleSpec(**{**spec.__dict__, "seed": 12}))
    for a, b in zip(first, second, strict=True):
        assert a.read_bytes() == b.read_bytes(), a.name
    differing = [
        a.name for a, c in zip(first, other, strict=True) if a.read_bytes() != c.read_bytes()
    ]
    assert {"accounts.csv", "contacts.csv.gz", "payments.csv"} <= set(differing)


def test_gzip_header_carries_no_time_or_name(tmp_path):
    paths = write_sample_data(tmp_path, SampleSpec(collectors=1, teams=1, accounts=5, months=1))
    header = (tmp_path / "contacts.csv.gz").read_bytes()[:10]
    assert header[3] == 0  # FLG: no FNAME, no comment
    assert header[4:8] == b"\0\0\0\0"  # MTIME 0
    assert [p.name for p in paths] == [file_name(t, "csv") for t in TABLES]


def test_bundled_sample_data_is_what_the_default_command_writes(tmp_path):
    result = CliRunner().invoke(cli, ["sample-data", str(tmp_path)])
    assert result.exit_code == 0, result.output
    written = [Path(line) for line in result.output.splitlines()]
    assert [p.name for p in written] == [file_name(t, "csv") for t in TABLES]
    for path in written:
        bundled = sample_data_dir() / path.name
        assert bundled.read_bytes() == path.read_bytes(), f"{path.name} differs from sample_data/"


def test_bundled_sample_data_stays_small():
    size = sum(p.stat().st_size for p in sample_data_dir().iterdir())
    assert size < 20 * 1024 * 1024


# ---- shape and referential integrity -------------------------------------------------------


@pytest.mark.parametrize("source", ["medium", "chunked"])
def test_every_collector_is_on_the_roster(source, request):
    tables = request.getfixturevalue(source)
    roster = set(tables["collectors"].collector_id)
    assert len(roster) == 3 == len(tables["collectors"])
    assert tables["collectors"].team_id.nunique() == 2
    for name in ("accounts", "contacts", "payments", "arrangements", "complaints"):
        assert set(tables[name].collector_id) <= roster, name


def test_roster_has_chinese_names_and_team_names(medium):
    collectors = medium["collectors"]
    assert collectors.name.str.fullmatch(r"[\u4e00-\u9fff]{2,3}").all()
    assert set(collectors.team_name) == {"催收一组", "催收二组"}
    assert collectors.team_name.groupby(collectors.team_id).nunique().eq(1).all()
    assert (pd.to_datetime(collectors.hired_on) < "2023-12-01").all()


def test_snapshots_cover_the_opening_month_and_every_active_month(medium):
    accounts = medium["accounts"]
    assert sorted(accounts.month.unique()) == [
        "2023-11",
        "2023-12",
        "2024-01",
        "2024-02",
        "2024-03",
    ]
    assert not accounts.duplicated(["month", "account_id"]).any()
    book = accounts[accounts.dpd.astype(int) >= 1].groupby("month").size()
    assert book.between(1200 * 0.95, 1200 * 1.05).all()  # --accounts: 400 per collector


@pytest.mark.parametrize("source", ["medium", "chunked"])
def test_dpd_moves_as_a_month_end_snapshot_should(source, request):
    accounts = request.getfixturevalue(source)["accounts"].assign(
        dpd=lambda f: f.dpd.astype(int), balance=lambda f: money(f.balance)
    )
    months = sorted(accounts.month.unique())
    for before, after in zip(months, months[1:], strict=False):
        days = pd.Period(after).days_in_month
        old = accounts[(accounts.month == before) & (accounts.dpd >= 1)].set_index("account_id")
        new = accounts[accounts.month == after].set_index("account_id")
        carried = new.index.intersection(old.index)
        moved = new.loc[carried, "dpd"] - old.loc[carried, "dpd"]
        cured = new.loc[carried, "dpd"] == 0
        assert (cured | moved.isin([0, days])).all()  # cured, held the bucket, or rolled
        assert cured.any() and (moved == days).any() and (moved == 0).any()
        entrants = new.loc[new.index.difference(old.index)]
        assert entrants.dpd.between(1, 30).all()
        assert len(old.index.difference(new.index)) > 0  # some left the book
    current = accounts[accounts.dpd == 0]
    assert len(current) > 0 and (current.balance == 0).all()
    assert (accounts[accounts.dpd >= 1].balance > 0).all()


@pytest.mark.parametrize("source", ["medium", "chunked"])
def test_contacts_are_well_formed(source, request):
    contacts = request.getfixturevalue(source)["contacts"]
    at = pd.to_datetime(contacts.contacted_at, format="%Y-%m-%d %H:%M:%S")
    assert at.min() >= pd.Timestamp("2023-12-01") and at.max() < pd.Timestamp("2024-04-01")
    assert set(contacts.channel) == {"call", "sms", "letter", "visit", "im", "email"}
    messages = contacts[contacts.channel.isin(["sms", "letter", "email"])]
    assert set(messages.outcome) == {"sent", "failed"}
    calls = contacts[contacts.channel == "call"]
    assert (
        calls.duration_s.notna().all()
        and contacts[contacts.channel != "call"].duration_s.isna().all()
    )
    talk = calls.duration_s.astype(int)
    assert (talk[~calls.outcome.isin(CONNECTED)] == 0).all()
    assert (talk[calls.outcome.isin(CONNECTED)] > 0).all()

    promises = contacts.outcome == "promise"
    assert contacts.loc[promises, "promise_date"].notna().all()
    assert contacts.loc[~promises, ["promise_date", "promise_amount"]].isna().all().all()
    promised_on = pd.to_datetime(contacts.loc[promises, "promise_date"], format="%Y-%m-%d")
    assert (promised_on >= at[promises].dt.normalize()).all()
    blank = contacts.loc[promises, "promise_amount"].isna().mean()
    assert 0.02 < blank < 0.25  # mostly present, sometimes blank
    assert (money(contacts.loc[promises, "promise_amount"].dropna()) > 0).all()

    accounts = request.getfixturevalue(source)["accounts"]
    assert set(contacts.account_id) <= set(accounts.account_id)


def test_money_tables_are_well_formed(medium):
    payments, arrangements = medium["payments"], medium["arrangements"]
    assert (money(payments.amount) > 0).all()
    assert payments.amount.str.fullmatch(r"\d+\.\d\d").all()
    paid_on = pd.to_datetime(payments.paid_on, format="%Y-%m-%d")
    assert paid_on.min() >= pd.Timestamp("2023-12-01") and paid_on.max() <= pd.Timestamp(
        "2024-03-31"
    )
    assert set(payments.account_id) <= set(medium["accounts"].account_id)
    assert set(arrangements.kind) == {"installment", "extension", "settlement"}
    assert (money(arrangements.amount) > 0).all()
    plans = arrangements[arrangements.kind == "installment"].installments.astype(int)
    assert set(plans) <= {3, 6, 12, 24}
    assert arrangements[arrangements.kind == "extension"].installments.isna().all()


# ---- realism -------------------------------------------------------------------------------


def test_calls_mostly_go_unanswered(medium):
    calls = medium["contacts"][medium["contacts"].channel == "call"]
    connect_rate = calls.outcome.isin(CONNECTED).mean()
    rpc_rate = calls.outcome.isin(RIGHT_PARTY).mean()
    assert 0.20 <= connect_rate <= 0.35
    assert 0.10 <= rpc_rate <= 0.20
    assert (calls.outcome == "invalid_number").any()


def test_collectors_make_over_a_hundred_calls_a_working_day(medium):
    calls = medium["contacts"][medium["contacts"].channel == "call"]
    day = pd.to_datetime(calls.contacted_at).dt.normalize()
    calendar = pd.concat(
        [
            pd.Series(sample_calendar.month_calendar(y, m).working,
                      index=pd.date_range(f"{y}-{m:02d}-01", periods=len(
                          sample_calendar.month_calendar(y, m).working)))
            for y, m in MEDIUM.active_months()
        ]
    )  # fmt: skip
    working_days = calendar[calendar].index
    on_working = day.isin(working_days)
    per_collector_day = on_working.sum() / (3 * len(working_days))
    assert per_collector_day > 100
    per_collector = calls[on_working].groupby("collector_id").size() / len(working_days)
    assert per_collector.nunique() == 3  # collectors differ
    weekend = day[~on_working & (day.dt.day_of_week >= 5)]
    assert 0 < weekend.value_counts().mean() < 0.5 * day[on_working].value_counts().mean()


def test_new_year_is_quiet_and_preceded_by_a_repayment_rush(medium):
    contacts, payments = medium["contacts"], medium["payments"]
    per_day = pd.to_datetime(contacts.contacted_at).dt.normalize().value_counts()
    holiday = per_day.reindex(pd.date_range("2024-02-09", "2024-02-15"), fill_value=0)
    ordinary = per_day.reindex(pd.date_range("2024-03-04", "2024-03-08"))  # Mon-Fri
    assert holiday.max() < 0.05 * ordinary.mean()
    paid = pd.to_datetime(payments.paid_on).value_counts()
    rush = paid.reindex(pd.date_range("2024-01-30", "2024-02-08"), fill_value=0).mean()
    march = paid.reindex(pd.date_range("2024-03-01", "2024-03-31"), fill_value=0).mean()
    assert rush > 1.4 * march


def test_compliance_breaches_are_rare_but_present(medium):
    contacts = medium["contacts"]
    at = pd.to_datetime(contacts.contacted_at)
    live = contacts.channel.isin(["call", "sms", "visit", "im"])
    after_hours = live & ((at.dt.hour < 8) | (at.dt.hour >= 22))
    assert 0 < after_hours.sum() < 0.01 * len(contacts)
    unanswered = contacts[
        (contacts.channel == "call") & contacts.outcome.isin(["no_answer", "busy"])
    ]
    per_day = unanswered.groupby([unanswered.account_id, at[unanswered.index].dt.date]).size()
    assert 0 < (per_day > 6).sum() < 0.01 * len(per_day)
    complaints = medium["complaints"]
    assert len(complaints) > 0 and (complaints.upheld == "true").any()
    assert (complaints.upheld == "false").any()


def test_promises_are_kept_late_part_paid_or_broken(medium):
    """Judged as metrics.md does: payments on the account from the contact's date to
    promise_date + 3 days totalling at least the promised amount."""
    contacts, payments = medium["contacts"], medium["payments"]
    promises = contacts[(contacts.outcome == "promise") & contacts.promise_amount.notna()].copy()
    promises["made"] = pd.to_datetime(promises.contacted_at).dt.normalize()
    promises["due"] = pd.to_datetime(promises.promise_date)
    promises["amount"] = money(promises.promise_amount)
    paid = payments.assign(on=pd.to_datetime(payments.paid_on), cents=money(payments.amount))
    joined = promises.reset_index().merge(
        paid[["account_id", "on", "cents"]], on="account_id", how="left"
    )
    in_window = (joined.on >= joined.made) & (joined.on <= joined.due + pd.Timedelta(days=3))
    late = joined.on > joined.due + pd.Timedelta(days=3)
    window_total = joined.cents.where(in_window, 0).groupby(joined["index"]).sum()
    any_late = late.groupby(joined["index"]).any()
    kept = window_total >= promises.amount
    part_paid = (window_total > 0) & ~kept
    never = (window_total == 0) & ~any_late
    assert 0.3 < kept.mean() < 0.9
    assert part_paid.any() and never.any() and (any_late & ~kept).any()


def test_money_comes_in_through_every_route(medium):
    payments = medium["payments"]
    assert {"call", "sms", "im", "self", "agency", "legal", "visit"} <= set(payments.channel)
    # one visiting collector (the last of a team of three or more) visits debtors
    contacts = medium["contacts"]
    assert contacts[contacts.channel == "visit"].collector_id.nunique() >= 1


def test_some_accounts_change_hands(medium):
    accounts = medium["accounts"]
    holders = accounts[accounts.dpd.astype(int) >= 1].groupby("account_id").collector_id.nunique()
    assert (holders > 1).any()


def test_unreachable_accounts_show_invalid_numbers(medium):
    contacts = medium["contacts"]
    calls = contacts[contacts.channel == "call"]
    reached = set(contacts[contacts.outcome.isin(RIGHT_PARTY)].account_id)
    invalid = set(calls[calls.outcome == "invalid_number"].account_id)
    lost = invalid - reached
    assert 0.02 < len(lost) / calls.account_id.nunique() < 0.2


# ---- sizes, formats, refusals ------------------------------------------------------------


def test_a_tiny_centre(tmp_path):
    spec = SampleSpec(collectors=1, teams=1, accounts=5, months=1, end="2024-12")
    write_sample_data(tmp_path, spec)
    tables = read_csv_source(tmp_path)
    accounts = tables["accounts"]
    assert (accounts.month == "2024-11").sum() == 5
    assert (accounts[accounts.month == "2024-12"].dpd.astype(int) >= 1).sum() == 5
    assert set(tables["collectors"].collector_id) == {"C001"}
    assert len(tables["contacts"]) > 0


@pytest.mark.parametrize("fmt", ["xlsx", "parquet"])
def test_other_formats_hold_the_same_data_as_csv(fmt, tmp_path):
    spec = SampleSpec(collectors=2, teams=1, accounts=30, months=2, seed=4)
    write_sample_data(tmp_path / "csv", spec)
    paths = write_sample_data(tmp_path / fmt, SampleSpec(**{**spec.__dict__, "fmt": fmt}))
    assert [p.name for p in paths] == [f"{t}.{fmt}" for t in TABLES]
    as_text = read_csv_source(tmp_path / "csv")
    for table in TABLES:
        path = tmp_path / fmt / f"{table}.{fmt}"
        if fmt == "xlsx":
            frame = pd.read_excel(path, sheet_name=table, engine="openpyxl")
        else:
            frame = pd.read_parquet(path)
        expected = as_text[table]
        assert list(frame.columns) == list(expected.columns), table
        assert len(frame) == len(expected), table
        for column in ("account_id", "collector_id", "channel", "outcome", "kind"):
            if column in frame:
                assert (
                    frame[column].fillna("").astype(str).tolist()
                    == expected[column].fillna("").tolist()
                )
        for column in ("balance", "amount", "promise_amount"):
            if column in frame:
                cents = np.round(frame[column].to_numpy(dtype=float) * 100)
                text = expected[column]
                want = np.where(
                    text.isna(), np.nan, money(text.fillna("0.00")).to_numpy(dtype=float)
                )
                np.testing.assert_array_equal(cents, want)
        for column in ("contacted_at", "paid_on", "promise_date", "created_on", "received_on"):
            if column in frame:
                got = pd.to_datetime(frame[column])
                assert got.tolist() == pd.to_datetime(expected[column]).tolist(), column


def test_xlsx_is_byte_for_byte_repeatable(tmp_path):
    spec = SampleSpec(collectors=1, teams=1, accounts=10, months=1, fmt="xlsx")
    first = write_sample_data(tmp_path / "a", spec)
    second = write_sample_data(tmp_path / "b", spec)
    for a, b in zip(first, second, strict=True):
        assert a.read_bytes() == b.read_bytes(), a.name


def test_a_table_too_big_for_a_sheet_is_refused_before_writing(tmp_path, monkeypatch):
    monkeypatch.setattr(sample, "EXCEL_MAX_DATA_ROWS", 100)
    spec = SampleSpec(collectors=1, teams=1, accounts=20, months=1, fmt="xlsx")
    with pytest.raises(OutputError, match=r"contacts [\d,]+ rows"):
        write_sample_data(tmp_path / "out", spec)
    assert not (tmp_path / "out").exists()


def test_existing_files_are_kept_without_force(tmp_path):
    spec = SampleSpec(collectors=1, teams=1, accounts=5, months=1)
    paths = write_sample_data(tmp_path, spec)
    (tmp_path / "accounts.csv").write_text("mine")
    with pytest.raises(OutputError, match="use --force"):
        write_sample_data(tmp_path, spec)
    assert (tmp_path / "accounts.csv").read_text() == "mine"
    write_sample_data(tmp_path, spec, force=True)
    assert (tmp_path / "accounts.csv").read_text() != "mine"
    assert sorted(os.listdir(tmp_path)) == sorted(p.name for p in paths)  # no temporary files


def test_cli_refuses_to_overwrite_and_says_why(tmp_path):
    runner = CliRunner()
    args = ["sample-data", str(tmp_path), "--collectors", "1", "--teams", "1", "--accounts", "5",
            "--months", "1"]  # fmt: skip
    assert runner.invoke(cli, args).exit_code == 0
    again = runner.invoke(cli, args)
    assert again.exit_code == 1
    assert "already exist" in again.output and "--force" in again.output
    assert runner.invoke(cli, [*args, "--force"]).exit_code == 0


def test_an_interrupted_run_leaves_nothing_behind(tmp_path, monkeypatch):
    real = sample.generate_tables

    def failing(spec):
        for count, item in enumerate(real(spec)):
            if count == 5:
                raise RuntimeError("disk full")
            yield item

    monkeypatch.setattr(sample, "generate_tables", failing)
    with pytest.raises(RuntimeError):
        write_sample_data(tmp_path, SampleSpec(collectors=1, teams=1, accounts=5, months=3))
    assert os.listdir(tmp_path) == []


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (["--end", "2024-13"], "--end must be a month"),
        (["--end", "Dec 2024"], "--end must be a month"),
        (["--collectors", "2", "--teams", "3"], "every team needs at least one collector"),
        (["--seed", "-1"], "--seed must be 0 or more"),
    ],
)
def test_bad_options_are_one_clear_message(options, message, tmp_path):
    result = CliRunner().invoke(cli, ["sample-data", str(tmp_path), *options])
    assert result.exit_code == 1
    assert message in result.output
    assert "Traceback" not in result.output
    assert os.listdir(tmp_path) == []


def test_spec_months_run_back_from_end():
    spec = SampleSpec(months=24, end="2024-12")
    assert spec.active_months()[0] == (2023, 1) and spec.active_months()[-1] == (2024, 12)
    assert spec.opening_month() == (2022, 12)
    assert SampleSpec(months=1, end="2024-01").opening_month() == (2023, 12)
    with pytest.raises(SampleSpecError):
        SampleSpec(months=3000, end="2024-01").check()


# ---- the calendar --------------------------------------------------------------------------


def test_holidays_and_weekends_shape_the_month():
    october = sample_calendar.month_calendar(2024, 10)
    assert (october.activity[:7] == sample_calendar.HOLIDAY_ACTIVITY).all()  # National Day
    assert not october.working[:7].any()
    assert october.activity[7] == sample_calendar.NEAR_HOLIDAY_ACTIVITY  # Tuesday 8th
    assert october.activity[18] == sample_calendar.WEEKDAY_ACTIVITY[5]  # Saturday 19th
    assert october.activity[21] == 1.0  # Tuesday 22nd
    february = sample_calendar.month_calendar(2024, 2)
    assert (february.activity[8:15] == sample_calendar.HOLIDAY_ACTIVITY).all()  # 9th-15th
    assert february.payments[4] == sample_calendar.PRE_NEW_YEAR_RUSH  # Monday 5th


def test_new_year_beyond_the_table_is_within_a_day(monkeypatch):
    known = dict(sample_calendar._NEW_YEAR)
    monkeypatch.setattr(sample_calendar, "_NEW_YEAR", {})
    errors = [
        abs((sample_calendar.chinese_new_year(y) - date(y, m, d)).days)
        for y, (m, d) in known.items()
    ]
    assert max(errors) <= 1 and errors.count(0) >= 0.75 * len(errors)


def test_sample_days_stay_in_their_span():
    rng = np.random.default_rng(0)
    weights = np.array([1.0, 0.0, 0.0, 5.0, 1.0])
    lo = np.array([0, 1, 1, 4] * 500)
    hi = np.array([4, 2, 4, 4] * 500)
    days = sample_calendar.sample_days(rng, weights, lo, hi)
    assert ((days >= lo) & (days <= hi)).all()
    assert not np.isin(days[lo == 0], [1, 2]).any()  # zero weight, never drawn
    assert (days[(lo == 1) & (hi == 4)] == 3).mean() > 0.7


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "parquet"])
def test_the_loader_reads_every_format_as_written(fmt, tmp_path):
    from reportgen.data.load import load_source

    spec = SampleSpec(collectors=2, teams=1, accounts=30, months=2, seed=9, fmt=fmt)
    write_sample_data(tmp_path, spec)
    dataset = load_source(tmp_path)
    assert dataset.skipped_rows == {}
    text = read_csv_source(
        write_sample_data(tmp_path / "csv", SampleSpec(**{**spec.__dict__, "fmt": "csv"}))[0].parent
    )
    for table in TABLES:
        frame = dataset.table(table)
        assert frame is not None and len(frame) == len(text[table]), table
    assert dataset.accounts.balance.sum() == money(text["accounts"].balance).sum()
    assert dataset.payments.amount.sum() == money(text["payments"].amount).sum()
    assert set(dataset.contacts.columns) >= {"duration_s", "promise_amount", "promise_date"}


def test_a_full_disk_is_a_clear_error_and_leaves_nothing(tmp_path, monkeypatch):
    import errno

    import reportgen.data.sample_writers as writers

    def no_space(self, data):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(writers._CompressingSink, "write", no_space)
    with pytest.raises(OutputError, match="No space left on device"):
        write_sample_data(tmp_path, SampleSpec(collectors=1, teams=1, accounts=5, months=1))
    assert os.listdir(tmp_path) == []


def test_money_is_written_to_the_cent():
    import pyarrow as pa

    from reportgen.data.sample_writers import money_as_float, money_as_text

    cents = pa.array([0, 5, 100, 1999, 123456789, None], pa.int64())
    assert money_as_text(cents).to_pylist() == ["0.00", "0.05", "1.00", "19.99", "1234567.89", None]
    assert money_as_float(cents).to_pylist() == [0.0, 0.05, 1.0, 19.99, 1234567.89, None]


def test_team_names_and_collector_names():
    from reportgen.data.sample_roster import chinese_number, unique_names

    numbers = {
        1: "一",
        10: "十",
        12: "十二",
        20: "二十",
        35: "三十五",
        100: "一百",
        105: "一百零五",
    }
    numbers |= {110: "一百一十", 999: "九百九十九"}
    assert {n: chinese_number(n) for n in numbers} == numbers
    names = unique_names(np.random.default_rng(0), 5000)
    assert len(set(names)) == 5000
    assert all(2 <= len(name) <= 3 for name in names)
