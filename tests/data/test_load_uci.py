"""Real data nobody here invented: the UCI credit-card default set as a data source.

The first few hundred Taiwanese accounts (April-September 2005) are mapped
onto the tables the way a bank's export would hold them: a month-end
snapshot row while an account is delinquent (repayment status 1-9 months
late, dpd = 30 per month late, balance = the bill, never below 0), a payment
for every month with an amount paid, three collectors in two teams. The
source has no contacts, arrangements or complaints, as many real ones.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from reportgen.data.load import load_source

UCI = Path("/work/shared/external/uci-credit-default/UCI_Credit_Card.csv")
ROWS = 300
MONTHS = ["2005-09", "2005-08", "2005-07", "2005-06", "2005-05", "2005-04"]
STATUS = ["X6", "X7", "X8", "X9", "X10", "X11"]  # repayment status, Sep..Apr
BILL = ["X12", "X13", "X14", "X15", "X16", "X17"]
PAID = ["X18", "X19", "X20", "X21", "X22", "X23"]

pytestmark = pytest.mark.skipif(not UCI.is_file(), reason="UCI data set not present")


def build_uci_source(folder: Path, rows: int = ROWS) -> pd.DataFrame:
    """Write collectors/accounts/payments from the UCI rows; return the rows used."""
    raw = pd.read_csv(UCI, nrows=rows)
    folder.mkdir(parents=True, exist_ok=True)
    collector = "C" + (raw["ID"] % 3 + 1).astype(str)
    pd.DataFrame(
        {
            "工号": ["C1", "C2", "C3"],
            "姓名": ["林怡君", "陳志明", "王淑芬"],
            "組別": ["北區", "北區", "南區"],
        }
    ).to_csv(folder / "催收員.csv", index=False, encoding="gb18030")

    snapshots, payments = [], []
    for month, status, bill, paid in zip(MONTHS, STATUS, BILL, PAID, strict=True):
        late = raw[raw[status] >= 1]
        snapshots.append(
            pd.DataFrame(
                {
                    "month": month,
                    "account_id": late["ID"].map("{:06d}".format),
                    "collector_id": collector[late.index],
                    "dpd": late[status] * 30,
                    "balance": late[bill].clip(lower=0),
                }
            )
        )
        payer = raw[raw[paid] > 0]
        payments.append(
            pd.DataFrame(
                {
                    "paid_on": f"{month}-15",
                    "account_id": payer["ID"].map("{:06d}".format),
                    "collector_id": collector[payer.index],
                    "amount": payer[paid],
                }
            )
        )
    pd.concat(snapshots).to_csv(folder / "accounts.csv", index=False)
    pd.concat(payments).to_csv(folder / "payments.csv.gz", index=False)
    return raw


def test_uci_accounts_and_payments_load_exactly(tmp_path: Path) -> None:
    raw = build_uci_source(tmp_path / "uci")
    dataset = load_source(tmp_path / "uci")

    for table in ("contacts", "arrangements", "complaints"):
        assert dataset.table(table) is None
    assert dataset.skipped_rows == {}
    assert dataset.collectors["team_name"].tolist() == ["北區", "北區", "南區"]

    late_rows = sum(int((raw[s] >= 1).sum()) for s in STATUS)
    assert len(dataset.accounts) == late_rows
    expected_cents = sum(
        int(raw.loc[raw[s] >= 1, b].clip(lower=0).sum()) * 100
        for s, b in zip(STATUS, BILL, strict=True)
    )
    assert int(dataset.accounts["balance"].sum()) == expected_cents
    assert int(dataset.payments["amount"].sum()) == int(raw[PAID].sum().sum()) * 100
    assert sorted(dataset.accounts["month"].unique()) == sorted(MONTHS)

    # Account 1 by hand: two months late in September and August 2005, bills
    # NT$3,913 and NT$3,102, NT$689 paid in August, held by C2 (1 % 3 + 1).
    first = dataset.accounts[dataset.accounts["account_id"] == "000001"]
    assert first[["month", "collector_id", "dpd", "balance"]].values.tolist() == [
        ["2005-09", "C2", 60, 391300],
        ["2005-08", "C2", 60, 310200],
    ]
    paid = dataset.payments[dataset.payments["account_id"] == "000001"]
    assert paid[["paid_on", "amount"]].values.tolist() == [[pd.Timestamp("2005-08-15"), 68900]]
