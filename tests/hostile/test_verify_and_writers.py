"""Hostile archives for ``verify``; hostile names for the Word writer and the charts.

Root causes: verify followed links, read FIFOs and devices, trusted an empty or duplicated
file list and a manifest of any size or depth; the Word writer put XML-invalid characters
and over-long values into the .docx; chart tick labels of very long names pushed the
margins past each other.
"""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import subprocess
import sys
import unicodedata
from datetime import date
from pathlib import Path

import pytest
from docx import Document
from PIL import Image

from hostile.corpus import PERIOD, assert_clean_failure, run, spoil_cell, tiny_source
from reportgen.archive import verify as verify_module
from reportgen.config import Config
from reportgen.render.charts import MAX_LABEL_COLUMNS, ChartSpec, category_label, render_chart
from reportgen.render.docx import DocProperties, render_docx
from reportgen.render.docx_tables import display_width

INDEX = "index.md"
REPORT = "collectors/C001/C001_2024-12_zh-CN.md"
VERIFY_TIMEOUT = 60  # seconds; a hang (reading /dev/zero, opening a FIFO) fails, never stalls


# --- verify: one archive per module, a fresh copy per test -------------------------------------


@pytest.fixture(scope="module")
def built_archive(tmp_path_factory) -> Path:
    base = tmp_path_factory.mktemp("verify")
    source = tiny_source(base / "data")
    out = base / "archive"
    result = run("archive", source, "--period", PERIOD, "--out", out, "--format", "md", "-j", "1")
    assert result.exit_code == 0, result.output + result.stderr
    return out


@pytest.fixture
def archive(built_archive, tmp_path) -> Path:
    copy = tmp_path / "archive"
    shutil.copytree(built_archive, copy, symlinks=True)
    assert run("verify", copy).exit_code == 0
    return copy


def manifest_of(archive: Path) -> dict:
    return json.loads((archive / "manifest.json").read_text(encoding="utf-8"))


def write_manifest(archive: Path, manifest: dict) -> None:
    (archive / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")


def verify_in_subprocess(archive: Path) -> subprocess.CompletedProcess:
    """``reportgen verify`` in its own process, killed if it does not finish in time."""
    return subprocess.run(
        [sys.executable, "-m", "reportgen", "verify", str(archive)],
        capture_output=True,
        text=True,
        timeout=VERIFY_TIMEOUT,
    )


def assert_clean_subprocess_failure(result: subprocess.CompletedProcess, *needles: str) -> None:
    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    assert "Traceback" not in output, output
    for needle in needles:
        assert needle in output, (needle, output)


def test_a_listed_file_replaced_by_a_link_to_an_identical_copy_outside_fails(archive, tmp_path):
    outside = tmp_path / "outside.md"
    shutil.copy2(archive / INDEX, outside)  # same bytes, same checksum
    (archive / INDEX).unlink()
    (archive / INDEX).symlink_to(outside)
    assert_clean_failure(run("verify", archive), f"replaced {INDEX} (by a symbolic link; not read)")


def test_a_folder_replaced_by_a_link_to_an_identical_copy_outside_fails(archive, tmp_path):
    outside = tmp_path / "all-copy"
    shutil.copytree(archive / "all", outside)
    shutil.rmtree(archive / "all")
    (archive / "all").symlink_to(outside, target_is_directory=True)
    assert_clean_failure(
        run("verify", archive),
        "extra    all (symbolic link)",
        "missing  all/all_2024-12_zh-CN.md",
    )


def test_an_unlisted_link_is_reported_even_to_a_listed_file(archive):
    (archive / "all" / "again.md").symlink_to(archive / INDEX)
    assert_clean_failure(run("verify", archive), "extra    all/again.md (symbolic link)")


def test_every_file_deleted_with_an_empty_file_list_fails(archive):
    for entry in archive.iterdir():
        if entry.name != "manifest.json":
            shutil.rmtree(entry) if entry.is_dir() else entry.unlink()
    manifest = manifest_of(archive)
    manifest["files"] = []
    write_manifest(archive, manifest)
    assert_clean_failure(run("verify", archive), "manifest lists no files")


def test_a_report_deleted_with_its_manifest_entries_fails(archive):
    manifest = manifest_of(archive)
    manifest["files"] = [f for f in manifest["files"] if not f["path"].startswith("all/")]
    write_manifest(archive, manifest)
    shutil.rmtree(archive / "all")
    assert_clean_failure(
        run("verify", archive), "records 4 report(s) written but lists 3 .md report(s)"
    )


def test_the_index_files_must_be_listed(archive):
    manifest = manifest_of(archive)
    manifest["files"] = [f for f in manifest["files"] if f["path"] != "index.csv"]
    write_manifest(archive, manifest)
    (archive / "index.csv").unlink()
    assert_clean_failure(run("verify", archive), "manifest does not list index.csv")


def test_a_link_to_dev_zero_is_reported_not_read(archive):
    if not Path("/dev/zero").exists():
        pytest.skip("no /dev/zero here")
    (archive / "all" / "zero.bin").symlink_to("/dev/zero")
    (archive / REPORT).unlink()
    (archive / REPORT).symlink_to("/dev/zero")
    result = verify_in_subprocess(archive)
    assert_clean_subprocess_failure(
        result,
        "extra    all/zero.bin (symbolic link)",
        f"replaced {REPORT} (by a symbolic link; not read)",
    )


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this platform")
def test_a_fifo_is_reported_as_extra_and_never_opened(archive):
    os.mkfifo(archive / "all" / "pipe")
    (archive / REPORT).unlink()
    os.mkfifo(archive / REPORT)  # opening it for reading would wait for a writer forever
    result = verify_in_subprocess(archive)
    assert_clean_subprocess_failure(
        result, "extra    all/pipe (named pipe)", f"replaced {REPORT} (by a named pipe; not read)"
    )


def test_a_socket_is_reported_as_extra(archive):
    import socket

    if not hasattr(socket, "AF_UNIX"):
        pytest.skip("no Unix sockets on this platform")
    path = archive / "s"
    if len(str(path)) > 100:
        pytest.skip("socket path too long for this platform")
    with socket.socket(socket.AF_UNIX) as sock:
        sock.bind(str(path))
        assert_clean_failure(run("verify", archive), "extra    s (socket)")


def test_extra_folders_and_files_are_all_reported(archive):
    (archive / "empty").mkdir()
    (archive / "notes" / "deeper").mkdir(parents=True)
    (archive / "notes" / "deeper" / "x.txt").write_text("x")
    assert_clean_failure(
        run("verify", archive),
        "extra    empty (folder)",
        "extra    notes (folder)",
        "extra    notes/deeper (folder)",
        "extra    notes/deeper/x.txt",
    )


def test_a_planted_name_with_control_bytes_is_shown_escaped(archive):
    os.close(os.open(os.fsencode(archive / "all") + b"/\x1b[2Jbad\xff", os.O_CREAT | os.O_WRONLY))
    result = run("verify", archive)
    assert_clean_failure(result, "extra    all/\\x1b[2Jbad\\x")
    assert "\x1b" not in result.output


def test_duplicate_manifest_entries_fail(archive):
    manifest = manifest_of(archive)
    first = next(f for f in manifest["files"] if f["path"] == INDEX)
    manifest["files"].append(dict(first))
    write_manifest(archive, manifest)
    assert_clean_failure(run("verify", archive), "manifest lists 'index.md' 2 times")


def test_a_deeply_nested_manifest_is_a_clear_error(archive):
    depth = 200_000  # json would hit RecursionError long before this
    text = '{"files": [], "x": ' + "[" * depth + "]" * depth + "}"
    (archive / "manifest.json").write_text(text, encoding="utf-8")
    assert_clean_failure(run("verify", archive), "cannot read the manifest (nested 200001 levels")


def test_an_oversized_manifest_is_refused_unread(archive, monkeypatch):
    monkeypatch.setattr(verify_module, "MAX_MANIFEST_BYTES", 1000)
    assert_clean_failure(run("verify", archive), "over the 1,000 a reportgen manifest can be")


def test_a_manifest_that_is_a_link_is_refused(archive, tmp_path):
    outside = tmp_path / "manifest.json"
    shutil.copy2(archive / "manifest.json", outside)
    (archive / "manifest.json").unlink()
    (archive / "manifest.json").symlink_to(outside)
    assert_clean_failure(run("verify", archive), "the manifest is a symbolic link")


@pytest.mark.parametrize(
    ("path", "problem"),
    [
        ("../secret.txt", "a path outside the archive"),
        ("/etc/passwd", "a path outside the archive"),
        ("C:/Windows/win.ini", "a path outside the archive"),
        ("all/../../secret.txt", "a path outside the archive"),
        ("all//x.md", "a path outside the archive"),
        ("./index.md", "a path outside the archive"),
        ("all\\..\\..\\secret.txt", "a path with a control character or a backslash"),
        ("index.md\x00.png", "a path with a control character or a backslash"),
        ("", "an empty path"),
        ("manifest.json", "the manifest itself as a file"),
        ("a/" * 600 + "x", "a path over 1024 characters"),
    ],
)
def test_a_manifest_path_must_be_relative_and_inside_the_archive(archive, path, problem):
    manifest = manifest_of(archive)
    manifest["files"].append({"path": path, "size": 1, "sha256": "0" * 64})
    write_manifest(archive, manifest)
    assert_clean_failure(run("verify", archive), f"lists {problem}")


def test_every_manifest_problem_is_listed_at_once(archive):
    manifest = manifest_of(archive)
    manifest["files"] += [
        {"path": "../a", "size": 1, "sha256": "0" * 64},
        {"path": "b", "size": True, "sha256": "0" * 64},
        {"path": "/c", "size": 1, "sha256": "0" * 64},
    ]
    write_manifest(archive, manifest)
    bad_size = f"file entry {len(manifest['files']) - 1} is not a path, a size and a sha256"
    assert_clean_failure(run("verify", archive), "3 problems", "'../a'", bad_size, "'/c'")


def test_many_problems_are_listed_together(archive):
    (archive / INDEX).write_text("changed")
    (archive / "index.csv").unlink()
    (archive / "planted.txt").write_text("x")
    result = run("verify", archive)
    assert_clean_failure(
        result,
        "1 missing, 1 extra, 1 changed",
        "missing  index.csv",
        "extra    planted.txt",
        f"changed  {INDEX} (size 7, expected",
    )


# --- the Word writer and Markdown: hostile names -----------------------------------------------

NAMES = {
    "control characters": ("A\x00B\x01C\x0bD\x1bE", "A B C D E"),
    "240 Latin letters": ("N" * 240, "N" * 240),
    "300 Latin letters": ("x" * 300, "x" * 300),
    "45 Chinese characters": ("张" * 45, "张" * 45),
    "300 Chinese characters": ("张" * 300, "张" * 300),
    "only control characters and spaces": ("\x01\x02 \t\x1b", "C001"),  # the id stands in
}


def document_text(path: Path) -> str:
    document = Document(str(path))
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


@pytest.fixture(scope="module")
def name_reports(tmp_path_factory):
    """Every hostile name's collector, team and all-collectors reports, written once."""
    outcomes = {}
    for key, (name, _visible) in NAMES.items():
        base = tmp_path_factory.mktemp("names")
        source = tiny_source(base / "data")
        spoil_cell(source, "collectors", 0, "name", name)
        for scope in (("--collector", "C001"), ("--team", "T01"), ("--all",)):
            result = run("report", source, "--period", PERIOD, *scope, "--out", base / "out")
            outcomes[key, scope[0]] = (result, base / "out")
    return outcomes


@pytest.mark.parametrize("scope", ["--collector", "--team", "--all"])
@pytest.mark.parametrize("key", list(NAMES))
def test_a_hostile_name_gives_a_word_file_showing_it(name_reports, key, scope):
    result, out = name_reports[key, scope]
    assert result.exit_code == 0, result.output + result.stderr
    stem = {"--collector": "C001", "--team": "team-T01", "--all": "all"}[scope]
    visible = NAMES[key][1]
    docx_path = out / f"{stem}_{PERIOD}_zh-CN.docx"
    assert visible in document_text(docx_path)
    markdown = (out / f"{stem}_{PERIOD}_zh-CN.md").read_text(encoding="utf-8")
    assert visible in markdown
    assert not any(unicodedata.category(ch) == "Cc" and ch != "\n" for ch in markdown)
    core = Document(str(docx_path)).core_properties
    assert len(core.title) <= 255 and len(core.subject) <= 255
    if scope == "--collector":
        assert core.title.startswith(visible[:200])


def tiny_png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (20, 10), "white").save(buffer, format="png", dpi=(150, 150))
    return buffer.getvalue()


def test_the_word_writer_cleans_every_field_it_writes():
    """Text that reaches the writer without the model's cleaning (notes, an organisation's
    templates and name) is made XML-safe everywhere and bounded where a limit exists."""
    bad = "X\x00\x01\x0b\x1b\x7f\ud800\udfff\ufffeY"
    long = "长" * 300 + bad
    markdown = (
        f"# {bad} {long}\n\n"
        f"A paragraph with {bad}.\n\n"
        f"| name | figure |\n|---|---:|\n| {bad} | 1 |\n\n"
        f"![{bad}](chart.png)\n\n"
        f"[{bad}](https://example.com/a)\n"
    )
    properties = DocProperties(
        title=long,
        subject=long,
        author=long,
        period_start=date(2024, 12, 1),
        period_end="2024-12-31",
        language="zh-CN",
        header_text=long,
    )
    data = render_docx(markdown, {"chart.png": tiny_png()}, properties, Config())
    document = Document(io.BytesIO(data))
    text = document_text_from(document)
    assert "长" * 300 in text and "A paragraph with X" in text
    assert not [ch for ch in text if not readable(ch)]
    core = document.core_properties
    for value in (core.title, core.subject, core.author, core.last_modified_by):
        assert len(value) == 255 and value.endswith("…") and "\x00" not in value
    header = document.sections[0].header.paragraphs[0].text
    assert header.endswith("…") and display_width(header) <= 90
    (description,) = {
        element.get("descr") for element in document.element.body.iter() if element.get("descr")
    }
    assert description.startswith("X") and description.endswith("Y")
    assert all(readable(ch) for ch in description)


def readable(character: str) -> bool:
    """Not a control character (but a line break), a surrogate or a non-character."""
    category = unicodedata.category(character)
    return character == "\n" or (category not in ("Cc", "Cs") and character not in "\ufffe\uffff")


def document_text_from(document) -> str:
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


# --- charts: long and hostile category labels ---------------------------------------------------

LABELS = {
    "45 Chinese": "张" * 45,
    "300 Chinese": "张" * 300,
    "45 Latin": "Abcdefghij" * 4 + "Abcde",
    "300 Latin": "x" * 300,
    "only control characters": "\x00\x01\x1b\x7f",
    "only whitespace": " \t\n\u3000 ",
}


@pytest.mark.parametrize("key", list(LABELS))
def test_a_category_label_fits_its_width(key):
    label = category_label(LABELS[key])
    assert display_width(label) <= MAX_LABEL_COLUMNS
    assert not any(unicodedata.category(ch) == "Cc" for ch in label)
    if display_width(LABELS[key]) > MAX_LABEL_COLUMNS and label:
        assert label.endswith("…")


def test_a_short_label_is_kept_whole():
    assert category_label("王小明") == "王小明"
    assert category_label("Wang  Xiao\tming") == "Wang Xiao ming"


@pytest.mark.parametrize("kind", ["bar", "bar_line"])
def test_charts_of_hostile_names_draw_at_the_fixed_size(kind):
    categories = tuple(LABELS.values()) + ("王小明",)
    values = tuple(float(i + 1) * 1000 for i in range(len(categories)))
    series = (("recovered", values),)
    if kind == "bar_line":
        series += (("rate", tuple(0.1 for _ in categories)),)
    spec = ChartSpec(
        name="members",
        kind=kind,
        title="成员回收金额",
        categories=categories,
        series=series,
        value_axis_label="回收金额（元）",
        line_axis_label="回收率" if kind == "bar_line" else "",
    )
    image = Image.open(io.BytesIO(render_chart(spec, "zh-CN", "png")))
    assert image.size == (960, 540)
    assert render_chart(spec, "zh-CN") == render_chart(spec, "zh-CN")
    # Every bar and tick stays on the page, however long the names around them.
    svg = render_chart(spec, "zh-CN").decode()
    for x, width in re.findall(r'<rect x="([-\d.]+)" y="[-\d.]+" width="([\d.]+)"', svg):
        assert float(x) >= 0 and float(x) + float(width) <= 460.8


def test_verify_reads_an_unterminated_manifest_string_in_one_pass(tmp_path):
    # Scanning an unterminated string from every later quote took time growing with the
    # square of its length: 400,000 escapes would not finish in an hour.
    folder = tmp_path / "archive"
    folder.mkdir()
    (folder / "manifest.json").write_text('{"files": "' + '\\"' * 400_000)
    result = subprocess.run(
        [sys.executable, "-m", "reportgen", "verify", str(folder)],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 1
    assert "Unterminated string" in result.stderr
