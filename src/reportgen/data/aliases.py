"""The names real exports use for tables, columns and values, and how they are matched.

Collection systems and spreadsheets rarely use reportgen's canonical names.
Matching is forgiving: case, surrounding and inner spaces, underscores and
hyphens, full-width characters (``ＩＤ``) and traditional vs simplified script
are ignored, and a trailing unit in brackets (``通话时长(秒)``) is dropped when
the full header is not known. Both scripts are still listed below so that
docs/data-format.md can show users exactly what is accepted.

A configuration file extends these lists (``[aliases.headers]``,
``[aliases.values.<column>]``); its entries win over the built-in ones.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import opencc

from reportgen.config import Aliases
from reportgen.data.schema import SCHEMA, all_column_names, allowed_codes
from reportgen.errors import ConfigError

# --- tables -----------------------------------------------------------------

TABLE_ALIASES: dict[str, tuple[str, ...]] = {
    "collectors": ("催收员", "催收員", "人员", "人員", "员工", "員工", "花名册", "roster"),
    "accounts": ("账户", "帳戶", "賬戶", "案件", "账户快照", "帳戶快照", "逾期账户", "逾期帳戶"),
    "contacts": ("催收记录", "催收記錄", "联系记录", "聯繫記錄", "通话记录", "通話記錄", "contact"),
    "payments": ("还款", "還款", "还款记录", "還款記錄", "回款", "payment"),
    "arrangements": ("还款计划", "還款計劃", "還款計畫", "协议", "協議", "arrangement", "plans"),
    "complaints": ("投诉", "投訴", "complaint"),
}

# --- headers ----------------------------------------------------------------

# Headers that mean the same column in every table that has it.
HEADER_ALIASES: dict[str, tuple[str, ...]] = {
    "collector_id": (
        "催收员",
        "催收員",
        "催收员编号",
        "催收員編號",
        "催收员工号",
        "催收員工號",
        "催收员id",
        "工号",
        "工號",
        "员工编号",
        "員工編號",
        "员工号",
        "經辦人員",
        "经办人",
        "經辦人",
        "collector",
        "agent",
        "agent id",
        "employee id",
        "staff id",
    ),
    "account_id": (
        "客户编号",
        "客戶編號",
        "客户号",
        "客戶號",
        "账户号",
        "賬戶號",
        "帳戶號",
        "账户编号",
        "帳戶編號",
        "账号",
        "帳號",
        "卡号",
        "卡號",
        "案件编号",
        "案件編號",
        "案件号",
        "account",
        "account no",
        "account number",
        "card no",
        "case id",
    ),
    "name": ("姓名", "名字", "催收员姓名", "催收員姓名", "员工姓名", "員工姓名", "full name"),
    "team_id": (
        "组别",
        "組別",
        "团队",
        "團隊",
        "小组",
        "小組",
        "组",
        "組",
        "组号",
        "組號",
        "团队编号",
        "團隊編號",
        "组别编号",
        "組別編號",
        "team",
        "group",
    ),
    "team_name": ("团队名称", "團隊名稱", "组别名称", "組別名稱", "小组名称", "小組名稱", "组名"),
    "supervisor": ("主管", "组长", "組長", "督导", "督導", "manager", "team leader"),
    "hired_on": ("入职日期", "入職日期", "入职时间", "入職時間", "到岗日期", "hire date", "hired"),
    "month": ("月份", "统计月份", "統計月份", "快照月份", "账期", "帳期", "year month"),
    "dpd": (
        "逾期天数",
        "逾期天數",
        "逾期日数",
        "逾期日數",
        "账龄天数",
        "帳齡天數",
        "days past due",
        "days overdue",
    ),
    "balance": (
        "欠款金额",
        "欠款金額",
        "逾期金额",
        "逾期金額",
        "欠款余额",
        "欠款餘額",
        "逾期余额",
        "逾期餘額",
        "逾期本息",
        "余额",
        "餘額",
        "overdue amount",
        "outstanding",
    ),
    "contacted_at": (
        "联系时间",
        "聯繫時間",
        "聯絡時間",
        "催收时间",
        "催收時間",
        "拨打时间",
        "撥打時間",
        "联系日期",
        "contact time",
        "contacted",
        "timestamp",
    ),
    "channel": ("渠道", "管道", "方式", "催收方式", "联系方式", "聯繫方式", "還款管道", "还款渠道"),
    "outcome": ("结果", "結果", "催收结果", "催收結果", "联系结果", "聯繫結果", "result", "status"),
    "duration_s": (
        "通话时长",
        "通話時長",
        "通话时长秒",
        "通话秒数",
        "通話秒數",
        "时长",
        "時長",
        "duration",
        "talk time",
        "duration seconds",
    ),
    "promise_amount": (
        "承诺金额",
        "承諾金額",
        "承诺还款金额",
        "承諾還款金額",
        "ptp amount",
        "promised amount",
    ),
    "promise_date": (
        "承诺日期",
        "承諾日期",
        "承诺还款日期",
        "承諾還款日期",
        "承诺还款日",
        "ptp date",
        "promised date",
    ),
    "paid_on": ("还款日期", "還款日期", "还款日", "還款日", "入账日期", "入帳日期", "payment date"),
    "amount": ("金额", "金額", "amt"),
    "created_on": ("创建日期", "建立日期", "签订日期", "簽訂日期", "协议日期", "協議日期"),
    "kind": ("计划类型", "計劃類型", "协议类型", "協議類型", "方案", "type", "plan type"),
    "installments": ("期数", "期數", "分期期数", "分期期數", "number of installments"),
    "received_on": ("投诉日期", "投訴日期", "收到日期", "受理日期", "received", "complaint date"),
    "category": ("类别", "類別", "投诉类别", "投訴類別", "投诉类型", "投訴類型"),
    "upheld": ("是否成立", "成立", "有效投诉", "有效投訴", "属实", "屬實"),
}

# Headers whose meaning depends on the table ("金额" is the amount paid in
# payments but the plan's amount in arrangements). Checked before the list above.
TABLE_HEADER_ALIASES: dict[str, dict[str, tuple[str, ...]]] = {
    "contacts": {"contacted_at": ("时间", "時間", "日期", "日期时间", "日期時間", "date", "time")},
    "payments": {
        "paid_on": ("日期", "date"),
        "amount": ("还款金额", "還款金額", "回款金额", "回款金額", "实还金额", "實還金額"),
    },
    "arrangements": {
        "created_on": ("日期", "date"),
        # spec/data.md maps 还款金额 to amount without naming a table: an arrangement's
        # amount is a repayment amount too.
        "amount": (
            "协议金额",
            "協議金額",
            "计划金额",
            "計劃金額",
            "分期金额",
            "分期金額",
            "还款金额",
            "還款金額",
        ),
    },
    "complaints": {"received_on": ("日期", "date"), "category": ("类型", "類型", "type")},
    "accounts": {"balance": ("金额", "金額", "amount")},
}

# --- values -----------------------------------------------------------------

VALUE_ALIASES: dict[str, dict[str, tuple[str, ...]]] = {
    "channel": {
        "call": ("电话", "電話", "外呼", "致电", "致電", "phone", "telephone", "phone call"),
        "sms": ("短信", "簡訊", "简讯", "短訊", "text", "text message"),
        "letter": ("信函", "信件", "催收函", "mail", "post"),
        "visit": ("外访", "外訪", "上门", "上門", "家访", "家訪", "field visit"),
        "im": ("微信", "即时通讯", "即時通訊", "企业微信", "企業微信", "line", "wechat"),
        "email": ("邮件", "郵件", "电子邮件", "電子郵件", "e-mail", "mail message"),
        "agency": ("委外", "委托外包", "外包", "outside agency", "collection agency"),
        "legal": ("法务", "法務", "律师函", "律師函", "诉讼", "訴訟", "法院", "court", "lawyer"),
        "self": ("主动还款", "主動還款", "自主还款", "自主還款", "客户主动", "客戶主動"),
        "other": ("其他", "其它", "others"),
    },
    "outcome": {
        "no_answer": ("未接", "无人接听", "無人接聽", "未接通", "no answer", "noanswer"),
        "busy": ("占线", "佔線", "忙线", "忙線", "line busy"),
        "invalid_number": (
            "空号",
            "空號",
            "错号",
            "錯號",
            "停机",
            "停機",
            "号码无效",
            "號碼無效",
            "wrong number",
            "invalid",
        ),
        "third_party": ("第三方", "他人接听", "他人接聽", "家人接听", "家人接聽", "third party"),
        "right_party": ("本人", "本人接听", "本人接聽", "rpc", "right party", "debtor"),
        "promise": ("承诺还款", "承諾還款", "承诺", "承諾", "ptp", "promise to pay"),
        "refused": ("拒绝", "拒絕", "拒绝还款", "拒絕還款", "refuse", "refusal"),
        "dispute": ("争议", "爭議", "有争议", "有爭議", "disputed"),
        "sent": ("已发送", "已發送", "发送成功", "發送成功", "已寄出", "delivered"),
        "failed": ("失败", "失敗", "发送失败", "發送失敗", "退信", "fail", "bounced"),
    },
    "kind": {
        "installment": ("分期", "分期还款", "分期還款", "instalment", "installments"),
        "extension": ("延期", "展期", "延期还款", "延期還款", "defer", "deferral"),
        "settlement": ("减免", "減免", "和解", "协商减免", "協商減免", "settle"),
    },
    "upheld": {
        "true": ("是", "y", "yes", "true", "1", "成立", "属实", "屬實", "t", "√"),
        "false": ("否", "n", "no", "false", "0", "不成立", "不属实", "不屬實", "f", "×"),
    },
}

# --- matching ---------------------------------------------------------------

_SEPARATORS = re.compile(r"[\s_\-.·/]+")
_TRAILING_UNIT = re.compile(r"[(\[【][^()\[\]【】]*[)\]】]$")


@lru_cache(maxsize=1)
def _to_simplified() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


@lru_cache(maxsize=65536)
def name_key(text: str) -> str:
    """The form in which a header, table or value name is compared.

    Full-width to half-width (NFKC), case-folded, separators removed,
    traditional characters mapped to simplified.
    """
    folded = unicodedata.normalize("NFKC", str(text)).strip().casefold()
    folded = _SEPARATORS.sub("", folded)
    if folded.isascii():
        return folded
    return _to_simplified().convert(folded)


def _without_unit(key: str) -> str:
    return _TRAILING_UNIT.sub("", key)


def table_for_name(stem: str) -> str | None:
    """The canonical table a file stem or sheet name stands for, if any."""
    key = name_key(stem)
    for table, aliases in TABLE_ALIASES.items():
        if key == name_key(table) or key in {name_key(a) for a in aliases}:
            return table
    return None


@dataclass(frozen=True)
class AliasBook:
    """Every header and value mapping in force: built-in plus configuration."""

    # table -> {header key -> canonical column}
    headers: dict[str, dict[str, str]]
    # canonical column -> {value key -> canonical value}
    values: dict[str, dict[str, str]]

    def column_for_header(self, table: str, header: str) -> str | None:
        """The canonical column of ``table`` that ``header`` names, if any."""
        mapping = self.headers[table]
        key = name_key(header)
        found = mapping.get(key)
        if found is None:
            found = mapping.get(_without_unit(key))
        return found

    def value_map(self, column: str) -> dict[str, str]:
        return self.values.get(column, {})


def build_alias_book(config_aliases: Aliases | None = None) -> AliasBook:
    """Merge the built-in aliases with the configuration's, checking the latter."""
    config_aliases = config_aliases or Aliases()
    known_columns = all_column_names()
    for header, column in config_aliases.headers.items():
        if column not in known_columns:
            raise ConfigError(
                f"[aliases.headers] {header!r} = {column!r}: {column!r} is not a column of any "
                f"table; expected one of {', '.join(sorted(known_columns))}"
            )

    headers: dict[str, dict[str, str]] = {}
    for table_name, table in SCHEMA.items():
        names = set(table.names)
        mapping: dict[str, str] = {}
        # Later updates win: generic aliases, then table-specific, then the
        # canonical names themselves, then the user's configuration.
        for column, aliases in HEADER_ALIASES.items():
            if column in names:
                mapping.update({name_key(a): column for a in aliases})
        for column, aliases in TABLE_HEADER_ALIASES.get(table_name, {}).items():
            mapping.update({name_key(a): column for a in aliases})
        mapping.update({name_key(c): c for c in names})
        for header, column in config_aliases.headers.items():
            if column in names:
                mapping[name_key(header)] = column
        headers[table_name] = mapping

    values: dict[str, dict[str, str]] = {}
    for column, codes in VALUE_ALIASES.items():
        mapping = {}
        for code, aliases in codes.items():
            mapping.update({name_key(a): code for a in aliases})
            mapping[name_key(code)] = code
        values[column] = mapping
    for column, pairs in config_aliases.values.items():
        allowed = allowed_codes(column)
        if allowed is None:
            raise ConfigError(
                f"[aliases.values.{column}]: {column!r} is not a column with fixed values; "
                "expected channel, outcome, kind or upheld"
            )
        mapping = values.setdefault(column, {})
        for value, code in pairs.items():
            if code not in allowed:
                raise ConfigError(
                    f"[aliases.values.{column}] {value!r} = {code!r}: expected one of "
                    + ", ".join(sorted(allowed))
                )
            mapping[name_key(value)] = code
    return AliasBook(headers=headers, values=values)
