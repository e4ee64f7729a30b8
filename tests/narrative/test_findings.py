"""Each findings rule fires on the figures that support it, and only then."""

from __future__ import annotations

import re
from dataclasses import replace

import pytest

from reportgen.config import Config, Targets
from reportgen.narrative.finding_text import describe_finding, describe_target
from reportgen.narrative.findings import Target, find_problems, next_targets
from reportgen.narrative.formatting import Formatter

CONFIG = Config()

# A period with nothing wrong under the default thresholds.
HEALTHY = {
    "lost_contact_accounts": 1,
    "accounts_attempted": 100,  # 1% lost, under 10%
    "connect_rate": 0.40,
    "rpc_rate": 0.20,
    "ptp_kept_rate": 0.70,
    "promises_kept": 7,
    "promises_due": 10,
    "recovery_rate": 0.20,
    "recovery_rate_by_bucket": {"M1": 0.30, "M2": 0.15, "M3": 0.12, "M4+": 0.11},
    "complaints": 0,
    "contacts": 1000,
    "complaints_per_1k_contacts": 0.0,
    "compliance_flags": 0,
    "after_hours_contacts": 0,
    "excess_attempt_days": 0,
    "excess_connected_days": 0,
    "roll_forward_rate": 0.10,
    "contact_coverage": 0.90,
}


def codes(metrics, previous=None, year_ago=None, config=CONFIG):
    return [f.code for f in find_problems(metrics, previous, year_ago, config)]


def test_healthy_figures_give_no_findings():
    assert codes(HEALTHY, previous=HEALTHY, year_ago=HEALTHY) == []


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"lost_contact_accounts": 10}, "lost_contact"),  # 10 / 100 = 10%, at the limit
        ({"connect_rate": 0.20}, "connect_rate_low"),
        ({"rpc_rate": 0.05}, "rpc_rate_low"),
        ({"ptp_kept_rate": 0.50}, "ptp_kept_low"),
        ({"roll_forward_rate": 0.25}, "roll_forward_high"),
        ({"contact_coverage": 0.50}, "coverage_low"),
        ({"compliance_flags": 2, "after_hours_contacts": 2}, "compliance_flags"),
        ({"complaints": 1, "complaints_per_1k_contacts": 1.0}, "complaints_high"),
    ],
)
def test_each_threshold_rule_fires(change, code):
    assert codes({**HEALTHY, **change}) == [code]


def test_just_inside_the_thresholds_nothing_fires():
    edge = {
        **HEALTHY,
        "lost_contact_accounts": 9,
        "connect_rate": 0.25,
        "rpc_rate": 0.10,
        "ptp_kept_rate": 0.60,
        "roll_forward_rate": 0.20,
        "contact_coverage": 0.80,
        "complaints": 1,
        "complaints_per_1k_contacts": 0.5,
    }
    assert codes(edge) == []


def test_falling_rates_compare_with_the_previous_period():
    previous = {**HEALTHY, "connect_rate": 0.43, "rpc_rate": 0.215}
    assert codes(HEALTHY, previous=previous) == ["connect_rate_falling"]  # rpc fell 1.5 pp only
    (finding,) = find_problems(HEALTHY, previous, None, CONFIG)
    assert (finding.value, finding.reference) == (0.40, 0.43)


def test_rising_complaints_and_roll_forward_against_the_previous_period():
    now = {**HEALTHY, "complaints": 1, "complaints_per_1k_contacts": 0.4, "roll_forward_rate": 0.15}
    before = {**HEALTHY, "complaints_per_1k_contacts": 0.2, "roll_forward_rate": 0.12}
    assert codes(now, previous=before) == ["complaints_rising", "roll_forward_rising"]
    assert codes(now, previous=now) == []


def test_bucket_lagging_the_others_or_last_year():
    lagging = {
        **HEALTHY,
        "recovery_rate_by_bucket": {"M1": 0.3, "M2": 0.15, "M3": 0.12, "M4+": 0.05},
    }
    (finding,) = find_problems(lagging, None, None, CONFIG)
    assert finding.code == "bucket_lags_others"
    assert finding.buckets == (("M4+", 0.05, 0.20, pytest.approx(0.06)),)
    last_year = {
        **HEALTHY,
        "recovery_rate_by_bucket": {"M1": 0.35, "M2": 0.15, "M3": 0.12, "M4+": 0.11},
    }
    (finding,) = find_problems(HEALTHY, None, last_year, CONFIG)
    assert (finding.code, finding.detail, finding.reference) == (
        "bucket_lags_last_year",
        "M1",
        0.35,
    )


def test_unknown_figures_never_fire():
    unknown = dict.fromkeys(HEALTHY)
    unknown["recovery_rate_by_bucket"] = {"M1": None}
    assert codes(unknown, previous=unknown, year_ago=unknown) == []


def test_thresholds_come_from_configuration():
    strict = replace(CONFIG, findings=replace(CONFIG.findings, connect_rate_min=0.5))
    assert codes(HEALTHY, config=strict) == ["connect_rate_low"]


def test_targets_are_configured_or_derived():
    derived = {t.metric: t for t in next_targets(HEALTHY, CONFIG)}
    assert derived["recovery_rate"] == Target("recovery_rate", pytest.approx(0.21), 0.20, False)
    configured = replace(CONFIG, targets=Targets(connect_rate=0.5))
    target = {t.metric: t for t in next_targets(HEALTHY, configured)}["connect_rate"]
    assert (target.value, target.configured) == (0.5, True)
    assert (
        describe_target(target, Formatter("zh-CN"))
        == "接通率：目标 50.0%（按考核要求；本期 40.0%，尚差 10.0 个百分点）。"
    )
    assert (
        describe_target(derived["recovery_rate"], Formatter("en"))
        == "Recovery rate: 21.0% (this period 20.0%, plus 1.0 percentage points)."
    )


def test_a_finding_states_both_values_of_its_comparison():
    previous = {**HEALTHY, "connect_rate": 0.30}
    low = {**HEALTHY, "connect_rate": 0.20}
    (finding,) = find_problems(low, previous, None, CONFIG)
    text = describe_finding(finding, Formatter("zh-CN"))
    assert text.problem == "接通率偏低：本期为 20.0%，低于 25.0% 的要求（上期 30.0%）。"
    assert text.plan == "下期接通率达到 25.0%。"
    tw = describe_finding(finding, Formatter("zh-TW"))
    assert tw.problem == "接通率偏低：本期為 20.0%，低於 25.0% 的要求（上期 30.0%）。"
    en = describe_finding(finding, Formatter("en"))
    assert en.problem == (
        "The connect rate is low: 20.0% this period, below the required 25.0% "
        "(previous period 30.0%)."
    )


def test_every_rule_has_words_in_every_language():
    everything = {
        **HEALTHY,
        "lost_contact_accounts": 50,
        "connect_rate": 0.1,
        "rpc_rate": 0.05,
        "ptp_kept_rate": 0.2,
        "recovery_rate_by_bucket": {"M1": 0.3, "M2": 0.01, "M3": 0.12, "M4+": 0.11},
        "complaints": 3,
        "complaints_per_1k_contacts": 3.0,
        "compliance_flags": 4,
        "after_hours_contacts": 1,
        "excess_attempt_days": 2,
        "excess_connected_days": 1,
        "roll_forward_rate": 0.5,
        "contact_coverage": 0.5,
    }
    findings = find_problems(everything, None, None, CONFIG)
    assert len(findings) == 9
    for language in ("zh-CN", "zh-TW", "en"):
        for finding in findings:
            text = describe_finding(finding, Formatter(language))
            for sentence in (text.problem, text.improvement, text.plan):
                assert sentence and not re.search(r"\b(None|nan|inf)\b", sentence)


def test_a_findings_goal_raises_the_plans_target_for_the_same_figure():
    low = {**HEALTHY, "ptp_kept_rate": 0.50}
    findings = find_problems(low, None, None, CONFIG)
    targets = {t.metric: t for t in next_targets(low, CONFIG, findings)}
    assert targets["ptp_kept_rate"].value == 0.60  # not 0.51: the plan has one target per figure
    assert targets["connect_rate"].value == pytest.approx(0.41)


def test_lagging_buckets_make_one_finding_naming_each():
    last_year = {
        **HEALTHY,
        "recovery_rate_by_bucket": {"M1": 0.35, "M2": 0.25, "M3": 0.12, "M4+": 0.11},
    }
    (finding,) = find_problems(HEALTHY, None, last_year, CONFIG)
    assert [b[0] for b in finding.buckets] == ["M1", "M2"]
    text = describe_finding(finding, Formatter("zh-CN"))
    assert text.problem == (
        "M1 和 M2 段回收率不及去年同期：M1 段本期 30.0%，去年同期 35.0%，下降 5.0 个百分点；"
        "M2 段本期 15.0%，去年同期 25.0%，下降 10.0 个百分点。"
    )
    assert text.plan == "下期回收率恢复到去年同期的水平：M1 段 35.0%，M2 段 25.0%。"


def test_complaints_rising_from_none_plans_for_none():
    now = {**HEALTHY, "complaints": 1, "complaints_per_1k_contacts": 0.25}
    (finding,) = find_problems(now, HEALTHY, None, CONFIG)
    assert finding.code == "complaints_rising"
    assert describe_finding(finding, Formatter("zh-CN")).plan == "下期不发生投诉。"
    assert describe_finding(finding, Formatter("en")).problem == (
        "The complaint rate rose from 0.00 to 0.25 per thousand contacts "
        "(1 complaint over 1,000 contacts this period)."
    )


def test_a_configured_target_shows_this_periods_figure_and_says_when_it_is_met():
    met = replace(CONFIG, targets=Targets(recovery_rate=0.20))
    now = {**HEALTHY, "recovery_rate": 0.258}
    (target,) = [t for t in next_targets(now, met) if t.metric == "recovery_rate"]
    assert describe_target(target, Formatter("zh-CN")) == (
        "回收率：目标 20.0%（按考核要求；本期 25.8%，已达到）。"
    )
    assert describe_target(target, Formatter("en")) == (
        "Recovery rate: 20.0% (the set target; this period 25.8%, already met)."
    )
    # Met as printed: 19.96% prints as 20.0%, so it is not "0.0 points short".
    close = Target("recovery_rate", 0.20, 0.1996, True)
    assert "已达到" in describe_target(close, Formatter("zh-CN"))
    unknown = Target("recovery_rate", 0.20, None, True)
    assert describe_target(unknown, Formatter("zh-CN")) == (
        "回收率：目标 20.0%（按考核要求；本期该项无法计算）。"
    )


def test_a_derived_targets_step_is_the_difference_of_the_printed_figures():
    # 20.04% → 21.04%: printed 20.0% and 21.0%, a step of 1.0 point.
    target = Target("recovery_rate", 0.2104, 0.2004, False)
    assert describe_target(target, Formatter("en")) == (
        "Recovery rate: 21.0% (this period 20.0%, plus 1.0 percentage points)."
    )


@pytest.mark.parametrize(
    ("before", "now", "fires"),
    [
        (0.11, 0.12, False),  # a rise too small to mean anything
        (0.10, 0.19, False),
        (0.10, 0.20, True),  # exactly the default minimum rise of 0.10
        (0.20, 0.45, True),
        (0.45, 0.40, False),
    ],
)
def test_complaints_rising_needs_the_configured_minimum_rise(before, now, fires):
    current = {**HEALTHY, "complaints": 1, "complaints_per_1k_contacts": now}
    previous = {**HEALTHY, "complaints_per_1k_contacts": before}
    assert (codes(current, previous=previous) == ["complaints_rising"]) is fires


def test_the_minimum_complaint_rise_comes_from_configuration():
    current = {**HEALTHY, "complaints": 1, "complaints_per_1k_contacts": 0.12}
    previous = {**HEALTHY, "complaints_per_1k_contacts": 0.11}
    any_rise = replace(CONFIG, findings=replace(CONFIG.findings, complaints_rise_per_1k=0.0))
    assert codes(current, previous=previous, config=any_rise) == ["complaints_rising"]
    assert codes(previous, previous=previous, config=any_rise) == []
