"""Hostile templates, notes and settings: each fails cleanly, naming what is wrong.

One group per root cause of the "Trust" issue: a template changing other
reports' data, templates without a time or size limit, template runtime errors
as tracebacks, a template folder's links leading out of it, notes YAML read
with YAML 1.1 types and silent duplicate keys, settings never range-checked.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

import reportgen.render.templates as templates_module
from hostile.corpus import PERIOD, assert_clean_failure, run, tiny_source

SECRET = "TOP-SECRET-CONTENT-4711"


@pytest.fixture
def source(tmp_path: Path) -> Path:
    return tiny_source(tmp_path / "data")


def template_dir(tmp_path: Path, body: str, language: str = "en", name: str = "collector.md.j2"):
    folder = tmp_path / "tpl"
    (folder / language).mkdir(parents=True, exist_ok=True)
    (folder / language / name).write_text(body, encoding="utf-8")
    return folder


def report(source: Path, out: Path, *extra: str | Path, lang: str = "en"):
    return run(
        "report", source, "--period", PERIOD, "--collector", "C001", "--lang", lang,
        "--format", "md", "--out", out, *extra,
    )  # fmt: skip


# --- 1. A template cannot change the data other reports are made from ---------


def test_a_zh_cn_template_cannot_change_the_english_figures_in_the_same_archive(source, tmp_path):
    folder = template_dir(
        tmp_path,
        "{% set _ = m.update({'recovered_amount': 999999999, 'recovery_rate': 5}) %}"
        '{% extends "builtin/collector.md.j2" %}\n',
        language="zh-CN",
    )

    def archive(out: Path, *extra: str | Path):
        return run(
            "archive", source, "--period", PERIOD, "--lang", "zh-CN,en", "--format", "md",
            "--jobs", "1", "--out", out, *extra,
        )  # fmt: skip

    archive(tmp_path / "plain")
    hostile = archive(tmp_path / "hostile", "--templates", folder)
    output = hostile.output + hostile.stderr
    assert "collector.md.j2, line 1" in output and "not allowed" in output
    english = sorted((tmp_path / "plain").rglob("*_en.md"))
    assert english
    for plain in english:
        twin = tmp_path / "hostile" / plain.relative_to(tmp_path / "plain")
        assert twin.read_text(encoding="utf-8") == plain.read_text(encoding="utf-8"), twin


@pytest.mark.parametrize(
    "body",
    [
        "{% set _ = m.update({'recovered_amount': 1}) %}",
        "{% set _ = findings.append({}) %}",
        "{{ m.pop('recovered_amount') }}",
        "{{ m.__setitem__('recovered_amount', 1) }}",
        "{% set _ = notes.plans.append('x') %}",
        "{% set _ = scope.clear() %}",
    ],
)
def test_a_template_changing_its_data_is_a_clear_error(source, tmp_path, body):
    folder = template_dir(tmp_path, f"# title\n{body}\n")
    result = report(source, tmp_path / "out", "--templates", folder)
    assert_clean_failure(result, "collector.md.j2, line 2", "not allowed")


# --- 2. Time and size limits ------------------------------------------------------


@pytest.fixture
def short_time_limit(monkeypatch):
    monkeypatch.setattr(templates_module, "TIME_LIMIT_SECONDS", 1.0)


@pytest.mark.parametrize(
    "body",
    [
        "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}",
        "{% set s = 'x' * 99999 %}{% for i in s %}{% for j in s %}{% endfor %}{% endfor %}",
    ],
)
def test_a_template_running_too_long_is_stopped(source, tmp_path, short_time_limit, body):
    folder = template_dir(tmp_path, f"# title\n{body}\n")
    result = report(source, tmp_path / "out", "--templates", folder)
    assert_clean_failure(result, "collector.md.j2, line 2", "took longer than 1 seconds")


@pytest.mark.parametrize(
    ("body", "needle"),
    [
        ("{{ 10**(10**9) }}", "larger than 16,384 bits"),
        ("{{ 'x' * 10**10 }}", "5,000,000 characters"),
        ("{{ range(10**12)|list|length }}", "Range too big"),
        ("{% set s = 'x' * 4000000 %}{{ (s ~ s)|length }}", "5,000,000 characters"),
        ("{{ 'x'|center(10**9) }}", "5,000,000 characters"),
        ("{{ 'x'.ljust(10**9) }}", "5,000,000 characters"),
        ("{{ '%999999999d' % 1 }}", "5,000,000 characters"),
        ("{{ '{:>999999999}'.format(1) }}", "5,000,000 characters"),
        ("{{ ('x' * 1000)|replace('x', 'y' * 100000) }}", "5,000,000 characters"),
        ("{{ (['x' * 100000] * 100)|length }}", "5,000,000 characters"),
        (
            "{% set ns = namespace(s='x') %}{% for i in range(40) %}"
            "{% set ns.s = ns.s ~ ns.s %}{% endfor %}",
            "5,000,000 characters",
        ),
        ("{% for i in range(100000) %}{{ 'y' * 100 }}{% endfor %}", "longer than 5,000,000"),
        ("{{ lipsum(100000) }}", "unknown variable 'lipsum'"),
    ],
)
def test_a_template_building_something_huge_is_refused(source, tmp_path, body, needle):
    folder = template_dir(tmp_path, f"# title\n{body}\n")
    result = report(source, tmp_path / "out", "--templates", folder)
    assert_clean_failure(result, "collector.md.j2", needle)
    assert not (tmp_path / "out").exists() or not list((tmp_path / "out").glob("*.md"))


# --- 3. Runtime errors name the template and the line -------------------------------


@pytest.mark.parametrize(
    ("body", "needle"),
    [
        ("{{ 1 / 0 }}", "ZeroDivisionError"),
        ("{{ 'a' - 1 }}", "TypeError"),
        ("{{ m.no_such_figure|money }}", "unknown variable 'no_such_figure'"),
        ("{{ no_such_name }}", "unknown variable 'no_such_name'"),
        ('{% include "missing.md.j2" %}', "template 'missing.md.j2' not found"),
        ("{% macro f(n) %}{{ f(n + 1) }}{% endmacro %}{{ f(0) }}", "recursion"),
        ('{% include "collector.md.j2" %}', "recursion"),
        ("{{ ''.__class__.__mro__ }}", "not allowed"),
        ("{{ compare('recovered_amount', style='bogus') }}", "KeyError"),
        ("{{ [1, 2][5] }}", "unknown variable"),
        ("{{ '{0:d}'.format('x') }}", "ValueError"),
    ],
)
def test_a_failing_template_gives_one_message_naming_it(source, tmp_path, body, needle):
    folder = template_dir(tmp_path, f"# title\n\n{body}\n")
    result = report(source, tmp_path / "out", "--templates", folder)
    assert_clean_failure(result, str(folder / "en" / "collector.md.j2") + ", line 3", needle)


# --- 4. Template folders are read without following links out of them --------------


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    folder = tmp_path / "elsewhere"
    folder.mkdir()
    (folder / "secret.md.j2").write_text(SECRET, encoding="utf-8")
    return folder


def test_an_included_link_to_a_file_outside_is_refused(source, tmp_path, outside):
    folder = template_dir(tmp_path, '# title\n{% include "secret.md.j2" %}\n')
    os.symlink(outside / "secret.md.j2", folder / "en" / "secret.md.j2")
    result = report(source, tmp_path / "out", "--templates", folder)
    assert_clean_failure(result, "collector.md.j2, line 2", "outside the template folder")
    assert SECRET not in result.output + result.stderr


def test_a_linked_subfolder_leading_outside_is_refused(source, tmp_path, outside):
    folder = template_dir(tmp_path, '# title\n{% include "sub/secret.md.j2" %}\n')
    os.symlink(outside, folder / "en" / "sub")
    result = report(source, tmp_path / "out", "--templates", folder)
    assert_clean_failure(result, "outside the template folder")


def test_a_linked_language_folder_leading_outside_is_refused(source, tmp_path, outside):
    folder = tmp_path / "tpl"
    folder.mkdir()
    (outside / "collector.md.j2").write_text("# " + SECRET + "\n", encoding="utf-8")
    os.symlink(outside, folder / "en")
    result = report(source, tmp_path / "out", "--templates", folder)
    assert_clean_failure(result, "outside the template folder")


def test_a_kind_template_that_is_a_link_outside_is_refused_not_replaced(source, tmp_path, outside):
    folder = tmp_path / "tpl"
    (folder / "en").mkdir(parents=True)
    (outside / "collector.md.j2").write_text("# " + SECRET + "\n", encoding="utf-8")
    os.symlink(outside / "collector.md.j2", folder / "en" / "collector.md.j2")
    result = report(source, tmp_path / "out", "--templates", folder)
    assert_clean_failure(result, "outside the template folder")


def test_a_link_inside_the_folder_still_works(source, tmp_path):
    folder = template_dir(tmp_path, '# title\n{% include "shared/part.md.j2" %}\n')
    (folder / "parts").mkdir()
    (folder / "parts" / "part.md.j2").write_text("shared words\n", encoding="utf-8")
    os.symlink(folder / "parts", folder / "en" / "shared")
    result = report(source, tmp_path / "out", "--templates", folder)
    assert result.exit_code == 0, result.output
    (written,) = (tmp_path / "out").glob("*.md")
    assert "shared words" in written.read_text(encoding="utf-8")


# --- 5. Notes are text, written once, and bounded ----------------------------------


def notes_file(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "notes.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_notes_values_are_kept_exactly_as_written(source, tmp_path):
    notes = notes_file(tmp_path, "plans:\n  - 010\n  - 12:30\n  - yes\n  - 1e3\n")
    result = report(source, tmp_path / "out", "--notes", notes)
    assert result.exit_code == 0, result.output
    (written,) = (tmp_path / "out").glob("*.md")
    text = written.read_text(encoding="utf-8")
    for paragraph in ("010", "12:30", "yes", "1e3"):
        assert f"\n{paragraph}\n" in text, paragraph


@pytest.mark.parametrize(
    ("text", "needles"),
    [
        ("plans:\n  - first\noverview: x\nplans:\n  - second\n", ("'plans'", "line 4", "twice")),
        (
            'a: &a ["x","x","x","x","x","x","x","x","x"]\n'
            "b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\n"
            "c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\n",
            ("line 2", "aliases"),
        ),
        ("plans: " + "[" * 5000 + "]" * 5000 + "\n", ("nested more than",)),
        ("plans:\n  - " + "x" * 1_100_000 + "\n", ("larger than 1,000,000 bytes",)),
    ],
)
def test_bad_notes_fail_cleanly_naming_the_file(source, tmp_path, text, needles):
    notes = notes_file(tmp_path, text)
    result = report(source, tmp_path / "out", "--notes", notes)
    assert_clean_failure(result, str(notes), *needles)


def test_the_archive_notes_folder_refuses_a_repeated_section(source, tmp_path):
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "C001.yaml").write_text("plans: [a]\nplans: [b]\n", encoding="utf-8")
    result = run(
        "archive", source, "--period", PERIOD, "--format", "md", "--jobs", "1",
        "--notes", notes, "--out", tmp_path / "out",
    )  # fmt: skip
    assert_clean_failure(result, "C001.yaml, line 2", "'plans' appears twice")


# --- 6. Settings are checked against their allowed ranges ---------------------------


def config_file(tmp_path: Path, content: str | bytes) -> Path:
    path = tmp_path / "reportgen.toml"
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("toml", "needles"),
    [
        (
            "[targets]\nrecovery_rate = 5.0\n",
            ("[targets] recovery_rate must be between 0 and 1 (a share: 0.35 = 35%), found 5.0",),
        ),
        ("[targets]\nconnect_rate = -1.0\n", ("connect_rate must be between 0 and 1",)),
        (
            '[compliance.cn]\nday_start = "22:00:00"\nday_end = "08:00:00"\n',
            ("[compliance.cn] day_start must be earlier than day_end",),
        ),
        ("[compliance.us]\ncall_window_days = 0\n", ("call_window_days must be between 1",)),
        ("[promises]\ngrace_days = 100000\n", ("grace_days must be between 0 and 90",)),
        ("[findings]\ncontact_coverage_min = nan\n", ("contact_coverage_min", "found nan")),
        ('[organisation]\ntimezone = "../../etc/passwd"\n', ("timezone must be empty or",)),
        ('[organisation]\ntimezone = "Mars/Olympus"\n', ("timezone",)),
        ('[organisation]\ncurrency = "yuan"\n', ("currency must be an ISO 4217 code",)),
        ('[word.fonts."en"]\nlatin = "Cal\\u0000ibri"\n', ("latin must not contain control",)),
        ('[word.fonts."en"]\nlatin = ""\n', ("latin must not be empty",)),
        ('[aliases.headers]\n"客户号" = "' + "x" * 300 + '"\n', ("at most 200 characters",)),
        ("x = " + "[" * 10000 + "]" * 10000 + "\n", ("nested too deeply",)),
        ("# " + "x" * 1_100_000 + "\n", ("larger than 1,000,000 bytes",)),
        (b'[organisation]\nname = "\xff\xfe"\n', ("not UTF-8",)),
        ("[targets]\nrecovery_rate = (unset)\n", ("'(unset)' is a placeholder",)),
    ],
)
def test_bad_settings_fail_cleanly_naming_the_setting(source, tmp_path, toml, needles):
    config = config_file(tmp_path, toml)
    result = report(source, tmp_path / "out", "--config", config)
    assert_clean_failure(result, str(config), *needles)


def test_a_valid_timezone_is_accepted(source, tmp_path):
    config = config_file(tmp_path, '[organisation]\ntimezone = "Asia/Shanghai"\n')
    result = report(source, tmp_path / "out", "--config", config)
    assert result.exit_code == 0, result.output


def test_a_notes_file_linking_out_of_the_notes_folder_is_refused(source, tmp_path):
    notes, outside = tmp_path / "notes", tmp_path / "outside.yaml"
    notes.mkdir()
    outside.write_text(f"plans: [{SECRET}]\n", encoding="utf-8")
    os.symlink(outside, notes / "C001.yaml")
    result = run(
        "archive", source, "--period", PERIOD, "--format", "md", "--jobs", "1",
        "--notes", notes, "--out", tmp_path / "out",
    )  # fmt: skip
    assert_clean_failure(result, "C001.yaml", "outside the notes folder")


@pytest.mark.parametrize("escape", ["\\ud800", "\\x1b[31m", "\\x00"])
def test_a_notes_paragraph_no_report_can_hold_is_one_clear_error(tmp_path, escape):
    source = tiny_source(tmp_path / "data")
    notes = tmp_path / "notes.yaml"
    notes.write_text(f'overview: "before{escape}after"\n', encoding="utf-8")
    result = run(
        "report", source, "--period", "2024-12", "--collector", "C001", "--notes", notes,
        "--out", tmp_path / "out",
    )  # fmt: skip
    assert_clean_failure(result, "notes.yaml", "overview", "control character")
    assert not (tmp_path / "out").exists() or not list((tmp_path / "out").iterdir())


@pytest.mark.parametrize("option", ["--notes", "--config"])
def test_a_named_pipe_given_as_notes_or_settings_is_refused_without_waiting(tmp_path, option):
    source = tiny_source(tmp_path / "data")
    pipe = tmp_path / "given.yaml"
    os.mkfifo(pipe)
    result = run(
        "report", source, "--period", PERIOD, "--collector", "C001", option, pipe,
        "--out", tmp_path / "out",
    )  # fmt: skip
    assert_clean_failure(result, "given.yaml", "a named pipe")


def test_a_pipe_or_folder_in_the_notes_folder_is_named_not_skipped(tmp_path):
    source = tiny_source(tmp_path / "data")
    notes = tmp_path / "notes"
    notes.mkdir()
    os.mkfifo(notes / "C001.yaml")
    (notes / "C002.yaml").mkdir()
    result = run(
        "archive", source, "--period", PERIOD, "--notes", notes, "--out", tmp_path / "a",
        "--format", "md",
    )  # fmt: skip
    assert_clean_failure(result, "C001.yaml", "a named pipe", "C002.yaml", "a folder")


# --- 5. Sizes are estimated before computing, not checked after ------------------------

_A100 = ", ".join(["a"] * 100)
_SIZED_FIRST = [
    ('{{ ("\\t" * 400).expandtabs(4999999)|length }}', "str.expandtabs"),
    ('{{ ("\\n" * 2000)|indent(4999999, true, true) }}', "the filter 'indent'"),
    (
        "{% set L = [0] * 4999999 %}"
        "{{ [L, L, L, L, L, L, L, L, L, L, L, L, L, L, L, L, L, L, L, L]|sum(start=[])|length }}",
        "the filter 'sum' adds up numbers only",
    ),
    ("{% set a = 'x' * 5000000 %}{{ ('%s' * 100 % (" + _A100 + "))|length }}", "formatting"),
    ("{% set a = 'x' * 5000000 %}{{ ('{0}' * 100).format(a)|length }}", "formatting"),
    ("{{ ('%*d' * 100)|format(*([4999999, 1] * 100))|length }}", "formatting"),
    ("{{ (1).to_bytes(10**10, 'big')|length }}", "int.to_bytes"),
    ("{{ ('x' * 1000).translate({120: 'y' * 1000000})|length }}", "str.translate"),
]


@pytest.mark.parametrize(("body", "needle"), _SIZED_FIRST)
def test_a_huge_result_is_refused_before_it_is_computed(source, tmp_path, body, needle):
    folder = template_dir(tmp_path, f"# title\n{body}\n")
    result = report(source, tmp_path / "out", "--templates", folder)
    assert_clean_failure(result, "collector.md.j2, line 2", needle)


_UNDER_MEMORY_CAP = """
import os, resource, sys, tempfile
from pathlib import Path
from reportgen.errors import TemplateError
from reportgen.narrative.formatting import Formatter
from reportgen.render.templates import make_environment, render_template

folder = Path(tempfile.mkdtemp())
(folder / "en").mkdir()
(folder / "en" / "x.md.j2").write_text(sys.argv[1], encoding="utf-8")
env = make_environment("en", Formatter("en"), folder)
used = int(Path("/proc/self/statm").read_text().split()[0]) * os.sysconf("SC_PAGE_SIZE")
resource.setrlimit(resource.RLIMIT_AS, (used + 300 * 2**20, resource.RLIM_INFINITY))
try:
    render_template(env, "x.md.j2", {})
except TemplateError as exc:
    print(exc)
"""


@pytest.mark.skipif(not Path("/proc/self/statm").exists(), reason="needs Linux /proc")
@pytest.mark.parametrize(("body", "needle"), _SIZED_FIRST)
def test_a_huge_result_is_refused_within_300_mb_of_memory(body, needle):
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-c", _UNDER_MEMORY_CAP, body],
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert needle in done.stdout, (done.stdout, done.stderr)
    assert "ran out of memory" not in done.stdout


def test_the_size_estimates_count_every_field_and_repetition():
    big = "x" * 5_000_000
    with pytest.raises(templates_module.TemplateLimitError):
        templates_module._check_percent("%s" * 100, (big,) * 100)
    with pytest.raises(templates_module.TemplateLimitError):
        templates_module._check_percent("%(a)s" * 2, {"a": big})
    with pytest.raises(templates_module.TemplateLimitError):
        templates_module._check_str_method("expandtabs", "\t" * 400, (4_999_999,), {})
    # A list of 1,000 shared 16,000-bit numbers prints about 4.8 M characters.
    assert templates_module._weight([2**16000] * 1000) > 4_000_000
    # Ordinary figures pass.
    templates_module._check_percent("%5.1f%% of %s", (3.14, "target"))
    templates_module._check_str_method("expandtabs", "a\tb", (4,), {})
