"""What an archive run was asked for: languages, formats, notes, templates, processes."""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from reportgen.choices import split_list
from reportgen.config import LANGUAGES
from reportgen.errors import ReportgenError

FORMATS = ("md", "docx", "pdf")  # every one by default: the PDF/A is HR's copy


@dataclass(frozen=True)
class ArchiveOptions:
    languages: tuple[str, ...]
    formats: tuple[str, ...]
    notes_dir: Path | None
    templates_dir: Path | None
    reference_docx: Path | None
    jobs: int

    @classmethod
    def build(
        cls,
        languages: str | Sequence[str],
        formats: str | Sequence[str] = FORMATS,
        notes_dir: Path | None = None,
        templates_dir: Path | None = None,
        reference_docx: Path | None = None,
        jobs: int | None = None,
    ) -> ArchiveOptions:
        """Check every option up front, so a bad one fails before any report is rendered."""
        if jobs is None:
            jobs = os.cpu_count() or 1
        if jobs < 1:
            raise ReportgenError(f"--jobs must be at least 1, found {jobs}")
        for label, folder in (("--notes", notes_dir), ("--templates", templates_dir)):
            if folder is not None and not Path(folder).is_dir():
                raise ReportgenError(f"{label} {folder}: not a folder")
        if reference_docx is not None and not Path(reference_docx).is_file():
            raise ReportgenError(f"--reference-docx {reference_docx}: not a file")
        return cls(
            languages=split_list(languages, "language", LANGUAGES),
            formats=split_list(formats, "format", FORMATS),
            notes_dir=Path(notes_dir) if notes_dir is not None else None,
            templates_dir=Path(templates_dir) if templates_dir is not None else None,
            reference_docx=Path(reference_docx) if reference_docx is not None else None,
            jobs=jobs,
        )
