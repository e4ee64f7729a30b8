"""The corpus's starting point is valid, so each hostile case differs from it in one thing."""

from __future__ import annotations

from hostile.corpus import PERIOD, run, tiny_source


def test_the_tiny_source_validates_and_reports(tmp_path):
    source = tiny_source(tmp_path / "data")
    assert run("validate", source).exit_code == 0
    result = run(
        "report", source, "--period", PERIOD, "--collector", "C001", "--out", tmp_path / "out"
    )
    assert result.exit_code == 0, result.output
    assert sorted(p.suffix for p in (tmp_path / "out").iterdir() if p.is_file()) == [
        ".docx",
        ".md",
    ]
