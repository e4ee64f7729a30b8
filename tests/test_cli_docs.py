"""Every command and option is documented, and every --help shows an example."""

import re
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from reportgen.cli import cli

DOCS = Path(__file__).resolve().parents[1] / "docs" / "cli.md"
COMMANDS = sorted(cli.commands)


@pytest.mark.parametrize("name", COMMANDS)
def test_help_has_an_example(name: str) -> None:
    result = CliRunner().invoke(cli, [name, "--help"])
    assert result.exit_code == 0
    assert "Example:" in result.output
    assert f"reportgen {name}" in result.output


@pytest.mark.parametrize("name", COMMANDS)
def test_command_and_its_options_are_in_docs(name: str) -> None:
    text = DOCS.read_text(encoding="utf-8")
    section = re.search(rf"^## `reportgen {name}`$(.*?)(?=^## |\Z)", text, re.S | re.M)
    assert section, f"docs/cli.md has no section for reportgen {name}"
    for param in cli.commands[name].params:
        if isinstance(param, click.Option):
            assert param.opts[0] in section.group(1), f"{param.opts[0]} of {name} undocumented"


def test_usage_errors_exit_2_and_scope_is_required() -> None:
    result = CliRunner().invoke(cli, ["metrics", ".", "--period", "2024-09"])
    assert result.exit_code == 2
    assert "exactly one of --collector ID, --team ID or --all" in result.output
