"""A run killed between the renames that move a report's files into place.

Several renames cannot be one atomic step. The killed run leaves the entries it had
moved (charts first, the Markdown last) and a staging folder holding the rest and a
journal; the next run into the same folder finishes the move, so the files end whole
and consistent, never the new charts beside an old or missing report.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from reportgen import output
from reportgen.errors import OutputError
from reportgen.output import PUBLISH_JOURNAL, STAGING_PREFIX, publish_files

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork to die mid-publish")


def _files(version: str) -> dict[str, bytes]:
    return {
        "R_files/chart.png": f"chart {version}".encode(),
        "R.docx": f"word {version}".encode(),
        "R.md": f"markdown {version}".encode(),
    }


def _contents(out: Path) -> dict[str, bytes]:
    return {
        str(path.relative_to(out)): path.read_bytes()
        for path in sorted(out.rglob("*"))
        if path.is_file()
    }


def _die_in_child(
    out: Path, files: dict[str, bytes], step: str, after: int, *, force: bool
) -> None:
    """Publish ``files`` in a child process that is killed (``os._exit``, no cleanup) at
    the call number ``after`` of ``output.<step>``."""
    pid = os.fork()
    if pid == 0:  # the child
        calls = 0
        real = getattr(output, step)

        def call_then_maybe_die(*args, **kwargs):
            nonlocal calls
            if calls == after:
                os._exit(9)
            calls += 1
            return real(*args, **kwargs)

        setattr(output, step, call_then_maybe_die)
        try:
            publish_files(out, files, force=force)
        finally:
            os._exit(0)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 9


def _die_after_moves(out: Path, files: dict[str, bytes], moves: int, *, force: bool) -> None:
    _die_in_child(out, files, "_move_into_place", moves, force=force)


def _stagings(out: Path) -> list[Path]:
    return sorted(out.glob(STAGING_PREFIX + "*"))


@pytest.mark.parametrize("moves", [1, 2])
def test_the_next_run_finishes_a_half_published_report_then_refuses_to_overwrite(tmp_path, moves):
    out = tmp_path / "out"
    _die_after_moves(out, _files("new"), moves, force=False)
    visible = sorted(p.name for p in out.iterdir() if not p.name.startswith("."))
    assert visible == sorted(["R_files", "R.docx"][:moves])  # never R.md alone
    [staging] = _stagings(out)
    assert json.loads((staging / PUBLISH_JOURNAL).read_text())["entries"] == [
        "R_files", "R.docx", "R.md",
    ]  # fmt: skip

    with pytest.raises(OutputError, match="--force"):
        publish_files(out, _files("rerun"), force=False)
    assert _contents(out) == _files("new")  # finished, whole, and not overwritten
    assert _stagings(out) == []


def test_a_forced_run_killed_mid_publish_is_finished_with_its_own_files(tmp_path):
    out = tmp_path / "out"
    publish_files(out, _files("old"), force=False)
    (out / "R_files" / "stale.png").write_bytes(b"from an older run")
    _die_after_moves(out, _files("new"), 1, force=True)
    assert _contents(out)["R_files/chart.png"] == b"chart new"
    assert _contents(out)["R.md"] == b"markdown old"  # the mix a kill leaves …

    publish_files(out, {"other.md": b"another report"}, force=False)
    # … is finished by the next run into the folder, whatever it writes.
    assert _contents(out) == {**_files("new"), "other.md": b"another report"}
    assert _stagings(out) == []


def test_a_run_killed_while_staging_leaves_nothing_to_finish(tmp_path):
    out = tmp_path / "out"
    _die_in_child(out, _files("new"), "_write_journal", 0, force=False)
    assert [p.name for p in out.iterdir() if not p.name.startswith(".")] == []
    assert publish_files(out, _files("rerun"), force=False)
    assert _contents(out) == _files("rerun")
    assert _stagings(out) == []


def test_a_run_killed_once_every_file_is_staged_is_published_whole_by_the_next(tmp_path):
    out = tmp_path / "out"
    _die_after_moves(out, _files("new"), 0, force=False)
    assert [p.name for p in out.iterdir() if not p.name.startswith(".")] == []
    with pytest.raises(OutputError, match="--force"):
        publish_files(out, _files("rerun"), force=False)
    assert _contents(out) == _files("new")


def test_a_finished_entry_made_again_by_someone_else_is_not_replaced(tmp_path):
    out = tmp_path / "out"
    _die_after_moves(out, _files("new"), 1, force=False)
    (out / "R.docx").write_bytes(b"the user's own")
    publish_files(out, {"other.md": b"x"}, force=False)
    assert (out / "R.docx").read_bytes() == b"the user's own"
    assert not (out / "R.md").exists()  # published no further than the clash
    assert _stagings(out) == []


def test_a_journal_naming_paths_outside_the_folder_is_ignored(tmp_path):
    out = tmp_path / "out"
    _die_after_moves(out, _files("new"), 1, force=False)
    [staging] = _stagings(out)
    # Were "../escape" obeyed, out/escape would be moved over tmp_path/escape.
    (staging / PUBLISH_JOURNAL).write_text(json.dumps({"entries": ["../escape"], "force": True}))
    (tmp_path / "escape").mkdir()
    (tmp_path / "escape" / "keep").write_text("mine")
    (out / "escape").mkdir()
    (out / "escape" / "x").write_text("the user's folder in out")
    publish_files(out, {"other.md": b"x"}, force=False)
    assert (tmp_path / "escape" / "keep").read_text() == "mine"
    assert (out / "escape" / "x").is_file()
    assert _stagings(out) == []


@pytest.mark.parametrize(
    ("journal", "mode"),
    [
        ("[" * 100_000, 0o600),  # nested past the parser's recursion limit
        (json.dumps({"entries": ["R\u0000.md"], "force": True}), 0o600),
        (json.dumps({"entries": ["R\ud800.md"], "force": True}), 0o600),
        (json.dumps({"entries": "R.md", "force": True}), 0o600),
        (json.dumps(["R.md"]), 0o600),
        ("not json", 0o600),
        ("as written", 0o666),  # reportgen's own journal, but anyone could have written it
    ],
)
def test_a_damaged_or_untrusted_journal_is_not_obeyed_and_raises_nothing(tmp_path, journal, mode):
    out = tmp_path / "out"
    _die_after_moves(out, _files("new"), 1, force=False)
    [staging] = _stagings(out)
    if journal != "as written":
        (staging / PUBLISH_JOURNAL).write_text(journal)
    (staging / PUBLISH_JOURNAL).chmod(mode)
    publish_files(out, {"other.md": b"x"}, force=False)
    assert sorted(p.name for p in out.iterdir()) == ["R_files", "other.md"]


def test_the_journal_reportgen_writes_is_private(tmp_path):
    out = tmp_path / "out"
    _die_after_moves(out, _files("new"), 1, force=False)
    [staging] = _stagings(out)
    assert (staging / PUBLISH_JOURNAL).stat().st_mode & 0o777 == 0o600


@pytest.mark.parametrize("stop", [KeyboardInterrupt, OSError])
def test_a_run_stopped_between_two_moves_leaves_its_journal_for_the_next(tmp_path, stop):
    out = tmp_path / "out"
    child = os.fork()
    if child == 0:  # a run that is stopped (Ctrl-C, a full disk) and then exits
        real_move = output._move_into_place
        calls = []

        def move_once_then_stop(*args: Path) -> None:
            if calls:
                raise stop(28, "No space left on device") if stop is OSError else stop()
            calls.append(args)
            real_move(*args)

        output._move_into_place = move_once_then_stop
        try:
            publish_files(out, _files("new"), force=False)
        except (KeyboardInterrupt, OutputError):
            os._exit(1)
        finally:
            os._exit(0)
    _, status = os.waitpid(child, 0)
    assert os.waitstatus_to_exitcode(status) == 1  # it was stopped, as meant
    assert [p.name for p in out.iterdir() if not p.name.startswith(".")] == ["R_files"]
    [staging] = _stagings(out)
    assert (staging / PUBLISH_JOURNAL).is_file()

    publish_files(out, {"other.md": b"x"}, force=False)
    assert _contents(out) == {**_files("new"), "other.md": b"x"}
    assert _stagings(out) == []


def test_a_folder_another_run_claimed_first_is_left_to_it(tmp_path):
    out = tmp_path / "out"
    _die_after_moves(out, _files("new"), 1, force=False)
    [staging] = _stagings(out)
    assert output._claim(staging.with_name(staging.name + "x"), STAGING_PREFIX) is None
    claimed = output._claim(staging, STAGING_PREFIX)
    assert claimed is not None and not staging.exists()
    assert output._is_stale(claimed, STAGING_PREFIX) is False  # now owned by a live run
