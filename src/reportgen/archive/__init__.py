"""The year-end archive: every report of a period, an index, a manifest; and verifying it.

Public API (used by the ``archive`` and ``verify`` commands):

* :class:`ArchiveOptions` and :func:`build_archive` -> :class:`ArchiveResult`
* :func:`verify_archive` -> :class:`VerifyOutcome`
"""

from reportgen.archive.build import ArchiveResult, archive_scopes, build_archive
from reportgen.archive.options import ArchiveOptions
from reportgen.archive.verify import VerifyOutcome, verify_archive

__all__ = [
    "ArchiveOptions",
    "ArchiveResult",
    "VerifyOutcome",
    "archive_scopes",
    "build_archive",
    "verify_archive",
]
