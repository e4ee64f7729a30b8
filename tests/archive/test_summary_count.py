"""The archive's summary counts the files the way verify does: those manifest.json lists."""

from __future__ import annotations

import re

from hostile.corpus import PERIOD, run, tiny_source


def test_the_summary_and_verify_count_the_same_files(tmp_path):
    source = tiny_source(tmp_path / "data")
    out = tmp_path / "archive"
    made = run("archive", source, "--period", PERIOD, "--out", out, "--format", "md,docx")
    assert made.exit_code == 0, made.output
    summary = re.search(r"(\d+) file\(s\) listed in manifest.json", made.stderr)
    checked = re.search(r"all (\d+) file\(s\) match", run("verify", out).output)
    assert summary and checked
    assert summary.group(1) == checked.group(1)
