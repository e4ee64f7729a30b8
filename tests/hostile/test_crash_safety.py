"""Killed with SIGKILL at several points, a run leaves no partial output and no process.

``kill -9`` gives reportgen no chance to clean up, so what is checked is what the
design promises by construction: files are staged and moved into place whole;
worker processes end themselves when reportgen is gone; the next run removes the
staging folder of a dead run and just works.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from hostile.corpus import PERIOD, tiny_source

pytestmark = pytest.mark.skipif(not Path("/proc").is_dir(), reason="needs /proc to find processes")


def _start(*args: str | Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "reportgen", *map(str, args)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # its process group then holds every process it starts
    )


def _group_members(group: int) -> list[int]:
    members = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if fields[0] != "Z" and int(fields[2]) == group:
            members.append(int(entry.name))
    return members


def _kill_when(process: subprocess.Popen, ready: Callable[[], bool], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not ready() and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.01)
    if process.poll() is None:
        os.kill(process.pid, signal.SIGKILL)
    process.wait()


def _assert_no_process_left(group: int) -> None:
    deadline = time.monotonic() + 15
    while _group_members(group) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert _group_members(group) == [], "worker processes outlived the killed run"


def _visible(folder: Path) -> list[str]:
    if not folder.exists():
        return []
    return sorted(p.name for p in folder.iterdir() if not p.name.startswith("."))


def _hidden(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith("."))


REPORT_FILES = sorted(
    [f"C001_{PERIOD}_zh-CN.md", f"C001_{PERIOD}_zh-CN.docx", f"C001_{PERIOD}_zh-CN_files"]
)


# What a kill can leave visible: the first k entries of the publishing order.
_PUBLISHING_ORDER = [
    f"C001_{PERIOD}_zh-CN_files",
    f"C001_{PERIOD}_zh-CN.docx",
    f"C001_{PERIOD}_zh-CN.md",
]
PUBLISHED_SO_FAR = [sorted(_PUBLISHING_ORDER[:k]) for k in range(len(_PUBLISHING_ORDER) + 1)]


def _staging_appeared(out: Path) -> Callable[[], bool]:
    return lambda: out.exists() and any(p.name.startswith(".reportgen-") for p in out.iterdir())


@pytest.mark.parametrize("point", ["early", "while-staging", "after-a-second"])
def test_a_killed_report_leaves_nothing_partial_and_the_rerun_just_works(tmp_path, point):
    source = tiny_source(tmp_path / "data")
    out = tmp_path / "out"
    args = ("report", source, "--period", PERIOD, "--collector", "C001", "--out", out)
    process = _start(*args)
    started = time.monotonic()
    ready = {
        "early": lambda: time.monotonic() - started > 0.3,
        "while-staging": _staging_appeared(out),
        "after-a-second": lambda: time.monotonic() - started > 1.0,
    }[point]
    _kill_when(process, ready)
    _assert_no_process_left(process.pid)
    # Several renames are not one atomic step: a kill between them leaves the entries
    # moved so far, in publishing order (charts, Word, then the Markdown that links to
    # them), never the Markdown without the rest; the next run finishes the move.
    assert _visible(out) in PUBLISHED_SO_FAR, _visible(out)

    rerun = subprocess.run(
        [sys.executable, "-m", "reportgen", *map(str, args)],
        capture_output=True,
        text=True,
    )
    if _visible(out) == REPORT_FILES and rerun.returncode == 1:
        # The killed run had begun to publish: the rerun finished it, then refused to
        # overwrite the whole files without --force.
        assert "--force" in rerun.stderr
    else:
        assert rerun.returncode == 0, rerun.stderr
    assert _visible(out) == REPORT_FILES
    assert _hidden(out) == []


def _archive_points(parent: Path, name: str) -> dict[str, Callable[[], bool]]:
    def staged_files(minimum: int) -> Callable[[], bool]:
        def ready() -> bool:
            stagings = list(parent.glob(f"{name}.tmp-*"))
            return any(sum(1 for _ in s.rglob("*.md")) >= minimum for s in stagings)

        return ready

    return {
        "staging-created": lambda: any(parent.glob(f"{name}.tmp-*")),
        "first-report": staged_files(1),
        "several-reports": staged_files(3),
    }


@pytest.mark.parametrize("point", ["staging-created", "first-report", "several-reports"])
def test_a_killed_archive_with_two_jobs_leaves_no_worker_and_no_partial_archive(tmp_path, point):
    source = tiny_source(tmp_path / "data")
    parent = tmp_path / "archives"
    parent.mkdir()
    out = parent / "archive"
    args = ("archive", source, "--period", PERIOD, "--out", out, "--jobs", "2")
    args += ("--lang", "zh-CN,en", "--format", "md,docx")
    process = _start(*args)
    _kill_when(process, _archive_points(parent, "archive")[point])
    assert process.returncode == -signal.SIGKILL, "the run ended before the kill point"
    _assert_no_process_left(process.pid)
    # Either no archive at all, or a complete one that verifies.
    if out.exists():
        check = subprocess.run([sys.executable, "-m", "reportgen", "verify", str(out)])
        assert check.returncode == 0

    rerun = subprocess.run(
        [sys.executable, "-m", "reportgen", *map(str, args), "--force"],
        capture_output=True,
        text=True,
    )
    assert rerun.returncode == 0, rerun.stderr
    assert sorted(p.name for p in parent.iterdir()) == ["archive"]
