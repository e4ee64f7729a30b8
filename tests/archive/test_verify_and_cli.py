"""reportgen verify, the archive and verify commands, and killing a run partway."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from reportgen import cli as cli_module
from reportgen.archive import ArchiveOptions, build_archive, verify_archive
from reportgen.config import Config
from reportgen.scope import Scope

HERE = Path(__file__).resolve().parent


@pytest.fixture
def archive(tiny, tmp_path) -> Path:
    out = tmp_path / "archive"
    options = ArchiveOptions.build(languages="zh-CN", formats="md,docx", jobs=1)
    build_archive(tiny, "2024-09", Config(), options, out)
    return out


def test_verify_names_a_changed_a_missing_and_an_extra_file(archive):
    changed = archive / "collectors/C001/C001_2024-09_zh-CN.md"
    data = bytearray(changed.read_bytes())
    data[2] ^= 0x01  # one byte, same size: only the checksum can tell
    changed.write_bytes(bytes(data))
    (archive / "teams/T02/team-T02_2024-09_zh-CN.docx").unlink()
    (archive / "all/notes.txt").write_text("added later")
    (archive / "index.csv").write_bytes((archive / "index.csv").read_bytes() + b"x")

    outcome = verify_archive(archive)
    assert not outcome.ok
    assert outcome.missing == ("teams/T02/team-T02_2024-09_zh-CN.docx",)
    assert outcome.extra == ("all/notes.txt",)
    assert [c.path for c in outcome.changed] == [
        "collectors/C001/C001_2024-09_zh-CN.md",
        "index.csv",
    ]
    text = outcome.describe()
    assert "1 missing, 1 extra, 2 changed" in text
    assert "missing  teams/T02/team-T02_2024-09_zh-CN.docx" in text
    assert "extra    all/notes.txt" in text
    assert "changed  collectors/C001/C001_2024-09_zh-CN.md (sha256 " in text
    assert "changed  index.csv (size " in text

    result = CliRunner().invoke(cli_module.cli, ["verify", str(archive)])
    assert result.exit_code == 1
    assert "missing  teams/T02/team-T02_2024-09_zh-CN.docx" in result.output


def test_verify_passes_on_an_untouched_archive(archive):
    result = CliRunner().invoke(cli_module.cli, ["verify", str(archive)])
    assert result.exit_code == 0, result.output
    listed = len(json.loads((archive / "manifest.json").read_text())["files"])
    assert result.output == f"{archive}: all {listed} file(s) match manifest.json\n"


def test_verify_without_a_readable_manifest_is_a_clear_error(archive, tmp_path):
    (archive / "manifest.json").write_text("{not json", encoding="utf-8")
    result = CliRunner().invoke(cli_module.cli, ["verify", str(archive)])
    assert result.exit_code == 1
    assert "cannot read the manifest" in result.output and "Traceback" not in result.output

    (archive / "manifest.json").write_text('{"files": [{"path": 1}]}', encoding="utf-8")
    result = CliRunner().invoke(cli_module.cli, ["verify", str(archive)])
    assert result.exit_code == 1 and "not a reportgen manifest" in result.output

    outside = '{"files": [{"path": "../secret.txt", "size": 1, "sha256": "00"}]}'
    (archive / "manifest.json").write_text(outside, encoding="utf-8")
    result = CliRunner().invoke(cli_module.cli, ["verify", str(archive)])
    assert result.exit_code == 1 and "lists a path outside the archive" in result.output

    empty = tmp_path / "empty"
    empty.mkdir()
    result = CliRunner().invoke(cli_module.cli, ["verify", str(empty)])
    assert result.exit_code == 1 and "no manifest.json" in result.output


def test_archive_command_prints_every_file_and_exits_1_on_a_failed_report(
    tiny, fake, tmp_path, monkeypatch
):
    monkeypatch.setattr(cli_module, "_load", lambda *args: (Config(), tiny))
    fake.FAIL_SCOPES.add(Scope.team("T02"))
    out = tmp_path / "archive"
    args = ["archive", "src", "-p", "2024-09", "--out", str(out), "--format", "md", "-j", "1"]
    result = CliRunner().invoke(cli_module.cli, args)
    assert result.exit_code == 1
    printed = result.stdout.splitlines()
    on_disk = sorted(str(p) for p in out.rglob("*") if p.is_file())
    assert sorted(printed) == on_disk
    assert "5 of 6 report(s) written, 1 failed" in result.stderr
    assert "team T02 (zh-CN): ValueError: cannot render T02" in result.stderr

    again = CliRunner().invoke(cli_module.cli, args)
    assert again.exit_code == 1 and "already exists; use --force" in again.stderr
    fake.FAIL_SCOPES.clear()
    forced = CliRunner().invoke(cli_module.cli, [*args, "--force", "--lang", "en,zh-TW"])
    assert forced.exit_code == 0, forced.output
    assert (out / "teams/T02/team-T02_2024-09_zh-TW.md").is_file()
    assert not (out / "teams/T01/team-T01_2024-09_zh-CN.md").exists()


_KILLABLE_RUN = """
import sys
from pathlib import Path
sys.path.insert(0, {here!r})
import fake_pipeline
fake_pipeline.install(sys.modules)
from reportgen.archive import ArchiveOptions, build_archive
from reportgen.config import Config
dataset = fake_pipeline.tiny_dataset(Path(sys.argv[1]))
options = ArchiveOptions.build(languages="zh-CN,en", formats="md,docx", jobs=1)
build_archive(dataset, "2024-09", Config(), options, Path(sys.argv[2]), force=True)
"""


def _start_slow_run(tmp_path: Path, out: Path, delay: float) -> subprocess.Popen:
    env = {**os.environ, "FAKE_RENDER_DELAY": str(delay)}
    script = _KILLABLE_RUN.format(here=str(HERE))
    return subprocess.Popen(
        [sys.executable, "-c", script, str(tmp_path / "source"), str(out)],
        env=env,
        stderr=subprocess.PIPE,
    )


def _wait_for_staged_files(tmp_path: Path, name: str, count: int) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        staged = [p for d in tmp_path.glob(f"{name}.tmp-*") for p in d.rglob("*.md")]
        if len(staged) >= count:
            return
        time.sleep(0.02)
    raise AssertionError("the run never started writing")


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_terminating_a_run_leaves_no_archive_and_no_staging_folder(tmp_path, sig):
    out = tmp_path / "archive"
    process = _start_slow_run(tmp_path, out, delay=0.2)
    _wait_for_staged_files(tmp_path, "archive", 3)
    process.send_signal(sig)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode != 0
    assert b"KeyboardInterrupt" in stderr
    assert not out.exists()
    assert not list(tmp_path.glob("archive.*"))


def test_killing_a_forced_run_leaves_the_old_archive_whole(tiny, tmp_path):
    out = tmp_path / "archive"
    options = ArchiveOptions.build(languages="zh-TW", formats="md", jobs=1)
    build_archive(tiny, "2024-09", Config(), options, out)
    old_manifest = (out / "manifest.json").read_bytes()

    process = _start_slow_run(tmp_path, out, delay=0.2)
    _wait_for_staged_files(tmp_path, "archive", 3)
    process.kill()  # SIGKILL: no clean-up is possible, yet DIR must be the old archive
    process.communicate(timeout=60)
    assert (out / "manifest.json").read_bytes() == old_manifest
    assert verify_archive(out).ok
