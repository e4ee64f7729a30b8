"""Safe writing: atomic replacement and refusal to overwrite without --force."""

from pathlib import Path

import pytest

from reportgen.errors import OutputError
from reportgen.output import refuse_existing, write_atomic


def test_write_atomic_creates_folders_and_leaves_no_temporary(tmp_path: Path) -> None:
    target = tmp_path / "a" / "b" / "report.md"
    write_atomic(target, "工作總結\n")
    assert target.read_text(encoding="utf-8") == "工作總結\n"
    assert [p.name for p in target.parent.iterdir()] == ["report.md"]


def test_write_atomic_failure_keeps_old_file(tmp_path: Path, monkeypatch) -> None:
    target = tmp_path / "report.md"
    target.write_text("old", encoding="utf-8")

    def broken_replace(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr("reportgen.output.os.replace", broken_replace)
    with pytest.raises(OutputError, match="cannot write .*report.md: disk full"):
        write_atomic(target, b"new")
    assert target.read_text(encoding="utf-8") == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["report.md"]


def test_refuse_existing_lists_every_existing_file(tmp_path: Path) -> None:
    (tmp_path / "one.md").write_text("x")
    (tmp_path / "two.docx").write_text("x")
    paths = [tmp_path / "one.md", tmp_path / "two.docx", tmp_path / "new.md"]
    with pytest.raises(OutputError) as raised:
        refuse_existing(paths, force=False)
    assert "2 file(s) already exist" in str(raised.value)
    assert "one.md" in str(raised.value) and "two.docx" in str(raised.value)
    refuse_existing(paths, force=True)
