"""Where each report lives inside an archive folder.

    DIR/collectors/<collector_id>/<basename>.md, .docx, <basename>_files/*.png
    DIR/teams/<team_id>/...
    DIR/all/...
    DIR/index.md, DIR/index.csv, DIR/manifest.json

Every scope has its own folder, and each language its own basename inside it,
so no two reports share or overwrite a file (charts included).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from reportgen.errors import ReportgenError
from reportgen.scope import Scope

INDEX_MD = "index.md"
INDEX_CSV = "index.csv"
MANIFEST = "manifest.json"

_KIND_FOLDERS = {"collector": "collectors", "team": "teams"}
# Characters that Windows, macOS or Linux refuse (or treat specially) in a file name.
_UNSAFE = re.compile(r'[\x00-\x1f\x7f<>:"/\\|?*]')


def safe_component(identifier: str) -> str:
    """A folder name for an identifier: unsafe characters become ``_``; never ``.``/``..``."""
    name = _UNSAFE.sub("_", identifier).strip(" .")
    return name or "_"


def scope_folder(scope: Scope) -> str:
    """The folder (relative, POSIX) holding a scope's reports."""
    if scope.kind == "all":
        return "all"
    assert scope.id is not None
    return f"{_KIND_FOLDERS[scope.kind]}/{safe_component(scope.id)}"


def check_distinct_folders(scopes: Iterable[Scope]) -> None:
    """Two identifiers that map to one folder (``A/1`` and ``A_1``; ``c1`` and ``C1`` on a
    case-insensitive disk) would overwrite each other's reports: refuse up front."""
    seen: dict[str, Scope] = {}
    for scope in scopes:
        key = scope_folder(scope).casefold()
        if key in seen:
            other = seen[key]
            raise ReportgenError(
                f"{scope.kind} {scope.id!r} and {other.kind} {other.id!r} would share the "
                f"archive folder {scope_folder(scope)!r}; make their ids differ by more "
                "than letter case or characters not allowed in file names"
            )
        seen[key] = scope


def report_path(folder: str, relative: str) -> str:
    """Join a renderer's relative file path under the scope's folder, refusing any path that
    would escape it or is oddly formed (absolute, a drive, empty, ``.`` or ``..`` parts)."""
    parts = relative.replace("\\", "/").split("/")
    if any(part in ("", ".", "..") for part in parts) or ":" in parts[0]:
        raise ReportgenError(f"renderer produced an unsafe file path {relative!r}")
    return f"{folder}/{'/'.join(parts)}"
