"""The words of each finding: the problem with its evidence, the remedy, the plan.

Simplified Chinese and English are written here; Traditional Chinese is
converted from the Simplified text (Taiwan usage, see
:mod:`reportgen.narrative.chinese`). Every figure goes through the
:class:`~reportgen.narrative.formatting.Formatter`.
"""

from __future__ import annotations

from dataclasses import dataclass

from reportgen.narrative.findings import Finding, Target
from reportgen.narrative.formatting import Formatter, is_known, printed_ratio
from reportgen.narrative.wording import label, localise


@dataclass(frozen=True)
class FindingText:
    problem: str
    improvement: str
    plan: str


# The three kinds of compliance flag: (metric, Chinese label, unit, English label).
_COMPLIANCE_KINDS = (
    ("after_hours_contacts", "非规定时段联络", "次", "contacts outside permitted hours"),
    (
        "excess_attempt_days",
        "单日未接通拨打超限",
        "户次",
        "account-days over the unanswered-call limit",
    ),
    (
        "excess_connected_days",
        "单日接通通话超限",
        "户次",
        "account-days over the connected-call limit",
    ),
)


def _before(fmt: Formatter, previous: float | None, kind: str = "pct") -> tuple[str, str]:
    """The clause that states the previous period's figure, when there is one."""
    if previous is None:
        return "", ""
    figure = fmt.pct(previous) if kind == "pct" else fmt.per_thousand(previous)
    return f"（上期 {figure}）", f" (previous period {figure})"


def describe_finding(finding: Finding, fmt: Formatter) -> FindingText:
    """Problem, improvement and plan sentences for one finding, in ``fmt.language``."""
    f, lang = finding, fmt.language
    pct, counts = fmt.pct, dict(finding.counts)
    zh_before, en_before = _before(fmt, f.previous)
    target = pct(f.target) if f.target is not None else fmt.not_available

    if f.code == "lost_contact":
        lost, attempted = fmt.count(counts["lost"]), fmt.count(counts["attempted"])
        zh = (
            f"失联客户较多：本期联络的 {attempted} 户中有 {lost} 户始终未能联系到本人且号码无效，"
            f"占 {pct(f.value)}，高于 {pct(f.reference)} 的警戒线。",
            "对失联客户开展信息修复：核查预留联系人、工作单位和其他登记号码，"
            "必要时安排外访或信函。",
            f"下期将失联户占联络户数的比例控制在 {target} 以内。",
        )
        en = (
            f"Many accounts are out of contact: of {fmt.counted(counts['attempted'], 'account')} "
            f"attempted, {lost} never reached the debtor and had an invalid number, "
            f"{pct(f.value)} against a limit of "
            f"{pct(f.reference)}.",
            "Trace lost-contact debtors: check listed references, employers and other numbers on "
            "file, and send a letter or a field visit where needed.",
            f"Keep lost-contact accounts at or below {target} of accounts attempted next period.",
        )
    elif f.code in ("connect_rate_low", "rpc_rate_low"):
        zh_name = "接通率" if f.metric == "connect_rate" else "本人接触率"
        en_name = "connect rate" if f.metric == "connect_rate" else "right-party contact rate"
        zh = (
            f"{zh_name}偏低：本期为 {pct(f.value)}，低于 {pct(f.reference)} 的要求{zh_before}。",
            "调整拨打时段，优先在客户较易接听的时间致电，并对多次未接通的客户改用短信或微信预约通话。",
            f"下期{zh_name}达到 {target}。",
        )
        en = (
            f"The {en_name} is low: {pct(f.value)} this period, below the required "
            f"{pct(f.reference)}{en_before}.",
            "Move calls to the hours debtors answer most, and book calls by SMS or messenger with "
            "debtors who repeatedly do not pick up.",
            f"Raise the {en_name} to {target} next period.",
        )
    elif f.code in ("connect_rate_falling", "rpc_rate_falling"):
        zh_name = "接通率" if f.metric == "connect_rate" else "本人接触率"
        en_name = "connect rate" if f.metric == "connect_rate" else "right-party contact rate"
        change = fmt.points_between(f.value, f.reference)
        zh = (
            f"{zh_name}下滑：由上期的 {pct(f.reference)} 降至本期的 {pct(f.value)}，{change}。",
            "复盘本期拨打记录，找出接通下降的时段与客户群，相应调整拨打策略。",
            f"下期{zh_name}恢复到上期的 {target}。",
        )
        en = (
            f"The {en_name} fell from {pct(f.reference)} in the previous period to "
            f"{pct(f.value)}, {change}.",
            "Review this period's call log for the hours and debtors where answers fell, and "
            "change the calling plan accordingly.",
            f"Bring the {en_name} back to the previous period's {target}.",
        )
    elif f.code == "ptp_kept_low":
        kept, due = fmt.count(counts["kept"]), fmt.count(counts["due"])
        zh = (
            f"承诺还款兑现率不高：本期到期承诺 {due} 笔，兑现 {kept} 笔，兑现率 {pct(f.value)}，"
            f"低于 {pct(f.reference)} 的要求{zh_before}。",
            "承诺前核实客户的还款能力与资金来源，承诺到期前一天提醒，逾期未兑现的当天跟进。",
            f"下期承诺兑现率达到 {target}。",
        )
        en = (
            f"Too few promises are kept: {kept} of {fmt.counted(counts['due'], 'promise')} due, "
            f"{pct(f.value)} against the required {pct(f.reference)}{en_before}.",
            "Check the debtor's means before accepting a promise, remind the day before it falls "
            "due, and follow up the same day when it is missed.",
            f"Raise the share of promises kept to {target} next period.",
        )
    elif f.code == "bucket_lags_others":
        names = _names([b for b, *_ in f.buckets], lang)
        if len(f.buckets) == 1:
            zh_each, en_each = f"该段回收率为 {pct(f.value)}", f"{pct(f.value)} there"
        else:
            zh_each = "，".join(f"{b} 段 {pct(rate)}" for b, rate, _, _ in f.buckets)
            en_each = ", ".join(f"{b} {pct(rate)}" for b, rate, _, _ in f.buckets)
        zh_goal = "，".join(f"{b} 段回收率达到 {pct(goal)}" for b, _, _, goal in f.buckets)
        en_goal = ", ".join(f"{b} to {pct(goal)}" for b, _, _, goal in f.buckets)
        zh = (
            f"{names} 段回收滞后：{zh_each}，而整体回收率为 {pct(f.reference)}。",
            f"为 {names} 段客户单独排定联络计划，对有还款意愿的客户提供分期或延期方案。",
            f"下期 {zh_goal}。",
        )
        en = (
            f"Recovery in {names} lags: {en_each}, against {pct(f.reference)} overall.",
            f"Give {names} debtors their own contact plan and offer instalments or an extension "
            "to those willing to pay.",
            f"Raise the recovery rate of {en_goal} next period.",
        )
    elif f.code == "bucket_lags_last_year":
        names = _names([b for b, *_ in f.buckets], lang)
        zh_each = "；".join(
            f"{b} 段本期 {pct(rate)}，去年同期 {pct(ref)}，{fmt.points_between(rate, ref)}"
            for b, rate, ref, _ in f.buckets
        )
        en_each = "; ".join(
            f"{b} {pct(rate)} against {pct(ref)}, {fmt.points_between(rate, ref)}"
            for b, rate, ref, _ in f.buckets
        )
        zh_goal = "，".join(f"{b} 段 {pct(goal)}" for b, _, _, goal in f.buckets)
        en_goal = ", ".join(f"{b} {pct(goal)}" for b, _, _, goal in f.buckets)
        zh = (
            f"{names} 段回收率不及去年同期：{zh_each}。",
            f"分析 {names} 段客户构成与去年的差异，提高"
            f"{'这些账龄段' if len(f.buckets) > 1 else '该账龄段'}的联络频次，并多安排外访。",
            f"下期回收率恢复到去年同期的水平：{zh_goal}。",
        )
        en = (
            f"Recovery in {names} is behind last year: {en_each}.",
            f"Compare {names} debtors with last year's and contact them more often, with field "
            "visits where calls fail.",
            f"Bring bucket recovery rates back to last year's: {en_goal}.",
        )
    elif f.code in ("complaints_high", "complaints_rising"):
        number, contacts = fmt.count(counts["complaints"]), fmt.count(counts["contacts"])
        rate, ref = fmt.per_thousand(f.value), fmt.per_thousand(f.reference)
        goal = fmt.per_thousand(f.target)
        if f.code == "complaints_high":
            zh_problem = (
                f"投诉偏多：本期 {contacts} 次联络中收到投诉 {number} 件，每千次联络 {rate} 件，"
                f"高于 {ref} 件的上限"
                + (f"（上期 {fmt.per_thousand(f.previous)} 件）" if f.previous is not None else "")
                + "。"
            )
            en_problem = (
                f"Complaints are high: {fmt.counted(counts['complaints'], 'complaint')} over "
                f"{fmt.counted(counts['contacts'], 'contact')}, {rate} per "
                f"thousand contacts against a limit of {ref}"
                + (
                    f" (previous period {fmt.per_thousand(f.previous)})"
                    if f.previous is not None
                    else ""
                )
                + "."
            )
        else:
            zh_problem = (
                f"投诉率上升：每千次联络投诉由上期的 {ref} 件升至本期的 {rate} 件"
                f"（本期 {number} 件，联络 {contacts} 次）。"
            )
            en_problem = (
                f"The complaint rate rose from {ref} to {rate} per thousand contacts "
                f"({fmt.counted(counts['complaints'], 'complaint')} over "
                f"{fmt.counted(counts['contacts'], 'contact')} this period)."
            )
        zh = (
            zh_problem,
            "逐件复盘投诉通话，统一规范话术，保持文明催收，对情绪激动的客户及时转交主管处理。",
            f"下期每千次联络投诉不超过 {goal} 件。" if f.target else "下期不发生投诉。",
        )
        en = (
            en_problem,
            "Review every complaint call, keep to the approved scripts and tone, and hand "
            "distressed debtors to a supervisor early.",
            f"Keep complaints at or below {goal} per thousand contacts next period."
            if f.target
            else "No complaints next period.",
        )
    elif f.code == "compliance_flags":
        # Only the kinds that occurred: "0 户次" of a kind is not a problem to list.
        kinds = [
            (counts[key], zh_label, zh_unit, en_label)
            for key, zh_label, zh_unit, en_label in _COMPLIANCE_KINDS
            if counts[key]
        ]
        total = fmt.count(f.value)
        zh_items = "，".join(f"{label} {fmt.count(n)} {unit}" for n, label, unit, _ in kinds)
        en_items = ", ".join(f"{label} {fmt.count(n)}" for n, _, _, label in kinds)
        zh = (
            f"存在合规提示 {total} 项：{zh_items}"
            + (f"（上期共 {fmt.count(f.previous)} 项）" if f.previous is not None else "")
            + "。",
            "严格遵守联络时段和频次限制，拨打前查看当日已拨次数，由系统在超限时自动拦截。",
            "下期合规提示降为零。",
        )
        en = (
            f"{fmt.counted(f.value, 'compliance flag')}: {en_items}"
            + (
                f" (previous period {fmt.count(f.previous)} in all)"
                if f.previous is not None
                else ""
            )
            + ".",
            "Keep strictly to the permitted hours and contact limits: check the day's attempts "
            "before dialling and let the system block calls over the limit.",
            "No compliance flags next period.",
        )
    elif f.code in ("roll_forward_high", "roll_forward_rising"):
        if f.code == "roll_forward_high":
            zh_problem = (
                f"迁徙恶化偏多：期初逾期账户中有 {pct(f.value)} 在期末进入更高账龄段，"
                f"高于 {pct(f.reference)} 的上限{zh_before}。"
            )
            en_problem = (
                f"Too many accounts rolled forward: {pct(f.value)} of the accounts overdue at the "
                f"start were in a later bucket at the end, above the limit of "
                f"{pct(f.reference)}{en_before}."
            )
        else:
            zh_problem = (
                f"迁徙恶化率上升：由上期的 {pct(f.reference)} 升至本期的 {pct(f.value)}，"
                f"{fmt.points_between(f.value, f.reference)}。"
            )
            en_problem = (
                f"The roll-forward rate rose from {pct(f.reference)} in the previous period to "
                f"{pct(f.value)}, {fmt.points_between(f.value, f.reference)}."
            )
        zh = (
            zh_problem,
            "在账户跨入下一账龄段之前集中联络，对临界账户优先安排还款计划。",
            f"下期迁徙恶化率控制在 {target} 以内。",
        )
        en = (
            en_problem,
            "Concentrate contacts on accounts about to cross into the next bucket and agree "
            "payment plans with them first.",
            f"Keep the roll-forward rate at or below {target} next period.",
        )
    elif f.code == "coverage_low":
        zh = (
            f"联络覆盖不足：本期只联络了名下账户的 {pct(f.value)}，低于 {pct(f.reference)} 的要求"
            f"{zh_before}。",
            "每周检查未联络账户清单，按账龄和余额排序后逐户安排联络。",
            f"下期联络覆盖率达到 {target}。",
        )
        en = (
            f"Contact coverage is short: only {pct(f.value)} of the book was contacted, below "
            f"the required {pct(f.reference)}{en_before}.",
            "Check the list of accounts not yet contacted every week and work through it by "
            "bucket and balance.",
            f"Contact {target} of the book next period.",
        )
    else:  # pragma: no cover - every rule in findings.py has wording above
        raise ValueError(f"no wording for finding {f.code!r}")
    return FindingText(*(localise(z, e, lang) for z, e in zip(zh, en, strict=True)))


def _names(labels: list[str], language: str) -> str:
    """M1、M2 和 M3 / M1, M2 and M3."""
    if len(labels) == 1:
        return labels[0]
    if language == "en":
        return ", ".join(labels[:-1]) + " and " + labels[-1]
    return "、".join(labels[:-1]) + " 和 " + labels[-1]


def describe_target(target: Target, fmt: Formatter) -> str:
    """One plan line for a next-period target, saying where it comes from."""
    name = label(f"fig.{target.metric}", fmt.language)
    goal = fmt.pct(target.value)
    current = fmt.pct(target.current)
    if target.configured:
        if not is_known(target.current):
            return localise(
                f"{name}：目标 {goal}（按考核要求；本期该项无法计算）。",
                f"{name}: {goal} (the set target; this period's figure cannot be computed).",
                fmt.language,
            )
        # Compared as printed, so "already met" never sits beside a lower figure.
        short = printed_ratio(target.value) - printed_ratio(target.current)
        if short <= 0:
            return localise(
                f"{name}：目标 {goal}（按考核要求；本期 {current}，已达到）。",
                f"{name}: {goal} (the set target; this period {current}, already met).",
                fmt.language,
            )
        gap = fmt.number(short * 100, 1)
        return localise(
            f"{name}：目标 {goal}（按考核要求；本期 {current}，尚差 {gap} 个百分点）。",
            f"{name}: {goal} (the set target; this period {current}, {gap} percentage points "
            "short).",
            fmt.language,
        )
    if target.value <= (target.current or 0):
        return localise(
            f"{name}：保持在 {goal}（本期 {current}）。",
            f"{name}: hold at {goal} (this period {current}).",
            fmt.language,
        )
    step = fmt.number((printed_ratio(target.value) - printed_ratio(target.current or 0)) * 100, 1)
    return localise(
        f"{name}：目标 {goal}（本期 {current}，提高 {step} 个百分点）。",
        f"{name}: {goal} (this period {current}, plus {step} percentage points).",
        fmt.language,
    )
