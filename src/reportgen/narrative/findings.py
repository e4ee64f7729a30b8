"""Findings: the problems the data supports, each with its evidence and a remedy.

Rules read a scope's metrics (and the previous and year-ago metrics when
there are any) against the thresholds of ``config.findings`` and yield
:class:`Finding` values: plain data that says which rule fired and on which
figures. The words come later (:mod:`reportgen.narrative.finding_text`), so
one set of findings serves every language. Rules run in a fixed order, so
the same metrics always give the same findings in the same order.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from reportgen.config import Config
from reportgen.narrative.formatting import is_known, printed_number

Metrics = Mapping[str, Any]


@dataclass(frozen=True)
class Finding:
    """One problem found in the figures.

    ``value`` is the scope's figure; ``reference`` what it was judged against
    (a threshold, the previous period's or last year's figure, the overall
    rate); ``previous`` the previous period's figure when there is one, so a
    finding can always state both values of a comparison. ``target`` is the
    figure the plan aims at for the next period.
    """

    code: str
    metric: str
    value: float
    reference: float | None = None
    previous: float | None = None
    target: float | None = None
    detail: str | None = None  # a bucket label, for bucket findings
    counts: tuple[tuple[str, int], ...] = ()  # supporting counts (e.g. compliance breakdown)
    # Bucket findings: (bucket, rate, reference, target) for every lagging bucket.
    buckets: tuple[tuple[str, float, float, float], ...] = ()


@dataclass(frozen=True)
class Target:
    """A target for the next period: configured, or derived from this period's figure."""

    metric: str
    value: float
    current: float | None
    configured: bool


# The four figures every plan sets a target for, and the direction that is better.
TARGET_METRICS = ("recovery_rate", "connect_rate", "ptp_kept_rate", "contact_coverage")


def _get(metrics: Metrics | None, key: str) -> float | None:
    if metrics is None:
        return None
    value = metrics.get(key)
    return value if is_known(value) else None


def target_for(metric: str, current: float | None, config: Config) -> Target | None:
    """The next period's target: ``config.targets.<metric>`` or this figure + improvement_points."""
    configured = getattr(config.targets, metric, None)
    if configured is not None:
        return Target(metric, float(configured), current, True)
    if current is None:
        return None
    step = config.targets.improvement_points
    return Target(metric, min(1.0, current + step), current, False)


def next_targets(
    metrics: Metrics, config: Config, findings: Sequence[Finding] = ()
) -> list[Target]:
    """The next period's targets; a finding's higher goal for the same figure wins,
    so the plan never sets two different targets for one figure."""
    goals = {f.metric: f.target for f in findings if f.target is not None}
    targets = []
    for name in TARGET_METRICS:
        target = target_for(name, _get(metrics, name), config)
        if target is None:
            continue
        goal = goals.get(name)
        if goal is not None and goal > target.value and not target.configured:
            target = Target(name, goal, target.current, False)
        targets.append(target)
    return targets


def _rose_by(now: float, before: float, least: float) -> bool:
    """True when ``now`` exceeds ``before`` by at least ``least``, both as printed (0.01)."""
    rise = printed_number(now) - printed_number(before)
    return rise > 0 and rise >= least - 1e-9


def find_problems(
    metrics: Metrics,
    previous: Metrics | None,
    year_ago: Metrics | None,
    config: Config,
) -> list[Finding]:
    """Every finding the figures support, in a fixed order."""
    rules = config.findings
    step = config.targets.improvement_points
    found: list[Finding] = []

    # Lost contact (失联): attempted, never reached, a number found invalid.
    lost = _get(metrics, "lost_contact_accounts")
    attempted = _get(metrics, "accounts_attempted")
    if lost and attempted:
        share = lost / attempted
        if share >= rules.lost_contact_share:
            found.append(
                Finding(
                    "lost_contact",
                    "lost_contact_accounts",
                    share,
                    rules.lost_contact_share,
                    target=rules.lost_contact_share,
                    counts=(("lost", int(lost)), ("attempted", int(attempted))),
                )
            )

    # Connect and right-party rates: below the floor, or else falling.
    for metric, floor in (
        ("connect_rate", rules.connect_rate_min),
        ("rpc_rate", rules.rpc_rate_min),
    ):
        value, before = _get(metrics, metric), _get(previous, metric)
        if value is None:
            continue
        target = target_for(metric, value, config)
        goal = max(floor, target.value) if target else floor
        if value < floor:
            found.append(Finding(f"{metric}_low", metric, value, floor, before, goal))
        elif before is not None and before - value >= rules.rate_drop_points - 1e-12:
            found.append(Finding(f"{metric}_falling", metric, value, before, before, before))

    # Promises kept.
    kept = _get(metrics, "ptp_kept_rate")
    if kept is not None and kept < rules.ptp_kept_rate_min:
        target = target_for("ptp_kept_rate", kept, config)
        goal = max(rules.ptp_kept_rate_min, target.value) if target else rules.ptp_kept_rate_min
        found.append(
            Finding(
                "ptp_kept_low",
                "ptp_kept_rate",
                kept,
                rules.ptp_kept_rate_min,
                _get(previous, "ptp_kept_rate"),
                goal,
                counts=(
                    ("kept", int(_get(metrics, "promises_kept") or 0)),
                    ("due", int(_get(metrics, "promises_due") or 0)),
                ),
            )
        )

    # Buckets whose recovery lags the overall rate, or last year's rate for the bucket.
    overall = _get(metrics, "recovery_rate")
    by_bucket = metrics.get("recovery_rate_by_bucket") or {}
    year_ago_by_bucket = (year_ago or {}).get("recovery_rate_by_bucket") or {}
    lagging_others: list[tuple[str, float, float, float]] = []
    lagging_last_year: list[tuple[str, float, float, float]] = []
    for bucket in config.buckets.labels:
        rate = by_bucket.get(bucket)
        if not is_known(rate):
            continue
        last_year = year_ago_by_bucket.get(bucket)
        if overall and rate < overall * rules.bucket_lag_ratio:
            lagging_others.append((bucket, rate, overall, min(1.0, rate + step)))
        elif is_known(last_year) and last_year - rate >= rules.rate_drop_points - 1e-12:
            lagging_last_year.append((bucket, rate, last_year, last_year))
    # One finding per kind of lag, naming every bucket, so the remedy is said once.
    for code, lagging in (
        ("bucket_lags_others", lagging_others),
        ("bucket_lags_last_year", lagging_last_year),
    ):
        if lagging:
            _bucket, rate, reference, target = lagging[0]
            found.append(
                Finding(
                    code,
                    "recovery_rate_by_bucket",
                    rate,
                    reference,
                    target=target,
                    detail=lagging[0][0],
                    buckets=tuple(lagging),
                )
            )

    # Complaints: above the rate, or else rising.
    per_1k = _get(metrics, "complaints_per_1k_contacts")
    per_1k_before = _get(previous, "complaints_per_1k_contacts")
    complaints = _get(metrics, "complaints")
    if per_1k is not None and complaints:
        counts = (
            ("complaints", int(complaints)),
            ("contacts", int(_get(metrics, "contacts") or 0)),
        )
        if per_1k > rules.complaints_per_1k_max:
            found.append(
                Finding(
                    "complaints_high",
                    "complaints_per_1k_contacts",
                    per_1k,
                    rules.complaints_per_1k_max,
                    per_1k_before,
                    rules.complaints_per_1k_max,
                    counts=counts,
                )
            )
        elif per_1k_before is not None and _rose_by(
            per_1k, per_1k_before, rules.complaints_rise_per_1k
        ):
            found.append(
                Finding(
                    "complaints_rising",
                    "complaints_per_1k_contacts",
                    per_1k,
                    per_1k_before,
                    per_1k_before,
                    per_1k_before,
                    counts=counts,
                )
            )

    # Compliance flags: any at all is worth a line.
    flags = _get(metrics, "compliance_flags")
    if flags:
        found.append(
            Finding(
                "compliance_flags",
                "compliance_flags",
                flags,
                0,
                _get(previous, "compliance_flags"),
                0,
                counts=tuple(
                    (key, int(_get(metrics, key) or 0))
                    for key in (
                        "after_hours_contacts",
                        "excess_attempt_days",
                        "excess_connected_days",
                    )
                ),
            )
        )

    # Roll-forward: above the ceiling, or else rising.
    roll, roll_before = _get(metrics, "roll_forward_rate"), _get(previous, "roll_forward_rate")
    if roll is not None:
        if roll > rules.roll_forward_rate_max:
            found.append(
                Finding(
                    "roll_forward_high",
                    "roll_forward_rate",
                    roll,
                    rules.roll_forward_rate_max,
                    roll_before,
                    rules.roll_forward_rate_max,
                )
            )
        elif roll_before is not None and roll - roll_before >= rules.rate_drop_points - 1e-12:
            found.append(
                Finding(
                    "roll_forward_rising",
                    "roll_forward_rate",
                    roll,
                    roll_before,
                    roll_before,
                    roll_before,
                )
            )

    # Contact coverage of the book.
    coverage = _get(metrics, "contact_coverage")
    if coverage is not None and coverage < rules.contact_coverage_min:
        target = target_for("contact_coverage", coverage, config)
        goal = max(rules.contact_coverage_min, target.value) if target else None
        found.append(
            Finding(
                "coverage_low",
                "contact_coverage",
                coverage,
                rules.contact_coverage_min,
                _get(previous, "contact_coverage"),
                goal,
            )
        )
    return found
