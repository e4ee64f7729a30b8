"""User templates: one block overridden, the sandbox holding, clear errors."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from reportgen.errors import TemplateError
from reportgen.metrics import MetricsEngine
from reportgen.periods import parse_period
from reportgen.render.model import build_report_models
from reportgen.render.report import Renderer, ReportOptions
from reportgen.resources import templates_dir
from reportgen.scope import Scope


@pytest.fixture
def model(dataset, config):
    engine = MetricsEngine(dataset, config)
    (model,) = build_report_models(
        engine, parse_period("2024-09"), [Scope.collector("C001")], config
    )
    return model


def render(model, config, templates: Path | None = None, language: str = "zh-CN") -> str:
    options = ReportOptions.build(language, "md", templates_dir=templates)
    return Renderer(config, options).render_markdown(model, draw_charts=False)[0]


def sections(markdown: str) -> dict[str, str]:
    parts = re.split(r"^## (.+)$", markdown, flags=re.M)
    return dict(zip(parts[1::2], parts[2::2], strict=True)) | {"(head)": parts[0]}


def write(folder: Path, language: str, name: str, text: str) -> Path:
    (folder / language).mkdir(parents=True, exist_ok=True)
    path = folder / language / name
    path.write_text(text, encoding="utf-8")
    return path


def test_overriding_one_block_changes_only_that_section(model, config, tmp_path):
    write(
        tmp_path,
        "zh-CN",
        "base.md.j2",
        '{% extends "builtin/base.md.j2" %}\n'
        "{% block plans %}\n"
        "下期回收目标由部门统一下达：{{ m.recovered_amount|money }} 的 1.2 倍。\n"
        "{% endblock %}\n",
    )
    default, custom = sections(render(model, config)), sections(render(model, config, tmp_path))
    assert list(default) == list(custom)
    changed = [name for name in default if default[name] != custom[name]]
    assert changed == ["六、未来工作计划"]
    assert (
        custom["六、未来工作计划"].strip() == "下期回收目标由部门统一下达：2,234.56 元 的 1.2 倍。"
    )


def test_a_kind_template_can_extend_its_builtin_twin(model, config, tmp_path):
    write(
        tmp_path,
        "en",
        "collector.md.j2",
        '{% extends "builtin/collector.md.j2" %}\n'
        "{% block title %}Monthly review — {{ scope.name }}{% endblock %}\n",
    )
    text = render(model, config, tmp_path, "en")
    assert text.startswith("# Monthly review — 张三\n")
    assert sections(text)["2. Results"] == sections(render(model, config, None, "en"))["2. Results"]


def test_other_languages_keep_the_builtin_templates(model, config, tmp_path):
    write(tmp_path, "en", "collector.md.j2", "# only english is replaced\n")
    assert render(model, config, tmp_path, "zh-CN") == render(model, config, None, "zh-CN")


@pytest.mark.parametrize(
    "body",
    [
        "{{ ''.__class__.__mro__ }}",
        "{{ m.__class__.__subclasses__() }}",
        "{{ compare.__globals__ }}",
        "{{ label.__code__ }}",
        "{{ range.__self__ }}",
    ],
)
def test_templates_cannot_reach_python_internals(model, config, tmp_path, body):
    path = write(tmp_path, "zh-CN", "collector.md.j2", f"# title\n\n{body}\n")
    with pytest.raises(TemplateError) as caught:
        render(model, config, tmp_path)
    message = str(caught.value)
    assert str(path) in message and "line 3" in message
    assert "not allowed" in message or "unknown variable" in message


@pytest.mark.parametrize(
    "target", ["/etc/passwd", "../../../../../../etc/passwd", "../zh-TW/base.md.j2"]
)
def test_templates_cannot_read_files_outside_the_search_path(model, config, tmp_path, target):
    write(tmp_path, "zh-CN", "collector.md.j2", f'# title\n{{% include "{target}" %}}\n')
    with pytest.raises(TemplateError, match="not found"):
        render(model, config, tmp_path)


def test_an_unknown_variable_names_template_line_and_variable(model, config, tmp_path):
    path = write(
        tmp_path,
        "zh-CN",
        "base.md.j2",
        '{% extends "builtin/base.md.j2" %}\n{% block methods %}\n方法\n\n'
        "{{ m.recoverd_amount|money }}\n{% endblock %}\n",
    )
    with pytest.raises(TemplateError) as caught:
        render(model, config, tmp_path)
    message = str(caught.value)
    assert message.startswith(f"{path}, line 5: unknown variable 'recoverd_amount'")


def test_a_syntax_error_names_template_and_line(model, config, tmp_path):
    path = write(tmp_path, "zh-CN", "collector.md.j2", "# t\n\n{% if m.contacts %}\nno end\n")
    with pytest.raises(TemplateError) as caught:
        render(model, config, tmp_path)
    assert str(caught.value).startswith(f"{path}, line 4: template syntax error")


def test_builtin_templates_exist_for_every_language_and_kind():
    for language in ("zh-CN", "zh-TW", "en"):
        names = {p.name for p in (templates_dir() / language).glob("*.md.j2")}
        assert {"base.md.j2", "collector.md.j2", "team.md.j2", "review.md.j2"} <= names
        base = (templates_dir() / language / "base.md.j2").read_text(encoding="utf-8")
        blocks = re.findall(r"{% block (\w+) %}", base)
        order = [
            b
            for b in blocks
            if b in {"overview", "results", "methods", "problems", "improvements", "plans"}
        ]
        assert order == ["overview", "results", "methods", "problems", "improvements", "plans"]


def test_traditional_templates_are_the_reviewed_conversion_of_the_simplified_ones():
    """Regenerate with: python -m reportgen.narrative.chinese templates/zh-CN templates/zh-TW"""
    from reportgen.narrative.chinese import traditional_template

    for simplified in (templates_dir() / "zh-CN").glob("*.j2"):
        traditional = templates_dir() / "zh-TW" / simplified.name
        expected = traditional_template(simplified.read_text(encoding="utf-8"))
        assert traditional.read_text(encoding="utf-8") == expected, simplified.name


def test_traditional_templates_use_taiwan_wording():
    text = "".join(
        p.read_text(encoding="utf-8") for p in (templates_dir() / "zh-TW").glob("*.md.j2")
    )
    for mainland in ("账户", "帐户", "渠道", "信息", "质量", "数据"):
        assert mainland not in text
    for taiwan in ("帳戶", "管道", "資料"):
        assert taiwan in text


@pytest.mark.parametrize(
    ("body", "error"),
    [("{{ 1 / 0 }}", "ZeroDivisionError"), ('{{ m.recovered_amount|number("two") }}', "TypeError")],
)
def test_a_failing_expression_names_template_and_line(model, config, tmp_path, body, error):
    path = write(tmp_path, "en", "collector.md.j2", f"# title\n\n\n{body}\n")
    with pytest.raises(TemplateError) as caught:
        render(model, config, tmp_path, "en")
    assert str(caught.value).startswith(f"{path}, line 4: {error}")


def test_a_missing_template_is_named(model, config, tmp_path):
    write(tmp_path, "en", "collector.md.j2", '{% extends "no-such-base.md.j2" %}')
    with pytest.raises(TemplateError, match="template 'no-such-base.md.j2' not found"):
        render(model, config, tmp_path, "en")
