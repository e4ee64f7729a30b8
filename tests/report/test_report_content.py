"""What a report says, checked against figures worked out by hand (see conftest.py)."""

from __future__ import annotations

import re

import pytest

from reportgen.metrics import MetricsEngine
from reportgen.narrative.formatting import Formatter
from reportgen.periods import parse_period
from reportgen.render.model import build_report_models
from reportgen.render.notes import parse_notes
from reportgen.render.report import Renderer, ReportOptions
from reportgen.scope import Scope
from section_headings import SECTION_HEADINGS

SECTIONS = SECTION_HEADINGS
SCOPES = [Scope.collector("C001"), Scope.team("T01"), Scope.everyone()]
# C003 made no contact and recovered nothing: every sentence must still make sense.
QUIET = Scope.collector("C003")


def render(dataset, config, scope, language="zh-CN", notes=None, period="2024-09", draw=False):
    """Model and Markdown; charts are drawn only where a test looks at them (drawing is slow)."""
    engine = MetricsEngine(dataset, config)
    (model,) = build_report_models(engine, parse_period(period), [scope], config)
    renderer = Renderer(config, ReportOptions.build(language, "md"))
    markdown, images = renderer.render_markdown(model, notes, draw_charts=draw)
    return model, markdown, images


def section(markdown: str, heading: str) -> str:
    """The text of one '## ' section, without its heading."""
    start = markdown.index(f"## {heading}\n") + len(heading) + 4
    following = markdown.find("\n## ", start)
    return markdown[start : following if following >= 0 else None]


def test_collector_month_in_simplified_chinese_states_the_hand_computed_figures(dataset, config):
    _model, md, images = render(dataset, config, Scope.collector("C001"), draw=True)
    assert md.startswith("# 张三（C001）2024年9月催收工作总结\n")
    overview = section(md, "一、工作概况")
    assert "期初共 2 户，逾期余额 3,000.00 元" in overview
    assert "新增逾期账户 1 户，余额 150,000.00 元（15.00 万元）" in overview
    assert "需催收余额合计 153,000.00 元（15.30 万元）" in overview
    assert "本期共联络 5 次（电话 4 次、短信 1 次）" in overview
    results = section(md, "二、工作成果")
    # 2,234.56 against August's 200.00: +1,017.28%; rate 2,234.56/153,000 = 1.46% against
    # 200/3,000 = 6.67%, down 5.21 points; no 2023-09 snapshot, so no year-ago comparison.
    assert (
        "本期回收金额 2,234.56 元，上期（2024年8月）为 200.00 元，增长 1,017.3%。"
        "回收率（回收金额 ÷ 需催收余额）为 1.5%，上期（2024年8月）为 6.7%，下降 5.2 个百分点。"
        "去年同期（2023年9月）不在数据范围内，无法与去年同期比较。"
    ) in results
    assert "| 短信 | 1,234.56 | 55.2% |" in results
    assert "| 电话 | 1,000.00 | 44.8% |" in results
    assert "| 合计 | 2,234.56 | 100.0% |" in results
    assert "本期收到投诉 1 件，其中经核实成立 1 件，每千次联络投诉 200.00 件。" in results
    problems = section(md, "四、问题与挑战")
    assert "本期联络的 3 户中有 1 户始终未能联系到本人且号码无效，占 33.3%" in problems
    assert "![期初与期末各账龄段余额](C001_2024-09_zh-CN_files/book-by-bucket.svg)" in md
    assert set(images) == {
        "C001_2024-09_zh-CN_files/book-by-bucket.svg",
        "C001_2024-09_zh-CN_files/recovery-by-channel.svg",
        "C001_2024-09_zh-CN_files/recovery-by-bucket.svg",
    }
    assert all(svg.startswith(b"<svg") for svg in images.values())


@pytest.mark.parametrize("language", ["zh-CN", "zh-TW", "en"])
@pytest.mark.parametrize("scope", SCOPES, ids=lambda s: s.kind)
def test_every_headline_figure_is_the_metric_formatted(dataset, config, scope, language):
    model, md, _ = render(dataset, config, scope, language)
    fmt = Formatter(language)
    m = model.metrics
    for key in ("recovered_amount", "opening_balance", "assigned_balance", "closing_balance"):
        assert fmt.money(m[key]) in md, key
    for key in ("recovery_rate", "connect_rate", "rpc_rate", "cure_rate", "roll_forward_rate"):
        assert fmt.pct(m[key]) in md, key
    for key in ("opening_accounts", "contacts", "calls", "complaints"):
        assert fmt.count(m[key]) in md, key


@pytest.mark.parametrize("language", ["zh-CN", "zh-TW", "en"])
@pytest.mark.parametrize("scope", [*SCOPES, QUIET], ids=lambda s: f"{s.kind}-{s.id}")
def test_six_sections_in_order_and_nothing_unfilled(dataset, config, scope, language):
    _, md, _ = render(dataset, config, scope, language)
    headings = re.findall(r"^## (.+)$", md, flags=re.M)
    assert headings == SECTIONS[language]
    assert_clean(md)


def assert_clean(md: str) -> None:
    """No unfilled or meaningless output: nan, None, inf, xxx, an empty section."""
    assert not re.search(r"\b(nan|NaN|None|inf|xxx|XXX)\b", md)
    lines = md.splitlines()
    for i, line in enumerate(lines):
        if line.startswith("#"):
            following = next((x for x in lines[i + 1 :] if x.strip()), "")
            assert following and not following.startswith("## "), f"empty section: {line}"
            if line.startswith("### "):
                assert not following.startswith("#"), f"empty subsection: {line}"
    assert "\n\n\n" not in md
    assert md.endswith("\n") and not md.endswith("\n\n")


def test_team_report_ranks_members_and_names_who_moved(dataset, config):
    _, md, _ = render(dataset, config, Scope.team("T01"))
    results = section(md, "二、工作成果")
    assert "| 1 | 张三（C001） | 2,234.56 | 1.5% |" in results
    assert "| 2 | 王五（C002） | 300.00 | 10.0% |" in results
    # C002: August 0 of 3,000 recovered, September 300 of 3,000: +10 points.
    assert "回收率提升最多的是王五（C002），由 0.0% 升至 10.0%，上升 10.0 个百分点。" in results
    assert "回收率下滑最多的是张三（C001），由 6.7% 降至 1.5%，下降 5.2 个百分点。" in results
    assert "![组员回收金额](team-T01_2024-09_zh-CN_files/members.svg)" in results


def test_member_names_cannot_break_the_table(dataset, config):
    _, md, _ = render(dataset, config, Scope.everyone(), "en")
    assert r"| 3 | Zhao\|\*Li\* (C003) | 0.00 | 0.0% |" in md


def test_first_period_says_there_is_no_comparison(dataset, config):
    _, md, _ = render(dataset, config, Scope.collector("C001"), "en", period="2024-08")
    assert "The data does not cover the previous period (July 2024)" in md
    assert "The data does not cover the same period last year (August 2023)" in md
    # arrangements and complaints start in September: present, but not covering August
    for table in ("arrangements", "complaints"):
        assert (
            f"The {table} table does not cover every month of this period, "
            "so these figures cannot be shown."
        ) in md
    assert_clean(md)


@pytest.mark.parametrize("language", ["zh-CN", "en"])
def test_a_source_without_contacts_says_what_it_cannot_show(make_dataset, config, language):
    dataset = make_dataset(contacts=False)
    model, md, _ = render(dataset, config, Scope.collector("C001"), language)
    assert model.metrics["contacts"] is None
    sentence = {
        "zh-CN": "数据源中没有联络记录（contacts），无法给出这部分数据。",
        "en": "The data source has no contacts table, so these figures cannot be shown.",
    }[language]
    assert sentence in section(md, SECTIONS[language][0])
    assert sentence in section(md, SECTIONS[language][2])
    assert "接通率" not in section(md, "三、工作方法与策略") if language == "zh-CN" else True
    assert_clean(md)


def test_a_source_without_payments_says_what_it_cannot_show(make_dataset, config):
    dataset = make_dataset(payments=False)
    model, md, images = render(dataset, config, Scope.collector("C001"), draw=True)
    assert model.metrics["recovered_amount"] is None
    results = section(md, "二、工作成果")
    assert "数据源中没有还款记录（payments），无法给出这部分数据。" in results
    assert "本期回收金额" not in results
    assert "判断是否兑现需要还款记录" in results
    assert set(images) == {"C001_2024-09_zh-CN_files/book-by-bucket.svg"}
    assert_clean(md)


def test_notes_appear_in_their_sections_beside_the_data(dataset, config):
    notes = parse_notes(
        "overview:\n  - 九月中旬起接手了两名离职同事的部分账户。\n"
        "problems:\n  - A2 客户失业，还款能力下降。\n"
        "plans: 十月起每周复盘一次承诺还款。\n"
    )
    _, md, _ = render(dataset, config, Scope.collector("C001"), notes=notes)
    assert "九月中旬起接手了两名离职同事的部分账户。" in section(md, "一、工作概况")
    problems = section(md, "四、问题与挑战")
    assert "A2 客户失业，还款能力下降。" in problems
    assert "1. 失联客户较多" in problems  # the data's findings stay
    assert "十月起每周复盘一次承诺还款。" in section(md, "六、未来工作计划")
    assert "A2 客户失业" not in section(md, "五、改进措施")


def test_renderer_notes_override_the_options_notes(dataset, config):
    engine = MetricsEngine(dataset, config)
    (model,) = build_report_models(
        engine, parse_period("2024-09"), [Scope.collector("C001")], config
    )
    options = ReportOptions(
        language="en", formats=("md",), notes=parse_notes("results: [from options]")
    )
    renderer = Renderer(config, options)
    assert "from options" in renderer.render(model).files["C001_2024-09_en.md"].decode()
    other = renderer.render(model, parse_notes("results: [per collector]")).files
    text = other["C001_2024-09_en.md"].decode()
    assert "per collector" in text and "from options" not in text


def test_rendering_twice_gives_identical_bytes(dataset, config):
    engine = MetricsEngine(dataset, config)
    (model,) = build_report_models(engine, parse_period("2024-09"), [Scope.team("T01")], config)
    renderer = Renderer(config, ReportOptions.build("zh-TW", "md"))
    first, second = renderer.render(model), renderer.render(model)
    assert first.files == second.files
    # Names are shown as the roster spells them; only the report's own words are converted.
    assert first.title == "一组團隊2024年9月催收工作報告"
    assert first.key_figures["recovered_amount"] == pytest.approx(2534.56)


@pytest.mark.parametrize("language", ["zh-CN", "zh-TW", "en"])
def test_a_scope_without_activity_says_so_in_one_line(dataset, config, language):
    _, md, _ = render(dataset, config, QUIET, language)
    no_contacts = {
        "zh-CN": "本期没有联络记录。",
        "zh-TW": "本期沒有聯絡記錄。",
        "en": "No contacts were made in the period.",
    }
    assert md.count(no_contacts[language]) == 2  # overview and methods
    assert "（）" not in md and "()" not in md


def test_notes_cannot_start_a_heading_or_table(dataset, config):
    notes = parse_notes("problems:\n  - '# 不是标题'\n  - '| 不是表格'\n")
    _, md, _ = render(dataset, config, Scope.collector("C001"), notes=notes)
    assert "\n\\# 不是标题\n" in md and "\n\\| 不是表格\n" in md
    assert re.findall(r"^## (.+)$", md, flags=re.M) == SECTIONS["zh-CN"]


def test_movers_points_change_is_the_difference_of_the_printed_figures(dataset, config):
    """28.06% → 24.54% prints as 28.1% → 24.5%: down 3.6 points, not the raw 3.5."""
    from dataclasses import replace

    from reportgen.render.model import MemberRow

    model, _, _ = render(dataset, config, Scope.team("T01"))
    rows = (
        MemberRow("C001", "张三", {"recovery_rate": 0.2454}, {"recovery_rate": 0.2806}),
        MemberRow("C002", "王五", {"recovery_rate": 0.1046}, {"recovery_rate": 0.0694}),
    )
    renderer = Renderer(config, ReportOptions.build("zh-CN", "md"))
    md, _ = renderer.render_markdown(replace(model, members=rows), draw_charts=False)
    assert "由 28.1% 降至 24.5%，下降 3.6 个百分点" in md
    assert "由 6.9% 升至 10.5%，上升 3.6 个百分点" in md


def test_a_change_too_small_to_print_is_no_mover(dataset, config):
    from dataclasses import replace

    from reportgen.render.model import MemberRow

    model, _, _ = render(dataset, config, Scope.team("T01"))
    rows = (MemberRow("C001", "张三", {"recovery_rate": 0.12341}, {"recovery_rate": 0.12349}),)
    renderer = Renderer(config, ReportOptions.build("en", "md"))
    md, _ = renderer.render_markdown(replace(model, members=rows), draw_charts=False)
    assert "slipped most" not in md
    assert "No member's recovery rate changed from the previous period." in md


@pytest.mark.parametrize("language", ["zh-CN", "en"])
def test_a_team_without_payments_does_not_rank_or_claim_no_change(make_dataset, config, language):
    dataset = make_dataset(payments=False)
    _, md, _ = render(dataset, config, Scope.team("T01"), language)
    results = section(md, SECTIONS[language][1])
    if language == "zh-CN":
        assert "按回收金额排名如下" not in results
        assert (
            "无法按回收金额排名：数据源中没有还款记录（payments），无法给出这部分数据。" in results
        )
        assert "没有组员的回收率发生变化" not in results
        assert "组员回收率的进退无从比较：本期没有可用的还款记录。" in results
    else:
        assert "Ranked by amount recovered" not in results
        assert "Members cannot be ranked by amount recovered: The data source has no" in results
        assert "No member's recovery rate changed" not in results
        assert "Who improved or slipped cannot be said" in results
    assert_clean(md)


def test_payments_not_covering_the_period_say_so_in_results_and_problems(dataset, config):
    dataset.payments = dataset.payments[dataset.payments["paid_on"] >= "2024-09-01"]
    _, md, _ = render(dataset, config, Scope.team("T01"), period="2024-08")
    cannot = "还款记录（payments）未覆盖本期的全部月份，无法给出这部分数据。"
    assert f"无法按回收金额排名：{cannot}" in section(md, "二、工作成果")
    assert "没有组员的回收率发生变化" not in md
    assert f"回收与承诺兑现方面的问题无法评估：{cannot}" in section(md, "四、问题与挑战")


@pytest.mark.parametrize("language", ["zh-CN", "en"])
def test_without_payments_the_problems_section_says_recovery_cannot_be_judged(
    make_dataset, config, language
):
    dataset = make_dataset(payments=False)
    _, md, _ = render(dataset, config, Scope.collector("C001"), language)
    problems = section(md, SECTIONS[language][3])
    assert {
        "zh-CN": "回收与承诺兑现方面的问题无法评估：数据源中没有还款记录（payments）",
        "en": "Recovery and promise-keeping problems cannot be judged: The data source has no",
    }[language] in problems


def test_names_with_markdown_characters_are_escaped_in_headings_and_prose(dataset, config):
    # C003 is "Zhao|*Li*" on team 二组.
    _, md, _ = render(dataset, config, Scope.collector("C003"), "en")
    title = md.splitlines()[0]
    assert title == r"# Collection work summary: Zhao\|\*Li\* (C003), September 2024"
    assert "Zhao|*Li*" not in md


def test_word_properties_carry_the_plain_title_and_a_real_subject(dataset, config):
    import io
    import zipfile

    engine = MetricsEngine(dataset, config)
    (model,) = build_report_models(
        engine, parse_period("2024-09"), [Scope.collector("C003")], config
    )
    rendered = Renderer(config, ReportOptions.build("zh-CN", "docx")).render(model)
    assert rendered.title == "Zhao|*Li*（C003）2024年9月催收工作总结"
    docx = rendered.files["C003_2024-09_zh-CN.docx"]
    with zipfile.ZipFile(io.BytesIO(docx)) as archive:
        core = archive.read("docProps/core.xml").decode("utf-8")
        document = archive.read("word/document.xml").decode("utf-8")
    assert "<dc:title>Zhao|*Li*（C003）2024年9月催收工作总结</dc:title>" in core
    assert "<dc:subject>催收工作总结 · 2024年9月</dc:subject>" in core
    assert "Zhao|*Li*" in document and "Zhao\\|" not in document


def test_team_calls_per_day_are_per_person_day(dataset, config):
    _, md, _ = render(dataset, config, Scope.team("T01"))
    assert "个人天" not in md
    assert re.search(r"按有联络记录的 \d+ 人天计，人均每天拨打", md)
