"""build_archive on a tiny hand-made dataset with the fake renderer: layout, index, manifest,
failures, notes, replacement and interruption."""

from __future__ import annotations

import csv
import io
import json
import os
import stat
from pathlib import Path

import pytest

from reportgen.archive import ArchiveOptions, build_archive, verify_archive
from reportgen.config import Config
from reportgen.errors import OutputError, ReportgenError
from reportgen.scope import Scope


def _options(**changes) -> ArchiveOptions:
    settings = {"languages": "zh-CN", "formats": "md", "jobs": 1} | changes
    return ArchiveOptions.build(**settings)


def _run(dataset, out: Path, **changes):
    force = changes.pop("force", False)
    return build_archive(dataset, "2024-09", Config(), _options(**changes), out, force=force)


def _files(folder: Path) -> list[str]:
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())


def _index_rows(folder: Path) -> list[dict[str, str]]:
    raw = (folder / "index.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # BOM, so Excel reads UTF-8
    return list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))


def test_every_scope_gets_its_own_folder_and_the_index_and_manifest(tiny, tmp_path):
    out = tmp_path / "archive"
    result = _run(tiny, out, languages="zh-CN,en")

    scopes = [f"collectors/{c}/{c}" for c in ("C001", "C002", "C003")]
    scopes += [f"teams/{t}/team-{t}" for t in ("T01", "T02")] + ["all/all"]
    expected = [f"{s}_2024-09_{lang}.md" for s in scopes for lang in ("zh-CN", "en")]
    expected += [f"{s}_2024-09_{lang}_files/chart.png" for s in scopes for lang in ("zh-CN", "en")]
    assert _files(out) == sorted(expected + ["index.csv", "index.md", "manifest.json"])
    assert result.reports == 12 and result.failures == []
    assert sorted(result.written) == sorted(out / f for f in _files(out))
    assert not list(tmp_path.glob("archive.tmp-*"))  # the staging folder was renamed in
    # C001: 100.10 + 200.20 in September = 300.30 exactly; team T01 the same, everyone 305.30
    assert "recovered 300.30" in (out / "collectors/C001/C001_2024-09_en.md").read_text()
    assert "recovered 305.30" in (out / "all/all_2024-09_zh-CN.md").read_text()
    assert verify_archive(out).ok


def test_index_csv_lists_every_report_with_figures_and_inert_formulas(tiny, tmp_path):
    out = tmp_path / "archive"
    _run(tiny, out, formats="md,docx")
    rows = _index_rows(out)

    assert [(r["kind"], r["id"], r["language"]) for r in rows] == [
        ("collector", "C001", "zh-CN"),
        ("collector", "C002", "zh-CN"),
        ("collector", "C003", "zh-CN"),
        ("team", "T01", "zh-CN"),
        ("team", "T02", "zh-CN"),
        ("all", "", "zh-CN"),
    ]
    c001, c002, c003, t01, t02, everyone = rows
    assert c001["name"] == "张三" and c001["team_name"] == "一组"
    assert c001["recovered_amount"] == "300.30"
    assert c001["recovery_rate"] == repr(300.30 / 1000)
    assert c001["connect_rate"] == ""  # null stays blank, never 0
    assert c001["files"] == (
        "collectors/C001/C001_2024-09_zh-CN.docx collectors/C001/C001_2024-09_zh-CN.md"
    )
    assert c001["status"] == "ok" and c001["error"] == ""
    # cells Excel would run as formulas get a leading quote
    assert c002["name"] == '\'=HYPERLINK("x")'
    assert c003["team_name"] == "'-二组" and t02["name"] == "'-二组"
    assert c002["recovered_amount"] == "0.00" and c002["recovery_rate"] == ""
    assert t01["recovered_amount"] == "300.30" and everyone["recovered_amount"] == "305.30"


def test_index_md_escapes_table_cells(tiny, tmp_path):
    out = tmp_path / "archive"
    _run(tiny, out, languages="en")
    text = (out / "index.md").read_text(encoding="utf-8")
    assert text.startswith("# Work summaries archive, 2024-09\n\n6 reports: 6 written, 0 failed.")
    line = next(row for row in text.splitlines() if "| C003 |" in row)
    assert "| Li \\| Si |" in line and "| 5.00 | 0.5% |" in line
    assert "[C003\\_2024-09\\_en.md](<collectors/C003/C003_2024-09_en.md>)" in line


def test_a_failing_report_is_recorded_and_the_rest_are_written(tiny, fake, tmp_path):
    fake.FAIL_SCOPES.add(Scope.collector("C002"))
    out = tmp_path / "archive"
    result = _run(tiny, out)

    assert [(f.scope, f.language) for f in result.failures] == [(Scope.collector("C002"), "zh-CN")]
    assert result.failures[0].error == "ValueError: cannot render C002"
    assert not (out / "collectors/C002").exists()
    assert (out / "collectors/C001/C001_2024-09_zh-CN.md").is_file()
    assert (out / "collectors/C003/C003_2024-09_zh-CN.md").is_file()
    assert "5 of 6 report(s) written, 1 failed" in result.summary()
    assert "collector C002 (zh-CN): ValueError: cannot render C002" in result.summary()

    c002 = next(row for row in _index_rows(out) if row["id"] == "C002")
    assert (c002["status"], c002["error"], c002["files"]) == (
        "failed",
        "ValueError: cannot render C002",
        "",
    )
    assert "ValueError: cannot render C002" in (out / "index.md").read_text(encoding="utf-8")
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["reports"] == {
        "total": 6,
        "written": 5,
        "failed": [
            {
                "kind": "collector",
                "id": "C002",
                "language": "zh-CN",
                "error": "ValueError: cannot render C002",
            }
        ],
    }
    assert verify_archive(out).ok


def test_manifest_lists_files_inputs_config_and_is_deterministic(tiny, tmp_path):
    first, second = tmp_path / "one", tmp_path / "two"
    _run(tiny, first, languages="en,zh-TW", formats="docx,md")
    _run(tiny, second, languages="en,zh-TW", formats="docx,md")
    assert (first / "manifest.json").read_bytes() == (second / "manifest.json").read_bytes()
    for name in _files(first):
        assert (first / name).read_bytes() == (second / name).read_bytes(), name

    manifest = json.loads((first / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["period"] == {"label": "2024-09", "start": "2024-09-01", "end": "2024-09-30"}
    assert manifest["languages"] == ["en", "zh-TW"] and manifest["formats"] == ["docx", "md"]
    listed = [entry["path"] for entry in manifest["files"]]
    assert listed == sorted(listed) == [f for f in _files(first) if f != "manifest.json"]
    import hashlib

    entry = next(e for e in manifest["files"] if e["path"] == "index.csv")
    data = (first / "index.csv").read_bytes()
    assert entry == {
        "path": "index.csv",
        "size": len(data),
        "sha256": hashlib.sha256(data).hexdigest(),
    }
    source = tmp_path / "source"
    assert [(i["name"], i["tables"]) for i in manifest["inputs"]] == [
        ("accounts.csv", ["accounts"]),
        ("collectors.csv", ["collectors"]),
        ("payments.csv", ["payments"]),
    ]
    assert (
        manifest["inputs"][1]["sha256"]
        == hashlib.sha256((source / "collectors.csv").read_bytes()).hexdigest()
    )
    settings = manifest["configuration"]["settings"]
    assert manifest["configuration"]["file"] is None
    assert settings["buckets"] == {
        "lower_bounds": [1, 31, 61, 91],
        "labels": ["M1", "M2", "M3", "M4+"],
    }
    assert settings["compliance"]["cn"]["day_end"] == "22:00:00"
    assert "source" not in settings
    assert str(tmp_path) not in (first / "manifest.json").read_text(encoding="utf-8")


def test_existing_folder_is_refused_without_force_and_replaced_whole_with_it(tiny, tmp_path):
    out = tmp_path / "archive"
    _run(tiny, out, languages="en")
    (out / "collectors/C001/stale.txt").write_text("left from an old run")
    before = (out / "manifest.json").read_bytes()

    with pytest.raises(OutputError, match="already exists; use --force"):
        _run(tiny, out, languages="zh-CN")
    assert (out / "manifest.json").read_bytes() == before

    _run(tiny, out, languages="zh-CN", force=True)
    assert not any("_en" in name or "stale" in name for name in _files(out))
    assert (out / "collectors/C001/C001_2024-09_zh-CN.md").is_file()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["archive", "source"]  # nothing aside
    assert verify_archive(out).ok


def test_force_never_replaces_a_folder_that_is_not_an_archive(tiny, tmp_path):
    out = tmp_path / "documents"
    out.mkdir()
    (out / "thesis.docx").write_bytes(b"precious")
    with pytest.raises(OutputError, match="not a reportgen archive"):
        _run(tiny, out, force=True)
    assert _files(out) == ["thesis.docx"]


def test_an_interruption_leaves_no_folder_and_no_staging(tiny, fake, tmp_path, monkeypatch):
    calls = []

    def interrupted(self, model, notes=None):
        calls.append(model.scope)
        if len(calls) == 3:
            raise KeyboardInterrupt
        return original(self, model, notes)

    original = fake.Renderer.render
    monkeypatch.setattr(fake.Renderer, "render", interrupted)
    with pytest.raises(KeyboardInterrupt):
        _run(tiny, tmp_path / "archive")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["source"]


def test_notes_go_to_their_reports(tiny, tmp_path):
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "C003.yaml").write_text("problems:\n  - 客户失业较多。\n", encoding="utf-8")
    (notes / "team-T01.yml").write_text("problems: 组内人手不足。\n", encoding="utf-8")
    (notes / "all.yaml").write_text("problems: [全中心]\n", encoding="utf-8")
    (notes / "README.txt").write_text("not notes", encoding="utf-8")
    out = tmp_path / "archive"
    _run(tiny, out, notes_dir=notes)
    assert "客户失业较多。" in (out / "collectors/C003/C003_2024-09_zh-CN.md").read_text()
    assert "组内人手不足。" in (out / "teams/T01/team-T01_2024-09_zh-CN.md").read_text()
    assert "全中心" in (out / "all/all_2024-09_zh-CN.md").read_text()
    assert "客户" not in (out / "collectors/C001/C001_2024-09_zh-CN.md").read_text()
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert [n["name"] for n in manifest["notes"]] == ["C003.yaml", "all.yaml", "team-T01.yml"]


def test_notes_naming_no_one_stop_the_run_before_anything_is_written(tiny, tmp_path):
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "C999.yaml").write_text("problems: [x]\n", encoding="utf-8")
    (notes / "team-T09.yaml").write_text("problems: [x]\n", encoding="utf-8")
    (notes / "C001.yaml").write_text("problemz: [x]\n", encoding="utf-8")
    (notes / "C003.yaml").write_text("problems: [x]\n", encoding="utf-8")
    (notes / "C003.yml").write_text("problems: [y]\n", encoding="utf-8")
    with pytest.raises(ReportgenError) as caught:
        _run(tiny, tmp_path / "archive", notes_dir=notes)
    message = str(caught.value)
    assert message.startswith(f"4 problem(s) in the notes folder {notes}:")
    assert f"{notes / 'C999.yaml'}: 'C999' is not on the roster" in message
    assert f"{notes / 'team-T09.yaml'}: 'team-T09' is not on the roster" in message
    assert "unknown section 'problemz'" in message
    assert f"{notes / 'C003.yml'}: a second notes file for 'C003'" in message
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes", "source"]


def test_unknown_language_or_format_is_refused():
    with pytest.raises(ReportgenError, match="unknown language 'fr'"):
        ArchiveOptions.build(languages="zh-CN,fr")
    with pytest.raises(ReportgenError, match="unknown format 'html'"):
        ArchiveOptions.build(languages="en", formats="md,html")
    assert ArchiveOptions.build(languages="en").formats == ("md", "docx", "pdf")
    options = ArchiveOptions.build(languages=" en, zh-CN ,en", formats="docx", jobs=None)
    assert options.languages == ("en", "zh-CN") and options.formats == ("docx",)
    assert options.jobs >= 1


def test_the_archive_is_readable_by_others_as_the_umask_allows(tiny, tmp_path):
    previous = os.umask(0o022)
    try:
        out = tmp_path / "archive"
        _run(tiny, out)
    finally:
        os.umask(previous)
    assert stat.S_IMODE(out.stat().st_mode) == 0o755
    assert stat.S_IMODE((out / "index.csv").stat().st_mode) == 0o644
    report = out / "collectors/C001/C001_2024-09_zh-CN.md"
    assert stat.S_IMODE(report.stat().st_mode) == 0o644


def test_a_scope_whose_model_cannot_be_built_fails_alone(tiny, fake, tmp_path, monkeypatch):
    import sys

    def build_models(engine, period, scopes, config):
        if Scope.collector("C003") in scopes:
            raise ZeroDivisionError("division by zero")
        return fake.build_report_models(engine, period, scopes, config)

    monkeypatch.setattr(sys.modules["reportgen.render.report"], "build_report_models", build_models)
    out = tmp_path / "archive"
    result = _run(tiny, out, languages="zh-CN,en")
    assert [(f.scope.id, f.language, f.error) for f in result.failures] == [
        ("C003", "zh-CN", "ZeroDivisionError: division by zero"),
        ("C003", "en", "ZeroDivisionError: division by zero"),
    ]
    assert not (out / "collectors/C003").exists()
    assert (out / "teams/T02/team-T02_2024-09_en.md").is_file()
    statuses = [(r["id"], r["language"], r["status"]) for r in _index_rows(out)]
    assert statuses[4:6] == [("C003", "zh-CN", "failed"), ("C003", "en", "failed")]


def test_a_failure_of_the_periods_own_metrics_is_raised_once_not_per_scope(
    tiny, fake, tmp_path, monkeypatch
):
    """Only a scope's own model may fail alone; when the period's metrics cannot be
    computed at all, the run stops with that error rather than trying every scope."""
    calls = []

    def period_metrics(self, period):
        calls.append(period.label)
        raise RuntimeError("the query died")

    monkeypatch.setattr(fake.FakeEngine, "period_metrics", period_metrics)
    out = tmp_path / "archive"
    with pytest.raises(RuntimeError, match="the query died"):
        _run(tiny, out, languages="zh-CN")
    assert len(calls) == 2  # the one call for every scope, and the retry before scope by scope
    assert not out.exists()


def test_a_blank_name_is_blank_in_the_index_not_nan(tiny, tmp_path):
    tiny.collectors.loc[0, "name"] = None
    tiny.collectors.loc[2, "team_name"] = None
    out = tmp_path / "archive"
    _run(tiny, out)
    c001, _, c003 = _index_rows(out)[:3]
    assert (c001["id"], c001["name"]) == ("C001", "")
    assert (c003["team_id"], c003["team_name"]) == ("T02", "T02")  # team_name falls back to id
    assert "nan" not in (out / "index.md").read_text(encoding="utf-8")


def test_folders_left_by_a_killed_run_are_named_not_deleted(tiny, tmp_path):
    # SIGKILL gives a run no chance to clean up; the next run points at what it left.
    left = tmp_path / "archive.tmp-k1ll3d"
    left.mkdir()
    result = _run(tiny, tmp_path / "archive")
    assert result.leftovers == [left]
    assert "killed (safe to delete)" in result.summary() and str(left) in result.summary()
    assert left.is_dir()
