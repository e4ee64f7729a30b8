"""The real thing: `reportgen archive` on the bundled sample data, end to end.

The whole sample year is archived once through the command line (--jobs 2, Markdown,
Word and PDF); a two-collector cut of it is archived with --jobs 1 and --jobs 2, in English,
and the two archives must be byte-identical.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from pdf_checks import assert_pdf_a
from reportgen.archive import ArchiveOptions, build_archive, verify_archive
from reportgen.cli import cli
from reportgen.config import Config
from reportgen.data.dataset import TABLES, Dataset
from reportgen.data.load import load_source
from reportgen.errors import PeriodError
from reportgen.resources import sample_data_dir
from reportgen.scope import Scope

PERIOD = "2024"


@pytest.fixture(scope="module")
def sample():
    return load_source(sample_data_dir(), Config())


@pytest.fixture(scope="module")
def archive(tmp_path_factory) -> Path:
    """The whole sample year, through the command line, on two processes."""
    out = tmp_path_factory.mktemp("sample-archive") / "archive-2024"
    args = ["archive", str(sample_data_dir()), "-p", PERIOD, "--out", str(out), "-j", "2"]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    assert sorted(result.stdout.splitlines()) == sorted(
        str(p) for p in out.rglob("*") if p.is_file()
    )
    return out


@pytest.fixture(scope="module")
def small(sample) -> Dataset:
    """The sample cut down to two collectors of one team (4 reports), for the runs that
    compare archives: the same real pipeline, a third of the rendering time."""
    keep = ["C001", "C002"]
    tables = {}
    for name in TABLES:
        frame = sample.table(name)
        if frame is not None:
            tables[name] = frame[frame["collector_id"].isin(keep)].reset_index(drop=True)
    return Dataset(**tables, sources=sample.sources)


@pytest.fixture(scope="module")
def archives(tmp_path_factory, small) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("small-archives")
    for jobs in (1, 2):
        options = ArchiveOptions.build(languages="en", formats="md,docx", jobs=jobs)
        build_archive(small, PERIOD, Config(), options, root / f"jobs{jobs}")
    return root / "jobs1", root / "jobs2"


def _files(folder: Path) -> list[str]:
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())


def test_every_collector_and_team_has_its_review_and_report(archive, sample):
    roster = sample.collectors
    files = set(_files(archive))
    for cid in roster["collector_id"]:
        for suffix in ("md", "docx"):
            assert f"collectors/{cid}/{cid}_{PERIOD}_zh-CN.{suffix}" in files
    for tid in set(roster["team_id"]):
        for suffix in ("md", "docx"):
            assert f"teams/{tid}/team-{tid}_{PERIOD}_zh-CN.{suffix}" in files
    assert {"all/all_2024_zh-CN.md", "all/all_2024_zh-CN.docx"} <= files
    assert {"index.md", "index.csv", "manifest.json"} <= files
    assert any(name.endswith(".svg") for name in files)

    first = roster["collector_id"].iloc[0]
    review = (archive / f"collectors/{first}/{first}_{PERIOD}_zh-CN.md").read_text("utf-8")
    assert review.startswith("# ")
    for image in (line for line in review.splitlines() if line.startswith("![")):
        target = image[image.index("](") + 2 : -1]
        assert (archive / f"collectors/{first}" / target).is_file()


def test_every_pdf_of_the_archive_is_pdf_a_with_its_reports_title(archive):
    pdfs = sorted(archive.rglob("*.pdf"))
    assert len(pdfs) == len(list(archive.rglob("*.docx"))) > 0
    for pdf in pdfs:
        markdown = pdf.with_suffix(".md").read_text(encoding="utf-8")
        title = markdown.splitlines()[0].removeprefix("# ").replace("\\", "")
        assert_pdf_a(pdf.read_bytes(), "zh-CN", title)


def test_jobs_1_and_jobs_2_give_byte_identical_archives(archives):
    one, two = archives
    assert len(_files(one)) > 4 * 2 + 3  # 4 scopes in md and docx, charts, index, manifest
    assert _files(one) == _files(two)
    for name in _files(one):
        assert (one / name).read_bytes() == (two / name).read_bytes(), name


def test_index_figures_are_the_metrics(archive, sample):
    from reportgen.metrics import MetricsEngine
    from reportgen.periods import parse_period

    raw = (archive / "index.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    roster = sample.collectors
    assert len(rows) == len(roster) + roster["team_id"].nunique() + 1
    assert all(row["status"] == "ok" for row in rows)

    metrics = MetricsEngine(sample, Config()).period_metrics(parse_period(PERIOD))
    everyone = metrics.for_scope(Scope.everyone())
    last = rows[-1]
    assert last["kind"] == "all"
    assert last["recovered_amount"] == f"{everyone['recovered_amount']:.2f}"
    assert last["compliance_flags"] == str(everyone["compliance_flags"])
    assert float(last["connect_rate"]) == everyone["connect_rate"]


def test_verify_passes_then_names_a_changed_a_deleted_and_an_added_file(archive, tmp_path):
    archive = shutil.copytree(archive, tmp_path / "copy")
    assert verify_archive(archive).ok
    assert CliRunner().invoke(cli, ["verify", str(archive)]).exit_code == 0

    manifest = json.loads((archive / "manifest.json").read_text("utf-8"))
    reports = [e["path"] for e in manifest["files"] if e["path"].endswith(".md")]
    changed, deleted = reports[0], reports[1]
    data = bytearray((archive / changed).read_bytes())
    data[-2] ^= 0x20
    (archive / changed).write_bytes(bytes(data))
    (archive / deleted).unlink()
    (archive / "teams/extra.md").write_text("not archived", encoding="utf-8")

    result = CliRunner().invoke(cli, ["verify", str(archive)])
    assert result.exit_code == 1
    assert f"changed  {changed} (sha256 " in result.output
    assert f"missing  {deleted}" in result.output
    assert "extra    teams/extra.md" in result.output


def test_a_report_that_fails_amid_good_ones_is_recorded(small, tmp_path, monkeypatch):
    from reportgen.render import report

    original = report.Renderer.render

    def render(self, model, notes=None):
        if model.scope.id == "T01":
            raise RuntimeError("template exploded")
        return original(self, model, notes)

    monkeypatch.setattr(report.Renderer, "render", render)
    options = ArchiveOptions.build(languages="en", formats="md", jobs=1)
    result = build_archive(small, "2024-12", Config(), options, tmp_path / "a")
    assert [(f.scope, f.error) for f in result.failures] == [
        (Scope.team("T01"), "RuntimeError: template exploded")
    ]
    assert not (tmp_path / "a/teams/T01").exists()
    assert result.reports == 4  # C001, C002, T01, all
    written = sorted(p.name for p in (tmp_path / "a").rglob("*.md") if p.name != "index.md")
    assert written == ["C001_2024-12_en.md", "C002_2024-12_en.md", "all_2024-12_en.md"]
    assert "- team T01 (en): RuntimeError: template exploded" in (
        tmp_path / "a/index.md"
    ).read_text("utf-8")
    assert verify_archive(tmp_path / "a").ok


def test_sigterm_stops_the_worker_processes_and_leaves_nothing(tmp_path):
    out = tmp_path / "archive"
    command = [sys.executable, "-m", "reportgen", "archive", str(sample_data_dir())]
    command += ["-p", "2024-12", "--out", str(out), "-j", "2", "--format", "md"]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 120
    while not any(tmp_path.glob("archive.tmp-*/**/*.svg")):
        assert process.poll() is None, "the run ended before it could be interrupted"
        assert time.monotonic() < deadline, "the run never started writing"
        time.sleep(0.05)
    process.send_signal(signal.SIGTERM)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 1 and b"Aborted" in stderr
    assert list(tmp_path.iterdir()) == []


def test_a_period_the_data_does_not_cover_fails_before_anything_is_written(sample, tmp_path):
    options = ArchiveOptions.build(languages="en", formats="md", jobs=1)
    with pytest.raises(PeriodError, match="2030-01"):
        build_archive(sample, "2030-Q1", Config(), options, tmp_path / "archive")
    assert list(tmp_path.iterdir()) == []
