"""Reports without data, and figures that follow the definitions but puzzle a reader.

Item 2 of "What a newcomer tripped on": a collector on the roster with no accounts and
no activity in the period (hired after it, say) gets a report that says so, draws no
chart, praises nothing, and the command tells stderr. Item 9: a sentence says why when
most of the recovery is under "other", and when a team's rate is above every member's.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from hostile.corpus import PERIOD, read_rows, run, spoil_rows, tiny_source
from reportgen.config import Config
from reportgen.data.load import load_source
from reportgen.metrics import MetricsEngine
from reportgen.narrative.formatting import Formatter
from reportgen.periods import parse_period
from reportgen.render.chart_specs import chart_specs
from reportgen.render.context import build_context
from reportgen.render.model import build_report_models, holds_no_data
from reportgen.scope import Scope
from section_headings import SECTION_HEADINGS

LANGUAGES = ("zh-CN", "zh-TW", "en")
NEWCOMER = ["C009", "新人", "T01", "催收一组", "韩欣", "2025-01-15"]

# Sentences a report must not say about a scope it has no data for.
PRAISE = {
    "zh-CN": ("未发现合规问题", "没有显示出需要特别关注的问题", "继续保持现有做法"),
    "zh-TW": ("未發現合規問題", "沒有顯示出需要特別關注的問題", "繼續保持現有做法"),
    "en": (
        "no compliance flags",
        "show no problem that needs particular attention",
        "the present way of working continues",
    ),
}
JOINED_AFTER = {
    "zh-CN": "我于2025年1月15日入职，晚于本期结束：本期我名下没有逾期账户",
    "zh-TW": "我於2025年1月15日入職，晚於本期結束：本期我名下沒有逾期帳戶",
    "en": "I joined on January 15, 2025, after this period ended: I held no overdue accounts",
}
NO_ACCOUNTS_TEAM = {
    "zh-CN": "本团队共有催收员 1 名，本期名下均没有逾期账户",
    "zh-TW": "本團隊共有催收員 1 名，本期名下均沒有逾期帳戶",
    "en": "The team has 1 collector; none of them held an overdue account in this period",
}
OTHER_SENTENCE = {
    "zh-CN": "来自期初未逾期或不在册的账户",
    "zh-TW": "來自期初未逾期或不在冊的帳戶",
    "en": "of the amount recovered came from accounts that were not overdue",
}
ABOVE_TEAM = {
    "zh-CN": "高于每一位组员，是因为期内在组员之间转手的账户",
    "zh-TW": "高於每一位組員，是因為期內在組員之間轉手的帳戶",
    "en": "is above every member's because an account that moved between members",
}
ABOVE_ALL = {
    "zh-CN": "高于每一位催收员，是因为期内在催收员之间转手的账户",
    "zh-TW": "高於每一位催收員，是因為期內在催收員之間轉手的帳戶",
    "en": "is above every collector's because an account that moved between collectors",
}


def _with_roster_row(folder: Path, row: list[str]) -> Path:
    source = tiny_source(folder)
    spoil_rows(source, "collectors", lambda rows: [*rows, row])
    return source


def _report(source: Path, out: Path, language: str, *scope: str, period: str = PERIOD):
    result = run(
        "report", source, "--period", period, *scope, "--lang", language,
        "--format", "md", "--out", out,
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    (markdown,) = out.glob("*.md")
    return result, markdown


def _assert_says_nothing_it_cannot_see(markdown: Path, language: str) -> str:
    text = markdown.read_text(encoding="utf-8")
    for praise in PRAISE[language]:
        assert praise not in text, praise
    assert "![" not in text
    assert not list(markdown.parent.glob("*_files"))
    # Six sections, each present though there is nothing to report.
    headings = [line[3:] for line in text.splitlines() if line.startswith("## ")]
    assert headings == SECTION_HEADINGS[language]
    return text


# --- Item 2: no data -----------------------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_collector_hired_after_the_period_gets_a_plain_report_and_a_note(tmp_path, language):
    source = _with_roster_row(tmp_path / "src", NEWCOMER)
    result, markdown = _report(source, tmp_path / "out", language, "--collector", "C009")
    text = _assert_says_nothing_it_cannot_see(markdown, language)
    assert JOINED_AFTER[language] in text
    assert result.stderr.strip() == (
        "note: C009 held no accounts and made no contacts or payments in 2024-12 "
        "(joined 2025-01-15); the report says so"
    )
    assert "note:" not in result.stdout


def test_a_collector_hired_inside_the_period_is_said_to_have_joined_in_it(tmp_path):
    row = [*NEWCOMER[:5], "2024-12-10"]
    source = _with_roster_row(tmp_path / "src", row)
    result, markdown = _report(source, tmp_path / "out", "en", "--collector", "C009")
    text = _assert_says_nothing_it_cannot_see(markdown, "en")
    assert "I joined on December 10, 2024, during this period, and held no overdue accounts" in (
        text
    )
    assert "(joined 2024-12-10)" in result.stderr


def test_a_collector_long_on_the_roster_with_no_accounts_is_not_said_to_be_new(tmp_path):
    row = [*NEWCOMER[:5], "2020-03-01"]
    source = _with_roster_row(tmp_path / "src", row)
    result, markdown = _report(source, tmp_path / "out", "zh-CN", "--collector", "C009")
    text = _assert_says_nothing_it_cannot_see(markdown, "zh-CN")
    assert "入职" not in text
    assert "本期我名下没有逾期账户" in text
    assert "joined" not in result.stderr
    assert "C009 held no accounts" in result.stderr


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_team_whose_members_have_no_data_says_so(tmp_path, language):
    row = ["C009", "新人", "T09", "催收九组", "韩欣", "2025-01-15"]
    source = _with_roster_row(tmp_path / "src", row)
    result, markdown = _report(source, tmp_path / "out", language, "--team", "T09")
    text = _assert_says_nothing_it_cannot_see(markdown, language)
    assert NO_ACCOUNTS_TEAM[language] in text
    assert "|" not in text  # no members' table of zeros
    assert "note: team T09: no member held accounts" in result.stderr


def test_a_collector_with_data_gets_no_note_and_keeps_charts(tmp_path):
    source = _with_roster_row(tmp_path / "src", NEWCOMER)
    result, markdown = _report(source, tmp_path / "out", "en", "--collector", "C001")
    assert "note:" not in result.stderr
    assert "![" in markdown.read_text(encoding="utf-8")


def test_the_archive_summary_names_the_reports_without_data(tmp_path):
    source = _with_roster_row(tmp_path / "src", NEWCOMER)
    result = run(
        "archive", source, "--period", PERIOD, "--out", tmp_path / "archive",
        "--format", "md", "--jobs", "1",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "reports with no data for the period (written; each says so):" in result.stderr
    assert (
        "  C009 held no accounts and made no contacts or payments in 2024-12 (joined 2025-01-15)"
    ) in result.stderr.splitlines()
    # Its team and the centre have data through the other members: not listed.
    assert "team T01" not in result.stderr
    (report,) = (tmp_path / "archive").rglob("C009_2024-12_zh-CN.md")
    _assert_says_nothing_it_cannot_see(report, "zh-CN")


@pytest.fixture(scope="module")
def year_source(tmp_path_factory) -> Path:
    """Thirteen snapshots (2023-12..2024-12), so 2024 is a year-end review."""
    from reportgen.data.sample import SampleSpec, write_sample_data

    folder = tmp_path_factory.mktemp("year") / "src"
    spec = SampleSpec(collectors=2, teams=1, accounts=60, months=12, end="2024-12", seed=5)
    write_sample_data(folder, spec, force=False)
    spoil_rows(folder, "collectors", lambda rows: [*rows, NEWCOMER])
    return folder


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_year_end_review_without_data_says_so_in_every_section(year_source, tmp_path, language):
    result, markdown = _report(
        year_source, tmp_path / "out", language, "--collector", "C009", period="2024"
    )
    text = _assert_says_nothing_it_cannot_see(markdown, language)
    assert {"zh-CN": "晚于本年度结束", "zh-TW": "晚於本年度結束", "en": "after this year ended"}[
        language
    ] in text
    # The review's own additions (months, last year, quality record) need data too.
    assert "###" not in text
    assert "(joined 2025-01-15)" in result.stderr


def test_no_data_is_one_definition_on_the_model():
    empty = {"opening_accounts": 0, "new_accounts": 0, "contacts": 0, "recovered_amount": 0.0}
    assert holds_no_data(empty)
    # A table that is absent (None) holds nothing for the scope either.
    assert holds_no_data({**empty, "contacts": None, "recovered_amount": None})
    assert not holds_no_data({**empty, "new_accounts": 1})
    assert not holds_no_data({**empty, "contacts": 3})  # contacts on others' accounts
    assert not holds_no_data({**empty, "recovered_amount": 10.0})
    assert not holds_no_data({**empty, "complaints": 1})


# --- Item 9: figures that surprise ------------------------------------------------------


def _moved_source(folder: Path) -> Path:
    """Every account changes hands (C001 ↔ C002) at the end of the period: each member's
    assigned balance then holds the other's book too, the team's holds it once."""
    source = tiny_source(folder)
    swap = {"C001": "C002", "C002": "C001"}
    spoil_rows(
        source,
        "accounts",
        lambda rows: (
            [rows[0]]
            + [[r[0], r[1], swap[r[2]] if r[0] == PERIOD else r[2], *r[3:]] for r in rows[1:]]
        ),
    )
    return source


def _other_source(folder: Path) -> Path:
    """Accounts paid in the period are current in the opening snapshot: their recovery is
    under "other"."""
    source = tiny_source(folder)
    paid = {r[1] for r in read_rows(source / "payments.csv")[1:] if r[0].startswith(PERIOD)}
    spoil_rows(
        source,
        "accounts",
        lambda rows: (
            [rows[0]]
            + [
                [r[0], r[1], r[2], "0" if r[0] == "2024-11" and r[1] in paid else r[3], *r[4:]]
                for r in rows[1:]
            ]
        ),
    )
    return source


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_team_rate_above_every_member_is_explained(tmp_path, language):
    moved = _moved_source(tmp_path / "moved")
    _, team = _report(moved, tmp_path / "team", language, "--team", "T01")
    _, everyone = _report(moved, tmp_path / "all", language, "--all")
    assert ABOVE_TEAM[language] in team.read_text(encoding="utf-8")
    assert ABOVE_ALL[language] in everyone.read_text(encoding="utf-8")

    plain = tiny_source(tmp_path / "plain")
    _, team = _report(plain, tmp_path / "plain-team", language, "--team", "T01")
    assert ABOVE_TEAM[language] not in team.read_text(encoding="utf-8")


@pytest.mark.parametrize("language", LANGUAGES)
def test_recovery_mostly_outside_the_opening_buckets_is_explained(tmp_path, language):
    _, other = _report(
        _other_source(tmp_path / "other"), tmp_path / "o", language, "--collector", "C001"
    )
    text = other.read_text(encoding="utf-8")
    assert OTHER_SENTENCE[language] in text
    assert "100.0%" in text.split(OTHER_SENTENCE[language])[0].splitlines()[-1]

    _, plain = _report(
        tiny_source(tmp_path / "plain"), tmp_path / "p", language, "--collector", "C001"
    )
    assert OTHER_SENTENCE[language] not in plain.read_text(encoding="utf-8")


def _models(source: Path, *scopes: Scope):
    config = Config()
    engine = MetricsEngine(load_source(source, config), config)
    return build_report_models(engine, parse_period(PERIOD), list(scopes), config)


def test_the_conditions_are_computed_in_python_and_guarded(tmp_path):
    (team,) = _models(_moved_source(tmp_path / "moved"), Scope.team("T01"))
    fmt = Formatter("en", "CNY")
    assert build_context(team, fmt, None, {})["above_members"] is True
    # A member who recovered money with no balance to collect has no rate: the scope's
    # rate could then exceed the others' without any account counted twice, so no claim.
    first, *rest = team.members
    figures = {**first.figures, "recovery_rate": None}
    odd = dataclasses.replace(team, members=(dataclasses.replace(first, figures=figures), *rest))
    assert build_context(odd, fmt, None, {})["above_members"] is False

    (collector,) = _models(_other_source(tmp_path / "other"), Scope.collector("C001"))
    context = build_context(collector, fmt, None, {})
    assert context["mostly_other"] is True
    assert context["other_share"] == pytest.approx(1.0)


def test_a_no_data_model_has_no_charts(tmp_path):
    source = _with_roster_row(tmp_path / "src", NEWCOMER)
    (model,) = _models(source, Scope.collector("C009"))
    assert model.no_data
    assert model.joined == "after"
    assert model.scope.hired_on == "2025-01-15"
    assert chart_specs(model, "en") == {}
