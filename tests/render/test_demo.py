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


def test_demo_writes_nothing_when_any_file_exists(small_source, tmp_path):
    out = tmp_path / "out"
    chart = out / "C001_2024_en_files" / "twelve-months.png"
    chart.parent.mkdir(parents=True)
    chart.write_bytes(b"user's file")
    with pytest.raises(OutputError, match="C001_2024_en_files"):
        run_demo(out, language="en", source=small_source)
    assert sorted(p.name for p in out.rglob("*") if p.is_file()) == ["twelve-months.png"]
    assert chart.read_bytes() == b"user's file"


def test_demo_command_on_the_bundled_data_prints_every_path_it_wrote(tmp_path):
    out = tmp_path / "demo"
    result = CliRunner().invoke(cli, ["demo", "--out", str(out)])
    assert result.exit_code == 0, result.output
    printed = [Path(line) for line in result.output.splitlines()]
    assert sorted(printed) == sorted(p for p in out.rglob("*") if p.is_file())
    assert {path.name for path in printed} >= {
        "C001_2024-12_zh-CN.md",
        "C001_2024-12_zh-CN.docx",
        "team-T01_2024-Q4_zh-CN.md",
        "team-T01_2024-Q4_zh-CN.docx",
        "C001_2024_zh-CN.md",
        "C001_2024_zh-CN.docx",
    }


def test_demo_command_refuses_a_second_run_without_force(small_source, tmp_path, monkeypatch):
    # The small source stands in for the bundled data, to keep the suite quick.
    monkeypatch.setattr("reportgen.render.demo.sample_data_dir", lambda: small_source)
    out = tmp_path / "demo"
    runner = CliRunner()
    assert runner.invoke(cli, ["demo", "--out", str(out), "--lang", "en"]).exit_code == 0
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}

    second = runner.invoke(cli, ["demo", "--out", str(out), "--lang", "en"])
    assert second.exit_code == 1
    assert "already exist" in second.output and "--force" in second.output
    assert "Traceback" not in second.output
    assert {p: p.read_bytes() for p in out.rglob("*") if p.is_file()} == before

    forced = runner.invoke(cli, ["demo", "--out", str(out), "--lang", "en", "--force"])
    assert forced.exit_code == 0, forced.output
    assert {p: p.read_bytes() for p in out.rglob("*") if p.is_file()} == before
