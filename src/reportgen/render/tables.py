"""The report's tables, built from the model's figures in the report's language.

Each function returns a Markdown pipe table, or ``None`` when the figures it
needs are unavailable (the template then says what it cannot show).
"""

from __future__ import annotations

from typing import Any

from reportgen.narrative.formatting import Formatter, is_known
from reportgen.narrative.wording import label, short_month
from reportgen.render.markdown_table import pipe_table
from reportgen.render.model import ReportModel


class CellFormatter(Formatter):
    """Table cells show an unknown figure as a dash, not a sentence."""

    @property
    def not_available(self) -> str:
        return "—"


def bucket_name(bucket: str, language: str) -> str:
    if bucket in ("current", "other"):
        return label(f"bucket.{bucket}", language)
    return bucket


def book_by_bucket(model: ReportModel, fmt: Formatter) -> str | None:
    m, lang, unit = model.metrics, fmt.language, fmt.currency_unit()
    opening, closing = m.get("opening_by_bucket"), m.get("closing_by_bucket")
    if not opening and not closing:
        return None
    opening, closing = opening or {}, closing or {}
    rows = [
        [
            bucket,
            fmt.count(opening.get(bucket, {}).get("accounts")),
            fmt.amount(opening.get(bucket, {}).get("balance")),
            fmt.count(closing.get(bucket, {}).get("accounts")),
            fmt.amount(closing.get(bucket, {}).get("balance")),
        ]
        for bucket in model.bucket_labels
    ]
    rows.append(
        [
            _total(lang),
            fmt.count(m.get("opening_accounts")),
            fmt.amount(m.get("opening_balance")),
            fmt.count(m.get("closing_accounts")),
            fmt.amount(m.get("closing_balance")),
        ]
    )
    headers = [
        label("col.bucket", lang),
        label("col.opening_accounts", lang),
        label("col.opening_balance", lang, unit=unit),
        label("col.closing_accounts", lang),
        label("col.closing_balance", lang, unit=unit),
    ]
    return pipe_table(headers, rows, [False, True, True, True, True])


def recovery_by_channel(model: ReportModel, fmt: Formatter) -> str | None:
    m, lang = model.metrics, fmt.language
    by_channel, total = m.get("recovered_by_channel"), m.get("recovered_amount")
    if not by_channel or not is_known(total):
        return None
    ordered = sorted(by_channel.items(), key=lambda kv: (-kv[1], kv[0]))
    rows = [
        [
            label(f"channel.{ch}", lang),
            fmt.amount(amount),
            fmt.pct(amount / total if total else None),
        ]
        for ch, amount in ordered
    ]
    rows.append([_total(lang), fmt.amount(total), fmt.pct(1.0 if total else None)])
    headers = [
        label("col.channel", lang),
        label("col.recovered", lang, unit=fmt.currency_unit()),
        label("col.share", lang),
    ]
    return pipe_table(headers, rows, [False, True, True])


def recovery_by_bucket(model: ReportModel, fmt: Formatter) -> str | None:
    m, lang = model.metrics, fmt.language
    by_bucket = m.get("recovered_by_bucket")
    if not by_bucket:
        return None
    rates = m.get("recovery_rate_by_bucket") or {}
    opening = m.get("opening_by_bucket") or {}
    rows = [
        [
            bucket,
            fmt.amount(opening.get(bucket, {}).get("balance")),
            fmt.amount(by_bucket.get(bucket)),
            fmt.pct(rates.get(bucket)),
        ]
        for bucket in model.bucket_labels
    ]
    if by_bucket.get("other"):
        rows.append([bucket_name("other", lang), "—", fmt.amount(by_bucket["other"]), "—"])
    unit = fmt.currency_unit()
    headers = [
        label("col.bucket", lang),
        label("col.opening_balance", lang, unit=unit),
        label("col.recovered", lang, unit=unit),
        label("col.recovery_rate", lang),
    ]
    return pipe_table(headers, rows, [False, True, True, True])


def roll_matrix(model: ReportModel, fmt: Formatter) -> str | None:
    matrix, lang = model.metrics.get("roll_matrix"), fmt.language
    if not matrix:
        return None
    columns = ["current", *model.bucket_labels]
    headers = [label("col.from_to", lang), *(bucket_name(c, lang) for c in columns)]
    rows = [
        [bucket, *(fmt.count((matrix.get(bucket) or {}).get(c, 0)) for c in columns)]
        for bucket in model.bucket_labels
    ]
    return pipe_table(headers, rows, [False] + [True] * len(columns))


def channel_activity(model: ReportModel, fmt: Formatter) -> str | None:
    activity, lang = model.channel_activity, fmt.language
    if not activity:
        return None
    headers = [
        label("col.channel", lang),
        label("col.contacts", lang),
        label("col.connected", lang),
        label("col.rpc", lang),
        label("col.connect_rate", lang),
        label("col.rpc_rate", lang),
    ]
    ordered = sorted(activity.items(), key=lambda kv: (-(kv[1].get("contacts") or 0), kv[0]))
    rows = []
    for channel, row in ordered:
        contacts = row.get("contacts") or 0
        rows.append(
            [
                label(f"channel.{channel}", lang),
                fmt.count(contacts),
                fmt.count(row.get("connected")),
                fmt.count(row.get("rpc")),
                fmt.pct(_ratio(row.get("connected"), contacts)),
                fmt.pct(_ratio(row.get("rpc"), contacts)),
            ]
        )
    return pipe_table(headers, rows, [False, True, True, True, True, True])


def members(model: ReportModel, fmt: Formatter) -> str | None:
    if not model.members:
        return None
    lang = fmt.language
    headers = [
        label("col.rank", lang),
        label("col.member", lang),
        label("col.recovered", lang, unit=fmt.currency_unit()),
        label("col.recovery_rate", lang),
        label("col.connect_rate", lang),
        label("col.ptp_kept_rate", lang),
        label("col.complaints", lang),
        label("col.compliance_flags", lang),
    ]
    rows = []
    for rank, member in enumerate(model.members, start=1):
        f = member.figures
        rows.append(
            [
                fmt.count(rank) if is_known(f.get("recovered_amount")) else "—",
                f"{member.name}（{member.id}）" if lang != "en" else f"{member.name} ({member.id})",
                fmt.amount(f.get("recovered_amount")),
                fmt.pct(f.get("recovery_rate")),
                fmt.pct(f.get("connect_rate")),
                fmt.pct(f.get("ptp_kept_rate")),
                fmt.count(f.get("complaints")),
                fmt.count(f.get("compliance_flags")),
            ]
        )
    return pipe_table(headers, rows, [True, False, True, True, True, True, True, True])


def months(model: ReportModel, fmt: Formatter) -> str | None:
    if not model.months:
        return None
    lang = fmt.language
    headers = [
        label("col.month", lang),
        label("col.recovered", lang, unit=fmt.currency_unit()),
        label("col.recovery_rate", lang),
        label("col.contacts", lang),
        label("col.connect_rate", lang),
        label("col.ptp_kept_rate", lang),
        label("col.complaints", lang),
        label("col.compliance_flags", lang),
    ]
    rows = []
    for row in model.months:
        f: dict[str, Any] = row.figures or {}
        rows.append(
            [
                short_month(row.month, lang),
                fmt.amount(f.get("recovered_amount")),
                fmt.pct(f.get("recovery_rate")),
                fmt.count(f.get("contacts")),
                fmt.pct(f.get("connect_rate")),
                fmt.pct(f.get("ptp_kept_rate")),
                fmt.count(f.get("complaints")),
                fmt.count(f.get("compliance_flags")),
            ]
        )
    return pipe_table(headers, rows, [False] + [True] * 7)


# Figures set beside each other in a year-end review, and how each is written.
YEAR_FIGURES = (
    ("recovered_amount", "amount"),
    ("recovery_rate", "rate"),
    ("account_recovery_rate", "rate"),
    ("cure_rate", "rate"),
    ("roll_forward_rate", "rate"),
    ("contacts", "count"),
    ("connect_rate", "rate"),
    ("rpc_rate", "rate"),
    ("ptp_kept_rate", "rate"),
    ("contact_coverage", "rate"),
    ("complaints", "count"),
    ("compliance_flags", "count"),
)


def year_against_last(model: ReportModel, fmt: Formatter) -> str | None:
    last = model.year_ago.metrics
    if last is None:
        return None
    lang, m = fmt.language, model.metrics
    headers = [
        label("col.figure", lang),
        label("col.this_year", lang),
        label("col.last_year", lang),
        label("col.change", lang),
    ]
    rows = []
    for key, style in YEAR_FIGURES:
        now, before = m.get(key), last.get(key)
        if style == "rate":
            cells = [fmt.pct(now), fmt.pct(before)]
            change = fmt.points_between(now, before) if is_known(now) and is_known(before) else "—"
        else:
            shown = fmt.money if style == "amount" else fmt.count
            cells = [shown(now), shown(before)]
            change = fmt.growth(now, before) if is_known(now) and is_known(before) else "—"
        rows.append([label(f"fig.{key}", lang), *cells, change])
    return pipe_table(headers, rows, [False, True, True, False])


def _ratio(part: Any, whole: Any) -> float | None:
    if not is_known(part) or not is_known(whole) or not whole:
        return None
    return part / whole


def _total(language: str) -> str:
    return {"zh-CN": "合计", "zh-TW": "合計", "en": "Total"}[language]


def build_tables(model: ReportModel, fmt: Formatter) -> dict[str, str | None]:
    fmt = CellFormatter(fmt.language, fmt.currency)
    return {
        "book": book_by_bucket(model, fmt),
        "recovery_by_channel": recovery_by_channel(model, fmt),
        "recovery_by_bucket": recovery_by_bucket(model, fmt),
        "roll_matrix": roll_matrix(model, fmt),
        "channel_activity": channel_activity(model, fmt),
        "members": members(model, fmt),
        "months": months(model, fmt),
        "year_against_last": year_against_last(model, fmt),
    }
