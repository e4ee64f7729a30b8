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
        custom["六、未来工作计划"].strip() == "下期回收目标由部门统一下达：2,234.56 元的 1.2 倍。"
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


# --- Read-only data, limits, contained loading ------------------------------------

from reportgen.render import templates as templates_module  # noqa: E402
from reportgen.render.templates import (  # noqa: E402
    ContainedLoader,
    FrozenDict,
    ReadOnlyError,
    freeze,
)


@pytest.mark.parametrize(
    "body",
    [
        "{% set _ = m.update({'recovered_amount': 0}) %}",
        "{% set _ = targets.append('x') %}",
        "{% set _ = m.pop('recovered_amount') %}",
        "{{ m.__setitem__('recovered_amount', 0) }}",
        "{% set _ = m.opening_by_bucket.clear() %}",
    ],
)
def test_a_template_cannot_change_its_data(model, config, tmp_path, body):
    write(tmp_path, "zh-CN", "collector.md.j2", f"# title\n\n{body}\n")
    before = dict(model.metrics)
    with pytest.raises(TemplateError, match=r"collector.md.j2, line 3: not allowed"):
        render(model, config, tmp_path)
    assert model.metrics == before


def test_rendering_twice_from_one_model_gives_the_same_figures(model, config):
    first = render(model, config, None, "en")
    render(model, config, None, "zh-CN")
    assert render(model, config, None, "en") == first


def test_the_context_is_a_read_only_deep_copy():
    shared = {"m": {"by_bucket": {"M1": 1}, "months": [1, 2]}, "f": len}
    frozen = freeze(shared)
    assert frozen == shared and frozen["f"] is len
    assert frozen["m"]["by_bucket"] is not shared["m"]["by_bucket"]
    for change in (
        lambda: frozen["m"].update(x=1),
        lambda: frozen["m"]["by_bucket"].__setitem__("M1", 2),
        lambda: frozen["m"]["months"].append(3),
        lambda: frozen["m"]["months"].sort(),
    ):
        with pytest.raises(ReadOnlyError):
            change()
    assert shared == {"m": {"by_bucket": {"M1": 1}, "months": [1, 2]}, "f": len}
    # Printed like the plain containers, so template output cannot change.
    assert str(frozen["m"]) == str(shared["m"]) and isinstance(frozen["m"], FrozenDict)


def test_the_timer_stops_python_code_the_guards_do_not_reach(model, config, tmp_path, monkeypatch):
    monkeypatch.setattr(templates_module, "TIME_LIMIT_SECONDS", 0.5)
    import time

    def busy(value):  # a helper that never returns to the template
        while True:
            time.monotonic()

    options = ReportOptions.build("en", "md", templates_dir=tmp_path)
    renderer = Renderer(config, options)
    renderer.environment.filters["busy"] = busy
    write(tmp_path, "en", "collector.md.j2", "# t\n{{ m.recovered_amount|busy }} {{ 1|busy }}\n")
    with pytest.raises(TemplateError, match="took longer than 0.5 seconds"):
        renderer.render_markdown(model, draw_charts=False)


def test_limits_leave_no_timer_behind(model, config):
    import signal

    render(model, config)
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)
    assert signal.getsignal(signal.SIGALRM) in (signal.SIG_DFL, None, signal.default_int_handler)


def test_the_output_limit_names_the_template(model, config, tmp_path, monkeypatch):
    monkeypatch.setattr(templates_module, "OUTPUT_LIMIT_CHARS", 1000)
    path = write(
        tmp_path, "en", "collector.md.j2", "{% for i in range(100) %}0123456789 {% endfor %}"
    )
    with pytest.raises(TemplateError, match="longer than 1,000 characters") as caught:
        render(model, config, tmp_path, "en")
    assert str(caught.value).startswith(str(path))


def test_real_sized_values_pass_the_size_checks(model, config, tmp_path):
    write(
        tmp_path,
        "en",
        "collector.md.j2",
        "# t\n{{ 'ab' * 1000 }} {{ 2 ** 64 }} {{ ('x' ~ 'y')|replace('x', 'zz') }} "
        "{{ [1, 2] + [3] }} {{ '%05.1f' % 3.14159 }} {{ '{:>6}'.format('a') }} "
        "{{ range(3)|join(', ') }} {{ 'x'|center(9) }} {{ members|length }}\n",
    )
    text = render(model, config, tmp_path, "en")
    assert "18446744073709551616 zzy [1, 2, 3] 003.1      a 0, 1, 2     x     " in text


def test_the_loader_refuses_a_link_out_but_follows_one_inside(tmp_path):
    import jinja2

    folder, outside = tmp_path / "tpl", tmp_path / "outside"
    (folder / "en").mkdir(parents=True)
    outside.mkdir()
    (outside / "x.md.j2").write_text("secret", encoding="utf-8")
    (folder / "en" / "real.md.j2").write_text("inside", encoding="utf-8")
    (folder / "en" / "out.md.j2").symlink_to(outside / "x.md.j2")
    (folder / "en" / "alias.md.j2").symlink_to(folder / "en" / "real.md.j2")
    loader = ContainedLoader(folder / "en", root=folder)
    env = jinja2.Environment()
    assert loader.get_source(env, "alias.md.j2")[0] == "inside"
    with pytest.raises(templates_module.TemplateOutsideFolder, match="outside the template folder"):
        loader.get_source(env, "out.md.j2")
    for name in ("../outside/x.md.j2", "missing.md.j2"):
        with pytest.raises(jinja2.TemplateNotFound):
            loader.get_source(env, name)
