"""Hostile cases: outputs never land over the data, outside --out, or over someone's folder.

Root causes covered: ``archive --force`` replacing any folder holding a file named
manifest.json (the data folder or its parent included); ``report`` building file names
from raw ids (``../../x``, absolute paths, very long names, invisible characters); a
link inside --out pointing elsewhere; writes to a disk that refuses them.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hostile.corpus import PERIOD, assert_clean_failure, run, spoil_rows, tiny_source
from reportgen.errors import OutputError
from reportgen.output import MAX_COMPONENT_BYTES, path_inside, safe_name


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {
        str(path.relative_to(folder)): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def _archive(source: Path, out: Path, *extra: str):
    return run("archive", source, "--period", PERIOD, "--out", out, "--format", "md", *extra)


# --------------------------------------------------------------- archive --force


def test_archive_force_into_the_data_folder_is_refused_and_nothing_is_lost(tmp_path):
    source = tiny_source(tmp_path / "data")
    (source / "manifest.json").write_text('{"name": "some other tool"}')
    before = _snapshot(source)
    result = _archive(source, source, "--force")
    assert_clean_failure(result, "is the data source")
    assert _snapshot(source) == before


def test_archive_force_into_the_folder_holding_the_data_is_refused(tmp_path):
    source = tiny_source(tmp_path / "work" / "data")
    (tmp_path / "work" / "manifest.json").write_text("{}")
    before = _snapshot(tmp_path / "work")
    result = _archive(source, tmp_path / "work", "--force")
    assert_clean_failure(result, "holds the data source")
    assert _snapshot(tmp_path / "work") == before


def test_archive_inside_the_data_folder_is_refused_even_when_new(tmp_path):
    source = tiny_source(tmp_path / "data")
    result = _archive(source, source / "archive-2024")
    assert_clean_failure(result, "lies inside the data source")
    assert not (source / "archive-2024").exists()


def test_archive_force_never_replaces_a_folder_with_a_foreign_manifest(tmp_path):
    source = tiny_source(tmp_path / "data")
    out = tmp_path / "project"
    out.mkdir()
    (out / "manifest.json").write_text(json.dumps({"files": [], "format": "npm"}))
    (out / "thesis.docx").write_bytes(b"precious")
    assert_clean_failure(_archive(source, out, "--force"), "not a reportgen archive")
    assert (out / "thesis.docx").read_bytes() == b"precious"


def test_archive_force_never_replaces_a_folder_whose_manifest_is_a_link(tmp_path):
    source = tiny_source(tmp_path / "data")
    real = tmp_path / "real-archive"
    assert _archive(source, real).exit_code == 0
    out = tmp_path / "mine"
    out.mkdir()
    (out / "notes.txt").write_text("mine")
    (out / "manifest.json").symlink_to(real / "manifest.json")
    assert_clean_failure(_archive(source, out, "--force"), "not a reportgen archive")
    assert (out / "notes.txt").read_text() == "mine"


def test_archive_force_replaces_an_earlier_archive_whole(tmp_path):
    source = tiny_source(tmp_path / "data")
    out = tmp_path / "archive"
    assert _archive(source, out).exit_code == 0
    (out / "stray.txt").write_text("left by hand")
    result = _archive(source, out, "--force")
    assert result.exit_code == 0, result.output
    assert not (out / "stray.txt").exists()
    assert run("verify", out).exit_code == 0


# ------------------------------------------------------------------ report paths


@pytest.mark.parametrize("hostile_id", ["../../escaped", "/tmp/absolute-id", "a/../../b"])
def test_report_file_names_from_hostile_ids_stay_inside_out(tmp_path, hostile_id):
    source = tiny_source(tmp_path / "data")
    spoil_rows(source, "collectors", lambda rows: rows + [[hostile_id, "新人", "T01", "", "", ""]])
    out = tmp_path / "a" / "b" / "out"
    result = run("report", source, "--period", PERIOD, "--collector", hostile_id, "--out", out)
    assert result.exit_code == 0, result.output
    written = [Path(line) for line in result.stdout.splitlines() if line.strip()]
    assert written
    for path in written:
        assert os.path.realpath(path).startswith(os.path.realpath(out) + os.sep)
    outside = [p for p in tmp_path.rglob("*") if p.is_file() and out not in p.parents]
    assert all(source in p.parents for p in outside), outside


def test_report_with_a_very_long_id_gets_a_bounded_file_name(tmp_path):
    long_id = "催" * 300
    source = tiny_source(tmp_path / "data")
    spoil_rows(source, "collectors", lambda rows: rows + [[long_id, "新人", "T01", "", "", ""]])
    out = tmp_path / "out"
    result = run("report", source, "--period", PERIOD, "--collector", long_id, "--out", out)
    assert result.exit_code == 0, result.output
    for path in out.rglob("*"):
        assert len(path.name.encode("utf-8")) <= 255


def test_report_into_the_data_folder_is_refused(tmp_path):
    source = tiny_source(tmp_path / "data")
    before = _snapshot(source)
    result = run("report", source, "--period", PERIOD, "--collector", "C001", "--out", source)
    assert_clean_failure(result, "is the data source")
    assert _snapshot(source) == before


def test_report_refuses_to_write_through_a_link_that_leaves_out(tmp_path):
    source = tiny_source(tmp_path / "data")
    out = tmp_path / "out"
    out.mkdir()
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (out / f"C001_{PERIOD}_zh-CN_files").symlink_to(elsewhere)
    result = run(
        "report", source, "--period", PERIOD, "--collector", "C001", "--out", out, "--force"
    )
    assert_clean_failure(result, "resolves outside")
    assert list(elsewhere.iterdir()) == []


def test_report_rerun_with_force_replaces_the_chart_folder_whole(tmp_path):
    source = tiny_source(tmp_path / "data")
    out = tmp_path / "out"
    args = ("report", source, "--period", PERIOD, "--collector", "C001", "--out", out)
    assert run(*args).exit_code == 0
    charts = out / f"C001_{PERIOD}_zh-CN_files"
    (charts / "old-chart.png").write_bytes(b"from an earlier version")
    assert_clean_failure(run(*args), "already exist", "--force")
    assert run(*args, "--force").exit_code == 0
    assert not (charts / "old-chart.png").exists()
    assert not [p for p in out.iterdir() if p.name.startswith(".")]


def test_a_disk_that_refuses_writes_is_one_clear_error(tmp_path, monkeypatch):
    source = tiny_source(tmp_path / "data")

    def full_disk(_fd):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("reportgen.output.os.fsync", full_disk)
    out = tmp_path / "out"
    result = run("report", source, "--period", PERIOD, "--collector", "C001", "--out", out)
    assert_clean_failure(result, "No space left on device")
    assert [p for p in out.iterdir()] == []


def test_an_out_path_through_a_file_is_one_clear_error(tmp_path):
    source = tiny_source(tmp_path / "data")
    (tmp_path / "plain-file").write_text("x")
    out = tmp_path / "plain-file" / "reports"
    result = run("report", source, "--period", PERIOD, "--collector", "C001", "--out", out)
    assert_clean_failure(result, "plain-file")


# ------------------------------------------------------------- the name rules


@given(st.text(max_size=400))
def test_safe_names_are_single_bounded_components(identifier):
    name = safe_name(identifier)
    assert name not in ("", ".", "..")
    assert "/" not in name and "\\" not in name and "\x00" not in name
    assert len(name.encode("utf-8")) <= MAX_COMPONENT_BYTES
    assert name == name.strip(" .")


@given(st.text(max_size=200))
def test_a_safe_name_always_joins_inside_its_root(tmp_path_factory, identifier):
    root = tmp_path_factory.getbasetemp() / "root"
    assert path_inside(root, safe_name(identifier) + ".md").parent == root


@pytest.mark.parametrize("relative", ["../x", "/etc/passwd", "a/../../b", "", "c:x", "a/./b"])
def test_path_inside_refuses_paths_that_are_not_plain(tmp_path, relative):
    with pytest.raises(OutputError):
        path_inside(tmp_path, relative)


def test_two_long_ids_with_one_beginning_get_different_names():
    assert safe_name("A" * 300 + "1") != safe_name("A" * 300 + "2")


# ----------------------------------------------- what a run reads is never replaced


def test_archive_force_never_deletes_notes_kept_inside_the_old_archive(tmp_path):
    source = tiny_source(tmp_path / "data")
    out = tmp_path / "archive"
    assert _archive(source, out).exit_code == 0
    (out / "notes").mkdir()
    (out / "notes" / "C001.yaml").write_text("overview:\n  - 我的补充\n", encoding="utf-8")
    result = _archive(source, out, "--force", "--notes", out / "notes")
    assert_clean_failure(result, "holds the notes")
    assert (out / "notes" / "C001.yaml").read_text(encoding="utf-8") == "overview:\n  - 我的补充\n"


def test_report_force_never_replaces_a_folder_holding_the_data(tmp_path, monkeypatch):
    work = tmp_path / "work"
    source = tiny_source(work / f"C001_{PERIOD}_zh-CN_files")
    before = _snapshot(source)
    monkeypatch.chdir(work)
    result = run(
        "report", source.name, "--period", PERIOD, "--collector", "C001", "--out", ".",
        "--format", "md", "--force",
    )  # fmt: skip
    assert_clean_failure(result, "refusing to replace", "data source")
    assert _snapshot(source) == before


def test_report_force_never_replaces_a_folder_a_data_file_links_into(tmp_path):
    source = tiny_source(tmp_path / "data")
    charts = tmp_path / "out" / f"C001_{PERIOD}_zh-CN_files"
    charts.mkdir(parents=True)
    (source / "payments.csv").rename(charts / "payments.csv")
    (source / "payments.csv").symlink_to(charts / "payments.csv")
    result = run(
        "report", source, "--period", PERIOD, "--collector", "C001", "--out", tmp_path / "out",
        "--format", "md", "--force",
    )  # fmt: skip
    assert_clean_failure(result, "refusing to replace", "payments.csv")
    assert (charts / "payments.csv").is_file()


@pytest.mark.parametrize(
    "name",
    [
        "archive.tmp-2024-12-backup",
        "archive.tmp-1-0-abcdefgh",
        "archive.tmp-99999999999999999999-0-x",
    ],
)
def test_a_users_folder_that_looks_like_a_staging_folder_is_left_alone(tmp_path, name):
    source = tiny_source(tmp_path / "data")
    lookalike = tmp_path / "archives" / name
    lookalike.mkdir(parents=True)
    (lookalike / "precious.txt").write_text("mine")
    result = _archive(source, tmp_path / "archives" / "archive")
    assert result.exit_code == 0, result.output
    assert (lookalike / "precious.txt").read_text() == "mine"
