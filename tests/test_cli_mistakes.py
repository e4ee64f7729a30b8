"""Mistakes in the command line are answered alike: one line naming the option and what is
accepted, exit 2; choices in any letter case; periods in the month forms the data accepts."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from reportgen.cli import cli
from reportgen.resources import sample_data_dir

SAMPLE = str(sample_data_dir())


def _run(*args: str):
    return CliRunner().invoke(cli, list(args))


@pytest.mark.parametrize(
    ("args", "needles"),
    [
        (["report", "no-such-folder", "-p", "2024-09", "--all"], ["SOURCE", "does not exist"]),
        (["report", SAMPLE, "-p", "2024-09", "--all", "--lang", "fr"], ["--lang", "zh-CN, zh-TW"]),
        (["archive", SAMPLE, "-p", "2024", "--out", "x", "--lang", "fr"], ["--lang", "zh-TW"]),
        (["metrics", SAMPLE, "-p", "2024-09", "--all", "--format", "xml"], ["--format", "json"]),
        (["report", SAMPLE, "-p", "2024/13", "--all"], ["--period", "2024-Q3"]),
        (["report", SAMPLE, "-p", "2024-09", "--all", "--format", "html"], ["--format", "docx"]),
        (["report", SAMPLE, "-p", "2024-09"], ["--collector", "--all"]),
        (["no-such-command"], ["no-such-command"]),
        (["report", SAMPLE, "-p", "2024-09", "--all", "--bogus"], ["--bogus"]),
    ],
)
def test_a_command_line_mistake_is_one_line_and_exit_2(args, needles):
    result = _run(*args)
    assert result.exit_code == 2, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1, result.output
    assert "--help" in lines[0]
    for needle in needles:
        assert needle in lines[0]


def test_choices_take_any_letter_case_and_months_any_data_form(tmp_path):
    upper = _run("metrics", SAMPLE, "-p", "2024/9", "--collector", "C001", "--format", "JSON")
    plain = _run("metrics", SAMPLE, "-p", "2024-09", "--collector", "C001", "--format", "json")
    assert upper.exit_code == 0, upper.output
    assert upper.output == plain.output
    result = _run(
        "report", SAMPLE, "-p", "2024年9月", "--collector", "C001", "--lang", "ZH-tw",
        "--format", "MD", "--out", str(tmp_path),
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert [p.name for p in tmp_path.glob("*.md")] == ["C001_2024-09_zh-TW.md"]


def test_reportgen_alone_shows_the_help_not_an_error():
    result = _run()
    assert result.output.startswith("Usage: ")
    assert "Error" not in result.output
    assert "demo" in result.output
