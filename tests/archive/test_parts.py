"""The archive's small parts: folder names, template resolution, CSV and Markdown cells."""

from __future__ import annotations

import hashlib

import pytest

from reportgen.archive.index import excel_safe, md_cell
from reportgen.archive.layout import (
    check_distinct_folders,
    report_path,
    safe_component,
    scope_folder,
)
from reportgen.archive.manifest import input_fingerprints, template_files
from reportgen.archive.runner import MAX_CHUNK, chunked
from reportgen.archive.workers import ReportJob
from reportgen.errors import ReportgenError
from reportgen.scope import Scope


def test_folder_names_are_safe_and_distinct():
    assert scope_folder(Scope.collector("C001")) == "collectors/C001"
    assert scope_folder(Scope.team("T/01")) == "teams/T_01"
    assert scope_folder(Scope.everyone()) == "all"
    assert safe_component("..") == "_" and safe_component('a:b*c?"<>|') == "a_b_c_____"
    assert safe_component("张三") == "张三"
    with pytest.raises(ReportgenError, match="would share the archive folder"):
        check_distinct_folders([Scope.collector("A/1"), Scope.collector("A_1")])
    with pytest.raises(ReportgenError, match="'c1' and collector 'C1'"):
        check_distinct_folders([Scope.collector("C1"), Scope.collector("c1")])
    check_distinct_folders([Scope.collector("T01"), Scope.team("T01"), Scope.everyone()])


def test_renderer_paths_cannot_escape_the_scope_folder():
    assert report_path("teams/T01", "x_files/a.png") == "teams/T01/x_files/a.png"
    for bad in ("../../etc/passwd", "/tmp/x", "a/../../b", "", "./x", "a//b", "C:/x"):
        with pytest.raises(ReportgenError, match="unsafe file path"):
            report_path("teams/T01", bad)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("=1+2", "'=1+2"),
        ("+86 138", "'+86 138"),
        ("-二组", "'-二组"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("a=b", "a=b"),
        ("张三", "张三"),
        ("", ""),
    ],
)
def test_excel_formula_cells_are_made_inert(text, expected):
    assert excel_safe(text) == expected


def test_markdown_cells_cannot_break_the_table():
    assert md_cell("a | b") == "a \\| b"
    assert md_cell("*x* _y_ `z` [l](u) <b>") == "\\*x\\* \\_y\\_ \\`z\\` \\[l\\](u) \\<b\\>"
    assert md_cell("two\nlines") == "two lines"


def test_templates_resolve_override_before_built_in_for_the_languages_asked(tmp_path):
    builtin, override = tmp_path / "builtin", tmp_path / "override"
    for folder, name, text in (
        (builtin, "en/base.md.j2", "base"),
        (builtin, "en/review.md.j2", "review"),
        (builtin, "zh-CN/base.md.j2", "基"),
        (override, "en/review.md.j2", "our review"),
        (override, "fr/base.md.j2", "never searched"),
    ):
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(text, encoding="utf-8")

    def sha(text: str) -> str:
        return hashlib.sha256(text.encode()).hexdigest()

    assert template_files(builtin, override, ["en"]) == [
        {"name": "en/base.md.j2", "origin": "built-in", "sha256": sha("base")},
        {"name": "en/review.md.j2", "origin": "override", "sha256": sha("our review")},
    ]
    assert [t["name"] for t in template_files(builtin, None, ["zh-CN", "en"])] == [
        "en/base.md.j2",
        "en/review.md.j2",
        "zh-CN/base.md.j2",
    ]


def test_a_workbook_is_fingerprinted_once_with_all_its_tables(tmp_path):
    book = tmp_path / "data.xlsx"
    book.write_bytes(b"workbook bytes")
    entries = input_fingerprints({"collectors": book, "accounts": book, "payments": book})
    assert entries == [
        {
            "name": "data.xlsx",
            "size": 14,
            "sha256": hashlib.sha256(b"workbook bytes").hexdigest(),
            "tables": ["accounts", "collectors", "payments"],
        }
    ]


def _jobs(collectors: int, teams: int) -> list[ReportJob]:
    scopes = (
        [Scope.collector(f"C{i:03d}") for i in range(collectors)]
        + [Scope.team(f"T{i:02d}") for i in range(teams)]
        + [Scope.everyone()]
    )
    return [ReportJob(order, scope, "zh-CN", "x", None) for order, scope in enumerate(scopes)]


def test_chunks_hand_out_rollups_first_and_shrink_to_single_reports():
    jobs = _jobs(200, 20)
    chunks = chunked(jobs, 2)
    sizes = [len(chunk) for chunk in chunks]
    assert sorted(job.order for chunk in chunks for job in chunk) == list(range(221))
    # The whole centre's report first, then the teams', then the collectors' in order.
    flat = [job.scope for chunk in chunks for job in chunk]
    assert flat[0] == Scope.everyone()
    assert [s.kind for s in flat[1:21]] == ["team"] * 20
    assert [s.id for s in flat[21:]] == [f"C{i:03d}" for i in range(200)]
    assert sizes[0] == MAX_CHUNK
    assert sizes == sorted(sizes, reverse=True)
    assert sizes[-4:] == [1, 1, 1, 1]


def test_few_reports_go_one_at_a_time():
    assert [len(chunk) for chunk in chunked(_jobs(2, 0), 4)] == [1, 1, 1]
    assert chunked([], 2) == []
