"""A notes folder for the archive: one YAML file per collector, team or the whole centre.

    C001.yaml       collector C001
    team-T01.yaml   team T01
    all.yaml        the all-collectors report

Every file is read and checked before any report is rendered; a file that
names no one on the roster, or that does not parse, stops the run up front.
Files that are not YAML (``.yaml``/``.yml``), hidden files and subfolders are
ignored, so a README beside the notes does no harm. A notes file that is a link
leading out of the folder is refused, as template folders refuse theirs: a
planted link must not make the archive read (and quote in an error) any file.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from reportgen.errors import ReportgenError
from reportgen.scope import Scope

NOTES_SUFFIXES = (".yaml", ".yml")
TEAM_PREFIX = "team-"
ALL_STEM = "all"


class NotesFolderError(ReportgenError):
    """Raised when a notes file names no one on the roster, is doubled, or does not parse."""


_EXPECTED = (
    "a file named <collector_id>.yaml, team-<team_id>.yaml or all.yaml "
    "for someone on the collectors roster"
)


def scope_for_notes_file(stem: str, collector_ids: set[str], team_ids: set[str]) -> Scope | None:
    """The scope a notes file's name points to, or ``None`` when it names no one."""
    if stem == ALL_STEM:
        return Scope.everyone()
    if stem.startswith(TEAM_PREFIX) and stem[len(TEAM_PREFIX) :] in team_ids:
        return Scope.team(stem[len(TEAM_PREFIX) :])
    if stem in collector_ids:
        return Scope.collector(stem)
    return None


def notes_files(notes_dir: Path) -> list[Path]:
    """The YAML entries of a notes folder, sorted by name (hidden files skipped). Entries
    that are not regular files are included, so that loading them names the mistake
    (a folder or pipe named C001.yaml is not silently passed over)."""
    return sorted(
        path
        for path in Path(notes_dir).iterdir()
        if not path.name.startswith(".") and path.suffix.lower() in NOTES_SUFFIXES
    )


def _inside(path: Path, root: Path) -> bool:
    return root == path or root in path.parents


def load_notes_folder(
    notes_dir: Path, collector_ids: Iterable[str], team_ids: Iterable[str]
) -> dict[Scope, Any]:
    """Parse every notes file of ``notes_dir``; raise one error listing every problem."""
    from reportgen.render.notes import load_notes

    collectors, teams = set(collector_ids), set(team_ids)
    problems: list[str] = []
    found: dict[Scope, Path] = {}
    notes: dict[Scope, Any] = {}
    root = Path(os.path.realpath(notes_dir))
    for path in notes_files(notes_dir):
        if not _inside(Path(os.path.realpath(path)), root):
            problems.append(f"{path}: a link leading outside the notes folder; refused")
            continue
        scope = scope_for_notes_file(path.stem, collectors, teams)
        if scope is None:
            problems.append(f"{path}: {path.stem!r} is not on the roster; expected {_EXPECTED}")
            continue
        if scope in found:
            problems.append(
                f"{path}: a second notes file for {path.stem!r} (the first is {found[scope].name})"
            )
            continue
        found[scope] = path
        try:
            notes[scope] = load_notes(path)
        except ReportgenError as exc:  # its message already names the file
            problems.append(str(exc))
    if problems:
        listing = "\n  ".join(problems)
        raise NotesFolderError(
            f"{len(problems)} problem(s) in the notes folder {notes_dir}:\n  {listing}"
        )
    return notes
