"""`reportgen demo`: three reports of the three kinds, md and docx, never over existing files."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner
from docx import Document

from reportgen.cli import cli
from reportgen.data.dataset import Dataset
from reportgen.errors import OutputError
from reportgen.render.demo import demo_reports, run_demo
from reportgen.scope import Scope


def _dataset(last_month: str) -> Dataset:
    collectors = pd.DataFrame(
        {
            "collector_id": ["C002", "C001", "C003"],
            "name": ["乙", "甲", "丙"],
            "team_id": ["T02", "T09", "T02"],
            "team_name": ["二组", "九组", "二组"],
        },
        dtype="str",
    )
    accounts = pd.DataFrame(
        {
            "month": ["2023-12", last_month],
            "account_id": ["A1", "A1"],
            "collector_id": ["C001", "C001"],
            "dpd": [5, 35],
            "balance": [100, 100],
        }
    )
    return Dataset(collectors=collectors, accounts=accounts)


def test_demo_picks_the_first_collector_their_team_and_the_last_month():
    reports = demo_reports(_dataset("2024-12"))
    assert [(r.scope, r.period) for r in reports] == [
        (Scope.collector("C001"), "2024-12"),
        (Scope.team("T09"), "2024-Q4"),
        (Scope.collector("C001"), "2024"),
    ]


def test_demo_reviews_the_last_complete_year_when_the_data_ends_mid_year():
    reports = demo_reports(_dataset("2024-08"))
    assert [r.period for r in reports] == ["2024-08", "2024-Q3", "2023"]


def test_demo_writes_md_and_docx_of_the_three_kinds(demo_output):
    out, written = demo_output
    names = {path.name for path in written}
    for stem in ("C001_2024-12_zh-CN", "team-T01_2024-Q4_zh-CN", "C001_2024_zh-CN"):
        assert {f"{stem}.md", f"{stem}.docx"} <= names
        document = Document(io.BytesIO((out / f"{stem}.docx").read_bytes()))
        markdown = (out / f"{stem}.md").read_text(encoding="utf-8")
        title = markdown.splitlines()[0].removeprefix("# ")
        assert document.paragraphs[0].style.name == "Title"
        assert document.paragraphs[0].text == title
        # Every picture the Markdown shows was written beside it.
        for image in re.findall(r"!\[[^\]]*\]\(([^)]+)\)", markdown):
            assert (out / image).is_file()
    assert all(path.is_file() for path in written)


def test_demo_with_force_rewrites_the_same_bytes(small_source, demo_output):
    out, written = demo_output
    first = {path: path.read_bytes() for path in written}
    again = {p: p.read_bytes() for p in run_demo(out, source=small_source, force=True)}
    assert sorted(again) == sorted(first)
    assert [p.name for p in first if first[p] != again[p]] == []


def test_demo_writes_nothing_when_any_file_exists(small_source, tmp_path):
    out = tmp_path / "out"
    chart = out / "C001_2024_en_files" / "twelve-months.png"
    chart.parent.mkdir(parents=True)
    chart.write_bytes(b"user's file")
    with pytest.raises(OutputError, match="twelve-months.png"):
        run_demo(out, language="en", source=small_source)
    assert sorted(p.name for p in out.rglob("*") if p.is_file()) == ["twelve-months.png"]
    assert chart.read_bytes() == b"user's file"


def test_demo_command_on_the_bundled_data_prints_paths_and_refuses_a_second_run(tmp_path):
    out = tmp_path / "demo"
    runner = CliRunner()
    first = runner.invoke(cli, ["demo", "--out", str(out)])
    assert first.exit_code == 0, first.output
    printed = [Path(line) for line in first.output.splitlines()]
    assert all(path.is_file() for path in printed)  # one written path per line
    assert {path.name for path in printed} >= {
        "C001_2024-12_zh-CN.md",
        "C001_2024-12_zh-CN.docx",
        "team-T01_2024-Q4_zh-CN.md",
        "team-T01_2024-Q4_zh-CN.docx",
        "C001_2024_zh-CN.md",
        "C001_2024_zh-CN.docx",
    }
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}

    second = runner.invoke(cli, ["demo", "--out", str(out)])
    assert second.exit_code == 1
    assert "already exist" in second.output and "--force" in second.output
    assert {p: p.read_bytes() for p in out.rglob("*") if p.is_file()} == before
