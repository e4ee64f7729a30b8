"""Loading: every form of a source gives the same, hand-checked Dataset."""

from __future__ import annotations

import gzip
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from reportgen.config import Aliases, Config, config_from_dict
from reportgen.data.dataset import TABLES
from reportgen.data.load import load_source
from reportgen.errors import ConfigError

ALL_TABLES = list(TABLES)


@pytest.mark.parametrize("table", ALL_TABLES)
def test_canonical_csv_loads_to_the_expected_frame(
    canonical_source: Path, table: str, expected_tables
) -> None:
    dataset = load_source(canonical_source)
    pd.testing.assert_frame_equal(dataset.table(table), expected_tables[table])
    assert dataset.sources[table] == canonical_source / f"{table}.csv"


@pytest.mark.parametrize("table", ALL_TABLES)
def test_chinese_gbk_twin_loads_to_the_same_frame(
    chinese_source: Path, table: str, expected_tables
) -> None:
    dataset = load_source(chinese_source)
    pd.testing.assert_frame_equal(dataset.table(table), expected_tables[table])


@pytest.mark.parametrize("table", ALL_TABLES)
def test_workbook_loads_to_the_same_frame(
    workbook_source: Path, table: str, expected_tables
) -> None:
    dataset = load_source(workbook_source)
    pd.testing.assert_frame_equal(dataset.table(table), expected_tables[table])
    assert dataset.sources[table] == workbook_source


def test_one_workbook_per_table_in_a_folder(
    tmp_path: Path, workbook_source: Path, expected_tables
) -> None:
    import openpyxl

    folder = tmp_path / "per-table"
    folder.mkdir()
    for table in ("collectors", "accounts"):
        workbook = openpyxl.load_workbook(workbook_source)
        for name in workbook.sheetnames:
            if name != table:
                workbook.remove(workbook[name])
        workbook[table].title = "Sheet1"  # the only sheet, whatever its name
        workbook.save(folder / f"{table}.xlsx")
    dataset = load_source(folder)
    pd.testing.assert_frame_equal(dataset.accounts, expected_tables["accounts"])
    pd.testing.assert_frame_equal(dataset.collectors, expected_tables["collectors"])


def test_gzip_csv_with_bom_and_parquet(
    tmp_path: Path, expected_tables, canonical_csv, make_canonical
) -> None:
    folder = make_canonical(tmp_path / "mixed", ("collectors",))
    (folder / "accounts.csv.gz").write_bytes(
        gzip.compress(("\ufeff" + canonical_csv["accounts"]).encode("utf-8"))
    )
    # Parquet with typed columns: timestamps, floats and ints.
    contacts = expected_tables["contacts"].copy()
    contacts["promise_amount"] = [500.0, None, None, None]
    pq.write_table(
        pa.Table.from_pandas(contacts, preserve_index=False), folder / "contacts.parquet"
    )
    dataset = load_source(folder)
    pd.testing.assert_frame_equal(dataset.accounts, expected_tables["accounts"])
    pd.testing.assert_frame_equal(dataset.contacts, expected_tables["contacts"])
    assert dataset.sources["accounts"] == folder / "accounts.csv.gz"


def test_absent_optional_tables_and_columns(tmp_path: Path, make_canonical) -> None:
    folder = make_canonical(tmp_path / "small", ("collectors", "accounts"))
    (folder / "payments.csv").write_text(
        "paid_on,account_id,collector_id,amount\n2024-09-05,000123,C001,1\n", encoding="utf-8"
    )
    dataset = load_source(folder)
    for table in ("contacts", "arrangements", "complaints"):
        assert dataset.table(table) is None
    assert list(dataset.payments["channel"]) == ["other"]  # channel is always present
    assert dataset.payments["amount"].tolist() == [100]


def test_headers_are_matched_forgivingly(tmp_path: Path, make_canonical) -> None:
    folder = make_canonical(tmp_path / "forgiving", ("accounts",))
    # Full-width letters, odd case and spaces, traditional script, a unit in brackets,
    # plus a column reportgen does not use.
    (folder / "催收員.csv").write_text(
        " Collector ID ,ＮＡＭＥ,組別,備註\nC001,王芳,T01,x\nC002,张伟,T01,\n007,陈杰,T02,\n",
        encoding="utf-8",
    )
    dataset = load_source(folder)
    assert dataset.collectors["collector_id"].tolist() == ["C001", "C002", "007"]
    assert dataset.collectors["team_name"].tolist() == ["T01", "T01", "T02"]
    assert "supervisor" not in dataset.collectors


def test_configured_aliases_extend_the_built_in_ones(tmp_path: Path, make_canonical) -> None:
    folder = make_canonical(tmp_path / "configured", ("collectors", "accounts"))
    (folder / "contacts.csv").write_text(
        "联络时刻,account_id,collector_id,方式,结果\n2024-09-02 09:15:00,000123,C001,钉钉,拒绝\n",
        encoding="utf-8",
    )
    config = config_from_dict(
        {
            "aliases": {
                "headers": {"联络时刻": "contacted_at"},
                "values": {"channel": {"钉钉": "im"}},
            }
        }
    )
    dataset = load_source(folder, config)
    assert dataset.contacts["channel"].tolist() == ["im"]
    assert dataset.contacts["outcome"].tolist() == ["refused"]


@pytest.mark.parametrize(
    "aliases",
    [
        Aliases(headers={"金额": "amout"}),
        Aliases(values={"team_id": {"东": "T01"}}),
        Aliases(values={"channel": {"钉钉": "dingtalk"}}),
    ],
)
def test_a_configured_alias_to_an_unknown_column_or_value_is_an_error(
    canonical_source: Path, aliases: Aliases
) -> None:
    with pytest.raises(ConfigError):
        load_source(canonical_source, Config(aliases=aliases))


def test_loading_is_deterministic(chinese_source: Path) -> None:
    first = load_source(chinese_source)
    second = load_source(chinese_source)
    for table in ALL_TABLES:
        pd.testing.assert_frame_equal(first.table(table), second.table(table))


def test_quoted_line_breaks_inside_cells(tmp_path: Path, make_canonical) -> None:
    folder = make_canonical(tmp_path / "multiline")
    (folder / "complaints.csv").write_text(
        "received_on,collector_id,category\n"
        '2024-09-10,C002,"频繁来电\n一天三次"\n'
        "2024-09-11,007,服务态度\n",
        encoding="utf-8",
    )
    dataset = load_source(folder)
    assert dataset.complaints["category"].tolist() == ["频繁来电\n一天三次", "服务态度"]


def test_gbk_that_starts_after_the_first_megabyte(tmp_path: Path, make_canonical) -> None:
    # The encoding is guessed from the first MiB; a file that is plain ASCII
    # there and GBK later is read again as GB18030.
    folder = make_canonical(tmp_path / "late-gbk", ("accounts",))
    rows = "".join(f"X{i:06d},Name {i},T01\n" for i in range(80_000))
    text = "collector_id,name,team_id\n" + rows + "C001,王芳,T01\nC002,张伟,T01\n007,陈杰,T02\n"
    (folder / "collectors.csv").write_bytes(text.encode("gbk"))
    assert len(rows) > 1 << 20
    dataset = load_source(folder)
    assert dataset.collectors["name"].tolist()[-3:] == ["王芳", "张伟", "陈杰"]
    assert len(dataset.collectors) == 80_003


def test_parquet_timestamps_with_a_time_zone_keep_local_time(
    tmp_path: Path, make_canonical
) -> None:
    folder = make_canonical(tmp_path / "tz", ("collectors", "accounts"))
    # 00:30 in Shanghai is 16:30 the day before in UTC; the local day counts.
    paid_on = pd.Series([pd.Timestamp("2024-09-05 00:30", tz="Asia/Shanghai")])
    table = pa.table(
        {
            "paid_on": pa.array(paid_on),
            "account_id": ["000123"],
            "collector_id": ["C001"],
            "amount": pa.array([12.5]),
            "channel": pa.array(["agency"]).dictionary_encode(),
        }
    )
    pq.write_table(table, folder / "payments.parquet")
    dataset = load_source(folder)
    assert dataset.payments["paid_on"].tolist() == [pd.Timestamp("2024-09-05")]
    assert dataset.payments["amount"].tolist() == [1250]
    assert dataset.payments["channel"].tolist() == ["agency"]
