"""One small data source, hand-checked, written three ways.

``EXPECTED`` is what the loader must produce, worked out by hand from the
rows below (money in cents, ids as text). The same rows are written as
canonical UTF-8 CSV, as a GBK CSV twin with Chinese headers and Chinese
values in the forms exports use, and as one XLSX workbook with real date
cells and ids stored both as text and as formatted numbers.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pandas as pd
import pytest


def _frame(columns: dict[str, tuple[str, list]]) -> pd.DataFrame:
    return pd.DataFrame(
        {name: pd.Series(values, dtype=dtype) for name, (dtype, values) in columns.items()}
    )


D = pd.Timestamp
NA = pd.NA

EXPECTED: dict[str, pd.DataFrame] = {
    "collectors": _frame(
        {
            "collector_id": ("str", ["C001", "C002", "007"]),
            "name": ("str", ["王芳", "张伟", "陈杰"]),
            "team_id": ("str", ["T01", "T01", "T02"]),
            "team_name": ("str", ["东区", "T01", "西区"]),  # blank -> team_id
            "supervisor": ("str", ["李娜", "李娜", None]),
            "hired_on": ("datetime64[ns]", [D("2021-03-01"), D("2022-07-15"), None]),
        }
    ),
    "accounts": _frame(
        {
            "month": ("str", ["2024-08", "2024-08", "2024-09", "2024-09", "2024-09"]),
            "account_id": ("str", ["000123", "000124", "000123", "000124", "000125"]),
            "collector_id": ("str", ["C001", "C002", "C001", "C002", "007"]),
            "dpd": ("int64", [15, 45, 0, 75, 5]),
            # 1,234.50 / 2000 / 0 / 2,100.005 (rounds half up) / 300.1
            "balance": ("int64", [123450, 200000, 0, 210001, 30010]),
        }
    ),
    "contacts": _frame(
        {
            "contacted_at": (
                "datetime64[ns]",
                [
                    D("2024-09-02 09:15:00"),
                    D("2024-09-02 21:30:00"),
                    D("2024-09-03 10:00:00"),
                    D("2024-09-04 11:00:00"),
                ],
            ),
            "account_id": ("str", ["000123", "000124", "000124", "000125"]),
            "collector_id": ("str", ["C001", "C002", "C002", "007"]),
            "channel": ("str", ["call", "sms", "call", "visit"]),
            "outcome": ("str", ["promise", "sent", "no_answer", "right_party"]),
            "duration_s": ("float64", [120.0, None, 0.0, None]),
            "promise_amount": ("Int64", [50000, NA, NA, NA]),
            "promise_date": ("datetime64[ns]", [D("2024-09-05"), None, None, None]),
        }
    ),
    "payments": _frame(
        {
            "paid_on": ("datetime64[ns]", [D("2024-09-05"), D("2024-09-06"), D("2024-09-07")]),
            "account_id": ("str", ["000123", "000124", "000125"]),
            "collector_id": ("str", ["C001", "C002", "007"]),
            "amount": ("int64", [50000, 10000, 5050]),
            "channel": ("str", ["call", "other", "agency"]),  # blank -> other
        }
    ),
    "arrangements": _frame(
        {
            "created_on": ("datetime64[ns]", [D("2024-09-03"), D("2024-09-04")]),
            "account_id": ("str", ["000124", "000125"]),
            "collector_id": ("str", ["C002", "007"]),
            "kind": ("str", ["installment", "settlement"]),
            "amount": ("int64", [200000, 15050]),
            "installments": ("Int64", [6, NA]),
        }
    ),
    "complaints": _frame(
        {
            "received_on": ("datetime64[ns]", [D("2024-09-10"), D("2024-09-11")]),
            "collector_id": ("str", ["C002", "007"]),
            "account_id": ("str", ["000124", None]),
            "category": ("str", ["频繁来电", "服务态度"]),
            "upheld": ("boolean", [True, NA]),
        }
    ),
}

CANONICAL_CSV = {
    "collectors": """collector_id,name,team_id,team_name,supervisor,hired_on
C001,王芳,T01,东区,李娜,2021-03-01
C002,张伟,T01,,李娜,2022-07-15
007,陈杰,T02,西区,,
""",
    "accounts": """month,account_id,collector_id,dpd,balance
2024-08,000123,C001,15,1234.50
2024-08,000124,C002,45,2000
2024-09,000123,C001,0,0
2024-09,000124,C002,75,2100.005
2024-09,000125,007,5,300.1
""",
    "contacts": """contacted_at,account_id,collector_id,channel,outcome,\
duration_s,promise_amount,promise_date
2024-09-02 09:15:00,000123,C001,call,promise,120,500,2024-09-05
2024-09-02T21:30:00,000124,C002,sms,sent,,,
2024-09-03 10:00:00,000124,C002,call,no_answer,0,,
2024-09-04 11:00:00,000125,007,visit,right_party,,,
""",
    "payments": """paid_on,account_id,collector_id,amount,channel
2024-09-05,000123,C001,500.00,call
2024-09-06,000124,C002,100,
2024-09-07,000125,007,50.5,agency
""",
    "arrangements": """created_on,account_id,collector_id,kind,amount,installments
2024-09-03,000124,C002,installment,2000,6
2024-09-04,000125,007,settlement,150.50,
""",
    "complaints": """received_on,collector_id,account_id,category,upheld
2024-09-10,C002,000124,频繁来电,true
2024-09-11,007,,服务态度,
""",
}

# The same rows as a Chinese export: Chinese table names and headers (both
# scripts), Chinese values, Chinese date forms, currency signs, thousands
# separators; saved as GBK the way Chinese Excel saves CSV.
CHINESE_CSV = {
    "催收员": """工号,姓名,组别,团队名称,主管,入职日期
C001,王芳,T01,东区,李娜,2021年3月1日
C002,张伟,T01,,李娜,2022/7/15
007,陈杰,T02,西区,,
""",
    "账户": """月份,客户编号,催收员,逾期天数,欠款金额(元)
2024年8月,000123,C001,15,"￥1,234.50"
2024/08,000124,C002,45,"2,000"
2024-9,000123,C001,0,0.00
2024年9月,000124,C002,75,"￥2,100.005"
2024-09,000125,007,5,300.10
""",
    "催收记录": """催收时间,卡号,催收員,渠道,结果,通话时长(秒),承诺金额,承诺日期
2024/9/2 9:15,000123,C001,电话,承诺还款,120,￥500,2024年9月5日
2024-09-02 21:30:00,000124,C002,短信,已发送,,,
2024年9月3日 10:00,000124,C002,電話,未接,0,,
2024-09-04 11:00,000125,007,外访,本人,,,
""",
    "還款": """还款日期,账户号,工號,還款金額,渠道
2024/9/5,000123,C001,500,电话
2024年9月6日,000124,C002,100.00,
2024-09-07,000125,007,50.50,委外
""",
    "还款计划": """签订日期,客户编号,催收员,协议类型,协议金额,期数
2024/9/3,000124,C002,分期,"2,000.00",6
2024年9月4日,000125,007,减免,150.5,
""",
    "投诉": """投诉日期,催收员,客户编号,投诉类别,是否成立
2024/9/10,C002,000124,频繁来电,是
2024年9月11日,007,,服务态度,
""",
}


def write_canonical(folder: Path, tables: tuple[str, ...] = tuple(CANONICAL_CSV)) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for table in tables:
        (folder / f"{table}.csv").write_text(CANONICAL_CSV[table], encoding="utf-8")
    return folder


def write_chinese_gbk(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in CHINESE_CSV.items():
        (folder / f"{name}.csv").write_bytes(text.encode("gbk"))
    return folder


def write_workbook(path: Path) -> Path:
    """All six tables as sheets of one workbook, with Excel's own cell types."""
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)

    def sheet(name: str, header: list[str], rows: list[list]):
        worksheet = workbook.create_sheet(name)
        worksheet.append(header)
        for row in rows:
            worksheet.append(row)
        return worksheet

    day = dt.date
    collectors = sheet(
        "collectors",
        ["collector_id", "name", "team_id", "team_name", "supervisor", "hired_on"],
        [
            ["C001", "王芳", "T01", "东区", "李娜", dt.datetime(2021, 3, 1)],
            ["C002", "张伟", "T01", None, "李娜", day(2022, 7, 15)],
            [7, "陈杰", "T02", "西区", None, None],  # 7 shown as 007
        ],
    )
    collectors["A4"].number_format = "000"
    accounts = sheet(
        "accounts",
        ["month", "account_id", "collector_id", "dpd", "balance"],
        [
            [dt.datetime(2024, 8, 31), "000123", "C001", 15, 1234.5],  # month as a date cell
            ["2024-08", 124, "C002", 45, 2000],  # 124 shown as 000124
            ["2024-09", "000123", "C001", 0, 0],
            ["2024-09", 124.0, "C002", 75, "2100.005"],
            ["2024-09", "000125", 7, 5, 300.1],
        ],
    )
    accounts["B3"].number_format = "000000"
    accounts["B5"].number_format = "000000"
    accounts["C6"].number_format = "000"
    sheet(
        "contacts",
        [
            "contacted_at",
            "account_id",
            "collector_id",
            "channel",
            "outcome",
            "duration_s",
            "promise_amount",
            "promise_date",
        ],
        [
            [
                dt.datetime(2024, 9, 2, 9, 15),
                "000123",
                "C001",
                "call",
                "promise",
                120,
                500,
                day(2024, 9, 5),
            ],
            ["2024-09-02 21:30:00", "000124", "C002", "sms", "sent", None, None, None],
            [dt.datetime(2024, 9, 3, 10), "000124", "C002", "call", "no_answer", 0, None, None],
            # An Excel serial date-time typed as a plain number: 2024-09-04 11:00.
            [45539 + 11 / 24, "000125", "007", "visit", "right_party", None, None, None],
        ],
    )
    sheet(
        "payments",
        ["paid_on", "account_id", "collector_id", "amount", "channel"],
        [
            [day(2024, 9, 5), "000123", "C001", 500, "call"],
            [45541, "000124", "C002", 100, None],  # serial 45541 = 2024-09-06
            [day(2024, 9, 7), "000125", "007", 50.5, "agency"],
        ],
    )
    sheet(
        "arrangements",
        ["created_on", "account_id", "collector_id", "kind", "amount", "installments"],
        [
            [day(2024, 9, 3), "000124", "C002", "installment", 2000, 6],
            [day(2024, 9, 4), "000125", "007", "settlement", 150.5, None],
        ],
    )
    sheet(
        "complaints",
        ["received_on", "collector_id", "account_id", "category", "upheld"],
        [
            [day(2024, 9, 10), "C002", "000124", "频繁来电", True],
            [day(2024, 9, 11), "007", None, "服务态度", None],
        ],
    )
    notes = workbook.create_sheet("说明")  # a sheet naming no table is left alone
    notes.append(["这是一份说明"])
    workbook.save(path)
    return path


@pytest.fixture
def canonical_source(tmp_path: Path) -> Path:
    return write_canonical(tmp_path / "canonical")


@pytest.fixture
def chinese_source(tmp_path: Path) -> Path:
    return write_chinese_gbk(tmp_path / "chinese")


@pytest.fixture
def workbook_source(tmp_path: Path) -> Path:
    return write_workbook(tmp_path / "book.xlsx")


# Test modules cannot import conftest under --import-mode=importlib, so the
# data and writers above reach them as fixtures.
@pytest.fixture
def expected_tables() -> dict[str, pd.DataFrame]:
    return {name: frame.copy() for name, frame in EXPECTED.items()}


@pytest.fixture
def canonical_csv() -> dict[str, str]:
    return dict(CANONICAL_CSV)


@pytest.fixture
def make_canonical():
    return write_canonical


@pytest.fixture
def make_workbook():
    return write_workbook
