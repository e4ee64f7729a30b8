"""Fixed words of the reports (labels of channels, outcomes, tables, periods).

Simplified Chinese and English are written here; Traditional Chinese is
derived from the Simplified text with OpenCC's Taiwan profile (see
:mod:`reportgen.narrative.chinese`), with explicit entries where Taiwan
usage differs from a character-by-character conversion.
"""

from __future__ import annotations

from reportgen.narrative.chinese import to_traditional

LABELS: dict[str, dict[str, str]] = {
    # channels (contacts and payments)
    "channel.call": {"zh-CN": "电话", "en": "Phone"},
    "channel.sms": {"zh-CN": "短信", "en": "SMS"},
    "channel.letter": {"zh-CN": "信函", "en": "Letter"},
    "channel.visit": {"zh-CN": "外访", "zh-TW": "外訪", "en": "Field visit"},
    "channel.im": {"zh-CN": "微信等即时通讯", "en": "Messenger (WeChat etc.)"},
    "channel.email": {"zh-CN": "电子邮件", "en": "Email"},
    "channel.agency": {"zh-CN": "委外机构", "en": "Outside agency"},
    "channel.legal": {"zh-CN": "法务（律师函、诉讼）", "en": "Legal (lawyer's letter, court)"},
    "channel.self": {"zh-CN": "客户主动还款", "en": "Paid unprompted"},
    "channel.other": {"zh-CN": "其他", "en": "Other"},
    # buckets outside the configured labels
    "bucket.current": {"zh-CN": "已正常", "en": "Current"},
    "bucket.other": {"zh-CN": "其他（期初未逾期或不在册）", "en": "Other (not overdue at start)"},
    # arrangement kinds
    "kind.installment": {"zh-CN": "分期", "en": "Instalment plan"},
    "kind.extension": {"zh-CN": "延期", "en": "Extension"},
    "kind.settlement": {"zh-CN": "减免和解", "en": "Settlement"},
    # tables
    "col.bucket": {"zh-CN": "账龄段", "en": "Bucket"},
    "col.opening_accounts": {"zh-CN": "期初户数", "en": "Accounts at start"},
    "col.opening_balance": {"zh-CN": "期初余额（{unit}）", "en": "Balance at start ({unit})"},
    "col.closing_accounts": {"zh-CN": "期末户数", "en": "Accounts at end"},
    "col.closing_balance": {"zh-CN": "期末余额（{unit}）", "en": "Balance at end ({unit})"},
    "col.channel": {"zh-CN": "渠道", "en": "Channel"},
    "col.recovered": {"zh-CN": "回收金额（{unit}）", "en": "Recovered ({unit})"},
    "col.share": {"zh-CN": "占比", "zh-TW": "佔比", "en": "Share"},
    "col.recovery_rate": {"zh-CN": "回收率", "en": "Recovery rate"},
    "col.contacts": {"zh-CN": "联络次数", "en": "Contacts"},
    "col.connected": {"zh-CN": "接通", "en": "Connected"},
    "col.rpc": {"zh-CN": "本人接触", "en": "Right-party"},
    "col.connect_rate": {"zh-CN": "接通率", "en": "Connect rate"},
    "col.rpc_rate": {"zh-CN": "本人接触率", "en": "Right-party rate"},
    "col.from_to": {"zh-CN": "期初 → 期末", "en": "Start → end"},
    "col.rank": {"zh-CN": "排名", "en": "Rank"},
    "col.member": {"zh-CN": "催收员", "en": "Collector"},
    "col.ptp_kept_rate": {"zh-CN": "承诺兑现率", "en": "Promises kept"},
    "col.compliance_flags": {"zh-CN": "合规提示", "en": "Compliance flags"},
    "col.complaints": {"zh-CN": "投诉", "en": "Complaints"},
    "col.month": {"zh-CN": "月份", "en": "Month"},
    "col.this_year": {"zh-CN": "本年", "en": "This year"},
    "col.last_year": {"zh-CN": "上年", "en": "Last year"},
    "col.change": {"zh-CN": "变化", "en": "Change"},
    "col.figure": {"zh-CN": "指标", "en": "Figure"},
    # figure names (year against last year, targets)
    "fig.recovered_amount": {"zh-CN": "回收金额", "en": "Recovered amount"},
    "fig.recovery_rate": {"zh-CN": "回收率", "en": "Recovery rate"},
    "fig.account_recovery_rate": {"zh-CN": "户数回收率", "en": "Accounts paying"},
    "fig.cure_rate": {"zh-CN": "转正常率", "en": "Cure rate"},
    "fig.roll_forward_rate": {"zh-CN": "迁徙恶化率", "en": "Roll-forward rate"},
    "fig.contacts": {"zh-CN": "联络次数", "en": "Contacts"},
    "fig.connect_rate": {"zh-CN": "接通率", "en": "Connect rate"},
    "fig.rpc_rate": {"zh-CN": "本人接触率", "en": "Right-party contact rate"},
    "fig.ptp_kept_rate": {"zh-CN": "承诺兑现率", "en": "Promises kept"},
    "fig.contact_coverage": {"zh-CN": "联络覆盖率", "en": "Contact coverage"},
    "fig.complaints": {"zh-CN": "投诉", "en": "Complaints"},
    "fig.compliance_flags": {"zh-CN": "合规提示", "en": "Compliance flags"},
    # tables of the data source, for "cannot show" sentences
    "table.contacts": {"zh-CN": "联络记录（contacts）", "en": "contacts"},
    "table.payments": {"zh-CN": "还款记录（payments）", "en": "payments"},
    "table.arrangements": {"zh-CN": "还款安排（arrangements）", "en": "arrangements"},
    "table.complaints": {"zh-CN": "投诉记录（complaints）", "en": "complaints"},
    # chart titles and series
    "chart.recovery_by_channel": {"zh-CN": "各渠道回收金额", "en": "Recovery by channel"},
    "chart.recovery_by_bucket": {"zh-CN": "各账龄段回收金额", "en": "Recovery by bucket"},
    "chart.book_by_bucket": {
        "zh-CN": "期初与期末各账龄段余额",
        "en": "Book by bucket, start and end",
    },
    "chart.months": {"zh-CN": "全年逐月回收", "en": "Recovery month by month"},
    "chart.members": {"zh-CN": "组员回收金额", "en": "Recovery by member"},
    "series.recovered": {"zh-CN": "回收金额", "en": "Recovered"},
    "series.recovery_rate": {"zh-CN": "回收率", "en": "Recovery rate"},
    "series.opening": {"zh-CN": "期初", "en": "Start"},
    "series.closing": {"zh-CN": "期末", "en": "End"},
    # scope words
    "scope.all": {"zh-CN": "全体催收员", "en": "All collectors"},
}


def label(key: str, language: str, **values: str) -> str:
    """The word for ``key`` in ``language``; unknown channel or kind codes are shown as given."""
    entry = LABELS.get(key)
    if entry is None:
        text = key.split(".", 1)[-1]
    elif language in entry:
        text = entry[language]
    elif language == "zh-TW":
        text = to_traditional(entry["zh-CN"])
    else:
        text = entry["en"]
    return text.format(**values) if values else text


def localise(text_zh_cn: str, text_en: str, language: str) -> str:
    """Pick generated wording for a language; zh-TW is converted from the Simplified text."""
    if language == "en":
        return text_en
    if language == "zh-TW":
        return to_traditional(text_zh_cn)
    return text_zh_cn


_QUARTERS_ZH = ("一", "二", "三", "四")
_MONTHS_EN = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def month_name(month: str, language: str) -> str:
    """'2024-09' → 2024年9月 / September 2024."""
    year, number = month.split("-")
    if language == "en":
        return f"{_MONTHS_EN[int(number) - 1]} {year}"
    return f"{year}年{int(number)}月"


def short_month(month: str, language: str) -> str:
    """'2024-09' → 9月 / Sep, for table rows and chart categories of one year."""
    number = int(month.split("-")[1])
    if language == "en":
        return _MONTHS_EN[number - 1][:3]
    return f"{number}月"


def period_name(kind: str, label_text: str, months: tuple[str, ...], language: str) -> str:
    """A period as a reader names it: 2024年第三季度, H2 2024, March 2024 – August 2024."""
    year = label_text[:4]
    if kind == "month":
        return month_name(months[0], language)
    if kind == "quarter":
        quarter = int(label_text[-1])
        return localise(
            f"{year}年第{_QUARTERS_ZH[quarter - 1]}季度", f"Q{quarter} {year}", language
        )
    if kind == "half":
        first = label_text.endswith("H1")
        return localise(
            f"{year}年{'上' if first else '下'}半年",
            f"{'first' if first else 'second'} half of {year}",
            language,
        )
    if kind == "year":
        return localise(f"{year}年度", year, language)
    first, last = month_name(months[0], language), month_name(months[-1], language)
    return localise(f"{first}至{last}", f"{first} to {last}", language)
