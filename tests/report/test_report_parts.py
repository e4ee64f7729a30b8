"""Small parts of rendering: table escaping, options, output files."""

from __future__ import annotations

import pytest
from markdown_it import MarkdownIt

from reportgen.errors import ReportgenError
from reportgen.metrics import MetricsEngine
from reportgen.periods import parse_period
from reportgen.render.markdown_table import escape_cell, pipe_table
from reportgen.render.model import build_report_models
from reportgen.render.report import Renderer, ReportOptions, parse_formats, tidy_markdown
from reportgen.scope import Scope


def test_cells_with_markdown_characters_stay_one_cell():
    nasty = "A|B *c* _d_ `e` [f](g) <b>h</b> #i"
    table = pipe_table(["name", "n"], [[nasty, "1"]], [False, True])
    assert table.splitlines()[1] == "|---|---:|"
    html = MarkdownIt("commonmark").enable("table").render(table)
    assert html.count("<td") == 2
    assert "A|B *c* _d_ `e` [f](g) &lt;b&gt;h&lt;/b&gt; #i" in html
    assert escape_cell("two\nlines") == "two lines"


def test_a_row_of_the_wrong_width_is_refused():
    with pytest.raises(ValueError):
        pipe_table(["a", "b"], [["1"]], [False, False])


def test_formats_keep_their_order_and_refuse_unknown_names():
    assert parse_formats("docx, md,md") == ("docx", "md")
    assert parse_formats(["md"]) == ("md",)
    for bad in ("html", "", " , "):
        with pytest.raises(ReportgenError, match="format"):
            parse_formats(bad)
    with pytest.raises(ReportgenError, match="unknown language 'fr'"):
        ReportOptions.build("fr", "md")


def test_markdown_is_normalised_to_one_blank_line_between_blocks():
    raw = "# T  \n\n\n\npara one\npara two\n| a |\n|---|\n- x\n- y\n\n\n"
    assert tidy_markdown(raw) == "# T\n\npara one\n\npara two\n\n| a |\n|---|\n\n- x\n- y\n"


def test_word_and_markdown_come_from_one_rendering(dataset, config):
    engine = MetricsEngine(dataset, config)
    (model,) = build_report_models(engine, parse_period("2024-09"), [Scope.team("T01")], config)
    both = Renderer(config, ReportOptions.build("en", "md,docx")).render(model)
    assert sorted(both.files) == [
        "team-T01_2024-09_en.docx",
        "team-T01_2024-09_en.md",
        "team-T01_2024-09_en_files/book-by-bucket.svg",
        "team-T01_2024-09_en_files/members.svg",
        "team-T01_2024-09_en_files/recovery-by-bucket.svg",
        "team-T01_2024-09_en_files/recovery-by-channel.svg",
    ]
    assert both.files["team-T01_2024-09_en.docx"].startswith(b"PK")
    word_only = Renderer(config, ReportOptions.build("en", "docx")).render(model)
    assert list(word_only.files) == ["team-T01_2024-09_en.docx"]
    assert both.title == "Team collection report: 一组, September 2024"
    assert both.key_figures == {
        "recovered_amount": pytest.approx(2534.56),
        "recovery_rate": pytest.approx(2534.56 / 156000),
        "connect_rate": 0.5,
        "ptp_kept_rate": 1.0,
        "contact_coverage": model.metrics["contact_coverage"],
        "complaints": 1,
        "compliance_flags": 1,
    }


def test_models_are_plain_picklable_data(dataset, config):
    import pickle

    engine = MetricsEngine(dataset, config)
    scopes = [Scope.collector("C001"), Scope.team("T01"), Scope.everyone()]
    models = build_report_models(engine, parse_period("2024-09"), scopes, config)
    assert [m.kind for m in models] == ["collector", "team", "team"]
    assert pickle.loads(pickle.dumps(models)) == models
    assert [r.id for r in models[2].members] == ["C001", "C002", "C003"]


def test_chart_specs_carry_the_metrics_in_the_report_language(dataset, config):
    from reportgen.render.chart_specs import chart_specs

    engine = MetricsEngine(dataset, config)
    (model,) = build_report_models(engine, parse_period("2024-09"), [Scope.team("T01")], config)
    specs = chart_specs(model, "zh-TW")
    assert list(specs) == [
        "recovery_by_channel",
        "recovery_by_bucket",
        "book_by_bucket",
        "members",
    ]
    channel = specs["recovery_by_channel"]
    assert channel.categories == ("簡訊", "電話", "外訪")
    assert channel.series == (("回收金額", (1234.56, 1000.0, 300.0)),)
    assert channel.value_axis_label == "回收金額（元）"
    assert specs["recovery_by_bucket"].categories[-1] == "其他（期初未逾期或不在冊）"
    book = specs["book_by_bucket"]
    assert book.series == (
        ("期初", (1000.0, 2000.0, 0.0, 3000.0)),
        ("期末", (150000.0, 0.0, 2000.0, 3000.0)),
    )
    assert specs["members"].categories == ("张三", "王五")


def test_the_organisation_heads_the_report(dataset, config):
    from dataclasses import replace

    from reportgen.config import Organisation

    named = replace(config, organisation=Organisation(name="某银行信用卡中心", currency="CNY"))
    engine = MetricsEngine(dataset, named)
    (model,) = build_report_models(
        engine, parse_period("2024-09"), [Scope.collector("C001")], named
    )
    zh = Renderer(named, ReportOptions.build("zh-CN", "md")).render_markdown(
        model, draw_charts=False
    )
    assert zh[0].splitlines()[2].startswith("**单位**：某银行信用卡中心　**团队**：一组")
    en = Renderer(named, ReportOptions.build("en", "md")).render_markdown(model, draw_charts=False)
    assert en[0].splitlines()[2].startswith("**Organisation:** 某银行信用卡中心 · **Team:** 一组")
