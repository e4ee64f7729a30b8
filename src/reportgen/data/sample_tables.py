"""The sample data's tables: their canonical columns (spec/data.md), the codes the
simulation draws and the text each stands for.

Batches carry money as int64 cents; :mod:`reportgen.data.sample_writers`
formats them per file type.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

CHANNELS = ("call", "sms", "letter", "visit", "im", "email")
CALL, SMS, LETTER, VISIT, IM, EMAIL = range(6)
OUTCOMES = ("no_answer", "busy", "invalid_number", "third_party", "right_party", "promise",
            "refused", "dispute", "sent", "failed")  # fmt: skip
NO_ANSWER, BUSY, INVALID, THIRD_PARTY, RIGHT_PARTY, PROMISE, REFUSED, DISPUTE, SENT, FAILED = range(
    10
)
PAYMENT_CHANNELS = ("call", "sms", "visit", "letter", "im", "agency", "legal", "self", "other")
PAY_BY_CONTACT = np.array([0, 1, 3, 2, 4, 8])  # contact channel code -> payment channel code
KINDS = ("installment", "extension", "settlement")
INSTALLMENT, EXTENSION, SETTLEMENT = range(3)
COMPLAINT_CATEGORIES = (
    "频繁来电",
    "服务态度",
    "联系第三方",
    "非工作时间联系",
    "信息泄露",
    "言语威胁",
)

MONEY_COLUMNS = {
    "accounts": ("balance",),
    "contacts": ("promise_amount",),
    "payments": ("amount",),
    "arrangements": ("amount",),
    "complaints": (),
    "collectors": (),
}
SCHEMAS = {
    "collectors": pa.schema([("collector_id", pa.string()), ("name", pa.string()),
                             ("team_id", pa.string()), ("team_name", pa.string()),
                             ("supervisor", pa.string()), ("hired_on", pa.date32())]),
    "accounts": pa.schema([("month", pa.string()), ("account_id", pa.string()),
                           ("collector_id", pa.string()), ("dpd", pa.int64()),
                           ("balance", pa.int64())]),
    "contacts": pa.schema([("contacted_at", pa.timestamp("s")), ("account_id", pa.string()),
                           ("collector_id", pa.string()), ("channel", pa.string()),
                           ("outcome", pa.string()), ("duration_s", pa.int64()),
                           ("promise_amount", pa.int64()), ("promise_date", pa.date32())]),
    "payments": pa.schema([("paid_on", pa.date32()), ("account_id", pa.string()),
                           ("collector_id", pa.string()), ("amount", pa.int64()),
                           ("channel", pa.string())]),
    "arrangements": pa.schema([("created_on", pa.date32()), ("account_id", pa.string()),
                               ("collector_id", pa.string()), ("kind", pa.string()),
                               ("amount", pa.int64()), ("installments", pa.int64())]),
    "complaints": pa.schema([("received_on", pa.date32()), ("collector_id", pa.string()),
                             ("account_id", pa.string()), ("category", pa.string()),
                             ("upheld", pa.bool_())]),
}  # fmt: skip


def account_ids(serials: np.ndarray) -> pa.Array:
    digits = pc.utf8_lpad(pa.array(serials).cast(pa.string()), 8, "0")
    return pc.binary_join_element_wise("A", digits, "")


def nullable(values: np.ndarray, present: np.ndarray, kind: pa.DataType) -> pa.Array:
    return pa.array(values, type=kind, mask=~present)
