"""`reportgen report` and `reportgen init` from the command line."""

from __future__ import annotations

import re
import tomllib
from dataclasses import fields, is_dataclass, replace
from pathlib import Path

from click.testing import CliRunner

from reportgen.cli import cli
from reportgen.config import Config, load_config
from reportgen.render.notes import SECTIONS, load_notes
from reportgen.render.starter import starter_config_text, write_starter
from reportgen.resources import templates_dir


def run(*args: str):
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


def test_report_writes_markdown_and_charts_and_prints_every_path(csv_source, tmp_path):
    out = tmp_path / "out"
    result = run(
        "report",
        csv_source,
        "--period",
        "2024-09",
        "--collector",
        "C001",
        "--format",
        "md",
        "--out",
        out,
    )
    assert result.exit_code == 0, result.output
    written = result.output.split()
    assert written == [
        str(out / "C001_2024-09_zh-CN.md"),
        str(out / "C001_2024-09_zh-CN_files/book-by-bucket.svg"),
        str(out / "C001_2024-09_zh-CN_files/recovery-by-bucket.svg"),
        str(out / "C001_2024-09_zh-CN_files/recovery-by-channel.svg"),
    ]
    text = (out / "C001_2024-09_zh-CN.md").read_text(encoding="utf-8")
    assert "本期回收金额 2,234.56 元" in text


def test_report_refuses_to_overwrite_without_force(csv_source, tmp_path):
    out = tmp_path / "out"
    args = (
        "report",
        csv_source,
        "--period",
        "2024-09",
        "--team",
        "T01",
        "--lang",
        "en",
        "--format",
        "md",
        "--out",
        out,
    )
    assert run(*args).exit_code == 0
    before = (out / "team-T01_2024-09_en.md").stat().st_mtime_ns
    again = run(*args)
    assert again.exit_code == 1
    assert "already exist; use --force" in again.output
    assert (out / "team-T01_2024-09_en.md").stat().st_mtime_ns == before
    assert run(*args, "--force").exit_code == 0


def test_report_with_notes_and_templates(csv_source, tmp_path):
    notes = tmp_path / "notes.yaml"
    notes.write_text("methods:\n  - 本月试行上午集中外呼。\n", encoding="utf-8")
    custom = tmp_path / "tpl" / "zh-CN"
    custom.mkdir(parents=True)
    (custom / "base.md.j2").write_text(
        '{% extends "builtin/base.md.j2" %}{% block plans %}由主管另行下达。{% endblock %}',
        encoding="utf-8",
    )
    out = tmp_path / "out"
    result = run(
        "report",
        csv_source,
        "-p",
        "2024-09",
        "--all",
        "--format",
        "md",
        "--notes",
        notes,
        "--templates",
        tmp_path / "tpl",
        "--out",
        out,
    )
    assert result.exit_code == 0, result.output
    text = (out / "all_2024-09_zh-CN.md").read_text(encoding="utf-8")
    assert "本月试行上午集中外呼。" in text
    assert text.endswith("## 六、未来工作计划\n\n由主管另行下达。\n")


def test_report_errors_are_one_clear_line(csv_source, tmp_path):
    bad_notes = tmp_path / "notes.yaml"
    bad_notes.write_text("challenges:\n  - 太多\n", encoding="utf-8")
    result = run(
        "report",
        csv_source,
        "-p",
        "2024-09",
        "--collector",
        "C001",
        "--notes",
        bad_notes,
        "--out",
        tmp_path,
    )
    assert result.exit_code == 1
    assert f"{bad_notes}: unknown section 'challenges'; expected one of overview" in result.output
    assert "Traceback" not in result.output
    result = run(
        "report",
        csv_source,
        "-p",
        "2024-09",
        "--collector",
        "C001",
        "--format",
        "html",
        "--out",
        tmp_path,
    )
    # A mistake in the command line itself: one line, exit 2, like every option's.
    assert result.exit_code == 2 and "unknown format 'html'" in result.output
    assert len(result.output.strip().splitlines()) == 1
    result = run("report", csv_source, "-p", "2024-09", "--collector", "C999", "--out", tmp_path)
    assert result.exit_code == 1 and "C999" in result.output
    assert not list(tmp_path.glob("*.md"))


def _setting_names(value, prefix=""):
    for item in fields(value):
        if item.name == "source":
            continue
        inner = getattr(value, item.name)
        if is_dataclass(inner):
            yield from _setting_names(inner, f"{prefix}{item.name}.")
        elif isinstance(inner, dict) and inner and all(is_dataclass(v) for v in inner.values()):
            for sub in inner.values():
                yield from _setting_names(sub, f"{prefix}{item.name}.*.")
        else:
            yield f"{prefix}{item.name}"


def test_starter_config_lists_every_setting_and_loads(tmp_path):
    text = starter_config_text()
    names = list(_setting_names(Config()))
    assert len(names) > 40
    for name in names:
        key = name.rsplit(".", 1)[-1]
        assert re.search(rf"^# (\[{re.escape(key)}[.\]]|{re.escape(key)} = )", text, re.M) or (
            f"[{name}" in text
        ), name
    path = tmp_path / "reportgen.toml"
    path.write_text(text, encoding="utf-8")
    assert replace(load_config(path), source=None) == Config()


def test_uncommenting_every_default_gives_the_defaults(tmp_path):
    lines = []
    for line in starter_config_text().splitlines():
        setting = re.match(r"^# (\[[^\]]+\]|\w+ = .*)$", line)
        if setting and "Example value" not in line and "aliases" not in line:
            lines.append(setting.group(1))
    text = "\n".join(lines) + "\n"
    tomllib.loads(text)  # valid TOML
    path = tmp_path / "reportgen.toml"
    path.write_text(text, encoding="utf-8")
    assert replace(load_config(path), source=None) == Config()


def test_init_writes_config_and_templates_and_refuses_to_overwrite(tmp_path):
    result = run("init", tmp_path / "org")
    assert result.exit_code == 0, result.output
    written = [Path(p) for p in result.stdout.split()]
    assert written[0] == tmp_path / "org" / "reportgen.toml"
    assert written[1] == tmp_path / "org" / "notes-example.yaml"
    assert "--templates" in result.stderr  # says the copies are used only when asked for
    copies = {p.relative_to(tmp_path / "org" / "templates") for p in written[2:]}
    assert copies == {p.relative_to(templates_dir()) for p in templates_dir().rglob("*.j2")}
    for copy in written[2:]:
        original = templates_dir() / copy.relative_to(tmp_path / "org" / "templates")
        assert copy.read_bytes() == original.read_bytes()
    again = run("init", tmp_path / "org")
    assert again.exit_code == 1 and "use --force" in again.output
    assert run("init", tmp_path / "org", "--force").exit_code == 0


def test_the_example_notes_file_written_by_init_is_valid_notes(csv_source, tmp_path):
    write_starter(tmp_path / "org")
    notes = load_notes(tmp_path / "org" / "notes-example.yaml")
    assert all(notes.get(section) for section in SECTIONS)
    result = run(
        "report", csv_source, "-p", "2024-09", "--collector", "C001", "--format", "md",
        "--notes", tmp_path / "org" / "notes-example.yaml", "--out", tmp_path / "out",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert notes.get("plans")[0] in (tmp_path / "out" / "C001_2024-09_zh-CN.md").read_text()


def test_templates_written_by_init_render_like_the_builtin_ones(csv_source, tmp_path):
    write_starter(tmp_path / "org")
    plain, custom = tmp_path / "plain", tmp_path / "custom"
    base = (
        "report",
        csv_source,
        "-p",
        "2024-09",
        "--team",
        "T02",
        "--lang",
        "zh-TW",
        "--format",
        "md",
    )
    assert run(*base, "--out", plain).exit_code == 0
    assert run(*base, "--templates", tmp_path / "org" / "templates", "--out", custom).exit_code == 0
    name = "team-T02_2024-09_zh-TW.md"
    assert (plain / name).read_bytes() == (custom / name).read_bytes()
