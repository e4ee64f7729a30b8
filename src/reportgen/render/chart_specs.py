"""Which charts a report has, as :class:`ChartSpec` values in the report's language.

A chart is declared only when its figures exist, so a report never shows an
empty or all-zero chart for a table the source does not have.
"""

from __future__ import annotations

from reportgen.narrative.formatting import Formatter, is_known
from reportgen.narrative.wording import label, short_month
from reportgen.render.charts import ChartSpec
from reportgen.render.model import ReportModel
from reportgen.render.tables import bucket_name


def chart_specs(model: ReportModel, language: str) -> dict[str, ChartSpec]:
    """Chart key (as templates use it) → spec, in a fixed order."""
    if model.no_data:
        # Nothing to draw: an all-zero chart would suggest figures the scope does not have.
        return {}
    m, lang = model.metrics, language
    specs: dict[str, ChartSpec] = {}
    recovered = label("series.recovered", lang)
    # The money axis names its unit: 回收金额（元） / Recovered (CNY).
    unit = Formatter(lang, model.currency).currency_unit()
    money_axis = f"{recovered}（{unit}）" if lang != "en" else f"{recovered} ({unit})"

    by_channel = m.get("recovered_by_channel")
    if by_channel and is_known(m.get("recovered_amount")):
        ordered = sorted(by_channel.items(), key=lambda kv: (-kv[1], kv[0]))
        specs["recovery_by_channel"] = ChartSpec(
            name="recovery-by-channel",
            kind="bar",
            title=label("chart.recovery_by_channel", lang),
            categories=tuple(label(f"channel.{ch}", lang) for ch, _ in ordered),
            series=((recovered, tuple(float(v) for _, v in ordered)),),
            value_axis_label=money_axis,
        )

    by_bucket = m.get("recovered_by_bucket")
    if by_bucket and is_known(m.get("recovered_amount")):
        buckets = [*model.bucket_labels] + (["other"] if by_bucket.get("other") else [])
        specs["recovery_by_bucket"] = ChartSpec(
            name="recovery-by-bucket",
            kind="bar",
            title=label("chart.recovery_by_bucket", lang),
            categories=tuple(bucket_name(b, lang) for b in buckets),
            series=((recovered, tuple(float(by_bucket.get(b) or 0) for b in buckets)),),
            value_axis_label=money_axis,
        )

    opening, closing = m.get("opening_by_bucket"), m.get("closing_by_bucket")
    if opening is not None and closing is not None:
        specs["book_by_bucket"] = ChartSpec(
            name="book-by-bucket",
            kind="grouped_bar",
            title=label("chart.book_by_bucket", lang),
            categories=tuple(model.bucket_labels),
            series=tuple(
                (
                    label(f"series.{which}", lang),
                    tuple(
                        float((book.get(b) or {}).get("balance") or 0) for b in model.bucket_labels
                    ),
                )
                for which, book in (("opening", opening), ("closing", closing))
            ),
            value_axis_label=money_axis.replace(recovered, _balance_word(lang)),
        )

    if model.months:
        figures = [row.figures or {} for row in model.months]
        amounts = tuple(_known(f.get("recovered_amount")) for f in figures)
        rates = tuple(_known(f.get("recovery_rate")) for f in figures)
        if any(v is not None for v in amounts):
            specs["months"] = ChartSpec(
                name="twelve-months",
                kind="bar_line",
                title=label("chart.months", lang),
                categories=tuple(short_month(row.month, lang) for row in model.months),
                series=(
                    (recovered, amounts),
                    (label("series.recovery_rate", lang), rates),
                ),
                value_format="money",
                line_format="percent",
                value_axis_label=money_axis,
                line_axis_label=label("series.recovery_rate", lang),
            )

    if model.members and any(is_known(r.figures.get("recovered_amount")) for r in model.members):
        specs["members"] = ChartSpec(
            name="members",
            kind="bar",
            title=label("chart.members", lang),
            categories=tuple(r.name for r in model.members),
            series=(
                (
                    recovered,
                    tuple(_known(r.figures.get("recovered_amount")) for r in model.members),
                ),
            ),
            value_axis_label=money_axis,
        )
    return specs


def _balance_word(language: str) -> str:
    return {"zh-CN": "余额", "zh-TW": "餘額", "en": "Balance"}[language]


def _known(value: object) -> float | None:
    return float(value) if is_known(value) else None
