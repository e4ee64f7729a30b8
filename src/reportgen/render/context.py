"""What a template sees: the model's figures, ready-made tables and phrases, notes.

Templates hold words; everything computed arrives here already computed.
Comparisons are phrases (``compare``) because their wording depends on the
facts: up, down, unchanged, no comparison period, or a figure the data
cannot give.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from reportgen.narrative.finding_text import describe_finding, describe_target
from reportgen.narrative.formatting import Formatter, is_known, printed_ratio
from reportgen.narrative.wording import label, localise, period_name
from reportgen.render.markdown_table import escape_cell
from reportgen.render.model import PeriodInfo, ReportModel
from reportgen.render.notes import Notes
from reportgen.render.tables import build_tables
from reportgen.render.templates import strict

TABLES_OF_SECTIONS = ("contacts", "payments", "arrangements", "complaints")


def period_display(period: PeriodInfo, language: str) -> str:
    return period_name(period.kind, period.label, period.months, language)


def build_context(
    model: ReportModel,
    fmt: Formatter,
    notes: Notes | None,
    chart_images: dict[str, str],
) -> dict[str, Any]:
    """The template context; ``chart_images`` maps chart key → image path (relative)."""
    lang = fmt.language
    m = model.metrics
    usable = {
        name: name not in model.missing_tables and name not in model.uncovered_tables
        for name in TABLES_OF_SECTIONS
    }
    tables = build_tables(model, fmt)
    texts = [describe_finding(f, fmt) for f in model.findings]
    scope = model.scope
    scope_name = scope.name or (label("scope.all", lang) if scope.kind == "all" else scope.id)
    movers = _movers(model)
    md = escape_inline
    yoy_distinct = model.year_ago.period.label != model.previous.period.label
    return {
        "language": lang,
        "kind": model.kind,
        # Names come from users' data: escaped here so a '*', '_' or '|' in one
        # cannot turn a heading or a sentence into emphasis or a table.
        "organisation": md(model.organisation),
        "scope": {
            "kind": scope.kind,
            "id": md(scope.id),
            "name": md(scope_name),
            "team_id": md(scope.team_id),
            "team_name": md(scope.team_name),
            "supervisor": (
                md((", " if lang == "en" else "、").join(scope.supervisor.splitlines()))
                if scope.supervisor
                else None
            ),
            "hired_on": scope.hired_on,
        },
        # A scope with nothing to report on (ReportModel.no_data holds the definition):
        # every section says so in one sentence instead of praising what it could not see.
        "no_data": model.no_data,
        "joined": model.joined,
        "period": {
            "label": model.period.label,
            "kind": model.period.kind,
            "name": period_display(model.period, lang),
            "start": model.period.start,
            "end": model.period.end,
            "months": len(model.period.months),
        },
        "previous_period": period_display(model.previous.period, lang),
        "year_ago_period": period_display(model.year_ago.period, lang),
        "m": m,
        "prev": model.previous.metrics,
        # For a year the previous period is the year ago: say it once, not twice.
        "yoy": model.year_ago.metrics if yoy_distinct else None,
        "yoy_distinct": yoy_distinct,
        "has": usable,
        "missing": {name: _cannot_show(name, model, lang) for name in TABLES_OF_SECTIONS},
        "known": strict(is_known),
        "compare": strict(_comparer(model, fmt)),
        "growth": strict(fmt.growth),
        "points_between": strict(fmt.points_between),
        "no_comparison": _no_comparison(model, lang),
        "tables": tables,
        "charts": {key: chart_images.get(key) for key in _CHART_KEYS},
        "findings": [
            {"problem": t.problem, "improvement": t.improvement, "plan": t.plan} for t in texts
        ],
        "targets": [describe_target(t, fmt) for t in model.targets],
        "notes": {
            section: [_as_paragraph(p) for p in paragraphs]
            for section, paragraphs in (notes or Notes()).as_context().items()
        },
        "members": [
            {
                "id": md(r.id),
                "name": md(r.name),
                "recovered_amount": r.figures.get("recovered_amount"),
                "recovery_rate": r.figures.get("recovery_rate"),
            }
            for r in model.members
        ],
        "improved": _mover_context(movers[0], fmt),
        "slipped": _mover_context(movers[1], fmt),
        # Members whose recovery rate is known in both periods: none means the
        # comparison cannot be made, which is not the same as "no one changed".
        "members_compared": _members_compared(model),
        # Figures that follow the definitions but puzzle a reader: the template says why.
        "other_share": _other_share(m),
        "mostly_other": _mostly_other(m),
        "above_members": _above_members(model),
        "label": lambda key: label(key, lang),
        "channel": lambda code: label(f"channel.{code}", lang),
        "kind_name": lambda code: label(f"kind.{code}", lang),
    }


_CHART_KEYS = ("recovery_by_channel", "recovery_by_bucket", "book_by_bucket", "months", "members")


def escape_inline(text: str | None) -> str | None:
    """User text (a name from the data) safe inside Markdown prose and headings."""
    return None if text is None else escape_cell(text)


_BLOCK_START = re.compile(r"^(#|\||>|<!--|=|---)")


def _as_paragraph(text: str) -> str:
    """A note stays a paragraph: a leading '#', '|', '>' ... would start a heading or table."""
    return "\\" + text if _BLOCK_START.match(text) else text


def _cannot_show(table: str, model: ReportModel, lang: str) -> str:
    """One sentence saying why figures from ``table`` are missing (absent or not covering)."""
    name = label(f"table.{table}", lang)
    if table in model.missing_tables:
        return localise(
            f"数据源中没有{name}，无法给出这部分数据。",
            f"The data source has no {name} table, so these figures cannot be shown.",
            lang,
        )
    return localise(
        f"{name}未覆盖本期的全部月份，无法给出这部分数据。",
        f"The {name} table does not cover every month of this period, "
        "so these figures cannot be shown.",
        lang,
    )


def _comparer(model: ReportModel, fmt: Formatter) -> Callable[..., str]:
    """``compare(key, basis='previous', style='amount'|'rate'|'count')`` → a phrase."""
    lang = fmt.language
    current = model.metrics

    def compare(key: str, basis: str = "previous", style: str = "amount") -> str:
        comparison = model.previous if basis == "previous" else model.year_ago
        when = period_display(comparison.period, lang)
        zh_basis = f"上期（{when}）" if basis == "previous" else f"去年同期（{when}）"
        en_basis = (
            f"the previous period ({when})"
            if basis == "previous"
            else f"the same period last year ({when})"
        )
        if comparison.metrics is None:
            return localise(
                f"{zh_basis}不在数据范围内，无从比较",
                f"there is no comparison with {en_basis}, which the data does not cover",
                lang,
            )
        now, before = current.get(key), comparison.metrics.get(key)
        if not is_known(now) or not is_known(before):
            return localise(
                f"{zh_basis}或本期缺少该项数据，无从比较",
                f"there is no comparison with {en_basis}: the figure is missing",
                lang,
            )
        shown = {"amount": fmt.money, "rate": fmt.pct, "count": fmt.count}[style]
        change = fmt.points_between(now, before) if style == "rate" else fmt.growth(now, before)
        if change in ("持平", "unchanged"):
            return localise(
                f"与{zh_basis}持平（同为 {shown(before)}）",
                f"unchanged from {shown(before)} in {en_basis}",
                lang,
            )
        return localise(
            f"{zh_basis}为 {shown(before)}，{change}",
            f"{change} on {shown(before)} in {en_basis}",
            lang,
        )

    return compare


def _no_comparison(model: ReportModel, lang: str) -> Callable[[str], str]:
    """``no_comparison(basis)``: the one sentence saying a comparison period is not covered."""

    def no_comparison(basis: str = "previous") -> str:
        comparison = model.previous if basis == "previous" else model.year_ago
        when = period_display(comparison.period, lang)
        if basis == "previous":
            return localise(
                f"上期（{when}）不在数据范围内，无法与上期比较。",
                f"The data does not cover the previous period ({when}), so there is no "
                "comparison with it.",
                lang,
            )
        return localise(
            f"去年同期（{when}）不在数据范围内，无法与去年同期比较。",
            f"The data does not cover the same period last year ({when}), so there is no "
            "comparison with it.",
            lang,
        )

    return no_comparison


def _other_share(m: dict[str, Any]) -> float | None:
    """The share of the recovered amount on accounts in no opening bucket ("other"),
    or None when nothing was recovered or the figures are missing."""
    recovered = m.get("recovered_amount")
    other = (m.get("recovered_by_bucket") or {}).get("other")
    if not is_known(recovered) or not is_known(other) or recovered <= 0:
        return None
    return other / recovered


def _mostly_other(m: dict[str, Any]) -> bool:
    """True when over half the recovery is under "other", as printed (so the sentence never
    says "most" beside 50.0%): the by-bucket table then shows little in the buckets."""
    share = _other_share(m)
    return share is not None and printed_ratio(share) > 0.5


def _above_members(model: ReportModel) -> bool:
    """True when a team's (or everyone's) recovery rate, as printed, is above every member's.

    Recovered amounts add up over members (each payment is credited to one collector), so
    with additive balances the scope's rate would be a weighted mean of its members' and
    could not exceed the highest. It can only when an account is in the assigned balance
    of several members (it moved between them in the period) but once in the scope's. A
    member who recovered money with no balance to collect (rate unknown) would break that
    argument, so then nothing is said.
    """
    rate = model.metrics.get("recovery_rate")
    if model.kind != "team" or not is_known(rate):
        return False
    rates = []
    for row in model.members:
        member_rate = row.figures.get("recovery_rate")
        if is_known(member_rate):
            rates.append(printed_ratio(member_rate))
        elif row.figures.get("recovered_amount"):
            return False
    return bool(rates) and printed_ratio(rate) > max(rates)


def _members_compared(model: ReportModel) -> int:
    return sum(
        1
        for row in model.members
        if is_known(row.figures.get("recovery_rate"))
        and is_known((row.previous or {}).get("recovery_rate"))
    )


def _mover_context(mover: dict[str, Any] | None, fmt: Formatter) -> dict[str, Any] | None:
    """A mover for the template: names escaped, the change in words as printed."""
    if mover is None:
        return None
    return {
        **mover,
        "id": escape_inline(mover["id"]),
        "name": escape_inline(mover["name"]),
        "change_text": fmt.points_between(mover["now"], mover["before"]),
    }


def _movers(model: ReportModel) -> tuple[dict[str, Any] | None, dict[str, Any] | None]:
    """The member whose recovery rate rose most and the one whose rate fell most.

    Changes are measured between the figures as printed (one decimal of a
    percentage), so the sentence's "from 28.1% to 24.5%, down 3.6 points" agrees
    with itself, and a change too small to print is no change.
    """
    changes = []
    for row in model.members:
        now = row.figures.get("recovery_rate")
        before = (row.previous or {}).get("recovery_rate")
        if is_known(now) and is_known(before):
            change = printed_ratio(now) - printed_ratio(before)
            changes.append((change, row.id, row.name, before, now))
    rising = [c for c in changes if c[0] > 0]
    falling = [c for c in changes if c[0] < 0]
    improved = max(rising, key=lambda c: (c[0], _reverse(c[1])), default=None)
    slipped = min(falling, key=lambda c: (c[0], c[1]), default=None)

    def as_dict(c: tuple | None) -> dict[str, Any] | None:
        if c is None:
            return None
        change, cid, name, before, now = c
        return {"id": cid, "name": name, "before": before, "now": now, "change": change}

    return as_dict(improved), as_dict(slipped)


def _reverse(text: str) -> tuple[int, ...]:
    """Sort key that makes max() prefer the smaller id on equal changes."""
    return tuple(-ord(ch) for ch in text)
